//! Clean decode: 64 symbols to 48 bytes per register (translate with
//! `vpermi2b`, check, pack with `vpmaddubsw` + `vpmaddwd`, compact with
//! `vpermb`), and the small-input decoder ([`decode_small`]).

use core::arch::x86_64::*;

use super::{load128, load64, low_mask, permute, Table128, Table64, INVALID, MASK48};
use crate::base64::Alphabet;

/// Decode: after packing, group `g` sits in 32-bit lane `g` as
/// `00000000 aaaaaabb bbbbcccc ccdddddd` (little-endian: bytes 2, 1, 0 are the
/// output bytes 0, 1, 2). This index gathers the 48 output bytes to the front.
pub(super) const DEC_COMPACT: Table64 = {
    let mut t = [0u8; 64];
    let mut g = 0;
    while g < 16 {
        let mut j = 0;
        while j < 3 {
            t[3 * g + j] = (4 * g + 2 - j) as u8;
            j += 1;
        }
        g += 1;
    }
    Table64(t)
};

/// 7-bit decode table: entry `c` is the 6-bit value of symbol `c`, or
/// [`INVALID`]. `vpermi2b` indexes it with the low 7 bits of each input byte;
/// bytes `>= 0x80` are caught separately (their own high bit).
const fn dec_table(symbols: &[u8; 64]) -> Table128 {
    let mut t = [INVALID; 128];
    let mut v = 0;
    while v < 64 {
        t[symbols[v] as usize] = v as u8;
        v += 1;
    }
    Table128(t)
}

static DEC_STANDARD: Table128 = dec_table(crate::base64::tables::STANDARD_SYMBOLS);
static DEC_URL_SAFE: Table128 = dec_table(crate::base64::tables::URL_SAFE_SYMBOLS);

/// Registers the decoders keep for a whole call.
#[derive(Clone, Copy)]
pub(super) struct DecRegs {
    /// The decode table, entries 0..64 and 64..128.
    pub(super) lo: __m512i,
    pub(super) hi: __m512i,
    pub(super) compact: __m512i,
    /// `vpmaddubsw` weights (64, 1) and `vpmaddwd` weights (4096, 1).
    pub(super) madd_bytes: __m512i,
    pub(super) madd_words: __m512i,
}

#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn dec_regs(alphabet: Alphabet) -> DecRegs {
    let (lo, hi) = load128(match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    });
    DecRegs {
        lo,
        hi,
        compact: load64(&DEC_COMPACT),
        madd_bytes: _mm512_set1_epi32(0x0140_0140),
        madd_words: _mm512_set1_epi32(0x0001_1000),
    }
}

/// Translates 64 bytes to their 6-bit values (or [`INVALID`]) with one
/// `vpermi2b` (the low 7 bits of each byte index the 128-entry table).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn translate_symbols(r: &DecRegs, v: __m512i) -> __m512i {
    _mm512_permutex2var_epi8(r.lo, v, r.hi)
}

/// The bytes of a block that are not symbols: the table said [`INVALID`], or
/// the input byte itself is `>= 0x80` (the table only saw its low 7 bits).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn invalid_mask(v: __m512i, t: __m512i) -> u64 {
    _mm512_movepi8_mask(_mm512_or_si512(v, t))
}

/// Packs 16 groups of four 6-bit values into 48 bytes at the front.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn pack(r: &DecRegs, t: __m512i) -> __m512i {
    // bytes 00aaaaaa 00bbbbbb 00cccccc 00dddddd
    //   -> words 0000aaaa aabbbbbb, 0000cccc ccdddddd   (a * 64 + b, c * 64 + d)
    let pairs = _mm512_maddubs_epi16(t, r.madd_bytes);
    //   -> dword 00000000 aaaaaabb bbbbcccc ccdddddd    (ab * 4096 + cd)
    let groups = _mm512_madd_epi16(pairs, r.madd_words);
    // 3 bytes of each dword, big-endian, to the front.
    permute(r.compact, groups)
}

/// Translates, checks and packs one block: `Some(48 bytes at the front)` if
/// all 64 bytes are symbols.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_block(r: &DecRegs, v: __m512i) -> Option<__m512i> {
    let t = translate_symbols(r, v);
    if invalid_mask(v, t) != 0 {
        return None;
    }
    Some(pack(r, t))
}

/// Decodes 2..=128 bytes that the caller has already split into symbols and
/// padding: `symbols` is everything before the final `=`s, whose placement
/// the caller checked. One masked block (two above 64 symbols): translate,
/// check, pack, store. `Some(written)` only if every byte is a symbol, the
/// symbol count is not 1 mod 4, `output` has room, and (with
/// `check_trailing`) the unused low bits of the last symbol are zero;
/// otherwise `None` (having written nothing, or a valid first block's 48
/// bytes), and the general path decides (and reports) what is wrong. This is
/// the small-input path: no loop, no scalar tail.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn decode_small(
    alphabet: Alphabet,
    symbols: &[u8],
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let s = symbols.len();
    let output = crate::base64::arch::small_output(s, SMALL_MAX, output)?;
    let out = output.len();
    let first = |k: usize| u64::MAX >> (64 - k);
    if s <= 64 {
        // SAFETY: the mask enables bytes 0..s, s = symbols.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(first(s), symbols.as_ptr().cast()) };
        return decode_small_reg(alphabet, v, s, out, check_trailing, output);
    }
    // 65..=128 symbols: a whole first block (plain load), then the rest as
    // above. The first block is stored before the second is checked; if
    // that fails the general path decodes from the start again, and on
    // error the output's contents are unspecified anyway.
    // SAFETY: s > 64, so symbols[..64] is in bounds; the mask enables
    // bytes 64..s.
    let (a, b) = unsafe {
        (
            _mm512_loadu_si512(symbols.as_ptr().cast()),
            _mm512_maskz_loadu_epi8(first(s - 64), symbols.as_ptr().add(64).cast()),
        )
    };
    let (lo, hi) = output.split_at_mut(48);
    decode_small_reg(alphabet, a, 64, 48, check_trailing, lo)?;
    decode_small_reg(alphabet, b, s - 64, out - 48, check_trailing, hi).map(|k| k + 48)
}

/// The longest input [`decode_small`] takes: two blocks.
pub(crate) const SMALL_MAX: usize = 128;

/// The body of [`decode_small`]: `s` symbols (2..=64, `s % 4 != 1`) in the
/// low lanes of `v` (the others any value), `out` bytes of room checked.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn decode_small_reg(
    alphabet: Alphabet,
    v: __m512i,
    s: usize,
    out: usize,
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let first = |k: usize| u64::MAX >> (64 - k);
    let regs = dec_regs(alphabet);
    let v = _mm512_maskz_mov_epi8(first(s), v);
    // Lanes past `s` translate to 0 (not INVALID) and so pack as zero bits.
    let t = _mm512_maskz_permutex2var_epi8(first(s), regs.lo, v, regs.hi);
    if invalid_mask(v, t) != 0 {
        return None;
    }
    let p = pack(&regs, t);
    // A partial final group packs its unused bits into byte `out`:
    //   2 symbols aaaaaa bbbbbb       -> bytes aaaaaabb bbbb0000
    //   3 symbols aaaaaa bbbbbb cccccc -> bytes aaaaaabb bbbbcccc cc000000
    // so the trailing bits are zero iff that byte is.
    if check_trailing && !s.is_multiple_of(4) && (_mm512_test_epi8_mask(p, p) >> out) & 1 != 0 {
        return None;
    }
    // SAFETY: the mask enables bytes 0..out, and out <= output.len()
    // (out >= 1 since s >= 2).
    unsafe { _mm512_mask_storeu_epi8(output.as_mut_ptr().cast(), first(out), p) };
    Some(out)
}

/// Decodes whole clean blocks (64 symbols -> 48 bytes) from the start of
/// `input` while at least 64 bytes are left and `output` has room for 48, and
/// stops before the first block holding anything but symbols. Returns
/// `(consumed, written)`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn decode_blocks(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    let (mut r, mut w) = (0, 0);
    // 256 symbols -> 192 bytes per round, checked once before any store. Blocks
    // 0-2 store 64 bytes (the 16 junk bytes are overwritten by the next block);
    // block 3 stores exactly 48.
    while r + 256 <= input.len() && w + 192 <= output.len() {
        // SAFETY: the loads cover r..r+256 <= input.len().
        let (a, b, c, d) = unsafe {
            (
                _mm512_loadu_si512(src.add(r).cast()),
                _mm512_loadu_si512(src.add(r + 64).cast()),
                _mm512_loadu_si512(src.add(r + 128).cast()),
                _mm512_loadu_si512(src.add(r + 192).cast()),
            )
        };
        let (ta, tb, tc, td) = (
            translate_symbols(regs, a),
            translate_symbols(regs, b),
            translate_symbols(regs, c),
            translate_symbols(regs, d),
        );
        let any = _mm512_or_si512(
            _mm512_or_si512(_mm512_or_si512(a, ta), _mm512_or_si512(b, tb)),
            _mm512_or_si512(_mm512_or_si512(c, tc), _mm512_or_si512(d, td)),
        );
        if _mm512_movepi8_mask(any) != 0 {
            break;
        }
        let (a, b, c, d) = (
            pack(regs, ta),
            pack(regs, tb),
            pack(regs, tc),
            pack(regs, td),
        );
        // SAFETY: the stores cover w..w+64, w+48..w+112, w+96..w+160 and
        // (masked) w+144..w+192, all below w + 192 <= output.len().
        unsafe {
            _mm512_storeu_si512(dst.add(w).cast(), a);
            _mm512_storeu_si512(dst.add(w + 48).cast(), b);
            _mm512_storeu_si512(dst.add(w + 96).cast(), c);
            _mm512_mask_storeu_epi8(dst.add(w + 144).cast(), MASK48, d);
        }
        r += 256;
        w += 192;
    }
    while r + 64 <= input.len() && w + 48 <= output.len() {
        // SAFETY: r + 64 <= input.len().
        let v = unsafe { _mm512_loadu_si512(src.add(r).cast()) };
        let Some(out) = decode_block(regs, v) else {
            break;
        };
        // SAFETY: the mask enables w..w+48, and w + 48 <= output.len().
        unsafe { _mm512_mask_storeu_epi8(dst.add(w).cast(), MASK48, out) };
        r += 64;
        w += 48;
    }
    (r, w)
}

/// Decodes the whole groups of the first (at most) 64 bytes of `input` that
/// come before the first byte that is not a symbol, as many as fit in `output`,
/// with masked accesses. Returns `(consumed, written)`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_partial(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 4).min(output.len() / 3).min(16);
    let k = low_mask(4 * groups);
    // SAFETY: the mask enables bytes 0..4*groups <= input.len().
    let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().cast()) };
    let t = translate_symbols(regs, v);
    let bad = invalid_mask(v, t) & k;
    let valid = if bad == 0 {
        4 * groups
    } else {
        bad.trailing_zeros() as usize
    };
    let g = valid / 4;
    // SAFETY: the mask enables bytes 0..3*g, and g <= output.len() / 3.
    unsafe { _mm512_mask_storeu_epi8(output.as_mut_ptr().cast(), low_mask(3 * g), pack(regs, t)) };
    (4 * g, 3 * g)
}

/// Below this many groups the scalar decoder is as fast as the kernel's
/// fixed costs (constants, one masked block): the kernels leave them to it.
pub(super) const MIN_GROUPS: usize = 3;

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
/// It decodes every whole group before the first byte that is not a symbol
/// (as the scalar `decode_prefix` does), as many as fit in `output`, once
/// there are at least [`MIN_GROUPS`].
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 4).min(output.len() / 3);
    if groups < MIN_GROUPS {
        return (0, 0);
    }
    let input = &input[..groups * 4];
    let output = &mut output[..groups * 3];
    let regs = dec_regs(alphabet);
    let (r, w) = decode_blocks(&regs, input, output);
    let (c, o) = decode_partial(&regs, &input[r..], &mut output[w..]);
    (r + c, w + o)
}
