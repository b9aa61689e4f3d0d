#!/usr/bin/env python3
"""JPEG interop: pixb64's JPEG reader (zune-jpeg) against cv2.imdecode.

JPEGs are made from the repository's test photos (tests/data/photos) by
OpenCV (cv2.imencode('.jpg') at several qualities, 4:2:0, 4:2:2, 4:4:4,
gray, progressive, sizes that are not multiples of 8 or 16) and by Pillow
(progressive, EXIF orientations 1..8, CMYK). Each goes through
`pixb64 decode --to pam --mode MODE` as base64 text (wrapped at 76 columns
with a trailing newline, or as a data: URI) and is compared with
`cv2.imdecode(buf, IMREAD_COLOR | IMREAD_GRAYSCALE | IMREAD_UNCHANGED)`:
shape and dtype must be equal, the largest and the mean absolute sample
difference within the tolerances below (measured: zune-jpeg's IDCT and
chroma upsampling are not libjpeg-turbo's).

Usage: opencv_jpeg.py PATH/TO/pixb64
"""
import base64
import io
import subprocess
import sys
from collections import defaultdict

import cv2
import numpy as np
from PIL import Image

PIXB64 = sys.argv[1]
PHOTOS = "tests/data/photos"

# Measured on OpenCV 5.1.0 (libjpeg-turbo), zune-jpeg 0.5.16-rc3: see the README.
# Per kind of file: (largest |difference| of any sample, mean |difference|).
# Measured maxima: 4 / 0.34 (4:2:0), 3 / 0.22 (4:2:2), 3 / 0.015 (4:4:4),
# 1 / 0.026 (gray), 4 / 0.43 (progressive), 1 / 0.033 (CMYK); the bounds
# leave a little room.
TOLERANCE = {
    "cv-420": (6, 0.5),
    "cv-422": (6, 0.35),
    "cv-444": (4, 0.05),
    "cv-gray": (2, 0.05),
    "cv-progressive": (6, 0.6),
    "pil-progressive": (6, 0.5),
    "pil-exif": (6, 0.3),
    "pil-cmyk": (2, 0.06),
}
MODES = {"color": cv2.IMREAD_COLOR, "grayscale": cv2.IMREAD_GRAYSCALE,
         "unchanged": cv2.IMREAD_UNCHANGED}


def run(args, data):
    r = subprocess.run([PIXB64, *args], input=data, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"pixb64 {' '.join(args)} failed: {r.stderr.decode()}")
    return r.stdout


def read_pam(data):
    head, _, body = data.partition(b"ENDHDR\n")
    f = dict(line.split(b" ", 1) for line in head.split(b"\n")[1:] if b" " in line)
    w, h, d = int(f[b"WIDTH"]), int(f[b"HEIGHT"]), int(f[b"DEPTH"])
    a = np.frombuffer(body, np.uint8)
    return a.reshape((h, w)) if d == 1 else a.reshape((h, w, d))


def cv_jpeg(img, *params):
    ok, buf = cv2.imencode(".jpg", img, list(params))
    assert ok
    return buf.tobytes()


def pil_jpeg(bgr, mode=None, **kw):
    im = Image.fromarray(bgr[:, :, ::-1])
    if mode:
        im = im.convert(mode)
    b = io.BytesIO()
    im.save(b, "JPEG", **kw)
    return b.getvalue()


def exif(o):
    e = Image.Exif()
    e[0x0112] = o
    return e.tobytes()


def cases():
    photos = [cv2.imread(f"{PHOTOS}/kodim{n:02}.png") for n in (1, 8, 15, 23)]
    crops = [(768, 512), (333, 217), (17, 9), (1, 1), (250, 1), (31, 47)]
    Q = cv2.IMWRITE_JPEG_QUALITY
    S = cv2.IMWRITE_JPEG_SAMPLING_FACTOR
    for k, photo in enumerate(photos):
        for w, h in crops[: 6 if k < 2 else 2]:
            img = np.ascontiguousarray(photo[:h, :w])
            tag = f"kodim{k}-{w}x{h}"
            for q in (50, 75, 95):
                yield "cv-420", f"{tag}-q{q}", cv_jpeg(img, Q, q)
            yield "cv-422", f"{tag}-q90", cv_jpeg(img, Q, 90, S, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422)
            yield "cv-444", f"{tag}-q90", cv_jpeg(img, Q, 90, S, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444)
            gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            yield "cv-gray", f"{tag}-q85", cv_jpeg(gray, Q, 85)
            yield "cv-progressive", f"{tag}-q80", cv_jpeg(img, Q, 80, cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
            yield "pil-progressive", f"{tag}-q85", pil_jpeg(img, quality=85, progressive=True)
            yield "pil-cmyk", f"{tag}-q90", pil_jpeg(img, "CMYK", quality=90)
    img = np.ascontiguousarray(photos[3][:101, :67])
    for o in range(1, 9):
        yield "pil-exif", f"orientation{o}-67x101", pil_jpeg(img, quality=90, exif=exif(o))


stats = defaultdict(lambda: [0, 0.0, 0])  # (kind, mode) -> max, worst mean, count
failures = 0
count = 0
for kind, name, jpg in cases():
    arr = np.frombuffer(jpg, np.uint8)
    b64 = base64.encodebytes(jpg)  # 76 columns, a newline after each line
    for i, (mode, flag) in enumerate(MODES.items()):
        text = b"data:image/jpeg;base64," + base64.b64encode(jpg) if (count + i) % 4 == 3 else b64
        ours = read_pam(run(["decode", "--to", "pam", "--mode", mode], text))
        want = cv2.imdecode(arr, flag)
        count += 1
        if ours.shape != want.shape or ours.dtype != want.dtype:
            print(f"FAIL {kind} {name} {mode}: shape {ours.shape} {ours.dtype}, OpenCV {want.shape} {want.dtype}")
            failures += 1
            continue
        d = np.abs(ours.astype(np.int16) - want.astype(np.int16))
        mx, mean = int(d.max()), float(d.mean())
        s = stats[(kind, mode)]
        s[0], s[1], s[2] = max(s[0], mx), max(s[1], mean), s[2] + 1
        tmax, tmean = TOLERANCE[kind]
        if mx > tmax or mean > tmean:
            print(f"FAIL {kind} {name} {mode}: max {mx} > {tmax} or mean {mean:.3f} > {tmean}")
            failures += 1

print(f"{'kind':16} {'mode':10} {'files':>5} {'max':>4} {'worst mean':>10}")
for (kind, mode), (mx, mean, n) in sorted(stats.items()):
    print(f"{kind:16} {mode:10} {n:5} {mx:4} {mean:10.3f}")
print(f"opencv_jpeg: {count} decodes, {failures} failures (OpenCV {cv2.__version__})")
sys.exit(1 if failures else 0)
