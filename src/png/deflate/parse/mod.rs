//! Parsers: the input as literals and copies, priced.
//!
//! Every parser takes a copy only when the price list ([`Costs`], from the
//! code of the blocks just written) says it costs fewer bits than the
//! literals it replaces: on filtered photographs many short copies found
//! far back cost more than the small residuals they cover, and others, at
//! a common length code, beat three or four expensive literals; only the
//! prices tell which. Long copies are always taken.
//!
//! * [`fast`]: one hash lookup every few positions (levels 2-3);
//! * [`lazy`]: hash chains and three-byte copies, the copy saving the most
//!   bits, which waits while the next position saves more (levels 4-6);
//! * [`optimal`]: the cheapest path through every choice (levels 7-9).

pub(crate) mod fast;
pub(crate) mod lazy;
pub(crate) mod optimal;

use super::block::Seq;
use super::cost::Costs;
use super::find::Match;
use alloc::vec::Vec;

/// A parsed stretch: the sequences, cut into pieces of about the same
/// input length for the block splitter.
#[derive(Default)]
pub(crate) struct Parsed {
    pub(crate) seqs: Vec<Seq>,
    /// Per piece: one past its last sequence, and one past its last input
    /// byte (a buffer index).
    pub(crate) pieces: Vec<(usize, usize)>,
}

impl Parsed {
    pub(crate) fn clear(&mut self) {
        self.seqs.clear();
        self.pieces.clear();
    }

    /// Ends the current piece at input position `at`, the literals from
    /// `lit_start` becoming a sequence of their own.
    #[inline]
    pub(crate) fn cut(&mut self, lit_start: usize, at: usize) {
        self.seqs.push(Seq {
            lits: (at - lit_start) as u32,
            len: 0,
            dist: 0,
        });
        self.pieces.push((self.seqs.len(), at));
    }

    #[inline(always)]
    pub(crate) fn copy(&mut self, lits: usize, m: Match) {
        self.seqs.push(Seq {
            lits: lits as u32,
            len: m.len as u16,
            dist: m.dist as u16,
        });
    }
}

/// Copies at least this long are taken without pricing.
const ALWAYS: u32 = 16;

/// [`dist_slot`](super::symbols::dist_slot) without a branch (0 for a
/// distance of 0): `x = dist - 1` is its own slot below 2, else `2k` plus
/// the bit below the top one, `k` the top bit's place.
#[inline(always)]
pub(crate) fn dist_slot_flat(dist: usize) -> usize {
    let x = (dist.max(1) - 1) as u32;
    let y = x.max(2);
    let k = 31 - y.leading_zeros();
    let s = (2 * k + ((y >> (k - 1)) & 1)) as usize;
    if x < 2 {
        x as usize
    } else {
        s
    }
}

/// What the parsers need to know of the level and the image.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Search {
    pub(crate) depth: u32,
    pub(crate) nice: usize,
    /// Input bytes per piece for the block splitter.
    pub(crate) piece: usize,
    /// After a copy of at least this length, only its last few positions
    /// are added to the chains.
    pub(crate) max_insert: usize,
}

/// Bits (in cost units) copy `m` at `p` saves over literals; negative if
/// it costs more.
#[inline(always)]
fn saving(costs: &Costs, buf: &[u8], p: usize, m: Match) -> i64 {
    let len = m.len as usize;
    i64::from(costs.literals(&buf[p..p + len])) - i64::from(costs.copy(len, m.dist as usize))
}

#[cfg(test)]
mod tests {
    use super::super::symbols::{dist_slot, WINDOW};
    use super::super::{Engine, Params, Parser};
    use super::*;

    /// The settings every test case starts from.
    pub(super) const BASE: Params = Params {
        parser: Parser::Fast,
        depth: 2,
        nice: 16,
        hash_bits: 14,
        segment: 256 * 1024,
        piece: 16 * 1024,
        max_insert: 16,
    };

    #[test]
    fn flat_slots_match() {
        for d in 1..=WINDOW {
            assert_eq!(dist_slot_flat(d), dist_slot(d), "dist {d}");
        }
        assert_eq!(dist_slot_flat(0), 0);
    }

    /// Smooth noise (a filtered photograph's short copies, costly
    /// literals) with runs and repeats near and far (long copies, copies
    /// across the window's end).
    fn photo_like(n: usize, seed: u32) -> Vec<u8> {
        let mut x = seed | 1;
        let mut v = Vec::with_capacity(n);
        let mut level = 0u8;
        while v.len() < n {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            match x % 23 {
                0 => v.extend(core::iter::repeat_n(
                    (x >> 8) as u8,
                    (x >> 16) as usize % 300,
                )),
                1 | 2 if v.len() > 40_000 => {
                    let d = 1 + (x >> 8) as usize % 40_000;
                    for _ in 0..3 + (x >> 24) as usize % 40 {
                        v.push(v[v.len() - d]);
                    }
                }
                _ => {
                    level = level.wrapping_add((x >> 10) as u8 % 5).wrapping_sub(2);
                    v.push(level);
                }
            }
        }
        v.truncate(n);
        v
    }

    fn roundtrip(p: Params, data: &[u8], feed: usize) {
        let mut e = Engine::new(p);
        let mut out = Vec::new();
        for c in data.chunks(feed.max(1)) {
            e.write(c, &mut out);
        }
        e.finish(true, &mut out);
        let back = miniz_oxide::inflate::decompress_to_vec(&out)
            .unwrap_or_else(|e| panic!("{p:?} n {}: {e:?}", data.len()));
        assert!(back == data, "{p:?} n {}", data.len());
    }

    /// Every parser of this module, at the depths, steps, lengths and hash
    /// sizes that take their different paths (the loops specialised per
    /// step, the pipelined and branching walks, the stream's last eight
    /// bytes), over segments that end mid-window and slides of the tables.
    #[test]
    fn parsers_inflate() {
        let mut settings = Vec::new();
        for step in 1..=9u32 {
            settings.push((Parser::Fast, step, 16, 14));
        }
        settings.push((Parser::Fast, 2, 16, 12));
        for (depth, nice) in [(1, 16), (2, 16), (2, 4), (3, 258), (8, 32)] {
            settings.push((Parser::Lazy, depth, nice, 15));
        }
        settings.push((Parser::Lazy, 8, 3, 13));
        for (k, &(parser, depth, nice, hash_bits)) in settings.iter().enumerate() {
            for (n, segment_k, feed) in [
                (0usize, 256usize, 1usize),
                (1, 256, 1),
                (9, 1, 3),
                (300, 1, 7),
                (150_000, 4, 4096),
                (150_000, 256, 100_000),
            ] {
                let p = Params {
                    parser,
                    depth,
                    nice,
                    hash_bits,
                    segment: segment_k * 1024,
                    ..BASE
                };
                roundtrip(p, &photo_like(n, (k * 7 + n) as u32), feed);
            }
        }
    }
}
