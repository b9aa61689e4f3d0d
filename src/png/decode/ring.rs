//! The row pipeline: the stream is inflated into a ring, and each row is
//! unfiltered in a row buffer, then expanded (palette, low bit depths, tRNS,
//! 16 to 8 bits) and, for Adam7, scattered into the output.

use alloc::vec::Vec;

use super::expand::Expand;
use super::header::{Ending, Preamble};
use super::inflate::{Engine, Inflater, Out};
use super::plan::{alloc_zeroed, raw_row_bytes, Pass, Plan};
use super::{unfilter, DecodeError, DecodeOptions};

// ---------------------------------------------------------------------------
// The row pipeline.

#[cfg(feature = "png")]
pub(crate) fn decode_rows(
    plan: &Plan,
    pre: &Preamble<'_>,
    inf: &mut Inflater<'_>,
    opts: &DecodeOptions,
    engine: Engine,
) -> Result<Vec<u8>, DecodeError> {
    let mut rows = RowOut::new(plan, pre, opts, true)?;
    // The ring the stream is inflated into (see `Engine::ring_len`).
    let mut ring = alloc_zeroed(engine.ring_len(plan.raw_len))?;
    let mut ring_pos = 0;
    // Inflated bytes waiting in the ring: ring[ring_pos - avail..ring_pos].
    let mut avail = 0;
    let mut consumed: u64 = 0;
    while let Some(row_len) = rows.next_len() {
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
                let want = (plan.raw_len - consumed).min((ring.len() - ring_pos) as u64) as usize;
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
            rows.row_buf()[filled..filled + k].copy_from_slice(&ring[start..start + k]);
            filled += k;
            avail -= k;
            consumed += k as u64;
        }
        rows.commit(consumed)?;
    }
    // The image is complete; the rest of the stream may hold only the end
    // of the last block and the checksum, or surplus data (see `Ending`).
    let end = if avail > 0 {
        Err(DecodeError::ImageDataLong {
            expected: plan.raw_len,
        })
    } else {
        if ring_pos == ring.len() {
            ring_pos = engine.ring_restart(&mut ring);
        }
        inf.finish(&mut ring, ring_pos, Out::Ring, plan.raw_len)
    };
    Ending::of(opts).stream_end(end)?;
    Ok(rows.finish())
}

/// The rows' side of the row pipeline, whatever inflates: raw rows (filter
/// byte first, in stream order, pass by pass for Adam7) are unfiltered
/// against the previous row of their pass, expanded (palette, low bit
/// depths, tRNS, 16 to 8 bits, channels) and put in the output (scattered,
/// for Adam7). They come one of two ways, the same for every row of an
/// image: written into [`RowOut::row_buf`] and handed over with
/// [`RowOut::commit`] (from a ring the inflater still reads), or left
/// where they were inflated and unfiltered there with
/// [`RowOut::commit_row`] (from a buffer of the whole stream).
#[cfg(feature = "png")]
pub(crate) struct RowOut<'p> {
    plan: &'p Plan,
    ex: Expand,
    out: Vec<u8>,
    /// The row being filled, and the previous (unfiltered) row of its pass
    /// (for [`RowOut::commit`]; empty where rows come by
    /// [`RowOut::commit_row`]).
    cur: Vec<u8>,
    prev: Vec<u8>,
    /// One expanded row of an Adam7 pass, before it is scattered.
    tmp: Vec<u8>,
    /// The pass (index into `plan.passes`) and row within it of the next
    /// row; `pass == 7` once the image is complete.
    pass: usize,
    row: usize,
}

#[cfg(feature = "png")]
impl<'p> RowOut<'p> {
    /// `staged`: rows come through [`RowOut::row_buf`] and
    /// [`RowOut::commit`] (which need the two row buffers), not by
    /// [`RowOut::commit_row`].
    pub(crate) fn new(
        plan: &'p Plan,
        pre: &Preamble<'_>,
        opts: &DecodeOptions,
        staged: bool,
    ) -> Result<Self, DecodeError> {
        let full_row = 1 + raw_row_bytes(plan.width as u128, plan.bits_pp as u128) as usize;
        let row = |n| {
            if staged {
                alloc_zeroed(n)
            } else {
                Ok(Vec::new())
            }
        };
        let mut r = RowOut {
            plan,
            ex: Expand::new(pre, opts),
            out: alloc_zeroed(plan.out_len)?,
            cur: row(full_row)?,
            prev: row(full_row)?,
            tmp: if plan.interlaced {
                alloc_zeroed(plan.width * plan.out_bpp)?
            } else {
                Vec::new()
            },
            pass: 0,
            row: 0,
        };
        r.skip_empty();
        Ok(r)
    }

    fn skip_empty(&mut self) {
        while self.pass < 7 && self.plan.passes[self.pass].is_none_or(|p| self.row >= p.height) {
            self.pass += 1;
            self.row = 0;
        }
    }

    /// Bytes of the next raw row (with its filter byte), or `None` when
    /// the image is complete.
    pub(crate) fn next_len(&self) -> Option<usize> {
        let pass = self.plan.passes.get(self.pass).copied().flatten()?;
        Some(1 + raw_row_bytes(pass.width as u128, self.plan.bits_pp as u128) as usize)
    }

    /// Where the next raw row goes (at least [`RowOut::next_len`] bytes).
    pub(crate) fn row_buf(&mut self) -> &mut [u8] {
        &mut self.cur
    }

    /// Takes the next raw row from [`RowOut::row_buf`]; `consumed`: the
    /// stream's raw bytes up to the end of this row (for the error offset).
    pub(crate) fn commit(&mut self, consumed: u64) -> Result<(), DecodeError> {
        let Some((pass, row_len)) = self.next_row() else {
            return Ok(());
        };
        let filter = self.cur[0];
        check_filter(filter, consumed - row_len as u64)?;
        let p = if self.row == 0 {
            None
        } else {
            Some(&self.prev[1..row_len])
        };
        unfilter::unfilter(filter, self.plan.bpp, p, &mut self.cur[1..row_len]);
        let cur = core::mem::take(&mut self.cur);
        self.put(pass, &cur[1..row_len]);
        // The row just unfiltered is the next one's previous row.
        self.cur = core::mem::replace(&mut self.prev, cur);
        self.advance();
        Ok(())
    }

    /// Takes the next raw row where it was inflated,
    /// `stream[at..at + next_len()]` (filter byte first), without copying
    /// it: it is unfiltered in place, against the row before it in
    /// `stream` (the previous row of its pass, already unfiltered there).
    /// So all rows of an image come this way, out of one buffer of the
    /// whole stream, each once the inflater reads none of its bytes any
    /// more. `at` is also the error offset.
    pub(crate) fn commit_row(&mut self, stream: &mut [u8], at: usize) -> Result<(), DecodeError> {
        let Some((pass, row_len)) = self.next_row() else {
            return Ok(());
        };
        let (done, rest) = stream.split_at_mut(at);
        let filter = rest[0];
        check_filter(filter, at as u64)?;
        let row = &mut rest[1..row_len];
        // The rows of a pass follow each other and have the same length.
        let p = if self.row == 0 {
            None
        } else {
            Some(&done[at + 1 - row_len..])
        };
        unfilter::unfilter(filter, self.plan.bpp, p, row);
        self.put(pass, row);
        self.advance();
        Ok(())
    }

    /// The pass of the next row and the row's length (with its filter
    /// byte), or `None` when the image is complete.
    fn next_row(&self) -> Option<(Pass, usize)> {
        let pass = self.plan.passes.get(self.pass).copied().flatten()?;
        Some((pass, self.next_len()?))
    }

    /// Expands the unfiltered row `raw` (without its filter byte) of
    /// `pass` into the output.
    fn put(&mut self, pass: Pass, raw: &[u8]) {
        let plan = self.plan;
        let out_stride = plan.width * plan.out_bpp;
        if plan.interlaced {
            let t = &mut self.tmp[..pass.width * plan.out_bpp];
            self.ex.row(raw, pass.width, t);
            let y = pass.y0 + self.row * pass.dy;
            let line = &mut self.out[y * out_stride..(y + 1) * out_stride];
            scatter(t, line, pass.x0, pass.dx, plan.out_bpp);
        } else {
            let r = self.row;
            self.ex.row(
                raw,
                pass.width,
                &mut self.out[r * out_stride..(r + 1) * out_stride],
            );
        }
    }

    /// Moves on to the next row (of the next pass with rows, after the
    /// last of its pass).
    fn advance(&mut self) {
        self.row += 1;
        self.skip_empty();
    }

    /// The output image (complete once [`RowOut::next_len`] is `None`).
    pub(crate) fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Rejects a filter type byte above 4; `offset`: its stream offset.
fn check_filter(filter: u8, offset: u64) -> Result<(), DecodeError> {
    if filter > 4 {
        return Err(DecodeError::InvalidFilter { offset, filter });
    }
    Ok(())
}

/// Puts the pixels of an Adam7 pass row (`b` bytes each) at columns `x0`,
/// `x0 + dx`, ... of `line`. One copy per pixel size, so that each pixel is
/// a constant-length copy (a run-time length made it a `memcpy` call per
/// pixel); one run-time copy in the small form.
fn scatter(t: &[u8], line: &mut [u8], x0: usize, dx: usize, b: usize) {
    #[inline(always)]
    fn run(t: &[u8], line: &mut [u8], x0: usize, dx: usize, b: usize) {
        for (i, px) in t.chunks_exact(b).enumerate() {
            let x = x0 + i * dx;
            line[x * b..x * b + b].copy_from_slice(px);
        }
    }
    #[cfg(pixb64_small)]
    run(t, line, x0, dx, b);
    #[cfg(not(pixb64_small))]
    match b {
        1 => run(t, line, x0, dx, 1),
        2 => run(t, line, x0, dx, 2),
        3 => run(t, line, x0, dx, 3),
        4 => run(t, line, x0, dx, 4),
        6 => run(t, line, x0, dx, 6),
        8 => run(t, line, x0, dx, 8),
        _ => run(t, line, x0, dx, b),
    }
}
