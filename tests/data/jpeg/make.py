"""Makes the small JPEGs of tests/jpeg.rs from our own test photos, and what
OpenCV's cv2.imdecode gives for each in its three modes (raw bytes, row-major,
BGR for colour). Run from the repository root with OpenCV, numpy, Pillow:
    python tests/data/jpeg/make.py
"""
import io
import cv2
import numpy as np
from PIL import Image

OUT = "tests/data/jpeg/"
photo = cv2.imread("tests/data/photos/kodim23.png")  # BGR


def crop(w, h, x=200, y=150):
    return np.ascontiguousarray(photo[y:y + h, x:x + w])


def cv_jpeg(img, q, sampling=None):
    params = [cv2.IMWRITE_JPEG_QUALITY, q]
    if sampling is not None:
        params += [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, sampling]
    ok, buf = cv2.imencode(".jpg", img, params)
    assert ok
    return buf.tobytes()


def pil_jpeg(img_bgr, **kw):
    b = io.BytesIO()
    mode = kw.pop("mode", None)
    im = Image.fromarray(img_bgr[:, :, ::-1]) if img_bgr.ndim == 3 else Image.fromarray(img_bgr)
    if mode:
        im = im.convert(mode)
    im.save(b, "JPEG", **kw)
    return b.getvalue()


def exif(o):
    e = Image.Exif()
    e[0x0112] = o
    return e.tobytes()


files = {
    "color420_q90_37x29.jpg": cv_jpeg(crop(37, 29), 90),
    "color444_q75_33x18.jpg": cv_jpeg(crop(33, 18), 75, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444),
    "gray_q85_23x17.jpg": cv_jpeg(cv2.cvtColor(crop(23, 17), cv2.COLOR_BGR2GRAY), 85),
    "progressive_q80_40x24.jpg": pil_jpeg(crop(40, 24), quality=80, progressive=True),
    "exif6_q90_24x16.jpg": pil_jpeg(crop(24, 16), quality=90, exif=exif(6)),
    "exif7_q90_24x16.jpg": pil_jpeg(crop(24, 16), quality=90, exif=exif(7)),
    "cmyk_q90_20x12.jpg": pil_jpeg(crop(20, 12), quality=90, mode="CMYK"),
}
for name, data in files.items():
    open(OUT + name, "wb").write(data)
    arr = np.frombuffer(data, np.uint8)
    for mode, flag in [("color", cv2.IMREAD_COLOR), ("gray", cv2.IMREAD_GRAYSCALE), ("unchanged", cv2.IMREAD_UNCHANGED)]:
        img = cv2.imdecode(arr, flag)
        shape = "x".join(str(s) for s in img.shape)
        open(f"{OUT}cv/{name[:-4]}.{mode}.{shape}.raw", "wb").write(img.tobytes())
print(cv2.__version__)
