//! `info`: the facts about one input, any file. Its bytes, their base64 and
//! `data:` URI lengths (exact, from the library's length functions, without
//! encoding), and, where it is an image, the image's (PNG and JPEG from
//! their headers only).

use std::io::{BufRead, BufReader, Read};

use pixb64::base64::{DecodeError, STANDARD, STANDARD_NO_PAD};
use pixb64::png::{self, EncodeOptions};
use pixb64::{data_uri, Depth};

use crate::image_io::{self, Origin};
use crate::{sniff, stream, Failure};

/// Bytes of the file `info` keeps: an image header is read from them, the
/// type sniffed; the rest is only counted.
const HEAD: usize = 1 << 20;

/// What `info` reports about one input.
pub struct Facts {
    /// `png`, `jpeg`, `netpbm` (an image file), `base64`, `data-uri` (text
    /// of a file) or `file` (any other bytes).
    source: &'static str,
    /// Why the input, not an image, was not read as base64 (`file` only).
    not_base64: Option<String>,
    /// For a data: URI, its MIME type.
    mime: Option<String>,
    /// The file: the input, or the bytes decoded from it.
    file_len: u64,
    /// The file's type, sniffed from its first bytes.
    file_type: &'static str,
    image: Option<ImageFacts>,
}

/// The facts of a file that is an image.
struct ImageFacts {
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
    /// `PNG` or `JPEG`: the file itself; or `PNG` written at the default
    /// level from netpbm (`from_netpbm`).
    format: &'static str,
    /// The PNG or JPEG's length.
    len: u64,
    from_netpbm: bool,
}

/// A reader that counts what passes through it and keeps the first
/// [`HEAD`] bytes: for an input that turns out not to be base64.
struct Tee<R> {
    inner: R,
    head: Vec<u8>,
    count: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let keep = n.min(HEAD.saturating_sub(self.head.len()));
        self.head.extend_from_slice(&buf[..keep]);
        self.count += n as u64;
        Ok(n)
    }
}

/// The first bytes of a file and its whole length.
struct Counted {
    head: Vec<u8>,
    len: u64,
}

/// Reads up to [`HEAD`] bytes of `r` and counts the rest (a netpbm image
/// is read whole: its PNG is made).
fn count(r: &mut dyn Read) -> std::io::Result<Counted> {
    let mut head = vec![0; HEAD];
    let n = stream::read_full(r, &mut head)?;
    head.truncate(n);
    if image_io::kind(&head) == Some("netpbm") {
        r.read_to_end(&mut head)?;
        let len = head.len() as u64;
        return Ok(Counted { head, len });
    }
    let mut len = n as u64;
    let mut sink = vec![0; 64 * 1024];
    loop {
        match crate::files::read_some(r, &mut sink)? {
            0 => break,
            k => len += k as u64,
        }
    }
    Ok(Counted { head, len })
}

impl Facts {
    /// Reads any input in constant memory (but netpbm images, read whole):
    /// an image file; a `data:` URI or base64 text, whose decoded bytes are
    /// the file; or, if it is neither (or `as_bytes`), the input itself.
    pub fn read(input: Box<dyn Read + '_>, name: &str, as_bytes: bool) -> Result<Facts, Failure> {
        let mut tee = Tee {
            inner: input,
            head: Vec::new(),
            count: 0,
        };
        let mut r = BufReader::with_capacity(64 * 1024, &mut tee);
        let peek = r
            .fill_buf()
            .map_err(|e| Failure::io(format!("cannot read {name}"), e))?;
        let start = peek.iter().position(|&b| b > b' ').unwrap_or(peek.len());
        let head = &peek[start..];
        let is_uri = head.len() >= 5 && head[..5].eq_ignore_ascii_case(b"data:");
        if as_bytes || image_io::kind(peek).is_some() || head.is_empty() {
            let c = count(&mut r).map_err(|e| Failure::io(format!("cannot read {name}"), e))?;
            return Facts::of_file(c, "file", None, None, &Origin::file(name));
        }
        if is_uri {
            // The MIME type from the header (up to the first ','); the body
            // streams through the decoder, which checks the header again.
            let mime = head.iter().position(|&b| b == b',').and_then(|comma| {
                let h = String::from_utf8_lossy(&head[..=comma]);
                data_uri::decode(&h).ok().map(|d| d.mime_type().to_owned())
            });
            let mut dec = stream::decoder(Box::new(r), &STANDARD, false, name)?;
            let c = count(&mut dec).map_err(|e| stream::read_failure(e, name))?;
            return Facts::of_file(c, "data-uri", mime, None, &Origin::decoded(name));
        }
        // Base64 if it all decodes; else the bytes themselves.
        let mut dec = stream::decoder(Box::new(r), &STANDARD, false, name)?;
        let err = match count(&mut dec) {
            Ok(c) => return Facts::of_file(c, "base64", None, None, &Origin::decoded(name)),
            Err(e) => e,
        };
        drop(dec);
        let why = match stream::read_failure(err, name) {
            Failure::Decode { err, .. } => not_base64(&err),
            other => return Err(other),
        };
        // The rest of the input, only counted.
        count(&mut tee).map_err(|e| Failure::io(format!("cannot read {name}"), e))?;
        let c = Counted {
            len: tee.count,
            head: std::mem::take(&mut tee.head),
        };
        Facts::of_file(c, "file", None, Some(why), &Origin::file(name))
    }

    /// The facts of a file from its first bytes and length; `source` is
    /// refined to the image format for an image input.
    fn of_file(
        c: Counted,
        mut source: &'static str,
        mime: Option<String>,
        not_base64: Option<String>,
        from: &Origin,
    ) -> Result<Facts, Failure> {
        let kind = image_io::kind(&c.head);
        let image = match kind {
            Some("PNG") => {
                let h = png::read_header(&c.head).map_err(|e| from.failure("PNG", e))?;
                Some(ImageFacts {
                    width: h.width,
                    height: h.height,
                    channels: h.channels,
                    depth: h.depth,
                    format: "PNG",
                    len: c.len,
                    from_netpbm: false,
                })
            }
            Some("JPEG") => {
                let h = pixb64::jpeg::read_header(&c.head).map_err(|e| from.failure("JPEG", e))?;
                Some(ImageFacts {
                    width: h.width,
                    height: h.height,
                    // The channels decode_image gives by default.
                    channels: if h.components == 1 { 1 } else { 3 },
                    depth: Depth::Eight,
                    format: "JPEG",
                    len: c.len,
                    from_netpbm: false,
                })
            }
            Some(_) => {
                let img = image_io::load(c.head.clone(), None, from)?;
                let png_len = png::encode(&img.as_image(), &EncodeOptions::new()).len();
                Some(ImageFacts {
                    width: img.width(),
                    height: img.height(),
                    channels: img.channels(),
                    depth: img.depth(),
                    format: "PNG",
                    len: png_len as u64,
                    from_netpbm: true,
                })
            }
            None => None,
        };
        if source == "file" {
            source = match kind {
                Some("PNG") => "png",
                Some("JPEG") => "jpeg",
                Some(_) => "netpbm",
                None => "file",
            };
        }
        Ok(Facts {
            source,
            not_base64,
            mime,
            file_len: c.len,
            file_type: sniff::mime(&c.head),
            image,
        })
    }

    /// Padded base64 of the file.
    fn base64_len(&self) -> u64 {
        b64_len(self.file_len, true)
    }

    /// `data:<type>;base64,...` of the file, its type sniffed.
    fn data_uri_len(&self) -> u64 {
        let b64 = b64_len(self.file_len, true);
        b64 + (5 + 8 + self.file_type.len()) as u64
    }

    pub fn text(&self) -> String {
        let mut t = format!("source     {}", self.source);
        if let Some(m) = &self.mime {
            t += &format!(" ({m})");
        }
        if let Some(why) = &self.not_base64 {
            t += &format!(" (not base64: {why})");
        }
        let raw = self.image.as_ref().map(ImageFacts::raw);
        let of_raw = |n: u64| match (raw, &self.image) {
            (Some(r), Some(i)) if !i.from_netpbm && r > 0 => {
                format!(" ({:.3} of raw)", n as f64 / r as f64)
            }
            _ => String::new(),
        };
        t += &format!(
            "\nfile       {} bytes, {}\nbase64     {} bytes{}, {} unpadded\ndata URI   {} bytes{} as data:{};base64,...\n",
            self.file_len,
            self.file_type,
            self.base64_len(),
            of_raw(self.base64_len()),
            b64_len(self.file_len, false),
            self.data_uri_len(),
            of_raw(self.data_uri_len()),
            self.file_type,
        );
        if let Some(i) = &self.image {
            let r = i.raw();
            let ratio = |n: u64| if r == 0 { 0.0 } else { n as f64 / r as f64 };
            t += &format!(
                "image      {}x{}, {} channel{}, {}-bit\nraw        {} bytes\n",
                i.width,
                i.height,
                i.channels,
                if i.channels == 1 { "" } else { "s" },
                i.depth.bits(),
                r
            );
            if i.from_netpbm {
                let b64 = b64_len(i.len, true);
                t += &format!(
                    "PNG        {} bytes ({:.3} of raw) at the default level; its base64 {} bytes ({:.3}), data URI {} bytes ({:.3})\n",
                    i.len,
                    ratio(i.len),
                    b64,
                    ratio(b64),
                    b64 + PNG_URI_PREFIX,
                    ratio(b64 + PNG_URI_PREFIX)
                );
            } else {
                t += &format!(
                    "{:10} {} bytes ({:.3} of raw)\n",
                    i.format,
                    i.len,
                    ratio(i.len)
                );
            }
        }
        t
    }

    pub fn json(&self) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let opt = |s: &Option<String>| s.as_deref().map_or("null".into(), q);
        let mut j = format!(
            "{{\"source\":\"{}\",\"mime\":{}",
            self.source,
            opt(&self.mime)
        );
        let b64 = self.base64_len();
        let uri = self.data_uri_len();
        match &self.image {
            Some(i) => {
                let r = i.raw();
                let ratio = |n: u64| if r == 0 { 0.0 } else { n as f64 / r as f64 };
                let f = i.format.to_ascii_lowercase();
                j += &format!(
                    ",\"width\":{},\"height\":{},\"channels\":{},\"depth\":{},\"raw_bytes\":{r},\"{f}_bytes\":{}",
                    i.width,
                    i.height,
                    i.channels,
                    i.depth.bits(),
                    i.len
                );
                if i.from_netpbm {
                    let pb = b64_len(i.len, true);
                    j += &format!(
                        ",\"png_base64_bytes\":{pb},\"png_data_uri_bytes\":{},\"png_ratio\":{:.6},\"png_base64_ratio\":{:.6},\"png_data_uri_ratio\":{:.6}",
                        pb + PNG_URI_PREFIX,
                        ratio(i.len),
                        ratio(pb),
                        ratio(pb + PNG_URI_PREFIX)
                    );
                    j += &format!(",\"base64_bytes\":{b64},\"data_uri_bytes\":{uri}");
                } else {
                    j += &format!(
                        ",\"base64_bytes\":{b64},\"data_uri_bytes\":{uri},\"{f}_ratio\":{:.6},\"base64_ratio\":{:.6},\"data_uri_ratio\":{:.6}",
                        ratio(i.len),
                        ratio(b64),
                        ratio(uri)
                    );
                }
            }
            None => {
                j += &format!(
                    ",\"width\":null,\"height\":null,\"channels\":null,\"depth\":null,\"raw_bytes\":null,\"base64_bytes\":{b64},\"data_uri_bytes\":{uri}"
                );
            }
        }
        j += &format!(
            ",\"file_bytes\":{},\"file_type\":{},\"base64_unpadded_bytes\":{},\"not_base64\":{}}}\n",
            self.file_len,
            q(self.file_type),
            b64_len(self.file_len, false),
            opt(&self.not_base64)
        );
        j
    }
}

impl ImageFacts {
    /// Raw pixel bytes: below 2^31 x 2^31 x 4 x 2, so no overflow.
    fn raw(&self) -> u64 {
        u64::from(self.width)
            * u64::from(self.height)
            * u64::from(self.channels)
            * self.depth.bytes() as u64
    }
}

/// The base64 length of `n` bytes, padded or not (the library's
/// `encoded_len`; on a 32-bit target, past `usize`, by its formula).
fn b64_len(n: u64, padded: bool) -> u64 {
    let codec = if padded { STANDARD } else { STANDARD_NO_PAD };
    match usize::try_from(n).ok().and_then(|n| codec.encoded_len(n)) {
        Some(len) => len as u64,
        None if padded => n.div_ceil(3) * 4,
        None => n / 3 * 4 + [0, 2, 3][(n % 3) as usize],
    }
}

/// Why an input was not read as base64.
fn not_base64(e: &DecodeError) -> String {
    e.to_string()
}

/// `data:image/png;base64,`: the URI of a PNG made from netpbm.
const PNG_URI_PREFIX: u64 = (5 + pixb64::sizes::PNG_MIME.len() + 8) as u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_the_library_and_real_encodes() {
        for n in [0usize, 1, 2, 3, 4, 5, 57, 76, 1000, 65_537] {
            let data = vec![0xA5u8; n];
            assert_eq!(b64_len(n as u64, true), STANDARD.encode(&data).len() as u64);
            assert_eq!(
                b64_len(n as u64, false),
                STANDARD_NO_PAD.encode(&data).len() as u64
            );
            let f = Facts {
                source: "file",
                not_base64: None,
                mime: None,
                file_len: n as u64,
                file_type: "application/octet-stream",
                image: None,
            };
            let uri = data_uri::encode("application/octet-stream", &data);
            assert_eq!(f.data_uri_len(), uri.len() as u64);
            assert_eq!(
                Some(uri.len()),
                data_uri::encoded_len("application/octet-stream", n)
            );
        }
        // Past usize on 32-bit targets: the formula agrees where both apply.
        assert_eq!(b64_len(3 << 30, true), 4 << 30);
        assert_eq!(b64_len((3 << 30) + 1, false), (4 << 30) + 2);
    }
}
