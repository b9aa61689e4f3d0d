//! The fast parser (levels 2-3): one hash table entry per four-byte
//! prefix, positions looked up every few bytes.

use super::{dist_slot_flat, saving, Parsed, Search, ALWAYS};
use crate::png::deflate::cost::Costs;
use crate::png::deflate::find::table::HashTable;
use crate::png::deflate::find::{extend, hash4, load8, Match};
use crate::png::deflate::symbols::{MAX_MATCH, WINDOW};

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
    let shift = ht.parts().2;
    let a = (ht, buf, start, end, costs, s, out);
    match (step, shift) {
        (2, 18) => fast::<2, 18>(a, 2, 18),
        (3, 18) => fast::<3, 18>(a, 3, 18),
        (1, _) => fast::<1, 0>(a, 1, shift),
        (2, _) => fast::<2, 0>(a, 2, shift),
        (3, _) => fast::<3, 0>(a, 3, shift),
        (_, _) => fast::<0, 0>(a, step, shift),
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

/// [`greedy_fast`] with the step (`STEP` 0: `step`, 1..=8) and the hash
/// shift (`SHIFT` 0: `shift`) fixed.
#[inline(always)]
fn fast<const STEP: usize, const SHIFT: u32>(a: FastArgs<'_>, step: usize, shift: u32) {
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
        let (tab, base, _) = ht.parts();
        // Masked indexes (`h & mask` with the slice cut to `mask + 1`)
        // let the compiler drop the bounds checks.
        let mask = tab.len() - 1;
        let tab = &mut tab[..=mask];
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
            i += step;
            // In reach: less than a window back.
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
            let (tab, base, _) = ht.parts();
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
