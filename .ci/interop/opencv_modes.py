#!/usr/bin/env python3
"""OpenCV's PNG read modes against `pixb64 decode --mode M --to pam`.

For every PNG in tests/data/{pngsuite,mixed,realworld,photos} and each of
IMREAD_UNCHANGED, IMREAD_COLOR and IMREAD_GRAYSCALE, the file is base64
encoded and piped through `pixb64 decode --mode M --to pam`; the PAM's
pixels must equal `cv2.imdecode(buf, flag)` exactly: shape (H x W for one
channel, H x W x C otherwise), dtype (uint8, or uint16 for MAXVAL 65535) and
every sample. A file OpenCV rejects (imdecode returns None) must be rejected
by pixb64 too, unless it is listed in EXCEPTIONS with the reason.

Usage: opencv_modes.py PATH/TO/pixb64
"""
import base64
import concurrent.futures
import glob
import os
import subprocess
import sys

import cv2
import numpy as np

PIXB64 = sys.argv[1]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MODES = {
    "unchanged": cv2.IMREAD_UNCHANGED,
    "color": cv2.IMREAD_COLOR,
    "grayscale": cv2.IMREAD_GRAYSCALE,
}
# Files where pixb64 and OpenCV legitimately disagree on acceptance:
# name -> reason. (None so far.)
EXCEPTIONS = {}


def parse_pam(data):
    head, sep, body = data.partition(b"ENDHDR\n")
    if not sep:
        raise ValueError("no PAM header")
    fields = {}
    for line in head.decode().splitlines()[1:]:
        k, _, v = line.partition(" ")
        fields[k] = v
    w, h, c = int(fields["WIDTH"]), int(fields["HEIGHT"]), int(fields["DEPTH"])
    dtype = np.uint8 if int(fields["MAXVAL"]) < 256 else np.dtype(">u2")
    arr = np.frombuffer(body, dtype).astype(dtype if dtype == np.uint8 else np.uint16)
    shape = (h, w) if c == 1 else (h, w, c)
    return arr.reshape(shape)


def check(path):
    raw = open(path, "rb").read()
    b64 = base64.b64encode(raw)
    buf = np.frombuffer(raw, np.uint8)
    problems = []
    name = os.path.relpath(path, ROOT)
    for mode, flag in MODES.items():
        want = cv2.imdecode(buf, flag)
        r = subprocess.run([PIXB64, "decode", "--mode", mode, "--to", "pam"],
                           input=b64, capture_output=True)
        if want is None:
            if r.returncode == 0 and os.path.basename(path) not in EXCEPTIONS:
                problems.append(f"{name} {mode}: OpenCV rejects it, pixb64 decodes it")
            continue
        if r.returncode != 0:
            problems.append(f"{name} {mode}: pixb64 failed: {r.stderr.decode().strip()}")
            continue
        got = parse_pam(r.stdout)
        if got.shape != want.shape or got.dtype != want.dtype:
            problems.append(f"{name} {mode}: pixb64 {got.shape} {got.dtype}, "
                            f"OpenCV {want.shape} {want.dtype}")
        elif not np.array_equal(got, want):
            diff = got.astype(np.int64) - want.astype(np.int64)
            problems.append(f"{name} {mode}: {np.count_nonzero(diff)} samples differ "
                            f"(max |d| {np.abs(diff).max()})")
    return problems


def main():
    files = []
    for d in ("pngsuite", "mixed", "realworld", "photos"):
        files += sorted(glob.glob(os.path.join(ROOT, "tests", "data", d, "*.png")))
    # libpng's warnings about the broken files go to stderr; keep the log short.
    cv2.setLogLevel(0) if hasattr(cv2, "setLogLevel") else None
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        results = list(ex.map(check, files))
    problems = [p for ps in results for p in ps]
    for p in problems:
        print("MISMATCH", p)
    print(f"opencv_modes: {len(files)} files x {len(MODES)} modes, "
          f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
