#!/bin/sh
# Issues 4 and 13: the PNG writer against every peer. Builds the `png_encode`
# bench once, then runs its table mode: every pixb64 level 0..9; `png` 0.18 at
# Fastest/Fast/Balanced/High (png-*) and at DeflateCompression::Level(1..9)
# with the adaptive filter (png-z1..9, miniz_oxide); libdeflate levels 1..12
# behind a min-sum adaptive filter (ld1..12, time = filter + compress +
# framing; the filter alone is timed as filter-minsum). Then OpenCV's
# cv2.imencode levels 1..9 (cv-L1..9) through benches/opencv_png.py, if
# $PYTHON imports cv2 and numpy. All on the Kodak photos, the mixed set and
# the real-world set (tests/data/{photos,mixed,realworld}), one thread for the
# peers, REPS interleaved repetitions, per-image medians summed, every output
# decoded once and compared with the image; our levels 2..9 also on 2 threads
# (strips) for the speedup and size cost. Prints benches/png_report.py's
# tables (Pareto check, recipe goal against cv-L9, smallest file against
# ld12, per-image level order) and writes benches/png_plot.py's SVG.
#
#   benches/run_png.sh                      # REPS=3, ~25 min on 2 busy cores
#   REPS=1 THREADS=1 SETS=kodak benches/run_png.sh
#   CONFIGS='L1,ld*,cv-L9' benches/run_png.sh  # a subset (names, or prefix*)
#   OUT=/tmp/png benches/run_png.sh         # results elsewhere
#   PYTHON=/work/venv/bin/python benches/run_png.sh  # the one with cv2
#
# OpenCV: python3 -m venv VENV && VENV/bin/pip install opencv-python-headless
# numpy, then PYTHON=VENV/bin/python. Without cv2 the OpenCV rows are skipped
# (with a note); the report then has no recipe-goal line.
#
# OUT defaults to $CARGO_TARGET_DIR/png-table (target/png-table); each run
# writes OUT/table-<time>.tsv, OUT/table-cv-<time>.tsv and the per-image
# sizes OUT/sizes-<time>.tsv, OUT/sizes-cv-<time>.tsv; the report merges every
# TSV under OUT (median seconds), so repeated runs tame a noisy machine. The
# criterion version of the Rust side:
# cargo bench -p pixb64-benches --bench png_encode
set -eu
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
OUT=${OUT:-$target/png-table}
REPS=${REPS:-3}
SETS=${SETS:-kodak,mixed,realworld}
THREADS=${THREADS:-1,2}
CONFIGS=${CONFIGS:-}
PYTHON=${PYTHON:-python3}

exe=$(cargo bench -p pixb64-benches --bench png_encode --no-run --message-format=json |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "png_encode" and m.get("executable"):
        print(m["executable"])')
[ -x "$exe" ] || { echo "run_png.sh: no png_encode executable" >&2; exit 1; }
mkdir -p "$OUT"
stamp=$(date +%Y%m%d-%H%M%S)
tsv=$OUT/table-$stamp.tsv
set -- --table --reps "$REPS" --sets "$SETS" --threads "$THREADS"
[ -n "$CONFIGS" ] && set -- "$@" --configs "$CONFIGS"
# cargo runs benches from the package directory; do the same.
(cd benches && "$exe" "$@" --tsv "$tsv" --sizes "$OUT/sizes-$stamp.tsv")

if "$PYTHON" -c 'import cv2, numpy' 2>/dev/null; then
    set -- --reps "$REPS" --sets "$SETS"
    [ -n "$CONFIGS" ] && set -- "$@" --configs "$CONFIGS"
    [ -f "$tsv" ] && set -- "$@" --check "$tsv"
    "$PYTHON" benches/opencv_png.py "$@" --tsv "$OUT/table-cv-$stamp.tsv" \
        --sizes "$OUT/sizes-cv-$stamp.tsv"
else
    echo "run_png.sh: $PYTHON has no cv2/numpy: OpenCV (cv-L1..9) skipped" >&2
fi

python3 benches/png_report.py "$OUT"/table-*.tsv "$OUT"/sizes-*.tsv
python3 benches/png_plot.py "$OUT/png_encode.svg" "$OUT"/table-*.tsv
