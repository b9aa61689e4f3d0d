//! `data:` URLs: the WHATWG Fetch "data: URL processor", and encoding.
//!
//! [`decode`] follows the Fetch standard's data: URL processor step by step,
//! including the parts of the URL parser and serializer it relies on (leading
//! and trailing C0 controls and spaces stripped, tabs and newlines removed,
//! the fragment dropped, non-ASCII and control bytes percent-encoded), the
//! WHATWG MIME type parser and serializer (lower-cased type, subtype and
//! parameter names, first parameter wins, quoting), percent-decoding of the
//! body, and forgiving-base64 ([`crate::base64::FORGIVING`]) for `;base64`
//! bodies. Every case of the web-platform-tests `data-urls.json` passes (see
//! `tests/data_uri.rs`).
//!
//! Memory: the result is at most the input's length (percent-decoding and
//! base64 only shrink), plus the MIME type; nothing else is allocated from
//! the input.
//!
//! ```
//! use pixb64::data_uri;
//! let uri = data_uri::encode("text/plain", b"hello");
//! assert_eq!(uri, "data:text/plain;base64,aGVsbG8=");
//! let parsed = data_uri::decode(&uri).unwrap();
//! assert_eq!((parsed.essence(), parsed.data()), ("text/plain", &b"hello"[..]));
//! // Percent-encoded bodies and MIME parameters, as browsers read them.
//! let p = data_uri::decode("data:text/plain;charset=US-ASCII,a%20b").unwrap();
//! assert_eq!(p.mime_type(), "text/plain;charset=US-ASCII");
//! assert_eq!(p.data(), b"a b");
//! ```
//!
//! Images, with the `png` feature:
//!
//! ```
//! # #[cfg(feature = "png")] {
//! use pixb64::{data_uri, png::EncodeOptions, Image};
//! let px = [0u8, 85, 170, 255];
//! let img = Image::new(2, 2, 1, &px).unwrap();
//! let uri = data_uri::encode_png(&img, &EncodeOptions::new());
//! assert!(uri.starts_with("data:image/png;base64,iVBORw0KGgo"));
//! assert_eq!(data_uri::decode_image(&uri).unwrap().data(), &px);
//! # }
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::base64::{is_ascii_whitespace, FORGIVING, STANDARD};
use crate::image::Image;
#[cfg(feature = "png")]
use crate::image::ImageBuf;
use crate::png::EncodeOptions;
#[cfg(feature = "png")]
use crate::{png::DecodeOptions, Error};

/// A parsed `data:` URL: its MIME type and its body bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataUri {
    mime: String,
    data: Vec<u8>,
}

impl DataUri {
    /// The serialized MIME type, e.g. `text/plain;charset=US-ASCII` (the
    /// default when the URL names none, or an invalid one).
    pub fn mime_type(&self) -> &str {
        &self.mime
    }

    /// The essence of the MIME type (`type/subtype`, without parameters).
    pub fn essence(&self) -> &str {
        self.mime.split(';').next().unwrap_or("")
    }

    /// The body.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The body, by value.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// Why a string is not a valid `data:` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataUriError {
    /// The scheme is not `data` (or there is no scheme).
    NotDataUri,
    /// The URL parser rejects it (e.g. an invalid port in `data://host:port/`).
    InvalidUri {
        /// Byte offset in the input where the URL parser gave up.
        offset: usize,
    },
    /// There is no `,` between the MIME type and the body.
    MissingComma,
    /// The body is marked `;base64` but is not forgiving-base64: the base64
    /// error, whose offsets count from the start of the body (after the
    /// `,`, once percent-escapes are decoded; the same as in the input when
    /// the body has none).
    InvalidBase64(crate::base64::DecodeError),
}

impl fmt::Display for DataUriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataUriError::NotDataUri => f.write_str("not a data: URL"),
            DataUriError::InvalidUri { offset } => {
                write!(f, "invalid URL (at byte {offset})")
            }
            DataUriError::MissingComma => f.write_str("data: URL has no ',' before its body"),
            DataUriError::InvalidBase64(e) => {
                write!(
                    f,
                    "data: URL body is not valid base64: {e} (counting from the body's start)"
                )
            }
        }
    }
}

impl core::error::Error for DataUriError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            DataUriError::InvalidBase64(e) => Some(e),
            _ => None,
        }
    }
}

/// The default MIME type of a `data:` URL.
const DEFAULT_MIME: &str = "text/plain;charset=US-ASCII";

/// `data:<mime>;base64,<base64 of data>`. `mime` is written as given: pass a
/// valid MIME type such as `image/png` (an empty one means the default). A
/// type holding `,`, `#` or `?` cannot survive in a `data:` URL (they end the
/// type, start the fragment, start the query), and the processor does not
/// percent-decode the type, so such a type will not parse back as written.
pub fn encode(mime: &str, data: &[u8]) -> String {
    let b64_len = STANDARD
        .encoded_len(data.len())
        .expect("a slice's base64 length fits in usize");
    let mut s = String::with_capacity(5 + mime.len() + 8 + b64_len);
    s.push_str("data:");
    s.push_str(mime);
    s.push_str(";base64,");
    let start = s.len();
    // Encode straight into the String's bytes: base64 is ASCII, so they stay UTF-8.
    let mut bytes = core::mem::take(&mut s).into_bytes();
    bytes.resize(start + b64_len, 0);
    let n = STANDARD
        .encode_to_slice(data, &mut bytes[start..])
        .expect("sized by encoded_len");
    debug_assert_eq!(n, b64_len);
    String::from_utf8(bytes).expect("base64 is ASCII")
}

/// `img` as a lossless PNG in a `data:image/png;base64,...` URI, written
/// without a second full-size buffer (the PNG writer feeds the base64 encoder).
pub fn encode_png(img: &Image<'_>, opts: &EncodeOptions) -> String {
    let mut s = String::from("data:image/png;base64,");
    s.push_str(&crate::png::encode_base64(img, opts, &STANDARD));
    s
}

/// A `data:` URI of a PNG (or, with the `jpeg` feature, a JPEG) back to
/// pixels, with the default [`DecodeOptions`] (limits on). Any MIME type is
/// accepted: the bytes decide.
#[cfg(feature = "png")]
pub fn decode_image(uri: &str) -> Result<ImageBuf, Error> {
    decode_image_with(uri, &DecodeOptions::new())
}

/// [`decode_image`] with options: [`crate::decode_image`] on the URL's body.
#[cfg(feature = "png")]
pub fn decode_image_with(uri: &str, opts: &DecodeOptions) -> Result<ImageBuf, Error> {
    let d = decode(uri)?;
    crate::decode_image(d.data(), opts)
}

/// The exact length of [`encode`]`(mime, data)` for `data_len` bytes, or
/// `None` on overflow, without encoding.
pub fn encoded_len(mime: &str, data_len: usize) -> Option<usize> {
    STANDARD
        .encoded_len(data_len)?
        .checked_add(5 + 8)?
        .checked_add(mime.len())
}

/// Runs the WHATWG data: URL processor on `input`.
pub fn decode(input: &str) -> Result<DataUri, DataUriError> {
    let serialized = serialize_without_fragment(input)?;
    // The serialization starts with "data:" (the scheme, lower-cased).
    let rest = &serialized.as_bytes()["data:".len()..];
    let comma = rest
        .iter()
        .position(|&b| b == b',')
        .ok_or(DataUriError::MissingComma)?;
    let mime = trim_ascii_whitespace(&rest[..comma]);
    let mut body = percent_decode(&rest[comma + 1..]);
    let mut mime: &[u8] = mime;
    if let Some(stripped) = strip_base64_suffix(mime) {
        // Forgiving-base64 on the isomorphic decoding of the bytes: bytes
        // >= 0x80 become non-ASCII code points, which are invalid there, as
        // they are for the byte decoder.
        let n = FORGIVING
            .decode_in_place(&mut body)
            .map_err(DataUriError::InvalidBase64)?;
        body.truncate(n);
        mime = stripped;
    }
    let mime_string = if mime.first() == Some(&b';') {
        let mut m = Vec::with_capacity(10 + mime.len());
        m.extend_from_slice(b"text/plain");
        m.extend_from_slice(mime);
        parse_mime(&m)
    } else {
        parse_mime(mime)
    };
    Ok(DataUri {
        mime: mime_string.unwrap_or_else(|| String::from(DEFAULT_MIME)),
        data: body,
    })
}

/// If `mime` ends with `;`, zero or more spaces and `base64` (any case),
/// the part before the `;`.
fn strip_base64_suffix(mime: &[u8]) -> Option<&[u8]> {
    let n = mime.len();
    if n < 6 || !mime[n - 6..].eq_ignore_ascii_case(b"base64") {
        return None;
    }
    let mut end = n - 6;
    while end > 0 && mime[end - 1] == b' ' {
        end -= 1;
    }
    if end > 0 && mime[end - 1] == b';' {
        Some(&mime[..end - 1])
    } else {
        None
    }
}

fn trim_ascii_whitespace(s: &[u8]) -> &[u8] {
    // Infra "ASCII whitespace": TAB, LF, FF, CR, SPACE.
    let start = s
        .iter()
        .position(|&b| !is_ascii_whitespace(b))
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_ascii_whitespace(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// URL "percent-decode": `%XX` with two hex digits becomes that byte; any
/// other `%` stays.
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

// ---- The URL parser and serializer, as far as a data: URL needs them.

/// Appends `c` (one code point, as UTF-8) to `out`, percent-encoded if it is
/// in the set `in_set` decides on (ASCII bytes only; non-ASCII always is).
fn push_encoded(out: &mut Vec<u8>, c: char, in_set: impl Fn(u8) -> bool) {
    let mut buf = [0u8; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        if b >= 0x80 || in_set(b) {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        } else {
            out.push(b);
        }
    }
}

/// The C0 control percent-encode set (plus everything above `~`).
fn c0_control(b: u8) -> bool {
    !(0x20..=0x7E).contains(&b)
}

/// The path percent-encode set: C0 controls, space, `"`, `#`, `<`, `>`, `?`,
/// `` ` ``, `{`, `}`.
fn path_set(b: u8) -> bool {
    c0_control(b)
        || matches!(
            b,
            b' ' | b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}'
        )
}

/// The query percent-encode set (non-special URLs): C0 controls, space, `"`,
/// `#`, `<`, `>`.
fn query_set(b: u8) -> bool {
    c0_control(b) || matches!(b, b' ' | b'"' | b'#' | b'<' | b'>')
}

/// The userinfo percent-encode set.
fn userinfo_set(b: u8) -> bool {
    path_set(b)
        || matches!(
            b,
            b'/' | b':' | b';' | b'=' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|'
        )
}

/// Parses `input` as a URL and returns its serialization without the
/// fragment, if its scheme is `data`.
fn serialize_without_fragment(input: &str) -> Result<String, DataUriError> {
    // Strip leading and trailing C0 controls and spaces; remember where the
    // kept part starts so offsets refer to the caller's string.
    let lead = input.bytes().position(|b| b > 0x20).unwrap_or(input.len());
    let trimmed = input[lead..].trim_end_matches(|c: char| c <= ' ');
    // Remove ASCII tab and newline anywhere, keeping each char's offset.
    let chars: Vec<(usize, char)> = trimmed
        .char_indices()
        .filter(|&(_, c)| !matches!(c, '\t' | '\n' | '\r'))
        .map(|(i, c)| (lead + i, c))
        .collect();
    // Scheme: ASCII alpha, then alphanumerics, '+', '-', '.', up to ':'.
    let colon = chars
        .iter()
        .position(|&(_, c)| c == ':')
        .ok_or(DataUriError::NotDataUri)?;
    let scheme: String = chars[..colon].iter().map(|&(_, c)| c).collect();
    if !scheme.eq_ignore_ascii_case("data") {
        return Err(DataUriError::NotDataUri);
    }
    let rest = &chars[colon + 1..];
    let mut out: Vec<u8> = Vec::with_capacity(input.len() + 16);
    out.extend_from_slice(b"data:");
    // Up to the fragment; the query is the part after the first '?'.
    let end = rest
        .iter()
        .position(|&(_, c)| c == '#')
        .unwrap_or(rest.len());
    let rest = &rest[..end];
    let q = rest
        .iter()
        .position(|&(_, c)| c == '?')
        .unwrap_or(rest.len());
    let (path, query) = (&rest[..q], rest.get(q + 1..));
    if path.first().map(|p| p.1) == Some('/') {
        // A hierarchical path, possibly with an authority ("data://host/...").
        let mut p = path;
        if p.len() >= 2 && p[1].1 == '/' {
            let auth_end = p[2..]
                .iter()
                .position(|&(_, c)| c == '/')
                .map_or(p.len(), |i| i + 2);
            let authority = &p[2..auth_end];
            out.extend_from_slice(b"//");
            serialize_authority(authority, &mut out)?;
            p = &p[auth_end..];
        }
        serialize_path(p, &mut out);
    } else {
        // An opaque path: C0 controls and non-ASCII percent-encoded. A space
        // just before the query or fragment is encoded (so it survives).
        for (k, &(_, c)) in path.iter().enumerate() {
            if c == ' ' && k + 1 == path.len() && (query.is_some() || end < rest_len(&chars, colon))
            {
                out.extend_from_slice(b"%20");
            } else {
                push_encoded(&mut out, c, c0_control);
            }
        }
    }
    if let Some(query) = query {
        out.push(b'?');
        for &(_, c) in query {
            push_encoded(&mut out, c, query_set);
        }
    }
    // Every byte pushed is ASCII or a whole UTF-8 sequence of a char.
    Ok(String::from_utf8(out).unwrap_or_default())
}

fn rest_len(chars: &[(usize, char)], colon: usize) -> usize {
    chars.len() - colon - 1
}

/// Serializes `[userinfo@]host[:port]` of a non-special URL, or fails.
fn serialize_authority(auth: &[(usize, char)], out: &mut Vec<u8>) -> Result<(), DataUriError> {
    let (userinfo, hostport) = match auth.iter().rposition(|&(_, c)| c == '@') {
        Some(at) => (Some(&auth[..at]), &auth[at + 1..]),
        None => (None, auth),
    };
    let fail = |k: Option<&(usize, char)>| DataUriError::InvalidUri {
        offset: k.map_or(0, |&(i, _)| i),
    };
    if let Some(ui) = userinfo {
        if hostport.is_empty() {
            return Err(fail(ui.last()));
        }
        for &(_, c) in ui {
            push_encoded(out, c, userinfo_set);
        }
        out.push(b'@');
    }
    // host[:port], with a bracketed IPv6 host kept whole.
    let mut in_brackets = false;
    let mut split = None;
    for (k, &(_, c)) in hostport.iter().enumerate() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                split = Some(k);
                break;
            }
            _ => {}
        }
    }
    let (host, port) = match split {
        Some(k) => (&hostport[..k], Some(&hostport[k + 1..])),
        None => (hostport, None),
    };
    if host.is_empty() && (userinfo.is_some() || port.is_some_and(|p| !p.is_empty())) {
        return Err(fail(hostport.first()));
    }
    // An opaque host: no forbidden host code points; C0 controls and
    // non-ASCII percent-encoded. (A bracketed IPv6 literal is kept as written
    // after a plain character check; data: URLs with one are vanishingly rare.)
    for k in host {
        let c = k.1;
        let forbidden = matches!(
            c,
            '\0' | '\t'
                | '\n'
                | '\r'
                | ' '
                | '#'
                | '/'
                | ':'
                | '<'
                | '>'
                | '?'
                | '@'
                | '\\'
                | '^'
                | '|'
        ) || ((c == '[' || c == ']')
            && !(host.first().map(|h| h.1) == Some('[') && host.last().map(|h| h.1) == Some(']')));
        if forbidden {
            return Err(fail(Some(k)));
        }
        push_encoded(out, c, c0_control);
    }
    if let Some(port) = port {
        if !port.iter().all(|&(_, c)| c.is_ascii_digit()) {
            let bad = port.iter().find(|&&(_, c)| !c.is_ascii_digit());
            return Err(fail(bad));
        }
        let digits: String = port.iter().map(|&(_, c)| c).collect();
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() > 5 || trimmed.parse::<u32>().unwrap_or(0) > 65535 {
            return Err(fail(port.first()));
        }
        if !digits.is_empty() {
            out.push(b':');
            out.extend_from_slice(if trimmed.is_empty() {
                b"0"
            } else {
                trimmed.as_bytes()
            });
        }
    }
    Ok(())
}

/// Serializes a path that starts with '/', resolving `.` and `..` segments
/// (also in their `%2e` spellings), percent-encoding the path set.
fn serialize_path(path: &[(usize, char)], out: &mut Vec<u8>) {
    let mut segments: Vec<Vec<u8>> = Vec::new();
    // Segments between '/' (the path starts with one, or is empty).
    let body = path.get(1..).unwrap_or(&[]);
    let parts: Vec<&[(usize, char)]> = if path.is_empty() {
        Vec::new()
    } else {
        body.split(|&(_, c)| c == '/').collect()
    };
    let n = parts.len();
    for (k, part) in parts.into_iter().enumerate() {
        let mut seg = Vec::new();
        for &(_, c) in part {
            push_encoded(&mut seg, c, path_set);
        }
        let lower = seg.to_ascii_lowercase();
        let single = lower == b"." || lower == b"%2e";
        let double = matches!(&lower[..], b".." | b".%2e" | b"%2e." | b"%2e%2e");
        let last = k + 1 == n;
        if double {
            segments.pop();
            if last {
                segments.push(Vec::new());
            }
        } else if single {
            if last {
                segments.push(Vec::new());
            }
        } else {
            segments.push(seg);
        }
    }
    for seg in segments {
        out.push(b'/');
        out.extend_from_slice(&seg);
    }
}

// ---- WHATWG MIME Sniffing: parse and serialize a MIME type.

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_quoted_token(b: u8) -> bool {
    b == b'\t' || (0x20..=0x7E).contains(&b) || b >= 0x80
}

fn is_http_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// Parses and serializes a MIME type; `None` on failure.
fn parse_mime(input: &[u8]) -> Option<String> {
    let start = input.iter().position(|&b| !is_http_ws(b))?;
    let end = input.iter().rposition(|&b| !is_http_ws(b))? + 1;
    let s = &input[start..end];
    let slash = s.iter().position(|&b| b == b'/')?;
    let ty = &s[..slash];
    if ty.is_empty() || !ty.iter().all(|&b| is_token(b)) {
        return None;
    }
    let mut pos = slash + 1;
    let semi = s[pos..]
        .iter()
        .position(|&b| b == b';')
        .map_or(s.len(), |i| pos + i);
    let mut sub = &s[pos..semi];
    while let [rest @ .., last] = sub {
        if is_http_ws(*last) {
            sub = rest;
        } else {
            break;
        }
    }
    if sub.is_empty() || !sub.iter().all(|&b| is_token(b)) {
        return None;
    }
    pos = semi;
    let mut out = Vec::with_capacity(s.len() + 8);
    out.extend(ty.iter().map(u8::to_ascii_lowercase));
    out.push(b'/');
    out.extend(sub.iter().map(u8::to_ascii_lowercase));
    let mut names: Vec<Vec<u8>> = Vec::new();
    while pos < s.len() {
        pos += 1; // the ';'
        while pos < s.len() && is_http_ws(s[pos]) {
            pos += 1;
        }
        let name_end = s[pos..]
            .iter()
            .position(|&b| b == b';' || b == b'=')
            .map_or(s.len(), |i| pos + i);
        let name = s[pos..name_end].to_ascii_lowercase();
        pos = name_end;
        if pos >= s.len() {
            break;
        }
        if s[pos] == b';' {
            continue;
        }
        pos += 1; // the '='
        if pos >= s.len() {
            break;
        }
        let value: Vec<u8>;
        if s[pos] == b'"' {
            let (v, after) = quoted_string(s, pos);
            value = v;
            pos = s[after..]
                .iter()
                .position(|&b| b == b';')
                .map_or(s.len(), |i| after + i);
        } else {
            let v_end = s[pos..]
                .iter()
                .position(|&b| b == b';')
                .map_or(s.len(), |i| pos + i);
            let mut v = &s[pos..v_end];
            while let [rest @ .., last] = v {
                if is_http_ws(*last) {
                    v = rest;
                } else {
                    break;
                }
            }
            pos = v_end;
            if v.is_empty() {
                continue;
            }
            value = v.to_vec();
        }
        if !name.is_empty()
            && name.iter().all(|&b| is_token(b))
            && value.iter().all(|&b| is_quoted_token(b))
            && !names.contains(&name)
        {
            out.push(b';');
            out.extend_from_slice(&name);
            out.push(b'=');
            if value.is_empty() || !value.iter().all(|&b| is_token(b)) {
                out.push(b'"');
                for &b in &value {
                    if b == b'"' || b == b'\\' {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(&value);
            }
            names.push(name);
        }
    }
    // The input came from a URL serialization, so it is ASCII; but the MIME
    // parser also runs on caller strings, so convert bytes >= 0x80 as Latin-1.
    Some(out.iter().map(|&b| char::from(b)).collect())
}

/// HTTP "collect an HTTP quoted string" with extract-value: `s[pos]` is the
/// opening quote. Returns the value and the position after the string.
fn quoted_string(s: &[u8], mut pos: usize) -> (Vec<u8>, usize) {
    let mut value = Vec::new();
    pos += 1;
    loop {
        while pos < s.len() && s[pos] != b'"' && s[pos] != b'\\' {
            value.push(s[pos]);
            pos += 1;
        }
        if pos >= s.len() {
            break;
        }
        let q = s[pos];
        pos += 1;
        if q == b'\\' {
            if pos >= s.len() {
                value.push(b'\\');
                break;
            }
            value.push(s[pos]);
            pos += 1;
        } else {
            break;
        }
    }
    (value, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_edges() {
        assert_eq!(percent_decode(b"%41%4a%zz%4"), b"AJ%zz%4");
        assert_eq!(percent_decode(b"%"), b"%");
        assert_eq!(percent_decode(b"%%41"), b"%A");
    }

    #[test]
    fn base64_suffix() {
        assert_eq!(
            strip_base64_suffix(b"text/plain;base64"),
            Some(&b"text/plain"[..])
        );
        assert_eq!(strip_base64_suffix(b";  BASE64"), Some(&b""[..]));
        assert_eq!(strip_base64_suffix(b"base64"), None);
        assert_eq!(strip_base64_suffix(b";base 64"), None);
    }

    #[test]
    fn round_trip() {
        let data: Vec<u8> = (0..=255).collect();
        let uri = encode("application/octet-stream", &data);
        assert_eq!(
            uri.len(),
            encoded_len("application/octet-stream", 256).unwrap()
        );
        let p = decode(&uri).unwrap();
        assert_eq!(p.mime_type(), "application/octet-stream");
        assert_eq!(p.essence(), "application/octet-stream");
        assert_eq!(p.data(), &data[..]);
    }
}
