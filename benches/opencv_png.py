#!/usr/bin/env python3
# OpenCV's side of the PNG-writing benchmark (issue 13): the Python recipe's
# `cv2.imencode('.png', img, [cv2.IMWRITE_PNG_COMPRESSION, L])` for L in 1..9
# on the same sets as `benches/benches/png_encode.rs`, one thread
# (`cv2.setNumThreads(1)`), REPS interleaved repetitions, per-image medians
# summed, written as the same TSV (set config threads raw_bytes out_bytes
# seconds; configs `cv-L1` .. `cv-L9`) so png_report.py and png_plot.py merge
# it with the Rust table. OpenCV encodes what `cv2.imread(IMREAD_UNCHANGED)`
# gives (BGR(A) order, 16-bit kept), with its own defaults besides the level
# (libpng's SUB filter, zlib's default strategy).
#
#   python3 benches/opencv_png.py [--reps N] [--sets kodak,mixed,realworld]
#       [--configs cv-L1,cv-L9 | cv-*] [--tsv FILE] [--sizes FILE]
#       [--check RUST.tsv ...]
#
# Needs numpy and cv2 (pip install opencv-python-headless numpy); run it with
# the interpreter that has them (benches/run_png.sh takes $PYTHON). Every
# output is decoded once with cv2.imdecode, untimed, and must give back the
# image.
#
# raw_bytes must be the Rust bench's count for the set (the `png` crate with
# EXPAND: palette to RGB(A), tRNS to alpha, low-bit gray to 8 bits, 16 bits
# kept). The script computes that count from each file's IHDR and tRNS and
# warns per image and per set where OpenCV's array differs (OpenCV turns gray +
# alpha into 4 channels, for one); with --check it also compares the per-set
# totals with the Rust TSVs given.

import argparse
import os
import statistics
import struct
import sys
import time

import cv2
import numpy as np

SETS = {"kodak": "photos", "mixed": "mixed", "realworld": "realworld"}
HERE = os.path.dirname(os.path.abspath(__file__))


def expand_bytes(path):
    """Raw bytes the Rust bench counts for this file (png crate, EXPAND)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, ihdr, trns = 8, None, False
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBB", data[pos + 8:pos + 18])
        elif kind == b"tRNS":
            trns = True
        elif kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + n
    w, h, depth, ctype = ihdr
    channels = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[ctype]
    if trns and ctype in (0, 2, 3):
        channels += 1
    return w * h * channels * (2 if depth == 16 else 1)


def wanted(pattern, name):
    if pattern is None:
        return True
    for p in pattern.split(","):
        if p.endswith("*") and name.startswith(p[:-1]) or p == name:
            return True
    return False


def rust_raw(paths):
    """raw_bytes per set from the Rust table's TSVs."""
    out = {}
    for p in paths:
        with open(p) as f:
            header = f.readline().rstrip("\n").split("\t")
            if "raw_bytes" not in header:
                continue
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                if not row["config"].startswith("cv-"):
                    out[row["set"]] = int(row["raw_bytes"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sets", default="kodak,mixed,realworld")
    ap.add_argument("--configs", default=None)
    ap.add_argument("--tsv")
    ap.add_argument("--sizes")
    ap.add_argument("--check", nargs="*", default=[])
    args = ap.parse_args()

    cv2.setNumThreads(1)
    levels = [lv for lv in range(1, 10) if wanted(args.configs, f"cv-L{lv}")]
    if not levels:
        print(f"opencv_png.py: --configs {args.configs!r} selects no OpenCV level",
              file=sys.stderr)
        return
    print(f"OpenCV {cv2.__version__}, numpy {np.__version__}, "
          f"{cv2.getNumThreads()} thread(s)", file=sys.stderr)
    rust = rust_raw(args.check)
    tsv = ["set\tconfig\tthreads\traw_bytes\tout_bytes\tseconds"]
    sizes_tsv = ["set\timage\tconfig\tthreads\tout_bytes"]
    for set_name in args.sets.split(","):
        d = os.path.join(HERE, "..", "tests", "data", SETS[set_name])
        files = sorted(f for f in os.listdir(d) if f.endswith(".png"))
        imgs, raw, expected = [], 0, 0
        for f in files:
            path = os.path.join(d, f)
            img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
            if img is None:
                sys.exit(f"opencv_png.py: cv2.imread failed on {path}")
            want = expand_bytes(path)
            if img.nbytes != want:
                print(f"warning: {set_name}/{f}: OpenCV gives {img.shape} {img.dtype} = "
                      f"{img.nbytes} bytes, the Rust bench counts {want}", file=sys.stderr)
            imgs.append(img)
            raw += img.nbytes
            expected += want
        if raw != expected:
            print(f"warning: {set_name}: OpenCV raw bytes {raw} != Rust bench's {expected}; "
                  f"MB/s are not comparable", file=sys.stderr)
        if set_name in rust and rust[set_name] != raw:
            print(f"warning: {set_name}: raw_bytes {raw} != the Rust TSV's {rust[set_name]}",
                  file=sys.stderr)
        # times[k][i]: per-rep seconds of level k on image i
        times = [[[] for _ in imgs] for _ in levels]
        sizes = [[0] * len(imgs) for _ in levels]
        params = [[cv2.IMWRITE_PNG_COMPRESSION, lv] for lv in levels]
        for rep in range(args.reps):
            for i, img in enumerate(imgs):
                for k in range(len(levels)):
                    c = (k + i + rep) % len(levels)
                    t = time.perf_counter()
                    ok, buf = cv2.imencode(".png", img, params[c])
                    times[c][i].append(time.perf_counter() - t)
                    assert ok
                    if rep == 0:
                        sizes[c][i] = buf.nbytes
                        back = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
                        assert back is not None and back.shape == img.shape \
                            and back.dtype == img.dtype and np.array_equal(back, img), \
                            f"{files[i]} at cv-L{levels[c]} does not decode to the image"
        print(f"\n{set_name}: {len(imgs)} images, {raw / 1e6:.1f} MB raw, {args.reps} reps, "
              f"per-image medians summed, every file verified\n")
        print("| config | MB/s | out/raw |")
        print("|---|---:|---:|")
        for c, lv in enumerate(levels):
            secs = sum(statistics.median(t) for t in times[c])
            out = sum(sizes[c])
            print(f"| cv-L{lv} | {raw / secs / 1e6:.1f} | {out / raw:.4f} |")
            tsv.append(f"{set_name}\tcv-L{lv}\t1\t{raw}\t{out}\t{secs}")
            for f, n in zip(files, sizes[c]):
                sizes_tsv.append(f"{set_name}\t{f}\tcv-L{lv}\t1\t{n}")
        sys.stdout.flush()
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("\n".join(tsv) + "\n")
        print(f"wrote {args.tsv}", file=sys.stderr)
    if args.sizes:
        with open(args.sizes, "w") as f:
            f.write("\n".join(sizes_tsv) + "\n")
        print(f"wrote {args.sizes}", file=sys.stderr)


if __name__ == "__main__":
    main()
