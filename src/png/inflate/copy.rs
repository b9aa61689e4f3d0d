//! Match copies.
//!
//! [`copy_fast`] writes whole 16- or 8-byte words and may write up to
//! [`SLACK`] bytes past the match (libdeflate's and fdeflate's technique:
//! the bytes past the end are rewritten by later output, so they never
//! matter): the caller guarantees the room. Short distances, whose source
//! overlaps the bytes being written, repeat the period: the first 32
//! bytes of the repeating pattern are built once, then stored at steps of
//! the largest multiple of the distance that fits in 32 (distance 1 is a
//! fill). [`copy_slow`] is the exact copy for the end of the output.

/// Bytes [`copy_fast`] may write past the end of the match.
pub(super) const SLACK: usize = 16;

/// The longest match.
pub(super) const MAX_MATCH: usize = 258;

/// `32 - 32 % d`: the largest multiple of `d` (1..8) in 32.
const STEP32: [usize; 8] = [32, 32, 32, 30, 32, 30, 30, 28];

#[inline(always)]
fn load16(out: &[u8], at: usize) -> [u8; 16] {
    let mut w = [0u8; 16];
    w.copy_from_slice(&out[at..at + 16]);
    w
}

/// Copies `len` (3..=258) bytes from `dist` (1..=pos) back to `pos`; the
/// caller checked `pos + MAX_MATCH + SLACK <= out.len()`.
#[inline(always)]
pub(super) fn copy_fast(out: &mut [u8], pos: usize, dist: usize, len: usize) {
    let end = pos + len;
    let mut d = pos;
    let mut s = pos - dist;
    if dist >= 32 && len > 32 {
        // 32 bytes a step (two 16-byte moves), whose source ends at or
        // before its destination; a last 16 where at most 16 are left, so
        // nothing lands more than SLACK past the end.
        while d + 16 < end {
            let mut w = [0u8; 32];
            w.copy_from_slice(&out[s..s + 32]);
            out[d..d + 32].copy_from_slice(&w);
            s += 32;
            d += 32;
        }
        if d < end {
            let w = load16(out, s);
            out[d..d + 16].copy_from_slice(&w);
        }
    } else if dist >= 16 && len > 32 {
        // Source and destination words never overlap.
        while d < end {
            let w = load16(out, s);
            out[d..d + 16].copy_from_slice(&w);
            s += 16;
            d += 16;
        }
    } else if dist == 1 {
        // A fill, 32 bytes a step as above.
        let w = [out[s]; 32];
        while d + 16 < end {
            out[d..d + 32].copy_from_slice(&w);
            d += 32;
        }
        if d < end {
            out[d..d + 16].copy_from_slice(&w[..16]);
        }
    } else if dist >= 8 {
        // Source and destination words never overlap.
        while d < end {
            let mut w = [0u8; 8];
            w.copy_from_slice(&out[s..s + 8]);
            out[d..d + 8].copy_from_slice(&w);
            s += 8;
            d += 8;
        }
    } else {
        // The period, 32 bytes of it (its `dist` bytes read one at a time:
        // a word load there would straddle the stores just made, which the
        // CPU cannot forward), then 32-byte stores at steps of the largest
        // multiple of `dist` in 32, and a last 16 as above.
        let mut w = [0u8; 32];
        #[allow(clippy::manual_memcpy)] // byte loads on purpose (no memcpy call)
        for i in 0..dist {
            w[i] = out[s + i];
        }
        for i in dist..32 {
            w[i] = w[i - dist];
        }
        let step = STEP32[dist];
        while d + 16 < end {
            out[d..d + 32].copy_from_slice(&w);
            d += step;
        }
        if d < end {
            out[d..d + 16].copy_from_slice(&w[..16]);
        }
    }
}

/// Copies `len` bytes from `dist` back to `pos`, exactly (`pos + len <=
/// out.len()`, `dist <= pos`).
///
/// An overlapping copy (`dist < len`) repeats the period by doubling: once
/// `k` bytes (a multiple of `dist`) are written, `out[pos - dist..pos + k]`
/// repeats with period `dist`, so its first `k + dist` bytes are also the
/// next `k + dist` bytes of the match, and one `copy_within` of
/// non-overlapping ranges writes them. A match takes `log2(len / dist)`
/// copies rather than a byte loop whose every load waits for the store
/// `dist` bytes before it. That loop is not rare: the last input bytes of
/// a highly compressed stream, which the careful loop decodes, can hold
/// kilobytes of such matches (8.6 KB of output in the last 24 bytes of
/// `Transparency.png`'s stream, whose decode took 65 µs with the byte loop
/// and 52 µs with this and whole-word copies where the output has room).
pub(super) fn copy_slow(out: &mut [u8], pos: usize, dist: usize, len: usize) {
    let src = pos - dist;
    let mut k = 0;
    while k < len {
        let n = (k + dist).min(len - k);
        out.copy_within(src..src + n, pos + k);
        k += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: byte `i` of the match is the byte `dist` before it.
    fn reference(out: &mut [u8], pos: usize, dist: usize, len: usize) {
        for i in pos..pos + len {
            out[i] = out[i - dist];
        }
    }

    #[test]
    fn fast_and_slow_equal_the_byte_loop() {
        let mut seed = 1u32;
        let mut base = [0u8; 600];
        for b in base.iter_mut() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *b = (seed >> 16) as u8;
        }
        for dist in (1..=40).chain([57, 60]) {
            for len in 3..=MAX_MATCH {
                let pos = 60;
                let mut want = base;
                reference(&mut want, pos, dist, len);
                let mut fast = base;
                copy_fast(&mut fast, pos, dist, len);
                assert_eq!(
                    fast[..pos + len],
                    want[..pos + len],
                    "fast: dist {dist} len {len}"
                );
                let mut slow = base;
                copy_slow(&mut slow, pos, dist, len);
                // Exact: nothing past the match is written.
                assert_eq!(slow, want, "slow: dist {dist} len {len}");
            }
        }
    }
}
