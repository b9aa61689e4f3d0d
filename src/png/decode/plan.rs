//! The plan of a decode: output format, passes, buffer sizes, and the
//! allocation check against [`Limits`](super::Limits).

#[cfg(feature = "png")]
use alloc::vec::Vec;

use super::header::Preamble;
use super::inflate::Engine;
use super::inflate::WINDOW;
use super::{Channels, ColorType, DecodeError, DecodeOptions, LimitKind};
use crate::image::Depth;

// ---------------------------------------------------------------------------
// Layout.

/// Channels of the `EXPAND` output ([`Channels::AsStored`]).
pub(crate) fn stored_channels(pre: &Preamble<'_>) -> u8 {
    let alpha = u8::from(pre.trns.is_some());
    match pre.color {
        ColorType::Gray => 1 + alpha,
        ColorType::Rgb => 3 + alpha,
        ColorType::Indexed => 3 + alpha,
        ColorType::GrayAlpha => 2,
        ColorType::Rgba => 4,
    }
}

/// Output channels and depth for the file and options.
pub(crate) fn output_format(pre: &Preamble<'_>, opts: &DecodeOptions) -> (u8, Depth) {
    let stored = stored_channels(pre);
    let channels = match opts.channels {
        Channels::AsStored => stored,
        Channels::Gray => 1,
        Channels::Rgb => 3,
        Channels::Rgba => 4,
        // OpenCV's IMREAD_UNCHANGED: gray stays one channel (tRNS
        // dropped), gray + alpha becomes BGRA, the rest as stored.
        Channels::OpencvUnchanged => match pre.color {
            ColorType::Gray => 1,
            ColorType::GrayAlpha => 4,
            _ => stored,
        },
    };
    let depth = if pre.bit_depth == 16 && !opts.strip_16 {
        Depth::Sixteen
    } else {
        Depth::Eight
    };
    (channels, depth)
}

/// Adam7 passes: (x0, y0, dx, dy).
pub(crate) const ADAM7: [(u32, u32, u32, u32); 7] = [
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
pub(crate) struct Pass {
    pub(crate) x0: usize,
    pub(crate) y0: usize,
    pub(crate) dx: usize,
    pub(crate) dy: usize,
    pub(crate) width: usize,
    pub(crate) height: usize,
}

/// Everything the row pipelines need, computed from IHDR.
pub(crate) struct Plan {
    pub(crate) width: usize,
    pub(crate) height: usize,
    /// Bits per pixel in the file.
    pub(crate) bits_pp: usize,
    /// The filter's "bytes per pixel" (at least 1).
    pub(crate) bpp: usize,
    pub(crate) out_channels: u8,
    pub(crate) out_depth: Depth,
    pub(crate) out_bpp: usize,
    pub(crate) out_len: usize,
    /// Decompressed stream length: rows plus filter bytes, all passes. (In
    /// the row pipeline it is only counted, never allocated, so it is not
    /// bounded by the allocation check; `u64` holds every valid case.)
    pub(crate) raw_len: u64,
    pub(crate) passes: [Option<Pass>; 7],
    /// Adam7: rows are scattered into the output.
    pub(crate) interlaced: bool,
    /// The direct pipeline applies.
    pub(crate) direct: bool,
    /// The bytes the decode allocates, as checked against the limit.
    pub(crate) alloc: u128,
}

/// Bytes of one row of `width` pixels in the file (without the filter byte).
/// Sizes are computed in `u128`: IHDR allows 2^31 - 1 pixels each way and 64
/// bits per pixel, which overflows `u64` (2^65 bytes).
pub(crate) fn raw_row_bytes(width: u128, bits_pp: u128) -> u128 {
    (width * bits_pp).div_ceil(8)
}

/// Scratch bytes of the row decoder ([`RowDecoder`](super::RowDecoder)) for
/// rows of `width` pixels of `bits_pp` bits in the file and `out_bpp` bytes
/// in the output: the ring and two buffers, each the larger of a filtered
/// row (with its filter byte) and an output row.
pub(crate) fn scratch_bytes(width: u128, bits_pp: u128, out_bpp: u128) -> u128 {
    let raw = 1 + raw_row_bytes(width, bits_pp);
    let out = width * out_bpp;
    WINDOW as u128 + 2 * raw.max(out)
}

/// The whole-image reader's pipelines (see `decode/mod.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pipeline {
    /// The plain layouts: the stream inflated into the output buffer and
    /// unfiltered in place (`direct.rs`; `own.rs` with our own inflater).
    Direct,
    /// The row pipeline with the stream inflated whole by our own inflater
    /// (`own.rs`; streams up to [`OWN_WHOLE_MAX`](super::inflate::OWN_WHOLE_MAX)).
    WholeRows,
    /// The row pipeline with the stream inflated into a ring by a
    /// streaming engine (`ring.rs`).
    Ring,
}

impl Pipeline {
    /// The pipeline `engine` runs for a layout the direct pipeline takes
    /// or not (`direct`), with a stream of `raw_len` bytes.
    pub(crate) fn of(engine: Engine, direct: bool, raw_len: u64) -> Pipeline {
        if direct {
            Pipeline::Direct
        } else if engine.whole_rows(raw_len) {
            Pipeline::WholeRows
        } else {
            Pipeline::Ring
        }
    }

    /// The bytes its buffers take (what the limit counts), for `out_len`
    /// output bytes, a stream of `raw_len`, filtered rows of `row` bytes
    /// (with the filter byte) and, for Adam7, expanded rows of
    /// `interlaced_row`.
    fn alloc(
        self,
        engine: Engine,
        raw_len: u128,
        out_len: u128,
        row: u128,
        interlaced_row: Option<u128>,
    ) -> u128 {
        // The row pipelines' `RowOut`: the output and, for Adam7, one
        // expanded row before it is scattered.
        let rows = out_len + interlaced_row.unwrap_or(0);
        match self {
            // One buffer, the stream's size, that becomes the output.
            Pipeline::Direct => raw_len,
            // `RowOut` and the whole stream, where rows are unfiltered.
            Pipeline::WholeRows => rows + raw_len,
            // `RowOut` with the row being unfiltered and the previous one,
            // and the engine's ring.
            Pipeline::Ring => {
                let ring = engine.ring_len(u64::try_from(raw_len).unwrap_or(u64::MAX));
                rows + 2 * row + ring as u128
            }
        }
    }
}

/// What [`Limits::with_max_bytes`] bounds.
#[derive(Clone, Copy)]
pub(crate) enum Budget {
    /// The whole-image decode with this engine: output and working buffers.
    Image(Engine),
    /// [`RowDecoder`]: its scratch (ring and two rows).
    Rows,
}

impl Plan {
    pub(crate) fn new(
        pre: &Preamble<'_>,
        opts: &DecodeOptions,
        engine: Engine,
    ) -> Result<Plan, DecodeError> {
        Plan::with_budget(pre, opts, Budget::Image(engine))
    }

    pub(crate) fn with_budget(
        pre: &Preamble<'_>,
        opts: &DecodeOptions,
        budget: Budget,
    ) -> Result<Plan, DecodeError> {
        let lim = &opts.limits;
        #[cfg(pixb64_small)]
        if output_format(pre, opts).0 != stored_channels(pre) {
            return Err(DecodeError::ChannelsUnavailable);
        }
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
            && !(pre.bit_depth == 16 && opts.strip_16)
            && out_channels == pre.color.samples();
        // What will be allocated: the buffers of the pipeline that runs
        // (see `Pipeline::alloc`); for the row decoder, its scratch.
        let alloc = match budget {
            Budget::Rows => scratch_bytes(w, bits_pp, out_bpp),
            Budget::Image(engine) => {
                let stream = u64::try_from(raw_len).unwrap_or(u64::MAX);
                Pipeline::of(engine, direct, stream).alloc(
                    engine,
                    raw_len,
                    out_len,
                    1 + raw_row_bytes(w, bits_pp),
                    pre.interlaced.then_some(w * out_bpp),
                )
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
            alloc,
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

    /// Checks that `extra` more bytes (a second output buffer) also fit in
    /// the allocation bound.
    #[cfg(feature = "png")]
    pub(crate) fn check_also(&self, opts: &DecodeOptions, extra: usize) -> Result<(), DecodeError> {
        let max = opts.limits.max_bytes as u128;
        let total = self.alloc + extra as u128;
        if total > max {
            return Err(DecodeError::LimitExceeded {
                limit: LimitKind::Bytes,
                value: u64::try_from(total).unwrap_or(u64::MAX),
                max: max as u64,
            });
        }
        Ok(())
    }
}

#[cfg(feature = "png")]
/// A zeroed buffer of `n` bytes, or an error if the allocator refuses.
pub(crate) fn alloc_zeroed(n: usize) -> Result<Vec<u8>, DecodeError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| DecodeError::OutOfMemory { bytes: n })?;
    v.resize(n, 0);
    Ok(v)
}
