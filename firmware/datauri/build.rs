// cortex-m-rt's link.x includes memory.x from the linker search path.
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!("cargo:rustc-link-search={}", dir.display());
    println!("cargo:rerun-if-changed=../memory.x");
}
