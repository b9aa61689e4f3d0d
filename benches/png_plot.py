#!/usr/bin/env python3
# Plots the PNG-writing benchmark (benches/run_png.sh) as an SVG written by
# hand (no matplotlib here): one panel per set, x = MB/s of raw pixels (log
# scale), y = output/raw; each family its own marker, and a line through its
# levels (not for the presets): pixb64 L1-L9,
# png 0.18 presets (Fastest..High), png 0.18 + miniz_oxide levels (png-z1..9),
# libdeflate + min-sum filter (ld1..12), OpenCV (cv-L1..9). Points are
# labelled with their level. Several TSVs are merged like png_report.py does
# (median seconds); sizes TSVs among them are ignored.
#
#   python3 benches/png_plot.py OUT.svg RUN.tsv [RUN2.tsv ...]

import math
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in benches/
sys.path.insert(0, __import__("os").path.dirname(__file__))
from png_report import load  # noqa: E402

W, H = 560, 430          # one panel
L, R, T, B = 70, 20, 40, 95

# name, colour, marker, matcher (config -> label or None)
FAMILIES = [
    ("pixb64 L1-L9", "#1f77b4", "circle",
     lambda c: c[1:] if re.fullmatch(r"L[1-9]", c) else None),
    ("png 0.18 presets", "#d62728", "square",
     lambda c: c[4:] if c in ("png-Fastest", "png-Fast", "png-Balanced", "png-High") else None),
    ("png 0.18 z1-z9 (miniz_oxide)", "#ff7f0e", "diamond",
     lambda c: c[5:] if re.fullmatch(r"png-z\d", c) else None),
    ("libdeflate 1-12 + min-sum", "#2ca02c", "triangle",
     lambda c: c[2:] if re.fullmatch(r"ld\d+", c) else None),
    ("OpenCV cv2.imencode 1-9", "#9467bd", "cross",
     lambda c: c[4:] if re.fullmatch(r"cv-L\d", c) else None),
]


def marker(kind, x, y, colour):
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} '
                f'{x - 4.5:.1f},{y:.1f}" fill="{colour}"/>')
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4:.1f},{y + 3:.1f} '
                f'{x - 4:.1f},{y + 3:.1f}" fill="{colour}"/>')
    return (f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x - 4:.1f},{y + 4:.1f} '
            f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2"/>')


def panel(x0, title, series):
    """series: [(family index, [(label, mbs, ratio), ...]), ...]"""
    allp = [p for _, pts in series for p in pts]
    xs = [math.log10(p[1]) for p in allp]
    ys = [p[2] for p in allp]
    xmin, xmax = math.floor(min(xs) * 2) / 2, math.ceil(max(xs) * 2) / 2
    ypad = (max(ys) - min(ys)) * 0.08 or 0.01
    ymin, ymax = min(ys) - ypad, max(ys) + ypad

    def px(v):
        return x0 + L + (math.log10(v) - xmin) / (xmax - xmin) * (W - L - R)

    def py(v):
        return T + (ymax - v) / (ymax - ymin) * (H - T - B)

    out = [f'<text x="{x0 + W / 2}" y="22" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<rect x="{x0 + L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#888"/>']
    e = math.floor(xmin)
    while e <= xmax:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if xmin <= math.log10(v) <= xmax:
                X = px(v)
                out.append(f'<line x1="{X:.1f}" y1="{T}" x2="{X:.1f}" y2="{H - B}" stroke="#eee"/>')
                out.append(f'<text x="{X:.1f}" y="{H - B + 16}" text-anchor="middle" font-size="11">{v:g}</text>')
        e += 1
    for i in range(6):
        v = ymin + (ymax - ymin) * i / 5
        Y = py(v)
        out.append(f'<line x1="{x0 + L}" y1="{Y:.1f}" x2="{x0 + W - R}" y2="{Y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x0 + L - 6}" y="{Y + 4:.1f}" text-anchor="end" font-size="11">{v:.3f}</text>')
    out.append(f'<text x="{x0 + (L + W - R) / 2}" y="{H - B + 34}" text-anchor="middle" font-size="12">MB/s of raw pixels (log)</text>')
    out.append(f'<text x="{x0 + 16}" y="{(T + H - B) / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 + 16} {(T + H - B) / 2})">output / raw</text>')
    for fi, pts in series:
        _, colour, kind, _ = FAMILIES[fi]
        # The png presets are two engines (fdeflate, miniz_oxide): no line.
        if fi != 1:
            width = 2 if fi == 0 else 1.2
            path = " ".join(f"{px(v):.1f},{py(r):.1f}" for _, v, r in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                       f'stroke-width="{width}" stroke-opacity="0.8"/>')
        for label, v, r in pts:
            out.append(marker(kind, px(v), py(r), colour))
            out.append(f'<text x="{px(v) + 5:.1f}" y="{py(r) - 5:.1f}" font-size="9" '
                       f'fill="{colour}">{label}</text>')
    # Legend under the axis.
    for fi, (name, colour, kind, _) in enumerate(FAMILIES):
        lx = x0 + L + (fi % 2) * 230
        ly = H - B + 52 + (fi // 2) * 16
        out.append(marker(kind, lx, ly - 4, colour))
        out.append(f'<text x="{lx + 10}" y="{ly}" font-size="11">{name}</text>')
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: png_plot.py OUT.svg RUN.tsv [RUN2.tsv ...]")
    order, rows = load(sys.argv[2:])
    sets = []
    for s, _, _ in order:
        if s not in sets:
            sets.append(s)
    body = []
    for i, s in enumerate(sets):
        series = []
        # Level 0 (stored, ~1.0 of raw) would squash the interesting range.
        for fi, (_, _, _, match) in enumerate(FAMILIES):
            pts = [(match(k[1]), rows[k]["mbs"], rows[k]["ratio"]) for k in order
                   if k[0] == s and k[2] == 1 and match(k[1]) is not None]
            if pts:
                series.append((fi, pts))
        if series:
            body += panel(i * W, f"{s}: size against speed, one thread", series)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(sets)}" height="{H}" '
           f'font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n'
           + "\n".join(body) + "\n</svg>\n")
    with open(sys.argv[1], "w") as f:
        f.write(svg)
    print(f"wrote {sys.argv[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
