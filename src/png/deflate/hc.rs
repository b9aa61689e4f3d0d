//! Hash chains over 4-byte prefixes: the match finder of the greedy and
//! lazy levels.
//!
//! `head[h]` holds the newest position whose next four bytes hash to `h`,
//! `prev[p % WINDOW]` the position before `p` with the same hash, so a
//! chain walks back through earlier occurrences, newest (nearest) first.
//! Positions are 16 bits, relative to a base that moves up a window at a
//! time (see [`HashChains`]); when the engine's buffer drops a multiple of
//! the window only the base moves, and `p % WINDOW` is unchanged, so the
//! ring stays aligned.
//!
//! The parsers' hot loops borrow the chains as [`Chains`], up to the
//! position where they must slide ([`HashChains::reach`]), so a position
//! costs no window check and no bounds checks on the tables. On
//! photographs most candidates are 4-7 byte copies that their prices then
//! reject: the walks compare eight bytes at once (a length below eight is
//! the XOR's trailing zero bytes) and load the next position's chain head
//! and candidate bytes before walking this one (see [`Chains::scan`]).
//!
//! The chains hash four-byte prefixes. Three-byte copies, which the priced
//! parsers use (on noisy photographs a three-byte copy at a common length
//! code beats three expensive literals), come from a separate table of the
//! newest position per three-byte hash.
//!
//! (Trying the distances a PNG favours first, one pixel back and one row
//! up, was measured and dropped: the chain's newest entries are those
//! positions whenever they match, so it found nothing the chain did not,
//! and cost time on every position.)

use super::symbols::{MAX_MATCH, WINDOW};
use alloc::vec;
use alloc::vec::Vec;

/// One copy candidate: length and distance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

/// The four bytes at `p` as a little-endian word.
#[inline(always)]
pub(crate) fn load4(buf: &[u8], p: usize) -> u32 {
    let b: [u8; 4] = buf[p..p + 4].try_into().unwrap_or([0; 4]);
    u32::from_le_bytes(b)
}

/// The eight bytes at `p` as a little-endian word.
#[inline(always)]
pub(crate) fn load8(buf: &[u8], p: usize) -> u64 {
    let b: [u8; 8] = buf[p..p + 8].try_into().unwrap_or([0; 8]);
    u64::from_le_bytes(b)
}

/// How many bytes at `a` and `b` agree, counting from `from` up to `max`
/// (`b + max <= buf.len()`, `a < b`); eight at a time, the first differing
/// byte found from the lowest set bit of the XOR.
#[inline(always)]
pub(crate) fn extend(buf: &[u8], a: usize, b: usize, from: usize, max: usize) -> usize {
    let mut k = from;
    while k + 8 <= max {
        let x = load8(buf, a + k) ^ load8(buf, b + k);
        if x != 0 {
            return k + (x.trailing_zeros() / 8) as usize;
        }
        k += 8;
    }
    while k < max && buf[a + k] == buf[b + k] {
        k += 1;
    }
    k
}

/// [`extend`] from 8 (the first eight bytes agree) up to `max` (which
/// may be below 8), out of line: long copies are rare on photographs, and
/// inlined its loop costs the callers' hot paths registers.
#[inline(never)]
pub(crate) fn extend_far(buf: &[u8], a: usize, b: usize, max: usize) -> usize {
    if max <= 8 {
        return max;
    }
    extend(buf, a, b, 8, max)
}

/// No position (a relative position a full window back: never in reach).
pub(crate) const NONE: i16 = i16::MIN;

/// Lowers 16-bit relative positions by a window: `v - 32768`, saturating at
/// [`NONE`] (`max(v, 0) ^ 0x8000`: pmaxsw + pxor per 32 entries).
pub(crate) fn slide16(vs: &mut [i16]) {
    for v in vs {
        *v = (*v).max(0) ^ i16::MIN;
    }
}

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

    /// The longest copy for position `p` (inserting `p`), at most `max`
    /// bytes long (`p + max <= buf.len()`, `max >= 4`), trying up to
    /// `depth` chain entries; stops early at `nice`.
    /// Returns a length of 0 if nothing of at least 4 bytes was found.
    #[inline(always)]
    pub(crate) fn find(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        depth: u32,
        nice: usize,
    ) -> Match {
        self.reach(p);
        self.view().find(buf, p, max, depth, nice)
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

    /// [`HashChains::find`].
    #[inline(always)]
    pub(crate) fn find(
        &mut self,
        buf: &[u8],
        p: usize,
        max: usize,
        depth: u32,
        nice: usize,
    ) -> Match {
        let rel = self.rel(p);
        // In reach: less than a window back (the entry a full window back
        // shares `p`'s ring slot, just overwritten).
        let floor = rel - WINDOW as i32;
        let here = load4(buf, p);
        let h = self.hash(here);
        let mut cand = i32::from(self.head[h]);
        self.prev[rel as usize & (WINDOW - 1)] = cand as i16;
        self.head[h] = rel as i16;
        let nice = nice.min(max);
        // `best` is the length to beat: 3 means "anything of 4 or more".
        let mut best = Match { len: 3, dist: 0 };
        let mut steps = depth;
        while cand > floor && steps > 0 {
            steps -= 1;
            let d = (rel - cand) as usize;
            let c = p - d;
            let bl = best.len as usize;
            // One byte at the length to beat rejects most candidates; then
            // the first four bytes (hash collisions), then the rest.
            if buf[c + bl] == buf[p + bl] && load4(buf, c) == here {
                let len = extend(buf, c, p, 4, max);
                if len > bl {
                    best = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    if len >= nice {
                        break;
                    }
                }
            }
            let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
            if next >= cand {
                break;
            }
            cand = next;
        }
        if best.dist == 0 {
            best.len = 0;
        }
        best
    }

    /// Positions `from..lim` in turn (`lim + 8 <= buf.len()`), each
    /// inserted and given the copy [`Chains::find`] would give, until `take(p, bytes
    /// at p, copy)` accepts one (a copy of length 0 is none): returns that
    /// position and copy, or `lim` and no copy.
    ///
    /// Two things keep the CPU busy on photographs, where the outcome of
    /// every candidate is a coin toss:
    ///
    /// - Software pipelining: right after a position's insert, before its
    ///   walk, the next position's chain head is loaded (after the insert,
    ///   which it must see when both hash alike), and with it the first
    ///   eight bytes of that candidate and the chain entry after it. A
    ///   misprediction in this position's walk then does not delay those
    ///   dependent loads (a 64 KiB head table, then a window byte).
    /// - The first two candidates are compared without branches: each
    ///   gives a length below eight from one XOR (an out-of-reach one a
    ///   sentinel that never matches), and the longer wins by a select.
    ///   Only copies of eight bytes or more, and deeper walks, take the
    ///   branching path ([`Chains::walk`]).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn scan<F: FnMut(usize, u64, Match) -> bool>(
        &mut self,
        buf: &[u8],
        from: usize,
        lim: usize,
        end: usize,
        depth: u32,
        nice: usize,
        mut take: F,
    ) -> (usize, Match) {
        let mut p = from;
        if p >= lim {
            return (p, Match::default());
        }
        let mut pre = self.preload(buf, p, self.rel(p));
        loop {
            let (here, h, cand, cbytes, cnext) = pre;
            let rel = self.rel(p);
            let floor = rel - WINDOW as i32;
            self.prev[rel as usize & (WINDOW - 1)] = cand as i16;
            self.head[h] = rel as i16;
            pre = self.preload(buf, p + 1, rel + 1);
            // The first candidate (`cbytes` is `!here` if out of reach).
            let x1 = cbytes ^ here;
            // The second, if the chain goes on (then the first is in
            // reach too).
            let ok2 = depth >= 2 && cnext < cand && cnext > floor;
            let c2 = if ok2 { p - (rel - cnext) as usize } else { p };
            let x2 = (load8(buf, c2) ^ here) | u64::from(!ok2).wrapping_neg();
            let best = if x1 == 0 || x2 == 0 || depth > 2 {
                self.walk(buf, p, here, rel, cand, end, depth, nice)
            } else {
                let max = (end - p).min(MAX_MATCH);
                let len = |x: u64| {
                    if x as u32 == 0 {
                        ((x.trailing_zeros() / 8) as usize).min(max)
                    } else {
                        0
                    }
                };
                let (l1, l2) = (len(x1), len(x2));
                // A second copy wins if longer, unless the first was
                // long enough to stop the walk.
                if l2 > l1 && l1 < nice.min(max) {
                    Match {
                        len: l2 as u32,
                        dist: (rel - cnext) as u32,
                    }
                } else {
                    Match {
                        len: l1 as u32,
                        dist: (rel - cand) as u32,
                    }
                }
            };
            if take(p, here, best) {
                return (p, best);
            }
            p += 1;
            if p >= lim {
                return (p, Match::default());
            }
        }
    }

    /// The loads [`Chains::scan`] makes a position ahead for `p` (`rel`
    /// relative): its bytes, hash, newest candidate, the candidate's first
    /// eight bytes (`!bytes` if out of reach, which matches nothing) and
    /// the chain entry after it. Whatever is inserted before `p` itself
    /// leaves the last two as they are: only `p`'s own insert could write
    /// that ring slot, and only if the candidate is out of reach.
    #[inline(always)]
    fn preload(&self, buf: &[u8], p: usize, rel: i32) -> (u64, usize, i32, u64, i32) {
        let here = load8(buf, p);
        let h = self.hash(here as u32);
        let cand = i32::from(self.head[h]);
        let reach = cand > rel - WINDOW as i32;
        let c = if reach { p - (rel - cand) as usize } else { p };
        let cbytes = load8(buf, c) ^ u64::from(!reach).wrapping_neg();
        let cnext = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
        (here, h, cand, cbytes, cnext)
    }

    /// [`Chains::find`]'s walk for `p` (inserted already; `cand` the chain
    /// head before it; `here` its eight bytes), by branches: for long
    /// copies and deep walks. The first candidate is checked by its first
    /// eight bytes alone, and a length below eight comes from their XOR.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        buf: &[u8],
        p: usize,
        here: u64,
        rel: i32,
        mut cand: i32,
        end: usize,
        depth: u32,
        nice: usize,
    ) -> Match {
        let floor = rel - WINDOW as i32;
        let mut best = Match { len: 0, dist: 0 };
        if cand <= floor {
            return best;
        }
        let mut steps = depth;
        loop {
            let d = (rel - cand) as usize;
            let c = p - d;
            let bl = best.len as usize;
            if bl == 0 || buf[c + bl] == buf[p + bl] {
                let x = load8(buf, c) ^ here;
                if x as u32 == 0 {
                    let max = (end - p).min(MAX_MATCH);
                    let len = if x != 0 {
                        ((x.trailing_zeros() / 8) as usize).min(max)
                    } else {
                        extend_far(buf, c, p, max)
                    };
                    if len > bl && len >= 4 {
                        best = Match {
                            len: len as u32,
                            dist: d as u32,
                        };
                        if len >= nice.min(max) {
                            break;
                        }
                    }
                }
            }
            steps -= 1;
            let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
            if steps == 0 || next >= cand || next <= floor {
                break;
            }
            cand = next;
        }
        best
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
                let len = if x != 0 {
                    ((x.trailing_zeros() / 8) as usize).min(max)
                } else {
                    extend_far(buf, p - d, p, max)
                };
                if len >= 3 {
                    out[0] = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    n = 1;
                    best = len;
                    if best >= nice {
                        return n;
                    }
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
                let len = if x != 0 {
                    ((x.trailing_zeros() / 8) as usize).min(max)
                } else {
                    extend_far(buf, p - d, p, max)
                };
                if len > best {
                    out[n] = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    n += 1;
                    best = len;
                    if best >= nice {
                        return n;
                    }
                }
            }
            let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
            if next >= cand {
                return n;
            }
            cand = next;
        }
        while cand > floor && steps > 0 {
            steps -= 1;
            let d = (rel - cand) as usize;
            let c = p - d;
            if buf[c + best] == buf[p + best] {
                let x = load8(buf, c) ^ here;
                if x as u32 == 0 {
                    let len = if x != 0 {
                        ((x.trailing_zeros() / 8) as usize).min(max)
                    } else {
                        extend_far(buf, c, p, max)
                    };
                    if len > best {
                        out[n] = Match {
                            len: len as u32,
                            dist: d as u32,
                        };
                        n += 1;
                        best = len;
                        if best >= nice {
                            return n;
                        }
                    }
                }
            }
            let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
            if next >= cand {
                break;
            }
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

    /// [`HashChains::find_all`].
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
                if len >= 3 {
                    out[0] = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    n = 1;
                    best = len;
                    if best >= nice {
                        return n;
                    }
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
                if len > best {
                    out[n] = Match {
                        len: len as u32,
                        dist: d as u32,
                    };
                    n += 1;
                    best = len;
                    if best >= nice {
                        return n;
                    }
                }
            }
            let next = i32::from(self.prev[cand as usize & (WINDOW - 1)]);
            if next >= cand {
                break;
            }
            cand = next;
        }
        n
    }
}

/// One entry per hash of four bytes: the newest position, for the fastest
/// level. Positions are 16 bits relative to `base` (a multiple of the
/// window), as in [`HashChains`]: half the memory of buffer indexes, so the
/// 2^14 entries of level 2 (32 KiB) sit in L1 beside the window's bytes.
/// [`NONE`] is no position; a stored `v` is in reach of a position `rel`
/// (relative to the same base) when `v > rel - WINDOW`, one compare.
pub(crate) struct HashTable {
    slots: Vec<i16>,
    /// The same for three-byte prefixes (empty: not used).
    slots3: Vec<i16>,
    shift: u32,
    base: usize,
}

impl HashTable {
    pub(crate) fn new(bits: u32) -> Self {
        HashTable {
            slots: vec![NONE; 1 << bits],
            slots3: Vec::new(),
            shift: 32 - bits,
            base: 0,
        }
    }

    /// Also a table of three-byte prefixes.
    pub(crate) fn with_three(mut self) -> Self {
        self.slots3 = vec![NONE; self.slots.len()];
        self
    }

    /// Whether three-byte prefixes are tracked.
    pub(crate) fn three(&self) -> bool {
        !self.slots3.is_empty()
    }

    /// A table that holds nothing (for levels that do not use it).
    pub(crate) fn empty() -> Self {
        HashTable {
            slots: Vec::new(),
            slots3: Vec::new(),
            shift: 0,
            base: 0,
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        (self.slots.len() + self.slots3.len()) * 2
    }

    /// The buffer dropped its first `by` bytes (a multiple of [`WINDOW`]).
    pub(crate) fn rebase(&mut self, by: usize) {
        if self.slots.is_empty() {
            return;
        }
        if self.base >= by {
            self.base -= by;
        } else {
            // Nothing recorded is after the bytes dropped (the engine
            // keeps a window of history, so only a caller that skipped
            // recording could get here): start empty.
            self.slots.fill(NONE);
            self.slots3.fill(NONE);
            self.base = 0;
        }
    }

    /// Makes `p` recordable (`p - base < WINDOW`), sliding by whole
    /// windows as needed; returns the first position that is not.
    #[inline]
    pub(crate) fn reach(&mut self, p: usize) -> usize {
        while p - self.base >= WINDOW {
            self.slide();
        }
        self.base + WINDOW
    }

    #[cold]
    fn slide(&mut self) {
        slide16(&mut self.slots);
        slide16(&mut self.slots3);
        self.base += WINDOW;
    }

    /// The tables (four-byte, three-byte: empty if not tracked), the base
    /// and the shift of the hash, for a parser's inner loop.
    #[inline(always)]
    pub(crate) fn parts(&mut self) -> (&mut [i16], &mut [i16], usize, u32) {
        (&mut self.slots, &mut self.slots3, self.base, self.shift)
    }
}

/// The slot of the four bytes in the low half of `w` (the top bits of a
/// multiplicative hash: `32 - shift` of them).
#[inline(always)]
pub(crate) fn hash4(w: u64, shift: u32) -> usize {
    ((w as u32).wrapping_mul(0x9E37_79B1) >> shift) as usize
}

/// The slot of the three bytes in the low bits of `w`.
#[inline(always)]
pub(crate) fn hash3(w: u64, shift: u32) -> usize {
    ((w as u32) << 8).wrapping_mul(0x9E37_79B1) as usize >> shift
}
