#!/usr/bin/env bash
# The library's test suite (unit, integration and doc tests) for
# wasm32-wasip1, built with and without simd128, run under Node's `node:wasi`
# (.ci/wasi-run.mjs). Works from any directory: `bash .ci/wasm.sh`.
#
# Needs rustup and Node >= 20. wasm32-wasip1 builds with panic=abort, so a
# failing test aborts its whole test binary; the tests run with --nocapture
# so the panic message is printed before the abort.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

rustup target add wasm32-wasip1 >/dev/null
node --version >/dev/null

export CARGO_TARGET_WASM32_WASIP1_RUNNER="node --no-warnings $here/wasi-run.mjs"

echo "=== wasm32-wasip1, scalar (no simd128)"
RUSTFLAGS='' cargo test -p pixb64 --target wasm32-wasip1 -- --nocapture

echo "=== wasm32-wasip1, simd128: what the simd128 kernels change (base64 and what goes through it)"
# Only the base64 codec has simd128 kernels; the PNG code is the same build
# as above, so its tests are not repeated here.
RUSTFLAGS='-C target-feature=+simd128' cargo test -p pixb64 --target wasm32-wasip1 --lib -- --nocapture base64::
RUSTFLAGS='-C target-feature=+simd128' cargo test -p pixb64 --target wasm32-wasip1 \
  --test base64_backends --test base64_props --test base64_stream --test base64_vectors \
  --test data_uri --test workflow -- --nocapture

echo "=== wasm32-wasip1, clippy: the library and its unit tests, both builds"
for flags in '' '-C target-feature=+simd128'; do
  RUSTFLAGS="$flags" cargo clippy -p pixb64 --lib --target wasm32-wasip1 -- -D warnings
  RUSTFLAGS="$flags" cargo clippy -p pixb64 --lib --profile test --target wasm32-wasip1 -- -D warnings
done
