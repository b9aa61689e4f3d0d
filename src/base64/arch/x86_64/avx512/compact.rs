//! Decode skipping whitespace (VBMI2): short texts compacted in registers
//! ([`decode_short_ws`]); longer ones through [`decode_prefix_skip_ws`],
//! which takes clean blocks, wrapped lines, and drops any other whitespace
//! with `vpcompressb` into a ring buffer.

use core::arch::x86_64::*;
use core::mem::MaybeUninit;

use super::decode::{
    dec_regs, decode_blocks, decode_small, decode_small_reg, invalid_mask, pack, translate_symbols,
    DecRegs, MIN_GROUPS, SMALL_MAX,
};
use super::lines::{decode_lines, line_at, line_break_at, line_of, lines_from};
use super::{load64, low_mask, permute, IOTA, MASK48, WS_LANES};
use crate::base64::arch::Short;
use crate::base64::Alphabet;

/// The whitespace-skipping decoder gathers symbols into a ring of this many
/// bytes (see [`Ring`]).
const RING: usize = 4096;

/// How far packing trails gathering, in symbols. A 64-symbol load from the
/// ring spans two of the gathering stores; while they are still in the store
/// queue the load cannot take its bytes from them (store-to-load forwarding
/// needs one store that covers the load) and waits until both reach the
/// cache. A distance larger than the out-of-order window keeps that wait off
/// the loop.
const LAG: usize = 2048;

/// Marks whitespace in the table of [`decode_prefix_skip_ws`].
const WS: u8 = 0x40;

/// The decode table of [`decode_prefix_skip_ws`]: [`decode_prefix`]'s, with
/// whitespace marked [`WS`] instead of invalid.
///
/// [`decode_prefix`]: super::decode_prefix
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn ws_regs(regs: &DecRegs) -> DecRegs {
    DecRegs {
        lo: _mm512_mask_blend_epi8(WS_LANES, regs.lo, _mm512_set1_epi8(WS as i8)),
        ..*regs
    }
}

/// Moves the symbols of a translated block (the bytes `keep` selects) to the
/// front with `vpcompressb`, and counts them: the bytes after them are
/// filled with `0xFF`, so the count is the run of clear high bits at the
/// front (no `popcnt` needed).
///
/// ```text
/// t:    s0 s1 WS s2 s3 ... s61 WS WS      keep: 1 1 0 1 1 ... 1 0 0
/// out:  s0 s1 s2 s3 ... s61 FF FF FF      count: 62
/// ```
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn compact(t: __m512i, keep: u64) -> (__m512i, usize) {
    let c = _mm512_mask_compress_epi8(_mm512_set1_epi8(-1), keep, t);
    (c, _mm512_movepi8_mask(c).trailing_zeros() as usize)
}

/// Gathered symbols, as a stream: symbol `i` sits at ring offset `i % RING`.
///
/// ```text
/// bytes:  [ 64 front slack | RING ring bytes | 64 back slack ]
/// ```
///
/// A 64-byte store at ring offset `p` may run into the back slack; if it
/// does, it is repeated at `p - RING`, which puts the bytes past the end at
/// the start of the ring (and junk into the front slack, never read).
/// Loads read whole 64-symbol blocks at offsets that are multiples of 64, so
/// they never wrap.
struct Ring {
    bytes: MaybeUninit<[u8; RING + 128]>,
}

impl Ring {
    /// Stores the 64 bytes of `c` as symbols `at..at + 64` (the ring bytes
    /// past the symbols that count are junk, overwritten by later stores).
    ///
    /// The caller makes sure symbols `at..at + 64` hold no symbol still to be
    /// packed (the stores are always inside the buffer).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    fn store(&mut self, at: usize, c: __m512i) {
        let p = at % RING;
        let base = self.bytes.as_mut_ptr().cast::<u8>();
        // SAFETY: 64 + p + 64 <= RING + 128, the size of `bytes`.
        unsafe { _mm512_storeu_si512(base.add(64 + p).cast(), c) };
        if p + 64 > RING {
            // SAFETY: p > RING - 64, so 64 + p - RING > 0, and the store ends
            // at 128 + p - RING < 128 <= RING + 128.
            unsafe { _mm512_storeu_si512(base.add(64 + p - RING).cast(), c) };
        }
    }

    /// Stores blocks of `n[i]` symbols one after the other from `at`, like
    /// four [`store`](Self::store)s, testing for the wrap once.
    ///
    /// The caller makes sure symbols `at..at + 256` hold no symbol still to
    /// be packed.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    fn store4(&mut self, at: usize, c: &[__m512i; 4], n: &[usize; 4]) {
        let p = at % RING;
        if p + 256 <= RING {
            // All symbols land before the end (each block has at most 64), and
            // the junk after the last one at most 64 bytes past them.
            let base = self.bytes.as_mut_ptr().cast::<u8>();
            let mut q = 64 + p;
            for i in 0..4 {
                // SAFETY: q + 64 <= 64 + p + 192 + 64 <= RING + 128.
                unsafe { _mm512_storeu_si512(base.add(q).cast(), c[i]) };
                q += n[i];
            }
        } else {
            let mut at = at;
            for i in 0..4 {
                self.store(at, c[i]);
                at += n[i];
            }
        }
    }

    /// Loads the first `n <= 64` symbols of the 64-symbol block `at..at + 64`
    /// (`at` a multiple of 64); the rest of the register is zero.
    ///
    /// # Safety
    /// Symbols `at..at + n` must have been stored.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
    unsafe fn load(&self, at: usize, n: usize) -> __m512i {
        debug_assert!(at.is_multiple_of(64) && n <= 64);
        let p = at % RING;
        let base = self.bytes.as_ptr().cast::<u8>();
        // SAFETY: p is a multiple of 64 below RING, so 64 + p + 64 <= RING + 64;
        // the bytes read were written by `store` (caller's promise), so they
        // are initialized. A full mask reads all 64, a narrower one only the
        // first n.
        unsafe {
            if n == 64 {
                _mm512_loadu_si512(base.add(64 + p).cast())
            } else {
                _mm512_maskz_loadu_epi8(low_mask(n), base.add(64 + p).cast())
            }
        }
    }
}

/// The longest input [`decode_short_ws`] takes.
/// Two blocks: beyond that the line decoder of [`decode_prefix_skip_ws`]
/// measured faster (on 76-column text of 256 bytes, about 70 ns against 95).
pub(crate) const COMPACT_MAX: usize = 128;

/// The `i`-th 64-byte block of `input` (zero past its end).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn block_at(input: &[u8], i: usize) -> (__m512i, u64) {
    let k = low_mask(input.len() - 64 * i);
    // SAFETY: the mask enables bytes 64i..min(64i + 64, len), in bounds
    // for every block index below len.div_ceil(64).
    let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().add(64 * i).cast()) };
    (v, k)
}

/// The whitespace lanes of `v`: TAB, LF, FF, CR, SPACE.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn ws_mask(v: __m512i) -> u64 {
    // Each whitespace byte has its own low nibble (0x20 -> 0, 0x09 -> 9,
    // 0x0A, 0x0C, 0x0D): look the nibble up (`vpshufb`, per 16-byte lane)
    // and compare with the byte. Other nibbles give 0, which no byte with
    // that nibble equals; bytes >= 0x80 give 0 as well.
    let table = _mm512_broadcast_i32x4(_mm_setr_epi8(
        0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0x0A, 0, 0x0C, 0x0D, 0, 0,
    ));
    _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(table, v), v)
}

/// The whole of a whitespace-skipping decode of a short text (at most
/// [`COMPACT_MAX`] bytes), in registers, one 64-byte block of text at a
/// time:
///
/// ```text
///   block i --vpcompressb (non-whitespace lanes)--> c, cnt symbols
///   (lo, hi) = lo[..n] ++ c[..cnt]          two vpermb; n + cnt <= 127
///   n >= 64 and more text to come: decode lo (64 symbols -> 48 bytes),
///                                   lo = hi, n -= 64
///   at the end: the last 1..=4 symbols through `last_group` (the codec's
///   padding rule: how many are data), then lo and hi decoded as in
///   [`decode_small`]
/// ```
///
/// Nothing goes through memory between the steps (a plain 64-byte store
/// and a load of it back would not forward on Zen 4, which splits 512-bit
/// stores). A text without whitespace goes to [`decode_small`], which is
/// faster. `Short::Done(written)`; `Short::Clean` for a text of at most 4
/// bytes without whitespace (nothing written); `Short::General` (anything
/// wrong, or no room: what was written does not count) for the general
/// path, which decides every error.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,popcnt")]
pub(crate) fn decode_short_ws(
    alphabet: Alphabet,
    input: &[u8],
    check_trailing: bool,
    last_group: &dyn Fn(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Short {
    let len = input.len();
    if len > COMPACT_MAX {
        return Short::General;
    }
    // The (at most) two blocks and their whitespace lanes, found once and
    // kept in registers. (Lanes past the input are 0, never whitespace.)
    let (v0, valid0) = block_at(input, 0);
    let (v1, valid1) = if len > 64 {
        block_at(input, 1)
    } else {
        (_mm512_setzero_si512(), 0)
    };
    let (ws0, ws1) = (ws_mask(v0), ws_mask(v1));
    if ws0 | ws1 == 0 {
        // No whitespace: the clean small decoder, the padding found in
        // memory (through a register it costs more).
        if len < 5 {
            return Short::Clean;
        }
        let body = (len - 1) / 4 * 4;
        let Some(s) = last_group(&input[body..]) else {
            return Short::General;
        };
        return match decode_small(alphabet, &input[..body + s], check_trailing, output) {
            Some(k) => Short::Done(k),
            None => Short::General,
        };
    }
    let iota = load64(&IOTA);
    // Block 0 starts the symbols: lo = its compacted symbols, n of them.
    let keep0 = !ws0 & valid0;
    let mut lo = _mm512_maskz_compress_epi8(keep0, v0);
    let mut hi = _mm512_setzero_si512();
    let mut n = keep0.count_ones() as usize;
    let mut w = 0;
    if len > 64 {
        if n == 64 {
            // Block 0 was whole symbols: decode it now, block 1 starts afresh.
            let Some(out) = output.get_mut(..48) else {
                return Short::General;
            };
            if decode_reg(alphabet, lo, 64, false, out).is_none() {
                return Short::General;
            }
            (n, w) = (0, 48);
        }
        let keep1 = !ws1 & valid1;
        let c = _mm512_maskz_compress_epi8(keep1, v1);
        // lo[..n] ++ c: lane j >= n of lo takes c[j - n]; hi lane j takes
        // c[64 - n + j] (n < 64 here).
        lo = _mm512_mask_permutexvar_epi8(
            lo,
            !low_mask(n),
            _mm512_sub_epi8(iota, _mm512_set1_epi8(n as i8)),
            c,
        );
        hi = permute(_mm512_add_epi8(iota, _mm512_set1_epi8((64 - n) as i8)), c);
        n += keep1.count_ones() as usize;
    }
    match decode_compacted(
        alphabet,
        lo,
        hi,
        n,
        check_trailing,
        last_group,
        &mut output[w..],
    ) {
        Some(k) => Short::Done(w + k),
        None => Short::General,
    }
}

/// The decoding half of [`decode_short_ws`]: `n` symbols in `first` and
/// `second`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_compacted(
    alphabet: Alphabet,
    first: __m512i,
    second: __m512i,
    n: usize,
    check_trailing: bool,
    last_group: &dyn Fn(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    // The last 1..=4 symbols, out of the register that holds them (a group
    // never straddles the two: 64 is a multiple of 4).
    let body = (n - 1) / 4 * 4;
    let reg = if body < 64 { first } else { second };
    let at = _mm512_add_epi8(load64(&IOTA), _mm512_set1_epi8((body % 64) as i8));
    let tail = _mm_cvtsi128_si32(_mm512_castsi512_si128(permute(at, reg))) as u32;
    let s = body + last_group(&tail.to_le_bytes()[..n - body])?;
    if s <= 64 {
        return decode_reg(alphabet, first, s, check_trailing, output);
    }
    let w = decode_reg(alphabet, first, 64, check_trailing, output)?;
    let k = decode_reg(
        alphabet,
        second,
        s - 64,
        check_trailing,
        output.get_mut(w..)?,
    )?;
    Some(w + k)
}

/// [`decode_small`] of the first `s` symbols of a register.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_reg(
    alphabet: Alphabet,
    v: __m512i,
    s: usize,
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    if s == 0 || s > 64 || s % 4 == 1 {
        return None;
    }
    let out = s / 4 * 3 + [0, 0, 1, 2][s % 4];
    if output.len() < out {
        return None;
    }
    decode_small_reg(alphabet, v, s, out, check_trailing, output)
}

/// Decodes a prefix of whole groups of 4 symbols with ASCII whitespace
/// (TAB, LF, FF, CR, SPACE) anywhere in it, compacting the whitespace away;
/// `consumed` counts the skipped whitespace. Needs VBMI2 as well.
///
/// `consumed` ends after the last symbol of the last decoded group or after
/// whitespace that follows it, and `written == symbols / 4 * 3`. It decodes
/// every whole group before the first byte that is neither a symbol nor
/// whitespace, as many as fit in `output`, with one exception: it may leave
/// a last stretch of at most [`SMALL_MAX`] bytes without whitespace that
/// ends with `=` (the last line of wrapped text, say) to the codec's
/// [`decode_small`], which decodes it whole, padding included.
///
/// Three paths, each taking what it can and leaving the rest to the next:
/// clean blocks go through the plain decoder ([`decode_blocks`]); regularly
/// wrapped lines a line (or four) at a time ([`decode_lines`]); any other
/// whitespace through [`decode_gathered`], which drops it with `vpcompressb`.
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
pub(crate) fn decode_prefix_skip_ws(
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    if input.len() < 4 * (MIN_GROUPS + 1) || output.len() < 3 {
        return (0, 0);
    }
    let regs = dec_regs(alphabet);
    // Wrapped lines from the first on: the first line's break shows where
    // they are, without trying (and failing) a round of clean blocks first.
    // Two clean blocks instead are decoded here.
    let mut at = (0, 0);
    let first = if input.len() >= 128 && output.len() >= 96 {
        let src = input.as_ptr();
        // SAFETY: input[..128] is in bounds.
        let (a, b) = unsafe {
            (
                _mm512_loadu_si512(src.cast()),
                _mm512_loadu_si512(src.add(64).cast()),
            )
        };
        let (ta, tb) = (translate_symbols(&regs, a), translate_symbols(&regs, b));
        let (m0, m1) = (invalid_mask(a, ta), invalid_mask(b, tb));
        if m0 | m1 == 0 {
            let dst = output.as_mut_ptr();
            // SAFETY: the masks enable output[..96], in bounds.
            unsafe {
                _mm512_mask_storeu_epi8(dst.cast(), MASK48, pack(&regs, ta));
                _mm512_mask_storeu_epi8(dst.add(48).cast(), MASK48, pack(&regs, tb));
            }
            at = (128, 96);
            None
        } else {
            line_of(input, 0, m0, m1)
        }
    } else {
        line_at(&regs, input, 0)
    };
    if let Some((line, eol)) = first {
        at = lines_from::<0>(&regs, input, output, at, line, eol);
    }
    if input.last() == Some(&b'=') && tail_is_clean(input, at.0) {
        // The last line (or what is left of a clean run) ends with padding:
        // the caller's small-input kernel decodes it in one step, padding
        // and all, where a clean run would stop before the last group and
        // leave it to scalar code. (Without padding the clean run is faster.)
        return at;
    }
    match clean_run::<0>(&regs, input, output, at) {
        // No whitespace: the end of the input, or of the output's room, or a
        // byte that is neither symbol nor whitespace.
        Run::Done(r, w) => (r, w),
        run => decode_whitespace(alphabet, input, output, run),
    }
}

/// Whether `input[r..]` is 1..=[`SMALL_MAX`] bytes, none of them whitespace
/// or a control byte (`<= 0x20`, never part of valid text): what
/// [`decode_small`] takes whole. Checked with plain loads of the input's
/// last 128 bytes (it is at least that long): a masked load reaching past
/// the input would wait for stores pending there, often the output's.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn tail_is_clean(input: &[u8], r: usize) -> bool {
    let (len, rest) = (input.len(), input.len().wrapping_sub(r));
    if len < 128 || rest == 0 || rest > SMALL_MAX {
        return false;
    }
    // SAFETY: len >= 128: the loads cover input[len-128..len].
    let (a, b) = unsafe {
        let end = input.as_ptr().add(len);
        (
            _mm512_loadu_si512(end.sub(128).cast()),
            _mm512_loadu_si512(end.sub(64).cast()),
        )
    };
    let low = _mm512_set1_epi8(0x20);
    // The lanes of input[r..]: the top `rest` of the 128.
    let lanes_b = !low_mask(64 - rest.min(64));
    let lanes_a = !low_mask(128 - rest.max(64));
    (_mm512_cmple_epu8_mask(a, low) & lanes_a) | (_mm512_cmple_epu8_mask(b, low) & lanes_b) == 0
}

/// The (at most) 64 bytes at `r`, translated, and the offset of the first
/// that is not a symbol (or their count), and whether it is whitespace.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn peek(regs: &DecRegs, input: &[u8], r: usize) -> (__m512i, usize, bool) {
    let len = (input.len() - r).min(64);
    let v = if len < 64 && input.len() >= 64 {
        // The last block of the input, moved down so that byte r lands in
        // lane 0. A masked load that reaches past the input would wait for
        // any store still pending to the memory after it, which is often
        // the output just written.
        // SAFETY: input.len() >= 64, so input[input.len() - 64..] is in bounds.
        let last = unsafe { _mm512_loadu_si512(input.as_ptr().add(input.len() - 64).cast()) };
        let from = _mm512_add_epi8(load64(&IOTA), _mm512_set1_epi8((64 - len) as i8));
        _mm512_maskz_permutexvar_epi8(low_mask(len), from, last)
    } else {
        // SAFETY: the mask enables bytes r..r+len, and r + len <= input.len().
        unsafe { _mm512_maskz_loadu_epi8(low_mask(len), input.as_ptr().add(r).cast()) }
    };
    let t = translate_symbols(regs, v);
    let bad = invalid_mask(v, t) & low_mask(len);
    let p = if bad == 0 {
        len
    } else {
        bad.trailing_zeros() as usize
    };
    let at_ws = p < len && matches!(input[r + p], b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    (t, p, at_ws)
}

/// Where [`clean_run`] stopped.
enum Run {
    /// At the end of the input or of the output's room, or before a byte
    /// that is neither symbol nor whitespace: `(consumed, written)`.
    Done(usize, usize),
    /// At whitespace, everything before it decoded.
    Whitespace(usize, usize),
    /// Before whitespace that falls inside a group (or no room to decode up
    /// to it): from this group boundary on, the symbols must be gathered.
    Unaligned(usize, usize),
}

/// From `(r, w)` on a group boundary: clean blocks, then the next block up
/// to its first byte that is not a symbol, with the whole groups before it.
/// `SITE` tells apart its callers: each gets its own copy, which, with one
/// call site, is inlined into it.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn clean_run<const SITE: u8>(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (r, w): (usize, usize),
) -> Run {
    let (c, o) = decode_blocks(regs, &input[r..], &mut output[w..]);
    let (r, w) = (r + c, w + o);
    let (t, p, at_ws) = peek(regs, input, r);
    let g = (p / 4).min((output.len() - w) / 3);
    if at_ws && (p % 4 != 0 || g < p / 4) {
        return Run::Unaligned(r, w);
    }
    // SAFETY: the mask enables w..w+3g, and 3g <= output.len() - w.
    unsafe {
        _mm512_mask_storeu_epi8(
            output.as_mut_ptr().add(w).cast(),
            low_mask(3 * g),
            pack(regs, t),
        )
    };
    if at_ws {
        Run::Whitespace(r + p, w + 3 * g)
    } else {
        Run::Done(r + 4 * g, w + 3 * g)
    }
}

/// The rest of [`decode_prefix_skip_ws`] once whitespace shows up, from
/// where the first [`clean_run`] stopped (not [`Run::Done`]), on a group
/// boundary: regularly wrapped lines go to [`decode_lines`], a few
/// other breaks are stepped over, and the rest goes to [`decode_gathered`].
/// Not inlined, so that input without whitespace does not pay for setting up
/// these paths.
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn decode_whitespace(
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
    first: Run,
) -> (usize, usize) {
    let regs = dec_regs(alphabet);
    let mut skips = 8;
    let mut run = first;
    loop {
        let (mut r, mut w);
        match run {
            Run::Done(r, w) => return (r, w),
            Run::Unaligned(r, w) => {
                let (c, o) = decode_gathered(&regs, &input[r..], &mut output[w..]);
                return (r + c, w + o);
            }
            Run::Whitespace(ws_at, written) => (r, w) = (ws_at, written),
        }
        if let Some(eol) = line_break_at(input, r) {
            // Regularly wrapped lines go a line (or four) at a time.
            let (c, o) = decode_lines(&regs, &input[r..], &mut output[w..], eol);
            r += c;
            w += o;
        } else if skips > 0 {
            // Other whitespace, a few times: step over it.
            skips -= 1;
            while r < input.len() && matches!(input[r], b'\t' | b'\n' | 0x0C | b'\r' | b' ') {
                r += 1;
            }
        } else {
            let (c, o) = decode_gathered(&regs, &input[r..], &mut output[w..]);
            return (r + c, w + o);
        }
        run = clean_run::<1>(&regs, input, output, (r, w));
    }
}

/// The general whitespace-skipping decoder behind [`decode_prefix_skip_ws`],
/// from a group boundary: each 64-byte block is translated with the table of
/// [`ws_regs`], its symbols are moved to the front with `vpcompressb`
/// (`_mm512_maskz_compress_epi8`) and appended to a [`Ring`]; [`LAG`]
/// symbols behind, whole blocks of 64 symbols are loaded back and packed like
/// clean blocks. Same contract as [`decode_prefix_skip_ws`].
// Not inlined: its ring is a 4 KiB stack frame, which the other paths do
// not need to set up (and probe).
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn decode_gathered(regs: &DecRegs, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let (mut r, mut w) = (0, 0);
    let ws = ws_regs(regs);
    let ws_bit = _mm512_set1_epi8(WS as i8);
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    let mut ring = Ring {
        bytes: MaybeUninit::uninit(),
    };
    // Symbols gathered (`fill`) and packed (`done`) so far: the ring holds
    // symbols done..fill, and a store may write symbols up to done + RING.
    // The output takes `cap` symbols in all.
    let (mut fill, mut done) = (0, 0);
    let cap = (output.len() - w) / 3 * 4;
    // Four blocks per round, checked once before anything is stored: a round
    // that meets a byte that is neither symbol nor whitespace is redone one
    // block at a time below. Invariant at the top: fill - done < LAG + 256
    // (and `done` is a multiple of 256), so the round's stores, which write
    // symbols below fill + 256, stay below done + LAG + 512 <= done + RING.
    while r + 256 <= input.len() && fill < cap {
        // All four loads come before the round's stores: a store's address
        // depends on the symbol counts, known late, and loads that follow
        // such a store wait for it.
        let mut any = _mm512_setzero_si512();
        let mut c = [_mm512_setzero_si512(); 4];
        let mut n = [0; 4];
        for i in 0..4 {
            // SAFETY: r + 64 * i + 64 <= r + 256 <= input.len().
            let v = unsafe { _mm512_loadu_si512(src.add(r + 64 * i).cast()) };
            let t = translate_symbols(&ws, v);
            // any |= v | t: the high bits flag bytes that are not symbols.
            any = _mm512_ternarylogic_epi32::<0xFE>(any, v, t);
            (c[i], n[i]) = compact(t, _mm512_testn_epi8_mask(t, ws_bit));
        }
        if _mm512_movepi8_mask(any) != 0 {
            break;
        }
        // Symbols fill..fill+256 are below done + RING (invariant).
        ring.store4(fill, &c, &n);
        fill += n[0] + n[1] + n[2] + n[3];
        r += 256;
        if fill - done >= LAG + 256 {
            // Pack four blocks; `done` stays a multiple of 256, so they do not
            // wrap around the ring.
            for i in 0..4 {
                // SAFETY: symbols done..done+256 are below fill, so stored.
                let s = unsafe { ring.load(done + 64 * i, 64) };
                // SAFETY: done + 256 <= fill - LAG < cap + 256 - LAG <= cap
                // (fill was below cap before the round, which adds at most
                // 256), so the 192 bytes at w are within the output's room
                // for cap symbols.
                unsafe {
                    _mm512_mask_storeu_epi8(dst.add(w + 48 * i).cast(), MASK48, pack(regs, s))
                };
            }
            w += 192;
            done += 256;
        }
    }
    // Here fill - done < LAG + 256. At most three whole blocks are left
    // before the input ends or a bad byte shows up (the round above stopped),
    // then the last block: their stores write symbols below
    // fill + 256 < done + LAG + 512 <= done + RING.
    let mut last_block = true;
    for _ in 0..3 {
        if fill >= cap {
            // Enough symbols for the whole output.
            last_block = false;
            break;
        }
        if r + 64 > input.len() {
            break;
        }
        // SAFETY: r + 64 <= input.len().
        let v = unsafe { _mm512_loadu_si512(src.add(r).cast()) };
        let t = translate_symbols(&ws, v);
        if invalid_mask(v, t) != 0 {
            break;
        }
        let (c, n) = compact(t, _mm512_testn_epi8_mask(t, ws_bit));
        // Symbols fill..fill+64 are below done + RING (see above).
        ring.store(fill, c);
        fill += n;
        r += 64;
    }
    let end = if last_block {
        // The last block: up to 64 bytes, up to the first byte that is
        // neither a symbol nor whitespace.
        let len = (input.len() - r).min(64);
        // SAFETY: the mask enables bytes r..r+len, and r + len <= input.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(low_mask(len), src.add(r).cast()) };
        let t = translate_symbols(&ws, v);
        let bad = invalid_mask(v, t) & low_mask(len);
        let stop = if bad == 0 {
            len
        } else {
            bad.trailing_zeros() as usize
        };
        let (c, n) = compact(t, _mm512_testn_epi8_mask(t, ws_bit) & low_mask(stop));
        // Symbols fill..fill+64 are below done + RING (see above).
        ring.store(fill, c);
        fill += n;
        r + stop
    } else {
        r
    };
    // Pack the rest, as many whole groups as fit.
    let mut groups = ((fill - done) / 4).min((output.len() - w) / 3);
    while groups > 0 {
        let g = groups.min(16);
        // SAFETY: symbols done..done+4g are below fill, so stored.
        let s = unsafe { ring.load(done, 4 * g) };
        // SAFETY: the mask enables w..w+3g, and 3g <= 3 * groups <= output.len() - w.
        unsafe { _mm512_mask_storeu_epi8(dst.add(w).cast(), low_mask(3 * g), pack(regs, s)) };
        w += 3 * g;
        done += 4 * g;
        groups -= g;
    }
    (start_of_last_symbols(&ws, input, end, fill - done), w)
}

/// The offset of the first of the last `count` symbols of `input[..end]`, a
/// stretch of symbols and whitespace only; `end` if `count == 0`. Walks back
/// 64 bytes at a time.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2")]
fn start_of_last_symbols(ws: &DecRegs, input: &[u8], end: usize, mut count: usize) -> usize {
    let iota = load64(&IOTA);
    let mut hi = end;
    while count > 0 {
        let lo = hi.saturating_sub(64);
        let k = low_mask(hi - lo);
        // SAFETY: the mask enables bytes lo..hi, and hi <= end <= input.len().
        let v = unsafe { _mm512_maskz_loadu_epi8(k, input.as_ptr().add(lo).cast()) };
        let t = translate_symbols(ws, v);
        let keep = _mm512_testn_epi8_mask(t, _mm512_set1_epi8(WS as i8)) & k;
        let n = keep.count_ones() as usize;
        if n >= count {
            // Positions of the symbols, in order; we want the (n - count)-th.
            let at = _mm512_maskz_compress_epi8(keep, iota);
            let pick = permute(_mm512_set1_epi8((n - count) as i8), at);
            let pos = _mm_cvtsi128_si32(_mm512_castsi512_si128(pick)) as u8;
            return lo + usize::from(pos);
        }
        count -= n;
        hi = lo;
    }
    hi
}
