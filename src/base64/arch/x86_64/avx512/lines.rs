//! Line-wrapped decode: lines that all hold the same number of symbols,
//! each followed by the same line break (MIME, PEM), checked and decoded a
//! line, or four, at a time.

use core::arch::x86_64::*;

use super::decode::{invalid_mask, pack, translate_symbols, DecRegs, DEC_COMPACT};
use super::{load64, low_mask, Table64};

/// The longest line [`decode_lines`] takes: two blocks.
const MAX_LINE: usize = 128;

/// The length of the line break at `input[at..]` (LF or CR LF), if any.
#[inline(always)]
pub(super) fn line_break_at(input: &[u8], at: usize) -> Option<usize> {
    match input.get(at..)? {
        [b'\n', ..] => Some(1),
        [b'\r', b'\n', ..] => Some(2),
        _ => None,
    }
}

/// The line that starts at `at`: its length, when its first byte that is
/// not a symbol (looking at two blocks at once) is a line break (LF or CR
/// LF) after a whole number of groups, and the break's length.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn line_at(regs: &DecRegs, input: &[u8], at: usize) -> Option<(usize, usize)> {
    let len = (input.len() - at).min(MAX_LINE);
    let (k0, k1) = (low_mask(len.min(64)), low_mask(len - len.min(64)));
    let src = input.as_ptr();
    // SAFETY: the masks enable bytes at..at+len <= input.len().
    let (a, b) = unsafe {
        (
            _mm512_maskz_loadu_epi8(k0, src.add(at).cast()),
            _mm512_maskz_loadu_epi8(k1, src.add(at + len.min(64)).cast()),
        )
    };
    let (m0, m1) = (
        invalid_mask(a, translate_symbols(regs, a)) & k0,
        invalid_mask(b, translate_symbols(regs, b)) & k1,
    );
    line_of(input, at, m0, m1)
}

/// [`line_at`] from the masks of the bytes that are not symbols in the two
/// blocks at `at`.
#[inline(always)]
pub(super) fn line_of(input: &[u8], at: usize, m0: u64, m1: u64) -> Option<(usize, usize)> {
    let line = if m0 != 0 {
        m0.trailing_zeros() as usize
    } else if m1 != 0 {
        64 + m1.trailing_zeros() as usize
    } else {
        return None;
    };
    if !line.is_multiple_of(4) || line == 0 {
        return None;
    }
    Some((line, line_break_at(input, at + line)?))
}

/// Line-wrapped input whose lines all hold the same number of symbols, a
/// multiple of 4 (so lines start groups) and at most [`MAX_LINE`], each
/// followed by the same line break (LF or CR LF), as MIME (76) and PEM (64)
/// write it. `input` starts with a line break of `eol` bytes; the next line
/// sets the length ([`line_at`]), and [`lines_from`] takes it and the lines
/// after it. Returns `(consumed, written)`, `consumed` ending after a line
/// break (at least the first one).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn decode_lines(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    eol: usize,
) -> (usize, usize) {
    match line_at(regs, input, eol) {
        Some((line, e)) if e == eol => lines_from::<1>(regs, input, output, (eol, 0), line, eol),
        _ => (eol, 0),
    }
}

/// Lines of `line` symbols (a multiple of 4, at most [`MAX_LINE`]) each
/// followed by the same `eol`-byte line break, from `(r, w)` on a line
/// start. Each line is checked whole, then decoded like one or two clean
/// blocks; lines do not depend on each other, so nothing waits on where the
/// whitespace is. Returns where it stopped, on a line start. `SITE` tells
/// apart its callers, as for `compact::clean_run`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
pub(super) fn lines_from<const SITE: u8>(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (mut r, mut w): (usize, usize),
    line: usize,
    eol: usize,
) -> (usize, usize) {
    let src = input.as_ptr();
    let (n0, n1) = (line.min(64), line - line.min(64));
    let (o0, o1) = (n0 / 4 * 3, n1 / 4 * 3);
    let step = line + eol;
    let dst = output.as_mut_ptr();
    if (64..=64 + 16 - eol).contains(&line) {
        (r, w) = decode_lines_x4(regs, input, output, (r, w), line, eol);
    }
    while r + step <= input.len() && w + o0 + o1 <= output.len() {
        let brk = &input[r + line..r + step];
        if brk[eol - 1] != b'\n' || (eol == 2 && brk[0] != b'\r') {
            break;
        }
        // SAFETY: the masks enable bytes r..r+n0 and r+n0..r+line, below
        // r + step <= input.len().
        let (a, b) = unsafe {
            (
                _mm512_maskz_loadu_epi8(low_mask(n0), src.add(r).cast()),
                _mm512_maskz_loadu_epi8(low_mask(n1), src.add(r + n0).cast()),
            )
        };
        let (ta, tb) = (translate_symbols(regs, a), translate_symbols(regs, b));
        if (invalid_mask(a, ta) & low_mask(n0)) | (invalid_mask(b, tb) & low_mask(n1)) != 0 {
            break;
        }
        // SAFETY: the masks enable bytes w..w+o0 and w+o0..w+o0+o1, and
        // w + o0 + o1 <= output.len().
        unsafe {
            _mm512_mask_storeu_epi8(dst.add(w).cast(), low_mask(o0), pack(regs, ta));
            _mm512_mask_storeu_epi8(dst.add(w + o0).cast(), low_mask(o1), pack(regs, tb));
        }
        r += step;
        w += o0 + o1;
    }
    (r, w)
}

/// `x` in each of the four 16-bit quarters of a mask (`x < 1 << 16`).
#[inline(always)]
fn quarters(x: u64) -> u64 {
    x * 0x0001_0001_0001_0001
}

/// The layout [`decode_lines_x4`] works with, and its constants.
#[derive(Clone, Copy)]
struct Lines {
    /// Symbols per line (64 + t, t in 0, 4, 8, 12) and the break's length.
    line: usize,
    eol: usize,
    /// Bytes each line takes in the output.
    out_line: usize,
    /// Per quarter: the lanes the tail and break are loaded into, those of
    /// the tail, those the tail's output takes.
    slot: u64,
    sym: u64,
    /// The bytes of a line's output.
    out_mask: u64,
    /// The break bytes where each quarter's break is.
    brk_bytes: __m512i,
}

/// Per quarter `j` of the tails' register, the permutation that joins a
/// line's output: its block's 48 bytes (from the packed dwords, as
/// [`DEC_COMPACT`]) and then its tail's (from quarter `j` of the tails'
/// packed dwords, the second source), so that one store writes the line.
static LINE_JOIN: [Table64; 4] = [line_join(0), line_join(1), line_join(2), line_join(3)];

const fn line_join(j: usize) -> Table64 {
    let mut t = DEC_COMPACT.0;
    let mut k = 0;
    while k < 12 {
        // Byte k of the tail: byte 2 - k % 3 of dword k / 3 of quarter j.
        t[48 + k] = (64 + 16 * j + 4 * (k / 3) + 2 - k % 3) as u8;
        k += 1;
    }
    Table64(t)
}

/// Up to four lines of a [`Lines`] layout: `n` of them from `r`, decoded to
/// `w`, if they all check out. The blocks decode like clean blocks. The
/// tails and breaks are gathered into the 16-byte quarters of one register
/// by masked loads ORed together (each load's address is shifted back by the
/// quarter's offset, so memory byte `i` lands in lane `16j + i`), then checked
/// (symbols, and the break bytes themselves) and decoded together:
///
/// ```text
/// lanes:  0        t  t+eol   16       16+t          32 ..   48 ..
///         [tail 0][\r\n][..]  [tail 1][\r\n][..]   [tail 2] [tail 3]
/// ```
///
/// Each line goes out in one masked store: its block's bytes and its tail's,
/// joined by one two-source permutation ([`LINE_JOIN`]).
///
/// # Safety
/// `r + n * (line + eol) <= input.len()` and `w + n * out_line <= output.len()`,
/// `1 <= n <= 4`, `l.line >= 64` and `l.line - 64 + l.eol <= 16` (what `lines_from`
/// checks before it calls).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
unsafe fn lines_round(
    regs: &DecRegs,
    l: &Lines,
    src: *const u8,
    dst: *mut u8,
    (r, w): (usize, usize),
    n: usize,
) -> bool {
    let step = l.line + l.eol;
    let mut any = _mm512_setzero_si512();
    let mut ta = [_mm512_setzero_si512(); 4];
    let mut tl = [_mm512_setzero_si512(); 4];
    for (j, (ta, tl)) in ta.iter_mut().zip(tl.iter_mut()).enumerate().take(n) {
        let at = r + j * step;
        // SAFETY: at + 64 <= r + (n - 1) * step + 64 <= r + n * step, within
        // the input (caller).
        let a = unsafe { _mm512_loadu_si512(src.add(at).cast()) };
        *ta = translate_symbols(regs, a);
        any = _mm512_ternarylogic_epi32::<0xFE>(any, a, *ta);
        // SAFETY: the pointer is at + 64 - 16j, inside the input (step > 16);
        // the mask enables lanes 16j..16j+t+eol, which read the bytes
        // at+64..at+step of this line's tail and break, within the input.
        *tl = unsafe {
            _mm512_maskz_loadu_epi8(
                l.slot & (0xFFFF << (16 * j)),
                src.add(at + 64 - 16 * j).cast(),
            )
        };
    }
    // Joined after the loads (not merged into one register load by load),
    // so no load waits for the one before it.
    let tails = _mm512_ternarylogic_epi32::<0xFE>(tl[0], tl[1], _mm512_or_si512(tl[2], tl[3]));
    let lanes = low_mask(16 * n);
    let tt = translate_symbols(regs, tails);
    let bad_tails = invalid_mask(tails, tt) & l.sym & lanes;
    let brk = l.slot & !l.sym & lanes;
    let brk_ok = _mm512_cmpeq_epi8_mask(tails, l.brk_bytes) & brk == brk;
    if _mm512_movepi8_mask(any) != 0 || bad_tails != 0 || !brk_ok {
        return false;
    }
    let pairs = _mm512_maddubs_epi16(tt, regs.madd_bytes);
    let tail_groups = _mm512_madd_epi16(pairs, regs.madd_words);
    for (j, ta) in ta.iter().enumerate().take(n) {
        let pairs = _mm512_maddubs_epi16(*ta, regs.madd_bytes);
        let groups = _mm512_madd_epi16(pairs, regs.madd_words);
        let out = _mm512_permutex2var_epi8(groups, load64(&LINE_JOIN[j]), tail_groups);
        let at = w + j * l.out_line;
        if j + 1 < n {
            // A plain store: its bytes past this line's (64 - out_line, at
            // most 16) fall in the next line's, whose store comes later and
            // overwrites them. Masked stores are the slow part on Zen 4.
            // SAFETY: at + 64 <= at + 2 * out_line (out_line >= 48) <= w +
            // n * out_line, within the output (caller).
            unsafe { _mm512_storeu_si512(dst.add(at).cast(), out) };
        } else {
            // SAFETY: the mask enables at .. at + out_line = w + n * out_line,
            // within the output (caller).
            unsafe { _mm512_mask_storeu_epi8(dst.add(at).cast(), l.out_mask, out) };
        }
    }
    true
}

/// [`decode_lines`] for lines of one block of 64 symbols and a tail of
/// `t = line - 64` symbols (0, 4, 8 or 12) that fits, with its line break,
/// in 16 bytes (MIME's 76, PEM's 64): four lines per round, see
/// [`lines_round`]. Starts at `(r, w)` on a line start; returns where it
/// stopped.
// Not inlined: its loop keeps the most registers, and compiles best alone.
#[inline(never)]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512vbmi")]
fn decode_lines_x4(
    regs: &DecRegs,
    input: &[u8],
    output: &mut [u8],
    (mut r, mut w): (usize, usize),
    line: usize,
    eol: usize,
) -> (usize, usize) {
    let t = line - 64;
    // The break bytes: `\n`, with `\r` before it for CR LF.
    let cr = if eol == 2 { quarters(1 << t) } else { 0 };
    let l = Lines {
        line,
        eol,
        out_line: line / 4 * 3,
        slot: quarters(low_mask(t + eol)),
        sym: quarters(low_mask(t)),
        out_mask: low_mask(line / 4 * 3),
        brk_bytes: _mm512_mask_blend_epi8(
            cr,
            _mm512_set1_epi8(b'\n' as i8),
            _mm512_set1_epi8(b'\r' as i8),
        ),
    };
    let step = line + eol;
    let src = input.as_ptr();
    let dst = output.as_mut_ptr();
    while r + 4 * step <= input.len() && w + 4 * l.out_line <= output.len() {
        // SAFETY: four lines fit in what is left of the input and the output.
        if !unsafe { lines_round(regs, &l, src, dst, (r, w), 4) } {
            return (r, w);
        }
        r += 4 * step;
        w += 4 * l.out_line;
    }
    // The last one to three lines (counted without a division, which would
    // cost more than a line at small sizes).
    let mut n = 0;
    while n < 3 && r + (n + 1) * step <= input.len() && w + (n + 1) * l.out_line <= output.len() {
        n += 1;
    }
    // SAFETY: n lines fit in what is left of the input and the output.
    if n > 0 && unsafe { lines_round(regs, &l, src, dst, (r, w), n) } {
        r += n * step;
        w += n * l.out_line;
    }
    (r, w)
}
