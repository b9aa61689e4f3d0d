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

mod compact;
mod decode;
mod encode;
mod lines;
#[cfg(test)]
// Without `alloc` the public-API tests are off, and some helpers with them.
#[cfg_attr(not(feature = "alloc"), allow(unused_imports, dead_code))]
mod tests;

pub(crate) use compact::{decode_prefix_skip_ws, decode_short_ws, COMPACT_MAX};
pub(crate) use decode::{decode_prefix, decode_small, SMALL_MAX};
pub(crate) use encode::{encode_final, encode_prefix};

use crate::base64::arch::{Kernels, Short};
use crate::base64::Alphabet;

/// The AVX-512 VBMI backend's kernels (F, BW, VL and VBMI). The two
/// whitespace-skipping ones also need VBMI2 (`vpcompressb`) and POPCNT,
/// which a few VBMI CPUs lack: their slots hold checks that run them only
/// where the CPU has them (one cached load), so that the table of the
/// backend is one `static` and choosing it needs no feature test.
pub(crate) static KERNELS: Kernels = Kernels {
    encode_prefix: Some(encode_prefix),
    decode_prefix: Some(decode_prefix),
    decode_prefix_skip_ws: Some(decode_prefix_skip_ws_checked),
    encode_final: Some(encode_final),
    decode_small: Some(decode_small),
    small_max: SMALL_MAX,
    decode_short_ws: Some(decode_short_ws_checked),
    short_ws_max: COMPACT_MAX,
};

/// [`decode_prefix_skip_ws`] where the CPU has VBMI2, else the clean
/// [`decode_prefix`] (whitespace then stops it, and the scalar code skips it).
///
/// # Safety
///
/// The CPU has AVX-512 F, BW, VL and VBMI (the backend is available).
unsafe fn decode_prefix_skip_ws_checked(
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    if crate::cpu::features().avx512_vbmi2() {
        // SAFETY: VBMI2 and POPCNT were just checked; the rest is the
        // caller's bound.
        unsafe { decode_prefix_skip_ws(alphabet, input, output) }
    } else {
        // SAFETY: the caller's bound (AVX-512 F, BW, VL, VBMI).
        unsafe { decode_prefix(alphabet, input, output) }
    }
}

/// [`decode_short_ws`] where the CPU has VBMI2; else the general path.
///
/// # Safety
///
/// The CPU has AVX-512 F, BW, VL and VBMI (the backend is available).
unsafe fn decode_short_ws_checked(
    alphabet: Alphabet,
    input: &[u8],
    check_trailing: bool,
    last_group: &dyn Fn(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Short {
    if !crate::cpu::features().avx512_vbmi2() {
        return Short::General;
    }
    // SAFETY: VBMI2 and POPCNT were just checked; the rest is the caller's
    // bound.
    unsafe { decode_short_ws(alphabet, input, check_trailing, last_group, output) }
}

/// 64 bytes, aligned so each table loads from one cache line.
#[repr(C, align(64))]
struct Table64([u8; 64]);

/// A byte table of 128 entries (two registers for `vpermi2b`).
#[repr(C, align(64))]
struct Table128([u8; 128]);

/// Marks a byte outside the alphabet in the decode tables (the high bit, which
/// `vpmovb2m` collects).
const INVALID: u8 = 0x80;
/// The whitespace bytes TAB, LF, FF, CR (bits 9, 10, 12, 13) and SPACE (bit
/// 32); all are below 64, so they live in the low half of the decode table.
const WS_LANES: u64 = (1 << 0x09) | (1 << 0x0A) | (1 << 0x0C) | (1 << 0x0D) | (1 << 0x20);

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
