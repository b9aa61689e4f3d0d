//! Binary trees over 4-byte prefixes: the match finder of the near-optimal
//! levels (the structure of LZMA's bt4 and libdeflate's bt_matchfinder).
//!
//! All positions with the same 4-byte hash form one binary search tree,
//! ordered by the bytes that follow them, the newest at the root. Inserting
//! a position walks down from the root and splits the tree in two around
//! the new suffix: nodes lexicographically below it hang off its left
//! child, nodes above off its right. On the way down the walk meets the
//! suffixes that share the longest prefixes with the new one, so the same
//! walk that inserts a position also finds its longest copies, in a number
//! of steps that grows with the log of the candidates rather than with all
//! of them (a hash chain visits every earlier occurrence, which on filtered
//! photographs, where short residual patterns repeat everywhere, is many).
//!
//! ```text
//!   child[2 * slot(p)]     = left  (suffixes below p's)
//!   child[2 * slot(p) + 1] = right (suffixes above p's)
//! ```
//!
//! `best_lt` and `best_gt` track how many bytes every node left (right)
//! of the path is known to share with the new suffix, so each comparison
//! starts at the smaller of the two instead of at byte 0.
//!
//! Positions are 16-bit, relative to a base that moves a window at a time
//! (libdeflate's layout): `v = p - base` in `-32768..=32767`, -32768 meaning
//! none. When `p - base` reaches 32768 every entry drops by 32768
//! (saturating, so anything a window old becomes none) and the base moves
//! up. Halving the entries keeps the tables in L2. A node's ring slot is
//! `v & 0x7FFF`: the base is a multiple of the window, so that is
//! `p % WINDOW`.
//!
//! Three-byte copies come from a separate two-way table of the newest
//! positions per 3-byte hash.

use super::{extend, load4, slide16, Match, NONE};
use crate::png::deflate::symbols::WINDOW;
use alloc::vec;
use alloc::vec::Vec;

const HASH4_BITS: u32 = 16;
const HASH3_BITS: u32 = 15;

pub(crate) struct BinaryTrees {
    head: Vec<i16>,
    child: Vec<i16>,
    head3: Vec<[i16; 2]>,
    /// Buffer index that relative position 0 stands for (a multiple of
    /// [`WINDOW`]).
    base: usize,
}

impl BinaryTrees {
    /// A finder that holds nothing (for levels that do not use it).
    pub(crate) fn empty() -> Self {
        BinaryTrees {
            head: Vec::new(),
            child: Vec::new(),
            head3: Vec::new(),
            base: 0,
        }
    }

    pub(crate) fn new() -> Self {
        BinaryTrees {
            head: vec![NONE; 1 << HASH4_BITS],
            child: vec![NONE; 2 * WINDOW],
            head3: vec![[NONE; 2]; 1 << HASH3_BITS],
            base: 0,
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        (self.head.len() + self.child.len() + 2 * self.head3.len()) * 2
    }

    /// The buffer dropped its first `by` bytes (a multiple of [`WINDOW`]).
    pub(crate) fn rebase(&mut self, by: usize) {
        debug_assert_eq!(by % WINDOW, 0);
        // A finder this level does not use holds nothing and never moved.
        if !self.head.is_empty() {
            self.base -= by;
        }
    }

    /// Moves the base up a window: every entry drops by 32768.
    #[cold]
    fn slide(&mut self) {
        slide16(&mut self.head);
        slide16(&mut self.child);
        slide16(self.head3.as_flattened_mut());
        self.base += WINDOW;
    }

    #[inline(always)]
    fn hash4(buf: &[u8], p: usize) -> usize {
        (load4(buf, p).wrapping_mul(0x9E37_79B1) >> (32 - HASH4_BITS)) as usize
    }

    #[inline(always)]
    fn hash3(buf: &[u8], p: usize) -> usize {
        ((load4(buf, p) << 8).wrapping_mul(0x9E37_79B1) >> (32 - HASH3_BITS)) as usize
    }

    /// Inserts position `p` (`p + 4 <= buf.len()`, `max = min(258, bytes
    /// left) >= 4`) and writes its copies into `out`: lengths strictly
    /// increasing (3 and up), each at the first distance the walk found for
    /// it. Returns how many. Walks at most `depth` nodes; a copy of `nice`
    /// bytes ends the walk. Positions must be given in increasing order.
    #[inline(always)]
    pub(crate) fn find(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        nice: usize,
        depth: u32,
        out: &mut [Match],
    ) -> usize {
        self.advance::<true>(buf, p, max, nice, depth, (0, 0), out)
    }

    /// Inserts position `p` without reporting copies. Comparisons stop at
    /// `nice` bytes, not `max`: nothing is reported, and inside a long
    /// repeat (where skipping happens) every node would otherwise be
    /// compared to its full length, position after position (libdeflate
    /// skips the same way).
    ///
    /// `p` lies inside a copy the caller took: `p - dist` is known to agree
    /// with `p` for `known` bytes. When the walk meets that node, those
    /// bytes are not compared again; where `known` reaches `nice` (most of
    /// a long copy) the node is replaced without reading a byte.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn skip(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        nice: usize,
        depth: u32,
        dist: usize,
        known: usize,
    ) {
        let max = max.min(nice);
        self.advance::<false>(buf, p, max, max, depth, (dist, known), &mut []);
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn advance<const RECORD: bool>(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        nice: usize,
        depth: u32,
        (known_dist, known): (usize, usize),
        out: &mut [Match],
    ) -> usize {
        if p - self.base >= WINDOW {
            self.slide();
        }
        let rel = (p - self.base) as i32;
        // A node is in reach if it is less than a window back. (The one
        // exactly a window back is excluded though deflate could reach it:
        // it shares `p`'s ring slot, which this walk is rewriting.)
        let floor = rel - WINDOW as i32;
        let me = rel as i16;
        let nice = nice.min(max);
        let mut n = 0usize;
        let mut best = 2usize;

        let h3 = Self::hash3(buf, p);
        let [c1, c2] = self.head3[h3];
        self.head3[h3] = [me, c1];
        if RECORD {
            let here = load4(buf, p) & 0xFF_FFFF;
            for c in [c1, c2] {
                let c = i32::from(c);
                if c > floor {
                    let d = (rel - c) as usize;
                    if load4(buf, p - d) & 0xFF_FFFF == here {
                        out[0] = Match {
                            len: 3,
                            dist: d as u32,
                        };
                        n = 1;
                        best = 3;
                        break;
                    }
                }
            }
        }

        let h4 = Self::hash4(buf, p);
        let mut cur = i32::from(self.head[h4]);
        self.head[h4] = me;
        let slot = 2 * (rel as usize & (WINDOW - 1));
        let (mut lt, mut gt) = (slot, slot + 1);
        let mut best_lt = 0usize;
        let mut best_gt = 0usize;
        let mut len = 0usize;
        let mut steps = depth;
        loop {
            if cur <= floor || steps == 0 {
                self.child[lt] = NONE;
                self.child[gt] = NONE;
                return n;
            }
            steps -= 1;
            let d = (rel - cur) as usize;
            let c = p - d;
            let cs = 2 * (cur as usize & (WINDOW - 1));
            // Both children now: their loads depend only on `cur`, so they
            // overlap the byte compares below instead of waiting for them
            // (the walk is a chain of dependent loads; this takes one load
            // per node off it).
            let (left, right) = (self.child[cs], self.child[cs + 1]);
            if !RECORD && d == known_dist && known > len {
                len = known.min(max);
                if len >= nice {
                    self.child[lt] = left;
                    self.child[gt] = right;
                    return n;
                }
            }
            if buf[c + len] == buf[p + len] {
                len = extend(buf, c, p, len + 1, max);
                if RECORD && len > best {
                    best = len;
                    out[n] = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    n += 1;
                }
                if len >= nice {
                    // The same suffix as far as we look: `p` takes `c`'s
                    // place and children.
                    self.child[lt] = left;
                    self.child[gt] = right;
                    return n;
                }
            }
            // Branch-free step (the direction is a coin flip on this data,
            // so a branch would mispredict about every other node):
            // `c` below `p` -> it and its left subtree go left of `p`, the
            // walk continues into its right subtree; above -> mirrored.
            let below = buf[c + len] < buf[p + len];
            let write = if below { lt } else { gt };
            self.child[write] = cur as i16;
            cur = i32::from(if below { right } else { left });
            if below {
                lt = cs + 1;
                best_lt = len;
            } else {
                gt = cs;
                best_gt = len;
            }
            len = len.min(if below { best_gt } else { best_lt });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_real() {
        let mut x = 7u32;
        let mut data = alloc::vec::Vec::new();
        while data.len() < 200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            // Small residual-like values with repeats.
            let v = [0u8, 0, 0, 1, 255, 2, 254, 1][(x % 8) as usize];
            data.push(v.wrapping_add(((x >> 8) % 3) as u8));
        }
        let mut bt = BinaryTrees::new();
        let mut out = [Match::default(); 300];
        for p in 0..data.len() - 4 {
            let max = (data.len() - p).min(258);
            let k = bt.find(&data, p, max, 258, 64, &mut out);
            for m in &out[..k] {
                let (l, d) = (m.len as usize, m.dist as usize);
                assert!(d >= 1 && d <= p && d < WINDOW, "{m:?} at {p}");
                assert_eq!(data[p - d..p - d + l], data[p..p + l], "{m:?} at {p}");
            }
            let mut seen = alloc::collections::BTreeSet::new();
            for m in out[..k].iter().filter(|m| m.len > 3) {
                assert!(
                    seen.insert(m.dist),
                    "distance twice at {p}: {:?}",
                    &out[..k]
                );
            }
        }
    }
}
