//! x86_64 kernels. The CPU features they need are probed in `crate::cpu`.

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod ssse3;
mod tables;
