//! The crate-level error of the one-call helpers (image <-> PNG <-> base64
//! <-> data URI), wrapping each layer's own error.

use core::fmt;

use crate::base64::DecodeError as Base64Error;
use crate::data_uri::DataUriError;
use crate::image::ImageError;
#[cfg(feature = "jpeg")]
use crate::jpeg::JpegError;
use crate::png::DecodeError as PngError;
use crate::sniff::UnsupportedFormat;

/// What went wrong in a one-call helper; [`source`](core::error::Error::source)
/// is the layer's own error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The base64 text is invalid (with the byte offset).
    Base64(Base64Error),
    /// The bytes are not a valid PNG, or exceed the decode limits.
    Png(PngError),
    /// The `data:` URL is invalid.
    DataUri(DataUriError),
    /// The image description is invalid.
    Image(ImageError),
    /// The bytes are not a valid JPEG, or exceed the decode limits.
    #[cfg(feature = "jpeg")]
    Jpeg(JpegError),
    /// The bytes are neither PNG nor JPEG, or a JPEG without the `jpeg`
    /// feature ([`decode_image`](crate::decode_image) and the helpers built
    /// on it).
    Unsupported(UnsupportedFormat),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Base64(e) => write!(f, "invalid base64: {e}"),
            Error::Png(e) => write!(f, "invalid PNG: {e}"),
            Error::DataUri(e) => write!(f, "invalid data: URL: {e}"),
            Error::Image(e) => write!(f, "invalid image: {e}"),
            #[cfg(feature = "jpeg")]
            Error::Jpeg(e) => write!(f, "invalid JPEG: {e}"),
            Error::Unsupported(e) => write!(f, "unsupported image: {e}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Base64(e) => Some(e),
            Error::Png(e) => Some(e),
            Error::DataUri(e) => Some(e),
            Error::Image(e) => Some(e),
            #[cfg(feature = "jpeg")]
            Error::Jpeg(e) => Some(e),
            Error::Unsupported(e) => Some(e),
        }
    }
}

impl From<Base64Error> for Error {
    fn from(e: Base64Error) -> Self {
        Error::Base64(e)
    }
}
impl From<PngError> for Error {
    fn from(e: PngError) -> Self {
        Error::Png(e)
    }
}
impl From<DataUriError> for Error {
    fn from(e: DataUriError) -> Self {
        Error::DataUri(e)
    }
}
impl From<ImageError> for Error {
    fn from(e: ImageError) -> Self {
        Error::Image(e)
    }
}
#[cfg(feature = "jpeg")]
impl From<JpegError> for Error {
    fn from(e: JpegError) -> Self {
        Error::Jpeg(e)
    }
}
impl From<UnsupportedFormat> for Error {
    fn from(e: UnsupportedFormat) -> Self {
        Error::Unsupported(e)
    }
}
