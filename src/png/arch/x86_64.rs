//! CRC-32 by carry-less multiplication (PCLMULQDQ), for x86_64.
//!
//! The technique is Gopal et al., "Fast CRC Computation for Generic
//! Polynomials Using PCLMULQDQ Instruction" (Intel, 2009), in its reflected
//! form: the message is folded 64 bytes at a time into four 128-bit
//! accumulators, then into one, 16 bytes at a time. Each fold multiplies the
//! accumulator's two 64-bit halves by `x^(d+32)` and `x^(d-32)` mod P (`d` the
//! folding distance in bits, reflected) and XORs the products into the data
//! `d` bits further on, which leaves the CRC of the whole unchanged. Instead
//! of the paper's Barrett reduction, the last 16-byte accumulator and the
//! tail go through the table-driven CRC, which the folding invariant makes
//! exact: the CRC register run from zero over the folded bytes equals the one
//! run over the message so far (with the incoming register XORed into its
//! first 4 bytes).
//!
//! The constants are `x^k mod P(x)` for the CRC-32 polynomial, bit-reflected
//! and shifted as the paper's reflected variant needs; the differential tests
//! against the table CRC (every length 0..=600 at every alignment, and large
//! buffers) would catch a wrong one.

use core::arch::x86_64::*;

/// Fold by 512 bits: (x^(512+32) mod P, x^(512-32) mod P), reflected.
const K1: i64 = 0x1_5444_2bd4;
const K2: i64 = 0x1_c6e4_1596;
/// Fold by 128 bits: (x^(128+32) mod P, x^(128-32) mod P), reflected.
const K3: i64 = 0x1_7519_97d0;
const K4: i64 = 0x0_ccaa_009e;

/// Whether this CPU has PCLMULQDQ and SSE4.1 (`crate::cpu`'s cached probe).
#[inline]
pub(crate) fn available() -> bool {
    crate::cpu::features().pclmul()
}

/// The safe entry point: the kernel's CRC where this CPU has PCLMULQDQ
/// and SSE4.1 and `data` is at least 64 bytes, `None` otherwise (the caller
/// uses its tables).
#[inline]
pub(crate) fn crc32_update_checked(
    crc: u32,
    data: &[u8],
    update: fn(u32, &[u8]) -> u32,
) -> Option<u32> {
    if data.len() < 64 || !available() {
        return None;
    }
    // SAFETY: `available()` just confirmed PCLMULQDQ and SSE4.1, and
    // `data.len() >= 64`: the kernel's two requirements.
    Some(unsafe { crc32_update(crc, data, update) })
}

/// One fold: `acc`'s halves times the two constants in `k` (low x low,
/// high x high), XORed with `next`.
#[inline]
#[target_feature(enable = "pclmulqdq,sse4.1")]
fn fold(acc: __m128i, k: __m128i, next: __m128i) -> __m128i {
    let lo = _mm_clmulepi64_si128(acc, k, 0x00);
    let hi = _mm_clmulepi64_si128(acc, k, 0x11);
    _mm_xor_si128(_mm_xor_si128(lo, hi), next)
}

/// Continues a CRC-32 over `data` (at least 64 bytes); `update` is the
/// table-driven CRC-32 continuation, which finishes the folded bytes and the
/// tail.
///
/// # Safety
///
/// The CPU must have PCLMULQDQ and SSE4.1 ([`available`]), and `data` must
/// hold at least 64 bytes (the first four 16-byte loads are unconditional).
#[target_feature(enable = "pclmulqdq,sse4.1")]
pub(crate) unsafe fn crc32_update(crc: u32, data: &[u8], update: fn(u32, &[u8]) -> u32) -> u32 {
    let len = data.len();
    debug_assert!(len >= 64);
    let p = data.as_ptr();
    let load = |at: usize| {
        debug_assert!(at + 16 <= len);
        // SAFETY: every caller below passes at + 16 <= len = data.len().
        unsafe { _mm_loadu_si128(p.add(at).cast()) }
    };
    // The register (pre-inverted) enters as an XOR into the first 4 bytes.
    let mut x = [
        _mm_xor_si128(load(0), _mm_cvtsi32_si128(!crc as i32)),
        load(16),
        load(32),
        load(48),
    ];
    let k12 = _mm_set_epi64x(K2, K1);
    let mut at = 64;
    while at + 64 <= len {
        for (i, acc) in x.iter_mut().enumerate() {
            *acc = fold(*acc, k12, load(at + 16 * i));
        }
        at += 64;
    }
    let k34 = _mm_set_epi64x(K4, K3);
    let mut acc = fold(x[0], k34, x[1]);
    acc = fold(acc, k34, x[2]);
    acc = fold(acc, k34, x[3]);
    while at + 16 <= len {
        acc = fold(acc, k34, load(at));
        at += 16;
    }
    let mut folded = [0u8; 16];
    // SAFETY: `folded` is 16 writable bytes.
    unsafe { _mm_storeu_si128(folded.as_mut_ptr().cast(), acc) };
    // The CRC register run from zero over the folded bytes is the register
    // after data[..at]; a CRC-32 "continued from !0" starts its register at 0.
    update(update(!0, &folded), &data[at..])
}

/// Blocks of 32 bytes per [`adler32_avx2`] call: every `u32` lane sum stays
/// in range (see there).
pub(crate) const ADLER_CHUNK: usize = 32 * 1024;

/// The safe entry point of the AVX2 Adler-32: continues `adler` over `data`
/// where this CPU has AVX2 (with OS support) and `data` is at least 64
/// bytes, with `scalar` for the last 0..32 bytes; `None` otherwise.
#[inline]
pub(crate) fn adler32_update_checked(
    adler: u32,
    data: &[u8],
    scalar: fn(u32, &[u8]) -> u32,
) -> Option<u32> {
    if data.len() < 64 || !crate::cpu::features().avx2() {
        return None;
    }
    let (mut a, mut b) = (adler & 0xFFFF, adler >> 16);
    let whole = data.len() / 32 * 32;
    for chunk in data[..whole].chunks(ADLER_CHUNK) {
        // SAFETY: AVX2 was just checked; `chunk` is a multiple of 32 bytes
        // and at most ADLER_CHUNK, the kernel's two conditions.
        (a, b) = unsafe { adler32_avx2(a, b, chunk) };
    }
    Some(scalar(b << 16 | a, &data[whole..]))
}

/// Adler-32 over `data` (a multiple of 32 bytes, at most [`ADLER_CHUNK`])
/// from `a`, `b` (both below 65521); returns both reduced.
///
/// Per 32-byte block `x[0..32]` entered with sums `A`, `B`:
///
/// ```text
///   A' = A + sum x[i]                      (vpsadbw against zero)
///   B' = B + 32 A + sum (32 - i) x[i]      (vpmaddubsw by 32..1, vpmaddwd by 1)
/// ```
///
/// The `32 A` terms are kept as a running sum of the `A` vectors before
/// each block (`prev`), multiplied by 32 once at the end. Lane bounds over
/// K <= 1024 blocks: `sum` lanes <= 2040 K, `prev` lanes <= 1020 K^2 (1.07e9),
/// `weighted` lanes <= 32130 K: all below 2^32. The final sums are taken in
/// `u64`. (The technique is the usual SIMD Adler-32 of zlib-ng and
/// simd-adler32, written from the definition above.)
///
/// # Safety
///
/// The CPU must have AVX2; `data.len()` must be a multiple of 32 and at most
/// `ADLER_CHUNK`.
#[target_feature(enable = "avx2")]
unsafe fn adler32_avx2(a: u32, b: u32, data: &[u8]) -> (u32, u32) {
    debug_assert!(data.len().is_multiple_of(32) && data.len() <= ADLER_CHUNK);
    let weights = _mm256_setr_epi8(
        32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10,
        9, 8, 7, 6, 5, 4, 3, 2, 1,
    );
    let ones = _mm256_set1_epi16(1);
    let zero = _mm256_setzero_si256();
    let (mut sum, mut prev, mut weighted) = (zero, zero, zero);
    for block in data.chunks_exact(32) {
        // SAFETY: `block` is 32 readable bytes.
        let x = unsafe { _mm256_loadu_si256(block.as_ptr().cast()) };
        prev = _mm256_add_epi32(prev, sum);
        sum = _mm256_add_epi32(sum, _mm256_sad_epu8(x, zero));
        let pairs = _mm256_maddubs_epi16(x, weights);
        weighted = _mm256_add_epi32(weighted, _mm256_madd_epi16(pairs, ones));
    }
    let total = |v: __m256i| {
        let mut lanes = [0u32; 8];
        // SAFETY: `lanes` is 32 writable bytes.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v) };
        lanes.iter().map(|&l| u64::from(l)).sum::<u64>()
    };
    let n = data.len() as u64;
    let m = 65521u64;
    let a2 = (u64::from(a) + total(sum)) % m;
    let b2 = (u64::from(b) + n * u64::from(a) + 32 * total(prev) + total(weighted)) % m;
    (a2 as u32, b2 as u32)
}
