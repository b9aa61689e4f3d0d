//! Streaming base64 and `data:` URI encoding and decoding of any bytes, in
//! constant memory.

use std::io::{self, BufRead, BufReader, Read, Write};

use pixb64::base64::{
    Base64, DecodeError, DecoderReader, EncoderWriter, LineEnding, Python, PythonDecoder,
    PythonError, FORGIVING, PYTHON, PYTHON_URL_SAFE,
};
use pixb64::data_uri;

use crate::files::read_some;
use crate::{sniff, Failure};

/// Bytes read from the input per `encode` round: a multiple of 3.
const ENCODE_READ: usize = 96 * 1024;
/// Buffer the decoded bytes are read into.
const DECODE_READ: usize = 64 * 1024;
/// The longest `data:` header (everything before the first `,`) accepted.
const MAX_HEADER: usize = 64 * 1024;

/// How `encode` writes its output.
pub struct EncodeStyle {
    pub config: Base64,
    /// Line length in symbols (0: one line).
    pub wrap: usize,
    /// `Some(mime)`: a `data:` URI; `Some(None)`: with the MIME type sniffed.
    pub data_uri: Option<Option<String>>,
}

/// Encodes everything `input` yields into `out`, then one newline.
pub fn encode(
    input: &mut dyn Read,
    in_name: &str,
    out: &mut dyn Write,
    out_name: &str,
    style: &EncodeStyle,
) -> Result<(), Failure> {
    let werr = |e| Failure::io(format!("cannot write {out_name}"), e);
    let rerr = |e| Failure::io(format!("cannot read {in_name}"), e);
    let mut buf = vec![0u8; ENCODE_READ];
    // The first read decides a sniffed MIME type (and is then encoded).
    let mut n = read_full(input, &mut buf).map_err(rerr)?;
    if let Some(mime) = &style.data_uri {
        let mime = mime
            .clone()
            .unwrap_or_else(|| sniff::mime(&buf[..n]).to_owned());
        write!(out, "data:{mime};base64,").map_err(werr)?;
    }
    let mut enc = EncoderWriter::new(&mut *out, &style.config);
    if style.wrap > 0 {
        enc = enc.with_wrap(style.wrap, LineEnding::Lf);
    }
    while n > 0 {
        enc.write_all(&buf[..n]).map_err(werr)?;
        n = read_some(input, &mut buf).map_err(rerr)?;
    }
    let out = enc.finish().map_err(werr)?;
    out.write_all(b"\n").map_err(werr)
}

/// Fills `buf` as far as the input goes (for sniffing the first bytes).
pub fn read_full(input: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read_some(input, &mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A reader of the decoded bytes of `input`: base64 in `config`'s alphabet
/// (whitespace anywhere is skipped), or, if the input starts with `data:`
/// (case-insensitive, after leading C0 controls and spaces), the body of that
/// `data:` URI as the WHATWG data: URL processor gives it. With `lenient`,
/// plain base64 is read as Python's `b64decode` reads it ([`Lenient`]).
/// `name` names the input in errors.
pub fn decoder<'a>(
    input: Box<dyn Read + 'a>,
    config: &Base64,
    lenient: bool,
    name: &str,
) -> Result<Box<dyn Read + 'a>, Failure> {
    let mut r = BufReader::with_capacity(DECODE_READ, input);
    let peek = r
        .fill_buf()
        .map_err(|e| Failure::io(format!("cannot read {name}"), e))?;
    let start = peek.iter().position(|&b| b > b' ').unwrap_or(peek.len());
    let is_uri = peek.len() >= start + 5 && peek[start..start + 5].eq_ignore_ascii_case(b"data:");
    if !is_uri && lenient {
        let rules = if config.alphabet() == pixb64::base64::Alphabet::UrlSafe {
            PYTHON_URL_SAFE
        } else {
            PYTHON
        };
        let pad_optional = config.decode_padding() != pixb64::base64::DecodePadding::Required;
        let lenient = Lenient::new(r, rules.with_padding_optional(pad_optional));
        return Ok(Box::new(Batched::new(lenient)));
    }
    if !is_uri {
        let dec = DecoderReader::new(r, &config.with_whitespace_skipped(true));
        return Ok(Box::new(dec));
    }
    // The header: everything up to the first ','.
    let mut header = Vec::new();
    loop {
        let chunk = r
            .fill_buf()
            .map_err(|e| Failure::io(format!("cannot read {name}"), e))?;
        if chunk.is_empty() {
            return Err(uri_failure(&data_uri::DataUriError::MissingComma, name));
        }
        match chunk.iter().position(|&b| b == b',') {
            Some(i) => {
                header.extend_from_slice(&chunk[..i]);
                r.consume(i + 1);
                break;
            }
            None => {
                header.extend_from_slice(chunk);
                let n = chunk.len();
                r.consume(n);
                if header.len() > MAX_HEADER {
                    return Err(Failure::Invalid(format!(
                        "data: URL in {name}: no ',' in its first {MAX_HEADER} bytes"
                    )));
                }
            }
        }
    }
    // The processor on the header alone gives the MIME type and checks the
    // URL part; the body streams (its URL-level rules are applied below).
    let mut probe = String::from_utf8_lossy(&header).into_owned();
    probe.push(',');
    data_uri::decode(&probe).map_err(|e| uri_failure(&e, name))?;
    let body = Batched::new(UrlBody::new(r));
    if is_base64(&header) {
        Ok(Box::new(UriBase64(DecoderReader::new(body, &FORGIVING))))
    } else {
        Ok(Box::new(body))
    }
}

/// A bad `data:` URL, named, without the library's words repeated
/// ("data: URL in stdin: no ',' before its body").
pub fn uri_failure(e: &data_uri::DataUriError, name: &str) -> Failure {
    use data_uri::DataUriError::*;
    let detail = match e {
        MissingComma => "no ',' before its body".to_owned(),
        InvalidBase64(d) => {
            return Failure::Decode {
                err: *d,
                input: name.to_owned(),
                uri_body: true,
            }
        }
        e => e.to_string(),
    };
    Failure::Invalid(format!("data: URL in {name}: {detail}"))
}

/// The base64 body of a `data:` URL: its decode errors marked as such, for
/// [`read_failure`].
struct UriBase64<R>(R);

/// A base64 error in a `data:` URL's body (offsets from after the `,`).
#[derive(Debug)]
struct UriBodyError(DecodeError);

impl std::fmt::Display for UriBodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UriBodyError {}

impl<R: Read> Read for UriBase64<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            match e.get_ref().and_then(|i| i.downcast_ref::<DecodeError>()) {
                Some(d) if e.kind() == io::ErrorKind::InvalidData => {
                    io::Error::new(io::ErrorKind::InvalidData, UriBodyError(*d))
                }
                _ => e,
            }
        })
    }
}

/// Whether a `data:` header marks a base64 body: after the scheme, without
/// tabs and newlines, trimmed of ASCII whitespace, it ends with `;`, zero or
/// more spaces and `base64` (any case).
fn is_base64(header: &[u8]) -> bool {
    let h: Vec<u8> = header
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .collect();
    let Some(colon) = h.iter().position(|&b| b == b':') else {
        return false;
    };
    let ws = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    let mut m = &h[colon + 1..];
    while let [rest @ .., last] = m {
        if ws(last) {
            m = rest;
        } else {
            break;
        }
    }
    if m.len() < 6 || !m[m.len() - 6..].eq_ignore_ascii_case(b"base64") {
        return false;
    }
    let mut end = m.len() - 6;
    while end > 0 && m[end - 1] == b' ' {
        end -= 1;
    }
    end > 0 && m[end - 1] == b';'
}

/// The body of a `data:` URL, streamed: tabs and newlines dropped (the URL
/// parser removes them), everything from `#` on dropped (the fragment),
/// trailing C0 controls and spaces dropped (the URL parser strips them), and
/// `%XX` percent-decoded. (Bytes the URL serializer would percent-encode
/// come back unchanged from the percent-decoding, so they pass as they are.)
struct UrlBody<R> {
    inner: R,
    /// C0 controls and spaces held back: dropped if nothing follows them.
    held: Vec<u8>,
    /// A pending `%` and up to one hex digit.
    pct: Vec<u8>,
    fragment: bool,
    eof: bool,
}

impl<R: BufRead> UrlBody<R> {
    fn new(inner: R) -> Self {
        UrlBody {
            inner,
            held: Vec::new(),
            pct: Vec::new(),
            fragment: false,
            eof: false,
        }
    }

    /// Feeds one byte of the (URL-level cleaned) body to the percent-decoder,
    /// which appends what it decodes to `ready`.
    fn percent(&mut self, b: u8, ready: &mut Vec<u8>) {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match self.pct.len() {
            0 if b == b'%' => self.pct.push(b),
            0 => ready.push(b),
            1 if hex(b).is_some() => self.pct.push(b),
            2 if hex(b).is_some() => {
                let v = (hex(self.pct[1]).unwrap_or(0) << 4) | hex(b).unwrap_or(0);
                ready.push(v);
                self.pct.clear();
            }
            _ => {
                // Not `%XX`: the pending bytes are literal; `b` starts afresh.
                let pending = std::mem::take(&mut self.pct);
                ready.extend_from_slice(&pending);
                self.percent(b, ready);
            }
        }
    }
}

impl<R: BufRead> Batches for UrlBody<R> {
    fn fill(&mut self, ready: &mut Vec<u8>) -> io::Result<()> {
        while ready.is_empty() && !self.eof {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                self.eof = true;
                // Held trailing C0/space bytes are stripped; a pending `%`
                // sequence is literal.
                let pending = std::mem::take(&mut self.pct);
                ready.extend_from_slice(&pending);
                break;
            }
            let chunk = chunk.to_vec();
            self.inner.consume(chunk.len());
            for b in chunk {
                if self.fragment || matches!(b, b'\t' | b'\n' | b'\r') {
                    continue;
                }
                if b == b'#' {
                    self.fragment = true;
                } else if b <= b' ' {
                    self.held.push(b);
                } else {
                    let held = std::mem::take(&mut self.held);
                    for h in held {
                        self.percent(h, ready);
                    }
                    self.percent(b, ready);
                }
            }
            if self.fragment {
                // Everything after '#' is dropped; so are C0/space bytes
                // before it only if they end the URL, which they do not.
                let held = std::mem::take(&mut self.held);
                for h in held {
                    self.percent(h, ready);
                }
            }
        }
        Ok(())
    }
}

/// A source that makes its bytes a batch at a time ([`UrlBody`],
/// [`Lenient`]).
trait Batches {
    /// Appends the next batch to `ready` (given empty); leaving it empty
    /// means the end.
    fn fill(&mut self, ready: &mut Vec<u8>) -> io::Result<()>;
}

/// The `Read` side of a [`Batches`] source: its batches handed out to
/// reads of any size.
struct Batched<S> {
    source: S,
    /// The current batch, and how much of it has been handed out.
    ready: Vec<u8>,
    at: usize,
}

impl<S: Batches> Batched<S> {
    fn new(source: S) -> Self {
        Batched {
            source,
            ready: Vec::new(),
            at: 0,
        }
    }
}

impl<S: Batches> Read for Batched<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.ready.len() {
            self.ready.clear();
            self.at = 0;
            self.source.fill(&mut self.ready)?;
        }
        let n = buf.len().min(self.ready.len() - self.at);
        buf[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Copies the decoded bytes from `dec` to `out`.
pub fn copy_decoded(
    dec: &mut dyn Read,
    in_name: &str,
    out: &mut dyn Write,
    out_name: &str,
) -> Result<(), Failure> {
    let mut buf = vec![0u8; DECODE_READ];
    loop {
        let n = match read_some(dec, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) => return Err(read_failure(e, in_name)),
        };
        out.write_all(&buf[..n])
            .map_err(|e| Failure::io(format!("cannot write {out_name}"), e))?;
    }
}

/// A read error from a decoder: invalid base64, or I/O.
pub fn read_failure(e: io::Error, in_name: &str) -> Failure {
    if e.kind() == io::ErrorKind::InvalidData {
        if let Some(inner) = e.get_ref() {
            if let Some(l) = inner.downcast_ref::<LenientError>() {
                return Failure::Invalid(format!("base64 in {in_name}: {l}"));
            }
            let found = match inner.downcast_ref::<DecodeError>() {
                Some(d) => Some((*d, false)),
                None => inner.downcast_ref::<UriBodyError>().map(|u| (u.0, true)),
            };
            if let Some((err, uri_body)) = found {
                return Failure::Decode {
                    err,
                    input: in_name.to_owned(),
                    uri_body,
                };
            }
        }
    }
    Failure::io(format!("cannot read {in_name}"), e)
}

/// `decode --lenient`: Python's `base64.b64decode(data)` (non-validating)
/// over a stream, by the library's [`PythonDecoder`]: bytes outside the
/// alphabet and `=` discarded, decoding stops at the padding that completes
/// a group (the rest of the input is not read), non-zero trailing bits
/// accepted; an unpadded last group of 2 or 3 symbols is accepted only with
/// `--no-pad`. With `--url-safe`, `urlsafe_b64decode`'s rules.
pub struct Lenient<R> {
    inner: R,
    dec: PythonDecoder,
    /// The input has ended, or the padding has ended the data.
    ended: bool,
    buf: Vec<u8>,
}

/// Why `--lenient` input does not decode, in words that name Python's.
#[derive(Debug)]
pub struct LenientError(pub PythonError);

impl std::fmt::Display for LenientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            PythonError::InvalidLength { symbols, .. } => write!(
                f,
                "the number of data characters ({symbols}) is 1 more than a multiple of 4 (Python: Invalid base64-encoded string)"
            ),
            PythonError::IncorrectPadding { held, .. } => write!(
                f,
                "incorrect padding: the last group has {held} symbols and no '=' to complete it (Python: Incorrect padding; --no-pad accepts it)"
            ),
            // (Not validating: the decoder's other errors do not arise.)
            e => e.fmt(f),
        }
    }
}

impl std::error::Error for LenientError {}

fn lenient_error(e: PythonError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, LenientError(e))
}

impl<R: Read> Lenient<R> {
    pub fn new(inner: R, rules: Python) -> Self {
        Lenient {
            inner,
            dec: PythonDecoder::new(&rules),
            ended: false,
            buf: vec![0; DECODE_READ],
        }
    }
}

impl<R: Read> Batches for Lenient<R> {
    fn fill(&mut self, ready: &mut Vec<u8>) -> io::Result<()> {
        while ready.is_empty() && !self.ended {
            let n = read_some(&mut self.inner, &mut self.buf)?;
            if n == 0 {
                self.ended = true;
                return self.dec.finish().map_err(lenient_error);
            }
            // At most one byte per symbol: room for all of it.
            ready.resize(n, 0);
            let (c, w) = self
                .dec
                .decode(&self.buf[..n], ready)
                .map_err(lenient_error)?;
            debug_assert_eq!(c, n);
            ready.truncate(w);
            self.ended = self.dec.is_done();
        }
        Ok(())
    }
}
