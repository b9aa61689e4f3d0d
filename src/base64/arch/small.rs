//! The length rules and short moves of the small-input kernels
//! (`encode_final`, `decode_small`), shared by the x86_64 and aarch64 ones.

use crate::base64::OutputTooSmall;

/// `output` cut to the encoded length of `len` bytes, and how many of those
/// symbols are data (not `=`): ceil(8 len / 6) data symbols, then `=` up to
/// a multiple of 4 if padding. `Err` if `output` is shorter. No overflow: a
/// slice's `len` is at most `isize::MAX`, so `len / 3 * 4 + 4 < usize::MAX`.
/// The start of every `encode_final`.
#[inline]
pub(crate) fn exact_output(
    output: &mut [u8],
    len: usize,
    pad: bool,
) -> Result<(&mut [u8], usize), OutputTooSmall> {
    // By `len % 3`, then with padding: the symbols of the final group, and
    // how many of them are `=` (a table, not branches or selects: this is
    // on every short encode's path).
    const TAIL: [(usize, usize); 6] = [(0, 0), (2, 0), (3, 0), (0, 0), (4, 2), (4, 1)];
    let whole = len / 3;
    let (tail, pads) = TAIL[len - 3 * whole + 3 * usize::from(pad)];
    let needed = 4 * whole + tail;
    match output.get_mut(..needed) {
        Some(output) => Ok((output, needed - pads)),
        None => Err(OutputTooSmall { needed }),
    }
}

/// `output` cut to the decoded length of `symbols` symbols, where a
/// `decode_small` kernel takes them: 2..=`max` symbols, not 1 mod 4 (4
/// symbols are 3 bytes; a final 2 or 3 are 1 or 2), and `output` long
/// enough. `None` sends the caller to the general path, which reports what
/// is wrong. The start of every `decode_small`.
#[inline(always)]
pub(crate) fn small_output(symbols: usize, max: usize, output: &mut [u8]) -> Option<&mut [u8]> {
    if symbols == 0 || symbols > max || symbols % 4 == 1 {
        return None;
    }
    // 4 q + r symbols are 3 q bytes and 0, 1 or 2 for r = 0, 2 or 3: the
    // floor of 3/4 of the count (no overflow below `max`), without a table
    // that LLVM would build on the stack.
    output.get_mut(..symbols * 3 / 4)
}

/// Copies `src` (at most 32 bytes) to `dst`, of the same length, with two
/// overlapping moves of a fixed size rather than a call to `memcpy`: the
/// SSSE3, AVX2 and NEON kernels move short stretches this way where a vector
/// store would reach past the end.
#[inline(always)]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n == dst.len() && n <= 32);
    if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        // 1 to 3 bytes: the first, the middle and the last.
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// Writes `=` over the symbols of `out` from `data` on (none, one or two:
/// the padding of the final group).
#[inline(always)]
pub(crate) fn pad_symbols(out: &mut [u8], data: usize) {
    let n = out.len();
    debug_assert!(data <= n && n - data <= 2);
    if data < n {
        out[data] = b'=';
        out[n - 1] = b'=';
    }
}
