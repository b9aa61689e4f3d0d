//! Sets `cfg(pixb64_small)`: the base64 codec's small tables and plain
//! loops (a few hundred bytes of flash instead of 12 KiB of tables per
//! alphabet and unrolled kernels). On by default where pixb64 has no SIMD
//! backend (microcontrollers: Arm Cortex-M, RISC-V, ...), and anywhere
//! with the `small` feature.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(pixb64_small)");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let fast_arch = matches!(arch.as_str(), "x86_64" | "x86" | "aarch64" | "wasm32");
    if std::env::var_os("CARGO_FEATURE_SMALL").is_some() || !fast_arch {
        println!("cargo:rustc-cfg=pixb64_small");
    }
}
