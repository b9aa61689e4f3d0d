//! PNG straight into base64, and base64 straight back to pixels.

use alloc::string::String;
use alloc::vec::Vec;

#[cfg(feature = "png")]
use super::DecodeOptions;
use super::{encode_to_sink, Base64Sink, EncodeOptions};
use crate::base64::Base64;
use crate::image::Image;
#[cfg(feature = "png")]
use crate::{image::ImageBuf, Error};

/// `img` as PNG, as base64 text in `config`'s alphabet and padding, without
/// a second full-size buffer: the PNG writer feeds the encoder chunk by chunk.
///
/// ```
/// use pixb64::{base64::STANDARD, png, Image};
/// let px = [0u8, 64, 128, 255];
/// let img = Image::new(2, 2, 1, &px).unwrap();
/// let text = png::encode_base64(&img, &png::EncodeOptions::new(), &STANDARD);
/// assert!(text.starts_with("iVBORw0KGgo")); // the PNG signature in base64
/// # #[cfg(feature = "png")] {
/// let back = png::decode_base64(&text, &STANDARD).unwrap();
/// assert_eq!(back.data(), &px);
/// # }
/// ```
pub fn encode_base64(img: &Image<'_>, opts: &EncodeOptions, config: &Base64) -> String {
    // The PNG writer's own first guess of its size, in base64 symbols.
    let hint = super::encode::size_hint(img, opts.level());
    let mut sink = Base64Sink::new(config, Vec::with_capacity(hint / 3 * 4 + 8));
    encode_to_sink(img, opts, &mut sink);
    // Base64 symbols and padding are ASCII.
    String::from_utf8(sink.finish()).unwrap_or_default()
}

/// Base64 text of a PNG (or, with the `jpeg` feature, a JPEG) back to
/// pixels, with the default [`DecodeOptions`] (limits on): see
/// [`decode_base64_with`].
#[cfg(feature = "png")]
pub fn decode_base64(text: impl AsRef<[u8]>, config: &Base64) -> Result<ImageBuf, Error> {
    decode_base64_with(text, config, &DecodeOptions::new())
}

/// Base64 text in `config`'s alphabet and padding rules, of a PNG or (with
/// the `jpeg` feature) a JPEG, back to pixels with `opts`
/// ([`crate::decode_image`]).
///
/// Read the way Python's `base64.b64decode` reads it, whatever `config`
/// says about these two: ASCII whitespace (space, TAB, LF, FF, CR) is
/// skipped anywhere in the text, so line-wrapped base64 (MIME's 76 columns,
/// PEM's 64), CRLF line ends and the newline `pixb64 encode` writes all
/// decode; non-zero bits after the last byte are ignored. Python's default
/// mode also discards every other byte outside the alphabet (vertical tab
/// among them) and surplus or misplaced `=` (`abcd==`, `abc=d`); pixb64
/// rejects those with the offset of the first one
/// (`tests/decode_base64_python.rs` compares with Python).
#[cfg(feature = "png")]
pub fn decode_base64_with(
    text: impl AsRef<[u8]>,
    config: &Base64,
    opts: &DecodeOptions,
) -> Result<ImageBuf, Error> {
    let bytes = config
        .with_whitespace_skipped(true)
        .with_trailing_bits_allowed(true)
        .decode(text)?;
    crate::decode_image(&bytes, opts)
}
