//! `png::Channels` and the OpenCV presets on small synthetic files: every
//! colour type and bit depth, with and without tRNS, 8 and 16 bits, checked
//! against values computed here from libpng's rules (the interop script
//! `.ci/interop/opencv_modes.py` checks the same against OpenCV itself), and
//! `RowDecoder` and `read_header_with` against `decode_with`.
#![cfg(feature = "std")]

use pixb64::png::{self, Channels, DecodeOptions, RowDecoder};
use pixb64::{ChannelOrder, Depth};

/// A PNG written by the `png` crate: `samples` are the unpacked samples
/// (one per channel, palette indices for colour type 3) row by row.
fn make(
    w: u32,
    h: u32,
    color: png::ColorType,
    bits: u8,
    samples: &[u16],
    palette: Option<&[u8]>,
    trns: Option<&[u8]>,
) -> Vec<u8> {
    use ::png as p;
    let ct = match color {
        png::ColorType::Gray => p::ColorType::Grayscale,
        png::ColorType::GrayAlpha => p::ColorType::GrayscaleAlpha,
        png::ColorType::Rgb => p::ColorType::Rgb,
        png::ColorType::Rgba => p::ColorType::Rgba,
        png::ColorType::Indexed => p::ColorType::Indexed,
    };
    let bd = match bits {
        1 => p::BitDepth::One,
        2 => p::BitDepth::Two,
        4 => p::BitDepth::Four,
        8 => p::BitDepth::Eight,
        _ => p::BitDepth::Sixteen,
    };
    let per_px = samples.len() / (w * h) as usize;
    let row_bytes = (w as usize * per_px * bits as usize).div_ceil(8);
    let mut data = vec![0u8; row_bytes * h as usize];
    for y in 0..h as usize {
        let row = &mut data[y * row_bytes..(y + 1) * row_bytes];
        for (i, &s) in samples[y * w as usize * per_px..(y + 1) * w as usize * per_px]
            .iter()
            .enumerate()
        {
            match bits {
                16 => row[2 * i..2 * i + 2].copy_from_slice(&s.to_be_bytes()),
                8 => row[i] = s as u8,
                b => {
                    let bit = i * b as usize;
                    row[bit / 8] |= (s as u8) << (8 - b as usize - bit % 8);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut e = p::Encoder::new(&mut out, w, h);
        e.set_color(ct);
        e.set_depth(bd);
        if let Some(pl) = palette {
            e.set_palette(pl.to_vec());
        }
        if let Some(t) = trns {
            e.set_trns(t.to_vec());
        }
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(&data).unwrap();
    }
    out
}

fn opts(ch: Channels) -> DecodeOptions {
    DecodeOptions::new().with_channels(ch)
}

/// Decodes with `o`, checks `read_header_with` and `RowDecoder` agree, and
/// returns (channels, depth, pixels).
fn dec(file: &[u8], o: &DecodeOptions) -> (u8, Depth, Vec<u8>) {
    let img = png::decode_with(file, o).unwrap();
    let h = png::read_header_with(file, o).unwrap();
    assert_eq!((h.channels, h.depth), (img.channels(), img.depth()));
    let mut rows = RowDecoder::new(file, o).unwrap();
    assert_eq!(rows.header(), &h);
    let mut scratch = vec![0u8; RowDecoder::scratch_len(&h)];
    let mut rows2 = RowDecoder::with_scratch(file, o, &mut scratch).unwrap();
    let mut all = Vec::new();
    while let Some(r) = rows.next_row().unwrap() {
        assert_eq!(rows2.next_row().unwrap(), Some(r));
        all.extend_from_slice(r);
    }
    assert_eq!(rows2.next_row().unwrap(), None);
    assert_eq!(all, img.data(), "RowDecoder rows differ");
    (img.channels(), img.depth(), img.data().to_vec())
}

/// libpng's rgb_to_gray at 8 bits without gamma.
fn gray8(r: u32, g: u32, b: u32) -> u8 {
    if r == g && g == b {
        r as u8
    } else {
        ((9797 * r + 19234 * g + 3737 * b) >> 15) as u8
    }
}

/// libpng's rgb_to_gray at 16 bits.
fn gray16(r: u32, g: u32, b: u32) -> u16 {
    if r == g && g == b {
        r as u16
    } else {
        ((9797 * r + 19234 * g + 3737 * b + 16384) >> 15) as u16
    }
}

#[test]
fn gray_weights_are_libpngs() {
    let px: [[u16; 3]; 6] = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [200, 100, 50],
        [7, 7, 7],
        [1, 2, 3],
    ];
    let samples: Vec<u16> = px.iter().flatten().copied().collect();
    let file = make(6, 1, png::ColorType::Rgb, 8, &samples, None, None);
    let (c, d, g) = dec(&file, &opts(Channels::Gray));
    assert_eq!((c, d), (1, Depth::Eight));
    // Truncated: 76.2, 149.7, 29.1, 124.2.
    assert_eq!(g, [76, 149, 29, 124, 7, 1]);
    // The same at 16 bits: rounded at 16 bits, then the high byte.
    let s16: Vec<u16> = samples.iter().map(|&v| v * 257).collect();
    let file = make(6, 1, png::ColorType::Rgb, 16, &s16, None, None);
    let (c, d, g) = dec(&file, &opts(Channels::Gray));
    assert_eq!((c, d), (1, Depth::Sixteen));
    let want: Vec<u8> = s16
        .chunks(3)
        .flat_map(|p| gray16(p[0].into(), p[1].into(), p[2].into()).to_be_bytes())
        .collect();
    assert_eq!(g, want);
    assert_eq!(&g[..2], &19594u16.to_be_bytes()); // (9797 * 65535 + 16384) >> 15
    let (_, d, g8) = dec(&file, &DecodeOptions::imread_grayscale());
    assert_eq!(d, Depth::Eight);
    assert_eq!(g8, want.chunks(2).map(|p| p[0]).collect::<Vec<_>>());
}

/// OpenCV 5.1 / libpng 1.6.59 values (cv2.imdecode IMREAD_GRAYSCALE) for
/// eight RGB pixels under gAMA and sRGB chunks.
#[test]
fn gray_through_gamma_matches_opencv() {
    let px: [u8; 24] = [
        200, 100, 50, 10, 20, 30, 255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 1, 2, 3, 254,
        253, 252,
    ];
    let cases: [(u32, bool, [u8; 8]); 5] = [
        (35000, false, [143, 0, 167, 212, 119, 128, 0, 253]),
        (45455, false, [137, 21, 147, 200, 95, 128, 0, 253]),
        // sRGB wins over gAMA 1.0.
        (100000, true, [137, 21, 147, 200, 95, 128, 0, 253]),
        (250000, false, [117, 17, 12, 68, 1, 128, 2, 253]),
        // Within 1 +- 0.05: no gamma tables, the truncating formula.
        (103000, false, [124, 18, 76, 149, 29, 128, 1, 253]),
    ];
    for (gama, srgb, want) in cases {
        let mut f = Vec::from(&b"\x89PNG\r\n\x1a\n"[..]);
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&8u32.to_be_bytes());
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut f, b"IHDR", &ihdr);
        chunk(&mut f, b"gAMA", &gama.to_be_bytes());
        if srgb {
            chunk(&mut f, b"sRGB", &[0]);
        }
        let mut raw = vec![0u8];
        raw.extend_from_slice(&px);
        chunk(&mut f, b"IDAT", &stored_zlib(&raw));
        chunk(&mut f, b"IEND", b"");
        let (_, _, g) = dec(&f, &DecodeOptions::imread_grayscale());
        assert_eq!(g, want, "gAMA {gama} sRGB {srgb}");
        // Colour output is not touched by gamma.
        let (_, _, c) = dec(&f, &DecodeOptions::imread_color());
        let bgr: Vec<u8> = px.chunks(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
        assert_eq!(c, bgr);
    }
}

/// The same at 16 bits: libpng's 16-bit gamma tables, whose index is the
/// sample shifted by 5 bits when stripping (more with a small sBIT), and
/// its 16-to-8 table for pixels of equal samples (4256 gives 17, not
/// 4256 >> 8 = 16). Values from OpenCV 5.1 / libpng 1.6.59.
#[test]
fn gray_16_through_gamma_matches_opencv() {
    let px: [[u16; 3]; 8] = [
        [51400, 25700, 12850],
        [2570, 5140, 7710],
        [65535, 0, 0],
        [4256, 4256, 4256],
        [4240, 4240, 4240],
        [300, 301, 302],
        [65000, 65000, 65000],
        [32768, 100, 40000],
    ];
    let cases: [(u32, Option<u8>, [u8; 8]); 3] = [
        (45455, None, [137, 18, 147, 17, 16, 0, 253, 91]),
        (45455, Some(9), [136, 15, 147, 16, 16, 0, 253, 91]),
        (250000, None, [118, 17, 12, 17, 16, 1, 253, 20]),
    ];
    for (gama, sbit, want) in cases {
        let mut f = Vec::from(&b"\x89PNG\r\n\x1a\n"[..]);
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&8u32.to_be_bytes());
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[16, 2, 0, 0, 0]);
        chunk(&mut f, b"IHDR", &ihdr);
        chunk(&mut f, b"gAMA", &gama.to_be_bytes());
        if let Some(b) = sbit {
            chunk(&mut f, b"sBIT", &[b; 3]);
        }
        let mut raw = vec![0u8];
        raw.extend(px.iter().flatten().flat_map(|v| v.to_be_bytes()));
        chunk(&mut f, b"IDAT", &stored_zlib(&raw));
        chunk(&mut f, b"IEND", b"");
        let (_, _, g) = dec(&f, &DecodeOptions::imread_grayscale());
        assert_eq!(g, want, "gAMA {gama} sBIT {sbit:?}");
    }
}

fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    let mut crc = !0u32;
    for &b in ty.iter().chain(data) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
}

/// A zlib stream of stored blocks (the data is small).
fn stored_zlib(raw: &[u8]) -> Vec<u8> {
    assert!(raw.len() < 65536);
    let mut v = vec![0x78, 0x01, 1];
    v.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    v.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    v.extend_from_slice(raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    v.extend_from_slice(&((b << 16) | a).to_be_bytes());
    v
}

/// The reference: from the stored (`AsStored`) pixels of one file to each
/// `Channels`, per libpng's rules, at the stored depth.
fn reference(stored: &[u8], sc: usize, sixteen: bool, to: usize, color: bool) -> Vec<u8> {
    let sb = if sixteen { 2 } else { 1 };
    let mut out = Vec::new();
    for p in stored.chunks(sc * sb) {
        let s = |i: usize| -> u32 {
            if sixteen {
                u32::from(u16::from_be_bytes([p[2 * i], p[2 * i + 1]]))
            } else {
                u32::from(p[i])
            }
        };
        let max = if sixteen { 65535 } else { 255 };
        let (rgb, a) = match sc {
            1 => ([s(0); 3], max),
            2 => ([s(0); 3], s(1)),
            3 => ([s(0), s(1), s(2)], max),
            _ => ([s(0), s(1), s(2)], s(3)),
        };
        let vals: Vec<u32> = match to {
            1 if !color => vec![rgb[0]],
            1 if sixteen => vec![gray16(rgb[0], rgb[1], rgb[2]).into()],
            1 => vec![gray8(rgb[0], rgb[1], rgb[2]).into()],
            3 => rgb.to_vec(),
            _ => vec![rgb[0], rgb[1], rgb[2], a],
        };
        for v in vals {
            if sixteen {
                out.extend_from_slice(&(v as u16).to_be_bytes());
            } else {
                out.push(v as u8);
            }
        }
    }
    out
}

#[test]
fn every_color_type_and_depth() {
    use png::ColorType as C;
    let pal: Vec<u8> = (0..16u8)
        .flat_map(|i| [i * 16, 255 - i * 16, i * 7])
        .collect();
    // 70 pixels wide: more than one 64-pixel piece of the two-stage path,
    // and not a whole number of bytes at 1, 2 and 4 bits.
    let (w, h) = (70u32, 3u32);
    let mut files = Vec::new();
    for (color, depths) in [
        (C::Gray, &[1u8, 2, 4, 8, 16][..]),
        (C::GrayAlpha, &[8, 16]),
        (C::Rgb, &[8, 16]),
        (C::Rgba, &[8, 16]),
        (C::Indexed, &[1, 2, 4, 8]),
    ] {
        for &bits in depths {
            let n = match color {
                C::Gray | C::Indexed => 1,
                C::GrayAlpha => 2,
                C::Rgb => 3,
                _ => 4,
            };
            let max: u32 = if color == C::Indexed {
                (1u32 << bits.min(4)) - 1
            } else {
                (1u32 << bits) - 1
            };
            // Varied samples, with some gray (equal RGB) pixels and the key.
            let samples: Vec<u16> = (0..w * h * n)
                .map(|i| {
                    let px = i / n;
                    if px % 5 == 0 && color == C::Rgb {
                        (px * 37 % (max + 1)) as u16
                    } else {
                        ((i.wrapping_mul(2_654_435_761u32).wrapping_mul(i + 1) >> 7) % (max + 1))
                            as u16
                    }
                })
                .collect();
            let key: Option<Vec<u8>> = match color {
                C::Gray => Some(samples[3].to_be_bytes().to_vec()),
                C::Rgb => Some(
                    samples[3..6]
                        .iter()
                        .flat_map(|&v| v.to_be_bytes())
                        .collect(),
                ),
                C::Indexed => Some(vec![0, 128, 255, 7]),
                _ => None,
            };
            let plte = (color == C::Indexed).then_some(&pal[..]);
            files.push((
                color,
                bits,
                false,
                make(w, h, color, bits, &samples, plte, None),
            ));
            if let Some(k) = key {
                files.push((
                    color,
                    bits,
                    true,
                    make(w, h, color, bits, &samples, plte, Some(&k)),
                ));
            }
        }
    }
    for (color, bits, trns, file) in &files {
        let what = format!("{color:?} {bits} bits, tRNS {trns}");
        let (sc, sd, stored) = dec(file, &DecodeOptions::new());
        let sixteen = sd == Depth::Sixteen;
        let is_color = matches!(color, C::Rgb | C::Rgba | C::Indexed);
        for (ch, to) in [(Channels::Gray, 1), (Channels::Rgb, 3), (Channels::Rgba, 4)] {
            let want = reference(&stored, sc.into(), sixteen, to, is_color);
            let (c, d, got) = dec(file, &opts(ch));
            assert_eq!((c, d), (to as u8, sd), "{what} {ch:?}");
            assert_eq!(got, want, "{what} {ch:?}");
            // Strip 16 after the conversion: the high bytes.
            let (_, d8, got8) = dec(file, &opts(ch).with_strip_16(true));
            assert_eq!(d8, Depth::Eight);
            let hi: Vec<u8> = if sixteen {
                want.chunks(2).map(|p| p[0]).collect()
            } else {
                want.clone()
            };
            assert_eq!(got8, hi, "{what} {ch:?} strip");
            // BGR composes: samples 0 and 2 swapped.
            let (_, _, bgr) = dec(file, &opts(ch).with_channel_order(ChannelOrder::Bgr));
            let mut swapped = want.clone();
            if to >= 3 {
                let sb = if sixteen { 2 } else { 1 };
                for px in swapped.chunks_mut(to * sb) {
                    for k in 0..sb {
                        px.swap(k, 2 * sb + k);
                    }
                }
            }
            assert_eq!(bgr, swapped, "{what} {ch:?} bgr");
        }
        // OpenCV's IMREAD_UNCHANGED: gray stays one channel (tRNS dropped),
        // gray + alpha becomes BGRA, the rest as stored.
        let (c, d, got) = dec(file, &DecodeOptions::imread_unchanged());
        let to = match color {
            C::Gray => 1,
            C::GrayAlpha => 4,
            _ => usize::from(sc),
        };
        assert_eq!((usize::from(c), d), (to, sd), "{what} unchanged");
        let mut want = if to == usize::from(sc) {
            stored.clone()
        } else {
            reference(&stored, sc.into(), sixteen, to, is_color)
        };
        if to >= 3 {
            let sb = if sixteen { 2 } else { 1 };
            for px in want.chunks_mut(to * sb) {
                for k in 0..sb {
                    px.swap(k, 2 * sb + k);
                }
            }
        }
        assert_eq!(got, want, "{what} unchanged");
        // IMREAD_COLOR and IMREAD_GRAYSCALE are 8-bit.
        let (c, d, _) = dec(file, &DecodeOptions::imread_color());
        assert_eq!((c, d), (3, Depth::Eight), "{what} color");
        let (c, d, _) = dec(file, &DecodeOptions::imread_grayscale());
        assert_eq!((c, d), (1, Depth::Eight), "{what} grayscale");
    }
    // tRNS: gray and RGB keys become alpha 0 where they match (Rgba), and
    // the stored values are all the gray conversion sees.
    let file = &files
        .iter()
        .find(|f| f.0 == C::Rgb && f.1 == 8 && f.2)
        .unwrap()
        .3;
    let (_, _, rgba) = dec(file, &opts(Channels::Rgba));
    assert_eq!(rgba[7], 0, "the keyed pixel is transparent");
    assert!(rgba.chunks(4).filter(|p| p[3] == 0).count() >= 1);
    assert!(rgba.chunks(4).all(|p| p[3] == 0 || p[3] == 255));
}

#[test]
fn presets() {
    let u = DecodeOptions::imread_unchanged();
    assert_eq!(
        (u.channels(), u.channel_order(), u.strip_16()),
        (Channels::OpencvUnchanged, ChannelOrder::Bgr, false)
    );
    let c = DecodeOptions::imread_color();
    assert_eq!(
        (c.channels(), c.channel_order(), c.strip_16()),
        (Channels::Rgb, ChannelOrder::Bgr, true)
    );
    let g = DecodeOptions::imread_grayscale();
    assert_eq!((g.channels(), g.strip_16()), (Channels::Gray, true));
    assert_eq!(DecodeOptions::new().channels(), Channels::AsStored);
}

/// A PNG's eXIf orientation turns the image in the imread_color and
/// imread_grayscale presets (as OpenCV does; checked against it by
/// .ci/interop/opencv_exif_png.py), wherever the chunk is, and not by default.
#[test]
fn exif_chunk_turns_the_image_with_the_presets() {
    fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(ty);
        out.extend_from_slice(data);
        let mut c = !0u32;
        for &b in &out[start..] {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
            }
        }
        out.extend_from_slice(&(!c).to_be_bytes());
    }
    // 3x2 gray: a b c / d e f.
    let px = [10u8, 20, 30, 40, 50, 60];
    let plain = png::encode(
        &pixb64::Image::new(3, 2, 1, &px).unwrap(),
        &png::EncodeOptions::new(),
    );
    // Little-endian TIFF, IFD0 with the orientation tag only.
    let exif = |o: u16| {
        let mut t = b"II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00".to_vec();
        t.extend_from_slice(&o.to_le_bytes());
        t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        t
    };
    // The eXIf chunk right after IHDR, or right before IEND.
    let file = |o: u16, after: bool| {
        let at = if after { plain.len() - 12 } else { 8 + 25 };
        let mut f = plain[..at].to_vec();
        chunk(&mut f, b"eXIf", &exif(o));
        f.extend_from_slice(&plain[at..]);
        f
    };
    // Orientation 6 (rotate 90 clockwise): d a / e b / f c, 2 wide.
    // Orientation 3 (rotate 180): f e d / c b a.
    for after in [false, true] {
        let img = png::decode_with(&file(6, after), &DecodeOptions::imread_grayscale()).unwrap();
        assert_eq!((img.width(), img.height()), (2, 3));
        assert_eq!(img.data(), &[40, 10, 50, 20, 60, 30]);
        let img = png::decode_with(&file(3, after), &DecodeOptions::imread_grayscale()).unwrap();
        assert_eq!(img.data(), &[60, 50, 40, 30, 20, 10]);
        let img = png::decode_with(&file(6, after), &DecodeOptions::imread_color()).unwrap();
        assert_eq!((img.width(), img.height(), img.channels()), (2, 3, 3));
        // Not turned by default or in IMREAD_UNCHANGED.
        for opts in [DecodeOptions::new(), DecodeOptions::imread_unchanged()] {
            let img = png::decode_with(&file(6, after), &opts).unwrap();
            assert_eq!((img.width(), img.height()), (3, 2));
            assert_eq!(img.data(), &px);
        }
    }
    // The second buffer counts in the limit: 6 bytes each.
    let tight =
        DecodeOptions::imread_grayscale().with_limits(png::Limits::new().with_max_bytes(10));
    assert!(matches!(
        png::decode_with(&file(6, false), &tight),
        Err(png::DecodeError::LimitExceeded { .. })
    ));
}
