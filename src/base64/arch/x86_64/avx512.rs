//! AVX-512 VBMI kernels, after Muła & Lemire, "Base64 encoding and decoding at
//! almost the speed of a memory copy" (Software: Practice and Experience, 2020).
//!
//! VBMI gives byte permutes over a whole 64-byte register (`vpermb`,
//! `vpermi2b`) and `vpmultishiftqb`, which pulls any 8 unaligned bits out of a
//! 64-bit lane. With them:
//!
//! - **encode** is three instructions per 48 input bytes: `vpermb` spreads each
//!   3-byte group into a 32-bit lane, `vpmultishiftqb` extracts the four 6-bit
//!   fields as bytes, and `vpermb` looks them up in the 64-symbol alphabet held
//!   in one register;
//! - **decode** translates 64 symbols at once with `vpermi2b` over a 128-entry
//!   table (two registers), checks them with one OR and `vpmovb2m`, packs the
//!   6-bit values with `vpmaddubsw` + `vpmaddwd` and compacts 64 bytes to 48
//!   with `vpermb`;
//! - **decode skipping whitespace** (VBMI2, for `FORGIVING`): clean blocks as
//!   above; line-wrapped text whose lines have the same length (MIME, PEM)
//!   a line, or four, at a time, the line breaks checked where they must be;
//!   any other whitespace dropped with `vpcompressb`, the symbols gathered
//!   into a ring buffer and packed from there.
//!
//! Every AVX-512BW memory access with a byte mask is fault-suppressing and
//! touches only the enabled bytes; the masks here only ever enable bytes inside
//! the slices, so no access leaves `input` or `output[..written]`.

use core::arch::x86_64::*;
use core::mem::MaybeUninit;

use crate::base64::arch::Short;
use crate::base64::{Alphabet, OutputTooSmall};

/// 64 bytes, aligned so each table loads from one cache line.
#[repr(C, align(64))]
struct Table64([u8; 64]);

/// A byte table of 128 entries (two registers for `vpermi2b`).
#[repr(C, align(64))]
struct Table128([u8; 128]);

/// Encode: each output lane `g` (bytes `4g..4g+4`) gathers the input bytes of
/// group `g` as `[s1, s0, s2, s1]`, so that the lane, read as a little-endian
/// 32-bit word, holds every 6-bit field in one contiguous run of bits:
///
/// ```text
/// input bytes:  s0 = aaaaaabb  s1 = bbbbcccc  s2 = ccdddddd
/// lane bits:    31..24    23..16    15..8     7..0
///               s1        s2        s0        s1
///               bbbbcccc  ccdddddd  aaaaaabb  bbbbcccc
/// fields:       a = bits 10..15, b = 4..9, c = 22..27, d = 16..21
/// ```
const ENC_SPREAD: Table64 = enc_spread(0);
/// [`ENC_SPREAD`] for a block that sits at byte 16 of its register (the last
/// block of an unrolled round, loaded so the load ends with the block).
const ENC_SPREAD_16: Table64 = enc_spread(16);

/// The window of a padded encode's last block, by `len % 3`: the last 48, 46
/// or 47 input bytes (whole groups, then the final partial one), read from
/// the 64 bytes that end the input, where they start at byte 16, 18 or 17.
/// The missing bytes of the partial group would be lanes 64 and 65, which
/// `vpermb` wraps to 0 and 1: [`ENC_TAIL_KEEP`] zeroes those lanes instead,
/// as base64's zero fill wants.
static ENC_SPREAD_TAIL: [Table64; 3] = [enc_spread(16), enc_spread(18), enc_spread(17)];
/// The lanes of [`ENC_SPREAD_TAIL`] that index a real byte (below 64).
const ENC_TAIL_KEEP: [u64; 3] = [
    keep_below_64(&ENC_SPREAD_TAIL[0]),
    keep_below_64(&ENC_SPREAD_TAIL[1]),
    keep_below_64(&ENC_SPREAD_TAIL[2]),
];

const fn keep_below_64(t: &Table64) -> u64 {
    let mut m = 0u64;
    let mut i = 0;
    while i < 64 {
        if t.0[i] < 64 {
            m |= 1 << i;
        }
        i += 1;
    }
    m
}

/// `vpmultishiftqb` shifts: per 32-bit lane, the bit offsets of `a` (10),
/// `b` (4), `c` (22), `d` (16) from the diagram above; the second lane of each
/// 64-bit word adds 32. The top two bits of each extracted byte are junk, and
/// `vpermb` ignores them (it uses the low 6 bits of each index).
const ENC_SHIFTS: i64 = 0x3036_242a_1016_040a;

const fn enc_spread(offset: u8) -> Table64 {
    let mut t = [0u8; 64];
    let mut g = 0;
    while g < 16 {
        let s = 3 * g as u8 + offset;
        t[4 * g] = s + 1;
        t[4 * g + 1] = s;
        t[4 * g + 2] = s + 2;
        t[4 * g + 3] = s + 1;
        g += 1;
    }
    Table64(t)
}

/// Decode: after packing, group `g` sits in 32-bit lane `g` as
/// `00000000 aaaaaabb bbbbcccc ccdddddd` (little-endian: bytes 2, 1, 0 are the
/// output bytes 0, 1, 2). This index gathers the 48 output bytes to the front.
const DEC_COMPACT: Table64 = {
    let mut t = [0u8; 64];
    let mut g = 0;
    while g < 16 {
        let mut j = 0;
        while j < 3 {
            t[3 * g + j] = (4 * g + 2 - j) as u8;
            j += 1;
        }
        g += 1;
    }
    Table64(t)
};

/// Marks a byte outside the alphabet in the decode tables (the high bit, which
/// `vpmovb2m` collects).
const INVALID: u8 = 0x80;
/// The whitespace bytes TAB, LF, FF, CR (bits 9, 10, 12, 13) and SPACE (bit
/// 32); all are below 64, so they live in the low half of the decode table.
const WS_LANES: u64 = (1 << 0x09) | (1 << 0x0A) | (1 << 0x0C) | (1 << 0x0D) | (1 << 0x20);

/// 7-bit decode table: entry `c` is the 6-bit value of symbol `c`, or
/// [`INVALID`]. `vpermi2b` indexes it with the low 7 bits of each input byte;
/// bytes `>= 0x80` are caught separately (their own high bit).
const fn dec_table(symbols: &[u8; 64]) -> Table128 {
    let mut t = [INVALID; 128];
    let mut v = 0;
    while v < 64 {
        t[symbols[v] as usize] = v as u8;
        v += 1;
    }
    Table128(t)
}

static DEC_STANDARD: Table128 = dec_table(crate::base64::tables::STANDARD_SYMBOLS);
static DEC_URL_SAFE: Table128 = dec_table(crate::base64::tables::URL_SAFE_SYMBOLS);

/// Byte `i` is `i`: the identity permutation, and byte positions.
const IOTA: Table64 = {
    let mut t = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        t[i] = i as u8;
        i += 1;
    }
    Table64(t)
};

/// The low `n` bits set (`n <= 64`): the mask of the first `n` bytes.
#[inline(always)]
fn low_mask(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// The 48 bytes a decoded block writes.
const MASK48: u64 = (1 << 48) - 1;

#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn load64(t: &Table64) -> __m512i {
    // SAFETY: `t.0` is 64 readable bytes, and `loadu` has no alignment need.
    unsafe { _mm512_loadu_si512(t.0.as_ptr().cast()) }
}

/// The two halves of a decode table, for `vpermi2b`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn load128(t: &Table128) -> (__m512i, __m512i) {
    // SAFETY: `t.0` is 128 readable bytes: the loads cover 0..64 and 64..128.
    unsafe {
        (
            _mm512_loadu_si512(t.0.as_ptr().cast()),
            _mm512_loadu_si512(t.0.as_ptr().add(64).cast()),
        )
    }
}

/// `vpermb` (`_mm512_permutexvar_epi8`): byte `i` of the result is byte
/// `idx[i] & 63` of `a`. Miri does not implement `vpermb` but does implement
/// `vpermi2b`, which with `a` as both tables gives the same bytes, so under
/// Miri the decoders run (see the tests).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn permute(idx: __m512i, a: __m512i) -> __m512i {
    #[cfg(not(miri))]
    {
        _mm512_permutexvar_epi8(idx, a)
    }
    #[cfg(miri)]
    {
        _mm512_permutex2var_epi8(a, idx, a)
    }
}

/// [`permute`] with the lanes outside `keep` zeroed.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn permute_maskz(keep: u64, idx: __m512i, a: __m512i) -> __m512i {
    #[cfg(not(miri))]
    {
        _mm512_maskz_permutexvar_epi8(keep, idx, a)
    }
    #[cfg(miri)]
    {
        _mm512_maskz_mov_epi8(keep, permute(idx, a))
    }
}

/// [`permute`] in the lanes of `keep`, `src` in the others.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn permute_or(src: __m512i, keep: u64, idx: __m512i, a: __m512i) -> __m512i {
    #[cfg(not(miri))]
    {
        _mm512_mask_permutexvar_epi8(src, keep, idx, a)
    }
    #[cfg(miri)]
    {
        _mm512_mask_mov_epi8(src, keep, permute(idx, a))
    }
}

/// Registers the encoder keeps for a whole call.
#[derive(Clone, Copy)]
struct EncRegs {
    spread: __m512i,
    spread_16: __m512i,
    shifts: __m512i,
    symbols: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn enc_regs(alphabet: Alphabet) -> EncRegs {
    let symbols = alphabet.symbols();
    EncRegs {
        spread: load64(&ENC_SPREAD),
        spread_16: load64(&ENC_SPREAD_16),
        shifts: _mm512_set1_epi64(ENC_SHIFTS),
        // SAFETY: `symbols` is 64 readable bytes.
        symbols: unsafe { _mm512_loadu_si512(symbols.as_ptr().cast()) },
    }
}

/// Encodes the 16 groups of 3 bytes that `spread` selects from `v` into 64
/// symbols.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn encode_block(r: &EncRegs, v: __m512i, spread: __m512i) -> __m512i {
    // s0 s1 s2 -> lane [s1 s0 s2 s1] (see ENC_SPREAD).
    let lanes = permute(spread, v);
    // Each output byte takes 8 bits starting at its field: ..aaaaaa ..bbbbbb ..
    let indices = _mm512_multishift_epi64_epi8(r.shifts, lanes);
    // Low 6 bits of each index -> symbol.
    permute(indices, r.symbols)
}

/// One unrolled round: 192 bytes at `src` to 256 symbols at `dst`. Blocks
/// 0-2 load 64 bytes from their start (16 bytes past the block, still inside
/// the round); block 3 loads the 64 bytes that end with it and its spread
/// index starts at byte 16.
///
/// # Safety
///
/// `src..src+192` readable, `dst..dst+256` writable.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
unsafe fn encode_round(regs: &EncRegs, src: *const u8, dst: *mut u8) {
    // SAFETY: the loads cover src+0..64, +48..112, +96..160 and +128..192,
    // all inside the 192 readable bytes.
    let (a, b, c, d) = unsafe {
        (
            _mm512_loadu_si512(src.cast()),
            _mm512_loadu_si512(src.add(48).cast()),
            _mm512_loadu_si512(src.add(96).cast()),
            _mm512_loadu_si512(src.add(128).cast()),
        )
    };
    let a = encode_block(regs, a, regs.spread);
    let b = encode_block(regs, b, regs.spread);
    let c = encode_block(regs, c, regs.spread);
    let d = encode_block(regs, d, regs.spread_16);
    // SAFETY: the four stores cover exactly the 256 writable bytes.
    unsafe {
        _mm512_storeu_si512(dst.cast(), a);
        _mm512_storeu_si512(dst.add(64).cast(), b);
        _mm512_storeu_si512(dst.add(128).cast(), c);
        _mm512_storeu_si512(dst.add(192).cast(), d);
    }
}

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn encode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 3).min(output.len() / 4);
    if groups == 0 {
        return (0, 0);
    }
    let (n_in, n_out) = (groups * 3, groups * 4);
    let regs = enc_regs(alphabet);
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    let (mut r, mut w) = (0, 0);
    // 192 bytes -> 256 symbols per round (see `encode_round`).
    while r + 192 <= n_in {
        // SAFETY: r + 192 <= n_in <= input.len(), and w = r / 3 * 4, so
        // w + 256 <= n_out <= output.len().
        unsafe { encode_round(&regs, src.add(r), dst.add(w)) };
        r += 192;
        w += 256;
    }
    // At most 4 more blocks of up to 16 groups, with exact masks.
    while r < n_in {
        let len = (n_in - r).min(48);
        let out = len / 3 * 4;
        // SAFETY: the mask enables bytes r..r+len, and r + len <= n_in <=
        // input.len(); disabled bytes are not accessed.
        let v = unsafe { _mm512_maskz_loadu_epi8(low_mask(len), src.add(r).cast()) };
        let e = encode_block(&regs, v, regs.spread);
        // SAFETY: the mask enables bytes w..w+out, and w + out = (r + len) / 3 * 4
        // <= n_out <= output.len().
        unsafe { _mm512_mask_storeu_epi8(dst.add(w).cast(), low_mask(out), e) };
        r += len;
        w += out;
    }
    (n_in, n_out)
}

/// Encodes the last `n` (1..=48) input bytes at `src`, the final partial
/// group and its padding included, to `out` symbols at `dst`, of which the
/// first `data` are data symbols and the rest `=`: one masked load, three
/// shuffles (the last one merging `=` past the data symbols) and one masked
/// store. The masked load zero-fills the missing bytes of a partial group,
/// which is exactly base64's zero bits.
///
/// # Safety
///
/// `1 <= n <= 48`, `1 <= data <= out <= 64`, `src..src+n` readable and
/// `dst..dst+out` writable.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
unsafe fn encode_masked(
    regs: &EncRegs,
    src: *const u8,
    n: usize,
    data: usize,
    out: usize,
    dst: *mut u8,
) {
    debug_assert!((1..=48).contains(&n) && 1 <= data && data <= out && out <= 64);
    // The first k bytes for 1 <= k <= 64, without a branch.
    let first = |k: usize| u64::MAX >> (64 - k);
    // SAFETY: the mask enables bytes 0..n, readable by the caller's contract.
    let v = unsafe { _mm512_maskz_loadu_epi8(first(n), src.cast()) };
    let lanes = permute(regs.spread, v);
    let indices = _mm512_multishift_epi64_epi8(regs.shifts, lanes);
    let e = permute_or(
        _mm512_set1_epi8(b'=' as i8),
        first(data),
        indices,
        regs.symbols,
    );
    // SAFETY: the mask enables bytes 0..out, writable by the caller's contract.
    unsafe { _mm512_mask_storeu_epi8(dst.cast(), first(out), e) };
}

/// Encodes all of `input`, the final partial group and its padding included,
/// into `output[..n]` and returns `Ok(n)`, or fails, writing nothing, if
/// `output` is shorter than the encoding: the whole of
/// `Base64::encode_to_slice` for this backend, which calls it last (a tail
/// call), so this function is the whole cost of a short encode and the
/// encoded length is computed once. Encoding has no other errors, so unlike
/// the prefix kernels this one finishes the job.
///
/// - 1..=48 bytes: one masked block ([`encode_masked`]).
/// - Longer ([`encode_long`]): 192-byte rounds, then 48-byte blocks with
///   plain stores, then a last window stored with one plain store where it
///   is whole groups or padding makes it so, or one masked block.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn encode_final(
    alphabet: Alphabet,
    input: &[u8],
    pad: bool,
    output: &mut [u8],
) -> Result<usize, OutputTooSmall> {
    let len = input.len();
    if len > 48 {
        return encode_long(alphabet, input, pad, output);
    }
    let (output, data) = exact_output(output, len, pad)?;
    let needed = output.len();
    if len > 0 {
        let regs = enc_regs(alphabet);
        // SAFETY: 1 <= len <= 48, so 2 <= data <= needed <= 64; the block
        // reads input[..len] and writes output[..needed].
        unsafe {
            encode_masked(
                &regs,
                input.as_ptr(),
                len,
                data,
                needed,
                output.as_mut_ptr(),
            )
        };
    }
    Ok(needed)
}

/// `output` cut to the encoded length of `len` bytes, and how many of those
/// symbols are data (not `=`): ceil(8 len / 6) data symbols, then `=` up to
/// a multiple of 4 if padding. `Err` if `output` is shorter. No overflow: a
/// slice's `len` is at most `isize::MAX`, so `len / 3 * 4 + 4 < usize::MAX`.
#[inline]
fn exact_output(
    output: &mut [u8],
    len: usize,
    pad: bool,
) -> Result<(&mut [u8], usize), OutputTooSmall> {
    // By `len % 3`, then with padding: the symbols of the final group, and
    // how many of them are `=` (a table, not branches or selects: this is
    // on every short encode's path).
    const TAIL: [(usize, usize); 6] = [(0, 0), (2, 0), (3, 0), (0, 0), (4, 2), (4, 1)];
    let whole = len / 3;
    let (tail, pads) = TAIL[len - 3 * whole + 3 * usize::from(pad)];
    let needed = 4 * whole + tail;
    match output.get_mut(..needed) {
        Some(output) => Ok((output, needed - pads)),
        None => Err(OutputTooSmall { needed }),
    }
}

/// [`encode_final`] for more than 48 bytes, out of line so that the short
/// path does not pay for this one's registers.
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn encode_long(
    alphabet: Alphabet,
    input: &[u8],
    pad: bool,
    output: &mut [u8],
) -> Result<usize, OutputTooSmall> {
    let len = input.len();
    let (output, _) = exact_output(output, len, pad)?;
    let needed = output.len();
    // Offsets from the ends, so that few registers stay live (the short
    // encodes this serves are mostly call overhead): `left` input bytes are
    // still to encode, and `out_left` symbols to write.
    let regs = enc_regs(alphabet);
    let src_end = input.as_ptr_range().end;
    let dst_end = output.as_mut_ptr_range().end;
    let (mut left, mut out_left) = (len, output.len());
    // The same 192-byte rounds as `encode_prefix` (192 is whole groups).
    while left >= 192 {
        // SAFETY: the round reads the 192 bytes at src_end - left, inside
        // `input` (left <= len), and writes the 256 symbols at dst_end -
        // out_left, inside `output`: out_left = needed - (len - left) / 3 * 4
        // >= left / 3 * 4 >= 256.
        unsafe { encode_round(&regs, src_end.sub(left), dst_end.sub(out_left)) };
        left -= 192;
        out_left -= 256;
    }
    // Whole blocks of 48 bytes while more than 48 are left: the loads are
    // plain where 64 bytes remain and masked to the input otherwise, but the
    // 64-symbol stores are plain (more than 48 bytes left means more than 64
    // symbols to write), since masked stores are the slow part of a masked
    // block on Zen 4.
    while left > 48 {
        let v = if left >= 64 {
            // SAFETY: the load covers the next 64 of the `left` bytes.
            unsafe { _mm512_loadu_si512(src_end.sub(left).cast()) }
        } else {
            let k = u64::MAX >> (64 - left);
            // SAFETY: the mask enables the `left` bytes up to src_end only.
            unsafe { _mm512_maskz_loadu_epi8(k, src_end.sub(left).cast()) }
        };
        let e = encode_block(&regs, v, regs.spread);
        // SAFETY: more than 48 bytes are left, so more than 64 symbols are
        // still to be written: out_left > 64.
        unsafe { _mm512_storeu_si512(dst_end.sub(out_left).cast(), e) };
        left -= 48;
        out_left -= 64;
    }
    if left == 0 {
        return Ok(needed);
    }
    // Every step took whole groups, so the final partial group is
    // `left % 3 = len % 3` bytes (found here, from a small number, so that it
    // does not take a register through the loops); `pads` symbols of `=`
    // end the output.
    let rem = left % 3;
    if rem == 0 && len >= 64 {
        // Whole groups: the last 48 input bytes, loaded as the input's last
        // 64, are the last 64 symbols, padding or not. One plain store, which
        // rewrites up to 60 symbols already stored, with the same values.
        // SAFETY: len >= 64, so the load covers the input's last 64 bytes.
        let v = unsafe { _mm512_loadu_si512(src_end.sub(64).cast()) };
        let e = encode_block(&regs, v, regs.spread_16);
        // SAFETY: the encoding of len >= 64 bytes is at least 88 symbols:
        // the store covers the output's last 64.
        unsafe { _mm512_storeu_si512(dst_end.sub(64).cast(), e) };
        return Ok(needed);
    }
    let pads = if pad && rem != 0 { 3 - rem } else { 0 };
    if pad && len >= 64 {
        // The 1..=48 bytes left end a window of 46-48 bytes (whole groups
        // and the final partial one) whose 64 symbols, padding included, end
        // exactly at the output's end: encode the window from the plain load
        // of the input's last 64 bytes and write it with one plain store. It
        // rewrites up to 60 symbols already stored, with the same values, and
        // saves the masked load and masked store of `encode_masked`.
        // SAFETY: len >= 64, so the load covers the input's last 64 bytes.
        let v = unsafe { _mm512_loadu_si512(src_end.sub(64).cast()) };
        let lanes = permute_maskz(ENC_TAIL_KEEP[rem], load64(&ENC_SPREAD_TAIL[rem]), v);
        let indices = _mm512_multishift_epi64_epi8(regs.shifts, lanes);
        // The top `pads` (0, 2 or 1) lanes are `=`.
        let e = permute_or(
            _mm512_set1_epi8(b'=' as i8),
            u64::MAX >> pads,
            indices,
            regs.symbols,
        );
        // SAFETY: the encoding of len >= 64 bytes is at least 88 symbols:
        // the store covers the output's last 64.
        unsafe { _mm512_storeu_si512(dst_end.sub(64).cast(), e) };
        return Ok(needed);
    }
    // SAFETY: 1..=48 bytes are left, up to src_end; their encoding is the
    // last `out_left` (2..=64) symbols of the output, `pads` of them `=`.
    unsafe {
        encode_masked(
            &regs,
            src_end.sub(left),
            left,
            out_left - pads,
            out_left,
            dst_end.sub(out_left),
        )
    };
    Ok(needed)
}

/// Registers the decoders keep for a whole call.
#[derive(Clone, Copy)]
struct DecRegs {
    /// The decode table, entries 0..64 and 64..128.
    lo: __m512i,
    hi: __m512i,
    compact: __m512i,
    /// `vpmaddubsw` weights (64, 1) and `vpmaddwd` weights (4096, 1).
    madd_bytes: __m512i,
    madd_words: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn dec_regs(alphabet: Alphabet) -> DecRegs {
    let (lo, hi) = load128(match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    });
    DecRegs {
        lo,
        hi,
        compact: load64(&DEC_COMPACT),
        madd_bytes: _mm512_set1_epi32(0x0140_0140),
        madd_words: _mm512_set1_epi32(0x0001_1000),
    }
}

/// Translates 64 bytes to their 6-bit values (or [`INVALID`]) with one
/// `vpermi2b` (the low 7 bits of each byte index the 128-entry table).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn translate(r: &DecRegs, v: __m512i) -> __m512i {
    _mm512_permutex2var_epi8(r.lo, v, r.hi)
}

/// The bytes of a block that are not symbols: the table said [`INVALID`], or
/// the input byte itself is `>= 0x80` (the table only saw its low 7 bits).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn invalid_mask(v: __m512i, t: __m512i) -> u64 {
    _mm512_movepi8_mask(_mm512_or_si512(v, t))
}

/// Packs 16 groups of four 6-bit values into 48 bytes at the front.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn pack(r: &DecRegs, t: __m512i) -> __m512i {
    // bytes 00aaaaaa 00bbbbbb 00cccccc 00dddddd
    //   -> words 0000aaaa aabbbbbb, 0000cccc ccdddddd   (a * 64 + b, c * 64 + d)
    let pairs = _mm512_maddubs_epi16(t, r.madd_bytes);
    //   -> dword 00000000 aaaaaabb bbbbcccc ccdddddd    (ab * 4096 + cd)
    let groups = _mm512_madd_epi16(pairs, r.madd_words);
    // 3 bytes of each dword, big-endian, to the front.
    permute(r.compact, groups)
}

/// Translates, checks and packs one block: `Some(48 bytes at the front)` if
/// all 64 bytes are symbols.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_block(r: &DecRegs, v: __m512i) -> Option<__m512i> {
    let t = translate(r, v);
    if invalid_mask(v, t) != 0 {
        return None;
    }
    Some(pack(r, t))
}

/// Decodes 2..=128 bytes that the caller has already split into symbols and
/// padding: `symbols` is everything before the final `=`s, whose placement
/// the caller checked. One masked block (two above 64 symbols): translate,
/// check, pack, store. `Some(written)` only if every byte is a symbol, the
/// symbol count is not 1 mod 4, `output` has room, and (with
/// `check_trailing`) the unused low bits of the last symbol are zero;
/// otherwise `None` (having written nothing, or a valid first block's 48
/// bytes), and the general path decides (and reports) what is wrong. This is
/// the small-input path: no loop, no scalar tail.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn decode_small(
    alphabet: Alphabet,
    symbols: &[u8],
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let s = symbols.len();
    if s == 0 || s > SMALL_MAX || s % 4 == 1 {
        return None;
    }
    // 4 symbols -> 3 bytes; a final 2 or 3 -> 1 or 2.
    let out = s / 4 * 3 + [0, 0, 1, 2][s % 4];
    if output.len() < out {
        return None;
    }
    let first = |k: usize| u64::MAX >> (64 - k);
    if s <= 64 {
        // SAFETY: the mask enables bytes 0..s, s = symbols.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(first(s), symbols.as_ptr().cast()) };
        return decode_small_reg(alphabet, v, s, out, check_trailing, output);
    }
    // 65..=128 symbols: a whole first block (plain load), then the rest as
    // above. The first block is stored before the second is checked; if
    // that fails the general path decodes from the start again, and on
    // error the output's contents are unspecified anyway.
    // SAFETY: s > 64, so symbols[..64] is in bounds; the mask enables
    // bytes 64..s.
    let (a, b) = unsafe {
        (
            _mm512_loadu_si512(symbols.as_ptr().cast()),
            _mm512_maskz_loadu_epi8(first(s - 64), symbols.as_ptr().add(64).cast()),
        )
    };
    let (lo, hi) = output.split_at_mut(48);
    decode_small_reg(alphabet, a, 64, 48, check_trailing, lo)?;
    decode_small_reg(alphabet, b, s - 64, out - 48, check_trailing, hi).map(|k| k + 48)
}

/// The longest input [`decode_small`] takes: two blocks.
pub(crate) const SMALL_MAX: usize = 128;

/// The body of [`decode_small`]: `s` symbols (2..=64, `s % 4 != 1`) in the
/// low lanes of `v` (the others any value), `out` bytes of room checked.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_small_reg(
    alphabet: Alphabet,
    v: __m512i,
    s: usize,
    out: usize,
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let first = |k: usize| u64::MAX >> (64 - k);
    let regs = dec_regs(alphabet);
    let v = _mm512_maskz_mov_epi8(first(s), v);
    // Lanes past `s` translate to 0 (not INVALID) and so pack as zero bits.
    let t = _mm512_maskz_permutex2var_epi8(first(s), regs.lo, v, regs.hi);
    if invalid_mask(v, t) != 0 {
        return None;
    }
    let p = pack(&regs, t);
    // A partial final group packs its unused bits into byte `out`:
    //   2 symbols aaaaaa bbbbbb       -> bytes aaaaaabb bbbb0000
    //   3 symbols aaaaaa bbbbbb cccccc -> bytes aaaaaabb bbbbcccc cc000000
    // so the trailing bits are zero iff that byte is.
    if check_trailing && !s.is_multiple_of(4) && (_mm512_test_epi8_mask(p, p) >> out) & 1 != 0 {
        return None;
    }
    // SAFETY: the mask enables bytes 0..out, and out <= output.len()
    // (out >= 1 since s >= 2).
    unsafe { _mm512_mask_storeu_epi8(output.as_mut_ptr().cast(), first(out), p) };
    Some(out)
}

/// Decodes whole clean blocks (64 symbols -> 48 bytes) from the start of
/// `input` while at least 64 bytes are left and `output` has room for 48, and
/// stops before the first block holding anything but symbols. Returns
/// `(consumed, written)`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_blocks(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    let (mut r, mut w) = (0, 0);
    // 256 symbols -> 192 bytes per round, checked once before any store. Blocks
    // 0-2 store 64 bytes (the 16 junk bytes are overwritten by the next block);
    // block 3 stores exactly 48.
    while r + 256 <= input.len() && w + 192 <= output.len() {
        // SAFETY: the loads cover r..r+256 <= input.len().
        let (a, b, c, d) = unsafe {
            (
                _mm512_loadu_si512(src.add(r).cast()),
                _mm512_loadu_si512(src.add(r + 64).cast()),
                _mm512_loadu_si512(src.add(r + 128).cast()),
                _mm512_loadu_si512(src.add(r + 192).cast()),
            )
        };
        let (ta, tb, tc, td) = (
            translate(regs, a),
            translate(regs, b),
            translate(regs, c),
            translate(regs, d),
        );
        let any = _mm512_or_si512(
            _mm512_or_si512(_mm512_or_si512(a, ta), _mm512_or_si512(b, tb)),
            _mm512_or_si512(_mm512_or_si512(c, tc), _mm512_or_si512(d, td)),
        );
        if _mm512_movepi8_mask(any) != 0 {
            break;
        }
        let (a, b, c, d) = (
            pack(regs, ta),
            pack(regs, tb),
            pack(regs, tc),
            pack(regs, td),
        );
        // SAFETY: the stores cover w..w+64, w+48..w+112, w+96..w+160 and
        // (masked) w+144..w+192, all below w + 192 <= output.len().
        unsafe {
            _mm512_storeu_si512(dst.add(w).cast(), a);
            _mm512_storeu_si512(dst.add(w + 48).cast(), b);
            _mm512_storeu_si512(dst.add(w + 96).cast(), c);
            _mm512_mask_storeu_epi8(dst.add(w + 144).cast(), MASK48, d);
        }
        r += 256;
        w += 192;
    }
    while r + 64 <= input.len() && w + 48 <= output.len() {
        // SAFETY: r + 64 <= input.len().
        let v = unsafe { _mm512_loadu_si512(src.add(r).cast()) };
        let Some(out) = decode_block(regs, v) else {
            break;
        };
        // SAFETY: the mask enables w..w+48, and w + 48 <= output.len().
        unsafe { _mm512_mask_storeu_epi8(dst.add(w).cast(), MASK48, out) };
        r += 64;
        w += 48;
    }
    (r, w)
}

/// Decodes the whole groups of the first (at most) 64 bytes of `input` that
/// come before the first byte that is not a symbol, as many as fit in `output`,
/// with masked accesses. Returns `(consumed, written)`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_partial(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 4).min(output.len() / 3).min(16);
    let k = low_mask(4 * groups);
    // SAFETY: the mask enables bytes 0..4*groups <= input.len().
    let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().cast()) };
    let t = translate(regs, v);
    let bad = invalid_mask(v, t) & k;
    let valid = if bad == 0 {
        4 * groups
    } else {
        bad.trailing_zeros() as usize
    };
    let g = valid / 4;
    // SAFETY: the mask enables bytes 0..3*g, and g <= output.len() / 3.
    unsafe { _mm512_mask_storeu_epi8(output.as_mut_ptr().cast(), low_mask(3 * g), pack(regs, t)) };
    (4 * g, 3 * g)
}

/// Below this many groups the scalar decoder is as fast as the kernel's
/// fixed costs (constants, one masked block): the kernels leave them to it.
const MIN_GROUPS: usize = 3;

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
/// It decodes every whole group before the first byte that is not a symbol
/// (as the scalar `decode_prefix` does), as many as fit in `output`, once
/// there are at least [`MIN_GROUPS`].
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 4).min(output.len() / 3);
    if groups < MIN_GROUPS {
        return (0, 0);
    }
    let input = &input[..groups * 4];
    let output = &mut output[..groups * 3];
    let regs = dec_regs(alphabet);
    let (r, w) = decode_blocks(&regs, input, output);
    let (c, o) = decode_partial(&regs, &input[r..], &mut output[w..]);
    (r + c, w + o)
}

/// The longest line [`decode_lines`] takes: two blocks.
const MAX_LINE: usize = 128;

/// The length of the line break at `input[at..]` (LF or CR LF), if any.
#[inline(always)]
fn line_break_at(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at..)? {
        [b'\n', ..] => Some(1),
        [b'\r', b'\n', ..] => Some(2),
        _ => None,
    }
}

/// The line that starts at `at`: its length, when its first byte that is
/// not a symbol (looking at two blocks at once) is a line break (LF or CR
/// LF) after a whole number of groups, and the break's length.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn line_at(regs: &DecRegs, input: &[u8], at: usize) -> Option<(usize, usize)> {
    let len = (input.len() - at).min(MAX_LINE);
    let (k0, k1) = (low_mask(len.min(64)), low_mask(len - len.min(64)));
    let src = input.as_ptr();
    // SAFETY: the masks enable bytes at..at+len <= input.len().
    let (a, b) = unsafe {
        (
            _mm512_maskz_loadu_epi8(k0, src.add(at).cast()),
            _mm512_maskz_loadu_epi8(k1, src.add(at + len.min(64)).cast()),
        )
    };
    let (m0, m1) = (
        invalid_mask(a, translate(regs, a)) & k0,
        invalid_mask(b, translate(regs, b)) & k1,
    );
    line_of(input, at, m0, m1)
}

/// [`line_at`] from the masks of the bytes that are not symbols in the two
/// blocks at `at`.
#[inline(always)]
fn line_of(input: &[u8], at: usize, m0: u64, m1: u64) -> Option<(usize, usize)> {
    let line = if m0 != 0 {
        m0.trailing_zeros() as usize
    } else if m1 != 0 {
        64 + m1.trailing_zeros() as usize
    } else {
        return None;
    };
    if !line.is_multiple_of(4) || line == 0 {
        return None;
    }
    Some((line, line_break_at(input, at + line)?))
}

/// Line-wrapped input whose lines all hold the same number of symbols, a
/// multiple of 4 (so lines start groups) and at most [`MAX_LINE`], each
/// followed by the same line break (LF or CR LF), as MIME (76) and PEM (64)
/// write it. `input` starts with a line break of `eol` bytes; the next line
/// sets the length ([`line_at`]), and [`lines_from`] takes it and the lines
/// after it. Returns `(consumed, written)`, `consumed` ending after a line
/// break (at least the first one).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_lines(regs: &DecRegs, input: &[u8], output: &mut [u8], eol: usize) -> (usize, usize) {
    match line_at(regs, input, eol) {
        Some((line, e)) if e == eol => lines_from::<1>(regs, input, output, (eol, 0), line, eol),
        _ => (eol, 0),
    }
}

/// Lines of `line` symbols (a multiple of 4, at most [`MAX_LINE`]) each
/// followed by the same `eol`-byte line break, from `(r, w)` on a line
/// start. Each line is checked whole, then decoded like one or two clean
/// blocks; lines do not depend on each other, so nothing waits on where the
/// whitespace is. Returns where it stopped, on a line start. `SITE` tells
/// apart its callers, as for [`clean_run`].
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn lines_from<const SITE: u8>(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (mut r, mut w): (usize, usize),
    line: usize,
    eol: usize,
) -> (usize, usize) {
    let src = input.as_ptr();
    let (n0, n1) = (line.min(64), line - line.min(64));
    let (o0, o1) = (n0 / 4 * 3, n1 / 4 * 3);
    let step = line + eol;
    let dst = output.as_mut_ptr();
    if (64..=64 + 16 - eol).contains(&line) {
        (r, w) = decode_lines_x4(regs, input, output, (r, w), line, eol);
    }
    while r + step <= input.len() && w + o0 + o1 <= output.len() {
        let brk = &input[r + line..r + step];
        if brk[eol - 1] != b'\n' || (eol == 2 && brk[0] != b'\r') {
            break;
        }
        // SAFETY: the masks enable bytes r..r+n0 and r+n0..r+line, below
        // r + step <= input.len().
        let (a, b) = unsafe {
            (
                _mm512_maskz_loadu_epi8(low_mask(n0), src.add(r).cast()),
                _mm512_maskz_loadu_epi8(low_mask(n1), src.add(r + n0).cast()),
            )
        };
        let (ta, tb) = (translate(regs, a), translate(regs, b));
        if (invalid_mask(a, ta) & low_mask(n0)) | (invalid_mask(b, tb) & low_mask(n1)) != 0 {
            break;
        }
        // SAFETY: the masks enable bytes w..w+o0 and w+o0..w+o0+o1, and
        // w + o0 + o1 <= output.len().
        unsafe {
            _mm512_mask_storeu_epi8(dst.add(w).cast(), low_mask(o0), pack(regs, ta));
            _mm512_mask_storeu_epi8(dst.add(w + o0).cast(), low_mask(o1), pack(regs, tb));
        }
        r += step;
        w += o0 + o1;
    }
    (r, w)
}

/// `x` in each of the four 16-bit quarters of a mask (`x < 1 << 16`).
#[inline(always)]
fn quarters(x: u64) -> u64 {
    x * 0x0001_0001_0001_0001
}

/// The layout [`decode_lines_x4`] works with, and its constants.
#[derive(Clone, Copy)]
struct Lines {
    /// Symbols per line (64 + t, t in 0, 4, 8, 12) and the break's length.
    line: usize,
    eol: usize,
    /// Bytes each line takes in the output.
    out_line: usize,
    /// Per quarter: the lanes the tail and break are loaded into, those of
    /// the tail, those the tail's output takes.
    slot: u64,
    sym: u64,
    /// The bytes of a line's output.
    out_mask: u64,
    /// The break bytes where each quarter's break is.
    brk_bytes: __m512i,
}

/// Per quarter `j` of the tails' register, the permutation that joins a
/// line's output: its block's 48 bytes (from the packed dwords, as
/// [`DEC_COMPACT`]) and then its tail's (from quarter `j` of the tails'
/// packed dwords, the second source), so that one store writes the line.
static LINE_JOIN: [Table64; 4] = [line_join(0), line_join(1), line_join(2), line_join(3)];

const fn line_join(j: usize) -> Table64 {
    let mut t = DEC_COMPACT.0;
    let mut k = 0;
    while k < 12 {
        // Byte k of the tail: byte 2 - k % 3 of dword k / 3 of quarter j.
        t[48 + k] = (64 + 16 * j + 4 * (k / 3) + 2 - k % 3) as u8;
        k += 1;
    }
    Table64(t)
}

/// Up to four lines of a [`Lines`] layout: `n` of them from `r`, decoded to
/// `w`, if they all check out. The blocks decode like clean blocks. The
/// tails and breaks are gathered into the 16-byte quarters of one register
/// by masked loads ORed together (each load's address is shifted back by the
/// quarter's offset, so memory byte `i` lands in lane `16j + i`), then checked
/// (symbols, and the break bytes themselves) and decoded together:
///
/// ```text
/// lanes:  0        t  t+eol   16       16+t          32 ..   48 ..
///         [tail 0][\r\n][..]  [tail 1][\r\n][..]   [tail 2] [tail 3]
/// ```
///
/// Each line goes out in one masked store: its block's bytes and its tail's,
/// joined by one two-source permutation ([`LINE_JOIN`]).
///
/// # Safety
/// `r + n * (line + eol) <= input.len()` and `w + n * out_line <= output.len()`,
/// `1 <= n <= 4`, `l.line >= 64` and `l.line - 64 + l.eol <= 16` (what `lines_from`
/// checks before it calls).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
unsafe fn lines_round(
    regs: &DecRegs,
    l: &Lines,
    src: *const u8,
    dst: *mut u8,
    (r, w): (usize, usize),
    n: usize,
) -> bool {
    let step = l.line + l.eol;
    let mut any = _mm512_setzero_si512();
    let mut ta = [_mm512_setzero_si512(); 4];
    let mut tl = [_mm512_setzero_si512(); 4];
    for (j, (ta, tl)) in ta.iter_mut().zip(tl.iter_mut()).enumerate().take(n) {
        let at = r + j * step;
        // SAFETY: at + 64 <= r + (n - 1) * step + 64 <= r + n * step, within
        // the input (caller).
        let a = unsafe { _mm512_loadu_si512(src.add(at).cast()) };
        *ta = translate(regs, a);
        any = _mm512_ternarylogic_epi32::<0xFE>(any, a, *ta);
        // SAFETY: the pointer is at + 64 - 16j, inside the input (step > 16);
        // the mask enables lanes 16j..16j+t+eol, which read the bytes
        // at+64..at+step of this line's tail and break, within the input.
        *tl = unsafe {
            _mm512_maskz_loadu_epi8(
                l.slot & (0xFFFF << (16 * j)),
                src.add(at + 64 - 16 * j).cast(),
            )
        };
    }
    // Joined after the loads (not merged into one register load by load),
    // so no load waits for the one before it.
    let tails = _mm512_ternarylogic_epi32::<0xFE>(tl[0], tl[1], _mm512_or_si512(tl[2], tl[3]));
    let lanes = low_mask(16 * n);
    let tt = translate(regs, tails);
    let bad_tails = invalid_mask(tails, tt) & l.sym & lanes;
    let brk = l.slot & !l.sym & lanes;
    let brk_ok = _mm512_cmpeq_epi8_mask(tails, l.brk_bytes) & brk == brk;
    if _mm512_movepi8_mask(any) != 0 || bad_tails != 0 || !brk_ok {
        return false;
    }
    let pairs = _mm512_maddubs_epi16(tt, regs.madd_bytes);
    let tail_groups = _mm512_madd_epi16(pairs, regs.madd_words);
    for (j, ta) in ta.iter().enumerate().take(n) {
        let pairs = _mm512_maddubs_epi16(*ta, regs.madd_bytes);
        let groups = _mm512_madd_epi16(pairs, regs.madd_words);
        let out = _mm512_permutex2var_epi8(groups, load64(&LINE_JOIN[j]), tail_groups);
        let at = w + j * l.out_line;
        if j + 1 < n {
            // A plain store: its bytes past this line's (64 - out_line, at
            // most 16) fall in the next line's, whose store comes later and
            // overwrites them. Masked stores are the slow part on Zen 4.
            // SAFETY: at + 64 <= at + 2 * out_line (out_line >= 48) <= w +
            // n * out_line, within the output (caller).
            unsafe { _mm512_storeu_si512(dst.add(at).cast(), out) };
        } else {
            // SAFETY: the mask enables at .. at + out_line = w + n * out_line,
            // within the output (caller).
            unsafe { _mm512_mask_storeu_epi8(dst.add(at).cast(), l.out_mask, out) };
        }
    }
    true
}

/// [`decode_lines`] for lines of one block of 64 symbols and a tail of
/// `t = line - 64` symbols (0, 4, 8 or 12) that fits, with its line break,
/// in 16 bytes (MIME's 76, PEM's 64): four lines per round, see
/// [`lines_round`]. Starts at `(r, w)` on a line start; returns where it
/// stopped.
// Not inlined: its loop keeps the most registers, and compiles best alone.
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_lines_x4(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (mut r, mut w): (usize, usize),
    line: usize,
    eol: usize,
) -> (usize, usize) {
    let t = line - 64;
    // The break bytes: `\n`, with `\r` before it for CR LF.
    let cr = if eol == 2 { quarters(1 << t) } else { 0 };
    let l = Lines {
        line,
        eol,
        out_line: line / 4 * 3,
        slot: quarters(low_mask(t + eol)),
        sym: quarters(low_mask(t)),
        out_mask: low_mask(line / 4 * 3),
        brk_bytes: _mm512_mask_blend_epi8(
            cr,
            _mm512_set1_epi8(b'\n' as i8),
            _mm512_set1_epi8(b'\r' as i8),
        ),
    };
    let step = line + eol;
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    while r + 4 * step <= input.len() && w + 4 * l.out_line <= output.len() {
        // SAFETY: four lines fit in what is left of the input and the output.
        if !unsafe { lines_round(regs, &l, src, dst, (r, w), 4) } {
            return (r, w);
        }
        r += 4 * step;
        w += 4 * l.out_line;
    }
    // The last one to three lines (counted without a division, which would
    // cost more than a line at small sizes).
    let mut n = 0;
    while n < 3 && r + (n + 1) * step <= input.len() && w + (n + 1) * l.out_line <= output.len() {
        n += 1;
    }
    // SAFETY: n lines fit in what is left of the input and the output.
    if n > 0 && unsafe { lines_round(regs, &l, src, dst, (r, w), n) } {
        r += n * step;
        w += n * l.out_line;
    }
    (r, w)
}

/// The whitespace-skipping decoder gathers symbols into a ring of this many
/// bytes (see [`Ring`]).
const RING: usize = 4096;

/// How far packing trails gathering, in symbols. A 64-symbol load from the
/// ring spans two of the gathering stores; while they are still in the store
/// queue the load cannot take its bytes from them (store-to-load forwarding
/// needs one store that covers the load) and waits until both reach the
/// cache. A distance larger than the out-of-order window keeps that wait off
/// the loop.
const LAG: usize = 2048;

/// Marks whitespace in the table of [`decode_prefix_skip_ws`].
const WS: u8 = 0x40;

/// The decode table of [`decode_prefix_skip_ws`]: [`decode_prefix`]'s, with
/// whitespace marked [`WS`] instead of invalid.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn ws_regs(regs: &DecRegs) -> DecRegs {
    DecRegs {
        lo: _mm512_mask_blend_epi8(WS_LANES, regs.lo, _mm512_set1_epi8(WS as i8)),
        ..*regs
    }
}

/// Moves the symbols of a translated block (the bytes `keep` selects) to the
/// front with `vpcompressb`, and counts them: the bytes after them are
/// filled with `0xFF`, so the count is the run of clear high bits at the
/// front (no `popcnt` needed).
///
/// ```text
/// t:    s0 s1 WS s2 s3 ... s61 WS WS      keep: 1 1 0 1 1 ... 1 0 0
/// out:  s0 s1 s2 s3 ... s61 FF FF FF      count: 62
/// ```
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn compact(t: __m512i, keep: u64) -> (__m512i, usize) {
    let c = _mm512_mask_compress_epi8(_mm512_set1_epi8(-1), keep, t);
    (c, _mm512_movepi8_mask(c).trailing_zeros() as usize)
}

/// Gathered symbols, as a stream: symbol `i` sits at ring offset `i % RING`.
///
/// ```text
/// bytes:  [ 64 front slack | RING ring bytes | 64 back slack ]
/// ```
///
/// A 64-byte store at ring offset `p` may run into the back slack; if it
/// does, it is repeated at `p - RING`, which puts the bytes past the end at
/// the start of the ring (and junk into the front slack, never read).
/// Loads read whole 64-symbol blocks at offsets that are multiples of 64, so
/// they never wrap.
struct Ring {
    bytes: MaybeUninit<[u8; RING + 128]>,
}

impl Ring {
    /// Stores the 64 bytes of `c` as symbols `at..at + 64` (the ring bytes
    /// past the symbols that count are junk, overwritten by later stores).
    ///
    /// The caller makes sure symbols `at..at + 64` hold no symbol still to be
    /// packed (the stores are always inside the buffer).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    fn store(&mut self, at: usize, c: __m512i) {
        let p = at % RING;
        let base = self.bytes.as_mut_ptr().cast::<u8>();
        // SAFETY: 64 + p + 64 <= RING + 128, the size of `bytes`.
        unsafe { _mm512_storeu_si512(base.add(64 + p).cast(), c) };
        if p + 64 > RING {
            // SAFETY: p > RING - 64, so 64 + p - RING > 0, and the store ends
            // at 128 + p - RING < 128 <= RING + 128.
            unsafe { _mm512_storeu_si512(base.add(64 + p - RING).cast(), c) };
        }
    }

    /// Stores blocks of `n[i]` symbols one after the other from `at`, like
    /// four [`store`](Self::store)s, testing for the wrap once.
    ///
    /// The caller makes sure symbols `at..at + 256` hold no symbol still to
    /// be packed.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    fn store4(&mut self, at: usize, c: &[__m512i; 4], n: &[usize; 4]) {
        let p = at % RING;
        if p + 256 <= RING {
            // All symbols land before the end (each block has at most 64), and
            // the junk after the last one at most 64 bytes past them.
            let base = self.bytes.as_mut_ptr().cast::<u8>();
            let mut q = 64 + p;
            for i in 0..4 {
                // SAFETY: q + 64 <= 64 + p + 192 + 64 <= RING + 128.
                unsafe { _mm512_storeu_si512(base.add(q).cast(), c[i]) };
                q += n[i];
            }
        } else {
            let mut at = at;
            for i in 0..4 {
                self.store(at, c[i]);
                at += n[i];
            }
        }
    }

    /// Loads the first `n <= 64` symbols of the 64-symbol block `at..at + 64`
    /// (`at` a multiple of 64); the rest of the register is zero.
    ///
    /// # Safety
    /// Symbols `at..at + n` must have been stored.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    unsafe fn load(&self, at: usize, n: usize) -> __m512i {
        debug_assert!(at.is_multiple_of(64) && n <= 64);
        let p = at % RING;
        let base = self.bytes.as_ptr().cast::<u8>();
        // SAFETY: p is a multiple of 64 below RING, so 64 + p + 64 <= RING + 64;
        // the bytes read were written by `store` (caller's promise), so they
        // are initialized. A full mask reads all 64, a narrower one only the
        // first n.
        unsafe {
            if n == 64 {
                _mm512_loadu_si512(base.add(64 + p).cast())
            } else {
                _mm512_maskz_loadu_epi8(low_mask(n), base.add(64 + p).cast())
            }
        }
    }
}

/// The longest input [`decode_short_ws`] takes.
/// Two blocks: beyond that the line decoder of [`decode_prefix_skip_ws`]
/// measured faster (on 76-column text of 256 bytes, about 70 ns against 95).
pub(crate) const COMPACT_MAX: usize = 128;

/// The `i`-th 64-byte block of `input` (zero past its end).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn block_at(input: &[u8], i: usize) -> (__m512i, u64) {
    let k = low_mask(input.len() - 64 * i);
    // SAFETY: the mask enables bytes 64i..min(64i + 64, len), in bounds
    // for every block index below len.div_ceil(64).
    let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().add(64 * i).cast()) };
    (v, k)
}

/// The whitespace lanes of `v`: TAB, LF, FF, CR, SPACE.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn ws_mask(v: __m512i) -> u64 {
    // Each whitespace byte has its own low nibble (0x20 -> 0, 0x09 -> 9,
    // 0x0A, 0x0C, 0x0D): look the nibble up (`vpshufb`, per 16-byte lane)
    // and compare with the byte. Other nibbles give 0, which no byte with
    // that nibble equals; bytes >= 0x80 give 0 as well.
    let table = _mm512_broadcast_i32x4(_mm_setr_epi8(
        0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x0A, 0, 0x0C, 0x0D, 0, 0,
    ));
    _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(table, v), v)
}

/// The whole of a whitespace-skipping decode of a short text (at most
/// [`COMPACT_MAX`] bytes), in registers, one 64-byte block of text at a
/// time:
///
/// ```text
///   block i --vpcompressb (non-whitespace lanes)--> c, cnt symbols
///   (lo, hi) = lo[..n] ++ c[..cnt]          two vpermb; n + cnt <= 127
///   n >= 64 and more text to come: decode lo (64 symbols -> 48 bytes),
///                                   lo = hi, n -= 64
///   at the end: the last 1..=4 symbols through `last_group` (the codec's
///   padding rule: how many are data), then lo and hi decoded as in
///   [`decode_small`]
/// ```
///
/// Nothing goes through memory between the steps (a plain 64-byte store
/// and a load of it back would not forward on Zen 4, which splits 512-bit
/// stores). A text without whitespace goes to [`decode_small`], which is
/// faster. `Short::Done(written)`; `Short::Clean` for a text of at most 4
/// bytes without whitespace (nothing written); `Short::General` (anything
/// wrong, or no room: what was written does not count) for the general
/// path, which decides every error.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,popcnt")]
pub(crate) fn decode_short_ws(
    alphabet: Alphabet,
    input: &[u8],
    check_trailing: bool,
    last_group: impl FnOnce(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Short {
    let len = input.len();
    if len > COMPACT_MAX {
        return Short::General;
    }
    // The (at most) two blocks and their whitespace lanes, found once and
    // kept in registers. (Lanes past the input are 0, never whitespace.)
    let (v0, valid0) = block_at(input, 0);
    let (v1, valid1) = if len > 64 {
        block_at(input, 1)
    } else {
        (_mm512_setzero_si512(), 0)
    };
    let (ws0, ws1) = (ws_mask(v0), ws_mask(v1));
    if ws0 | ws1 == 0 {
        // No whitespace: the clean small decoder, the padding found in
        // memory (through a register it costs more).
        if len < 5 {
            return Short::Clean;
        }
        let body = (len - 1) / 4 * 4;
        let Some(s) = last_group(&input[body..]) else {
            return Short::General;
        };
        return match decode_small(alphabet, &input[..body + s], check_trailing, output) {
            Some(k) => Short::Done(k),
            None => Short::General,
        };
    }
    let iota = load64(&IOTA);
    // Block 0 starts the symbols: lo = its compacted symbols, n of them.
    let keep0 = !ws0 & valid0;
    let mut lo = _mm512_maskz_compress_epi8(keep0, v0);
    let mut hi = _mm512_setzero_si512();
    let mut n = keep0.count_ones() as usize;
    let mut w = 0;
    if len > 64 {
        if n == 64 {
            // Block 0 was whole symbols: decode it now, block 1 starts afresh.
            let Some(out) = output.get_mut(..48) else {
                return Short::General;
            };
            if decode_reg(alphabet, lo, 64, false, out).is_none() {
                return Short::General;
            }
            (n, w) = (0, 48);
        }
        let keep1 = !ws1 & valid1;
        let c = _mm512_maskz_compress_epi8(keep1, v1);
        // lo[..n] ++ c: lane j >= n of lo takes c[j - n]; hi lane j takes
        // c[64 - n + j] (n < 64 here).
        lo = _mm512_mask_permutexvar_epi8(
            lo,
            !low_mask(n),
            _mm512_sub_epi8(iota, _mm512_set1_epi8(n as i8)),
            c,
        );
        hi = permute(_mm512_add_epi8(iota, _mm512_set1_epi8((64 - n) as i8)), c);
        n += keep1.count_ones() as usize;
    }
    match decode_compacted(
        alphabet,
        lo,
        hi,
        n,
        check_trailing,
        last_group,
        &mut output[w..],
    ) {
        Some(k) => Short::Done(w + k),
        None => Short::General,
    }
}

/// The decoding half of [`decode_short_ws`]: `n` symbols in `first` and
/// `second`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_compacted(
    alphabet: Alphabet,
    first: __m512i,
    second: __m512i,
    n: usize,
    check_trailing: bool,
    last_group: impl FnOnce(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    // The last 1..=4 symbols, out of the register that holds them (a group
    // never straddles the two: 64 is a multiple of 4).
    let body = (n - 1) / 4 * 4;
    let reg = if body < 64 { first } else { second };
    let at = _mm512_add_epi8(load64(&IOTA), _mm512_set1_epi8((body % 64) as i8));
    let tail = _mm_cvtsi128_si32(_mm512_castsi512_si128(permute(at, reg))) as u32;
    let s = body + last_group(&tail.to_le_bytes()[..n - body])?;
    if s <= 64 {
        return decode_reg(alphabet, first, s, check_trailing, output);
    }
    let w = decode_reg(alphabet, first, 64, check_trailing, output)?;
    let k = decode_reg(
        alphabet,
        second,
        s - 64,
        check_trailing,
        output.get_mut(w..)?,
    )?;
    Some(w + k)
}

/// [`decode_small`] of the first `s` symbols of a register.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_reg(
    alphabet: Alphabet,
    v: __m512i,
    s: usize,
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    if s == 0 || s > 64 || s % 4 == 1 {
        return None;
    }
    let out = s / 4 * 3 + [0, 0, 1, 2][s % 4];
    if output.len() < out {
        return None;
    }
    decode_small_reg(alphabet, v, s, out, check_trailing, output)
}

/// Decodes a prefix of whole groups of 4 symbols with ASCII whitespace
/// (TAB, LF, FF, CR, SPACE) anywhere in it, compacting the whitespace away;
/// `consumed` counts the skipped whitespace. Needs VBMI2 as well.
///
/// `consumed` ends after the last symbol of the last decoded group or after
/// whitespace that follows it, and `written == symbols / 4 * 3`. It decodes
/// every whole group before the first byte that is neither a symbol nor
/// whitespace, as many as fit in `output`, with one exception: it may leave
/// a last stretch of at most [`SMALL_MAX`] bytes without whitespace that
/// ends with `=` (the last line of wrapped text, say) to the codec's
/// [`decode_small`], which decodes it whole, padding included.
///
/// Three paths, each taking what it can and leaving the rest to the next:
/// clean blocks go through the plain decoder ([`decode_blocks`]); regularly
/// wrapped lines a line (or four) at a time ([`decode_lines`]); any other
/// whitespace through [`decode_gathered`], which drops it with `vpcompressb`.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
pub(crate) fn decode_prefix_skip_ws(
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    if input.len() < 4 * (MIN_GROUPS + 1) || output.len() < 3 {
        return (0, 0);
    }
    let regs = dec_regs(alphabet);
    // Wrapped lines from the first on: the first line's break shows where
    // they are, without trying (and failing) a round of clean blocks first.
    // Two clean blocks instead are decoded here.
    let mut at = (0, 0);
    let first = if input.len() >= 128 && output.len() >= 96 {
        let src = input.as_ptr();
        // SAFETY: input[..128] is in bounds.
        let (a, b) = unsafe {
            (
                _mm512_loadu_si512(src.cast()),
                _mm512_loadu_si512(src.add(64).cast()),
            )
        };
        let (ta, tb) = (translate(&regs, a), translate(&regs, b));
        let (m0, m1) = (invalid_mask(a, ta), invalid_mask(b, tb));
        if m0 | m1 == 0 {
            let dst = output.as_mut_ptr();
            // SAFETY: the masks enable output[..96], in bounds.
            unsafe {
                _mm512_mask_storeu_epi8(dst.cast(), MASK48, pack(&regs, ta));
                _mm512_mask_storeu_epi8(dst.add(48).cast(), MASK48, pack(&regs, tb));
            }
            at = (128, 96);
            None
        } else {
            line_of(input, 0, m0, m1)
        }
    } else {
        line_at(&regs, input, 0)
    };
    if let Some((line, eol)) = first {
        at = lines_from::<0>(&regs, input, output, at, line, eol);
    }
    if input.last() == Some(&b'=') && tail_is_clean(input, at.0) {
        // The last line (or what is left of a clean run) ends with padding:
        // the caller's small-input kernel decodes it in one step, padding
        // and all, where a clean run would stop before the last group and
        // leave it to scalar code. (Without padding the clean run is faster.)
        return at;
    }
    match clean_run::<0>(&regs, input, output, at) {
        // No whitespace: the end of the input, or of the output's room, or a
        // byte that is neither symbol nor whitespace.
        Run::Done(r, w) => (r, w),
        run => decode_whitespace(alphabet, input, output, run),
    }
}

/// Whether `input[r..]` is 1..=[`SMALL_MAX`] bytes, none of them whitespace
/// or a control byte (`<= 0x20`, never part of valid text): what
/// [`decode_small`] takes whole. Checked with plain loads of the input's
/// last 128 bytes (it is at least that long): a masked load reaching past
/// the input would wait for stores pending there, often the output's.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn tail_is_clean(input: &[u8], r: usize) -> bool {
    let (len, rest) = (input.len(), input.len().wrapping_sub(r));
    if len < 128 || rest == 0 || rest > SMALL_MAX {
        return false;
    }
    // SAFETY: len >= 128: the loads cover input[len-128..len].
    let (a, b) = unsafe {
        let end = input.as_ptr().add(len);
        (
            _mm512_loadu_si512(end.sub(128).cast()),
            _mm512_loadu_si512(end.sub(64).cast()),
        )
    };
    let low = _mm512_set1_epi8(0x20);
    // The lanes of input[r..]: the top `rest` of the 128.
    let lanes_b = !low_mask(64 - rest.min(64));
    let lanes_a = !low_mask(128 - rest.max(64));
    (_mm512_cmple_epu8_mask(a, low) & lanes_a) | (_mm512_cmple_epu8_mask(b, low) & lanes_b) == 0
}

/// The (at most) 64 bytes at `r`, translated, and the offset of the first
/// that is not a symbol (or their count), and whether it is whitespace.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn peek(regs: &DecRegs, input: &[u8], r: usize) -> (__m512i, usize, bool) {
    let len = (input.len() - r).min(64);
    let v = if len < 64 && input.len() >= 64 {
        // The last block of the input, moved down so that byte r lands in
        // lane 0. A masked load that reaches past the input would wait for
        // any store still pending to the memory after it, which is often
        // the output just written.
        // SAFETY: input.len() >= 64, so input[input.len() - 64..] is in bounds.
        let last = unsafe { _mm512_loadu_si512(input.as_ptr().add(input.len() - 64).cast()) };
        let from = _mm512_add_epi8(load64(&IOTA), _mm512_set1_epi8((64 - len) as i8));
        _mm512_maskz_permutexvar_epi8(low_mask(len), from, last)
    } else {
        // SAFETY: the mask enables bytes r..r+len, and r + len <= input.len().
        unsafe { _mm512_maskz_loadu_epi8(low_mask(len), input.as_ptr().add(r).cast()) }
    };
    let t = translate(regs, v);
    let bad = invalid_mask(v, t) & low_mask(len);
    let p = if bad == 0 {
        len
    } else {
        bad.trailing_zeros() as usize
    };
    let at_ws = p < len && matches!(input[r + p], b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    (t, p, at_ws)
}

/// Where [`clean_run`] stopped.
enum Run {
    /// At the end of the input or of the output's room, or before a byte
    /// that is neither symbol nor whitespace: `(consumed, written)`.
    Done(usize, usize),
    /// At whitespace, everything before it decoded.
    Whitespace(usize, usize),
    /// Before whitespace that falls inside a group (or no room to decode up
    /// to it): from this group boundary on, the symbols must be gathered.
    Unaligned(usize, usize),
}

/// From `(r, w)` on a group boundary: clean blocks, then the next block up
/// to its first byte that is not a symbol, with the whole groups before it.
/// `SITE` tells apart its callers: each gets its own copy, which, with one
/// call site, is inlined into it.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn clean_run<const SITE: u8>(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (r, w): (usize, usize),
) -> Run {
    let (c, o) = decode_blocks(regs, &input[r..], &mut output[w..]);
    let (r, w) = (r + c, w + o);
    let (t, p, at_ws) = peek(regs, input, r);
    let g = (p / 4).min((output.len() - w) / 3);
    if at_ws && (p % 4 != 0 || g < p / 4) {
        return Run::Unaligned(r, w);
    }
    // SAFETY: the mask enables w..w+3g, and 3g <= output.len() - w.
    unsafe {
        _mm512_mask_storeu_epi8(
            output.as_mut_ptr().add(w).cast(),
            low_mask(3 * g),
            pack(regs, t),
        )
    };
    if at_ws {
        Run::Whitespace(r + p, w + 3 * g)
    } else {
        Run::Done(r + 4 * g, w + 3 * g)
    }
}

/// The rest of [`decode_prefix_skip_ws`] once whitespace shows up, from
/// where the first [`clean_run`] stopped (not [`Run::Done`]), on a group
/// boundary: regularly wrapped lines go to [`decode_lines`], a few
/// other breaks are stepped over, and the rest goes to [`decode_gathered`].
/// Not inlined, so that input without whitespace does not pay for setting up
/// these paths.
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn decode_whitespace(
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
    first: Run,
) -> (usize, usize) {
    let regs = dec_regs(alphabet);
    let mut skips = 8;
    let mut run = first;
    loop {
        let (mut r, mut w);
        match run {
            Run::Done(r, w) => return (r, w),
            Run::Unaligned(r, w) => {
                let (c, o) = decode_gathered(&regs, &input[r..], &mut output[w..]);
                return (r + c, w + o);
            }
            Run::Whitespace(ws_at, written) => (r, w) = (ws_at, written),
        }
        if let Some(eol) = line_break_at(input, r) {
            // Regularly wrapped lines go a line (or four) at a time.
            let (c, o) = decode_lines(&regs, &input[r..], &mut output[w..], eol);
            r += c;
            w += o;
        } else if skips > 0 {
            // Other whitespace, a few times: step over it.
            skips -= 1;
            while r < input.len() && matches!(input[r], b'\t' | b'\n' | 0x0C | b'\r' | b' ') {
                r += 1;
            }
        } else {
            let (c, o) = decode_gathered(&regs, &input[r..], &mut output[w..]);
            return (r + c, w + o);
        }
        run = clean_run::<1>(&regs, input, output, (r, w));
    }
}

/// The general whitespace-skipping decoder behind [`decode_prefix_skip_ws`],
/// from a group boundary: each 64-byte block is translated with the table of
/// [`ws_regs`], its symbols are moved to the front with `vpcompressb`
/// (`_mm512_maskz_compress_epi8`) and appended to a [`Ring`]; [`LAG`]
/// symbols behind, whole blocks of 64 symbols are loaded back and packed like
/// clean blocks. Same contract as [`decode_prefix_skip_ws`].
// Not inlined: its ring is a 4 KiB stack frame, which the other paths do
// not need to set up (and probe).
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn decode_gathered(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let (mut r, mut w) = (0, 0);
    let ws = ws_regs(regs);
    let ws_bit = _mm512_set1_epi8(WS as i8);
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    let mut ring = Ring {
        bytes: MaybeUninit::uninit(),
    };
    // Symbols gathered (`fill`) and packed (`done`) so far: the ring holds
    // symbols done..fill, and a store may write symbols up to done + RING.
    // The output takes `cap` symbols in all.
    let (mut fill, mut done) = (0, 0);
    let cap = (output.len() - w) / 3 * 4;
    // Four blocks per round, checked once before anything is stored: a round
    // that meets a byte that is neither symbol nor whitespace is redone one
    // block at a time below. Invariant at the top: fill - done < LAG + 256
    // (and `done` is a multiple of 256), so the round's stores, which write
    // symbols below fill + 256, stay below done + LAG + 512 <= done + RING.
    while r + 256 <= input.len() && fill < cap {
        // All four loads come before the round's stores: a store's address
        // depends on the symbol counts, known late, and loads that follow
        // such a store wait for it.
        let mut any = _mm512_setzero_si512();
        let mut c = [_mm512_setzero_si512(); 4];
        let mut n = [0; 4];
        for i in 0..4 {
            // SAFETY: r + 64 * i + 64 <= r + 256 <= input.len().
            let v = unsafe { _mm512_loadu_si512(src.add(r + 64 * i).cast()) };
            let t = translate(&ws, v);
            // any |= v | t: the high bits flag bytes that are not symbols.
            any = _mm512_ternarylogic_epi32::<0xFE>(any, v, t);
            (c[i], n[i]) = compact(t, _mm512_testn_epi8_mask(t, ws_bit));
        }
        if _mm512_movepi8_mask(any) != 0 {
            break;
        }
        // Symbols fill..fill+256 are below done + RING (invariant).
        ring.store4(fill, &c, &n);
        fill += n[0] + n[1] + n[2] + n[3];
        r += 256;
        if fill - done >= LAG + 256 {
            // Pack four blocks; `done` stays a multiple of 256, so they do not
            // wrap around the ring.
            for i in 0..4 {
                // SAFETY: symbols done..done+256 are below fill, so stored.
                let s = unsafe { ring.load(done + 64 * i, 64) };
                // SAFETY: done + 256 <= fill - LAG < cap + 256 - LAG <= cap
                // (fill was below cap before the round, which adds at most
                // 256), so the 192 bytes at w are within the output's room
                // for cap symbols.
                unsafe {
                    _mm512_mask_storeu_epi8(dst.add(w + 48 * i).cast(), MASK48, pack(regs, s))
                };
            }
            w += 192;
            done += 256;
        }
    }
    // Here fill - done < LAG + 256. At most three whole blocks are left
    // before the input ends or a bad byte shows up (the round above stopped),
    // then the last block: their stores write symbols below
    // fill + 256 < done + LAG + 512 <= done + RING.
    let mut last_block = true;
    for _ in 0..3 {
        if fill >= cap {
            // Enough symbols for the whole output.
            last_block = false;
            break;
        }
        if r + 64 > input.len() {
            break;
        }
        // SAFETY: r + 64 <= input.len().
        let v = unsafe { _mm512_loadu_si512(src.add(r).cast()) };
        let t = translate(&ws, v);
        if invalid_mask(v, t) != 0 {
            break;
        }
        let (c, n) = compact(t, _mm512_testn_epi8_mask(t, ws_bit));
        // Symbols fill..fill+64 are below done + RING (see above).
        ring.store(fill, c);
        fill += n;
        r += 64;
    }
    let end = if last_block {
        // The last block: up to 64 bytes, up to the first byte that is
        // neither a symbol nor whitespace.
        let len = (input.len() - r).min(64);
        // SAFETY: the mask enables bytes r..r+len, and r + len <= input.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(low_mask(len), src.add(r).cast()) };
        let t = translate(&ws, v);
        let bad = invalid_mask(v, t) & low_mask(len);
        let stop = if bad == 0 {
            len
        } else {
            bad.trailing_zeros() as usize
        };
        let (c, n) = compact(t, _mm512_testn_epi8_mask(t, ws_bit) & low_mask(stop));
        // Symbols fill..fill+64 are below done + RING (see above).
        ring.store(fill, c);
        fill += n;
        r + stop
    } else {
        r
    };
    // Pack the rest, as many whole groups as fit.
    let mut groups = ((fill - done) / 4).min((output.len() - w) / 3);
    while groups > 0 {
        let g = groups.min(16);
        // SAFETY: symbols done..done+4g are below fill, so stored.
        let s = unsafe { ring.load(done, 4 * g) };
        // SAFETY: the mask enables w..w+3g, and 3g <= 3 * groups <= output.len() - w.
        unsafe { _mm512_mask_storeu_epi8(dst.add(w).cast(), low_mask(3 * g), pack(regs, s)) };
        w += 3 * g;
        done += 4 * g;
        groups -= g;
    }
    (start_of_last_symbols(&ws, input, end, fill - done), w)
}

/// The offset of the first of the last `count` symbols of `input[..end]`, a
/// stretch of symbols and whitespace only; `end` if `count == 0`. Walks back
/// 64 bytes at a time.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn start_of_last_symbols(ws: &DecRegs, input: &[u8], end: usize, mut count: usize) -> usize {
    let iota = load64(&IOTA);
    let mut hi = end;
    while count > 0 {
        let lo = hi.saturating_sub(64);
        let k = low_mask(hi - lo);
        // SAFETY: the mask enables bytes lo..hi, and hi <= end <= input.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().add(lo).cast()) };
        let t = translate(ws, v);
        let keep = _mm512_testn_epi8_mask(t, _mm512_set1_epi8(WS as i8)) & k;
        let n = keep.count_ones() as usize;
        if n >= count {
            // Positions of the symbols, in order; we want the (n - count)-th.
            let at = _mm512_maskz_compress_epi8(keep, iota);
            let pick = permute(_mm512_set1_epi8((n - count) as i8), at);
            let pos = _mm_cvtsi128_si32(_mm512_castsi512_si128(pick)) as u8;
            return lo + usize::from(pos);
        }
        count -= n;
        hi = lo;
    }
    hi
}

#[cfg(test)]
// Without `alloc` the public-API tests are off, and some helpers with them.
#[cfg_attr(not(feature = "alloc"), allow(unused_imports, dead_code))]
mod tests {
    use super::*;
    use crate::base64::tables::{dec, enc};
    use crate::base64::{scalar, Backend, Base64, LineEnding, FORGIVING, STANDARD, URL_SAFE};
    use std::vec::Vec;
    use std::{format, vec};

    const SENTINEL: u8 = 0xA5;
    const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];

    /// Lengths to try: every one up to 300 (fewer under Miri) and a few big ones.
    fn lengths() -> Vec<usize> {
        if cfg!(miri) {
            return (0..=24).chain([33, 47, 64, 65, 70, 130, 263]).collect();
        }
        (0..=300).chain([511, 1000, 4099, 65_537]).collect()
    }

    fn have() -> bool {
        Backend::Avx512Vbmi.is_available()
    }

    fn have_vbmi2() -> bool {
        have()
            && std::is_x86_feature_detected!("avx512vbmi2")
            && std::is_x86_feature_detected!("popcnt")
    }

    /// `decode_short_ws` against the scalar FORGIVING decoder at every length
    /// 0..=128 of text with whitespace of each kind at pseudo-random places
    /// (none, some, many): the same bytes whenever scalar accepts, and the
    /// short path must take the valid ones itself (`Done`), not hand them on.
    /// Corrupted texts must not come back `Done` with other bytes.
    #[test]
    fn decode_short_ws_equals_scalar() {
        if !have_vbmi2() {
            return;
        }
        let scalar = FORGIVING.with_backend(Backend::Scalar).unwrap();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut done = 0;
        for raw_len in 0..=100usize {
            let raw: Vec<u8> = (0..raw_len).map(|_| next() as u8).collect();
            let std_scalar = STANDARD.with_backend(Backend::Scalar).unwrap();
            let mut text = vec![0u8; std_scalar.encoded_len(raw_len).unwrap()];
            std_scalar.encode_to_slice(&raw, &mut text).unwrap();
            for density in [0u64, 1, 4, 12] {
                let mut t = Vec::new();
                for &b in &text {
                    while next() % 64 < density {
                        t.push(b"\t\n\x0c\r "[next() as usize % 5]);
                    }
                    t.push(b);
                }
                if t.len() > COMPACT_MAX {
                    continue;
                }
                let mut bad = t.clone();
                if !bad.is_empty() {
                    let at = next() as usize % bad.len();
                    bad[at] = [b'=', b'*', 0x80, b'A'][next() as usize % 4];
                }
                for (input, valid) in [(&t, true), (&bad, false)] {
                    let mut buf = vec![0u8; raw_len + 8];
                    let want = scalar
                        .decode_to_slice(input, &mut buf)
                        .map(|k| buf[..k].to_vec());
                    let mut out = vec![0xA5u8; raw_len + 64];
                    // SAFETY: `have_vbmi2()` checked AVX-512 F/BW/VL/VBMI and
                    // VBMI2 (which the backend probe ties to POPCNT).
                    let got = unsafe {
                        decode_short_ws(
                            Alphabet::Standard,
                            input,
                            false,
                            |last| FORGIVING.last_group_symbols(last),
                            &mut out,
                        )
                    };
                    match got {
                        Short::Done(k) => {
                            done += 1;
                            assert_eq!(
                                Ok(out[..k].to_vec()),
                                want,
                                "raw {raw_len} density {density}"
                            );
                        }
                        Short::Clean => {
                            // Only a text of at most 4 bytes without whitespace.
                            assert!(input.len() < 5, "clean text of {} handed on", input.len());
                            assert!(!input.iter().any(|b| b"\t\n\x0c\r ".contains(b)));
                        }
                        Short::General => {
                            assert!(
                                !valid || want.is_err() || raw_len == 0,
                                "valid text handed on: raw {raw_len} density {density}"
                            );
                        }
                    }
                }
            }
        }
        assert!(done > 200, "short path taken {done} times");
        // SAFETY: as above.
        let long = unsafe {
            decode_short_ws(
                Alphabet::Standard,
                &[b'A'; 129],
                true,
                |_| Some(4),
                &mut [0; 999],
            )
        };
        assert!(matches!(long, Short::General));
    }

    fn k_encode(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        assert!(have());
        // SAFETY: `have()` checked AVX-512 F/BW/VL/VBMI.
        unsafe { encode_prefix(a, input, output) }
    }

    fn k_decode(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        assert!(have());
        // SAFETY: `have()` checked AVX-512 F/BW/VL/VBMI.
        unsafe { decode_prefix(a, input, output) }
    }

    fn k_decode_ws(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        assert!(have_vbmi2());
        // SAFETY: `have_vbmi2()` checked AVX-512 F/BW/VL/VBMI and VBMI2.
        unsafe { decode_prefix_skip_ws(a, input, output) }
    }

    /// SplitMix64: deterministic test data.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// `n` random symbols of `a`.
    fn symbols(rng: &mut Rng, a: Alphabet, n: usize) -> Vec<u8> {
        (0..n).map(|_| a.symbols()[rng.below(64)]).collect()
    }

    fn is_ws(b: u8) -> bool {
        matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
    }

    /// Runs the encode kernel and scalar on a sentinel-filled output of `cap`
    /// bytes and asserts the same result, the same bytes, nothing past `written`.
    fn check_encode(a: Alphabet, input: &[u8], cap: usize) {
        let mut want = vec![SENTINEL; cap];
        let want_rw = scalar::encode_prefix(enc(a), input, &mut want);
        let mut got = vec![SENTINEL; cap];
        let (r, w) = k_encode(a, input, &mut got);
        let ctx = format!("{a:?} len {} cap {cap}", input.len());
        assert_eq!((r, w), want_rw, "{ctx}");
        assert_eq!(w, r / 3 * 4, "{ctx}");
        assert_eq!(r % 3, 0, "{ctx}");
        assert_eq!(got, want, "{ctx}");
        assert!(got[w..].iter().all(|&b| b == SENTINEL), "{ctx}");
    }

    /// Runs the decode kernel and scalar on a sentinel-filled output of `cap`
    /// bytes: the kernel decodes every whole group before the first non-symbol,
    /// as scalar does, so the results are equal.
    fn check_decode(a: Alphabet, input: &[u8], cap: usize) {
        let mut want = vec![SENTINEL; cap];
        let want_rw = scalar::decode_prefix(dec(a), input, &mut want);
        let mut got = vec![SENTINEL; cap];
        let (r, w) = k_decode(a, input, &mut got);
        if (r, w) == (0, 0) && (input.len() / 4).min(cap / 3) < MIN_GROUPS {
            // Left to scalar.
            assert!(got.iter().all(|&b| b == SENTINEL));
            return;
        }
        let ctx = format!(
            "{a:?} cap {cap} input {:?}",
            std::string::String::from_utf8_lossy(input)
        );
        assert_eq!((r, w), want_rw, "{ctx}");
        assert_eq!(w, r / 4 * 3, "{ctx}");
        assert_eq!(r % 4, 0, "{ctx}");
        assert_eq!(got, want, "{ctx}");
    }

    /// The whitespace-skipping kernel against a model: strip whitespace up to
    /// the first byte that is neither symbol nor whitespace, decode the whole
    /// groups that fit. With room for all of them the kernel decodes them all;
    /// `consumed` is the offset of the first symbol not decoded, or the offset
    /// of that first bad byte (the end of the input) when every symbol before
    /// it was decoded.
    fn check_decode_ws(a: Alphabet, input: &[u8], cap: usize) {
        let table = dec(a);
        let stop = input
            .iter()
            .position(|&b| table.value(b) >= 64 && !is_ws(b))
            .unwrap_or(input.len());
        let sym_at: Vec<usize> = (0..stop).filter(|&i| !is_ws(input[i])).collect();
        let syms: Vec<u8> = sym_at.iter().map(|&i| input[i]).collect();
        let mut got = vec![SENTINEL; cap];
        let (r, w) = k_decode_ws(a, input, &mut got);
        if (r, w) == (0, 0) && input.len() < 4 * (MIN_GROUPS + 1) {
            // Left to scalar.
            assert!(got.iter().all(|&b| b == SENTINEL));
            return;
        }
        let ctx = format!(
            "{a:?} cap {cap} input {:?}",
            std::string::String::from_utf8_lossy(input)
        );
        assert_eq!(w % 3, 0, "{ctx}");
        let g = w / 3;
        let max_g = (syms.len() / 4).min(cap / 3);
        assert!(g <= max_g, "{ctx}");
        // The kernel may stop before a last stretch of at most SMALL_MAX
        // bytes with no whitespace that ends with `=`, which the codec
        // hands to `decode_small` (see `tail_is_clean`).
        let left_tail = input.len() >= 128
            && input.len() - r <= SMALL_MAX
            && input.last() == Some(&b'=')
            && !input[r..].iter().any(|&b| is_ws(b));
        if cap >= syms.len() / 4 * 3 && !left_tail {
            assert_eq!(g, max_g, "all groups decoded, {ctx}");
        }
        // `consumed` ends after the last decoded symbol, possibly after
        // whitespace following it, and at the latest at the next symbol (or
        // the first bad byte, or the end).
        let first = if g == 0 { 0 } else { sym_at[4 * g - 1] + 1 };
        let last = sym_at.get(4 * g).copied().unwrap_or(stop);
        assert!((first..=last).contains(&r), "consumed {r}, {ctx}");
        if cap >= syms.len() / 4 * 3 + 48 && !left_tail {
            // With room to spare, the kernel goes up to the next symbol.
            assert_eq!(r, last, "{ctx}");
        }
        let mut want = vec![SENTINEL; cap];
        let (c, o) = scalar::decode_prefix(table, &syms[..4 * g], &mut want);
        assert_eq!((c, o), (4 * g, w), "{ctx}");
        assert_eq!(got, want, "{ctx}");
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpmultishiftqb")]
    fn encode_matches_scalar() {
        if !have() {
            return;
        }
        let mut rng = Rng(1);
        for a in ALPHABETS {
            for len in lengths() {
                let input = rng.bytes(len);
                let need = len / 3 * 4;
                check_encode(a, &input, need);
                check_encode(a, &input, need + 70);
                for short in 1..=3 {
                    check_encode(a, &input, need.saturating_sub(short));
                }
                // Unaligned input and output.
                check_encode(a, &input[len.min(1)..], need + 1);
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpmultishiftqb")]
    fn encode_output_limits_every_size() {
        if !have() {
            return;
        }
        let mut rng = Rng(2);
        let input = rng.bytes(if cfg!(miri) { 100 } else { 400 });
        for cap in 0..=input.len() / 3 * 4 + 5 {
            check_encode(Alphabet::Standard, &input, cap);
        }
    }

    #[test]
    fn decode_valid_matches_scalar() {
        if !have() {
            return;
        }
        let mut rng = Rng(3);
        for a in ALPHABETS {
            for len in lengths() {
                let input = symbols(&mut rng, a, len);
                let need = len / 4 * 3;
                check_decode(a, &input, need);
                check_decode(a, &input, need + 70);
                for short in 1..=3 {
                    check_decode(a, &input, need.saturating_sub(short));
                }
                check_decode(a, &input[len.min(1)..], need);
            }
        }
    }

    #[test]
    fn decode_output_limits_every_size() {
        if !have() {
            return;
        }
        let mut rng = Rng(4);
        let input = symbols(
            &mut rng,
            Alphabet::Standard,
            if cfg!(miri) { 70 } else { 600 },
        );
        for cap in 0..=input.len() / 4 * 3 + 5 {
            check_decode(Alphabet::Standard, &input, cap);
        }
    }

    /// One unusual byte (invalid, `=`, whitespace, the other alphabet's
    /// symbols, high bytes) at every position of the first blocks.
    #[test]
    fn decode_stops_at_every_unusual_byte() {
        if !have() {
            return;
        }
        let mut rng = Rng(5);
        let n = if cfg!(miri) { 80 } else { 4 * 64 + 20 };
        let lens: &[usize] = if cfg!(miri) { &[80] } else { &[n, 64, 130] };
        let specials = [
            b'=',
            b'\n',
            b'\r',
            b' ',
            b'\t',
            0x0B,
            0x0C,
            0,
            b'.',
            b'*',
            0x7F,
            0x80,
            0xC1,
            0xFF,
            b'+' | 0x80,
            b'A' | 0x80,
        ];
        for a in ALPHABETS {
            let other = match a {
                Alphabet::Standard => [b'-', b'_'],
                Alphabet::UrlSafe => [b'+', b'/'],
            };
            for &len in lens {
                let base = symbols(&mut rng, a, len.min(n));
                // Under Miri, every third position and a few bytes.
                let (step, count) = if cfg!(miri) {
                    (3, 4)
                } else {
                    (1, specials.len())
                };
                for pos in (0..base.len()).step_by(step) {
                    for &bad in specials[..count].iter().chain(&other) {
                        let mut input = base.clone();
                        input[pos] = bad;
                        let need = input.len() / 4 * 3;
                        check_decode(a, &input, need + 70);
                        check_decode(a, &input, need);
                    }
                }
            }
        }
    }

    #[test]
    fn decode_skip_ws_clean_input() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(6);
        for a in ALPHABETS {
            for len in lengths() {
                let input = symbols(&mut rng, a, len);
                let need = len / 4 * 3;
                check_decode_ws(a, &input, need);
                check_decode_ws(a, &input, need + 70);
                for short in 1..=3 {
                    check_decode_ws(a, &input, need.saturating_sub(short));
                }
            }
        }
    }

    /// One whitespace or bad byte at every position.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
    fn decode_skip_ws_one_unusual_byte_everywhere() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(7);
        let n = if cfg!(miri) { 70 } else { 4 * 64 + 20 };
        let specials = [
            b'\n', b'\r', b' ', b'\t', 0x0C, 0x0B, b'=', 0x80, 0x8A, 0xA0, b'.',
        ];
        for a in ALPHABETS {
            let base = symbols(&mut rng, a, n);
            for pos in 0..n {
                for &s in &specials {
                    let mut input = base.clone();
                    input[pos] = s;
                    let need = n / 4 * 3;
                    check_decode_ws(a, &input, need + 70);
                    check_decode_ws(a, &input, need);
                    // Inserted rather than replaced: the symbol count shifts.
                    let mut ins = base.clone();
                    ins.insert(pos, s);
                    check_decode_ws(a, &ins, need + 70);
                }
            }
        }
    }

    /// Random whitespace runs (up to 200 bytes), random line wrapping, and
    /// an occasional bad byte, with every output size around the result.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
    fn decode_skip_ws_random_whitespace() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(8);
        let rounds = if cfg!(miri) { 20 } else { 3000 };
        for round in 0..rounds {
            let a = ALPHABETS[round % 2];
            let mut input = Vec::new();
            // Mostly short, now and then long enough to wrap the ring.
            let target = match (cfg!(miri), round % 50) {
                (true, _) => rng.below(200),
                (false, 0) => 5000 + rng.below(10_000),
                (false, _) => rng.below(1200),
            };
            let ws_rate = 1 + rng.below(40);
            while input.len() < target {
                if rng.below(ws_rate) == 0 {
                    let run = match rng.below(4) {
                        0 => rng.below(200),
                        _ => 1 + rng.below(3),
                    };
                    for _ in 0..run {
                        input.push([b'\t', b'\n', 0x0C, b'\r', b' '][rng.below(5)]);
                    }
                } else {
                    input.push(a.symbols()[rng.below(64)]);
                }
            }
            if rng.below(4) == 0 && !input.is_empty() {
                let pos = rng.below(input.len());
                input[pos] = [b'=', 0x0B, 0x80, b'!'][rng.below(4)];
            }
            let syms = input.iter().filter(|&&b| !is_ws(b)).count();
            let need = syms / 4 * 3;
            check_decode_ws(a, &input, need + 64);
            check_decode_ws(a, &input, need);
            check_decode_ws(a, &input, rng.below(need + 1));
        }
    }

    #[cfg(feature = "alloc")] // uses the Vec/String API
    /// Line-wrapped text (76 columns, LF and CRLF, and 64 like PEM).
    /// Line-wrapped text in many layouts (the line-at-a-time path takes
    /// lines of a multiple of 4 up to 128, four at a time for 64..=76), read
    /// from every offset into its first line, with roomy, exact and short
    /// outputs.
    #[test]
    fn decode_skip_ws_wrapped() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(9);
        let sizes: &[usize] = if cfg!(miri) {
            &[250]
        } else {
            &[0, 1, 57, 100, 300, 1000, 5000, 20_000]
        };
        let lines: &[usize] = if cfg!(miri) {
            &[64, 76]
        } else {
            &[4, 8, 60, 64, 68, 72, 76, 77, 80, 100, 128, 132]
        };
        for &n in sizes {
            let data = rng.bytes(n);
            for &line in lines {
                for ending in [LineEnding::Lf, LineEnding::CrLf] {
                    let text = scalar_codec().encode_wrapped(&data, line, ending);
                    let text = text.as_bytes();
                    let body = std::string::String::from_utf8_lossy(text);
                    let body = body.trim_end_matches(['=', '\n', '\r']).as_bytes();
                    // Under Miri, only what the line path takes whole: the
                    // rest goes through vpcompressb, which Miri lacks.
                    let starts: &[usize] = if cfg!(miri) {
                        &[0]
                    } else {
                        &[0, 1, 2, 4, 12, 13, 63, 64, 76, 77, 78]
                    };
                    for &start in starts {
                        let Some(text) = text.get(start..) else {
                            continue;
                        };
                        let syms = text.iter().filter(|&&b| !is_ws(b)).count();
                        let need = syms / 4 * 3;
                        check_decode_ws(Alphabet::Standard, text, need + 64);
                        if cfg!(miri) {
                            continue;
                        }
                        check_decode_ws(Alphabet::Standard, text, need);
                        check_decode_ws(Alphabet::Standard, text, need.saturating_sub(1));
                        check_decode_ws(Alphabet::Standard, text, need / 2);
                    }
                    let syms = body.iter().filter(|&&b| !is_ws(b)).count();
                    check_decode_ws(Alphabet::Standard, body, syms / 4 * 3 + 64);
                }
            }
        }
    }

    #[cfg(feature = "alloc")] // uses the Vec/String API
    /// Wrapped text with one byte replaced, removed or added at every
    /// position of its first lines: the line-at-a-time path must notice and
    /// leave the rest to the general one.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
    fn decode_skip_ws_wrapped_corrupted() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(11);
        let data = rng.bytes(if cfg!(miri) { 120 } else { 700 });
        let span = if cfg!(miri) { 90 } else { 420 };
        let bytes = [
            b'=', b' ', b'\n', b'\r', b'\t', 0x0B, 0x0C, 0x80, 0x8D, b'*', b'A',
        ];
        for (line, ending) in [
            (76, LineEnding::CrLf),
            (76, LineEnding::Lf),
            (64, LineEnding::Lf),
        ] {
            let text = scalar_codec()
                .encode_wrapped(&data, line, ending)
                .into_bytes();
            let need = text.len() / 4 * 3 + 64;
            for pos in 0..span.min(text.len()) {
                for &b in &bytes {
                    let mut t = text.clone();
                    t[pos] = b;
                    check_decode_ws(Alphabet::Standard, &t, need);
                    let mut t = text.clone();
                    t.insert(pos, b);
                    check_decode_ws(Alphabet::Standard, &t, need);
                }
                let mut t = text.clone();
                t.remove(pos);
                check_decode_ws(Alphabet::Standard, &t, need);
            }
        }
    }

    #[cfg(feature = "alloc")] // uses the Vec/String API
    /// Every output size on wrapped text, the line path's room checks.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
    fn decode_skip_ws_wrapped_output_limits() {
        if !have_vbmi2() {
            return;
        }
        let mut rng = Rng(12);
        let data = rng.bytes(if cfg!(miri) { 100 } else { 900 });
        for ending in [LineEnding::CrLf, LineEnding::Lf] {
            let text = scalar_codec()
                .encode_wrapped(&data, 76, ending)
                .into_bytes();
            for cap in 0..=data.len() + 3 {
                check_decode_ws(Alphabet::Standard, &text, cap);
            }
        }
    }

    /// Test data comes from the scalar encoder (under Miri the detected
    /// backend would be this one, whose encoder Miri cannot run).
    fn scalar_codec() -> Base64 {
        STANDARD
            .with_backend(Backend::Scalar)
            .expect("always available")
    }

    fn forced(codec: Base64) -> Base64 {
        codec.with_backend(Backend::Avx512Vbmi).expect("checked")
    }

    /// The public API with the backend forced equals the scalar backend, on
    /// results, errors and the untouched tail of the output.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri does not implement vpmultishiftqb and vpcompressb"
    )]
    #[cfg(feature = "alloc")] // uses the Vec/String API
    fn public_api_matches_scalar() {
        if !have() {
            return;
        }
        let mut rng = Rng(10);
        let codecs = [
            STANDARD,
            URL_SAFE,
            FORGIVING,
            STANDARD.with_encode_padding(false),
        ];
        for codec in codecs {
            let scalar_codec = codec.with_backend(Backend::Scalar).expect("always");
            let simd = forced(codec);
            for len in lengths() {
                let data = rng.bytes(len);
                assert_eq!(simd.encode(&data), scalar_codec.encode(&data));
                let text = scalar_codec.encode(&data).into_bytes();
                let mut variants = vec![text.clone()];
                if !text.is_empty() {
                    let mut bad = text.clone();
                    let p = rng.below(text.len());
                    bad[p] = [b'=', b'\n', b' ', 0x80, b'*'][rng.below(5)];
                    variants.push(bad);
                    let mut wrapped = Vec::new();
                    for (i, &b) in text.iter().enumerate() {
                        if i > 0 && i % 76 == 0 {
                            wrapped.extend_from_slice(b"\r\n");
                        }
                        wrapped.push(b);
                    }
                    variants.push(wrapped);
                }
                for v in variants {
                    let cap = v.len() + 8;
                    let mut want = vec![SENTINEL; cap];
                    let mut got = vec![SENTINEL; cap];
                    let want_r = scalar_codec.decode_to_slice(&v, &mut want);
                    let got_r = simd.decode_to_slice(&v, &mut got);
                    assert_eq!(got_r, want_r, "{codec:?} len {len}");
                    assert_eq!(got, want, "{codec:?} len {len}");
                }
            }
        }
    }
}
