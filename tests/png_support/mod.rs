//! Helpers of the PNG writer tests: corpus loading and an independent check
//! of encoder output (chunk framing and CRCs by hand, the zlib stream and its
//! Adler-32 by `miniz_oxide`'s inflater, pixels by the `png` crate).
#![allow(dead_code)]

use pixb64::png::Filter;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Every filter policy.
pub const FILTERS: [Filter; 6] = [
    Filter::Adaptive,
    Filter::None,
    Filter::Sub,
    Filter::Up,
    Filter::Average,
    Filter::Paeth,
];

/// A decoded picture: what `pixb64::Image` needs.
#[derive(Clone, Debug)]
pub struct Pic {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub sixteen: bool,
    pub data: Vec<u8>,
}

impl Pic {
    pub fn image(&self) -> pixb64::Image<'_> {
        if self.sixteen {
            pixb64::Image::new_16(self.width, self.height, self.channels, &self.data).unwrap()
        } else {
            pixb64::Image::new(self.width, self.height, self.channels, &self.data).unwrap()
        }
    }

    /// The first `rows` rows (or all).
    pub fn crop(&self, rows: u32) -> Pic {
        let h = rows.min(self.height);
        let row = self.data.len() / self.height as usize;
        Pic {
            name: self.name.clone(),
            height: h,
            data: self.data[..row * h as usize].to_vec(),
            ..*self
        }
    }
}

fn channels_of(c: png::ColorType) -> u8 {
    match c {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => panic!("EXPAND leaves no palette"),
    }
}

/// Decodes a PNG file with `Transformations::EXPAND` (palette and low bit
/// depths to 8-bit, tRNS to alpha; 16-bit stays 16-bit big-endian), reading
/// only the first `max_rows` rows of a non-interlaced image.
pub fn load(path: &Path, max_rows: Option<u32>) -> Pic {
    let bytes = std::fs::read(path).unwrap();
    let mut dec = png::Decoder::new(Cursor::new(&bytes[..]));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().unwrap();
    let (ct, depth) = reader.output_color_type();
    let channels = channels_of(ct);
    let sixteen = depth == png::BitDepth::Sixteen;
    let width = reader.info().width;
    let full = reader.info().height;
    let interlaced = reader.info().interlaced;
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    match max_rows {
        Some(k) if !interlaced && k < full => {
            let mut data = Vec::new();
            for _ in 0..k {
                data.extend_from_slice(reader.next_row().unwrap().unwrap().data());
            }
            Pic {
                name,
                width,
                height: k,
                channels,
                sixteen,
                data,
            }
        }
        _ => {
            let mut data = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut data).unwrap();
            data.truncate(info.buffer_size());
            Pic {
                name,
                width,
                height: full,
                channels,
                sixteen,
                data,
            }
        }
    }
}

pub fn data_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

/// The `.png` files of a corpus directory, sorted; PngSuite's deliberately
/// broken `x*` files are left out.
pub fn corpus(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data_dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .filter(|p| {
            !(sub == "pngsuite" && p.file_name().unwrap().to_string_lossy().starts_with('x'))
        })
        .collect();
    v.sort();
    v
}

/// The input with samples 0 and 2 of each 3/4-channel pixel swapped: what a
/// BGR-order encode of `data` must decode to.
pub fn swapped(data: &[u8], channels: u8, sixteen: bool) -> Vec<u8> {
    let mut v = data.to_vec();
    if channels >= 3 {
        let s = if sixteen { 2 } else { 1 };
        for px in v.chunks_exact_mut(usize::from(channels) * s) {
            for k in 0..s {
                px.swap(k, 2 * s + k);
            }
        }
    }
    v
}

/// Checks `file` against the image it must hold: signature, IHDR fields,
/// chunk order and CRCs, IDAT sizes (64 KiB but the last), the zlib stream
/// (inflated with its Adler-32 checked) and the pixels as the `png` crate
/// decodes them.
pub fn check(file: &[u8], width: u32, height: u32, channels: u8, sixteen: bool, expected: &[u8]) {
    check_chunked(file, width, height, channels, sixteen, expected, 64 * 1024);
}

/// [`check`] of a file whose IDAT chunks carry `idat` bytes (the last fewer).
pub fn check_chunked(
    file: &[u8],
    width: u32,
    height: u32,
    channels: u8,
    sixteen: bool,
    expected: &[u8],
    idat: usize,
) {
    assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n");
    let mut b = &file[8..];
    let mut types = Vec::new();
    let mut zlib = Vec::new();
    let mut idat_sizes = Vec::new();
    while !b.is_empty() {
        let n = u32::from_be_bytes(b[..4].try_into().unwrap()) as usize;
        let ty: [u8; 4] = b[4..8].try_into().unwrap();
        let crc = u32::from_be_bytes(b[8 + n..12 + n].try_into().unwrap());
        assert_eq!(
            crc,
            crc32(&b[4..8 + n]),
            "CRC of {:?}",
            std::str::from_utf8(&ty)
        );
        let data = &b[8..8 + n];
        if &ty == b"IHDR" {
            assert_eq!(n, 13);
            assert_eq!(u32::from_be_bytes(data[..4].try_into().unwrap()), width);
            assert_eq!(u32::from_be_bytes(data[4..8].try_into().unwrap()), height);
            assert_eq!(data[8], if sixteen { 16 } else { 8 });
            assert_eq!(data[9], [0, 4, 2, 6][usize::from(channels) - 1]);
            assert_eq!(&data[10..], &[0, 0, 0]);
        }
        if &ty == b"IDAT" {
            zlib.extend_from_slice(data);
            idat_sizes.push(n);
        }
        types.push(ty);
        b = &b[12 + n..];
    }
    assert_eq!(types.first(), Some(b"IHDR"));
    assert_eq!(types.last(), Some(b"IEND"));
    assert!(types[1..types.len() - 1].iter().all(|t| t == b"IDAT"));
    let (last, rest) = idat_sizes.split_last().unwrap();
    assert!(rest.iter().all(|&n| n == idat) && *last <= idat && *last > 0);
    // Checks the zlib header and Adler-32 (the `png` crate skips Adler-32).
    assert_eq!(((u16::from(zlib[0]) << 8) | u16::from(zlib[1])) % 31, 0);
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&zlib).expect("valid zlib stream");
    let row = width as usize * usize::from(channels) * if sixteen { 2 } else { 1 };
    assert_eq!(raw.len(), height as usize * (row + 1));
    assert!(raw.chunks_exact(row + 1).all(|r| r[0] <= 4), "filter types");

    let mut dec = png::Decoder::new(Cursor::new(file));
    dec.set_transformations(png::Transformations::IDENTITY);
    let mut reader = dec.read_info().unwrap();
    let mut out = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut out).unwrap();
    assert_eq!((info.width, info.height), (width, height));
    assert_eq!(channels_of(info.color_type), channels);
    out.truncate(info.buffer_size());
    assert!(out == expected, "pixels differ");
}

/// CRC-32 written plainly (bitwise), independent of the crate's tables.
pub fn crc32(data: &[u8]) -> u32 {
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
