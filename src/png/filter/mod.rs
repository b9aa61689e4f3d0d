//! PNG row filters, what a filtered row is expected to cost, and the
//! per-row choice: one layer for every engine.
//!
//! * [`RowFilter`] is the wire value (a row's first byte); [`Policy`] is
//!   what the encoder was asked for (a fixed filter, or adaptive with a
//!   [`Price`]), kept apart as image-png keeps `RowFilter` apart from its
//!   `Filter` option.
//! * [`apply`] and [`apply_four`] filter rows; every filter reads only the
//!   *unfiltered* current row and the unfiltered row above (all zeros above
//!   the first row), never its own output, so each output byte is
//!   independent and the loops are zips over shifted slices that LLVM
//!   vectorizes for any `bpp` (1..=8 bytes per pixel; 16-bit samples are
//!   just more bytes per pixel: PNG filters bytes).
//! * [`Chooser`] holds the scratch rows and picks each row's filter.
//!
//! The first `bpp` bytes of a row have no left neighbour (PNG treats it as
//! 0), so each filter handles that head apart and runs the vector loop over
//! the rest: `out[i]` from `cur[i]`, `cur[i - bpp]`, `prev[i]`,
//! `prev[i - bpp]`.

mod pieces;
// Without `alloc` the entropy and bit prices have no user.
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
mod price;

#[cfg(feature = "alloc")]
pub(crate) use pieces::sampled_choice;
pub(crate) use pieces::{filter_pieces, scratch_len, Pricing, PIECE};
pub(crate) use price::{bias, min_sum, nlog2n};
#[cfg(feature = "alloc")]
pub(crate) use price::{entropy_bits, Histogram};
#[cfg(feature = "alloc")]
pub(crate) use price::{entropy_of_counts, table_bits};

use super::Filter;
#[cfg(feature = "alloc")]
use alloc::{boxed::Box, vec, vec::Vec};

/// A row's filter type on the wire (PNG 1.2, 9.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum RowFilter {
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}

impl RowFilter {
    /// All five, in wire order.
    pub(crate) const ALL: [RowFilter; 5] = [
        RowFilter::None,
        RowFilter::Sub,
        RowFilter::Up,
        RowFilter::Average,
        RowFilter::Paeth,
    ];
}

/// floor((a + b) / 2) inside `u8`: the shared bits plus half the differing
/// ones (the 9-bit sum without widening).
#[inline(always)]
fn mean(a: u8, b: u8) -> u8 {
    (a & b) + ((a ^ b) >> 1)
}

/// PNG's Paeth predictor in `u8` lanes only (16 per SSE2 vector rather than
/// 8 for an `i16` form): whichever of `a` (left), `b` (up), `c` (up-left)
/// is closest to `p = a + b - c`, ties in that order.
///
/// ```text
///   pa = |p - a| = |b - c|        pb = |p - b| = |a - c|
///   pc = |p - c| = |(b - c) + (a - c)|
///      = pa + pb      if b - c and a - c have the same sign (or one is 0)
///      = |pa - pb|    otherwise
/// ```
///
/// `pa + pb` can reach 510; saturating it at 255 keeps every comparison
/// the selection makes (`pc` is then at least `max(pa, pb)` either way).
#[inline(always)]
pub(crate) fn paeth_predict(a: u8, b: u8, c: u8) -> u8 {
    // `max - min` rather than `abs_diff`, and `max(x, y) == x` for `x >= y`:
    // LLVM lowers these to pmaxub/pminub/psubb/pcmpeqb on 16 lanes, while
    // `abs_diff` gets widened to 32-bit lanes.
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let same = (b.max(c) == b) == (a.max(c) == a);
    let pc = if same {
        pa.saturating_add(pb)
    } else {
        pa.max(pb) - pa.min(pb)
    };
    let bc = if pc < pb { c } else { b };
    if pb < pa || pc < pa {
        bc
    } else {
        a
    }
}

/// `out[i] = f(x[i], a[i], b[i], c[i])` over equal-length slices. Callers
/// that need fewer inputs pass a slice twice; LLVM drops the unused loads.
/// Every value is a `u8`, so the loop vectorizes 16 lanes wide (or more).
#[inline(always)]
fn lanes(out: &mut [u8], x: &[u8], a: &[u8], b: &[u8], c: &[u8], f: impl Fn(u8, u8, u8, u8) -> u8) {
    for ((((o, &x), &a), &b), &c) in out.iter_mut().zip(x).zip(a).zip(b).zip(c) {
        *o = f(x, a, b, c);
    }
}

/// Writes `cur` filtered with `f` into `out` (`prev`, `cur` and `out` of
/// the same length, a multiple of `bpp`).
pub(crate) fn apply(f: RowFilter, bpp: usize, prev: &[u8], cur: &[u8], out: &mut [u8]) {
    debug_assert!(prev.len() == cur.len() && out.len() == cur.len());
    let n = cur.len();
    let h = bpp.min(n);
    let (out_h, out_t) = out.split_at_mut(h);
    let (x, a) = (&cur[h..], &cur[..n - h]);
    let (b, c) = (&prev[h..], &prev[..n - h]);
    match f {
        RowFilter::None => out.copy_from_slice(cur),
        RowFilter::Sub => {
            out_h.copy_from_slice(&cur[..h]);
            lanes(out_t, x, a, a, a, |x, a, _, _| x.wrapping_sub(a));
        }
        RowFilter::Up => lanes(out, cur, prev, prev, prev, |x, b, _, _| x.wrapping_sub(b)),
        RowFilter::Average => {
            lanes(out_h, cur, prev, prev, prev, |x, b, _, _| {
                x.wrapping_sub(b >> 1)
            });
            lanes(out_t, x, a, b, b, |x, a, b, _| x.wrapping_sub(mean(a, b)));
        }
        RowFilter::Paeth => {
            // No left neighbour: Paeth(0, b, 0) = b.
            lanes(out_h, cur, prev, prev, prev, |x, b, _, _| x.wrapping_sub(b));
            lanes(out_t, x, a, b, c, |x, a, b, c| {
                x.wrapping_sub(paeth_predict(a, b, c))
            });
        }
    }
}

/// Sub, Up, Average and Paeth of `cur` at once into `out` (each as long as
/// `cur`): one pass loads each input byte once for all four, which is what
/// an adaptive choice needs.
#[cfg(not(pixb64_small))]
pub(crate) fn apply_four(bpp: usize, prev: &[u8], cur: &[u8], out: [&mut [u8]; 4]) {
    let n = cur.len();
    let h = bpp.min(n);
    let [o1, o2, o3, o4] = out;
    for i in 0..h {
        let (x, b) = (cur[i], prev[i]);
        o1[i] = x;
        o2[i] = x.wrapping_sub(b);
        o3[i] = x.wrapping_sub(b >> 1);
        o4[i] = x.wrapping_sub(b);
    }
    let m = n - h;
    let (x, a) = (&cur[h..][..m], &cur[..m]);
    let (b, c) = (&prev[h..][..m], &prev[..m]);
    let (o1, o2) = (&mut o1[h..][..m], &mut o2[h..][..m]);
    let (o3, o4) = (&mut o3[h..][..m], &mut o4[h..][..m]);
    for i in 0..m {
        let (x, a, b, c) = (x[i], a[i], b[i], c[i]);
        o1[i] = x.wrapping_sub(a);
        o2[i] = x.wrapping_sub(b);
        o3[i] = x.wrapping_sub(mean(a, b));
        o4[i] = x.wrapping_sub(paeth_predict(a, b, c));
    }
}

/// The small form (`pixb64_small`): four passes of [`apply`], half a KiB
/// less flash than the fused pass.
#[cfg(pixb64_small)]
pub(crate) fn apply_four(bpp: usize, prev: &[u8], cur: &[u8], out: [&mut [u8]; 4]) {
    for (f, o) in RowFilter::ALL[1..].iter().zip(out) {
        apply(*f, bpp, prev, cur, o);
    }
}

/// Copies a row of 3- or 4-channel pixels (`bpp` bytes each) with samples 0
/// and 2 (each `sample` = 1 or 2 bytes) swapped: BGR(A) <-> RGB(A).
pub(crate) fn swap_rb(src: &[u8], dst: &mut [u8], bpp: usize, sample: usize) {
    // Fixed-size pixel loops for the common layouts so the compiler can
    // shuffle whole vectors; the generic loop covers 16-bit (and every
    // layout in the small form, `pixb64_small`, for flash).
    #[cfg(not(pixb64_small))]
    match (bpp, sample) {
        (3, 1) => {
            for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(3)) {
                d[0] = s[2];
                d[1] = s[1];
                d[2] = s[0];
            }
            return;
        }
        (4, 1) => {
            for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                d[0] = s[2];
                d[1] = s[1];
                d[2] = s[0];
                d[3] = s[3];
            }
            return;
        }
        _ => {}
    }
    dst.copy_from_slice(src);
    for px in dst.chunks_exact_mut(bpp) {
        for k in 0..sample {
            px.swap(k, 2 * sample + k);
        }
    }
}

/// How an adaptive policy prices the candidate rows (without `alloc`,
/// min-sum only).
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Price {
    /// The sum of residual magnitudes read as signed bytes (libpng's and
    /// the `png` crate's heuristic).
    MinSum,
    /// The row's order-0 entropy: closer to what a Huffman coder pays, and
    /// it sees that a row of a few repeated values compresses whatever
    /// their size (screenshots, diagrams).
    Entropy,
    /// The sum of the deflate engine's current literal prices: the bits
    /// the row would cost in the code being built (fpnge prices with its
    /// code lengths the same way).
    Bits,
}

/// An adaptive policy: the price, whether long rows are priced on a sample
/// of their bytes, whether None is a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Adaptive {
    pub(crate) price: Price,
    /// Rows of at least two [`SAMPLE_STRIDE`]s are priced on the first
    /// [`SAMPLE_WINDOW`] bytes of every stride: the candidates are computed
    /// and priced on a quarter of the row and only the winner on all of it.
    pub(crate) sampled: bool,
    /// None is tried too. (Level 1 leaves it out: with min-sum it never won
    /// a photo row, and leaving it out made screenshots slightly smaller.)
    pub(crate) none: bool,
}

impl Adaptive {
    /// All five filters priced by `price` on whole rows.
    #[cfg(feature = "alloc")]
    pub(crate) const fn full(price: Price) -> Self {
        Adaptive {
            price,
            sampled: false,
            none: true,
        }
    }
}

/// How each row's filter is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Always this filter.
    Fixed(RowFilter),
    /// Per row, the candidate that prices lowest.
    Adaptive(Adaptive),
}

impl Policy {
    /// The policy for a user's [`Filter`], `adaptive` standing for
    /// [`Filter::Adaptive`] (each level picks its own price).
    pub(crate) fn from_filter(f: Filter, adaptive: Policy) -> Policy {
        match f {
            Filter::None => Policy::Fixed(RowFilter::None),
            Filter::Sub => Policy::Fixed(RowFilter::Sub),
            Filter::Up => Policy::Fixed(RowFilter::Up),
            Filter::Average => Policy::Fixed(RowFilter::Average),
            Filter::Paeth => Policy::Fixed(RowFilter::Paeth),
            // `Filter` is non_exhaustive only for callers outside the crate;
            // `Adaptive` and any future policy start from the level's choice.
            _ => adaptive,
        }
    }
}

/// Literal prices for [`Price::Bits`], in sixteenths of a bit.
pub(crate) type BitPrices = [u16; 256];

/// The policy and price list to choose with, given an engine's current
/// literal prices: under [`Price::Bits`] without prices (an engine's first
/// rows) rows are priced by their entropy.
#[cfg(feature = "alloc")]
pub(crate) fn with_prices(policy: Policy, prices: Option<&BitPrices>) -> (Policy, &BitPrices) {
    static NO_PRICES: BitPrices = [0; 256];
    match (policy, prices) {
        (Policy::Adaptive(a), None) if a.price == Price::Bits => (
            Policy::Adaptive(Adaptive {
                price: Price::Entropy,
                ..a
            }),
            &NO_PRICES,
        ),
        (p, Some(t)) => (p, t),
        (p, None) => (p, &NO_PRICES),
    }
}

/// Sampling of long rows (see [`Adaptive::sampled`]). On the Kodak and
/// mixed sets it made level 1's output 0.5% larger and level 1 15-20%
/// faster.
const SAMPLE_WINDOW: usize = 128;
const SAMPLE_STRIDE: usize = 512;

/// Scratch scanlines and the choice. Each candidate buffer holds the filter
/// type byte at index 0 and the filtered row after it: exactly the bytes
/// the zlib stream carries for that row.
#[cfg(feature = "alloc")]
pub(crate) struct Chooser {
    bpp: usize,
    bufs: [Vec<u8>; 5],
    /// A row of 0x80 for [`min_sum`].
    bias: Vec<u8>,
    hist: Box<Histogram>,
    /// Per candidate byte counts of a sampled row (zero between rows).
    counts: Box<[[u32; 256]; 5]>,
}

#[cfg(feature = "alloc")]
impl Chooser {
    /// Scratch for rows of `row_bytes` bytes and `bpp` bytes per pixel.
    pub(crate) fn new(bpp: usize, row_bytes: usize) -> Self {
        Chooser {
            bpp,
            bufs: core::array::from_fn(|k| {
                let mut v = vec![0u8; row_bytes + 1];
                v[0] = k as u8;
                v
            }),
            bias: vec![0x80; row_bytes],
            hist: Box::new(Histogram::new()),
            counts: Box::new([[0; 256]; 5]),
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.bufs.iter().map(Vec::len).sum::<usize>()
            + self.bias.len()
            + Histogram::SIZE
            + core::mem::size_of::<[[u32; 256]; 5]>()
    }

    /// The scanline (type byte, then the filtered row) for `cur`, with
    /// `prev` above it, chosen by `policy`. `prices` is used by
    /// [`Price::Bits`]. With `may_repeat`, an adaptive policy first checks
    /// whether `cur` repeats `prev`: then Up makes it all zeros, the lowest
    /// price there is, without filtering or pricing anything (the common
    /// case in screenshots and diagrams, whose backgrounds repeat row after
    /// row). A caller that has compared the rows itself passes `false`.
    pub(crate) fn scanline(
        &mut self,
        policy: Policy,
        prev: &[u8],
        cur: &[u8],
        prices: &BitPrices,
        may_repeat: bool,
    ) -> &[u8] {
        let bpp = self.bpp;
        let k = match policy {
            Policy::Fixed(f) => {
                apply(f, bpp, prev, cur, &mut self.bufs[f as usize][1..]);
                f as usize
            }
            Policy::Adaptive(_) if may_repeat && cur == prev => {
                self.bufs[RowFilter::Up as usize][1..].fill(0);
                RowFilter::Up as usize
            }
            Policy::Adaptive(a) if a.sampled && cur.len() >= 2 * SAMPLE_STRIDE => {
                let k = self.choose_sampled(a, prev, cur, prices);
                apply(RowFilter::ALL[k], bpp, prev, cur, &mut self.bufs[k][1..]);
                k
            }
            Policy::Adaptive(a) => {
                let [b0, b1, b2, b3, b4] = &mut self.bufs;
                apply_four(
                    bpp,
                    prev,
                    cur,
                    [&mut b1[1..], &mut b2[1..], &mut b3[1..], &mut b4[1..]],
                );
                let first = if a.none {
                    b0[1..].copy_from_slice(cur);
                    0
                } else {
                    1
                };
                let mut best = (u64::MAX, first);
                for k in first..5 {
                    let row = &self.bufs[k][1..];
                    let p = match a.price {
                        Price::MinSum => u64::from(min_sum(row, &self.bias)),
                        Price::Entropy => entropy_bits(&mut self.hist, row),
                        Price::Bits => table_bits(row, prices),
                    };
                    if p < best.0 {
                        best = (p, k);
                    }
                }
                best.1
            }
        };
        &self.bufs[k]
    }

    /// [`Chooser::scanline`] with the engine's current literal prices, if
    /// it has any (see [`with_prices`]).
    pub(crate) fn scanline_priced(
        &mut self,
        policy: Policy,
        prev: &[u8],
        cur: &[u8],
        prices: Option<&BitPrices>,
    ) -> &[u8] {
        let (policy, prices) = with_prices(policy, prices);
        self.scanline(policy, prev, cur, prices, true)
    }

    /// The choice for a long row ([`sampled_choice`] on this chooser's
    /// buffers and counts).
    fn choose_sampled(
        &mut self,
        a: Adaptive,
        prev: &[u8],
        cur: &[u8],
        prices: &BitPrices,
    ) -> usize {
        // Windows are at most SAMPLE_WINDOW long: the static bias serves.
        let [_, b1, b2, b3, b4] = &mut self.bufs;
        let bufs = [&mut b1[..], &mut b2[..], &mut b3[..], &mut b4[..]];
        sampled_choice(a, self.bpp, prev, cur, bufs, prices, Some(&mut self.counts))
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests;
