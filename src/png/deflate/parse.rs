//! Greedy and lazy parsing over hash chains, priced.
//!
//! Both parsers take a copy only when the price list says it costs fewer
//! bits than the literals it replaces ([`worth`]): on filtered photographs
//! most four-to-six byte copies found far back cost more than the small
//! residuals they cover, and leaving them out both shrinks the output and
//! keeps the literal statistics sharp. Long copies are always taken.

use super::block::Seq;
use super::cost::Costs;
use super::hc::{extend, load8, HashChains, HashTable, Match};
use super::symbols::{MAX_MATCH, WINDOW};
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

/// Whether copy `m` at `p` costs less than its bytes as literals.
#[inline(always)]
pub(crate) fn worth(costs: &Costs, buf: &[u8], p: usize, m: Match) -> bool {
    costs.noworth
        || m.len >= ALWAYS
        || costs.copy(m.len as usize, m.dist as usize) < costs.literals(&buf[p..p + m.len as usize])
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

/// Adds positions `from..to` to the chains, or only the last 4 of them if
/// the copy was long (`len > max_insert`); positions without four bytes
/// after them (at `end`) are skipped.
#[inline(always)]
fn insert_span(hc: &mut HashChains, buf: &[u8], from: usize, to: usize, end: usize, long: bool) {
    let to = to.min(end.saturating_sub(3));
    let from = if long {
        from.max(to.saturating_sub(4))
    } else {
        from
    };
    for j in from..to {
        hc.insert(buf, j);
    }
}

/// Greedy: at each position the longest copy found, if it is worth it.
pub(crate) fn greedy(
    hc: &mut HashChains,
    buf: &[u8],
    start: usize,
    end: usize,
    costs: &Costs,
    s: &Search,
    out: &mut Parsed,
) {
    let mut i = start;
    let mut lit_start = start;
    let mut next_cut = start + s.piece;
    while i + 4 <= end {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        let max = (end - i).min(MAX_MATCH);
        let m = hc.find(buf, i, max, s.depth, s.nice);
        if m.len >= 4 && worth(costs, buf, i, m) {
            out.copy(i - lit_start, m);
            let len = m.len as usize;
            insert_span(hc, buf, i + 1, i + len, end, len > s.max_insert);
            i += len;
            lit_start = i;
        } else {
            i += 1;
        }
    }
    out.cut(lit_start, end);
}

/// Lazy: a copy found at `p` waits while the next position offers one
/// that saves more bits; each such step turns `p` into a literal.
pub(crate) fn lazy(
    hc: &mut HashChains,
    buf: &[u8],
    start: usize,
    end: usize,
    costs: &Costs,
    s: &Search,
    out: &mut Parsed,
) {
    let mut i = start;
    let mut lit_start = start;
    let mut next_cut = start + s.piece;
    // Positions below this are in the chains already.
    let mut inserted = start;
    while i + 4 <= end {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        let max = (end - i).min(MAX_MATCH);
        let m = if i >= inserted {
            inserted = i + 1;
            hc.find(buf, i, max, s.depth, s.nice)
        } else {
            Match::default()
        };
        if m.len < 4 || !worth(costs, buf, i, m) {
            i += 1;
            continue;
        }
        let (mut at, mut best) = (i, m);
        let mut gain = saving(costs, buf, at, best);
        while (best.len as usize) < s.nice && at + 1 + 4 <= end {
            let max = (end - at - 1).min(MAX_MATCH);
            let next = hc.find(buf, at + 1, max, s.depth, s.nice);
            inserted = at + 2;
            if next.len < 4 {
                break;
            }
            // Over the bytes either choice covers, taking this copy saves
            // `gain` bits against literals, and waiting (a literal here,
            // then the next copy) saves `g`: the literal at `at` is in
            // both baselines.
            let g = saving(costs, buf, at + 1, next);
            if g > gain {
                at += 1;
                best = next;
                gain = g;
            } else {
                break;
            }
        }
        out.copy(at - lit_start, best);
        let len = best.len as usize;
        insert_span(
            hc,
            buf,
            inserted.max(at + 1),
            at + len,
            end,
            len > s.max_insert,
        );
        i = at + len;
        inserted = inserted.max(i);
        lit_start = i;
    }
    out.cut(lit_start, end);
}

/// Bits (in cost units) copy `m` at `p` saves over literals; negative if
/// it costs more.
#[inline(always)]
fn saving(costs: &Costs, buf: &[u8], p: usize, m: Match) -> i64 {
    let len = m.len as usize;
    i64::from(costs.literals(&buf[p..p + len])) - i64::from(costs.copy(len, m.dist as usize))
}

/// The copy among `ms` (lengths increasing) that saves the most bits at
/// `p` against literals, and what it saves (negative: nothing pays).
#[inline(always)]
fn best_saving(costs: &Costs, buf: &[u8], p: usize, ms: &[Match]) -> (Match, i64) {
    let mut best = (Match::default(), 0i64);
    let mut lits = 0i64;
    let mut covered = 0usize;
    for m in ms {
        let len = m.len as usize;
        lits += i64::from(costs.literals(&buf[p + covered..p + len]));
        covered = len;
        let s = lits - i64::from(costs.copy(len, m.dist as usize));
        if s > best.1 {
            best = (*m, s);
        }
    }
    best
}

/// Lazy parsing by price: at each position every copy the chains offer
/// (three bytes and up), the one saving the most bits against literals;
/// it waits while the next position saves more.
pub(crate) fn lazy_priced(
    hc: &mut HashChains,
    buf: &[u8],
    start: usize,
    end: usize,
    costs: &Costs,
    s: &Search,
    out: &mut Parsed,
) {
    let mut ms = [Match::default(); MAX_MATCH];
    let mut i = start;
    let mut lit_start = start;
    let mut next_cut = start + s.piece;
    let mut inserted = start;
    while i + 4 <= end {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        let max = (end - i).min(MAX_MATCH);
        let k = hc.find_all(buf, i, max, s.depth, s.nice, &mut ms);
        inserted = inserted.max(i + 1);
        let (m, gain) = best_saving(costs, buf, i, &ms[..k]);
        if gain <= 0 {
            i += 1;
            continue;
        }
        let (mut at, mut best, mut gain) = (i, m, gain);
        while (best.len as usize) < s.nice && at + 1 + 4 <= end {
            let max = (end - at - 1).min(MAX_MATCH);
            let k = hc.find_all(buf, at + 1, max, s.depth, s.nice, &mut ms);
            inserted = at + 2;
            let (m2, g2) = best_saving(costs, buf, at + 1, &ms[..k]);
            if g2 > gain {
                at += 1;
                best = m2;
                gain = g2;
            } else {
                break;
            }
        }
        out.copy(at - lit_start, best);
        let len = best.len as usize;
        insert_span(
            hc,
            buf,
            inserted.max(at + 1),
            at + len,
            end,
            len > s.max_insert,
        );
        i = at + len;
        inserted = inserted.max(i);
        lit_start = i;
    }
    out.cut(lit_start, end);
}

/// The fastest parser: one hash table entry per four-byte prefix. Every
/// position is recorded, but looked up only every `step`th (the level's
/// `depth`) while nothing
/// is found (a found copy is extended backwards over the positions not
/// looked up, as LZ4 and zstd's fast modes do), so a photograph's rows,
/// where most lookups miss, cost one load-hash-store per byte and a
/// compare every other byte. A copy is taken if it is worth its bits;
/// after it only its last position is recorded.
pub(crate) fn greedy_fast(
    ht: &mut HashTable,
    buf: &[u8],
    start: usize,
    end: usize,
    costs: &Costs,
    s: &Search,
    out: &mut Parsed,
) {
    // For this parser the search depth is the lookup step.
    let step = (s.depth as usize).clamp(1, 8);
    // Every position searched has 8 readable bytes (the buffer runs past
    // `end` except at the stream's end, where the last few bytes are left
    // as literals).
    let stop = end.min(buf.len().saturating_sub(8));
    let three = ht.three();
    let mut i = start;
    let mut lit_start = start;
    let mut next_cut = start + s.piece;
    while i + step <= stop {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        // Record positions i .. i + step - 1, look up the last one.
        for j in i..i + step - 1 {
            let w = load8(buf, j);
            let slot = ht.slot(w);
            ht.swap(slot, j);
            if three {
                let slot = ht.slot3(w);
                ht.swap3(slot, j);
            }
        }
        let p = i + step - 1;
        let w = load8(buf, p);
        let slot = ht.slot(w);
        let c4 = ht.swap(slot, p);
        let c3 = if three {
            let slot = ht.slot3(w);
            ht.swap3(slot, p)
        } else {
            0
        };
        i += step;
        // Candidates are positions plus one; in reach if less than a
        // window back. The four-byte one first, then the three-byte one
        // (nearer, usually shorter).
        let mut best = (Match::default(), 0usize, 0i64);
        for (c, min) in [(c4, 4usize), (c3, 3)] {
            if c == 0 || c + WINDOW <= p + 1 || (min == 3 && c == c4) {
                continue;
            }
            let c = c - 1;
            let x = load8(buf, c) ^ w;
            if x & if min == 4 { 0xFFFF_FFFF } else { 0xFF_FFFF } != 0 {
                continue;
            }
            // Extend backwards over positions not looked up (not before the
            // pending literals start, nor before the window).
            let mut b = 0usize;
            while p - b > lit_start && c - b > 0 && b < step - 1 && buf[p - b - 1] == buf[c - b - 1]
            {
                b += 1;
            }
            let at = p - b;
            let max = (end - at).min(MAX_MATCH);
            // The copy stops at the segment's end (the 8 bytes loaded may
            // run past it).
            let len = extend(buf, c - b, at, b + min, max).min(max);
            if len < 3 {
                continue;
            }
            let m = Match {
                len: len as u32,
                dist: (p - c) as u32,
            };
            let gain = if len >= ALWAYS as usize {
                i64::MAX / 2 + len as i64
            } else {
                saving(costs, buf, at, m)
            };
            if gain > best.2 {
                best = (m, at, gain);
            }
        }
        if best.2 <= 0 {
            continue;
        }
        let (m, at, _) = best;
        let len = m.len as usize;
        out.copy(at - lit_start, m);
        i = at + len;
        lit_start = i;
        // Record the copy's last position, so a repeat of what follows it
        // finds it.
        if i - 1 < stop {
            let w = load8(buf, i - 1);
            let slot = ht.slot(w);
            ht.swap(slot, i - 1);
        }
    }
    out.cut(lit_start, end);
}
