#!/usr/bin/env python3
# Summarises the `png_encode` table mode (benches/run_png.sh) as markdown:
# per set, MB/s of raw pixels and output/raw size for each of our levels and
# each `png` 0.18 setting, then the Pareto check against the `png` crate and,
# when the run timed several thread counts, the strips speedup and size cost.
#
#   python3 benches/png_report.py RUN.tsv [RUN2.tsv ...]
#
# Several TSVs (separate runs) are merged by taking the median of the
# seconds per (set, config, threads); sizes are deterministic. Python 3
# stdlib only.

import statistics
import sys
from collections import defaultdict


def load(paths):
    secs = defaultdict(list)
    meta = {}
    order = []
    for p in paths:
        with open(p) as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                key = (row["set"], row["config"], int(row["threads"]))
                if key not in meta:
                    order.append(key)
                meta[key] = (int(row["raw_bytes"]), int(row["out_bytes"]))
                secs[key].append(float(row["seconds"]))
    rows = {}
    for key in order:
        raw, out = meta[key]
        s = statistics.median(secs[key])
        rows[key] = {"mbs": raw / s / 1e6, "ratio": out / raw, "runs": len(secs[key])}
    return order, rows


def main():
    paths = sys.argv[1:]
    if not paths:
        sys.exit("usage: png_report.py RUN.tsv [RUN2.tsv ...]")
    order, rows = load(paths)
    sets = []
    for s, _, _ in order:
        if s not in sets:
            sets.append(s)
    for s in sets:
        keys = [k for k in order if k[0] == s]
        print(f"\n### {s} ({rows[keys[0]]['runs']} run(s), single thread unless noted)\n")
        print("| config | MB/s | out/raw |")
        print("|---|---:|---:|")
        for k in keys:
            name = k[1] if k[2] == 1 else f"{k[1]} ({k[2]} threads)"
            r = rows[k]
            print(f"| {name} | {r['mbs']:.1f} | {r['ratio']:.4f} |")
        ours = [k for k in keys if k[1].startswith("L") and k[2] == 1]
        peers = [k for k in keys if k[1].startswith("png-")]
        if peers and ours:
            print("\nPareto check (one of our levels at least as small and as fast):\n")
            for p in peers:
                pr = rows[p]
                wins = [o[1] for o in ours
                        if rows[o]["ratio"] <= pr["ratio"] and rows[o]["mbs"] >= pr["mbs"]]
                # The fastest of our levels that is at least as small.
                smaller = [o for o in ours if rows[o]["ratio"] <= pr["ratio"]]
                best = max(smaller, key=lambda o: rows[o]["mbs"]) if smaller else None
                note = (f"{best[1]} is {rows[best]['mbs'] / pr['mbs']:.2f}x its speed at "
                        f"{rows[best]['ratio']:.4f}") if best else "none of our levels is as small"
                verdict = "dominated by " + ", ".join(wins) if wins else "NOT dominated"
                print(f"- {p[1]} ({pr['mbs']:.1f} MB/s, {pr['ratio']:.4f}): {verdict}; {note}")
        multi = [k for k in keys if k[2] != 1]
        if multi:
            print("\nStrips (threads) against one thread:\n")
            print("| level | threads | speedup | size cost |")
            print("|---|---:|---:|---:|")
            for k in multi:
                base = rows.get((s, k[1], 1))
                if base:
                    r = rows[k]
                    # Levels 0 and 1 ignore the thread count: their rows
                    # show how much two runs of the same code differ.
                    name = k[1] + (" (not threaded: noise)" if k[1] in ("L0", "L1") else "")
                    print(f"| {name} | {k[2]} | {r['mbs'] / base['mbs']:.2f}x | "
                          f"{(r['ratio'] / base['ratio'] - 1) * 100:+.3f}% |")


if __name__ == "__main__":
    main()
