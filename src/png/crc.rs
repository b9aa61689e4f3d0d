//! CRC-32 (ISO-HDLC, the polynomial PNG chunks use): slicing-by-16 over
//! three interleaved streams.
//!
//! Sixteen tables of 256 entries fold 16 input bytes per step with
//! independent lookups, so the only serial work per step is one XOR, the
//! four lookups it feeds and their XOR tree: about 11 cycles of latency per
//! 16 bytes (2.5 GB/s here, against 2.0 for slicing-by-8). Longer inputs are
//! cut into three equal parts whose CRCs run interleaved in one loop, which
//! hides that latency behind the other parts' lookups (4.7 GB/s here), and
//! are then joined with [`combine`]: multiplying the first CRC by
//! `x^(8 len) mod P`, computed from a table of `x^(2^k)` in a few hundred
//! operations. The tables take 16 KiB and stay in L1 on chunk-sized data.

const POLY: u32 = 0xEDB8_8320; // reflected 0x04C11DB7

/// Bytes folded per step (and tables).
#[cfg(not(pixb64_small))]
const SLICES: usize = 16;

#[cfg(not(pixb64_small))]
const fn make_tables<const N: usize>() -> [[u32; N_BYTE]; N] {
    let mut t = [[0u32; N_BYTE]; N];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    // t[k][i] = CRC of byte i followed by k zero bytes.
    let mut k = 1;
    while k < N {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// Entries per table: one per byte value.
#[cfg(not(pixb64_small))]
const N_BYTE: usize = 256;

#[cfg(not(pixb64_small))]
static TABLES: [[u32; 256]; SLICES] = make_tables::<SLICES>();

/// The small form (`pixb64_small`: microcontrollers, or the `small`
/// feature): a 64-byte table, half a byte at a time, instead of 16 KiB of
/// tables and three streams (PNG checks CRCs over compressed data only).
#[cfg(pixb64_small)]
static NIBBLES: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Continues a CRC-32: `crc` is the value returned for the bytes so far
/// (start with 0).
pub(crate) fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(c) = super::arch::x86_64::crc32_update_checked(crc, data, serial) {
        return c;
    }
    #[cfg(pixb64_small)]
    return serial(crc, data);
    #[cfg(not(pixb64_small))]
    return sliced(crc, data);
}

/// Three streams of slice-by-16, combined.
#[cfg(not(pixb64_small))]
fn sliced(crc: u32, data: &[u8]) -> u32 {
    const STREAMS: usize = 3;
    // Each part a multiple of 16 bytes, and long enough that joining (~0.1
    // us) is noise.
    let part = data.len() / (16 * STREAMS) * 16;
    if part < 512 {
        return serial(crc, data);
    }
    let (head, tail) = data.split_at(part * STREAMS);
    let (p0, rest) = head.split_at(part);
    let (p1, p2) = rest.split_at(part);
    let t = &TABLES;
    let (mut c0, mut c1, mut c2) = (!crc, !0, !0);
    for ((b0, b1), b2) in p0
        .chunks_exact(SLICES)
        .zip(p1.chunks_exact(SLICES))
        .zip(p2.chunks_exact(SLICES))
    {
        c0 = step(t, c0, b0.try_into().unwrap());
        c1 = step(t, c1, b1.try_into().unwrap());
        c2 = step(t, c2, b2.try_into().unwrap());
    }
    let c = combine(combine(!c0, !c1, part), !c2, part);
    serial(c, tail)
}

/// One stream, 16 bytes per step.
#[cfg(pixb64_small)]
fn serial(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= u32::from(b);
        c = (c >> 4) ^ NIBBLES[(c & 15) as usize];
        c = (c >> 4) ^ NIBBLES[(c & 15) as usize];
    }
    !c
}

#[cfg(not(pixb64_small))]
fn serial(crc: u32, data: &[u8]) -> u32 {
    let t = &TABLES;
    let mut c = !crc;
    let mut chunks = data.chunks_exact(SLICES);
    for b in &mut chunks {
        c = step(t, c, b.try_into().unwrap());
    }
    for &b in chunks.remainder() {
        c = (c >> 8) ^ t[0][((c ^ u32::from(b)) & 0xFF) as usize];
    }
    !c
}

/// Folds 16 bytes into the (inverted) register `c`.
#[cfg(not(pixb64_small))]
#[inline(always)]
fn step(t: &[[u32; 256]; SLICES], c: u32, b: &[u8; SLICES]) -> u32 {
    // The register folds into the first four bytes; byte j of the block is
    // followed by 15 - j more, hence table 15 - j.
    let w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) ^ c;
    let [w0, w1, w2, w3] = w.to_le_bytes();
    t[15][usize::from(w0)]
        ^ t[14][usize::from(w1)]
        ^ t[13][usize::from(w2)]
        ^ t[12][usize::from(w3)]
        ^ t[11][usize::from(b[4])]
        ^ t[10][usize::from(b[5])]
        ^ t[9][usize::from(b[6])]
        ^ t[8][usize::from(b[7])]
        ^ t[7][usize::from(b[8])]
        ^ t[6][usize::from(b[9])]
        ^ t[5][usize::from(b[10])]
        ^ t[4][usize::from(b[11])]
        ^ t[3][usize::from(b[12])]
        ^ t[2][usize::from(b[13])]
        ^ t[1][usize::from(b[14])]
        ^ t[0][usize::from(b[15])]
}

/// `a * b mod P` over GF(2), bit-reflected (bit 31 is x^0).
#[cfg(not(pixb64_small))]
const fn mul_mod_p(a: u32, mut b: u32) -> u32 {
    let mut m = 1u32 << 31;
    let mut p = 0;
    loop {
        if a & m != 0 {
            p ^= b;
            if a & (m - 1) == 0 {
                return p;
            }
        }
        m >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
    }
}

/// `X2N[k] = x^(2^k) mod P`.
#[cfg(not(pixb64_small))]
static X2N: [u32; 32] = {
    let mut t = [0u32; 32];
    let mut p = 1u32 << 30; // x^1
    let mut k = 0;
    while k < 32 {
        t[k] = p;
        p = mul_mod_p(p, p);
        k += 1;
    }
    t
};

/// The CRC-32 of `A` followed by `B` from `crc32(A)`, `crc32(B)` and the
/// length of `B` (as zlib's `crc32_combine`): the register is linear in the
/// data, so `A`'s CRC only needs `len_b` zero bytes appended, which is
/// multiplication by `x^(8 len_b)`.
#[cfg(not(pixb64_small))]
fn combine(crc_a: u32, crc_b: u32, len_b: usize) -> u32 {
    let mut shift = 1u32 << 31; // x^0
    let mut n = len_b;
    let mut k = 3; // a byte is x^8 = x^(2^3)
    while n != 0 {
        if n & 1 != 0 {
            shift = mul_mod_p(X2N[k & 31], shift);
        }
        n >>= 1;
        k += 1;
    }
    mul_mod_p(shift, crc_a) ^ crc_b
}

/// CRC-32 of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    crc32_update(0, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }

    #[test]
    fn check_value_and_naive() {
        // The CRC-32 "check" value from the CRC catalogue.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        let data: alloc::vec::Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 3) as u8).collect();
        for n in [
            0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 999, 1000, 1535, 1536, 1537, 1600,
            4999, 5000,
        ] {
            assert_eq!(crc32(&data[..n]), naive(&data[..n]), "n={n}");
            let (a, b) = data[..n].split_at(n / 3);
            assert_eq!(crc32_update(crc32(a), b), naive(&data[..n]), "split n={n}");
        }
    }

    /// The PCLMULQDQ kernel (where this CPU has it) against the tables: every
    /// length 64..=600 at 16 alignments, any incoming CRC, and 1 MiB.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn pclmul_equals_tables() {
        use super::super::arch::x86_64 as k;
        if !k::available() {
            return;
        }
        let data: alloc::vec::Vec<u8> = (0..(1u32 << 20) + 16)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        for off in 0..16 {
            for n in 64..=600 {
                let d = &data[off..off + n];
                let got = k::crc32_update_checked(0x1234_5678 ^ n as u32, d, serial).unwrap();
                assert_eq!(got, serial(0x1234_5678 ^ n as u32, d), "off {off} n {n}");
            }
        }
        let d = &data[3..];
        assert_eq!(k::crc32_update_checked(0, d, serial), Some(serial(0, d)));
        // Under 64 bytes the kernel is not called (it would read past them).
        assert_eq!(k::crc32_update_checked(0, &d[..63], serial), None);
        assert_eq!(crc32(d), naive(d));
    }

    #[cfg(not(pixb64_small))]
    #[test]
    fn combine_joins() {
        let data: alloc::vec::Vec<u8> = (0..3000u32).map(|i| (i * 13 + i / 7) as u8).collect();
        for (a, b) in [(0, 0), (0, 5), (5, 0), (1, 1), (100, 2900), (2999, 1)] {
            let (x, y) = data[..a + b].split_at(a);
            assert_eq!(combine(crc32(x), crc32(y), b), naive(&data[..a + b]));
        }
    }
}
