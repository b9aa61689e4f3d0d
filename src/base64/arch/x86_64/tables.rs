//! Tables shared by the SSSE3 and AVX2 kernels (the AVX2 ones are the same
//! 16-byte tables broadcast to both lanes), computed at compile time from the
//! alphabets.

use crate::base64::tables::{STANDARD_SYMBOLS, URL_SAFE_SYMBOLS};

/// Encode offsets: entry `k` is what to add to a 6-bit value of run `k` to get
/// its symbol. The runs: 0 = `A-Z` (values 0..=25), 1 = `a-z` (26..=51), 2..=11
/// = `0-9` (52..=61, one entry per value, all equal), 12 = value 62, 13 = value
/// 63. [`translate`] computes `k` from the value.
pub(super) const fn enc_offsets(s: &[u8; 64]) -> [u8; 16] {
    let mut t = [0u8; 16];
    t[0] = s[0];
    t[1] = s[26].wrapping_sub(26);
    let mut k = 2;
    while k < 12 {
        t[k] = s[52].wrapping_sub(52);
        k += 1;
    }
    t[12] = s[62].wrapping_sub(62);
    t[13] = s[63].wrapping_sub(63);
    t
}

/// The decode tables for one alphabet.
pub(super) struct DecLuts {
    /// Bit of the high nibble's row class: one bit per distinct row of the
    /// 16x16 (high x low nibble) table of symbols, none for rows without any.
    pub(super) hi: [u8; 16],
    /// Bits of the row classes in which this low nibble is a symbol, plus tag
    /// bits (in no class) that tell apart symbols of one row whose offsets
    /// differ. `hi[c >> 4] & lo[c & 15] != 0` iff `c` is a symbol.
    pub(super) lo: [u8; 16],
    /// Offset from symbol to value, indexed by `(c >> 4) + lo[c & 15]`
    /// (`pshufb` reads the low 4 bits of the sum).
    pub(super) roll: [u8; 16],
}

/// Builds [`DecLuts`] from the symbols, the bit of each row class (in order
/// of their first row) and one `(low nibble, tag bits)`. Every check is a
/// compile-time assertion: a bad choice of bits does not build.
///
/// The index `(c >> 4) + lo[c & 15]` needs no compare for the rows that hold
/// symbols of two runs (the nibble-lookup method spends a `pcmpeqb` and a
/// `paddb` on `/` there): class bits at 0x10..0x40 do not reach the 4 index
/// bits, and the bits below 0x10 (a class bit or a tag) move the index of the
/// low nibbles that carry them to a free entry. The sum stays below 0x80 for
/// every symbol, so `pshufb` never reads it as "zero this byte".
const fn dec_luts(s: &[u8; 64], class_bits: &[u8], tag: (usize, u8)) -> DecLuts {
    // rows[h]: bit l set iff the byte h << 4 | l is a symbol.
    let mut rows = [0u16; 16];
    let mut v = 0;
    while v < 64 {
        rows[(s[v] >> 4) as usize] |= 1 << (s[v] & 15);
        v += 1;
    }
    let mut classes = [0u16; 8];
    let mut n = 0;
    let mut hi = [0u8; 16];
    let mut h = 0;
    while h < 16 {
        if rows[h] != 0 {
            let mut j = 0;
            while j < n && classes[j] != rows[h] {
                j += 1;
            }
            if j == n {
                assert!(n < class_bits.len(), "a row class without a bit");
                classes[n] = rows[h];
                n += 1;
            }
            hi[h] = class_bits[j];
        }
        h += 1;
    }
    assert!(n == class_bits.len(), "a bit without a row class");
    let mut lo = [0u8; 16];
    let mut all = 0u8;
    let mut j = 0;
    while j < n {
        assert!(class_bits[j].count_ones() == 1 && all & class_bits[j] == 0);
        all |= class_bits[j];
        let mut l = 0;
        while l < 16 {
            if classes[j] & (1 << l) != 0 {
                lo[l] |= class_bits[j];
            }
            l += 1;
        }
        j += 1;
    }
    assert!(all & tag.1 == 0, "a tag bit is a class bit");
    lo[tag.0] |= tag.1;
    let mut roll = [0u8; 16];
    let mut set = [false; 16];
    let mut v = 0;
    while v < 64 {
        let c = s[v];
        let index = (c >> 4) + lo[(c & 15) as usize];
        assert!(index < 0x80, "an index with bit 7 set");
        let i = (index & 15) as usize;
        let off = (v as u8).wrapping_sub(c);
        assert!(!set[i] || roll[i] == off, "two offsets at one index");
        roll[i] = off;
        set[i] = true;
        v += 1;
    }
    DecLuts { hi, lo, roll }
}

pub(super) const ENC_STANDARD: [u8; 16] = enc_offsets(STANDARD_SYMBOLS);
pub(super) const ENC_URL_SAFE: [u8; 16] = enc_offsets(URL_SAFE_SYMBOLS);
/// Row classes `+/` (2), `0-9` (3), `A-O a-o` (4, 6), `P-Z p-z` (5, 7). Row 2
/// holds `+` (offset 19) and `/` (16), one class: the tag 0x01 on low nibble F
/// moves `/` to index 2 + 0x08 + 0x01 = 11, `+` being at 2 + 0x08 = 10.
pub(super) const DEC_STANDARD: DecLuts =
    dec_luts(STANDARD_SYMBOLS, &[0x08, 0x10, 0x20, 0x40], (0xF, 0x01));
/// Row classes `-` (2), `0-9` (3), `A-O a-o` (4, 6), `P-Z _` (5), `p-z` (7).
/// Row 5 holds `P-Z` (offset -65) and `_` (-32): the tag 0x04 on low nibble F
/// moves `_` to index 5 + 0x08 + 0x04 + 0x20 = 1 (mod 16), `P-Z` being at 13.
pub(super) const DEC_URL_SAFE: DecLuts = dec_luts(
    URL_SAFE_SYMBOLS,
    &[0x01, 0x10, 0x20, 0x08, 0x40],
    (0xF, 0x04),
);
