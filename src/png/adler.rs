//! Adler-32 (RFC 1950), the zlib stream checksum.
//!
//! The byte-serial definition (`a += x; b += a` per byte) is a dependency
//! chain of two adds per byte. The fast form splits the input into blocks
//! of `LANES` (32) bytes and keeps one running `a` and one running `b` *per lane
//! position*, which are independent and so vectorize:
//!
//! ```text
//!   for each block j (K blocks):   A[l] += x[j][l];   B[l] += A[l]
//!
//!   then, for the n = LANES * K bytes:
//!     a = a0 + sum_l A[l]
//!     b = b0 + n * a0 + sum_l (LANES * B[l] - l * A[l])
//! ```
//!
//! since byte `x[j][l]` sits `n - (LANES * j + l)` positions from the end and
//! `B[l] = sum_j (K - j) x[j][l]`. Blocks are grouped so the lane sums stay
//! within `u32`, and reduced modulo 65521 after each group.

const MOD: u32 = 65521;
/// Largest n such that 255 n (n + 1) / 2 + (n + 1) (MOD - 1) fits in u32.
const NMAX: usize = 5552;
/// Lane count of the vector form. 32, not 16: with 16 lanes LLVM's SROA
/// splits the accumulator arrays into scalars before the SLP vectorizer
/// runs and the loop stays scalar (about 1 GB/s); 32-element arrays stay
/// arrays and each pass becomes vector adds. With the u16 runs in [`lanes`]
/// this measured 10-13 GB/s here (the u32-only form 4-7 GB/s).
#[cfg(not(pixb64_small))]
const LANES: usize = 32;
/// Blocks per group: `LANES * BLOCKS <= NMAX`. Per lane, `A <= 255 * 173`
/// and `B <= 255 * 173 * 174 / 2 = 3.9e6`, so `LANES * B` fits in `u32`.
#[cfg(not(pixb64_small))]
const BLOCKS: usize = NMAX / LANES;

/// Continues an Adler-32: `adler` is the value for the bytes so far (start with 1).
pub(crate) fn adler32_update(adler: u32, data: &[u8]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(v) = super::arch::x86_64::adler32_update_checked(adler, data, adler32_scalar) {
        return v;
    }
    adler32_scalar(adler, data)
}

/// [`adler32_update`] without SIMD intrinsics (the lane form below).
#[cfg(not(pixb64_small))]
pub(crate) fn adler32_scalar(adler: u32, data: &[u8]) -> u32 {
    let mut a = adler & 0xFFFF;
    let mut b = adler >> 16;
    let mut groups = data.chunks_exact(LANES * BLOCKS);
    for group in &mut groups {
        (a, b) = lanes(a, b, group);
    }
    let rest = groups.remainder();
    let whole = rest.len() - rest.len() % LANES;
    let (vec_part, tail) = rest.split_at(whole);
    if !vec_part.is_empty() {
        (a, b) = lanes(a, b, vec_part);
    }
    // Fewer than 32 bytes: the serial form (a < MOD, b < MOD, no overflow).
    for &x in tail {
        a += u32::from(x);
        b += a;
    }
    (b % MOD) << 16 | (a % MOD)
}

/// The small form (`pixb64_small`: microcontrollers): zlib's loop, a byte
/// at a time, reduced every `NMAX` bytes, in `u32` only (no 64-bit
/// division, which a Cortex-M links as a library call).
#[cfg(pixb64_small)]
pub(crate) fn adler32_scalar(adler: u32, data: &[u8]) -> u32 {
    let (mut a, mut b) = (adler & 0xFFFF, adler >> 16);
    for chunk in data.chunks(NMAX) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

/// The lane form over `data` (a multiple of `LANES`, at most `NMAX` bytes),
/// starting from `a`, `b` < `MOD`; returns both reduced.
#[cfg(not(pixb64_small))]
#[inline(always)]
fn lanes(a: u32, b: u32, data: &[u8]) -> (u32, u32) {
    let mut sa = [0u32; LANES];
    let mut sb = [0u32; LANES];
    // Runs of up to SHORT blocks accumulate in u16 lanes (8 lanes per
    // vector instead of 4): per lane `ha <= 8 * 255` and
    // `hb <= 255 * 8 * 9 / 2 = 9180`. Each run then folds into the u32
    // sums: `hb` is the run's own weighted sum, and every byte before the
    // run (in `sa`) is counted once more per block of the run.
    const SHORT: usize = 8;
    for run in data.chunks(LANES * SHORT) {
        let mut ha = [0u16; LANES];
        let mut hb = [0u16; LANES];
        for block in run.chunks_exact(LANES) {
            for (s, &x) in ha.iter_mut().zip(block) {
                *s += u16::from(x);
            }
            for (s, &x) in hb.iter_mut().zip(&ha) {
                *s += x;
            }
        }
        let k = (run.len() / LANES) as u32;
        for l in 0..LANES {
            sb[l] += k * sa[l] + u32::from(hb[l]);
            sa[l] += u32::from(ha[l]);
        }
    }
    let n = data.len() as u64;
    let mut sum_a = 0u64;
    let mut sum_b = 0u64;
    for l in 0..LANES {
        sum_a += u64::from(sa[l]);
        sum_b += LANES as u64 * u64::from(sb[l]);
        sum_b -= l as u64 * u64::from(sa[l]);
    }
    let m = u64::from(MOD);
    let a2 = (u64::from(a) + sum_a) % m;
    let b2 = (u64::from(b) + n * u64::from(a) + sum_b) % m;
    (a2 as u32, b2 as u32)
}

/// Adler-32 of `data`.
#[cfg(test)]
pub(crate) fn adler32(data: &[u8]) -> u32 {
    adler32_update(1, data)
}

/// The Adler-32 of `X ++ Y` from `adler1 = adler32(X)`, `adler2 =
/// adler32(Y)` and `len2 = Y.len()` (zlib's `adler32_combine`).
///
/// With `a`, `b` the two halves and `n = len2`: the `a` sums add, minus the
/// extra initial 1 that `adler2` started from; every byte of `Y` adds `a1`
/// once more to `b`, so `b = b1 + b2 + n * (a1 - 1)`.
#[cfg(any(feature = "std", test))]
pub(crate) fn adler32_combine(adler1: u32, adler2: u32, len2: u64) -> u32 {
    let m = u64::from(MOD);
    let (a1, b1) = (u64::from(adler1 & 0xFFFF), u64::from(adler1 >> 16));
    let (a2, b2) = (u64::from(adler2 & 0xFFFF), u64::from(adler2 >> 16));
    let n = len2 % m;
    let a = (a1 + a2 + m - 1) % m;
    let b = (b1 + b2 + n * ((a1 + m - 1) % m)) % m;
    ((b as u32) << 16) | a as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(data: &[u8]) -> u32 {
        let mut a = 1u32;
        let mut b = 0u32;
        for &x in data {
            a = (a + u32::from(x)) % MOD;
            b = (b + a) % MOD;
        }
        (b << 16) | a
    }

    #[test]
    fn known_values() {
        assert_eq!(adler32(b""), 1);
        // RFC 1950 / Wikipedia example.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let big = alloc::vec![0xFFu8; 100_000];
        assert_eq!(adler32(&big), naive(&big));
        let (x, y) = big.split_at(12_345);
        assert_eq!(adler32_update(adler32(x), y), adler32(&big));
    }

    #[test]
    fn lane_form_matches_serial_at_every_boundary() {
        let data: alloc::vec::Vec<u8> = (0..3 * NMAX as u32 + 77)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | (i as u8 & 0x80))
            .collect();
        let sizes = [
            0,
            1,
            15,
            16,
            17,
            31,
            32,
            33,
            255,
            256,
            257,
            288,
            NMAX - 1,
            NMAX,
            NMAX + 1,
            NMAX + 16,
            2 * NMAX + 5,
            data.len(),
        ];
        for &n in &sizes {
            assert_eq!(adler32(&data[..n]), naive(&data[..n]), "n={n}");
            for split in [0, 1, 7, 16, n / 2, n] {
                let split = split.min(n);
                let (x, y) = data[..n].split_at(split);
                assert_eq!(
                    adler32_update(adler32(x), y),
                    naive(&data[..n]),
                    "n={n} s={split}"
                );
            }
        }
        // Worst case for the lane sums: all 0xFF.
        let ff = alloc::vec![0xFFu8; 4 * NMAX + 3];
        assert_eq!(adler32(&ff), naive(&ff));
    }

    /// The AVX2 kernel (where this CPU has it) against the lane form: every
    /// length 64..=700 at 32 offsets, chunk boundaries, and all-0xFF input
    /// (the lane sums' worst case) over several chunks.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn avx2_equals_scalar() {
        use super::super::arch::x86_64 as k;
        let data: alloc::vec::Vec<u8> = (0..(3 * k::ADLER_CHUNK as u32 + 100))
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let Some(_) = k::adler32_update_checked(1, &data, adler32_scalar) else {
            return; // no AVX2 here
        };
        for off in 0..32 {
            for n in 64..=700 {
                let d = &data[off..off + n];
                let got = k::adler32_update_checked(0x1234_5678 % MOD, d, adler32_scalar);
                assert_eq!(
                    got,
                    Some(adler32_scalar(0x1234_5678 % MOD, d)),
                    "off {off} n {n}"
                );
            }
        }
        for n in [
            k::ADLER_CHUNK - 32,
            k::ADLER_CHUNK,
            k::ADLER_CHUNK + 33,
            data.len(),
        ] {
            let got = k::adler32_update_checked(1, &data[..n], adler32_scalar);
            assert_eq!(got, Some(naive(&data[..n])), "n {n}");
        }
        let ff = alloc::vec![0xFFu8; 3 * k::ADLER_CHUNK + 31];
        assert_eq!(
            k::adler32_update_checked(1, &ff, adler32_scalar),
            Some(naive(&ff))
        );
        assert_eq!(
            k::adler32_update_checked(1, &ff[..63], adler32_scalar),
            None
        );
    }

    #[test]
    fn combine_matches_concatenation() {
        let data: alloc::vec::Vec<u8> = (0..20_000u32).map(|i| (i * 31 + i / 7) as u8).collect();
        for split in [0, 1, 2, 100, 5552, 5553, 10_000, 19_999, 20_000] {
            let (x, y) = data.split_at(split);
            assert_eq!(
                adler32_combine(adler32(x), adler32(y), y.len() as u64),
                adler32(&data),
                "split {split}"
            );
        }
        // Lengths beyond one modulus period, with all-zero data (adler2 = 1).
        let zeros = alloc::vec![0u8; 200_000];
        let whole = adler32(&zeros);
        let (x, y) = zeros.split_at(3);
        assert_eq!(
            adler32_combine(adler32(x), adler32(y), y.len() as u64),
            whole
        );
        assert_eq!(adler32_combine(adler32(b"ab"), 1, 0), adler32(b"ab"));
    }
}
