#!/usr/bin/env python3
# Summarises the PNG-writing benchmark (benches/run_png.sh: the `png_encode`
# table mode and benches/opencv_png.py) as markdown. Per set: MB/s of raw
# pixels and output/raw for pixb64's levels and every peer (png 0.18 presets
# `png-*`, png 0.18 with miniz_oxide levels `png-z1..9`, libdeflate behind a
# min-sum filter `ld1..12`, OpenCV `cv-L1..9`); the Pareto check of every
# peer point against pixb64's single-thread levels; the recipe goal (the
# fastest pixb64 level no larger than cv-L9, goal >= 10x its speed); the
# smallest files (L9 against ld12); the per-image level order check (from the
# sizes TSVs); when the run timed several thread counts, the strips speedup
# and size cost.
#
#   python3 benches/png_report.py RUN.tsv [RUN2.tsv ...] [sizes-RUN.tsv ...]
#
# Table TSVs (set config threads raw_bytes out_bytes seconds) from several
# runs are merged by taking the median of the seconds per (set, config,
# threads); sizes are deterministic. Sizes TSVs (set image config threads
# out_bytes) are told apart by their header. Python 3 stdlib only.

import os
import re
import statistics
import sys
from collections import defaultdict

PEER_PREFIXES = ("png-", "ld", "cv-")
GOAL = 10.0  # the recipe goal: >= 10x cv-L9's speed at no larger size


def is_ours(config):
    return re.fullmatch(r"L\d+", config) is not None


def is_peer(config):
    return config.startswith(PEER_PREFIXES)


def load(paths):
    """Table TSVs only; returns (order, rows). Sizes TSVs are skipped."""
    order, rows, _ = load_all(paths)
    return order, rows


def load_all(paths):
    secs = defaultdict(list)
    meta = {}
    order = []
    sizes = {}  # (set, image, config, threads) -> out_bytes
    for p in paths:
        with open(p) as f:
            header = f.readline().rstrip("\n").split("\t")
            image_rows = "image" in header
            for line in f:
                if not line.strip():
                    continue
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                if image_rows:
                    sizes[(row["set"], row["image"], row["config"], int(row["threads"]))] = \
                        int(row["out_bytes"])
                    continue
                key = (row["set"], row["config"], int(row["threads"]))
                if key not in meta:
                    order.append(key)
                meta[key] = (int(row["raw_bytes"]), int(row["out_bytes"]))
                secs[key].append(float(row["seconds"]))
    rows = {}
    for key in order:
        raw, out = meta[key]
        s = statistics.median(secs[key])
        rows[key] = {"mbs": raw / s / 1e6, "ratio": out / raw, "runs": len(secs[key]),
                     "raw": raw}
    return order, rows, sizes


def cpu_line():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    vbmi = "yes" if "avx512vbmi" in flags else "no"
    return f"CPU: {model}, {os.cpu_count()} logical cores, avx512vbmi: {vbmi}"


def fmt_speed(v):
    return f"{v:.1f}" if v < 1000 else f"{v:.0f}"


def pareto(s, keys, rows):
    ours = [k for k in keys if is_ours(k[1]) and k[2] == 1]
    peers = [k for k in keys if is_peer(k[1])]
    if not (ours and peers):
        return
    print("\nPareto check, every peer point against pixb64's single-thread levels "
          "(dominated: a level at least as small and at least as fast):\n")
    print("| peer | MB/s | out/raw | verdict | fastest pixb64 level at least as small |")
    print("|---|---:|---:|---|---|")
    for p in peers:
        pr = rows[p]
        wins = [o[1] for o in ours
                if rows[o]["ratio"] <= pr["ratio"] and rows[o]["mbs"] >= pr["mbs"]]
        smaller = [o for o in ours if rows[o]["ratio"] <= pr["ratio"]]
        best = max(smaller, key=lambda o: rows[o]["mbs"]) if smaller else None
        note = (f"{best[1]}: {rows[best]['mbs'] / pr['mbs']:.2f}x its speed at "
                f"{rows[best]['ratio']:.4f}") if best else "none is as small"
        if wins:
            shown = wins if len(wins) <= 4 else wins[:2] + ["..."] + wins[-1:]
            verdict = "dominated by " + ", ".join(shown)
        else:
            verdict = "**NOT dominated**"
        print(f"| {p[1]} | {fmt_speed(pr['mbs'])} | {pr['ratio']:.4f} | {verdict} | {note} |")

    def row(name):
        return rows.get((s, name, 1))

    cv9 = row("cv-L9")
    if cv9:
        smaller = [o for o in ours if rows[o]["ratio"] <= cv9["ratio"]]
        if smaller:
            best = max(smaller, key=lambda o: rows[o]["mbs"])
            x = rows[best]["mbs"] / cv9["mbs"]
            met = "met" if x >= GOAL else "NOT met"
            print(f"\nRecipe goal: {best[1]} is the fastest pixb64 level no larger than cv-L9 "
                  f"({rows[best]['ratio']:.4f} vs {cv9['ratio']:.4f}): {x:.1f}x cv-L9's speed "
                  f"({fmt_speed(rows[best]['mbs'])} vs {fmt_speed(cv9['mbs'])} MB/s); goal >= "
                  f"{GOAL:.0f}x: {met}.")
        else:
            print(f"\nRecipe goal: no pixb64 level is as small as cv-L9 ({cv9['ratio']:.4f}): "
                  f"NOT met.")
    l9, ld12 = row("L9"), row("ld12")
    if l9 and ld12:
        print(f"\nSmallest: L9 {l9['ratio']:.4f} vs ld12 {ld12['ratio']:.4f} "
              f"({(l9['ratio'] / ld12['ratio'] - 1) * 100:+.2f}% size), at "
              f"{l9['mbs'] / ld12['mbs']:.2f}x ld12's speed "
              f"({fmt_speed(l9['mbs'])} vs {fmt_speed(ld12['mbs'])} MB/s).")


def ordered(s, sizes):
    """Per image: level k's file more than 1% larger than level k-1's, or L9
    larger than L1 (single thread)."""
    per_image = defaultdict(dict)
    for (set_, image, config, threads), n in sizes.items():
        if set_ == s and threads == 1 and is_ours(config):
            per_image[image][int(config[1:])] = n
    if not per_image:
        return
    bad = []
    for image in sorted(per_image):
        lv = per_image[image]
        for k in sorted(lv):
            if k - 1 in lv and lv[k] > lv[k - 1] * 1.01:
                bad.append(f"{image}: L{k} {lv[k]} > L{k - 1} {lv[k - 1]} "
                           f"({(lv[k] / lv[k - 1] - 1) * 100:+.2f}%)")
        if 1 in lv and 9 in lv and lv[9] > lv[1]:
            bad.append(f"{image}: L9 {lv[9]} > L1 {lv[1]}")
    if bad:
        print(f"\nOrdered levels: {len(bad)} violation(s) over {len(per_image)} images:\n")
        for b in bad:
            print(f"- {b}")
    else:
        print(f"\nOrdered levels: on all {len(per_image)} images, no level is more than 1% "
              f"larger than the one below it, and L9 is never larger than L1.")


def main():
    paths = sys.argv[1:]
    if not paths:
        sys.exit("usage: png_report.py RUN.tsv [RUN2.tsv ...] [sizes-RUN.tsv ...]")
    order, rows, sizes = load_all(paths)
    print(cpu_line())
    sets = []
    for s, _, _ in order:
        if s not in sets:
            sets.append(s)
    for s in sets:
        keys = [k for k in order if k[0] == s]
        raws = {rows[k]["raw"] for k in keys}
        runs = sorted({rows[k]["runs"] for k in keys})
        runs_txt = "/".join(str(r) for r in runs)
        print(f"\n### {s} ({runs_txt} run(s), {max(raws) / 1e6:.1f} MB raw, "
              f"single thread unless noted)\n")
        if len(raws) > 1:
            print(f"**warning**: the configs disagree on the set's raw bytes {sorted(raws)}: "
                  f"MB/s are not comparable\n")
        print("| config | MB/s | out/raw |")
        print("|---|---:|---:|")
        for k in keys:
            if not (is_ours(k[1]) or is_peer(k[1])):
                continue
            name = k[1] if k[2] == 1 else f"{k[1]} ({k[2]} threads)"
            r = rows[k]
            print(f"| {name} | {fmt_speed(r['mbs'])} | {r['ratio']:.4f} |")
        filt, ld1 = rows.get((s, "filter-minsum", 1)), rows.get((s, "ld1", 1))
        if filt:
            share = f", {ld1['mbs'] / filt['mbs'] * 100:.0f}% of ld1's time" if ld1 else ""
            print(f"\nThe ld* peers' min-sum filter alone: {fmt_speed(filt['mbs'])} MB/s{share}.")
        pareto(s, keys, rows)
        ordered(s, sizes)
        multi = [k for k in keys if k[2] != 1]
        if multi:
            print("\nStrips (threads) against one thread:\n")
            print("| level | threads | speedup | size cost |")
            print("|---|---:|---:|---:|")
            for k in multi:
                base = rows.get((s, k[1], 1))
                if base:
                    r = rows[k]
                    # Level 0 ignores the thread count: its row shows how
                    # much two runs of the same code differ.
                    name = k[1] + (" (not threaded: noise)" if k[1] == "L0" else "")
                    print(f"| {name} | {k[2]} | {r['mbs'] / base['mbs']:.2f}x | "
                          f"{(r['ratio'] / base['ratio'] - 1) * 100:+.3f}% |")


if __name__ == "__main__":
    main()
