//! SSSE3 kernels: 12 bytes to 16 symbols and 16 symbols to 12 bytes per
//! 128-bit vector, after Wojciech Muła and Daniel Lemire, "Faster Base64
//! Encoding and Decoding using AVX2 Instructions" (ACM TWEB, 2018): their
//! method, on one 128-bit lane instead of two.
//!
//! `avx2.rs` is the same code on 256-bit vectors: diff the two files to see
//! the ISA change. Here one vector is one lane, so nothing crosses lanes: an
//! encode block loads its 12 bytes from where they are, and a decode block's
//! 12 bytes are already together after the byte shuffle.
//!
//! The loops, the same on both widths but for the names they call, are
//! written once and expanded here: the block loops (`decode_blocks`,
//! `decode_partial`, `encode_blocks`) in `loops.rs`, the line-wrapped decode
//! loop (`decode_lines`) in `lines.rs`. What stays in this file are the
//! primitives at this width.
//!
//! Encode, per 3-byte group (one 32-bit element):
//! 1. reshuffle: `pshufb` places the group's bytes as `b1 b0 b2 b1`;
//! 2. split: two masks and two 16-bit multiplies (`pmulhuw`, `pmullw`) move
//!    the four 6-bit fields into the four bytes;
//! 3. translate: a saturating subtract and a compare give each 6-bit value the
//!    index of its run of the alphabet, and `pshufb` looks up the offset to
//!    add ("improved pshufb lookup").
//!
//! Decode, per 16 symbols:
//! 1. classify: `pshufb` looks up a bit set for the high nibble and one for
//!    the low nibble of every byte; their AND is non-zero exactly for the 64
//!    alphabet symbols ("nibble lookup" validation);
//! 2. translate: `pshufb` looks up the offset from symbol to value at the
//!    index `high nibble + lo[low nibble]`, where the low bits of the
//!    low-nibble bit set move a symbol that needs another offset than the rest
//!    of its nibble row (`/` beside `+`, `_` beside `P-Z`) to a free entry: no
//!    compare against it, unlike the original method;
//! 3. pack: `pmaddubsw` and `pmaddwd` join four 6-bit values into 24 bits and
//!    `pshufb` gathers the 12 bytes.
//!
//! A decode block is checked before anything is stored, and stores never pass
//! the block's 12 bytes except where the next block, already checked, writes
//! over the excess.

use core::arch::x86_64::*;

use crate::base64::arch::{self, Kernels};
use crate::base64::Alphabet;

/// One vector.
type V = __m128i;

/// Input bytes and output symbols of one encode block (4 groups).
const ENC_IN: usize = 12;
const ENC_OUT: usize = 16;
/// Input symbols and output bytes of one decode block.
const DEC_IN: usize = 16;
const DEC_OUT: usize = 12;
/// Blocks per round of the main loops.
const UNROLL: usize = 4;

// Tables: see `tables.rs` (shared with the other x86 kernels).
use super::tables::{DecLuts, DEC_STANDARD, DEC_URL_SAFE, ENC_STANDARD, ENC_URL_SAFE};

/// The multipliers of [`split`], one vector each: `0x0400_0040` (for `ac`)
/// and `0x0100_0010` (for `bd`) in every 32-bit element.
#[repr(C, align(16))]
struct SplitMuls([u32; 4], [u32; 4]);
static SPLIT_MULS: SplitMuls = SplitMuls([0x0400_0040; 4], [0x0100_0010; 4]);

/// A 16-byte table in a vector.
#[target_feature(enable = "ssse3")]
#[inline]
fn splat(t: &[u8; 16]) -> V {
    // SAFETY: `t` is 16 readable bytes; the load is unaligned.
    unsafe { _mm_loadu_si128(t.as_ptr().cast()) }
}

// ---------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
///
/// 12 bytes per block ([`encode_blocks`]). A block's wide load reads 16
/// bytes, to 4 after the block; a last block too close to the end loads
/// exactly its 12 bytes instead.
#[target_feature(enable = "ssse3")]
pub(crate) fn encode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    encode_blocks(alphabet, input, output)
}

/// The first block [`load_wide`] may take: every one (it reads nothing
/// before its block).
const WIDE_FROM: usize = 0;

/// Loads the block at `p` with 4 bytes of slack after it, so the vector holds
/// its bytes 0..12 at positions 0..12:
///
/// ```text
/// memory:  p .. p+16
/// vector:  [ 0 1 2 .. 11 | -- -- -- -- ]
/// ```
///
/// # Safety
/// `p .. p + 16` must be readable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn load_wide(p: *const u8) -> V {
    // SAFETY: the caller guarantees p .. p + 16 is readable.
    unsafe { _mm_loadu_si128(p.cast()) }
}

/// Loads exactly the 12 bytes at `p`, in the layout of [`load_wide`].
///
/// # Safety
/// `p .. p + 12` must be readable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn load_exact(p: *const u8) -> V {
    // SAFETY: the caller guarantees p .. p + 12 is readable; the loads read
    // p .. p + 8 and p + 8 .. p + 12.
    let (a, b) = unsafe { (_mm_loadl_epi64(p.cast()), _mm_loadu_si32(p.add(8))) };
    // a = bytes 0..8 at 0..8; b = bytes 8..12 at 0..4, moved up to 8..12.
    _mm_unpacklo_epi64(a, b)
}

/// Stores a whole vector at `p`.
///
/// # Safety
/// `p .. p + 16` must be writable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn store(p: *mut u8, v: V) {
    // SAFETY: the caller guarantees p .. p + 16 is writable.
    unsafe { _mm_storeu_si128(p.cast(), v) }
}

/// 12 bytes (in the layout of [`load_wide`]) to 16 symbols.
#[target_feature(enable = "ssse3")]
#[inline]
fn encode_block(v: V, lut: V) -> V {
    translate(split(reshuffle(v)), lut)
}

/// Places each 3-byte group `b0 b1 b2` in a 32-bit element as the bytes
/// `b1 b0 b2 b1`. With
/// `b0 = aaaaaabb`, `b1 = bbbbcccc`, `b2 = ccdddddd`, the element is
///
/// ```text
/// high 16 bits: bbbbcccc ccdddddd    low 16 bits: aaaaaabb bbbbcccc
/// ```
///
/// so every 6-bit field lies whole inside one 16-bit half.
#[target_feature(enable = "ssse3")]
#[inline]
fn reshuffle(v: V) -> V {
    #[rustfmt::skip]
    let order = _mm_setr_epi8(
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
    );
    _mm_shuffle_epi8(v, order)
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
#[target_feature(enable = "ssse3")]
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
    let ac = _mm_and_si128(v, _mm_set1_epi32(0x0FC0_FC00));
    let ac = _mm_mulhi_epu16(ac, mul_ac);
    let bd = _mm_and_si128(v, _mm_set1_epi32(0x003F_03F0));
    let bd = _mm_mullo_epi16(bd, mul_bd);
    _mm_or_si128(ac, bd)
}

/// 6-bit values to symbols: `value + offsets[run(value)]`, where the run index is
///
/// ```text
/// saturating(value - 51)  -> 0 for 0..=51, 1..=12 for 52..=63
///  + 1 if value > 25      -> 0: 0..=25, 1: 26..=51, 2..=13: 52..=63
/// ```
#[target_feature(enable = "ssse3")]
#[inline]
fn translate(v: V, lut: V) -> V {
    let run = _mm_subs_epu8(v, _mm_set1_epi8(51));
    let above_25 = _mm_cmpgt_epi8(v, _mm_set1_epi8(25));
    let run = _mm_sub_epi8(run, above_25);
    _mm_add_epi8(v, _mm_shuffle_epi8(lut, run))
}

// ---------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
#[target_feature(enable = "ssse3")]
pub(crate) fn decode_prefix(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let t = match alphabet {
        Alphabet::Standard => &DEC_STANDARD,
        Alphabet::UrlSafe => &DEC_URL_SAFE,
    };
    let (r, w, _) = decode_blocks(t, input, output);
    (r, w)
}

/// For [`decode_partial`]: the first [`DEC_IN`] bytes of `input`, or of a
/// shorter input its whole groups and zeros ([`load_short`]).
#[target_feature(enable = "ssse3")]
#[inline]
fn load_partial(input: &[u8]) -> V {
    if input.len() >= DEC_IN {
        // SAFETY: input[..DEC_IN] is in bounds.
        unsafe { load(input.as_ptr()) }
    } else {
        load_short(input)
    }
}

/// Loads the whole groups of `input` (under 16 bytes); the rest of the
/// vector is zero.
#[target_feature(enable = "ssse3")]
#[inline]
pub(super) fn load_short(input: &[u8]) -> V {
    let p = input.as_ptr();
    // SAFETY: each load reads whole groups within input[..input.len() / 4 * 4].
    unsafe {
        match input.len() / 4 {
            0 => _mm_setzero_si128(),
            1 => _mm_loadu_si32(p),
            2 => _mm_loadl_epi64(p.cast()),
            _ => _mm_unpacklo_epi64(_mm_loadl_epi64(p.cast()), _mm_loadu_si32(p.add(8))),
        }
    }
}

// `decode_prefix_skip_ws`, `LINE_BLOCKS`, `lines_fit`, `decode_lines` and
// `lines_of`: the whitespace-skipping decode and its line-wrapped loop,
// shared with the AVX2 kernel (see `lines.rs`).
super::lines::line_loops! {
    feature: "ssse3",
    zero: _mm_setzero_si128,
    set1_epi8: _mm_set1_epi8,
    min_epu8: _mm_min_epu8,
}

/// The tail of a line for [`decode_lines`]: its last `symbols` (0, 4, 8 or
/// 12) symbols, which one 16-byte load takes with the line break after them.
/// Shared with the AVX2 kernel, whose lines' tails are also at most 12 symbols.
pub(super) struct LineTail {
    pub(super) symbols: usize,
    luts: Luts,
    /// The bits of the tail's symbols in a byte mask.
    mask: u64,
    /// The shuffle that packs the tail's bytes to the end of the vector.
    order: V,
}

/// `-1`s, then [`pack`]'s order: 16 bytes of it from offset `3 t / 4` move
/// the packed bytes of `t` symbols to the end of a vector.
static TAIL_ORDER: [i8; 32] = [
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14,
    13, 12, -1, -1, -1, -1,
];

impl LineTail {
    /// The tail of `symbols <= 12` symbols, a multiple of 4.
    #[target_feature(enable = "ssse3")]
    #[inline]
    pub(super) fn new(t: &DecLuts, symbols: usize) -> LineTail {
        debug_assert!(symbols <= 12 && symbols.is_multiple_of(4));
        // SAFETY: 3 symbols / 4 + 16 <= 25 <= TAIL_ORDER.len().
        let order = unsafe { _mm_loadu_si128(TAIL_ORDER.as_ptr().add(symbols / 4 * 3).cast()) };
        LineTail {
            symbols,
            luts: Luts::new(t),
            mask: (1 << symbols) - 1,
            order,
        }
    }

    /// Checks the tail's symbols at `p` and returns their bytes at the end of
    /// a vector (the bytes before them are junk), or `None` if one of them is
    /// not a symbol.
    ///
    /// # Safety
    /// `p .. p + 16` must be readable.
    #[target_feature(enable = "ssse3")]
    #[inline]
    pub(super) unsafe fn decode(&self, p: *const u8) -> Option<V> {
        // SAFETY: the caller guarantees p .. p + 16 is readable.
        let v = unsafe { load(p) };
        let (index, ok) = classify(v, &self.luts);
        if zero_bytes(ok) & self.mask != 0 {
            return None;
        }
        let groups = pack_groups(translate_symbols(v, index, &self.luts));
        Some(_mm_shuffle_epi8(groups, self.order))
    }

    /// Stores a vector from [`decode`](Self::decode) so that it ends at `end`.
    ///
    /// # Safety
    /// `end - 16 .. end` must be writable.
    #[target_feature(enable = "ssse3")]
    #[inline]
    pub(super) unsafe fn store_end(end: *mut u8, v: V) {
        // SAFETY: the caller guarantees end - 16 .. end is writable.
        unsafe { _mm_storeu_si128(end.sub(16).cast(), v) }
    }
}

// `decode_blocks`, `decode_partial` and `encode_blocks`: the block loops,
// shared with the AVX2 kernel (see `loops.rs`).
super::loops::block_loops! {
    feature: "ssse3",
    zero: _mm_setzero_si128,
    set1_epi8: _mm_set1_epi8,
    min_epu8: _mm_min_epu8,
}

/// [`DecLuts`] in registers (AVX2's small decode makes one of its own).
pub(super) struct Luts {
    pub(super) hi: V,
    pub(super) lo: V,
    pub(super) roll: V,
}

impl Luts {
    #[target_feature(enable = "ssse3")]
    #[inline]
    fn new(t: &DecLuts) -> Luts {
        Luts {
            hi: splat(&t.hi),
            lo: splat(&t.lo),
            roll: splat(&t.roll),
        }
    }
}

/// Loads 16 symbols.
///
/// # Safety
/// `p .. p + 16` must be readable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn load(p: *const u8) -> V {
    // SAFETY: the caller guarantees p .. p + 16 is readable.
    unsafe { _mm_loadu_si128(p.cast()) }
}

/// Stores a packed block: its 12 bytes and 4 of garbage.
///
/// # Safety
/// `p .. p + 16` must be writable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn store_packed(p: *mut u8, v: V) {
    // SAFETY: the caller guarantees p .. p + 16 is writable.
    unsafe { _mm_storeu_si128(p.cast(), v) }
}

/// Stores exactly the 12 bytes of a packed block (the low 8, then the next 4).
///
/// # Safety
/// `p .. p + 12` must be writable.
#[target_feature(enable = "ssse3")]
#[inline]
unsafe fn store_exact(p: *mut u8, v: V) {
    // SAFETY: the caller guarantees p .. p + 12 is writable; the stores
    // write p .. p + 8 and p + 8 .. p + 12.
    unsafe {
        _mm_storel_epi64(p.cast(), v);
        _mm_storeu_si32(p.add(8), _mm_srli_si128::<8>(v));
    }
}

/// Whether every byte of `v` is non-zero.
#[target_feature(enable = "ssse3")]
#[inline]
fn all_nonzero(v: V) -> bool {
    let zeros = _mm_cmpeq_epi8(v, _mm_setzero_si128());
    _mm_movemask_epi8(zeros) == 0
}

/// A bit per byte of `v`, set where the byte is zero.
#[target_feature(enable = "ssse3")]
#[inline]
fn zero_bytes(v: V) -> u64 {
    u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) as u32)
}

/// Looks up the bit sets of every byte `c`'s nibbles. Returns the roll index
/// `(c >> 4) + lo[c & 15]` (for [`translate_symbols`]) and `hi[c >> 4] &
/// lo[c & 15]`, which is non-zero exactly in the bytes that are symbols. The
/// low-nibble lookup takes `c` itself: `pshufb` reads only the low 4 bits of an
/// index, and gives 0 when bit 7 is set, so bytes from 0x80 come out as
/// non-symbols with no mask.
#[target_feature(enable = "ssse3")]
#[inline]
fn classify(v: V, luts: &Luts) -> (V, V) {
    // Shifting 32-bit elements brings the next byte's low bits into bits 4..8
    // of each byte; the mask clears them.
    let hi_nibbles = _mm_and_si128(_mm_srli_epi32::<4>(v), _mm_set1_epi8(0x0F));
    let hi = _mm_shuffle_epi8(luts.hi, hi_nibbles);
    let lo = _mm_shuffle_epi8(luts.lo, v);
    (_mm_add_epi8(hi_nibbles, lo), _mm_and_si128(hi, lo))
}

/// Symbols (already classified) to 6-bit values: `c + roll[index]`.
#[target_feature(enable = "ssse3")]
#[inline]
fn translate_symbols(v: V, index: V, luts: &Luts) -> V {
    _mm_add_epi8(v, _mm_shuffle_epi8(luts.roll, index))
}

/// Packs four 6-bit values per 32-bit element into 3 bytes, the 12 bytes
/// into the low 12:
///
/// ```text
/// bytes:            00aaaaaa 00bbbbbb 00cccccc 00dddddd
/// maddubs 0x40, 1:  0000aaaa aabbbbbb | 0000cccc ccdddddd   (16-bit halves)
/// madd 0x1000, 1:   00000000 aaaaaabb bbbbcccc ccdddddd     (32-bit, little-endian)
/// pshufb:           bytes 2 1 0 of each element
/// ```
#[target_feature(enable = "ssse3")]
#[inline]
fn pack(v: V) -> V {
    let groups = pack_groups(v);
    #[rustfmt::skip]
    let order = _mm_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
    );
    _mm_shuffle_epi8(groups, order)
}

/// The first two steps of [`pack`]: 24 bits in each 32-bit element.
#[target_feature(enable = "ssse3")]
#[inline]
fn pack_groups(v: V) -> V {
    let pairs = _mm_maddubs_epi16(v, _mm_set1_epi32(0x0140_0140));
    _mm_madd_epi16(pairs, _mm_set1_epi32(0x0001_1000))
}

/// [`pack`], whose 12 bytes are already together at the front (for
/// [`decode_partial`], which AVX2 gives a lane-joining step).
#[target_feature(enable = "ssse3")]
#[inline]
fn pack_joined(v: V) -> V {
    pack(v)
}

// Small inputs (the whole encode, a whole short decode): `small.rs`.
pub(super) mod small;
pub(crate) use small::{decode_small, encode_final, SMALL_MAX};

/// The SSSE3 backend's kernels.
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
    const BACKEND: Backend = Backend::Ssse3;

    /// What the encode kernel consumes of `len` bytes with room for `out_len`
    /// symbols: every whole block that fits.
    fn expected_encode(len: usize, out_len: usize) -> usize {
        (len / ENC_IN).min(out_len / ENC_OUT) * ENC_IN
    }

    /// What the decode kernel consumes when the first non-symbol is at `stop`:
    /// every whole block before the one that holds it, that fits.
    fn expected_decode(len: usize, stop: usize, out_len: usize) -> usize {
        let _ = len;
        (stop / DEC_IN).min(out_len / DEC_OUT) * DEC_IN
    }

    // Everything else is the same for SSSE3 and AVX2.
    include!("kernel_tests.rs");
}
