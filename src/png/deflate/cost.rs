//! What a symbol is expected to cost, in sixteenths of a bit: the parsers'
//! price list.
//!
//! A copy is priced as its length symbol plus extra bits plus its distance
//! symbol plus extra bits; a literal as its byte's symbol. Prices come from
//! symbol counts as `-log2(count / total)` (the ideal code length; a
//! Huffman code is within a bit of it per symbol, and on average much
//! closer), with unseen symbols priced as if seen about once.

use super::block::Freqs;
use super::symbols::{dist_slot, DIST_EXTRA, LEN_EXTRA, LEN_SLOT, NUM_DIST};

/// Cost units per bit.
pub(crate) const BIT: u32 = 16;

/// `16 * log2(x)` for `x >= 1`, to within about 1/16 bit: the exponent plus
/// a 64-entry table of `16 * log2(1 + m / 64)`.
#[inline]
pub(crate) fn log2_16(x: u32) -> u32 {
    debug_assert!(x > 0);
    let e = 31 - x.leading_zeros();
    let m = if e >= 6 {
        (x >> (e - 6)) & 63
    } else {
        (x << (6 - e)) & 63
    };
    e * 16 + u32::from(LOG2_FRAC[m as usize])
}

/// `round(16 * log2(1 + m / 64))` for m in 0..64.
const LOG2_FRAC: [u8; 64] = [
    0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9,
    9, 10, 10, 10, 10, 11, 11, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 13, 14, 14, 14, 14, 14,
    15, 15, 15, 15, 15, 15, 16, 16,
];

/// The price list.
#[derive(Clone, Debug)]
pub(crate) struct Costs {
    pub(crate) lit: [u32; 256],
    /// Per copy length 0..=258 (3..=258 used): symbol plus extra bits.
    pub(crate) len: [u32; 259],
    /// Per distance slot: symbol plus extra bits.
    pub(crate) dist: [u32; NUM_DIST],
}

impl Costs {
    /// Prices from symbol counts (see the module comment). `f` need not
    /// count copies: then copies get [`Costs::default_copies`].
    pub(crate) fn from_freqs(f: &Freqs) -> Self {
        let mut c = Costs {
            lit: [0; 256],
            len: [0; 259],
            dist: [0; NUM_DIST],
        };
        let total: u32 = f.lit.iter().sum::<u32>().max(1);
        // Unseen symbols cost as if counted half a time.
        let lt = log2_16(total.saturating_mul(2));
        let price = |n: u32| lt - log2_16(n.saturating_mul(2).max(1)).min(lt);
        for (p, &n) in c.lit.iter_mut().zip(&f.lit[..256]) {
            *p = price(n).max(BIT / 2);
        }
        if f.has_copies() {
            let mut slot = [0u32; 29];
            for (s, p) in slot.iter_mut().enumerate() {
                *p = price(f.lit[257 + s]).max(BIT / 2) + u32::from(LEN_EXTRA[s]) * BIT;
            }
            for (p, &s) in c.len.iter_mut().zip(&LEN_SLOT).skip(3) {
                *p = slot[usize::from(s)];
            }
            let dtotal: u32 = f.dist.iter().sum::<u32>().max(1);
            let dt = log2_16(dtotal.saturating_mul(2));
            for (s, p) in c.dist.iter_mut().enumerate() {
                let n = f.dist[s];
                *p = (dt - log2_16(n.saturating_mul(2).max(1)).min(dt)).max(BIT / 2)
                    + u32::from(DIST_EXTRA[s]) * BIT;
            }
        } else {
            c.default_copies();
        }
        c
    }

    /// Prices for a first walk over `data` when nothing is known about its
    /// copies: every literal the same price, `log2` of how many distinct
    /// bytes are common (seen more than once per 2048), over a share
    /// `lit_share` (in 1/16) of literals among symbols, and copies priced
    /// from the rest. Uniform literal prices make the first path try
    /// every copy that covers expensive bytes; the passes after it learn
    /// which pay (libdeflate starts its near-optimal parse the same way).
    pub(crate) fn uniform(data: &[u8], lit_share: u32) -> Self {
        let mut h = [0u32; 256];
        for &b in data {
            h[usize::from(b)] += 1;
        }
        let cutoff = data.len() as u32 >> 11;
        let used = h.iter().filter(|&&c| c > cutoff).count().max(1) as u32;
        // -log2(share / used) = log2(used) + log2(16 / share).
        let lit = log2_16(used) + log2_16(16) - log2_16(lit_share.max(1));
        // A length symbol: -log2((1 - share) / 29).
        let len_sym = log2_16(29) + log2_16(16) - log2_16((16 - lit_share).max(1));
        let mut c = Costs {
            lit: [lit.max(BIT); 256],
            len: [0; 259],
            dist: [0; NUM_DIST],
        };
        for (p, &s) in c.len.iter_mut().zip(&LEN_SLOT).skip(3) {
            *p = len_sym + u32::from(LEN_EXTRA[usize::from(s)]) * BIT;
        }
        // Distance symbols equally likely: log2(30) bits.
        let dsym = log2_16(30);
        for (s, p) in c.dist.iter_mut().enumerate() {
            *p = dsym + u32::from(DIST_EXTRA[s]) * BIT;
        }
        c
    }

    /// Copy prices before anything is known about copies: every length
    /// symbol 6 bits, every distance symbol 5 bits, plus extra bits (a
    /// typical dynamic block over filtered rows).
    pub(crate) fn default_copies(&mut self) {
        for (p, &s) in self.len.iter_mut().zip(&LEN_SLOT).skip(3) {
            *p = (6 + u32::from(LEN_EXTRA[usize::from(s)])) * BIT;
        }
        for (s, p) in self.dist.iter_mut().enumerate() {
            *p = (5 + u32::from(DIST_EXTRA[s])) * BIT;
        }
    }

    /// The price of a copy.
    #[inline(always)]
    pub(crate) fn copy(&self, len: usize, dist: usize) -> u32 {
        self.len[len] + self.dist[dist_slot(dist)]
    }

    /// The price of `bytes` as literals.
    #[inline(always)]
    pub(crate) fn literals(&self, bytes: &[u8]) -> u32 {
        bytes.iter().map(|&b| self.lit[usize::from(b)]).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_is_close() {
        for x in [
            1u32,
            2,
            3,
            5,
            7,
            64,
            100,
            1000,
            65535,
            1 << 20,
            123_456_789,
            u32::MAX,
        ] {
            let want = 16.0 * (x as f64).log2();
            let got = f64::from(log2_16(x));
            assert!((got - want).abs() <= 1.0, "x={x} got {got} want {want}");
        }
        for m in 0..64u32 {
            let want = (16.0 * (1.0 + f64::from(m) / 64.0).log2()).round();
            assert_eq!(f64::from(LOG2_FRAC[m as usize]), want, "m={m}");
        }
    }
}
