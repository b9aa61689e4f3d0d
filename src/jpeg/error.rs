//! Why a JPEG does not decode.

use alloc::string::String;
use core::fmt;

use crate::png::LimitKind;

/// Why a JPEG does not decode; the header problems are found by pixb64's own
/// walk over the segments before any pixel is decoded, the rest is
/// `zune-jpeg`'s message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JpegError {
    /// The data does not start with a JPEG SOI marker (`FF D8`).
    NotJpeg,
    /// The data ends inside the headers, before the first scan.
    Truncated {
        /// Byte offset where more data was needed.
        offset: usize,
    },
    /// A header segment is malformed.
    InvalidHeader {
        /// Byte offset of the segment's marker.
        offset: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The first scan (or the end of the image) comes before any frame header.
    NoFrame,
    /// A coding process the decoder does not read: lossless, hierarchical
    /// or arithmetic-coded JPEG (the SOF marker's second byte, `C3`, `C5`..
    /// `C7`, `C9`..`CB`, `CD`..`CF`).
    UnsupportedProcess {
        /// The SOF marker byte.
        marker: u8,
    },
    /// A frame with a sample precision other than 8 bits (12-bit JPEG).
    UnsupportedPrecision {
        /// The bits per sample the frame header gives.
        bits: u8,
    },
    /// A frame with a component count other than 1, 3 or 4.
    UnsupportedComponents {
        /// The component count the frame header gives.
        components: u8,
    },
    /// Sampling factors libjpeg (and so OpenCV) does not decode either: a
    /// factor outside 1..=4, a component whose factors do not divide the
    /// largest ones (fractional upsampling), or an interleaved scan whose
    /// MCU holds more than 10 blocks.
    UnsupportedSampling {
        /// Byte offset of the frame or scan header's marker.
        offset: usize,
        /// Which rule the factors break.
        what: &'static str,
    },
    /// A [`Limits`](crate::png::Limits) bound is exceeded.
    LimitExceeded {
        /// Which bound.
        limit: LimitKind,
        /// The value the file asks for (saturated at `u64::MAX`).
        value: u64,
        /// The bound.
        max: u64,
    },
    /// The allocator refused the output buffer.
    OutOfMemory {
        /// The size asked for.
        bytes: usize,
    },
    /// The entropy-coded data (or a table) is invalid: `zune-jpeg`'s message.
    Decode(String),
}

impl fmt::Display for JpegError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use JpegError::*;
        match self {
            NotJpeg => f.write_str("not a JPEG (no FF D8 start-of-image marker)"),
            Truncated { offset } => write!(f, "JPEG headers end early (at byte {offset})"),
            InvalidHeader { offset, what } => write!(f, "bad JPEG segment at byte {offset}: {what}"),
            NoFrame => f.write_str("JPEG has no frame header before its first scan"),
            UnsupportedProcess { marker } => write!(
                f,
                "unsupported JPEG coding process (SOF marker FF {marker:02X}: lossless, hierarchical or arithmetic)"
            ),
            UnsupportedPrecision { bits } => {
                write!(f, "unsupported JPEG sample precision: {bits} bits")
            }
            UnsupportedComponents { components } => {
                write!(f, "unsupported JPEG component count: {components}")
            }
            UnsupportedSampling { offset, what } => {
                write!(f, "unsupported JPEG sampling factors at byte {offset}: {what}")
            }
            LimitExceeded { limit, value, max } => {
                write!(f, "limit exceeded: {limit:?} {value} > {max}")
            }
            OutOfMemory { bytes } => write!(f, "cannot allocate {bytes} bytes"),
            Decode(msg) => write!(f, "JPEG data: {msg}"),
        }
    }
}

impl core::error::Error for JpegError {}
