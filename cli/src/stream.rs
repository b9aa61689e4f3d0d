//! Streaming base64 and `data:` URI encoding and decoding of any bytes, in
//! constant memory.

use std::io::{self, BufRead, BufReader, Read, Write};

use pixb64::base64::{Base64, DecodeError, DecoderReader, EncoderWriter, LineEnding, FORGIVING};
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
        let url_safe = config.alphabet() == pixb64::base64::Alphabet::UrlSafe;
        let pad_optional = config.decode_padding() != pixb64::base64::DecodePadding::Required;
        return Ok(Box::new(Lenient::new(r, url_safe, pad_optional)));
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
    let body = UrlBody::new(r);
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
    /// Decoded bytes not yet handed out.
    ready: Vec<u8>,
    at: usize,
    fragment: bool,
    eof: bool,
}

impl<R: BufRead> UrlBody<R> {
    fn new(inner: R) -> Self {
        UrlBody {
            inner,
            held: Vec::new(),
            pct: Vec::new(),
            ready: Vec::new(),
            at: 0,
            fragment: false,
            eof: false,
        }
    }

    /// Feeds one byte of the (URL-level cleaned) body to the percent-decoder.
    fn percent(&mut self, b: u8) {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match self.pct.len() {
            0 if b == b'%' => self.pct.push(b),
            0 => self.ready.push(b),
            1 if hex(b).is_some() => self.pct.push(b),
            2 if hex(b).is_some() => {
                let v = (hex(self.pct[1]).unwrap_or(0) << 4) | hex(b).unwrap_or(0);
                self.ready.push(v);
                self.pct.clear();
            }
            _ => {
                // Not `%XX`: the pending bytes are literal; `b` starts afresh.
                let pending = std::mem::take(&mut self.pct);
                self.ready.extend_from_slice(&pending);
                self.percent(b);
            }
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.ready.clear();
        self.at = 0;
        while self.ready.is_empty() && !self.eof {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                self.eof = true;
                // Held trailing C0/space bytes are stripped; a pending `%`
                // sequence is literal.
                let pending = std::mem::take(&mut self.pct);
                self.ready.extend_from_slice(&pending);
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
                        self.percent(h);
                    }
                    self.percent(b);
                }
            }
            if self.fragment {
                // Everything after '#' is dropped; so are C0/space bytes
                // before it only if they end the URL, which they do not.
                let held = std::mem::take(&mut self.held);
                for h in held {
                    self.percent(h);
                }
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Read for UrlBody<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.ready.len() {
            self.refill()?;
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
/// over a stream. Bytes outside the alphabet and `=` are discarded; a `=`
/// counts only once two or more symbols of a group of 4 are in, and once the
/// padding completes that group, decoding stops and the rest of the input is
/// ignored; non-zero trailing bits are accepted. At the end, a group cut
/// after 1 symbol is an error, and one cut after 2 or 3 without its padding
/// is too (`Incorrect padding`) unless `pad_optional` (`--no-pad`). With the
/// URL-safe alphabet, `-` and `_` read as `+` and `/` first, as
/// `base64.urlsafe_b64decode` does (so `+` and `/` are read too).
pub struct Lenient<R> {
    inner: R,
    url_safe: bool,
    pad_optional: bool,
    /// Symbols of the standard alphabet not yet decoded (fewer than 4
    /// between reads).
    syms: Vec<u8>,
    /// `=` bytes counted since the last symbol (Python's `pads`).
    pads: usize,
    /// Data characters seen (for Python's "1 more than a multiple of 4").
    count: u64,
    /// Decoded bytes not yet handed out.
    ready: Vec<u8>,
    at: usize,
    done: bool,
    buf: Vec<u8>,
}

/// Why `--lenient` input does not decode, in Python's words.
#[derive(Debug)]
pub struct LenientError(pub String);

impl std::fmt::Display for LenientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LenientError {}

impl<R: Read> Lenient<R> {
    pub fn new(inner: R, url_safe: bool, pad_optional: bool) -> Self {
        Lenient {
            inner,
            url_safe,
            pad_optional,
            syms: Vec::new(),
            pads: 0,
            count: 0,
            ready: Vec::new(),
            at: 0,
            done: false,
            buf: vec![0; DECODE_READ],
        }
    }

    /// Decodes the whole groups of `syms` (all symbols: exact, no padding).
    fn decode_groups(&mut self) {
        let whole = self.syms.len() / 4 * 4;
        let start = self.ready.len();
        self.ready.resize(start + whole / 4 * 3, 0);
        let n = pixb64::base64::STANDARD
            .decode_to_slice(&self.syms[..whole], &mut self.ready[start..])
            .expect("whole groups of alphabet symbols");
        debug_assert_eq!(n, whole / 4 * 3);
        self.syms.drain(..whole);
    }

    /// Decodes the last, partial group (2 or 3 symbols), its unused bits ignored.
    fn decode_tail(&mut self) {
        let tail = pixb64::base64::STANDARD
            .with_decode_padding(pixb64::base64::DecodePadding::Optional)
            .with_trailing_bits_allowed(true)
            .decode(&self.syms)
            .expect("2 or 3 alphabet symbols");
        self.ready.extend_from_slice(&tail);
        self.syms.clear();
    }

    fn refill(&mut self) -> io::Result<()> {
        self.ready.clear();
        self.at = 0;
        while self.ready.is_empty() && !self.done {
            let n = read_some(&mut self.inner, &mut self.buf)?;
            if n == 0 {
                self.done = true;
                let error = match self.syms.len() {
                    0 => None,
                    1 => Some(format!(
                        "the number of data characters ({}) is 1 more than a multiple of 4 (Python: Invalid base64-encoded string)",
                        self.count
                    )),
                    _ if self.pad_optional => None,
                    k => Some(format!(
                        "incorrect padding: the last group has {k} symbols and no '=' to complete it (Python: Incorrect padding; --no-pad accepts it)"
                    )),
                };
                if let Some(msg) = error {
                    self.syms.clear();
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        LenientError(msg),
                    ));
                }
                if !self.syms.is_empty() {
                    self.decode_tail();
                }
                break;
            }
            for i in 0..n {
                let mut b = self.buf[i];
                if self.url_safe {
                    b = match b {
                        b'-' => b'+',
                        b'_' => b'/',
                        b => b,
                    };
                }
                if b == b'=' {
                    let quad = self.syms.len() % 4;
                    if quad >= 2 {
                        self.pads += 1;
                        if quad + self.pads >= 4 {
                            // The padding ends the data: the rest is ignored.
                            self.done = true;
                            break;
                        }
                    }
                } else if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
                    self.syms.push(b);
                    self.count += 1;
                    self.pads = 0;
                }
            }
            self.decode_groups();
            if self.done && !self.syms.is_empty() {
                self.decode_tail();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Lenient<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.ready.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.ready.len() - self.at);
        buf[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
