//! The PNG code's only ISA-specific parts: carry-less-multiply CRC-32,
//! AVX2 Adler-32 and the reader's SIMD unfiltering.

#[cfg(all(feature = "png-read", not(pixb64_small)))]
pub(crate) mod unfilter;
pub(crate) mod x86_64;
