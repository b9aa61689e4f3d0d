//! PNG unfiltering (the reader's Sub, Average and Paeth) in SSE2 and AVX2
//! registers, for x86_64.
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
//!   AVX2 build has it, and/andnot/or in SSE2). The selects pick among the
//!   three finished results `x + a`, `x + b`, `x + c` rather than among
//!   predictors, which keeps the final add off the serial path.
//! - Sub at 3, 4 and 6 bytes per pixel (AVX2 level) as a prefix sum over 12
//!   or 16 bytes in a register, with the previous block's last pixel
//!   broadcast by `pshufb` as the carry; at 2 bytes one pixel a step.
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
        if crate::cpu::features().avx2() {
            Level::Avx2
        } else {
            Level::Sse2
        }
    }

    /// Every level, best last (for the tests).
    #[cfg(test)]
    pub(crate) const ALL: [Level; 2] = [Level::Sse2, Level::Avx2];

    /// Whether this CPU runs `self` (for the tests and the bench hook).
    #[cfg(any(test, feature = "bench-hooks"))]
    pub(crate) fn available(self) -> bool {
        match self {
            Level::Sse2 => true,
            Level::Avx2 => crate::cpu::features().avx2(),
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
    // Paeth at 2 to 8 bytes per pixel (at 1 byte, where a register step
    // does one byte, the scalar code is faster). Sub at 2 bytes one pixel a
    // step (the scalar loop is pathologically slow there: a tenth of its 1-
    // and 3-byte speed), and at 3, 4 and 6 as a prefix sum over a register
    // (AVX2 level only: it needs `pshufb`); at 1 and 8 bytes the compiler's
    // code is as fast.
    if matches!(
        (filter, prev, bpp),
        (1, _, 3 | 4 | 6) | (4, None, 3 | 4 | 6)
    ) {
        if level != Level::Avx2 || !crate::cpu::features().avx2() {
            return false;
        }
        // SAFETY: the CPU has AVX2 (with OS support), checked on the line
        // above by the same cached probe as the base64 dispatch; that is
        // the only requirement of the `#[target_feature]` fn.
        unsafe { avx2::sub_prefix(bpp, cur) };
        return true;
    }
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
    if level == Level::Avx2 && crate::cpu::features().avx2() {
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
            // Left (a) and upper-left (c) pixels, widened to 16-bit lanes;
            // `c8` is `c` in bytes.
            let mut a = zero;
            let mut c = zero;
            let mut c8 = zero;
            let mut i = 0;
            while i + N <= cur.len() {
                let b8 = load::<N>(prev, i);
                let x8 = load::<N>(cur, i);
                let b = _mm_unpacklo_epi8(b8, zero);
                let x = _mm_unpacklo_epi8(x8, zero);
                // The three possible results, x + a, x + b, x + c (mod
                // 256): the last two do not depend on `a` and are made in
                // bytes; choosing among results rather than predictors
                // takes the add off the serial path, which is then
                // a + b, t, compare, select, select.
                let xa = _mm_and_si128(_mm_add_epi16(x, a), low);
                let xb = _mm_unpacklo_epi8(_mm_add_epi8(x8, b8), zero);
                let xc = _mm_unpacklo_epi8(_mm_add_epi8(x8, c8), zero);
                let c3 = _mm_add_epi16(c, _mm_add_epi16(c, c));
                let t = _mm_sub_epi16(c3, _mm_add_epi16(a, b));
                let lo = _mm_min_epi16(a, b);
                let hi = _mm_max_epi16(a, b);
                // x + lo and x + hi (a = b: either is right).
                let a_lo = _mm_cmpgt_epi16(b, a);
                let x_lo = select(a_lo, xa, xb);
                let x_hi = select(a_lo, xb, xa);
                // hi <= t ? lo : c, then t <= lo ? hi : that.
                let r0 = select(_mm_cmpgt_epi16(hi, t), xc, x_lo);
                a = select(_mm_cmpgt_epi16(t, lo), r0, x_hi);
                store::<N>(cur, i, _mm_packus_epi16(a, a));
                c = b;
                c8 = b8;
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

    /// Sub at 3, 4 or 6 bytes per pixel (`bpp`).
    #[target_feature(enable = "avx2")]
    pub(super) fn sub_prefix(bpp: usize, cur: &mut [u8]) {
        match bpp {
            3 => sub_wide::<3, 12>(cur),
            4 => sub_wide::<4, 16>(cur),
            _ => sub_wide::<6, 12>(cur),
        }
    }

    /// A register from 16 bytes (a `movdqu` once compiled).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn from_bytes(t: [u8; 16]) -> __m128i {
        let lo = i64::from_le_bytes(t[..8].try_into().unwrap());
        let hi = i64::from_le_bytes(t[8..].try_into().unwrap());
        _mm_set_epi64x(hi, lo)
    }

    /// The `pshufb` control that moves every byte `k` lanes up (zeros in).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn shift_up(k: usize) -> __m128i {
        let mut t = [0x80u8; 16];
        for (j, v) in t.iter_mut().enumerate().skip(k) {
            *v = (j - k) as u8;
        }
        from_bytes(t)
    }

    /// Sub as a prefix sum in registers (the technique of libpng's SSE2
    /// `png_read_filter_row_sub*`, generalized): a block of `S` bytes
    /// (`S / N` pixels) adds itself shifted up by one pixel, then by two,
    /// so that each pixel holds the sum of those before it in the block;
    /// then the last pixel of the block before, broadcast to every pixel
    /// (`carry`). The serial path is one add and one `pshufb` per block
    /// instead of one add per pixel. Blocks load 16 bytes and store `S`;
    /// the pixels after the last whole 16 bytes go one at a time.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn sub_wide<const N: usize, const S: usize>(cur: &mut [u8]) {
        let by_one = shift_up(N);
        let by_two = shift_up(2 * N);
        let mut t = [0x80u8; 16];
        for (j, v) in t.iter_mut().enumerate().take(S) {
            *v = (S - N + j % N) as u8;
        }
        let broadcast = from_bytes(t);
        let mut carry = _mm_setzero_si128();
        let mut i = 0;
        while let Some(w) = cur.get(i..i + 16) {
            let x = from_bytes(w.try_into().unwrap());
            let mut v = _mm_add_epi8(x, _mm_shuffle_epi8(x, by_one));
            if 2 * N < S {
                v = _mm_add_epi8(v, _mm_shuffle_epi8(v, by_two));
            }
            v = _mm_add_epi8(v, carry);
            let lo = _mm_cvtsi128_si64(v).to_le_bytes();
            let hi = _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v)).to_le_bytes();
            let mut out = [0u8; 16];
            out[..8].copy_from_slice(&lo);
            out[8..].copy_from_slice(&hi);
            cur[i..i + S].copy_from_slice(&out[..S]);
            carry = _mm_shuffle_epi8(v, broadcast);
            i += S;
        }
        // `carry` holds the last pixel in its low `N` bytes.
        let mut a = carry;
        while i + N <= cur.len() {
            a = _mm_add_epi8(a, load::<N>(cur, i));
            store::<N>(cur, i, a);
            i += N;
        }
    }
}
