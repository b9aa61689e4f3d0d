//! Hash chains over 4-byte prefixes: the match finder of the greedy and
//! lazy levels.
//!
//! `head[h]` holds the newest position whose next four bytes hash to `h`,
//! `prev[p % WINDOW]` the position before `p` with the same hash, so a
//! chain walks back through earlier occurrences, newest (nearest) first.
//! Positions are stored plus one, 0 meaning none, as indexes into the
//! engine's buffer. When the buffer slides by a multiple of the window,
//! every entry is lowered by the shift (entries that fall off become 0),
//! and `p % WINDOW` is unchanged, so the ring stays aligned.
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

    #[inline(always)]
    fn hash3(buf: &[u8], p: usize) -> usize {
        ((load4(buf, p) << 8).wrapping_mul(0x9E37_79B1) >> (32 - HASH3_BITS)) as usize
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        (self.head.len() + self.prev.len() + self.head3.len()) * 2
    }

    #[inline(always)]
    fn hash(&self, buf: &[u8], p: usize) -> usize {
        (load4(buf, p).wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// The buffer dropped its first `by` bytes (a multiple of [`WINDOW`]).
    pub(crate) fn rebase(&mut self, by: usize) {
        debug_assert_eq!(by % WINDOW, 0);
        // A finder this level does not use holds nothing and never moved.
        if !self.head.is_empty() {
            self.base -= by;
        }
    }

    /// `p`'s position relative to the base, sliding first if it is a
    /// window past it.
    #[inline(always)]
    fn rel(&mut self, p: usize) -> i32 {
        if p - self.base >= WINDOW {
            self.slide();
        }
        (p - self.base) as i32
    }

    #[cold]
    fn slide(&mut self) {
        slide16(&mut self.head);
        slide16(&mut self.prev);
        slide16(&mut self.head3);
        self.base += WINDOW;
    }

    /// Adds position `p` (with `p + 4 <= buf.len()`) to its chain.
    #[inline(always)]
    pub(crate) fn insert(&mut self, buf: &[u8], p: usize) {
        let rel = self.rel(p);
        if !self.head3.is_empty() {
            self.head3[Self::hash3(buf, p)] = rel as i16;
        }
        let h = self.hash(buf, p);
        self.prev[rel as usize & (WINDOW - 1)] = self.head[h];
        self.head[h] = rel as i16;
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
        let rel = self.rel(p);
        // In reach: less than a window back (the entry a full window back
        // shares `p`'s ring slot, just overwritten).
        let floor = rel - WINDOW as i32;
        let h = self.hash(buf, p);
        let mut cand = i32::from(self.head[h]);
        self.prev[rel as usize & (WINDOW - 1)] = cand as i16;
        self.head[h] = rel as i16;
        let here = load4(buf, p);
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
        debug_assert!(out.len() >= MAX_MATCH - 2);
        let rel = self.rel(p);
        let floor = rel - WINDOW as i32;
        let h = self.hash(buf, p);
        let mut cand = i32::from(self.head[h]);
        self.prev[rel as usize & (WINDOW - 1)] = cand as i16;
        self.head[h] = rel as i16;
        let here = load4(buf, p);
        let nice = nice.min(max);
        let mut n = 0usize;
        let mut best = 3usize;
        if !self.head3.is_empty() {
            // The newest earlier position with the same three bytes (if its
            // hash is not a collision) is the nearest copy of any length
            // >= 3, so it leads the list.
            let h3 = Self::hash3(buf, p);
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

/// One entry per hash of four bytes: the newest position (plus one, 0 for
/// none), for the fastest level. Positions are buffer indexes; when the
/// buffer drops its first bytes every entry drops with it.
pub(crate) struct HashTable {
    slots: Vec<u32>,
    shift: u32,
    /// The same for three-byte prefixes (empty: not used).
    slots3: Vec<u32>,
}

impl HashTable {
    pub(crate) fn new(bits: u32) -> Self {
        HashTable {
            slots: vec![0; 1 << bits],
            shift: 32 - bits,
            slots3: Vec::new(),
        }
    }

    /// Also a table of three-byte prefixes.
    pub(crate) fn with_three(mut self) -> Self {
        self.slots3 = vec![0; self.slots.len()];
        self
    }

    /// Whether three-byte prefixes are tracked.
    pub(crate) fn three(&self) -> bool {
        !self.slots3.is_empty()
    }

    /// The slot of the three bytes in the low bits of `w`.
    #[inline(always)]
    pub(crate) fn slot3(&self, w: u64) -> usize {
        ((w as u32) << 8).wrapping_mul(0x9E37_79B1) as usize >> self.shift
    }

    /// [`HashTable::swap`] in the three-byte table.
    #[inline(always)]
    pub(crate) fn swap3(&mut self, slot: usize, p: usize) -> usize {
        core::mem::replace(&mut self.slots3[slot], p as u32 + 1) as usize
    }

    /// A table that holds nothing (for levels that do not use it).
    pub(crate) fn empty() -> Self {
        HashTable {
            slots: Vec::new(),
            shift: 0,
            slots3: Vec::new(),
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        (self.slots.len() + self.slots3.len()) * 4
    }

    /// The buffer dropped its first `by` bytes.
    pub(crate) fn rebase(&mut self, by: usize) {
        let by = by as u32;
        for v in self.slots.iter_mut().chain(self.slots3.iter_mut()) {
            *v = v.saturating_sub(by);
        }
    }

    /// The slot of the four bytes in the low half of `w`.
    #[inline(always)]
    pub(crate) fn slot(&self, w: u64) -> usize {
        ((w as u32).wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// Records `p` in `slot` and returns what was there (0: none, else a
    /// position plus one).
    #[inline(always)]
    pub(crate) fn swap(&mut self, slot: usize, p: usize) -> usize {
        core::mem::replace(&mut self.slots[slot], p as u32 + 1) as usize
    }
}
