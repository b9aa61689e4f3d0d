//! Match copies.
//!
//! [`copy_fast`] writes whole 16- or 8-byte words and may write up to
//! [`SLACK`] bytes past the match (libdeflate's and fdeflate's technique:
//! the bytes past the end are rewritten by later output, so they never
//! matter): the caller guarantees the room. Short distances, whose source
//! overlaps the bytes being written, repeat the period: the first 16
//! bytes of the repeating pattern are built once, then stored at steps of
//! the largest multiple of the distance that fits in 16 (distance 1 is a
//! fill). [`copy_slow`] is the exact byte loop for the end of the output.

/// Bytes [`copy_fast`] may write past the end of the match.
pub(super) const SLACK: usize = 16;

/// The longest match.
pub(super) const MAX_MATCH: usize = 258;

/// `16 - 16 % d`: the largest multiple of `d` (1..16) in 16.
const STEP16: [usize; 16] = [
    16, 16, 16, 15, 16, 15, 12, 14, 16, 9, 10, 11, 12, 13, 14, 15,
];

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
    if dist >= 16 && len > 32 {
        // Source and destination words never overlap.
        while d < end {
            let w = load16(out, s);
            out[d..d + 16].copy_from_slice(&w);
            s += 16;
            d += 16;
        }
    } else if dist == 1 {
        let w = [out[s]; 16];
        while d < end {
            out[d..d + 16].copy_from_slice(&w);
            d += 16;
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
        // The period, 16 bytes of it (its `dist` bytes read one at a time:
        // a word load there would straddle the stores just made, which the
        // CPU cannot forward), then stores at steps of the largest multiple
        // of `dist` in 16.
        let mut w = [0u8; 16];
        #[allow(clippy::manual_memcpy)] // byte loads on purpose (no memcpy call)
        for i in 0..dist {
            w[i] = out[s + i];
        }
        for i in dist..16 {
            w[i] = w[i - dist];
        }
        let step = STEP16[dist];
        while d < end {
            out[d..d + 16].copy_from_slice(&w);
            d += step;
        }
    }
}

/// Copies `len` bytes from `dist` back to `pos`, exactly (`pos + len <=
/// out.len()`, `dist <= pos`).
pub(super) fn copy_slow(out: &mut [u8], pos: usize, dist: usize, len: usize) {
    if dist >= len {
        out.copy_within(pos - dist..pos - dist + len, pos);
    } else {
        for i in pos..pos + len {
            out[i] = out[i - dist];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_equals_slow() {
        let mut seed = 1u32;
        let mut base = [0u8; 600];
        for b in base.iter_mut() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *b = (seed >> 16) as u8;
        }
        for dist in 1..=40 {
            for len in 3..=MAX_MATCH {
                let pos = 60;
                let mut a = base;
                let mut b = base;
                copy_fast(&mut a, pos, dist, len);
                copy_slow(&mut b, pos, dist, len);
                assert_eq!(a[..pos + len], b[..pos + len], "dist {dist} len {len}");
            }
        }
    }
}
