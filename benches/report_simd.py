#!/usr/bin/env python3
# Summarises the `base64_simd` criterion benchmarks (issue 3, item 4 "Speed")
# as markdown tables, with the ratios and goals.
#
# The whole thing, three runs (simdutf default = AVX-512 here, then forced to
# haswell = AVX2 and westmere = SSE) and this report:
#
#   benches/run_simd.sh                   # ~10 min a round; RUNS=2 for two rounds
#
# which amounts to (OUT = $CARGO_TARGET_DIR/criterion-simd, or target/criterion-simd):
#
#   CRITERION_HOME=$OUT/1/default cargo bench -p pixb64-benches --bench base64_simd
#   SIMDUTF_FORCE_IMPLEMENTATION=haswell CRITERION_HOME=$OUT/1/haswell \
#     cargo bench -p pixb64-benches --bench base64_simd -- '^(en|de)code/[^/]+/(pixb64-(auto|avx2)|simdutf-.*|base64-0\.23-simd)$'
#   SIMDUTF_FORCE_IMPLEMENTATION=westmere CRITERION_HOME=$OUT/1/westmere \
#     cargo bench -p pixb64-benches --bench base64_simd -- '^(en|de)code/[^/]+/(pixb64-(auto|ssse3)|simdutf-.*)$'
#   python3 benches/report_simd.py $OUT
#
# Arguments are directories; each is searched for criterion homes (a directory
# holding <group>/<function>/new/benchmark.json), and every home found is one
# run. So `report_simd.py $OUT` takes every round and every simdutf variant.
# Without arguments: $CRITERION_HOME if set, else $CARGO_TARGET_DIR/criterion-simd,
# else target/criterion-simd at the workspace root.
#
# Numbers: GB/s are decimal (10^9 B/s) of raw (decoded) bytes in every
# direction, the median over runs of criterion's median. A ratio a/b is the
# median over the runs that measured both a and b of that run's ratio (the two
# were measured in one process, minutes apart at most); `[lo-hi]` is its range
# when there are several such runs. A ratio marked `~` had no run with both, so
# it divides medians from different processes. Goal cells are marked `ok` or
# `MISS`. "best" is the highest-ranked pixb64 backend measured (the one
# `Backend::detect()` picks: avx512vbmi here), forced. Python 3 stdlib only;
# reuses `load_run` from report.py.

import os
import statistics
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import load_run  # noqa: E402

# pixb64 backends, best last (the order of `Backend::ALL`).
BACKENDS = ["scalar", "ssse3", "avx2", "avx512vbmi", "neon", "simd128"]
PEERS = ["simdutf-default", "simdutf-haswell", "simdutf-westmere", "base64-0.23-simd", "base64-simd"]
MEMCPY = "memcpy"
AUTO = "pixb64-auto"
FORGIVING_GROUP = "decode-forgiving-wrapped76"
KiB = 1024
MiB = 1024 * KiB


def default_dir():
    if os.environ.get("CRITERION_HOME"):
        return Path(os.environ["CRITERION_HOME"])
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]) / "criterion-simd"
    return Path(__file__).resolve().parent.parent / "target" / "criterion-simd"


def find_homes(path):
    """Every criterion home at or below `path`, sorted."""
    if any(path.glob("*/*/new/benchmark.json")):
        return [path]
    homes = []
    for child in sorted(p for p in path.iterdir() if p.is_dir()):
        homes.extend(find_homes(child))
    return homes


def load(paths):
    """[(home, {(direction, size_bytes): {function: GB/s}}, {size_bytes: label})]."""
    runs = []
    labels = {}
    for home in paths:
        data = {}
        for (group, function), (ns, nbytes) in load_run(home).items():
            direction, _, label = group.rpartition("/")
            labels[nbytes] = label
            data.setdefault((direction, nbytes), {})[function] = nbytes / ns
        runs.append((home, data))
    return runs, labels


class Table:
    def __init__(self, runs):
        self.runs = [data for _, data in runs]

    def gbps(self, direction, size, function):
        xs = [r[(direction, size)][function] for r in self.runs if function in r.get((direction, size), {})]
        return statistics.median(xs) if xs else None

    def ratio(self, direction, size, a, b):
        """(median ratio, [per-run ratios], same_process) or None."""
        per_run = [
            r[(direction, size)][a] / r[(direction, size)][b]
            for r in self.runs
            if a in r.get((direction, size), {}) and b in r.get((direction, size), {})
        ]
        if per_run:
            return statistics.median(per_run), per_run, True
        ga, gb = self.gbps(direction, size, a), self.gbps(direction, size, b)
        if ga is None or gb is None:
            return None
        return ga / gb, [], False

    def functions(self, direction):
        return {f for r in self.runs for (d, _), fs in r.items() if d == direction for f in fs}

    def sizes(self, direction):
        return sorted({s for r in self.runs for (d, s) in r if d == direction})


def fmt_gbps(x):
    return "-" if x is None else (f"{x:.2f}" if x < 10 else f"{x:.1f}")


def fmt_x(value, goal=None):
    """Two decimals, or three where two would round across the goal."""
    two = f"{value:.2f}"
    if goal is not None and (float(two) >= goal) != (value >= goal):
        return f"{value:.3f}"
    return two


def fmt_ratio(r, goal=None):
    if r is None:
        return "-"
    value, per_run, same = r
    s = ("" if same else "~") + f"{fmt_x(value, goal)}x"
    if len(per_run) > 1:
        s += f" [{min(per_run):.2f}-{max(per_run):.2f}]"
    if goal is not None:
        s += " ok" if value >= goal else " MISS"
    return s


def best_backend(functions):
    present = [b for b in BACKENDS if f"pixb64-{b}" in functions]
    return f"pixb64-{present[-1]}" if present else None


def main(argv):
    roots = [Path(a) for a in argv] or [default_dir()]
    homes = []
    for root in roots:
        if not root.is_dir():
            sys.exit(f"no directory at {root}: run benches/run_simd.sh first")
        homes.extend(find_homes(root))
    if not homes:
        sys.exit(f"no criterion results under {', '.join(map(str, roots))}")
    runs, labels = load(homes)
    t = Table(runs)
    goals = []  # (goal text, [(label, ratio tuple)], threshold)

    print(f"{len(runs)} runs: {', '.join(str(h) for h in homes)}\n")
    print("GB/s = 10^9 raw bytes/s, median over runs of criterion's median. Ratios: median of")
    print("per-run (same-process) ratios, [min-max] over runs; `~` = across processes.\n")

    for direction in ("encode", "decode"):
        funcs = t.functions(direction)
        if not funcs:
            continue
        best = best_backend(funcs)
        cols = [AUTO] + [f"pixb64-{b}" for b in BACKENDS] + PEERS + [MEMCPY]
        cols = [c for c in cols if c in funcs]
        sizes = t.sizes(direction)

        print(f"### {direction}: GB/s\n")
        print("| size | " + " | ".join(cols) + " |")
        print("|---:|" + "---:|" * len(cols))
        for s in sizes:
            print(f"| {labels[s]} | " + " | ".join(fmt_gbps(t.gbps(direction, s, c)) for c in cols) + " |")
        print()

        # The ratios, with the goal where it applies.
        specs = [
            (f"{best}/simdutf-default", best, "simdutf-default", 1.0, lambda s: s >= 256),
            ("pixb64-avx2/simdutf-haswell", "pixb64-avx2", "simdutf-haswell", 1.0, lambda s: s >= KiB),
            ("pixb64-avx2/base64-0.23-simd", "pixb64-avx2", "base64-0.23-simd", 1.5, lambda s: s >= KiB),
            ("pixb64-ssse3/simdutf-westmere", "pixb64-ssse3", "simdutf-westmere", 1.0, lambda s: s >= KiB),
        ]
        if direction == "encode":
            specs.append((f"{best}/memcpy", best, MEMCPY, 0.8, lambda s: 16 * KiB <= s <= MiB))
        specs = [sp for sp in specs if sp[1] in funcs and sp[2] in funcs]
        print(f"### {direction}: ratios (goal: `ok`/`MISS` where the issue sets one)\n")
        print("| size | " + " | ".join(sp[0] for sp in specs) + " |")
        print("|---:|" + "---:|" * len(specs))
        for s in sizes:
            cells = []
            for _, a, b, goal, applies in specs:
                cells.append(fmt_ratio(t.ratio(direction, s, a, b), goal if applies(s) else None))
            print(f"| {labels[s]} | " + " | ".join(cells) + " |")
        print()
        for name, a, b, goal, applies in specs:
            where = [(labels[s], t.ratio(direction, s, a, b)) for s in sizes if applies(s)]
            where = [(lab, r) for lab, r in where if r is not None]
            goals.append((f"{direction} {name} >= {goal}x", where, goal))

        # 16 B and 64 B: pixb64 against every peer.
        peers = [p for p in PEERS if p in funcs]
        forced = [f"pixb64-{b}" for b in BACKENDS if f"pixb64-{b}" in funcs]
        small = [s for s in sizes if s <= 64]
        if small and peers:
            print(f"### {direction}: small inputs, pixb64 / every peer (goal > 1.0x)\n")
            print("| size | pixb64 | " + " | ".join(peers) + " |")
            print("|---:|:---|" + "---:|" * len(peers))
            for s in small:
                fastest = max(forced, key=lambda f: t.gbps(direction, s, f) or 0.0)
                for ours in ([AUTO] if AUTO in funcs else []) + [fastest]:
                    label = ours if ours != fastest or ours == AUTO else f"{ours} (fastest forced)"
                    cells = [fmt_ratio(t.ratio(direction, s, ours, p), 1.0) for p in peers]
                    print(f"| {labels[s]} | {label} | " + " | ".join(cells) + " |")
                    if ours == AUTO:
                        where = [(p, t.ratio(direction, s, ours, p)) for p in peers]
                        where = [(p, r) for p, r in where if r is not None]
                        goals.append((f"{direction} {labels[s]}: {AUTO} / every peer > 1.0x", where, 1.0))
            print()

    # FORGIVING decode of wrapped text / STANDARD decode of clean text.
    funcs = t.functions(FORGIVING_GROUP)
    if funcs:
        sizes = t.sizes(FORGIVING_GROUP)
        backends = [b for b in BACKENDS if f"pixb64-{b}-standard-clean" in funcs]
        print(f"### {FORGIVING_GROUP}: FORGIVING decode of 76-column text / STANDARD decode of clean text (goal >= 0.5x)\n")
        hdr = []
        for b in backends:
            hdr += [f"{b} clean GB/s", f"{b} lf/clean", f"{b} crlf/clean"]
        print("| size | " + " | ".join(hdr) + " |")
        print("|---:|" + "---:|" * len(hdr))
        for s in sizes:
            cells = []
            for b in backends:
                clean = f"pixb64-{b}-standard-clean"
                cells.append(fmt_gbps(t.gbps(FORGIVING_GROUP, s, clean)))
                for nl in ("lf", "crlf"):
                    cells.append(fmt_ratio(t.ratio(FORGIVING_GROUP, s, f"pixb64-{b}-forgiving-{nl}", clean), 0.5))
            print(f"| {labels[s]} | " + " | ".join(cells) + " |")
        print()
        for b in backends:
            for nl in ("lf", "crlf"):
                where = [
                    (labels[s], t.ratio(FORGIVING_GROUP, s, f"pixb64-{b}-forgiving-{nl}", f"pixb64-{b}-standard-clean"))
                    for s in sizes
                ]
                where = [(lab, r) for lab, r in where if r is not None]
                goals.append((f"FORGIVING {nl} 76-col / STANDARD clean, {b} >= 0.5x", where, 0.5))

    print("### goals\n")
    for text, where, goal in goals:
        if not where:
            print(f"- {text}: not measured")
            continue
        worst_label, worst = min(where, key=lambda w: w[1][0])
        misses = [f"{lab} ({fmt_x(r[0], goal)}x)" for lab, r in where if r[0] < goal]
        status = "met" if not misses else f"MISSED at {', '.join(misses)}"
        print(f"- {text}: {status}; worst {fmt_x(worst[0], goal)}x at {worst_label}")


if __name__ == "__main__":
    main(sys.argv[1:])
