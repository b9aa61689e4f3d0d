//! x86_64 kernels. The CPU features they need are probed in `crate::cpu`.

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod ssse3;
mod tables;

/// Copies `src` (at most 32 bytes) to `dst`, of the same length, with two
/// overlapping moves of a fixed size rather than a call to `memcpy`: the
/// SSSE3 and AVX2 kernels move short stretches this way where a vector store
/// would reach past the end.
#[inline(always)]
pub(super) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n == dst.len() && n <= 32);
    if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        // 1 to 3 bytes: the first, the middle and the last.
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}
