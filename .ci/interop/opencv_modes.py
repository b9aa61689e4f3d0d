#!/usr/bin/env python3
"""OpenCV's PNG read modes against `pixb64 decode --mode M --to pam`.

For every PNG in tests/data/{pngsuite,mixed,realworld,photos} and each of
IMREAD_UNCHANGED, IMREAD_COLOR and IMREAD_GRAYSCALE (and for synthetic files written here:
8- and 16-bit RGB and RGBA under gAMA, sRGB and sBIT chunks, where libpng's
gray conversion goes through its gamma tables), the file is base64
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
import struct
import subprocess
import sys
import zlib

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


def chunk(ty, data):
    return (struct.pack(">I", len(data)) + ty + data
            + struct.pack(">I", zlib.crc32(ty + data) & 0xFFFFFFFF))


def synthetic():
    """(name, bytes): RGB(A) files with gamma chunks, random pixels, one row
    of equal samples and a sweep of gray values."""
    rng = np.random.default_rng(0x6761)
    for bits in (8, 16):
        hi = 1 << bits
        for ct, nch in ((2, 3), (6, 4)):
            for gama, srgb, sbit in ((45455, False, None), (35000, False, 13),
                                     (250000, False, 4), (100000, True, None),
                                     (None, False, 9), (103000, False, None)):
                w = 512
                px = rng.integers(0, hi, size=(3, w, nch))
                px[1, :, 1] = px[1, :, 2] = px[1, :, 0]
                px[2, :, :3] = (np.arange(w) * (hi // w))[:, None]
                px = px.astype(">u2" if bits == 16 else np.uint8)
                raw = b"".join(b"\0" + px[y].tobytes() for y in range(3))
                parts = [chunk(b"IHDR", struct.pack(">IIBBBBB", w, 3, bits, ct, 0, 0, 0))]
                if gama:
                    parts.append(chunk(b"gAMA", struct.pack(">I", gama)))
                if srgb:
                    parts.append(chunk(b"sRGB", b"\0"))
                if sbit:
                    parts.append(chunk(b"sBIT", bytes([min(sbit, bits)] * nch)))
                parts += [chunk(b"IDAT", zlib.compress(raw)), chunk(b"IEND", b"")]
                name = f"synthetic ct{ct} {bits}-bit gAMA {gama} sRGB {srgb} sBIT {sbit}"
                yield name, b"\x89PNG\r\n\x1a\n" + b"".join(parts)


def check(path):
    if isinstance(path, tuple):
        name, raw = path
        return check_bytes(name, raw)
    return check_bytes(os.path.relpath(path, ROOT), open(path, "rb").read())


def check_bytes(name, raw):
    path = name
    b64 = base64.b64encode(raw)
    buf = np.frombuffer(raw, np.uint8)
    problems = []
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
    files += list(synthetic())
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
