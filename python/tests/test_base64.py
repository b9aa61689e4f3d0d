"""pixb64.b64encode / b64decode against the standard library's base64."""

import array
import base64
import binascii
import random

import numpy as np
import pytest

import sys

import pixb64

# validate=True follows CPython 3.11's binascii (3.9 and 3.10 used a regular
# expression instead; later versions added stricter padding rules): exact
# comparison there only where the running Python has the same rules.
STRICT_RULES_3_11 = sys.version_info[:2] in ((3, 11), (3, 12))


def skip_strict_elsewhere(validate):
    if validate and not STRICT_RULES_3_11:
        pytest.skip("validate=True follows CPython 3.11-3.12's rules")


def outcome(fn, *args, **kwargs):
    """('ok', result) or (exception type, message)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return (type(e), str(e))


def test_encode_every_small_length():
    rng = random.Random(1)
    for n in range(0, 300):
        data = bytes(rng.randrange(256) for _ in range(n))
        assert pixb64.b64encode(data) == base64.b64encode(data)
        for alt in (b"-_", b"*!", b"+/", b"AB"):
            assert pixb64.b64encode(data, alt) == base64.b64encode(data, alt), (n, alt)


@pytest.mark.parametrize("n", [1000, 4095, 65536, 100_003, 3 << 20, 16 << 20])
def test_encode_decode_large(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    enc = pixb64.b64encode(data)
    assert enc == base64.b64encode(data)
    assert pixb64.b64decode(enc) == data
    assert pixb64.b64decode(enc, validate=True) == data
    assert pixb64.b64decode(enc.decode()) == data
    # MIME-wrapped text (76 columns, LF): the default mode discards the newlines.
    wrapped = base64.encodebytes(data[:200_000])
    assert pixb64.b64decode(wrapped) == base64.b64decode(wrapped)


def test_bytes_like_inputs():
    data = bytes(range(256)) * 3
    enc = base64.b64encode(data)
    for like in (bytearray(data), memoryview(data), np.frombuffer(data, np.uint8),
                 array.array("B", data), memoryview(data)[::1]):
        assert pixb64.b64encode(like) == enc
    for like in (bytearray(enc), memoryview(enc), np.frombuffer(enc, np.uint8), enc.decode()):
        assert pixb64.b64decode(like) == data
    # a strided view is copied in C order
    arr = np.frombuffer(data, np.uint8)[::2]
    assert pixb64.b64encode(arr) == base64.b64encode(arr.tobytes())


def test_type_errors_match():
    for bad in ("text", 5, None, 1.5, [1, 2]):
        ours, theirs = outcome(pixb64.b64encode, bad), outcome(base64.b64encode, bad)
        assert ours[0] is theirs[0] is TypeError, (bad, ours, theirs)
    for bad in (5, None, 1.5):
        ours, theirs = outcome(pixb64.b64decode, bad), outcome(base64.b64decode, bad)
        assert ours[0] is theirs[0] is TypeError, (bad, ours, theirs)
    # a non-ASCII str is a ValueError with Python's message
    for v in (False, True):
        ours = outcome(pixb64.b64decode, "aGVsbG8=é", validate=v)
        theirs = outcome(base64.b64decode, "aGVsbG8=é", validate=v)
        assert ours == theirs and ours[0] is ValueError


def test_altchars_length_is_asserted():
    for alt in (b"-", b"-_+"):
        assert outcome(pixb64.b64encode, b"abc", alt)[0] is AssertionError
        assert outcome(pixb64.b64decode, b"abcd", alt)[0] is AssertionError
    # str altchars: b64decode takes ASCII str, b64encode does not
    assert pixb64.b64decode("a-_b", "-_") == base64.b64decode("a-_b", "-_")
    assert outcome(base64.b64encode, b"abc", "-_")[0] is TypeError
    assert outcome(pixb64.b64encode, b"abc", "-_")[0] is TypeError


BAD = [
    b"a", b"ab", b"abc", b"abcde", b"=", b"==", b"====", b"=abc", b"ab=c", b"ab==c",
    b"ab==cd==", b"abc=d", b"ab\ncd", b"ab cd", b"ab-_", b"abc\x00", b"YWJj\xff",
    b"YQ==YQ==", b"YQ===", b"YQ=", b"Y=Q=", b"YWJjZA==\n", b"YWJjZA=\n=", b"YWJj ZA==",
    b"YWJ", b"Y", b"YWJjZ", b"YR==", b"YWI=", b"YWJ=", b"YWK=", b"!!!!", b"\n", b"",
]


@pytest.mark.parametrize("validate", [False, True])
def test_bad_inputs_same_outcome(validate):
    skip_strict_elsewhere(validate)
    for s in BAD:
        for alt in (None, b"-_"):
            ours = outcome(pixb64.b64decode, s, alt, validate)
            theirs = outcome(base64.b64decode, s, alt, validate)
            assert ours == theirs, (s, alt, validate)
            if ours[0] != "ok":
                assert ours[0] is binascii.Error


@pytest.mark.parametrize("validate", [False, True])
def test_random_texts_same_outcome(validate):
    skip_strict_elsewhere(validate)
    # Short texts over a small alphabet that hits every rule: symbols,
    # padding, whitespace, junk and the URL-safe pair.
    rng = random.Random(17 + validate)
    symbols = b"AQgw+/=\n -_*"
    for _ in range(30_000):
        s = bytes(rng.choice(symbols) for _ in range(rng.randrange(0, 14)))
        alt = rng.choice([None, None, b"-_", b"*-"])
        ours = outcome(pixb64.b64decode, s, alt, validate)
        theirs = outcome(base64.b64decode, s, alt, validate)
        assert ours == theirs, (s, alt, validate)


def test_canonical_with_noise_same_bytes():
    rng = random.Random(5)
    for n in range(0, 200):
        data = bytes(rng.randrange(256) for _ in range(n))
        text = bytearray(base64.b64encode(data))
        for _ in range(rng.randrange(0, 5)):
            text.insert(rng.randrange(len(text) + 1), rng.choice(b"\n\r\t *#"))
        text = bytes(text)
        for v in (False, True):
            assert outcome(pixb64.b64decode, text, validate=v) == outcome(
                base64.b64decode, text, validate=v
            ), (text, v)


def test_trailing_bits_ignored_like_python():
    for s in (b"YR==", b"YWK=", b"QUJDRB==", b"QUJDRE/="):
        assert pixb64.b64decode(s) == base64.b64decode(s)
        assert pixb64.b64decode(s, validate=True) == base64.b64decode(s, validate=True)
