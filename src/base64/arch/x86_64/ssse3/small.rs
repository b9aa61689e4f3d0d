//! SSSE3 small inputs: the whole encode (`encode_final`) and a whole short
//! decode (`decode_small`), and the short loads and stores that AVX2's small
//! kernels share.
//!
//! A short stretch (the last 1..=16 bytes of an input, or 1..=16 bytes of
//! output) moves with at most two reads or writes of 16, 8 or 4 bytes that
//! overlap where the length is not one of those sizes: never a byte past
//! the slice, no stack buffer (whose narrow stores a wide load would wait
//! on), no shifts across general registers. The loaded lanes hold every
//! byte of the stretch, some twice, at places that depend only on its
//! length ([`slot`]); one `pshufb` with a mask from a table indexed by the
//! length then puts each byte where the kernel wants it, zero past the end.
//! On the encode side that mask is composed with the block's reshuffle, so
//! a tail block costs no more shuffles than a whole one.
//!
//! The blocks themselves are those of Muła and Lemire (see the parent
//! module); overlapping loads and stores for a tail are the usual way to
//! avoid a scalar loop or a copy.

use core::arch::x86_64::*;

use super::{
    all_nonzero, classify, encode_block, load, load_exact, pack, split, store, store_exact,
    translate, translate_symbols, zero_bytes, DecLuts, Luts, DEC_IN, DEC_OUT, DEC_STANDARD,
    DEC_URL_SAFE, ENC_IN, ENC_OUT, ENC_STANDARD, ENC_URL_SAFE, UNROLL, V,
};
use crate::base64::arch;
use crate::base64::{Alphabet, OutputTooSmall};

// ---------------------------------------------------------------------------
// Short loads and stores
// ---------------------------------------------------------------------------

/// Where [`load_tail`] puts byte `j` of an `n`-byte stretch (`j < n <= 16`):
///
/// ```text
/// n = 16:       one load               byte j at j
/// 8 <= n < 16:  [0, 8) and [n-8, n)    j < 8 at j, else at j + 16 - n
/// 4 <= n < 8:   [0, 4) and [n-4, n)    j < 4 at j, else at j + 8 - n
/// 1 <= n < 4:   bytes 0, n/2, n-1      at 0, 1, 2 (byte j at j)
/// ```
pub(in crate::base64::arch::x86_64) const fn slot(n: usize, j: usize) -> usize {
    if n == 16 || n < 4 || j < 4 || (n >= 8 && j < 8) {
        j
    } else if n >= 8 {
        j + 16 - n
    } else {
        j + 8 - n
    }
}

/// Loads the `n = src.len()` (1..=16) bytes of `src` as [`slot`] says, with
/// every lane a byte of `src` (the reads repeat to fill the vector), so a
/// check of all 16 lanes checks exactly the bytes of `src`.
#[target_feature(enable = "ssse3")]
#[inline]
pub(in crate::base64::arch::x86_64) fn load_tail(src: &[u8]) -> V {
    let n = src.len();
    debug_assert!((1..=16).contains(&n));
    let p = src.as_ptr();
    if n >= 16 {
        // SAFETY: n == 16: the load reads src[..16].
        unsafe { _mm_loadu_si128(p.cast()) }
    } else if n >= 8 {
        // SAFETY: 8 <= n: the loads read src[..8] and src[n - 8..].
        unsafe {
            _mm_unpacklo_epi64(
                _mm_loadl_epi64(p.cast()),
                _mm_loadl_epi64(p.add(n - 8).cast()),
            )
        }
    } else if n >= 4 {
        // SAFETY: 4 <= n: the loads read src[..4] and src[n - 4..].
        let x = unsafe { _mm_unpacklo_epi32(_mm_loadu_si32(p), _mm_loadu_si32(p.add(n - 4))) };
        _mm_unpacklo_epi64(x, x)
    } else {
        let x = u32::from(src[0])
            | (u32::from(src[n / 2]) << 8)
            | (u32::from(src[n - 1]) * 0x0101_0000);
        _mm_set1_epi32(x as i32)
    }
}

/// A sliding window of `pshufb` masks: 16 times "zero", then `0, 1, 2, ...`.
/// The 16 bytes at `16 + k` move lane `k + i` down to lane `i` (lanes past
/// 15 are garbage: `pshufb` reads the low 4 bits); those at `16 - k` move
/// lane `i` up to lane `i + k` and zero the lanes below `k`.
static WINDOW: [u8; 48] = {
    let mut t = [ZERO; 48];
    let mut i = 16;
    while i < 48 {
        t[i] = (i - 16) as u8;
        i += 1;
    }
    t
};

/// `v` moved down by `k` (0..=16) lanes (the top lanes are garbage).
#[target_feature(enable = "ssse3")]
#[inline]
pub(in crate::base64::arch::x86_64) fn down(v: V, k: usize) -> V {
    let w = &WINDOW[16 + k..][..16];
    // SAFETY: `w` is 16 readable bytes (the slicing checks `k`).
    _mm_shuffle_epi8(v, unsafe { _mm_loadu_si128(w.as_ptr().cast()) })
}

/// `v` moved up by `k` (0..=16) lanes, zero below lane `k`.
#[target_feature(enable = "ssse3")]
#[inline]
pub(in crate::base64::arch::x86_64) fn up(v: V, k: usize) -> V {
    let w = &WINDOW[16 - k..][..16];
    // SAFETY: `w` is 16 readable bytes (the slicing checks `k`).
    _mm_shuffle_epi8(v, unsafe { _mm_loadu_si128(w.as_ptr().cast()) })
}

/// Stores the first `dst.len()` (0..=16) bytes of `v` into `dst`, as
/// [`load_tail`] loads: one 16-byte store, or two overlapping 8- or 4-byte
/// ones (the second of `v` moved down), or bytes.
#[target_feature(enable = "ssse3")]
#[inline]
pub(in crate::base64::arch::x86_64) fn store_tail(dst: &mut [u8], v: V) {
    let m = dst.len();
    debug_assert!(m <= 16);
    let p = dst.as_mut_ptr();
    if m >= 16 {
        // SAFETY: m == 16: writes dst[..16].
        unsafe { _mm_storeu_si128(p.cast(), v) }
    } else if m >= 8 {
        // SAFETY: 8 <= m: writes dst[..8] and dst[m - 8..].
        unsafe {
            _mm_storel_epi64(p.cast(), v);
            _mm_storel_epi64(p.add(m - 8).cast(), down(v, m - 8));
        }
    } else if m >= 4 {
        // SAFETY: 4 <= m: writes dst[..4] and dst[m - 4..].
        unsafe {
            _mm_storeu_si32(p, v);
            _mm_storeu_si32(p.add(m - 4), down(v, m - 4));
        }
    } else if m > 0 {
        let x = _mm_cvtsi128_si32(v) as u32;
        dst[0] = x as u8;
        dst[m / 2] = (x >> (8 * (m / 2))) as u8;
        dst[m - 1] = (x >> (8 * (m - 1))) as u8;
    }
}

/// Sixteen-byte `pshufb` masks, one per length, aligned so no load of one
/// splits a cache line.
#[repr(C, align(16))]
pub(in crate::base64::arch::x86_64) struct Masks<const N: usize>(pub [[u8; 16]; N]);

/// Not a lane: `pshufb` writes zero.
pub(in crate::base64::arch::x86_64) const ZERO: u8 = 0x80;

/// `GATHER.0[n]` moves the bytes of an `n`-byte [`load_tail`] to lanes
/// `0..n` in order and zeroes the rest.
pub(in crate::base64::arch::x86_64) static GATHER: Masks<17> = {
    let mut t = [[ZERO; 16]; 17];
    let mut n = 1;
    while n <= 16 {
        let mut j = 0;
        while j < n {
            t[n][j] = slot(n, j) as u8;
            j += 1;
        }
        n += 1;
    }
    Masks(t)
};

/// [`super::reshuffle`]'s order: lane `k` takes input byte `RESHUFFLE[k]`.
pub(in crate::base64::arch::x86_64) const RESHUFFLE: [u8; 16] =
    [1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10];

/// `ENC_TAIL.0[t]`: the reshuffles of the two blocks of a tail of `t <= 24`
/// bytes (its first 16 bytes: the block of input bytes 0..12, its last 16:
/// 12..24), two vectors for SSSE3, the two lanes of one for AVX2. Bytes
/// `0..t` come from `load_tail(tail[..min(t, 16)])` for the first half and,
/// for the second, from the same vector (`t <= 16`) or from `tail[t - 16..]`
/// (byte `j` at `j + 16 - t`); bytes from `t` on are zero (base64's zero
/// fill of a partial group).
pub(in crate::base64::arch::x86_64) static ENC_TAIL: Masks32<25> = {
    let mut m = [[ZERO; 32]; 25];
    let mut t = 1;
    while t <= 2 * ENC_IN {
        let mut k = 0;
        while k < 16 {
            let j = RESHUFFLE[k] as usize;
            if j < t {
                m[t][k] = slot(if t < 16 { t } else { 16 }, j) as u8;
            }
            let j = j + 12;
            if j < t {
                m[t][16 + k] = if t <= 16 { slot(t, j) } else { j + 16 - t } as u8;
            }
            k += 1;
        }
        t += 1;
    }
    Masks32(m)
};

/// Thirty-two-byte `pshufb` masks (two 16-byte ones, or one per AVX2 lane),
/// one per length, aligned so no load of one splits a cache line.
#[repr(C, align(32))]
pub(in crate::base64::arch::x86_64) struct Masks32<const N: usize>(pub [[u8; 32]; N]);

/// Half `h` (0 or 1) of mask `n` of a 32-byte table, as a vector.
#[target_feature(enable = "ssse3")]
#[inline]
fn half_mask<const N: usize>(t: &'static Masks32<N>, n: usize, h: usize) -> V {
    let half = &t.0[n][16 * h..][..16];
    // SAFETY: `half` is 16 readable bytes (the indexing checks), aligned.
    unsafe { _mm_load_si128(half.as_ptr().cast()) }
}

/// Mask `n` of a table, as a vector.
#[target_feature(enable = "ssse3")]
#[inline]
fn mask<const N: usize>(t: &'static Masks<N>, n: usize) -> V {
    // SAFETY: `t.0[n]` is 16 readable bytes (indexing checks `n`).
    unsafe { _mm_load_si128(t.0[n].as_ptr().cast()) }
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// The encode offsets of `alphabet` in a vector.
#[target_feature(enable = "ssse3")]
#[inline]
fn enc_lut(alphabet: Alphabet) -> V {
    super::splat(match alphabet {
        Alphabet::Standard => &ENC_STANDARD,
        Alphabet::UrlSafe => &ENC_URL_SAFE,
    })
}

/// The whole blocks before the last block that [`encode_final`] runs
/// inline, a block at a time: up to 120 bytes (the prefix kernel's call
/// and setup cost more than these blocks). Past them, [`encode_long`].
const INLINE_HEAD: usize = 10 * ENC_IN;

/// The most whole blocks [`encode_last`] and [`decode_last`] take at the
/// end: two (past 12 bytes or 16 symbols, a second vector; [`decode_pair`]).
const LAST_BLOCKS: usize = 2;

/// Defines `encode_final` and `encode_long` (`encode_final` past
/// `INLINE_HEAD`: the prefix kernel, then the last block) in the invoking
/// small-input module, compiled with the target feature `$feature`. SSSE3
/// and AVX2 have the same bodies but for how many blocks their `encode_last`
/// takes (`LAST_BLOCKS`: SSSE3's two vectors, AVX2's one); their names
/// (`ENC_IN`, `INLINE_HEAD`, `LAST_BLOCKS`, `enc_lut`, `encode_last`,
/// `super::encode_prefix`, ...) resolve to the invoking module's, and the
/// attribute, which a generic function cannot take from its caller, differs.
macro_rules! encode_final_for {
    ($feature:literal) => {
        /// Encodes all of `input`, the final partial group and its padding
        /// included, into `output[..n]` and returns `Ok(n)`, or fails, writing
        /// nothing, if `output` is shorter than the encoding: the whole of
        /// `Base64::encode_to_slice` for this backend (as AVX-512's
        /// `encode_final`). The whole blocks before the last ones (up to
        /// [`LAST_BLOCKS`] blocks, for [`encode_last`]) go a block at a time
        /// (up to [`INLINE_HEAD`] bytes: the prefix kernel's call and setup
        /// cost more than these) or, past that, through
        /// [`super::encode_prefix`] ([`encode_long`]).
        #[target_feature(enable = $feature)]
        pub(crate) fn encode_final(
            alphabet: Alphabet,
            input: &[u8],
            pad: bool,
            output: &mut [u8],
        ) -> Result<usize, OutputTooSmall> {
            let len = input.len();
            if len > INLINE_HEAD + ENC_IN {
                return encode_long(alphabet, input, pad, output);
            }
            let (output, data) = arch::exact_output(output, len, pad)?;
            let needed = output.len();
            if len == 0 {
                return Ok(0);
            }
            // The last 1..=LAST_BLOCKS ENC_IN bytes (past ENC_IN, more than
            // (LAST_BLOCKS - 1) ENC_IN) are encode_last's.
            let head = len.saturating_sub((LAST_BLOCKS - 1) * ENC_IN + 1) / ENC_IN * ENC_IN;
            let w = head / 3 * 4;
            let lut = enc_lut(alphabet);
            for k in 0..head / ENC_IN {
                // SAFETY: k < head / ENC_IN: input[ENC_IN k ..][..ENC_IN] is
                // inside input[..head], and output[ENC_OUT k ..][..ENC_OUT]
                // inside output[..w].
                unsafe {
                    let v = load_exact(input.as_ptr().add(k * ENC_IN));
                    store(output.as_mut_ptr().add(k * ENC_OUT), encode_block(v, lut));
                }
            }
            encode_last::<0>(lut, &input[head..], data - w, &mut output[w..]);
            Ok(needed)
        }

        /// [`encode_final`] past [`INLINE_HEAD`]: the prefix kernel, then the
        /// last block. Out of line, so that the short path saves no registers
        /// for its call.
        #[target_feature(enable = $feature)]
        #[inline(never)]
        fn encode_long(
            alphabet: Alphabet,
            input: &[u8],
            pad: bool,
            output: &mut [u8],
        ) -> Result<usize, OutputTooSmall> {
            let len = input.len();
            let (output, data) = arch::exact_output(output, len, pad)?;
            let needed = output.len();
            let head = (len - 1) / ENC_IN * ENC_IN;
            let w = head / 3 * 4;
            let done = super::encode_prefix(alphabet, &input[..head], &mut output[..w]);
            debug_assert_eq!(done, (head, w));
            encode_last::<1>(
                enc_lut(alphabet),
                &input[head..],
                data - w,
                &mut output[w..],
            );
            Ok(needed)
        }
    };
}
pub(in super::super) use encode_final_for;

encode_final_for!("ssse3");

/// Encodes the last 1..=24 input bytes `tail` into all of `out` (their
/// encoded length, at most 32), of which the first `data` are data symbols
/// and the rest `=`: one or two blocks from the first 16 bytes (fewer by
/// [`load_tail`]) and the last 16, each shuffled by its half of
/// [`ENC_TAIL`] (the reshuffle, with zeros past the tail). Past 16
/// symbols, the second block moved up to end at `m` is stored at
/// `out[m - 16..m]` first, then the first over the front (the lanes below
/// the move are garbage, and the first block rewrites them). For 16 bytes
/// with padding (m = 24, data = 22):
///
/// ```text
/// first block:   symbols 0..16                    -> out[0..16]   (second)
/// second block:  symbols 16..24 in lanes 0..8,
///                moved up 8: lanes 8..16           -> out[8..24]   (first)
/// then `=` over out[22..24]
/// ```
//
// `CALLER` tells the copies in `encode_final` and `encode_long` apart: each
// then has one caller, and LLVM inlines it (one function with two callers
// it keeps out of line, which costs the short path a call and spills).
#[target_feature(enable = "ssse3")]
#[inline]
fn encode_last<const CALLER: usize>(lut: V, tail: &[u8], data: usize, out: &mut [u8]) {
    let t = tail.len();
    debug_assert!((1..=2 * ENC_IN).contains(&t) && data <= out.len());
    let x = load_tail(&tail[..t.min(16)]);
    let a = translate(split(_mm_shuffle_epi8(x, half_mask(&ENC_TAIL, t, 0))), lut);
    if t <= ENC_IN {
        store_tail(out, a);
    } else {
        let y = if t > 16 {
            // SAFETY: 16 < t: the load reads tail[t - 16..].
            unsafe { _mm_loadu_si128(tail.as_ptr().add(t - 16).cast()) }
        } else {
            x
        };
        let b = translate(split(_mm_shuffle_epi8(y, half_mask(&ENC_TAIL, t, 1))), lut);
        let m = out.len();
        debug_assert!(m > 16);
        let p = out.as_mut_ptr();
        // SAFETY: 16 < m (13 bytes or more are 18 symbols or more): writes
        // out[m - 16..m], then out[..16].
        unsafe {
            _mm_storeu_si128(p.add(m - 16).cast(), up(b, 32 - m));
            _mm_storeu_si128(p.cast(), a);
        }
    }
    arch::pad_symbols(out, data);
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// The longest input [`decode_small`] takes: eight blocks (`Base64`'s
/// small path takes no more).
pub(crate) const SMALL_MAX: usize = 8 * DEC_IN;

/// Defines `decode_small` in the invoking small-input module, compiled with
/// the target feature `$feature`. SSSE3 and AVX2 have the same body but for
/// how many blocks their `decode_last` takes (`LAST_BLOCKS`: SSSE3's two
/// vectors, AVX2's one); its names (`SMALL_MAX`, `LAST_BLOCKS`, `dec_luts`,
/// `decode_last`, `super::decode_blocks`, ...) resolve to the invoking
/// module's, and the attribute, which a generic function cannot take from
/// its caller, differs.
macro_rules! decode_small_for {
    ($feature:literal) => {
        /// Decodes 2..=[`SMALL_MAX`] symbols that the caller has already split
        /// from their padding, as AVX-512's `decode_small`: `Some(written)`
        /// only if every byte is a symbol, the symbol count is not 1 mod 4,
        /// `output` has room, and (with `check_trailing`) the unused low bits
        /// of the last symbol are zero; otherwise `None` (having written
        /// nothing, or some whole blocks' bytes), and the general path decides
        /// (and reports) what is wrong. The last symbols, up to
        /// [`LAST_BLOCKS`] blocks of them, are [`decode_last`]'s; no scalar
        /// tail.
        #[target_feature(enable = $feature)]
        pub(crate) fn decode_small(
            alphabet: Alphabet,
            symbols: &[u8],
            check_trailing: bool,
            output: &mut [u8],
        ) -> Option<usize> {
            let s = symbols.len();
            let output = arch::small_output(s, SMALL_MAX, output)?;
            let out = output.len();
            let t = dec_luts(alphabet);
            let luts = Luts::new(t);
            // The last symbols go to `decode_last`: all of them up to
            // LAST_BLOCKS DEC_IN, else (LAST_BLOCKS - 1) DEC_IN + 1 ..=
            // LAST_BLOCKS DEC_IN of them. The whole blocks before them go a
            // block at a time, or from four on (SSSE3 only: AVX2's SMALL_MAX
            // leaves at most three) through the decode loop (four blocks a
            // round, one check per round), which stores exactly their bytes.
            let full = s.saturating_sub((LAST_BLOCKS - 1) * DEC_IN + 1) / DEC_IN;
            if full >= UNROLL {
                let head = &symbols[..full * DEC_IN];
                let (_, _, all) = super::decode_blocks(t, head, &mut output[..full * DEC_OUT]);
                if !all {
                    return None;
                }
            } else {
                for i in 0..full {
                    // SAFETY: i < full <= (s - 1) / DEC_IN, so DEC_IN i + DEC_IN < s:
                    // the load reads inside `symbols`.
                    let v = unsafe { load(symbols.as_ptr().add(i * DEC_IN)) };
                    let (index, ok) = classify(v, &luts);
                    if !all_nonzero(ok) {
                        return None;
                    }
                    let p = pack(translate_symbols(v, index, &luts));
                    // SAFETY: DEC_IN (i + 1) symbols come before the last ones
                    // (at least 2: s is not 1 mod 4), so out > DEC_OUT (i + 1):
                    // output[DEC_OUT i ..][..DEC_OUT] is in bounds.
                    unsafe { store_exact(output.as_mut_ptr().add(i * DEC_OUT), p) };
                }
            }
            let w = full * DEC_OUT;
            decode_last(
                &luts,
                &symbols[full * DEC_IN..],
                check_trailing,
                &mut output[w..],
            )?;
            Some(out)
        }
    };
}
pub(in super::super) use decode_small_for;

decode_small_for!("ssse3");

/// `DEC_TAIL.0[n]`, for a tail of `n` symbols in two halves (two vectors
/// for SSSE3, the two lanes of one for AVX2). Up to 16, loaded by
/// `load_tail` into the first half: [`GATHER`] there (symbols in order, then
/// zeros), the second unused. Past 16, loaded as its first 16 (first half)
/// and its last 16 (second half): the first as it is, the second's symbols
/// 16.. moved down to its lanes `0..n - 16` and the rest zero:
///
/// ```text
/// 2nd loaded:  symbols n-16 .. n      (symbol 16 + i at lane i + 32 - n)
/// after:        symbols 16 .. n, then zeros
/// ```
pub(in crate::base64::arch::x86_64) static DEC_TAIL: Masks32<33> = {
    let mut m = [[ZERO; 32]; 33];
    let mut n = 0;
    while n <= 32 {
        let mut i = 0;
        while i < 16 {
            if n <= 16 {
                m[n][i] = GATHER.0[n][i];
            } else {
                m[n][i] = i as u8;
                if i < n - 16 {
                    m[n][16 + i] = (i + 32 - n) as u8;
                }
            }
            i += 1;
        }
        n += 1;
    }
    Masks32(m)
};

/// The decode tables of `alphabet`.
#[inline(always)]
pub(in crate::base64::arch::x86_64) fn dec_luts(alphabet: Alphabet) -> &'static DecLuts {
    match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    }
}

/// The last 2..=32 symbols of [`decode_small`] into all of `out` (their
/// decoded length); past 16, [`decode_pair`]. [`load_tail`] fills every lane with a byte of `symbols`,
/// so all 16 lanes are checked; after the translation [`GATHER`] puts the
/// values in order and clears the lanes past the symbols to the value 0, so
/// that they pack as zero bits and the byte after the last output byte
/// holds exactly the unused bits of a partial final group:
///
/// ```text
/// 2 symbols aaaaaa bbbbbb        -> bytes aaaaaabb bbbb0000
/// 3 symbols aaaaaa bbbbbb cccccc -> bytes aaaaaabb bbbbcccc cc000000
/// ```
#[target_feature(enable = "ssse3")]
#[inline]
fn decode_last(luts: &Luts, symbols: &[u8], check_trailing: bool, out: &mut [u8]) -> Option<()> {
    let n = symbols.len();
    debug_assert!((2..=2 * DEC_IN).contains(&n) && out.len() == n * 3 / 4);
    let m = out.len();
    if n > DEC_IN {
        return decode_pair(luts, symbols, check_trailing, out);
    }
    let v = load_tail(symbols);
    let (index, ok) = classify(v, luts);
    if !all_nonzero(ok) {
        return None;
    }
    let values = _mm_shuffle_epi8(translate_symbols(v, index, luts), mask(&GATHER, n));
    let p = pack(values);
    // (Byte m of a whole final group is a cleared lane's, or `pack`'s zero.)
    if check_trailing && (zero_bytes(p) >> m) & 1 == 0 {
        return None;
    }
    store_tail(out, p);
    Some(())
}

/// [`decode_last`] of 17..=32 symbols: the first 16 as a whole block, the
/// last 16 (loaded from `n - 16`) with symbols 16.. moved down and the lanes
/// past them cleared by [`DEC_TAIL`]; the first packs to output bytes 0..12,
/// the second to 12..m.
#[target_feature(enable = "ssse3")]
#[inline]
fn decode_pair(luts: &Luts, symbols: &[u8], check_trailing: bool, out: &mut [u8]) -> Option<()> {
    let n = symbols.len();
    let p = symbols.as_ptr();
    // SAFETY: 16 < n: the loads read symbols[..16] and symbols[n - 16..].
    let (x, y) = unsafe { (load(p), load(p.add(n - 16))) };
    let (ix, okx) = classify(x, luts);
    let (iy, oky) = classify(y, luts);
    if !all_nonzero(_mm_min_epu8(okx, oky)) {
        return None;
    }
    let a = pack(translate_symbols(x, ix, luts));
    let b = translate_symbols(y, iy, luts);
    let b = pack(_mm_shuffle_epi8(b, half_mask(&DEC_TAIL, n, 1)));
    let m = out.len();
    // Output byte m is byte m - 12 of the second block.
    if check_trailing && (zero_bytes(b) >> (m - 12)) & 1 == 0 {
        return None;
    }
    if m >= 16 {
        // The first block's 12 bytes and 4 zero ones, which the second's
        // store (of at least 4 bytes from 12) then writes over.
        // SAFETY: 16 <= m: writes out[..16].
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), a) };
    } else {
        store_tail(&mut out[..12], a);
    }
    store_tail(&mut out[12..], b);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte of every stretch has a slot inside the lanes its loads fill,
    /// and no two bytes share one.
    #[test]
    fn slots_are_distinct_lanes() {
        for n in 1..=16 {
            let filled = match n {
                16 => 16,
                8..=15 => 16,
                4..=7 => 8,
                _ => 3,
            };
            let mut seen = [false; 16];
            for j in 0..n {
                let s = slot(n, j);
                assert!(s < filled && !seen[s], "n {n} j {j}");
                seen[s] = true;
            }
        }
    }
}
