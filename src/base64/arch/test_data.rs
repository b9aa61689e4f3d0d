//! Test data for every ISA's kernel tests: deterministic bytes and
//! symbols, and the input lengths each test sweeps. One copy, so that a
//! backend's tests differ from another's only in the kernels they call.

extern crate std;

use std::vec;
use std::vec::Vec;

use crate::base64::Alphabet;

/// Deterministic bytes (SplitMix64), a fixed stream per seed.
pub(crate) fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut s = seed;
    (0..len)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

/// `len` symbols of `a`: random, but each run of 64 holds every symbol
/// once shifted by the random byte, so all 64 occur in any input of 64 or
/// more (each lane of a vector sees many).
pub(crate) fn symbols(a: Alphabet, len: usize, seed: u64) -> Vec<u8> {
    let s = a.symbols();
    bytes(len, seed)
        .iter()
        .enumerate()
        .map(|(i, &b)| s[(usize::from(b) + i) % 64])
        .collect()
}

/// Input lengths: every one of 0..=300 and a few around 1 KiB, 4 KiB and
/// 64 KiB natively; a sample around the block sizes under Miri.
pub(crate) fn lengths() -> Vec<usize> {
    if cfg!(miri) {
        vec![
            0, 1, 11, 12, 23, 24, 27, 28, 31, 32, 47, 48, 63, 64, 100, 127, 128, 131, 160,
        ]
    } else {
        let mut l: Vec<usize> = (0..=300).collect();
        l.extend([1000, 1023, 1024, 4095, 4096, 4099, 65_536 + 7]);
        l
    }
}
