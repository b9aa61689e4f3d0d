//! The pipelines on pixb64's own inflater (`png/inflate`): the IDAT
//! payloads as one contiguous stream (borrowed when there is one IDAT,
//! else copied once), inflated in one call into the whole raw image.
//! The direct pipeline unfilters rows in place from the progress callback
//! once the window has passed them; the row pipeline, for streams up to
//! [`OWN_WHOLE_MAX`](super::inflate::OWN_WHOLE_MAX), has [`RowOut`]
//! unfilter each raw row where it was inflated, once the inflater is done
//! with it.

use alloc::vec::Vec;

use super::direct::direct_row;
use super::header::{Ending, Preamble};
use super::plan::{alloc_zeroed, Plan};
use super::ring::RowOut;
use super::{expand, read_chunk, Chunk, DecodeError, DecodeOptions, ZlibProblem};
use crate::image::ChannelOrder;
use crate::png::inflate::{self, Outcome, Problem, Tables, WINDOW};

/// Output bytes between progress calls (rows are unfiltered then, while
/// the bytes are still in cache).
const STRIDE: usize = 64 * 1024;

// The row pipeline's stream fits in one stride, so its progress call comes
// only once the output is full, when every complete row can be unfiltered
// in place (see `decode_rows_own`).
const _: () = assert!(super::inflate::OWN_WHOLE_MAX as usize <= STRIDE);

/// The IDAT run as one stream.
pub(crate) struct Stream<'a> {
    /// The payloads, concatenated (borrowed for a single IDAT).
    data: alloc::borrow::Cow<'a, [u8]>,
    /// (stream offset, file offset) of each payload's start.
    segments: Vec<(usize, usize)>,
    /// File offset just past the last payload.
    end_offset: usize,
    /// Offset of the chunk after the run.
    pub(crate) next: usize,
    /// A chunk error met while gathering, reported if the inflater needs
    /// the data beyond it (as the streaming engines do).
    deferred: Option<DecodeError>,
}

impl<'a> Stream<'a> {
    /// Gathers the IDAT run starting with `first` (whose CRC was checked).
    pub(crate) fn gather(
        input: &'a [u8],
        first: &Chunk<'a>,
        checksums: bool,
    ) -> Result<Self, DecodeError> {
        let mut s = Stream {
            data: alloc::borrow::Cow::Borrowed(first.data),
            segments: alloc::vec![(0, first.offset + 8)],
            end_offset: first.offset + 8 + first.data.len(),
            next: first.end(),
            deferred: None,
        };
        // More IDAT may follow unless the next header is complete and names
        // another type (a cut-off header reads as a truncation).
        while input
            .get(s.next + 4..s.next + 8)
            .is_none_or(|t| t == b"IDAT")
        {
            let c = match read_chunk(input, s.next) {
                Ok(c) => c,
                Err(e) => {
                    s.deferred = Some(e);
                    break;
                }
            };
            if checksums {
                if let Err(e) = c.crc_ok() {
                    s.deferred = Some(e);
                    break;
                }
            }
            if !c.data.is_empty() {
                let v = s.data.to_mut();
                v.try_reserve(c.data.len())
                    .map_err(|_| DecodeError::OutOfMemory {
                        bytes: v.len() + c.data.len(),
                    })?;
                s.segments.push((v.len(), c.offset + 8));
                v.extend_from_slice(c.data);
                s.end_offset = c.offset + 8 + c.data.len();
            }
            s.next = c.end();
        }
        Ok(s)
    }

    /// The file offset of stream offset `at`.
    fn file_offset(&self, at: usize) -> usize {
        if at >= self.data.len() {
            return self.end_offset;
        }
        let i = self.segments.partition_point(|&(s, _)| s <= at) - 1;
        let (s, f) = self.segments[i];
        f + (at - s)
    }

    /// The result of inflating the stream into a buffer of the image's
    /// `raw_len` bytes, as both pipelines report it: a stream that ends
    /// early is short; one with more output is long (an error only when
    /// strict, see `Ending`); an inflate error is mapped by
    /// [`Stream::error`].
    fn outcome(
        &mut self,
        r: Result<Outcome, inflate::Error>,
        raw_len: usize,
        opts: &DecodeOptions,
    ) -> Result<(), DecodeError> {
        match r {
            Ok(Outcome::Done { written, .. }) if written < raw_len => {
                Err(DecodeError::ImageDataShort {
                    expected: raw_len as u64,
                    actual: written as u64,
                })
            }
            Ok(Outcome::Done { .. }) => Ok(()),
            Ok(Outcome::OutputFull) => {
                Ending::of(opts).stream_end(Err(DecodeError::ImageDataLong {
                    expected: raw_len as u64,
                }))
            }
            Err(e) => Err(self.error(e)),
        }
    }

    fn error(&mut self, e: inflate::Error) -> DecodeError {
        let problem = match e.problem {
            Problem::Header => ZlibProblem::Header,
            Problem::Data => ZlibProblem::Data,
            Problem::Truncated => {
                if let Some(d) = self.deferred.take() {
                    return d;
                }
                ZlibProblem::Truncated
            }
            Problem::Adler { stored, computed } => {
                return DecodeError::InvalidAdler { stored, computed }
            }
            // The callback's own error is reported by the caller.
            Problem::Stopped => ZlibProblem::Data,
        };
        DecodeError::Zlib {
            offset: self.file_offset(e.at),
            problem,
        }
    }
}

/// The direct pipeline (see `direct.rs`) with the whole stream inflated
/// in one call.
pub(crate) fn decode_direct_own(
    plan: &Plan,
    stream: &mut Stream<'_>,
    opts: &DecodeOptions,
    tables: &mut Tables,
) -> Result<Vec<u8>, DecodeError> {
    let stride = plan.width * plan.out_bpp;
    let rs = stride + 1;
    let raw_len = usize::try_from(plan.raw_len).unwrap_or(usize::MAX);
    let mut buf = Vec::new();
    buf.try_reserve_exact(raw_len)
        .map_err(|_| DecodeError::OutOfMemory { bytes: raw_len })?;
    buf.resize(raw_len, 0);
    let swap = opts.order == ChannelOrder::Bgr && plan.out_channels >= 3;
    let mut row = 0;
    let mut failed = None;
    let (bpp, depth, height) = (plan.bpp, plan.out_depth, plan.height);
    let r = inflate::inflate(
        tables,
        &stream.data,
        &mut buf,
        opts.checksums,
        STRIDE,
        |out, written| {
            // Row `row` moves to `row * stride`, over bytes a later match
            // may read until they are a window behind.
            let safe = written.saturating_sub(WINDOW);
            while row < height && (row + 1) * rs <= written && (row + 1) * stride <= safe {
                if let Err(e) = direct_row(out, row, stride, bpp, swap, depth) {
                    failed = Some(e);
                    return false;
                }
                row += 1;
            }
            true
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    stream.outcome(r, raw_len, opts)?;
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

/// The row pipeline (see `ring.rs`) with the whole stream inflated in one
/// call into a buffer of its size; complete rows go to [`RowOut`], which
/// unfilters them in place ([`RowOut::commit_row`]), from the progress
/// callback and, when the inflater stops (at the end or on an error),
/// before its outcome is reported, so that errors come in stream order as
/// from the streaming engines.
pub(crate) fn decode_rows_own(
    plan: &Plan,
    pre: &Preamble<'_>,
    stream: &mut Stream<'_>,
    opts: &DecodeOptions,
    tables: &mut Tables,
) -> Result<Vec<u8>, DecodeError> {
    let raw_len = usize::try_from(plan.raw_len).unwrap_or(usize::MAX);
    let mut rows = RowOut::new(plan, pre, opts, false)?;
    let mut raw = alloc_zeroed(raw_len)?;
    // Raw bytes handed to `rows` so far.
    let mut consumed = 0;
    let mut failed = None;
    let r = inflate::inflate(
        tables,
        &stream.data,
        &mut raw,
        opts.checksums,
        STRIDE,
        |out, written| {
            // Unfiltering rewrites the rows, which a later match may read
            // until they are a window behind; once the output is full
            // (which is when this is called, see `STRIDE`) nothing more is
            // written, so nothing is read back.
            let safe = if written == out.len() {
                written
            } else {
                written.saturating_sub(WINDOW)
            };
            match hand_on(&mut rows, &mut consumed, out, safe) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    let written = match r {
        Ok(Outcome::Done { written, .. }) => written,
        Ok(Outcome::OutputFull) => raw_len,
        // Cut short: the last symbols may have been read from the zero
        // bits past the end, so what they wrote is not handed on.
        Err(e) if e.problem == Problem::Truncated => consumed,
        Err(e) => e.written.min(raw_len),
    };
    hand_on(&mut rows, &mut consumed, &mut raw, written)?;
    stream.outcome(r, raw_len, opts)?;
    Ok(rows.finish())
}

/// Hands the complete rows in `out[*consumed..written]` to `rows`, which
/// unfilters them there.
fn hand_on(
    rows: &mut RowOut<'_>,
    consumed: &mut usize,
    out: &mut [u8],
    written: usize,
) -> Result<(), DecodeError> {
    let written = written.min(out.len());
    while let Some(n) = rows.next_len() {
        let at = *consumed;
        if at + n > written {
            break;
        }
        *consumed = at + n;
        rows.commit_row(out, at)?;
    }
    Ok(())
}
