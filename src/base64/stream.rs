//! Streaming adapters over `std::io`, in constant memory.

use std::boxed::Box;
use std::io::{self, Read, Write};
use std::vec;
use std::vec::Vec;

use super::{Base64, Decoder, Encoder, LineEnding};

/// Input bytes taken per `write`: a multiple of 3, so that with the 0-2 bytes
/// the [`Encoder`] holds they make at most `ENCODE_CHUNK / 3` whole groups.
const ENCODE_CHUNK: usize = 6 * 1024;
const ENCODE_SYMBOLS: usize = ENCODE_CHUNK / 3 * 4;

/// An [`io::Write`] adapter that base64-encodes everything written to it into
/// the inner writer, optionally as wrapped lines.
///
/// Call [`finish`](Self::finish) at the end: it writes the last group and its
/// padding, flushes, returns the inner writer and reports errors. An encoder
/// dropped without `finish` does the same on drop (as `base64`'s
/// `EncoderWriter` does) but can only ignore an error there.
///
/// ```
/// use std::io::Write;
/// use pixb64::base64::{EncoderWriter, STANDARD};
/// let mut enc = EncoderWriter::new(Vec::new(), &STANDARD);
/// enc.write_all(b"foo").unwrap();
/// enc.write_all(b"ba").unwrap();
/// assert_eq!(enc.finish().unwrap(), b"Zm9vYmE=");
/// ```
#[derive(Debug)]
pub struct EncoderWriter<W: Write> {
    /// `None` only once [`finish`](Self::finish) has taken it.
    inner: Option<W>,
    /// The groups, and the 0-2 input bytes of an unfinished one.
    enc: Encoder,
    symbols: Box<[u8]>,
    wrapped: Vec<u8>,
    line_len: usize,
    ending: LineEnding,
    column: usize,
}

impl<W: Write> EncoderWriter<W> {
    /// An encoder writing `config`'s encoding of the input to `inner`.
    pub fn new(inner: W, config: &Base64) -> EncoderWriter<W> {
        EncoderWriter {
            inner: Some(inner),
            enc: Encoder::new(config),
            symbols: vec![0u8; ENCODE_SYMBOLS + 4].into_boxed_slice(),
            wrapped: Vec::new(),
            line_len: 0,
            ending: LineEnding::Lf,
            column: 0,
        }
    }

    /// Wraps the output in lines of `line_len` symbols separated by `ending`,
    /// exactly like [`Base64::encode_wrapped`] (`0`: no wrapping).
    pub fn with_wrap(mut self, line_len: usize, ending: LineEnding) -> EncoderWriter<W> {
        self.line_len = line_len;
        self.ending = ending;
        if let Some(lines) = ENCODE_SYMBOLS.checked_div(line_len) {
            self.wrapped = Vec::with_capacity(ENCODE_SYMBOLS + 4 + (lines + 2) * 2);
        }
        self
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        // Some until `finish`, which consumes `self`.
        self.inner
            .as_ref()
            .expect("inner writer present until finish")
    }

    /// Writes the last group (with padding) and returns the inner writer,
    /// after flushing it.
    pub fn finish(mut self) -> io::Result<W> {
        self.write_rest()?;
        self.inner
            .take()
            .ok_or_else(|| io::Error::other("encoder already finished"))
    }

    /// Writes the pending partial group (with padding) and flushes.
    fn write_rest(&mut self) -> io::Result<()> {
        let n = self
            .enc
            .finish(&mut self.symbols)
            .map_err(io::Error::other)?;
        // Written once: a `finish` that failed below and a drop after it
        // must not write the tail again.
        self.enc.clear_pending();
        self.emit(n)?;
        self.inner_mut()?.flush()
    }

    fn inner_mut(&mut self) -> io::Result<&mut W> {
        self.inner
            .as_mut()
            .ok_or_else(|| io::Error::other("encoder already finished"))
    }

    /// Writes `self.symbols[..n]` to the inner writer, wrapped if asked.
    fn emit(&mut self, n: usize) -> io::Result<()> {
        let Some(inner) = self.inner.as_mut() else {
            return Err(io::Error::other("encoder already finished"));
        };
        if self.line_len == 0 {
            return inner.write_all(&self.symbols[..n]);
        }
        self.wrapped.clear();
        let mut rest = &self.symbols[..n];
        while !rest.is_empty() {
            if self.column == self.line_len {
                self.wrapped.extend_from_slice(self.ending.as_bytes());
                self.column = 0;
            }
            let take = rest.len().min(self.line_len - self.column);
            self.wrapped.extend_from_slice(&rest[..take]);
            self.column += take;
            rest = &rest[take..];
        }
        inner.write_all(&self.wrapped)
    }
}

impl<W: Write> Drop for EncoderWriter<W> {
    /// Finishes an encoder that was not finished (errors are lost here;
    /// call [`finish`](EncoderWriter::finish) to see them). Nothing is
    /// written while the thread is panicking.
    fn drop(&mut self) {
        if self.inner.is_some() && !std::thread::panicking() {
            let _ = self.write_rest();
        }
    }
}

impl<W: Write> Write for EncoderWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // At most ENCODE_CHUNK bytes a call, which `symbols` always has room
        // for: the encoder takes them all and holds back a short remainder.
        let take = data.len().min(ENCODE_CHUNK);
        let before = self.enc.clone();
        let (consumed, n) = self.enc.encode(&data[..take], &mut self.symbols);
        debug_assert_eq!(consumed, take);
        if let Err(e) = self.emit(n) {
            // Nothing of `data` counts as written: hold back no byte of it.
            self.enc = before;
            return Err(e);
        }
        Ok(consumed)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner_mut()?.flush()
    }
}

const DECODE_IN: usize = 32 * 1024;
const DECODE_OUT: usize = 24 * 1024;

/// An [`io::Read`] adapter that decodes base64 read from the inner reader.
///
/// Bytes and errors are exactly those of [`Base64::decode_to_slice`] on the
/// whole input; an error is an [`io::ErrorKind::InvalidData`] whose inner error
/// is the [`DecodeError`](super::DecodeError), with offsets from the start of
/// the stream. For line-wrapped input use a codec that skips whitespace
/// ([`Base64::with_whitespace_skipped`], or [`FORGIVING`](super::FORGIVING)).
///
/// ```
/// use std::io::Read;
/// use pixb64::base64::{DecoderReader, STANDARD};
/// let wrapped = STANDARD.with_whitespace_skipped(true);
/// let mut out = Vec::new();
/// DecoderReader::new(&b"Zm9v\nYmE=\n"[..], &wrapped).read_to_end(&mut out).unwrap();
/// assert_eq!(out, b"fooba");
/// ```
#[derive(Debug)]
pub struct DecoderReader<R: Read> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecoderReader<R> {
    /// A reader decoding `config`'s base64 from `inner`.
    pub fn new(inner: R, config: &Base64) -> DecoderReader<R> {
        DecoderReader {
            inner,
            decoder: Decoder::new(config),
            input: vec![0u8; DECODE_IN].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            output: vec![0u8; DECODE_OUT].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }

    /// The inner reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Returns the inner reader. Input read ahead and not yet decoded is lost.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

fn invalid(e: super::DecodeError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl<R: Read> Read for DecoderReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            if self.in_start < self.in_end {
                let pending = &self.input[self.in_start..self.in_end];
                // Large reads decode straight into the caller's buffer.
                if buf.len() >= 64 {
                    let (c, w) = self.decoder.decode(pending, buf).map_err(invalid)?;
                    self.in_start += c;
                    if w > 0 {
                        return Ok(w);
                    }
                    continue;
                }
                let (c, w) = self
                    .decoder
                    .decode(pending, &mut self.output)
                    .map_err(invalid)?;
                self.in_start += c;
                self.out_start = 0;
                self.out_end = w;
                continue;
            }
            // Input ended: check its end and hand out the last bytes.
            let n = self.decoder.finish(&mut self.output).map_err(invalid)?;
            self.finished = true;
            self.out_start = 0;
            self.out_end = n;
        }
    }
}
