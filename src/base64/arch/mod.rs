//! SIMD kernels, one module per instruction set.
//!
//! Every ISA module exposes the same functions, so diffing two of them shows
//! only the ISA change (the layout of aklomp/base64 and memchr):
//!
//! ```text
//! encode_prefix(alphabet, input, output) -> (consumed, written)
//! decode_prefix(alphabet, input, output) -> (consumed, written)
//! ```
//!
//! The contract, which the scalar code and the tests rely on:
//! - `encode_prefix` encodes a prefix of whole 3-byte groups (`written ==
//!   consumed / 3 * 4`) that fits in `output`.
//! - `decode_prefix` decodes a prefix of whole groups of 4 alphabet symbols
//!   (`written == consumed / 4 * 3`) that fits in `output`, and stops before the
//!   first block that holds anything else (padding, whitespace, an invalid
//!   byte). It never explains errors: the scalar code finishes the input, so
//!   every backend reports the same error at the same offset.
//! - Both read only `input` and write only `output[..written]`: a wide store
//!   that would reach past `written` is not allowed, even inside `output`.
//! - Both may process less than they could (a kernel is free to leave short
//!   inputs to the scalar code).
//!
//! A kernel may also have `decode_prefix_skip_ws(alphabet, input, output)`,
//! for codecs that skip ASCII whitespace: `decode_prefix`'s contract, except
//! that whitespace is stepped over (`consumed` counts it, and ends after the
//! last decoded group or whitespace after it). The SSSE3 and AVX2 ones skip
//! whitespace between groups and stop before whitespace inside a group; the
//! AVX-512 one skips it anywhere.
//!
//! They are `#[target_feature]` functions: calling one is sound only on a CPU
//! that has the feature, which [`super::dispatch`] checks once.

/// What a short whitespace-skipping decode (`decode_short_ws`) did:
/// `Done(written)`; `Clean` (no whitespace, nothing decoded: the clean path
/// is faster); `General` (the general path decides).
#[cfg_attr(
    not(all(target_arch = "x86_64", target_feature = "sse2")),
    allow(dead_code) // only AVX-512 has the path
)]
pub(crate) enum Short {
    Done(usize),
    Clean,
    General,
}

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;
#[cfg(target_arch = "wasm32")]
pub(crate) mod wasm32;
// Soft-float x86_64 targets (`x86_64-unknown-none`, kernels and bootloaders)
// disable SSE because their environment does not save vector registers: no
// SIMD kernel may run there, so only the scalar backend is built.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod x86_64;
