//! The lazy parser (levels 4-6): hash chains and three-byte copies; at
//! each position the copy that saves the most bits against literals, which
//! waits while the next position offers one that saves more.

use super::{dist_slot_flat, Parsed, Search};
use crate::png::deflate::cost::Costs;
use crate::png::deflate::find::chains::{Ahead, HashChains};
use crate::png::deflate::find::{load8, Match};
use crate::png::deflate::symbols::MAX_MATCH;

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
