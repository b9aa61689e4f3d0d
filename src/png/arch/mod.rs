//! The PNG code's only ISA-specific parts: carry-less-multiply CRC-32,
//! AVX2 Adler-32 and the reader's SIMD unfiltering.

#[cfg(all(target_arch = "x86_64", feature = "png-read", not(pixb64_small)))]
pub(crate) mod unfilter;
#[cfg(all(target_arch = "aarch64", feature = "png-read", not(pixb64_small)))]
#[path = "unfilter_neon.rs"]
pub(crate) mod unfilter;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;
