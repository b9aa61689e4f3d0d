#!/usr/bin/env bash
# Issue 14: the stack every public base64 call needs on thumbv6m (opt-level
# s, LTO), measured by b64stack under QEMU's lm3s6965evb. Fails if any call
# needs more than 512 bytes. Needs qemu-system-arm.
set -euo pipefail
cd "$(dirname "$0")"
cargo build -q -p b64stack --release --target thumbv6m-none-eabi
timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
    -semihosting-config enable=on,target=native \
    -kernel target/thumbv6m-none-eabi/release/b64stack
