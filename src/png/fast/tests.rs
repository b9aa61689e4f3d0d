//! Tests of the level-1 engine and its whole-image driver.

use super::image::*;
use super::*;
use crate::image::{ChannelOrder, Depth, Image};
use crate::png::EncodeOptions;
use alloc::vec;
use alloc::vec::Vec;

const POLICIES: [Filter; 6] = [
    Filter::Adaptive,
    Filter::None,
    Filter::Sub,
    Filter::Up,
    Filter::Average,
    Filter::Paeth,
];

/// xorshift32: deterministic test data.
struct Rng(u32);
impl Rng {
    fn next(&mut self) -> u32 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        self.0 = s;
        s
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// PNG's unfilter, written from the spec with no cleverness.
fn unfilter(kind: u8, bpp: usize, prev: &[u8], line: &[u8]) -> Vec<u8> {
    let mut row = vec![0u8; line.len()];
    for i in 0..line.len() {
        let a = if i >= bpp { row[i - bpp] } else { 0 };
        let b = prev[i];
        let c = if i >= bpp { prev[i - bpp] } else { 0 };
        let pred = match kind {
            0 => 0,
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            4 => {
                let p = i16::from(a) + i16::from(b) - i16::from(c);
                let pa = (p - i16::from(a)).abs();
                let pb = (p - i16::from(b)).abs();
                let pc = (p - i16::from(c)).abs();
                if pa <= pb && pa <= pc {
                    a
                } else if pb <= pc {
                    b
                } else {
                    c
                }
            }
            _ => panic!("bad filter type {kind}"),
        };
        row[i] = line[i].wrapping_add(pred);
    }
    row
}

/// The image's bytes in PNG channel order.
fn png_order(img: &Image<'_>, order: ChannelOrder) -> Vec<u8> {
    let mut v = img.data().to_vec();
    if order == ChannelOrder::Bgr && img.channels() >= 3 {
        let s = img.depth().bytes();
        for px in v.chunks_exact_mut(img.bytes_per_pixel()) {
            for k in 0..s {
                px.swap(k, 2 * s + k);
            }
        }
    }
    v
}

/// Compresses, inflates (checking the Adler-32), unfilters and compares.
/// Returns the zlib stream.
fn roundtrip(img: &Image<'_>, order: ChannelOrder, policy: Filter) -> Vec<u8> {
    let mut z = Vec::new();
    compress(img, order, policy, &mut z);
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap_or_else(|e| {
        panic!(
            "inflate failed: {e:?} ({}x{}x{} {:?} {order:?} {policy:?})",
            img.width(),
            img.height(),
            img.channels(),
            img.depth()
        )
    });
    let n = img.row_bytes();
    let h = img.height() as usize;
    assert_eq!(raw.len(), h * (n + 1), "stream length");
    let want = png_order(img, order);
    let mut prev = vec![0u8; n];
    for y in 0..h {
        let line = &raw[y * (n + 1)..(y + 1) * (n + 1)];
        let kind = line[0];
        match policy {
            Filter::Adaptive => assert!(kind <= 4),
            Filter::None => assert_eq!(kind, 0),
            Filter::Sub => assert_eq!(kind, 1),
            Filter::Up => assert_eq!(kind, 2),
            Filter::Average => assert_eq!(kind, 3),
            Filter::Paeth => assert_eq!(kind, 4),
        }
        let row = unfilter(kind, img.bpp_for_test(), &prev, &line[1..]);
        assert_eq!(
            row,
            &want[y * n..(y + 1) * n],
            "row {y} ({}x{}x{} {:?} {order:?} {policy:?} filter {kind})",
            img.width(),
            img.height(),
            img.channels(),
            img.depth()
        );
        prev = row;
    }
    z
}

trait BppForTest {
    fn bpp_for_test(&self) -> usize;
}
impl BppForTest for Image<'_> {
    fn bpp_for_test(&self) -> usize {
        self.bytes_per_pixel()
    }
}

fn all_ways(img: &Image<'_>) {
    for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
        for policy in POLICIES {
            roundtrip(img, order, policy);
        }
    }
}

/// Smooth content with noise, flat patches and the odd spike, so every
/// filter wins somewhere and zero runs of all lengths appear.
fn synthetic(rng: &mut Rng, len: usize, style: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    let mut level = rng.next() as u8;
    while v.len() < len {
        match style {
            0 => v.push(rng.next() as u8),
            1 => {
                level = level.wrapping_add((rng.below(5) as u8).wrapping_sub(2));
                v.push(level);
            }
            _ => {
                let run = rng.below(40) as usize + 1;
                let b = if rng.below(3) == 0 {
                    0
                } else {
                    rng.next() as u8
                };
                for _ in 0..run.min(len - v.len()) {
                    v.push(b);
                }
            }
        }
    }
    v
}

#[test]
fn random_images_every_shape_policy_and_order() {
    let mut rng = Rng(0x9E37_79B9);
    let cases = if cfg!(debug_assertions) { 40 } else { 200 };
    for case in 0..cases {
        let channels = (case % 4 + 1) as u8;
        let depth = if case % 3 == 2 {
            Depth::Sixteen
        } else {
            Depth::Eight
        };
        let width = match case % 5 {
            0 => 1,
            1 => rng.below(8) + 1,
            _ => rng.below(300) + 1,
        };
        let height = if case % 7 == 0 { 1 } else { rng.below(64) + 1 };
        let len = width as usize * height as usize * usize::from(channels) * depth.bytes();
        let data = synthetic(&mut rng, len, case % 3);
        let img = Image::new_with_depth(width, height, channels, depth, &data).unwrap();
        all_ways(&img);
    }
}

#[test]
fn constant_images_use_long_runs() {
    for (value, channels, width, height) in [
        (0u8, 1u8, 1000u32, 20u32),
        (0, 3, 700, 9),
        (7, 4, 300, 30),
        (255, 2, 1, 500),
        (0, 1, 1, 1),
        (9, 3, 1, 1),
    ] {
        let data = vec![value; (width * height) as usize * usize::from(channels)];
        let img = Image::new(width, height, channels, &data).unwrap();
        all_ways(&img);
        let z = roundtrip(&img, ChannelOrder::Rgb, Filter::Adaptive);
        if data.len() > 5000 {
            // Zero runs became copies: far below a byte per pixel.
            assert!(z.len() * 20 < data.len(), "{} -> {}", data.len(), z.len());
        }
    }
    let zeros16 = vec![0u8; 600 * 10 * 8];
    all_ways(&Image::new_16(600, 10, 4, &zeros16).unwrap());
}

#[test]
fn strips_concatenate_into_one_stream() {
    use crate::png::adler::adler32_combine;
    let mut rng = Rng(4242);
    for (w, h, c, depth) in [
        (37u32, 50u32, 3u8, Depth::Eight),
        (5, 9, 4, Depth::Sixteen),
        (200, 3, 1, Depth::Eight),
    ] {
        let len = (w * h) as usize * usize::from(c) * depth.bytes();
        let data = synthetic(&mut rng, len, 2);
        let img = Image::new_with_depth(w, h, c, depth, &data).unwrap();
        let row_len = img.row_bytes() as u64 + 1;
        for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
            let mut whole = Vec::new();
            compress(&img, order, Filter::Adaptive, &mut whole);
            let want = miniz_oxide::inflate::decompress_to_vec_zlib(&whole).unwrap();
            let h = h as usize;
            // Strip boundaries, including an empty strip.
            let cuts = [0, h / 3, h / 3, h / 2, h];
            let opts = EncodeOptions::new().with_channel_order(order);
            let coder = Coder::new(&img, &opts);
            let mut z = vec![0x78, 0x01];
            let mut adler = 1u32;
            for k in 0..cuts.len() - 1 {
                let last = k == cuts.len() - 2;
                use crate::png::strips::Strips;
                let a = coder.strip(cuts[k]..cuts[k + 1], last, &mut z);
                let n = (cuts[k + 1] - cuts[k]) as u64 * row_len;
                adler = adler32_combine(adler, a, n);
            }
            z.extend_from_slice(&adler.to_be_bytes());
            let got = miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap();
            assert_eq!(got, want, "{w}x{h}x{c} {order:?}");
        }
    }
}

#[test]
fn rows_wider_than_a_segment() {
    let w = (64 * crate::png::filter::PIECE + 1000) as u32;
    let mut data = vec![0u8; w as usize * 3];
    let mut rng = Rng(99);
    for b in data[w as usize * 2..].iter_mut() {
        *b = rng.next() as u8;
    }
    let img = Image::new(w, 3, 1, &data).unwrap();
    for policy in [Filter::Adaptive, Filter::None, Filter::Up] {
        roundtrip(&img, ChannelOrder::Rgb, policy);
    }
}

#[test]
fn every_byte_value_and_tiny_images() {
    // Noise: every residual value appears, most absent from the sample
    // rows of some images.
    let mut rng = Rng(12345);
    let noise: Vec<u8> = (0..256 * 64 * 3).map(|_| rng.next() as u8).collect();
    all_ways(&Image::new(256, 64, 3, &noise).unwrap());
    // A mostly flat image whose sample rows miss the rare values.
    let mut sparse = vec![10u8; 512 * 200];
    for (i, b) in sparse.iter_mut().enumerate().step_by(397) {
        *b = (i / 397) as u8;
    }
    all_ways(&Image::new(512, 200, 1, &sparse).unwrap());
    // Ramp through all 256 values in one row.
    let ramp: Vec<u8> = (0..=255u8).collect();
    all_ways(&Image::new(256, 1, 1, &ramp).unwrap());
    all_ways(&Image::new(1, 256, 1, &ramp).unwrap());
    for channels in 1..=4u8 {
        for depth in [Depth::Eight, Depth::Sixteen] {
            let n = usize::from(channels) * depth.bytes();
            let px: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37) + 1).collect();
            all_ways(&Image::new_with_depth(1, 1, channels, depth, &px).unwrap());
        }
    }
}

#[cfg(feature = "std")]
/// Frames a zlib stream as a PNG (signature, IHDR, one IDAT, IEND).
fn frame_png(img: &Image<'_>, z: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        let crc = crate::png::crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = crate::png::SIGNATURE.to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&img.width().to_be_bytes());
    ihdr.extend_from_slice(&img.height().to_be_bytes());
    let color = [0u8, 4, 2, 6][usize::from(img.channels()) - 1];
    ihdr.extend_from_slice(&[img.depth().bits(), color, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", z);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[cfg(feature = "std")]
fn decode_png(bytes: &[u8]) -> (u32, u32, u8, Depth, Vec<u8>) {
    let mut d = png::Decoder::new(std::io::Cursor::new(bytes));
    d.set_transformations(png::Transformations::EXPAND);
    let mut r = d.read_info().unwrap();
    let mut buf = vec![0u8; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples() as u8;
    let depth = match info.bit_depth {
        png::BitDepth::Sixteen => Depth::Sixteen,
        _ => Depth::Eight,
    };
    (info.width, info.height, channels, depth, buf)
}

#[cfg(feature = "std")]
#[test]
fn png_crate_decodes_framed_streams() {
    let mut rng = Rng(777);
    for (w, h, c, depth) in [
        (300u32, 40u32, 3u8, Depth::Eight),
        (17, 5, 4, Depth::Sixteen),
        (1, 1, 1, Depth::Eight),
        (64, 64, 2, Depth::Eight),
    ] {
        let len = (w * h) as usize * usize::from(c) * depth.bytes();
        let data = synthetic(&mut rng, len, 1);
        let img = Image::new_with_depth(w, h, c, depth, &data).unwrap();
        for policy in POLICIES {
            let z = roundtrip(&img, ChannelOrder::Rgb, policy);
            let (dw, dh, dc, dd, px) = decode_png(&frame_png(&img, &z));
            assert_eq!((dw, dh, dc, dd), (w, h, c, depth));
            assert_eq!(px, data);
        }
    }
}

/// Some Kodak photos and the mixed set (cropped in debug builds).
#[cfg(feature = "std")]
#[test]
fn corpus_images_roundtrip() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<_> = ["photos/kodim03.png", "photos/kodim23.png"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    let mut mixed: Vec<_> = std::fs::read_dir(root.join("mixed"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    mixed.sort();
    files.extend(mixed);
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let (w, h, c, depth, px) = decode_png(&bytes);
        let full = Image::new_with_depth(w, h, c, depth, &px).unwrap();
        // Debug builds: a 160 x 48 crop from the middle.
        let (cw, ch) = if cfg!(debug_assertions) {
            (w.min(160), h.min(48))
        } else {
            (w, h)
        };
        let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
        let bpp = full.bytes_per_pixel();
        let mut crop = Vec::new();
        for y in y0..y0 + ch {
            let row = full.row(y as usize);
            crop.extend_from_slice(&row[x0 as usize * bpp..(x0 + cw) as usize * bpp]);
        }
        let img = Image::new_with_depth(cw, ch, c, depth, &crop).unwrap();
        let z = roundtrip(&img, ChannelOrder::Rgb, Filter::Adaptive);
        roundtrip(&img, ChannelOrder::Bgr, Filter::Paeth);
        let (_, _, _, _, back) = decode_png(&frame_png(&img, &z));
        assert_eq!(back, crop, "{}", path.display());
    }
}
