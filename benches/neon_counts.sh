#!/usr/bin/env bash
# Instructions per call of the small-input base64 paths on aarch64 (NEON),
# pixb64 against base64-simd and simdutf, counted under qemu-user (no NEON
# hardware to time them on); see benches/benches/neon_count.rs.
# Needs: rustup target aarch64-unknown-linux-gnu, apt qemu-user,
# gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu (simdutf is C++).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export CXX_aarch64_unknown_linux_gnu=aarch64-linux-gnu-g++
bin=$(cargo bench -q -p pixb64-benches --bench neon_count --target aarch64-unknown-linux-gnu \
    --no-run --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
count() {
    qemu-aarch64 -L /usr/aarch64-linux-gnu -singlestep -d exec,nochain -D "$log" "$bin" "$@" >/dev/null
    grep -c '^Trace' "$log"
}
echo "| size | op | loop alone | pixb64 NEON | base64-simd | simdutf |"
echo "|---:|---|---:|---:|---:|---:|"
for size in ${SIZES:-16 32 48 64}; do
    for op in encode decode; do
        row="| $size B | $op |"
        for lib in none pixb64 b64simd simdutf; do
            one=$(count "$lib" "$op" "$size" 1)
            many=$(count "$lib" "$op" "$size" 1001)
            row="$row $(((many - one) / 1000)) |"
        done
        echo "$row"
    done
done
