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
pub fn load(bytes: Vec<u8>, raw: Option<RawSpec>) -> Result<ImageBuf, Failure> {
    load_with(bytes, raw, &png::DecodeOptions::new())
}

/// [`load`] with the decoder's options (PNG and JPEG; the channel order
/// applies to netpbm too).
pub fn load_with(
    bytes: Vec<u8>,
    raw: Option<RawSpec>,
    opts: &png::DecodeOptions,
) -> Result<ImageBuf, Failure> {
    if let Some(r) = raw {
        return ImageBuf::new_with_depth(r.width, r.height, r.channels, r.depth, bytes)
            .map_err(|e| Failure::Image(format!("raw pixels: {e}")));
    }
    match kind(&bytes) {
        Some("PNG") => png::decode_with(&bytes, opts).map_err(|e| image_failure("PNG", e)),
        Some("JPEG") => pixb64::jpeg::decode_with(&bytes, opts).map_err(|e| match e {
            JpegError::LimitExceeded { limit, value, max } => {
                limit_failure("JPEG", limit, value, max)
            }
            e => Failure::Image(format!("JPEG: {e}")),
        }),
        Some(_) => {
            let p = netpbm::decode(&bytes).map_err(|e| Failure::Image(e.to_string()))?;
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
                .map_err(|e| Failure::Image(e.to_string()))
        }
        None => {
            // pixb64::decode_image names what it finds (GIF, WebP, the first bytes...).
            let found = match pixb64::decode_image(&bytes, opts) {
                Err(pixb64::Error::Unsupported(u)) => format!(": {u}"),
                _ => String::new(),
            };
            Err(Failure::Image(format!(
                "not an image pixb64 reads (PNG, JPEG, PGM/PPM/PAM; or give --raw WxHxC){found}"
            )))
        }
    }
}

/// A decoder's error for the command line: limits in words, with the flag
/// that raises them.
pub fn image_failure(format: &str, e: png::DecodeError) -> Failure {
    match e {
        png::DecodeError::LimitExceeded { limit, value, max } => {
            limit_failure(format, limit, value, max)
        }
        e => Failure::Image(format!("{format}: {e}")),
    }
}

/// A limit error in words, with the flag that raises the limit.
fn limit_failure(format: &str, limit: png::LimitKind, value: u64, max: u64) -> Failure {
    let mb = |n: u64| n as f64 / 1e6;
    match limit {
        png::LimitKind::Bytes => Failure::Image(format!(
            "{format}: the image needs {:.0} MB; the limit is {:.0} MB; raise it with --max-bytes {}M or lift it with --no-limits",
            mb(value),
            mb(max),
            value.div_ceil(1 << 20)
        )),
        _ => Failure::Image(format!(
            "{format}: the image is {value} pixels {}; the limit is {max}; lift it with --no-limits",
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
