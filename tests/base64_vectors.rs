//! Fixed vectors of the base64 codec: RFC 4648 §10 (and derived unpadded /
//! URL-safe data), the 80 WPT forgiving-base64 vectors, hand-written cases
//! pinning every error kind and offset, wrapped encoding, length helpers,
//! `Display`, and backend selection.
#![cfg(feature = "std")]

mod support;

use std::io::Read;

use pixb64::base64::{
    Alphabet, Backend, Base64, DecodeError, DecodePadding, Decoder, DecoderReader, LineEnding,
    OutputTooSmall, FORGIVING, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
};
use serde_json::Value;
use support::{show, whatwg_forgiving_decode, Naive, CODECS, SENTINEL};

/// `miri` under Miri (where every byte costs thousands of times more), else `native`.
fn miri_or(miri: usize, native: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        native
    }
}

const RFC_JSON: &str = include_str!("data/base64/rfc4648-section10.json");
const WPT_JSON: &str = include_str!("data/base64/base64.json");

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn field<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("missing string field {k} in {v}"))
}

/// Every way the crate decodes, which must all agree: one-shot, in place,
/// `Decoder` fed one byte at a time, and `DecoderReader` read 1 byte at a time.
fn decode_all_ways(codec: &Base64, input: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let one_shot = codec.decode(input);

    let mut buf = input.to_vec();
    let in_place = codec.decode_in_place(&mut buf).map(|n| buf[..n].to_vec());
    assert_eq!(
        in_place,
        one_shot,
        "decode_in_place vs decode of {}",
        show(input)
    );

    let mut dec = Decoder::new(codec);
    let mut out = vec![0u8; input.len() + 3];
    let mut w = 0;
    let bytewise = (|| -> Result<Vec<u8>, DecodeError> {
        for b in input.chunks(1) {
            let (c, o) = dec.decode(b, &mut out[w..])?;
            assert_eq!(c, 1);
            w += o;
        }
        let t = dec.finish(&mut out[w..])?;
        Ok(out[..w + t].to_vec())
    })();
    assert_eq!(
        bytewise,
        one_shot,
        "bytewise Decoder vs decode of {}",
        show(input)
    );

    let mut reader = DecoderReader::new(input, codec);
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    let streamed = loop {
        match reader.read(&mut byte) {
            Ok(0) => break Ok(got),
            Ok(_) => got.push(byte[0]),
            Err(e) => {
                assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
                break Err(*e.get_ref().unwrap().downcast_ref::<DecodeError>().unwrap());
            }
        }
    };
    assert_eq!(
        streamed,
        one_shot,
        "DecoderReader vs decode of {}",
        show(input)
    );
    one_shot
}

// ---------------------------------------------------------------------------
// RFC 4648 §10 and derived vectors.

#[test]
fn rfc4648_section10_all_strict_codecs() {
    let doc: Value = serde_json::from_str(RFC_JSON).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    let unpadded = doc["derived_not_in_rfc"]["unpadded"].as_array().unwrap();
    assert_eq!(vectors.len(), 7);
    assert_eq!(unpadded.len(), 7);
    for (v, u) in vectors.iter().zip(unpadded) {
        let input = field(v, "input").as_bytes();
        assert_eq!(hex(field(v, "input_hex")), input);
        assert_eq!(field(u, "input").as_bytes(), input);
        let padded = field(v, "base64");
        let nopad = field(u, "base64_nopad");
        assert_eq!(padded.trim_end_matches('='), nopad);

        // The inputs use neither index 62 nor 63: both alphabets agree.
        for codec in [STANDARD, URL_SAFE] {
            assert_eq!(codec.encode(input), padded);
            assert_eq!(decode_all_ways(&codec, padded.as_bytes()).unwrap(), input);
        }
        for codec in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            assert_eq!(codec.encode(input), nopad);
            assert_eq!(decode_all_ways(&codec, nopad.as_bytes()).unwrap(), input);
        }
        assert_eq!(FORGIVING.encode(input), padded);
        assert_eq!(
            decode_all_ways(&FORGIVING, padded.as_bytes()).unwrap(),
            input
        );
        assert_eq!(
            decode_all_ways(&FORGIVING, nopad.as_bytes()).unwrap(),
            input
        );

        // Cross-padding is rejected with the documented error.
        if padded != nopad {
            let first_eq = padded.find('=').unwrap();
            for codec in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
                assert_eq!(
                    decode_all_ways(&codec, padded.as_bytes()),
                    Err(DecodeError::InvalidByte {
                        offset: first_eq,
                        byte: b'='
                    }),
                    "{padded}"
                );
            }
            for codec in [STANDARD, URL_SAFE] {
                assert_eq!(
                    decode_all_ways(&codec, nopad.as_bytes()),
                    Err(DecodeError::InvalidPadding {
                        offset: nopad.len()
                    }),
                    "{nopad}"
                );
            }
        }
    }
}

#[test]
fn derived_alphabet_62_63() {
    let doc: Value = serde_json::from_str(RFC_JSON).unwrap();
    let cases = doc["derived_not_in_rfc"]["alphabet_62_63"]
        .as_array()
        .unwrap();
    assert_eq!(cases.len(), 12);
    for c in cases {
        let input = hex(field(c, "input_hex"));
        let std = field(c, "base64");
        let url = field(c, "base64url");
        let url_nopad = field(c, "base64url_nopad");
        let std_nopad = std.trim_end_matches('=');
        assert_eq!(STANDARD.encode(&input), std);
        assert_eq!(STANDARD_NO_PAD.encode(&input), std_nopad);
        assert_eq!(URL_SAFE.encode(&input), url);
        assert_eq!(URL_SAFE_NO_PAD.encode(&input), url_nopad);
        assert_eq!(FORGIVING.encode(&input), std);
        assert_eq!(decode_all_ways(&STANDARD, std.as_bytes()).unwrap(), input);
        assert_eq!(
            decode_all_ways(&STANDARD_NO_PAD, std_nopad.as_bytes()).unwrap(),
            input
        );
        assert_eq!(decode_all_ways(&URL_SAFE, url.as_bytes()).unwrap(), input);
        assert_eq!(
            decode_all_ways(&URL_SAFE_NO_PAD, url_nopad.as_bytes()).unwrap(),
            input
        );
        assert_eq!(decode_all_ways(&FORGIVING, std.as_bytes()).unwrap(), input);

        // The other alphabet's 62/63 symbols are invalid bytes, at their offset.
        if let Some(i) = url.find(['-', '_']) {
            let byte = url.as_bytes()[i];
            for codec in [STANDARD, FORGIVING] {
                assert_eq!(
                    decode_all_ways(&codec, url.as_bytes()),
                    Err(DecodeError::InvalidByte { offset: i, byte }),
                    "{url}"
                );
            }
        }
        if let Some(i) = std.find(['+', '/']) {
            let byte = std.as_bytes()[i];
            assert_eq!(
                decode_all_ways(&URL_SAFE, std.as_bytes()),
                Err(DecodeError::InvalidByte { offset: i, byte }),
                "{std}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// WPT forgiving-base64.

#[test]
fn wpt_forgiving_base64_all_80() {
    let doc: Value = serde_json::from_str(WPT_JSON).unwrap();
    let vectors = doc.as_array().unwrap();
    assert_eq!(vectors.len(), 80);
    let (mut ok, mut fail) = (0, 0);
    for v in vectors {
        let input = v[0].as_str().unwrap().as_bytes();
        let expected: Option<Vec<u8>> = match &v[1] {
            Value::Null => None,
            Value::Array(a) => Some(a.iter().map(|x| x.as_u64().unwrap() as u8).collect()),
            other => panic!("bad expectation {other}"),
        };
        // The oracle of the property tests reproduces WPT.
        assert_eq!(
            whatwg_forgiving_decode(input),
            expected,
            "oracle on {}",
            show(input)
        );
        let got = decode_all_ways(&FORGIVING, input);
        match (&expected, &got) {
            (Some(e), Ok(g)) => {
                assert_eq!(g, e, "FORGIVING on {}", show(input));
                ok += 1;
            }
            (None, Err(e)) => {
                assert!(
                    !matches!(e, DecodeError::OutputTooSmall { .. }),
                    "{}: {e:?}",
                    show(input)
                );
                assert!(e.offset() <= input.len(), "{}: {e:?}", show(input));
                fail += 1;
            }
            _ => panic!(
                "FORGIVING on {}: expected {expected:?}, got {got:?}",
                show(input)
            ),
        }
        // And the strict naive model with FORGIVING's settings agrees exactly.
        assert_eq!(
            Naive::FORGIVING.decode(input),
            got,
            "naive on {}",
            show(input)
        );
    }
    assert_eq!((ok, fail), (24, 56));
}

#[test]
fn wpt_selected_error_offsets() {
    // UTF-8 of U+00A0 is C2 A0; of U+10000 is F0 90 80 80; of U+3000 is E3 80 80.
    let cases: &[(&str, DecodeError)] = &[
        (
            "ab\u{a0}cd",
            DecodeError::InvalidByte {
                offset: 2,
                byte: 0xC2,
            },
        ),
        (
            "\u{10000}",
            DecodeError::InvalidByte {
                offset: 0,
                byte: 0xF0,
            },
        ),
        (
            "ab\u{3000}cd",
            DecodeError::InvalidByte {
                offset: 2,
                byte: 0xE3,
            },
        ),
        (
            "ab\u{b}cd",
            DecodeError::InvalidByte {
                offset: 2,
                byte: 0x0B,
            },
        ),
        (
            "\0nonsense",
            DecodeError::InvalidByte { offset: 0, byte: 0 },
        ),
        (
            "abcd\0nonsense",
            DecodeError::InvalidByte { offset: 4, byte: 0 },
        ),
        ("a", DecodeError::InvalidLength { len: 1 }),
        ("abcde", DecodeError::InvalidLength { len: 5 }),
        ("////A", DecodeError::InvalidLength { len: 5 }),
        (" abcd===", DecodeError::InvalidPadding { offset: 5 }),
        ("abcd ===", DecodeError::InvalidPadding { offset: 5 }),
        ("ab=", DecodeError::InvalidPadding { offset: 2 }),
        ("ab===", DecodeError::InvalidPadding { offset: 2 }),
        ("abc==", DecodeError::InvalidPadding { offset: 3 }),
        ("=", DecodeError::InvalidPadding { offset: 0 }),
        (
            "a=b",
            DecodeError::InvalidByte {
                offset: 1,
                byte: b'=',
            },
        ),
        (
            "=a",
            DecodeError::InvalidByte {
                offset: 0,
                byte: b'=',
            },
        ),
        (
            "abc=d=",
            DecodeError::InvalidByte {
                offset: 3,
                byte: b'=',
            },
        ),
        (
            "~~",
            DecodeError::InvalidByte {
                offset: 0,
                byte: b'~',
            },
        ),
        (
            "__",
            DecodeError::InvalidByte {
                offset: 0,
                byte: b'_',
            },
        ),
    ];
    for &(input, err) in cases {
        assert_eq!(
            decode_all_ways(&FORGIVING, input.as_bytes()),
            Err(err),
            "{input:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Hand-written error cases.

fn ok(s: &[u8]) -> Result<Vec<u8>, DecodeError> {
    Ok(s.to_vec())
}
fn byte(offset: usize, byte: u8) -> Result<Vec<u8>, DecodeError> {
    Err(DecodeError::InvalidByte { offset, byte })
}
fn length(len: usize) -> Result<Vec<u8>, DecodeError> {
    Err(DecodeError::InvalidLength { len })
}
fn padding(offset: usize) -> Result<Vec<u8>, DecodeError> {
    Err(DecodeError::InvalidPadding { offset })
}
fn bits(offset: usize) -> Result<Vec<u8>, DecodeError> {
    Err(DecodeError::TrailingBits { offset })
}

/// An input and what decoding it must give.
type Case<'a> = (&'a [u8], Result<Vec<u8>, DecodeError>);

/// Checks every case with every decoding path and with the naive model.
fn check(codec: Base64, naive: Naive, cases: &[Case]) {
    for (input, expected) in cases {
        assert_eq!(
            &decode_all_ways(&codec, input),
            expected,
            "{:?} on {}",
            codec,
            show(input)
        );
        assert_eq!(
            &naive.decode(input),
            expected,
            "naive {:?} on {}",
            naive,
            show(input)
        );
    }
}

#[test]
fn errors_standard() {
    let cases: &[(&[u8], _)] = &[
        (b"", ok(b"")),
        (b"Zm9vYg==", ok(b"foob")),
        (b"Zm9vYmE=", ok(b"fooba")),
        // Invalid bytes, at their offset.
        (b"Zm9v!", byte(4, b'!')),
        (b"!Zm9v", byte(0, b'!')),
        (b"Zm9vYm\xffy", byte(6, 0xFF)),
        (b"Zm9v\x00", byte(4, 0)),
        (b"Zm9v-_", byte(4, b'-')),
        (b"Zm9vYmFy\x80Zm9v", byte(8, 0x80)),
        // Whitespace is not skipped by the strict presets.
        (b"Zm9v\n", byte(4, b'\n')),
        (b" Zm9v", byte(0, b' ')),
        (b"Zm9v\r\nYmFy", byte(4, b'\r')),
        // '=' followed by a symbol is an invalid byte (the run's first '=').
        (b"Zm=9", byte(2, b'=')),
        (b"=Zm9", byte(0, b'=')),
        (b"Zg==Zg==", byte(2, b'=')),
        (b"Zg=!A", byte(2, b'=')),
        (b"Zg==!=A", byte(2, b'=')),
        // ... but not when only junk follows: then the junk is the fault.
        (b"Zg=!", byte(3, b'!')),
        (b"Zg==!", byte(4, b'!')),
        (b"Zg=!=", byte(3, b'!')),
        // An invalid byte before an out-of-place '=' wins.
        (b"Z!=A", byte(1, b'!')),
        // Length, then trailing bits, then padding.
        (b"Zm9vY", length(5)),
        (b"Zm9vY=", length(6)),
        (b"Zm9vY===", length(8)),
        (b"Z", length(1)),
        (b"Zm9vYh==", bits(5)),
        (b"Zm9vYmF=", bits(6)),
        (b"Zh", bits(1)),
        (b"Zm9vYh=", bits(5)),
        (b"Zm9vYh===", bits(5)),
        (b"Zm9vYg", padding(6)),
        (b"Zm9vYg=", padding(6)),
        (b"Zm9vYg===", padding(6)),
        (b"Zm9vYmE", padding(7)),
        (b"Zm9vYmE==", padding(7)),
        (b"Zm9v=", padding(4)),
        (b"Zm9v====", padding(4)),
        (b"=", padding(0)),
        (b"====", padding(0)),
    ];
    check(STANDARD, Naive::STANDARD, cases);
    // URL_SAFE has the same rules, and its own 62/63.
    let url: Vec<(&[u8], _)> = cases
        .iter()
        .filter(|(i, _)| !i.contains(&b'-'))
        .cloned()
        .chain([
            (&b"-_-_"[..], ok(b"\xfb\xff\xbf")),
            (b"Zm9v+/", byte(4, b'+')),
            (b"Zm9v/", byte(4, b'/')),
        ])
        .collect();
    check(URL_SAFE, Naive::URL_SAFE, &url);
}

#[test]
fn errors_no_pad() {
    let cases: &[(&[u8], _)] = &[
        (b"", ok(b"")),
        (b"Zg", ok(b"f")),
        (b"Zm8", ok(b"fo")),
        (b"Zm9vYmFy", ok(b"foobar")),
        // Any '=' is an invalid byte, wherever it is.
        (b"Zg==", byte(2, b'=')),
        (b"Zm8=", byte(3, b'=')),
        (b"Zm9v=", byte(4, b'=')),
        (b"=", byte(0, b'=')),
        (b"Zm=9v", byte(2, b'=')),
        (b"Zg=!", byte(2, b'=')),
        (b"Z!=", byte(1, b'!')),
        (b"Zm9vY", length(5)),
        (b"Zh", bits(1)),
        (b"Zm9", bits(2)),
        (b"Zm9v\n", byte(4, b'\n')),
    ];
    check(STANDARD_NO_PAD, Naive::STANDARD_NO_PAD, cases);
    check(URL_SAFE_NO_PAD, Naive::URL_SAFE_NO_PAD, cases);
    check(
        URL_SAFE_NO_PAD,
        Naive::URL_SAFE_NO_PAD,
        &[(b"-_8", ok(b"\xfb\xff")), (b"+_8", byte(0, b'+'))],
    );
    check(
        STANDARD_NO_PAD,
        Naive::STANDARD_NO_PAD,
        &[(b"+/8", ok(b"\xfb\xff")), (b"-/8", byte(0, b'-'))],
    );
}

#[test]
fn errors_forgiving_whitespace_offsets() {
    let cases: &[(&[u8], _)] = &[
        (b" Zm9v\nYg ", ok(b"foob")),
        (b"Zm9vYg", ok(b"foob")),
        (b"Zm9vYg==", ok(b"foob")),
        (b"Zm9vYmE", ok(b"fooba")),
        (b"Zm9vYmE=", ok(b"fooba")),
        (b"Zm 9v Yg = =", ok(b"foob")),
        (b"\t\n\x0c\r Zm9v", ok(b"foo")),
        (b"Zm9vYg\r\n", ok(b"foob")),
        // Trailing bits are ignored.
        (b"Zm9vYh", ok(b"foob")),
        (b"Zm9vYh==", ok(b"foob")),
        (b"YR", ok(b"a")),
        // Offsets count the whitespace.
        (b" \t Z!", byte(4, b'!')),
        (b"Zm\x0b9v", byte(2, 0x0B)),
        (b"  \n-_", byte(3, b'-')),
        (b"ab=\ncd", byte(2, b'=')),
        (b"ab = cd", byte(3, b'=')),
        (b"Zg= !", byte(4, b'!')),
        (b"Zm9v Y", length(6)),
        (b" Z ", length(3)),
        (b"Zm9vY \n=", length(8)),
        (b"Zm9vYg = = =", padding(7)),
        (b"Zm9vYg=", padding(6)),
        (b"Zm9vYg =", padding(7)),
        (b"Zm9v\n=", padding(5)),
        (b"Zm9vYmE\t==", padding(8)),
        (b" = ", padding(1)),
    ];
    check(FORGIVING, Naive::FORGIVING, cases);
    for (input, expected) in cases {
        let w = whatwg_forgiving_decode(input);
        assert_eq!(w, expected.clone().ok(), "WHATWG oracle on {}", show(input));
    }
}

#[test]
fn errors_strict_with_whitespace_skipped() {
    let std_ws = STANDARD.with_whitespace_skipped(true);
    assert!(std_ws.whitespace_skipped());
    check(
        std_ws,
        Naive::STANDARD.with_ws(),
        &[
            (b"Zm9v\r\nYmFy\r\n", ok(b"foobar")),
            (b"Zm9v\r\nYg==\r\n", ok(b"foob")),
            (b"Zm9v\nYg=\n=", ok(b"foob")),
            (b" \t\x0c", ok(b"")),
            (b"Zm9v\r\nYg", padding(8)),
            (b"Zm9v\r\nYg\r\n", padding(10)),
            (b"Zm9v\x0bYg==", byte(4, 0x0B)),
            (b"Zm9v\r\nYh==", bits(7)),
            (b"Zm9v\r\nY", length(7)),
            (b"Zm9v\r\n=", padding(6)),
        ],
    );
    check(
        STANDARD_NO_PAD.with_whitespace_skipped(true),
        Naive::STANDARD_NO_PAD.with_ws(),
        &[
            (b"Zm9v\nYg", ok(b"foob")),
            (b"Zm9v\nYg\n", ok(b"foob")),
            (b"Zm9v\nYg==", byte(7, b'=')),
            (b"Zm9v\nYh", bits(6)),
        ],
    );
    // Line-wrapped output of encode_wrapped.
    let data: Vec<u8> = (0..=255u8).cycle().take(miri_or(200, 1000)).collect();
    for ending in [LineEnding::Lf, LineEnding::CrLf] {
        let wrapped = STANDARD.encode_wrapped(&data, 76, ending);
        assert_eq!(
            STANDARD.decode(&wrapped),
            Err(DecodeError::InvalidByte {
                offset: 76,
                byte: ending.as_bytes()[0]
            })
        );
        assert_eq!(decode_all_ways(&std_ws, wrapped.as_bytes()).unwrap(), data);
    }
}

#[test]
fn output_too_small_exact_needed() {
    let cases: &[(Base64, &[u8], usize)] = &[
        (STANDARD, b"Zm9vYmFy", 6),
        (STANDARD, b"Zm9vYg==", 4),
        (STANDARD, b"Zm9vYmE=", 5),
        (STANDARD_NO_PAD, b"Zm9vYmE", 5),
        (URL_SAFE_NO_PAD, b"-_8", 2),
        (FORGIVING, b" Zm9v Yg ", 4),
        (FORGIVING, b"Zm9vYh", 4),
        (
            STANDARD.with_whitespace_skipped(true),
            b"Zm9v\r\nYmFy\r\n",
            6,
        ),
    ];
    for &(codec, input, needed) in cases {
        for len in 0..needed {
            let mut out = vec![SENTINEL; len];
            assert_eq!(
                codec.decode_to_slice(input, &mut out),
                Err(DecodeError::OutputTooSmall { needed }),
                "{} into {len}",
                show(input)
            );
        }
        let mut out = vec![SENTINEL; needed];
        assert_eq!(codec.decode_to_slice(input, &mut out), Ok(needed));
        assert_eq!(codec.decode(input).unwrap(), out);
    }

    // A long input into a short buffer counts the rest exactly.
    // (Longer than the 768-byte scratch buffer decode_to_slice counts with.)
    let n = miri_or(1001, 3001);
    let data: Vec<u8> = (0..n as u32).map(|i| (i * 7 + 3) as u8).collect();
    for codec in CODECS {
        let enc = codec.lib.encode(&data);
        for len in [0, 1, 2, 3, 10, 767, 768, 769, n / 2, n - 1] {
            let mut out = vec![0u8; len];
            assert_eq!(
                codec.lib.decode_to_slice(enc.as_bytes(), &mut out),
                Err(DecodeError::OutputTooSmall { needed: n }),
                "{codec:?} into {len}"
            );
        }
    }

    // Invalid input reports its own error, whatever the buffer size.
    let invalid: &[(Base64, &[u8], DecodeError)] = &[
        (
            STANDARD,
            b"Zm9vYmF!",
            DecodeError::InvalidByte {
                offset: 7,
                byte: b'!',
            },
        ),
        (
            STANDARD,
            b"Zm9vYh==",
            DecodeError::TrailingBits { offset: 5 },
        ),
        (
            STANDARD,
            b"Zm9vYg",
            DecodeError::InvalidPadding { offset: 6 },
        ),
        (STANDARD, b"Zm9vY", DecodeError::InvalidLength { len: 5 }),
        (
            STANDARD_NO_PAD,
            b"Zm9vYg==",
            DecodeError::InvalidByte {
                offset: 6,
                byte: b'=',
            },
        ),
        (
            FORGIVING,
            b"Zm9v Yg=",
            DecodeError::InvalidPadding { offset: 7 },
        ),
    ];
    for &(codec, input, err) in invalid {
        for len in 0..8 {
            let mut out = vec![0u8; len];
            assert_eq!(
                codec.decode_to_slice(input, &mut out),
                Err(err),
                "{} into {len}",
                show(input)
            );
        }
    }
    let mut long = STANDARD.encode(&data).into_bytes();
    let at = long.len() - 6;
    long[at] = b'*';
    let mut out = [0u8; 5];
    assert_eq!(
        STANDARD.decode_to_slice(&long, &mut out),
        Err(DecodeError::InvalidByte {
            offset: at,
            byte: b'*'
        })
    );
}

#[test]
fn encode_to_slice_too_small_writes_nothing() {
    for codec in CODECS {
        for n in 0..10usize {
            let input: Vec<u8> = (0..n as u8).collect();
            let needed = codec.lib.encoded_len(n).unwrap();
            for len in 0..needed {
                let mut out = vec![SENTINEL; len];
                assert_eq!(
                    codec.lib.encode_to_slice(&input, &mut out),
                    Err(OutputTooSmall { needed }),
                    "{codec:?} {n} into {len}"
                );
                assert!(
                    out.iter().all(|&b| b == SENTINEL),
                    "{codec:?} wrote into a too-small buffer"
                );
            }
            let mut out = vec![SENTINEL; needed + 5];
            assert_eq!(codec.lib.encode_to_slice(&input, &mut out), Ok(needed));
            assert_eq!(&out[..needed], codec.naive.encode(&input));
            support::assert_untouched(&out, needed, "encode_to_slice");
        }
    }
}

// ---------------------------------------------------------------------------
// Wrapped encoding.

#[test]
fn encode_wrapped_cases() {
    let cases: &[(Base64, &[u8], usize, LineEnding, &str)] = &[
        (STANDARD, b"foobar", 4, LineEnding::Lf, "Zm9v\nYmFy"),
        (STANDARD, b"foobar", 4, LineEnding::CrLf, "Zm9v\r\nYmFy"),
        (STANDARD, b"foobar", 3, LineEnding::Lf, "Zm9\nvYm\nFy"),
        (STANDARD, b"foobar", 0, LineEnding::CrLf, "Zm9vYmFy"),
        (STANDARD, b"foobar", 8, LineEnding::Lf, "Zm9vYmFy"),
        (STANDARD, b"foobar", 100, LineEnding::Lf, "Zm9vYmFy"),
        (STANDARD, b"foob", 3, LineEnding::CrLf, "Zm9\r\nvYg\r\n=="),
        (
            STANDARD,
            b"foob",
            1,
            LineEnding::Lf,
            "Z\nm\n9\nv\nY\ng\n=\n=",
        ),
        (STANDARD_NO_PAD, b"foob", 4, LineEnding::Lf, "Zm9v\nYg"),
        (URL_SAFE, b"\xfb\xff", 2, LineEnding::Lf, "-_\n8="),
        (STANDARD, b"", 4, LineEnding::CrLf, ""),
        (STANDARD, b"", 0, LineEnding::Lf, ""),
    ];
    for &(codec, input, line_len, ending, expected) in cases {
        assert_eq!(codec.encode_wrapped(input, line_len, ending), expected);
        assert_eq!(
            codec.encoded_wrapped_len(input.len(), line_len, ending),
            Some(expected.len())
        );
        let mut out = vec![SENTINEL; expected.len() + 7];
        assert_eq!(
            codec.encode_wrapped_to_slice(input, line_len, ending, &mut out),
            Ok(expected.len())
        );
        assert_eq!(&out[..expected.len()], expected.as_bytes());
        support::assert_untouched(&out, expected.len(), "encode_wrapped_to_slice");
        if !expected.is_empty() {
            let mut small = vec![SENTINEL; expected.len() - 1];
            assert_eq!(
                codec.encode_wrapped_to_slice(input, line_len, ending, &mut small),
                Err(OutputTooSmall {
                    needed: expected.len()
                })
            );
        }
    }
}

#[test]
fn encode_wrapped_matches_naive_and_round_trips() {
    let data: Vec<u8> = (0..700u32).map(|i| (i * 31 + 5) as u8).collect();
    for codec in CODECS {
        let ws = codec.lib.with_whitespace_skipped(true);
        let ns: &[usize] = if cfg!(miri) {
            &[0, 1, 2, 58, 100]
        } else {
            &[0, 1, 2, 3, 56, 57, 58, 100, 699]
        };
        let line_lens: &[usize] = if cfg!(miri) {
            &[0, 1, 4, 76]
        } else {
            &[0, 1, 4, 64, 75, 76, 77]
        };
        for &n in ns {
            for &line_len in line_lens {
                for ending in [LineEnding::Lf, LineEnding::CrLf] {
                    let wrapped = codec.lib.encode_wrapped(&data[..n], line_len, ending);
                    let plain = codec.naive.encode(&data[..n]);
                    let expect =
                        support::naive_wrap(&plain, line_len, support::ending_bytes(ending));
                    assert_eq!(
                        wrapped.as_bytes(),
                        expect,
                        "{codec:?} n={n} line={line_len}"
                    );
                    assert!(!wrapped.ends_with('\n'));
                    if line_len > 0 {
                        assert!(wrapped
                            .split(ending_str(ending))
                            .all(|l| l.len() <= line_len));
                    }
                    assert_eq!(ws.decode(&wrapped).unwrap(), &data[..n]);
                    if codec.lib.alphabet() == Alphabet::Standard {
                        assert_eq!(FORGIVING.decode(&wrapped).unwrap(), &data[..n]);
                    }
                }
            }
        }
    }
}

fn ending_str(e: LineEnding) -> &'static str {
    match e {
        LineEnding::Lf => "\n",
        LineEnding::CrLf => "\r\n",
    }
}

// ---------------------------------------------------------------------------
// Lengths.

/// True encoded length in u128 arithmetic.
fn true_encoded_len(n: usize, pad: bool) -> u128 {
    let n = n as u128;
    if pad {
        n.div_ceil(3) * 4
    } else {
        (n * 4).div_ceil(3)
    }
}

#[test]
fn encoded_len_exact_and_overflow() {
    for codec in CODECS {
        let pad = codec.naive.encode_pad;
        for n in 0..miri_or(40, 200) {
            let input = vec![0u8; n];
            assert_eq!(
                codec.lib.encoded_len(n),
                Some(codec.naive.encode(&input).len())
            );
        }
        let max = usize::MAX;
        let near = [
            max,
            max - 1,
            max - 2,
            max / 4 * 3,
            max / 4 * 3 + 1,
            max / 4 * 3 + 2,
            max / 4 * 3 + 3,
            max / 4 * 3 - 1,
            max / 4 * 3 - 2,
            max / 3,
            max / 2,
        ];
        for n in near {
            let t = true_encoded_len(n, pad);
            let expect = (t <= max as u128).then_some(t as usize);
            assert_eq!(codec.lib.encoded_len(n), expect, "{codec:?} n={n}");
        }
        assert_eq!(codec.lib.encoded_len(max), None);
        assert_eq!(
            codec.lib.encoded_wrapped_len(max, 76, LineEnding::CrLf),
            None
        );
        assert_eq!(
            codec
                .lib
                .encoded_wrapped_len(max / 4 * 3, 1, LineEnding::CrLf),
            None
        );
        assert!(codec.lib.encoded_len(max / 4 * 3 - 2).is_some());
        // A too-big claim fails cleanly, with an output too small.
        let mut out = [0u8; 4];
        assert!(codec
            .lib
            .encode_wrapped_to_slice(b"abc", 1, LineEnding::CrLf, &mut out)
            .is_err());
    }
    // The boundary itself: the largest padded input that fits.
    let n = usize::MAX / 4 * 3;
    assert_eq!(STANDARD.encoded_len(n), Some(usize::MAX / 4 * 4));
    assert_eq!(STANDARD.encoded_len(n + 1), None);
    assert_eq!(
        STANDARD_NO_PAD.encoded_len(n + 1),
        Some(usize::MAX / 4 * 4 + 2)
    );
}

#[test]
fn encoded_wrapped_len_exact() {
    for n in 0..120 {
        for line_len in [0, 1, 2, 3, 4, 5, 76] {
            for ending in [LineEnding::Lf, LineEnding::CrLf] {
                let plain = STANDARD.encoded_len(n).unwrap();
                let breaks = if line_len == 0 || plain == 0 {
                    0
                } else {
                    (plain - 1) / line_len
                };
                assert_eq!(
                    STANDARD.encoded_wrapped_len(n, line_len, ending),
                    Some(plain + breaks * ending.as_bytes().len())
                );
            }
        }
    }
}

#[test]
fn decoded_len_max_is_an_upper_bound() {
    let data: Vec<u8> = (0..300u32).map(|i| (i * 13) as u8).collect();
    for codec in CODECS {
        for n in (0..data.len()).step_by(miri_or(11, 1)) {
            let enc = codec.lib.encode(&data[..n]);
            let bound = codec.lib.decoded_len_max(enc.len());
            assert!(
                bound >= n,
                "{codec:?}: decoded_len_max({}) = {bound} < {n}",
                enc.len()
            );
            if !codec.naive.encode_pad {
                // Exact for unpadded input without whitespace.
                assert_eq!(bound, n, "{codec:?}");
            }
            // Whitespace only adds to the input length.
            let spaced = format!(" {enc}\r\n");
            assert!(FORGIVING.decoded_len_max(spaced.len()) >= n);
        }
    }
    assert!(STANDARD.decoded_len_max(usize::MAX) >= usize::MAX / 4 * 3);
}

// ---------------------------------------------------------------------------
// Errors: offset() and Display.

#[test]
fn decode_error_offset_and_display() {
    let errors = [
        DecodeError::InvalidByte {
            offset: 12345,
            byte: b'!',
        },
        DecodeError::InvalidByte {
            offset: 777,
            byte: 0x0B,
        },
        DecodeError::InvalidByte {
            offset: 0,
            byte: 0xFF,
        },
        DecodeError::InvalidLength { len: 4321 },
        DecodeError::InvalidPadding { offset: 98765 },
        DecodeError::TrailingBits { offset: 5551 },
    ];
    let offsets = [12345, 777, 0, 4321, 98765, 5551];
    for (e, off) in errors.iter().zip(offsets) {
        assert_eq!(e.offset(), off, "{e:?}");
        let msg = e.to_string();
        assert!(!msg.is_empty());
        assert!(msg.contains(&off.to_string()), "{msg:?} lacks {off}");
    }
    let msg = errors[0].to_string();
    assert!(
        msg.contains("21") && msg.contains('!'),
        "{msg:?} should name the byte"
    );
    assert!(errors[1].to_string().contains("0b"), "{}", errors[1]);
    assert!(errors[2].to_string().contains("ff"), "{}", errors[2]);

    let e = DecodeError::OutputTooSmall { needed: 4242 };
    assert_eq!(e.offset(), 0);
    assert!(e.to_string().contains("4242"), "{e}");
    let o = OutputTooSmall { needed: 3131 };
    assert!(o.to_string().contains("3131"), "{o}");

    // They are std errors, and real decode errors point where the docs say.
    let boxed: Box<dyn std::error::Error> = Box::new(STANDARD.decode("Zm9v!").unwrap_err());
    assert!(boxed.to_string().contains('4'));
    assert_eq!(STANDARD.decode("Zm9vY").unwrap_err().offset(), 5);
    assert_eq!(STANDARD.decode("Zm9vYg").unwrap_err().offset(), 6);
    assert_eq!(STANDARD.decode("Zm9vYh==").unwrap_err().offset(), 5);
}

// ---------------------------------------------------------------------------
// Presets and backends.

#[test]
fn presets_match_documentation() {
    let table = [
        (
            STANDARD,
            Alphabet::Standard,
            true,
            DecodePadding::Required,
            false,
            false,
        ),
        (
            STANDARD_NO_PAD,
            Alphabet::Standard,
            false,
            DecodePadding::Forbidden,
            false,
            false,
        ),
        (
            URL_SAFE,
            Alphabet::UrlSafe,
            true,
            DecodePadding::Required,
            false,
            false,
        ),
        (
            URL_SAFE_NO_PAD,
            Alphabet::UrlSafe,
            false,
            DecodePadding::Forbidden,
            false,
            false,
        ),
        (
            FORGIVING,
            Alphabet::Standard,
            true,
            DecodePadding::Optional,
            true,
            true,
        ),
    ];
    for (codec, alphabet, enc_pad, dec_pad, ws, tb) in table {
        assert_eq!(codec.alphabet(), alphabet);
        assert_eq!(codec.encode_padding(), enc_pad);
        assert_eq!(codec.decode_padding(), dec_pad);
        assert_eq!(codec.whitespace_skipped(), ws);
        assert_eq!(codec.trailing_bits_allowed(), tb);
        assert_eq!(codec.forced_backend(), None);
    }
    assert_eq!(Alphabet::Standard.symbols(), support::STD_SYMBOLS);
    assert_eq!(Alphabet::UrlSafe.symbols(), support::URL_SYMBOLS);
    assert_eq!(LineEnding::Lf.as_bytes(), b"\n");
    assert_eq!(LineEnding::CrLf.as_bytes(), b"\r\n");
    assert_eq!(Base64::new(Alphabet::UrlSafe), URL_SAFE);
}

#[test]
fn backends() {
    let scalar = STANDARD
        .with_backend(Backend::Scalar)
        .expect("scalar is always available");
    assert_eq!(scalar.forced_backend(), Some(Backend::Scalar));
    assert_eq!(scalar.backend(), Backend::Scalar);
    assert!(Backend::Scalar.is_available());
    assert!(Backend::detect().is_available());
    assert_eq!(STANDARD.backend(), Backend::detect());
    let mut names = Vec::new();
    for &b in Backend::ALL {
        let forced = FORGIVING.with_backend(b);
        assert_eq!(forced.is_some(), b.is_available(), "{b}");
        if let Some(c) = forced {
            assert_eq!(c.forced_backend(), Some(b));
            assert_eq!(c.backend(), b);
            // Same bytes and errors as the default choice.
            let data: Vec<u8> = (0..=255).collect();
            let enc = c.encode(&data);
            assert_eq!(enc, FORGIVING.encode(&data));
            assert_eq!(c.decode(&enc).unwrap(), data);
            assert_eq!(c.decode(" Zm9v\n!"), FORGIVING.decode(" Zm9v\n!"));
            assert_eq!(
                c.decode(" Zm9v\n!"),
                Err(DecodeError::InvalidByte {
                    offset: 6,
                    byte: b'!'
                })
            );
        }
        assert_eq!(b.to_string(), b.name());
        assert!(!b.name().is_empty());
        names.push(b.name());
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Backend::ALL.len());
    assert_eq!(Backend::Scalar.name(), "scalar");
    // Forcing a backend keeps every other setting.
    let s = STANDARD_NO_PAD.with_backend(Backend::Scalar).unwrap();
    assert_eq!(s.with_backend(Backend::Scalar).unwrap().encode(b"f"), "Zg");
    assert_eq!(
        s.decode("Zg=="),
        Err(DecodeError::InvalidByte {
            offset: 2,
            byte: b'='
        })
    );
}
