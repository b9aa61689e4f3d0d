//! AVX2 small inputs: the whole encode (`encode_final`) and a whole short
//! decode (`decode_small`), with SSSE3's short loads and stores
//! (`ssse3::small`) a lane at a time.
//!
//! A tail of up to one block (24 bytes, 32 symbols) is two 16-byte halves:
//! the first 16 bytes, or fewer through `load_tail`, in lane 0, and the last
//! 16 in lane 1 (the same bytes for a tail of 16 or less). A `pshufb` mask
//! per tail length ([`ENC_TAIL`], [`DEC_TAIL`]) puts each byte where the
//! block needs it, zero past the tail; so a tail is one block, with no
//! cross-lane moves.

use core::arch::x86_64::*;

use super::ssse3::small::{
    self as short, dec_luts, load_tail, store_tail, Masks32 as Masks, DEC_TAIL, ENC_TAIL,
};
use super::{
    all_nonzero, classify, encode_block, load, load_exact, pack, splat, split, store, store_exact,
    translate, translate_symbols, zero_bytes, Luts, DEC_IN, DEC_OUT, ENC_IN, ENC_OUT, UNROLL, V,
};
use super::{ENC_STANDARD, ENC_URL_SAFE};
use crate::base64::arch;
use crate::base64::{Alphabet, OutputTooSmall};

/// Mask `n` of a table, as a vector.
#[target_feature(enable = "avx2")]
#[inline]
fn mask<const N: usize>(t: &'static Masks<N>, n: usize) -> V {
    // SAFETY: `t.0[n]` is 32 readable bytes (indexing checks `n`), aligned.
    unsafe { _mm256_load_si256(t.0[n].as_ptr().cast()) }
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// The encode offsets of `alphabet` in every lane.
#[target_feature(enable = "avx2")]
#[inline]
fn enc_lut(alphabet: Alphabet) -> V {
    splat(match alphabet {
        Alphabet::Standard => &ENC_STANDARD,
        Alphabet::UrlSafe => &ENC_URL_SAFE,
    })
}

/// The whole blocks before the last block that [`encode_final`] runs
/// inline, a block at a time: up to 96 bytes (the prefix kernel's call
/// and setup cost more than these blocks). Past them, [`encode_long`].
const INLINE_HEAD: usize = UNROLL * ENC_IN;

/// The most whole blocks [`encode_last`] and [`decode_last`] take at the
/// end: one (their two 16-byte halves are the two lanes of one vector).
const LAST_BLOCKS: usize = 1;

// `encode_final` and `encode_long`: the same bodies as SSSE3's (see
// `ssse3::small`).
short::encode_final_for!("avx2");

/// Encodes the last 1..=24 input bytes `tail` into all of `out` (their
/// encoded length, at most 32), of which the first `data` are data symbols
/// and the rest `=`: one block from two 16-byte halves shuffled by
/// [`ENC_TAIL`]. Symbols 0..16 are lane 0 and 16..32 lane 1; past 16
/// symbols, lane 1 moved up to end at `m` is stored at `out[m - 16..m]`
/// first, then lane 0 over the front (the lanes below the move are
/// garbage, and lane 0 rewrites them).
//
// `CALLER` tells the copies in `encode_final` and `encode_long` apart: each
// then has one caller, and LLVM inlines it (one function with two callers
// it keeps out of line, which costs the short path a call and spills).
#[target_feature(enable = "avx2")]
#[inline]
fn encode_last<const CALLER: usize>(lut: V, tail: &[u8], data: usize, out: &mut [u8]) {
    let t = tail.len();
    debug_assert!((1..=ENC_IN).contains(&t) && data <= out.len());
    let x = load_tail(&tail[..t.min(16)]);
    let y = if t > 16 {
        // SAFETY: 16 < t: the load reads tail[t - 16..].
        unsafe { _mm_loadu_si128(tail.as_ptr().add(t - 16).cast()) }
    } else {
        x
    };
    let v = _mm256_shuffle_epi8(_mm256_set_m128i(y, x), mask(&ENC_TAIL, t));
    let e = translate(split(v), lut);
    let m = out.len();
    let lo = _mm256_castsi256_si128(e);
    if m > 16 {
        let hi = short::up(_mm256_extracti128_si256::<1>(e), 32 - m);
        let p = out.as_mut_ptr();
        // SAFETY: 16 < m: writes out[m - 16..m], then out[..16].
        unsafe {
            _mm_storeu_si128(p.add(m - 16).cast(), hi);
            _mm_storeu_si128(p.cast(), lo);
        }
    } else {
        store_tail(out, lo);
    }
    arch::pad_symbols(out, data);
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// The longest input [`decode_small`] takes: four blocks.
pub(crate) const SMALL_MAX: usize = 4 * DEC_IN;

// `decode_small`: the same body as SSSE3's (see `ssse3::small`).
short::decode_small_for!("avx2");

/// The last 2..=32 symbols of [`decode_small`] into all of `out` (their
/// decoded length). Up to 16 symbols: `load_tail` in both lanes. Past 16:
/// the first 16 symbols in lane 0 and the last 16 in lane 1. Either way
/// every lane is a symbol and checked; after the translation [`DEC_TAIL`]
/// puts the symbols in order (16.. at the bottom of lane 1) and clears the
/// lanes past them to the value 0 (see SSSE3's `decode_last` for why), so
/// lane 0 packs to output bytes 0..12 and lane 1 to 12..m.
#[target_feature(enable = "avx2")]
#[inline]
fn decode_last(luts: &Luts, symbols: &[u8], check_trailing: bool, out: &mut [u8]) -> Option<()> {
    let n = symbols.len();
    debug_assert!((2..=DEC_IN).contains(&n) && out.len() == n * 3 / 4);
    let p = symbols.as_ptr();
    let (x, y) = if n > 16 {
        // SAFETY: 16 < n: the loads read symbols[..16] and symbols[n - 16..].
        unsafe {
            (
                _mm_loadu_si128(p.cast()),
                _mm_loadu_si128(p.add(n - 16).cast()),
            )
        }
    } else {
        let x = load_tail(symbols);
        (x, x)
    };
    let v = _mm256_set_m128i(y, x);
    let (index, ok) = classify(v, luts);
    if !all_nonzero(ok) {
        return None;
    }
    let values = _mm256_shuffle_epi8(translate_symbols(v, index, luts), mask(&DEC_TAIL, n));
    let packed = pack(values);
    let m = out.len();
    // Output byte m is byte m of lane 0 up to 16 symbols, else byte m - 12
    // of lane 1 (bit m + 4 of the mask): a cleared lane's, or the zero top
    // byte of a packed group.
    let bit = if n <= 16 { m } else { m + 4 };
    if check_trailing && (zero_bytes(packed) >> bit) & 1 == 0 {
        return None;
    }
    let lo = _mm256_castsi256_si128(packed);
    if n <= 16 {
        store_tail(out, lo);
        return Some(());
    }
    let hi = _mm256_extracti128_si256::<1>(packed);
    if m >= 16 {
        // Lane 0's 12 bytes and 4 zero ones, which lane 1's store (of at
        // least 4 bytes from 12) then writes over.
        // SAFETY: 16 <= m: writes out[..16].
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), lo) };
    } else {
        store_tail(&mut out[..12], lo);
    }
    store_tail(&mut out[12..], hi);
    Some(())
}
