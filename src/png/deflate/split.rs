//! Where blocks end: adjacent pieces of a segment are merged while one
//! block costs less than two.
//!
//! The parser cuts a segment into pieces of about the same input length and
//! counts each piece's symbols. A block costs its data bits (estimated as
//! the counts' entropy plus extra bits) plus its header (estimated from how
//! many symbols it uses). Starting from one block per piece, the adjacent
//! pair whose merge saves the most is merged, and again, until no merge
//! saves anything (bottom-up, as zopfli's and libdeflate's splitters end
//! blocks where statistics change, here on the whole segment at once).

use super::block::Freqs;
use super::cost::log2_16;
use super::symbols::{NUM_DIST, NUM_LITLEN};
use alloc::vec::Vec;

/// `n * log2(n)` in sixteenths of a bit.
#[inline]
fn nlog2n(n: u32) -> u64 {
    if n < 2 {
        0
    } else {
        u64::from(n) * u64::from(log2_16(n))
    }
}

/// Estimated bits (times 16) of a block with counts `f` (end of block
/// included once).
pub(crate) fn estimate(f: &Freqs) -> u64 {
    let mut total = 1u32; // end of block
    let mut sum = 0u64;
    let mut used = 1u64;
    for &c in &f.lit[..NUM_LITLEN] {
        total += c;
        sum += nlog2n(c);
        used += u64::from(c > 0);
    }
    let lit = nlog2n(total) - sum;
    let mut dtotal = 0u32;
    let mut dsum = 0u64;
    let mut dused = 0u64;
    for &c in &f.dist[..NUM_DIST] {
        dtotal += c;
        dsum += nlog2n(c);
        dused += u64::from(c > 0);
    }
    let dist = nlog2n(dtotal) - dsum;
    // Header: the fixed fields and precode (about 70 bits), then each used
    // symbol's length (about 4 bits each with the precode's runs).
    let header = (70 + 4 * (used + dused)) * 16;
    lit + dist + f.extra_bits() * 16 + header
}

/// Merges adjacent pieces (`freqs[i]` for piece `i`) into blocks; returns
/// for each block the index one past its last piece, in order.
pub(crate) fn merge(freqs: &[Freqs]) -> Vec<usize> {
    let n = freqs.len();
    let mut ends: Vec<usize> = (1..=n).collect();
    if n <= 1 {
        return ends;
    }
    let mut blocks: Vec<Freqs> = freqs.to_vec();
    let mut cost: Vec<u64> = blocks.iter().map(estimate).collect();
    // saving[i]: what merging block i with block i + 1 saves (may be <= 0).
    let pair = |a: &Freqs, b: &Freqs| {
        let mut m = *a;
        m.merge(b);
        m
    };
    let mut saving: Vec<i64> = (0..n - 1)
        .map(|i| {
            let m = pair(&blocks[i], &blocks[i + 1]);
            (cost[i] + cost[i + 1]) as i64 - estimate(&m) as i64
        })
        .collect();
    // The largest saving; ties to the leftmost pair.
    let best_pair = |saving: &[i64]| {
        saving
            .iter()
            .enumerate()
            .max_by_key(|&(i, &s)| (s, -(i as i64)))
            .map(|(i, &s)| (i, s))
    };
    while let Some((best, s)) = best_pair(&saving) {
        if s <= 0 {
            break;
        }
        let merged = pair(&blocks[best], &blocks[best + 1]);
        cost[best] = estimate(&merged);
        blocks[best] = merged;
        blocks.remove(best + 1);
        cost.remove(best + 1);
        ends.remove(best);
        saving.remove(best);
        if best > 0 {
            let m = pair(&blocks[best - 1], &blocks[best]);
            saving[best - 1] = (cost[best - 1] + cost[best]) as i64 - estimate(&m) as i64;
        }
        if best < blocks.len() - 1 {
            let m = pair(&blocks[best], &blocks[best + 1]);
            saving[best] = (cost[best] + cost[best + 1]) as i64 - estimate(&m) as i64;
        }
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(bytes: &[u8]) -> Freqs {
        let mut f = Freqs::new();
        for &b in bytes {
            f.lit[usize::from(b)] += 1;
        }
        f
    }

    #[test]
    fn splits_where_statistics_change() {
        let a: alloc::vec::Vec<u8> = (0..4000).map(|i| (i % 4) as u8).collect();
        let b: alloc::vec::Vec<u8> = (0..4000).map(|i| 100 + (i % 4) as u8).collect();
        let pieces = [piece(&a), piece(&a), piece(&a), piece(&b), piece(&b)];
        assert_eq!(merge(&pieces), [3, 5]);
        let same = [piece(&a), piece(&a), piece(&a)];
        assert_eq!(merge(&same), [3]);
        assert_eq!(merge(&[]), alloc::vec::Vec::<usize>::new());
    }
}
