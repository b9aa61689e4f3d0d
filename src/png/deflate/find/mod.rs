//! Match finders: where earlier input repeats what comes next.
//!
//! Three structures, one per kind of parser:
//!
//! * [`table`]: one entry per hash of four bytes, the newest position
//!   (the fast parser: one lookup per position, no chain).
//! * [`chains`]: hash chains over four-byte prefixes plus a table of the
//!   newest position per three bytes (the lazy parser).
//! * [`tree`]: binary trees over four-byte prefixes plus a two-way table
//!   of three-byte positions (the near-optimal parser, which wants every
//!   length's nearest copy at every position).
//!
//! All three store positions in 16 bits relative to a base that moves up a
//! window at a time (libdeflate's layout): a stored `v` stands for buffer
//! index `base + v`, [`NONE`] for none. When a position reaches
//! `base + WINDOW` every entry drops by a window ([`slide16`]; anything that
//! old falls out of reach) and the base moves up; when the engine's buffer
//! drops its first bytes (a multiple of the window) only the base moves.
//! Half the memory of buffer indexes keeps the tables in L1/L2 beside the
//! window's bytes.
//!
//! (Trying the distances a PNG favours first, one pixel back and one row
//! up, was measured and dropped: the newest entries are those positions
//! whenever they match, so it found nothing the finders did not, and cost
//! time on every position.)

pub(crate) mod chains;
pub(crate) mod table;
pub(crate) mod tree;

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
    if k >= max {
        return max;
    }
    // The last few bytes: one more eight-byte compare, cut at `max`, when
    // the buffer goes on that far (a byte loop here was a quarter of the
    // near-optimal finder's time on screenshots, whose copies often run to
    // the limit).
    if b + k + 8 <= buf.len() {
        let x = load8(buf, a + k) ^ load8(buf, b + k);
        return (k + (x.trailing_zeros() / 8) as usize).min(max);
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

/// The slot of the four bytes in the low half of `w` (the top bits of a
/// multiplicative hash: `32 - shift` of them).
#[inline(always)]
pub(crate) fn hash4(w: u64, shift: u32) -> usize {
    ((w as u32).wrapping_mul(0x9E37_79B1) >> shift) as usize
}
