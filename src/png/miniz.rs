//! `miniz_oxide`'s deflate behind the shared row filters
//! ([`super::Deflater::MinizOxide`]): the engine levels 2-9 used before our
//! own, kept as a choice and as the tests' reference.

use super::adler::adler32_update;
use super::filter::{Adaptive, Policy, Price};
use super::rows::Scanlines;
use super::strips::Strips;
use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};
use alloc::vec::Vec;
use core::ops::Range;
use miniz_oxide::deflate::core::{
    compress_to_output, deflate_flags, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

/// What one level runs: `miniz_oxide`'s match search effort and the filter
/// choice for `Filter::Adaptive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Params {
    /// Hash-chain probes per match search (`miniz_oxide` turns `p` probes
    /// into `1 + (p + 2) / 3` chain steps).
    probes: u16,
    /// Greedy parsing (take the first match) instead of lazy.
    greedy: bool,
    /// What `Filter::Adaptive` means at this level.
    adaptive: Policy,
}

/// Level -> settings, as chosen when `miniz_oxide` was the engine of levels
/// 2..=9 (`png` 0.18's `Balanced` and `High` are `miniz_oxide` 128 and 768
/// probes with min-sum filters): 2 probes greedy with min-sum filters at
/// 1-2, then entropy-scored filters and 6 greedy, 16, 32, 64, 96, 256 and
/// 1500 lazy probes.
fn params(level: u8) -> Params {
    let minsum = Policy::Adaptive(Adaptive::full(Price::MinSum));
    let entropy = Policy::Adaptive(Adaptive::full(Price::Entropy));
    let (probes, greedy, adaptive) = match level {
        0..=2 => (2, true, minsum),
        3 => (6, true, entropy),
        4 => (16, false, entropy),
        5 => (32, false, entropy),
        6 => (64, false, entropy),
        7 => (96, false, entropy),
        8 => (256, false, entropy),
        _ => (1500, false, entropy),
    };
    Params {
        probes,
        greedy,
        adaptive,
    }
}

/// The filter policy at `level` for the user's `filter`.
pub(crate) fn policy(level: u8, filter: Filter) -> Policy {
    Policy::from_filter(filter, params(level).adaptive)
}

/// `miniz_oxide` fed row by row (the row encoder): it keeps its own window
/// and buffers, so each row goes in as it comes.
pub(crate) struct Stream {
    c: CompressorOxide,
}

impl Stream {
    pub(crate) fn new(level: u8) -> Self {
        Stream {
            c: CompressorOxide::new(flags(params(level))),
        }
    }

    /// Compresses `line` into `out`.
    pub(crate) fn write<S: Sink + ?Sized>(&mut self, line: &[u8], out: &mut S) {
        feed(&mut self.c, line, TDEFLFlush::None, out);
    }

    /// Ends the stream (`last`) or the strip (a sync flush).
    pub(crate) fn finish<S: Sink + ?Sized>(&mut self, last: bool, out: &mut S) {
        let flush = if last {
            TDEFLFlush::Finish
        } else {
            TDEFLFlush::Sync
        };
        feed(&mut self.c, &[], flush, out);
    }
}

/// `miniz_oxide` flags for a raw deflate stream at `p` (no zlib wrapper:
/// the caller writes the header and the Adler-32).
fn flags(p: Params) -> u32 {
    // The low 12 bits are the probe count.
    let mut f = u32::from(p.probes.min(0xFFF));
    if p.greedy {
        f |= deflate_flags::TDEFL_GREEDY_PARSING_FLAG;
    }
    f
}

/// Scanline bytes handed to `miniz_oxide` per call: large enough that the
/// per-call overhead vanishes, small enough to stay in L2 while the
/// compressor copies it into its window.
const BATCH: usize = 128 * 1024;

/// `miniz_oxide` at one level over one image.
pub(crate) struct Coder<'i, 'a> {
    img: &'i Image<'a>,
    order: ChannelOrder,
    policy: Policy,
    p: Params,
}

impl<'i, 'a> Coder<'i, 'a> {
    pub(crate) fn new(img: &'i Image<'a>, level: u8, order: ChannelOrder, filter: Filter) -> Self {
        let p = params(level);
        Coder {
            img,
            order,
            policy: Policy::from_filter(filter, p.adaptive),
            p,
        }
    }
}

impl Strips for Coder<'_, '_> {
    fn strip<S: Sink + ?Sized>(&self, rows: Range<usize>, last: bool, out: &mut S) -> u32 {
        let mut c = CompressorOxide::new(flags(self.p));
        let mut lines = Scanlines::new(self.img, self.order, self.policy);
        let mut batch = Vec::with_capacity(BATCH + self.img.row_bytes() + 1);
        let mut adler = 1u32;
        let n = rows.len();
        for (i, y) in rows.enumerate() {
            batch.extend_from_slice(lines.next(y, None));
            let end = i + 1 == n;
            if batch.len() >= BATCH || end {
                let flush = match (end, last) {
                    (false, _) => TDEFLFlush::None,
                    (true, false) => TDEFLFlush::Sync,
                    (true, true) => TDEFLFlush::Finish,
                };
                adler = adler32_update(adler, &batch);
                feed(&mut c, &batch, flush, out);
                batch.clear();
            }
        }
        if n == 0 {
            feed(
                &mut c,
                &[],
                if last {
                    TDEFLFlush::Finish
                } else {
                    TDEFLFlush::Sync
                },
                out,
            );
        }
        adler
    }
}

/// Runs `data` through the compressor with `flush`, output to `out`.
fn feed<S: Sink + ?Sized>(
    c: &mut CompressorOxide,
    mut data: &[u8],
    flush: TDEFLFlush,
    out: &mut S,
) {
    // With a callback that always accepts, one call consumes all the input
    // and performs the flush; loop anyway in case a version hands back
    // early, but stop on an error status or no progress rather than spin.
    loop {
        let (status, used) = compress_to_output(c, data, flush, |bytes| {
            out.put(bytes);
            true
        });
        data = data.get(used..).unwrap_or(&[]);
        match status {
            TDEFLStatus::Okay if !data.is_empty() && used > 0 => continue,
            _ => break,
        }
    }
}
