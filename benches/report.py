#!/usr/bin/env python3
# Summarises the `base64_scalar` criterion benchmarks as markdown tables.
#
#   cargo bench -p pixb64-benches --bench base64_scalar && python3 benches/report.py
#
# With no arguments it reads `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`,
# else `target/criterion` at the workspace root. Given several criterion
# directories (one per run, e.g. saved copies, or runs made with
# CRITERION_HOME=/tmp/runN), it takes for each benchmark the median over the runs
# of criterion's median, which tames a noisy machine:
#
#   python3 benches/report.py /tmp/run1 /tmp/run2 /tmp/run3
#
# For each benchmark it reads `<dir>/**/new/benchmark.json` (group, function,
# throughput) and the `new/estimates.json` beside it (median point estimate, ns).
# GB/s are decimal (10^9 bytes/s) of the raw, decoded bytes in every direction,
# so encode, decode and memcpy compare directly. With several runs, a last
# column gives the min-max of the per-run pixb64/base64 ratio: a wide range
# means the machine was busy (criterion measures one function after the
# other, so load that comes and goes skews one side). Python 3 stdlib only.

import json
import os
import statistics
import sys
from pathlib import Path

PIXB64 = "pixb64-scalar"
PEER = "base64-0.23"
MEMCPY = "memcpy"


def default_dir():
    if os.environ.get("CRITERION_HOME"):
        return Path(os.environ["CRITERION_HOME"])
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    return Path(__file__).resolve().parent.parent / "target" / "criterion"


def load_run(root):
    """{(group, function): (ns per iteration, bytes per iteration)} of one run."""
    found = {}
    for bench in root.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        estimates = bench.with_name("estimates.json")
        if not estimates.exists():
            continue
        ns = json.loads(estimates.read_text())["median"]["point_estimate"]
        throughput = meta.get("throughput") or {}
        nbytes = throughput.get("Bytes") or throughput.get("BytesDecimal")
        if nbytes is None:
            continue
        found[(meta["group_id"], meta.get("function_id"))] = (ns, nbytes)
    return found


def fmt_gbps(x):
    return "-" if x is None else f"{x:.2f}"


def fmt_ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}x"


def main(argv):
    roots = [Path(a) for a in argv] or [default_dir()]
    runs = []
    for root in roots:
        if not root.is_dir():
            sys.exit(f"no criterion directory at {root}: run the benchmark first")
        run = load_run(root)
        if not run:
            sys.exit(f"no benchmark results under {root}")
        runs.append(run)

    # Median over runs of each benchmark's median time.
    keys = set().union(*runs)
    merged = {}
    for key in keys:
        samples = [run[key] for run in runs if key in run]
        ns = statistics.median(s[0] for s in samples)
        merged[key] = (ns, samples[0][1], len(samples))

    # group "encode/1KiB" -> direction "encode", size label "1KiB".
    directions = {}
    for (group, function), (ns, nbytes, _) in merged.items():
        direction, _, size = group.rpartition("/")
        if not direction:
            direction, size = group, ""
        row = directions.setdefault(direction, {}).setdefault(size, {"bytes": nbytes, "group": group})
        row[function] = nbytes / ns  # bytes per ns == GB/s

    def spread(group):
        """min-max over runs of the per-run pixb64/base64 ratio (noise gauge)."""
        ratios = [
            run[(group, PEER)][0] / run[(group, PIXB64)][0]
            for run in runs
            if (group, PEER) in run and (group, PIXB64) in run
        ]
        return f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "-"

    print(f"runs: {len(runs)} ({', '.join(str(r) for r in roots)}); median of per-run medians\n")
    order = {"encode": 0, "decode": 1}
    for direction in sorted(directions, key=lambda d: (order.get(d, 2), d)):
        rows = directions[direction]
        print(f"### {direction}\n")
        many = len(runs) > 1
        extra = f" {PIXB64}/{PEER} per run |" if many else ""
        print(f"| size | {PIXB64} GB/s | {PEER} GB/s | {MEMCPY} GB/s | {PIXB64}/{PEER} | {PIXB64}/{MEMCPY} |{extra}")
        print("|---:|---:|---:|---:|---:|---:|" + ("---:|" if many else ""))
        for size, row in sorted(rows.items(), key=lambda kv: kv[1]["bytes"]):
            ours, peer, copy = row.get(PIXB64), row.get(PEER), row.get(MEMCPY)
            line = (
                f"| {size} | {fmt_gbps(ours)} | {fmt_gbps(peer)} | {fmt_gbps(copy)} "
                f"| {fmt_ratio(ours, peer)} | {fmt_ratio(ours, copy)} |"
            )
            if many:
                line += f" {spread(row['group'])} |"
            print(line)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
