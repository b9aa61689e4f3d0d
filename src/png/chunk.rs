//! PNG chunk framing: length, type, data, CRC-32.

use super::crc::crc32_update;
use super::Sink;

/// Payload bytes per IDAT chunk of the whole-image calls (the last one may
/// be shorter).
///
/// A chunk's length comes before its data, so a streaming writer must hold a
/// whole chunk before it can send it: the chunk size is the writer's memory
/// and its latency towards the sink. 64 KiB keeps that buffer in L2 and
/// small next to any image worth streaming, while the 12 bytes of framing per
/// chunk cost under 0.02 %. Decoders accept any split (libpng writes 8 KiB
/// chunks, the `png` crate up to 1 MiB).
#[cfg(feature = "alloc")]
pub(crate) const IDAT_SIZE: usize = 64 * 1024;

/// Payload bytes per IDAT chunk of the row encoder, whose memory is bounded
/// by what a microcontroller has: libpng's 8 KiB (framing 0.15 %), or 4 KiB
/// in the small form (`pixb64_small`, framing 0.3 %).
#[cfg(not(pixb64_small))]
pub(crate) const IDAT_STREAM: usize = 8 * 1024;
#[cfg(pixb64_small)]
pub(crate) const IDAT_STREAM: usize = 4 * 1024;

/// Bytes before the payload in an IDAT buffer (length and type) and after
/// it (the CRC).
const HEAD: usize = 8;
const TAIL: usize = 4;

/// The buffer [`IdatWriter`] needs for chunks of `payload` bytes.
pub(crate) const fn idat_buffer(payload: usize) -> usize {
    HEAD + payload + TAIL
}

/// Writes one whole chunk: length, type, data, CRC of type and data.
pub(crate) fn write_chunk<S: Sink + ?Sized>(sink: &mut S, ty: [u8; 4], data: &[u8]) {
    // PNG limits a chunk to 2^31 - 1 bytes; the only callers write IHDR (13
    // bytes) and IEND (empty), IDAT goes through `IdatWriter`.
    debug_assert!(data.len() < 1 << 31);
    let mut head = [0u8; 8];
    head[..4].copy_from_slice(&(data.len() as u32).to_be_bytes());
    head[4..].copy_from_slice(&ty);
    sink.put(&head);
    sink.put(data);
    let crc = crc32_update(crc32_update(0, &ty), data);
    sink.put(&crc.to_be_bytes());
}

/// A [`Sink`] that frames everything written to it as IDAT chunks into an
/// inner sink, through a caller's buffer of [`idat_buffer`] bytes.
///
/// The buffer holds a whole chunk, header and CRC included (`[len, "IDAT",
/// payload, crc]`), so each chunk reaches the inner sink as one `write`:
/// an unbuffered `io::Write` sees one system call per chunk, not four. The
/// writer itself is a view: a row encoder keeps only [`IdatWriter::at`]
/// between calls and makes a new view with [`IdatWriter::resume`].
pub(crate) struct IdatWriter<'a, S: Sink + ?Sized> {
    sink: &'a mut S,
    buf: &'a mut [u8],
    /// The end of the buffered payload.
    at: usize,
}

impl<'a, S: Sink + ?Sized> IdatWriter<'a, S> {
    /// A writer into `sink` with an empty buffer `buf`.
    pub(crate) fn new(sink: &'a mut S, buf: &'a mut [u8]) -> Self {
        debug_assert!(buf.len() > HEAD + TAIL);
        buf[4..HEAD].copy_from_slice(b"IDAT");
        IdatWriter {
            sink,
            buf,
            at: HEAD,
        }
    }

    /// A writer that continues one left at [`IdatWriter::at`].
    pub(crate) fn resume(sink: &'a mut S, buf: &'a mut [u8], at: usize) -> Self {
        IdatWriter { sink, buf, at }
    }

    /// Where the buffered payload ends (for [`IdatWriter::resume`]).
    pub(crate) fn at(&self) -> usize {
        self.at
    }

    /// Sends the buffered payload, if any, as one chunk.
    fn flush_chunk(&mut self) {
        let n = self.at - HEAD;
        if n == 0 {
            return;
        }
        self.buf[..4].copy_from_slice(&(n as u32).to_be_bytes());
        let crc = super::crc32(&self.buf[4..self.at]);
        self.buf[self.at..self.at + TAIL].copy_from_slice(&crc.to_be_bytes());
        self.sink.put(&self.buf[..self.at + TAIL]);
        self.at = HEAD;
    }

    /// Sends the last (possibly short) chunk.
    pub(crate) fn finish(mut self) {
        self.flush_chunk();
    }
}

impl<S: Sink + ?Sized> Sink for IdatWriter<'_, S> {
    fn put(&mut self, mut bytes: &[u8]) {
        let end = self.buf.len() - TAIL;
        while !bytes.is_empty() {
            let (now, rest) = bytes.split_at((end - self.at).min(bytes.len()));
            self.buf[self.at..self.at + now.len()].copy_from_slice(now);
            self.at += now.len();
            bytes = rest;
            if self.at == end {
                self.flush_chunk();
            }
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Splits `png` bytes after the signature into (type, data) and checks
    /// every CRC.
    fn chunks(mut b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut v = Vec::new();
        while !b.is_empty() {
            let n = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
            let ty = [b[4], b[5], b[6], b[7]];
            let data = &b[8..8 + n];
            let crc = u32::from_be_bytes([b[8 + n], b[9 + n], b[10 + n], b[11 + n]]);
            assert_eq!(crc, crate::png::crc32(&b[4..8 + n]));
            v.push((ty, data.to_vec()));
            b = &b[12 + n..];
        }
        v
    }

    #[test]
    fn idat_split_and_crc() {
        for total in [
            0usize,
            1,
            IDAT_SIZE - 1,
            IDAT_SIZE,
            IDAT_SIZE + 1,
            3 * IDAT_SIZE + 17,
        ] {
            let payload: Vec<u8> = (0..total).map(|i| (i * 31 + i / 7) as u8).collect();
            let mut out = Vec::new();
            let mut buf = alloc::vec![0u8; idat_buffer(IDAT_SIZE)];
            let mut w = IdatWriter::new(&mut out, &mut buf);
            // Uneven writes, to cross chunk borders mid-write.
            for piece in payload.chunks(1000 + total / 3) {
                w.put(piece);
            }
            w.finish();
            let cs = chunks(&out);
            assert_eq!(cs.len(), total.div_ceil(IDAT_SIZE));
            let mut joined = Vec::new();
            for (i, (ty, d)) in cs.iter().enumerate() {
                assert_eq!(ty, b"IDAT");
                assert!(d.len() == IDAT_SIZE || i + 1 == cs.len());
                joined.extend_from_slice(d);
            }
            assert_eq!(joined, payload);
        }
        let mut out = Vec::new();
        write_chunk(&mut out, *b"IEND", &[]);
        assert_eq!(
            out,
            [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]
        );
    }
}

// ---------------------------------------------------------------------------
// Reading.

#[cfg(feature = "png-read")]
pub use read::ChunkType;
#[cfg(feature = "png-read")]
pub(crate) use read::{be32, read_chunk, Chunk, MAX_CHUNK_LEN};

#[cfg(feature = "png-read")]
mod read {
    use core::fmt;

    use super::crc32_update;
    use crate::png::DecodeError;

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
    // ---------------------------------------------------------------------------
    // Chunks.

    pub(crate) const MAX_CHUNK_LEN: u32 = (1 << 31) - 1;

    /// One chunk, borrowed from the input.
    pub(crate) struct Chunk<'a> {
        pub(crate) ty: ChunkType,
        pub(crate) data: &'a [u8],
        /// Offset of the length field.
        pub(crate) offset: usize,
        pub(crate) stored_crc: u32,
    }

    impl Chunk<'_> {
        /// Offset of the next chunk.
        pub(crate) fn end(&self) -> usize {
            self.offset + 12 + self.data.len()
        }

        pub(crate) fn crc_ok(&self) -> Result<(), DecodeError> {
            let computed = crc32_update(crc32_update(0, &self.ty.0), self.data);
            if computed == self.stored_crc {
                Ok(())
            } else {
                Err(DecodeError::InvalidCrc {
                    chunk: self.ty,
                    offset: self.offset,
                    stored: self.stored_crc,
                    computed,
                })
            }
        }
    }

    pub(crate) fn be32(b: &[u8]) -> u32 {
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Reads the chunk at `pos` (`pos < input.len()`), checking its framing but
    /// not its CRC.
    pub(crate) fn read_chunk(input: &[u8], pos: usize) -> Result<Chunk<'_>, DecodeError> {
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
            return Err(DecodeError::InvalidChunkType {
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
}
