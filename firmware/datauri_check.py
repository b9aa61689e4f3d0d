#!/usr/bin/env python3
"""Checks firmware/datauri's output (see datauri.sh): the data: URI decodes
with cv2.imdecode to the frame the firmware makes, the row checksum matches
that frame, and flash and RAM are within the issue's budget."""
import base64
import sys
import zlib

import cv2
import numpy as np

import flash

W, H = 320, 240
FLASH_MAX = 32 * 1024
RAM_MAX = 64 * 1024


def frame():
    """The firmware's `pixel`, for every pixel (RGB)."""
    y, x = np.mgrid[0:H, 0:W].astype(np.int64)
    y = y // 8 * 8
    r = x * 255 // (W - 1)
    g = y * 255 // (H - 1)
    b = np.where((x // 40 + y // 40) % 2 == 0, 200, 30)
    img = np.stack([r, g, b], axis=-1).astype(np.uint8)
    img[np.abs(x - (y + 40)) < 6] = 255
    return img


def main(out_path, elf):
    lines = open(out_path, "rb").read().decode("ascii").splitlines()
    uri = next(l for l in lines if l.startswith("data:image/png;base64,"))
    rows = next(l for l in lines if l.startswith("rows ")).split()
    ram = next(l for l in lines if l.startswith("ram ")).split()
    png = base64.b64decode(uri.split(",", 1)[1], validate=True)
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    want = frame()
    ok = True
    if img is None or img.shape != (H, W, 3) or not np.array_equal(img[:, :, ::-1], want):
        print("FAIL: cv2.imdecode of the URI is not the frame")
        ok = False
    crc = zlib.crc32(want.tobytes()) & 0xFFFFFFFF
    if rows[1:] != [str(crc), str(H)]:
        print(f"FAIL: RowDecoder rows {rows[1:]}, expected {crc} {H}")
        ok = False
    total, s = flash.flash(elf)
    statics, stack, used = (int(v) for v in ram[1:4])
    print("| firmware (thumbv7m, opt-level z) | bytes | budget |")
    print("|---|---:|---:|")
    print(f"| flash (.text + .rodata) | {total} | {FLASH_MAX} |")
    print(f"| RAM: statics (.data + .bss) | {statics} | |")
    print(f"| RAM: stack high-water | {stack} | |")
    print(f"| RAM total | {used} | {RAM_MAX} |")
    print(f"| PNG file | {len(png)} | |")
    print(f"| data: URI | {len(uri)} | |")
    if total > FLASH_MAX:
        print("FAIL: flash over budget")
        ok = False
    if used > RAM_MAX:
        print("FAIL: RAM over budget")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
