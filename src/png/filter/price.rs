//! What a candidate filtered row is expected to cost.

/// The sum of `row`'s residual magnitudes read as signed bytes (libpng's
/// "minimum sum of absolute differences"); `bias` is a row of 0x80 at
/// least as long.
///
/// `|r as i8|` equals `|(r ^ 0x80) - 0x80|`, an absolute difference of two
/// unsigned bytes; summed over fixed 16-byte blocks against `bias` (a row
/// of 0x80 that LLVM cannot see is constant, so it does not fold the
/// expression back into a widening form), it becomes one `psadbw` per 16
/// bytes, SSE2's sum of absolute differences (checked in the disassembly).
#[cfg(not(pixb64_small))]
pub(crate) fn min_sum(row: &[u8], bias: &[u8]) -> u32 {
    // 32 bytes per step as two separate 16-byte sums: each is one psadbw
    // and LLVM adds them before the single horizontal step. (One 32- or
    // 64-byte inner loop is taken by the loop vectorizer instead, at 4
    // bytes per psadbw.)
    let mut total = 0u32;
    let mut rows = row.chunks_exact(32);
    for (r, y) in (&mut rows).zip(bias.chunks_exact(32)) {
        let (Ok(r), Ok(y)) = (<&[u8; 32]>::try_from(r), <&[u8; 32]>::try_from(y)) else {
            continue;
        };
        let (mut s, mut t) = (0u32, 0u32);
        for i in 0..16 {
            s += (i32::from(r[i] ^ 0x80) - i32::from(y[i])).unsigned_abs();
        }
        for i in 16..32 {
            t += (i32::from(r[i] ^ 0x80) - i32::from(y[i])).unsigned_abs();
        }
        total += s + t;
    }
    for &r in rows.remainder() {
        total += u32::from(r.min(r.wrapping_neg()));
    }
    total
}

/// The small form (`pixb64_small`): a plain loop, no bias row.
#[cfg(pixb64_small)]
pub(crate) fn min_sum(row: &[u8], _bias: &[u8]) -> u32 {
    row.iter()
        .map(|&r| u32::from(r.min(r.wrapping_neg())))
        .sum()
}

/// A row of 0x80 for [`min_sum`] on rows and windows of up to 1 KiB
/// without an allocator, behind an opaque reference so that LLVM loads it
/// rather than folding the constant (the small form needs none).
#[cfg(not(pixb64_small))]
pub(crate) fn bias() -> &'static [u8] {
    static BIAS: [u8; 1024] = [0x80; 1024];
    core::hint::black_box(&BIAS)
}
#[cfg(pixb64_small)]
pub(crate) fn bias() -> &'static [u8] {
    &[]
}

/// The sum of `prices[b]` over the row's bytes: its cost in sixteenths of
/// a bit under a literal price list. Four accumulators, so the adds do not
/// wait on each other.
pub(crate) fn table_bits(row: &[u8], prices: &[u16; 256]) -> u64 {
    let mut acc = [0u32; 4];
    let mut quads = row.chunks_exact(4);
    for q in &mut quads {
        for (a, &b) in acc.iter_mut().zip(q) {
            *a += u32::from(prices[usize::from(b)]);
        }
    }
    let tail: u64 = quads
        .remainder()
        .iter()
        .map(|&b| u64::from(prices[usize::from(b)]))
        .sum();
    acc.iter().map(|&a| u64::from(a)).sum::<u64>() + tail
}

/// `n * log2(n)` in fixed point (8 fraction bits), from a 5-bit mantissa
/// table: close enough to rank rows, and integer-only for `no_std`.
pub(crate) fn nlog2n(n: u32) -> u64 {
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

/// Byte counters for [`entropy_bits`], all zero between calls.
pub(crate) struct Histogram([[u32; 256]; 4]);

impl Histogram {
    /// Bytes one takes.
    #[cfg(test)]
    pub(crate) const SIZE: usize = core::mem::size_of::<Histogram>();

    pub(crate) fn new() -> Self {
        Histogram([[0; 256]; 4])
    }
}

/// Rows shorter than this sum their histogram by revisiting their own bytes
/// (cost proportional to the row) instead of scanning all 256 bins, so
/// narrow images do not pay a fixed 256-bin cost per row and candidate.
const SHORT_ROW: usize = 512;

/// The row's order-0 entropy in bits (8 fraction bits),
/// `N log2 N - sum c log2 c` over its byte histogram, with counters that it
/// leaves zeroed (no 4 KiB clear per row and candidate).
pub(crate) fn entropy_bits(h: &mut Histogram, row: &[u8]) -> u64 {
    // The `u32` counters hold 4 * 2^30 bytes; longer rows (16 GiB images
    // and up) fall back to the sum of magnitudes.
    if row.len() > 1 << 30 {
        return row
            .iter()
            .map(|&b| u64::from((b as i8).unsigned_abs()))
            .sum::<u64>()
            << 8;
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

/// The order-0 entropy of byte counts `c` (bits, 8 fraction bits), which
/// it zeroes.
pub(crate) fn entropy_of_counts(c: &mut [u32; 256]) -> u64 {
    let mut n = 0u32;
    let mut sum = 0u64;
    for v in c.iter_mut() {
        n += *v;
        sum += nlog2n(core::mem::take(v));
    }
    nlog2n(n).saturating_sub(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn min_sum_is_signed_magnitude() {
        let bias = [0x80u8; 1000];
        assert_eq!(min_sum(&[0, 1, 255, 128, 127], &bias), 1 + 1 + 128 + 127);
        let long = alloc::vec![0xFFu8; 1000];
        assert_eq!(min_sum(&long, &bias), 1000);
        let mixed: Vec<u8> = (0..999u32).map(|i| (i * 37) as u8).collect();
        let want: u32 = mixed
            .iter()
            .map(|&b| u32::from((b as i8).unsigned_abs()))
            .sum();
        assert_eq!(min_sum(&mixed, &bias), want);
    }

    #[test]
    fn table_bits_sums_prices() {
        let mut prices = [0u16; 256];
        for (i, p) in prices.iter_mut().enumerate() {
            *p = i as u16 * 3 + 1;
        }
        for n in [0usize, 1, 3, 4, 5, 77] {
            let row: Vec<u8> = (0..n).map(|i| (i * 11) as u8).collect();
            let want: u64 = row.iter().map(|&b| u64::from(prices[usize::from(b)])).sum();
            assert_eq!(table_bits(&row, &prices), want);
        }
    }

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
        let mut h = Histogram::new();
        let flat = [7u8; 256];
        let two: Vec<u8> = (0..256).map(|i| (i % 2) as u8).collect();
        let all: Vec<u8> = (0..256).map(|i| i as u8).collect();
        assert_eq!(entropy_bits(&mut h, &flat), 0);
        assert!(entropy_bits(&mut h, &flat) < entropy_bits(&mut h, &two));
        assert!(entropy_bits(&mut h, &two) < entropy_bits(&mut h, &all));
        // 256 distinct bytes: 8 bits each.
        assert!(entropy_bits(&mut h, &all).abs_diff(256 * 8 * 256) < 256 * 8 * 3);
        // Both summing paths agree, and leave the counters zeroed.
        for len in [0usize, 1, 5, SHORT_ROW - 1, SHORT_ROW, 3000] {
            let row: Vec<u8> = (0..len).map(|i| (i * i % 251 % 40) as u8).collect();
            let short = {
                let mut s = 0u64;
                for v in 0..=255u8 {
                    s += nlog2n(row.iter().filter(|&&b| b == v).count() as u32);
                }
                nlog2n(len as u32).saturating_sub(s)
            };
            assert_eq!(entropy_bits(&mut h, &row), short, "len {len}");
            assert!(h.0.iter().flatten().all(|&c| c == 0));
        }
    }
}
