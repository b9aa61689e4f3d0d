//! `png::RowDecoder` against `png::decode_with`: every test file row by row
//! (owned and caller scratch), Adam7 files refused with a typed error, short
//! scratch, and damaged files (truncations, flipped bytes): the same rows or
//! the same error, up to the documented differences.
#![cfg(feature = "std")]

use std::fs;
use std::path::{Path, PathBuf};

use pixb64::png::{self, DecodeError, DecodeOptions, Header, Limits, RowDecoder};
use pixb64::ChannelOrder;

fn corpus(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub);
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    v.sort();
    v
}

fn option_sets() -> [DecodeOptions; 3] {
    [
        DecodeOptions::new(),
        DecodeOptions::new()
            .with_strip_16(true)
            .with_channel_order(ChannelOrder::Bgr),
        DecodeOptions::new().with_checksums(false),
    ]
}

/// The rows of `RowDecoder::new`, checked row by row against those of
/// `RowDecoder::with_scratch` (over a scratch of exactly `scratch_len`
/// bytes, filled with garbage), up to the first error.
struct Rows {
    header: Option<Header>,
    rows: Vec<Vec<u8>>,
    end: Result<(), DecodeError>,
}

fn read_rows(data: &[u8], opts: &DecodeOptions) -> Rows {
    let mut owned = match RowDecoder::new(data, opts) {
        Ok(d) => d,
        Err(e) => {
            // The same error before the scratch is looked at (so a short
            // one does), but for a refused allocation.
            if !matches!(e, DecodeError::OutOfMemory { .. }) {
                let mut s = [0x5Au8; 100];
                assert_eq!(
                    RowDecoder::with_scratch(data, opts, &mut s).err(),
                    Some(e.clone())
                );
            }
            return Rows {
                header: None,
                rows: Vec::new(),
                end: Err(e),
            };
        }
    };
    let header = *owned.header();
    assert_eq!(png::read_header_with(data, opts).as_ref(), Ok(&header));
    let mut scratch = vec![0x5Au8; RowDecoder::scratch_len(&header)];
    let mut borrowed = RowDecoder::with_scratch(data, opts, &mut scratch).unwrap();
    assert_eq!(borrowed.header(), &header);
    let stride = header.width as usize * usize::from(header.channels) * header.depth.bytes();
    let mut rows = Vec::new();
    let end = loop {
        let a = owned.next_row().map(|r| r.map(<[u8]>::to_vec));
        let b = borrowed.next_row().map(|r| r.map(<[u8]>::to_vec));
        assert_eq!(a, b, "owned and caller scratch differ");
        match a {
            Ok(Some(r)) => {
                assert_eq!(r.len(), stride);
                rows.push(r);
            }
            Ok(None) => {
                assert_eq!(rows.len(), header.height as usize);
                assert_eq!(owned.next_row(), Ok(None));
                break Ok(());
            }
            Err(e) => {
                // Errors stick.
                assert_eq!(owned.next_row(), Err(e.clone()));
                break Err(e);
            }
        }
    };
    Rows {
        header: Some(header),
        rows,
        end,
    }
}

/// A valid file: the same header and rows as the whole-image decode, or
/// for Adam7 the typed error.
fn same_image(name: &str, data: &[u8], opts: &DecodeOptions) {
    let whole = png::decode_with(data, opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let r = read_rows(data, opts);
    if png::read_header(data).unwrap().interlaced {
        assert_eq!(r.end, Err(DecodeError::InterlacedRows), "{name}");
        assert!(r.end.unwrap_err().to_string().contains("interlaced"));
        return;
    }
    assert_eq!(r.end, Ok(()), "{name} ({opts:?})");
    let h = r.header.unwrap();
    assert_eq!(
        (h.width, h.height, h.channels, h.depth),
        (
            whole.width(),
            whole.height(),
            whole.channels(),
            whole.depth()
        ),
        "{name}"
    );
    let stride = whole.data().len() / whole.height() as usize;
    for (y, (got, want)) in r.rows.iter().zip(whole.data().chunks(stride)).enumerate() {
        assert_eq!(got, want, "{name} row {y} ({opts:?})");
    }
    assert_eq!(r.rows.concat(), whole.data(), "{name}");
}

#[test]
fn pngsuite_rows_equal_decode() {
    let files = corpus("pngsuite");
    assert!(files.len() > 150);
    let (mut plain, mut adam7) = (0, 0);
    for p in &files {
        let name = p.file_name().unwrap().to_string_lossy();
        let data = fs::read(p).unwrap();
        if name.starts_with('x') {
            continue; // broken on purpose: see `damaged_files_*`
        }
        for opts in &option_sets() {
            same_image(&name, &data, opts);
        }
        if png::read_header(&data).unwrap().interlaced {
            adam7 += 1;
        } else {
            plain += 1;
        }
    }
    assert!(plain > 100 && adam7 > 30, "{plain} plain, {adam7} Adam7");
}

#[test]
fn photos_mixed_realworld_rows_equal_decode() {
    let mut n = 0;
    for sub in ["photos", "mixed", "realworld"] {
        for p in corpus(sub) {
            let data = fs::read(&p).unwrap();
            let name = p.display().to_string();
            same_image(&name, &data, &DecodeOptions::new());
            if n % 4 == 0 {
                same_image(&name, &data, &option_sets()[1]);
            }
            n += 1;
        }
    }
    assert!(n >= 55, "{n} files");
}

#[test]
fn scratch_too_short_and_limits() {
    let data = fs::read(corpus("photos")[0].clone()).unwrap();
    let h = png::read_header(&data).unwrap();
    let need = RowDecoder::scratch_len(&h);
    // A 768 x 512 RGB photo: 32 KiB and two filtered rows of 1 + 2304
    // bytes.
    assert_eq!((h.width, h.channels), (768, 3));
    assert_eq!(need, 32 * 1024 + 2 * (1 + 768 * 3));
    for len in [0, 1, 32 * 1024, need - 1] {
        let mut s = vec![0u8; len];
        let e = RowDecoder::with_scratch(&data, &DecodeOptions::new(), &mut s).err();
        assert_eq!(e, Some(DecodeError::ScratchTooShort { needed: need, len }));
        assert!(e.unwrap().to_string().contains("scratch"));
    }
    let mut s = vec![0u8; need + 100];
    let mut d = RowDecoder::with_scratch(&data, &DecodeOptions::new(), &mut s).unwrap();
    assert_eq!(d.next_row().unwrap().unwrap().len(), 768 * 3);
    // Stripping makes rows no longer.
    let strip = DecodeOptions::new().with_strip_16(true);
    assert_eq!(
        RowDecoder::scratch_len(&png::read_header_with(&data, &strip).unwrap()),
        need
    );
    // The byte limit bounds the scratch; width and height as for decode.
    let at = |lim: Limits| DecodeOptions::new().with_limits(lim);
    assert!(png::decode_with(&data, &at(Limits::new().with_max_bytes(need))).is_err());
    assert!(RowDecoder::new(&data, &at(Limits::new().with_max_bytes(need))).is_ok());
    assert!(matches!(
        RowDecoder::new(&data, &at(Limits::new().with_max_bytes(need - 1))),
        Err(DecodeError::LimitExceeded { .. })
    ));
    for lim in [
        Limits::new().with_max_width(767),
        Limits::new().with_max_height(511),
    ] {
        assert_eq!(
            RowDecoder::new(&data, &at(lim)).err(),
            png::decode_with(&data, &at(lim)).err()
        );
    }
}

// ---------------------------------------------------------------------------
// Damaged files.

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

#[derive(Default, Debug)]
struct Tally {
    same_rows: usize,
    same_err: usize,
    zlib_offset: usize,
    filter_first: usize,
    engines: usize,
    limit: usize,
}

/// The plain layouts, where the whole-image reader inflates ahead of the
/// rows (`Header` holds all that decides it).
fn direct(h: &Header, opts: &DecodeOptions) -> bool {
    !h.interlaced
        && h.bit_depth >= 8
        && h.color_type != png::ColorType::Indexed
        && !h.transparency
        && !(h.bit_depth == 16 && opts.strip_16())
}

/// `decode_with` (fdeflate with `std`) and the row decoder on one file.
fn compare(name: &str, data: &[u8], opts: &DecodeOptions, t: &mut Tally) {
    let whole = png::decode_with(data, opts);
    let r = read_rows(data, opts);
    // Adam7: refused once the chunks before the image data are read.
    if let Err(DecodeError::InterlacedRows) = r.end {
        assert!(
            png::read_header_with(data, opts).unwrap().interlaced,
            "{name}"
        );
        return;
    }
    match (&whole, &r.end) {
        (Ok(img), Ok(())) => {
            assert_eq!(r.rows.concat(), img.data(), "{name}");
            t.same_rows += 1;
        }
        (Err(a), Err(b)) if a == b => t.same_err += 1,
        // The byte bound is on the whole image there, on the scratch here.
        (
            Err(DecodeError::LimitExceeded {
                limit: png::LimitKind::Bytes,
                ..
            }),
            _,
        ) => t.limit += 1,
        (Err(DecodeError::Zlib { problem: a, .. }), Err(DecodeError::Zlib { problem: b, .. }))
            if a == b =>
        {
            t.zlib_offset += 1
        }
        // The plain layouts: the whole-image reader inflates up to 64 KiB
        // ahead of the rows, the row decoder up to the ring's end, so a bad
        // filter byte and a stream error may be found in either order.
        (Err(a), Err(b))
            if r.header.is_some_and(|h| direct(&h, opts))
                && (matches!(a, DecodeError::InvalidFilter { .. })
                    || matches!(b, DecodeError::InvalidFilter { .. })) =>
        {
            t.filter_first += 1
        }
        // The engines (fdeflate here, miniz_oxide in the row decoder) differ
        // on some damaged streams: fdeflate rejects some invalid code trees
        // that miniz_oxide accepts, and the two can see different defects
        // first (the unit tests in src/png/decode/rows.rs compare the row
        // decoder with the miniz_oxide reader exactly).
        (Err(DecodeError::Zlib { .. }), _) | (Err(_), Err(DecodeError::Zlib { .. })) => {
            t.engines += 1
        }
        // A file cut right after a complete zlib stream: fdeflate asks for
        // the next IDAT (its end is only seen with more input), miniz_oxide
        // is done and looks for IEND.
        (
            Err(DecodeError::Truncated {
                offset: a,
                chunk: None,
            }),
            Err(DecodeError::MissingChunk {
                chunk: png::ChunkType::IEND,
                offset: b,
            }),
        ) if a == b && *a == data.len() => t.engines += 1,
        _ => panic!(
            "{name} ({opts:?}): decode {:?}, rows {:?} after {} rows",
            whole.as_ref().err(),
            r.end,
            r.rows.len()
        ),
    }
}

#[test]
fn damaged_files_same_errors_as_decode() {
    let mut rng = XorShift(0x0123_4567_89AB_CDEF);
    let mut t = Tally::default();
    let mut files: Vec<(String, Vec<u8>)> = corpus("pngsuite")
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(p).unwrap())
        })
        .collect();
    // Longer streams too (several ring laps): the first 48 rows of two
    // photos, written again.
    for p in corpus("photos").into_iter().take(2) {
        let img = png::decode(&fs::read(&p).unwrap()).unwrap();
        let rows = img.data().len() / img.height() as usize * 48;
        let crop = pixb64::Image::new(img.width(), 48, img.channels(), &img.data()[..rows]);
        let data = png::encode(&crop.unwrap(), &png::EncodeOptions::new());
        files.push((p.display().to_string(), data));
    }
    for (name, data) in &files {
        let big = data.len() > 50_000;
        // A byte bound keeps damaged headers from asking for big images.
        let sets = option_sets().map(|o| o.with_limits(Limits::new().with_max_bytes(4 << 20)));
        for opts in if big { &sets[..1] } else { &sets[..] } {
            // Truncations at many offsets, denser near the ends.
            let cuts: Vec<usize> = if big {
                (0..6).map(|_| rng.next() % data.len()).collect()
            } else {
                (0..data.len()).step_by(1 + data.len() / 60).collect()
            };
            for cut in cuts.into_iter().chain([data.len() - 1, data.len() - 12]) {
                compare(&format!("{name} cut {cut}"), &data[..cut], opts, &mut t);
            }
            // Flipped bytes anywhere after the signature.
            for _ in 0..if big { 8 } else { 40 } {
                let mut m = data.clone();
                for _ in 0..1 + rng.next() % 3 {
                    let i = 8 + rng.next() % (m.len() - 8);
                    if rng.next().is_multiple_of(2) {
                        m[i] ^= 1 << (rng.next() % 8);
                    } else {
                        m[i] = rng.next() as u8;
                    }
                }
                compare(&format!("{name} flipped"), &m, opts, &mut t);
            }
            // Trailing garbage.
            let mut m = data.clone();
            m.push(0);
            compare(&format!("{name} + 1"), &m, opts, &mut t);
        }
    }
    eprintln!("{t:?}");
    let total = t.same_rows + t.same_err + t.zlib_offset + t.filter_first + t.engines + t.limit;
    assert!(total > 45_000, "{total}");
    assert!(t.same_err > total / 2 && t.same_rows > 1000);
    // The allowed differences stay rare.
    assert!(t.filter_first + t.engines + t.limit < total / 20, "{t:?}");
}

/// Channel conversions are built into the full form only: the small form
/// (flash-bound targets) names the missing piece instead of decoding.
#[test]
fn channel_conversions_are_in_the_full_form_only() {
    let data =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pngsuite/basn2c08.png"))
            .unwrap();
    let gray = DecodeOptions::imread_grayscale();
    let r = RowDecoder::new(&data, &gray);
    if cfg!(pixb64_small) {
        assert!(matches!(r.err(), Some(DecodeError::ChannelsUnavailable)));
        assert_eq!(
            png::decode_with(&data, &gray).err(),
            Some(DecodeError::ChannelsUnavailable)
        );
        // As stored still decodes.
        assert!(RowDecoder::new(&data, &DecodeOptions::new()).is_ok());
    } else {
        let mut d = r.unwrap();
        assert_eq!(d.header().channels, 1);
        assert_eq!(d.next_row().unwrap().unwrap().len(), 32);
    }
}
