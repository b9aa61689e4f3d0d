//! The streaming adapters and the resumable `Encoder`/`Decoder` over random
//! chunkings equal one-shot encoding and decoding (errors included).
#![no_main]

use std::io::{Read, Write};

use libfuzzer_sys::fuzz_target;
use pixb64::base64::{Decoder, DecoderReader, Encoder, EncoderWriter};
use pixb64_fuzz::codec;

/// Splits `data` into pieces whose lengths come from `sizes` (cycled).
fn pieces<'a>(data: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    let mut k = 0;
    while !rest.is_empty() {
        let n = (usize::from(sizes[k % sizes.len()]) % 97 + 1).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
        k += 1;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (config, _) = codec(data[0]);
    let sizes = &data[1..3];
    let input = &data[3..];

    // Encoding.
    let want = config.encode(input);
    let mut w = EncoderWriter::new(Vec::new(), &config);
    for p in pieces(input, sizes) {
        w.write_all(p).unwrap();
    }
    assert_eq!(w.finish().unwrap(), want.as_bytes());
    let mut enc = Encoder::new(&config);
    let mut out = vec![0u8; want.len()];
    let mut n = 0;
    for p in pieces(input, sizes) {
        let (c, o) = enc.encode(p, &mut out[n..]);
        assert_eq!(c, p.len());
        n += o;
    }
    n += enc.finish(&mut out[n..]).unwrap();
    assert_eq!(&out[..n], want.as_bytes());

    // Decoding (the input is taken as base64 text).
    let want = config.decode(input);
    let mut dec = Decoder::new(&config);
    let mut out = vec![0u8; config.decoded_len_max(input.len()) + 3];
    let mut got = Ok(0);
    let mut w = 0;
    for p in pieces(input, sizes) {
        match dec.decode(p, &mut out[w..]) {
            Ok((c, o)) => {
                assert_eq!(c, p.len());
                w += o;
            }
            Err(e) => {
                got = Err(e);
                break;
            }
        }
    }
    let got = got.and_then(|_| dec.finish(&mut out[w..]).map(|t| w + t));
    assert_eq!(got.map(|n| out[..n].to_vec()), want.clone());

    struct Chunked<'a>(Vec<&'a [u8]>);
    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some(first) = self.0.first_mut() else {
                return Ok(0);
            };
            let n = first.len().min(buf.len());
            buf[..n].copy_from_slice(&first[..n]);
            *first = &first[n..];
            if first.is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }
    let mut r = DecoderReader::new(Chunked(pieces(input, sizes)), &config);
    let mut v = Vec::new();
    let res = r.read_to_end(&mut v);
    match &want {
        Ok(bytes) => assert_eq!((res.is_ok(), &v), (true, bytes)),
        Err(_) => assert!(res.is_err()),
    }
});
