"""Type stubs of the pixb64 extension module (python/src/lib.rs)."""

from typing import Literal, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str

BytesLike = Union[bytes, bytearray, memoryview, npt.NDArray[np.generic]]
Image = Union[npt.NDArray[np.uint8], npt.NDArray[np.uint16]]
Mode = Literal["unchanged", "color", "grayscale"]

class Error(ValueError):
    """Base class of pixb64's errors."""

class DecodeError(Error):
    """Invalid or unsupported PNG, JPEG, base64 or data: URL input (message with the byte offset)."""

class ImageError(Error):
    """An array pixb64 does not encode: dtype not uint8/uint16, shape not (H, W) or (H, W, 1..4), empty."""

class Sizes(TypedDict):
    raw: int
    png: int
    base64: int
    data_uri: int

def b64encode(s: BytesLike, altchars: Optional[BytesLike] = None) -> bytes:
    """base64.b64encode: the same bytes."""

def b64decode(
    s: Union[str, BytesLike], altchars: Optional[Union[str, BytesLike]] = None, validate: bool = False
) -> bytes:
    """base64.b64decode: the same bytes, binascii.Error with the same message where it fails."""

def encode_png(img: Image, level: int = 1, bgr: bool = False, threads: int = 1) -> bytes:
    """A lossless PNG of img (levels 0-9; bgr: the array is in OpenCV's BGR(A) order)."""

def encode_png_base64(img: Image, level: int = 1, bgr: bool = False, data_uri: bool = False) -> str:
    """base64 text of encode_png(img, level, bgr), or a data:image/png;base64, URI."""

def decode_image(data: BytesLike, mode: Mode = "unchanged", bgr: bool = False) -> Image:
    """A PNG or JPEG file to an (H, W) or (H, W, C) array, uint8 or uint16 (16-bit PNG)."""

def decode_image_base64(text: Union[str, BytesLike], mode: Mode = "unchanged", bgr: bool = False) -> Image:
    """decode_image(base64.b64decode(text)), or of a data: URI's body."""

def sizes(img: Image, level: int = 1, bgr: bool = False) -> Sizes:
    """Exact byte counts: raw pixels, the PNG, its base64, its data: URI."""

def imencode(ext: str, img: Image, params: Optional[Sequence[int]] = None) -> Tuple[bool, npt.NDArray[np.uint8]]:
    """cv2.imencode for '.png': BGR(A) in; [cv2.IMWRITE_PNG_COMPRESSION, n] is pixb64 level n."""

def imdecode(buf: BytesLike, flags: int) -> Optional[Image]:
    """cv2.imdecode for PNG and JPEG: BGR out, None where the bytes do not decode."""
