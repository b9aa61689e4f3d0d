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

# Every test but the PNG writer's two integration suites (png_encode,
# png_deflate: 400 s under qemu) and the doctests. The writer has no
# aarch64-specific code; its portable CRC-32 and Adler-32 (the x86 run
# takes the PCLMULQDQ/AVX2 ones) are covered here by the unit tests and
# png_decode, and the writer runs on a 32-bit target under wasm32.
echo "--- cargo test -p pixb64 --target $TARGET (qemu-aarch64)"
cargo test -p pixb64 --target "$TARGET" --lib --test base64_backends --test base64_props \
    --test base64_stream --test base64_vectors --test data_uri --test png_decode \
    --test png_hostile --test workflow

echo "--- cargo clippy -p pixb64 --target $TARGET --all-targets"
cargo clippy -p pixb64 --target "$TARGET" --all-targets -- -D warnings
