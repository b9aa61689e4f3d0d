//! The `std::io` adapters: `EncoderWriter` (plain and wrapped) fed random
//! chunkings equals `encode` / `encode_wrapped`; `DecoderReader` over a
//! reader of random small chunks, read into random-size buffers, equals
//! `decode` (bytes, and errors as `InvalidData` wrapping the same
//! `DecodeError`). Fixed seed, `PIXB64_PROPTEST_CASES` cases.
#![cfg(feature = "std")]

mod support;

use std::io::{self, Read, Write};

use pixb64::base64::{
    Base64, DecodeError, DecoderReader, EncoderWriter, LineEnding, FORGIVING, STANDARD,
    URL_SAFE_NO_PAD,
};
use proptest::prelude::*;
use support::{
    codecs_with_ws_variants, max_len, mutate, show, sprinkle_whitespace, SplitMix, CODECS,
};

/// A reader handing out `data` in random chunks of 1..=`max` bytes, with an
/// occasional `Interrupted` error when `interrupt` is set.
struct ChunkedReader {
    data: Vec<u8>,
    pos: usize,
    rng: SplitMix,
    max: usize,
    interrupt: bool,
}

impl Read for ChunkedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.interrupt && self.rng.next_u64().is_multiple_of(5) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self
            .rng
            .range(1, self.max)
            .min(buf.len())
            .min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads `reader` to the end into buffers of random sizes (many of 1 byte,
/// some around the 64-byte direct-decode threshold, some large).
fn read_random_sizes<R: Read>(reader: &mut R, rng: &mut SplitMix) -> Result<Vec<u8>, io::Error> {
    const SIZES: [usize; 12] = [1, 1, 1, 2, 3, 4, 7, 63, 64, 65, 1000, 9000];
    let mut out = Vec::new();
    loop {
        let size = SIZES[rng.range(0, SIZES.len() - 1)];
        let mut buf = vec![0u8; size];
        let n = reader.read(&mut buf)?;
        assert!(n <= size);
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Decodes `input` through a `DecoderReader` over a `ChunkedReader`, mapping
/// the io error back to the `DecodeError` it must wrap.
fn stream_decode(
    codec: &Base64,
    input: &[u8],
    max_chunk: usize,
    rng: &mut SplitMix,
) -> Result<Vec<u8>, DecodeError> {
    let inner = ChunkedReader {
        data: input.to_vec(),
        pos: 0,
        rng: SplitMix(rng.next_u64()),
        max: max_chunk,
        interrupt: rng.next_u64().is_multiple_of(4),
    };
    let mut reader = DecoderReader::new(inner, codec);
    match read_random_sizes(&mut reader, rng) {
        Ok(bytes) => {
            assert_eq!(
                reader.get_ref().pos,
                input.len(),
                "the whole input was read"
            );
            // After the end, reads keep returning 0.
            assert_eq!(reader.read(&mut [0u8; 8]).unwrap(), 0);
            Ok(bytes)
        }
        Err(e) => {
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
            let inner = e.get_ref().expect("the io::Error wraps the DecodeError");
            let de = *inner
                .downcast_ref::<DecodeError>()
                .unwrap_or_else(|| panic!("not a DecodeError: {inner:?}"));
            assert_eq!(e.to_string(), de.to_string());
            Err(de)
        }
    }
}

/// Encodes `data` through an `EncoderWriter` with `write` calls of random
/// sizes (partial writes honoured), checking the output so far is always a
/// prefix of `expected`.
fn stream_encode(
    codec: &Base64,
    wrap: Option<(usize, LineEnding)>,
    data: &[u8],
    expected: &[u8],
    rng: &mut SplitMix,
) -> Vec<u8> {
    let mut enc = EncoderWriter::new(Vec::new(), codec);
    if let Some((line_len, ending)) = wrap {
        enc = enc.with_wrap(line_len, ending);
    }
    assert_eq!(enc.write(&[]).unwrap(), 0);
    let mut rest = data;
    while !rest.is_empty() {
        let max = if rng.next_u64().is_multiple_of(8) {
            10_000
        } else {
            40
        };
        let k = rng.range(1, max).min(rest.len());
        let n = enc.write(&rest[..k]).unwrap();
        assert!(n >= 1 && n <= k, "write({k}) = {n}");
        rest = &rest[n..];
        let so_far = enc.get_ref();
        assert_eq!(
            &expected[..so_far.len()],
            &so_far[..],
            "output so far is a prefix"
        );
        if rng.next_u64().is_multiple_of(8) {
            enc.flush().unwrap();
        }
    }
    enc.finish().unwrap()
}

#[test]
fn encoder_writer_small_cases() {
    for codec in CODECS {
        for n in 0..=10usize {
            let data: Vec<u8> = (0..n as u8).map(|b| b.wrapping_mul(37)).collect();
            // One byte per write.
            let mut enc = EncoderWriter::new(Vec::new(), &codec.lib);
            for b in &data {
                assert_eq!(enc.write(std::slice::from_ref(b)).unwrap(), 1);
            }
            assert_eq!(enc.finish().unwrap(), codec.lib.encode(&data).as_bytes());
            // Wrapped, one line per 3 symbols.
            let mut enc = EncoderWriter::new(Vec::new(), &codec.lib).with_wrap(3, LineEnding::CrLf);
            enc.write_all(&data).unwrap();
            assert_eq!(
                enc.finish().unwrap(),
                codec
                    .lib
                    .encode_wrapped(&data, 3, LineEnding::CrLf)
                    .as_bytes()
            );
        }
    }
    // The doc example, and no line ending after the last full line.
    let mut enc = EncoderWriter::new(Vec::new(), &STANDARD).with_wrap(4, LineEnding::Lf);
    enc.write_all(b"foobar").unwrap();
    assert_eq!(enc.finish().unwrap(), b"Zm9v\nYmFy");
    let mut enc = EncoderWriter::new(Vec::new(), &STANDARD).with_wrap(0, LineEnding::CrLf);
    enc.write_all(b"foob").unwrap();
    assert_eq!(enc.finish().unwrap(), b"Zm9vYg==");
}

#[test]
fn decoder_reader_small_cases() {
    let wrapped = STANDARD.with_whitespace_skipped(true);
    type Case<'a> = (Base64, &'a [u8], Result<&'a [u8], DecodeError>);
    let cases: &[Case] = &[
        (STANDARD, b"", Ok(b"")),
        (STANDARD, b"Zm9vYmE=", Ok(b"fooba")),
        (wrapped, b"Zm9v\nYmE=\n", Ok(b"fooba")),
        (FORGIVING, b" Zm9v\r\nYmE ", Ok(b"fooba")),
        (URL_SAFE_NO_PAD, b"-_8", Ok(b"\xfb\xff")),
        (
            STANDARD,
            b"Zm9v\nYmE=",
            Err(DecodeError::InvalidByte {
                offset: 4,
                byte: b'\n',
            }),
        ),
        (
            STANDARD,
            b"Zm9vYmE",
            Err(DecodeError::InvalidPadding { offset: 7 }),
        ),
        (
            STANDARD,
            b"Zm9vYh==",
            Err(DecodeError::TrailingBits { offset: 5 }),
        ),
        (
            FORGIVING,
            b"Zm9v Y",
            Err(DecodeError::InvalidLength { len: 6 }),
        ),
        (
            wrapped,
            b"Zm9v\r\nYm=v",
            Err(DecodeError::InvalidByte {
                offset: 8,
                byte: b'=',
            }),
        ),
    ];
    for &(codec, input, expected) in cases {
        let expected = expected.map(<[u8]>::to_vec);
        assert_eq!(codec.decode(input), expected, "{}", show(input));
        for seed in 0..20 {
            let mut rng = SplitMix(seed);
            assert_eq!(
                stream_decode(&codec, input, 1 + seed as usize % 5, &mut rng),
                expected,
                "{}",
                show(input)
            );
        }
        // read_to_end: the plain std path.
        let mut out = Vec::new();
        let r = DecoderReader::new(input, &codec).read_to_end(&mut out);
        match &expected {
            Ok(bytes) => assert_eq!(&out, bytes),
            Err(e) => {
                let err = r.unwrap_err();
                assert_eq!(err.kind(), io::ErrorKind::InvalidData);
                assert_eq!(
                    err.get_ref().unwrap().downcast_ref::<DecodeError>(),
                    Some(e)
                );
            }
        }
    }
    // An empty buffer reads nothing and consumes nothing.
    let mut r = DecoderReader::new(&b"Zm9v"[..], &STANDARD);
    assert_eq!(r.read(&mut []).unwrap(), 0);
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert_eq!(out, b"foo");
    assert!(r.into_inner().is_empty());
}

/// Data larger than the adapters' internal buffers (6 KiB of input per
/// encode round; the decoder's input buffer, refilled by short reads here).
#[test]
fn large_streams_cross_internal_buffers() {
    let n = if cfg!(miri) { 6_500 } else { 40_000 };
    let mut rng = SplitMix(0x5eed);
    let data = rng.bytes(n);
    for codec in [STANDARD, URL_SAFE_NO_PAD, FORGIVING] {
        let enc = codec.encode(&data);
        let mut w = EncoderWriter::new(Vec::new(), &codec);
        w.write_all(&data).unwrap();
        assert_eq!(w.finish().unwrap(), enc.as_bytes());

        let mut out = Vec::new();
        DecoderReader::new(enc.as_bytes(), &codec)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
        assert_eq!(
            stream_decode(&codec, enc.as_bytes(), 9000, &mut rng),
            Ok(data.clone())
        );

        // A fault far into the stream keeps its absolute offset.
        let mut bad = enc.clone().into_bytes();
        let at = bad.len() - 10;
        bad[at] = b'*';
        assert_eq!(
            stream_decode(&codec, &bad, 5000, &mut rng),
            Err(DecodeError::InvalidByte {
                offset: at,
                byte: b'*'
            })
        );
    }
    let wrapped = STANDARD.encode_wrapped(&data, 76, LineEnding::CrLf);
    let mut w = EncoderWriter::new(Vec::new(), &STANDARD).with_wrap(76, LineEnding::CrLf);
    w.write_all(&data).unwrap();
    assert_eq!(w.finish().unwrap(), wrapped.as_bytes());
    let mut out = Vec::new();
    DecoderReader::new(wrapped.as_bytes(), &STANDARD.with_whitespace_skipped(true))
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, data);
}

proptest! {
    #![proptest_config(support::config())]

    /// `EncoderWriter` equals `encode` / `encode_wrapped`, whatever the writes.
    #[test]
    fn encoder_writer_equals_encode(
        which in 0..5usize,
        len in 0..=max_len(),
        line_len in prop_oneof![Just(None), Just(Some(0usize)), (1..=100usize).prop_map(Some)],
        crlf in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let codec = CODECS[which].lib;
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let ending = if crlf { LineEnding::CrLf } else { LineEnding::Lf };
        let wrap = line_len.map(|l| (l, ending));
        let expected = match wrap {
            None => codec.encode(&data),
            Some((l, e)) => codec.encode_wrapped(&data, l, e),
        };
        let got = stream_encode(&codec, wrap, &data, expected.as_bytes(), &mut rng);
        prop_assert_eq!(show(&got), show(expected.as_bytes()));
    }

    /// `DecoderReader` equals `decode` on valid and mutated inputs, for reads
    /// of random sizes over random small chunks.
    #[test]
    fn decoder_reader_equals_decode(
        which in 0..9usize,
        bi in 0..8usize,
        len in 0..=max_len(),
        mutations in 0..=2usize,
        max_chunk in 1..=64usize,
        seed in any::<u64>(),
    ) {
        let mut codec = codecs_with_ws_variants()[which];
        codec.lib = support::with_nth_backend(codec.lib, bi);
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let mut input = codec.lib.encode(&data).into_bytes();
        if codec.naive.skip_ws {
            let n = rng.range(0, input.len() / 16 + 1);
            input = sprinkle_whitespace(&input, n, &mut rng);
        }
        let input = mutate(&input, mutations, &mut rng);
        let expected = codec.lib.decode(&input);
        if mutations == 0 {
            prop_assert_eq!(expected.as_deref(), Ok(&data[..]));
        }
        let got = stream_decode(&codec.lib, &input, max_chunk, &mut rng);
        prop_assert_eq!(got, expected, "{:?}", codec);
    }

    /// MIME-style input (76 columns, CRLF, maybe a final CRLF) through the
    /// whitespace-skipping codecs, written by the wrapping `EncoderWriter`.
    #[test]
    fn mime_wrapped_round_trip(len in 0..=max_len(), final_crlf in any::<bool>(), max_chunk in 1..=200usize, seed in any::<u64>()) {
        let mut rng = SplitMix(seed);
        let data = rng.bytes(len);
        let mut wrapped = STANDARD.encode_wrapped(&data, 76, LineEnding::CrLf).into_bytes();
        prop_assert!(wrapped.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        let written = stream_encode(&STANDARD, Some((76, LineEnding::CrLf)), &data, &wrapped, &mut rng);
        prop_assert_eq!(&written, &wrapped);
        if final_crlf {
            wrapped.extend_from_slice(b"\r\n");
        }
        for codec in [STANDARD.with_whitespace_skipped(true), FORGIVING] {
            prop_assert_eq!(stream_decode(&codec, &wrapped, max_chunk, &mut rng), Ok(data.clone()));
        }
        if len > 57 {
            // Without skipping, the first CR is the fault.
            prop_assert_eq!(
                stream_decode(&STANDARD, &wrapped, max_chunk, &mut rng),
                Err(DecodeError::InvalidByte { offset: 76, byte: b'\r' })
            );
        }
    }
}

/// An encoder dropped without `finish` writes its last group and padding
/// (as `base64`'s writer does), wrapped or not; after `finish` nothing more.
#[test]
fn dropped_encoder_writes_its_last_group() {
    use pixb64::base64::{EncoderWriter, LineEnding, STANDARD};
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut enc = EncoderWriter::new(&mut out, &STANDARD);
        enc.write_all(b"foob").unwrap();
    }
    assert_eq!(out, b"Zm9vYg==");
    let mut out = Vec::new();
    {
        let mut enc = EncoderWriter::new(&mut out, &STANDARD).with_wrap(4, LineEnding::Lf);
        enc.write_all(b"fooba").unwrap();
    }
    assert_eq!(out, b"Zm9v\nYmE=");
    let mut out = Vec::new();
    {
        let mut enc = EncoderWriter::new(&mut out, &STANDARD);
        enc.write_all(b"f").unwrap();
        enc.finish().unwrap();
    }
    assert_eq!(out, b"Zg==");
}

/// An inner writer whose writes fail while `fail` is set.
#[derive(Default)]
struct Refusing {
    out: Vec<u8>,
    fail: std::rc::Rc<std::cell::Cell<bool>>,
}

impl Write for Refusing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.fail.get() {
            return Err(io::Error::other("refused"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A `write` whose inner write fails holds back none of its bytes, so the
/// same bytes written again give the right text.
#[test]
fn encoder_writer_inner_error_consumes_nothing() {
    let inner = Refusing::default();
    let fail = inner.fail.clone();
    let mut enc = EncoderWriter::new(inner, &STANDARD);
    enc.write_all(b"f").unwrap();
    // The encoder now holds "f"; "oobar" completes two groups, refused.
    fail.set(true);
    assert!(enc.write(b"oobar").is_err());
    fail.set(false);
    enc.write_all(b"oobar").unwrap();
    assert_eq!(enc.finish().unwrap().out, b"Zm9vYmFy");
}
