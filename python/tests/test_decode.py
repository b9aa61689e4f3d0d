"""decode_image, decode_image_base64 and imdecode against cv2.imdecode."""

import base64

import cv2
import numpy as np
import pytest

import pixb64
from conftest import JPEGS, LENIENCY, MIXED, PHOTOS, PNGSUITE, buf, read

UNCHANGED, GRAY, COLOR = cv2.IMREAD_UNCHANGED, cv2.IMREAD_GRAYSCALE, cv2.IMREAD_COLOR
ANYDEPTH, NO_EXIF, RGB = cv2.IMREAD_ANYDEPTH, cv2.IMREAD_IGNORE_ORIENTATION, 256
FLAGS = [UNCHANGED, GRAY, COLOR]
EXTRA_FLAGS = [
    GRAY | ANYDEPTH, COLOR | ANYDEPTH, COLOR | NO_EXIF, GRAY | NO_EXIF, RGB,
    RGB | ANYDEPTH | NO_EXIF,
]


def assert_same(ours, theirs, what):
    if theirs is None:
        assert ours is None, what
        return
    assert ours is not None, what
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (
        what, ours.dtype, ours.shape, theirs.dtype, theirs.shape)
    assert np.array_equal(ours, theirs), what


@pytest.mark.parametrize("flags", FLAGS + EXTRA_FLAGS)
def test_pngsuite_pixel_exact(flags):
    opened = 0
    for path in PNGSUITE:
        data = read(path)
        theirs = cv2.imdecode(buf(data), flags)
        ours = pixb64.imdecode(buf(data), flags)
        assert_same(ours, theirs, (path.name, flags))
        opened += theirs is not None
        # bytes in, as well as an array
        if theirs is not None and path.name.startswith("b"):
            assert_same(pixb64.imdecode(data, flags), theirs, (path.name, "bytes"))
    assert opened > 150


@pytest.mark.parametrize("flags", FLAGS)
def test_photos_and_mixed_pixel_exact(flags):
    for path in PHOTOS[::4] + MIXED:
        data = read(path)
        assert_same(pixb64.imdecode(buf(data), flags), cv2.imdecode(buf(data), flags),
                    (path.name, flags))


def test_leniency_accepts_what_cv2_accepts():
    # tests/data/leniency/expected.tsv lists the one known disagreement.
    known = set()
    for line in (LENIENCY[0].parent / "expected.tsv").read_text().splitlines():
        cols = line.split("\t")
        if not line.startswith("#") and len(cols) >= 3 and cols[1] != cols[2]:
            known.add(cols[0] + ".png")
    for path in LENIENCY:
        if path.name in known:
            continue
        data = read(path)
        for flags in FLAGS:
            assert_same(pixb64.imdecode(buf(data), flags), cv2.imdecode(buf(data), flags),
                        (path.name, flags))


# README: largest / mean absolute difference vs OpenCV, the bounds checked.
JPEG_MAX, JPEG_MEAN = 6, 0.6


@pytest.mark.parametrize("flags", FLAGS)
def test_jpeg_within_documented_tolerance(flags):
    checked = 0
    for path in JPEGS:
        if path.name.startswith("fuzz_"):
            # a fuzzer-made multi-scan file: zune-jpeg reads it otherwise
            # (pixels or an error) than libjpeg-turbo; decoding must not crash
            pixb64.imdecode(read(path), flags)
            continue
        data = read(path)
        theirs = cv2.imdecode(buf(data), flags)
        ours = pixb64.imdecode(buf(data), flags)
        if theirs is None:
            # cv2 refuses a file cut inside its scans; pixb64 decodes what
            # there is (README: JPEG section).
            continue
        checked += 1
        assert ours is not None and ours.shape == theirs.shape and ours.dtype == theirs.dtype
        diff = np.abs(ours.astype(np.int16) - theirs.astype(np.int16))
        assert diff.max() <= JPEG_MAX and diff.mean() <= JPEG_MEAN, (path.name, flags)
    assert checked >= 6


def test_jpeg_from_kodak_photo():
    img = cv2.imread(str(PHOTOS[22]), cv2.IMREAD_COLOR)
    for q, sub in ((75, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420), (95, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444)):
        ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q,
                                             cv2.IMWRITE_JPEG_SAMPLING_FACTOR, sub])
        for flags in FLAGS:
            theirs = cv2.imdecode(jpg, flags)
            ours = pixb64.imdecode(jpg, flags)
            assert ours.shape == theirs.shape
            diff = np.abs(ours.astype(np.int16) - theirs.astype(np.int16))
            assert diff.max() <= JPEG_MAX and diff.mean() <= JPEG_MEAN, (q, flags)
        text = base64.b64encode(jpg.tobytes()).decode()
        np.testing.assert_array_equal(
            pixb64.decode_image_base64(text, "color", bgr=True), pixb64.imdecode(jpg, COLOR))


def test_decode_image_modes_against_cv2():
    """decode_image keeps the stored channels (gray + alpha stays 2) and the
    depth, and turns nothing by EXIF: cv2 with ANYDEPTH | IGNORE_ORIENTATION."""
    for path in PNGSUITE + MIXED:
        data = read(path)
        ref = cv2.imdecode(buf(data), UNCHANGED)
        if ref is None:
            with pytest.raises(pixb64.DecodeError):
                pixb64.decode_image(data)
            continue
        for bgr in (False, True):
            un = pixb64.decode_image(data, "unchanged", bgr=bgr)
            assert un.dtype == ref.dtype
            if un.ndim == 3 and un.shape[2] == 2 and ref.ndim == 2:
                # gray with a tRNS key: pixb64 keeps it as alpha, cv2 drops it
                np.testing.assert_array_equal(un[:, :, 0], ref, path.name)
            elif un.ndim == 3 and un.shape[2] == 2:  # gray + alpha: cv2 gives g, g, g, a
                np.testing.assert_array_equal(un[:, :, 0], ref[:, :, 0], path.name)
                np.testing.assert_array_equal(un[:, :, 1], ref[:, :, 3], path.name)
            elif un.ndim == 2 or bgr:
                np.testing.assert_array_equal(un, ref, path.name)
            else:
                rgb = un.copy()
                rgb[:, :, :3] = un[:, :, 2::-1]
                np.testing.assert_array_equal(rgb, ref, path.name)
            color = pixb64.decode_image(data, "color", bgr=bgr)
            want = cv2.imdecode(buf(data), (COLOR if bgr else RGB) | ANYDEPTH | NO_EXIF)
            np.testing.assert_array_equal(color, want, path.name)
            gray = pixb64.decode_image(data, "grayscale", bgr=bgr)
            want = cv2.imdecode(buf(data), GRAY | ANYDEPTH | NO_EXIF)
            np.testing.assert_array_equal(gray, want, path.name)


def test_decode_image_base64_forms():
    for path in PNGSUITE[::3] + PHOTOS[:2] + JPEGS[:3]:
        data = read(path)
        try:
            want = pixb64.decode_image(data, "color", bgr=True)
        except pixb64.DecodeError:
            continue
        text = base64.b64encode(data)
        for form in (text, text.decode(), base64.encodebytes(data),
                     "data:image/png;base64," + text.decode(),
                     b"  data:application/octet-stream;base64," + text):
            got = pixb64.decode_image_base64(form, "color", bgr=True)
            np.testing.assert_array_equal(got, want, path.name)
        # base64 text to array = b64decode + imdecode
        np.testing.assert_array_equal(
            pixb64.decode_image_base64(text, "color", bgr=True),
            cv2.imdecode(buf(base64.b64decode(text)), COLOR | ANYDEPTH | NO_EXIF) if path.suffix == ".png" else want,
        )


def test_corrupt_inputs_raise_or_none():
    good = read(PHOTOS[0])
    text = base64.b64encode(good)
    # truncated PNG: every cut raises DecodeError, imdecode gives None
    for cut in (0, 1, 7, 8, 20, 33, 100, 5000, len(good) // 2, len(good) - 13, len(good) - 1):
        part = good[:cut]
        if cut:
            assert pixb64.imdecode(buf(part), COLOR) is None, cut
            assert cv2.imdecode(buf(part), COLOR) is None, cut
        with pytest.raises(pixb64.DecodeError):
            pixb64.decode_image(part)
        with pytest.raises(pixb64.DecodeError):
            pixb64.decode_image_base64(base64.b64encode(part)[:-1] if cut else b"")
    # a flipped byte in the image data: CRC error
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0x55
    with pytest.raises(pixb64.DecodeError, match="byte"):
        pixb64.decode_image(bytes(bad))
    assert pixb64.imdecode(np.frombuffer(bytes(bad), np.uint8), COLOR) is None
    # corrupt base64 (as base64.b64decode rejects it), bad data: URLs, not an image
    for t in (text[:-1], text[:-2] + b"=a", "data:image/png;base64", "data:,hello",
              base64.b64encode(b"GIF89a....")):
        with pytest.raises(pixb64.DecodeError) as info:
            pixb64.decode_image_base64(t)
        assert isinstance(info.value, ValueError)
    # garbage
    rng = np.random.default_rng(2)
    for n in (1, 8, 100, 4096):
        junk = rng.integers(0, 256, n, dtype=np.uint8)
        assert pixb64.imdecode(junk, UNCHANGED) is None
        assert pixb64.imdecode(np.concatenate([buf(good[:8]), junk]), COLOR) is None
    with pytest.raises(pixb64.DecodeError):
        pixb64.imdecode(np.zeros(0, np.uint8), COLOR)  # cv2 asserts !buf.empty()
    with pytest.raises(ValueError):
        pixb64.imdecode(buf(good), cv2.IMREAD_REDUCED_COLOR_2)
    with pytest.raises(ValueError):
        pixb64.imdecode(buf(good), COLOR | RGB)  # cv2 raises cv2.error
    with pytest.raises(ValueError):
        pixb64.decode_image(good, mode="rgb")


def test_roundtrip_every_mode():
    rng = np.random.default_rng(8)
    for dtype, hi in ((np.uint8, 256), (np.uint16, 65536)):
        for c in (1, 2, 3, 4):
            img = rng.integers(0, hi, (17, 29, c), dtype=dtype)
            for bgr in (False, True):
                text = pixb64.encode_png_base64(img, bgr=bgr, data_uri=bgr)
                back = pixb64.decode_image_base64(text, "unchanged", bgr=bgr)
                np.testing.assert_array_equal(back, img[:, :, 0] if c == 1 else img)
