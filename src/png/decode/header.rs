//! The file's header and chunk sequence: IHDR, PLTE and tRNS before the image
//! data ([`Preamble`]) and the chunks after it ([`finish_chunks`]).

use super::super::chunk::{be32, read_chunk, Chunk, ChunkType, MAX_CHUNK_LEN};
use super::super::SIGNATURE;
use super::{DecodeError, HeaderField, OrderProblem};
use crate::image::Depth;

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
    pub(crate) fn from_byte(b: u8) -> Option<ColorType> {
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

/// What IHDR and the chunks before the image data say, from [`read_header`](super::read_header).
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

/// A tRNS chunk as the `png` crate keeps it.
#[derive(Clone, Copy)]
pub(crate) enum Trns<'a> {
    /// Palette alphas (1 to 256 entries; ignored when longer than the palette).
    Alphas(&'a [u8]),
    /// Gray or RGB colour key. 8-bit images compare the low bytes of the
    /// 16-bit key; 16-bit images compare all key bytes, so a key whose length
    /// is not 2 (gray) or 6 (RGB) never matches, as in the `png` crate.
    Key(&'a [u8]),
}

/// Signature, IHDR and the chunks before the first IDAT.
pub(crate) struct Preamble<'a> {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) color: ColorType,
    pub(crate) bit_depth: u8,
    pub(crate) interlaced: bool,
    pub(crate) palette: Option<&'a [u8]>,
    pub(crate) trns: Option<Trns<'a>>,
    /// The first IDAT chunk (CRC already checked).
    pub(crate) first_idat: Chunk<'a>,
    /// The file up to the first IDAT chunk (for the chunks only some
    /// options read, such as gAMA).
    #[cfg_attr(pixb64_small, allow(dead_code))]
    pub(crate) head: &'a [u8],
}

impl<'a> Preamble<'a> {
    pub(crate) fn parse(input: &'a [u8], checksums: bool) -> Result<Self, DecodeError> {
        Self::parse_to(input, checksums, true)
    }

    /// [`parse`](Self::parse) that stops at the first IDAT chunk's type:
    /// its data need not be in `input` (then `first_idat` is empty and not
    /// checked), so a prefix of the file is enough for the header.
    pub(crate) fn parse_head(input: &'a [u8], checksums: bool) -> Result<Self, DecodeError> {
        Self::parse_to(input, checksums, false)
    }

    fn parse_to(input: &'a [u8], checksums: bool, whole: bool) -> Result<Self, DecodeError> {
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
            return Err(DecodeError::InvalidChunkLength {
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
            let at_idat = input.get(pos + 4..pos + 8) == Some(b"IDAT");
            let c = if at_idat && !whole {
                Chunk {
                    ty: ChunkType::IDAT,
                    data: &[],
                    offset: pos,
                    stored_crc: 0,
                }
            } else {
                read_chunk(input, pos)?
            };
            match c.ty {
                ChunkType::IDAT => {
                    if checksums && whole {
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
                        head: &input[..pos],
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
                        return Err(DecodeError::InvalidPalette {
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

/// How the reader treats what follows a complete image (see
/// [`DecodeOptions::with_strict`](super::DecodeOptions::with_strict)).
#[derive(Clone, Copy)]
pub(crate) struct Ending {
    pub(crate) checksums: bool,
    pub(crate) strict: bool,
}

impl Ending {
    pub(crate) fn of(opts: &super::DecodeOptions) -> Self {
        Ending {
            checksums: opts.checksums,
            strict: opts.strict,
        }
    }

    /// The result of driving the zlib stream to its end once the image is
    /// complete: surplus data is an error only when strict (libpng warns
    /// "extra compressed data" and stops reading the stream).
    pub(crate) fn stream_end(self, r: Result<(), DecodeError>) -> Result<(), DecodeError> {
        match r {
            Err(DecodeError::ImageDataLong { .. }) if !self.strict => Ok(()),
            r => r,
        }
    }

    /// The chunks after the image data, from `pos` (the chunk after the last
    /// IDAT read) to IEND.
    ///
    /// Strict: more IDAT only right after the stream, ancillary chunks, an
    /// empty IEND with a good CRC, then nothing. Lenient, as libpng through
    /// OpenCV: every chunk up to IEND must be whole and named with letters,
    /// an IDAT's CRC must match and no unknown critical chunk or IHDR may
    /// come; IDAT anywhere and PLTE are skipped; IEND's length, CRC and
    /// whatever follows it are not looked at.
    pub(crate) fn chunks(self, input: &[u8], mut pos: usize) -> Result<(), DecodeError> {
        let checksums = self.checksums;
        // IDAT chunks left over after the zlib stream ended, if they directly
        // follow the ones used, are checked and ignored (as libpng and the `png`
        // crate do); later ones break the contiguity rule when strict.
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
                ChunkType::IDAT if in_idat_run || !self.strict => {
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
                ChunkType::IEND if !self.strict => return Ok(()),
                ChunkType::IEND => {
                    if !c.data.is_empty() {
                        return Err(DecodeError::InvalidChunkLength {
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
                ChunkType::PLTE if !self.strict => in_idat_run = false,
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
}
