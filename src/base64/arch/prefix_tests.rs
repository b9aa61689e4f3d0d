//! The tests of the whole-block kernels (`encode_prefix`, `decode_prefix`),
//! shared by every backend that has them (SSSE3, AVX2, NEON, simd128): each
//! backend's `tests` module names its kernels and block rule in a
//! [`PrefixKernels`] and writes the `#[test]`s running these bodies with
//! [`prefix_kernel_tests!`] (in its own module, so a test filter by module,
//! as CI's Miri job uses, still selects them). The
//! model is the scalar group loop; the public-API tests compare the backend
//! forced against the scalar backend.

extern crate std;

use std::vec::Vec;
use std::{format, vec};

use super::test_data::{bytes, lengths, symbols};
use super::Prefix;
use crate::base64::tables::{dec, enc};
use crate::base64::{scalar, Alphabet, Backend};

const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];
/// Not ASCII, so never a symbol: any change to it is a stray store.
const SENTINEL: u8 = 0xA5;

/// One backend's whole-block kernels and what they must consume.
pub(crate) struct PrefixKernels {
    /// Whose kernels: they run only where [`Backend::is_available`].
    pub(crate) backend: Backend,
    pub(crate) encode_prefix: Prefix,
    pub(crate) decode_prefix: Prefix,
    /// What the encode kernel consumes of `len` bytes with room for
    /// `out_len` symbols (the whole blocks it takes).
    pub(crate) expected_encode: fn(usize, usize) -> usize,
    /// What the decode kernel consumes of `len` symbols whose first
    /// non-symbol is at `stop` (or `stop == len`), with room for `out_len`
    /// bytes.
    pub(crate) expected_decode: fn(usize, usize, usize) -> usize,
    /// Symbols of one decode block, and of one unrolled round (the
    /// positions tests sweep the first round and the blocks after it).
    pub(crate) dec_block: usize,
    pub(crate) dec_round: usize,
}

impl PrefixKernels {
    fn encode(&self, a: Alphabet, input: &[u8], output: &mut [u8]) -> Option<(usize, usize)> {
        // SAFETY: the kernel runs only where the CPU has its ISA (checked
        // first).
        self.backend
            .is_available()
            .then(|| unsafe { (self.encode_prefix)(a, input, output) })
    }

    fn decode(&self, a: Alphabet, input: &[u8], output: &mut [u8]) -> Option<(usize, usize)> {
        // SAFETY: as in `encode`.
        self.backend
            .is_available()
            .then(|| unsafe { (self.decode_prefix)(a, input, output) })
    }
}

/// The `#[test]`s running these bodies on the [`PrefixKernels`] `$k`,
/// written into the module that invokes it: its path names the ISA, which
/// is what test filters (CI's Miri job) select on.
macro_rules! prefix_kernel_tests {
    ($k:expr) => {
        #[test]
        fn encode_matches_scalar() {
            $crate::base64::arch::prefix_tests::encode_matches_scalar(&$k);
        }

        #[test]
        fn encode_every_value() {
            $crate::base64::arch::prefix_tests::encode_every_value(&$k);
        }

        #[test]
        fn decode_matches_scalar() {
            $crate::base64::arch::prefix_tests::decode_matches_scalar(&$k);
        }

        #[test]
        fn every_symbol_in_every_lane() {
            $crate::base64::arch::prefix_tests::every_symbol_in_every_lane(&$k);
        }

        #[test]
        fn decode_stops_before_non_symbols() {
            $crate::base64::arch::prefix_tests::decode_stops_before_non_symbols(&$k);
        }

        #[test]
        fn decode_every_byte_value() {
            $crate::base64::arch::prefix_tests::decode_every_byte_value(&$k);
        }

        #[cfg(feature = "alloc")]
        #[test]
        fn public_api_matches_scalar() {
            $crate::base64::arch::prefix_tests::public_api_matches_scalar(&$k);
        }
    };
}
pub(crate) use prefix_kernel_tests;

/// Output lengths around `natural` (what the whole input needs) and, but
/// under Miri, around common block boundaries, each exactly too small by
/// 1..=3 included.
fn out_lens(natural: usize) -> Vec<usize> {
    let mut v = vec![natural + 17, natural + 5, natural];
    for k in 1..=3 {
        v.push(natural.saturating_sub(k));
        if !cfg!(miri) {
            v.extend([12, 16, 24, 32, 48, 64, 96, 128].map(|b| b - k));
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// One encode call against the model: the blocks [`PrefixKernels::expected_encode`]
/// says, scalar's symbols, the sentinel past `written` untouched.
fn check_encode(k: &PrefixKernels, a: Alphabet, input: &[u8], out_len: usize) {
    let mut out = vec![SENTINEL; out_len + 64];
    let Some((r, w)) = k.encode(a, input, &mut out[..out_len]) else {
        return;
    };
    let ctx = || format!("{a:?} len {} out {out_len}", input.len());
    assert_eq!(r, (k.expected_encode)(input.len(), out_len), "{}", ctx());
    assert_eq!(w, r / 3 * 4, "{}", ctx());
    let mut want = vec![0u8; w];
    assert_eq!(
        scalar::encode_prefix(enc(a), &input[..r], &mut want),
        (r, w)
    );
    assert_eq!(out[..w], want[..], "{}", ctx());
    assert!(out[w..].iter().all(|&b| b == SENTINEL), "{}", ctx());
}

/// One decode call against the model; `stop` is the offset of the first
/// non-symbol (or the input length).
fn check_decode(k: &PrefixKernels, a: Alphabet, input: &[u8], stop: usize, out_len: usize) {
    let mut out = vec![SENTINEL; out_len + 64];
    let Some((r, w)) = k.decode(a, input, &mut out[..out_len]) else {
        return;
    };
    let ctx = || format!("{a:?} len {} stop {stop} out {out_len}", input.len());
    assert_eq!(
        r,
        (k.expected_decode)(input.len(), stop, out_len),
        "{}",
        ctx()
    );
    assert_eq!(w, r / 4 * 3, "{}", ctx());
    let mut want = vec![0u8; w];
    assert_eq!(
        scalar::decode_prefix(dec(a), &input[..r], &mut want),
        (r, w),
        "{}: only alphabet symbols consumed",
        ctx()
    );
    assert_eq!(out[..w], want[..], "{}", ctx());
    assert!(out[w..].iter().all(|&b| b == SENTINEL), "{}", ctx());
}

/// Every length, into outputs of every interesting size (too short ones
/// included).
pub(crate) fn encode_matches_scalar(k: &PrefixKernels) {
    for a in ALPHABETS {
        for len in lengths() {
            let input = bytes(len, len as u64);
            for out_len in out_lens(len / 3 * 4) {
                check_encode(k, a, &input, out_len);
            }
        }
    }
}

/// Every 6-bit value in every byte position of a block (of up to 48
/// bytes): the 64 values packed into 48 bytes, rotated a byte at a time.
pub(crate) fn encode_every_value(k: &PrefixKernels) {
    for a in ALPHABETS {
        let values: Vec<u8> = (0..64).map(|v| a.symbols()[v]).collect();
        let mut packed = vec![0u8; 48];
        assert_eq!(
            scalar::decode_prefix(dec(a), &values, &mut packed),
            (64, 48)
        );
        for rot in 0..48 {
            let mut input = packed.clone();
            input.rotate_left(rot);
            input.extend_from_slice(&packed);
            check_encode(k, a, &input, input.len() / 3 * 4);
        }
    }
}

/// Every length of clean symbols, into outputs of every interesting size.
pub(crate) fn decode_matches_scalar(k: &PrefixKernels) {
    for a in ALPHABETS {
        for len in lengths() {
            let input = symbols(a, len, len as u64 + 1);
            for out_len in out_lens(len / 4 * 3) {
                check_decode(k, a, &input, len, out_len);
            }
        }
    }
}

/// Every symbol in every lane: all 64 rotations of the alphabet.
pub(crate) fn every_symbol_in_every_lane(k: &PrefixKernels) {
    for a in ALPHABETS {
        let s = a.symbols();
        let rotations = if cfg!(miri) { 2 } else { 64 };
        for rot in 0..rotations {
            let input: Vec<u8> = (0..256 + 32)
                .map(|i| s[(i + rot * 64 / rotations) % 64])
                .collect();
            check_decode(k, a, &input, input.len(), 1000);
        }
    }
}

/// Positions of the first blocks: the whole first unrolled round and the
/// blocks after it (all natively, a sample under Miri).
pub(crate) fn positions(k: &PrefixKernels, len: usize) -> Vec<usize> {
    if cfg!(miri) {
        let r = k.dec_round;
        vec![0, 5, k.dec_block - 1, k.dec_block, r - 1, r + 3, len - 1]
    } else {
        (0..len).collect()
    }
}

/// Every byte that is not a symbol (padding, whitespace, the other
/// alphabet's two, controls, 0x80..) stops the kernel before its block,
/// alone or as a run to the end (a padded tail), with a roomy output and
/// with one that ends inside the first round.
pub(crate) fn decode_stops_before_non_symbols(k: &PrefixKernels) {
    let len = k.dec_round + 2 * k.dec_block + 8;
    for a in ALPHABETS {
        let clean = symbols(a, len, 7);
        let others: Vec<u8> = (0..=255u8).filter(|c| !a.symbols().contains(c)).collect();
        assert_eq!(others.len(), 192);
        for (n, pos) in positions(k, len).into_iter().enumerate() {
            // '=' and whitespace at every position; every other non-symbol
            // at a rotating subset of positions.
            let mut bad = vec![b'=', b' ', b'\n', b'\r', b'\t', 0x0C];
            if cfg!(miri) {
                bad.push(others[n * 37 % others.len()]);
            } else {
                bad.extend(others.iter().skip(n % 8).step_by(8));
            }
            for b in bad {
                let mut input = clean.clone();
                input[pos] = b;
                check_decode(k, a, &input, pos, len / 4 * 3);
                if cfg!(miri) {
                    continue;
                }
                check_decode(k, a, &input, pos, 47);
                if matches!(b, b'=' | b'\n') {
                    input[pos..].fill(b);
                    check_decode(k, a, &input, pos, len / 4 * 3);
                }
            }
        }
    }
}

/// All 256 byte values in every position of a block: exactly the
/// alphabet's 64 are taken, and each decodes to its value.
pub(crate) fn decode_every_byte_value(k: &PrefixKernels) {
    for a in ALPHABETS {
        let clean = symbols(a, 2 * k.dec_block, 11);
        for pos in 0..k.dec_block {
            for c in 0..=255u8 {
                // Under Miri, each byte value at one position (all of them
                // still visited).
                if cfg!(miri) && usize::from(c) * 7 % k.dec_block != pos {
                    continue;
                }
                let mut input = clean.clone();
                input[pos] = c;
                let stop = if a.symbols().contains(&c) {
                    input.len()
                } else {
                    pos
                };
                check_decode(k, a, &input, stop, 2 * k.dec_block);
            }
        }
    }
}

/// The public API with the backend forced equals the scalar backend, on
/// every preset: every length round-trips, one unusual byte (replaced or
/// inserted) at every position of the first blocks gives the same result
/// or error, and FORGIVING reads wrapped lines and whitespace runs.
#[cfg(feature = "alloc")]
pub(crate) fn public_api_matches_scalar(k: &PrefixKernels) {
    use crate::base64::{
        Base64, DecodeError, FORGIVING, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
    };
    if !k.backend.is_available() {
        return;
    }
    let codecs = [
        STANDARD,
        STANDARD_NO_PAD,
        URL_SAFE,
        URL_SAFE_NO_PAD,
        FORGIVING,
    ];
    let both = |codec: Base64| {
        (
            codec.with_backend(k.backend).unwrap(),
            codec.with_backend(Backend::Scalar).unwrap(),
        )
    };
    // Decodes `text` both ways into sentinel-filled buffers: the same
    // result, bytes and untouched tail.
    let decode_both = |codec: Base64, text: &[u8]| -> Result<Vec<u8>, DecodeError> {
        let (fast, slow) = both(codec);
        let mut a = vec![SENTINEL; text.len() + 8];
        let mut b = vec![SENTINEL; text.len() + 8];
        let ra = fast.decode_to_slice(text, &mut a);
        assert_eq!(
            ra,
            slow.decode_to_slice(text, &mut b),
            "{codec:?} {}",
            text.escape_ascii()
        );
        assert_eq!(a, b, "{codec:?} {}", text.escape_ascii());
        ra.map(|n| a[..n].to_vec())
    };
    // (Under Miri a few lengths around the blocks: the kernels' own tests
    // above sweep them.)
    let lens = if cfg!(miri) {
        vec![0, 1, 2, 23, 24, 48, 64, 100]
    } else {
        lengths()
    };
    for codec in codecs {
        let (fast, slow) = both(codec);
        for &len in &lens {
            let raw = bytes(len, 3 * len as u64);
            let text = slow.encode(&raw);
            assert_eq!(fast.encode(&raw), text, "{codec:?} {len}");
            // Into sentinel-filled slices: exact, roomy and short.
            let need = text.len();
            for cap in [need, need + 19, need.saturating_sub(1)] {
                let (mut got, mut want) = (vec![SENTINEL; cap], vec![SENTINEL; cap]);
                assert_eq!(
                    fast.encode_to_slice(&raw, &mut got),
                    slow.encode_to_slice(&raw, &mut want)
                );
                assert_eq!(got, want, "{codec:?} encode {len} into {cap}");
            }
            for cap in [len, len + 19, len.saturating_sub(1), len.saturating_sub(3)] {
                let (mut got, mut want) = (vec![SENTINEL; cap], vec![SENTINEL; cap]);
                let r = fast.decode_to_slice(text.as_bytes(), &mut got);
                assert_eq!(r, slow.decode_to_slice(text.as_bytes(), &mut want));
                if r.is_ok() {
                    assert_eq!(got, want, "{codec:?} decode {len} into {cap}");
                }
            }
            assert_eq!(decode_both(codec, text.as_bytes()), Ok(raw.clone()));
            let mut in_place = text.clone().into_bytes();
            assert_eq!(fast.decode_in_place(&mut in_place), Ok(len));
            assert_eq!(in_place[..len], raw[..]);
        }
        let unusual: &[u8] = b"=\t\n\x0C\r @.:\x00\x7F\x80\xFF+/-_";
        let sizes: &[usize] = if cfg!(miri) { &[24] } else { &[48, 100, 150] };
        for &n in sizes {
            let text = slow.encode(bytes(n, 5)).into_bytes();
            for p in 0..text.len().min(140) {
                for (j, &byte) in unusual.iter().enumerate() {
                    if cfg!(miri) && (p + j) % 29 != 0 {
                        continue;
                    }
                    let mut t = text.clone();
                    t[p] = byte;
                    let _ = decode_both(codec, &t);
                    // Inserted rather than replaced: shifts the rest by one.
                    let mut t = text.clone();
                    t.insert(p, byte);
                    let _ = decode_both(codec, &t);
                }
            }
        }
    }
    let sizes: &[usize] = if cfg!(miri) {
        &[57]
    } else {
        &[0, 1, 47, 48, 57, 100, 300, 1000, 4099]
    };
    for &n in sizes {
        let data = bytes(n, 9);
        let enc = STANDARD.encode(&data).into_bytes();
        for (line, eol) in [(76, &b"\n"[..]), (64, b"\r\n"), (4, b" "), (1, b"\t")] {
            let mut text = vec![];
            for (i, chunk) in enc.chunks(line).enumerate() {
                if i > 0 {
                    text.extend_from_slice(eol);
                }
                text.extend_from_slice(chunk);
            }
            assert_eq!(decode_both(FORGIVING, &text), Ok(data.clone()));
            // A run of whitespace in front and behind.
            let mut padded = b" \n\t\r\x0C   ".to_vec();
            padded.extend_from_slice(&text);
            padded.extend_from_slice(b"\r\n  ");
            assert_eq!(decode_both(FORGIVING, &padded), Ok(data.clone()));
        }
    }
}
