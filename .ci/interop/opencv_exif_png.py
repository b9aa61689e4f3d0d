"""PNG eXIf orientation against OpenCV: a 5x3 RGB image with an eXIf chunk
of each orientation 1-8, before and after the image data, in both TIFF byte
orders, through `pixb64 decode --to pam --mode M` and `cv2.imdecode` in the
three modes: same shape and pixels (OpenCV turns the image in COLOR and
GRAYSCALE, not in UNCHANGED).

    python3 .ci/interop/opencv_exif_png.py path/to/pixb64
"""
import base64
import struct
import subprocess
import sys
import zlib

import cv2
import numpy as np

def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def exif(o, big):
    if big: return b'MM\x00\x2a' + struct.pack('>I', 8) + struct.pack('>H', 1) + struct.pack('>HHIHH', 0x112, 3, 1, o, 0) + b'\0\0\0\0'
    return b'II\x2a\x00' + struct.pack('<I', 8) + struct.pack('<H', 1) + struct.pack('<HHIHH', 0x112, 3, 1, o, 0) + b'\0\0\0\0'
W, H = 5, 3
img = np.arange(W * H * 3, dtype=np.uint8).reshape(H, W, 3) * 5
raw = b''.join(b'\0' + img[y].tobytes() for y in range(H))
ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0))
bad = 0
for o in range(1, 9):
    for where in ('before', 'after'):
        for big in (False, True):
            ex = chunk(b'eXIf', exif(o, big))
            idat = chunk(b'IDAT', zlib.compress(raw))
            body = ex + idat if where == 'before' else idat + ex
            png = b'\x89PNG\r\n\x1a\n' + ihdr + body + chunk(b'IEND', b'')
            for mode, flag in (('color', cv2.IMREAD_COLOR), ('grayscale', cv2.IMREAD_GRAYSCALE), ('unchanged', cv2.IMREAD_UNCHANGED)):
                cv = cv2.imdecode(np.frombuffer(png, np.uint8), flag)
                out = subprocess.run([sys.argv[1], 'decode', '--to', 'pam', '--mode', mode], input=base64.b64encode(png), capture_output=True)
                pam = out.stdout
                hdr, px = pam.split(b'ENDHDR\n', 1)
                f = dict(l.split(b' ', 1) for l in hdr.split(b'\n')[1:] if b' ' in l)
                w, h, d = int(f[b'WIDTH']), int(f[b'HEIGHT']), int(f[b'DEPTH'])
                ours = np.frombuffer(px, np.uint8).reshape(h, w, d) if d > 1 else np.frombuffer(px, np.uint8).reshape(h, w)
                ok = cv.shape == ours.shape and np.array_equal(cv, ours)
                if not ok:
                    bad += 1
                    print('MISMATCH', o, where, big, mode, cv.shape, ours.shape)
print(f'PNG eXIf orientations: 96 decodes, {bad} mismatches against OpenCV {cv2.__version__}')
sys.exit(1 if bad else 0)
