#!/usr/bin/env bash
# Issue 14's small-target checks, from any directory: `bash .ci/firmware.sh`.
# - the base64 codec's small form (`--features small`, the default on
#   targets without a SIMD backend) against every backend and the vectors;
# - flash: the same encode + decode firmware with pixb64 and with the
#   `base64` crate, thumbv6m and thumbv7em at opt-level s and z; fails if
#   pixb64 is larger anywhere (firmware/sizes.sh);
# - stack: every public base64 call on thumbv6m under QEMU's lm3s6965evb;
#   fails over 512 bytes (firmware/stack.sh);
# - the PNG small form (1 KiB pieces, nibble CRC, byte-loop unfilter, ...)
#   through the row encoder and decoder tests on the host;
# - the data-URI firmware: RowEncoder level 1 + Base64Sink + RowDecoder on
#   QEMU's lm3s6965evb, its URI checked with cv2.imdecode; fails over 32 KiB
#   of flash or 64 KiB of RAM (firmware/datauri.sh).
# Installs qemu-system-arm, numpy and OpenCV only when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test -q -p pixb64 --features small --lib base64::
cargo test -q -p pixb64 --features small --test base64_backends --test base64_props \
    --test base64_stream --test base64_vectors --test data_uri
cargo test -q -p pixb64 --features small --lib png::
cargo test -q -p pixb64 --features small --test png_rows --test png_rows_decode --test png_decode

if ! command -v qemu-system-arm >/dev/null; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        qemu-system-arm
fi
if ! python3 -c 'import cv2, numpy' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check opencv-python-headless numpy
fi
rustup target add thumbv6m-none-eabi thumbv7em-none-eabihf thumbv7m-none-eabi >/dev/null

bash firmware/sizes.sh
bash firmware/stack.sh
bash firmware/datauri.sh
