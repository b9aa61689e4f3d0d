//! Near-optimal parsing: the cheapest path through every literal/copy
//! choice of a segment under a price list, iterated so the prices match the
//! codes the path itself produces (libdeflate's levels 10-12 and zopfli do
//! the same; the match finding and the pricing here are our own).
//!
//! 1. Find copies at every position once (hash chains, `find_all`): for
//!    each position the copies of increasing length, each at the nearest
//!    distance that reaches it; cache them.
//! 2. Walk the segment backwards: `cost[i]` = the cheapest way to code
//!    bytes `i..end`, a literal (`lit[b] + cost[i + 1]`) or a copy of any
//!    length `L` the cache offers (`len[L] + dist[slot] + cost[i + L]`). A
//!    length `L` may be reached by several cached copies (every copy at
//!    least `L` long); the cheapest distance among them is used, since
//!    learned distance prices are not monotone (one row up is common in a
//!    PNG, so its slot is cheap).
//! 3. Read the path forwards into sequences, count its symbols, price the
//!    symbols from those counts and walk again; keep the cheapest.

use super::{Parsed, Search};
use crate::png::deflate::block::{Freqs, Seq};
use crate::png::deflate::cost::Costs;
use crate::png::deflate::find::tree::BinaryTrees;
use crate::png::deflate::find::Match;
use crate::png::deflate::split;
use crate::png::deflate::symbols::{dist_slot, MAX_MATCH};

/// Cached copies per input byte at most (libdeflate allows 5).
const CACHE_PER_BYTE: usize = 4;
use alloc::vec::Vec;

/// The copy cache and the walk's scratch, kept between segments.
#[derive(Default)]
pub(crate) struct Optimal {
    /// Per position: where its cached copies start in `cache` (one more
    /// entry at the end).
    first: Vec<u32>,
    /// The copies, position after position, packed ([`pack`]).
    cache: Vec<u32>,
    /// Per position: cheapest cost to the end; then the choice there
    /// (length 0 = literal) and its distance.
    cost: Vec<u32>,
    len: Vec<u16>,
    dist: Vec<u16>,
    started: bool,
    /// The last re-walk gained little (see [`STOP_AT`]).
    settled: bool,
    /// Blocks parsed so far.
    blocks: u64,
}

/// A re-walk that gains under 1/STOP_AT of a block's size says the
/// statistics have settled (see [`Optimal::parse`]).
const STOP_AT: u64 = 500;
/// Every this many blocks re-walk anyway.
const RECHECK: u64 = 4;

impl Optimal {
    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.first.capacity() * 4
            + self.cache.capacity() * 4
            + self.cost.capacity() * 4
            + (self.len.capacity() + self.dist.capacity()) * 2
    }

    /// Finds and caches copies for `start..end`, or for `start..` some
    /// earlier position where the cache is full; returns that end.
    fn find(
        &mut self,
        bt: &mut BinaryTrees,
        buf: &[u8],
        start: usize,
        mut end: usize,
        s: &Search,
    ) -> usize {
        let n = end - start;
        // On highly repetitive input every position has copies of many
        // lengths; the cache holds at most this many (then the segment
        // ends early), so its memory is bounded by the segment's length.
        let cap = n.saturating_mul(CACHE_PER_BYTE).max(2 * MAX_MATCH);
        self.first.clear();
        self.first.resize(n + 1, 0);
        // Grown once and never cleared: every entry below `at` is written
        // before the walks read it (`first` says where each position's
        // copies are).
        if self.cache.len() < cap {
            self.cache.resize(cap, 0);
        }
        let first = &mut self.first[..];
        let cache = &mut self.cache[..];
        let mut at = 0usize;
        let mut tmp = [Match::default(); MAX_MATCH + 2];
        // The finder sees the input after `end` (`buf` goes on), the
        // copies it reports are cut at `end`. Up to `fast_end` every
        // position has a whole longest copy's worth of input before both,
        // so nothing is cut there.
        let avail = buf.len();
        let fast_end = end.min(avail).saturating_sub(MAX_MATCH).max(start);
        let mut i = start;
        while i < end {
            first[i - start] = at as u32;
            if at + MAX_MATCH > cap {
                end = i;
                break;
            }
            if i + 4 > avail {
                i += 1;
                continue;
            }
            let (max, room) = if i < fast_end {
                (MAX_MATCH, MAX_MATCH)
            } else {
                ((avail - i).min(MAX_MATCH), end - i)
            };
            let mut k = bt.find(buf, i, max, s.nice, s.depth, &mut tmp);
            if room < max {
                for m in &mut tmp[..k] {
                    m.len = m.len.min(room as u32);
                }
                while k > 0 && tmp[0].len < 3 {
                    tmp.copy_within(1..k, 0);
                    k -= 1;
                }
            }
            for (c, m) in cache[at..at + k].iter_mut().zip(&tmp[..k]) {
                *c = pack(m.len, m.dist);
            }
            at += k;
            // After a very long copy, the positions it covers are only
            // inserted: on long repeats every position has copies of every
            // length, which the walk need not see (libdeflate's shortcut;
            // the data is cheap either way).
            if k > 0 && tmp[k - 1].len as usize >= s.nice.min(max) {
                let skip_to = i + tmp[k - 1].len as usize;
                let dist = tmp[k - 1].dist as usize;
                for j in i + 1..skip_to {
                    first[j - start] = at as u32;
                    if j + 4 <= avail {
                        let max = (avail - j).min(MAX_MATCH);
                        bt.skip(buf, j, max, s.nice, s.depth, dist, skip_to - j);
                    }
                }
                i = skip_to;
                continue;
            }
            i += 1;
        }
        first[end - start] = at as u32;
        self.first.truncate(end - start + 1);
        end
    }

    /// The cheapest path under `costs` over segment positions `lo..hi`
    /// (copies cut at `hi`) into `len`/`dist`; returns its cost.
    fn walk(&mut self, buf: &[u8], start: usize, lo: usize, hi: usize, costs: &Costs) -> u32 {
        let n = hi - lo;
        let cache = &self.cache[..];
        let first = &self.first[lo..=hi];
        let cost = &mut self.cost[lo..=hi];
        let lens = &mut self.len[lo..hi];
        let dists = &mut self.dist[lo..hi];
        let bytes = &buf[start + lo..start + hi];
        let len_cost = &costs.len;
        cost[n] = 0;
        // Per cached copy j: the cheapest distance price among copies
        // j.. (all at least as long), and that distance.
        let mut suffix = [(0u32, 0u32); MAX_MATCH];
        let mut b = first[n] as usize;
        for i in (0..n).rev() {
            let a = first[i] as usize;
            let mut best = costs.lit[usize::from(bytes[i])] + cost[i + 1];
            let (mut bl, mut bd) = (0usize, 0u32);
            if a < b {
                let ms = &cache[a..b];
                let tail = &cost[i..];
                let room = n - i;
                let k = ms.len();
                // Suffix minima of the distance prices (a no-op for one
                // copy, the common case).
                let mut m = (u32::MAX, 0u32);
                for (sj, &mj) in suffix[..k].iter_mut().zip(ms).rev() {
                    let (_, slot, dist) = unpack(mj);
                    let c = costs.dist[slot];
                    if c < m.0 {
                        m = (c, dist);
                    }
                    *sj = m;
                }
                let mut l = 3usize;
                for (&mj, &(dc, d)) in ms.iter().zip(&suffix[..k]) {
                    let top = unpack(mj).0.min(room);
                    if l > top {
                        continue;
                    }
                    let (lc, tc) = (&len_cost[l..=top], &tail[l..=top]);
                    // Branch-free: which length wins is data, not pattern.
                    for (j, (&x, &y)) in lc.iter().zip(tc).enumerate() {
                        let c = x + y + dc;
                        let better = c < best;
                        best = if better { c } else { best };
                        bl = if better { l + j } else { bl };
                        bd = if better { d } else { bd };
                    }
                    l = top + 1;
                }
            }
            b = a;
            cost[i] = best;
            lens[i] = bl as u16;
            dists[i] = bd as u16;
        }
        cost[0]
    }

    /// The counts of the path over `lo..hi`.
    fn count(&self, buf: &[u8], start: usize, lo: usize, hi: usize) -> Freqs {
        let mut f = Freqs::new();
        let mut i = lo;
        while i < hi {
            let l = usize::from(self.len[i]);
            if l == 0 {
                f.lit[usize::from(buf[start + i])] += 1;
                i += 1;
            } else {
                f.add_copy(l, usize::from(self.dist[i]));
                i += l;
            }
        }
        f
    }

    /// Reads the path into `out`, one piece per block (`ends`: block ends,
    /// segment positions).
    fn emit(&self, start: usize, ends: &[usize], out: &mut Parsed) {
        let mut i = 0usize;
        let mut lit_start = 0usize;
        for &e in ends {
            while i < e {
                let l = usize::from(self.len[i]);
                if l == 0 {
                    i += 1;
                } else {
                    out.seqs.push(Seq {
                        lits: (i - lit_start) as u32,
                        len: l as u16,
                        dist: self.dist[i],
                    });
                    i += l;
                    lit_start = i;
                }
            }
            assert!(
                i == e,
                "copy crosses block end: i {i} e {e} lit_start {lit_start}"
            );
            out.cut(start + lit_start, start + e);
            lit_start = e;
        }
    }

    /// Parses `start..end` into `out`, one piece per block: a first walk
    /// with `costs`, blocks where the path's statistics change, then
    /// `passes - 1` more walks of each block with prices from its own
    /// counts. Returns where it stopped (`end`, or earlier if the copy cache
    /// filled up; at least one byte past `start` if `end > start`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn parse(
        &mut self,
        bt: &mut BinaryTrees,
        buf: &[u8],
        start: usize,
        end: usize,
        costs: &Costs,
        s: &Search,
        passes: u32,
        out: &mut Parsed,
    ) -> usize {
        let end = self.find(bt, buf, start, end, s);
        let n = end - start;
        self.cost.clear();
        self.cost.resize(n + 1, 0);
        self.len.clear();
        self.len.resize(n, 0);
        self.dist.clear();
        self.dist.resize(n, 0);
        // The first segment starts from uniform literal prices (every
        // literal the same, copies priced from the share of symbols
        // literals leave them): the first path then tries every copy that
        // covers expensive bytes, and the walks after it learn which pay
        // (libdeflate starts the same way). Starting from a literal
        // histogram instead settles on few copies: 0.5% larger on the
        // Kodak photos, where three-byte copies pay. Later segments start
        // from the previous one's last block, and the cold first segment
        // always gets a second walk.
        let cold = !self.started;
        self.started = true;
        let passes = if cold { passes.max(2) } else { passes };
        if cold {
            self.walk(buf, start, 0, n, &Costs::uniform(&buf[start..end], 8));
        } else {
            self.walk(buf, start, 0, n, costs);
        }
        // Pieces of the first path, merged into blocks.
        let mut piece_freqs = Vec::new();
        let mut piece_ends = Vec::new();
        let mut lo = 0usize;
        while lo < n || piece_ends.is_empty() {
            // Pieces end on a choice boundary: run to the first position at
            // or past the nominal end where no copy is in flight.
            let mut hi = lo;
            let target = (lo + s.piece).min(n);
            while hi < target {
                hi += usize::from(self.len[hi]).max(1);
            }
            piece_freqs.push(self.count(buf, start, lo, hi));
            piece_ends.push(hi);
            lo = hi;
        }
        let merged = split::merge(&piece_freqs);
        let ends: Vec<usize> = merged.iter().map(|&e| piece_ends[e - 1]).collect();
        let mut lo = 0usize;
        for &hi in &ends {
            let mut f = Freqs::new();
            for p in piece_ends
                .iter()
                .zip(&piece_freqs)
                .filter(|(&e, _)| e > lo && e <= hi)
            {
                f.merge(p.1);
            }
            let mut est = split::estimate(&f);
            self.blocks += 1;
            for _ in 1..passes.max(1) {
                // Re-walks pay only while they help: once one gains under
                // 1/STOP_AT of its block, the statistics have settled and
                // later blocks skip theirs, except every RECHECK-th block,
                // which tells whether they still are (libdeflate stops its
                // passes on small gains the same way). Photographs settle;
                // screenshots, whose content changes, rarely do.
                if self.settled && !cold && !self.blocks.is_multiple_of(RECHECK) {
                    break;
                }
                // Fractional prices (-log2 of the counts) walk to smaller
                // output than the integer lengths of the Huffman code the
                // counts make (0.15% on Kodak).
                let c = Costs::from_freqs(&f);
                self.walk(buf, start, lo, hi, &c);
                f = self.count(buf, start, lo, hi);
                let now = split::estimate(&f);
                self.settled = est.saturating_sub(now) * STOP_AT < est;
                est = now;
            }
            lo = hi;
        }
        self.emit(start, &ends, out);
        end
    }
}

/// A cached copy in 32 bits: length (9 bits), distance slot (5 bits) and
/// distance - 1 (15 bits), so the walks need not recompute the slot.
///
/// ```text
///   bit 31..23 | 22..20 | 19..15 | 14..0
///       len    |   0    |  slot  | dist - 1
/// ```
#[inline(always)]
fn pack(len: u32, dist: u32) -> u32 {
    (dist - 1) | (dist_slot(dist as usize) as u32) << 15 | len << 23
}

/// (length, slot, distance) of a packed copy.
#[inline(always)]
fn unpack(v: u32) -> (usize, usize, u32) {
    (
        (v >> 23) as usize,
        ((v >> 15) & 31) as usize,
        (v & 0x7FFF) + 1,
    )
}
