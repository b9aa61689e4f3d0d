//! Every backend available on this CPU against the scalar backend: same
//! bytes, same errors at the same offsets, nothing written past the result,
//! on every codec. One harness for all ISAs: on x86_64 it runs SSSE3, AVX2
//! and AVX-512 here; under qemu it runs NEON; on wasm32 simd128.

mod support;

use pixb64::base64::{Backend, Base64, DecodeError, OutputTooSmall};
use proptest::prelude::*;
use support::{codecs_with_ws_variants, ending_bytes, naive_wrap, Codec, SplitMix, SENTINEL};

/// The SIMD backends this CPU runs (the scalar one is the reference).
fn simd_backends() -> Vec<Backend> {
    Backend::ALL
        .iter()
        .copied()
        .filter(|b| *b != Backend::Scalar && b.is_available())
        .collect()
}

fn forced(codec: Base64, backend: Backend) -> Base64 {
    codec.with_backend(backend).expect("backend is available")
}

/// Decodes `input` with `codec` into a sentinel-filled buffer of `cap` bytes.
fn decode_into(codec: Base64, input: &[u8], cap: usize) -> (Result<usize, DecodeError>, Vec<u8>) {
    let mut out = vec![SENTINEL; cap];
    let r = codec.decode_to_slice(input, &mut out);
    (r, out)
}

/// Asserts that every SIMD backend decodes `input` exactly as scalar does,
/// with a roomy output, an exact one, one a byte short, and in place.
fn check_decode(codec: &Codec, input: &[u8]) {
    let scalar = forced(codec.lib, Backend::Scalar);
    let roomy = scalar.decoded_len_max(input.len()) + 70;
    let (want, want_buf) = decode_into(scalar, input, roomy);
    let mut in_place = input.to_vec();
    let want_in_place = scalar
        .decode_in_place(&mut in_place)
        .map(|n| in_place[..n].to_vec());
    for backend in simd_backends() {
        let codec_b = forced(codec.lib, backend);
        let ctx = || format!("{} {backend} input {}", codec.name, support::show(input));
        let (got, got_buf) = decode_into(codec_b, input, roomy);
        assert_eq!(got, want, "{}", ctx());
        // Whole buffers: the decoded bytes and the untouched sentinel tail.
        assert_eq!(got_buf, want_buf, "{}", ctx());
        if let Ok(n) = want {
            let (exact, exact_buf) = decode_into(codec_b, input, n);
            assert_eq!(exact, Ok(n), "exact output, {}", ctx());
            assert_eq!(exact_buf[..], want_buf[..n], "{}", ctx());
            if n > 0 {
                let (short, _) = decode_into(codec_b, input, n - 1);
                assert_eq!(
                    short,
                    Err(DecodeError::OutputTooSmall { needed: n }),
                    "{}",
                    ctx()
                );
            }
        }
        let mut buf = input.to_vec();
        let got_in_place = codec_b.decode_in_place(&mut buf).map(|n| buf[..n].to_vec());
        assert_eq!(got_in_place, want_in_place, "in place, {}", ctx());
    }
}

/// Asserts that every SIMD backend encodes `input` exactly as scalar does
/// and writes nothing past the encoded length.
fn check_encode(codec: &Codec, input: &[u8]) {
    let scalar = forced(codec.lib, Backend::Scalar);
    let len = scalar.encoded_len(input.len()).unwrap();
    let mut want = vec![SENTINEL; len + 70];
    assert_eq!(scalar.encode_to_slice(input, &mut want), Ok(len));
    for backend in simd_backends() {
        let mut got = vec![SENTINEL; len + 70];
        let r = forced(codec.lib, backend).encode_to_slice(input, &mut got);
        assert_eq!(r, Ok(len), "{} {backend} len {}", codec.name, input.len());
        assert_eq!(got, want, "{} {backend} len {}", codec.name, input.len());
        if len > 0 {
            // One symbol short: the error with the length, and nothing written.
            let mut short = vec![SENTINEL; len - 1];
            let r = forced(codec.lib, backend).encode_to_slice(input, &mut short);
            assert_eq!(
                r,
                Err(OutputTooSmall { needed: len }),
                "{} {backend} short",
                codec.name
            );
            assert!(
                short.iter().all(|&b| b == SENTINEL),
                "{} {backend} wrote into a short output",
                codec.name
            );
        }
    }
}

fn cases_scaled(full: usize) -> usize {
    if cfg!(miri) {
        (full / 100).max(2)
    } else {
        full
    }
}

#[test]
fn availability_is_consistent() {
    for &b in Backend::ALL {
        assert_eq!(
            pixb64::base64::STANDARD.with_backend(b).is_some(),
            b.is_available(),
            "{b}"
        );
    }
    assert!(Backend::detect().is_available());
    // detect() is the best available one: nothing later in ALL is available
    // (unless PIXB64_BACKEND picked another, which the next test checks).
    if cfg!(feature = "std") && std::env::var_os("PIXB64_BACKEND").is_some() {
        return;
    }
    let best = Backend::detect();
    let pos = Backend::ALL.iter().position(|&b| b == best).unwrap();
    assert!(Backend::ALL[pos + 1..].iter().all(|b| !b.is_available()));
}

/// Every length up to 300 (and some block-boundary ones beyond), valid data,
/// every codec: encode, then decode the encoding.
#[test]
fn every_length_round_trips_like_scalar() {
    let mut rng = SplitMix(0x6261_636b_656e_6431);
    let mut lengths: Vec<usize> = (0..=cases_scaled(300)).collect();
    if !cfg!(miri) {
        for base in [384usize, 768, 1024, 1536, 3072, 4096] {
            lengths.extend(base - 5..base + 5);
        }
    }
    for codec in codecs_with_ws_variants() {
        for &n in &lengths {
            let raw = rng.bytes(n);
            check_encode(&codec, &raw);
            let text = codec.naive.encode(&raw);
            check_decode(&codec, &text);
        }
    }
}

/// One bad byte at every position of the first blocks of a valid encoding.
#[test]
fn one_bad_byte_at_every_position() {
    let mut rng = SplitMix(0x6261_6462_7974_6531);
    let bad: &[u8] = if cfg!(miri) {
        b"!=\n"
    } else {
        b"!=\n \t\r\x0c\x0b\x00\x80\xff-_+/.~"
    };
    for codec in codecs_with_ws_variants() {
        let raw = rng.bytes(if cfg!(miri) { 21 } else { 300 });
        let text = codec.naive.encode(&raw);
        for p in 0..text.len() {
            for &b in bad {
                let mut t = text.clone();
                t[p] = b;
                check_decode(&codec, &t);
            }
        }
    }
}

/// One bad byte at every position of every short text (what the
/// small-input kernels take whole: up to 128 symbols, padding included).
#[test]
fn one_bad_byte_in_every_short_text() {
    let mut rng = SplitMix(0x7368_6f72_7462_6164);
    let bad: &[u8] = if cfg!(miri) {
        b"="
    } else {
        b"!=\n\x00\x80\xff-_"
    };
    let lens: Vec<usize> = if cfg!(miri) {
        vec![4, 13]
    } else {
        (1..=98).collect()
    };
    for codec in codecs_with_ws_variants() {
        for &n in &lens {
            let text = codec.naive.encode(&rng.bytes(n));
            for p in 0..text.len() {
                for &b in bad {
                    let mut t = text.clone();
                    t[p] = b;
                    check_decode(&codec, &t);
                }
            }
        }
    }
}

/// Whitespace runs (for the skipping codecs) and '=' inserted at block
/// boundaries and everywhere else.
#[test]
fn inserted_whitespace_and_padding() {
    let mut rng = SplitMix(0x7768_6974_6573_7031);
    for codec in codecs_with_ws_variants() {
        let raw = rng.bytes(if cfg!(miri) { 18 } else { 200 });
        let text = codec.naive.encode(&raw);
        for p in 0..=text.len() {
            for insert in [
                &b"\n"[..],
                b"\r\n",
                b"   \t",
                b"=",
                b"==",
                b"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n",
            ] {
                let mut t = text.clone();
                t.splice(p..p, insert.iter().copied());
                check_decode(&codec, &t);
            }
        }
    }
}

/// Python's rules (`base64::Python`) with each backend forced: the one-shot
/// call and the streaming decoder fed in random pieces give scalar's bytes
/// and errors, offsets included, on valid text (wrapped in lines, so the
/// kernels meet whitespace) and on mutations of it, for every Python config
/// whose alphabet the kernels take.
#[cfg(feature = "alloc")]
#[test]
fn python_rules_like_scalar() {
    use pixb64::base64::{
        LineEnding, Python, PythonDecoder, PythonError, PYTHON, PYTHON_URL_SAFE, PYTHON_VALIDATE,
        STANDARD,
    };
    use support::mutate;
    let mut rng = SplitMix(0x7079_7468_6f6e_2031);
    let configs = [
        PYTHON,
        PYTHON_VALIDATE,
        PYTHON_URL_SAFE,
        PYTHON_URL_SAFE.with_validate(true),
        PYTHON.with_padding_optional(true),
    ];
    let stream = |codec: &Python, text: &[u8], pieces: &[usize]| -> Result<Vec<u8>, PythonError> {
        let mut dec = PythonDecoder::new(codec);
        let mut out = vec![0u8; codec.decoded_len_max(text.len())];
        let (mut r, mut w) = (0, 0);
        for &k in pieces {
            let (c, o) = dec.decode(&text[r..r + k], &mut out[w..])?;
            assert_eq!(
                c, k,
                "the decoder takes all it is given when the output has room"
            );
            (r, w) = (r + c, w + o);
        }
        dec.finish()?;
        out.truncate(w);
        Ok(out)
    };
    for case in 0..cases_scaled(600) {
        let config = configs[case % configs.len()];
        let n = rng.range(0, 300);
        let raw = rng.bytes(n);
        let mut text = STANDARD.encode_wrapped(&raw, 76, LineEnding::Lf);
        if config.altchars() == *b"-_" {
            text = text.replace('+', "-").replace('/', "_");
        }
        let text = if case % 3 == 0 {
            text.into_bytes()
        } else {
            let edits = rng.range(1, 3);
            mutate(text.as_bytes(), edits, &mut rng)
        };
        let scalar = config.with_backend(Backend::Scalar).unwrap();
        let want = scalar.decode(&text);
        let pieces = rng.chunks(text.len(), 90);
        let want_stream = stream(&scalar, &text, &pieces);
        assert_eq!(
            want_stream,
            want,
            "stream and one-shot differ, {}",
            support::show(&text)
        );
        for backend in simd_backends() {
            let codec = config.with_backend(backend).unwrap();
            let ctx = || format!("{config:?} {backend} input {}", support::show(&text));
            assert_eq!(codec.decode(&text), want, "{}", ctx());
            assert_eq!(stream(&codec, &text, &pieces), want, "stream, {}", ctx());
        }
    }
}

/// The final group in every form, at every length around the small-input
/// kernels' limits: every byte value as the last symbol (trailing bits set or
/// not, invalid bytes), with 0-3 `=` after it, on the strict codecs, on their
/// lenient twins (trailing bits allowed, padding optional) and on FORGIVING.
#[test]
fn every_final_group_like_scalar() {
    use pixb64::base64::DecodePadding;
    let mut rng = SplitMix(0x6669_6e61_6c67_7231);
    let mut codecs = codecs_with_ws_variants();
    for c in support::CODECS[..4].iter() {
        codecs.push(Codec {
            name: "lenient",
            lib: c
                .lib
                .with_trailing_bits_allowed(true)
                .with_decode_padding(DecodePadding::Optional),
            naive: c.naive,
            reference: None,
        });
    }
    let lengths: Vec<usize> = if cfg!(miri) {
        vec![1, 2, 3, 63]
    } else {
        [
            0..=6,
            10..=18,
            22..=26,
            30..=34,
            46..=50,
            60..=68,
            126..=130,
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    let lasts: Vec<u8> = if cfg!(miri) {
        b"AB=!".to_vec()
    } else {
        (0..=255).collect()
    };
    for codec in &codecs {
        for &n in &lengths {
            // n valid symbols, then one probe byte, then 0..=3 '='.
            let body: Vec<u8> = codec.naive.encode(&rng.bytes(n));
            let body: Vec<u8> = body.into_iter().filter(|&b| b != b'=').take(n).collect();
            for &last in &lasts {
                for pad in 0..=3 {
                    let mut t = body.clone();
                    t.push(last);
                    t.extend(std::iter::repeat_n(b'=', pad));
                    check_decode(codec, &t);
                }
            }
        }
    }
}

/// Line-wrapped encodings (MIME 76/CRLF, PEM 64/LF, odd widths) decode like scalar.
#[test]
fn wrapped_lines() {
    use pixb64::base64::LineEnding;
    let mut rng = SplitMix(0x7772_6170_7065_6431);
    let widths: &[usize] = if cfg!(miri) {
        &[76]
    } else {
        &[1, 3, 4, 63, 64, 76, 100, 128]
    };
    for codec in codecs_with_ws_variants() {
        for &width in widths {
            for ending in [LineEnding::Lf, LineEnding::CrLf] {
                let raw = rng.bytes(if cfg!(miri) { 120 } else { 3000 });
                let text = naive_wrap(&codec.naive.encode(&raw), width, ending_bytes(ending));
                check_decode(&codec, &text);
            }
        }
    }
}

proptest! {
    #![proptest_config(support::config_scaled(50))]

    /// Random data of 0..=2048 bytes at a random offset, possibly corrupted:
    /// bytes replaced, whitespace sprinkled, truncated.
    #[test]
    fn random_inputs_like_scalar(
        seed in any::<u64>(),
        len in 0usize..=2048,
        start in 0usize..64,
        codec_i in 0usize..9,
        mutations in 0usize..4,
        spaces in 0usize..8,
        cut in any::<bool>(),
    ) {
        let codecs = codecs_with_ws_variants();
        let codec = &codecs[codec_i % codecs.len()];
        let mut rng = SplitMix(seed);
        let raw = rng.bytes(len);
        let (buf, range) = support::at_offset(&raw, start, &mut rng);
        check_encode(codec, &buf[range]);
        let mut text = codec.naive.encode(&raw);
        if spaces > 0 {
            text = support::sprinkle_whitespace(&text, spaces, &mut rng);
        }
        if mutations > 0 {
            text = support::mutate(&text, mutations, &mut rng);
        }
        if cut && !text.is_empty() {
            let keep = rng.range(0, text.len() - 1);
            text.truncate(keep);
        }
        let (buf, range) = support::at_offset(&text, start, &mut rng);
        check_decode(codec, &buf[range]);
    }
}

/// `PIXB64_BACKEND` (read with `std` at the first `detect`) picks the backend
/// the automatic codecs use; CI runs the suite once per x86 backend that way.
#[cfg(feature = "std")]
#[test]
fn detect_honors_pixb64_backend() {
    let best = Backend::ALL
        .iter()
        .copied()
        .rfind(|b| b.is_available())
        .unwrap();
    let want = match std::env::var("PIXB64_BACKEND") {
        Ok(v) => Backend::ALL
            .iter()
            .copied()
            .find(|b| b.name() == v && b.is_available())
            .unwrap_or(best),
        Err(_) => best,
    };
    assert_eq!(Backend::detect(), want);
    assert_eq!(pixb64::base64::STANDARD.backend(), want);
}
