//! Both engines on the same files (with `std`, the public functions use
//! fdeflate; here miniz_oxide, the `alloc`-only engine, runs too).

use super::super::crc::crc32_update;
use super::super::SIGNATURE;
use super::*;
use crate::image::ChannelOrder;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use std::fs;
use std::path::PathBuf;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

fn pngs(sub: &str) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// Option sets that reach every pipeline and the checksum switch.
fn option_sets() -> [DecodeOptions; 3] {
    [
        DecodeOptions::new(),
        DecodeOptions::new()
            .with_checksums(false)
            .with_strip_16(true)
            .with_channel_order(ChannelOrder::Bgr),
        DecodeOptions::new().with_limits(Limits::new().with_max_bytes(1 << 20)),
    ]
}

/// The engines must agree exactly, except where they cannot: the offset
/// of a zlib error (fdeflate reads ahead), the allocation a limit error
/// reports (the ring sizes differ), and a stream that is both too long
/// and cut short (`lenient`: miniz_oxide sees the length first,
/// fdeflate the cut).
fn check(
    name: &str,
    data: &[u8],
    opts: &DecodeOptions,
    lenient: bool,
) -> Result<ImageBuf, DecodeError> {
    use DecodeError::{ImageDataLong, LimitExceeded, Zlib};
    let fd = decode_engine(data, opts, Engine::Fdeflate);
    let mz = decode_engine(data, opts, Engine::Miniz);
    // Our inflater against fdeflate: the same rules, and one more
    // difference, a stream too long and cut short (either may come first).
    let own = decode_engine(data, opts, Engine::Own);
    match (&fd, &own) {
        (Err(Zlib { problem: a, .. }), Err(Zlib { problem: b, .. })) => {
            assert_eq!(a, b, "{name}: {fd:?} / {own:?}")
        }
        (Err(LimitExceeded { limit: a, .. }), Err(LimitExceeded { limit: b, .. })) => {
            assert_eq!(a, b, "{name}: {fd:?} / {own:?}")
        }
        (
            Err(Zlib {
                problem: ZlibProblem::Truncated,
                ..
            }),
            Err(ImageDataLong { .. }),
        )
        | (
            Err(ImageDataLong { .. }),
            Err(Zlib {
                problem: ZlibProblem::Truncated,
                ..
            }),
        ) if lenient => {}
        _ => assert_eq!(fd, own, "{name} ({opts:?}): fdeflate / own"),
    }
    match (&fd, &mz) {
        (Err(Zlib { problem: a, .. }), Err(Zlib { problem: b, .. })) => {
            assert_eq!(a, b, "{name}: {fd:?} / {mz:?}")
        }
        (Err(LimitExceeded { limit: a, .. }), Err(LimitExceeded { limit: b, .. })) => {
            assert_eq!(a, b, "{name}: {fd:?} / {mz:?}")
        }
        (
            Err(Zlib {
                problem: ZlibProblem::Truncated,
                ..
            }),
            Err(ImageDataLong { .. }),
        ) if lenient => {}
        _ => assert_eq!(fd, mz, "{name} ({opts:?})"),
    }
    fd
}

fn same(name: &str, data: &[u8], opts: &DecodeOptions) -> Result<ImageBuf, DecodeError> {
    check(name, data, opts, false)
}

#[test]
fn engines_agree_on_hostile_and_pngsuite_files() {
    let manifest = fs::read_to_string(dir("hostile").join("MANIFEST.tsv")).unwrap();
    let mut n = 0;
    for line in manifest.lines().skip(1) {
        let mut cols = line.split('\t');
        let (file, expected) = (cols.next().unwrap(), cols.next().unwrap());
        let data = fs::read(dir("hostile").join(file)).unwrap();
        // The manifest names the strict reading's errors.
        let r = same(file, &data, &DecodeOptions::new().with_strict(true));
        let kind = match &r {
            Ok(_) => String::from("Ok"),
            Err(e) => {
                let s = alloc::format!("{e:?}");
                String::from(s.split([' ', '{', '(']).next().unwrap())
            }
        };
        assert_eq!(kind, expected, "{file}: {r:?}");
        for opts in &option_sets()[1..] {
            let _ = same(file, &data, opts);
        }
        n += 1;
    }
    assert!(n >= 70);
    let suite = pngs("data/pngsuite");
    assert!(suite.len() > 150);
    for (name, data) in &suite {
        for opts in &option_sets() {
            let _ = same(name, data, opts);
        }
    }
    for (name, data) in pngs("data/mixed") {
        assert!(same(&name, &data, &DecodeOptions::new()).is_ok());
    }
}

// Streams written here: a PNG around a zlib stream of our choosing.

fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    let crc = crc32_update(crc32_update(0, ty), data);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A `w` x `h` PNG (`color`, 8 bits, `interlace`) with the given IDAT
/// payloads.
fn png(w: u32, h: u32, color: u8, interlace: u8, idats: &[&[u8]]) -> Vec<u8> {
    let mut v = SIGNATURE.to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, color, 0, 0, interlace]);
    chunk(&mut v, b"IHDR", &ihdr);
    if color == 3 {
        let plte: Vec<u8> = (0..=255u8).flat_map(|i| [i, i ^ 0x55, !i]).collect();
        chunk(&mut v, b"PLTE", &plte);
    }
    for d in idats {
        chunk(&mut v, b"IDAT", d);
    }
    chunk(&mut v, b"IEND", b"");
    v
}

fn zlib(raw: &[u8], level: u8) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(raw, level)
}

/// Rows of `len` bytes (filter byte included) of varied data.
fn raw_rows(rows: usize, len: usize, seed: u32) -> Vec<u8> {
    let mut v = vec![0u8; rows * len];
    let mut x = seed.wrapping_mul(0x9E37_79B9) | 1;
    for (i, b) in v.iter_mut().enumerate() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = if i % len == 0 {
            (x % 5) as u8
        } else if x % 7 < 3 {
            // Runs, so that the stream has matches.
            (i / 50) as u8
        } else {
            x as u8
        };
    }
    v
}

#[test]
fn engines_agree_on_stream_edge_cases() {
    // (width, height, colour, interlace): direct small and large (more
    // than the window), row pipeline small and large, Adam7.
    let shapes: [(u32, u32, u8, u8); 6] = [
        (7, 5, 0, 0),
        (300, 200, 2, 0),
        (5, 3, 3, 0),
        (700, 120, 3, 0),
        (33, 17, 2, 1),
        (400, 130, 0, 1),
    ];
    for (si, &(w, h, color, il)) in shapes.iter().enumerate() {
        let probe = png(w, h, color, il, &[&zlib(&[0], 1)]);
        let pre = Preamble::parse(&probe, true).unwrap();
        let plan = Plan::new(&pre, &DecodeOptions::new(), Engine::Fdeflate).unwrap();
        let need = plan.raw_len as usize;
        // Rows with valid filter types, so that only the stream's
        // defects show.
        let mut good_raw = Vec::with_capacity(need);
        for (i, pass) in plan.passes.iter().flatten().enumerate() {
            let len = raw_row_bytes(pass.width as u128, plan.bits_pp as u128) as usize;
            let rows = raw_rows(pass.height, len + 1, (si * 8 + i) as u32);
            good_raw.extend_from_slice(&rows);
        }
        assert_eq!(good_raw.len(), need);
        for level in [0u8, 1, 9] {
            for extra in [0isize, 1, 2, 40, -1] {
                let mut raw = good_raw.clone();
                if extra >= 0 {
                    raw.extend(core::iter::repeat_n(0, extra as usize));
                } else {
                    raw.truncate(need - 1);
                }
                let z = zlib(&raw, level);
                let name = alloc::format!("shape {si} level {level} extra {extra}");
                // Surplus data is an error only when strict: the engines
                // must agree on where the image ends.
                let lenient = same(&name, &png(w, h, color, il, &[&z]), &DecodeOptions::new());
                assert_eq!(lenient.is_ok(), extra >= 0, "{name}: {:?}", lenient.err());
                for opts in &option_sets()[..2] {
                    let opts = opts.with_strict(true);
                    // Whole, cut at every byte near the end, bad
                    // Adler, split into many IDATs.
                    let r = same(&name, &png(w, h, color, il, &[&z]), &opts);
                    assert_eq!(r.is_ok(), extra == 0, "{name}: {:?}", r.err());
                    for cut in 1..12.min(z.len()) {
                        let p = png(w, h, color, il, &[&z[..z.len() - cut]]);
                        let r = check(&alloc::format!("{name} cut {cut}"), &p, &opts, true);
                        assert!(r.is_err());
                    }
                    let mut bad = z.clone();
                    let last = bad.len() - 1;
                    bad[last] ^= 1;
                    let r = same(&name, &png(w, h, color, il, &[&bad]), &opts);
                    if extra == 0 && opts.checksums() {
                        assert!(matches!(r, Err(DecodeError::InvalidAdler { .. })), "{r:?}");
                    }
                    let parts: Vec<&[u8]> = z.chunks(z.len().div_ceil(5)).collect();
                    let r = same(&name, &png(w, h, color, il, &parts), &opts);
                    assert_eq!(r.is_ok(), extra == 0, "{name}: {:?}", r.err());
                    let tiny: Vec<&[u8]> = z[z.len().saturating_sub(9)..].chunks(1).collect();
                    let mut parts = vec![&z[..z.len().saturating_sub(9)]];
                    parts.extend(tiny);
                    let r = same(&name, &png(w, h, color, il, &parts), &opts);
                    if extra == 0 && opts.checksums() {
                        assert!(r.is_ok(), "{name}: {r:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn engines_agree_on_mutated_streams() {
    // Bit flips and byte changes inside the zlib stream (CRCs fixed), so
    // that both inflaters see the same damaged data.
    let mut x = 0x2545_F491u32;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as usize
    };
    let (mut n_err, mut n_lenient) = (0, 0);
    for name in [
        "basn0g08.png",
        "basn2c16.png",
        "basi3p08.png",
        "tbrn2c08.png",
    ] {
        let data = fs::read(dir("data/pngsuite").join(name)).unwrap();
        let pre = Preamble::parse(&data, true).unwrap();
        let mut z = Vec::new();
        // Collect the IDAT payloads.
        let mut pos = 8;
        while pos < data.len() {
            let c = read_chunk(&data, pos).unwrap();
            if c.ty == ChunkType::IDAT {
                z.extend_from_slice(c.data);
            }
            pos = c.end();
        }
        for _ in 0..400 {
            let mut m = z.clone();
            for _ in 0..1 + next() % 3 {
                let i = next() % m.len();
                if next() % 2 == 0 {
                    m[i] ^= 1 << (next() % 8);
                } else {
                    m[i] = next() as u8;
                }
            }
            // Rebuild the file around the damaged stream.
            let mut v = data[..pre.first_idat.offset].to_vec();
            chunk(&mut v, b"IDAT", &m);
            chunk(&mut v, b"IEND", b"");
            for opts in option_sets() {
                // Damaged streams: both fail or both decode the same
                // image, except where miniz_oxide accepts what
                // fdeflate (and so the `png` crate) rejects: some
                // invalid code trees.
                let fd = decode_engine(&v, &opts, Engine::Fdeflate);
                let mz = decode_engine(&v, &opts, Engine::Miniz);
                let own = decode_engine(&v, &opts, Engine::Own);
                // Ours follows fdeflate's rules: the same accept/reject.
                match (&fd, &own) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{name}: fdeflate {:?}, own {:?}", fd.err(), own.err()),
                }
                match (&fd, &mz) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                    (Err(_), Err(_)) => n_err += 1,
                    (Err(e), Ok(_)) if png_crate_rejects(&v) => {
                        n_lenient += 1;
                        std::eprintln!("{name}: fdeflate {e:?}, miniz_oxide Ok");
                    }
                    _ => panic!(
                        "{name}: fdeflate {:?}, miniz_oxide {:?}",
                        fd.err(),
                        mz.err()
                    ),
                }
            }
        }
    }
    std::eprintln!("mutated streams: {n_err} rejected by both, {n_lenient} only by fdeflate");
    assert!(n_err > 1000 && n_lenient < 20);
}

fn png_crate_rejects(data: &[u8]) -> bool {
    let mut dec = ::png::Decoder::new(std::io::Cursor::new(data));
    dec.set_transformations(::png::Transformations::EXPAND);
    let Ok(mut reader) = dec.read_info() else {
        return true;
    };
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).is_err()
}

/// Whole decodes of the Kodak photos (as stored, and re-encoded at our
/// level 1): our inflater, fdeflate (the engine before it) and the `png`
/// crate, best of 20 interleaved rounds (robust on a loaded machine):
/// `cargo test --release -p pixb64 --lib decode_speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn decode_speed() {
    use std::time::Instant;
    let files: Vec<Vec<u8>> = pngs("data/photos").into_iter().map(|(_, d)| d).collect();
    let l1: Vec<Vec<u8>> = files
        .iter()
        .map(|d| {
            let img = decode(d).unwrap();
            crate::png::encode(&img.as_image(), &crate::png::EncodeOptions::new())
        })
        .collect();
    for (set, files) in [("stored", &files), ("pixb64-l1", &l1)] {
        let bytes: usize = files.iter().map(|d| decode(d).unwrap().data().len()).sum();
        let mut best = [f64::MAX; 3];
        let opts = DecodeOptions::new();
        for _ in 0..20 {
            for (k, engine) in [Engine::Own, Engine::Fdeflate].into_iter().enumerate() {
                let t = Instant::now();
                for d in files.iter() {
                    std::hint::black_box(decode_engine(d, &opts, engine).unwrap());
                }
                best[k] = best[k].min(t.elapsed().as_secs_f64());
            }
            let t = Instant::now();
            for d in files.iter() {
                let mut dec = ::png::Decoder::new(std::io::Cursor::new(&d[..]));
                dec.set_transformations(::png::Transformations::EXPAND);
                let mut r = dec.read_info().unwrap();
                let mut buf = vec![0; r.output_buffer_size().unwrap()];
                r.next_frame(&mut buf).unwrap();
                std::hint::black_box(buf);
            }
            best[2] = best[2].min(t.elapsed().as_secs_f64());
        }
        let mbs = |s: f64| bytes as f64 / s / 1e6;
        std::println!(
            "{set}: own {:.0} MB/s ({:.2}x png), fdeflate engine {:.0} MB/s ({:.2}x png), png-0.18 {:.0} MB/s",
            mbs(best[0]),
            best[2] / best[0],
            mbs(best[1]),
            best[2] / best[1],
            mbs(best[2])
        );
    }
}
