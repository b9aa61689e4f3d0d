//! PNG unfiltering (the reader's Sub, Average and Paeth) in SSE2 registers,
//! for x86_64.
//!
//! Average and Paeth depend on the pixel to the left, so a row cannot be
//! split across lanes; the technique (libpng's `filter_sse2_intrinsics.c`,
//! also used by Chromium and stb-derived decoders) is to hold *one pixel* in
//! a vector register and step along the row, so that the 2 to 8 bytes of a
//! pixel are computed together by single instructions whatever the pixel
//! size; the scalar code only manages that for 4 and 8 bytes. Pixels come
//! in with one `movd`/`movq` of 4 or 8 bytes from the pixel on where the
//! slice has them (assembled in an array at the row's end) and leave
//! through an array of which only the pixel's bytes are copied, all through
//! checked slice indexing: the kernel bodies hold no `unsafe`, and no access
//! can leave the row whatever its length. The one unsafe operation is the
//! call into a `#[target_feature]` function, in [`unfilter_with`].
//!
//! - Average in 8-bit lanes: `(a + b) >> 1` is `!pavgb(!a, !b)` (`pavgb`
//!   rounds up), so the kernel carries the left pixel complemented and
//!   spends two instructions per pixel on the serial dependency.
//! - Paeth in 16-bit lanes, branch-free, in the min/max form of stb_image
//!   (the scalar code's form): with `t = 3c - (a + b)`, the prediction is
//!   `max(a, b)` if `t <= min(a, b)`, else `min(a, b)` if `max(a, b) <= t`,
//!   else `c`; each choice is a compare and a select (`pblendvb` where the
//!   AVX2 build has it, and/andnot/or in SSE2).
//!
//! SSE2 is part of x86_64, so those kernels run everywhere; the same bodies
//! are compiled a second time with AVX2 enabled (VEX three-operand forms,
//! `vpblendvb`, `vpmovzxbw`) and chosen at run time through the cached
//! feature probe the base64 dispatch uses (with and without `std`).

/// Which compilation of the kernels to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// The x86_64 baseline.
    Sse2,
    /// Compiled with `target_feature = "avx2"`; only where the CPU has it.
    Avx2,
}

impl Level {
    /// The best level this CPU runs (probed once, then cached).
    #[inline]
    pub(crate) fn detect() -> Level {
        if crate::base64::arch::x86_64::features().avx2() {
            Level::Avx2
        } else {
            Level::Sse2
        }
    }

    /// Whether this CPU runs `self` (for the tests and the bench hook).
    #[cfg(any(test, feature = "bench-hooks"))]
    pub(crate) fn available(self) -> bool {
        match self {
            Level::Sse2 => true,
            Level::Avx2 => crate::base64::arch::x86_64::features().avx2(),
        }
    }
}

/// Unfilters `cur` in place with a kernel if there is one for this
/// `filter`, `bpp` and `prev`, returning whether it did; `false` leaves
/// `cur` untouched for the scalar code. `prev` is the unfiltered row above,
/// at least as long as `cur` (`None` for an image's or pass's first row).
#[inline]
pub(crate) fn unfilter(filter: u8, bpp: usize, prev: Option<&[u8]>, cur: &mut [u8]) -> bool {
    unfilter_with(Level::detect(), filter, bpp, prev, cur)
}

/// [`unfilter`] at a given level, which must be available on this CPU
/// (checked: an unavailable level falls back to SSE2).
pub(crate) fn unfilter_with(
    level: Level,
    filter: u8,
    bpp: usize,
    prev: Option<&[u8]>,
    cur: &mut [u8],
) -> bool {
    // Where the kernels win (benches/benches/png_unfilter.rs): Average and
    // Paeth at 2 to 8 bytes per pixel; at 1 byte, where a register step
    // does one byte, the scalar code is faster. Sub only at 2 bytes, where
    // the scalar loop is pathologically slow (a tenth of its speed at 1
    // or 3 bytes); elsewhere the compiler's code is as fast.
    let kind = match (filter, prev, bpp) {
        // Paeth with no row above is Sub (b = c = 0 predicts a).
        (1, _, 2) | (4, None, 2) => Kind::Sub,
        (3, Some(_), 2 | 3 | 4 | 6 | 8) => Kind::Avg,
        (4, Some(_), 2 | 3 | 4 | 6 | 8) => Kind::Paeth,
        _ => return false,
    };
    // Sub never reads `prev` (an empty slice when there is none).
    let prev = match prev {
        Some(p) => &p[..cur.len()],
        None => &[],
    };
    if level == Level::Avx2 && crate::base64::arch::x86_64::features().avx2() {
        // SAFETY: the CPU has AVX2 (with OS support), checked on this line
        // by the same cached probe as the base64 dispatch; that is the only
        // requirement of the `#[target_feature(enable = "avx2")]` fn.
        unsafe { avx2::run(kind, bpp, prev, cur) };
    } else {
        // SAFETY: SSE2 is part of the x86_64 baseline, and this module is
        // compiled only with `target_feature = "sse2"` (`png/mod.rs`).
        unsafe { sse2::run(kind, bpp, prev, cur) };
    }
    true
}

#[derive(Clone, Copy)]
enum Kind {
    Sub,
    Avg,
    Paeth,
}

/// The kernels, written once and compiled twice (module `sse2` with the
/// baseline, module `avx2` with AVX2 enabled), so that every helper is
/// inlined with the same target features as the loop that calls it.
macro_rules! kernels {
    ($feature:literal) => {
        use super::Kind;
        use core::arch::x86_64::*;

        /// Runs the kernel for `kind` at pixel size `bpp` (2 for Sub; 2, 3,
        /// 4, 6 or 8 for the others).
        #[target_feature(enable = $feature)]
        pub(super) fn run(kind: Kind, bpp: usize, prev: &[u8], cur: &mut [u8]) {
            match (kind, bpp) {
                (Kind::Sub, _) => sub::<2>(cur),
                (Kind::Avg, 2) => avg::<2>(prev, cur),
                (Kind::Avg, 3) => avg::<3>(prev, cur),
                (Kind::Avg, 4) => avg::<4>(prev, cur),
                (Kind::Avg, 6) => avg::<6>(prev, cur),
                (Kind::Avg, _) => avg::<8>(prev, cur),
                (Kind::Paeth, 2) => paeth::<2>(prev, cur),
                (Kind::Paeth, 3) => paeth::<3>(prev, cur),
                (Kind::Paeth, 4) => paeth::<4>(prev, cur),
                (Kind::Paeth, 6) => paeth::<6>(prev, cur),
                (Kind::Paeth, _) => paeth::<8>(prev, cur),
            }
        }

        /// Pixel `s[i..i + N]` (N ≤ 8) in the low bytes of a register.
        #[target_feature(enable = $feature)]
        #[inline]
        fn load<const N: usize>(s: &[u8], i: usize) -> __m128i {
            // One `movd`/`movq` of the pixel and the bytes after it where
            // the slice has them (the kernels work lane by lane and store
            // only the low `N` bytes, so the extra lanes are never used);
            // the pixel alone, assembled in an array, at the row's end.
            if N <= 4 {
                if let Some(w) = s.get(i..i + 4) {
                    return _mm_cvtsi32_si128(i32::from_le_bytes(w.try_into().unwrap()));
                }
            } else if let Some(w) = s.get(i..i + 8) {
                return _mm_cvtsi64_si128(i64::from_le_bytes(w.try_into().unwrap()));
            }
            let mut t = [0u8; 8];
            t[..N].copy_from_slice(&s[i..i + N]);
            _mm_cvtsi64_si128(i64::from_le_bytes(t))
        }

        /// Writes the low `N` bytes of `v` to `s[i..i + N]`.
        #[target_feature(enable = $feature)]
        #[inline]
        fn store<const N: usize>(s: &mut [u8], i: usize, v: __m128i) {
            let t = _mm_cvtsi128_si64(v).to_le_bytes();
            s[i..i + N].copy_from_slice(&t[..N]);
        }

        /// `m ? x : y` lane by lane, `m` all ones or all zeros per lane.
        #[target_feature(enable = $feature)]
        #[inline]
        fn select(m: __m128i, x: __m128i, y: __m128i) -> __m128i {
            _mm_or_si128(_mm_and_si128(m, x), _mm_andnot_si128(m, y))
        }

        #[target_feature(enable = $feature)]
        #[inline]
        fn sub<const N: usize>(cur: &mut [u8]) {
            let mut a = _mm_setzero_si128();
            let mut i = 0;
            while i + N <= cur.len() {
                a = _mm_add_epi8(a, load::<N>(cur, i));
                store::<N>(cur, i, a);
                i += N;
            }
        }

        #[target_feature(enable = $feature)]
        #[inline]
        fn avg<const N: usize>(prev: &[u8], cur: &mut [u8]) {
            // With `pavgb` rounding up, floor((a + b) / 2) is
            // `!pavgb(!a, !b)`; carried as the complement `na = !a`, the
            // step is `na' = pavgb(na, !b) - x`: two instructions on the
            // dependency from one pixel to the next (the textbook
            // `pavgb(a, b) - ((a ^ b) & 1)` has four).
            let ones = _mm_set1_epi8(-1);
            let zero = _mm_setzero_si128();
            let mut na = ones;
            let mut i = 0;
            while i + N <= cur.len() {
                let nb = _mm_xor_si128(load::<N>(prev, i), ones);
                let neg_x = _mm_sub_epi8(zero, load::<N>(cur, i));
                na = _mm_add_epi8(_mm_avg_epu8(na, nb), neg_x);
                store::<N>(cur, i, _mm_xor_si128(na, ones));
                i += N;
            }
        }

        #[target_feature(enable = $feature)]
        #[inline]
        fn paeth<const N: usize>(prev: &[u8], cur: &mut [u8]) {
            let zero = _mm_setzero_si128();
            let low = _mm_set1_epi16(0xff);
            // Left (a) and upper-left (c) pixels, widened to 16-bit lanes.
            let mut a = zero;
            let mut c = zero;
            let mut i = 0;
            while i + N <= cur.len() {
                let b = _mm_unpacklo_epi8(load::<N>(prev, i), zero);
                let x = _mm_unpacklo_epi8(load::<N>(cur, i), zero);
                let c3 = _mm_add_epi16(c, _mm_add_epi16(c, c));
                let t = _mm_sub_epi16(c3, _mm_add_epi16(a, b));
                let lo = _mm_min_epi16(a, b);
                let hi = _mm_max_epi16(a, b);
                // hi <= t ? lo : c, then t <= lo ? hi : that.
                let t0 = select(_mm_cmpgt_epi16(hi, t), c, lo);
                let t1 = select(_mm_cmpgt_epi16(t, lo), t0, hi);
                a = _mm_and_si128(_mm_add_epi16(x, t1), low);
                store::<N>(cur, i, _mm_packus_epi16(a, a));
                c = b;
                i += N;
            }
        }
    };
}

mod sse2 {
    kernels!("sse2");
}

mod avx2 {
    kernels!("avx2");
}
