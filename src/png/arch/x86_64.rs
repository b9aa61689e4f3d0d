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
use core::sync::atomic::{AtomicU8, Ordering};

/// Fold by 512 bits: (x^(512+32) mod P, x^(512-32) mod P), reflected.
const K1: i64 = 0x1_5444_2bd4;
const K2: i64 = 0x1_c6e4_1596;
/// Fold by 128 bits: (x^(128+32) mod P, x^(128-32) mod P), reflected.
const K3: i64 = 0x1_7519_97d0;
const K4: i64 = 0x0_ccaa_009e;

/// 0 = not probed, 1 = absent, 2 = present.
static PCLMUL: AtomicU8 = AtomicU8::new(0);

/// Whether this CPU has PCLMULQDQ (and SSE4.1); probed once, then cached.
#[inline]
pub(crate) fn available() -> bool {
    match PCLMUL.load(Ordering::Relaxed) {
        0 => probe(),
        v => v == 2,
    }
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

#[cold]
fn probe() -> bool {
    #[cfg(feature = "std")]
    let has = std::arch::is_x86_feature_detected!("pclmulqdq")
        && std::arch::is_x86_feature_detected!("sse4.1");
    #[cfg(not(feature = "std"))]
    let has = {
        // CPUID leaf 1, ECX: bit 1 PCLMULQDQ, bit 19 SSE4.1. Both only use
        // XMM state, which every x86_64 OS saves.
        let ecx = __cpuid(1).ecx;
        ecx & (1 << 1) != 0 && ecx & (1 << 19) != 0
    };
    PCLMUL.store(if has { 2 } else { 1 }, Ordering::Relaxed);
    has
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
