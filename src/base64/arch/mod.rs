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
//! Some backends have more: `encode_final` (a whole encode, tail and
//! padding included) and `decode_small` (a whole short decode in
//! registers), which SSSE3, AVX2, AVX-512 and NEON have, and
//! `decode_short_ws` (a whole short decode with whitespace anywhere), which
//! only AVX-512 does well (`vpcompressb`).
//!
//! Each backend's module has one `static KERNELS: Kernels` table with its
//! functions, and `None` in the slots it has no kernel for; the scalar code
//! does that work then. [`super::dispatch`] picks the table of the codec's
//! backend and is the only caller.
//!
//! They are `#[target_feature]` functions: calling one is sound only on a CPU
//! that has the feature, which [`super::dispatch`] checks once.

use super::{Alphabet, OutputTooSmall};

/// `encode_prefix`, `decode_prefix` and `decode_prefix_skip_ws`: `(alphabet,
/// input, output) -> (consumed, written)`.
pub(crate) type Prefix = unsafe fn(Alphabet, &[u8], &mut [u8]) -> (usize, usize);
/// `encode_final(alphabet, input, pad, output)`: the whole encode into
/// `output[..n]`, `Err` if `output` is short.
pub(crate) type EncodeFinal =
    unsafe fn(Alphabet, &[u8], bool, &mut [u8]) -> Result<usize, OutputTooSmall>;
/// `decode_small(alphabet, symbols, check_trailing, output)`: 2 to
/// `small_max` symbols, padding split off by the caller, in one step;
/// `None` leaves the text to the general path, which decides every error.
pub(crate) type DecodeSmall = unsafe fn(Alphabet, &[u8], bool, &mut [u8]) -> Option<usize>;
/// `decode_short_ws(alphabet, input, check_trailing, last_group, output)`:
/// a whole whitespace-skipping decode of up to `short_ws_max` bytes;
/// `last_group` is the codec's padding rule.
pub(crate) type DecodeShortWs =
    unsafe fn(Alphabet, &[u8], bool, &dyn Fn(&[u8]) -> Option<usize>, &mut [u8]) -> Short;

/// One backend's kernels: the common two, then the optional slots (`None`,
/// or a `*_max` of 0: the backend has no such kernel).
pub(crate) struct Kernels {
    pub(crate) encode_prefix: Option<Prefix>,
    pub(crate) decode_prefix: Option<Prefix>,
    /// Whitespace skipped (see above); without it the codec runs
    /// `decode_prefix`, which stops at whitespace for the scalar code.
    pub(crate) decode_prefix_skip_ws: Option<Prefix>,
    pub(crate) encode_final: Option<EncodeFinal>,
    pub(crate) decode_small: Option<DecodeSmall>,
    /// The longest input `decode_small` takes.
    pub(crate) small_max: usize,
    pub(crate) decode_short_ws: Option<DecodeShortWs>,
    /// The longest text `decode_short_ws` takes.
    pub(crate) short_ws_max: usize,
}

impl Kernels {
    /// No kernel at all: the scalar backend.
    pub(crate) const NONE: Kernels = Kernels {
        encode_prefix: None,
        decode_prefix: None,
        decode_prefix_skip_ws: None,
        encode_final: None,
        decode_small: None,
        small_max: 0,
        decode_short_ws: None,
        short_ws_max: 0,
    };
}

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

// The small-input kernels' length rules and short moves (x86_64 and aarch64).
#[cfg(any(
    all(target_arch = "x86_64", target_feature = "sse2"),
    target_arch = "aarch64"
))]
mod small;
#[cfg(any(
    all(target_arch = "x86_64", target_feature = "sse2"),
    target_arch = "aarch64"
))]
pub(crate) use small::{copy_short, exact_output, pad_symbols, small_output};
#[cfg(all(
    test,
    any(
        all(target_arch = "x86_64", target_feature = "sse2"),
        target_arch = "aarch64"
    )
))]
pub(crate) mod small_tests;
// The whole-block kernels' tests (every ISA that has kernels but AVX-512,
// whose prefix kernels have their own rules).
#[cfg(all(
    test,
    any(
        all(target_arch = "x86_64", target_feature = "sse2"),
        target_arch = "aarch64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )
))]
pub(crate) mod prefix_tests;
// The kernel tests' data (every ISA that has kernels).
#[cfg(all(
    test,
    any(
        all(target_arch = "x86_64", target_feature = "sse2"),
        target_arch = "aarch64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )
))]
pub(crate) mod test_data;

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;
#[cfg(target_arch = "wasm32")]
pub(crate) mod wasm32;
// Soft-float x86_64 targets (`x86_64-unknown-none`, kernels and bootloaders)
// disable SSE because their environment does not save vector registers: no
// SIMD kernel may run there, so only the scalar backend is built.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) mod x86_64;
