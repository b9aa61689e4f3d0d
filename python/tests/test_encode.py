"""encode_png, encode_png_base64, sizes, imencode against cv2, Pillow and base64."""

import base64
import io

import cv2
import numpy as np
import pytest
from PIL import Image

import pixb64
from conftest import MIXED, PHOTOS, buf, read

SHAPES = [(23, 37), (23, 37, 1), (23, 37, 2), (23, 37, 3), (23, 37, 4)]
DTYPES = [np.uint8, np.uint16]


def random_image(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    hi = 256 if dtype == np.uint8 else 65536
    a = rng.integers(0, hi, shape, dtype=dtype)
    # a smooth part too, so the filters and matches have something to find
    a[: shape[0] // 2] = (np.arange(shape[1]) * 3 % hi).astype(dtype)[None, :, None][
        ..., 0
    ].reshape((1, shape[1]) + (1,) * (len(shape) - 2))
    return a


def as_cv2_reads(img, bgr):
    """What cv2.imdecode(png, IMREAD_UNCHANGED) gives for a PNG of `img`
    written in RGB order (bgr=False) or BGR order (bgr=True)."""
    a = img if img.ndim == 3 else img[:, :, None]
    c = a.shape[2]
    if c == 1:
        return a[:, :, 0]
    if c == 2:  # gray + alpha: OpenCV gives BGRA, gray replicated
        g, al = a[:, :, 0], a[:, :, 1]
        return np.dstack([g, g, g, al])
    if bgr:
        return a
    return np.concatenate([a[:, :, 2::-1], a[:, :, 3:]], axis=2)


def check_roundtrip(img, level, bgr):
    png = pixb64.encode_png(img, level=level, bgr=bgr)
    got = cv2.imdecode(buf(png), cv2.IMREAD_UNCHANGED)
    want = as_cv2_reads(np.ascontiguousarray(img), bgr)
    assert got is not None
    assert got.dtype == img.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    return png


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("bgr", [False, True])
def test_every_level_roundtrips_through_cv2(dtype, shape, bgr):
    img = random_image(shape, dtype, seed=len(shape) * 10 + shape[-1])
    for level in range(10):
        png = check_roundtrip(img, level, bgr)
        text = pixb64.encode_png_base64(img, level=level, bgr=bgr)
        assert text == base64.b64encode(png).decode()
        uri = pixb64.encode_png_base64(img, level=level, bgr=bgr, data_uri=True)
        assert uri == "data:image/png;base64," + text
        s = pixb64.sizes(img, level=level, bgr=bgr)
        assert s == {
            "raw": img.nbytes,
            "png": len(png),
            "base64": len(text),
            "data_uri": len(uri),
        }


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("bgr", [False, True])
def test_pillow_reads_8bit(shape, bgr):
    img = random_image(shape, np.uint8, seed=3)
    png = pixb64.encode_png(img, level=4, bgr=bgr)
    got = np.asarray(Image.open(io.BytesIO(png)))
    a = img if img.ndim == 3 else img[:, :, None]
    want = a[:, :, 0] if a.shape[2] == 1 else a.copy()
    if bgr and want.ndim == 3 and want.shape[2] >= 3:
        want[:, :, :3] = want[:, :, 2::-1]
    np.testing.assert_array_equal(got, want)


def strided_views(dtype):
    base = random_image((40, 60, 4), dtype, seed=9)
    gray = random_image((40, 60), dtype, seed=10)
    return {
        "every_2nd_row_3rd_col": base[::2, ::3],
        "channel_slice_rgb": base[:, :, :3],
        "channel_slice_gb": base[:, :, 1:3],
        "one_channel_of_four": base[:, :, 2],
        "reversed_rows": base[::-1],
        "reversed_cols_gray": gray[:, ::-1],
        "fortran_order": np.asfortranarray(base[:, :, :3]),
        "transposed_gray": gray.T,
        "cropped": base[5:30, 7:50],
    }


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("level", [0, 1, 2, 5, 9])
def test_strided_views(dtype, level):
    for name, view in strided_views(dtype).items():
        for bgr in (False, True):
            png = check_roundtrip(view, level, bgr)
            assert png == pixb64.encode_png(np.ascontiguousarray(view), level=level, bgr=bgr), name


def test_threads_give_a_valid_png():
    img = cv2.imread(str(PHOTOS[0]), cv2.IMREAD_UNCHANGED)
    for level in (1, 4):
        for threads in (1, 2, 4):
            png = pixb64.encode_png(img, level=level, bgr=True, threads=threads)
            np.testing.assert_array_equal(cv2.imdecode(buf(png), -1), img)


def test_kodak_photos():
    # all 24 at level 1, a few at the other levels (time)
    for i, path in enumerate(PHOTOS):
        img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        for level in [1] + ([0, 2, 4, 6] if i % 8 == 0 else []):
            png = pixb64.encode_png(img, level=level, bgr=True)
            np.testing.assert_array_equal(cv2.imdecode(buf(png), -1), img)
            if level == 1:
                assert pixb64.sizes(img, bgr=True)["png"] == len(png)


def test_kodak_level9_smaller_than_opencv9():
    img = cv2.imread(str(PHOTOS[22]), cv2.IMREAD_UNCHANGED)
    ours = pixb64.encode_png(img, level=9, bgr=True)
    theirs = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])[1]
    np.testing.assert_array_equal(cv2.imdecode(buf(ours), -1), img)
    assert len(ours) < len(theirs)


def test_mixed_corpus():
    for path in MIXED:
        img = cv2.imdecode(buf(read(path)), cv2.IMREAD_UNCHANGED)
        assert img is not None, path
        for level in (1, 3):
            ok, enc = pixb64.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, level])
            assert ok
            np.testing.assert_array_equal(cv2.imdecode(enc, cv2.IMREAD_UNCHANGED), img)


def test_imencode_like_cv2():
    img = random_image((31, 45, 3), np.uint8, seed=4)
    ok, enc = pixb64.imencode(".png", img)
    ok2, enc2 = cv2.imencode(".png", img)
    assert ok is True and ok2
    assert enc.dtype == enc2.dtype == np.uint8 and enc.ndim == enc2.ndim == 1
    np.testing.assert_array_equal(cv2.imdecode(enc, -1), img)
    # default level 1, as OpenCV; compression n maps to pixb64 level n
    assert enc.tobytes() == pixb64.encode_png(img, level=1, bgr=True)
    for n in range(10):
        ok, enc = pixb64.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, n])
        assert enc.tobytes() == pixb64.encode_png(img, level=n, bgr=True)
    # out of range levels are clamped, unknown keys ignored, as OpenCV does
    for params, level in (([16, 42], 9), ([16, -3], 0), ([999, 5, 17, 1], 1), ((16, 4), 4)):
        ok, enc = pixb64.imencode(".PNG", img, params)
        assert enc.tobytes() == pixb64.encode_png(img, level=level, bgr=True)
    with pytest.raises(ValueError):
        pixb64.imencode(".png", img, [16])  # not key-value pairs (cv2 raises too)
    with pytest.raises(ValueError):
        pixb64.imencode(".jpg", img)


BAD_IMAGES = {
    "float32": (np.zeros((4, 5, 3), np.float32), pixb64.ImageError),
    "int16": (np.zeros((4, 5), np.int16), pixb64.ImageError),
    "bool": (np.zeros((4, 5), bool), pixb64.ImageError),
    "five_channels": (np.zeros((4, 5, 5), np.uint8), pixb64.ImageError),
    "zero_channels": (np.zeros((4, 5, 0), np.uint8), pixb64.ImageError),
    "four_d": (np.zeros((2, 4, 5, 3), np.uint8), pixb64.ImageError),
    "one_d": (np.zeros(12, np.uint8), pixb64.ImageError),
    "empty": (np.zeros((0, 5, 3), np.uint8), pixb64.ImageError),
    "list": ([[1, 2], [3, 4]], TypeError),
    "bytes": (b"\x00" * 12, TypeError),
}


@pytest.mark.parametrize("name", sorted(BAD_IMAGES))
def test_bad_images_raise(name):
    img, exc = BAD_IMAGES[name]
    for call in (
        lambda: pixb64.encode_png(img),
        lambda: pixb64.encode_png_base64(img, data_uri=True),
        lambda: pixb64.sizes(img),
        lambda: pixb64.imencode(".png", img),
    ):
        with pytest.raises(exc):
            call()
    if exc is pixb64.ImageError:
        assert issubclass(exc, ValueError)


def test_bad_arguments():
    img = np.zeros((4, 5, 3), np.uint8)
    for level in (-1, 10, 100):
        with pytest.raises(ValueError):
            pixb64.encode_png(img, level=level)


def test_rust_timing_hook_runs_each_bench_call():
    """bench.py's binding-overhead table times these names inside Rust: each
    must run its call (a positive time), and an unknown name or a shape that
    does not fit the data is an error, not a number."""
    img = random_image((16, 24, 3), np.uint8, 7)
    raw = img.tobytes()
    png = pixb64.encode_png(img)
    text = pixb64.encode_png_base64(img).encode()
    cases = {
        "b64encode": (raw, (0, 0, 0)),
        "b64decode": (base64.b64encode(raw), (0, 0, 0)),
        "encode_png": (raw, img.shape),
        "encode_png_base64": (raw, img.shape),
        "imencode": (raw, img.shape),
        "decode_image": (png, (0, 0, 0)),
        "imdecode": (png, (0, 0, 0)),
        "decode_image_base64": (text, (0, 0, 0)),
    }
    for name, (data, shape) in cases.items():
        t = pixb64._rust_per_call(name, data, shape, 0.0005)
        assert 0 < t < 1, (name, t)
    with pytest.raises(ValueError):
        pixb64._rust_per_call("encode_jpeg", raw, img.shape, 0.0005)
    with pytest.raises(ValueError):
        pixb64._rust_per_call("encode_png", raw, (16, 25, 3), 0.0005)
