//! Lookup tables, computed at compile time from the two alphabets.

use super::Alphabet;

/// RFC 4648 §4.
pub(crate) const STANDARD_SYMBOLS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// RFC 4648 §5 (URL and filename safe).
pub(crate) const URL_SAFE_SYMBOLS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte outside the alphabet in the decode tables. Every valid entry
/// fits in 24 bits (`v << 18` with `v < 64`), so OR-ing the four entries of a
/// group leaves a non-zero top byte iff one of them was invalid.
pub(crate) const INVALID: u32 = 0xFFFF_FFFF;

/// Encoding table over 12-bit pairs: entry `n` holds the two symbols of
/// `n = aaaaaa bbbbbb` as a big-endian `u16` (`sym[a] << 8 | sym[b]`), so three
/// input bytes take two lookups instead of four. 8 KiB per alphabet.
pub(crate) struct EncTable {
    pub(crate) pairs: [u16; 4096],
    pub(crate) symbols: [u8; 64],
}

/// Decoding tables: `shifted[k][c]` is the 6-bit value of byte `c` already
/// moved to its place in a 24-bit group (`v << 18`, `v << 12`, `v << 6`, `v`),
/// or [`INVALID`]. A group of four symbols decodes with four loads and three ORs:
/// ```text
/// shifted[0][a] | shifted[1][b] | shifted[2][c] | shifted[3][d]
///   = 00000000 aaaaaabb bbbbcccc ccdddddd     (or 0xFF in the top byte: invalid)
/// ```
/// 4 KiB per alphabet.
pub(crate) struct DecTable {
    pub(crate) shifted: [[u32; 256]; 4],
}

const fn enc_table(symbols: &[u8; 64]) -> EncTable {
    let mut pairs = [0u16; 4096];
    let mut n = 0;
    while n < 4096 {
        pairs[n] = ((symbols[n >> 6] as u16) << 8) | symbols[n & 63] as u16;
        n += 1;
    }
    EncTable {
        pairs,
        symbols: *symbols,
    }
}

const fn dec_table(symbols: &[u8; 64]) -> DecTable {
    let mut shifted = [[INVALID; 256]; 4];
    let mut v = 0;
    while v < 64 {
        let c = symbols[v] as usize;
        let v32 = v as u32;
        shifted[0][c] = v32 << 18;
        shifted[1][c] = v32 << 12;
        shifted[2][c] = v32 << 6;
        shifted[3][c] = v32;
        v += 1;
    }
    DecTable { shifted }
}

static ENC_STANDARD: EncTable = enc_table(STANDARD_SYMBOLS);
static ENC_URL_SAFE: EncTable = enc_table(URL_SAFE_SYMBOLS);
static DEC_STANDARD: DecTable = dec_table(STANDARD_SYMBOLS);
static DEC_URL_SAFE: DecTable = dec_table(URL_SAFE_SYMBOLS);

pub(crate) fn enc(alphabet: Alphabet) -> &'static EncTable {
    match alphabet {
        Alphabet::Standard => &ENC_STANDARD,
        Alphabet::UrlSafe => &ENC_URL_SAFE,
    }
}

pub(crate) fn dec(alphabet: Alphabet) -> &'static DecTable {
    match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    }
}

impl DecTable {
    /// The 6-bit value of `c`, or a value of 64 or more when `c` is not a symbol.
    #[inline(always)]
    pub(crate) fn value(&self, c: u8) -> u32 {
        self.shifted[3][c as usize]
    }

    /// Decodes four symbols to `00000000 aaaaaabb bbbbcccc ccdddddd`; the top
    /// byte is non-zero iff a symbol was invalid.
    #[inline(always)]
    pub(crate) fn group(&self, s: &[u8; 4]) -> u32 {
        self.shifted[0][s[0] as usize]
            | self.shifted[1][s[1] as usize]
            | self.shifted[2][s[2] as usize]
            | self.shifted[3][s[3] as usize]
    }
}
