#!/usr/bin/env python3
"""Interop with the Python recipe pixb64 replaces (OpenCV + base64).

1. pixb64 -> recipe: arrays are written as raw pixels, encoded by
   `pixb64 encode --png [--bgr] --raw WxHxC[x16]`, and decoded with the recipe's
   own `cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8),
   cv2.IMREAD_UNCHANGED)`; the array must equal the original exactly.
2. recipe -> pixb64: `cv2.imencode('.png', arr)` at several compression levels,
   base64-encoded, then `pixb64 decode --to raw`: our pixels must equal the
   array (RGB order: OpenCV's BGR reversed; 16-bit big-endian).

Usage: opencv_recipe.py PATH/TO/pixb64
"""
import base64
import subprocess
import sys

import cv2
import numpy as np

PIXB64 = sys.argv[1]
rng = np.random.default_rng(0x70697862)


def run(args, data):
    r = subprocess.run([PIXB64, *args], input=data, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"pixb64 {' '.join(args)} failed: {r.stderr.decode()}")
    return r.stdout


def cases():
    """(name, array) pairs in OpenCV's layout: HxW (gray), HxWx3 (BGR), HxWx4 (BGRA)."""
    for dtype in (np.uint8, np.uint16):
        hi = 256 if dtype == np.uint8 else 65536
        for shape in [(1, 1), (7, 13), (64, 48), (3, 300), (5, 7, 3), (64, 65, 3),
                      (33, 17, 4), (120, 80, 4)]:
            noise = rng.integers(0, hi, size=shape, dtype=np.int64).astype(dtype)
            yield f"noise{shape}-{dtype.__name__}", noise
            # Smooth content (what PNG filters are for).
            y, x = np.mgrid[0:shape[0], 0:shape[1]]
            base = ((x * 3 + y * 5) % hi).astype(dtype)
            if len(shape) == 3:
                base = np.stack([np.roll(base, k, axis=1) for k in range(shape[2])], axis=2)
            yield f"smooth{shape}-{dtype.__name__}", base


def raw_spec(arr):
    h, w = arr.shape[:2]
    c = 1 if arr.ndim == 2 else arr.shape[2]
    spec = f"{w}x{h}x{c}"
    return spec + ("x16" if arr.dtype == np.uint16 else "")


def raw_bytes(arr):
    return arr.astype(">u2").tobytes() if arr.dtype == np.uint16 else arr.tobytes()


failures = 0
count = 0
for name, arr in cases():
    for level in ("0", "1", "6", "9"):
        # 1. pixb64 writes (BGR order declared), the recipe reads.
        b64 = run(["encode", "--png", "--bgr", "--level", level, "--raw", raw_spec(arr)], raw_bytes(arr))
        back = cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), cv2.IMREAD_UNCHANGED)
        count += 1
        if back is None or back.dtype != arr.dtype or back.shape != arr.shape or not np.array_equal(back, arr):
            failures += 1
            print(f"FAIL pixb64->opencv {name} level {level}: got {None if back is None else (back.dtype, back.shape)}")
    for level in (0, 1, 3, 9):
        # 2. The recipe writes, pixb64 reads.
        ok, png = cv2.imencode(".png", arr, [cv2.IMWRITE_PNG_COMPRESSION, level])
        assert ok
        b64 = base64.b64encode(png.tobytes())
        raw = run(["decode", "--to", "raw"], b64)
        want = arr if arr.ndim == 2 else arr[..., [2, 1, 0] + ([3] if arr.shape[2] == 4 else [])]
        count += 1
        if raw != raw_bytes(np.ascontiguousarray(want)):
            failures += 1
            print(f"FAIL opencv->pixb64 {name} level {level}")

print(f"opencv interop: {count - failures}/{count} exact (OpenCV {cv2.__version__})")
sys.exit(1 if failures else 0)
