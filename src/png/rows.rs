//! The engines' common front: PNG-order rows (BGR swapped on the fly) and
//! the filter choice, one scanline at a time.

use super::filter::{self, Adaptive, Score};
use super::Filter;
use crate::image::{ChannelOrder, Image};
use alloc::vec::Vec;

/// How each row's filter is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Always this wire value.
    Fixed(u8),
    /// Per row, the filter whose output scores lowest.
    Adaptive(Score),
}

impl Policy {
    /// The policy for a user's [`Filter`], `adaptive` standing for
    /// [`Filter::Adaptive`] (each engine and level picks its own score).
    pub(crate) fn from_filter(f: Filter, adaptive: Policy) -> Policy {
        match f {
            Filter::None => Policy::Fixed(filter::NONE),
            Filter::Sub => Policy::Fixed(filter::SUB),
            Filter::Up => Policy::Fixed(filter::UP),
            Filter::Average => Policy::Fixed(filter::AVG),
            Filter::Paeth => Policy::Fixed(filter::PAETH),
            // `Filter` is non_exhaustive only for callers outside the crate;
            // `Adaptive` and any future policy start from the engine's choice.
            _ => adaptive,
        }
    }
}

/// Produces filtered scanlines of an image, top to bottom from any start row.
///
/// With RGB order the rows are read straight from the image; with BGR(A) each
/// row is copied once into `cur` with samples 0 and 2 swapped (the row above
/// stays in `prev`), so there is never a full-image copy.
pub(crate) struct Rows<'a> {
    img: Image<'a>,
    swap: bool,
    policy: Policy,
    bpp: usize,
    /// The row above in PNG order (swap mode; zeros above the first row).
    prev: Vec<u8>,
    /// The current row in PNG order (swap mode).
    cur: Vec<u8>,
    /// A zero row: "above" the first row in RGB mode.
    zeros: Vec<u8>,
    /// Output of a fixed filter.
    out: Vec<u8>,
    adaptive: Option<Adaptive>,
    /// The row `next` expects, to catch out-of-order use in debug builds.
    next: usize,
}

impl<'a> Rows<'a> {
    /// Scanlines of `img` laid out in `order`, filtered by `policy`, starting
    /// at row `start` (< height).
    pub(crate) fn new(img: &Image<'a>, order: ChannelOrder, policy: Policy, start: usize) -> Self {
        let n = img.row_bytes();
        let swap = order == ChannelOrder::Bgr && img.channels() >= 3;
        let mut rows = Rows {
            img: *img,
            swap,
            policy,
            bpp: img.bytes_per_pixel(),
            prev: Vec::new(),
            cur: if swap { alloc::vec![0; n] } else { Vec::new() },
            zeros: if swap { Vec::new() } else { alloc::vec![0; n] },
            out: match policy {
                Policy::Fixed(filter::NONE) if !swap => Vec::new(),
                Policy::Fixed(_) => alloc::vec![0; n],
                Policy::Adaptive(_) => Vec::new(),
            },
            adaptive: match policy {
                Policy::Adaptive(_) => Some(Adaptive::new(n)),
                Policy::Fixed(_) => None,
            },
            next: start,
        };
        if swap {
            // `next` moves `cur` to `prev` first, so seed `cur` with the row
            // above `start` (zeros above the first).
            rows.prev = alloc::vec![0; n];
            if start > 0 {
                swap_rb(
                    img.row(start - 1),
                    &mut rows.cur,
                    rows.bpp,
                    img.depth().bytes(),
                );
            }
        }
        rows
    }

    /// The filter type byte and filtered bytes of row `y`, which must be the
    /// row after the previous call's (or `start`).
    pub(crate) fn next(&mut self, y: usize) -> (u8, &[u8]) {
        debug_assert_eq!(y, self.next);
        self.next = y + 1;
        let img = self.img;
        let Rows {
            swap,
            policy,
            bpp,
            prev,
            cur,
            zeros,
            out,
            adaptive,
            ..
        } = self;
        let (above, row): (&[u8], &[u8]) = if *swap {
            core::mem::swap(prev, cur);
            swap_rb(img.row(y), cur, *bpp, img.depth().bytes());
            (prev, cur)
        } else if y == 0 {
            (zeros, img.row(y))
        } else {
            (img.row(y - 1), img.row(y))
        };
        match (*policy, adaptive) {
            (Policy::Adaptive(c), Some(ad)) => ad.choose(c, *bpp, above, row),
            (Policy::Fixed(filter::NONE), _) => (filter::NONE, row),
            (Policy::Fixed(k), _) => {
                filter::apply(k, *bpp, above, row, out);
                (k, &out[..])
            }
            // `new` always pairs `Adaptive` with its scratch space.
            (Policy::Adaptive(_), None) => (filter::NONE, row),
        }
    }
}

/// Copies a row of 3- or 4-channel pixels (`bpp` bytes each) with samples 0
/// and 2 (each `sample` = 1 or 2 bytes) swapped: BGR(A) <-> RGB(A).
pub(crate) fn swap_rb(src: &[u8], dst: &mut [u8], bpp: usize, sample: usize) {
    // Fixed-size pixel loops for the common layouts so the compiler can
    // shuffle whole vectors; the generic loop covers 16-bit.
    match (bpp, sample) {
        (3, 1) => {
            for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(3)) {
                d[0] = s[2];
                d[1] = s[1];
                d[2] = s[0];
            }
        }
        (4, 1) => {
            for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                d[0] = s[2];
                d[1] = s[1];
                d[2] = s[0];
                d[3] = s[3];
            }
        }
        _ => {
            dst.copy_from_slice(src);
            for px in dst.chunks_exact_mut(bpp) {
                for k in 0..sample {
                    px.swap(k, 2 * sample + k);
                }
            }
        }
    }
}
