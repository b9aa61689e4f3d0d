#!/usr/bin/env bash
# Cross tests for aarch64 (the NEON kernels) under qemu-user, from any
# directory: `bash .ci/aarch64.sh`. Installs the Debian cross toolchain and
# qemu only when they are missing, adds the rustup target, then runs the
# library's test suite and clippy for aarch64-unknown-linux-gnu.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-unknown-linux-gnu
SYSROOT=/usr/aarch64-linux-gnu

# qemu-user runs the test binaries; gcc-aarch64-linux-gnu links them; the
# libc6-dev cross package (only a Recommends of gcc, so named here) holds the
# crt files and libc the linker needs, and the sysroot qemu's -L points at.
if ! command -v qemu-aarch64 >/dev/null \
    || ! command -v aarch64-linux-gnu-gcc >/dev/null \
    || [ ! -e "$SYSROOT/lib/crt1.o" ]; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
fi

rustup target add "$TARGET" >/dev/null

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L $SYSROOT"

echo "--- cargo test -p pixb64 --target $TARGET (qemu-aarch64)"
cargo test -p pixb64 --target "$TARGET"

echo "--- cargo clippy -p pixb64 --target $TARGET --all-targets"
cargo clippy -p pixb64 --target "$TARGET" --all-targets -- -D warnings
