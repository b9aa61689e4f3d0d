//! Hash chains over 4-byte prefixes, and the newest position per 3-byte
//! hash: the lazy parser's match finder.
//!
//! `head[h]` holds the newest position whose next four bytes hash to `h`,
//! `prev[p % WINDOW]` the position before `p` with the same hash, so a
//! chain walks back through earlier occurrences, newest (nearest) first.
//! `prev` is a ring indexed by `v & 0x7FFF` (`p % WINDOW`, the base being a
//! multiple of the window).
//!
//! The parser's hot loop borrows the chains as [`Chains`], up to the
//! position where they must slide ([`HashChains::reach`]), so a position
//! costs no window check and no bounds checks on the tables. On
//! photographs most candidates are 4-7 byte copies that their prices then
//! reject: the walks compare eight bytes at once (a length below eight is
//! the XOR's trailing zero bytes) and load the next position's chain head
//! and candidate bytes before walking this one ([`Chains::find_all_ahead`]).
//!
//! Three-byte copies (on noisy photographs a three-byte copy at a common
//! length code beats three expensive literals) come from the separate
//! table of the newest position per three-byte hash.

use super::{extend, extend_far, load4, load8, slide16, Match, NONE};
use crate::png::deflate::symbols::{MAX_MATCH, WINDOW};
use alloc::vec;
use alloc::vec::Vec;

/// Hash chains with 16-bit positions relative to `base` (a multiple of the
/// window), libdeflate's layout: a stored `v` stands for buffer index
/// `base + v`, -32768 for none. When a position reaches `base + WINDOW`
/// every entry drops by a window (anything that old falls out of reach)
/// and the base moves up. `prev` is a ring indexed by `v & 0x7FFF`, which
/// is `p % WINDOW`.
pub(crate) struct HashChains {
    head: Vec<i16>,
    prev: Vec<i16>,
    shift: u32,
    /// Newest position per hash of three bytes (empty: no 3-byte copies).
    head3: Vec<i16>,
    base: usize,
}

/// log2 of the three-byte heads.
const HASH3_BITS: u32 = 16;

impl HashChains {
    /// Chains with `2^bits` heads.
    pub(crate) fn new(bits: u32) -> Self {
        HashChains {
            head: vec![NONE; 1 << bits],
            prev: vec![NONE; WINDOW],
            shift: 32 - bits,
            head3: Vec::new(),
            base: 0,
        }
    }

    /// A finder that holds nothing (for levels that do not use it).
    pub(crate) fn empty() -> Self {
        HashChains {
            head: Vec::new(),
            prev: Vec::new(),
            shift: 0,
            head3: Vec::new(),
            base: 0,
        }
    }

    /// Also finds three-byte copies (in [`HashChains::find_all`]).
    pub(crate) fn with_three(mut self) -> Self {
        self.head3 = vec![NONE; 1 << HASH3_BITS];
        self
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        (self.head.len() + self.prev.len() + self.head3.len()) * 2
    }

    /// The buffer dropped its first `by` bytes (a multiple of [`WINDOW`]).
    pub(crate) fn rebase(&mut self, by: usize) {
        debug_assert_eq!(by % WINDOW, 0);
        // A finder this level does not use holds nothing and never moved.
        if !self.head.is_empty() {
            self.base -= by;
        }
    }

    /// Makes `p` insertable (`p - base < WINDOW`), sliding by whole
    /// windows as needed; returns the first position that is not. A
    /// parser's inner loop runs up to it with [`Chains`], which does not
    /// check.
    #[inline]
    pub(crate) fn reach(&mut self, p: usize) -> usize {
        while p - self.base >= WINDOW {
            self.slide();
        }
        self.base + WINDOW
    }

    #[cold]
    fn slide(&mut self) {
        slide16(&mut self.head);
        slide16(&mut self.prev);
        slide16(&mut self.head3);
        self.base += WINDOW;
    }

    /// The chains borrowed for positions below [`HashChains::reach`]'s
    /// limit: slices whose lengths the compiler knows, so the hot loops
    /// index them without bounds checks.
    #[inline(always)]
    pub(crate) fn view(&mut self) -> Chains<'_> {
        let mask = self.head.len() - 1;
        let mask3 = self.head3.len().wrapping_sub(1);
        Chains {
            head: &mut self.head[..=mask],
            prev: (&mut self.prev[..]).try_into().expect("chains in use"),
            head3: &mut self.head3[..mask3.wrapping_add(1)],
            mask,
            mask3,
            shift: self.shift,
            base: self.base,
        }
    }

    /// Adds position `p` (with `p + 4 <= buf.len()`) to its chain.
    #[inline(always)]
    pub(crate) fn insert(&mut self, buf: &[u8], p: usize) {
        self.reach(p);
        self.view().insert(buf, p);
    }

    /// Every copy for position `p` longer than the one before it (inserting
    /// `p`): lengths strictly increasing, each with the nearest distance
    /// found for it, into `out`. Returns how many. Same bounds as
    /// [`HashChains::find`]; `out` holds at least `MAX_MATCH - 2` entries.
    #[inline(always)]
    pub(crate) fn find_all(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        depth: u32,
        nice: usize,
        out: &mut [Match],
    ) -> usize {
        self.reach(p);
        self.view().find_all(buf, p, max, depth, nice, out)
    }
}

/// What [`Chains::find_all_ahead`] loaded for position `p` one call early.
#[derive(Clone, Copy, Default)]
pub(crate) struct Ahead {
    /// The position (`usize::MAX`: none) and the chains' base then.
    p: usize,
    base: usize,
    here: u64,
    h: usize,
    cand: i32,
    cbytes: u64,
    h3: usize,
    c3: i32,
    c3bytes: u64,
}

impl Ahead {
    /// Nothing loaded.
    pub(crate) fn new() -> Self {
        Ahead {
            p: usize::MAX,
            ..Ahead::default()
        }
    }

    /// Forgets the loads (after positions were inserted otherwise).
    pub(crate) fn clear(&mut self) {
        self.p = usize::MAX;
    }
}

/// [`HashChains`] borrowed for positions `p` with `p - base < WINDOW`
/// (see [`HashChains::reach`]).
pub(crate) struct Chains<'a> {
    head: &'a mut [i16],
    prev: &'a mut [i16; WINDOW],
    head3: &'a mut [i16],
    mask: usize,
    mask3: usize,
    shift: u32,
    base: usize,
}

impl Chains<'_> {
    #[inline(always)]
    fn rel(&self, p: usize) -> i32 {
        debug_assert!(p - self.base < WINDOW);
        (p - self.base) as i32
    }

    #[inline(always)]
    fn hash(&self, here: u32) -> usize {
        (here.wrapping_mul(0x9E37_79B1) >> self.shift) as usize & self.mask
    }

    #[inline(always)]
    fn hash3(&self, here: u32) -> usize {
        ((here << 8).wrapping_mul(0x9E37_79B1) >> (32 - HASH3_BITS)) as usize & self.mask3
    }

    /// The position before `cand` on its chain, or `None` if the link is not
    /// older than `cand` (where the walks stop). A link out of reach
    /// ([`NONE`] included) comes back as is: the walks stop at their floor.
    #[inline(always)]
    fn older(&self, cand: i32) -> Option<i32> {
        let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
        (next < cand).then_some(next)
    }

    /// [`HashChains::insert`].
    #[inline(always)]
    pub(crate) fn insert(&mut self, buf: &[u8], p: usize) {
        let rel = self.rel(p);
        let here = load4(buf, p);
        if !self.head3.is_empty() {
            let h3 = self.hash3(here);
            self.head3[h3] = rel as i16;
        }
        let h = self.hash(here);
        self.prev[rel as usize & (WINDOW - 1)] = self.head[h];
        self.head[h] = rel as i16;
    }

    /// [`Chains::find_all`] for a position with eight readable bytes,
    /// pipelined like [`Chains::scan`]: `ahead` holds the loads made for
    /// `p` when the previous call was for `p - 1` (else they are made
    /// now), and this call makes them for `p + 1` (when it has eight
    /// readable bytes too) right after inserting `p`, before its walk. The
    /// caller must [`Ahead::clear`] it after inserting other positions.
    /// Lengths below eight come from one XOR of eight bytes.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn find_all_ahead(
        &mut self,
        buf: &[u8],
        p: usize,
        end: usize,
        depth: u32,
        nice: usize,
        out: &mut [Match],
        ahead: &mut Ahead,
    ) -> usize {
        debug_assert!(out.len() >= MAX_MATCH - 2);
        let rel = self.rel(p);
        let floor = rel - WINDOW as i32;
        // (Loads made before the chains slid are stale.)
        let a = if ahead.p == p && ahead.base == self.base {
            *ahead
        } else {
            self.ahead(buf, p, rel)
        };
        let here = a.here;
        self.prev[rel as usize & (WINDOW - 1)] = a.cand as i16;
        self.head[a.h] = rel as i16;
        let three = !self.head3.is_empty();
        if three {
            self.head3[a.h3] = rel as i16;
        }
        *ahead = if p + 9 <= buf.len() {
            self.ahead(buf, p + 1, rel + 1)
        } else {
            Ahead::new()
        };
        let max = (end - p).min(MAX_MATCH);
        let nice = nice.min(max);
        let mut n = 0usize;
        let mut best = 3usize;
        if three && a.c3 > floor {
            // The newest earlier position with the same three bytes (if its
            // hash is not a collision) is the nearest copy of any length
            // >= 3, so it leads the list.
            let x = a.c3bytes ^ here;
            if x & 0xFF_FFFF == 0 {
                let d = (rel - a.c3) as usize;
                let len = xor_len(x, buf, p - d, p, max);
                if len >= 3 && record(out, &mut n, &mut best, len, d, nice) {
                    return n;
                }
            }
        }
        let mut cand = a.cand;
        if cand <= floor || depth == 0 {
            return n;
        }
        // The first candidate by its preloaded bytes.
        let mut steps = depth - 1;
        {
            let x = a.cbytes ^ here;
            if x as u32 == 0 {
                let d = (rel - cand) as usize;
                let len = xor_len(x, buf, p - d, p, max);
                if len > best && record(out, &mut n, &mut best, len, d, nice) {
                    return n;
                }
            }
            let Some(next) = self.older(cand) else {
                return n;
            };
            cand = next;
        }
        while cand > floor && steps > 0 {
            steps -= 1;
            let d = (rel - cand) as usize;
            let c = p - d;
            if buf[c + best] == buf[p + best] {
                let x = load8(buf, c) ^ here;
                if x as u32 == 0 {
                    let len = xor_len(x, buf, c, p, max);
                    if len > best && record(out, &mut n, &mut best, len, d, nice) {
                        return n;
                    }
                }
            }
            let Some(next) = self.older(cand) else {
                break;
            };
            cand = next;
        }
        n
    }

    /// The loads of [`Chains::find_all_ahead`] for `p` (`rel` relative,
    /// eight readable bytes).
    #[inline(always)]
    fn ahead(&self, buf: &[u8], p: usize, rel: i32) -> Ahead {
        let here = load8(buf, p);
        let h = self.hash(here as u32);
        let cand = i32::from(self.head[h]);
        let floor = rel - WINDOW as i32;
        // Out of reach: the bytes at `p` itself, never read as a copy.
        let at = |c: i32| {
            if c > floor {
                p - (rel - c) as usize
            } else {
                p
            }
        };
        let cbytes = load8(buf, at(cand));
        let (h3, c3, c3bytes) = if self.head3.is_empty() {
            (0, i32::from(NONE), 0)
        } else {
            let h3 = self.hash3(here as u32);
            let c3 = i32::from(self.head3[h3]);
            (h3, c3, load8(buf, at(c3)))
        };
        Ahead {
            p,
            base: self.base,
            here,
            h,
            cand,
            cbytes,
            h3,
            c3,
            c3bytes,
        }
    }

    /// [`HashChains::find_all`]. The walk of [`Chains::find_all_ahead`]
    /// without its eight-byte reads and preloads, kept as its own loop: it
    /// serves the positions that lack eight readable bytes (the buffer's
    /// end) or break the pipelined run, and compares four bytes, then
    /// extends. What both walks do with a copy is written once ([`record`],
    /// [`Chains::older`]).
    #[inline(always)]
    pub(crate) fn find_all(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        depth: u32,
        nice: usize,
        out: &mut [Match],
    ) -> usize {
        debug_assert!(out.len() >= MAX_MATCH - 2);
        let rel = self.rel(p);
        let floor = rel - WINDOW as i32;
        let here = load4(buf, p);
        let h = self.hash(here);
        let mut cand = i32::from(self.head[h]);
        self.prev[rel as usize & (WINDOW - 1)] = cand as i16;
        self.head[h] = rel as i16;
        let nice = nice.min(max);
        let mut n = 0usize;
        let mut best = 3usize;
        if !self.head3.is_empty() {
            // The newest earlier position with the same three bytes (if its
            // hash is not a collision) is the nearest copy of any length
            // >= 3, so it leads the list.
            let h3 = self.hash3(here);
            let c3 = i32::from(self.head3[h3]);
            self.head3[h3] = rel as i16;
            if c3 > floor {
                let d = (rel - c3) as usize;
                let len = extend(buf, p - d, p, 0, max);
                if len >= 3 && record(out, &mut n, &mut best, len, d, nice) {
                    return n;
                }
            }
        }
        let mut steps = depth;
        while cand > floor && steps > 0 {
            steps -= 1;
            let d = (rel - cand) as usize;
            let c = p - d;
            if buf[c + best] == buf[p + best] && load4(buf, c) == here {
                let len = extend(buf, c, p, 4, max);
                if len > best && record(out, &mut n, &mut best, len, d, nice) {
                    return n;
                }
            }
            let Some(next) = self.older(cand) else {
                break;
            };
            cand = next;
        }
        n
    }
}

/// Appends a copy of `len` bytes at distance `d` to `out[..*n]`, the list
/// that [`Chains::find_all`] and [`Chains::find_all_ahead`] build, as its new
/// longest: `*best = len` (the caller has checked that `len` is longer than
/// the list's last, or at least 3 for the first). Returns whether `len`
/// reaches `nice`, where the walk ends.
#[inline(always)]
fn record(
    out: &mut [Match],
    n: &mut usize,
    best: &mut usize,
    len: usize,
    d: usize,
    nice: usize,
) -> bool {
    out[*n] = Match {
        len: len as u32,
        dist: d as u32,
    };
    *n += 1;
    *best = len;
    len >= nice
}

/// The length of the copy at `c` of the bytes at `p` (up to `max`), given
/// `x`, the XOR of their first eight bytes: its trailing zero bytes, or
/// when all eight are equal, [`extend_far`] from there.
#[inline(always)]
fn xor_len(x: u64, buf: &[u8], c: usize, p: usize, max: usize) -> usize {
    if x != 0 {
        ((x.trailing_zeros() / 8) as usize).min(max)
    } else {
        extend_far(buf, c, p, max)
    }
}
