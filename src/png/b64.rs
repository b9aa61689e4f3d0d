//! PNG straight into base64, and base64 straight back to pixels.

use alloc::string::String;
use alloc::vec::Vec;

use super::{encode_to_sink, Base64Sink, EncodeOptions};
use crate::base64::Base64;
use crate::image::{Image, ImageBuf};
use crate::Error;

/// `img` as PNG, as base64 text in `config`'s alphabet and padding, without
/// a second full-size buffer: the PNG writer feeds the encoder chunk by chunk.
///
/// ```
/// use pixb64::{base64::STANDARD, png, Image};
/// let px = [0u8, 64, 128, 255];
/// let img = Image::new(2, 2, 1, &px).unwrap();
/// let text = png::encode_base64(&img, &png::EncodeOptions::new(), &STANDARD);
/// assert!(text.starts_with("iVBORw0KGgo")); // the PNG signature in base64
/// let back = png::decode_base64(&text, &STANDARD).unwrap();
/// assert_eq!(back.data(), &px);
/// ```
pub fn encode_base64(img: &Image<'_>, opts: &EncodeOptions, config: &Base64) -> String {
    // The PNG writer's own first guess of its size, in base64 symbols.
    let hint = super::encode::size_hint(img, opts.level());
    let mut sink = Base64Sink::new(config, Vec::with_capacity(hint / 3 * 4 + 8));
    encode_to_sink(img, opts, &mut sink);
    // Base64 symbols and padding are ASCII.
    String::from_utf8(sink.finish()).unwrap_or_default()
}

/// Base64 text (in `config`'s rules; `FORGIVING` takes wrapped text) of a
/// PNG, back to pixels, with the default [`DecodeOptions`](super::DecodeOptions)
/// (limits on).
pub fn decode_base64(text: impl AsRef<[u8]>, config: &Base64) -> Result<ImageBuf, Error> {
    let png = config.decode(text)?;
    Ok(super::decode(&png)?)
}
