//! Lookup tables, computed at compile time from the two alphabets; or, with
//! `cfg(pixb64_small)` (targets without a SIMD backend, or the `small`
//! feature), no tables: symbols and values computed from the byte ranges,
//! so a microcontroller's flash holds a few instructions, not 12 KiB per
//! alphabet. Both give the same answers (the tests run both ways).

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

/// ASCII whitespace as WHATWG Infra defines it: TAB, LF, FF, CR, SPACE (not
/// VT); the same set as `u8::is_ascii_whitespace`. What
/// [`Base64::with_whitespace_skipped`](super::Base64::with_whitespace_skipped)
/// skips and what a `data:` URI's body is trimmed of: the one definition for
/// the crate (the SIMD kernels' lookup tables encode the same five bytes).
#[inline(always)]
pub(crate) const fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

#[cfg(not(pixb64_small))]
/// Encoding table over 12-bit pairs: entry `n` holds the two symbols of
/// `n = aaaaaa bbbbbb` as a big-endian `u16` (`sym[a] << 8 | sym[b]`), so three
/// input bytes take two lookups instead of four. 8 KiB per alphabet.
pub(crate) struct EncTable {
    pub(crate) pairs: [u16; 4096],
    pub(crate) symbols: [u8; 64],
}

#[cfg(not(pixb64_small))]
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

#[cfg(not(pixb64_small))]
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

#[cfg(not(pixb64_small))]
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

#[cfg(not(pixb64_small))]
static ENC_STANDARD: EncTable = enc_table(STANDARD_SYMBOLS);
#[cfg(not(pixb64_small))]
static ENC_URL_SAFE: EncTable = enc_table(URL_SAFE_SYMBOLS);
#[cfg(not(pixb64_small))]
static DEC_STANDARD: DecTable = dec_table(STANDARD_SYMBOLS);
#[cfg(not(pixb64_small))]
static DEC_URL_SAFE: DecTable = dec_table(URL_SAFE_SYMBOLS);

/// The small form of both tables: only the alphabet's last two symbols,
/// the rest are the ranges `A-Z`, `a-z`, `0-9` of every alphabet.
#[cfg(pixb64_small)]
pub(crate) struct Small {
    s62: u8,
    s63: u8,
}
#[cfg(pixb64_small)]
pub(crate) type EncTable = Small;
#[cfg(pixb64_small)]
pub(crate) type DecTable = Small;
#[cfg(pixb64_small)]
static SMALL_STANDARD: Small = Small {
    s62: STANDARD_SYMBOLS[62],
    s63: STANDARD_SYMBOLS[63],
};
#[cfg(pixb64_small)]
static SMALL_URL_SAFE: Small = Small {
    s62: URL_SAFE_SYMBOLS[62],
    s63: URL_SAFE_SYMBOLS[63],
};

#[cfg(pixb64_small)]
pub(crate) fn enc(alphabet: Alphabet) -> &'static EncTable {
    dec(alphabet)
}

#[cfg(pixb64_small)]
pub(crate) fn dec(alphabet: Alphabet) -> &'static DecTable {
    match alphabet {
        Alphabet::Standard => &SMALL_STANDARD,
        Alphabet::UrlSafe => &SMALL_URL_SAFE,
    }
}

#[cfg(pixb64_small)]
impl Small {
    /// The symbol of the 6-bit value `v`.
    #[inline]
    pub(crate) fn symbol(&self, v: usize) -> u8 {
        let v = (v & 63) as u8;
        match v {
            0..=25 => b'A' + v,
            26..=51 => b'a' + (v - 26),
            52..=61 => b'0' + (v - 52),
            62 => self.s62,
            _ => self.s63,
        }
    }

    /// The two symbols of the 12-bit value `n`, as a big-endian `u16`.
    #[inline]
    pub(crate) fn pair(&self, n: usize) -> u16 {
        (u16::from(self.symbol(n >> 6)) << 8) | u16::from(self.symbol(n))
    }

    /// The 6-bit value of `c`, or [`INVALID`] when `c` is not a symbol.
    #[inline]
    pub(crate) fn value(&self, c: u8) -> u32 {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            _ if c == self.s62 => 62,
            _ if c == self.s63 => 63,
            _ => return INVALID,
        };
        u32::from(v)
    }

    /// `value(c)` moved to its place `k` (0..4) in a 24-bit group, or
    /// [`INVALID`].
    #[inline]
    pub(crate) fn shifted(&self, k: usize, c: u8) -> u32 {
        let v = self.value(c);
        if v == INVALID {
            INVALID
        } else {
            v << (18 - 6 * k)
        }
    }

    /// Decodes four symbols to `00000000 aaaaaabb bbbbcccc ccdddddd`; the
    /// top byte is non-zero iff a symbol was invalid.
    #[inline]
    pub(crate) fn group(&self, s: &[u8; 4]) -> u32 {
        let mut g = 0;
        for (k, &c) in s.iter().enumerate() {
            g |= self.shifted(k, c);
        }
        g
    }
}

#[cfg(not(pixb64_small))]
pub(crate) fn enc(alphabet: Alphabet) -> &'static EncTable {
    match alphabet {
        Alphabet::Standard => &ENC_STANDARD,
        Alphabet::UrlSafe => &ENC_URL_SAFE,
    }
}

#[cfg(not(pixb64_small))]
pub(crate) fn dec(alphabet: Alphabet) -> &'static DecTable {
    match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    }
}

#[cfg(not(pixb64_small))]
impl EncTable {
    /// The symbol of the 6-bit value `v`.
    #[inline(always)]
    pub(crate) fn symbol(&self, v: usize) -> u8 {
        self.symbols[v & 63]
    }

    /// The two symbols of the 12-bit value `n`, as a big-endian `u16`.
    #[inline(always)]
    pub(crate) fn pair(&self, n: usize) -> u16 {
        self.pairs[n & 0xFFF]
    }
}

#[cfg(not(pixb64_small))]
impl DecTable {
    /// `value(c)` moved to its place `k` (0..4) in a 24-bit group, or
    /// [`INVALID`].
    #[inline(always)]
    pub(crate) fn shifted(&self, k: usize, c: u8) -> u32 {
        self.shifted[k][usize::from(c)]
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Both forms of the tables (big by default on this host, small with
    /// `--features small`) against the alphabets themselves, on every byte.
    #[test]
    fn tables_match_the_alphabets() {
        for a in [Alphabet::Standard, Alphabet::UrlSafe] {
            let (e, d, syms) = (enc(a), dec(a), a.symbols());
            for v in 0..64 {
                assert_eq!(e.symbol(v), syms[v], "{a:?} symbol {v}");
                for w in 0..64 {
                    let pair = (u16::from(syms[v]) << 8) | u16::from(syms[w]);
                    assert_eq!(e.pair(v << 6 | w), pair);
                }
            }
            for c in 0..=255u8 {
                let want = syms.iter().position(|&s| s == c);
                let got = d.value(c);
                match want {
                    Some(v) => assert_eq!(got, v as u32, "{a:?} value of {c}"),
                    None => assert!(got >= 64, "{a:?} value of {c}: {got}"),
                }
                for k in 0..4 {
                    let s = d.shifted(k, c);
                    match want {
                        Some(v) => assert_eq!(s, (v as u32) << (18 - 6 * k)),
                        None => assert_ne!(s >> 24, 0),
                    }
                }
                let group = d.group(&[c, b'A', syms[63], c]);
                assert_eq!(group >> 24 != 0, want.is_none(), "{a:?} group with {c}");
            }
        }
    }

    #[test]
    fn whitespace_is_core_ascii_whitespace() {
        for c in 0..=255u8 {
            assert_eq!(is_ascii_whitespace(c), c.is_ascii_whitespace(), "{c:#04x}");
        }
        assert!(!is_ascii_whitespace(0x0B), "VT is not Infra whitespace");
    }
}
