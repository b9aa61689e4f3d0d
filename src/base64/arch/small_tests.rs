//! The tests of the small-input kernels (`encode_final`, `decode_small`),
//! shared by every backend that has them: each backend's `tests` module
//! names its kernels in a [`Small`] and runs these bodies from its own
//! `#[test]`s (so a test filter by module, as CI's Miri job uses, still
//! selects them). The model is the scalar backend's public API.

extern crate std;

use std::string::String;
use std::vec::Vec;
use std::{format, vec};

use super::test_data::{bytes, lengths, symbols};
use super::{DecodeSmall, EncodeFinal};
use crate::base64::{Alphabet, Backend, Base64, DecodePadding, OutputTooSmall};

const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];
/// Not ASCII, so never a symbol: any change to it is a stray store.
const SENTINEL: u8 = 0xA5;

/// One backend's small-input kernels, and the block sizes their tests
/// sweep around.
pub(crate) struct Small {
    /// Whose kernels: they run only where [`Backend::is_available`].
    pub(crate) backend: Backend,
    pub(crate) encode_final: EncodeFinal,
    pub(crate) decode_small: DecodeSmall,
    /// The longest input `decode_small` takes (its `SMALL_MAX`).
    pub(crate) small_max: usize,
    /// Input bytes of one encode block (`encode_final`'s last block takes
    /// 1 to this many).
    pub(crate) enc_block: usize,
    /// Symbols of one decode block.
    pub(crate) dec_block: usize,
}

/// The `#[test]`s running these bodies on the [`Small`] `$k`, written into
/// the module that invokes it (see `prefix_kernel_tests!`).
macro_rules! small_kernel_tests {
    ($k:expr) => {
        #[test]
        fn encode_final_matches_scalar() {
            $crate::base64::arch::small_tests::encode_final_matches_scalar(&$k);
        }

        #[test]
        fn encode_final_every_tail_value() {
            $crate::base64::arch::small_tests::encode_final_every_tail_value(&$k);
        }

        #[test]
        fn decode_small_matches_scalar() {
            $crate::base64::arch::small_tests::decode_small_matches_scalar(&$k);
        }

        #[test]
        fn decode_small_rejects_non_symbols() {
            $crate::base64::arch::small_tests::decode_small_rejects_non_symbols(&$k);
        }

        #[test]
        fn decode_small_trailing_bits() {
            $crate::base64::arch::small_tests::decode_small_trailing_bits(&$k);
        }
    };
}
pub(crate) use small_kernel_tests;

/// The scalar codec for `a` that encodes with or without padding.
fn scalar_enc(a: Alphabet, pad: bool) -> Base64 {
    Base64::new(a)
        .with_encode_padding(pad)
        .with_backend(Backend::Scalar)
        .unwrap()
}

/// The scalar codec that decodes what `decode_small` sees: symbols without
/// padding (`=` is an error), trailing bits checked or not.
fn scalar_dec(a: Alphabet, check_trailing: bool) -> Base64 {
    Base64::new(a)
        .with_decode_padding(DecodePadding::Forbidden)
        .with_trailing_bits_allowed(!check_trailing)
        .with_backend(Backend::Scalar)
        .unwrap()
}

/// `encode_final` into `output[..out_len]` of a sentinel-filled buffer:
/// the same result as scalar, the same whole buffer (nothing written past
/// the encoding, nothing at all on `Err`).
fn check_encode_final(k: &Small, a: Alphabet, input: &[u8], pad: bool, out_len: usize) {
    let mut got = vec![SENTINEL; out_len + 64];
    // SAFETY: the callers run only where the CPU has the ISA
    // (`k.backend.is_available()`, checked first).
    let r = unsafe { (k.encode_final)(a, input, pad, &mut got[..out_len]) };
    let mut want = vec![SENTINEL; out_len + 64];
    let w = scalar_enc(a, pad).encode_to_slice(input, &mut want[..out_len]);
    let ctx = || format!("{a:?} len {} pad {pad} out {out_len}", input.len());
    assert_eq!(r, w, "{}", ctx());
    assert_eq!(got, want, "{}", ctx());
    if let Err(OutputTooSmall { .. }) = r {
        assert!(got.iter().all(|&b| b == SENTINEL), "{}", ctx());
    }
}

/// Every length, both alphabets, padding on and off, into an exact, a
/// roomy and a one or two bytes short output.
pub(crate) fn encode_final_matches_scalar(k: &Small) {
    if !k.backend.is_available() {
        return;
    }
    for a in ALPHABETS {
        for pad in [true, false] {
            for len in lengths() {
                let input = bytes(len, 5 * len as u64 + u64::from(pad));
                let need = scalar_enc(a, pad).encoded_len(len).unwrap();
                check_encode_final(k, a, &input, pad, need);
                check_encode_final(k, a, &input, pad, need + 7);
                for short in 1..=2.min(need) {
                    check_encode_final(k, a, &input, pad, need - short);
                }
            }
        }
    }
}

/// Every 6-bit value in every position of the final partial group, at the
/// tail lengths of the kernel's last block (and the block before it).
pub(crate) fn encode_final_every_tail_value(k: &Small) {
    if !k.backend.is_available() {
        return;
    }
    let e = k.enc_block;
    for a in ALPHABETS {
        let lens: Vec<usize> = if cfg!(miri) {
            vec![1, 2, e / 2 + 1, e + 1, 2 * e - 1]
        } else {
            (1..=3 * e).collect()
        };
        for len in lens {
            for v in 0..=255u8 {
                if cfg!(miri) && v % 51 != 0 {
                    continue;
                }
                let mut input = bytes(len, len as u64);
                let last = input.len() - 1;
                input[last] = v;
                input[last / 2] = v.rotate_left(3);
                for pad in [true, false] {
                    let need = scalar_enc(a, pad).encoded_len(len).unwrap();
                    check_encode_final(k, a, &input, pad, need);
                }
            }
        }
    }
}

/// `decode_small` into `output[..out_len]` of a sentinel-filled buffer:
/// `Some(n)` exactly where scalar decodes the symbols into `n` bytes that
/// fit, with the same bytes and nothing written past them; `None` for
/// everything else (errors, a short output, too many symbols).
fn check_decode_small(k: &Small, a: Alphabet, syms: &[u8], check_trailing: bool, out_len: usize) {
    let mut got = vec![SENTINEL; out_len + 64];
    // SAFETY: the callers run only where the CPU has the ISA
    // (`k.backend.is_available()`, checked first).
    let r = unsafe { (k.decode_small)(a, syms, check_trailing, &mut got[..out_len]) };
    let mut want = vec![SENTINEL; out_len + 64];
    let w = scalar_dec(a, check_trailing).decode_to_slice(syms, &mut want[..out_len]);
    let ctx = || {
        format!(
            "{a:?} trailing {check_trailing} out {out_len} -> {r:?} / {w:?}, {:?}",
            String::from_utf8_lossy(syms)
        )
    };
    match w {
        Ok(n) if (2..=k.small_max).contains(&syms.len()) => {
            assert_eq!(r, Some(n), "{}", ctx());
            assert_eq!(got, want, "{}", ctx());
        }
        _ => {
            assert_eq!(r, None, "{}", ctx());
            assert!(got[out_len..].iter().all(|&b| b == SENTINEL), "{}", ctx());
        }
    }
}

/// Symbol counts around the small kernel's blocks and limit.
fn small_lengths(k: &Small) -> Vec<usize> {
    let (max, d) = (k.small_max, k.dec_block);
    if cfg!(miri) {
        let mut v = vec![0, 1, 2, 3, 4, 7, d / 2, d / 2 + 2, d, d + 2];
        v.extend([max - 1, max, max + 2]);
        v.sort_unstable();
        v.dedup();
        v
    } else {
        (0..=max + 8).collect()
    }
}

/// Every symbol count 0..=`small_max` + 8, random symbols (trailing bits
/// mostly set) and real encodings (trailing bits zero), trailing bits
/// checked and not, into an exact, a roomy and a one byte short output.
pub(crate) fn decode_small_matches_scalar(k: &Small) {
    if !k.backend.is_available() {
        return;
    }
    for a in ALPHABETS {
        for len in small_lengths(k) {
            let random = symbols(a, len, 3 * len as u64);
            let raw = bytes(len * 3 / 4, len as u64);
            let mut text = vec![0u8; len + 4];
            let n = scalar_enc(a, false)
                .encode_to_slice(&raw, &mut text)
                .unwrap();
            text.truncate(n);
            for syms in [&random, &text] {
                let need = syms.len() * 3 / 4;
                for check in [true, false] {
                    check_decode_small(k, a, syms, check, need);
                    check_decode_small(k, a, syms, check, need + 5);
                    if need > 0 {
                        check_decode_small(k, a, syms, check, need - 1);
                    }
                }
            }
        }
    }
}

/// Every byte that is not a symbol, at every position: `None`.
pub(crate) fn decode_small_rejects_non_symbols(k: &Small) {
    if !k.backend.is_available() {
        return;
    }
    for a in ALPHABETS {
        let others: Vec<u8> = (0..=255u8).filter(|c| !a.symbols().contains(c)).collect();
        for len in small_lengths(k) {
            let raw = bytes(len * 3 / 4, 7 * len as u64);
            let mut text = vec![0u8; len + 4];
            let n = scalar_enc(a, false)
                .encode_to_slice(&raw, &mut text)
                .unwrap();
            text.truncate(n);
            for pos in 0..text.len() {
                // Under Miri, a rotating seventh of the positions (every
                // one took 5 minutes of CI's Miri job for SSSE3 and AVX2).
                if cfg!(miri) && (pos + len) % 7 != 0 {
                    continue;
                }
                for (i, &b) in others.iter().enumerate() {
                    // Natively a rotating eighth of the bytes at each
                    // position, and `=`, 0x80 and 0 (the zero fill of the
                    // x86 partial loads) everywhere; under Miri fewer.
                    let every = if cfg!(miri) { 61 } else { 8 };
                    let always = b == b'=' || b == 0x80 || (b == 0 && !cfg!(miri));
                    if (i + pos) % every != 0 && !always {
                        continue;
                    }
                    let mut bad = text.clone();
                    bad[pos] = b;
                    check_decode_small(k, a, &bad, true, text.len() * 3 / 4 + 3);
                }
            }
        }
    }
}

/// Every value of the last symbol of a partial final group, with the
/// trailing bits checked and not.
pub(crate) fn decode_small_trailing_bits(k: &Small) {
    if !k.backend.is_available() {
        return;
    }
    for a in ALPHABETS {
        for len in small_lengths(k) {
            if len % 4 < 2 {
                continue;
            }
            let mut syms = symbols(a, len, 11 * len as u64);
            for v in 0..64 {
                if cfg!(miri) && v % 13 != 1 {
                    continue;
                }
                syms[len - 1] = a.symbols()[v];
                for check in [true, false] {
                    check_decode_small(k, a, &syms, check, len * 3 / 4);
                }
            }
        }
    }
}
