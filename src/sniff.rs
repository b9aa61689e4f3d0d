//! [`decode_image`]: PNG or JPEG, told apart by their signatures.

use core::fmt;

use crate::image::ImageBuf;
use crate::png::DecodeOptions;
use crate::Error;

/// What [`decode_image`] found instead of an image it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnsupportedFormat {
    /// A JPEG (`FF D8 FF`), but pixb64 was built without its `jpeg` feature.
    JpegFeatureOff,
    /// Another image or file format, recognised by its signature: its name
    /// (`"GIF"`, `"WebP"`, `"BMP"`, `"TIFF"`, `"AVIF"`, `"JPEG XL"`, `"PDF"`,
    /// `"gzip"`, `"ZIP"`, `"netpbm"`, `"text"`...).
    Other(&'static str),
    /// Nothing recognised: the first bytes (`len` of them, at most 8).
    Unknown {
        /// The first bytes, zero-padded.
        head: [u8; 8],
        /// How many of `head` are the input's (it may be shorter than 8).
        len: u8,
    },
}

impl fmt::Display for UnsupportedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnsupportedFormat::JpegFeatureOff => {
                f.write_str("a JPEG, but pixb64 was built without its `jpeg` feature")
            }
            UnsupportedFormat::Other(name) => {
                write!(f, "a {name} file, not PNG or JPEG")
            }
            UnsupportedFormat::Unknown { head, len } => {
                f.write_str("neither PNG nor JPEG (starts with")?;
                if *len == 0 {
                    f.write_str(" nothing: empty input")?;
                }
                for b in &head[..usize::from(*len).min(8)] {
                    write!(f, " {b:02X}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl core::error::Error for UnsupportedFormat {}

/// The formats [`decode_image`] names when it does not read them.
const OTHERS: &[(&[u8], &str)] = &[
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\0", "TIFF"),
    (b"MM\0*", "TIFF"),
    (b"\xFF\x0A", "JPEG XL"),
    (b"\0\0\0\x0CJXL ", "JPEG XL"),
    (b"\0\0\0\x0CjP  ", "JPEG 2000"),
    (b"\0\0\x01\0", "ICO"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"data:", "data: URL text"),
    (b"iVBORw0KGgo", "base64 text of a PNG"),
    (b"/9j/", "base64 text of a JPEG"),
];

/// Decodes a PNG (by its signature) or a JPEG (by `FF D8 FF`, with the
/// `jpeg` feature) with `opts`: the same limits, channels, channel order for
/// both (see the `jpeg` module, with its feature, for what they mean for a JPEG).
/// Anything else is [`Error::Unsupported`], naming what was found.
///
/// ```
/// use pixb64::{decode_image, png, Error, Image, UnsupportedFormat};
/// let img = Image::new(1, 1, 3, &[1, 2, 3])?;
/// let file = png::encode(&img, &png::EncodeOptions::new());
/// let opts = png::DecodeOptions::new();
/// assert_eq!(decode_image(&file, &opts)?.data(), &[1, 2, 3]);
/// assert_eq!(
///     decode_image(b"GIF89a...", &opts),
///     Err(Error::Unsupported(UnsupportedFormat::Other("GIF")))
/// );
/// # Ok::<(), Error>(())
/// ```
pub fn decode_image(bytes: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, Error> {
    if bytes.starts_with(&crate::png::SIGNATURE) {
        return Ok(crate::png::decode_with(bytes, opts)?);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        #[cfg(feature = "jpeg")]
        return Ok(crate::jpeg::decode_with(bytes, opts)?);
        #[cfg(not(feature = "jpeg"))]
        return Err(Error::Unsupported(UnsupportedFormat::JpegFeatureOff));
    }
    Err(Error::Unsupported(identify(bytes)))
}

fn identify(bytes: &[u8]) -> UnsupportedFormat {
    for (sig, name) in OTHERS {
        if bytes.starts_with(sig) {
            return UnsupportedFormat::Other(name);
        }
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return UnsupportedFormat::Other("WebP");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return UnsupportedFormat::Other(match &bytes[8..12] {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"mif1" => "HEIF",
            _ => "ISO media (MP4, MOV...)",
        });
    }
    if bytes.len() >= 2 && bytes[0] == b'P' && (b'1'..=b'7').contains(&bytes[1]) {
        return UnsupportedFormat::Other("netpbm");
    }
    if bytes.starts_with(b"\x89PNG") {
        return UnsupportedFormat::Other("damaged PNG signature");
    }
    let mut head = [0u8; 8];
    let len = bytes.len().min(8);
    head[..len].copy_from_slice(&bytes[..len]);
    UnsupportedFormat::Unknown {
        head,
        len: len as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_it_finds() {
        let opts = DecodeOptions::new();
        let unsupported = |b: &[u8]| match decode_image(b, &opts) {
            Err(Error::Unsupported(u)) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!(unsupported(b"GIF89a"), UnsupportedFormat::Other("GIF"));
        assert_eq!(
            unsupported(b"RIFF\0\0\0\0WEBPVP8 "),
            UnsupportedFormat::Other("WebP")
        );
        assert_eq!(
            unsupported(b"\0\0\0\x1cftypavif"),
            UnsupportedFormat::Other("AVIF")
        );
        assert_eq!(
            unsupported(b"abc"),
            UnsupportedFormat::Unknown {
                head: *b"abc\0\0\0\0\0",
                len: 3
            }
        );
        let e = unsupported(b"");
        assert_eq!(
            std::format!("{e}"),
            "neither PNG nor JPEG (starts with nothing: empty input)"
        );
        let e = unsupported(b"\x01\x02");
        assert_eq!(
            std::format!("{e}"),
            "neither PNG nor JPEG (starts with 01 02)"
        );
        #[cfg(not(feature = "jpeg"))]
        assert_eq!(
            unsupported(b"\xFF\xD8\xFF\xE0"),
            UnsupportedFormat::JpegFeatureOff
        );
    }
}
