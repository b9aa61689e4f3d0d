//! Property tests of the base64 codec against the naive oracles of
//! `support` and the `base64` crate, with a fixed seed (`support::SEED`) and
//! `PIXB64_PROPTEST_CASES` cases (default 256).
//!
//! Bulk data comes from a seeded SplitMix64 (`support::SplitMix`), so a case is
//! a handful of numbers: cheap to generate (also under Miri) and to shrink.
#![cfg(feature = "alloc")]

mod support;

use ::base64::Engine as _;
use pixb64::base64::{Base64, DecodeError, Decoder, LineEnding};
use proptest::prelude::*;
use support::{
    assert_untouched, at_offset, codecs_with_ws_variants, max_len, mutate, show,
    sprinkle_whitespace, whatwg_forgiving_decode, with_nth_backend, Codec, SplitMix, CODECS,
    SENTINEL, WHITESPACE,
};

/// Decodes through `decode_to_slice` into an exact-size-or-bigger buffer.
fn decode(codec: &Base64, input: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = vec![0u8; codec.decoded_len_max(input.len())];
    codec.decode_to_slice(input, &mut out).map(|n| {
        out.truncate(n);
        out
    })
}

/// An input for `codec`: a valid encoding of `len` random bytes (possibly
/// with whitespace where the codec skips it), then `mutations` random edits.
fn input_for(codec: &Codec, len: usize, mutations: usize, rng: &mut SplitMix) -> Vec<u8> {
    let data = rng.bytes(len);
    let mut enc = codec.lib.encode(&data).into_bytes();
    if codec.naive.skip_ws && rng.next_u64().is_multiple_of(2) {
        let n = rng.range(0, 1 + enc.len() / 8);
        enc = sprinkle_whitespace(&enc, n, rng);
    }
    mutate(&enc, mutations, rng)
}

/// Result of the `base64` crate, reduced to what is comparable.
fn reference(engine: &::base64::engine::GeneralPurpose, input: &[u8]) -> Option<Vec<u8>> {
    engine.decode(input).ok()
}

/// Feeds `input` to a `Decoder` in the given chunks, with output windows of
/// random sizes (including ones too small for a group), then finishes with a
/// window that may first be too small.
fn decode_chunked(
    codec: &Base64,
    input: &[u8],
    chunks: &[usize],
    rng: &mut SplitMix,
) -> Result<Vec<u8>, DecodeError> {
    let mut dec = Decoder::new(codec);
    let cap = codec.decoded_len_max(input.len()) + 8;
    let mut out = vec![SENTINEL; cap];
    let mut w = 0;
    let mut r = 0;
    for &k in chunks {
        let mut chunk = &input[r..r + k];
        r += k;
        loop {
            let room = match rng.next_u64() % 4 {
                0 => rng.range(0, 2),
                1 => rng.range(0, 40),
                _ => cap - w,
            }
            .min(cap - w);
            let (c, o) = dec.decode(chunk, &mut out[w..w + room])?;
            assert!(o <= room);
            assert_untouched(&out, w + o, "Decoder::decode");
            w += o;
            chunk = &chunk[c..];
            if chunk.is_empty() {
                break;
            }
            // It stops early only when the window had no room for a group.
            assert!(
                room - o < 3,
                "stopped early with {} bytes of room",
                room - o
            );
        }
        assert_eq!(dec.position(), r);
    }
    assert_eq!(r, input.len());
    let short = rng.range(0, 2);
    match dec.finish(&mut out[w..w + short]) {
        Ok(t) => {
            assert_untouched(&out, w + t, "Decoder::finish");
            // 0, 2 or 3 held symbols end the input with 0, 1 or 2 bytes.
            assert_eq!(t, dec.pending().saturating_sub(1));
            Ok(out[..w + t].to_vec())
        }
        Err(DecodeError::OutputTooSmall { needed }) => {
            assert!(
                needed > short && needed <= 2,
                "finish needed {needed} with {short}"
            );
            // `finish` leaves the decoder as it was: it can be called again.
            let t = dec.finish(&mut out[w..])?;
            assert_eq!(t, needed);
            Ok(out[..w + t].to_vec())
        }
        Err(e) => Err(e),
    }
}

proptest! {
    #![proptest_config(support::config())]

    /// Every codec round-trips bytes of any length at any alignment, and
    /// encodes exactly like the naive encoder (and the `base64` crate).
    #[test]
    fn round_trip_every_codec(len in 0..=max_len(), start in 0..64usize, seed in any::<u64>()) {
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let (buf, range) = at_offset(&data, start, &mut rng);
        let input = &buf[range];
        for codec in codecs_with_ws_variants() {
            let naive = codec.naive.encode(input);
            for backend in support::available_backends() {
                let lib = codec.lib.with_backend(backend).unwrap();
                let enc = lib.encode(input);
                prop_assert_eq!(enc.as_bytes(), &naive[..], "{:?} {}", codec, backend);
                prop_assert_eq!(Some(enc.len()), lib.encoded_len(len));
                if let Some(engine) = codec.reference {
                    prop_assert_eq!(&enc, &engine.encode(input));
                }
                let estart = rng.range(0, 63);
                let (ebuf, erange) = at_offset(enc.as_bytes(), estart, &mut rng);
                let dec = lib.decode(&ebuf[erange]);
                prop_assert_eq!(dec.as_deref(), Ok(input), "{:?} {}", codec, backend);
            }
        }
    }

    /// Mutated valid encodings: exactly the naive model (bytes and errors
    /// with offsets), accept/reject and bytes of the `base64` crate, and for
    /// FORGIVING the WHATWG algorithm.
    #[test]
    fn mutated_inputs_match_oracles(
        which in 0..9usize,
        len in prop_oneof![0..=48usize, 0..=200usize],
        mutations in 0..=3usize,
        seed in any::<u64>(),
    ) {
        let codec = codecs_with_ws_variants()[which];
        let mut rng = SplitMix(seed);
        let input = input_for(&codec, len, mutations, &mut rng);
        let got = decode(&codec.lib, &input);
        prop_assert_eq!(&got, &codec.naive.decode(&input), "{:?} on {}", codec, show(&input));
        prop_assert_eq!(&got, &codec.lib.decode(&input));
        for backend in support::available_backends() {
            let lib = codec.lib.with_backend(backend).unwrap();
            prop_assert_eq!(&got, &decode(&lib, &input), "{:?} {} on {}", codec, backend, show(&input));
        }
        if let Some(engine) = codec.reference {
            prop_assert_eq!(got.clone().ok(), reference(engine, &input), "{:?} vs base64 crate on {}", codec, show(&input));
        }
        if codec.name == "FORGIVING" {
            prop_assert_eq!(got.ok(), whatwg_forgiving_decode(&input), "WHATWG on {}", show(&input));
        }
    }

    /// Strict codecs against the `base64` crate on valid encodings, on mutated
    /// ones and on valid ones with whitespace inserted.
    #[test]
    fn strict_codecs_match_base64_crate(which in 0..4usize, bi in 0..8usize, len in 0..=200usize, mode in 0..3u8, seed in any::<u64>()) {
        let mut codec = CODECS[which];
        codec.lib = with_nth_backend(codec.lib, bi);
        let engine = codec.reference.unwrap();
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let enc = codec.lib.encode(&data).into_bytes();
        let input = match mode {
            0 => enc,
            1 => mutate(&enc, 1 + rng.range(0, 2), &mut rng),
            _ => sprinkle_whitespace(&enc, 1, &mut rng),
        };
        let got = decode(&codec.lib, &input);
        prop_assert_eq!(got.clone().ok(), reference(engine, &input), "{:?} on {}", codec, show(&input));
        if mode == 0 {
            prop_assert_eq!(got, Ok(data));
        } else if mode == 2 {
            let at = input.iter().position(|b| WHITESPACE.contains(b)).unwrap();
            prop_assert_eq!(got, Err(DecodeError::InvalidByte { offset: at, byte: input[at] }));
        }
    }

    /// Short strings over a small alphabet where every rule matters: all
    /// codecs equal the naive model; FORGIVING equals WHATWG; strict codecs
    /// accept exactly what the `base64` crate accepts.
    #[test]
    fn small_alphabet_strings(input in proptest::collection::vec(
        proptest::sample::select(b"ABCQgwxyz09+/-_====    \n\n\t\t\x0b!".to_vec()), 0..=20)
    ) {
        for codec in codecs_with_ws_variants() {
            let got = decode(&codec.lib, &input);
            prop_assert_eq!(&got, &codec.naive.decode(&input), "{:?} on {}", codec, show(&input));
            if let Some(engine) = codec.reference {
                prop_assert_eq!(got.clone().ok(), reference(engine, &input), "{:?} vs base64 crate on {}", codec, show(&input));
            }
            if codec.name == "FORGIVING" {
                prop_assert_eq!(got.ok(), whatwg_forgiving_decode(&input), "WHATWG on {}", show(&input));
            }
        }
    }

    /// FORGIVING is WHATWG forgiving-base64 on longer random strings too.
    #[test]
    fn forgiving_equals_whatwg(len in 0..=160usize, bi in 0..8usize, seed in any::<u64>()) {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/======    \n\n\t\x0b!";
        let mut rng = SplitMix(seed);
        // Mostly symbols, so that long inputs still decode sometimes.
        let junk = rng.range(0, 3) == 0;
        let input: Vec<u8> = (0..len)
            .map(|_| {
                if junk || rng.next_u64().is_multiple_of(16) {
                    ALPHABET[rng.range(0, ALPHABET.len() - 1)]
                } else {
                    ALPHABET[rng.range(0, 63)]
                }
            })
            .collect();
        let got = decode(&with_nth_backend(support::CODECS[4].lib, bi), &input);
        prop_assert_eq!(got.clone().ok(), whatwg_forgiving_decode(&input), "{}", show(&input));
        prop_assert_eq!(got, support::Naive::FORGIVING.decode(&input));
    }

    /// One byte of a valid input replaced by a non-alphabet, non-whitespace,
    /// non-`=` byte is an InvalidByte at exactly that offset, in every codec
    /// (whitespace-skipping ones with whitespace in the input).
    #[test]
    fn single_replacement_offset(which in 0..9usize, bi in 0..8usize, len in 1..=300usize, pos in any::<proptest::sample::Index>(), bad in any::<u8>(), seed in any::<u64>()) {
        let mut codec = codecs_with_ws_variants()[which];
        codec.lib = with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let mut input = codec.lib.encode(&data).into_bytes();
        if codec.naive.skip_ws {
            let n = 1 + input.len() / 10;
            input = sprinkle_whitespace(&input, n, &mut rng);
        }
        prop_assert_eq!(decode(&codec.lib, &input), Ok(data));
        let bad = if codec.naive.symbols.contains(&bad) || bad == b'=' || WHITESPACE.contains(&bad) {
            b"!\x00\x0b\x80\xff.*"[usize::from(bad) % 7]
        } else {
            bad
        };
        let at = pos.index(input.len());
        input[at] = bad;
        let err = DecodeError::InvalidByte { offset: at, byte: bad };
        prop_assert_eq!(decode(&codec.lib, &input), Err(err), "{:?} on {}", codec, show(&input));
        prop_assert_eq!(codec.naive.decode(&input), Err(err));
        let mut buf = input.clone();
        prop_assert_eq!(codec.lib.decode_in_place(&mut buf), Err(err));
    }

    /// `decode_in_place` equals `decode_to_slice`: bytes and errors.
    #[test]
    fn decode_in_place_equals_decode_to_slice(which in 0..9usize, bi in 0..8usize, len in 0..=max_len(), mutations in 0..=2usize, seed in any::<u64>()) {
        let mut codec = codecs_with_ws_variants()[which];
        codec.lib = with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let input = input_for(&codec, len, mutations, &mut rng);
        let expected = decode(&codec.lib, &input);
        let mut buf = input.clone();
        let got = codec.lib.decode_in_place(&mut buf).map(|n| buf[..n].to_vec());
        prop_assert_eq!(got, expected, "{:?}", codec);
    }

    /// Output buffers filled with a sentinel are never written past `n`, and
    /// too-small encode buffers not at all.
    #[test]
    fn sentinel_past_n(
        which in 0..9usize,
        bi in 0..8usize,
        len in 0..=max_len() / 4,
        extra in 0..=17usize,
        line_len in prop_oneof![Just(0usize), 1..=80usize],
        crlf in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let codec = codecs_with_ws_variants()[which];
        let lib = &with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let enc = lib.encode(&data);

        let mut out = vec![SENTINEL; enc.len() + extra];
        prop_assert_eq!(lib.encode_to_slice(&data, &mut out), Ok(enc.len()));
        prop_assert_eq!(&out[..enc.len()], enc.as_bytes());
        assert_untouched(&out, enc.len(), "encode_to_slice");
        if !enc.is_empty() {
            let short = rng.range(0, enc.len() - 1);
            let mut out = vec![SENTINEL; short];
            prop_assert!(lib.encode_to_slice(&data, &mut out).is_err());
            assert_untouched(&out, 0, "encode_to_slice too small");
        }

        let ending = if crlf { LineEnding::CrLf } else { LineEnding::Lf };
        let wrapped = lib.encode_wrapped(&data, line_len, ending);
        let mut out = vec![SENTINEL; wrapped.len() + extra];
        prop_assert_eq!(lib.encode_wrapped_to_slice(&data, line_len, ending, &mut out), Ok(wrapped.len()));
        prop_assert_eq!(&out[..wrapped.len()], wrapped.as_bytes());
        assert_untouched(&out, wrapped.len(), "encode_wrapped_to_slice");

        let input = if codec.naive.skip_ws { wrapped.into_bytes() } else { enc.into_bytes() };
        let mut out = vec![SENTINEL; len + extra];
        prop_assert_eq!(lib.decode_to_slice(&input, &mut out), Ok(len));
        prop_assert_eq!(&out[..len], &data[..]);
        assert_untouched(&out, len, "decode_to_slice");
    }

    /// A too-small output: `OutputTooSmall { needed }` with the true length for
    /// valid input; the same error as with a big buffer for invalid input.
    #[test]
    fn too_small_output(which in 0..9usize, bi in 0..8usize, len in 1..=max_len(), mutations in 0..=2usize, short in any::<proptest::sample::Index>(), seed in any::<u64>()) {
        let mut codec = codecs_with_ws_variants()[which];
        codec.lib = with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let input = input_for(&codec, len, mutations, &mut rng);
        let big = decode(&codec.lib, &input);
        match big {
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => {
                let k = short.index(bytes.len());
                let mut out = vec![SENTINEL; k];
                prop_assert_eq!(
                    codec.lib.decode_to_slice(&input, &mut out),
                    Err(DecodeError::OutputTooSmall { needed: bytes.len() })
                );
            }
            Err(e) => {
                let is_size = matches!(e, DecodeError::OutputTooSmall { .. });
                prop_assert!(!is_size, "a big buffer gave {:?}", e);
                let k = short.index(len);
                let mut out = vec![SENTINEL; k];
                prop_assert_eq!(codec.lib.decode_to_slice(&input, &mut out), Err(e), "{:?} into {}", codec, k);
            }
        }
    }

    /// A `Decoder` fed random chunkings into random output windows equals the
    /// one-shot decode (bytes, and errors with offsets).
    #[test]
    fn decoder_chunking_equals_one_shot(which in 0..9usize, bi in 0..8usize, len in 0..=600usize, mutations in 0..=2usize, max_chunk in 1..=100usize, seed in any::<u64>()) {
        let mut codec = codecs_with_ws_variants()[which];
        codec.lib = with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let input = input_for(&codec, len, mutations, &mut rng);
        let expected = decode(&codec.lib, &input);
        let chunks = rng.chunks(input.len(), max_chunk);
        let got = decode_chunked(&codec.lib, &input, &chunks, &mut rng);
        prop_assert_eq!(got, expected, "{:?} on {} in {:?}", codec, show(&input), chunks);
    }
}

/// `encode` builds its `String` from pieces of whole groups (12288 input
/// bytes with `std`, 768 without): lengths around one and several pieces,
/// every padding case, equal the naive encoder on every codec and backend.
#[test]
fn encode_across_its_pieces() {
    let mut rng = SplitMix(0x7069_6563_6573_2031);
    let pieces: &[usize] = if cfg!(miri) { &[768] } else { &[768, 12288] };
    let data = rng.bytes(if cfg!(miri) { 1600 } else { 2 * 12288 + 8 });
    for &piece in pieces {
        for len in [
            piece - 1,
            piece,
            piece + 1,
            piece + 2,
            2 * piece - 3,
            2 * piece + 1,
        ] {
            let input = &data[..len];
            for codec in codecs_with_ws_variants() {
                let naive = codec.naive.encode(input);
                for backend in support::available_backends() {
                    let lib = codec.lib.with_backend(backend).unwrap();
                    assert_eq!(
                        lib.encode(input).as_bytes(),
                        &naive[..],
                        "{codec:?} {backend} {len}"
                    );
                }
            }
        }
    }
}

/// `decode` of a long text goes through the streaming decoder a 12 KiB
/// piece at a time (with `std`): valid texts of lengths around that, and
/// each with one byte changed near a piece boundary or at the end, give
/// exactly `decode_to_slice`'s bytes or error, on every codec.
#[test]
fn decode_across_its_pieces() {
    use pixb64::base64::DecodeError;
    let mut rng = SplitMix(0x6465_636f_6465_2031);
    let lens: &[usize] = if cfg!(miri) {
        &[]
    } else {
        &[24_575, 24_576, 24_577, 40_000]
    };
    for &len in lens {
        let data = rng.bytes(len);
        for codec in codecs_with_ws_variants() {
            let text = codec.lib.encode(&data).into_bytes();
            let one_shot = |t: &[u8]| -> Result<Vec<u8>, DecodeError> {
                let mut out = vec![0u8; codec.lib.decoded_len_max(t.len())];
                let n = codec.lib.decode_to_slice(t, &mut out)?;
                out.truncate(n);
                Ok(out)
            };
            assert_eq!(codec.lib.decode(&text), Ok(data.clone()), "{codec:?} {len}");
            for at in [
                12_287,
                12_288,
                16_383,
                16_384,
                16_385,
                text.len() - 1,
                text.len() - 2,
            ] {
                for b in [b'=', b'*', b'\n', b' '] {
                    let mut t = text.clone();
                    t[at] = b;
                    assert_eq!(
                        codec.lib.decode(&t),
                        one_shot(&t),
                        "{codec:?} {len} {at} {b}"
                    );
                }
            }
        }
    }
}
