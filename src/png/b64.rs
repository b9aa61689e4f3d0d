//! PNG straight into base64, and base64 straight back to pixels.

use alloc::string::String;
use alloc::vec::Vec;

use super::{encode_to_sink, EncodeOptions, Sink};
use crate::base64::{Base64, Encoder};
use crate::image::{Image, ImageBuf};
use crate::Error;

/// A [`Sink`] that base64-encodes what it is given into an inner sink,
/// carrying the 0-2 bytes of an unfinished group between writes, with no
/// allocation: the PNG never exists whole, only its base64 does (or not
/// even that, with a sink that sends it on).
///
/// The inner sink gets the text in pieces of at most 1 KiB (a buffer held
/// in the value). [`finish`](Self::finish) writes the last group and its
/// padding and returns the inner sink. For a `data:` URI, write
/// `data:image/png;base64,` to the inner sink first.
///
/// ```
/// use pixb64::base64::STANDARD;
/// use pixb64::png::{Base64Sink, Sink};
/// let mut s = Base64Sink::new(&STANDARD, Vec::new());
/// s.write(b"fo");
/// s.write(b"ob");
/// assert_eq!(s.finish(), b"Zm9vYg==");
/// ```
pub struct Base64Sink<S: Sink> {
    enc: Encoder,
    inner: S,
    buf: [u8; 1024],
}

impl<S: Sink> Base64Sink<S> {
    /// A sink writing `config`'s alphabet and padding into `inner`.
    pub fn new(config: &Base64, inner: S) -> Self {
        Base64Sink {
            enc: Encoder::new(config),
            inner,
            buf: [0; 1024],
        }
    }

    /// The inner sink.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Writes the last group (and padding) and returns the inner sink.
    pub fn finish(mut self) -> S {
        let mut tail = [0u8; 4];
        // Four bytes hold any final group.
        let n = self.enc.finish(&mut tail).unwrap_or(0);
        self.inner.write(&tail[..n]);
        self.inner
    }
}

impl<S: Sink> Sink for Base64Sink<S> {
    fn write(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (consumed, written) = self.enc.encode(bytes, &mut self.buf);
            self.inner.write(&self.buf[..written]);
            bytes = &bytes[consumed..];
        }
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
    String::from_utf8(sink.finish()).unwrap_or_default()
}

/// Base64 text (in `config`'s rules; `FORGIVING` takes wrapped text) of a
/// PNG, back to pixels, with the default [`DecodeOptions`](super::DecodeOptions)
/// (limits on).
pub fn decode_base64(text: impl AsRef<[u8]>, config: &Base64) -> Result<ImageBuf, Error> {
    let png = config.decode(text)?;
    Ok(super::decode(&png)?)
}
