//! Filtering without an allocator: a row is chosen for and filtered in
//! pieces through a fixed scratch of [`SCRATCH`] bytes, whatever its
//! length, and handed on piece by piece.
//!
//! A piece `[lo, hi)` of a filtered row needs `cur` and `prev` from
//! `lo - bpp` on (the left neighbours), so each piece is filtered from that
//! overlap and its first `bpp` outputs, which took the overlap for a row
//! start, are dropped:
//!
//! ```text
//!   cur/prev:   ... [lo-bpp .. lo)[lo ............ hi) ...
//!   filtered:        (dropped)   [ handed on        ]
//! ```
//!
//! Rows shorter than [`WHOLE`] bytes are priced whole, the four candidates side by
//! side in the scratch (the winner is handed on from there); longer rows
//! are priced on samples ([`sampled_choice`], shared with the allocating
//! [`Chooser`](super::Chooser)) and only the winner is filtered, piece by
//! piece.

use super::{
    apply, apply_four, bias, min_sum, Adaptive, BitPrices, Policy, Price, RowFilter, SAMPLE_STRIDE,
    SAMPLE_WINDOW,
};
#[cfg(feature = "alloc")]
use super::{entropy_of_counts, table_bits};

/// Rows shorter than this are priced whole (longer ones on samples, as the
/// allocating chooser does from this length on).
const WHOLE: usize = 2 * SAMPLE_STRIDE;
/// Filtered bytes per piece handed on: a photo row of up to 1365 RGB
/// pixels in one piece, so the per-piece costs (a filter call, a checksum
/// call, the engine's setup) are paid about once a row. The small form
/// (`pixb64_small`: microcontrollers) takes 1 KiB pieces, for 3 KiB less
/// filter scratch and 6 KiB less bit stage.
#[cfg(not(pixb64_small))]
pub(crate) const PIECE: usize = 4096;
#[cfg(pixb64_small)]
pub(crate) const PIECE: usize = 1024;
/// The buffer pieces are filtered in: the type byte, then a piece with its
/// left overlap (at most 8 bytes per pixel).
const OUT: usize = 1 + 8 + PIECE;
/// One of the other three candidates' buffers (a whole short row, or a
/// sample window).
const CAND: usize = 1 + WHOLE;
/// Scratch bytes [`filter_pieces`] needs for an adaptive policy: the piece
/// buffer (the first candidate too) and three candidates. A fixed filter
/// needs the piece buffer only.
const SCRATCH: usize = OUT + 3 * CAND;

/// What an adaptive policy prices with: the engine's literal prices (for
/// [`Price::Bits`]) and five zeroed byte counters (for [`Price::Entropy`],
/// left zeroed; without them entropy falls back to min-sum, which only
/// allocation-free callers reach, and they price by min-sum anyway).
pub(crate) struct Pricing<'p> {
    pub(crate) prices: &'p BitPrices,
    pub(crate) counts: Option<&'p mut [[u32; 256]; 5]>,
}

/// Chooses `cur`'s filter (with `prev` above it, both in PNG channel order)
/// by `policy` and hands its scanline to `emit` in pieces of at most
/// [`PIECE`] + 1 bytes, the first starting with the filter type byte. The
/// choice is the allocating [`Chooser`](super::Chooser)'s, price for price
/// (every price is a sum over bytes or over byte counts, so it adds up
/// piece by piece), in fixed scratch whatever the row length. With
/// `may_repeat`, a row equal to the one above is Up (all zeros) unpriced.
/// `emit` is a trait object: one copy of this code for every engine (it
/// runs once per piece, so the indirect call costs nothing measurable).
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter_pieces(
    policy: Policy,
    bpp: usize,
    prev: &[u8],
    cur: &[u8],
    scratch: &mut [u8],
    pricing: Pricing<'_>,
    may_repeat: bool,
    emit: &mut dyn FnMut(&[u8]),
) {
    debug_assert!(scratch.len() >= scratch_len(policy, true) && prev.len() == cur.len());
    let n = cur.len();
    let a = match policy {
        Policy::Fixed(f) => return emit_filtered(f, bpp, prev, cur, scratch, emit),
        Policy::Adaptive(_) if may_repeat && cur == prev => {
            return emit_filtered(RowFilter::Up, bpp, prev, cur, scratch, emit)
        }
        Policy::Adaptive(a) => a,
    };
    let y = bias();
    debug_assert!((y.len() >= WHOLE || cfg!(pixb64_small)) && CAND > 8 + SAMPLE_WINDOW);
    let (c1, rest) = scratch.split_at_mut(OUT);
    let (c2, rest) = rest.split_at_mut(CAND);
    let (c3, c4) = rest.split_at_mut(CAND);
    let Pricing { prices, mut counts } = pricing;
    // Entropy in u32 counters up to 2^30 bytes a row; beyond, min-sum (as
    // the allocating chooser does).
    let price = match (a.price, counts.is_some()) {
        (Price::Entropy, true) if n <= 1 << 30 => Price::Entropy,
        (Price::Entropy, _) => Price::MinSum,
        (p, _) => p,
    };
    let first = if a.none { 0 } else { 1 };
    if a.sampled && n >= WHOLE {
        let k = sampled_choice(a, bpp, prev, cur, [c1, c2, c3, c4], prices, counts);
        return emit_filtered(RowFilter::ALL[k], bpp, prev, cur, c1, emit);
    }
    // Every candidate priced on whole pieces of up to a candidate buffer
    // (the whole row if it is short), the prices summed.
    let step = if n < WHOLE { WHOLE } else { WHOLE - 8 };
    let mut sums = [0u64; 5];
    let mut lo = 0;
    while lo < n {
        let hi = (lo + step).min(n);
        // From the left neighbours on (none at the row start).
        let from = lo.saturating_sub(bpp);
        let m = hi - from;
        apply_four(
            bpp,
            &prev[from..hi],
            &cur[from..hi],
            [
                &mut c1[1..=m],
                &mut c2[1..=m],
                &mut c3[1..=m],
                &mut c4[1..=m],
            ],
        );
        let skip = 1 + lo - from;
        let windows = [
            &cur[lo..hi],
            &c1[skip..=m],
            &c2[skip..=m],
            &c3[skip..=m],
            &c4[skip..=m],
        ];
        for (k, w) in windows.into_iter().enumerate().skip(first) {
            add_window(price, k, w, y, prices, &mut sums, counts.as_deref_mut());
        }
        lo = hi;
    }
    finish_prices(price, first, &mut sums, counts);
    // The first of the cheapest, as the allocating chooser picks.
    let k = (first..5).fold(first, |b, k| if sums[k] < sums[b] { k } else { b });
    if n < WHOLE {
        // The winner is in its buffer already.
        let w = match k {
            0 => {
                c1[1..=n].copy_from_slice(cur);
                c1
            }
            1 => c1,
            2 => c2,
            3 => c3,
            _ => c4,
        };
        w[0] = k as u8;
        emit(&w[..=n]);
    } else {
        emit_filtered(RowFilter::ALL[k], bpp, prev, cur, c1, emit);
    }
}

/// Adds window `w` of candidate `k` to its price: to its sum, or (entropy)
/// to its byte counters. Without `alloc` only min-sum is reachable (levels
/// 0 and 1), and only its code is built.
#[inline(always)]
fn add_window(
    price: Price,
    k: usize,
    w: &[u8],
    y: &[u8],
    prices: &BitPrices,
    sums: &mut [u64; 5],
    counts: Option<&mut [[u32; 256]; 5]>,
) {
    #[cfg(feature = "alloc")]
    match (price, counts) {
        (Price::Entropy, Some(c)) => {
            for &b in w {
                c[k][usize::from(b)] += 1;
            }
            return;
        }
        (Price::Bits, _) => {
            sums[k] += table_bits(w, prices);
            return;
        }
        _ => {}
    }
    #[cfg(not(feature = "alloc"))]
    let _ = (price, prices, counts);
    sums[k] += u64::from(min_sum(w, y));
}

/// Turns the counters of an entropy price into the candidates' prices
/// (and zeroes them).
#[inline(always)]
fn finish_prices(
    price: Price,
    first: usize,
    sums: &mut [u64; 5],
    counts: Option<&mut [[u32; 256]; 5]>,
) {
    #[cfg(feature = "alloc")]
    if let (Price::Entropy, Some(c)) = (price, counts) {
        for (sum, counts) in sums.iter_mut().zip(c.iter_mut()).skip(first) {
            *sum = entropy_of_counts(counts);
        }
    }
    #[cfg(not(feature = "alloc"))]
    let _ = (price, first, sums, counts);
}

/// Scratch bytes [`filter_pieces`] needs under `policy`; with `small`, a
/// fixed filter goes in pieces of 1 KiB (level 0, whose budget is tighter
/// and whose cost per piece is a copy).
pub(crate) const fn scratch_len(policy: Policy, small: bool) -> usize {
    match (policy, small) {
        (Policy::Fixed(_), true) => 9 + WHOLE,
        (Policy::Fixed(_), false) => OUT,
        (Policy::Adaptive(_), _) => SCRATCH,
    }
}

/// Hands `cur` filtered with `f` to `emit` in pieces of up to [`PIECE`]
/// bytes (fewer if `buf` is shorter than [`OUT`]; it holds 9 more), filtered
/// one at a time in `buf`.
fn emit_filtered(
    f: RowFilter,
    bpp: usize,
    prev: &[u8],
    cur: &[u8],
    buf: &mut [u8],
    emit: &mut dyn FnMut(&[u8]),
) {
    let n = cur.len();
    let piece = (buf.len() - 9).min(PIECE);
    buf[0] = f as u8;
    let first = n.min(piece);
    apply(f, bpp, &prev[..first], &cur[..first], &mut buf[1..=first]);
    emit(&buf[..=first]);
    let mut lo = first;
    while lo < n {
        let hi = (lo + piece).min(n);
        let from = lo - bpp;
        let m = hi - from;
        apply(f, bpp, &prev[from..hi], &cur[from..hi], &mut buf[..m]);
        emit(&buf[bpp..m]);
        lo = hi;
    }
}

/// The choice for a long row (at least two [`SAMPLE_STRIDE`]s), priced on
/// the first [`SAMPLE_WINDOW`] bytes of every stride: returns the winner's
/// index in [`RowFilter::ALL`]. `bufs` are the Sub, Up, Average and Paeth
/// scratch (the type byte, then room for a window and its overlap);
/// `counts` are needed, zeroed, by [`Price::Entropy`] and left zeroed.
pub(crate) fn sampled_choice(
    a: Adaptive,
    bpp: usize,
    prev: &[u8],
    cur: &[u8],
    bufs: [&mut [u8]; 4],
    prices: &BitPrices,
    mut counts: Option<&mut [[u32; 256]; 5]>,
) -> usize {
    let first = if a.none { 0 } else { 1 };
    let y = bias();
    let mut sums = [0u64; 5];
    let [b1, b2, b3, b4] = bufs;
    let mut o = bpp;
    while o + SAMPLE_WINDOW <= cur.len() {
        // The window with its left neighbours: outputs 0..bpp lack
        // theirs (apply_four treats them as the row's first pixel), so
        // only bpp.. are priced.
        let (lo, hi) = (o - bpp, o + SAMPLE_WINDOW);
        let n = hi - lo;
        apply_four(
            bpp,
            &prev[lo..hi],
            &cur[lo..hi],
            [
                &mut b1[1..=n],
                &mut b2[1..=n],
                &mut b3[1..=n],
                &mut b4[1..=n],
            ],
        );
        let windows = [
            &cur[o..hi],
            &b1[1 + bpp..=n],
            &b2[1 + bpp..=n],
            &b3[1 + bpp..=n],
            &b4[1 + bpp..=n],
        ];
        for (k, w) in windows.into_iter().enumerate().skip(first) {
            add_window(a.price, k, w, y, prices, &mut sums, counts.as_deref_mut());
        }
        o += SAMPLE_STRIDE;
    }
    finish_prices(a.price, first, &mut sums, counts);
    let mut best = (u64::MAX, first);
    for (k, &p) in sums.iter().enumerate().skip(first) {
        if p < best.0 {
            best = (p, k);
        }
    }
    best.1
}
