#!/usr/bin/env python3
"""Interop with a browser: headless Chromium draws pixb64's PNG data: URIs on
a canvas, and `getImageData` must equal our pixels exactly (opaque 8-bit
images: gray and RGB, every level, noise and smooth content).

Usage: chromium_canvas.py PATH/TO/pixb64 [CHROMIUM]
"""
import base64
import json
import os
import random
import subprocess
import sys
import tempfile

PIXB64 = sys.argv[1]
CHROMIUM = sys.argv[2] if len(sys.argv) > 2 else "chromium"
rnd = random.Random(0x63616E76)


def pixb64(args, data):
    r = subprocess.run([PIXB64, *args], input=data, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"pixb64 {' '.join(args)} failed: {r.stderr.decode()}")
    return r.stdout.decode().strip()


cases = []
for (w, h, c) in [(1, 1, 3), (17, 9, 3), (64, 64, 3), (200, 3, 1), (31, 47, 1), (128, 96, 3)]:
    for kind in ("noise", "smooth"):
        if kind == "noise":
            px = bytes(rnd.randrange(256) for _ in range(w * h * c))
        else:
            px = bytes(((x * 3 + y * 7 + k * 50) % 256)
                       for y in range(h) for x in range(w) for k in range(c))
        rgba = bytearray()
        for i in range(w * h):
            p = px[i * c:(i + 1) * c]
            rgba += (p if c == 3 else p * 3) + b"\xff"
        for level in ("0", "1", "5", "9"):
            uri = pixb64(["encode", "--png", "--data-uri", "--level", level, "--raw", f"{w}x{h}x{c}"], px)
            cases.append({"name": f"{kind} {w}x{h}x{c} level {level}", "uri": uri, "w": w, "h": h,
                          "rgba": base64.b64encode(bytes(rgba)).decode()})

# The images are <img> elements, so the load event waits for all of them to
# decode; the checks then run synchronously in the load handler, before
# --dump-dom serializes the page.
imgs = "\n".join(f'<img id="i{k}" src="{c["uri"]}">' for k, c in enumerate(cases))
meta = json.dumps([{k: v for k, v in c.items() if k != "uri"} for c in cases])
page = """<!doctype html><meta charset="utf-8"><title>pixb64 canvas</title><body>
<pre id="out">RUNNING</pre>%s<script>
const cases = %s;
function b64bytes(s) { const b = atob(s); const a = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) a[i] = b.charCodeAt(i); return a; }
function check(c, img) {
  if (!img.complete || img.naturalWidth !== c.w || img.naturalHeight !== c.h)
    return 'not decoded or wrong size: ' + img.naturalWidth + 'x' + img.naturalHeight;
  const cv = document.createElement('canvas'); cv.width = c.w; cv.height = c.h;
  const ctx = cv.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  ctx.drawImage(img, 0, 0);
  const got = ctx.getImageData(0, 0, c.w, c.h).data;
  const want = b64bytes(c.rgba);
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return 'byte ' + i + ': ' + got[i] + ' != ' + want[i];
  return null;
}
window.addEventListener('load', () => {
  let pass = 0; const fails = [];
  cases.forEach((c, k) => { let e; try { e = check(c, document.getElementById('i' + k)); } catch (x) { e = String(x); }
    if (e) fails.push(c.name + ': ' + e); else pass++; });
  document.getElementById('out').textContent = 'RESULT pass ' + pass + ' fail ' + fails.length + '\\n' + fails.join('\\n');
});
</script>""" % (imgs, meta)

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(os.environ.get("PIXB64_KEEP", d), "canvas.html")
    with open(path, "w") as f:
        f.write(page)
    r = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--force-color-profile=srgb",
                        "--dump-dom", "file://" + path], capture_output=True, text=True, timeout=300)
    dom = r.stdout
marker = '<pre id="out">'
start = dom.find(marker)
if start < 0 or not dom[start + len(marker):].startswith("RESULT"):
    print("chromium produced no result; the page says:", dom[start:start + 300] if start >= 0 else dom[:300])
    sys.exit(1)
start += len(marker)
report = dom[start:dom.find("</pre>", start)]
print("chromium canvas:", report.replace("\n", "\n  "))
sys.exit(0 if f"pass {len(cases)} fail 0" in report else 1)
