//! wasm32 kernels. A wasm module cannot probe its host at run time: simd128
//! is available exactly when the module is built with `-C target-feature=+simd128`.

#[cfg(target_feature = "simd128")]
pub(crate) mod simd128;
