#!/usr/bin/env bash
# Issue 14's data-URI firmware (datauri/): builds it for thumbv7m at
# opt-level z, runs it under QEMU's lm3s6965evb, and checks with OpenCV that
# the URI it prints decodes to the frame (computed the same way in Python)
# and that the rows its RowDecoder handed out match; prints flash and RAM.
# Fails over 32 KiB of flash or 64 KiB of RAM. Needs qemu-system-arm and a
# Python with numpy and opencv-python-headless ($PYTHON, default python3).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
t=thumbv7m-none-eabi
cargo build -q -p datauri --profile release-z --target $t
elf=target/$t/release-z/datauri
mkdir -p target/datauri
timeout 300 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
    -semihosting-config enable=on,target=native -kernel "$elf" > target/datauri/out.txt
"$PYTHON" datauri_check.py target/datauri/out.txt "$elf"
