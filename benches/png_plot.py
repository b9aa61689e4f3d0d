#!/usr/bin/env python3
# Plots the `png_encode` table (benches/run_png.sh) as an SVG written by
# hand (no matplotlib here): one panel per set, x = MB/s of raw pixels (log
# scale), y = output/raw; our levels joined by a line, `png` 0.18 settings as
# squares. Several TSVs are merged like png_report.py does (median seconds).
#
#   python3 benches/png_plot.py OUT.svg RUN.tsv [RUN2.tsv ...]

import math
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from png_report import load  # noqa: E402

W, H = 520, 380          # one panel
L, R, T, B = 70, 20, 40, 50


def panel(x0, title, pts_ours, pts_png):
    allp = pts_ours + pts_png
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
    out.append(f'<text x="{x0 + (L + W - R) / 2}" y="{H - 12}" text-anchor="middle" font-size="12">MB/s of raw pixels (log)</text>')
    out.append(f'<text x="{x0 + 16}" y="{(T + H - B) / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 + 16} {(T + H - B) / 2})">output / raw</text>')
    path = " ".join(f"{px(p[1]):.1f},{py(p[2]):.1f}" for p in pts_ours)
    out.append(f'<polyline points="{path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>')
    for name, v, r in pts_ours:
        out.append(f'<circle cx="{px(v):.1f}" cy="{py(r):.1f}" r="3.5" fill="#1f77b4"/>')
        out.append(f'<text x="{px(v) + 5:.1f}" y="{py(r) - 5:.1f}" font-size="10" fill="#1f77b4">{name}</text>')
    for name, v, r in pts_png:
        out.append(f'<rect x="{px(v) - 4:.1f}" y="{py(r) - 4:.1f}" width="8" height="8" fill="#d62728"/>')
        out.append(f'<text x="{px(v) + 6:.1f}" y="{py(r) + 12:.1f}" font-size="10" fill="#d62728">{name}</text>')
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
        # Level 0 (stored, ~1.0 of raw) would squash the interesting range.
        ours = [(k[1], rows[k]["mbs"], rows[k]["ratio"]) for k in order
                if k[0] == s and k[1].startswith("L") and k[1] != "L0" and k[2] == 1]
        peers = [(k[1], rows[k]["mbs"], rows[k]["ratio"]) for k in order
                 if k[0] == s and k[1].startswith("png-")]
        body += panel(i * W, f"{s}: pixb64 L1-L9 (blue) vs png 0.18 (red)", ours, peers)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(sets)}" height="{H}" '
           f'font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n'
           + "\n".join(body) + "\n</svg>\n")
    with open(sys.argv[1], "w") as f:
        f.write(svg)
    print(f"wrote {sys.argv[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
