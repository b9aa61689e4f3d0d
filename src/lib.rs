//! # pixb64
//!
//! Move images and other binary data through text losslessly and fast.
//!
//! - [`base64`]: an exact, `no_std` base64 codec with SIMD backends. Every
//!   call that needs no allocation works without the `alloc` feature, so
//!   firmware can use the codec with no allocator at all.
//! - [`Image`] / [`ImageBuf`]: `(width, height, channels, bytes)`, validated once.
//! - [`png`]: a lossless PNG writer (levels 0-9) and a hardened reader
//!   (`alloc`), and both row by row in fixed memory (without `alloc`).
//! - [`data_uri`] (`alloc`): WHATWG `data:` URLs; [`Sizes`]: size accounting.
//!
//! The Python recipe (`cv2.imencode('.png')` + `base64.b64encode`, and back)
//! in one call each way:
//!
//! ```
//! # #[cfg(feature = "png")]
//! # fn main() -> Result<(), pixb64::Error> {
//! use pixb64::{base64::STANDARD, data_uri, png, ChannelOrder, Image, Sizes};
//!
//! let pixels = vec![7u8; 64 * 48 * 3]; // e.g. an OpenCV BGR frame
//! let img = Image::new(64, 48, 3, &pixels)?;
//! let opts = png::EncodeOptions::new().with_channel_order(ChannelOrder::Bgr);
//! let text = png::encode_base64(&img, &opts, &STANDARD); // PNG straight into base64
//! let back = png::decode_base64(&text, &STANDARD)?; // -> ImageBuf, RGB order
//! assert_eq!(back.data(), &pixels[..]); // gray-ish pixels: BGR = RGB here
//! let uri = data_uri::encode_png(&img, &opts); // data:image/png;base64,...
//! assert_eq!(data_uri::decode_image(&uri)?, back);
//! let file = png::encode(&img, &opts);
//! let sizes = Sizes::new(img.byte_len(), file.len()).unwrap();
//! assert_eq!(sizes.base64, text.len());
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "png"))]
//! # fn main() {}
//! ```
//!
//! | feature | adds |
//! |---|---|
//! | (none) | `encode_to_slice`, `decode_to_slice`, `decode_in_place`, `encode_wrapped_to_slice`, the resumable [`base64::Encoder`] and [`base64::Decoder`], [`Image`], [`Sizes`]; PNG row by row in caller memory: [`png::RowEncoder::with_scratch`] (levels 0 and 1) and [`png::Base64Sink`] |
//! | `png-read` | [`png::RowDecoder::with_scratch`]: PNG rows out of a file in caller memory, no allocator (`miniz_oxide`'s core inflater) |
//! | `alloc` | allocation only (no deflate dependency): `encode`, `decode`, `encode_wrapped` returning `String` / `Vec<u8>`; PNG writing of whole images at every level (`png::encode`, `png::encode_base64`, `RowEncoder::new`); [`data_uri`] (encoding and parsing); [`ImageBuf`] |
//! | `png` | `alloc` + `png-read`: whole-image PNG reading (`png::decode`, `png::decode_base64`, `RowDecoder::new`, `data_uri::decode_image`, `decode_image`), `Error`, and `Deflater::MinizOxide` |
//! | `jpeg` | `png`; `jpeg`: JPEG to pixels (`zune-jpeg`), and JPEG in `decode_image`, `png::decode_base64`, `data_uri::decode_image` |
//! | `std` (default) | streaming [`base64::EncoderWriter`] / [`base64::DecoderReader`], `png::encode_to_writer`, threads, `fdeflate` for inflate, and runtime CPU feature detection |
//! | `small` | the small form: the base64 scalar backend without tables and with plain loops, the PNG row encoder and decoder in smaller pieces, tables and loops (KiBs less flash and stack, slower): already the default on targets without a SIMD backend (microcontrollers) |
#![no_std]
// `unsafe` is allowed only in the ISA modules (`base64::arch`, `png::arch`)
// and the base64 dispatch; see UNSAFE.md.
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Unit tests build vectors in every feature combination.
#[cfg(any(feature = "alloc", test))]
extern crate alloc;
// Unit tests use `std` (vectors, formatting) in every feature combination,
// so `cargo test --no-default-features` runs the kernels' tests too.
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod base64;
#[allow(unsafe_code)] // `xgetbv`, for the probe without std (UNSAFE.md)
mod cpu;
#[cfg(feature = "alloc")]
pub mod data_uri;
#[cfg(feature = "png")]
mod error;
#[cfg(feature = "png")]
mod exif;
mod image;
#[cfg(feature = "jpeg")]
pub mod jpeg;
pub mod kernels;
pub mod png;
pub mod sizes;
#[cfg(feature = "png")]
mod sniff;

/// Entry points for the fuzz targets (built by cargo-fuzz with
/// `--cfg fuzzing`; not part of the API).
#[cfg(all(fuzzing, feature = "png"))]
#[doc(hidden)]
pub mod fuzz_hooks {
    /// Raw deflate of `data` (written to the engine in pieces of the
    /// `feeds` lengths, cycled) by our engine with the settings the knobs
    /// pick: `parser` 0 fast, 1 lazy, 2.. the near-optimal parser with
    /// `parser - 1` passes; `depth` and `nice`
    /// for the match search; segments of `segment_k` KiB (small ones
    /// exercise the segment and window boundaries). Ends with the final
    /// block.
    pub fn deflate(
        parser: u8,
        depth: u8,
        nice: u8,
        segment_k: u8,
        data: &[u8],
        feeds: &[u16],
    ) -> alloc::vec::Vec<u8> {
        crate::png::fuzz_deflate(parser, depth, nice, segment_k, data, feeds)
    }

    /// pixb64's own inflater on a zlib stream into `out` (all of it is
    /// room): `Ok(Some((consumed, written)))` at the end of the stream,
    /// `Ok(None)` when `out` is full with more to come, `Err(kind)` (0
    /// header, 1 data, 2 truncated, 3 Adler-32). With `scribble` the
    /// progress callback (every `stride` bytes) overwrites the output no
    /// match can reach any more; the second value is how far it did.
    pub fn inflate(
        input: &[u8],
        out: &mut [u8],
        check: bool,
        stride: usize,
        scribble: bool,
    ) -> (Result<Option<(usize, usize)>, u8>, usize) {
        crate::png::fuzz_inflate(input, out, check, stride, scribble)
    }

    /// The PNG reader's row pipeline forced on for every layout, with
    /// `miniz_oxide`: what `png::RowDecoder` must return (its rows
    /// concatenated, or its error). `None` when the image exceeds `max_out`
    /// bytes.
    pub fn png_row_pipeline(
        data: &[u8],
        opts: &crate::png::DecodeOptions,
        max_out: usize,
    ) -> Option<Result<alloc::vec::Vec<u8>, crate::png::DecodeError>> {
        crate::png::fuzz_row_pipeline(data, opts, max_out)
    }
}

#[cfg(feature = "png")]
pub use error::Error;
#[cfg(feature = "alloc")]
pub use image::ImageBuf;
pub use image::{ChannelOrder, Depth, Image, ImageError};
pub use sizes::Sizes;
#[cfg(feature = "png")]
pub use sniff::{decode_image, UnsupportedFormat};
