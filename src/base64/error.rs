//! Error types of the base64 codec.

use core::fmt;

/// The output slice given to an encoding call is shorter than the encoded form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OutputTooSmall {
    /// The length the output slice needs.
    pub needed: usize,
}

impl fmt::Display for OutputTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output buffer too small: {} bytes needed", self.needed)
    }
}

impl core::error::Error for OutputTooSmall {}

/// Why a base64 input was rejected.
///
/// Precedence, identical on every backend: the first byte fault in input order
/// ([`InvalidByte`](Self::InvalidByte)) wins; once the whole input has been
/// seen, the faults of its end are checked in the order
/// [`InvalidLength`](Self::InvalidLength), [`TrailingBits`](Self::TrailingBits),
/// [`InvalidPadding`](Self::InvalidPadding); [`OutputTooSmall`](Self::OutputTooSmall)
/// is reported only for an input that is otherwise valid, with the exact size.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// A byte that is not a symbol of this codec's alphabet (nor skippable
    /// whitespace, where the codec skips it). A `=` counts as such a byte when an
    /// alphabet symbol follows it, and always in codecs that forbid padding.
    InvalidByte {
        /// Offset of the byte in the input, whitespace counted.
        offset: usize,
        /// The byte itself.
        byte: u8,
    },
    /// The number of alphabet symbols is 1 more than a multiple of 4, which no
    /// byte string encodes to.
    InvalidLength {
        /// Length of the whole input.
        len: usize,
    },
    /// The trailing run of `=` is not what this codec requires: missing where
    /// padding is required, present where it is forbidden, or of the wrong length.
    InvalidPadding {
        /// Offset of the first `=` of the trailing run, or the input length when
        /// required padding is missing.
        offset: usize,
    },
    /// The last symbol carries non-zero bits that do not reach the output, so
    /// the input is not the canonical encoding of any byte string.
    TrailingBits {
        /// Offset of the last alphabet symbol.
        offset: usize,
    },
    /// The output slice is too small for this (otherwise valid) input.
    OutputTooSmall {
        /// The exact decoded length.
        needed: usize,
    },
}

impl DecodeError {
    /// The input offset the error points at: the byte's offset, the input
    /// length for [`InvalidLength`](Self::InvalidLength), and 0 for
    /// [`OutputTooSmall`](Self::OutputTooSmall), which is not about a position.
    pub fn offset(&self) -> usize {
        match *self {
            DecodeError::InvalidByte { offset, .. }
            | DecodeError::InvalidPadding { offset }
            | DecodeError::TrailingBits { offset } => offset,
            DecodeError::InvalidLength { len } => len,
            DecodeError::OutputTooSmall { .. } => 0,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::InvalidByte { offset, byte } => {
                if byte.is_ascii_graphic() {
                    write!(
                        f,
                        "invalid byte 0x{byte:02x} ('{}') at offset {offset}",
                        byte as char
                    )
                } else {
                    write!(f, "invalid byte 0x{byte:02x} at offset {offset}")
                }
            }
            DecodeError::InvalidLength { len } => write!(
                f,
                "invalid length: input of {len} bytes ends with a single symbol of a group of 4"
            ),
            DecodeError::InvalidPadding { offset } => {
                write!(f, "invalid padding at offset {offset}")
            }
            DecodeError::TrailingBits { offset } => write!(
                f,
                "non-zero trailing bits in the last symbol at offset {offset} (not canonical)"
            ),
            DecodeError::OutputTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for DecodeError {}
