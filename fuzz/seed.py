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


def deflate_seeds():
    """Small inputs of fuzz_targets/deflate_engine.rs: each parser, small
    and default segments, odd feeds; runs, copies near 258 and 32768 back,
    periods repeated, 1 KiB segments crossed many times."""
    import random
    rng = random.Random(1)

    def head(parser, depth, nice, segment, feeds=()):
        b = bytes([parser, depth, nice, segment, len(feeds)])
        return b + b"".join(f.to_bytes(2, "little") for f in feeds)

    def lit(data):
        out = b""
        for i in range(0, len(data), 32):
            c = data[i:i + 32]
            out += bytes([(len(c) - 1) * 8]) + c
        return out

    def run(b, n):            # n in 3..=258
        return bytes([3, b, n - 3])

    def copy(dist, n):        # dist in 1..=40000, n in 3..=258
        return bytes([4]) + (dist - 1).to_bytes(2, "little") + bytes([n - 3])

    def near(k, n):           # DISTANCES[k] of the target
        return bytes([6, k, n - 3])

    def repeat(period, times):
        return bytes([7]) + (period - 1).to_bytes(2, "little") + bytes([times - 1])

    noise = lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    text = lit(noise(300)) + run(0, 200) + copy(258, 258) + copy(1, 40) + \
        copy(257, 100) + lit(b"filtered rows") + repeat(259, 20)
    far = lit(noise(33_000)) + near(15, 258) + near(16, 258) + near(17, 258) + \
        copy(32_768, 258) + copy(32_767, 258) + lit(noise(40)) + repeat(32_769, 3)
    for parser in range(11):
        yield head(parser, 8 + parser, 32, 0x80 | 64, ()) + text
    yield head(0, 1, 16, 0, (1, 7, 300)) + text + repeat(1000, 60)
    yield head(4, 32, 255, 1, (4096,)) + lit(noise(2000)) + repeat(2000, 40)
    yield head(10, 64, 255, 0xFF, ()) + far
    yield head(2, 4, 8, 3, (65535, 5)) + far
    yield head(3, 1, 3, 0, ())


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
    # png_decode and png_rows: PngSuite (valid and corrupt), the hostile
    # set, and the small files of the mixed set (big photos slow every
    # iteration).
    for d in ("pngsuite", "mixed"):
        for p in sorted((DATA / d).glob("*.png")):
            if p.stat().st_size <= 64 * 1024:
                put("png_decode", p.read_bytes())
                put("png_rows", p.read_bytes())
    hostile = ROOT / "tests" / "hostile"
    for p in sorted(hostile.glob("*.png")):
        put("png_decode", p.read_bytes())
        put("png_rows", p.read_bytes())
    # jpeg_decode: a mode byte, then the small JPEGs of tests/data/jpeg.
    for p in sorted((DATA / "jpeg").glob("*.jpg")):
        for mode in range(4):
            put("jpeg_decode", bytes([mode]) + p.read_bytes())
    # png_roundtrip takes arbitrary bytes (image and options); PngSuite's
    # bytes are as good a start as any.
    for p in sorted((DATA / "pngsuite").glob("bas*.png"))[:16]:
        put("png_roundtrip", p.read_bytes())
    # inflate_diff: the zlib streams of small PngSuite files as they are
    # (mode 0, 64 KiB of room, two progress strides), and generated data
    # at every level (mode 1, see the target's docs).
    import struct
    for p in sorted((DATA / "pngsuite").glob("*.png")):
        b = p.read_bytes()
        pos, stream = 8, b""
        while pos + 12 <= len(b):
            (n,) = struct.unpack(">I", b[pos:pos + 4])
            if b[pos + 4:pos + 8] == b"IDAT":
                stream += b[pos + 8:pos + 8 + n]
            pos += 12 + n
        if stream and len(stream) <= 16 * 1024:
            for stride in (0, 3):
                put("inflate_diff", bytes([0]) + struct.pack("<H", 0xFFFF) + bytes([stride]) + stream)
    program = bytes(range(0, 0xC0, 3)) + bytes([0xC0, 40, 0, 0, 0xC0, 250, 1, 0]) * 4
    for level in range(11):
        for flags in (0, 0x40, 0x80):
            put("inflate_diff", bytes([1 | level << 1 | flags]) + struct.pack("<H", 0) + bytes([1, 0]) + program)
    # deflate_engine: settings, feeds and a program (see the target's docs).
    for blob in deflate_seeds():
        put("deflate_engine", blob)
    for t in sorted(os.listdir(OUT)):
        print(f"{t}: {len(os.listdir(OUT / t))} seeds")


if __name__ == "__main__":
    main()
