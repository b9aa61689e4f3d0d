#!/usr/bin/env python3
"""Build fuzz/corpus/<target>/ seed corpora from the project's tests/data.

Run from anywhere: python3 fuzz/seed.py. The corpus directories are
generated (git-ignored); libFuzzer adds what it finds to them.
"""
import base64
import hashlib
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
OUT = ROOT / "fuzz" / "corpus"


def put(target, blob):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(blob).hexdigest()).write_bytes(blob)


def texts():
    """Every base64 text of the vectors, as bytes."""
    for row in json.loads((DATA / "base64" / "base64.json").read_text()):
        if isinstance(row, list) and isinstance(row[0], str):
            yield row[0].encode("utf-8")
    rfc = json.loads((DATA / "base64" / "rfc4648-section10.json").read_text())
    for v in rfc.get("vectors", []):
        for key in ("base64", "output", "encoded"):
            if isinstance(v, dict) and key in v:
                yield v[key].encode()


def main():
    # base64_decode: first byte picks the codec (selector % 5) and backend.
    for t in texts():
        for sel in range(5):
            put("base64_decode", bytes([sel]) + t)
    # Line-wrapped and URL-safe text of a few lengths, as the fuzzer seldom
    # finds 76-column lines on its own.
    for n in (1, 47, 48, 57, 200, 1000):
        raw = bytes((i * 37 + 11) & 0xFF for i in range(n))
        std = base64.b64encode(raw)
        url = base64.urlsafe_b64encode(raw)
        wrapped = b"\n".join(std[i:i + 76] for i in range(0, len(std), 76))
        crlf = b"\r\n".join(std[i:i + 76] for i in range(0, len(std), 76))
        for sel, t in ((0, std), (1, std.rstrip(b"=")), (2, url),
                       (3, url.rstrip(b"=")), (4, wrapped), (4, crlf)):
            put("base64_decode", bytes([sel]) + t)
        put("base64_roundtrip", raw)
        put("base64_stream", raw)
    # data_uri_parse: the WPT data: URL vectors.
    for row in json.loads((DATA / "base64" / "data-urls.json").read_text()):
        if isinstance(row, list) and isinstance(row[0], str):
            put("data_uri_parse", row[0].encode("utf-8"))
    # png_decode: PngSuite (valid and corrupt), the hostile set, and the
    # small files of the mixed set (big photos slow every iteration).
    for d in ("pngsuite", "mixed"):
        for p in sorted((DATA / d).glob("*.png")):
            if p.stat().st_size <= 64 * 1024:
                put("png_decode", p.read_bytes())
    hostile = ROOT / "tests" / "hostile"
    for p in sorted(hostile.glob("*.png")):
        put("png_decode", p.read_bytes())
    # png_roundtrip takes arbitrary bytes (image and options); PngSuite's
    # bytes are as good a start as any.
    for p in sorted((DATA / "pngsuite").glob("bas*.png"))[:16]:
        put("png_roundtrip", p.read_bytes())
    for t in sorted(os.listdir(OUT)):
        print(f"{t}: {len(os.listdir(OUT / t))} seeds")


if __name__ == "__main__":
    main()
