//! The engines' common front: an image's rows in PNG channel order, each
//! with the row above, and their filtered scanlines.

use super::filter::{swap_rb, BitPrices, Chooser, Policy};
use crate::image::{ChannelOrder, Image};
use alloc::vec;
use alloc::vec::Vec;

/// An image's rows in PNG channel order, with the row above (zeros above
/// the first).
///
/// With RGB order the rows are the image's own; with BGR(A) each row is
/// copied once with samples 0 and 2 swapped (the row above stays in a
/// second buffer), so there is never a full-image copy.
pub(crate) struct RowSource<'i, 'a> {
    img: &'i Image<'a>,
    swap: bool,
    bpp: usize,
    sample: usize,
    zero: Vec<u8>,
    /// Swap mode: row `y` and row `y - 1`.
    a: Vec<u8>,
    b: Vec<u8>,
}

impl<'i, 'a> RowSource<'i, 'a> {
    pub(crate) fn new(img: &'i Image<'a>, order: ChannelOrder) -> Self {
        let swap = order == ChannelOrder::Bgr && img.channels() >= 3;
        let n = img.row_bytes();
        let scratch = if swap { n } else { 0 };
        RowSource {
            img,
            swap,
            bpp: img.bytes_per_pixel(),
            sample: img.depth().bytes(),
            zero: vec![0u8; n],
            a: vec![0u8; scratch],
            b: vec![0u8; scratch],
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.zero.len() + self.a.len() + self.b.len()
    }

    /// Rows `y - 1` (or zeros) and `y`. `sequential` says row `y - 1` was
    /// the previous call's `y`, so with a swap only row `y` needs swapping
    /// (with `y == 0` it is ignored).
    pub(crate) fn rows(&mut self, y: usize, sequential: bool) -> (&[u8], &[u8]) {
        if !self.swap {
            let prev = if y > 0 {
                self.img.row(y - 1)
            } else {
                &self.zero[..]
            };
            return (prev, self.img.row(y));
        }
        if sequential {
            core::mem::swap(&mut self.a, &mut self.b);
        } else if y > 0 {
            swap_rb(self.img.row(y - 1), &mut self.b, self.bpp, self.sample);
        }
        swap_rb(self.img.row(y), &mut self.a, self.bpp, self.sample);
        let prev = if y > 0 { &self.b[..] } else { &self.zero[..] };
        (prev, &self.a[..])
    }
}

/// Filtered scanlines of an image, top to bottom from any start row.
pub(crate) struct Scanlines<'i, 'a> {
    src: RowSource<'i, 'a>,
    chooser: Chooser,
    policy: Policy,
    /// The row after the previous call's (none before the first call).
    next: usize,
}

impl<'i, 'a> Scanlines<'i, 'a> {
    /// Scanlines of `img` laid out in `order`, filtered by `policy`.
    pub(crate) fn new(img: &'i Image<'a>, order: ChannelOrder, policy: Policy) -> Self {
        Scanlines {
            src: RowSource::new(img, order),
            chooser: Chooser::new(img.bytes_per_pixel(), img.row_bytes()),
            policy,
            next: usize::MAX,
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.src.memory() + self.chooser.memory()
    }

    /// The scanline of row `y` (the filter type byte, then the filtered
    /// row), any row in any order (consecutive rows are cheapest). Under
    /// [`Price::Bits`] the rows are priced by `prices`, or by their entropy
    /// while there are none yet.
    pub(crate) fn next(&mut self, y: usize, prices: Option<&BitPrices>) -> &[u8] {
        let sequential = y == self.next;
        self.next = y + 1;
        let (prev, cur) = self.src.rows(y, sequential);
        self.chooser.scanline_priced(self.policy, prev, cur, prices)
    }
}
