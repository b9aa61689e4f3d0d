//! The inflater against miniz_oxide's deflater and hand-built streams.

use super::*;
use alloc::vec;
use alloc::vec::Vec;

fn zlib(data: &[u8], level: u8) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, level)
}

/// A zlib stream of fixed-code blocks only.
fn zlib_fixed(data: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::deflate_flags::{
        TDEFL_FORCE_ALL_STATIC_BLOCKS, TDEFL_WRITE_ZLIB_HEADER,
    };
    use miniz_oxide::deflate::core::{compress_to_output, CompressorOxide, TDEFLFlush};
    let mut c = CompressorOxide::new(TDEFL_WRITE_ZLIB_HEADER | TDEFL_FORCE_ALL_STATIC_BLOCKS | 32);
    let mut z = Vec::new();
    compress_to_output(&mut c, data, TDEFLFlush::Finish, |o| {
        z.extend_from_slice(o);
        true
    });
    // Block type 01 in the first block's header bits (after the 2-byte
    // zlib header): BFINAL, then BTYPE.
    assert_eq!((z[2] >> 1) & 3, 1, "not a fixed-code block");
    z
}

fn run(input: &[u8], out_len: usize) -> Result<(Outcome, Vec<u8>), Error> {
    let mut t = Tables::new();
    let mut out = vec![0u8; out_len];
    let r = inflate(&mut t, input, &mut out, true, 4096, |_, _| true)?;
    if let Outcome::Done { written, .. } = r {
        out.truncate(written);
    }
    Ok((r, out))
}

fn roundtrip(data: &[u8], level: u8) {
    let z = zlib(data, level);
    // Exact room (the careful loop at the end), and slack.
    for extra in [0, 1000] {
        let (r, out) = run(&z, data.len() + extra).unwrap();
        assert_eq!(
            r,
            Outcome::Done {
                consumed: z.len(),
                written: data.len()
            }
        );
        assert!(out == data, "level {level} extra {extra}");
    }
    // Short room: everything that fits is written before the stop (a
    // reader that ignores surplus data keeps it), whatever symbol (literal,
    // match, stored bytes) crosses the end.
    for short in [1, 2, 3, 7, 258, 1000] {
        if data.len() >= short {
            let (r, out) = run(&z, data.len() - short).unwrap();
            assert_eq!(r, Outcome::OutputFull);
            assert!(
                out == data[..data.len() - short],
                "level {level} short {short}"
            );
        }
    }
}

fn noise(n: usize, seed: u32) -> Vec<u8> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (s >> 16) as u8
        })
        .collect()
}

#[test]
fn every_level_on_mixed_data() {
    let mut data = Vec::new();
    for i in 0..200u32 {
        let chunk = noise(50 + (i as usize * 37) % 400, i);
        data.extend_from_slice(&chunk);
        let at = data.len() / 3;
        let rep = data[at..(at + 100).min(data.len())].to_vec();
        data.extend_from_slice(&rep);
        data.extend(core::iter::repeat_n((i % 7) as u8, (i as usize * 13) % 300));
    }
    for level in 0..=10 {
        roundtrip(&data, level);
    }
    roundtrip(&[], 6);
    roundtrip(b"a", 6);
}

#[test]
fn every_distance_and_length() {
    // A match of each length 3..=258 at a spread of distances, and each
    // distance 1..=32768 with some length: random prefix, then copies.
    let base = noise(40_000, 7);
    let mut data = base.clone();
    for len in 3..=258usize {
        let dist = 1 + (len * 97) % 32768;
        let start = data.len() - dist;
        for k in 0..len {
            let b = data[start + k];
            data.push(b);
        }
        data.push(len as u8 ^ 0x5a);
    }
    roundtrip(&data, 9);
    let mut data = base;
    let mut dist = 1usize;
    while dist <= 32768 {
        let start = data.len() - dist;
        for k in 0..(3 + dist % 20) {
            let b = data[start + k];
            data.push(b);
        }
        data.extend_from_slice(&noise(3, dist as u32));
        dist += 1;
    }
    roundtrip(&data, 1);
    roundtrip(&data, 9);
}

#[test]
fn truncated_at_every_byte() {
    let data: Vec<u8> = noise(3000, 3)
        .into_iter()
        .enumerate()
        .map(|(i, b)| if i % 5 == 0 { b } else { (i / 50) as u8 })
        .collect();
    for level in [0, 1, 6] {
        let z = zlib(&data, level);
        for cut in 0..z.len() {
            let e = run(&z[..cut], data.len()).unwrap_err();
            assert_eq!(e.problem, Problem::Truncated, "level {level} cut {cut}");
        }
    }
}

/// A zlib stream of raw deflate `bits` (LSB first, as (value, nbits)).
fn stream_of(fields: &[(u32, u32)]) -> Vec<u8> {
    let mut v = vec![0x78, 0x01];
    let (mut acc, mut n) = (0u64, 0u32);
    for &(val, nb) in fields {
        acc |= u64::from(val) << n;
        n += nb;
        while n >= 8 {
            v.push(acc as u8);
            acc >>= 8;
            n -= 8;
        }
    }
    if n > 0 {
        v.push(acc as u8);
    }
    v
}

fn rev(code: u32, len: u32) -> u32 {
    code.reverse_bits() >> (32 - len)
}

#[test]
fn hand_built_streams() {
    // Empty stored final block + Adler of nothing.
    let mut s = stream_of(&[(1, 1), (0, 2)]);
    s.extend_from_slice(&[0, 0, 0xff, 0xff, 0, 0, 0, 1]);
    assert_eq!(
        run(&s, 0).unwrap().0,
        Outcome::Done {
            consumed: 11,
            written: 0
        }
    );
    // Bad NLEN.
    let mut s = stream_of(&[(1, 1), (0, 2)]);
    s.extend_from_slice(&[0, 0, 0xfe, 0xff, 0, 0, 0, 1]);
    assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Data);
    // Block type 3.
    let s = stream_of(&[(1, 1), (3, 2), (0, 32)]);
    assert_eq!(run(&s, 10).unwrap_err().problem, Problem::Data);
    // Fixed block: end of block only (7 zero bits), then Adler 1.
    let mut s = stream_of(&[(1, 1), (1, 2), (0, 7)]);
    s.extend_from_slice(&[0, 0, 0, 1]);
    assert_eq!(
        run(&s, 0).unwrap().0,
        Outcome::Done {
            consumed: 8,
            written: 0
        }
    );
    // Fixed: literal 'a' (0x30 + 0x61 = 0x91, 8 bits), match length 3
    // (symbol 257, 7 bits: 0000001) at distance 2 (code 1): too far back.
    let s = stream_of(&[
        (1, 1),
        (1, 2),
        (rev(0x91, 8), 8),
        (rev(1, 7), 7),
        (rev(1, 5), 5),
        (0, 7),
        (0, 32),
    ]);
    assert_eq!(run(&s, 100).unwrap_err().problem, Problem::Data);
    // The same at distance 1 is fine: "aaaa".
    let mut s = stream_of(&[
        (1, 1),
        (1, 2),
        (rev(0x91, 8), 8),
        (rev(1, 7), 7),
        (rev(0, 5), 5),
        (0, 7),
    ]);
    let adler = crate::png::adler::adler32(b"aaaa");
    s.extend_from_slice(&adler.to_be_bytes());
    let (r, out) = run(&s, 100).unwrap();
    assert_eq!(out, b"aaaa");
    assert!(matches!(r, Outcome::Done { written: 4, .. }));
    // Fixed distance code 30: invalid.
    let s = stream_of(&[
        (1, 1),
        (1, 2),
        (rev(0x91, 8), 8),
        (rev(1, 7), 7),
        (rev(30, 5), 5),
        (0, 7),
        (0, 32),
    ]);
    assert_eq!(run(&s, 100).unwrap_err().problem, Problem::Data);
    // Fixed litlen 286 (11000110, 8 bits): invalid.
    let s = stream_of(&[(1, 1), (1, 2), (rev(0xc6, 8), 8), (0, 32)]);
    assert_eq!(run(&s, 100).unwrap_err().problem, Problem::Data);
    // Missing end of block: literals then the input ends.
    let s = stream_of(&[(1, 1), (1, 2), (rev(0x91, 8), 8), (rev(0x91, 8), 8)]);
    assert_eq!(run(&s, 100).unwrap_err().problem, Problem::Truncated);
    // Bad Adler.
    let mut s = stream_of(&[(1, 1), (1, 2), (0, 7)]);
    s.extend_from_slice(&[0, 0, 0, 2]);
    assert_eq!(
        run(&s, 0).unwrap_err().problem,
        Problem::Adler {
            stored: 2,
            computed: 1
        }
    );
    // Bad headers.
    for h in [
        [0x78u8, 0x02],
        [0x79, 0x01 ^ 0x1f],
        [0x88, 0x1c],
        [0x78, 0x20 | 0x1b],
    ] {
        let mut s = h.to_vec();
        s.extend_from_slice(&[3, 0, 0, 0, 0, 1]);
        assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Header, "{h:?}");
    }
    assert_eq!(run(&[0x78], 0).unwrap_err().problem, Problem::Truncated);
}

/// A dynamic block header for these litlen and distance lengths, the
/// code-length code all 5 bits... (19 x 4 bits: lengths 0..15 need
/// lengths; use a complete precode of 16 symbols x 4 bits + 3 unused).
fn dynamic_header(lit: &[u8], dist: &[u8]) -> Vec<(u32, u32)> {
    // Precode: symbols 0..=15 with 4-bit codes (complete), 16-18 unused.
    let mut f = vec![
        (1, 1),
        (2, 2),
        ((lit.len() - 257) as u32, 5),
        ((dist.len() - 1) as u32, 5),
        (15, 4),
    ];
    let order = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    for &s in &order {
        f.push((if s < 16 { 4 } else { 0 }, 3));
    }
    for &l in lit.iter().chain(dist) {
        f.push((rev(u32::from(l), 4), 4));
    }
    f
}

#[test]
fn dynamic_trees() {
    // Litlen: 256 literals of 9 bits would be 256/512, plus ... build a
    // complete code: symbols 0..=255 length 9 (half), 256..=257 length 2
    // (half): 0.5 + 0.5 = 1.
    let mut lit = vec![9u8; 258];
    lit[256] = 2;
    lit[257] = 2;
    let dist = [1u8, 1];
    let mut f = dynamic_header(&lit, &dist);
    // End of block: symbol 256, the first 2-bit code: 00.
    f.push((0, 2));
    let mut s = stream_of(&f);
    s.extend_from_slice(&[0, 0, 0, 1]);
    assert_eq!(
        run(&s, 0).unwrap().0,
        Outcome::Done {
            consumed: s.len(),
            written: 0
        }
    );
    // Incomplete litlen: 257 gets length 3 instead of 2.
    let mut lit2 = lit.clone();
    lit2[257] = 3;
    let mut s = stream_of(&dynamic_header(&lit2, &dist));
    s.extend_from_slice(&[0; 8]);
    assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Data);
    // Over-subscribed litlen.
    let mut lit3 = lit.clone();
    lit3[255] = 1;
    let mut s = stream_of(&dynamic_header(&lit3, &dist));
    s.extend_from_slice(&[0; 8]);
    assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Data);
    // No end-of-block code.
    let mut lit4 = vec![8u8; 257];
    lit4[256] = 0;
    let mut s = stream_of(&dynamic_header(&lit4, &dist));
    s.extend_from_slice(&[0; 8]);
    assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Data);
    // One distance code of one bit: accepted; incomplete distances else not.
    let mut f = dynamic_header(&lit, &[0, 1]);
    f.push((0, 2));
    let mut s = stream_of(&f);
    s.extend_from_slice(&[0, 0, 0, 1]);
    assert!(run(&s, 0).is_ok());
    let mut s = stream_of(&dynamic_header(&lit, &[1, 2]));
    s.extend_from_slice(&[0; 8]);
    assert_eq!(run(&s, 0).unwrap_err().problem, Problem::Data);
    // 15-bit codes: lengths 1..=14, 15, 15 over 16 symbols, the rest 0;
    // end of block is a 15-bit code (all ones).
    let mut lit5 = vec![0u8; 257];
    for (i, l) in lit5.iter_mut().take(14).enumerate() {
        *l = i as u8 + 1;
    }
    lit5[14] = 15;
    lit5[256] = 15;
    let mut f = dynamic_header(&lit5, &dist);
    // Literal 14 (code 111111111111110, 15 bits), then literal 0 (code 0),
    // then end of block (15 ones).
    f.push((rev(0x7ffe, 15), 15));
    f.push((0, 1));
    f.push((0x7fff, 15));
    let mut s = stream_of(&f);
    s.extend_from_slice(&crate::png::adler::adler32(&[14, 0]).to_be_bytes());
    let (r, out) = run(&s, 10).unwrap();
    assert_eq!(out, [14, 0]);
    assert!(matches!(r, Outcome::Done { written: 2, .. }));
}

#[test]
fn progress_sees_every_stride() {
    let data = noise(300_000, 9);
    let z = zlib(&data, 1);
    let mut t = Tables::new();
    let mut out = vec![0u8; data.len()];
    let mut calls = Vec::new();
    let r = inflate(&mut t, &z, &mut out, true, 65536, |o, w| {
        // Rewriting what no match can reach must not change anything.
        let safe = w.saturating_sub(WINDOW);
        o[..safe].fill(0xee);
        calls.push(w);
        true
    })
    .unwrap();
    assert!(matches!(r, Outcome::Done { .. }));
    assert!(calls.len() >= 3);
    let last = calls[calls.len() - 1] - WINDOW;
    assert!(out[last..] == data[last..]);
    let r = inflate(&mut t, &z, &mut out, true, 65536, |_, _| false);
    assert_eq!(r.unwrap_err().problem, Problem::Stopped);
}

/// The IDAT payloads of a PNG file, concatenated.
#[cfg(feature = "std")]
fn idat_stream(png: &[u8]) -> Vec<u8> {
    let mut z = Vec::new();
    let mut p = 8;
    while p + 12 <= png.len() {
        let n = u32::from_be_bytes([png[p], png[p + 1], png[p + 2], png[p + 3]]) as usize;
        if &png[p + 4..p + 8] == b"IDAT" {
            z.extend_from_slice(&png[p + 8..p + 8 + n]);
        }
        p += 12 + n;
    }
    z
}

/// Raw inflate speed on the Kodak photos, ours against fdeflate and
/// miniz_oxide: `cargo test --release -p pixb64 --lib inflate_speed --
/// --ignored --nocapture`.
#[cfg(feature = "std")]
#[test]
#[ignore]
fn inflate_speed() {
    use std::time::Instant;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/photos");
    let mut streams = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    names.sort();
    for p in names {
        let png = std::fs::read(&p).unwrap();
        let img = crate::png::decode(&png).unwrap();
        // Our level 1 and the file's own stream (and miniz level 6).
        let raw_len = img.height() as usize * (1 + img.width() as usize * img.channels() as usize);
        streams.push((idat_stream(&png), raw_len));
    }
    let total: usize = streams.iter().map(|s| s.1).sum();
    let mut out = vec![0u8; streams.iter().map(|s| s.1).max().unwrap()];
    let mut t = alloc::boxed::Box::new(Tables::new());
    let mut best = [f64::MAX; 3];
    for _ in 0..15 {
        let t0 = Instant::now();
        for (z, n) in &streams {
            let r = inflate(&mut t, z, &mut out[..*n], true, usize::MAX, |_, _| true).unwrap();
            assert!(matches!(r, Outcome::Done { .. }));
        }
        best[0] = best[0].min(t0.elapsed().as_secs_f64());
        let t0 = Instant::now();
        for (z, n) in &streams {
            let mut d = fdeflate::Decompressor::new();
            let (_, w) = d.read(z, &mut out[..*n], 0, true).unwrap();
            assert_eq!(w, *n);
        }
        best[1] = best[1].min(t0.elapsed().as_secs_f64());
        let t0 = Instant::now();
        for (z, n) in &streams {
            let w = miniz_oxide::inflate::decompress_slice_iter_to_slice(
                &mut out[..*n],
                core::iter::once(&z[..]),
                true,
                false,
            )
            .unwrap();
            assert_eq!(w, *n);
        }
        best[2] = best[2].min(t0.elapsed().as_secs_f64());
    }
    let mbs = |s: f64| total as f64 / s / 1e6;
    std::println!(
        "inflate {} files, {} MB: pixb64 {:.0} MB/s, fdeflate {:.0} MB/s, miniz_oxide {:.0} MB/s",
        streams.len(),
        total / 1_000_000,
        mbs(best[0]),
        mbs(best[1]),
        mbs(best[2])
    );
}

#[test]
fn one_table_set_across_output_sizes() {
    // The main table is smaller for short outputs (`litlen_bits`): one
    // set of tables reused for long and short outputs in turn, with fixed
    // and dynamic codes, must never decode with a stale fixed table. (A
    // long output's first stream is fixed-code, right after a short
    // output's fixed-code stream: the 1,024-entry table the short one
    // built is not a 4,096-entry one.)
    let mut t = Tables::new();
    let short_fixed = b"abcabcabd".repeat(3);
    // Repeats with noise between them: compressible (so that the fixed
    // code is not traded for stored blocks) yet with literals of all values.
    let long: Vec<u8> = noise(40_000, 7)
        .chunks(16)
        .enumerate()
        .flat_map(|(i, c)| {
            if i % 2 == 0 {
                c.to_vec()
            } else {
                b"pixels!".to_vec()
            }
        })
        .collect();
    let short_dyn: Vec<u8> = noise(3000, 9).iter().map(|b| b & 7).collect();
    let mid = &long[..10_000];
    for data in [
        &long[..],
        &short_fixed,
        &long,
        &short_dyn,
        &short_fixed,
        mid,
        &long,
        mid,
    ] {
        for (level, fixed) in [(6, true), (1, false), (6, false)] {
            let z = if fixed {
                zlib_fixed(data)
            } else {
                zlib(data, level)
            };
            let mut out = vec![0u8; data.len()];
            let r = inflate(&mut t, &z, &mut out, true, usize::MAX, |_, _| true);
            assert_eq!(
                r,
                Ok(Outcome::Done {
                    consumed: z.len(),
                    written: data.len()
                })
            );
            assert!(out == data, "{} bytes, level {level}", data.len());
        }
    }
    assert_eq!(huffman::litlen_bits(long.len(), 9), huffman::LITLEN_BITS);
    assert_eq!(
        huffman::litlen_bits(mid.len(), 12),
        huffman::LITLEN_BITS_SHORT
    );
    assert_eq!(
        huffman::litlen_bits(short_dyn.len(), 9),
        huffman::LITLEN_BITS_SHORTEST
    );
}
