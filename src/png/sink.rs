//! Where encoded bytes go: the [`Sink`] trait, and [`Base64Sink`], which
//! turns a PNG into base64 text on the way out. Neither allocates.

use crate::base64::{Base64, Encoder};

/// Where encoded bytes go: a `Vec<u8>`, an `io::Write` adapter, or a base64
/// encoder. Infallible on purpose: an `io::Write` adapter records the first
/// error and drops later writes, and the caller checks it at the end, so the
/// engines carry no error paths.
///
/// The method is `put`, not `write`: on a `Vec<u8>` with `std::io::Write`
/// in scope, a `write` would be ambiguous with `io::Write::write`.
pub trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        (**self).put(bytes);
    }
}

/// A [`Sink`] that base64-encodes what it is given into an inner sink,
/// carrying the 0-2 bytes of an unfinished group between writes, with no
/// allocation: the PNG never exists whole, only its base64 does (or not
/// even that, with a sink that sends it on).
///
/// The inner sink gets the text in pieces of at most 1 KiB (a buffer held
/// in the value; 128 bytes in the small form). [`finish`](Self::finish) writes the last group and its
/// padding and returns the inner sink. For a `data:` URI, write
/// `data:image/png;base64,` to the inner sink first.
///
/// ```
/// use pixb64::base64::STANDARD;
/// use pixb64::png::{Base64Sink, Sink};
/// let mut s = Base64Sink::new(&STANDARD, Vec::new());
/// s.put(b"fo");
/// s.put(b"ob");
/// assert_eq!(s.finish(), b"Zm9vYg==");
/// ```
pub struct Base64Sink<S: Sink> {
    enc: Encoder,
    inner: S,
    buf: [u8; TEXT_BUF],
}

/// The text buffer: 1 KiB on hosts; 128 bytes in the small form
/// (`pixb64_small`), where the sink lives on a microcontroller's stack.
#[cfg(not(pixb64_small))]
const TEXT_BUF: usize = 1024;
#[cfg(pixb64_small)]
const TEXT_BUF: usize = 128;

impl<S: Sink> Base64Sink<S> {
    /// A sink writing `config`'s alphabet and padding into `inner`.
    pub fn new(config: &Base64, inner: S) -> Self {
        Base64Sink {
            enc: Encoder::new(config),
            inner,
            buf: [0; TEXT_BUF],
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
        self.inner.put(&tail[..n]);
        self.inner
    }
}

impl<S: Sink> Sink for Base64Sink<S> {
    fn put(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (consumed, written) = self.enc.encode(bytes, &mut self.buf);
            self.inner.put(&self.buf[..written]);
            bytes = &bytes[consumed..];
        }
    }
}
