#!/usr/bin/env bash
# Every cargo-fuzz target for FUZZ_SECONDS (default 60) each, two at a time
# (the machine has two cores), seeded from tests/data by fuzz/seed.py.
# Seven targets: four rounds, about 4 minutes plus the build.
# A finding fails the run; its input is in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
python3 seed.py
cargo +nightly fuzz build -O
bin=target/x86_64-unknown-linux-gnu/release
mapfile -t targets < <(cargo +nightly fuzz list)
mkdir -p artifacts logs
run() {
    local t=$1
    # A target without seeds starts from an empty corpus.
    mkdir -p "artifacts/$t" "corpus/$t"
    "$bin/$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
        -artifact_prefix="artifacts/$t/" "corpus/$t" >"logs/$t.log" 2>&1
}
fail=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pids=()
    for t in "${targets[@]:i:2}"; do
        run "$t" & pids+=("$!:$t")
    done
    for p in "${pids[@]}"; do
        if wait "${p%%:*}"; then status=ok; else status=FAILED; fail=1; fi
        t=${p#*:}
        # The summary: executions, coverage, corpus; the whole log on failure.
        printf '%-18s %s  %s\n' "$t" "$status" \
            "$(grep -E '^#[0-9]+[[:space:]]+DONE' "logs/$t.log" | tail -1 | awk '{print $1, $3, $4, $7, $8}')"
        [ "$status" = ok ] || tail -n 60 "logs/$t.log"
    done
done
exit $fail
