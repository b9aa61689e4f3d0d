"""pixb64 against the Python recipe, in one process: OpenCV + base64, Pillow +
base64, and pybase64 for plain base64. Interleaved repeats, medians; prints
Markdown tables of times and ratios.

    python bench.py            # about a minute on 2 cores
    python bench.py --quick    # fewer photos and repeats
    python bench.py --binding  # only the binding-overhead table
    python bench.py --base64   # only base64 against pybase64 and the stdlib

Goals (issue 17): b64encode / b64decode at least as fast as pybase64 from
100 B to 16 MiB; for each OpenCV level 1, 3, 9 a pixb64 level at least as
small >= 5x faster (array in, base64 text out); base64 text to array >= 3x
b64decode + imdecode.
"""

import base64
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pybase64
from PIL import Image

import pixb64

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = sorted((ROOT / "tests" / "data" / "photos").glob("*.png"))
QUICK = "--quick" in sys.argv
cv2.setNumThreads(1)


def cpu():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def per_call(fn, budget):
    """Seconds per call of fn, from a batch of calls lasting about `budget`."""
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    n = max(1, int(budget / max(one, 1e-9)))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def interleaved(cases, repeats, budget):
    """{name: median seconds per call}, the cases run in turn each round.

    Each round starts at the next case: which case runs right after which
    moves the result (at 16 MiB the case after another that freed a buffer
    of the same size was up to 10% faster, whichever it was)."""
    samples = {name: [] for name in cases}
    names = list(cases)
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(per_call(cases[name], budget))
    return {name: statistics.median(s) for name, s in samples.items()}


def fmt_time(s):
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_size(n):
    for unit, k in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= k:
            return f"{n / k:g} {unit}"
    return f"{n} B"


def bench_base64():
    sizes = [100, 1000, 10_000, 100_000, 1 << 20, 16 << 20]
    rng = np.random.default_rng(0)
    print("\n### base64 (bytes in, bytes out)\n")
    print("| size | op | pixb64 | pybase64 | base64 | vs pybase64 | vs base64 |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    worst = {}
    for n in sizes:
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        text = base64.b64encode(data)
        budget = 0.02 if n < (1 << 20) else 0.15
        reps = 5 if QUICK else 9
        for op, cases in (
            ("encode", {
                "pixb64": lambda: pixb64.b64encode(data),
                "pybase64": lambda: pybase64.b64encode(data),
                "base64": lambda: base64.b64encode(data),
            }),
            ("decode", {
                "pixb64": lambda: pixb64.b64decode(text),
                "pybase64": lambda: pybase64.b64decode(text),
                "base64": lambda: base64.b64decode(text),
            }),
            ("decode validate", {
                "pixb64": lambda: pixb64.b64decode(text, validate=True),
                "pybase64": lambda: pybase64.b64decode(text, validate=True),
                "base64": lambda: base64.b64decode(text, validate=True),
            }),
        ):
            t = interleaved(cases, reps, budget)
            r1, r2 = t["pybase64"] / t["pixb64"], t["base64"] / t["pixb64"]
            worst[op] = min(worst.get(op, 1e9), r1)
            print(f"| {fmt_size(n)} | {op} | {fmt_time(t['pixb64'])} | {fmt_time(t['pybase64'])} "
                  f"| {fmt_time(t['base64'])} | {r1:.2f}x | {r2:.2f}x |")
    return worst


def bench_png(photos, repeats):
    print(f"\n### Array to base64 text of a PNG ({len(photos)} Kodak photos, 768x512 RGB, "
          "sums of per-photo medians)\n")
    imgs = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in photos]
    rgbs = [np.ascontiguousarray(i[:, :, ::-1]) for i in imgs]

    def cv2_recipe(img, level):
        return base64.b64encode(cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, level])[1]).decode()

    def pil_recipe(rgb, level):
        bio = io.BytesIO()
        Image.fromarray(rgb).save(bio, "PNG", compress_level=level)
        return base64.b64encode(bio.getvalue()).decode()

    variants = {}
    for level in (1, 3, 9):
        variants[f"OpenCV {level} + base64"] = ("cv", level)
        variants[f"Pillow {level} + base64"] = ("pil", level)
    for level in range(10):
        variants[f"pixb64 {level}"] = ("px", level)
    time_of = {name: 0.0 for name in variants}
    size_of = {name: 0 for name in variants}
    for img, rgb in zip(imgs, rgbs):
        cases = {}
        for name, (kind, level) in variants.items():
            if kind == "cv":
                cases[name] = lambda img=img, level=level: cv2_recipe(img, level)
            elif kind == "pil":
                cases[name] = lambda rgb=rgb, level=level: pil_recipe(rgb, level)
            else:
                cases[name] = lambda img=img, level=level: pixb64.encode_png_base64(img, level=level, bgr=True)
        t = interleaved(cases, repeats, 0.0)
        for name, fn in cases.items():
            time_of[name] += t[name]
            size_of[name] += len(fn())
    print("| encoder | time | base64 chars | vs OpenCV 1 time |")
    print("|---|---:|---:|---:|")
    base = time_of["OpenCV 1 + base64"]
    for name in variants:
        print(f"| {name} | {fmt_time(time_of[name])} | {size_of[name]:,} | {base / time_of[name]:.2f}x |")
    print("\nFor each OpenCV level, the fastest pixb64 level at least as small:\n")
    print("| OpenCV level | OpenCV time | chars | pixb64 level | pixb64 time | chars | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    speedups = {}
    for level in (1, 3, 9):
        cv = f"OpenCV {level} + base64"
        ok = [n for n in variants if n.startswith("pixb64") and size_of[n] <= size_of[cv]]
        best = min(ok, key=lambda n: time_of[n])
        speedups[level] = time_of[cv] / time_of[best]
        print(f"| {level} | {fmt_time(time_of[cv])} | {size_of[cv]:,} | {best.split()[1]} | "
              f"{fmt_time(time_of[best])} | {size_of[best]:,} | {speedups[level]:.1f}x |")
    return speedups


def bench_decode(photos, repeats):
    print(f"\n### base64 text of a PNG to array ({len(photos)} Kodak photos, BGR out)\n")
    print("| text from | b64decode + cv2.imdecode | pybase64 + cv2.imdecode | Pillow | "
          "pixb64.decode_image_base64 | vs base64 + cv2 |")
    print("|---|---:|---:|---:|---:|---:|")
    imgs = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in photos]
    ratios = []
    for label, make in (
        ("OpenCV level 1", lambda img: base64.b64encode(cv2.imencode(".png", img)[1]).decode()),
        ("pixb64 level 1", lambda img: pixb64.encode_png_base64(img, bgr=True)),
    ):
        tot = {}
        for img in imgs:
            text = make(img)
            assert np.array_equal(pixb64.decode_image_base64(text, "color", bgr=True), img)
            cases = {
                "cv": lambda: cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_COLOR),
                "pyb": lambda: cv2.imdecode(np.frombuffer(pybase64.b64decode(text), np.uint8), cv2.IMREAD_COLOR),
                "pil": lambda: np.asarray(Image.open(io.BytesIO(base64.b64decode(text))))[:, :, ::-1],
                "px": lambda: pixb64.decode_image_base64(text, "color", bgr=True),
            }
            for k, v in interleaved(cases, repeats, 0.05).items():
                tot[k] = tot.get(k, 0.0) + v
        ratios.append(tot["cv"] / tot["px"])
        print(f"| {label} | {fmt_time(tot['cv'])} | {fmt_time(tot['pyb'])} | {fmt_time(tot['pil'])} | "
              f"{fmt_time(tot['px'])} | {ratios[-1]:.2f}x |")
    return min(ratios)


def bench_overhead():
    print("\n### Binding overhead (one call on empty / 1-pixel input)\n")
    px = np.zeros((1, 1, 3), np.uint8)
    t = interleaved({
        "pixb64.b64encode(b'')": lambda: pixb64.b64encode(b""),
        "pybase64.b64encode(b'')": lambda: pybase64.b64encode(b""),
        "base64.b64encode(b'')": lambda: base64.b64encode(b""),
        "pixb64.encode_png(1x1x3)": lambda: pixb64.encode_png(px),
        "cv2.imencode('.png', 1x1x3)": lambda: cv2.imencode(".png", px),
    }, 7, 0.02)
    print("| call | time |")
    print("|---|---:|")
    for k, v in t.items():
        print(f"| `{k}` | {fmt_time(v)} |")


def bench_binding(repeats):
    """Each call from Python against the same library call timed inside Rust
    (`pixb64._rust_per_call`, GIL released), on a 1 MP photo."""
    img = cv2.resize(cv2.imread(str(PHOTOS[0]), cv2.IMREAD_COLOR), (1224, 816),
                     interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(img[:, :, ::-1])
    h, w, c = rgb.shape
    print(f"\n### Binding overhead on a 1 MP photo ({w}x{h} RGB, {PHOTOS[0].name} resized)\n")
    raw = rgb.tobytes()
    text = base64.b64encode(raw)
    png = pixb64.encode_png(rgb)
    png_text = pixb64.encode_png_base64(rgb)
    calls = {
        "b64encode": (lambda: pixb64.b64encode(raw), raw, (0, 0, 0)),
        "b64decode": (lambda: pixb64.b64decode(text), text, (0, 0, 0)),
        "encode_png": (lambda: pixb64.encode_png(rgb), raw, (h, w, c)),
        "encode_png_base64": (lambda: pixb64.encode_png_base64(rgb), raw, (h, w, c)),
        "imencode": (lambda: pixb64.imencode(".png", img), img.tobytes(), (h, w, c)),
        "decode_image": (lambda: pixb64.decode_image(png), png, (0, 0, 0)),
        "imdecode": (lambda: pixb64.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR),
                     png, (0, 0, 0)),
        "decode_image_base64": (lambda: pixb64.decode_image_base64(png_text),
                                png_text.encode(), (0, 0, 0)),
    }
    budget = 0.05
    samples = {name: ([], []) for name in calls}
    for _ in range(repeats):
        for name, (fn, data, shape) in calls.items():
            samples[name][0].append(per_call(fn, budget))
            samples[name][1].append(pixb64._rust_per_call(name, data, shape, budget))
    print("| call | from Python | the Rust call | Python / Rust |")
    print("|---|---:|---:|---:|")
    worst = 0.0
    for name, (py, rs) in samples.items():
        py, rs = statistics.median(py), statistics.median(rs)
        worst = max(worst, py / rs)
        print(f"| `{name}` | {fmt_time(py)} | {fmt_time(rs)} | {py / rs:.3f} |")
    return worst


def main():
    print(f"CPU: {cpu()}, {os.cpu_count()} logical cores; Python {platform.python_version()}, "
          f"numpy {np.__version__}, OpenCV {cv2.__version__} (1 thread), "
          f"Pillow {Image.__version__}, pybase64 {pybase64.__version__}")
    if "--binding" in sys.argv:
        bench_binding(3 if QUICK else 11)
        return
    if "--base64" in sys.argv:
        bench_base64()
        return
    photos = PHOTOS[::8] if QUICK else PHOTOS[::4]
    repeats = 3 if QUICK else 5
    worst = bench_base64()
    speedups = bench_png(photos, repeats)
    dec = bench_decode(photos, repeats)
    bench_overhead()
    binding = bench_binding(repeats * 2 + 1)
    print("\n### Goals\n")
    print(f"- base64 vs pybase64, the worst size: encode {worst['encode']:.2f}x, decode "
          f"{worst['decode']:.2f}x, decode validate {worst['decode validate']:.2f}x (goal >= 1)")
    for level, s in speedups.items():
        print(f"- OpenCV level {level}: a pixb64 level at least as small is {s:.1f}x faster (goal >= 5)")
    print(f"- base64 text to array: {dec:.2f}x b64decode + imdecode (goal >= 3)")
    print(f"- binding overhead on 1 MP, the worst call: {binding:.3f}x the Rust call (goal <= 1.05)")


if __name__ == "__main__":
    main()
