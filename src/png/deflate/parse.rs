//! Greedy and lazy parsing over hash chains, priced.
//!
//! Both parsers take a copy only when the price list says it costs fewer
//! bits than the literals it replaces ([`worth`]): on filtered photographs
//! most four-to-six byte copies found far back cost more than the small
//! residuals they cover, and leaving them out both shrinks the output and
//! keeps the literal statistics sharp. Long copies are always taken.

use super::block::Seq;
use super::cost::Costs;
use super::hc::{extend, hash3, hash4, load4, load8, Ahead, HashChains, HashTable, Match, NONE};
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
    m.len >= ALWAYS
        || costs.copy(m.len as usize, m.dist as usize) < costs.literals(&buf[p..p + m.len as usize])
}

/// [`worth`] for a copy shorter than eight bytes (0: none, never worth
/// it) of the bytes `here`, without branches: about half the positions of
/// a photograph have such a copy and most are rejected, an outcome no
/// predictor guesses. The literals are summed over all seven bytes and the
/// copy's length picks the prefix.
#[inline(always)]
fn worth_short(costs: &Costs, here: u64, m: Match) -> bool {
    let len = m.len as usize & 7;
    let lit = |k: u32| costs.lit[usize::from((here >> (8 * k)) as u8)];
    let s4 = lit(0) + lit(1) + lit(2) + lit(3);
    let s5 = s4 + lit(4);
    let s6 = s5 + lit(5);
    let s7 = s6 + lit(6);
    let lits = [0, 0, 0, 0, s4, s5, s6, s7][len];
    // (A copy of length 0 has any distance.)
    let copy = costs.len[len] + costs.dist[dist_slot_flat((m.dist as usize).min(WINDOW))];
    (len != 0) & (copy < lits)
}

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
    if from >= to {
        return;
    }
    // One window check for the span (at most a copy long) unless it
    // crosses the window's end.
    if hc.reach(from) >= to {
        let mut v = hc.view();
        for j in from..to {
            v.insert(buf, j);
        }
    } else {
        for j in from..to {
            hc.insert(buf, j);
        }
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
        // The inner loop runs without checks up to the piece's end, the
        // last position with four bytes, and the chains' window (past
        // which they slide).
        let lim = (end - 3).min(next_cut).min(hc.reach(i));
        // Positions with eight readable bytes take the fast walk.
        let lim8 = lim.min(buf.len().saturating_sub(8));
        let mut v = hc.view();
        let (at, mut found) = v.scan(buf, i, lim8, end, s.depth, s.nice, |p, here, m| {
            if m.len < 8 {
                worth_short(costs, here, m)
            } else {
                worth(costs, buf, p, m)
            }
        });
        i = at;
        while found.len == 0 && i < lim {
            let max = (end - i).min(MAX_MATCH);
            let m = v.find(buf, i, max, s.depth, s.nice);
            if m.len >= 4 && worth(costs, buf, i, m) {
                found = m;
                break;
            }
            i += 1;
        }
        if found.len == 0 {
            continue;
        }
        out.copy(i - lit_start, found);
        let len = found.len as usize;
        insert_span(hc, buf, i + 1, i + len, end, len > s.max_insert);
        i += len;
        lit_start = i;
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

/// [`best_saving`] for a position with eight readable bytes: the literal
/// prices of those bytes summed once into prefixes, so a copy of up to
/// eight bytes (nearly all of them on photographs) is priced without a
/// loop whose exit no predictor guesses, and its distance slot without a
/// branch.
#[inline(always)]
fn best_saving8(costs: &Costs, buf: &[u8], p: usize, ms: &[Match]) -> (Match, i64) {
    let mut best = (Match::default(), 0i64);
    if ms.is_empty() {
        return best;
    }
    let here = load8(buf, p);
    let lit = |k: u32| costs.lit[usize::from((here >> (8 * k)) as u8)];
    let mut pre = [0u32; 9];
    let mut sum = 0;
    for k in 0..8 {
        sum += lit(k);
        pre[k as usize + 1] = sum;
    }
    for m in ms {
        let len = m.len as usize;
        let lits = if len <= 8 {
            pre[len]
        } else {
            pre[8] + costs.literals(&buf[p + 8..p + len])
        };
        let copy = costs.len[len] + costs.dist[dist_slot_flat(m.dist as usize)];
        let s = i64::from(lits) - i64::from(copy);
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
    let mut ahead = Ahead::new();
    while i + 4 <= end {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        // Positions before the piece's end, the chains' window end and the
        // last eight bytes of the buffer are searched without checks, each
        // one's loads made during the search before it.
        let lim = (end - 3)
            .min(next_cut)
            .min(hc.reach(i))
            .min(buf.len().saturating_sub(8));
        let single = i >= lim;
        let (m, gain) = if !single {
            let mut v = hc.view();
            loop {
                let k = v.find_all_ahead(buf, i, end, s.depth, s.nice, &mut ms, &mut ahead);
                let (m, gain) = best_saving8(costs, buf, i, &ms[..k]);
                if gain > 0 {
                    break (m, gain);
                }
                i += 1;
                if i >= lim {
                    break (m, gain);
                }
            }
        } else {
            let max = (end - i).min(MAX_MATCH);
            let k = hc.find_all(buf, i, max, s.depth, s.nice, &mut ms);
            ahead.clear();
            best_saving(costs, buf, i, &ms[..k])
        };
        if gain <= 0 {
            // (The scan stops past its last position; a single search
            // leaves `i` at it.)
            i += usize::from(single);
            continue;
        }
        let mut inserted = i + 1;
        let (mut at, mut best, mut gain) = (i, m, gain);
        while (best.len as usize) < s.nice && at + 1 + 4 <= end {
            let q = at + 1;
            let (m2, g2) = if q + 8 <= buf.len() {
                hc.reach(q);
                let k = hc
                    .view()
                    .find_all_ahead(buf, q, end, s.depth, s.nice, &mut ms, &mut ahead);
                best_saving8(costs, buf, q, &ms[..k])
            } else {
                let max = (end - q).min(MAX_MATCH);
                let k = hc.find_all(buf, q, max, s.depth, s.nice, &mut ms);
                best_saving(costs, buf, q, &ms[..k])
            };
            inserted = at + 2;
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
        ahead.clear();
        i = at + len;
        lit_start = i;
    }
    out.cut(lit_start, end);
}

/// The fastest parser: one hash table entry per four-byte prefix. Every
/// position is recorded, but looked up only every `step`th (the level's
/// `depth`) while nothing is found (a found copy is extended backwards over
/// the positions not looked up, as LZ4 and zstd's fast modes do), so a
/// photograph's rows, where most lookups miss, cost one load-hash-store per
/// byte and a compare every other byte. A copy is taken if it is worth its
/// bits; after it only its last position is recorded.
pub(crate) fn greedy_fast(
    ht: &mut HashTable,
    buf: &[u8],
    start: usize,
    end: usize,
    costs: &Costs,
    s: &Search,
    out: &mut Parsed,
) {
    // For this parser the search depth is the lookup step. The common
    // settings get their own copies of the loop: the recording unrolled,
    // one eight-byte load serving every position of a step, and level 2's
    // hash shift a constant (x86-64's baseline has no shift by a register
    // other than CL).
    let step = (s.depth as usize).clamp(1, 8);
    let shift = ht.parts().3;
    let a = (ht, buf, start, end, costs, s, out);
    match (a.0.three(), step, shift) {
        (false, 2, 18) => fast::<false, 2, 18>(a, 2, 18),
        (false, 3, 18) => fast::<false, 3, 18>(a, 3, 18),
        (false, 1, _) => fast::<false, 1, 0>(a, 1, shift),
        (false, 2, _) => fast::<false, 2, 0>(a, 2, shift),
        (false, 3, _) => fast::<false, 3, 0>(a, 3, shift),
        (false, _, _) => fast::<false, 0, 0>(a, step, shift),
        (true, 2, _) => fast::<true, 2, 0>(a, 2, shift),
        (true, _, _) => fast::<true, 0, 0>(a, step, shift),
    }
}

type FastArgs<'a> = (
    &'a mut HashTable,
    &'a [u8],
    usize,
    usize,
    &'a Costs,
    &'a Search,
    &'a mut Parsed,
);

/// [`greedy_fast`] with the three-byte table on or off, the step (`STEP`
/// 0: `step`, 1..=8) and the hash shift (`SHIFT` 0: `shift`) fixed.
#[inline(always)]
fn fast<const THREE: bool, const STEP: usize, const SHIFT: u32>(
    a: FastArgs<'_>,
    step: usize,
    shift: u32,
) {
    let (ht, buf, start, end, costs, s, out) = a;
    let step = if STEP == 0 { step } else { STEP };
    let shift = if SHIFT == 0 { shift } else { SHIFT };
    // Every position searched has 8 readable bytes (the buffer runs past
    // `end` except at the stream's end, where the last few bytes are left
    // as literals).
    let stop = end.min(buf.len().saturating_sub(8));
    let mut i = start;
    let mut lit_start = start;
    let mut next_cut = start + s.piece;
    while i + step <= stop {
        if i >= next_cut {
            out.cut(lit_start, i);
            lit_start = i;
            next_cut = i + s.piece;
        }
        // The inner loop runs without checks while its positions stay
        // before the piece's end, the stop and the table's window (past
        // which it slides).
        let limit = ht.reach(i + step - 1);
        let lim = (stop + 1 - step).min(next_cut).min(limit + 1 - step);
        let (tab, tab3, base, _) = ht.parts();
        // Masked indexes (`h & mask` with the slice cut to `mask + 1`)
        // let the compiler drop the bounds checks.
        let mask = tab.len() - 1;
        let tab = &mut tab[..=mask];
        let tab3 = if THREE { &mut tab3[..=mask] } else { tab3 };
        let mut best = (Match::default(), 0usize, 0i64);
        while i < lim {
            // Record positions i .. i + step - 1, look up the last one.
            let w0 = load8(buf, i);
            // (Below the base, by less than a step, when the table slid
            // for this step's last position.)
            let rel = i.wrapping_sub(base) as i32;
            let p = i + step - 1;
            // Up to five positions share one load (four bytes each).
            let shared = STEP != 0 && STEP <= 5;
            for k in 0..step - 1 {
                let w = if shared {
                    w0 >> (8 * k)
                } else {
                    load8(buf, i + k)
                };
                tab[hash4(w, shift) & mask] = (rel + k as i32) as i16;
                if THREE {
                    tab3[hash3(w, shift) & mask] = (rel + k as i32) as i16;
                }
            }
            // The bytes at `p` (the low `8 - step + 1` of them if shared).
            let w = if shared {
                w0 >> (8 * (step - 1))
            } else {
                load8(buf, p)
            };
            let r = rel + step as i32 - 1;
            let h = hash4(w, shift) & mask;
            let c4 = i32::from(tab[h]);
            tab[h] = r as i16;
            let c3 = if THREE {
                let h3 = hash3(w, shift) & mask;
                let c3 = i32::from(tab3[h3]);
                tab3[h3] = r as i16;
                c3
            } else {
                i32::from(NONE)
            };
            i += step;
            // In reach: less than a window back. The four-byte candidate
            // first, then the three-byte one (nearer, usually shorter).
            let floor = r - WINDOW as i32;
            if c4 > floor {
                let d = (r - c4) as usize;
                let c = p - d;
                // One compare of the bytes loaded both checks the prefix
                // (the hash may collide) and, when they differ within
                // them, gives the length: most hits on a photograph are
                // 4-6 bytes long, priced here without a call.
                let valid = if shared { 8 * (9 - step) } else { 64 };
                let x = (load8(buf, c) ^ w) & (u64::MAX >> (64 - valid));
                if x as u32 == 0 {
                    let len = (x.trailing_zeros() / 8) as usize;
                    // Backwards over the positions not looked up.
                    let mut b = 0;
                    while STEP != 0
                        && b + 1 < STEP
                        && p - b > lit_start
                        && c - b > 0
                        && buf[p - b - 1] == buf[c - b - 1]
                    {
                        b += 1;
                    }
                    let at = p - b;
                    best = if STEP != 0 && STEP <= 3 && x != 0 && at + len + b <= end {
                        // The copy lies within the eight bytes loaded at
                        // `i` (it starts at most `step - 1` in and is
                        // shorter than the `9 - step` compared), so its
                        // literals are a difference of prefix sums.
                        let mut pre = [0u32; 9];
                        let mut sum = 0;
                        for (k, v) in pre[1..].iter_mut().enumerate() {
                            sum += costs.lit[usize::from((w0 >> (8 * k)) as u8)];
                            *v = sum;
                        }
                        let lo = at + step - 1 - p;
                        let lits = pre[lo + len + b] - pre[lo];
                        let copy = costs.len[len + b] + costs.dist[dist_slot_flat(d)];
                        let m = Match {
                            len: (len + b) as u32,
                            dist: d as u32,
                        };
                        (m, at, i64::from(lits) - i64::from(copy))
                    } else {
                        candidate(buf, end, costs, p, d, 4, lit_start, step)
                    };
                }
            }
            if THREE && c3 > floor && c3 != c4 {
                let d = (r - c3) as usize;
                if load4(buf, p - d) & 0xFF_FFFF == w as u32 & 0xFF_FFFF {
                    let b = candidate(buf, end, costs, p, d, 3, lit_start, step);
                    if b.2 > best.2 {
                        best = b;
                    }
                }
            }
            if best.2 > 0 {
                break;
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
            ht.reach(i - 1);
            let (tab, _, base, _) = ht.parts();
            let h = hash4(load8(buf, i - 1), shift);
            tab[h] = (i - 1 - base) as i16;
        }
    }
    out.cut(lit_start, end);
}

/// A candidate of [`greedy_fast`] at `p`, `d` back, whose first `min`
/// bytes agree: extended backwards over the positions not looked up (not
/// before the pending literals, nor before the buffer) and forwards, with
/// the bits it saves (0 or less: not worth it).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn candidate(
    buf: &[u8],
    end: usize,
    costs: &Costs,
    p: usize,
    d: usize,
    min: usize,
    lit_start: usize,
    step: usize,
) -> (Match, usize, i64) {
    let c = p - d;
    let mut b = 0usize;
    while p - b > lit_start && c - b > 0 && b < step - 1 && buf[p - b - 1] == buf[c - b - 1] {
        b += 1;
    }
    let at = p - b;
    let max = (end - at).min(MAX_MATCH);
    // The copy stops at the segment's end (the bytes compared may run past
    // it).
    let len = extend(buf, c - b, at, b + min, max).min(max);
    if len < 3 {
        return (Match::default(), 0, 0);
    }
    let m = Match {
        len: len as u32,
        dist: d as u32,
    };
    let gain = if len >= ALWAYS as usize {
        i64::MAX / 2 + len as i64
    } else {
        saving(costs, buf, at, m)
    };
    (m, at, gain)
}

#[cfg(test)]
mod tests {
    use super::super::symbols::dist_slot;
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
            for parser in [Parser::Fast, Parser::Fast3] {
                settings.push((parser, step, 16, 14));
            }
        }
        settings.push((Parser::Fast, 2, 16, 12));
        for (depth, nice) in [(1, 16), (2, 16), (2, 4), (3, 258), (8, 32)] {
            for parser in [Parser::Greedy, Parser::Lazy, Parser::LazyPriced] {
                settings.push((parser, depth, nice, 15));
            }
        }
        settings.push((Parser::LazyPriced, 8, 3, 13));
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

/// Development measurement of the engine with these parsers alone:
/// `PIXB64_RAW=<dir of filtered streams, *.bin>` `PIXB64_DEFLATE=parser,
/// depth,nice,hash_bits` `cargo test --release --lib parse_timing --
/// --ignored --nocapture` prints the exact compressed bytes and the best
/// and median MB/s of `PIXB64_RUNS` runs, by the clock and by the thread's
/// time on a CPU (steadier when other jobs share the cores). Reading
/// streams filtered once (rather than filtering PNGs in every process)
/// lets the A/B runs of two builds alternate quickly.
#[cfg(all(test, feature = "std"))]
mod timing {
    use super::super::{parse_knobs, Engine};
    use super::tests::BASE;
    use alloc::vec::Vec;
    use std::time::Instant;

    #[test]
    #[ignore]
    fn parse_timing() {
        let dir = std::env::var("PIXB64_RAW").expect("PIXB64_RAW");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "bin"))
            .collect();
        files.sort();
        let data: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        let p = parse_knobs(
            &std::env::var("PIXB64_DEFLATE").unwrap_or_else(|_| "fast".into()),
            BASE,
        );
        let raw: usize = data.iter().map(Vec::len).sum();
        let runs: usize = std::env::var("PIXB64_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3);
        // On-CPU time of this thread (ns), robust to other jobs sharing
        // the cores (Linux; 0 elsewhere).
        let cpu = || -> f64 {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|t| t.split_whitespace().next()?.parse().ok())
                .unwrap_or(0.0)
                / 1e9
        };
        let mut times = Vec::new();
        let mut cpus = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let c = cpu();
            size = 0;
            for d in &data {
                let mut e = Engine::new(p);
                let mut out = Vec::new();
                e.write(d, &mut out);
                e.finish(true, &mut out);
                size += out.len();
            }
            cpus.push(cpu() - c);
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        cpus.sort_by(f64::total_cmp);
        std::println!(
            "bytes {size} raw {raw} ratio {:.6} best {:.2} MB/s median {:.2} MB/s cpu best {:.2} median {:.2}",
            size as f64 / raw as f64,
            raw as f64 / times[0] / 1e6,
            raw as f64 / times[times.len() / 2] / 1e6,
            raw as f64 / cpus[0] / 1e6,
            raw as f64 / cpus[cpus.len() / 2] / 1e6
        );
    }
}
