//! x86_64 kernels. The CPU features they need are probed in `crate::cpu`.

// The line-wrapped decode loop that `avx2` and `ssse3` instantiate.
mod lines;
// The block loops (decode, partial decode, encode) that `avx2` and `ssse3`
// instantiate.
mod loops;

pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod ssse3;
mod tables;
