//! PNG unfiltering (the reader's Sub at 2 bytes per pixel, Average and
//! Paeth at 2 to 8) in NEON registers, for aarch64.
//!
//! The same technique as the x86_64 kernels (`unfilter.rs`, after libpng's
//! `filter_neon_intrinsics.c` and `filter_sse2_intrinsics.c`): one pixel per
//! 64-bit register step along the row. Average is one `uhadd` (the halving
//! add truncates, which is exactly PNG's `(a + b) >> 1`) and an add; Paeth
//! runs on 16-bit lanes in the min/max form with `bsl` selects among the
//! finished results `x + a`, `x + b`, `x + c`. Pixels move through checked
//! slice indexing and arrays, as on x86_64, so the bodies hold no `unsafe`;
//! the one unsafe operation is calling the `#[target_feature(enable =
//! "neon")]` function, which the module's `cfg` (NEON in the target's
//! baseline) makes sound.
//!
//! Checked under qemu-user (`.ci/aarch64.sh`) against the scalar code;
//! not yet measured on Arm hardware.

use core::arch::aarch64::*;

/// The kernels' one level on aarch64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// NEON, part of the aarch64 baseline.
    Neon,
}

impl Level {
    /// Every level (for the tests).
    #[cfg(test)]
    pub(crate) const ALL: [Level; 1] = [Level::Neon];

    /// Whether this CPU runs `self`: always.
    #[cfg(test)]
    pub(crate) fn available(self) -> bool {
        true
    }
}

/// Unfilters `cur` in place with a kernel if there is one for this
/// `filter`, `bpp` and `prev`, returning whether it did; `false` leaves
/// `cur` untouched for the scalar code. `prev` is the unfiltered row above,
/// at least as long as `cur` (`None` for an image's or pass's first row).
#[inline]
pub(crate) fn unfilter(filter: u8, bpp: usize, prev: Option<&[u8]>, cur: &mut [u8]) -> bool {
    unfilter_with(Level::Neon, filter, bpp, prev, cur)
}

/// [`unfilter`] at a given level (there is one).
pub(crate) fn unfilter_with(
    _level: Level,
    filter: u8,
    bpp: usize,
    prev: Option<&[u8]>,
    cur: &mut [u8],
) -> bool {
    let (kind, prev) = match (filter, prev, bpp) {
        // Paeth with no row above is Sub (b = c = 0 predicts a).
        (1, _, 2) | (4, None, 2) => (1, &[][..]),
        (3, Some(p), 2 | 3 | 4 | 6 | 8) => (3, &p[..cur.len()]),
        (4, Some(p), 2 | 3 | 4 | 6 | 8) => (4, &p[..cur.len()]),
        _ => return false,
    };
    // SAFETY: NEON is part of the aarch64 baseline and this module is
    // compiled only with `target_feature = "neon"` (`src/png/mod.rs`),
    // the one requirement of the `#[target_feature]` fn.
    unsafe { run(kind, bpp, prev, cur) };
    true
}

/// Runs kernel `kind` (1 Sub, 3 Average, 4 Paeth) at `bpp` bytes.
#[target_feature(enable = "neon")]
fn run(kind: u8, bpp: usize, prev: &[u8], cur: &mut [u8]) {
    match (kind, bpp) {
        (1, _) => sub2(cur),
        (3, 2) => avg::<2>(prev, cur),
        (3, 3) => avg::<3>(prev, cur),
        (3, 4) => avg::<4>(prev, cur),
        (3, 6) => avg::<6>(prev, cur),
        (3, _) => avg::<8>(prev, cur),
        (_, 2) => paeth::<2>(prev, cur),
        (_, 3) => paeth::<3>(prev, cur),
        (_, 4) => paeth::<4>(prev, cur),
        (_, 6) => paeth::<6>(prev, cur),
        (_, _) => paeth::<8>(prev, cur),
    }
}

/// Pixel `s[i..i + N]` (N ≤ 8) in the low bytes of a register (the bytes
/// after it, where the slice has them, in the others: lanes are never
/// mixed and only the low `N` are stored).
#[target_feature(enable = "neon")]
#[inline]
fn load<const N: usize>(s: &[u8], i: usize) -> uint8x8_t {
    let v = if N <= 4 {
        match s.get(i..i + 4) {
            Some(w) => u64::from(u32::from_le_bytes(w.try_into().unwrap())),
            None => exact::<N>(s, i),
        }
    } else {
        match s.get(i..i + 8) {
            Some(w) => u64::from_le_bytes(w.try_into().unwrap()),
            None => exact::<N>(s, i),
        }
    };
    vcreate_u8(v)
}

#[inline(always)]
fn exact<const N: usize>(s: &[u8], i: usize) -> u64 {
    let mut t = [0u8; 8];
    t[..N].copy_from_slice(&s[i..i + N]);
    u64::from_le_bytes(t)
}

/// Writes the low `N` bytes of `v` to `s[i..i + N]`.
#[target_feature(enable = "neon")]
#[inline]
fn store<const N: usize>(s: &mut [u8], i: usize, v: uint8x8_t) {
    let t = vget_lane_u64::<0>(vreinterpret_u64_u8(v)).to_le_bytes();
    s[i..i + N].copy_from_slice(&t[..N]);
}

/// Bytes to 16-bit lanes.
#[target_feature(enable = "neon")]
#[inline]
fn widen(v: uint8x8_t) -> int16x8_t {
    vreinterpretq_s16_u16(vmovl_u8(v))
}

#[target_feature(enable = "neon")]
#[inline]
fn sub2(cur: &mut [u8]) {
    let mut a = vdup_n_u8(0);
    let mut i = 0;
    while i + 2 <= cur.len() {
        a = vadd_u8(a, load::<2>(cur, i));
        store::<2>(cur, i, a);
        i += 2;
    }
}

#[target_feature(enable = "neon")]
#[inline]
fn avg<const N: usize>(prev: &[u8], cur: &mut [u8]) {
    let mut a = vdup_n_u8(0);
    let mut i = 0;
    while i + N <= cur.len() {
        let b = load::<N>(prev, i);
        a = vadd_u8(vhadd_u8(a, b), load::<N>(cur, i));
        store::<N>(cur, i, a);
        i += N;
    }
}

#[target_feature(enable = "neon")]
#[inline]
fn paeth<const N: usize>(prev: &[u8], cur: &mut [u8]) {
    let low = vdupq_n_s16(0xff);
    let mut a = vdupq_n_s16(0);
    let mut c = a;
    let mut c8 = vdup_n_u8(0);
    let mut i = 0;
    while i + N <= cur.len() {
        let b8 = load::<N>(prev, i);
        let x8 = load::<N>(cur, i);
        let b = widen(b8);
        let x = widen(x8);
        let xa = vandq_s16(vaddq_s16(x, a), low);
        let xb = widen(vadd_u8(x8, b8));
        let xc = widen(vadd_u8(x8, c8));
        let c3 = vaddq_s16(c, vaddq_s16(c, c));
        let t = vsubq_s16(c3, vaddq_s16(a, b));
        let lo = vminq_s16(a, b);
        let hi = vmaxq_s16(a, b);
        let a_lo = vcgtq_s16(b, a);
        let x_lo = vbslq_s16(a_lo, xa, xb);
        let x_hi = vbslq_s16(a_lo, xb, xa);
        // hi <= t ? lo : c, then t <= lo ? hi : that.
        let r0 = vbslq_s16(vcgtq_s16(hi, t), xc, x_lo);
        a = vbslq_s16(vcgtq_s16(t, lo), r0, x_hi);
        store::<N>(cur, i, vmovn_u16(vreinterpretq_u16_s16(a)));
        c = b;
        c8 = b8;
        i += N;
    }
}
