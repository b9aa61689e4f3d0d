//! The crate-level error of the one-call helpers (image <-> PNG <-> base64
//! <-> data URI), wrapping each layer's own error.

use core::fmt;

use crate::base64::DecodeError as Base64Error;
use crate::data_uri::DataUriError;
use crate::image::ImageError;
use crate::png::DecodeError as PngError;

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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Base64(e) => write!(f, "invalid base64: {e}"),
            Error::Png(e) => write!(f, "invalid PNG: {e}"),
            Error::DataUri(e) => write!(f, "invalid data: URL: {e}"),
            Error::Image(e) => write!(f, "invalid image: {e}"),
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
