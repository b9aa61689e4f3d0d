//! PNG row filters (None, Sub, Up, Average, Paeth) and the adaptive choice.
//!
//! Every filter reads only the *unfiltered* current row and the unfiltered
//! row above (`prev`, all zeros for the first row), never its own output, so
//! each output byte is independent of the others and the loops below are plain
//! zips over shifted slices that LLVM vectorizes for any `bpp` (1..=8 bytes per
//! pixel; 16-bit samples are just more bytes per pixel, PNG filters bytes).
//!
//! The first `bpp` bytes of a row have no left neighbour (PNG treats it as 0),
//! so each filter handles that head separately and runs the vector loop over
//! the rest: `out[i]` from `cur[i]`, `cur[i - bpp]`, `prev[i]`, `prev[i - bpp]`.

/// Wire value of the None filter.
pub(crate) const NONE: u8 = 0;
/// Wire value of the Sub filter.
pub(crate) const SUB: u8 = 1;
/// Wire value of the Up filter.
pub(crate) const UP: u8 = 2;
/// Wire value of the Average filter.
pub(crate) const AVG: u8 = 3;
/// Wire value of the Paeth filter.
pub(crate) const PAETH: u8 = 4;

/// Writes `cur` filtered with filter `kind` (a wire value 0..=4) into `out`.
///
/// `prev`, `cur` and `out` have the same length, a multiple of `bpp`
/// (1..=8). Unknown `kind` values write the row unfiltered.
pub(crate) fn apply(kind: u8, bpp: usize, prev: &[u8], cur: &[u8], out: &mut [u8]) {
    debug_assert!(prev.len() == cur.len() && out.len() == cur.len());
    match kind {
        SUB => sub(bpp, cur, out),
        UP => up(prev, cur, out),
        AVG => avg(bpp, prev, cur, out),
        PAETH => paeth(bpp, prev, cur, out),
        _ => out.copy_from_slice(cur),
    }
}

fn sub(bpp: usize, cur: &[u8], out: &mut [u8]) {
    let n = cur.len();
    let h = bpp.min(n);
    out[..h].copy_from_slice(&cur[..h]);
    if n > h {
        for ((o, &x), &a) in out[h..].iter_mut().zip(&cur[h..]).zip(&cur[..n - h]) {
            *o = x.wrapping_sub(a);
        }
    }
}

fn up(prev: &[u8], cur: &[u8], out: &mut [u8]) {
    for ((o, &x), &b) in out.iter_mut().zip(cur).zip(prev) {
        *o = x.wrapping_sub(b);
    }
}

/// floor((a + b) / 2) without leaving `u8`: the shared bits plus half the
/// differing ones (a vector-friendly form of the 9-bit sum).
#[inline(always)]
fn mean(a: u8, b: u8) -> u8 {
    (a & b) + ((a ^ b) >> 1)
}

fn avg(bpp: usize, prev: &[u8], cur: &[u8], out: &mut [u8]) {
    let n = cur.len();
    let h = bpp.min(n);
    for i in 0..h {
        out[i] = cur[i].wrapping_sub(prev[i] >> 1);
    }
    if n > h {
        for (((o, &x), &a), &b) in out[h..]
            .iter_mut()
            .zip(&cur[h..])
            .zip(&cur[..n - h])
            .zip(&prev[h..])
        {
            *o = x.wrapping_sub(mean(a, b));
        }
    }
}

/// The Paeth predictor of PNG's spec, branch-free so it vectorizes: choose
/// `a` (left), `b` (above) or `c` (upper left), whichever is closest to
/// `a + b - c`, ties in that order.
#[inline(always)]
pub(crate) fn paeth_predict(a: u8, b: u8, c: u8) -> u8 {
    let (a16, b16, c16) = (i16::from(a), i16::from(b), i16::from(c));
    let pa = (b16 - c16).abs();
    let pb = (a16 - c16).abs();
    let pc = (a16 + b16 - 2 * c16).abs();
    let not_a = pb < pa || pc < pa;
    let pick_c = pc < pb;
    let bc = if pick_c { c } else { b };
    if not_a {
        bc
    } else {
        a
    }
}

fn paeth(bpp: usize, prev: &[u8], cur: &[u8], out: &mut [u8]) {
    let n = cur.len();
    let h = bpp.min(n);
    // No left neighbour: a = c = 0, so the predictor is `b` (Up).
    for i in 0..h {
        out[i] = cur[i].wrapping_sub(prev[i]);
    }
    if n > h {
        for ((((o, &x), &a), &b), &c) in out[h..]
            .iter_mut()
            .zip(&cur[h..])
            .zip(&cur[..n - h])
            .zip(&prev[h..])
            .zip(&prev[..n - h])
        {
            *o = x.wrapping_sub(paeth_predict(a, b, c));
        }
    }
}

/// The adaptive heuristic's cost of a filtered row: the sum of the residuals
/// read as signed bytes, by magnitude (libpng's "minimum sum of absolute
/// differences"). Small residuals near 0 (either sign) are what the entropy
/// coder compresses well. Summed in 32-byte blocks into `u32` so the inner
/// loop widens and vectorizes; the `u64` total cannot overflow.
pub(crate) fn cost(row: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut blocks = row.chunks_exact(32);
    for block in &mut blocks {
        let mut acc = 0u32;
        for &b in block {
            acc += u32::from((b as i8).unsigned_abs());
        }
        total += u64::from(acc);
    }
    for &b in blocks.remainder() {
        total += u64::from((b as i8).unsigned_abs());
    }
    total
}

/// `n * log2(n)` in fixed point (8 fraction bits), from a 5-bit mantissa
/// table: close enough to rank rows, and integer-only for `no_std`.
fn nlog2n(n: u32) -> u64 {
    if n < 2 {
        return 0;
    }
    let e = 31 - n.leading_zeros();
    // log2(n) = e + log2(1.m): interpolate log2 over 32 mantissa steps.
    let m = if e >= 5 {
        (n >> (e - 5)) & 31
    } else {
        (n << (5 - e)) & 31
    };
    const LOG2_1M: [u16; 32] = [
        0, 11, 22, 33, 44, 54, 63, 73, 82, 92, 100, 109, 118, 126, 134, 142, 150, 157, 165, 172,
        179, 186, 193, 200, 207, 213, 220, 226, 232, 238, 244, 250,
    ];
    u64::from(n) * ((u64::from(e) << 8) + u64::from(LOG2_1M[m as usize]))
}

/// The adaptive heuristic's other cost: the row's order-0 entropy in bits
/// (fixed point), `N log2 N - sum c log2 c` over its byte histogram. Closer
/// to what a Huffman coder pays than [`cost`], at the price of a histogram.
/// (The encoder calls [`entropy_cost_in`] with reused counters.)
#[cfg(test)]
pub(crate) fn entropy_cost(row: &[u8]) -> u64 {
    entropy_cost_in(&mut Histogram::new(), row)
}

/// Byte counters for [`entropy_cost_in`], all zero between calls.
pub(crate) struct Histogram([[u32; 256]; 4]);

impl Histogram {
    pub(crate) fn new() -> Self {
        Histogram([[0; 256]; 4])
    }
}

/// Rows shorter than this sum their histogram by revisiting their own bytes
/// (cost proportional to the row) instead of scanning all 256 bins, so
/// narrow images do not pay a fixed 256-bin cost per row and candidate.
const SHORT_ROW: usize = 512;

/// [`entropy_cost`] with caller-provided counters, which it leaves zeroed:
/// no 4 KiB clear per row and candidate.
pub(crate) fn entropy_cost_in(h: &mut Histogram, row: &[u8]) -> u64 {
    // The `u32` counters hold 4 * 2^30 bytes; longer rows (16 GiB images
    // and up) fall back to the sum.
    if row.len() > 1 << 30 {
        return cost(row) << 8;
    }
    let h = &mut h.0;
    let mut sum = 0u64;
    if row.len() < SHORT_ROW {
        for &b in row {
            h[0][usize::from(b)] += 1;
        }
        // Each value's count is taken (and cleared) at its first
        // occurrence; later occurrences find 0, and nlog2n(0) = 0.
        for &b in row {
            sum += nlog2n(core::mem::take(&mut h[0][usize::from(b)]));
        }
    } else {
        // Four histograms so runs of equal bytes do not serialize on one
        // counter.
        let mut quads = row.chunks_exact(4);
        for q in &mut quads {
            h[0][usize::from(q[0])] += 1;
            h[1][usize::from(q[1])] += 1;
            h[2][usize::from(q[2])] += 1;
            h[3][usize::from(q[3])] += 1;
        }
        for &b in quads.remainder() {
            h[0][usize::from(b)] += 1;
        }
        let [h0, h1, h2, h3] = h;
        for (((a, b), c), d) in h0.iter_mut().zip(h1).zip(h2).zip(h3) {
            sum += nlog2n(*a + *b + *c + *d);
            (*a, *b, *c, *d) = (0, 0, 0, 0);
        }
    }
    // len <= 2^30 (checked above), so the cast is exact.
    nlog2n(row.len() as u32).saturating_sub(sum)
}

/// How the adaptive policy scores the five filters' outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Score {
    /// By [`cost`], the minimum sum of absolute residuals (libpng's and
    /// the `png` crate's heuristic; cheapest).
    MinSum,
    /// By the row's byte entropy ([`entropy_cost_in`]).
    Entropy,
}

/// Scratch rows for the adaptive choice: one output row per candidate so the
/// winner need not be recomputed.
pub(crate) struct Adaptive {
    rows: [alloc::vec::Vec<u8>; 5],
    hist: alloc::boxed::Box<Histogram>,
}

impl Adaptive {
    /// Scratch space for rows of `len` bytes.
    pub(crate) fn new(len: usize) -> Self {
        Adaptive {
            rows: core::array::from_fn(|_| alloc::vec![0u8; len]),
            hist: alloc::boxed::Box::new(Histogram::new()),
        }
    }

    /// Filters `cur` with each of the five filters and returns the lowest
    /// scoring one's wire value and output, ties going to the lower value.
    pub(crate) fn choose(
        &mut self,
        score: Score,
        bpp: usize,
        prev: &[u8],
        cur: &[u8],
    ) -> (u8, &[u8]) {
        let mut best = (u64::MAX, NONE);
        for k in NONE..=PAETH {
            let out = &mut self.rows[usize::from(k)];
            apply(k, bpp, prev, cur, out);
            let c = if score == Score::Entropy {
                entropy_cost_in(&mut self.hist, out)
            } else {
                cost(out)
            };
            if c < best.0 {
                best = (c, k);
            }
        }
        (best.1, &self.rows[usize::from(best.1)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// PNG's spec written plainly: `a`, `b`, `c` with zero outside the row.
    fn naive_predict(kind: u8, bpp: usize, prev: &[u8], row: &[u8], i: usize) -> u8 {
        let a = if i >= bpp { row[i - bpp] } else { 0 };
        let b = prev[i];
        let c = if i >= bpp { prev[i - bpp] } else { 0 };
        match kind {
            SUB => a,
            UP => b,
            AVG => ((u16::from(a) + u16::from(b)) / 2) as u8,
            PAETH => {
                let p = i16::from(a) + i16::from(b) - i16::from(c);
                let (pa, pb, pc) = (
                    (p - i16::from(a)).abs(),
                    (p - i16::from(b)).abs(),
                    (p - i16::from(c)).abs(),
                );
                if pa <= pb && pa <= pc {
                    a
                } else if pb <= pc {
                    b
                } else {
                    c
                }
            }
            _ => 0,
        }
    }

    fn naive_filter(kind: u8, bpp: usize, prev: &[u8], cur: &[u8]) -> Vec<u8> {
        (0..cur.len())
            .map(|i| cur[i].wrapping_sub(naive_predict(kind, bpp, prev, cur, i)))
            .collect()
    }

    /// The decoder's direction: each byte depends on already unfiltered ones.
    fn naive_unfilter(kind: u8, bpp: usize, prev: &[u8], filtered: &[u8]) -> Vec<u8> {
        let mut row = alloc::vec![0u8; filtered.len()];
        for i in 0..filtered.len() {
            row[i] = filtered[i].wrapping_add(naive_predict(kind, bpp, prev, &row, i));
        }
        row
    }

    /// A small xorshift so the test data is deterministic and covers all bytes.
    fn bytes(seed: u32, n: usize, smooth: bool) -> Vec<u8> {
        let mut s = seed | 1;
        let mut last = 0u8;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                last = if smooth {
                    last.wrapping_add((s % 7) as u8).wrapping_sub(3)
                } else {
                    s as u8
                };
                last
            })
            .collect()
    }

    #[test]
    fn paeth_matches_spec_exhaustively_on_a_grid() {
        for a in (0..=255u8).step_by(5) {
            for b in (0..=255u8).step_by(3) {
                for c in 0..=255u8 {
                    let row = [a, 0];
                    let prev = [c, b];
                    // i = 1 with bpp = 1: a = row[0], b = prev[1], c = prev[0].
                    assert_eq!(
                        paeth_predict(a, b, c),
                        naive_predict(PAETH, 1, &prev, &row, 1)
                    );
                }
            }
        }
    }

    #[test]
    fn every_filter_matches_naive_and_inverts() {
        for bpp in 1..=8usize {
            for pixels in [0usize, 1, 2, 3, 5, 16, 33, 100] {
                let n = pixels * bpp;
                for seed in 0..4u32 {
                    let smooth = seed % 2 == 0;
                    let prev = bytes(seed * 31 + bpp as u32, n, smooth);
                    let cur = bytes(seed * 17 + 7 + n as u32, n, smooth);
                    for kind in NONE..=PAETH {
                        let mut out = alloc::vec![0xAAu8; n];
                        apply(kind, bpp, &prev, &cur, &mut out);
                        assert_eq!(
                            out,
                            naive_filter(kind, bpp, &prev, &cur),
                            "kind {kind} bpp {bpp} n {n}"
                        );
                        assert_eq!(
                            naive_unfilter(kind, bpp, &prev, &out),
                            cur,
                            "inverse kind {kind} bpp {bpp} n {n}"
                        );
                    }
                    let mut ad = Adaptive::new(n);
                    for (cand, score) in [
                        (Score::MinSum, cost as fn(&[u8]) -> u64),
                        (Score::Entropy, entropy_cost),
                    ] {
                        let (k, out) = ad.choose(cand, bpp, &prev, &cur);
                        assert_eq!(out, &naive_filter(k, bpp, &prev, &cur)[..]);
                        for other in NONE..=PAETH {
                            let alt = naive_filter(other, bpp, &prev, &cur);
                            assert!(score(out) <= score(&alt));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cost_is_signed_magnitude() {
        assert_eq!(cost(&[0, 1, 255, 128, 127]), 1 + 1 + 128 + 127);
        let long = alloc::vec![0xFFu8; 1000];
        assert_eq!(cost(&long), 1000);
    }
}

#[cfg(test)]
mod entropy_tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn nlog2n_close_to_float() {
        for n in [2u32, 3, 5, 17, 100, 1000, 65_535, 1 << 20, 123_456_789] {
            let exact = f64::from(n) * f64::from(n).log2() * 256.0;
            let got = nlog2n(n) as f64;
            assert!(
                (got - exact).abs() <= exact * 0.01 + 256.0,
                "n={n} {got} {exact}"
            );
        }
    }

    #[test]
    fn entropy_ranks_rows() {
        let flat = [7u8; 256];
        let two: Vec<u8> = (0..256).map(|i| (i % 2) as u8).collect();
        let all: Vec<u8> = (0..256).map(|i| i as u8).collect();
        assert_eq!(entropy_cost(&flat), 0);
        assert!(entropy_cost(&flat) < entropy_cost(&two));
        assert!(entropy_cost(&two) < entropy_cost(&all));
        // 256 distinct bytes: 8 bits each.
        assert!(entropy_cost(&all).abs_diff(256 * 8 * 256) < 256 * 8 * 3);
        // Both summing paths agree, and leave the counters zeroed.
        let mut h = Histogram::new();
        for len in [0usize, 1, 5, SHORT_ROW - 1, SHORT_ROW, 3000] {
            let row: Vec<u8> = (0..len).map(|i| (i * i % 251 % 40) as u8).collect();
            let short = {
                let mut s = 0u64;
                for v in 0..=255u8 {
                    s += nlog2n(row.iter().filter(|&&b| b == v).count() as u32);
                }
                nlog2n(len as u32).saturating_sub(s)
            };
            assert_eq!(entropy_cost_in(&mut h, &row), short, "len {len}");
            assert!(h.0.iter().flatten().all(|&c| c == 0));
        }
    }
}
