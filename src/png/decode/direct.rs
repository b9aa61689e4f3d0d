//! The direct pipeline: the stream is inflated straight into the output
//! buffer and each row unfiltered in place once the window has passed it.

use alloc::vec::Vec;

use super::header::Ending;
use super::inflate::{Inflater, Out, WINDOW};
use super::plan::Plan;
use super::{expand, unfilter, DecodeError, DecodeOptions};
use crate::image::{ChannelOrder, Depth};

// ---------------------------------------------------------------------------
// The direct pipeline.

/// Bytes inflated per call in the direct pipeline: rows are unfiltered
/// between calls, so the data is still in cache.
pub(crate) const STEP: usize = 64 * 1024;

#[cfg(feature = "png")]
pub(crate) fn decode_direct(
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
    Ending::of(opts).stream_end(inf.finish(&mut buf, raw_len, Out::Image, raw_len as u64))?;
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

#[cfg(feature = "png")]
/// Unfilters row `y` of the direct layout and moves it to its final place.
pub(crate) fn direct_row(
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
        return Err(DecodeError::InvalidFilter {
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
