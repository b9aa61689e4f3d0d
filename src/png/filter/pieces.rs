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
    apply, apply_four, bias, entropy_of_counts, min_sum, table_bits, Adaptive, BitPrices, Policy,
    Price, RowFilter, SAMPLE_STRIDE, SAMPLE_WINDOW,
};

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

/// Chooses `cur`'s filter (with `prev` above it, both in PNG channel order)
/// by `policy` and hands its scanline to `emit` in pieces of at most
/// [`PIECE`] + 1 bytes, the first starting with the filter type byte.
/// Adaptive policies are priced by min-sum (entropy and bit prices need
/// the allocating [`Chooser`](super::Chooser)). `emit` is a trait object:
/// one copy of this code for every engine (it runs once per piece, so the
/// indirect call costs nothing measurable).
pub(crate) fn filter_pieces(
    policy: Policy,
    bpp: usize,
    prev: &[u8],
    cur: &[u8],
    scratch: &mut [u8],
    emit: &mut dyn FnMut(&[u8]),
) {
    debug_assert!(scratch.len() >= scratch_len(policy, true) && prev.len() == cur.len());
    let n = cur.len();
    let a = match policy {
        Policy::Fixed(f) => return emit_filtered(f, bpp, prev, cur, scratch, emit),
        Policy::Adaptive(a) => a,
    };
    let y = bias();
    debug_assert!((y.len() >= WHOLE || cfg!(pixb64_small)) && CAND > 8 + SAMPLE_WINDOW);
    let (c1, rest) = scratch.split_at_mut(OUT);
    let (c2, rest) = rest.split_at_mut(CAND);
    let (c3, c4) = rest.split_at_mut(CAND);
    if n < WHOLE {
        debug_assert_eq!(a.price, Price::MinSum);
        apply_four(
            bpp,
            prev,
            cur,
            [
                &mut c1[1..=n],
                &mut c2[1..=n],
                &mut c3[1..=n],
                &mut c4[1..=n],
            ],
        );
        let mut prices = [u32::MAX; 5];
        if a.none {
            prices[0] = min_sum(cur, y);
        }
        for (p, c) in prices[1..].iter_mut().zip([&*c1, &*c2, &*c3, &*c4]) {
            *p = min_sum(&c[1..=n], y);
        }
        // The first of the cheapest, as the allocating chooser picks.
        let k = (0..5).fold(0, |b, k| if prices[k] < prices[b] { k } else { b });
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
        let k = sampled_choice(a, bpp, prev, cur, [c1, c2, c3, c4], &[0; 256], None);
        emit_filtered(RowFilter::ALL[k], bpp, prev, cur, c1, emit);
    }
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
            match (a.price, counts.as_deref_mut()) {
                (Price::Entropy, Some(c)) => {
                    for &b in w {
                        c[k][usize::from(b)] += 1;
                    }
                }
                (Price::Bits, _) => sums[k] += table_bits(w, prices),
                _ => sums[k] += u64::from(min_sum(w, y)),
            }
        }
        o += SAMPLE_STRIDE;
    }
    if let (Price::Entropy, Some(c)) = (a.price, counts) {
        for (sum, counts) in sums.iter_mut().zip(c.iter_mut()).skip(first) {
            *sum = entropy_of_counts(counts);
        }
    }
    let mut best = (u64::MAX, first);
    for (k, &p) in sums.iter().enumerate().skip(first) {
        if p < best.0 {
            best = (p, k);
        }
    }
    best.1
}
