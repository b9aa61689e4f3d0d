//! PNG straight into base64, and base64 straight back to pixels.

use alloc::string::String;
use alloc::vec::Vec;

use super::{encode_to_sink, EncodeOptions, Sink};
use crate::base64::{Base64, Encoder};
use crate::image::{Image, ImageBuf};
use crate::Error;

/// A [`Sink`] that base64-encodes what it is given onto a byte buffer,
/// carrying the 0-2 bytes of an unfinished group between writes: the PNG
/// never exists whole in memory, only its base64 does.
pub(crate) struct Base64Sink {
    enc: Encoder,
    out: Vec<u8>,
}

impl Base64Sink {
    pub(crate) fn new(config: &Base64, out: Vec<u8>) -> Self {
        Base64Sink {
            enc: Encoder::new(config),
            out,
        }
    }

    /// Writes the last group (and padding) and returns the text.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        let at = self.out.len();
        self.out.resize(at + 4, 0);
        let n = self
            .enc
            .finish(&mut self.out[at..])
            .expect("4 bytes hold any final group");
        self.out.truncate(at + n);
        self.out
    }
}

impl Sink for Base64Sink {
    fn write(&mut self, bytes: &[u8]) {
        // Whole groups of (held + new) bytes, plus one group of slack.
        let room = (bytes.len() / 3 + 2) * 4;
        let at = self.out.len();
        self.out.resize(at + room, 0);
        let (consumed, written) = self.enc.encode(bytes, &mut self.out[at..]);
        debug_assert_eq!(consumed, bytes.len());
        self.out.truncate(at + written);
    }
}

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
    String::from_utf8(sink.finish()).expect("base64 is ASCII")
}

/// Base64 text (in `config`'s rules; `FORGIVING` takes wrapped text) of a
/// PNG, back to pixels, with the default [`DecodeOptions`](super::DecodeOptions)
/// (limits on).
pub fn decode_base64(text: impl AsRef<[u8]>, config: &Base64) -> Result<ImageBuf, Error> {
    let png = config.decode(text)?;
    Ok(super::decode(&png)?)
}
