//! PNG row unfiltering (RFC 2083 §6), in place.
//!
//! Sub, Average and Paeth carry a dependency from each pixel to the next, so
//! they cannot be vectorized along the row; what can be done is to work on
//! whole pixels: the code is generic over the pixel size `N` and keeps the
//! left and upper-left pixels in `[u8; N]` arrays, so the compiler sees `N`
//! independent lanes per step and emits straight-line (and for 4- and 8-byte
//! pixels, SIMD) code instead of a byte loop with a loop-carried load. Up has
//! no dependency and vectorizes as a plain loop.

/// Unfilters `cur` (a row without its filter byte) given the previous
/// unfiltered row (`None` for the first row of an image or pass, which PNG
/// treats as zeros). `filter` is 0..=4 (checked by the caller); `bpp` is
/// bytes per complete pixel, at least 1.
///
/// On x86_64 (SSE2, or AVX2 where the CPU has it) and aarch64 (NEON),
/// the SIMD kernels in `png::arch::unfilter` take the filters and pixel
/// sizes where they beat this code (see there); everything else runs the
/// scalar code below.
#[cfg(not(pixb64_small))]
#[inline]
pub(crate) fn unfilter(filter: u8, bpp: usize, prev: Option<&[u8]>, cur: &mut [u8]) {
    #[cfg(any(
        all(target_arch = "x86_64", target_feature = "sse2"),
        all(target_arch = "aarch64", target_feature = "neon")
    ))]
    if crate::png::arch::unfilter::unfilter(filter, bpp, prev, cur) {
        return;
    }
    unfilter_scalar(filter, bpp, prev, cur);
}

/// The scalar unfilter: every filter and pixel size.
#[cfg(not(pixb64_small))]
pub(crate) fn unfilter_scalar(filter: u8, bpp: usize, prev: Option<&[u8]>, cur: &mut [u8]) {
    match (filter, prev) {
        (0, _) | (2, None) => {}
        (3, None) => by_bpp!(bpp, avg_first, cur),
        (1, _) | (_, None) => by_bpp!(bpp, sub, cur),
        (2, Some(p)) => up(p, cur),
        (3, Some(p)) => by_bpp!(bpp, avg, p, cur),
        (_, Some(p)) => by_bpp!(bpp, paeth, p, cur),
    }
}

/// The small form (`pixb64_small`: microcontrollers): one byte loop with
/// the pixel size at run time, instead of a copy of each filter per pixel
/// size (several KiB of flash).
#[cfg(pixb64_small)]
pub(crate) fn unfilter(filter: u8, bpp: usize, prev: Option<&[u8]>, cur: &mut [u8]) {
    if filter == 0 {
        return;
    }
    for i in 0..cur.len() {
        let a = if i >= bpp { cur[i - bpp] } else { 0 };
        let (b, c) = match prev {
            Some(p) => (p[i], if i >= bpp { p[i - bpp] } else { 0 }),
            None => (0, 0),
        };
        let pred = match filter {
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            _ => predict(i16::from(a), i16::from(b), i16::from(c)),
        };
        cur[i] = cur[i].wrapping_add(pred);
    }
}

/// Calls `f::<bpp>(args)` for the pixel sizes PNG has (1, 2, 3, 4, 6, 8).
#[cfg(not(pixb64_small))]
macro_rules! by_bpp {
    ($bpp:expr, $f:ident, $($arg:expr),*) => {
        match $bpp {
            1 => $f::<1>($($arg),*),
            2 => $f::<2>($($arg),*),
            3 => $f::<3>($($arg),*),
            4 => $f::<4>($($arg),*),
            6 => $f::<6>($($arg),*),
            _ => $f::<8>($($arg),*),
        }
    };
}
#[cfg(not(pixb64_small))]
use by_bpp;

#[cfg(not(pixb64_small))]
fn up(prev: &[u8], cur: &mut [u8]) {
    for (c, &p) in cur.iter_mut().zip(prev) {
        *c = c.wrapping_add(p);
    }
}

#[cfg(not(pixb64_small))]
#[inline(always)]
fn sub<const N: usize>(cur: &mut [u8]) {
    let mut a = [0u8; N];
    for px in cur.chunks_exact_mut(N) {
        let px: &mut [u8; N] = px.try_into().unwrap();
        for k in 0..N {
            px[k] = px[k].wrapping_add(a[k]);
        }
        a = *px;
    }
}

#[cfg(not(pixb64_small))]
#[inline(always)]
fn avg_first<const N: usize>(cur: &mut [u8]) {
    let mut a = [0u8; N];
    for px in cur.chunks_exact_mut(N) {
        let px: &mut [u8; N] = px.try_into().unwrap();
        for k in 0..N {
            px[k] = px[k].wrapping_add(a[k] >> 1);
        }
        a = *px;
    }
}

#[cfg(not(pixb64_small))]
#[inline(always)]
fn avg<const N: usize>(prev: &[u8], cur: &mut [u8]) {
    let mut a = [0u8; N];
    for (px, up) in cur.chunks_exact_mut(N).zip(prev.chunks_exact(N)) {
        let px: &mut [u8; N] = px.try_into().unwrap();
        let up: &[u8; N] = up.try_into().unwrap();
        for k in 0..N {
            // (a + b) / 2 without overflow: (a & b) + ((a ^ b) >> 1).
            let mean = (a[k] & up[k]) + ((a[k] ^ up[k]) >> 1);
            px[k] = px[k].wrapping_add(mean);
        }
        a = *px;
    }
}

#[cfg(not(pixb64_small))]
#[inline(always)]
fn paeth<const N: usize>(prev: &[u8], cur: &mut [u8]) {
    // Left (a) and upper-left (c) pixels, kept as i16 so that the predictor
    // needs no widening inside the loop.
    let mut a = [0i16; N];
    let mut c = [0i16; N];
    for (px, up) in cur.chunks_exact_mut(N).zip(prev.chunks_exact(N)) {
        let px: &mut [u8; N] = px.try_into().unwrap();
        let up: &[u8; N] = up.try_into().unwrap();
        for k in 0..N {
            let b = i16::from(up[k]);
            px[k] = px[k].wrapping_add(predict(a[k], b, c[k]));
            a[k] = i16::from(px[k]);
            c[k] = b;
        }
    }
}

/// The Paeth predictor in stb_image's form: equivalent to the
/// specification's "nearest of a, b, c to a + b - c, ties a, b, c", but
/// branch-free with min/max, which x86 compiles to a few SIMD-friendly
/// instructions per lane.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn predict(a: i16, b: i16, c: i16) -> u8 {
    let thresh = c * 3 - (a + b);
    let lo = a.min(b);
    let hi = a.max(b);
    let t0 = if hi <= thresh { lo } else { c };
    let t1 = if thresh <= lo { hi } else { t0 };
    t1 as u8
}

/// The Paeth predictor as the specification writes it (faster than the
/// stb_image form on ARM, as the `png` crate measured).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn predict(a: i16, b: i16, c: i16) -> u8 {
    let pa = (b - c).abs();
    let pb = (a - c).abs();
    let pc = (a + b - 2 * c).abs();
    let p = if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    };
    p as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn paeth_ref(a: u8, b: u8, c: u8) -> u8 {
        let p = i16::from(a) + i16::from(b) - i16::from(c);
        let pa = (p - i16::from(a)).abs();
        let pb = (p - i16::from(b)).abs();
        let pc = (p - i16::from(c)).abs();
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    }

    /// Byte-at-a-time unfiltering straight from the specification.
    fn reference(filter: u8, bpp: usize, prev: &[u8], cur: &mut [u8]) {
        for i in 0..cur.len() {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                _ => paeth_ref(a, b, c),
            };
            cur[i] = cur[i].wrapping_add(pred);
        }
    }

    #[test]
    fn matches_reference() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        };
        for bpp in [1, 2, 3, 4, 6, 8] {
            for len_px in [0, 1, 2, 5, 33] {
                let n = bpp * len_px;
                let prev: Vec<u8> = (0..n).map(|_| next()).collect();
                let row: Vec<u8> = (0..n).map(|_| next()).collect();
                for filter in 0..=4 {
                    for first in [false, true] {
                        let zeros = alloc::vec![0; n];
                        let p = if first { &zeros } else { &prev };
                        let mut want = row.clone();
                        reference(filter, bpp, p, &mut want);
                        let mut got = row.clone();
                        unfilter(filter, bpp, (!first).then_some(&prev[..]), &mut got);
                        assert_eq!(got, want, "filter {filter} bpp {bpp} n {n} first {first}");
                    }
                }
            }
        }
    }

    /// Every SIMD kernel level this CPU runs against the scalar unfilter
    /// (and, for whole pixels, the specification): every filter, bpp 1..=8,
    /// every row length 0..=300 and a few large ones, first rows included.
    /// Under Miri (CI's `miri-x86` job, built with `+ssse3,+avx2`) the
    /// lengths are 0..=20, 33 and 64, against the scalar unfilter only.
    #[cfg(all(
        any(
            all(target_arch = "x86_64", target_feature = "sse2"),
            all(target_arch = "aarch64", target_feature = "neon")
        ),
        not(pixb64_small)
    ))]
    #[test]
    fn simd_kernels_equal_scalar() {
        use crate::png::arch::unfilter::{unfilter_with, Level};
        let seed = 0x9e37_79b9_7f4a_7c15u64;
        std::println!("seed {seed:#x}");
        let mut s = seed;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as u8
        };
        let lens: Vec<usize> = if cfg!(miri) {
            (0..=20).chain([33, 64]).collect()
        } else {
            (0..=300).chain([1021, 4096 * 3 + 7, 65536 * 3]).collect()
        };
        let levels: Vec<Level> = Level::ALL.into_iter().filter(|l| l.available()).collect();
        let mut handled = alloc::vec![0usize; levels.len()];
        for &n in &lens {
            let prev: Vec<u8> = (0..n).map(|_| next()).collect();
            let row: Vec<u8> = (0..n).map(|_| next()).collect();
            let zeros = alloc::vec![0; n];
            for bpp in 1..=8 {
                for filter in 0..=4 {
                    for first in [false, true] {
                        let up = (!first).then_some(&prev[..]);
                        let mut want = row.clone();
                        unfilter_scalar(filter, bpp, up, &mut want);
                        if !cfg!(miri) && n % bpp == 0 && matches!(bpp, 1 | 2 | 3 | 4 | 6 | 8) {
                            let mut spec = row.clone();
                            reference(filter, bpp, if first { &zeros } else { &prev }, &mut spec);
                            assert_eq!(want, spec, "scalar: filter {filter} bpp {bpp} n {n}");
                        }
                        for (k, &level) in levels.iter().enumerate() {
                            let mut got = row.clone();
                            if !unfilter_with(level, filter, bpp, up, &mut got) {
                                continue;
                            }
                            handled[k] += 1;
                            assert_eq!(
                                got, want,
                                "{level:?}: filter {filter} bpp {bpp} n {n} first {first}"
                            );
                        }
                    }
                }
            }
        }
        // Every level ran kernels (a dispatch returning `false` everywhere
        // would pass the comparisons vacuously).
        assert!(handled.iter().all(|&h| h > 0), "{handled:?}");
    }

    #[cfg(all(
        any(
            all(target_arch = "x86_64", target_feature = "sse2"),
            all(target_arch = "aarch64", target_feature = "neon")
        ),
        not(pixb64_small)
    ))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: if cfg!(miri) { 4 } else { 512 },
            // Miri isolates the file system (failures are kept in files).
            failure_persistence: if cfg!(miri) {
                None
            } else {
                proptest::prelude::ProptestConfig::default().failure_persistence
            },
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// Random rows of random pixel counts: each kernel level against
        /// the scalar unfilter (failures print the inputs; proptest keeps
        /// the seeds of failing cases).
        #[test]
        fn simd_kernels_equal_scalar_random(
            filter in 0u8..=4,
            bpp in proptest::sample::select(alloc::vec![1usize, 2, 3, 4, 6, 8]),
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..3000),
            first in proptest::bool::ANY,
        ) {
            use crate::png::arch::unfilter::{unfilter_with, Level};
            let n = data.len() / 2 / bpp * bpp;
            let (prev, row) = (&data[..n], &data[n..2 * n]);
            let up = (!first).then_some(prev);
            let mut want = row.to_vec();
            unfilter_scalar(filter, bpp, up, &mut want);
            for level in Level::ALL {
                let mut got = row.to_vec();
                if level.available() && unfilter_with(level, filter, bpp, up, &mut got) {
                    proptest::prop_assert_eq!(&got, &want, "{:?}", level);
                }
            }
        }
    }
}
