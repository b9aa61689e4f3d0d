//! Adler-32 (RFC 1950), the zlib stream checksum.

const MOD: u32 = 65521;
/// Largest n such that 255 n (n + 1) / 2 + (n + 1) (MOD - 1) fits in u32.
const NMAX: usize = 5552;

/// Continues an Adler-32: `adler` is the value for the bytes so far (start with 1).
pub(crate) fn adler32_update(adler: u32, data: &[u8]) -> u32 {
    let mut a = adler & 0xFFFF;
    let mut b = adler >> 16;
    for chunk in data.chunks(NMAX) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Adler-32 of `data`.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    adler32_update(1, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(adler32(b""), 1);
        // RFC 1950 / Wikipedia example.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let big = alloc::vec![0xFFu8; 100_000];
        let mut a = 1u32;
        let mut b = 0u32;
        for &x in &big {
            a = (a + u32::from(x)) % MOD;
            b = (b + a) % MOD;
        }
        assert_eq!(adler32(&big), (b << 16) | a);
        let (x, y) = big.split_at(12_345);
        assert_eq!(adler32_update(adler32(x), y), adler32(&big));
    }
}
