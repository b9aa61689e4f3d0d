"""Shared paths and helpers: the repository's corpora, found from this file."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
PNGSUITE = sorted((DATA / "pngsuite").glob("*.png"))
PHOTOS = sorted((DATA / "photos").glob("*.png"))
MIXED = sorted((DATA / "mixed").glob("*.png"))
JPEGS = sorted((DATA / "jpeg").glob("*.jpg"))
LENIENCY = sorted((DATA / "leniency").glob("*.png"))


def read(path):
    return Path(path).read_bytes()


def buf(data):
    """bytes -> the uint8 array cv2.imdecode takes."""
    return np.frombuffer(data, np.uint8)


@pytest.fixture(scope="session")
def corpora_present():
    assert PNGSUITE and PHOTOS and MIXED and JPEGS, f"corpora missing under {DATA}"
