#!/usr/bin/env bash
# Run fuzz targets for a while each, seeded from tests/data.
#   fuzz/run.sh SECONDS [TARGET...]    (default: every target)
# Needs nightly and cargo-fuzz. Exits non-zero on the first finding; the
# input is left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
python3 seed.py >/dev/null
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
    echo "== fuzz $t for ${secs}s"
    mkdir -p "corpus/$t"
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 2>&1 |
        grep -E '^(#[0-9]+ *DONE|stat::|==|INFO: (seed|Loaded)|SUMMARY|Done)|panicked|ERROR' || true
    # grep hides the exit status of the run: look at the artifacts instead.
    if compgen -G "artifacts/$t/*" >/dev/null; then
        echo "finding in artifacts/$t:"; ls "artifacts/$t"; exit 1
    fi
done
