//! Tests: each kernel against the scalar code, and the public API with the
//! AVX-512 backend forced.

use super::decode::MIN_GROUPS;
use super::*;
use crate::base64::arch::Short;
use crate::base64::tables::{dec, enc};
use crate::base64::{scalar, Alphabet, Backend, Base64, LineEnding, FORGIVING, STANDARD, URL_SAFE};
use std::vec::Vec;
use std::{format, vec};

const SENTINEL: u8 = 0xA5;
const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];

/// Lengths to try: every one up to 300 (fewer under Miri) and a few big ones.
fn lengths() -> Vec<usize> {
    if cfg!(miri) {
        return (0..=24).chain([33, 47, 64, 65, 70, 130, 263]).collect();
    }
    (0..=300).chain([511, 1000, 4099, 65_537]).collect()
}

fn have() -> bool {
    Backend::Avx512Vbmi.is_available()
}

fn have_vbmi2() -> bool {
    have()
        && std::is_x86_feature_detected!("avx512vbmi2")
        && std::is_x86_feature_detected!("popcnt")
}

/// `decode_short_ws` against the scalar FORGIVING decoder at every length
/// 0..=128 of text with whitespace of each kind at pseudo-random places
/// (none, some, many): the same bytes whenever scalar accepts, and the
/// short path must take the valid ones itself (`Done`), not hand them on.
/// Corrupted texts must not come back `Done` with other bytes.
#[test]
fn decode_short_ws_equals_scalar() {
    if !have_vbmi2() {
        return;
    }
    let scalar = FORGIVING.with_backend(Backend::Scalar).unwrap();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut done = 0;
    for raw_len in 0..=100usize {
        let raw: Vec<u8> = (0..raw_len).map(|_| next() as u8).collect();
        let std_scalar = STANDARD.with_backend(Backend::Scalar).unwrap();
        let mut text = vec![0u8; std_scalar.encoded_len(raw_len).unwrap()];
        std_scalar.encode_to_slice(&raw, &mut text).unwrap();
        for density in [0u64, 1, 4, 12] {
            let mut t = Vec::new();
            for &b in &text {
                while next() % 64 < density {
                    t.push(b"\t\n\x0c\r "[next() as usize % 5]);
                }
                t.push(b);
            }
            if t.len() > COMPACT_MAX {
                continue;
            }
            let mut bad = t.clone();
            if !bad.is_empty() {
                let at = next() as usize % bad.len();
                bad[at] = [b'=', b'*', 0x80, b'A'][next() as usize % 4];
            }
            for (input, valid) in [(&t, true), (&bad, false)] {
                let mut buf = vec![0u8; raw_len + 8];
                let want = scalar
                    .decode_to_slice(input, &mut buf)
                    .map(|k| buf[..k].to_vec());
                let mut out = vec![0xA5u8; raw_len + 64];
                // SAFETY: `have_vbmi2()` checked AVX-512 F/BW/VL/VBMI and
                // VBMI2 (which the backend probe ties to POPCNT).
                let got = unsafe {
                    decode_short_ws(
                        Alphabet::Standard,
                        input,
                        false,
                        &|last| FORGIVING.last_group_symbols(last),
                        &mut out,
                    )
                };
                match got {
                    Short::Done(k) => {
                        done += 1;
                        assert_eq!(
                            Ok(out[..k].to_vec()),
                            want,
                            "raw {raw_len} density {density}"
                        );
                    }
                    Short::Clean => {
                        // Only a text of at most 4 bytes without whitespace.
                        assert!(input.len() < 5, "clean text of {} handed on", input.len());
                        assert!(!input.iter().any(|b| b"\t\n\x0c\r ".contains(b)));
                    }
                    Short::General => {
                        assert!(
                            !valid || want.is_err() || raw_len == 0,
                            "valid text handed on: raw {raw_len} density {density}"
                        );
                    }
                }
            }
        }
    }
    assert!(done > 200, "short path taken {done} times");
    // SAFETY: as above.
    let long = unsafe {
        decode_short_ws(
            Alphabet::Standard,
            &[b'A'; 129],
            true,
            &|_| Some(4),
            &mut [0; 999],
        )
    };
    assert!(matches!(long, Short::General));
}

fn k_encode(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    assert!(have());
    // SAFETY: `have()` checked AVX-512 F/BW/VL/VBMI.
    unsafe { encode_prefix(a, input, output) }
}

fn k_decode(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    assert!(have());
    // SAFETY: `have()` checked AVX-512 F/BW/VL/VBMI.
    unsafe { decode_prefix(a, input, output) }
}

fn k_decode_ws(a: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    assert!(have_vbmi2());
    // SAFETY: `have_vbmi2()` checked AVX-512 F/BW/VL/VBMI and VBMI2.
    unsafe { decode_prefix_skip_ws(a, input, output) }
}

/// SplitMix64: deterministic test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` random symbols of `a`.
fn symbols(rng: &mut Rng, a: Alphabet, n: usize) -> Vec<u8> {
    (0..n).map(|_| a.symbols()[rng.below(64)]).collect()
}

/// The model's whitespace: core's definition (the same five bytes as the
/// crate's), not the code under test.
fn is_ws(b: u8) -> bool {
    b.is_ascii_whitespace()
}

/// Runs the encode kernel and scalar on a sentinel-filled output of `cap`
/// bytes and asserts the same result, the same bytes, nothing past `written`.
fn check_encode(a: Alphabet, input: &[u8], cap: usize) {
    let mut want = vec![SENTINEL; cap];
    let want_rw = scalar::encode_prefix(enc(a), input, &mut want);
    let mut got = vec![SENTINEL; cap];
    let (r, w) = k_encode(a, input, &mut got);
    let ctx = format!("{a:?} len {} cap {cap}", input.len());
    assert_eq!((r, w), want_rw, "{ctx}");
    assert_eq!(w, r / 3 * 4, "{ctx}");
    assert_eq!(r % 3, 0, "{ctx}");
    assert_eq!(got, want, "{ctx}");
    assert!(got[w..].iter().all(|&b| b == SENTINEL), "{ctx}");
}

/// Runs the decode kernel and scalar on a sentinel-filled output of `cap`
/// bytes: the kernel decodes every whole group before the first non-symbol,
/// as scalar does, so the results are equal.
fn check_decode(a: Alphabet, input: &[u8], cap: usize) {
    let mut want = vec![SENTINEL; cap];
    let want_rw = scalar::decode_prefix(dec(a), input, &mut want);
    let mut got = vec![SENTINEL; cap];
    let (r, w) = k_decode(a, input, &mut got);
    if (r, w) == (0, 0) && (input.len() / 4).min(cap / 3) < MIN_GROUPS {
        // Left to scalar.
        assert!(got.iter().all(|&b| b == SENTINEL));
        return;
    }
    let ctx = format!(
        "{a:?} cap {cap} input {:?}",
        std::string::String::from_utf8_lossy(input)
    );
    assert_eq!((r, w), want_rw, "{ctx}");
    assert_eq!(w, r / 4 * 3, "{ctx}");
    assert_eq!(r % 4, 0, "{ctx}");
    assert_eq!(got, want, "{ctx}");
}

/// The whitespace-skipping kernel against a model: strip whitespace up to
/// the first byte that is neither symbol nor whitespace, decode the whole
/// groups that fit. With room for all of them the kernel decodes them all;
/// `consumed` is the offset of the first symbol not decoded, or the offset
/// of that first bad byte (the end of the input) when every symbol before
/// it was decoded.
fn check_decode_ws(a: Alphabet, input: &[u8], cap: usize) {
    let table = dec(a);
    let stop = input
        .iter()
        .position(|&b| table.value(b) >= 64 && !is_ws(b))
        .unwrap_or(input.len());
    let sym_at: Vec<usize> = (0..stop).filter(|&i| !is_ws(input[i])).collect();
    let syms: Vec<u8> = sym_at.iter().map(|&i| input[i]).collect();
    let mut got = vec![SENTINEL; cap];
    let (r, w) = k_decode_ws(a, input, &mut got);
    if (r, w) == (0, 0) && input.len() < 4 * (MIN_GROUPS + 1) {
        // Left to scalar.
        assert!(got.iter().all(|&b| b == SENTINEL));
        return;
    }
    let ctx = format!(
        "{a:?} cap {cap} input {:?}",
        std::string::String::from_utf8_lossy(input)
    );
    assert_eq!(w % 3, 0, "{ctx}");
    let g = w / 3;
    let max_g = (syms.len() / 4).min(cap / 3);
    assert!(g <= max_g, "{ctx}");
    // The kernel may stop before a last stretch of at most SMALL_MAX
    // bytes with no whitespace that ends with `=`, which the codec
    // hands to `decode_small` (see `tail_is_clean`).
    let left_tail = input.len() >= 128
        && input.len() - r <= SMALL_MAX
        && input.last() == Some(&b'=')
        && !input[r..].iter().any(|&b| is_ws(b));
    if cap >= syms.len() / 4 * 3 && !left_tail {
        assert_eq!(g, max_g, "all groups decoded, {ctx}");
    }
    // `consumed` ends after the last decoded symbol, possibly after
    // whitespace following it, and at the latest at the next symbol (or
    // the first bad byte, or the end).
    let first = if g == 0 { 0 } else { sym_at[4 * g - 1] + 1 };
    let last = sym_at.get(4 * g).copied().unwrap_or(stop);
    assert!((first..=last).contains(&r), "consumed {r}, {ctx}");
    if cap >= syms.len() / 4 * 3 + 48 && !left_tail {
        // With room to spare, the kernel goes up to the next symbol.
        assert_eq!(r, last, "{ctx}");
    }
    let mut want = vec![SENTINEL; cap];
    let (c, o) = scalar::decode_prefix(table, &syms[..4 * g], &mut want);
    assert_eq!((c, o), (4 * g, w), "{ctx}");
    assert_eq!(got, want, "{ctx}");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpmultishiftqb")]
fn encode_matches_scalar() {
    if !have() {
        return;
    }
    let mut rng = Rng(1);
    for a in ALPHABETS {
        for len in lengths() {
            let input = rng.bytes(len);
            let need = len / 3 * 4;
            check_encode(a, &input, need);
            check_encode(a, &input, need + 70);
            for short in 1..=3 {
                check_encode(a, &input, need.saturating_sub(short));
            }
            // Unaligned input and output.
            check_encode(a, &input[len.min(1)..], need + 1);
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpmultishiftqb")]
fn encode_output_limits_every_size() {
    if !have() {
        return;
    }
    let mut rng = Rng(2);
    let input = rng.bytes(if cfg!(miri) { 100 } else { 400 });
    for cap in 0..=input.len() / 3 * 4 + 5 {
        check_encode(Alphabet::Standard, &input, cap);
    }
}

#[test]
fn decode_valid_matches_scalar() {
    if !have() {
        return;
    }
    let mut rng = Rng(3);
    for a in ALPHABETS {
        for len in lengths() {
            let input = symbols(&mut rng, a, len);
            let need = len / 4 * 3;
            check_decode(a, &input, need);
            check_decode(a, &input, need + 70);
            for short in 1..=3 {
                check_decode(a, &input, need.saturating_sub(short));
            }
            check_decode(a, &input[len.min(1)..], need);
        }
    }
}

#[test]
fn decode_output_limits_every_size() {
    if !have() {
        return;
    }
    let mut rng = Rng(4);
    let input = symbols(
        &mut rng,
        Alphabet::Standard,
        if cfg!(miri) { 70 } else { 600 },
    );
    for cap in 0..=input.len() / 4 * 3 + 5 {
        check_decode(Alphabet::Standard, &input, cap);
    }
}

/// One unusual byte (invalid, `=`, whitespace, the other alphabet's
/// symbols, high bytes) at every position of the first blocks.
#[test]
fn decode_stops_at_every_unusual_byte() {
    if !have() {
        return;
    }
    let mut rng = Rng(5);
    let n = if cfg!(miri) { 80 } else { 4 * 64 + 20 };
    let lens: &[usize] = if cfg!(miri) { &[80] } else { &[n, 64, 130] };
    let specials = [
        b'=',
        b'\n',
        b'\r',
        b' ',
        b'\t',
        0x0B,
        0x0C,
        0,
        b'.',
        b'*',
        0x7F,
        0x80,
        0xC1,
        0xFF,
        b'+' | 0x80,
        b'A' | 0x80,
    ];
    for a in ALPHABETS {
        let other = match a {
            Alphabet::Standard => [b'-', b'_'],
            Alphabet::UrlSafe => [b'+', b'/'],
        };
        for &len in lens {
            let base = symbols(&mut rng, a, len.min(n));
            // Under Miri, every third position and a few bytes.
            let (step, count) = if cfg!(miri) {
                (3, 4)
            } else {
                (1, specials.len())
            };
            for pos in (0..base.len()).step_by(step) {
                for &bad in specials[..count].iter().chain(&other) {
                    let mut input = base.clone();
                    input[pos] = bad;
                    let need = input.len() / 4 * 3;
                    check_decode(a, &input, need + 70);
                    check_decode(a, &input, need);
                }
            }
        }
    }
}

#[test]
fn decode_skip_ws_clean_input() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(6);
    for a in ALPHABETS {
        for len in lengths() {
            let input = symbols(&mut rng, a, len);
            let need = len / 4 * 3;
            check_decode_ws(a, &input, need);
            check_decode_ws(a, &input, need + 70);
            for short in 1..=3 {
                check_decode_ws(a, &input, need.saturating_sub(short));
            }
        }
    }
}

/// One whitespace or bad byte at every position.
#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
fn decode_skip_ws_one_unusual_byte_everywhere() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(7);
    let n = if cfg!(miri) { 70 } else { 4 * 64 + 20 };
    let specials = [
        b'\n', b'\r', b' ', b'\t', 0x0C, 0x0B, b'=', 0x80, 0x8A, 0xA0, b'.',
    ];
    for a in ALPHABETS {
        let base = symbols(&mut rng, a, n);
        for pos in 0..n {
            for &s in &specials {
                let mut input = base.clone();
                input[pos] = s;
                let need = n / 4 * 3;
                check_decode_ws(a, &input, need + 70);
                check_decode_ws(a, &input, need);
                // Inserted rather than replaced: the symbol count shifts.
                let mut ins = base.clone();
                ins.insert(pos, s);
                check_decode_ws(a, &ins, need + 70);
            }
        }
    }
}

/// Random whitespace runs (up to 200 bytes), random line wrapping, and
/// an occasional bad byte, with every output size around the result.
#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
fn decode_skip_ws_random_whitespace() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(8);
    let rounds = if cfg!(miri) { 20 } else { 3000 };
    for round in 0..rounds {
        let a = ALPHABETS[round % 2];
        let mut input = Vec::new();
        // Mostly short, now and then long enough to wrap the ring.
        let target = match (cfg!(miri), round % 50) {
            (true, _) => rng.below(200),
            (false, 0) => 5000 + rng.below(10_000),
            (false, _) => rng.below(1200),
        };
        let ws_rate = 1 + rng.below(40);
        while input.len() < target {
            if rng.below(ws_rate) == 0 {
                let run = match rng.below(4) {
                    0 => rng.below(200),
                    _ => 1 + rng.below(3),
                };
                for _ in 0..run {
                    input.push([b'\t', b'\n', 0x0C, b'\r', b' '][rng.below(5)]);
                }
            } else {
                input.push(a.symbols()[rng.below(64)]);
            }
        }
        if rng.below(4) == 0 && !input.is_empty() {
            let pos = rng.below(input.len());
            input[pos] = [b'=', 0x0B, 0x80, b'!'][rng.below(4)];
        }
        let syms = input.iter().filter(|&&b| !is_ws(b)).count();
        let need = syms / 4 * 3;
        check_decode_ws(a, &input, need + 64);
        check_decode_ws(a, &input, need);
        check_decode_ws(a, &input, rng.below(need + 1));
    }
}

#[cfg(feature = "alloc")] // uses the Vec/String API
/// Line-wrapped text (76 columns, LF and CRLF, and 64 like PEM).
/// Line-wrapped text in many layouts (the line-at-a-time path takes
/// lines of a multiple of 4 up to 128, four at a time for 64..=76), read
/// from every offset into its first line, with roomy, exact and short
/// outputs.
#[test]
fn decode_skip_ws_wrapped() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(9);
    let sizes: &[usize] = if cfg!(miri) {
        &[250]
    } else {
        &[0, 1, 57, 100, 300, 1000, 5000, 20_000]
    };
    let lines: &[usize] = if cfg!(miri) {
        &[64, 76]
    } else {
        &[4, 8, 60, 64, 68, 72, 76, 77, 80, 100, 128, 132]
    };
    for &n in sizes {
        let data = rng.bytes(n);
        for &line in lines {
            for ending in [LineEnding::Lf, LineEnding::CrLf] {
                let text = scalar_codec().encode_wrapped(&data, line, ending);
                let text = text.as_bytes();
                let body = std::string::String::from_utf8_lossy(text);
                let body = body.trim_end_matches(['=', '\n', '\r']).as_bytes();
                // Under Miri, only what the line path takes whole: the
                // rest goes through vpcompressb, which Miri lacks.
                let starts: &[usize] = if cfg!(miri) {
                    &[0]
                } else {
                    &[0, 1, 2, 4, 12, 13, 63, 64, 76, 77, 78]
                };
                for &start in starts {
                    let Some(text) = text.get(start..) else {
                        continue;
                    };
                    let syms = text.iter().filter(|&&b| !is_ws(b)).count();
                    let need = syms / 4 * 3;
                    check_decode_ws(Alphabet::Standard, text, need + 64);
                    if cfg!(miri) {
                        continue;
                    }
                    check_decode_ws(Alphabet::Standard, text, need);
                    check_decode_ws(Alphabet::Standard, text, need.saturating_sub(1));
                    check_decode_ws(Alphabet::Standard, text, need / 2);
                }
                let syms = body.iter().filter(|&&b| !is_ws(b)).count();
                check_decode_ws(Alphabet::Standard, body, syms / 4 * 3 + 64);
            }
        }
    }
}

#[cfg(feature = "alloc")] // uses the Vec/String API
/// Wrapped text with one byte replaced, removed or added at every
/// position of its first lines: the line-at-a-time path must notice and
/// leave the rest to the general one.
#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
fn decode_skip_ws_wrapped_corrupted() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(11);
    let data = rng.bytes(if cfg!(miri) { 120 } else { 700 });
    let span = if cfg!(miri) { 90 } else { 420 };
    let bytes = [
        b'=', b' ', b'\n', b'\r', b'\t', 0x0B, 0x0C, 0x80, 0x8D, b'*', b'A',
    ];
    for (line, ending) in [
        (76, LineEnding::CrLf),
        (76, LineEnding::Lf),
        (64, LineEnding::Lf),
    ] {
        let text = scalar_codec()
            .encode_wrapped(&data, line, ending)
            .into_bytes();
        let need = text.len() / 4 * 3 + 64;
        for pos in 0..span.min(text.len()) {
            for &b in &bytes {
                let mut t = text.clone();
                t[pos] = b;
                check_decode_ws(Alphabet::Standard, &t, need);
                let mut t = text.clone();
                t.insert(pos, b);
                check_decode_ws(Alphabet::Standard, &t, need);
            }
            let mut t = text.clone();
            t.remove(pos);
            check_decode_ws(Alphabet::Standard, &t, need);
        }
    }
}

#[cfg(feature = "alloc")] // uses the Vec/String API
/// Every output size on wrapped text, the line path's room checks.
#[test]
#[cfg_attr(miri, ignore = "Miri does not implement vpcompressb")]
fn decode_skip_ws_wrapped_output_limits() {
    if !have_vbmi2() {
        return;
    }
    let mut rng = Rng(12);
    let data = rng.bytes(if cfg!(miri) { 100 } else { 900 });
    for ending in [LineEnding::CrLf, LineEnding::Lf] {
        let text = scalar_codec()
            .encode_wrapped(&data, 76, ending)
            .into_bytes();
        for cap in 0..=data.len() + 3 {
            check_decode_ws(Alphabet::Standard, &text, cap);
        }
    }
}

/// Test data comes from the scalar encoder (under Miri the detected
/// backend would be this one, whose encoder Miri cannot run).
fn scalar_codec() -> Base64 {
    STANDARD
        .with_backend(Backend::Scalar)
        .expect("always available")
}

fn forced(codec: Base64) -> Base64 {
    codec.with_backend(Backend::Avx512Vbmi).expect("checked")
}

/// The public API with the backend forced equals the scalar backend, on
/// results, errors and the untouched tail of the output.
#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not implement vpmultishiftqb and vpcompressb"
)]
#[cfg(feature = "alloc")] // uses the Vec/String API
fn public_api_matches_scalar() {
    if !have() {
        return;
    }
    let mut rng = Rng(10);
    let codecs = [
        STANDARD,
        URL_SAFE,
        FORGIVING,
        STANDARD.with_encode_padding(false),
    ];
    for codec in codecs {
        let scalar_codec = codec.with_backend(Backend::Scalar).expect("always");
        let simd = forced(codec);
        for len in lengths() {
            let data = rng.bytes(len);
            assert_eq!(simd.encode(&data), scalar_codec.encode(&data));
            let text = scalar_codec.encode(&data).into_bytes();
            let mut variants = vec![text.clone()];
            if !text.is_empty() {
                let mut bad = text.clone();
                let p = rng.below(text.len());
                bad[p] = [b'=', b'\n', b' ', 0x80, b'*'][rng.below(5)];
                variants.push(bad);
                let mut wrapped = Vec::new();
                for (i, &b) in text.iter().enumerate() {
                    if i > 0 && i % 76 == 0 {
                        wrapped.extend_from_slice(b"\r\n");
                    }
                    wrapped.push(b);
                }
                variants.push(wrapped);
            }
            for v in variants {
                let cap = v.len() + 8;
                let mut want = vec![SENTINEL; cap];
                let mut got = vec![SENTINEL; cap];
                let want_r = scalar_codec.decode_to_slice(&v, &mut want);
                let got_r = simd.decode_to_slice(&v, &mut got);
                assert_eq!(got_r, want_r, "{codec:?} len {len}");
                assert_eq!(got, want, "{codec:?} len {len}");
            }
        }
    }
}
