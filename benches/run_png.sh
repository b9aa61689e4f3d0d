#!/bin/sh
# Issue 4 ("Speed and size"): the PNG writer's quick table. Builds the
# `png_encode` bench once, then runs its table mode: every pixb64 level 0..9
# and `png` 0.18 at Fastest/Fast/Balanced/High, on the Kodak photos and the
# mixed set, REPS interleaved repetitions, per-image medians; our levels 2..9
# also on 2 threads (strips) for the speedup and size cost. Prints
# benches/png_report.py's tables and writes benches/png_plot.py's SVG.
#
#   benches/run_png.sh                  # REPS=3, ~10 min on 2 busy cores
#   REPS=1 SETS=kodak benches/run_png.sh
#   OUT=/tmp/png benches/run_png.sh     # results elsewhere
#
# OUT defaults to $CARGO_TARGET_DIR/png-table (target/png-table); each run
# writes OUT/table-<time>.tsv and the report merges every TSV under OUT
# (median seconds), so repeated runs tame a noisy machine. The criterion
# version of the same benchmark: cargo bench -p pixb64-benches --bench png_encode
set -eu
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
OUT=${OUT:-$target/png-table}
REPS=${REPS:-3}
SETS=${SETS:-kodak,mixed}
THREADS=${THREADS:-1,2}

exe=$(cargo bench -p pixb64-benches --bench png_encode --no-run --message-format=json |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "png_encode" and m.get("executable"):
        print(m["executable"])')
[ -x "$exe" ] || { echo "run_png.sh: no png_encode executable" >&2; exit 1; }
mkdir -p "$OUT"
tsv=$OUT/table-$(date +%Y%m%d-%H%M%S).tsv
# cargo runs benches from the package directory; do the same.
(cd benches && "$exe" --table --reps "$REPS" --sets "$SETS" --threads "$THREADS" --tsv "$tsv")
python3 benches/png_report.py "$OUT"/table-*.tsv
python3 benches/png_plot.py "$OUT/png_encode.svg" "$OUT"/table-*.tsv
