//! AVX2 kernels: 24 bytes to 32 symbols and 32 symbols to 24 bytes per
//! 256-bit vector, after Wojciech Muła and Daniel Lemire, "Faster Base64
//! Encoding and Decoding using AVX2 Instructions" (ACM TWEB, 2018).
//!
//! `ssse3.rs` is the same code on 128-bit vectors: diff the two files to see
//! the ISA change. AVX2's byte shuffle works inside each 128-bit lane, so every
//! step here is the SSSE3 step done on two lanes at once; the lanes meet only
//! where an encode block is loaded (12 input bytes to each lane) and where a
//! decode block is stored (12 output bytes from each lane).
//!
//! The loops, the same on both widths but for the names they call, are
//! written once and expanded here: the block loops (`decode_blocks`,
//! `decode_partial`, `encode_blocks`) in `loops.rs`, the line-wrapped decode
//! loop (`decode_lines`) in `lines.rs`. What stays in this file are the
//! primitives at this width.
//!
//! Encode, per 3-byte group (one 32-bit element):
//! 1. reshuffle: `vpshufb` places the group's bytes as `b1 b0 b2 b1`;
//! 2. split: two masks and two 16-bit multiplies (`vpmulhuw`, `vpmullw`) move
//!    the four 6-bit fields into the four bytes;
//! 3. translate: a saturating subtract and a compare give each 6-bit value the
//!    index of its run of the alphabet, and `vpshufb` looks up the offset to
//!    add ("improved pshufb lookup").
//!
//! Decode, per 32 symbols:
//! 1. classify: `vpshufb` looks up a bit set for the high nibble and one for
//!    the low nibble of every byte; their AND is non-zero exactly for the 64
//!    alphabet symbols ("nibble lookup" validation);
//! 2. translate: `vpshufb` looks up the offset from symbol to value at the
//!    index `high nibble + lo[low nibble]`, where the low bits of the
//!    low-nibble bit set move a symbol that needs another offset than the rest
//!    of its nibble row (`/` beside `+`, `_` beside `P-Z`) to a free entry: no
//!    compare against it, unlike the original method;
//! 3. pack: `vpmaddubsw` and `vpmaddwd` join four 6-bit values into 24 bits,
//!    `vpshufb` gathers 12 bytes per lane, and two 16-byte stores 12 bytes
//!    apart join the lanes (cheaper than a `vpermd`, a lane-crossing shuffle
//!    that competes with the byte shuffles for the same ports).
//!
//! A decode block is checked before anything is stored, and stores never pass
//! the block's 24 bytes except where the next block, already checked, writes
//! over the excess.
//!
//! Inputs too short for one more 256-bit block go to the SSSE3 kernel for one
//! 128-bit block, so short inputs (16 to 64 bytes) keep up with it.

use core::arch::x86_64::*;

use super::ssse3::{self, LineTail};
use crate::base64::arch::{self, Kernels};
use crate::base64::Alphabet;

/// One vector.
type V = __m256i;

/// Input bytes and output symbols of one encode block (4 groups per lane).
const ENC_IN: usize = 24;
const ENC_OUT: usize = 32;
/// Input symbols and output bytes of one decode block.
const DEC_IN: usize = 32;
const DEC_OUT: usize = 24;
/// Blocks per round of the main loops.
const UNROLL: usize = 4;

// Tables: see `tables.rs` (shared with the other x86 kernels).
use super::tables::{DecLuts, DEC_STANDARD, DEC_URL_SAFE, ENC_STANDARD, ENC_URL_SAFE};

/// The multipliers of [`split`], one vector each: `0x0400_0040` (for `ac`)
/// and `0x0100_0010` (for `bd`) in every 32-bit element.
#[repr(C, align(32))]
struct SplitMuls([u32; 8], [u32; 8]);
static SPLIT_MULS: SplitMuls = SplitMuls([0x0400_0040; 8], [0x0100_0010; 8]);

/// A 16-byte table in every lane.
#[target_feature(enable = "avx2")]
#[inline]
fn splat(t: &[u8; 16]) -> V {
    // SAFETY: `t` is 16 readable bytes; the load is unaligned.
    let x = unsafe { _mm_loadu_si128(t.as_ptr().cast()) };
    _mm256_broadcastsi128_si256(x)
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
///
/// 24 bytes per block ([`encode_blocks`]). A block's wide load reads 32
/// bytes from 4 before the block to 4 after it (so each lane holds its 12
/// bytes with no lane crossing); the first block, and a last block too close
/// to the end, load exactly their 24 bytes instead. What is left (under 24
/// bytes, or under 32 symbols of room) goes to the SSSE3 kernel, which takes
/// one more 12-byte block.
#[target_feature(enable = "avx2")]
pub(crate) fn encode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let (r, w) = encode_blocks(alphabet, input, output);
    if r == 0 {
        // No 24-byte block (a short input): all of it to SSSE3, a tail call.
        return ssse3::encode_prefix(alphabet, input, output);
    }
    let (r2, w2) = ssse3::encode_prefix(alphabet, &input[r..], &mut output[w..]);
    (r + r2, w + w2)
}

/// The first block [`load_wide`] may take: it reads 4 bytes before its
/// block, so block 0 loads exactly.
const WIDE_FROM: usize = 1;

/// Loads the block at `p` with 4 bytes of slack on each side, so lane 0 holds
/// its bytes 0..12 at positions 4..16 and lane 1 its bytes 12..24 at 0..12:
///
/// ```text
/// memory:  p-4 .. p+28
/// lane 0:  [ -- -- -- -- | 0 1 2 .. 11 ]     lane 1: [ 12 13 .. 23 | -- -- -- -- ]
/// ```
///
/// # Safety
/// `p - 4 .. p + 28` must be readable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn load_wide(p: *const u8) -> V {
    // SAFETY: the caller guarantees p - 4 .. p + 28 is readable.
    unsafe { _mm256_loadu_si256(p.sub(4).cast()) }
}

/// Loads exactly the 24 bytes at `p`, in the layout of [`load_wide`].
///
/// # Safety
/// `p .. p + 24` must be readable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn load_exact(p: *const u8) -> V {
    // SAFETY: the caller guarantees p .. p + 24 is readable; the loads read
    // p .. p + 16 and p + 8 .. p + 24.
    let (a, b) = unsafe { (_mm_loadu_si128(p.cast()), _mm_loadu_si128(p.add(8).cast())) };
    // a = bytes 0..16 moved up 4 (0..12 at 4..16); b = bytes 8..24 moved down 4 (12..24 at 0..12).
    _mm256_set_m128i(_mm_srli_si128::<4>(b), _mm_slli_si128::<4>(a))
}

/// Stores a whole vector at `p`.
///
/// # Safety
/// `p .. p + 32` must be writable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn store(p: *mut u8, v: V) {
    // SAFETY: the caller guarantees p .. p + 32 is writable.
    unsafe { _mm256_storeu_si256(p.cast(), v) }
}

/// 24 bytes (in the layout of [`load_wide`]) to 32 symbols.
#[target_feature(enable = "avx2")]
#[inline]
fn encode_block(v: V, lut: V) -> V {
    translate(split(reshuffle(v)), lut)
}

/// Places each 3-byte group `b0 b1 b2` in a 32-bit element as the bytes
/// `b1 b0 b2 b1` (lane 0 reads from offset 4, lane 1 from offset 0). With
/// `b0 = aaaaaabb`, `b1 = bbbbcccc`, `b2 = ccdddddd`, the element is
///
/// ```text
/// high 16 bits: bbbbcccc ccdddddd    low 16 bits: aaaaaabb bbbbcccc
/// ```
///
/// so every 6-bit field lies whole inside one 16-bit half.
#[target_feature(enable = "avx2")]
#[inline]
fn reshuffle(v: V) -> V {
    #[rustfmt::skip]
    let order = _mm256_setr_epi8(
        5, 4, 6, 5, 8, 7, 9, 8, 11, 10, 12, 11, 14, 13, 15, 14,
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
    );
    _mm256_shuffle_epi8(v, order)
}

/// Moves the four 6-bit fields of each element to its four bytes with
/// Muła's multiply-shift trick (a multiply by 2^k shifts every 16-bit half by
/// its own amount):
///
/// ```text
/// & 0x0FC0_FC00      -> hi: 0000cccc cc000000  lo: aaaaaa00 00000000
/// mulhi * 0x0400_0040 -> hi: 00000000 00cccccc  lo: 00000000 00aaaaaa  (>> 6, >> 10)
/// & 0x003F_03F0      -> hi: 00000000 00dddddd  lo: 000000bb bbbb0000
/// mullo * 0x0100_0010 -> hi: 00dddddd 00000000  lo: 00bbbbbb 00000000  (<< 8, << 4)
/// OR                 -> bytes, low to high: 00aaaaaa 00bbbbbb 00cccccc 00dddddd
/// ```
///
/// The multipliers come from memory through volatile loads, so that LLVM does
/// not see constants. Given a constant power of two, it turns the multiplies
/// into per-lane shifts, which x86 has no instruction for on 16-bit lanes
/// below AVX-512, and emulates them in 3 to 6 instructions each; and given a
/// loop-invariant multiplier, it hoists the zero extension of its generic
/// `mulhi` out of the loop, where instruction selection (one basic block at a
/// time) no longer sees the `pmulhuw` pattern. The loads fold into the
/// multiplies, so each costs nothing beyond the instruction itself.
#[target_feature(enable = "avx2")]
#[inline]
fn split(v: V) -> V {
    // SAFETY: reads of a live static of two vectors, aligned as `V` needs;
    // any bits are a valid `V`.
    let (mul_ac, mul_bd) = unsafe {
        let m = &raw const SPLIT_MULS;
        (
            core::ptr::read_volatile(m.cast::<V>()),
            core::ptr::read_volatile(m.cast::<V>().add(1)),
        )
    };
    let ac = _mm256_and_si256(v, _mm256_set1_epi32(0x0FC0_FC00));
    let ac = _mm256_mulhi_epu16(ac, mul_ac);
    let bd = _mm256_and_si256(v, _mm256_set1_epi32(0x003F_03F0));
    let bd = _mm256_mullo_epi16(bd, mul_bd);
    _mm256_or_si256(ac, bd)
}

/// 6-bit values to symbols: `value + offsets[run(value)]`, where the run index is
///
/// ```text
/// saturating(value - 51)  -> 0 for 0..=51, 1..=12 for 52..=63
///  + 1 if value > 25      -> 0: 0..=25, 1: 26..=51, 2..=13: 52..=63
/// ```
#[target_feature(enable = "avx2")]
#[inline]
fn translate(v: V, lut: V) -> V {
    let run = _mm256_subs_epu8(v, _mm256_set1_epi8(51));
    let above_25 = _mm256_cmpgt_epi8(v, _mm256_set1_epi8(25));
    let run = _mm256_sub_epi8(run, above_25);
    _mm256_add_epi8(v, _mm256_shuffle_epi8(lut, run))
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
///
/// When the 32-symbol blocks run out (rather than meet a non-symbol), what is
/// left (under 32 symbols, or under 24 bytes of room) goes to the SSSE3
/// kernel, which takes one more 16-symbol block.
#[target_feature(enable = "avx2")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    if input.len() < DEC_IN || output.len() < DEC_OUT {
        return ssse3::decode_prefix(alphabet, input, output);
    }
    let t = match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    };
    let (r, w, ran_out) = decode_blocks(t, input, output);
    if !ran_out {
        return (r, w);
    }
    let (r2, w2) = ssse3::decode_prefix(alphabet, &input[r..], &mut output[w..]);
    (r + r2, w + w2)
}

/// For [`decode_partial`]: the first [`DEC_IN`] bytes of `input`, or of a
/// shorter input its whole groups and zeros (by SSSE3's `load_short` a lane
/// at a time).
#[target_feature(enable = "avx2")]
#[inline]
fn load_partial(input: &[u8]) -> V {
    if input.len() >= DEC_IN {
        // SAFETY: input[..DEC_IN] is in bounds.
        unsafe { load(input.as_ptr()) }
    } else if input.len() >= 16 {
        // SAFETY: input[..16] is in bounds.
        let lo = unsafe { _mm_loadu_si128(input.as_ptr().cast()) };
        _mm256_set_m128i(ssse3::load_short(&input[16..]), lo)
    } else {
        _mm256_zextsi128_si256(ssse3::load_short(input))
    }
}

// `decode_prefix_skip_ws`, `LINE_BLOCKS`, `lines_fit`, `decode_lines` and
// `lines_of`: the whitespace-skipping decode and its line-wrapped loop,
// shared with the SSSE3 kernel (see `lines.rs`).
super::lines::line_loops! {
    feature: "avx2",
    zero: _mm256_setzero_si256,
    set1_epi8: _mm256_set1_epi8,
    min_epu8: _mm256_min_epu8,
}

// `decode_blocks`, `decode_partial` and `encode_blocks`: the block loops,
// shared with the SSSE3 kernel (see `loops.rs`).
super::loops::block_loops! {
    feature: "avx2",
    zero: _mm256_setzero_si256,
    set1_epi8: _mm256_set1_epi8,
    min_epu8: _mm256_min_epu8,
}

/// [`DecLuts`] in registers.
struct Luts {
    hi: V,
    lo: V,
    roll: V,
}

impl Luts {
    #[target_feature(enable = "avx2")]
    #[inline]
    fn new(t: &DecLuts) -> Luts {
        Luts {
            hi: splat(&t.hi),
            lo: splat(&t.lo),
            roll: splat(&t.roll),
        }
    }
}

/// Loads 32 symbols.
///
/// # Safety
/// `p .. p + 32` must be readable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn load(p: *const u8) -> V {
    // SAFETY: the caller guarantees p .. p + 32 is readable.
    unsafe { _mm256_loadu_si256(p.cast()) }
}

/// Stores a packed block: lane 0's 16 bytes at `p`, lane 1's 16 at `p + 12`,
/// so the 24 bytes are in place and 4 of garbage follow them.
///
/// # Safety
/// `p .. p + 28` must be writable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn store_packed(p: *mut u8, v: V) {
    // SAFETY: the caller guarantees p .. p + 28 is writable; the stores
    // write p .. p + 16 and p + 12 .. p + 28.
    unsafe {
        _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(v));
        _mm_storeu_si128(p.add(12).cast(), _mm256_extracti128_si256::<1>(v));
    }
}

/// Stores exactly the 24 bytes of a packed block: lane 0's 16 bytes (the last
/// 4 garbage), then lane 1's 12 over that garbage, as 8 and 4.
///
/// # Safety
/// `p .. p + 24` must be writable.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn store_exact(p: *mut u8, v: V) {
    let hi = _mm256_extracti128_si256::<1>(v);
    // SAFETY: the caller guarantees p .. p + 24 is writable; the stores
    // write p .. p + 16, p + 12 .. p + 20 and p + 20 .. p + 24.
    unsafe {
        _mm_storeu_si128(p.cast(), _mm256_castsi256_si128(v));
        _mm_storel_epi64(p.add(12).cast(), hi);
        _mm_storeu_si32(p.add(20), _mm_srli_si128::<8>(hi));
    }
}

/// Whether every byte of `v` is non-zero.
#[target_feature(enable = "avx2")]
#[inline]
fn all_nonzero(v: V) -> bool {
    let zeros = _mm256_cmpeq_epi8(v, _mm256_setzero_si256());
    _mm256_testz_si256(zeros, zeros) == 1
}

/// A bit per byte of `v`, set where the byte is zero.
#[target_feature(enable = "avx2")]
#[inline]
fn zero_bytes(v: V) -> u64 {
    u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256())) as u32)
}

/// Looks up the bit sets of every byte `c`'s nibbles. Returns the roll index
/// `(c >> 4) + lo[c & 15]` (for [`translate_symbols`]) and `hi[c >> 4] &
/// lo[c & 15]`, which is non-zero exactly in the bytes that are symbols. The
/// low-nibble lookup takes `c` itself: `pshufb` reads only the low 4 bits of an
/// index, and gives 0 when bit 7 is set, so bytes from 0x80 come out as
/// non-symbols with no mask.
#[target_feature(enable = "avx2")]
#[inline]
fn classify(v: V, luts: &Luts) -> (V, V) {
    // Shifting 32-bit elements brings the next byte's low bits into bits 4..8
    // of each byte; the mask clears them.
    let hi_nibbles = _mm256_and_si256(_mm256_srli_epi32::<4>(v), _mm256_set1_epi8(0x0F));
    let hi = _mm256_shuffle_epi8(luts.hi, hi_nibbles);
    let lo = _mm256_shuffle_epi8(luts.lo, v);
    (_mm256_add_epi8(hi_nibbles, lo), _mm256_and_si256(hi, lo))
}

/// Symbols (already classified) to 6-bit values: `c + roll[index]`.
#[target_feature(enable = "avx2")]
#[inline]
fn translate_symbols(v: V, index: V, luts: &Luts) -> V {
    _mm256_add_epi8(v, _mm256_shuffle_epi8(luts.roll, index))
}

/// Packs four 6-bit values per 32-bit element into 3 bytes, the 12 bytes of
/// each lane into its low 12 (the stores join the lanes):
///
/// ```text
/// bytes:            00aaaaaa 00bbbbbb 00cccccc 00dddddd
/// maddubs 0x40, 1:  0000aaaa aabbbbbb | 0000cccc ccdddddd   (16-bit halves)
/// madd 0x1000, 1:   00000000 aaaaaabb bbbbcccc ccdddddd     (32-bit, little-endian)
/// pshufb:           bytes 2 1 0 of each element, 12 per lane
/// ```
#[target_feature(enable = "avx2")]
#[inline]
fn pack(v: V) -> V {
    let pairs = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x0140_0140));
    let groups = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x0001_1000));
    #[rustfmt::skip]
    let order = _mm256_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 3, 7, 11, 15,
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 3, 7, 11, 15,
    );
    _mm256_shuffle_epi8(groups, order)
}

/// [`pack`] with the lanes' 12 bytes together at the front (dwords 0-2
/// and 4-6), for [`decode_partial`]'s one store; the loops join them by
/// their two stores instead.
#[target_feature(enable = "avx2")]
#[inline]
fn pack_joined(v: V) -> V {
    _mm256_permutevar8x32_epi32(pack(v), _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7))
}

// Small inputs (the whole encode, a whole short decode): `small.rs`.
mod small;
pub(crate) use small::{decode_small, encode_final, SMALL_MAX};

/// The AVX2 backend's kernels.
pub(crate) static KERNELS: Kernels = Kernels {
    encode_prefix: Some(encode_prefix),
    decode_prefix: Some(decode_prefix),
    decode_prefix_skip_ws: Some(decode_prefix_skip_ws),
    // Not in the small form (`pixb64_small`: flash over speed), whose
    // decode takes the general path anyway.
    encode_final: if cfg!(pixb64_small) {
        None
    } else {
        Some(encode_final)
    },
    decode_small: if cfg!(pixb64_small) {
        None
    } else {
        Some(decode_small)
    },
    small_max: if cfg!(pixb64_small) { 0 } else { SMALL_MAX },
    ..Kernels::NONE
};

#[cfg(test)]
// Without `alloc` the public-API test is off, and its imports with it.
#[cfg_attr(not(feature = "alloc"), allow(unused_imports))]
mod tests {
    const BACKEND: Backend = Backend::Avx2;

    /// What the encode kernel consumes of `len` bytes with room for `out_len`
    /// symbols: every whole block that fits, then one 12-byte SSSE3 block if
    /// it fits in what is left.
    fn expected_encode(len: usize, out_len: usize) -> usize {
        let r = (len / ENC_IN).min(out_len / ENC_OUT) * ENC_IN;
        r + ((len - r) / 12).min((out_len - r / 3 * 4) / 16) * 12
    }

    /// What the decode kernel consumes when the first non-symbol is at `stop`:
    /// every whole block before the one that holds it; and if that leaves no
    /// whole block that fits, one 16-symbol SSSE3 block if it fits and is
    /// clean.
    fn expected_decode(len: usize, stop: usize, out_len: usize) -> usize {
        let blocks = (len / DEC_IN).min(out_len / DEC_OUT);
        if stop / DEC_IN < blocks {
            return stop / DEC_IN * DEC_IN;
        }
        let r = blocks * DEC_IN;
        r + ((stop - r) / 16).min((out_len - r / 4 * 3) / 12) * 16
    }

    // Everything else is the same for SSSE3 and AVX2.
    include!("kernel_tests.rs");
}
