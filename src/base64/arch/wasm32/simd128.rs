//! wasm32 simd128 kernels, 16 bytes per vector.
//!
//! The technique is Muła & Lemire's SSSE3 method ("Faster Base64 Encoding and
//! Decoding using AVX2 Instructions", the 128-bit variant, as in aklomp/base64),
//! rewritten for the wasm instruction set:
//!
//! - encode: a byte shuffle spreads 12 input bytes over 16 lanes, two masked
//!   16-bit multiplies cut out the four 6-bit fields (wasm has no `pmulhuw`:
//!   a low multiply left-aligns one field and a uniform shift replaces the
//!   high multiply), and a 16-entry offset table (`i8x16.swizzle`) turns
//!   values into ASCII;
//! - decode: two nibble tables classify every byte (the "bitmask" variant of
//!   the validation), a table indexed by the high nibble gives the offset that
//!   turns ASCII into values, and 16-bit shifts plus `i32x4.dot_i16x8_s` (the
//!   wasm `pmaddwd`) pack four 6-bit values into three bytes.
//!
//! `i8x16.swizzle` differs from `pshufb`: it returns 0 for every index of 16
//! or more (`pshufb` looks at the high bit only). Every variable index used
//! here is below 16 by construction (a nibble, or at most 13), so both agree.
//!
//! The tables are computed at compile time from the alphabet, so both
//! alphabets run the same code with different constants.

use core::arch::wasm32::*;

use crate::base64::arch::Kernels;
use crate::base64::tables::{STANDARD_SYMBOLS, URL_SAFE_SYMBOLS};
use crate::base64::Alphabet;

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
///
/// 12 bytes -> 16 symbols per vector; every store is exactly the 16 symbols
/// of one block, so no store passes `written`.
#[target_feature(enable = "simd128")]
pub(crate) fn encode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let lut = luts(alphabet).encode;
    let mut r = 0;
    let mut w = 0;
    // Four blocks per round: 48 bytes -> 64 symbols. Each block is a 16-byte
    // load of which the shuffle uses the first 12, so a round reads
    // input[r..r + 52].
    while input.len() - r >= 52 && output.len() - w >= 64 {
        // SAFETY: r + 52 <= input.len() (loop condition): the four 16-byte
        // loads start at r, r + 12, r + 24, r + 36 and end by r + 52.
        let (b0, b1, b2, b3) = unsafe {
            let p = input.as_ptr().add(r);
            (
                v128_load(p.cast()),
                v128_load(p.add(12).cast()),
                v128_load(p.add(24).cast()),
                v128_load(p.add(36).cast()),
            )
        };
        let (s0, s1, s2, s3) = (
            encode_block(b0, lut),
            encode_block(b1, lut),
            encode_block(b2, lut),
            encode_block(b3, lut),
        );
        // SAFETY: w + 64 <= output.len() (loop condition): four 16-byte
        // stores at w, w + 16, w + 32, w + 48.
        unsafe {
            let q = output.as_mut_ptr().add(w);
            v128_store(q.cast(), s0);
            v128_store(q.add(16).cast(), s1);
            v128_store(q.add(32).cast(), s2);
            v128_store(q.add(48).cast(), s3);
        }
        r += 48;
        w += 64;
    }
    // The last blocks, one at a time, with exact 12-byte loads (this also
    // takes the short inputs: 12..=51 bytes run only this loop).
    while let (Some(src), Some(dst)) = (input.get(r..r + 12), output.get_mut(w..w + 16)) {
        let block = load12(src.try_into().unwrap());
        let symbols = encode_block(block, lut);
        // SAFETY: `dst` is exactly 16 bytes long (`get_mut(w..w + 16)`).
        unsafe { v128_store(dst.as_mut_ptr().cast(), symbols) };
        r += 12;
        w += 16;
    }
    (r, w)
}

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
///
/// 16 symbols -> 12 bytes per vector. A block is stored only after it is
/// checked, and the store that ends the prefix is exactly 12 bytes long, so
/// nothing past `written` is touched.
#[target_feature(enable = "simd128")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let luts = luts(alphabet);
    let mut r = 0;
    let mut w = 0;
    // Four blocks per round: 64 symbols -> 48 bytes, checked together before
    // anything is stored. A round with an unusual byte falls through to the
    // block-at-a-time loop, which stops exactly before the block holding it.
    while input.len() - r >= 64 && output.len() - w >= 48 {
        // SAFETY: r + 64 <= input.len() (loop condition): four 16-byte loads
        // at r, r + 16, r + 32, r + 48.
        let (v0, v1, v2, v3) = unsafe {
            let p = input.as_ptr().add(r);
            (
                v128_load(p.cast()),
                v128_load(p.add(16).cast()),
                v128_load(p.add(32).cast()),
                v128_load(p.add(48).cast()),
            )
        };
        let (d0, e0) = decode_block(v0, &luts);
        let (d1, e1) = decode_block(v1, &luts);
        let (d2, e2) = decode_block(v2, &luts);
        let (d3, e3) = decode_block(v3, &luts);
        if v128_any_true(v128_or(v128_or(e0, e1), v128_or(e2, e3))) {
            break;
        }
        // Each 16-byte store holds 12 decoded bytes and 4 bytes of garbage
        // that the next block's store overwrites; the last block stores
        // exactly 12 bytes, ending the round at w + 48.
        // SAFETY: w + 48 <= output.len() (loop condition): 16-byte stores at
        // w, w + 12, w + 24 end by w + 40, and the 8 + 4 byte stores of the
        // last block cover w + 36 .. w + 48.
        unsafe {
            let q = output.as_mut_ptr().add(w);
            v128_store(q.cast(), d0);
            v128_store(q.add(12).cast(), d1);
            v128_store(q.add(24).cast(), d2);
            v128_store64_lane::<0>(d3, q.add(36).cast());
            v128_store32_lane::<2>(d3, q.add(44).cast());
        }
        r += 64;
        w += 48;
    }
    while let (Some(src), Some(dst)) = (input.get(r..r + 16), output.get_mut(w..w + 12)) {
        // SAFETY: `src` is exactly 16 bytes long (`get(r..r + 16)`).
        let v = unsafe { v128_load(src.as_ptr().cast()) };
        let (bytes, error) = decode_block(v, &luts);
        if v128_any_true(error) {
            break;
        }
        store12(bytes, dst.try_into().unwrap());
        r += 16;
        w += 12;
    }
    (r, w)
}

/// Loads exactly 12 bytes into lanes 0..12 (lanes 12..16 are zero).
#[inline]
#[target_feature(enable = "simd128")]
fn load12(src: &[u8; 12]) -> v128 {
    let lo = u64::from_le_bytes([
        src[0], src[1], src[2], src[3], src[4], src[5], src[6], src[7],
    ]);
    let hi = u32::from_le_bytes([src[8], src[9], src[10], src[11]]);
    u64x2(lo, u64::from(hi))
}

/// Stores lanes 0..12 of `v`, exactly 12 bytes.
#[inline]
#[target_feature(enable = "simd128")]
fn store12(v: v128, dst: &mut [u8; 12]) {
    dst[..8].copy_from_slice(&u64x2_extract_lane::<0>(v).to_le_bytes());
    dst[8..].copy_from_slice(&u32x4_extract_lane::<2>(v).to_le_bytes());
}

/// 12 input bytes (lanes 0..12) -> 16 ASCII symbols.
#[inline]
#[target_feature(enable = "simd128")]
fn encode_block(v: v128, lut: v128) -> v128 {
    translate(split(v), lut)
}

/// Cuts 12 bytes into 16 six-bit values, one per byte.
///
/// With one group of three bytes `aaaaaabb bbbbcccc ccdddddd` = `s0 s1 s2`,
/// the shuffle builds the 32-bit lane `[s1, s0, s2, s1]` (Muła's reshuffle),
/// i.e. two little-endian 16-bit halves:
///
/// ```text
/// low  = s0:s1 = aaaaaabb bbbbcccc     a at 15..10, b at 9..4
/// high = s1:s2 = bbbbcccc ccdddddd     c at 11..6,  d at 5..0
/// ```
///
/// Then Muła's two masked multiplies, with wasm's missing `pmulhuw` replaced
/// by a low multiply that left-aligns `c` and one uniform shift:
///
/// ```text
/// t0 = x & 0x0fc0fc00:  aaaaaa00 00000000 | 0000cccc cc000000
/// t0 * (65, 16):        aaaaaa00 00000000 | cccccc00 00000000
///   >> 10:              00000000 00aaaaaa | 00000000 00cccccc   -> bytes 0, 2
/// t1 = x & 0x003f03f0:  000000bb bbbb0000 | 00000000 00dddddd
/// t1 * (0x1010, 256):   00bbbbbb 00000000 | 00dddddd 00000000   -> bytes 1, 3
/// ```
///
/// The multipliers 65 and 0x1010 act as 1 and 16: the extra `t0 * 64` and
/// `t1 * 4096` only set bits above 15, which the 16-bit product drops. They
/// keep every multiplier from being a power of two: LLVM rewrites a multiply
/// by powers of two into a per-lane shift, which wasm lacks, and then splits
/// the vector into scalar shifts.
#[inline]
#[target_feature(enable = "simd128")]
fn split(v: v128) -> v128 {
    let x = i8x16_shuffle::<1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10>(v, v);
    let t0 = v128_and(x, u32x4_splat(0x0fc0_fc00));
    let ac = u16x8_shr(i16x8_mul(t0, u32x4_splat(0x0010_0041)), 10);
    let t1 = v128_and(x, u32x4_splat(0x003f_03f0));
    let bd = i16x8_mul(t1, u32x4_splat(0x0100_1010));
    v128_or(ac, bd)
}

/// Turns 16 six-bit values into ASCII: `value + lut[class]`, Muła's
/// "single pshufb" translation. The class of a value is
///
/// ```text
/// 0..=25  -> 13          ('A'..: offset 'A')
/// 26..=51 -> 0           ('a'..: offset 'a' - 26)
/// 52..=63 -> value - 51  (1..=10 digits: '0' - 52; 11, 12: the two last symbols)
/// ```
///
/// computed as `saturating_sub(value, 51) | (value < 26 ? 13 : 0)`; it is at
/// most 13, so the swizzle never sees an index of 16 or more.
#[inline]
#[target_feature(enable = "simd128")]
fn translate(values: v128, lut: v128) -> v128 {
    let above_51 = u8x16_sub_sat(values, u8x16_splat(51));
    let below_26 = i8x16_gt(i8x16_splat(26), values);
    let class = v128_or(above_51, v128_and(below_26, u8x16_splat(13)));
    i8x16_add(values, i8x16_swizzle(lut, class))
}

/// 16 ASCII bytes -> (12 decoded bytes in lanes 0..12, error mask). The error
/// mask is non-zero in the lane of every byte outside the alphabet; the bytes
/// are garbage when it is.
///
/// Classification, Muła & Lemire's bitmask variant: every high nibble `h`
/// belongs to a class (a bit), `HI[h]` holds that bit and `LO[l]` holds the
/// bits of the classes in which low nibble `l` is *not* a symbol, so
/// `LO[l] & HI[h] == 0` exactly for alphabet bytes.
///
/// Translation: within one high-nibble row all symbols but the alphabet's
/// last (`/` or `_`) have the same offset `value - byte`, so the offset comes
/// from a table indexed by the high nibble; the last symbol is sent to index 0
/// (no symbol has high nibble 0).
#[inline]
#[target_feature(enable = "simd128")]
fn decode_block(v: v128, luts: &Luts) -> (v128, v128) {
    // A 16-bit shift and a mask rather than `u8x16_shr`: x86 has no byte
    // shift, and V8's emulation of it costs more than these two.
    let hi = v128_and(u16x8_shr(v, 4), u8x16_splat(0x0f));
    let lo = v128_and(v, u8x16_splat(0x0f));
    let error = v128_and(
        i8x16_swizzle(luts.decode_lo, lo),
        i8x16_swizzle(luts.decode_hi, hi),
    );
    let row = v128_andnot(hi, i8x16_eq(v, luts.last_symbol));
    let values = i8x16_add(v, i8x16_swizzle(luts.decode_offsets, row));
    (pack(values), error)
}

/// Packs 16 six-bit values (four per 32-bit lane, `[a, b, c, d]` in memory
/// order) into 12 bytes.
///
/// ```text
/// 16-bit halves:   00bbbbbb 00aaaaaa | 00dddddd 00cccccc
/// a << 6 | b:      0000aaaa aabbbbbb | 0000cccc ccdddddd      (shifts, or)
/// dot (4096, 1):   00000000 aaaaaabb bbbbcccc ccdddddd       (i32x4.dot_i16x8_s)
/// shuffle:         bytes 2, 1, 0 of each lane -> lanes 0..12
/// ```
#[inline]
#[target_feature(enable = "simd128")]
fn pack(values: v128) -> v128 {
    let a = u16x8_shr(i16x8_shl(values, 8), 2);
    let b = u16x8_shr(values, 8);
    let ab_cd = v128_or(a, b);
    let word = i32x4_dot_i16x8(ab_cd, u32x4_splat(0x0001_1000));
    i8x16_shuffle::<2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 3, 7, 11, 15>(word, word)
}

/// The per-alphabet constants.
struct Luts {
    /// `translate`'s offsets by class.
    encode: v128,
    /// Classification tables by low and high nibble.
    decode_lo: v128,
    decode_hi: v128,
    /// `value - byte` by high nibble; index 0 is the last symbol's.
    decode_offsets: v128,
    /// The alphabet's last symbol in every lane.
    last_symbol: v128,
}

#[inline(always)]
fn luts(alphabet: Alphabet) -> Luts {
    match alphabet {
        Alphabet::Standard => STANDARD_LUTS,
        Alphabet::UrlSafe => URL_SAFE_LUTS,
    }
}

const STANDARD_LUTS: Luts = make_luts(STANDARD_SYMBOLS);
const URL_SAFE_LUTS: Luts = make_luts(URL_SAFE_SYMBOLS);

const fn make_luts(symbols: &[u8; 64]) -> Luts {
    let (lo, hi) = classes(symbols);
    Luts {
        encode: to_v128(encode_offsets(symbols)),
        decode_lo: to_v128(lo),
        decode_hi: to_v128(hi),
        decode_offsets: to_v128(decode_offsets(symbols)),
        last_symbol: to_v128([symbols[63]; 16]),
    }
}

const fn to_v128(t: [u8; 16]) -> v128 {
    u8x16(
        t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13],
        t[14], t[15],
    )
}

/// `translate`'s table: `symbol - value` by class (see `translate`). For
/// `+/`: `[71, -4 x 10, -19, -16, 65, 0, 0]`. Fails to compile if an
/// alphabet's classes do not share offsets.
const fn encode_offsets(symbols: &[u8; 64]) -> [u8; 16] {
    let mut table = [0u8; 16];
    let mut set = [false; 16];
    let mut v = 0;
    while v < 64 {
        let class = if v < 26 {
            13
        } else if v < 52 {
            0
        } else {
            v - 51
        };
        let offset = symbols[v].wrapping_sub(v as u8);
        assert!(
            !set[class] || table[class] == offset,
            "class without one offset"
        );
        table[class] = offset;
        set[class] = true;
        v += 1;
    }
    table
}

/// The classification tables `(LO, HI)` of `decode_block`. High nibbles with
/// the same set of valid low nibbles share a class (for `+/`: 0,1,8..15 (none),
/// 2, 3, 4 and 6, 5 and 7: five classes); at most 8 fit in a byte.
const fn classes(symbols: &[u8; 64]) -> ([u8; 16], [u8; 16]) {
    // valid[h]: bit l set iff byte (h << 4 | l) is a symbol.
    let mut valid = [0u16; 16];
    let mut i = 0;
    while i < 64 {
        valid[(symbols[i] >> 4) as usize] |= 1 << (symbols[i] & 0x0f);
        i += 1;
    }
    let mut class_sets = [0u16; 8];
    let mut n = 0;
    let mut lo = [0u8; 16];
    let mut hi = [0u8; 16];
    let mut h = 0;
    while h < 16 {
        let mut c = 0;
        while c < n && class_sets[c] != valid[h] {
            c += 1;
        }
        if c == n {
            assert!(n < 8, "more than 8 nibble classes");
            class_sets[n] = valid[h];
            n += 1;
        }
        hi[h] = 1 << c;
        h += 1;
    }
    let mut l = 0;
    while l < 16 {
        let mut c = 0;
        while c < n {
            if class_sets[c] & (1 << l) == 0 {
                lo[l] |= 1 << c;
            }
            c += 1;
        }
        l += 1;
    }
    (lo, hi)
}

/// `decode_block`'s offsets `value - byte` by high nibble, the last symbol at
/// index 0. For `+/`: `[16, 0, 19, 4, -65, -65, -71, -71, 0...]`. Fails to
/// compile if a row does not share one offset.
const fn decode_offsets(symbols: &[u8; 64]) -> [u8; 16] {
    let mut table = [0u8; 16];
    let mut set = [false; 16];
    table[0] = 63u8.wrapping_sub(symbols[63]);
    set[0] = true;
    let mut v = 0;
    while v < 63 {
        let row = (symbols[v] >> 4) as usize;
        assert!(row != 0, "a symbol with high nibble 0");
        let offset = (v as u8).wrapping_sub(symbols[v]);
        assert!(!set[row] || table[row] == offset, "row without one offset");
        table[row] = offset;
        set[row] = true;
        v += 1;
    }
    table
}

/// The simd128 backend's kernels.
pub(crate) static KERNELS: Kernels = Kernels {
    encode_prefix: Some(encode_prefix),
    decode_prefix: Some(decode_prefix),
    decode_prefix_skip_ws: None,
    ..Kernels::NONE
};

#[cfg(test)]
mod tests {
    use crate::base64::arch::prefix_tests::{self, PrefixKernels};
    use crate::base64::{Alphabet, Backend};

    const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];

    // The whole-block kernels, by the tests shared with SSSE3, AVX2 and
    // NEON: every whole block of 12 bytes (16 symbols) that fits, and
    // decoding, that comes before the first non-symbol.
    const PREFIX: PrefixKernels = PrefixKernels {
        backend: Backend::Simd128,
        encode_prefix: super::encode_prefix,
        decode_prefix: super::decode_prefix,
        expected_encode: |len, out_len| (len / 12).min(out_len / 16) * 12,
        expected_decode: |_, stop, out_len| (stop / 16).min(out_len / 12) * 16,
        dec_block: 16,
        dec_round: 64,
    };

    prefix_tests::prefix_kernel_tests!(PREFIX);

    #[test]
    fn simd128_is_detected() {
        assert!(Backend::Simd128.is_available());
        assert_eq!(Backend::detect(), Backend::Simd128);
    }

    #[test]
    fn tables_match_the_documented_ones() {
        use super::{classes, decode_offsets, encode_offsets};
        use crate::base64::tables::STANDARD_SYMBOLS;
        let m = |x: i8| x as u8;
        let enc_std = encode_offsets(STANDARD_SYMBOLS);
        let mut want = [m(-4); 16];
        want[0] = 71;
        want[11] = m(-19);
        want[12] = m(-16);
        want[13] = 65;
        want[14] = 0;
        want[15] = 0;
        assert_eq!(enc_std, want);
        let dec_std = decode_offsets(STANDARD_SYMBOLS);
        let want = [
            16,
            0,
            19,
            4,
            m(-65),
            m(-65),
            m(-71),
            m(-71),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ];
        assert_eq!(dec_std, want);
        // Every byte is classified exactly.
        for alphabet in ALPHABETS {
            let (lo, hi) = classes(alphabet.symbols());
            for b in 0..=255u8 {
                let valid = alphabet.symbols().contains(&b);
                let flagged = lo[usize::from(b & 15)] & hi[usize::from(b >> 4)] != 0;
                assert_eq!(valid, !flagged, "{alphabet:?} byte {b:#04x}");
            }
        }
    }
}
