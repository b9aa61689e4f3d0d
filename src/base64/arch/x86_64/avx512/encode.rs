//! Encode: 3 bytes to 4 symbols, 16 groups per 64-byte register (`vpermb`,
//! `vpmultishiftqb`, `vpermb`), and the whole of a padded encode
//! ([`encode_final`]).

use core::arch::x86_64::*;

use super::{load64, low_mask, permute, permute_maskz, permute_or, Table64};
use crate::base64::arch::exact_output;
use crate::base64::{Alphabet, OutputTooSmall};

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
