//! The row pipeline: the stream is inflated into a ring, and each row is
//! unfiltered in a row buffer, then expanded (palette, low bit depths, tRNS,
//! 16 to 8 bits) and, for Adam7, scattered into the output.

use alloc::vec::Vec;

use super::expand::Expand;
use super::header::{Ending, Preamble};
use super::inflate::{Engine, Inflater, Out};
use super::plan::{alloc_zeroed, raw_row_bytes, Plan};
use super::{unfilter, DecodeError, DecodeOptions};

// ---------------------------------------------------------------------------
// The row pipeline.

#[cfg(feature = "alloc")]
pub(crate) fn decode_rows(
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
    Ok(out)
}
