//! aarch64 NEON kernels.
//!
//! Both directions use the de-interleaving structure loads and stores: with
//! `vld3q_u8` the first, second and third byte of 16 groups land in three
//! registers, and `vst4q_u8` interleaves four registers of symbols back into
//! 64 consecutive bytes (and `vld4q_u8` / `vst3q_u8` the other way). The bit
//! work is then the same in every lane, with no byte shuffle at all, and the
//! alphabet is a 64-byte table in four registers that `vqtbl4q_u8` indexes
//! directly: the table-lookup technique of aklomp/base64's NEON64 codec, with
//! the split/pack bit layouts Muła & Lemire describe for SSE/AVX2. Both
//! alphabets are plain tables, so supporting `'-_'` costs nothing.
//!
//! A block is 48 bytes <-> 64 symbols; a half block (24 <-> 32, the same code
//! on 64-bit registers) takes what is left after the last whole block, so
//! inputs from 24 bytes (encode) or 32 symbols (decode) already run here.
//! Every load and store is exactly one block of `input` / `output`, so no
//! store ever reaches past `written`.
//!
//! The small-input kernels ([`encode_final`], [`decode_small`]) run the same
//! blocks straight from the slices, and the last partial block through a
//! stack buffer: the tail is copied in (safe, overlapping fixed-size moves),
//! the buffer goes through the block code, and exactly the tail's bytes are
//! copied out. The buffer's filler is chosen so that it decodes or encodes
//! as the zero bits base64 puts there anyway, so no lane mask is needed.

use core::arch::aarch64::{
    uint8x16_t, uint8x16x3_t, uint8x16x4_t, uint8x8_t, uint8x8x3_t, uint8x8x4_t, vand_u8, vandq_u8,
    vdup_n_u8, vdupq_n_u8, vld1q_u8_x4, vld3_u8, vld3q_u8, vld4_u8, vld4q_u8, vmaxv_u8, vmaxvq_u8,
    vorr_u8, vorrq_u8, vqsub_u8, vqsubq_u8, vqtbl4_u8, vqtbl4q_u8, vqtbx4_u8, vqtbx4q_u8,
    vshr_n_u8, vshrq_n_u8, vsli_n_u8, vsliq_n_u8, vst3_u8, vst3q_u8, vst4_u8, vst4q_u8,
};

use crate::base64::arch::{self, Kernels};
use crate::base64::{Alphabet, OutputTooSmall};

/// Input bytes of one block.
const BLOCK_BYTES: usize = 48;
/// Symbols of one block.
const BLOCK_SYMBOLS: usize = 64;

/// The two decode tables of one alphabet, for the 128-entry lookup that
/// [`translate_symbols`] does with `vqtbl4q_u8` + `vqtbx4q_u8`.
///
/// - `lo[c]` for `c` in `0..64`: the value of byte `c`, or `0xFF`.
/// - `hi[k]` for `k` in `0..64`: `k == 0` is neutral (`0`, every byte below
///   64 lands there); `k` in `1..64` is the value of byte `63 + k`, or `0xFF`.
struct DecTables {
    lo: [u8; 64],
    hi: [u8; 64],
}

const fn dec_tables(symbols: &[u8; 64]) -> DecTables {
    let mut lo = [0xFF; 64];
    let mut hi = [0xFF; 64];
    hi[0] = 0;
    let mut v = 0;
    while v < 64 {
        let c = symbols[v] as usize;
        if c < 64 {
            lo[c] = v as u8;
        } else {
            // Every symbol is ASCII, so `c - 63` is in 1..=64; 64 would be DEL,
            // which is no symbol.
            hi[c - 63] = v as u8;
        }
        v += 1;
    }
    DecTables { lo, hi }
}

static DEC_STANDARD: DecTables = dec_tables(Alphabet::Standard.symbols());
static DEC_URL_SAFE: DecTables = dec_tables(Alphabet::UrlSafe.symbols());

/// Loads a 64-byte table into four registers (`vqtbl4q_u8`'s operand).
#[target_feature(enable = "neon")]
#[inline]
fn load_table(t: &[u8; 64]) -> uint8x16x4_t {
    // SAFETY: `t` is 64 readable bytes, exactly what `vld1q_u8_x4` reads (no
    // alignment needed).
    unsafe { vld1q_u8_x4(t.as_ptr()) }
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
///
/// Whole blocks of 48 bytes, then at most one half block of 24; shorter
/// inputs return `(0, 0)` at once and are left to the scalar code.
#[target_feature(enable = "neon")]
pub(crate) fn encode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    if input.len() < BLOCK_BYTES / 2 || output.len() < BLOCK_SYMBOLS / 2 {
        return (0, 0);
    }
    let symbols = load_table(alphabet.symbols());
    // The zip stops at whichever runs out first, so the loop runs `blocks` times.
    let blocks = (input.len() / BLOCK_BYTES).min(output.len() / BLOCK_SYMBOLS);
    for (src, dst) in input
        .chunks_exact(BLOCK_BYTES)
        .zip(output.chunks_exact_mut(BLOCK_SYMBOLS))
    {
        encode_block(&symbols, src.try_into().unwrap(), dst.try_into().unwrap());
    }
    let (mut r, mut w) = (blocks * BLOCK_BYTES, blocks * BLOCK_SYMBOLS);
    if let (Some(src), Some(dst)) = (
        input.get(r..r + BLOCK_BYTES / 2),
        output.get_mut(w..w + BLOCK_SYMBOLS / 2),
    ) {
        encode_half_block(&symbols, src.try_into().unwrap(), dst.try_into().unwrap());
        r += BLOCK_BYTES / 2;
        w += BLOCK_SYMBOLS / 2;
    }
    (r, w)
}

/// 48 bytes -> 64 symbols.
#[target_feature(enable = "neon")]
#[inline]
fn encode_block(symbols: &uint8x16x4_t, src: &[u8; 48], dst: &mut [u8; 64]) {
    // SAFETY: `src` is 48 readable bytes, exactly what `vld3q_u8` reads.
    let uint8x16x3_t(a, b, c) = unsafe { vld3q_u8(src.as_ptr()) };
    let [i0, i1, i2, i3] = split(a, b, c);
    let out = uint8x16x4_t(
        translate(symbols, i0),
        translate(symbols, i1),
        translate(symbols, i2),
        translate(symbols, i3),
    );
    // SAFETY: `dst` is 64 writable bytes, exactly what `vst4q_u8` writes.
    unsafe { vst4q_u8(dst.as_mut_ptr(), out) };
}

/// 24 bytes -> 32 symbols: [`encode_block`] on 64-bit registers.
#[target_feature(enable = "neon")]
#[inline]
fn encode_half_block(symbols: &uint8x16x4_t, src: &[u8; 24], dst: &mut [u8; 32]) {
    // SAFETY: `src` is 24 readable bytes, exactly what `vld3_u8` reads.
    let uint8x8x3_t(a, b, c) = unsafe { vld3_u8(src.as_ptr()) };
    let [i0, i1, i2, i3] = split_half(a, b, c);
    let out = uint8x8x4_t(
        translate_half(symbols, i0),
        translate_half(symbols, i1),
        translate_half(symbols, i2),
        translate_half(symbols, i3),
    );
    // SAFETY: `dst` is 32 writable bytes, exactly what `vst4_u8` writes.
    unsafe { vst4_u8(dst.as_mut_ptr(), out) };
}

/// Splits the three bytes of each group (one register each, from `vld3q_u8`)
/// into four 6-bit indices:
///
/// ```text
/// a = AAAAAABB  b = BBBBCCCC  c = CCDDDDDD
/// i0 = a >> 2                             = 00AAAAAA
/// i1 = sli(b >> 4, a, 4) = AABBBBBB & 0x3F = 00BBBBBB
/// i2 = sli(c >> 6, b, 2) = BBCCCCCC & 0x3F = 00CCCCCC
/// i3 = c & 0x3F                           = 00DDDDDD
/// ```
///
/// (`sli(x, y, n)` is "shift left and insert": `(y << n) | (x & (2^n - 1))`.)
#[target_feature(enable = "neon")]
#[inline]
fn split(a: uint8x16_t, b: uint8x16_t, c: uint8x16_t) -> [uint8x16_t; 4] {
    let m = vdupq_n_u8(0x3F);
    [
        vshrq_n_u8::<2>(a),
        vandq_u8(vsliq_n_u8::<4>(vshrq_n_u8::<4>(b), a), m),
        vandq_u8(vsliq_n_u8::<2>(vshrq_n_u8::<6>(c), b), m),
        vandq_u8(c, m),
    ]
}

/// [`split`] on 64-bit registers.
#[target_feature(enable = "neon")]
#[inline]
fn split_half(a: uint8x8_t, b: uint8x8_t, c: uint8x8_t) -> [uint8x8_t; 4] {
    let m = vdup_n_u8(0x3F);
    [
        vshr_n_u8::<2>(a),
        vand_u8(vsli_n_u8::<4>(vshr_n_u8::<4>(b), a), m),
        vand_u8(vsli_n_u8::<2>(vshr_n_u8::<6>(c), b), m),
        vand_u8(c, m),
    ]
}

/// Index (0..64) -> symbol: one `tbl` over the 64-byte alphabet.
#[target_feature(enable = "neon")]
#[inline]
fn translate(symbols: &uint8x16x4_t, i: uint8x16_t) -> uint8x16_t {
    vqtbl4q_u8(*symbols, i)
}

/// [`translate`] on a 64-bit register.
#[target_feature(enable = "neon")]
#[inline]
fn translate_half(symbols: &uint8x16x4_t, i: uint8x8_t) -> uint8x8_t {
    vqtbl4_u8(*symbols, i)
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
///
/// Whole blocks of 64 symbols while they are valid, then at most one half
/// block of 32 (which also takes the valid first half of a block that stopped
/// the loop). Shorter inputs return `(0, 0)` at once. A block is translated and
/// checked before anything is stored, so a block holding anything but alphabet
/// symbols is left untouched to the scalar code.
#[target_feature(enable = "neon")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    if input.len() < BLOCK_SYMBOLS / 2 || output.len() < BLOCK_BYTES / 2 {
        return (0, 0);
    }
    let t = match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    };
    let (lo, hi) = (load_table(&t.lo), load_table(&t.hi));
    let mut blocks = 0;
    for (src, dst) in input
        .chunks_exact(BLOCK_SYMBOLS)
        .zip(output.chunks_exact_mut(BLOCK_BYTES))
    {
        if !decode_block(&lo, &hi, src.try_into().unwrap(), dst.try_into().unwrap()) {
            break;
        }
        blocks += 1;
    }
    let (mut r, mut w) = (blocks * BLOCK_SYMBOLS, blocks * BLOCK_BYTES);
    if let (Some(src), Some(dst)) = (
        input.get(r..r + BLOCK_SYMBOLS / 2),
        output.get_mut(w..w + BLOCK_BYTES / 2),
    ) {
        if decode_half_block(&lo, &hi, src.try_into().unwrap(), dst.try_into().unwrap()) {
            r += BLOCK_SYMBOLS / 2;
            w += BLOCK_BYTES / 2;
        }
    }
    (r, w)
}

/// 64 symbols -> 48 bytes. Returns `false`, storing nothing, when one of the
/// 64 bytes is not an alphabet symbol.
#[target_feature(enable = "neon")]
#[inline]
fn decode_block(lo: &uint8x16x4_t, hi: &uint8x16x4_t, src: &[u8; 64], dst: &mut [u8; 48]) -> bool {
    // SAFETY: `src` is 64 readable bytes, exactly what `vld4q_u8` reads.
    let uint8x16x4_t(s0, s1, s2, s3) = unsafe { vld4q_u8(src.as_ptr()) };
    let (a, b, c, d) = (
        translate_symbols(lo, hi, s0),
        translate_symbols(lo, hi, s1),
        translate_symbols(lo, hi, s2),
        translate_symbols(lo, hi, s3),
    );
    // Valid values are 0..64, every invalid byte translated to 64 or more, so
    // the OR of all four has bit 6 or 7 set somewhere iff one was invalid.
    if vmaxvq_u8(vorrq_u8(vorrq_u8(a, b), vorrq_u8(c, d))) >= 64 {
        return false;
    }
    let out = pack(a, b, c, d);
    // SAFETY: `dst` is 48 writable bytes, exactly what `vst3q_u8` writes.
    unsafe { vst3q_u8(dst.as_mut_ptr(), out) };
    true
}

/// 32 symbols -> 24 bytes: [`decode_block`] on 64-bit registers.
#[target_feature(enable = "neon")]
#[inline]
fn decode_half_block(
    lo: &uint8x16x4_t,
    hi: &uint8x16x4_t,
    src: &[u8; 32],
    dst: &mut [u8; 24],
) -> bool {
    // SAFETY: `src` is 32 readable bytes, exactly what `vld4_u8` reads.
    let uint8x8x4_t(s0, s1, s2, s3) = unsafe { vld4_u8(src.as_ptr()) };
    let (a, b, c, d) = (
        translate_symbols_half(lo, hi, s0),
        translate_symbols_half(lo, hi, s1),
        translate_symbols_half(lo, hi, s2),
        translate_symbols_half(lo, hi, s3),
    );
    if vmaxv_u8(vorr_u8(vorr_u8(a, b), vorr_u8(c, d))) >= 64 {
        return false;
    }
    let out = pack_half(a, b, c, d);
    // SAFETY: `dst` is 24 writable bytes, exactly what `vst3_u8` writes.
    unsafe { vst3_u8(dst.as_mut_ptr(), out) };
    true
}

/// Symbol -> 6-bit value, or 64 and more for any other byte: a 128-entry
/// table lookup split over two 64-byte tables (aklomp/base64's NEON64 decode).
///
/// ```text
/// byte s     | vqtbl4q(lo, s)  | k = s -| 63 (saturating) | vqtbx4q(k, hi, k) | OR
/// 0..=63     | lo[s]           | 0                        | hi[0] = 0         | lo[s]
/// 64..=126   | 0 (index >= 64) | 1..=63                   | hi[k]             | hi[k]
/// 127        | 0               | 64 (out of table)        | 64 (kept)         | 64
/// 128..=255  | 0               | 65..=192                 | k (kept)          | >= 65
/// ```
///
/// `tbx` leaves a lane whose index is out of the table unchanged, so seeding
/// it with the index itself makes every byte from 127 up invalid for free.
#[target_feature(enable = "neon")]
#[inline]
fn translate_symbols(lo: &uint8x16x4_t, hi: &uint8x16x4_t, s: uint8x16_t) -> uint8x16_t {
    let k = vqsubq_u8(s, vdupq_n_u8(63));
    vorrq_u8(vqtbl4q_u8(*lo, s), vqtbx4q_u8(k, *hi, k))
}

/// [`translate_symbols`] on a 64-bit register.
#[target_feature(enable = "neon")]
#[inline]
fn translate_symbols_half(lo: &uint8x16x4_t, hi: &uint8x16x4_t, s: uint8x8_t) -> uint8x8_t {
    let k = vqsub_u8(s, vdup_n_u8(63));
    vorr_u8(vqtbl4_u8(*lo, s), vqtbx4_u8(k, *hi, k))
}

/// Packs the four 6-bit values of each group into three bytes, each its own
/// register for `vst3q_u8`:
///
/// ```text
/// a = 00AAAAAA  b = 00BBBBBB  c = 00CCCCCC  d = 00DDDDDD
/// o0 = sli(b >> 4, a, 2) = AAAAAABB
/// o1 = sli(c >> 2, b, 4) = BBBBCCCC
/// o2 = sli(d, c, 6)      = CCDDDDDD
/// ```
///
/// (`sli(x, y, n) = (y << n) | (x & (2^n - 1))`; the bits of `y` shifted out
/// of the byte are dropped, which is what `b << 4` and `c << 6` want.)
#[target_feature(enable = "neon")]
#[inline]
fn pack(a: uint8x16_t, b: uint8x16_t, c: uint8x16_t, d: uint8x16_t) -> uint8x16x3_t {
    uint8x16x3_t(
        vsliq_n_u8::<2>(vshrq_n_u8::<4>(b), a),
        vsliq_n_u8::<4>(vshrq_n_u8::<2>(c), b),
        vsliq_n_u8::<6>(d, c),
    )
}

/// [`pack`] on 64-bit registers.
#[target_feature(enable = "neon")]
#[inline]
fn pack_half(a: uint8x8_t, b: uint8x8_t, c: uint8x8_t, d: uint8x8_t) -> uint8x8x3_t {
    uint8x8x3_t(
        vsli_n_u8::<2>(vshr_n_u8::<4>(b), a),
        vsli_n_u8::<4>(vshr_n_u8::<2>(c), b),
        vsli_n_u8::<6>(d, c),
    )
}

// ---------------------------------------------------------------------------
// Small inputs: the whole encode, and the whole decode of a short text
// ---------------------------------------------------------------------------

/// Encodes all of `input`, the final partial group and its padding included,
/// into `output[..n]` and returns `Ok(n)`, or fails, writing nothing, if
/// `output` is shorter than the encoding: the whole of
/// `Base64::encode_to_slice` for this backend (as the x86 `encode_final`s).
/// The whole blocks before the last 1..=48 bytes go as in
/// [`encode_prefix`]; those last bytes are one block or half block
/// ([`encode_last`]).
#[target_feature(enable = "neon")]
pub(crate) fn encode_final(
    alphabet: Alphabet,
    input: &[u8],
    pad: bool,
    output: &mut [u8],
) -> Result<usize, OutputTooSmall> {
    let len = input.len();
    let (output, data) = arch::exact_output(output, len, pad)?;
    let needed = output.len();
    if len == 0 {
        return Ok(0);
    }
    let head = (len - 1) / BLOCK_BYTES * BLOCK_BYTES;
    let w = head / 3 * 4;
    let symbols = load_table(alphabet.symbols());
    // (`encode_prefix`'s loop without its call and its half block: `head`
    // is whole blocks, and `output` is cut to the encoding, so `w <= needed`.)
    let (body, last) = output.split_at_mut(w);
    for (src, dst) in input[..head]
        .chunks_exact(BLOCK_BYTES)
        .zip(body.chunks_exact_mut(BLOCK_SYMBOLS))
    {
        encode_block(&symbols, src.try_into().unwrap(), dst.try_into().unwrap());
    }
    encode_last(&symbols, &input[head..], data - w, last);
    Ok(needed)
}

/// Encodes the last 1..=48 input bytes `tail` into all of `out` (their
/// encoded length, at most 64), of which the first `data` are data symbols
/// and the rest `=`. Up to 24 bytes go through [`encode_half_block`], more
/// through [`encode_block`], each on a zeroed stack copy of the tail: the
/// zero bytes past it are base64's zero fill of the final group
///
/// ```text
/// 1 byte  AAAAAABB                   -> AAAAAA BB0000 (then `==` or nothing)
/// 2 bytes AAAAAABB BBBBCCCC          -> AAAAAA BBBBBB CCCC00 (then `=`)
/// ```
///
/// and the symbols are copied out of a stack buffer, so nothing is read or
/// written outside `tail` and `out`.
#[target_feature(enable = "neon")]
#[inline]
fn encode_last(symbols: &uint8x16x4_t, tail: &[u8], data: usize, out: &mut [u8]) {
    let t = tail.len();
    debug_assert!((1..=BLOCK_BYTES).contains(&t) && data <= out.len());
    if t <= BLOCK_BYTES / 2 {
        let mut src = [0u8; BLOCK_BYTES / 2];
        arch::copy_short(&mut src[..t], tail);
        let mut dst = [0u8; BLOCK_SYMBOLS / 2];
        encode_half_block(symbols, &src, &mut dst);
        arch::copy_short(out, &dst[..out.len()]);
    } else {
        let mut src = [0u8; BLOCK_BYTES];
        copy_upto_64(&mut src[..t], tail);
        let mut dst = [0u8; BLOCK_SYMBOLS];
        encode_block(symbols, &src, &mut dst);
        copy_upto_64(out, &dst[..out.len()]);
    }
    arch::pad_symbols(out, data);
}

/// [`arch::copy_short`] for up to 64 bytes: above 32, the first 32 and the
/// last 32 (overlapping).
#[inline(always)]
fn copy_upto_64(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n == dst.len() && n <= 64);
    if n > 32 {
        dst[..32].copy_from_slice(&src[..32]);
        dst[n - 32..].copy_from_slice(&src[n - 32..]);
    } else {
        arch::copy_short(dst, src);
    }
}

/// The longest input [`decode_small`] takes: two blocks.
pub(crate) const SMALL_MAX: usize = 2 * BLOCK_SYMBOLS;

/// Decodes 2..=[`SMALL_MAX`] symbols that the caller has already split from
/// their padding, as the x86 `decode_small`s: `Some(written)` only if every
/// byte is a symbol, the symbol count is not 1 mod 4, `output` has room,
/// and (with `check_trailing`) the unused low bits of the last symbol are
/// zero; otherwise `None` (having written nothing, or the first block's 48
/// bytes), and the general path decides (and reports) what is wrong. A
/// whole block before the last 1..=64 symbols goes as in [`decode_prefix`];
/// those last symbols are one block or half block ([`decode_last`]).
#[target_feature(enable = "neon")]
pub(crate) fn decode_small(
    alphabet: Alphabet,
    symbols: &[u8],
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let s = symbols.len();
    let output = arch::small_output(s, SMALL_MAX, output)?;
    let out = output.len();
    let t = match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    };
    let (lo, hi) = (load_table(&t.lo), load_table(&t.hi));
    // 0 or 1 whole blocks; with one, `s > 64` symbols decode to more than
    // 48 bytes, so the block's output is inside `output`.
    let full = (s - 1) / BLOCK_SYMBOLS;
    let (body, last) = output.split_at_mut(full * BLOCK_BYTES);
    for (src, dst) in symbols[..full * BLOCK_SYMBOLS]
        .chunks_exact(BLOCK_SYMBOLS)
        .zip(body.chunks_exact_mut(BLOCK_BYTES))
    {
        if !decode_block(&lo, &hi, src.try_into().unwrap(), dst.try_into().unwrap()) {
            return None;
        }
    }
    decode_last(
        &lo,
        &hi,
        &symbols[full * BLOCK_SYMBOLS..],
        check_trailing,
        last,
    )?;
    Some(out)
}

/// The last 2..=64 symbols of [`decode_small`] (not 1 mod 4) into all of
/// `out` (their decoded length): up to 32 through [`decode_half_block`],
/// more through [`decode_block`], each on a stack copy of the symbols
/// filled up with `A`. `A` is the value 0 in both alphabets, so the filler
/// passes the symbol check and packs as zero bits, and the byte after the
/// last output byte holds exactly the unused bits of a partial final group
/// (or, after a whole one, is the filler's zero):
///
/// ```text
/// 2 symbols aaaaaa bbbbbb        + A.. -> bytes aaaaaabb [bbbb0000]
/// 3 symbols aaaaaa bbbbbb cccccc + A.. -> bytes aaaaaabb bbbbcccc [cc000000]
/// ```
///
/// The bytes are copied out of a stack buffer: nothing is read or written
/// outside `symbols` and `out`.
#[target_feature(enable = "neon")]
#[inline]
fn decode_last(
    lo: &uint8x16x4_t,
    hi: &uint8x16x4_t,
    symbols: &[u8],
    check_trailing: bool,
    out: &mut [u8],
) -> Option<()> {
    let (n, m) = (symbols.len(), out.len());
    debug_assert!((2..=BLOCK_SYMBOLS).contains(&n) && n % 4 != 1 && m == n * 3 / 4);
    if n <= BLOCK_SYMBOLS / 2 {
        let mut src = [b'A'; BLOCK_SYMBOLS / 2];
        arch::copy_short(&mut src[..n], symbols);
        let mut dst = [0u8; BLOCK_BYTES / 2];
        if !decode_half_block(lo, hi, &src, &mut dst) || trailing_set(check_trailing, &dst, m) {
            return None;
        }
        arch::copy_short(out, &dst[..m]);
    } else {
        let mut src = [b'A'; BLOCK_SYMBOLS];
        copy_upto_64(&mut src[..n], symbols);
        let mut dst = [0u8; BLOCK_BYTES];
        if !decode_block(lo, hi, &src, &mut dst) || trailing_set(check_trailing, &dst, m) {
            return None;
        }
        copy_upto_64(out, &dst[..m]);
    }
    Some(())
}

/// Whether, with `check_trailing`, the byte after the `m` decoded bytes in
/// `dst` (see [`decode_last`]) holds set trailing bits. Past the buffer
/// (a whole last block) there are none.
#[inline(always)]
fn trailing_set(check_trailing: bool, dst: &[u8], m: usize) -> bool {
    check_trailing && dst.get(m).is_some_and(|&b| b != 0)
}

/// The NEON backend's kernels.
pub(crate) static KERNELS: Kernels = Kernels {
    encode_prefix: Some(encode_prefix),
    decode_prefix: Some(decode_prefix),
    decode_prefix_skip_ws: None,
    // Not in the small form (`pixb64_small`: flash over speed), whose
    // decode takes the general path anyway.
    encode_final: if cfg!(pixb64_small) {
        None
    } else {
        Some(encode_final)
    },
    decode_small: if cfg!(pixb64_small) {
        None
    } else {
        Some(decode_small)
    },
    small_max: if cfg!(pixb64_small) { 0 } else { SMALL_MAX },
    ..Kernels::NONE
};

#[cfg(test)]
mod tests {
    use super::{BLOCK_BYTES, BLOCK_SYMBOLS};
    use crate::base64::arch::prefix_tests::{self, PrefixKernels};
    use crate::base64::arch::small_tests::{self, Small};
    use crate::base64::Backend;

    // The whole-block kernels, by the tests shared with SSSE3, AVX2 and
    // simd128: whole blocks, then at most one half block, so every half
    // block that fits (and, decoding, comes before the first non-symbol).

    const PREFIX: PrefixKernels = PrefixKernels {
        backend: Backend::Neon,
        encode_prefix: super::encode_prefix,
        decode_prefix: super::decode_prefix,
        expected_encode: |len, out_len| {
            let half = BLOCK_BYTES / 2;
            (len / half).min(out_len / (half / 3 * 4)) * half
        },
        expected_decode: |_, stop, out_len| {
            let half = BLOCK_SYMBOLS / 2;
            (stop / half).min(out_len / (half / 4 * 3)) * half
        },
        dec_block: BLOCK_SYMBOLS / 2,
        dec_round: BLOCK_SYMBOLS,
    };

    prefix_tests::prefix_kernel_tests!(PREFIX);

    // The small-input kernels, by the tests shared with SSSE3 and AVX2.

    const SMALL: Small = Small {
        backend: Backend::Neon,
        encode_final: super::encode_final,
        decode_small: super::decode_small,
        small_max: super::SMALL_MAX,
        enc_block: super::BLOCK_BYTES,
        dec_block: super::BLOCK_SYMBOLS,
    };

    small_tests::small_kernel_tests!(SMALL);
}
