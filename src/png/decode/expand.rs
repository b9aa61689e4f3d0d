//! Row expansion of the row pipeline: palette to RGB(A), low-bit gray to
//! 8 bits, tRNS colour keys to an alpha channel, 16 to 8 bits, and the
//! red/blue swap. Each function is the `png` crate's `EXPAND` transform for
//! one case, so the outputs agree byte for byte.

#[cfg(not(pixb64_small))]
use super::convert::Convert;
use super::{ColorType, DecodeOptions, Preamble, Trns};
use crate::image::{ChannelOrder, Depth};

/// Pixels per piece when a row is converted in two stages: the first
/// stage's output for one piece (at most 8 bytes a pixel) stays on the
/// stack.
#[cfg(not(pixb64_small))]
const PIECE: usize = 64;

/// How an unfiltered row becomes output pixels.
// The palette table (1 KiB) makes one variant large; there is one `Kind` per
// decode, on the stack, so boxing it would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Kind {
    /// Bytes as they are (8- or 16-bit samples, no key).
    Copy,
    /// 16-bit samples to their high byte.
    Strip16,
    /// Gray below 8 bits, scaled to 8; `key` (the low byte of the tRNS
    /// value, compared with the unscaled sample) adds alpha. `nibbles`:
    /// see [`gray_nibbles`].
    GrayLow {
        bits: u8,
        key: Option<u8>,
        #[cfg(not(pixb64_small))]
        nibbles: [u64; 16],
    },
    /// 8-bit gray or RGB with a colour key: `ch` samples plus alpha.
    Key8 { ch: usize, key: [u8; 3] },
    /// 16-bit gray or RGB with a colour key (`None`: a key of the wrong
    /// length, which never matches), optionally stripped to 8 bits.
    Key16 {
        ch: usize,
        key: Option<[u8; 6]>,
        strip: bool,
    },
    /// Palette indices of `bits` bits to RGB, or RGBA when `alpha`.
    Palette {
        bits: u8,
        table: [[u8; 4]; 256],
        alpha: bool,
    },
}

pub(super) struct Expand {
    kind: Kind,
    /// The second stage, when the requested channels differ from the
    /// `EXPAND` output (not in the small form: see
    /// [`DecodeError::ChannelsUnavailable`](super::DecodeError::ChannelsUnavailable)).
    #[cfg(not(pixb64_small))]
    convert: Option<Convert>,
    /// Bits per pixel in the file.
    #[cfg(not(pixb64_small))]
    bits_pp: usize,
    /// Swap samples 0 and 2 of each output pixel.
    swap: bool,
    out_bpp: usize,
    depth: Depth,
}

impl Expand {
    pub(super) fn new(pre: &Preamble<'_>, opts: &DecodeOptions) -> Self {
        let (channels, depth) = super::output_format(pre, opts);
        #[cfg(not(pixb64_small))]
        let convert = {
            let stored = super::plan::stored_channels(pre);
            (channels != stored).then(|| Convert::new(pre, stored, channels, opts.strip_16))
        };
        #[cfg(pixb64_small)]
        let convert: Option<()> = None;
        let bits = pre.bit_depth;
        // With a second stage, 16 bits are reduced there (after the gray
        // conversion, as libpng does).
        let strip = bits == 16 && opts.strip_16 && convert.is_none();
        let kind = match (pre.color, pre.trns) {
            (ColorType::Indexed, trns) => {
                let pal = pre.palette.unwrap_or(&[]);
                let entries = pal.len() / 3;
                let mut table = [[0, 0, 0, 0xFF]; 256];
                for (t, rgb) in table.iter_mut().zip(pal.chunks_exact(3)) {
                    t[..3].copy_from_slice(rgb);
                }
                // Like the `png` crate: more alphas than palette entries
                // means the whole tRNS chunk is ignored (but the output
                // still has an alpha channel).
                if let Some(Trns::Alphas(a)) = trns {
                    if a.len() <= entries {
                        for (t, &alpha) in table.iter_mut().zip(a) {
                            t[3] = alpha;
                        }
                    }
                }
                Kind::Palette {
                    bits,
                    table,
                    alpha: trns.is_some(),
                }
            }
            (ColorType::Gray, trns) if bits < 8 => {
                let key = match trns {
                    Some(Trns::Key(k)) => Some(k[1]),
                    _ => None,
                };
                Kind::GrayLow {
                    bits,
                    key,
                    #[cfg(not(pixb64_small))]
                    nibbles: gray_nibbles(bits, key),
                }
            }
            (ColorType::Gray | ColorType::Rgb, Some(Trns::Key(k))) => {
                let ch = usize::from(pre.color.samples());
                if bits == 8 {
                    let mut key = [0; 3];
                    for (i, v) in key.iter_mut().enumerate().take(ch) {
                        *v = k[2 * i + 1];
                    }
                    Kind::Key8 { ch, key }
                } else {
                    let key = (k.len() == 2 * ch).then(|| {
                        let mut a = [0; 6];
                        a[..k.len()].copy_from_slice(k);
                        a
                    });
                    Kind::Key16 { ch, key, strip }
                }
            }
            _ if strip => Kind::Strip16,
            _ => Kind::Copy,
        };
        Expand {
            kind,
            #[cfg(not(pixb64_small))]
            convert,
            #[cfg(not(pixb64_small))]
            bits_pp: usize::from(pre.color.samples()) * usize::from(bits),
            swap: opts.order == ChannelOrder::Bgr && channels >= 3,
            out_bpp: usize::from(channels) * depth.bytes(),
            depth,
        }
    }

    /// Expands one unfiltered row of `width` pixels into `out`
    /// (`width * out_bpp` bytes).
    pub(super) fn row(&self, raw: &[u8], width: usize, out: &mut [u8]) {
        #[cfg(pixb64_small)]
        self.stage1(raw, width, out);
        #[cfg(not(pixb64_small))]
        match &self.convert {
            None => self.stage1(raw, width, out),
            Some(conv) => {
                let mut mid = [0u8; PIECE * 8];
                let in_bpp = conv.in_bpp();
                let mut p = 0;
                while p < width {
                    let n = PIECE.min(width - p);
                    // PIECE * bits_pp is a whole number of bytes.
                    let r0 = p * self.bits_pp / 8;
                    let r1 = (r0 + (n * self.bits_pp).div_ceil(8)).min(raw.len());
                    let m = &mut mid[..n * in_bpp];
                    self.stage1(&raw[r0..r1], n, m);
                    conv.run(m, &mut out[p * self.out_bpp..(p + n) * self.out_bpp]);
                    p += n;
                }
            }
        }
        if self.swap {
            swap_red_blue(out, self.out_bpp, self.depth);
        }
    }

    /// The `EXPAND` output of `width` pixels.
    fn stage1(&self, raw: &[u8], width: usize, out: &mut [u8]) {
        match self.kind {
            Kind::Copy => out.copy_from_slice(&raw[..out.len()]),
            Kind::Strip16 => {
                for (o, pair) in out.iter_mut().zip(raw.chunks_exact(2)) {
                    *o = pair[0];
                }
            }
            // A row byte's two nibbles through the table, whole words.
            #[cfg(not(pixb64_small))]
            Kind::GrayLow {
                bits,
                key,
                ref nibbles,
            } => gray_low(raw, nibbles, bits, key.is_some(), out),
            #[cfg(pixb64_small)]
            Kind::GrayLow { bits, key } => {
                let scale = 255 / ((1u8 << bits) - 1);
                match key {
                    None => {
                        let out = &mut out[..width];
                        unpack_indices(raw, bits, out);
                        for v in out {
                            *v *= scale;
                        }
                    }
                    // The samples into the second half of the row, then
                    // widened forward in place: pixel `i` is read (at
                    // `width + i`) before its two bytes (`2i`, `2i + 1`)
                    // are written, and those never reach a sample not yet
                    // read.
                    Some(k) => {
                        let (out, w) = (&mut out[..2 * width], width);
                        unpack_indices(raw, bits, &mut out[w..]);
                        for i in 0..w {
                            let v = out[w + i];
                            out[2 * i] = v * scale;
                            out[2 * i + 1] = if v == k { 0 } else { 0xFF };
                        }
                    }
                }
            }
            Kind::Key8 { ch, key } => keyed(raw, out, ch, 1, Some(&key[..ch])),
            Kind::Key16 { ch, key, strip } => {
                let opaque = |px: &[u8]| key.is_none_or(|k| *px != k[..2 * ch]);
                if strip {
                    for (px, o) in raw.chunks_exact(2 * ch).zip(out.chunks_exact_mut(ch + 1)) {
                        for i in 0..ch {
                            o[i] = px[2 * i];
                        }
                        o[ch] = if opaque(px) { 0xFF } else { 0 };
                    }
                } else {
                    keyed(raw, out, 2 * ch, 2, key.as_ref().map(|k| &k[..2 * ch]));
                }
            }
            Kind::Palette {
                bits,
                ref table,
                alpha,
            } => {
                if bits == 8 {
                    palette8(raw, table, alpha, out);
                } else {
                    // Indices unpacked a piece at a time into a stack
                    // buffer, then looked up as 8-bit ones: the lookups run
                    // as one tight loop (one call per pixel, with a
                    // run-time copy length, was 9x the png crate's time on a
                    // 4-bit 640x480 screenshot).
                    #[cfg(not(pixb64_small))]
                    {
                        let n_out = if alpha { 4 } else { 3 };
                        by_pieces(raw, bits, width, |p, idx| {
                            let o = &mut out[p * n_out..(p + idx.len()) * n_out];
                            palette8(idx, table, alpha, o);
                        });
                    }
                    // The small form, without the stack buffer and the
                    // second loop: the indices into the row's last `width`
                    // bytes, then looked up forward in place (pixel `i`'s
                    // bytes end before index `i + 1`, as for gray above).
                    #[cfg(pixb64_small)]
                    {
                        let n = if alpha { 4 } else { 3 };
                        let (out, w) = (&mut out[..n * width], width);
                        let base = (n - 1) * w;
                        unpack_indices(raw, bits, &mut out[base..]);
                        for i in 0..w {
                            let v = usize::from(out[base + i]);
                            out[n * i..n * i + n].copy_from_slice(&table[v][..n]);
                        }
                    }
                }
            }
        }
    }
}

/// Unpacks the 1-, 2- or 4-bit samples of `width` pixels 256 at a time into
/// a stack buffer, and hands each piece to `f` with its first pixel's
/// index, so that what is done with them runs as one tight loop.
#[cfg(not(pixb64_small))]
fn by_pieces(raw: &[u8], bits: u8, width: usize, mut f: impl FnMut(usize, &[u8])) {
    let per_byte = usize::from(8 / bits);
    let mut idx = [0u8; 256];
    let mut p = 0;
    while p < width {
        let n = idx.len().min(width - p);
        // `p` is a multiple of 256, so of `per_byte`.
        let bytes = &raw[p / per_byte..(p + n).div_ceil(per_byte)];
        unpack_indices(bytes, bits, &mut idx[..n]);
        f(p, &idx[..n]);
        p += n;
    }
}

/// The output of each nibble of a low-bit gray row byte: its `4 / bits`
/// samples (high bits first) scaled to 8 bits, each followed by its alpha
/// when there is a key (0 where the unscaled sample equals it, else 0xFF),
/// little-endian from the low byte. For example 2-bit samples with a key,
/// nibble `0b01_10`: bytes `55 FF AA FF` (samples 1 and 2, scaled by 85).
/// Built once per image (16 entries), so that a row is two lookups and two
/// whole-word stores per byte instead of a shift, a multiply and a compare
/// per sample (`tbbn0g04`, 32x32 4-bit gray with a key, was the PngSuite
/// file where zune-png led most).
#[cfg(not(pixb64_small))]
fn gray_nibbles(bits: u8, key: Option<u8>) -> [u64; 16] {
    let scale = 255 / ((1u8 << bits) - 1);
    let mask = (1u8 << bits) - 1;
    let mut t = [0u64; 16];
    for (n, e) in (0u8..).zip(t.iter_mut()) {
        let mut at = 0;
        for k in 1..=4 / bits {
            let v = (n >> (4 - bits * k)) & mask;
            *e |= u64::from(v * scale) << at;
            at += 8;
            if let Some(key) = key {
                *e |= u64::from(if v == key { 0u8 } else { 0xFF }) << at;
                at += 8;
            }
        }
    }
    t
}

/// Low-bit gray of `bits` bits, with alpha when `keyed`, through
/// [`gray_nibbles`]' `table`: one copy of the loop per entry size.
#[cfg(not(pixb64_small))]
fn gray_low(raw: &[u8], table: &[u64; 16], bits: u8, keyed: bool, out: &mut [u8]) {
    match (4 / bits) * (1 + u8::from(keyed)) {
        1 => by_nibbles::<1>(raw, table, out),
        2 => by_nibbles::<2>(raw, table, out),
        4 => by_nibbles::<4>(raw, table, out),
        _ => by_nibbles::<8>(raw, table, out),
    }
}

/// Low-bit gray through [`gray_nibbles`]' table, whose entries are `NB`
/// bytes: each row byte's high nibble, then its low one. The last byte of a
/// row whose width leaves part of it unused gives only the bytes `out` has
/// room for.
#[cfg(not(pixb64_small))]
fn by_nibbles<const NB: usize>(raw: &[u8], table: &[u64; 16], out: &mut [u8]) {
    let bytes = |b: u8| {
        let mut w = [0u8; 16];
        w[..NB].copy_from_slice(&table[usize::from(b >> 4)].to_le_bytes()[..NB]);
        w[NB..2 * NB].copy_from_slice(&table[usize::from(b & 15)].to_le_bytes()[..NB]);
        w
    };
    let whole = out.len() / (2 * NB);
    let mut o = out.chunks_exact_mut(2 * NB);
    for (o, &b) in (&mut o).zip(raw) {
        o.copy_from_slice(&bytes(b)[..2 * NB]);
    }
    let rest = o.into_remainder();
    if let Some(&b) = raw.get(whole) {
        let n = rest.len();
        rest.copy_from_slice(&bytes(b)[..n]);
    }
}

/// Looks up 8-bit palette indices: RGBA entries, or their RGB.
fn palette8(raw: &[u8], table: &[[u8; 4]; 256], alpha: bool, out: &mut [u8]) {
    if alpha {
        for (o, &i) in out.chunks_exact_mut(4).zip(raw) {
            o.copy_from_slice(&table[usize::from(i)]);
        }
    } else {
        // Four pixels (12 bytes) as three little-endian words, so that each
        // store is whole rather than a 2-byte and a 1-byte one per pixel:
        //   word 0 = R0 G0 B0 R1, word 1 = G1 B1 R2 G2, word 2 = B2 R3 G3 B3
        // (not in the small form: 220 bytes of flash).
        #[cfg(pixb64_small)]
        let done = 0;
        #[cfg(not(pixb64_small))]
        let done = {
            let rgb = |i: u8| u32::from_le_bytes(table[usize::from(i)]) & 0x00ff_ffff;
            for (o, i) in out.chunks_exact_mut(12).zip(raw.chunks_exact(4)) {
                let (a, b, c, d) = (rgb(i[0]), rgb(i[1]), rgb(i[2]), rgb(i[3]));
                o[0..4].copy_from_slice(&(a | b << 24).to_le_bytes());
                o[4..8].copy_from_slice(&(b >> 8 | c << 16).to_le_bytes());
                o[8..12].copy_from_slice(&(c >> 16 | d << 8).to_le_bytes());
            }
            raw.len().min(out.len() / 3) / 4 * 4
        };
        for (o, &i) in out[3 * done..].chunks_exact_mut(3).zip(&raw[done..]) {
            o.copy_from_slice(&table[usize::from(i)][..3]);
        }
    }
}

/// The `idx.len()` samples of `bits` (1, 2 or 4) bits packed MSB-first in
/// `raw`, one per byte of `idx`. One function per width so that a byte's
/// samples come out with constant shifts, unrolled (a loop with a run-time
/// count per byte took 1 ns a pixel: the 4-bit 640x480 `windows95.png`
/// decoded at 0.88x the `png` crate).
/// The small form has one copy with the width at run time (the three
/// cost 370 bytes of flash).
fn unpack_indices(raw: &[u8], bits: u8, idx: &mut [u8]) {
    #[inline(always)]
    fn run(raw: &[u8], idx: &mut [u8], b: usize) {
        let per = 8 / b;
        let mask = ((1u16 << b) - 1) as u8;
        let whole = idx.len() / per;
        let mut outs = idx.chunks_exact_mut(per);
        for (o, &byte) in (&mut outs).zip(raw) {
            for (k, v) in o.iter_mut().enumerate() {
                *v = (byte >> (8 - b * (k + 1))) & mask;
            }
        }
        let tail = outs.into_remainder();
        if let Some(&byte) = raw.get(whole) {
            for (k, v) in tail.iter_mut().enumerate() {
                *v = (byte >> (8 - b * (k + 1))) & mask;
            }
        }
    }
    #[cfg(pixb64_small)]
    run(raw, idx, usize::from(bits));
    #[cfg(not(pixb64_small))]
    match bits {
        1 => run(raw, idx, 1),
        2 => run(raw, idx, 2),
        _ => run(raw, idx, 4),
    }
}

/// Copies pixels of `n` bytes and appends `a` alpha bytes to each: 0 where
/// the pixel equals `key` (a tRNS colour key), else 0xFF. One copy per
/// pixel size, so that the copies are of constant length (with a run-time
/// length each was a `memcpy` call: 15 ns a pixel on PngSuite's 16-bit
/// keyed files); one run-time copy in the small form.
fn keyed(raw: &[u8], out: &mut [u8], n: usize, a: usize, key: Option<&[u8]>) {
    #[inline(always)]
    fn run(raw: &[u8], out: &mut [u8], n: usize, a: usize, key: Option<&[u8]>) {
        for (px, o) in raw.chunks_exact(n).zip(out.chunks_exact_mut(n + a)) {
            o[..n].copy_from_slice(px);
            let v = if key.is_some_and(|k| px == k) {
                0
            } else {
                0xFF
            };
            o[n..].fill(v);
        }
    }
    /// [`run`] a word per pixel: each pixel read as the low `N` bytes of
    /// an 8-byte load (so only while 8 bytes remain), compared with the
    /// key as one integer, and its alpha ORed in above it without a
    /// branch; the last pixels go through `run`.
    ///
    /// ```text
    ///   load (little endian)   [next pixel's bytes | px: N bytes]
    ///   & low N bytes          [0 ...              | px]
    ///   | alpha unless key     [0 | A bytes of 0xFF | px]  -> N + A bytes stored
    /// ```
    #[cfg(not(pixb64_small))]
    #[inline(always)]
    fn words<const N: usize, const A: usize>(raw: &[u8], out: &mut [u8], key: Option<&[u8]>) {
        let low = u64::MAX >> (64 - 8 * N);
        let alpha = (u64::MAX >> (64 - 8 * A)) << (8 * N);
        // A key of another length cannot match (a word above `low` never
        // equals a masked pixel).
        let k = match key {
            Some(k) if k.len() == N => k.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)),
            _ => u64::MAX,
        };
        let whole = (raw.len().saturating_sub(8 - N) / N).min(out.len() / (N + A));
        for (i, o) in out.chunks_exact_mut(N + A).take(whole).enumerate() {
            let w = u64::from_le_bytes(raw[N * i..N * i + 8].try_into().unwrap()) & low;
            let keep = u64::from(w == k).wrapping_sub(1); // all ones unless keyed
            o.copy_from_slice(&(w | (alpha & keep)).to_le_bytes()[..N + A]);
        }
        run(&raw[N * whole..], &mut out[(N + A) * whole..], N, A, key);
    }
    #[cfg(pixb64_small)]
    run(raw, out, n, a, key);
    #[cfg(not(pixb64_small))]
    match (n, a) {
        (1, 1) => words::<1, 1>(raw, out, key),
        (3, 1) => words::<3, 1>(raw, out, key),
        (2, 2) => words::<2, 2>(raw, out, key),
        (6, 2) => words::<6, 2>(raw, out, key),
        _ => run(raw, out, n, a, key),
    }
}

/// Swaps samples 0 and 2 of each pixel of `bpp` bytes (3 or 4 channels).
pub(super) fn swap_red_blue(row: &mut [u8], bpp: usize, depth: Depth) {
    match depth {
        Depth::Eight => {
            for px in row.chunks_exact_mut(bpp) {
                px.swap(0, 2);
            }
        }
        Depth::Sixteen => {
            for px in row.chunks_exact_mut(bpp) {
                px.swap(0, 4);
                px.swap(1, 5);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::keyed;
    #[cfg(not(pixb64_small))]
    use super::{gray_low, gray_nibbles};
    use alloc::vec;
    use alloc::vec::Vec;

    /// A fixed-seed stream of bytes (a 64-bit LCG's high bits).
    fn bytes(mut seed: u64) -> impl FnMut() -> u8 {
        move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        }
    }

    /// `keyed` on every pixel shape it has a word path for (and one it has
    /// not), rows of 0-40 pixels, keys that occur and one that does not,
    /// against the plain per-pixel rule.
    #[test]
    fn keyed_equals_the_per_pixel_rule() {
        let mut next = bytes(0x6b65_7965_6421_u64);
        for (n, a) in [(1, 1), (3, 1), (2, 2), (6, 2), (4, 2)] {
            for width in 0..=40 {
                // Few distinct values, so the key matches often.
                let raw: Vec<u8> = (0..n * width).map(|_| next() % 3).collect();
                let present = raw.get(..n).map(<[u8]>::to_vec);
                let absent = vec![7u8; n];
                for key in [present.as_deref(), Some(&absent[..]), None] {
                    let mut got = vec![0xA5; (n + a) * width + 3];
                    keyed(&raw, &mut got[..(n + a) * width], n, a, key);
                    let mut want = Vec::new();
                    for px in raw.chunks_exact(n) {
                        want.extend_from_slice(px);
                        let v = if key == Some(px) { 0 } else { 0xFF };
                        want.extend(core::iter::repeat_n(v, a));
                    }
                    want.extend_from_slice(&[0xA5; 3]);
                    assert_eq!(got, want, "n {n} a {a} width {width} key {key:?}");
                }
            }
        }
    }

    /// Low-bit gray through the nibble table, every depth, with and
    /// without a key (one in range, one the samples never take), rows of
    /// 0-40 pixels, against the per-sample rule: MSB-first samples scaled
    /// by 255 / (2^bits - 1), alpha 0 on the key.
    #[cfg(not(pixb64_small))]
    #[test]
    fn gray_nibbles_equal_the_per_sample_rule() {
        let mut next = bytes(0x6772_6179_u64);
        for bits in [1u8, 2, 4] {
            let scale = 255 / ((1u8 << bits) - 1);
            for key in [None, Some(1u8), Some(0x80)] {
                let table = gray_nibbles(bits, key);
                let per = 1 + usize::from(key.is_some());
                for width in 0..=40usize {
                    let raw: Vec<u8> = (0..(width * usize::from(bits)).div_ceil(8))
                        .map(|_| next())
                        .collect();
                    let mut want = Vec::new();
                    for i in 0..width {
                        let at = i * usize::from(bits);
                        let v =
                            (raw[at / 8] >> (8 - usize::from(bits) - at % 8)) & ((1 << bits) - 1);
                        want.push(v * scale);
                        if let Some(k) = key {
                            want.push(if v == k { 0 } else { 0xFF });
                        }
                    }
                    want.extend_from_slice(&[0xA5; 3]);
                    let mut got = vec![0xA5; per * width + 3];
                    let out = &mut got[..per * width];
                    gray_low(&raw, &table, bits, key.is_some(), out);
                    assert_eq!(got, want, "bits {bits} key {key:?} width {width}");
                }
            }
        }
    }
}
