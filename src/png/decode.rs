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
//! The inflate engine is `fdeflate` with the `std` feature and `miniz_oxide`
//! without; `decode/inflate.rs` hides the difference.
//!
//! The result equals the `png` crate's with `Transformations::EXPAND`,
//! including its treatment of questionable ancillary data (a tRNS chunk that
//! is too long, duplicated or misplaced is ignored).

// Without `alloc` only the row decoder's part of the reader is built; the
// whole-image plan fields and the engine choice have no reader then.
#![cfg_attr(not(feature = "alloc"), allow(dead_code, unused_imports))]

#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use core::fmt;

use super::crc::crc32_update;
use super::SIGNATURE;
#[cfg(feature = "alloc")]
use crate::image::ImageBuf;
use crate::image::{ChannelOrder, Depth};

mod expand;
mod inflate;
mod rows;
mod unfilter;

#[cfg(fuzzing)]
pub(crate) use rows::fuzz_row_pipeline;
pub use rows::RowDecoder;

use expand::Expand;
use inflate::{Engine, Idat, WINDOW};
#[cfg(feature = "alloc")]
use inflate::{Inflater, Out};

// ---------------------------------------------------------------------------
// Public types: chunk names, limits, options, header, errors.

/// A chunk type: four ASCII letters such as `IHDR`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChunkType(pub [u8; 4]);

impl ChunkType {
    /// Image header.
    pub const IHDR: ChunkType = ChunkType(*b"IHDR");
    /// Palette.
    pub const PLTE: ChunkType = ChunkType(*b"PLTE");
    /// Image data.
    pub const IDAT: ChunkType = ChunkType(*b"IDAT");
    /// Image end.
    pub const IEND: ChunkType = ChunkType(*b"IEND");
    /// Transparency.
    pub const TRNS: ChunkType = ChunkType(*b"tRNS");

    /// Critical chunks (first letter upper case) must be understood by a
    /// decoder; ancillary ones may be skipped.
    pub const fn is_critical(self) -> bool {
        self.0[0] & 0x20 == 0
    }
}

impl fmt::Debug for ChunkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ChunkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Escaped, since a damaged file can name a chunk anything.
        write!(f, "{}", self.0.escape_ascii())
    }
}

/// What [`Limits`] bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Image width in pixels.
    Width,
    /// Image height in pixels.
    Height,
    /// Bytes the decoder allocates for the image (see [`Limits::with_max_bytes`]).
    Bytes,
}

/// Bounds checked against IHDR before the decoder allocates anything the
/// size of the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    max_width: u32,
    max_height: u32,
    max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

impl Limits {
    /// Default bound on allocated bytes: 256 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 256 << 20;
    /// Default bound on either dimension: 2^20 pixels.
    pub const DEFAULT_MAX_DIMENSION: u32 = 1 << 20;

    /// The defaults: 2^20 pixels either way and 256 MiB.
    pub const fn new() -> Self {
        Limits {
            max_width: Self::DEFAULT_MAX_DIMENSION,
            max_height: Self::DEFAULT_MAX_DIMENSION,
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }

    /// No bounds beyond PNG's own (2^31 - 1 pixels) and the address space.
    /// Only for trusted input: a 60-byte file can ask for terabytes.
    pub const fn none() -> Self {
        Limits {
            max_width: u32::MAX,
            max_height: u32::MAX,
            max_bytes: usize::MAX,
        }
    }

    /// Largest accepted width.
    pub const fn with_max_width(mut self, n: u32) -> Self {
        self.max_width = n;
        self
    }

    /// Largest accepted height.
    pub const fn with_max_height(mut self, n: u32) -> Self {
        self.max_height = n;
        self
    }

    /// Most bytes the decoder may allocate for the image: the output pixels
    /// plus its working buffers. That is `height` bytes more than the pixels
    /// for the plain layouts (the filter bytes share the output buffer), and
    /// two rows plus the inflate ring more for the expanded ones (palette,
    /// low bit depths, tRNS, Adam7, stripped 16 bits): 32 KiB without the
    /// `std` feature (`miniz_oxide`), with it (`fdeflate`) 64 KiB or the
    /// decompressed stream plus one byte, whichever is less. Beyond it the
    /// decoder only uses the inflater state, a fixed ~12 KiB (`miniz_oxide`)
    /// or ~20 KiB (`fdeflate`; a checksum error adds the ~12 KiB of
    /// `miniz_oxide` to report the values). For [`RowDecoder`] it bounds
    /// the scratch ([`RowDecoder::scratch_len`]), not the image.
    pub const fn with_max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// The width bound.
    pub const fn max_width(&self) -> u32 {
        self.max_width
    }
    /// The height bound.
    pub const fn max_height(&self) -> u32 {
        self.max_height
    }
    /// The allocation bound.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

/// PNG decoder settings. `DecodeOptions::default()` has the default
/// [`Limits`], RGB order, 16-bit samples kept, checksums verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeOptions {
    limits: Limits,
    order: ChannelOrder,
    strip_16: bool,
    checksums: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::new()
    }
}

impl DecodeOptions {
    /// The defaults, as a `const`.
    pub const fn new() -> Self {
        DecodeOptions {
            limits: Limits::new(),
            order: ChannelOrder::Rgb,
            strip_16: false,
            checksums: true,
        }
    }

    /// The size bounds.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The order of the colour samples in the output (`Bgr` swaps samples 0
    /// and 2 of 3- and 4-channel output).
    pub const fn with_channel_order(mut self, order: ChannelOrder) -> Self {
        self.order = order;
        self
    }

    /// Reduce 16-bit samples to 8 bits by keeping the high byte.
    pub const fn with_strip_16(mut self, strip: bool) -> Self {
        self.strip_16 = strip;
        self
    }

    /// Verify the critical chunks' CRC-32 and the zlib Adler-32 (default
    /// `true`). Turning it off saves a few percent on trusted input and lets
    /// a damaged file decode as far as its data allows.
    pub const fn with_checksums(mut self, verify: bool) -> Self {
        self.checksums = verify;
        self
    }

    /// The size bounds.
    pub const fn limits(&self) -> Limits {
        self.limits
    }
    /// The output channel order.
    pub const fn channel_order(&self) -> ChannelOrder {
        self.order
    }
    /// Whether 16-bit samples are reduced to 8 bits.
    pub const fn strip_16(&self) -> bool {
        self.strip_16
    }
    /// Whether checksums are verified.
    pub const fn checksums(&self) -> bool {
        self.checksums
    }
}

/// The colour type of a PNG file (IHDR's byte 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColorType {
    /// 0: gray, 1 to 16 bits.
    Gray,
    /// 2: RGB, 8 or 16 bits.
    Rgb,
    /// 3: palette indices, 1 to 8 bits.
    Indexed,
    /// 4: gray + alpha, 8 or 16 bits.
    GrayAlpha,
    /// 6: RGBA, 8 or 16 bits.
    Rgba,
}

impl ColorType {
    fn from_byte(b: u8) -> Option<ColorType> {
        Some(match b {
            0 => ColorType::Gray,
            2 => ColorType::Rgb,
            3 => ColorType::Indexed,
            4 => ColorType::GrayAlpha,
            6 => ColorType::Rgba,
            _ => return None,
        })
    }

    /// Samples per pixel in the file (an index counts as one).
    pub const fn samples(self) -> u8 {
        match self {
            ColorType::Gray | ColorType::Indexed => 1,
            ColorType::GrayAlpha => 2,
            ColorType::Rgb => 3,
            ColorType::Rgba => 4,
        }
    }

    const fn allows_depth(self, bits: u8) -> bool {
        match self {
            ColorType::Gray => matches!(bits, 1 | 2 | 4 | 8 | 16),
            ColorType::Indexed => matches!(bits, 1 | 2 | 4 | 8),
            _ => matches!(bits, 8 | 16),
        }
    }
}

/// What IHDR and the chunks before the image data say, from [`read_header`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Header {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file's colour type.
    pub color_type: ColorType,
    /// The file's bits per sample (per index for `Indexed`).
    pub bit_depth: u8,
    /// Adam7 interlaced.
    pub interlaced: bool,
    /// A usable tRNS chunk adds an alpha channel to the output.
    pub transparency: bool,
    /// Channels of the decoded image (after palette and tRNS expansion).
    pub channels: u8,
    /// Sample depth of the decoded image.
    pub depth: Depth,
}

impl Header {
    /// Bytes of the decoded pixels, `None` if that overflows `usize`.
    pub fn byte_len(&self) -> Option<usize> {
        (self.width as usize)
            .checked_mul(self.height as usize)?
            .checked_mul(usize::from(self.channels) * self.depth.bytes())
    }
}

/// Which IHDR field is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeaderField {
    /// Width 0 or above 2^31 - 1.
    Width,
    /// Height 0 or above 2^31 - 1.
    Height,
    /// A bit depth PNG does not define (not 1, 2, 4, 8, 16).
    BitDepth,
    /// A colour type PNG does not define (not 0, 2, 3, 4, 6).
    ColorType,
    /// A defined bit depth the colour type does not allow (e.g. 4-bit RGB).
    BitDepthForColorType,
    /// Compression method other than 0.
    Compression,
    /// Filter method other than 0.
    FilterMethod,
    /// Interlace method other than 0 or 1.
    Interlace,
}

/// How the chunk order is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderProblem {
    /// The first chunk is not IHDR.
    NotIhdrFirst,
    /// A second IHDR or PLTE.
    Duplicate,
    /// PLTE after the image data.
    AfterImageData,
    /// IDAT chunks separated by other chunks.
    ImageDataNotContiguous,
}

/// What is wrong with the zlib stream in the IDAT chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZlibProblem {
    /// The 2-byte zlib header is invalid (method, window, check bits, preset dictionary).
    Header,
    /// Invalid deflate data.
    Data,
    /// The IDAT chunks end before the zlib stream does.
    Truncated,
}

/// Why a PNG could not be decoded. Offsets are byte offsets into the file
/// (for chunks: of the chunk's length field) unless a field says otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input does not start with the PNG signature.
    NotPng {
        /// Offset of the first byte that differs.
        offset: usize,
    },
    /// The input ends inside the signature or a chunk.
    Truncated {
        /// The input length.
        offset: usize,
        /// The chunk cut short, if its type was read.
        chunk: Option<ChunkType>,
    },
    /// A chunk type byte is not an ASCII letter.
    BadChunkType {
        /// Offset of the chunk.
        offset: usize,
        /// The type bytes.
        chunk: ChunkType,
    },
    /// A chunk length field above 2^31 - 1.
    ChunkTooLong {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
        /// The length field.
        length: u32,
    },
    /// A chunk whose length its type does not allow (IHDR not 13, IEND not 0).
    BadChunkLength {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
        /// The length field.
        length: u32,
    },
    /// A critical chunk's CRC-32 does not match its contents.
    BadCrc {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
        /// The CRC stored in the file.
        stored: u32,
        /// The CRC of the chunk's type and data.
        computed: u32,
    },
    /// An IHDR field is invalid.
    InvalidHeader {
        /// Which field.
        field: HeaderField,
        /// Its value.
        value: u32,
    },
    /// A critical chunk this decoder does not know.
    UnsupportedChunk {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
    },
    /// A chunk where it may not be.
    ChunkOrder {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
        /// What is wrong.
        problem: OrderProblem,
    },
    /// A required chunk is absent.
    MissingChunk {
        /// The chunk (IHDR, PLTE for palette images, IDAT or IEND).
        chunk: ChunkType,
        /// Where it was expected: offset of the chunk found instead, or the input length.
        offset: usize,
    },
    /// PLTE length is 0, above 768, or not a multiple of 3.
    BadPalette {
        /// Offset of the chunk.
        offset: usize,
        /// The length field.
        length: u32,
    },
    /// The zlib stream is damaged.
    Zlib {
        /// Offset in the file of the input the inflater stopped at.
        offset: usize,
        /// What is wrong.
        problem: ZlibProblem,
    },
    /// The zlib stream's Adler-32 does not match the decompressed data.
    BadAdler {
        /// The checksum stored at the end of the stream.
        stored: u32,
        /// The checksum of the decompressed data.
        computed: u32,
    },
    /// The zlib stream ends before the image is complete.
    ImageDataShort {
        /// Decompressed bytes the image needs (filter bytes included).
        expected: u64,
        /// Decompressed bytes the stream holds.
        actual: u64,
    },
    /// The zlib stream holds more data than the image needs.
    ImageDataLong {
        /// Decompressed bytes the image needs (filter bytes included).
        expected: u64,
    },
    /// A row's filter type byte is not 0 to 4.
    BadFilter {
        /// Offset of the byte in the decompressed stream.
        offset: u64,
        /// The byte.
        filter: u8,
    },
    /// A [`Limits`] bound is exceeded.
    LimitExceeded {
        /// Which bound.
        limit: LimitKind,
        /// The value the file asks for (saturated at `u64::MAX`).
        value: u64,
        /// The bound.
        max: u64,
    },
    /// The allocator refused the output buffer.
    OutOfMemory {
        /// Bytes requested.
        bytes: usize,
    },
    /// Bytes after the IEND chunk.
    TrailingData {
        /// Offset of the first byte after IEND.
        offset: usize,
    },
    /// [`RowDecoder`] was given an Adam7 interlaced file (it reads
    /// non-interlaced files only; [`decode`] reads both).
    InterlacedRows,
    /// The scratch memory given to [`RowDecoder::with_scratch`] is shorter
    /// than [`RowDecoder::scratch_len`].
    ScratchTooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        len: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeError::*;
        match self {
            NotPng { offset } => write!(f, "not a PNG file (signature differs at byte {offset})"),
            Truncated {
                offset,
                chunk: Some(c),
            } => write!(f, "PNG truncated at byte {offset}, inside a {c} chunk"),
            Truncated {
                offset,
                chunk: None,
            } => write!(f, "PNG truncated at byte {offset}"),
            BadChunkType { offset, chunk } => {
                write!(f, "invalid chunk type {chunk:?} at byte {offset}")
            }
            ChunkTooLong {
                chunk,
                offset,
                length,
            } => write!(
                f,
                "{chunk} chunk at byte {offset} has length {length}, above 2^31-1"
            ),
            BadChunkLength {
                chunk,
                offset,
                length,
            } => write!(
                f,
                "{chunk} chunk at byte {offset} has invalid length {length}"
            ),
            BadCrc {
                chunk,
                offset,
                stored,
                computed,
            } => write!(
                f,
                "{chunk} chunk at byte {offset}: CRC mismatch (stored {stored:08x}, computed {computed:08x})"
            ),
            InvalidHeader { field, value } => {
                write!(f, "invalid IHDR: {field:?} = {value}")
            }
            UnsupportedChunk { chunk, offset } => {
                write!(f, "unknown critical chunk {chunk} at byte {offset}")
            }
            ChunkOrder {
                chunk,
                offset,
                problem,
            } => write!(f, "{chunk} chunk at byte {offset} out of order: {problem:?}"),
            MissingChunk { chunk, offset } => {
                write!(f, "missing {chunk} chunk (expected at byte {offset})")
            }
            BadPalette { offset, length } => write!(
                f,
                "PLTE chunk at byte {offset} has invalid length {length}"
            ),
            Zlib { offset, problem } => {
                write!(f, "bad zlib stream ({problem:?}) at byte {offset}")
            }
            BadAdler { stored, computed } => write!(
                f,
                "zlib Adler-32 mismatch (stored {stored:08x}, computed {computed:08x})"
            ),
            ImageDataShort { expected, actual } => write!(
                f,
                "image data too short: {actual} of {expected} decompressed bytes"
            ),
            ImageDataLong { expected } => {
                write!(f, "image data longer than the {expected} bytes the image needs")
            }
            BadFilter { offset, filter } => write!(
                f,
                "invalid filter type {filter} at decompressed byte {offset}"
            ),
            LimitExceeded { limit, value, max } => {
                write!(f, "limit exceeded: {limit:?} {value} > {max}")
            }
            OutOfMemory { bytes } => write!(f, "cannot allocate {bytes} bytes"),
            TrailingData { offset } => write!(f, "data after IEND at byte {offset}"),
            InterlacedRows => write!(
                f,
                "interlaced (Adam7) PNG: the row decoder reads non-interlaced files only"
            ),
            ScratchTooShort { needed, len } => write!(
                f,
                "row decoder scratch too short: {len} bytes given, {needed} needed"
            ),
        }
    }
}

impl core::error::Error for DecodeError {}

// ---------------------------------------------------------------------------
// Entry points.

#[cfg(feature = "alloc")]
/// Decodes a PNG file with the default [`DecodeOptions`].
///
/// The result is 8-bit unless the file is 16-bit; palette images become RGB,
/// or RGBA with a tRNS chunk; gray below 8 bits is scaled to 8; a tRNS colour
/// key on gray or RGB adds an alpha channel. That is the `png` crate's output
/// with `Transformations::EXPAND`.
pub fn decode(data: &[u8]) -> Result<ImageBuf, DecodeError> {
    decode_with(data, &DecodeOptions::new())
}

#[cfg(feature = "alloc")]
/// Decodes a PNG file.
pub fn decode_with(data: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, DecodeError> {
    decode_engine(data, opts, Engine::DEFAULT)
}

#[cfg(feature = "alloc")]
/// [`decode_with`] with a chosen inflate engine.
fn decode_engine(
    data: &[u8],
    opts: &DecodeOptions,
    engine: Engine,
) -> Result<ImageBuf, DecodeError> {
    let pre = Preamble::parse(data, opts.checksums)?;
    let plan = Plan::new(&pre, opts, engine)?;
    let idat = Idat::new(data, &pre.first_idat, opts.checksums);
    let mut inflater = Inflater::new(engine, idat, opts.checksums);
    let pixels = if plan.direct {
        decode_direct(&plan, &mut inflater, opts)?
    } else {
        decode_rows(&plan, &pre, &mut inflater, opts, engine)?
    };
    finish_chunks(data, inflater.idat.next, opts.checksums)?;
    // Cannot fail: IHDR was validated and the plan sized the buffer from
    // it. Mapped rather than unwrapped so that no input can reach a panic.
    ImageBuf::with_depth(
        pre.width,
        pre.height,
        plan.out_channels,
        plan.out_depth,
        pixels,
    )
    .map_err(|_| DecodeError::OutOfMemory {
        bytes: plan.out_len,
    })
}

/// Reads the header (and whether a tRNS chunk adds alpha) without
/// decompressing anything; the output description is for the default options.
pub fn read_header(data: &[u8]) -> Result<Header, DecodeError> {
    read_header_with(data, &DecodeOptions::new())
}

/// [`read_header`] with options (they change the output depth when
/// stripping 16 bits; the checksum setting applies to IHDR and PLTE).
pub fn read_header_with(data: &[u8], opts: &DecodeOptions) -> Result<Header, DecodeError> {
    let pre = Preamble::parse(data, opts.checksums)?;
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

// ---------------------------------------------------------------------------
// Chunks.

const MAX_CHUNK_LEN: u32 = (1 << 31) - 1;

/// One chunk, borrowed from the input.
struct Chunk<'a> {
    ty: ChunkType,
    data: &'a [u8],
    /// Offset of the length field.
    offset: usize,
    stored_crc: u32,
}

impl Chunk<'_> {
    /// Offset of the next chunk.
    fn end(&self) -> usize {
        self.offset + 12 + self.data.len()
    }

    fn crc_ok(&self) -> Result<(), DecodeError> {
        let computed = crc32_update(crc32_update(0, &self.ty.0), self.data);
        if computed == self.stored_crc {
            Ok(())
        } else {
            Err(DecodeError::BadCrc {
                chunk: self.ty,
                offset: self.offset,
                stored: self.stored_crc,
                computed,
            })
        }
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Reads the chunk at `pos` (`pos < input.len()`), checking its framing but
/// not its CRC.
fn read_chunk(input: &[u8], pos: usize) -> Result<Chunk<'_>, DecodeError> {
    let rest = &input[pos..];
    if rest.len() < 8 {
        return Err(DecodeError::Truncated {
            offset: input.len(),
            chunk: None,
        });
    }
    let length = be32(rest);
    let ty = ChunkType([rest[4], rest[5], rest[6], rest[7]]);
    if !ty.0.iter().all(u8::is_ascii_alphabetic) {
        return Err(DecodeError::BadChunkType {
            offset: pos,
            chunk: ty,
        });
    }
    if length > MAX_CHUNK_LEN {
        return Err(DecodeError::ChunkTooLong {
            chunk: ty,
            offset: pos,
            length,
        });
    }
    let len = length as usize;
    if rest.len() - 8 < len || rest.len() - 8 - len < 4 {
        return Err(DecodeError::Truncated {
            offset: input.len(),
            chunk: Some(ty),
        });
    }
    Ok(Chunk {
        ty,
        data: &rest[8..8 + len],
        offset: pos,
        stored_crc: be32(&rest[8 + len..]),
    })
}

/// A tRNS chunk as the `png` crate keeps it.
#[derive(Clone, Copy)]
enum Trns<'a> {
    /// Palette alphas (1 to 256 entries; ignored when longer than the palette).
    Alphas(&'a [u8]),
    /// Gray or RGB colour key. 8-bit images compare the low bytes of the
    /// 16-bit key; 16-bit images compare all key bytes, so a key whose length
    /// is not 2 (gray) or 6 (RGB) never matches, as in the `png` crate.
    Key(&'a [u8]),
}

/// Signature, IHDR and the chunks before the first IDAT.
struct Preamble<'a> {
    width: u32,
    height: u32,
    color: ColorType,
    bit_depth: u8,
    interlaced: bool,
    palette: Option<&'a [u8]>,
    trns: Option<Trns<'a>>,
    /// The first IDAT chunk (CRC already checked).
    first_idat: Chunk<'a>,
}

impl<'a> Preamble<'a> {
    fn parse(input: &'a [u8], checksums: bool) -> Result<Self, DecodeError> {
        if let Some(i) = input.iter().zip(&SIGNATURE).position(|(a, b)| a != b) {
            return Err(DecodeError::NotPng { offset: i });
        }
        if input.len() < SIGNATURE.len() {
            return Err(DecodeError::Truncated {
                offset: input.len(),
                chunk: None,
            });
        }
        let mut pos = SIGNATURE.len();
        if pos == input.len() {
            return Err(DecodeError::MissingChunk {
                chunk: ChunkType::IHDR,
                offset: pos,
            });
        }
        let ihdr = read_chunk(input, pos)?;
        if ihdr.ty != ChunkType::IHDR {
            return Err(DecodeError::ChunkOrder {
                chunk: ihdr.ty,
                offset: pos,
                problem: OrderProblem::NotIhdrFirst,
            });
        }
        if ihdr.data.len() != 13 {
            return Err(DecodeError::BadChunkLength {
                chunk: ihdr.ty,
                offset: pos,
                length: ihdr.data.len() as u32,
            });
        }
        if checksums {
            ihdr.crc_ok()?;
        }
        let d = ihdr.data;
        let width = be32(d);
        let height = be32(&d[4..]);
        let invalid = |field, value| Err(DecodeError::InvalidHeader { field, value });
        if width == 0 || width > MAX_CHUNK_LEN {
            return invalid(HeaderField::Width, width);
        }
        if height == 0 || height > MAX_CHUNK_LEN {
            return invalid(HeaderField::Height, height);
        }
        let bit_depth = d[8];
        if !matches!(bit_depth, 1 | 2 | 4 | 8 | 16) {
            return invalid(HeaderField::BitDepth, bit_depth.into());
        }
        let Some(color) = ColorType::from_byte(d[9]) else {
            return invalid(HeaderField::ColorType, d[9].into());
        };
        if !color.allows_depth(bit_depth) {
            return invalid(HeaderField::BitDepthForColorType, bit_depth.into());
        }
        if d[10] != 0 {
            return invalid(HeaderField::Compression, d[10].into());
        }
        if d[11] != 0 {
            return invalid(HeaderField::FilterMethod, d[11].into());
        }
        if d[12] > 1 {
            return invalid(HeaderField::Interlace, d[12].into());
        }
        pos = ihdr.end();

        let mut palette: Option<&[u8]> = None;
        let mut trns = None;
        loop {
            if pos == input.len() {
                return Err(DecodeError::MissingChunk {
                    chunk: ChunkType::IDAT,
                    offset: pos,
                });
            }
            let c = read_chunk(input, pos)?;
            match c.ty {
                ChunkType::IDAT => {
                    if checksums {
                        c.crc_ok()?;
                    }
                    if color == ColorType::Indexed && palette.is_none() {
                        return Err(DecodeError::MissingChunk {
                            chunk: ChunkType::PLTE,
                            offset: pos,
                        });
                    }
                    return Ok(Preamble {
                        width,
                        height,
                        color,
                        bit_depth,
                        interlaced: d[12] == 1,
                        palette,
                        trns,
                        first_idat: c,
                    });
                }
                ChunkType::PLTE => {
                    if palette.is_some() {
                        return Err(DecodeError::ChunkOrder {
                            chunk: c.ty,
                            offset: pos,
                            problem: OrderProblem::Duplicate,
                        });
                    }
                    let n = c.data.len();
                    if n == 0 || n > 768 || n % 3 != 0 {
                        return Err(DecodeError::BadPalette {
                            offset: pos,
                            length: n as u32,
                        });
                    }
                    if checksums {
                        c.crc_ok()?;
                    }
                    palette = Some(c.data);
                }
                ChunkType::TRNS => {
                    // Mirrors the `png` crate: a tRNS chunk it would reject
                    // (bad CRC, bad length, duplicate, before PLTE, wrong
                    // colour type) is ignored, not an error.
                    let crc_fine = !checksums || c.crc_ok().is_ok();
                    let n = c.data.len();
                    if crc_fine && trns.is_none() && (1..=256).contains(&n) {
                        trns = match color {
                            ColorType::Gray if n >= 2 => Some(Trns::Key(c.data)),
                            ColorType::Rgb if n >= 6 => Some(Trns::Key(c.data)),
                            ColorType::Indexed if palette.is_some() => Some(Trns::Alphas(c.data)),
                            _ => None,
                        };
                    }
                }
                ChunkType::IHDR => {
                    return Err(DecodeError::ChunkOrder {
                        chunk: c.ty,
                        offset: pos,
                        problem: OrderProblem::Duplicate,
                    });
                }
                ChunkType::IEND => {
                    return Err(DecodeError::MissingChunk {
                        chunk: ChunkType::IDAT,
                        offset: pos,
                    });
                }
                t if t.is_critical() => {
                    return Err(DecodeError::UnsupportedChunk {
                        chunk: t,
                        offset: pos,
                    });
                }
                _ => {}
            }
            pos = c.end();
        }
    }
}

/// The chunks after the image data: more IDAT (only right after the stream),
/// ancillary chunks, IEND, then nothing.
fn finish_chunks(input: &[u8], mut pos: usize, checksums: bool) -> Result<(), DecodeError> {
    // IDAT chunks left over after the zlib stream ended, if they directly
    // follow the ones used, are checked and ignored (as libpng and the `png`
    // crate do); later ones break the contiguity rule.
    let mut in_idat_run = true;
    loop {
        if pos == input.len() {
            return Err(DecodeError::MissingChunk {
                chunk: ChunkType::IEND,
                offset: pos,
            });
        }
        let c = read_chunk(input, pos)?;
        match c.ty {
            ChunkType::IDAT if in_idat_run => {
                if checksums {
                    c.crc_ok()?;
                }
            }
            ChunkType::IDAT => {
                return Err(DecodeError::ChunkOrder {
                    chunk: c.ty,
                    offset: pos,
                    problem: OrderProblem::ImageDataNotContiguous,
                })
            }
            ChunkType::IEND => {
                if !c.data.is_empty() {
                    return Err(DecodeError::BadChunkLength {
                        chunk: c.ty,
                        offset: pos,
                        length: c.data.len() as u32,
                    });
                }
                if checksums {
                    c.crc_ok()?;
                }
                let end = c.end();
                return if end == input.len() {
                    Ok(())
                } else {
                    Err(DecodeError::TrailingData { offset: end })
                };
            }
            ChunkType::PLTE => {
                return Err(DecodeError::ChunkOrder {
                    chunk: c.ty,
                    offset: pos,
                    problem: OrderProblem::AfterImageData,
                })
            }
            ChunkType::IHDR => {
                return Err(DecodeError::ChunkOrder {
                    chunk: c.ty,
                    offset: pos,
                    problem: OrderProblem::Duplicate,
                })
            }
            t if t.is_critical() => {
                return Err(DecodeError::UnsupportedChunk {
                    chunk: t,
                    offset: pos,
                })
            }
            _ => in_idat_run = false,
        }
        pos = c.end();
    }
}

// ---------------------------------------------------------------------------
// Layout.

/// Output channels and depth for the file and options.
fn output_format(pre: &Preamble<'_>, opts: &DecodeOptions) -> (u8, Depth) {
    let alpha = u8::from(pre.trns.is_some());
    let channels = match pre.color {
        ColorType::Gray => 1 + alpha,
        ColorType::Rgb => 3 + alpha,
        ColorType::Indexed => 3 + alpha,
        ColorType::GrayAlpha => 2,
        ColorType::Rgba => 4,
    };
    let depth = if pre.bit_depth == 16 && !opts.strip_16 {
        Depth::Sixteen
    } else {
        Depth::Eight
    };
    (channels, depth)
}

/// Adam7 passes: (x0, y0, dx, dy).
const ADAM7: [(u32, u32, u32, u32); 7] = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
];

/// One pass (the whole image when not interlaced).
#[derive(Clone, Copy)]
struct Pass {
    x0: usize,
    y0: usize,
    dx: usize,
    dy: usize,
    width: usize,
    height: usize,
}

/// Everything the row pipelines need, computed from IHDR.
struct Plan {
    width: usize,
    height: usize,
    /// Bits per pixel in the file.
    bits_pp: usize,
    /// The filter's "bytes per pixel" (at least 1).
    bpp: usize,
    out_channels: u8,
    out_depth: Depth,
    out_bpp: usize,
    out_len: usize,
    /// Decompressed stream length: rows plus filter bytes, all passes. (In
    /// the row pipeline it is only counted, never allocated, so it is not
    /// bounded by the allocation check; `u64` holds every valid case.)
    raw_len: u64,
    passes: [Option<Pass>; 7],
    /// Adam7: rows are scattered into the output.
    interlaced: bool,
    /// The direct pipeline applies.
    direct: bool,
}

/// Bytes of one row of `width` pixels in the file (without the filter byte).
/// Sizes are computed in `u128`: IHDR allows 2^31 - 1 pixels each way and 64
/// bits per pixel, which overflows `u64` (2^65 bytes).
fn raw_row_bytes(width: u128, bits_pp: u128) -> u128 {
    (width * bits_pp).div_ceil(8)
}

/// What [`Limits::with_max_bytes`] bounds.
#[derive(Clone, Copy)]
enum Budget {
    /// The whole-image decode with this engine: output and working buffers.
    Image(Engine),
    /// [`RowDecoder`]: its scratch (ring and two rows).
    Rows,
}

impl Plan {
    fn new(pre: &Preamble<'_>, opts: &DecodeOptions, engine: Engine) -> Result<Plan, DecodeError> {
        Plan::with_budget(pre, opts, Budget::Image(engine))
    }

    fn with_budget(
        pre: &Preamble<'_>,
        opts: &DecodeOptions,
        budget: Budget,
    ) -> Result<Plan, DecodeError> {
        let lim = &opts.limits;
        if pre.width > lim.max_width {
            return Err(DecodeError::LimitExceeded {
                limit: LimitKind::Width,
                value: pre.width.into(),
                max: lim.max_width.into(),
            });
        }
        if pre.height > lim.max_height {
            return Err(DecodeError::LimitExceeded {
                limit: LimitKind::Height,
                value: pre.height.into(),
                max: lim.max_height.into(),
            });
        }
        let (out_channels, out_depth) = output_format(pre, opts);
        let (w, h) = (u128::from(pre.width), u128::from(pre.height));
        let bits_pp = u128::from(pre.color.samples()) * u128::from(pre.bit_depth);
        let out_bpp = u128::from(out_channels) * out_depth.bytes() as u128;
        let out_len = w * h * out_bpp;
        let mut passes = [None; 7];
        let raw_len = if pre.interlaced {
            let mut total = 0;
            for (slot, &(x0, y0, dx, dy)) in passes.iter_mut().zip(&ADAM7) {
                let pw = (pre.width + dx - 1 - x0) / dx;
                let ph = (pre.height + dy - 1 - y0) / dy;
                if pre.width > x0 && pre.height > y0 && pw > 0 && ph > 0 {
                    total += u128::from(ph) * (1 + raw_row_bytes(pw.into(), bits_pp));
                    *slot = Some(Pass {
                        x0: x0 as usize,
                        y0: y0 as usize,
                        dx: dx as usize,
                        dy: dy as usize,
                        width: pw as usize,
                        height: ph as usize,
                    });
                }
            }
            total
        } else {
            passes[0] = Some(Pass {
                x0: 0,
                y0: 0,
                dx: 1,
                dy: 1,
                width: pre.width as usize,
                height: pre.height as usize,
            });
            h * (1 + raw_row_bytes(w, bits_pp))
        };
        let direct = !pre.interlaced
            && pre.bit_depth >= 8
            && pre.color != ColorType::Indexed
            && pre.trns.is_none()
            && !(pre.bit_depth == 16 && opts.strip_16);
        // What will be allocated: the direct pipeline shares one buffer; the
        // row pipeline has the output, the inflate ring, two raw rows and
        // (for Adam7) one expanded row; the row decoder has its scratch.
        let alloc = match budget {
            Budget::Rows => rows::scratch_bytes(w, bits_pp, out_bpp),
            Budget::Image(_) if direct => raw_len,
            Budget::Image(engine) => {
                let row = 1 + raw_row_bytes(w, bits_pp);
                let ring = engine.ring_len(u64::try_from(raw_len).unwrap_or(u64::MAX));
                out_len + ring as u128 + 2 * row + if pre.interlaced { w * out_bpp } else { 0 }
            }
        };
        // `Limits::none()` leaves usize::MAX, so this also rejects sizes the
        // address space cannot hold.
        if alloc > lim.max_bytes as u128 {
            return Err(DecodeError::LimitExceeded {
                limit: LimitKind::Bytes,
                value: u64::try_from(alloc).unwrap_or(u64::MAX),
                max: lim.max_bytes as u64,
            });
        }
        // Cannot fail after the check above (both are at most `alloc`).
        let to_usize = |v: u128| usize::try_from(v).unwrap_or(usize::MAX);
        Ok(Plan {
            width: pre.width as usize,
            height: pre.height as usize,
            bits_pp: bits_pp as usize,
            bpp: (bits_pp as usize).div_ceil(8),
            out_channels,
            out_depth,
            out_bpp: out_bpp as usize,
            out_len: to_usize(out_len),
            raw_len: u64::try_from(raw_len).unwrap_or(u64::MAX),
            passes,
            interlaced: pre.interlaced,
            direct,
        })
    }
}

#[cfg(feature = "alloc")]
/// A zeroed buffer of `n` bytes, or an error if the allocator refuses.
fn alloc_zeroed(n: usize) -> Result<Vec<u8>, DecodeError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| DecodeError::OutOfMemory { bytes: n })?;
    v.resize(n, 0);
    Ok(v)
}

// ---------------------------------------------------------------------------
// The direct pipeline.

/// Bytes inflated per call in the direct pipeline: rows are unfiltered
/// between calls, so the data is still in cache.
const STEP: usize = 64 * 1024;

#[cfg(feature = "alloc")]
fn decode_direct(
    plan: &Plan,
    inf: &mut Inflater<'_>,
    opts: &DecodeOptions,
) -> Result<Vec<u8>, DecodeError> {
    let stride = plan.width * plan.out_bpp;
    let rs = stride + 1;
    // The direct pipeline allocates exactly `raw_len`, which passed the
    // allocation check, so it fits in usize.
    let raw_len = usize::try_from(plan.raw_len).unwrap_or(usize::MAX);
    // Reserved at once, but zeroed a step at a time just ahead of the
    // inflater, so that the zeroing stays in cache (an upfront `memset` of
    // the whole image goes out to memory and back).
    let mut buf = Vec::new();
    buf.try_reserve_exact(raw_len)
        .map_err(|_| DecodeError::OutOfMemory { bytes: raw_len })?;
    let swap = opts.order == ChannelOrder::Bgr && plan.out_channels >= 3;
    let mut pos = 0;
    let mut row = 0;
    while pos < raw_len {
        let step = STEP.min(raw_len - pos);
        buf.resize(pos + step, 0);
        let n = inf.run(&mut buf, pos, step, Out::Image)?;
        pos += n;
        if pos < raw_len && (inf.done || n == 0) {
            return Err(DecodeError::ImageDataShort {
                expected: raw_len as u64,
                actual: pos as u64,
            });
        }
        // Row `row` moves to `row * stride`, over bytes the inflater may
        // still read as history until they are a window behind `pos`.
        let safe = if pos == raw_len {
            usize::MAX
        } else {
            pos.saturating_sub(WINDOW)
        };
        while row < plan.height && (row + 1) * rs <= pos && (row + 1) * stride <= safe {
            direct_row(&mut buf, row, stride, plan.bpp, swap, plan.out_depth)?;
            row += 1;
        }
    }
    inf.finish(&mut buf, raw_len, Out::Image, raw_len as u64)?;
    while row < plan.height {
        direct_row(&mut buf, row, stride, plan.bpp, swap, plan.out_depth)?;
        row += 1;
    }
    buf.truncate(plan.out_len);
    if swap {
        let last = plan.out_len - stride;
        expand::swap_red_blue(&mut buf[last..], plan.bpp, plan.out_depth);
    }
    Ok(buf)
}

#[cfg(feature = "alloc")]
/// Unfilters row `y` of the direct layout and moves it to its final place.
fn direct_row(
    buf: &mut [u8],
    y: usize,
    stride: usize,
    bpp: usize,
    swap: bool,
    depth: Depth,
) -> Result<(), DecodeError> {
    let src = y * (stride + 1);
    let filter = buf[src];
    if filter > 4 {
        return Err(DecodeError::BadFilter {
            offset: src as u64,
            filter,
        });
    }
    let dst = y * stride;
    buf.copy_within(src + 1..src + 1 + stride, dst);
    let (done, rest) = buf.split_at_mut(dst);
    let cur = &mut rest[..stride];
    let prev = if y == 0 {
        None
    } else {
        Some(&done[dst - stride..])
    };
    unfilter::unfilter(filter, bpp, prev, cur);
    // The swap trails by a row: the row above is the next row's predictor
    // and must stay in file order until that row is unfiltered.
    if swap && y > 0 {
        expand::swap_red_blue(&mut done[dst - stride..], bpp, depth);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The row pipeline.

#[cfg(feature = "alloc")]
fn decode_rows(
    plan: &Plan,
    pre: &Preamble<'_>,
    inf: &mut Inflater<'_>,
    opts: &DecodeOptions,
    engine: Engine,
) -> Result<Vec<u8>, DecodeError> {
    let ex = Expand::new(pre, opts);
    let mut out = alloc_zeroed(plan.out_len)?;
    // The ring the stream is inflated into (see `Engine::ring_len`).
    let mut ring = alloc_zeroed(engine.ring_len(plan.raw_len))?;
    let full_row = 1 + raw_row_bytes(plan.width as u128, plan.bits_pp as u128) as usize;
    let mut cur = alloc_zeroed(full_row)?;
    let mut prev = alloc_zeroed(full_row)?;
    let interlaced = plan.interlaced;
    let mut tmp = if interlaced {
        alloc_zeroed(plan.width * plan.out_bpp)?
    } else {
        Vec::new()
    };

    let mut ring_pos = 0;
    // Inflated bytes waiting in the ring: ring[ring_pos - avail..ring_pos].
    let mut avail = 0;
    let mut consumed: u64 = 0;
    let out_stride = plan.width * plan.out_bpp;
    for pass in plan.passes.iter().flatten() {
        let row_len = 1 + raw_row_bytes(pass.width as u128, plan.bits_pp as u128) as usize;
        for r in 0..pass.height {
            // Gather one raw row.
            let mut filled = 0;
            while filled < row_len {
                if avail == 0 {
                    if inf.done {
                        return Err(DecodeError::ImageDataShort {
                            expected: plan.raw_len,
                            actual: consumed,
                        });
                    }
                    if ring_pos == ring.len() {
                        ring_pos = engine.ring_restart(&mut ring);
                    }
                    let want =
                        (plan.raw_len - consumed).min((ring.len() - ring_pos) as u64) as usize;
                    let n = inf.run(&mut ring, ring_pos, want, Out::Ring)?;
                    if n == 0 && !inf.done {
                        return Err(DecodeError::ImageDataShort {
                            expected: plan.raw_len,
                            actual: consumed,
                        });
                    }
                    ring_pos += n;
                    avail = n;
                }
                let k = avail.min(row_len - filled);
                let start = ring_pos - avail;
                cur[filled..filled + k].copy_from_slice(&ring[start..start + k]);
                filled += k;
                avail -= k;
                consumed += k as u64;
            }
            let filter = cur[0];
            if filter > 4 {
                return Err(DecodeError::BadFilter {
                    offset: consumed - row_len as u64,
                    filter,
                });
            }
            let p = if r == 0 {
                None
            } else {
                Some(&prev[1..row_len])
            };
            unfilter::unfilter(filter, plan.bpp, p, &mut cur[1..row_len]);
            let raw = &cur[1..row_len];
            if interlaced {
                let t = &mut tmp[..pass.width * plan.out_bpp];
                ex.row(raw, pass.width, t);
                let y = pass.y0 + r * pass.dy;
                let line = &mut out[y * out_stride..(y + 1) * out_stride];
                let b = plan.out_bpp;
                for (i, px) in t.chunks_exact(b).enumerate() {
                    let x = pass.x0 + i * pass.dx;
                    line[x * b..x * b + b].copy_from_slice(px);
                }
            } else {
                ex.row(
                    raw,
                    pass.width,
                    &mut out[r * out_stride..(r + 1) * out_stride],
                );
            }
            core::mem::swap(&mut cur, &mut prev);
        }
    }
    if avail > 0 {
        return Err(DecodeError::ImageDataLong {
            expected: plan.raw_len,
        });
    }
    if ring_pos == ring.len() {
        ring_pos = engine.ring_restart(&mut ring);
    }
    inf.finish(&mut ring, ring_pos, Out::Ring, plan.raw_len)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// Both engines on the same files (with `std`, the public functions use
// fdeflate; here miniz_oxide, the `alloc`-only engine, runs too).

#[cfg(all(test, feature = "std"))]
mod engine_tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;
    use std::fs;
    use std::path::PathBuf;

    fn dir(sub: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(sub)
    }

    fn pngs(sub: &str) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(dir(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, fs::read(&p).unwrap())
            })
            .collect();
        v.sort();
        v
    }

    /// Option sets that reach every pipeline and the checksum switch.
    fn option_sets() -> [DecodeOptions; 3] {
        [
            DecodeOptions::new(),
            DecodeOptions::new()
                .with_checksums(false)
                .with_strip_16(true)
                .with_channel_order(ChannelOrder::Bgr),
            DecodeOptions::new().with_limits(Limits::new().with_max_bytes(1 << 20)),
        ]
    }

    /// The engines must agree exactly, except where they cannot: the offset
    /// of a zlib error (fdeflate reads ahead), the allocation a limit error
    /// reports (the ring sizes differ), and a stream that is both too long
    /// and cut short (`lenient`: miniz_oxide sees the length first,
    /// fdeflate the cut).
    fn check(
        name: &str,
        data: &[u8],
        opts: &DecodeOptions,
        lenient: bool,
    ) -> Result<ImageBuf, DecodeError> {
        use DecodeError::{ImageDataLong, LimitExceeded, Zlib};
        let fd = decode_engine(data, opts, Engine::Fdeflate);
        let mz = decode_engine(data, opts, Engine::Miniz);
        match (&fd, &mz) {
            (Err(Zlib { problem: a, .. }), Err(Zlib { problem: b, .. })) => {
                assert_eq!(a, b, "{name}: {fd:?} / {mz:?}")
            }
            (Err(LimitExceeded { limit: a, .. }), Err(LimitExceeded { limit: b, .. })) => {
                assert_eq!(a, b, "{name}: {fd:?} / {mz:?}")
            }
            (
                Err(Zlib {
                    problem: ZlibProblem::Truncated,
                    ..
                }),
                Err(ImageDataLong { .. }),
            ) if lenient => {}
            _ => assert_eq!(fd, mz, "{name} ({opts:?})"),
        }
        fd
    }

    fn same(name: &str, data: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, DecodeError> {
        check(name, data, opts, false)
    }

    #[test]
    fn engines_agree_on_hostile_and_pngsuite_files() {
        let manifest = fs::read_to_string(dir("hostile").join("MANIFEST.tsv")).unwrap();
        let mut n = 0;
        for line in manifest.lines().skip(1) {
            let mut cols = line.split('\t');
            let (file, expected) = (cols.next().unwrap(), cols.next().unwrap());
            let data = fs::read(dir("hostile").join(file)).unwrap();
            let r = same(file, &data, &DecodeOptions::new());
            let kind = match &r {
                Ok(_) => String::from("Ok"),
                Err(e) => {
                    let s = alloc::format!("{e:?}");
                    String::from(s.split([' ', '{', '(']).next().unwrap())
                }
            };
            assert_eq!(kind, expected, "{file}: {r:?}");
            for opts in &option_sets()[1..] {
                let _ = same(file, &data, opts);
            }
            n += 1;
        }
        assert!(n >= 70);
        let suite = pngs("data/pngsuite");
        assert!(suite.len() > 150);
        for (name, data) in &suite {
            for opts in &option_sets() {
                let _ = same(name, data, opts);
            }
        }
        for (name, data) in pngs("data/mixed") {
            assert!(same(&name, &data, &DecodeOptions::new()).is_ok());
        }
    }

    // Streams written here: a PNG around a zlib stream of our choosing.

    fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(ty);
        out.extend_from_slice(data);
        let crc = crc32_update(crc32_update(0, ty), data);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A `w` x `h` PNG (`color`, 8 bits, `interlace`) with the given IDAT
    /// payloads.
    fn png(w: u32, h: u32, color: u8, interlace: u8, idats: &[&[u8]]) -> Vec<u8> {
        let mut v = SIGNATURE.to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, color, 0, 0, interlace]);
        chunk(&mut v, b"IHDR", &ihdr);
        if color == 3 {
            let plte: Vec<u8> = (0..=255u8).flat_map(|i| [i, i ^ 0x55, !i]).collect();
            chunk(&mut v, b"PLTE", &plte);
        }
        for d in idats {
            chunk(&mut v, b"IDAT", d);
        }
        chunk(&mut v, b"IEND", b"");
        v
    }

    fn zlib(raw: &[u8], level: u8) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(raw, level)
    }

    /// Rows of `len` bytes (filter byte included) of varied data.
    fn raw_rows(rows: usize, len: usize, seed: u32) -> Vec<u8> {
        let mut v = vec![0u8; rows * len];
        let mut x = seed.wrapping_mul(0x9E37_79B9) | 1;
        for (i, b) in v.iter_mut().enumerate() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = if i % len == 0 {
                (x % 5) as u8
            } else if x % 7 < 3 {
                // Runs, so that the stream has matches.
                (i / 50) as u8
            } else {
                x as u8
            };
        }
        v
    }

    #[test]
    fn engines_agree_on_stream_edge_cases() {
        // (width, height, colour, interlace): direct small and large (more
        // than the window), row pipeline small and large, Adam7.
        let shapes: [(u32, u32, u8, u8); 6] = [
            (7, 5, 0, 0),
            (300, 200, 2, 0),
            (5, 3, 3, 0),
            (700, 120, 3, 0),
            (33, 17, 2, 1),
            (400, 130, 0, 1),
        ];
        for (si, &(w, h, color, il)) in shapes.iter().enumerate() {
            let probe = png(w, h, color, il, &[&zlib(&[0], 1)]);
            let pre = Preamble::parse(&probe, true).unwrap();
            let plan = Plan::new(&pre, &DecodeOptions::new(), Engine::Fdeflate).unwrap();
            let need = plan.raw_len as usize;
            // Rows with valid filter types, so that only the stream's
            // defects show.
            let mut good_raw = Vec::with_capacity(need);
            for (i, pass) in plan.passes.iter().flatten().enumerate() {
                let len = raw_row_bytes(pass.width as u128, plan.bits_pp as u128) as usize;
                let rows = raw_rows(pass.height, len + 1, (si * 8 + i) as u32);
                good_raw.extend_from_slice(&rows);
            }
            assert_eq!(good_raw.len(), need);
            for level in [0u8, 1, 9] {
                for extra in [0isize, 1, 2, 40, -1] {
                    let mut raw = good_raw.clone();
                    if extra >= 0 {
                        raw.extend(core::iter::repeat_n(0, extra as usize));
                    } else {
                        raw.truncate(need - 1);
                    }
                    let z = zlib(&raw, level);
                    let name = alloc::format!("shape {si} level {level} extra {extra}");
                    for opts in &option_sets()[..2] {
                        let opts = *opts;
                        // Whole, cut at every byte near the end, bad
                        // Adler, split into many IDATs.
                        let r = same(&name, &png(w, h, color, il, &[&z]), &opts);
                        assert_eq!(r.is_ok(), extra == 0, "{name}: {:?}", r.err());
                        for cut in 1..12.min(z.len()) {
                            let p = png(w, h, color, il, &[&z[..z.len() - cut]]);
                            let r = check(&alloc::format!("{name} cut {cut}"), &p, &opts, true);
                            assert!(r.is_err());
                        }
                        let mut bad = z.clone();
                        let last = bad.len() - 1;
                        bad[last] ^= 1;
                        let r = same(&name, &png(w, h, color, il, &[&bad]), &opts);
                        if extra == 0 && opts.checksums() {
                            assert!(matches!(r, Err(DecodeError::BadAdler { .. })), "{r:?}");
                        }
                        let parts: Vec<&[u8]> = z.chunks(z.len().div_ceil(5)).collect();
                        let r = same(&name, &png(w, h, color, il, &parts), &opts);
                        assert_eq!(r.is_ok(), extra == 0, "{name}: {:?}", r.err());
                        let tiny: Vec<&[u8]> = z[z.len().saturating_sub(9)..].chunks(1).collect();
                        let mut parts = vec![&z[..z.len().saturating_sub(9)]];
                        parts.extend(tiny);
                        let r = same(&name, &png(w, h, color, il, &parts), &opts);
                        if extra == 0 && opts.checksums() {
                            assert!(r.is_ok(), "{name}: {r:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn engines_agree_on_mutated_streams() {
        // Bit flips and byte changes inside the zlib stream (CRCs fixed), so
        // that both inflaters see the same damaged data.
        let mut x = 0x2545_F491u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as usize
        };
        let (mut n_err, mut n_lenient) = (0, 0);
        for name in [
            "basn0g08.png",
            "basn2c16.png",
            "basi3p08.png",
            "tbrn2c08.png",
        ] {
            let data = fs::read(dir("data/pngsuite").join(name)).unwrap();
            let pre = Preamble::parse(&data, true).unwrap();
            let mut z = Vec::new();
            // Collect the IDAT payloads.
            let mut pos = 8;
            while pos < data.len() {
                let c = read_chunk(&data, pos).unwrap();
                if c.ty == ChunkType::IDAT {
                    z.extend_from_slice(c.data);
                }
                pos = c.end();
            }
            for _ in 0..400 {
                let mut m = z.clone();
                for _ in 0..1 + next() % 3 {
                    let i = next() % m.len();
                    if next() % 2 == 0 {
                        m[i] ^= 1 << (next() % 8);
                    } else {
                        m[i] = next() as u8;
                    }
                }
                // Rebuild the file around the damaged stream.
                let mut v = data[..pre.first_idat.offset].to_vec();
                chunk(&mut v, b"IDAT", &m);
                chunk(&mut v, b"IEND", b"");
                for opts in option_sets() {
                    // Damaged streams: both fail or both decode the same
                    // image, except where miniz_oxide accepts what
                    // fdeflate (and so the `png` crate) rejects: some
                    // invalid code trees.
                    let fd = decode_engine(&v, &opts, Engine::Fdeflate);
                    let mz = decode_engine(&v, &opts, Engine::Miniz);
                    match (&fd, &mz) {
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                        (Err(_), Err(_)) => n_err += 1,
                        (Err(e), Ok(_)) if png_crate_rejects(&v) => {
                            n_lenient += 1;
                            std::eprintln!("{name}: fdeflate {e:?}, miniz_oxide Ok");
                        }
                        _ => panic!(
                            "{name}: fdeflate {:?}, miniz_oxide {:?}",
                            fd.err(),
                            mz.err()
                        ),
                    }
                }
            }
        }
        std::eprintln!("mutated streams: {n_err} rejected by both, {n_lenient} only by fdeflate");
        assert!(n_err > 1000 && n_lenient < 20);
    }

    fn png_crate_rejects(data: &[u8]) -> bool {
        let mut dec = ::png::Decoder::new(std::io::Cursor::new(data));
        dec.set_transformations(::png::Transformations::EXPAND);
        let Ok(mut reader) = dec.read_info() else {
            return true;
        };
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).is_err()
    }
}
