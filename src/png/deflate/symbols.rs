//! Deflate's alphabets (RFC 1951, 3.2.5): literal/length symbols 0..=285,
//! distance symbols 0..=29, and the code-length alphabet 0..=18.
//!
//! A copy of length 3..=258 is sent as a length symbol `257 + slot` plus
//! `LEN_EXTRA[slot]` extra bits (`len - LEN_BASE[slot]`); its distance
//! 1..=32768 as a distance symbol `slot` plus `DIST_EXTRA[slot]` extra bits.

/// Literal/length symbols: 0..=255 literals, 256 end of block, 257..=285
/// length slots.
pub(crate) const NUM_LITLEN: usize = 286;
/// Distance symbols.
pub(crate) const NUM_DIST: usize = 30;
/// The end-of-block symbol.
pub(crate) const EOB: usize = 256;
/// Longest copy (the shortest is 3).
pub(crate) const MAX_MATCH: usize = 258;
/// Farthest a copy may reach back.
pub(crate) const WINDOW: usize = 32768;
/// Longest Huffman code deflate allows.
pub(crate) const MAX_CODE_BITS: u32 = 15;
/// Longest code in the code-length (precode) tree.
pub(crate) const MAX_PRECODE_BITS: u32 = 7;

/// Base length of length slots 0..=28 (symbols 257..=285).
pub(crate) const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of length slots 0..=28.
pub(crate) const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of distance slots 0..=29.
pub(crate) const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits of distance slots 0..=29.
pub(crate) const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// Order in which the code-length code's lengths are sent.
pub(crate) const PRECODE_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length slot (0..=28) of every copy length 0..=258 (0..=2 unused, 0).
pub(crate) static LEN_SLOT: [u8; 259] = len_slots();

const fn len_slots() -> [u8; 259] {
    let mut t = [0u8; 259];
    let mut slot = 0;
    let mut len = 3;
    while len <= 258 {
        // 258 is its own slot (28), not 227 + 31 in slot 27.
        while slot + 1 < 29 && LEN_BASE[slot + 1] as usize <= len {
            slot += 1;
        }
        t[len] = slot as u8;
        len += 1;
    }
    t
}

/// Distance slot (0..=29) of a distance 1..=32768.
///
/// With `x = dist - 1`, slots 0..=3 are `x` itself; above, each power of two
/// splits into two slots on the bit below the top one:
///
/// ```text
///   x = 0b1b.....   (top bit at position k >= 2)
///   slot = 2k + b
/// ```
///
/// Read from two 256-entry tables (zlib's `_dist_code` layout): distances
/// up to 256 directly, larger ones by `x >> 7`, whose slots are the small
/// ones' plus 14 (seven more bits, two slots per bit).
#[inline(always)]
pub(crate) fn dist_slot(dist: usize) -> usize {
    let x = (dist - 1) & 0x7FFF;
    if x < 256 {
        usize::from(DIST_SLOT_LO[x])
    } else {
        usize::from(DIST_SLOT_LO[x >> 7]) + 14
    }
}

/// Slots of `x = dist - 1` for `x < 256`, by the rule above.
static DIST_SLOT_LO: [u8; 256] = dist_slots_lo();

const fn dist_slots_lo() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut x = 0u32;
    while x < 256 {
        t[x as usize] = if x < 4 {
            x as u8
        } else {
            let k = 31 - x.leading_zeros();
            (2 * k + ((x >> (k - 1)) & 1)) as u8
        };
        x += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_the_base_tables() {
        for (len, &s) in LEN_SLOT.iter().enumerate().skip(3) {
            let s = usize::from(s);
            let base = usize::from(LEN_BASE[s]);
            assert!(base <= len, "len {len}");
            assert!(len - base < 1 << LEN_EXTRA[s], "len {len}");
            if len == 258 {
                assert_eq!(s, 28);
            }
        }
        for dist in 1..=WINDOW {
            let s = dist_slot(dist);
            let base = usize::from(DIST_BASE[s]);
            assert!(
                base <= dist && dist - base < 1 << DIST_EXTRA[s],
                "dist {dist}"
            );
        }
    }
}
