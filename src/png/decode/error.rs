//! The reader's errors: what went wrong and at which byte.

use core::fmt;

use super::{ChunkType, LimitKind};

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
    InvalidChunkType {
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
    InvalidChunkLength {
        /// The chunk.
        chunk: ChunkType,
        /// Offset of the chunk.
        offset: usize,
        /// The length field.
        length: u32,
    },
    /// A critical chunk's CRC-32 does not match its contents.
    InvalidCrc {
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
    InvalidPalette {
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
    InvalidAdler {
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
    InvalidFilter {
        /// Offset of the byte in the decompressed stream.
        offset: u64,
        /// The byte.
        filter: u8,
    },
    /// A [`Limits`](super::Limits) bound is exceeded.
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
    /// [`RowDecoder`](super::RowDecoder) was given an Adam7 interlaced file (it reads
    /// non-interlaced files only; [`decode`](super::decode) reads both).
    InterlacedRows,
    /// The small form (`pixb64_small`: the `small` feature, and the default
    /// on targets without a SIMD backend) reads the file's own channels
    /// only: [`Channels`](super::Channels) other than `AsStored` (and the
    /// `imread_*` presets) are not built into it.
    ChannelsUnavailable,
    /// The scratch memory given to [`RowDecoder::with_scratch`](super::RowDecoder::with_scratch) is shorter
    /// than [`RowDecoder::scratch_len`](super::RowDecoder::scratch_len).
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
            } => write!(f, "file ends at byte {offset}, inside chunk {c}"),
            Truncated {
                offset,
                chunk: None,
            } => write!(f, "file ends at byte {offset}, inside the signature or a chunk header"),
            InvalidChunkType { offset, chunk } => {
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
            InvalidChunkLength {
                chunk,
                offset,
                length,
            } => write!(
                f,
                "{chunk} chunk at byte {offset} has invalid length {length}"
            ),
            InvalidCrc {
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
            InvalidPalette { offset, length } => write!(
                f,
                "PLTE chunk at byte {offset} has invalid length {length}"
            ),
            Zlib { offset, problem } => {
                write!(f, "bad zlib stream ({problem:?}) at byte {offset}")
            }
            InvalidAdler { stored, computed } => write!(
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
            InvalidFilter { offset, filter } => write!(
                f,
                "invalid filter type {filter} at decompressed byte {offset}"
            ),
            LimitExceeded { limit, value, max } => {
                write!(f, "limit exceeded: {limit:?} {value} > {max}")
            }
            OutOfMemory { bytes } => write!(f, "cannot allocate {bytes} bytes"),
            TrailingData { offset } => write!(f, "data after IEND at byte {offset}"),
            ChannelsUnavailable => write!(
                f,
                "channel conversions are not built into pixb64's small form"
            ),
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
