//! JPEG reading against OpenCV: the small JPEGs of tests/data/jpeg (made by
//! `make.py` there from kodim23) and what `cv2.imdecode` gives for each in
//! its three modes (`cv/NAME.MODE.HxWxC.raw`). Dimensions and channels must
//! be OpenCV's; pixels within the tolerance measured against it (IDCT and
//! chroma upsampling differ between zune-jpeg and libjpeg-turbo). And bad
//! input gives typed errors.
#![cfg(feature = "jpeg")]

use std::fs;
use std::path::Path;

use pixb64::base64::STANDARD;
use pixb64::jpeg::{self, JpegError};
use pixb64::png::{Channels, DecodeOptions, LimitKind, Limits};
use pixb64::{data_uri, decode_image, ChannelOrder, Error};

const DIR: &str = "tests/data/jpeg";

/// Largest absolute difference from OpenCV allowed for any sample, and for
/// the mean over the image (measured: see the README's table).
const MAX_TOL: u8 = 6;
const MEAN_TOL: f64 = 0.5;

fn read(name: &str) -> Vec<u8> {
    fs::read(Path::new(DIR).join(name)).unwrap()
}

fn mode_opts(mode: &str) -> DecodeOptions {
    match mode {
        "color" => DecodeOptions::imread_color(),
        "gray" => DecodeOptions::imread_grayscale(),
        "unchanged" => DecodeOptions::imread_unchanged(),
        _ => unreachable!(),
    }
}

#[test]
fn matches_opencv_in_three_modes() {
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(Path::new(DIR).join("cv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    entries.sort();
    for name in entries {
        // NAME.MODE.HxWxC.raw
        let parts: Vec<&str> = name.split('.').collect();
        let (stem, mode, shape) = (parts[0], parts[1], parts[2]);
        let dims: Vec<usize> = shape.split('x').map(|d| d.parse().unwrap()).collect();
        let (h, w, c) = (dims[0], dims[1], *dims.get(2).unwrap_or(&1));
        let want = fs::read(Path::new(DIR).join("cv").join(&name)).unwrap();
        let file = read(&format!("{stem}.jpg"));
        let got = jpeg::decode_with(&file, &mode_opts(mode)).unwrap();
        assert_eq!(
            (
                got.height() as usize,
                got.width() as usize,
                got.channels() as usize
            ),
            (h, w, c),
            "{name}"
        );
        let diffs: Vec<u8> = got
            .data()
            .iter()
            .zip(&want)
            .map(|(a, b)| a.abs_diff(*b))
            .collect();
        let max = *diffs.iter().max().unwrap();
        let mean = diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64;
        println!("{name:50} max {max:3} mean {mean:.3}");
        assert!(
            max <= MAX_TOL && mean <= MEAN_TOL,
            "{name}: max {max} mean {mean}"
        );
        // The same through the sniffing entry point, base64 and a data: URL.
        let opts = mode_opts(mode);
        assert_eq!(decode_image(&file, &opts).unwrap(), got);
        let text = STANDARD.encode(&file);
        assert_eq!(
            pixb64::png::decode_base64_with(&text, &STANDARD, &opts).unwrap(),
            got
        );
        let uri = data_uri::encode("image/jpeg", &file);
        assert_eq!(data_uri::decode_image_with(&uri, &opts).unwrap(), got);
        checked += 1;
    }
    assert_eq!(checked, 21);
}

#[test]
fn headers_and_defaults() {
    let h = jpeg::read_header(&read("exif6_q90_24x16.jpg")).unwrap();
    assert_eq!((h.width, h.height, h.components), (24, 16, 3));
    assert_eq!(h.orientation, Some(6));
    assert!(!h.progressive);
    let h = jpeg::read_header(&read("progressive_q80_40x24.jpg")).unwrap();
    assert!(h.progressive);
    assert_eq!(h.orientation, None);
    assert_eq!(
        jpeg::read_header(&read("gray_q85_23x17.jpg"))
            .unwrap()
            .components,
        1
    );
    assert_eq!(
        jpeg::read_header(&read("cmyk_q90_20x12.jpg"))
            .unwrap()
            .components,
        4
    );

    // Defaults: stored channels, RGB, no orientation.
    let file = read("exif6_q90_24x16.jpg");
    let rgb = jpeg::decode(&file).unwrap();
    assert_eq!((rgb.width(), rgb.height(), rgb.channels()), (24, 16, 3));
    let bgr = jpeg::decode_with(
        &file,
        &DecodeOptions::new().with_channel_order(ChannelOrder::Bgr),
    )
    .unwrap();
    for (a, b) in rgb.data().chunks(3).zip(bgr.data().chunks(3)) {
        assert_eq!([a[0], a[1], a[2]], [b[2], b[1], b[0]]);
    }
    // Orientation 6 on request: 90 degrees clockwise.
    let turned =
        jpeg::decode_with(&file, &DecodeOptions::new().with_exif_orientation(true)).unwrap();
    assert_eq!((turned.width(), turned.height()), (16, 24));
    let px = |img: &pixb64::ImageBuf, x: usize, y: usize| {
        let i = (y * img.width() as usize + x) * 3;
        img.data()[i..i + 3].to_vec()
    };
    // Output (x, y) comes from source (y, H - 1 - x).
    assert_eq!(px(&turned, 0, 0), px(&rgb, 0, 15));
    assert_eq!(px(&turned, 15, 23), px(&rgb, 23, 0));
    // RGBA: opaque.
    let rgba =
        jpeg::decode_with(&file, &DecodeOptions::new().with_channels(Channels::Rgba)).unwrap();
    assert_eq!(rgba.channels(), 4);
    assert!(rgba.data().chunks(4).all(|p| p[3] == 255));
    for (a, b) in rgba.data().chunks(4).zip(rgb.data().chunks(3)) {
        assert_eq!(&a[..3], b);
    }
    let gray = read("gray_q85_23x17.jpg");
    let g4 = jpeg::decode_with(&gray, &DecodeOptions::new().with_channels(Channels::Rgba)).unwrap();
    assert!(g4
        .data()
        .chunks(4)
        .all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255));
}

#[test]
fn limits_checked_from_the_header() {
    let file = read("color420_q90_37x29.jpg");
    let lim = |l: Limits| DecodeOptions::new().with_limits(l);
    assert_eq!(
        jpeg::decode_with(&file, &lim(Limits::new().with_max_width(36))),
        Err(JpegError::LimitExceeded {
            limit: LimitKind::Width,
            value: 37,
            max: 36
        })
    );
    assert_eq!(
        jpeg::decode_with(&file, &lim(Limits::new().with_max_height(28))),
        Err(JpegError::LimitExceeded {
            limit: LimitKind::Height,
            value: 29,
            max: 28
        })
    );
    // The byte bound: the output and zune-jpeg's buffers; the error says
    // how much, and that much is enough.
    let need = match jpeg::decode_with(&file, &lim(Limits::new().with_max_bytes(37 * 29 * 3))) {
        Err(JpegError::LimitExceeded {
            limit: LimitKind::Bytes,
            value,
            max,
        }) if value > max => value as usize,
        r => panic!("{r:?}"),
    };
    assert!(need < 4 * 37 * 29 * 3, "{need}");
    assert!(jpeg::decode_with(&file, &lim(Limits::new().with_max_bytes(need))).is_ok());
    // A frame header claiming 65535 x 65535 (12 GiB of RGB) against the
    // default 256 MiB: refused before any pixel is decoded.
    let mut huge = file.clone();
    let sof = huge.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    huge[sof + 5..sof + 9].copy_from_slice(&[0xFF; 4]);
    assert!(matches!(
        jpeg::decode(&huge),
        Err(JpegError::LimitExceeded {
            limit: LimitKind::Bytes,
            value,
            max
        }) if value > 65535 * 65535 * 3 && max == Limits::DEFAULT_MAX_BYTES as u64
    ));
    // Wider than zune-jpeg's own default bound (16384), within ours: read.
    let h = jpeg::read_header(&huge).unwrap();
    assert_eq!((h.width, h.height), (65535, 65535));
}

#[test]
fn bad_input_gives_typed_errors() {
    let file = read("color420_q90_37x29.jpg");
    assert_eq!(jpeg::decode(b""), Err(JpegError::NotJpeg));
    assert_eq!(jpeg::decode(b"\x89PNG"), Err(JpegError::NotJpeg));
    assert_eq!(
        jpeg::decode(b"\xFF\xD8\xFF"),
        Err(JpegError::Truncated { offset: 3 })
    );
    assert_eq!(jpeg::decode(b"\xFF\xD8\xFF\xD9"), Err(JpegError::NoFrame));
    // Every prefix: an error or an image, never a panic; cut in the
    // headers, a typed header error.
    let sos = file.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    for n in 0..file.len() {
        let r = jpeg::decode(&file[..n]);
        if n < sos + 4 {
            assert!(
                matches!(r, Err(JpegError::Truncated { .. } | JpegError::NotJpeg)),
                "{n}: {r:?}"
            );
        }
        let _ = decode_image(&file[..n], &DecodeOptions::imread_color());
    }
    // Garbage after the headers, and flipped bytes everywhere.
    let mut g = file.clone();
    for b in &mut g[sos + 20..] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    let _ = jpeg::decode(&g);
    for i in 0..file.len() {
        let mut f = file.clone();
        f[i] ^= 0x55;
        let _ = jpeg::decode_with(&f, &DecodeOptions::imread_color());
    }
    // Unsupported processes are named.
    let mut arith = file.clone();
    let sof = arith.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    arith[sof + 1] = 0xC9;
    assert_eq!(
        jpeg::decode(&arith),
        Err(JpegError::UnsupportedProcess { marker: 0xC9 })
    );
    // Through the helpers: Error::Jpeg.
    assert!(matches!(
        decode_image(b"\xFF\xD8\xFF\xD9", &DecodeOptions::new()),
        Err(Error::Jpeg(JpegError::NoFrame))
    ));
}

#[test]
fn exif_orientations_one_to_eight() {
    // The orientation tag rewritten in place in exif6's EXIF block: each
    // value turns the image as OpenCV's ApplyExifOrientation does.
    let file = read("exif6_q90_24x16.jpg");
    let at = file
        .windows(2)
        .position(|w| w == [0x12, 0x01] || w == [0x01, 0x12])
        .unwrap();
    let big = file[at] == 0x01;
    let plain = jpeg::decode(&file).unwrap();
    let (w, h) = (24usize, 16usize);
    let src = |x: usize, y: usize| &plain.data()[(y * w + x) * 3..][..3];
    for o in 1u8..=8 {
        let mut f = file.clone();
        let v = at + 8;
        if big {
            f[v..v + 2].copy_from_slice(&[0, o]);
        } else {
            f[v..v + 2].copy_from_slice(&[o, 0]);
        }
        assert_eq!(jpeg::read_header(&f).unwrap().orientation, Some(o));
        let img = jpeg::decode_with(&f, &DecodeOptions::new().with_exif_orientation(true)).unwrap();
        let (ow, oh) = (img.width() as usize, img.height() as usize);
        assert_eq!((ow, oh), if o >= 5 { (h, w) } else { (w, h) }, "{o}");
        for y in 0..oh {
            for x in 0..ow {
                let (sx, sy) = match o {
                    1 => (x, y),
                    2 => (w - 1 - x, y),
                    3 => (w - 1 - x, h - 1 - y),
                    4 => (x, h - 1 - y),
                    5 => (y, x),
                    6 => (y, h - 1 - x),
                    7 => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x),
                };
                assert_eq!(&img.data()[(y * ow + x) * 3..][..3], src(sx, sy), "{o}");
            }
        }
        // Out of range: ignored.
        let mut f9 = f.clone();
        f9[v..v + 2].copy_from_slice(if big { &[0, 9] } else { &[9, 0] });
        assert_eq!(jpeg::read_header(&f9).unwrap().orientation, None);
    }
}

/// Every sampling layout (each factor 1..=4, three components) written
/// into three files: a baseline 4:2:0 file, a progressive one, and one the
/// fuzz target found (a baseline frame whose first scan holds one
/// component; zune-jpeg 0.5.15 panicked on it). In every mode: an image of
/// the header's size, or a typed error; libjpeg's rules (fractional ratio,
/// more than 10 blocks in an interleaved MCU) give `UnsupportedSampling`;
/// the layouts encoders write (4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1, 4:1:0)
/// decode.
#[test]
fn every_sampling_layout() {
    let modes = [
        DecodeOptions::new(),
        DecodeOptions::imread_color(),
        DecodeOptions::imread_grayscale(),
        DecodeOptions::imread_unchanged(),
    ];
    let common: [[u8; 3]; 6] = [
        [0x11, 0x11, 0x11],
        [0x21, 0x11, 0x11],
        [0x22, 0x11, 0x11],
        [0x12, 0x11, 0x11],
        [0x41, 0x11, 0x11],
        [0x42, 0x11, 0x11],
    ];
    let mut counts = [0usize; 3]; // decoded, libjpeg's rules, other errors
    for name in [
        "color420_q90_37x29.jpg",
        "progressive_q80_40x24.jpg",
        "fuzz_multiscan_37x29.jpg",
    ] {
        let file = read(name);
        let sof = file
            .windows(2)
            .position(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC2])
            .unwrap();
        let (h0, w0) = (
            u32::from(u16::from_be_bytes([file[sof + 5], file[sof + 6]])),
            u32::from(u16::from_be_bytes([file[sof + 7], file[sof + 8]])),
        );
        for code in 0..4096u32 {
            let f: Vec<(u32, u32)> = (0..3)
                .map(|k| {
                    let x = (code >> (4 * k)) & 15;
                    ((x >> 2) + 1, (x & 3) + 1)
                })
                .collect();
            let mut d = file.clone();
            for (k, &(h, v)) in f.iter().enumerate() {
                d[sof + 11 + 3 * k] = ((h << 4) | v) as u8;
            }
            let hmax = f.iter().map(|s| s.0).max().unwrap();
            let vmax = f.iter().map(|s| s.1).max().unwrap();
            let fractional = f.iter().any(|&(h, v)| hmax % h != 0 || vmax % v != 0);
            let blocks: u32 = f.iter().map(|&(h, v)| h * v).sum();
            // The fuzz file's first scan holds one component: no MCU bound.
            let interleaved = name != "fuzz_multiscan_37x29.jpg";
            let libjpeg_rejects = fractional || (interleaved && blocks > 10);
            let is_common = common.iter().any(|c| {
                c[..]
                    == d[sof + 11..][..9]
                        .iter()
                        .step_by(3)
                        .copied()
                        .collect::<Vec<_>>()[..]
            });
            for opts in &modes {
                match jpeg::decode_with(&d, opts) {
                    Ok(img) => {
                        assert!(!libjpeg_rejects, "{name} {f:?}: libjpeg rejects it");
                        assert_eq!((img.width(), img.height()), (w0, h0), "{name} {f:?}");
                        counts[0] += 1;
                    }
                    Err(JpegError::UnsupportedSampling { offset, .. }) => {
                        assert!(libjpeg_rejects, "{name} {f:?}");
                        assert!(offset == sof || file[offset..].starts_with(&[0xFF, 0xDA]));
                        counts[1] += 1;
                    }
                    Err(e) => {
                        assert!(!libjpeg_rejects, "{name} {f:?}: {e:?}");
                        assert!(
                            !is_common || name.starts_with("fuzz"),
                            "{name} {f:?}: {e:?}"
                        );
                        counts[2] += 1;
                    }
                }
            }
        }
    }
    // Most layouts are libjpeg's rejections; what is left mostly decodes
    // (zune-jpeg declines horizontal factors of 3 and some tall layouts).
    eprintln!("decoded, libjpeg's rules, other errors: {counts:?}");
    assert!(counts[0] > 2500 && counts[1] > 40_000, "{counts:?}");
}
