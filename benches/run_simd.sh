#!/bin/sh
# Issue 3, item 4 ("Speed"): runs the `base64_simd` criterion benchmark three
# times per round, since simdutf picks its kernel once per process:
#   default   simdutf's own choice (AVX-512 on this CPU); every function
#   haswell   SIMDUTF_FORCE_IMPLEMENTATION=haswell (AVX2): simdutf,
#             pixb64-auto, pixb64-avx2 and base64-0.23-simd, encode and decode
#   westmere  SIMDUTF_FORCE_IMPLEMENTATION=westmere (SSE): simdutf,
#             pixb64-auto and pixb64-ssse3, encode and decode
# then prints benches/report_simd.py's tables over every run under OUT.
#
#   benches/run_simd.sh               # one round, ~10 min on 2 cores
#   RUNS=2 benches/run_simd.sh        # two rounds; the report takes medians
#   OUT=/tmp/simd benches/run_simd.sh # results elsewhere
#
# OUT defaults to $CARGO_TARGET_DIR/criterion-simd (target/criterion-simd);
# round N writes OUT/N/{default,haswell,westmere}, replacing a previous round N.
# PIXB64_BENCH_QUICK=1 shortens every measurement (smoke test). To time a
# subset, call cargo directly with a criterion filter (a regex on
# `<group>/<size>/<function>`), e.g.
#   cargo bench -p pixb64-benches --bench base64_simd -- '^decode/16KiB/'
set -eu
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
OUT=${OUT:-$target/criterion-simd}
RUNS=${RUNS:-1}

# Build once and run that binary for every run, so all runs time the same
# tree even if the sources change meanwhile (cargo runs benches from the
# package directory; do the same).
exe=$(cargo bench -p pixb64-benches --bench base64_simd --no-run --message-format=json |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "base64_simd" and m.get("executable"):
        print(m["executable"])')
[ -x "$exe" ] || { echo "run_simd.sh: no base64_simd executable" >&2; exit 1; }
mkdir -p "$OUT"
cp "$exe" "$OUT/base64_simd.bin"   # a later build cannot swap it mid-round
exe=$OUT/base64_simd.bin
echo "run_simd.sh: timing $exe into $OUT" >&2
bench() { (cd benches && "$exe" --bench "$@"); }

i=1
while [ "$i" -le "$RUNS" ]; do
    rm -rf "$OUT/$i"
    CRITERION_HOME="$OUT/$i/default" bench
    SIMDUTF_FORCE_IMPLEMENTATION=haswell CRITERION_HOME="$OUT/$i/haswell" \
        bench '^(en|de)code/[^/]+/(pixb64-(auto|avx2)|simdutf-.*|base64-0\.23-simd)$'
    SIMDUTF_FORCE_IMPLEMENTATION=westmere CRITERION_HOME="$OUT/$i/westmere" \
        bench '^(en|de)code/[^/]+/(pixb64-(auto|ssse3)|simdutf-.*)$'
    i=$((i + 1))
done
python3 benches/report_simd.py "$OUT"
