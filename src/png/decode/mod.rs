//! PNG reading: [`decode`], [`decode_with`] and [`read_header`].
//!
//! The whole file is in memory, so chunks are slices of the input: nothing is
//! allocated from a chunk's length field. The order of work is
//!
//! 1. signature, IHDR, then the chunks before the first IDAT (PLTE, tRNS; the
//!    other ancillary chunks are skipped);
//! 2. the output size is computed from IHDR and checked against [`Limits`]
//!    before anything the size of the image is allocated;
//! 3. the IDAT payloads are inflated as one zlib stream into a buffer of
//!    exactly the size IHDR calls for (more data is an error, not growth);
//! 4. rows are unfiltered (and expanded) as soon as they are complete;
//! 5. the chunks after the image data are checked up to IEND.
//!
//! Two row pipelines share the code. The *direct* one covers the plain layouts
//! (8- or 16-bit gray, gray + alpha, RGB, RGBA without tRNS, not interlaced):
//! the stream is inflated straight into the output buffer, laid out as rows of
//! `1 + stride` bytes, and each row is unfiltered in place and moved down over
//! the filter bytes once the inflater's 32 KiB window has passed it. The
//! *row* pipeline covers everything else (palette, low bit depths, tRNS,
//! stripping 16 bits, Adam7): the stream is inflated into a ring (32 or 64
//! KiB), each row is unfiltered in a row buffer and expanded (and for Adam7
//! scattered) into the output.
//!
//! The direct pipeline inflates with pixb64's own inflater (`png/inflate`,
//! the whole stream in one call, `decode/own.rs`); the row pipeline with
//! `fdeflate` with the `std` feature and `miniz_oxide` without;
//! `decode/inflate.rs` hides the difference.
//!
//! The result equals the `png` crate's with `Transformations::EXPAND`,
//! including its treatment of questionable ancillary data (a tRNS chunk that
//! is too long, duplicated or misplaced is ignored).
//!
//! With [`Channels`] other than `AsStored` the expansion has a second stage
//! (`decode/convert.rs`): the `EXPAND` output of each row, in pieces of 64
//! pixels on the stack, is converted to the requested channels with
//! libpng's rules as OpenCV uses them. A conversion always takes the row
//! pipeline; the direct one keeps the layouts whose output is the stored
//! bytes (with the BGR swap), such as `imread_color` on 8-bit RGB.

// Without `alloc` only the row decoder's part of the reader is built; the
// whole-image plan fields and the engine choice have no reader then.
#![cfg_attr(not(feature = "png"), allow(dead_code, unused_imports))]

#[cfg(feature = "png")]
use crate::image::ImageBuf;
#[cfg(feature = "png")]
use alloc::vec::Vec;

#[cfg(not(pixb64_small))]
mod convert;
#[cfg(feature = "png")]
mod direct;
mod error;
mod expand;
mod header;
mod inflate;
mod options;
#[cfg(feature = "png")]
mod own;
mod plan;
#[cfg(feature = "png")]
mod ring;
mod rows;
#[cfg(all(test, feature = "std"))]
mod tests;
pub(super) mod unfilter;

pub use super::chunk::ChunkType;
pub use error::{DecodeError, HeaderField, OrderProblem, ZlibProblem};
pub use header::{ColorType, Header};
pub use options::{Channels, DecodeOptions, LimitKind, Limits};
#[cfg(fuzzing)]
pub(crate) use rows::fuzz_row_pipeline;
pub use rows::RowDecoder;

use super::chunk::{read_chunk, Chunk};
#[cfg(feature = "png")]
use direct::decode_direct;
use header::{Ending, Preamble, Trns};
use plan::{output_format, raw_row_bytes, Budget, Pipeline, Plan};
#[cfg(feature = "png")]
use ring::decode_rows;

#[cfg(feature = "png")]
use super::inflate as inflate_tables;
#[cfg(feature = "png")]
use inflate::Inflater;
use inflate::{Engine, Idat};

// ---------------------------------------------------------------------------
// Entry points.

#[cfg(feature = "png")]
/// Decodes a PNG file with the default [`DecodeOptions`].
///
/// The result is 8-bit unless the file is 16-bit; palette images become RGB,
/// or RGBA with a tRNS chunk; gray below 8 bits is scaled to 8; a tRNS colour
/// key on gray or RGB adds an alpha channel. That is the `png` crate's output
/// with `Transformations::EXPAND`.
pub fn decode(data: &[u8]) -> Result<ImageBuf, DecodeError> {
    decode_with(data, &DecodeOptions::new())
}

#[cfg(feature = "png")]
/// Decodes a PNG file.
pub fn decode_with(data: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, DecodeError> {
    decode_engine(data, opts, Engine::DEFAULT)
}

#[cfg(feature = "png")]
/// A PNG reader that keeps its inflate tables between images.
///
/// [`decode_with`] takes its tables (22.5 KiB) from a spare set the thread
/// keeps when the `std` feature is on; without `std` there is nowhere to
/// keep one, so each call allocates and zeroes a new set and builds the
/// fixed Huffman code again. A `Decoder` owns its set instead: decoding
/// many small images without `std`, keep one and call [`Decoder::decode`].
/// With `std` it is as fast as the free functions.
///
/// ```
/// # #[cfg(feature = "png")] {
/// use pixb64::png::{self, DecodeOptions, EncodeOptions};
/// use pixb64::Image;
///
/// let file = png::encode(&Image::new(2, 1, 3, &[1, 2, 3, 4, 5, 6]).unwrap(), &EncodeOptions::new());
/// let mut decoder = png::Decoder::new(DecodeOptions::new());
/// for _ in 0..3 {
///     assert_eq!(decoder.decode(&file).unwrap().data(), &[1, 2, 3, 4, 5, 6]);
/// }
/// # }
/// ```
pub struct Decoder {
    opts: DecodeOptions,
    /// Made at the first stream that needs them.
    tables: Option<alloc::boxed::Box<inflate_tables::Tables>>,
}

#[cfg(feature = "png")]
impl Decoder {
    /// A decoder with these options.
    pub fn new(opts: DecodeOptions) -> Self {
        Decoder { opts, tables: None }
    }

    /// Its options.
    pub fn options(&self) -> &DecodeOptions {
        &self.opts
    }

    /// Decodes a PNG file: what [`decode_with`] returns with these options.
    pub fn decode(&mut self, data: &[u8]) -> Result<ImageBuf, DecodeError> {
        decode_in(data, &self.opts, Engine::DEFAULT, &mut self.tables)
    }
}

#[cfg(feature = "png")]
impl core::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decoder")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "png")]
/// [`decode_with`] with a chosen inflate engine.
fn decode_engine(
    data: &[u8],
    opts: &DecodeOptions,
    engine: Engine,
) -> Result<ImageBuf, DecodeError> {
    let mut tables = None;
    let r = decode_in(data, opts, engine, &mut tables);
    if let Some(t) = tables {
        inflate_tables::Tables::recycle(t);
    }
    r
}

#[cfg(feature = "png")]
/// [`decode_engine`] with the inflate tables in `tables` (taken with
/// [`Tables::boxed`](inflate_tables::Tables::boxed) where missing and
/// needed, and left there).
fn decode_in(
    data: &[u8],
    opts: &DecodeOptions,
    engine: Engine,
    tables: &mut Option<alloc::boxed::Box<inflate_tables::Tables>>,
) -> Result<ImageBuf, DecodeError> {
    let pre = Preamble::parse(data, opts.checksums)?;
    let plan = Plan::new(&pre, opts, engine)?;
    // The EXIF turn needs a second buffer the size of the output.
    let turn = opts
        .exif_orientation
        .then(|| exif_chunk_orientation(data))
        .flatten()
        .filter(|&o| o > 1);
    if turn.is_some() {
        plan.check_also(opts, plan.out_len)?;
    }
    // The pipeline whose buffers the plan counted.
    let pipeline = Pipeline::of(engine, plan.direct, plan.raw_len);
    let (pixels, next) = if engine == Engine::Own && pipeline != Pipeline::Ring {
        let mut stream = own::Stream::gather(data, &pre.first_idat, opts.checksums)?;
        let tables = tables.get_or_insert_with(inflate_tables::Tables::boxed);
        let pixels = if pipeline == Pipeline::Direct {
            own::decode_direct_own(&plan, &mut stream, opts, tables)?
        } else {
            own::decode_rows_own(&plan, &pre, &mut stream, opts, tables)?
        };
        (pixels, stream.next)
    } else {
        let idat = Idat::new(data, &pre.first_idat, opts.checksums);
        let mut inflater = Inflater::new(engine, idat, opts.checksums);
        let pixels = if pipeline == Pipeline::Direct {
            decode_direct(&plan, &mut inflater, opts)?
        } else {
            decode_rows(&plan, &pre, &mut inflater, opts, engine)?
        };
        (pixels, inflater.idat.next)
    };
    Ending::of(opts).chunks(data, next)?;
    let (mut width, mut height, mut pixels) = (pre.width, pre.height, pixels);
    if let Some(o) = turn {
        let mut turned = Vec::new();
        turned
            .try_reserve_exact(pixels.len())
            .map_err(|_| DecodeError::OutOfMemory {
                bytes: pixels.len(),
            })?;
        let (w, h) = crate::exif::apply(
            o,
            &pixels,
            &mut turned,
            plan.width,
            plan.height,
            plan.out_bpp,
        );
        // Both below 2^31: they are the file's, swapped.
        (width, height, pixels) = (w as u32, h as u32, turned);
    }
    // Cannot fail: IHDR was validated and the plan sized the buffer from
    // it. Mapped rather than unwrapped so that no input can reach a panic.
    ImageBuf::new_with_depth(width, height, plan.out_channels, plan.out_depth, pixels).map_err(
        |_| DecodeError::OutOfMemory {
            bytes: plan.out_len,
        },
    )
}

/// The orientation of the file's eXIf chunk, wherever it is before IEND
/// (OpenCV reads one after the image data too); `None` without one, or when
/// the chunks cannot be walked that far.
#[cfg(feature = "png")]
fn exif_chunk_orientation(data: &[u8]) -> Option<u8> {
    let mut pos = super::SIGNATURE.len();
    loop {
        let c = read_chunk(data, pos).ok()?;
        match &c.ty.0 {
            b"eXIf" => return crate::exif::orientation(c.data),
            b"IEND" => return None,
            _ => pos = c.end(),
        }
    }
}

/// Reads the header (and whether a tRNS chunk adds alpha) without
/// decompressing anything; the output description is for the default options.
/// A prefix of the file is enough (see [`read_header_with`]).
pub fn read_header(data: &[u8]) -> Result<Header, DecodeError> {
    read_header_with(data, &DecodeOptions::new())
}

/// [`read_header`] with options (the channels and depth of the output
/// follow [`DecodeOptions::with_channels`] and
/// [`DecodeOptions::with_strip_16`]; the checksum setting applies to IHDR
/// and PLTE).
///
/// Only the bytes up to the first IDAT chunk's type are read, so `data` may
/// be a prefix of the file: the first few hundred bytes of most files, the
/// first 64 KiB of nearly all (large ICC profiles or text chunks come
/// before the image data). A prefix that stops earlier is
/// [`DecodeError::Truncated`].
pub fn read_header_with(data: &[u8], opts: &DecodeOptions) -> Result<Header, DecodeError> {
    let pre = Preamble::parse_head(data, opts.checksums)?;
    Ok(header_of(&pre, opts))
}

fn header_of(pre: &Preamble<'_>, opts: &DecodeOptions) -> Header {
    let (channels, depth) = output_format(pre, opts);
    Header {
        width: pre.width,
        height: pre.height,
        color_type: pre.color,
        bit_depth: pre.bit_depth,
        interlaced: pre.interlaced,
        transparency: pre.trns.is_some(),
        channels,
        depth,
    }
}
