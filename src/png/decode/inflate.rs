//! The IDAT stream and the streaming inflate engines behind one interface.
//!
//! (The whole-image reader's direct pipeline uses our own inflater,
//! `png/inflate`, through `decode/own.rs`: [`Engine::Own`]. What follows
//! is about the streaming engines, which the row pipeline still uses.)
//!
//! Two engines implement it: `fdeflate` (the `png` crate's decompressor;
//! whole decodes of the Kodak photos 1.3-1.9x faster) when the `std`
//! feature is on, and
//! `miniz_oxide` for `alloc`-only builds. The decoder sees only
//! [`Inflater::run`], [`Inflater::finish`] and the ring-buffer rules of
//! [`Engine`]. Both engines give the same images and errors (the unit tests
//! in `decode.rs` run every test file and damaged streams through both),
//! except: the `offset` of a [`DecodeError::Zlib`] (`fdeflate` reads
//! ahead); the allocation a [`DecodeError::LimitExceeded`] reports for the
//! row pipeline (the rings differ); a stream both too long and cut short
//! (miniz_oxide may see the length first, fdeflate the cut); and some
//! invalid Huffman code trees, which miniz_oxide accepts and fdeflate, like
//! the `png` crate, rejects.
//!
//! What differs underneath:
//!
//! * miniz_oxide can inflate into a wrapping 32 KiB ring; fdeflate needs the
//!   32 KiB of history to sit linearly before the write position, so its
//!   ring is 64 KiB (or the whole stream plus one byte, when that is
//!   smaller) and the last 32 KiB move to the front when it is full.
//! * miniz_oxide tells "the stream has more output" from "it needs more
//!   input" even with no room left; fdeflate cannot when its input is used
//!   up, so [`Inflater::finish`] then gives it one byte of room (in the
//!   image buffer, which has none, by moving the history down a byte and
//!   back).
//! * fdeflate verifies the Adler-32 itself (over exactly the bytes it wrote)
//!   but reports a mismatch without the values, so on that error the stream
//!   is inflated once more with miniz_oxide to fill in
//!   [`DecodeError::InvalidAdler`]'s fields.
//!
//! The state is about 11 KiB (miniz_oxide, boxed) or 19-20 KiB (fdeflate:
//! its 16 KiB and 2 KiB lookup tables and small overflow tables on the
//! heap, the rest inline), allocated once per image and not counted in
//! [`Limits`](super::Limits).

#[cfg(feature = "png")]
use alloc::boxed::Box;

use miniz_oxide::inflate::core::inflate_flags::{
    TINFL_FLAG_HAS_MORE_INPUT, TINFL_FLAG_IGNORE_ADLER32, TINFL_FLAG_PARSE_ZLIB_HEADER,
    TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
};
use miniz_oxide::inflate::core::{decompress_with_limit, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use super::{read_chunk, Chunk, DecodeError, ZlibProblem};

/// Deflate's window: bytes behind the write position the inflater may copy from.
pub(super) const WINDOW: usize = 32 * 1024;

// ---------------------------------------------------------------------------
// The IDAT stream.

/// The IDAT chunks as one input stream.
#[derive(Clone, Copy)]
pub(super) struct Idat<'a> {
    input: &'a [u8],
    /// Unconsumed bytes of the current IDAT.
    data: &'a [u8],
    /// File offset of `data[0]`.
    data_offset: usize,
    /// Offset of the chunk after the current IDAT.
    pub(super) next: usize,
    checksums: bool,
}

impl<'a> Idat<'a> {
    /// The stream starting with `first` (whose CRC was checked).
    pub(super) fn new(input: &'a [u8], first: &Chunk<'a>, checksums: bool) -> Self {
        Idat {
            input,
            data: first.data,
            data_offset: first.offset + 8,
            next: first.end(),
            checksums,
        }
    }

    /// Whether more IDAT data may follow the current chunk: true unless the
    /// next chunk header is complete and names another type. (A cut-off
    /// header counts as more, so that reading it reports the truncation.)
    fn more_may_follow(&self) -> bool {
        match self.input.get(self.next + 4..self.next + 8) {
            Some(t) => t == b"IDAT",
            None => true,
        }
    }

    /// Moves to the next non-empty IDAT chunk if the current one is used up
    /// and one follows. Afterwards `data` is empty only at the end of the
    /// IDAT run.
    fn refill(&mut self) -> Result<(), DecodeError> {
        while self.data.is_empty() && self.more_may_follow() {
            let c = read_chunk(self.input, self.next)?;
            if self.checksums {
                c.crc_ok()?;
            }
            self.data = c.data;
            self.data_offset = c.offset + 8;
            self.next = c.end();
        }
        Ok(())
    }

    /// Whether the current data is the last of the IDAT run (call after
    /// [`refill`](Self::refill)).
    fn at_last(&self) -> bool {
        self.data.is_empty() || !self.more_may_follow()
    }

    fn advance(&mut self, n: usize) {
        self.data = &self.data[n..];
        self.data_offset += n;
    }
}

// ---------------------------------------------------------------------------
// Engines.

/// Which inflate engine decodes the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Engine {
    /// `fdeflate` (with the `std` feature).
    #[cfg(feature = "std")]
    Fdeflate,
    /// `miniz_oxide`.
    #[cfg_attr(all(feature = "std", not(test)), allow(dead_code))]
    Miniz,
    /// pixb64's own inflater (`png/inflate`) for the direct pipeline, which
    /// inflates the whole stream in one call; the row pipeline, which
    /// inflates into a ring, uses [`Engine::STREAMING`].
    #[cfg_attr(not(feature = "png"), allow(dead_code))]
    Own,
}

/// The largest stream the row pipeline inflates whole with our own
/// inflater. Up to here its buffer is no larger than fdeflate's ring (which
/// is the stream plus a byte, up to 64 KiB), and small files skip the
/// streaming engines' per-call cost: fdeflate zeroes 19 KiB of state and
/// builds 4,096-entry tables for a stream of a few hundred bytes (60% of
/// decoding PngSuite's 32x32 4-bit gray files).
pub(super) const OWN_WHOLE_MAX: u64 = 2 * WINDOW as u64;

impl Engine {
    /// The engine the public entry points use.
    #[cfg(feature = "png")]
    pub(super) const DEFAULT: Engine = Engine::Own;
    /// The engine the public entry points use.
    #[cfg(not(feature = "png"))]
    pub(super) const DEFAULT: Engine = Engine::Miniz;
    /// The streaming engine (for the row pipeline's ring).
    #[cfg(feature = "std")]
    pub(super) const STREAMING: Engine = Engine::Fdeflate;
    /// The streaming engine (for the row pipeline's ring).
    #[cfg(not(feature = "std"))]
    pub(super) const STREAMING: Engine = Engine::Miniz;

    /// The engine that inflates into the ring: `self`, or for
    /// [`Engine::Own`] the streaming one.
    pub(super) fn streaming(self) -> Engine {
        match self {
            Engine::Own => Engine::STREAMING,
            e => e,
        }
    }

    /// Whether the row pipeline inflates a stream of `raw_len` bytes whole,
    /// with our own inflater, into one buffer (`own.rs`) rather than
    /// through a ring.
    pub(super) fn whole_rows(self, raw_len: u64) -> bool {
        self == Engine::Own && raw_len <= OWN_WHOLE_MAX
    }

    /// Bytes of the row pipeline's ring for a stream of `raw_len` bytes
    /// (with [`Engine::Own`], the streaming engine's: streams it inflates
    /// whole do not take the ring, see `Pipeline`).
    #[cfg_attr(not(feature = "std"), allow(unused_variables))]
    pub(super) fn ring_len(self, raw_len: u64) -> usize {
        match self.streaming() {
            #[cfg(feature = "std")]
            Engine::Fdeflate => {
                // The stream and one spare byte (to see a stream that is too
                // long), or the window plus as much again.
                let whole = raw_len.saturating_add(1);
                usize::try_from(whole).map_or(2 * WINDOW, |n| n.min(2 * WINDOW))
            }
            // The wrapping ring must be a power of two and hold the window.
            Engine::Miniz | Engine::Own => WINDOW,
        }
    }

    /// Called when the write position reaches the end of the ring (all of
    /// it consumed); returns the new write position.
    #[cfg_attr(not(feature = "std"), allow(unused_variables))]
    pub(super) fn ring_restart(self, ring: &mut [u8]) -> usize {
        match self.streaming() {
            #[cfg(feature = "std")]
            Engine::Fdeflate => {
                // The last window moves to the front as the history. (Only
                // reached with the 2-window ring: the short one holds the
                // whole stream plus a byte, which the decoder never fills.)
                let n = ring.len();
                ring.copy_within(n - WINDOW..n, 0);
                WINDOW
            }
            Engine::Miniz | Engine::Own => 0,
        }
    }
}

#[cfg(feature = "png")]
#[cfg_attr(feature = "std", allow(clippy::large_enum_variant))]
enum State {
    /// fdeflate's state holds its tables in boxes; the rest (~1.3 KiB) is
    /// inline, on the caller's stack (std targets only).
    #[cfg(feature = "std")]
    Fd(fdeflate::Decompressor),
    /// Boxed: the state is ~11 KiB, too much for small stacks.
    Mz {
        d: Box<DecompressorOxide>,
        flags: u32,
    },
}

/// An inflater over the IDAT stream (the whole-image reader's).
#[cfg(feature = "png")]
pub(super) struct Inflater<'a> {
    state: State,
    pub(super) idat: Idat<'a>,
    /// The stream's start, to inflate it again for a checksum error's values.
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    start: Idat<'a>,
    /// The end of the zlib stream was reached.
    pub(super) done: bool,
}

/// Where the output goes: the image buffer (history is everything before
/// the write position) or the row pipeline's ring.
#[cfg(feature = "png")]
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Out {
    Image,
    Ring,
}

#[cfg(feature = "png")]
impl<'a> Inflater<'a> {
    pub(super) fn new(engine: Engine, idat: Idat<'a>, checksums: bool) -> Self {
        let state = match engine.streaming() {
            #[cfg(feature = "std")]
            Engine::Fdeflate => {
                let mut d = fdeflate::Decompressor::new();
                if !checksums {
                    d.ignore_adler32();
                }
                State::Fd(d)
            }
            Engine::Miniz | Engine::Own => {
                let mut flags = TINFL_FLAG_PARSE_ZLIB_HEADER;
                if !checksums {
                    flags |= TINFL_FLAG_IGNORE_ADLER32;
                }
                State::Mz {
                    d: Box::default(),
                    flags,
                }
            }
        };
        Inflater {
            state,
            idat,
            start: idat,
            done: false,
        }
    }

    /// Inflates up to `max` bytes (`max > 0`) into `out` at `pos`: `out` is
    /// the whole image buffer for [`Out::Image`], else the ring (of
    /// [`Engine::ring_len`] bytes, restarted with [`Engine::ring_restart`]).
    /// Returns the bytes written (fewer than `max` only at the end of the
    /// stream, when `done` is set); writes nothing beyond `pos + max`.
    pub(super) fn run(
        &mut self,
        out: &mut [u8],
        pos: usize,
        max: usize,
        kind: Out,
    ) -> Result<usize, DecodeError> {
        match &mut self.state {
            #[cfg(feature = "std")]
            State::Fd(d) => fd_run(
                d,
                &mut self.idat,
                &self.start,
                &mut self.done,
                out,
                pos,
                max,
            ),
            State::Mz { d, flags } => mz_run(
                d,
                *flags,
                &mut self.idat,
                &mut self.done,
                out,
                pos,
                max,
                kind == Out::Image,
            ),
        }
    }

    /// Drives the stream to its end once the image is complete (the output
    /// ends at `pos` in `out`): only the end of the last block and the
    /// Adler-32 may remain. More output is
    /// [`DecodeError::ImageDataLong`] at its first byte. `out`'s contents are
    /// unchanged.
    pub(super) fn finish(
        &mut self,
        out: &mut [u8],
        pos: usize,
        kind: Out,
        expected: u64,
    ) -> Result<(), DecodeError> {
        match &mut self.state {
            #[cfg(feature = "std")]
            State::Fd(d) => fd_finish(
                d,
                &mut self.idat,
                &self.start,
                &mut self.done,
                out,
                pos,
                expected,
            ),
            State::Mz { d, flags } => mz_finish(
                d,
                *flags,
                &mut self.idat,
                &mut self.done,
                out,
                pos,
                kind == Out::Image,
                expected,
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// miniz_oxide.

fn mz_error(d: &DecompressorOxide, idat: &Idat<'_>, status: TINFLStatus) -> DecodeError {
    let offset = idat.data_offset;
    match status {
        TINFLStatus::Adler32Mismatch => DecodeError::InvalidAdler {
            stored: d.adler32_header().unwrap_or(0),
            computed: d.adler32().unwrap_or(0),
        },
        TINFLStatus::FailedCannotMakeProgress => DecodeError::Zlib {
            offset,
            problem: ZlibProblem::Truncated,
        },
        _ if d.adler32_header().is_none() => DecodeError::Zlib {
            offset,
            problem: ZlibProblem::Header,
        },
        _ => DecodeError::Zlib {
            offset,
            problem: ZlibProblem::Data,
        },
    }
}

/// [`Inflater::run`] for miniz_oxide (`nonwrap`: `out` is the image, else a
/// power-of-two ring).
#[allow(clippy::too_many_arguments)]
pub(super) fn mz_run(
    d: &mut DecompressorOxide,
    base_flags: u32,
    idat: &mut Idat<'_>,
    done: &mut bool,
    out: &mut [u8],
    mut pos: usize,
    mut max: usize,
    nonwrap: bool,
) -> Result<usize, DecodeError> {
    let mut total = 0;
    loop {
        idat.refill()?;
        let more = !idat.at_last();
        let mut flags = base_flags;
        if more {
            flags |= TINFL_FLAG_HAS_MORE_INPUT;
        }
        if nonwrap {
            flags |= TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        }
        let (status, used, written) = decompress_with_limit(d, idat.data, out, pos, max, flags);
        idat.advance(used);
        total += written;
        pos += written;
        max -= written;
        match status {
            TINFLStatus::Done => {
                *done = true;
                return Ok(total);
            }
            // The bound or the end of the buffer was reached.
            TINFLStatus::HasMoreOutput => return Ok(total),
            // The chunk is used up: go on with the next one.
            TINFLStatus::NeedsMoreInput => {
                if max == 0 {
                    return Ok(total);
                }
            }
            s => return Err(mz_error(d, idat, s)),
        }
    }
}

/// [`Inflater::finish`] for miniz_oxide.
#[allow(clippy::too_many_arguments)]
pub(super) fn mz_finish(
    d: &mut DecompressorOxide,
    base_flags: u32,
    idat: &mut Idat<'_>,
    done: &mut bool,
    out: &mut [u8],
    pos: usize,
    nonwrap: bool,
    expected: u64,
) -> Result<(), DecodeError> {
    while !*done {
        idat.refill()?;
        let more = idat.more_may_follow();
        let mut flags = base_flags;
        if more {
            flags |= TINFL_FLAG_HAS_MORE_INPUT;
        }
        if nonwrap {
            flags |= TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        }
        let (status, used, _) = decompress_with_limit(d, idat.data, out, pos, 0, flags);
        idat.advance(used);
        match status {
            TINFLStatus::Done => *done = true,
            // With no room, miniz reports "needs more input" as "has
            // more output"; it is real output only if input is left or
            // none can follow.
            TINFLStatus::HasMoreOutput if idat.data.is_empty() && more => {}
            TINFLStatus::NeedsMoreInput => {}
            TINFLStatus::HasMoreOutput => return Err(DecodeError::ImageDataLong { expected }),
            s => return Err(mz_error(d, idat, s)),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// fdeflate.

/// Maps an fdeflate error; `out` is the buffer the stream was inflated into
/// (needed only to fill in a checksum error).
#[cfg(feature = "std")]
fn fd_error(
    e: fdeflate::DecompressionError,
    idat: &Idat<'_>,
    start: &Idat<'_>,
    out: &mut [u8],
) -> DecodeError {
    use fdeflate::DecompressionError as E;
    let offset = idat.data_offset;
    let problem = match e {
        E::WrongChecksum => return adler_values(start, out),
        E::BadZlibHeader => ZlibProblem::Header,
        E::InsufficientInput => ZlibProblem::Truncated,
        _ => ZlibProblem::Data,
    };
    DecodeError::Zlib { offset, problem }
}

/// The stored and computed Adler-32 of a stream whose check failed in
/// fdeflate (which does not report them): the stream is inflated again with
/// miniz_oxide into `out`, the buffer it was inflated into, which either
/// holds the whole stream or is the 64 KiB ring (wrapped). Only this error
/// path pays for the second pass and the ~11 KiB of miniz_oxide state.
#[cfg(feature = "std")]
fn adler_values(start: &Idat<'_>, out: &mut [u8]) -> DecodeError {
    let mut d = Box::<DecompressorOxide>::default();
    let mut idat = *start;
    let wrap = out.len().is_power_of_two() && out.len() >= WINDOW;
    let mut pos = 0;
    loop {
        if idat.refill().is_err() {
            break;
        }
        let mut flags = TINFL_FLAG_PARSE_ZLIB_HEADER;
        if !idat.at_last() {
            flags |= TINFL_FLAG_HAS_MORE_INPUT;
        }
        if !wrap {
            flags |= TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        }
        let (status, used, written) =
            decompress_with_limit(&mut d, idat.data, out, pos, usize::MAX, flags);
        idat.advance(used);
        pos = if wrap {
            (pos + written) & (out.len() - 1)
        } else {
            pos + written
        };
        match status {
            TINFLStatus::NeedsMoreInput if used > 0 || written > 0 => {}
            TINFLStatus::HasMoreOutput if wrap && written > 0 => {}
            // miniz_oxide found damage fdeflate let through (it is stricter
            // about some code trees): report that, as it would alone.
            s @ (TINFLStatus::Adler32Mismatch
            | TINFLStatus::Failed
            | TINFLStatus::FailedCannotMakeProgress) => return mz_error(&d, &idat, s),
            _ => break,
        }
    }
    // Cannot happen unless the engines disagree about the data; still a
    // checksum error.
    DecodeError::InvalidAdler {
        stored: 0,
        computed: 0,
    }
}

/// [`Inflater::run`] for fdeflate: `out[..pos]` is the history.
#[cfg(feature = "std")]
fn fd_run(
    d: &mut fdeflate::Decompressor,
    idat: &mut Idat<'_>,
    start: &Idat<'_>,
    done: &mut bool,
    out: &mut [u8],
    mut pos: usize,
    max: usize,
) -> Result<usize, DecodeError> {
    let end = pos + max;
    let mut total = 0;
    loop {
        idat.refill()?;
        let last = idat.at_last();
        let (used, written) = match d.read(idat.data, &mut out[..end], pos, last) {
            Ok(r) => r,
            Err(e) => return Err(fd_error(e, idat, start, out)),
        };
        idat.advance(used);
        total += written;
        pos += written;
        if d.is_done() {
            *done = true;
            return Ok(total);
        }
        if pos == end {
            return Ok(total);
        }
        // fdeflate stops early only with its input used up; at the end of
        // the run (`last`) it reports that as an error, so no progress here
        // means the input was empty, which `refill` rules out.
        if used == 0 && written == 0 {
            return Err(DecodeError::Zlib {
                offset: idat.data_offset,
                problem: ZlibProblem::Truncated,
            });
        }
    }
}

/// [`Inflater::finish`] for fdeflate. With no room after `pos`, fdeflate
/// still reads the ends of blocks, block headers and the checksum; any
/// output symbol stops it.
#[cfg(feature = "std")]
fn fd_finish(
    d: &mut fdeflate::Decompressor,
    idat: &mut Idat<'_>,
    start: &Idat<'_>,
    done: &mut bool,
    out: &mut [u8],
    pos: usize,
    expected: u64,
) -> Result<(), DecodeError> {
    while !*done {
        idat.refill()?;
        let last = idat.at_last();
        let (used, _) = match d.read(idat.data, &mut out[..pos], pos, last) {
            Ok(r) => r,
            Err(e) => return Err(fd_error(e, idat, start, out)),
        };
        idat.advance(used);
        if d.is_done() {
            *done = true;
        } else if !idat.data.is_empty() {
            // Input left with the output full: a symbol is waiting.
            return Err(DecodeError::ImageDataLong { expected });
        } else if last {
            // Input used up with no room: more output, or a truncated
            // stream? fdeflate tells with room.
            return fd_probe(d, out, pos, expected, idat.data_offset);
        }
    }
    Ok(())
}

/// Gives fdeflate one byte of room after `pos` and the rest of the input
/// (none). In the ring that byte is there; the image buffer has none, so
/// its history (the last window, or all of a shorter stream) moves down a
/// byte, and back afterwards.
///
/// A byte written is one too many. It is not returned when fdeflate then
/// fails (it goes on to the end of the block, the next block header and
/// the checksum, which covers the extra byte); so errors that can only
/// follow output (or are output, like a match before the moved history,
/// which is at most one byte shorter than the real one) count as a stream
/// that is too long, which is what miniz_oxide reports, stopping at the
/// first extra byte.
#[cfg(feature = "std")]
fn fd_probe(
    d: &mut fdeflate::Decompressor,
    out: &mut [u8],
    pos: usize,
    expected: u64,
    offset: usize,
) -> Result<(), DecodeError> {
    use fdeflate::DecompressionError as E;
    let truncated = DecodeError::Zlib {
        offset,
        problem: ZlibProblem::Truncated,
    };
    let shift = pos == out.len();
    if shift && pos == 0 {
        return Err(truncated);
    }
    // With `shift`: history out[s..pos] moves to out[s'-1..pos-1], where
    // s' = max(s, 1), the byte at `keep` is saved.
    let s = (pos - pos.min(WINDOW)).max(1);
    let keep = s - 1;
    let saved = out[keep];
    let at = if shift {
        out.copy_within(s..pos, s - 1);
        pos - 1
    } else {
        pos
    };
    let r = d.read(&[], &mut out[..at + 1], at, true);
    let result = match r {
        Ok((_, w)) if w > 0 => Err(DecodeError::ImageDataLong { expected }),
        Ok(_) if d.is_done() => Ok(()),
        Err(E::InsufficientInput) | Ok(_) => Err(truncated),
        Err(E::InvalidLiteralLengthCode | E::InvalidDistanceCode) => Err(DecodeError::Zlib {
            offset,
            problem: ZlibProblem::Data,
        }),
        Err(_) => Err(DecodeError::ImageDataLong { expected }),
    };
    if shift {
        out.copy_within(s - 1..pos - 1, s);
        out[keep] = saved;
    }
    result
}
