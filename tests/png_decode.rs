//! The PNG reader against the `png` crate (0.18, `Transformations::EXPAND`)
//! on PngSuite, the Kodak photos and the mixed corpus; the corrupt PngSuite
//! files against the error each one must give; options and `read_header`.
#![cfg(feature = "png")]

use std::fs;
use std::path::{Path, PathBuf};

use pixb64::png::{
    self, ChunkType, ColorType, DecodeError, DecodeOptions, HeaderField, Limits, ZlibProblem,
};
use pixb64::{ChannelOrder, Depth, ImageBuf};

fn data_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

fn pngs(sub: &str) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(data_dir(sub))
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

/// The `png` crate's decode: (width, height, channels, depth, pixels).
fn reference(
    data: &[u8],
    t: ::png::Transformations,
) -> Result<(u32, u32, u8, Depth, Vec<u8>), String> {
    let mut dec = ::png::Decoder::new(std::io::Cursor::new(data));
    dec.set_transformations(t);
    let mut reader = dec.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("size")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples() as u8;
    let depth = match info.bit_depth {
        ::png::BitDepth::Sixteen => Depth::Sixteen,
        ::png::BitDepth::Eight => Depth::Eight,
        d => return Err(format!("unexpanded depth {d:?}")),
    };
    Ok((info.width, info.height, channels, depth, buf))
}

#[track_caller]
fn assert_same(name: &str, ours: &ImageBuf, theirs: &(u32, u32, u8, Depth, Vec<u8>)) {
    let (w, h, c, d, px) = theirs;
    assert_eq!(
        (ours.width(), ours.height(), ours.channels(), ours.depth()),
        (*w, *h, *c, *d),
        "{name}: shape"
    );
    if ours.data() != &px[..] {
        let i = ours
            .data()
            .iter()
            .zip(px)
            .position(|(a, b)| a != b)
            .unwrap();
        panic!("{name}: pixels differ first at byte {i}");
    }
}

fn is_corrupt(name: &str) -> bool {
    name.starts_with('x')
}

#[test]
fn pngsuite_valid_files_equal_png_crate() {
    let mut n = 0;
    for (name, data) in pngs("pngsuite").iter().filter(|(n, _)| !is_corrupt(n)) {
        let theirs = reference(data, ::png::Transformations::EXPAND)
            .unwrap_or_else(|e| panic!("{name}: png crate: {e}"));
        let ours = png::decode(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same(name, &ours, &theirs);
        // Header agrees with the image.
        let h = png::read_header(data).unwrap();
        assert_eq!(
            (h.width, h.height, h.channels, h.depth),
            (ours.width(), ours.height(), ours.channels(), ours.depth()),
            "{name}: header"
        );
        n += 1;
    }
    assert_eq!(n, 161, "valid PngSuite files");
}

#[test]
fn pngsuite_options_equal_png_crate() {
    // strip_16 is the png crate's STRIP_16; BGR swaps samples 0 and 2;
    // skipping checksums changes nothing on valid files.
    let t = ::png::Transformations::EXPAND | ::png::Transformations::STRIP_16;
    for (name, data) in pngs("pngsuite").iter().filter(|(n, _)| !is_corrupt(n)) {
        let theirs = reference(data, t).unwrap();
        let opts = DecodeOptions::new().with_strip_16(true);
        assert_same(name, &png::decode_with(data, &opts).unwrap(), &theirs);

        let plain = png::decode(data).unwrap();
        let bgr = png::decode_with(
            data,
            &DecodeOptions::new()
                .with_channel_order(ChannelOrder::Bgr)
                .with_checksums(false),
        )
        .unwrap();
        let s = plain.depth().bytes();
        let bpp = usize::from(plain.channels()) * s;
        let mut want = plain.data().to_vec();
        if plain.channels() >= 3 {
            for px in want.chunks_exact_mut(bpp) {
                for k in 0..s {
                    px.swap(k, 2 * s + k);
                }
            }
        }
        assert!(bgr.data() == &want[..], "{name}: bgr");
    }
}

/// The error each corrupt PngSuite file must give.
fn expected_error(name: &str, e: &DecodeError) -> bool {
    use DecodeError::*;
    match &name[..4] {
        "xs1n" | "xs2n" | "xs4n" | "xs7n" | "xcrn" | "xlfn" => matches!(e, NotPng { .. }),
        "xhdn" => matches!(e, InvalidCrc { chunk, .. } if *chunk == ChunkType::IHDR),
        "xcsn" => matches!(e, InvalidCrc { chunk, .. } if *chunk == ChunkType::IDAT),
        "xc1n" | "xc9n" => matches!(
            e,
            InvalidHeader {
                field: HeaderField::ColorType,
                ..
            }
        ),
        "xd0n" | "xd3n" | "xd9n" => matches!(
            e,
            InvalidHeader {
                field: HeaderField::BitDepth,
                ..
            }
        ),
        "xdtn" => matches!(e, MissingChunk { chunk, .. } if *chunk == ChunkType::IDAT),
        _ => false,
    }
}

#[test]
fn pngsuite_corrupt_files_fail_with_their_error() {
    let mut n = 0;
    for (name, data) in pngs("pngsuite").iter().filter(|(n, _)| is_corrupt(n)) {
        let e = png::decode(data).expect_err(name);
        assert!(expected_error(name, &e), "{name}: unexpected error {e:?}");
        // The message names something.
        assert!(!e.to_string().is_empty());
        n += 1;
    }
    assert_eq!(n, 14, "corrupt PngSuite files");
}

#[test]
fn photos_and_mixed_equal_png_crate() {
    for dir in ["photos", "mixed"] {
        for (name, data) in pngs(dir) {
            let theirs = reference(&data, ::png::Transformations::EXPAND).unwrap();
            let ours = png::decode(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_same(&name, &ours, &theirs);
        }
    }
}

#[test]
fn read_header_reports_expansion() {
    let suite = data_dir("pngsuite");
    let h = png::read_header(&fs::read(suite.join("tbbn3p08.png")).unwrap()).unwrap();
    assert_eq!(h.color_type, ColorType::Indexed);
    assert_eq!((h.bit_depth, h.channels, h.depth), (8, 4, Depth::Eight));
    assert!(h.transparency);
    let data = fs::read(suite.join("basi0g16.png")).unwrap();
    let h = png::read_header(&data).unwrap();
    assert_eq!(
        (h.bit_depth, h.channels, h.depth, h.interlaced),
        (16, 1, Depth::Sixteen, true)
    );
    let h = png::read_header_with(&data, &DecodeOptions::new().with_strip_16(true)).unwrap();
    assert_eq!(h.depth, Depth::Eight);
    assert_eq!(h.byte_len(), Some(32 * 32));
}

/// `read_header` needs the file only up to the first IDAT chunk's type: on
/// that prefix it gives what it gives on the whole file, one byte less is
/// `Truncated`, and the decoder still needs the whole file.
#[test]
fn read_header_reads_a_prefix() {
    let mut n = 0;
    for (name, data) in pngs("pngsuite").into_iter().chain(pngs("photos")) {
        let Ok(whole) = png::read_header(&data) else {
            continue;
        };
        let at = data.windows(4).position(|w| w == b"IDAT").unwrap() + 4;
        assert_eq!(png::read_header(&data[..at]), Ok(whole), "{name}");
        assert!(
            matches!(
                png::read_header(&data[..at - 1]),
                Err(DecodeError::Truncated { .. })
            ),
            "{name}"
        );
        assert!(png::decode(&data[..at]).is_err(), "{name}");
        n += 1;
    }
    assert!(n > 150);
}

#[test]
fn limits_are_checked_before_decoding() {
    let data = fs::read(data_dir("pngsuite").join("basn2c08.png")).unwrap(); // 32x32 RGB
    let tight = |l: Limits| png::decode_with(&data, &DecodeOptions::new().with_limits(l));
    assert!(matches!(
        tight(Limits::new().with_max_width(31)),
        Err(DecodeError::LimitExceeded {
            value: 32,
            max: 31,
            ..
        })
    ));
    assert!(matches!(
        tight(Limits::new().with_max_height(31)),
        Err(DecodeError::LimitExceeded {
            value: 32,
            max: 31,
            ..
        })
    ));
    // The direct pipeline needs the pixels plus one filter byte per row.
    let need = 32 * 32 * 3 + 32;
    assert!(tight(Limits::new().with_max_bytes(need)).is_ok());
    assert!(matches!(
        tight(Limits::new().with_max_bytes(need - 1)),
        Err(DecodeError::LimitExceeded { value, .. }) if value == need as u64
    ));
    assert!(tight(Limits::none()).is_ok());
}

#[test]
fn checksum_option_skips_crc_and_adler() {
    let data = fs::read(data_dir("pngsuite").join("basn0g08.png")).unwrap();
    let good = png::decode(&data).unwrap();
    // Flip a bit of the Adler-32 (the last 4 bytes of the last IDAT's data)
    // and fix the chunk CRC, so only the Adler check can notice.
    let mut bad = data.clone();
    let iend = bad.len() - 12;
    let (start, len) = last_idat(&bad);
    assert_eq!(start + 8 + len + 4, iend);
    bad[start + 8 + len - 1] ^= 1;
    let crc = crc32(&bad[start + 4..start + 8 + len]);
    bad[start + 8 + len..start + 12 + len].copy_from_slice(&crc.to_be_bytes());
    assert!(matches!(
        png::decode(&bad),
        Err(DecodeError::InvalidAdler { .. })
    ));
    let lax = DecodeOptions::new().with_checksums(false);
    assert_eq!(png::decode_with(&bad, &lax).unwrap(), good);
    // A bad CRC on IDAT.
    let mut bad = data.clone();
    bad[start + 8 + len] ^= 0x80;
    assert!(matches!(
        png::decode(&bad),
        Err(DecodeError::InvalidCrc { chunk, .. }) if chunk == ChunkType::IDAT
    ));
    assert_eq!(png::decode_with(&bad, &lax).unwrap(), good);
}

#[test]
fn truncated_stream_and_bad_filter() {
    let data = fs::read(data_dir("pngsuite").join("basn0g08.png")).unwrap();
    let (start, len) = last_idat(&data);
    // Drop the zlib stream's last 6 bytes (end of data and Adler).
    let mut cut = data[..start].to_vec();
    let payload = &data[start + 8..start + 8 + len - 6];
    push_chunk(&mut cut, b"IDAT", payload);
    push_chunk(&mut cut, b"IEND", b"");
    assert!(matches!(
        png::decode(&cut),
        Err(DecodeError::Zlib {
            problem: ZlibProblem::Truncated,
            ..
        } | DecodeError::ImageDataShort { .. })
    ));
}

fn last_idat(png: &[u8]) -> (usize, usize) {
    let mut pos = 8;
    let mut last = None;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if &png[pos + 4..pos + 8] == b"IDAT" {
            last = Some((pos, len));
        }
        pos += 12 + len;
    }
    last.unwrap()
}

fn push_chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    let mut c = ty.to_vec();
    c.extend_from_slice(data);
    out.extend_from_slice(&crc32(&c).to_be_bytes());
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// Low-bit gray (with and without a tRNS key) and palette (with and
/// without tRNS) rows wider than the 256-pixel pieces the expansion works
/// in, at every sample width: the same pixels as the `png` crate. Random
/// samples (fixed seed), written by the `png` crate.
#[test]
fn wide_low_bit_rows_equal_png_crate() {
    let mut seed = 0x1234_5678_u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 16) as u8
    };
    for bits in [1u8, 2, 4] {
        let depth = match bits {
            1 => ::png::BitDepth::One,
            2 => ::png::BitDepth::Two,
            _ => ::png::BitDepth::Four,
        };
        for width in [1u32, 7, 255, 256, 257, 511, 700, 1025] {
            for (case, color) in [
                ("gray", ::png::ColorType::Grayscale),
                ("gray-key", ::png::ColorType::Grayscale),
                ("palette", ::png::ColorType::Indexed),
                ("palette-trns", ::png::ColorType::Indexed),
            ] {
                let height = 3;
                let row = (width as usize * usize::from(bits)).div_ceil(8);
                let data: Vec<u8> = (0..row * height).map(|_| next()).collect();
                let mut file = Vec::new();
                let mut enc = ::png::Encoder::new(&mut file, width, height as u32);
                enc.set_color(color);
                enc.set_depth(depth);
                let entries = 1usize << bits;
                if color == ::png::ColorType::Indexed {
                    enc.set_palette((0..entries * 3).map(|_| next()).collect::<Vec<u8>>());
                }
                match case {
                    "gray-key" => enc.set_trns(vec![0, next() & ((1 << bits) - 1)]),
                    "palette-trns" => {
                        enc.set_trns((0..entries - 1).map(|_| next()).collect::<Vec<u8>>())
                    }
                    _ => {}
                }
                let mut w = enc.write_header().unwrap();
                w.write_image_data(&data).unwrap();
                w.finish().unwrap();
                let name = format!("{case} {bits}-bit width {width}");
                let ours = png::decode(&file).unwrap();
                let theirs = reference(&file, ::png::Transformations::EXPAND).unwrap();
                assert_same(&name, &ours, &theirs);
            }
        }
    }
}

/// One `png::Decoder` reused across files gives what a fresh decode gives,
/// whatever the previous file left in its tables: PngSuite (fixed and
/// dynamic codes, small and large outputs, the corrupt files), the hostile
/// set, each also with bytes of its image data flipped
/// (checksums off, so that the damage reaches the inflater, often in the
/// middle of a code-tree header), in two orders.
#[test]
fn one_decoder_reused_equals_fresh_decodes() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for set in ["pngsuite", "../hostile"] {
        for (name, data) in pngs(set) {
            let mut seed = (data.len() as u32).wrapping_mul(2_654_435_761) | 1;
            for k in 0..3 {
                let mut m = data.clone();
                // A flip somewhere past the signature and IHDR.
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                if m.len() > 40 {
                    let at = 33 + seed as usize % (m.len() - 33);
                    m[at] ^= 1 << (seed >> 29);
                }
                files.push((format!("{set}/{name} flip {k} (seed {seed})"), m));
            }
            files.push((format!("{set}/{name}"), data));
        }
    }
    let opts = DecodeOptions::new().with_checksums(false);
    let fresh: Vec<_> = files
        .iter()
        .map(|(_, d)| png::decode_with(d, &opts))
        .collect();
    let same = |a: &Result<ImageBuf, DecodeError>, b: &Result<ImageBuf, DecodeError>| match (a, b) {
        (Ok(a), Ok(b)) => {
            (a.width(), a.height(), a.channels(), a.depth(), a.data())
                == (b.width(), b.height(), b.channels(), b.depth(), b.data())
        }
        (Err(a), Err(b)) => a == b,
        _ => false,
    };
    let mut decoder = png::Decoder::new(opts);
    let order: Vec<usize> = (0..files.len()).chain((0..files.len()).rev()).collect();
    let mut failed = 0;
    for &i in &order {
        let r = decoder.decode(&files[i].1);
        assert!(
            same(&r, &fresh[i]),
            "{}: reused {r:?}, fresh {:?}",
            files[i].0,
            fresh[i]
        );
        failed += usize::from(r.is_err());
    }
    // The flips must have reached the decoder's error paths.
    assert!(
        failed > order.len() / 8,
        "{failed} of {} failed",
        order.len()
    );
}

/// The byte limit counts exactly the buffers a pipeline allocates. A
/// palette image is expanded, so it takes the row pipeline; our own
/// inflater inflates a stream this small whole and unfilters its rows
/// there: the output and the stream, no row buffers.
#[test]
fn byte_limit_counts_the_row_pipeline_buffers() {
    let data = fs::read(data_dir("pngsuite").join("basn3p08.png")).unwrap(); // 32x32, 8-bit palette
    let tight = |n: usize| {
        png::decode_with(
            &data,
            &DecodeOptions::new().with_limits(Limits::new().with_max_bytes(n)),
        )
    };
    let (out, stream) = (32 * 32 * 3, 32 * (1 + 32));
    let need = out + stream;
    assert_eq!(tight(need).unwrap().data().len(), out);
    assert!(matches!(
        tight(need - 1),
        Err(DecodeError::LimitExceeded { value, .. }) if value == need as u64
    ));
}
