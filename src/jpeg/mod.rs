//! JPEG reading (the `jpeg` feature): [`decode`], [`decode_with`] and
//! [`read_header`], through `zune-jpeg`, with the PNG reader's
//! [`DecodeOptions`]: the same [`Limits`](crate::png::Limits) (checked
//! against the frame header before any pixel is decoded), channels
//! ([`Channels`]), channel order and EXIF orientation.
//!
//! The presets [`DecodeOptions::imread_color`], `imread_grayscale` and
//! `imread_unchanged` give `cv2.imdecode`'s dimensions and channels for a
//! JPEG; the pixels differ by a few levels where libjpeg-turbo's IDCT and
//! chroma upsampling differ from `zune-jpeg`'s (measured in
//! `.ci/interop/opencv_jpeg.py`; table in the README).
//!
//! | [`Channels`] | gray JPEG | colour JPEG (YCbCr, RGB, CMYK, YCCK) |
//! |---|---|---|
//! | `AsStored`, `OpencvUnchanged` | 1 | 3 |
//! | `Gray` | 1 | 1: the Y component of YCbCr; other colour spaces through RGB and `(4899 R + 9617 G + 1868 B + 8192) >> 14` (OpenCV's weights) |
//! | `Rgb` | 3 (replicated) | 3 |
//! | `Rgba` | 4 (opaque) | 4 (opaque) |
//!
//! ```no_run
//! use pixb64::{jpeg, png::DecodeOptions};
//! let bytes = std::fs::read("photo.jpg").unwrap();
//! // The header alone: constant time and memory.
//! let head = jpeg::read_header(&bytes).unwrap();
//! println!("{}x{}", head.width, head.height);
//! // What `cv2.imdecode(buf, cv2.IMREAD_COLOR)` gives: 3 channels, BGR.
//! let img = jpeg::decode_with(&bytes, &DecodeOptions::imread_color()).unwrap();
//! assert_eq!(img.channels(), 3);
//! ```

use alloc::vec::Vec;

use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::image::{ChannelOrder, ImageBuf};
use crate::png::{Channels, DecodeOptions, LimitKind};

mod error;
mod header;

pub use error::JpegError;
pub use header::{read_header, JpegHeader};

/// Decodes a JPEG with the default [`DecodeOptions`]: gray stays one
/// channel, colour is RGB; no EXIF orientation.
pub fn decode(data: &[u8]) -> Result<ImageBuf, JpegError> {
    decode_with(data, &DecodeOptions::new())
}

/// Decodes a JPEG. The options' limits bound width, height and the bytes
/// allocated: the output, plus the decoder's buffers (a row of MCUs of
/// every component, three times over, 2 bytes a sample; every coefficient
/// of the image for a progressive file or one whose first scan lacks
/// components; an intermediate image for conversions and for the EXIF
/// orientation), plus `zune-jpeg`'s small fixed state and copies of the
/// metadata segments. 16-bit stripping and checksums do
/// not apply.
pub fn decode_with(data: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, JpegError> {
    let h = read_header(data)?;
    let limits = opts.limits();
    check(LimitKind::Width, h.width, limits.max_width())?;
    check(LimitKind::Height, h.height, limits.max_height())?;
    let (w, hh) = (h.width as usize, h.height as usize);
    let pixels = w * hh; // at most 65535^2: fits in usize (>= 32 bits)
    let gray_in = h.components == 1;
    let out_ch: usize = match opts.channels() {
        Channels::Gray => 1,
        Channels::Rgb => 3,
        Channels::Rgba => 4,
        _ if gray_in => 1,
        _ => 3,
    };
    // What zune-jpeg is asked for; the rest is converted here. Its own
    // conversions are used where they exist for the input (YCbCr to gray,
    // RGB, RGBA; gray to gray, RGB).
    // CMYK comes out as stored and is converted here the way OpenCV does.
    let (cs, zune_ch) = match out_ch {
        _ if h.cmyk => (ColorSpace::CMYK, 4),
        1 if gray_in || h.ycbcr => (ColorSpace::Luma, 1),
        4 if h.ycbcr => (ColorSpace::RGBA, 4),
        _ => (ColorSpace::RGB, 3),
    };
    let orientation = match h.orientation {
        Some(o) if o > 1 && opts.exif_orientation() => o,
        _ => 1,
    };
    let out_len = pixels * out_ch;
    let mut budget = out_len as u64 + decoder_bytes(&h);
    if zune_ch != out_ch || h.cmyk || orientation != 1 {
        // zune-jpeg's output, and the RGB made of CMYK.
        budget += (pixels * (zune_ch.max(out_ch) + if h.cmyk { 3 } else { 0 })) as u64;
    }
    let max_bytes = limits.max_bytes();
    if budget > max_bytes as u64 {
        return Err(JpegError::LimitExceeded {
            limit: LimitKind::Bytes,
            value: budget,
            max: max_bytes as u64,
        });
    }

    let zopts = DecoderOptions::default()
        .set_max_width(limits.max_width().min(65535) as usize)
        .set_max_height(limits.max_height().min(65535) as usize)
        .jpeg_set_out_colorspace(cs);
    let mut dec = JpegDecoder::new_with_options(ZCursor::new(data), zopts);
    dec.decode_headers().map_err(zune_error)?;
    match dec.dimensions() {
        Some((dw, dh)) if dw == w && dh == hh => {}
        _ => {
            return Err(JpegError::Decode(alloc::string::String::from(
                "frame size differs between header readers",
            )))
        }
    }
    let mut px = alloc_zeroed(pixels * zune_ch)?;
    dec.decode_into(&mut px).map_err(zune_error)?;
    drop(dec);
    if h.cmyk {
        px = cmyk_to_rgb(&px, alloc_zeroed(pixels * 3)?);
    }
    let zune_ch = if h.cmyk { 3 } else { zune_ch };

    let mut px = match (zune_ch, out_ch) {
        (a, b) if a == b => px,
        (3, 1) => rgb_to_gray(&px, alloc_zeroed(out_len)?),
        (1, 3) => {
            // Only reached for gray input asked for RGB: zune-jpeg
            // replicates itself, so this arm is for completeness.
            let mut out = alloc_zeroed(out_len)?;
            for (o, &g) in out.chunks_exact_mut(3).zip(&px) {
                o.fill(g);
            }
            out
        }
        (3, 4) => {
            let mut out = alloc_zeroed(out_len)?;
            for (o, i) in out.chunks_exact_mut(4).zip(px.chunks_exact(3)) {
                o[..3].copy_from_slice(i);
                o[3] = 255;
            }
            out
        }
        _ => {
            return Err(JpegError::Decode(alloc::string::String::from(
                "unexpected channel conversion",
            )))
        }
    };
    if opts.channel_order() == ChannelOrder::Bgr && out_ch >= 3 {
        for p in px.chunks_exact_mut(out_ch) {
            p.swap(0, 2);
        }
    }
    let (mut ow, mut oh) = (w, hh);
    if orientation != 1 {
        let mut turned = Vec::new();
        turned
            .try_reserve_exact(px.len())
            .map_err(|_| JpegError::OutOfMemory { bytes: px.len() })?;
        (ow, oh) = crate::exif::apply(orientation, &px, &mut turned, w, hh, out_ch);
        px = turned;
    }
    // Cannot fail: 1..=65535 pixels either way, 1, 3 or 4 channels, the
    // length computed from them. Mapped rather than unwrapped so that no
    // input can reach a panic.
    ImageBuf::new(ow as u32, oh as u32, out_ch as u8, px)
        .map_err(|_| JpegError::OutOfMemory { bytes: out_len })
}

/// What zune-jpeg allocates for an image of this header, besides the
/// output (2-byte samples): a row of MCUs of every component three times
/// (coefficients, upsampled rows, scratch), and, for a progressive file or
/// one whose first scan lacks components, every coefficient of the image.
fn decoder_bytes(h: &JpegHeader) -> u64 {
    let comps = &h.sampling[..usize::from(h.components)];
    let hmax = comps
        .iter()
        .map(|s| u64::from(s.0.max(1)))
        .max()
        .unwrap_or(1);
    let vmax = comps
        .iter()
        .map(|s| u64::from(s.1.max(1)))
        .max()
        .unwrap_or(1);
    let mcu_x = u64::from(h.width).div_ceil(8 * hmax);
    let mcu_y = u64::from(h.height).div_ceil(8 * vmax);
    let (mut all, mut row) = (0u64, 0u64);
    for &(hi, vi) in comps {
        let cw = mcu_x * u64::from(hi.max(1)) * 8;
        let rows = u64::from(vi.max(1)) * 8;
        row += cw * rows * 2;
        all += cw * mcu_y * rows * 2;
    }
    let mut bytes = 3 * row;
    if h.progressive || h.first_scan < h.components {
        bytes += all;
    }
    bytes
}

fn check(limit: LimitKind, value: u32, max: u32) -> Result<(), JpegError> {
    if value > max {
        return Err(JpegError::LimitExceeded {
            limit,
            value: u64::from(value),
            max: u64::from(max),
        });
    }
    Ok(())
}

fn alloc_zeroed(n: usize) -> Result<Vec<u8>, JpegError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| JpegError::OutOfMemory { bytes: n })?;
    v.resize(n, 0);
    Ok(v)
}

/// Adobe's inverted CMYK (as stored in the JPEG) to RGB, OpenCV's
/// `icvCvt_CMYK2BGR_8u_C4C3R`: `R = K - ((255 - C) * K >> 8)`, and so on.
fn cmyk_to_rgb(cmyk: &[u8], mut out: Vec<u8>) -> Vec<u8> {
    for (o, p) in out.chunks_exact_mut(3).zip(cmyk.chunks_exact(4)) {
        let k = u32::from(p[3]);
        for (o, &c) in o.iter_mut().zip(&p[..3]) {
            *o = (k - (((255 - u32::from(c)) * k) >> 8)) as u8;
        }
    }
    out
}

/// Colour to gray with OpenCV's `cvtColor` weights (0.299, 0.587, 0.114 in
/// 14-bit fixed point, rounded).
fn rgb_to_gray(rgb: &[u8], mut out: Vec<u8>) -> Vec<u8> {
    for (o, p) in out.iter_mut().zip(rgb.chunks_exact(3)) {
        let y = 4899 * u32::from(p[0]) + 9617 * u32::from(p[1]) + 1868 * u32::from(p[2]) + 8192;
        *o = (y >> 14) as u8;
    }
    out
}

fn zune_error(e: zune_jpeg::errors::DecodeErrors) -> JpegError {
    use alloc::string::ToString;
    JpegError::Decode(e.to_string())
}
