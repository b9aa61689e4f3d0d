//! Images in and out of the CLI: PNG and JPEG (through pixb64's own
//! decoders), netpbm, or raw pixels with given dimensions.

use pixb64::jpeg::JpegError;
use pixb64::png;
use pixb64::{Depth, Image, ImageBuf};

use crate::{netpbm, Failure};

/// `--raw WxHxC` or `WxHxCx16`.
#[derive(Clone, Copy, Debug)]
pub struct RawSpec {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub depth: Depth,
}

impl std::str::FromStr for RawSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(['x', 'X']).collect();
        let bad = || format!("expected WxHxC or WxHxCx16 (e.g. 640x480x3), not {s:?}");
        let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
        let (width, height, channels) = match parts.len() {
            3 | 4 => (num(parts[0])?, num(parts[1])?, num(parts[2])?),
            _ => return Err(bad()),
        };
        let depth = match parts.get(3) {
            None | Some(&"8") => Depth::Eight,
            Some(&"16") => Depth::Sixteen,
            _ => return Err(bad()),
        };
        let channels = u8::try_from(channels).map_err(|_| bad())?;
        Ok(RawSpec {
            width,
            height,
            channels,
            depth,
        })
    }
}

/// Where an image's bytes came from, for messages: a file or stdin as it
/// is, or the bytes decoded from one (base64 or a `data:` URL).
#[derive(Clone, Debug)]
pub struct Origin {
    /// `stdin` or `'path'`.
    pub name: String,
    /// Whether the image is the data decoded from `name`.
    pub decoded: bool,
}

impl Origin {
    pub fn file(name: &str) -> Origin {
        Origin {
            name: name.to_owned(),
            decoded: false,
        }
    }

    pub fn decoded(name: &str) -> Origin {
        Origin {
            name: name.to_owned(),
            decoded: true,
        }
    }

    /// `in 'x.png'` or `decoded from stdin`.
    fn at(&self) -> String {
        if self.decoded {
            format!("decoded from {}", self.name)
        } else {
            format!("in {}", self.name)
        }
    }

    /// `'x.png'` or `the data decoded from stdin`.
    pub fn noun(&self) -> String {
        if self.decoded {
            format!("the data decoded from {}", self.name)
        } else {
            self.name.clone()
        }
    }

    /// A decoder's error: `PNG in 'x.png': file ends at byte 100, ...`, or,
    /// where the error names the format itself, `'x.png': not a PNG file ...`.
    pub fn failure(&self, format: &str, e: impl std::fmt::Display) -> Failure {
        let e = e.to_string();
        if e.contains(format) {
            Failure::Invalid(format!("{}: {e}", self.noun()))
        } else {
            Failure::Invalid(format!("{format} {}: {e}", self.at()))
        }
    }
}

/// Output image formats of `decode --to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// PNG at the default level
    Png,
    /// Binary PGM/PPM (PAM for gray+alpha and RGBA)
    Ppm,
    /// PAM
    Pam,
    /// The pixel bytes alone (16-bit samples big-endian)
    Raw,
}

/// What kind of image file `bytes` is, if any.
pub fn kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("JPEG")
    } else if netpbm::sniff(bytes) {
        Some("netpbm")
    } else {
        None
    }
}

/// Reads an image from a file's bytes: PNG, JPEG, PGM/PPM/PAM, or raw pixels
/// described by `raw`.
pub fn load(bytes: Vec<u8>, raw: Option<RawSpec>, from: &Origin) -> Result<ImageBuf, Failure> {
    load_with(bytes, raw, &png::DecodeOptions::new(), from)
}

/// [`load`] with the decoder's options (PNG and JPEG; the channel order
/// applies to netpbm too).
pub fn load_with(
    bytes: Vec<u8>,
    raw: Option<RawSpec>,
    opts: &png::DecodeOptions,
    from: &Origin,
) -> Result<ImageBuf, Failure> {
    if let Some(r) = raw {
        return ImageBuf::new_with_depth(r.width, r.height, r.channels, r.depth, bytes)
            .map_err(|e| from.failure("raw pixels", e));
    }
    match kind(&bytes) {
        Some("PNG") => png::decode_with(&bytes, opts).map_err(|e| image_failure("PNG", e, from)),
        Some("JPEG") => pixb64::jpeg::decode_with(&bytes, opts).map_err(|e| match e {
            JpegError::LimitExceeded { limit, value, max } => {
                limit_failure("JPEG", limit, value, max, from)
            }
            e => from.failure("JPEG", e),
        }),
        Some(_) => {
            let p = netpbm::decode(&bytes).map_err(|e| {
                // "netpbm: missing width", "PAM: header has no ENDHDR".
                match e.0.split_once(": ") {
                    Some((f @ ("netpbm" | "PAM"), rest)) => from.failure(f, rest),
                    _ => from.failure("netpbm", e),
                }
            })?;
            let depth = if p.sixteen {
                Depth::Sixteen
            } else {
                Depth::Eight
            };
            let mut data = p.data;
            if opts.channel_order() == pixb64::ChannelOrder::Bgr && p.channels >= 3 {
                // Samples 0 and 2 of each pixel trade places.
                let s = depth.bytes();
                for px in data.chunks_exact_mut(usize::from(p.channels) * s) {
                    for i in 0..s {
                        px.swap(i, 2 * s + i);
                    }
                }
            }
            ImageBuf::new_with_depth(p.width, p.height, p.channels, depth, data)
                .map_err(|e| from.failure("netpbm", e))
        }
        None => Err(not_an_image(&bytes, from)),
    }
}

/// What `bytes` are instead of an image pixb64 reads, named by
/// `pixb64::decode_image` (GIF, WebP, the first bytes...).
pub fn not_an_image(bytes: &[u8], from: &Origin) -> Failure {
    use pixb64::UnsupportedFormat;
    // decode --to has no --raw.
    let raw = if from.decoded {
        ""
    } else {
        "; or give --raw WxHxC"
    };
    let noun = from.noun();
    let found = match pixb64::decode_image(bytes, &png::DecodeOptions::new()) {
        Err(pixb64::Error::Unsupported(u)) => Some(u),
        _ => None,
    };
    Failure::Invalid(match found {
        Some(UnsupportedFormat::Other(name)) => {
            let raw = if from.decoded {
                ""
            } else {
                " (or raw pixels, with --raw WxHxC)"
            };
            format!("{noun} is a {name} file; pixb64 reads PNG, JPEG and PGM/PPM/PAM images{raw}")
        }
        Some(UnsupportedFormat::Unknown { len: 0, .. }) => {
            format!("{noun} is empty: no image")
        }
        Some(UnsupportedFormat::Unknown { head, len }) => {
            let hex: Vec<String> = head[..usize::from(len).min(8)]
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            format!(
                "{noun} is not an image pixb64 reads (PNG, JPEG, PGM/PPM/PAM{raw}): it starts with {}",
                hex.join(" ")
            )
        }
        _ => format!("{noun} is not an image pixb64 reads (PNG, JPEG, PGM/PPM/PAM{raw})"),
    })
}

/// A decoder's error for the command line: limits in words, with the flag
/// that raises them.
pub fn image_failure(format: &str, e: png::DecodeError, from: &Origin) -> Failure {
    match e {
        png::DecodeError::LimitExceeded { limit, value, max } => {
            limit_failure(format, limit, value, max, from)
        }
        e => from.failure(format, e),
    }
}

/// A limit error in words, with the flag that raises the limit.
fn limit_failure(
    format: &str,
    limit: png::LimitKind,
    value: u64,
    max: u64,
    from: &Origin,
) -> Failure {
    let mb = |n: u64| n as f64 / 1e6;
    let at = from.at();
    match limit {
        png::LimitKind::Bytes => Failure::Invalid(format!(
            "{format} {at}: the image needs {:.0} MB; the limit is {:.0} MB; raise it with --max-bytes {}M or lift it with --no-limits",
            mb(value),
            mb(max),
            value.div_ceil(1 << 20)
        )),
        _ => Failure::Invalid(format!(
            "{format} {at}: the image is {value} pixels {}; the limit is {max}; lift it with --no-limits",
            if limit == png::LimitKind::Width { "wide" } else { "high" }
        )),
    }
}

/// `img` as a file of format `fmt`.
pub fn save(img: &Image<'_>, fmt: Format) -> Vec<u8> {
    let sixteen = img.depth() == Depth::Sixteen;
    let (w, h, c) = (img.width(), img.height(), img.channels());
    match fmt {
        Format::Png => png::encode(img, &png::EncodeOptions::new()),
        Format::Ppm => netpbm::encode(w, h, c, sixteen, img.data(), false),
        Format::Pam => netpbm::encode(w, h, c, sixteen, img.data(), true),
        Format::Raw => img.data().to_vec(),
    }
}
