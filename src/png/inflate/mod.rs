//! pixb64's own inflater: a zlib stream (RFC 1950/1951) from one
//! contiguous input into one output buffer that holds the whole result.
//!
//! Not streaming on either side, which is what makes it fast: the window
//! is simply the output before the write position, the input can be read
//! eight bytes at a time, and matches can be copied in whole words while
//! the output has room ([`copy`]). Near either end a careful loop takes
//! over ([`blocks`]). It allocates nothing; the tables (about 11.5 KiB)
//! live in [`Tables`], which the caller owns (boxed on the heap, or on the
//! stack where it is large enough).
//!
//! The caller sees progress while the output is still in cache: every
//! `stride` bytes (at a symbol boundary) `progress(out, written)` is
//! called, and may rewrite `out[..written - WINDOW]`, which no later match
//! can reach (the PNG reader unfilters its rows there), or all of `out`
//! once it is full (`written == out.len()`: nothing more is written, so
//! nothing is read back).
//! The Adler-32 is summed over the new bytes just before each call.
//!
//! Which code trees are accepted follows zlib, fdeflate and the `png`
//! crate: complete codes; for distances also no code at all or a single
//! one-bit code; the end-of-block symbol must have a code. The zlib
//! header's window size is not enforced (as fdeflate); preset
//! dictionaries are rejected.

mod bits;
mod blocks;
mod copy;
mod fast;
mod huffman;

#[cfg(test)]
mod tests;

use huffman::{DIST_LEN, LITLEN_LEN};

/// Deflate's window: how far back a match can reach.
pub(crate) const WINDOW: usize = 32 * 1024;

/// What is wrong with a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The 2-byte zlib header is invalid.
    Header,
    /// Invalid deflate data (block type, code tree, code, distance, stored
    /// length).
    Data,
    /// The input ends before the stream does.
    Truncated,
    /// The Adler-32 at the end does not match the output.
    Adler {
        /// The stream's value.
        stored: u32,
        /// The value of the output.
        computed: u32,
    },
    /// The progress callback asked to stop.
    Stopped,
}

/// A failed inflate: the problem and the input offset where it was seen
/// (the input length for truncation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    /// Offset into the input.
    pub(crate) at: usize,
    /// What went wrong.
    pub(crate) problem: Problem,
    /// Output bytes written before it: the stream's output, except after
    /// [`Problem::Truncated`], where the last symbols may have been read
    /// from the zero bits past the input. (A row pipeline hands on the
    /// complete rows among them first, as a streaming reader would.)
    pub(crate) written: usize,
}

/// A stream that decoded without error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The stream ended (checksum verified unless skipped): input bytes it
    /// took, output bytes written. Bytes of `out` past `written` may have
    /// been overwritten.
    Done {
        /// Input bytes of the stream (header to checksum).
        consumed: usize,
        /// Output bytes.
        written: usize,
    },
    /// The stream has more output than `out` holds (it was valid up to
    /// there; `out` holds some prefix of the output).
    OutputFull,
}

/// The decode tables (allocate once, reuse for many streams).
pub(crate) struct Tables {
    litlen: [u32; LITLEN_LEN],
    dist: [u32; DIST_LEN],
    precode: [u32; 1 << huffman::PRECODE_BITS],
    /// `litlen` and `dist` hold the fixed code.
    fixed: bool,
    /// The index bits `litlen`'s main table was built with.
    litlen_bits: u32,
}

impl Tables {
    /// Empty tables.
    pub(crate) const fn new() -> Self {
        Tables {
            litlen: [0; LITLEN_LEN],
            dist: [0; DIST_LEN],
            precode: [0; 1 << huffman::PRECODE_BITS],
            fixed: false,
            litlen_bits: huffman::LITLEN_BITS,
        }
    }
}

/// Tables for one decode: with `std`, the calling thread's spare set if it
/// has one (given back by [`Tables::recycle`]), else a new boxed set.
/// Building 22.5 KiB of zeroed tables (and, for `Box::new`, copying them
/// from the stack) was 10% of decoding a 1 KiB PNG.
impl Tables {
    pub(crate) fn boxed() -> alloc::boxed::Box<Tables> {
        #[cfg(feature = "std")]
        if let Some(t) = SPARE.with(|s| s.take()) {
            return t;
        }
        alloc::boxed::Box::new(Tables::new())
    }

    /// Keeps `t` as this thread's spare set (with `std`; else drops it).
    pub(crate) fn recycle(t: alloc::boxed::Box<Tables>) {
        #[cfg(feature = "std")]
        SPARE.with(|s| s.set(Some(t)));
        #[cfg(not(feature = "std"))]
        drop(t);
    }
}

#[cfg(feature = "std")]
std::thread_local! {
    /// One spare set of tables per thread (22.5 KiB), kept between decodes.
    /// Their contents need no reset: every entry a stream reads is written
    /// by the block that uses it, and `fixed` stays true to what they hold.
    static SPARE: core::cell::Cell<Option<alloc::boxed::Box<Tables>>> =
        const { core::cell::Cell::new(None) };
}

impl Default for Tables {
    fn default() -> Self {
        Self::new()
    }
}

/// Inflates the zlib stream at the start of `input` into `out`.
///
/// `check`: verify the Adler-32 (it is read either way). `stride`: call
/// `progress(out, written)` each time at least this many more bytes were
/// written (`usize::MAX`: never); returning `false` stops with
/// [`Problem::Stopped`]. Never panics and touches nothing outside `out`.
pub(crate) fn inflate<F>(
    tables: &mut Tables,
    input: &[u8],
    out: &mut [u8],
    check: bool,
    stride: usize,
    progress: F,
) -> Result<Outcome, Error>
where
    F: FnMut(&mut [u8], usize) -> bool,
{
    let header = match input {
        [a, b, ..] => [*a, *b],
        _ => {
            return Err(Error {
                at: input.len(),
                problem: Problem::Truncated,
                written: 0,
            })
        }
    };
    let (cmf, flg) = (header[0], header[1]);
    if cmf & 0x0f != 8
        || cmf >> 4 > 7
        || flg & 0x20 != 0
        || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0
    {
        return Err(Error {
            at: 0,
            problem: Problem::Header,
            written: 0,
        });
    }
    let mut run = blocks::Run::new(tables, input, out, 2, check, stride, progress);
    run.stream()
}

/// [`inflate`] for the fuzz targets: `Ok(Some((consumed, written)))`,
/// `Ok(None)` for a full output, `Err(kind)` (0 header, 1 data, 2
/// truncated, 3 Adler-32). With `scribble`, the progress callback (every
/// `stride` bytes) overwrites what no match may read any more; the last
/// byte it overwrote is returned too, so that only the rest is compared.
#[cfg(fuzzing)]
pub(crate) fn fuzz_inflate(
    input: &[u8],
    out: &mut [u8],
    check: bool,
    stride: usize,
    scribble: bool,
) -> (Result<Option<(usize, usize)>, u8>, usize) {
    let mut tables = alloc::boxed::Box::new(Tables::new());
    let mut scribbled = 0;
    let r = inflate(&mut tables, input, out, check, stride, |o, w| {
        if scribble {
            let safe = w.saturating_sub(WINDOW);
            o[..safe].fill(0xa5);
            scribbled = scribbled.max(safe);
        }
        true
    });
    let r = match r {
        Ok(Outcome::Done { consumed, written }) => Ok(Some((consumed, written))),
        Ok(Outcome::OutputFull) => Ok(None),
        Err(e) => Err(match e.problem {
            Problem::Header => 0,
            Problem::Data | Problem::Stopped => 1,
            Problem::Truncated => 2,
            Problem::Adler { .. } => 3,
        }),
    };
    (r, scribbled)
}
