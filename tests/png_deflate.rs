//! The zlib streams of the PNG writer (our deflate engine at levels 2-9,
//! the fast tier at level 1, `miniz_oxide` behind `Deflater::MinizOxide`,
//! stored blocks at level 0), checked without trusting any one decoder:
//!
//! * the file is split into chunks by hand: signature, every CRC, the order
//!   IHDR, IDAT..., IEND, the IHDR fields, 64 KiB IDATs but the last;
//! * the IDAT payloads, concatenated, are inflated by `miniz_oxide` (which
//!   must consume exactly the whole stream) and by `fdeflate`; both must give
//!   the same scanlines, of length `height * (row_bytes + 1)`, whose Adler-32
//!   (computed here) matches the stream's;
//! * the scanlines are unfiltered here, plainly from the PNG specification,
//!   and must equal the input pixels (red and blue swapped for BGR input);
//! * the `png` crate and `pixb64::png::decode` must decode the same pixels.
//!
//! Content is chosen to be hard for a match finder: long runs, rows wider
//! than the 32 KiB window, data periodic with periods near 258 (the longest
//! copy) and near 32768 (the farthest copy), rows that repeat every k rows,
//! 1xN and Nx1 shapes, 16-bit samples, incompressible noise, gradients with
//! noise, and images big enough to cross the engine's 256 KiB segments and
//! window slides many times and to be cut into strips by `with_threads`.
//! Random cases come from proptest with the fixed seed `support::SEED`.
//!
//! The always-on tests are sized for the debug profile (~20 s); the heavy
//! versions (multi-MB images at every level and option, more random cases)
//! are ignored by default:
//! `cargo test -p pixb64 --release --test png_deflate -- --ignored`.
#![cfg(feature = "std")]

mod png_support;
mod support;

use pixb64::png::{Deflater, EncodeOptions, Filter};
use pixb64::{ChannelOrder, Depth};
use png_support::{swapped, Pic, FILTERS};
use proptest::prelude::*;
use std::io::Cursor;
use std::sync::OnceLock;
use std::time::Instant;
use support::SplitMix;

const ORDERS: [ChannelOrder; 2] = [ChannelOrder::Rgb, ChannelOrder::Bgr];
const DEFLATERS: [Deflater; 2] = [Deflater::Pixb64, Deflater::MinizOxide];

/// Whether this is an optimized build: the sizes of the images scale up.
const RELEASE: bool = !cfg!(debug_assertions);

// ---------------------------------------------------------------------------
// The independent check of one file.

/// CRC-32 (PNG, zlib polynomial) with a table built here from the bitwise
/// definition.
fn crc32(data: &[u8]) -> u32 {
    static TABLE: OnceLock<[u32; 256]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (n, e) in t.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    });
    let mut c = !0u32;
    for &b in data {
        c = table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// Adler-32 (RFC 1950), reducing every 5552 bytes as the RFC allows.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes(b[..4].try_into().unwrap())
}

/// The zlib stream of a PNG file: the IDAT payloads concatenated, after
/// checking the signature, every chunk's CRC, the chunk order (IHDR, one or
/// more IDAT, an empty IEND, nothing after it), the IDAT sizes (64 KiB but
/// the last) and the IHDR fields.
fn zlib_of(file: &[u8], pic: &Pic) -> Vec<u8> {
    assert!(file.len() >= 8, "no signature");
    assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n", "signature");
    let mut at = 8;
    let mut chunks: Vec<([u8; 4], &[u8])> = Vec::new();
    while at < file.len() {
        assert!(file.len() - at >= 12, "chunk at {at} cut short");
        let n = be32(&file[at..]) as usize;
        assert!(n < 1 << 31, "chunk length {n} at {at}");
        assert!(file.len() - at - 12 >= n, "chunk at {at} overruns the file");
        let ty: [u8; 4] = file[at + 4..at + 8].try_into().unwrap();
        let crc = be32(&file[at + 8 + n..]);
        assert_eq!(
            crc,
            crc32(&file[at + 4..at + 8 + n]),
            "CRC of the {} chunk at {at}",
            String::from_utf8_lossy(&ty)
        );
        chunks.push((ty, &file[at + 8..at + 8 + n]));
        at += 12 + n;
    }
    assert!(chunks.len() >= 3, "IHDR, IDAT, IEND at least");
    let (first, rest) = chunks.split_first().unwrap();
    let (last, idats) = rest.split_last().unwrap();
    assert_eq!(&first.0, b"IHDR");
    assert_eq!(&last.0, b"IEND");
    assert!(last.1.is_empty(), "IEND is empty");
    assert!(idats.iter().all(|c| &c.0 == b"IDAT"), "only IDAT between");

    let ihdr = first.1;
    assert_eq!(ihdr.len(), 13);
    assert_eq!(be32(&ihdr[..4]), pic.width);
    assert_eq!(be32(&ihdr[4..8]), pic.height);
    assert_eq!(ihdr[8], if pic.sixteen { 16 } else { 8 }, "bit depth");
    assert_eq!(
        ihdr[9],
        [0, 4, 2, 6][usize::from(pic.channels) - 1],
        "colour"
    );
    assert_eq!(&ihdr[10..], &[0, 0, 0], "compression, filter, interlace");

    let (last_idat, full) = idats.split_last().unwrap();
    assert!(full.iter().all(|c| c.1.len() == 64 * 1024), "IDAT sizes");
    assert!(!last_idat.1.is_empty() && last_idat.1.len() <= 64 * 1024);
    idats.iter().flat_map(|c| c.1.iter().copied()).collect()
}

/// The scanlines of a zlib stream, inflated by `miniz_oxide` and by
/// `fdeflate`, which must agree; `miniz_oxide` must end exactly at the end
/// of the stream, with the Adler-32 checked, and `expected_len` bytes out.
fn inflate_both(zlib: &[u8], expected_len: usize) -> Vec<u8> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags as f, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;

    assert!(zlib.len() >= 6, "zlib stream of {} bytes", zlib.len());
    let (cmf, flg) = (zlib[0], zlib[1]);
    assert_eq!(cmf, 0x78, "CMF: deflate, 32 KiB window");
    assert_eq!((u16::from(cmf) << 8 | u16::from(flg)) % 31, 0, "FCHECK");
    assert_eq!(flg & 0x20, 0, "no preset dictionary");

    // One spare byte: a stream that inflates to more than expected fills it.
    let mut a = vec![0u8; expected_len + 1];
    let mut state = Box::<DecompressorOxide>::default();
    let flags = f::TINFL_FLAG_PARSE_ZLIB_HEADER
        | f::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | f::TINFL_FLAG_COMPUTE_ADLER32;
    let (status, read, written) = decompress(&mut state, zlib, &mut a, 0, flags);
    assert_eq!(status, TINFLStatus::Done, "miniz_oxide inflate");
    assert_eq!(read, zlib.len(), "the stream ends with the last IDAT");
    assert_eq!(written, expected_len, "scanline bytes (miniz_oxide)");
    a.truncate(written);

    let b = fdeflate::decompress_to_vec(zlib).expect("fdeflate inflates the stream");
    assert_eq!(b.len(), expected_len, "scanline bytes (fdeflate)");
    assert!(a == b, "miniz_oxide and fdeflate disagree");
    assert_eq!(
        be32(&zlib[zlib.len() - 4..]),
        adler32(&a),
        "Adler-32 of the scanlines"
    );
    a
}

/// The Paeth predictor as the PNG specification writes it.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Reverses the PNG filters of `scanlines` (each a filter type byte and
/// `row` bytes): the pixels, and how many rows used each filter type.
fn unfilter(scanlines: &[u8], row: usize, bpp: usize) -> (Vec<u8>, [usize; 5]) {
    let h = scanlines.len() / (row + 1);
    let mut out = vec![0u8; row * h];
    let mut used = [0usize; 5];
    for y in 0..h {
        let line = &scanlines[y * (row + 1)..(y + 1) * (row + 1)];
        let ty = line[0];
        assert!(ty <= 4, "row {y}: filter type {ty}");
        used[usize::from(ty)] += 1;
        let (above, cur) = out.split_at_mut(y * row);
        let up: &[u8] = if y == 0 { &[] } else { &above[(y - 1) * row..] };
        let cur = &mut cur[..row];
        for x in 0..row {
            let a = if x >= bpp { cur[x - bpp] } else { 0 };
            let b = up.get(x).copied().unwrap_or(0);
            let c = if x >= bpp {
                up.get(x - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let predicted = match ty {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                _ => paeth(a, b, c),
            };
            cur[x] = line[1 + x].wrapping_add(predicted);
        }
    }
    (out, used)
}

/// What [`verify`] saw.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // read through Debug in the size reports
struct Seen {
    file: usize,
    zlib: usize,
    /// Rows per filter type 0..=4.
    filters: [usize; 5],
}

/// Checks `file` (the encoding of `pic` in `order`) as the module docs say.
fn verify(file: &[u8], pic: &Pic, order: ChannelOrder) -> Seen {
    let expected = match order {
        ChannelOrder::Bgr => swapped(&pic.data, pic.channels, pic.sixteen),
        ChannelOrder::Rgb => pic.data.clone(),
    };
    let zlib = zlib_of(file, pic);
    let bpp = usize::from(pic.channels) * if pic.sixteen { 2 } else { 1 };
    let row = pic.width as usize * bpp;
    let scanlines = inflate_both(&zlib, pic.height as usize * (row + 1));
    let (pixels, filters) = unfilter(&scanlines, row, bpp);
    if pixels != expected {
        let at = pixels.iter().zip(&expected).position(|(a, b)| a != b);
        panic!(
            "{}: unfiltered pixels differ from the input at byte {at:?}",
            pic.name
        );
    }

    let mut dec = png::Decoder::new(Cursor::new(file));
    dec.set_transformations(png::Transformations::IDENTITY);
    let mut reader = dec.read_info().expect("png crate reads the header");
    let mut out = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut out).expect("png crate decodes");
    assert_eq!((info.width, info.height), (pic.width, pic.height));
    out.truncate(info.buffer_size());
    assert!(out == expected, "{}: png crate pixels differ", pic.name);

    let ours = pixb64::png::decode(file).expect("pixb64 decodes");
    assert_eq!((ours.width(), ours.height()), (pic.width, pic.height));
    assert_eq!(ours.channels(), pic.channels);
    let depth = if pic.sixteen {
        Depth::Sixteen
    } else {
        Depth::Eight
    };
    assert_eq!(ours.depth(), depth);
    assert!(
        ours.data() == expected,
        "{}: pixb64 pixels differ",
        pic.name
    );
    Seen {
        file: file.len(),
        zlib: zlib.len(),
        filters,
    }
}

/// Encodes `pic` with `opts` and verifies the file; returns it.
fn round_trip(pic: &Pic, opts: &EncodeOptions) -> Vec<u8> {
    let file = pixb64::png::encode(&pic.image(), opts);
    verify(&file, pic, opts.channel_order());
    file
}

fn opts(level: u8, filter: Filter, order: ChannelOrder, d: Deflater, t: usize) -> EncodeOptions {
    EncodeOptions::new()
        .with_level(level)
        .with_filter(filter)
        .with_channel_order(order)
        .with_deflater(d)
        .with_threads(t)
}

// ---------------------------------------------------------------------------
// Content.

/// What an image holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Content {
    /// One pixel value everywhere.
    Constant,
    /// `k` random rows, repeated in turn (1: every row the same).
    RowsEvery(usize),
    /// The pixel bytes repeat a random pattern of this many bytes.
    Period(usize),
    /// Uniform random bytes.
    Noise,
    /// A smooth gradient plus noise of this amplitude (0: none).
    Gradient(u64),
    /// Bands of everything: gradients, near-duplicate rows, runs, noise,
    /// a 259-byte period, and stretches copied from ~31 KiB and ~41 KiB
    /// back.
    Mixed,
}

/// A picture of `content` (the same for the same arguments).
fn make(content: Content, seed: u64, w: u32, h: u32, channels: u8, sixteen: bool) -> Pic {
    let mut rng = SplitMix(seed ^ 0x5EED);
    let bpp = usize::from(channels) * if sixteen { 2 } else { 1 };
    let row = w as usize * bpp;
    let n = row * h as usize;
    let cycle = |pattern: Vec<u8>| -> Vec<u8> { pattern.iter().copied().cycle().take(n).collect() };
    let data = match content {
        Content::Constant => cycle(rng.bytes(bpp)),
        Content::RowsEvery(k) => cycle(rng.bytes(row * k.max(1))),
        Content::Period(p) => cycle(rng.bytes(p.max(1))),
        Content::Noise => rng.bytes(n),
        Content::Gradient(amp) => {
            let (fx, fy) = (rng.range(1, 5) as u64, rng.range(0, 5) as u64);
            (0..n)
                .map(|i| {
                    let (x, y) = ((i % row) as u64, (i / row) as u64);
                    let r = if amp == 0 { 0 } else { rng.next_u64() % amp };
                    (x * fx / 3 + y * fy + r) as u8
                })
                .collect()
        }
        Content::Mixed => mixed(&mut rng, row, h as usize),
    };
    Pic {
        name: format!(
            "{content:?} {w}x{h}x{channels}{} #{seed}",
            if sixteen { "/16" } else { "" }
        ),
        width: w,
        height: h,
        channels,
        sixteen,
        data,
    }
}

fn mixed(rng: &mut SplitMix, row: usize, h: usize) -> Vec<u8> {
    let pattern = rng.bytes(259);
    let mut v: Vec<u8> = Vec::with_capacity(row * h);
    for y in 0..h {
        let start = v.len();
        let band = (y / 11) % 7;
        match band {
            0 => {
                let k = rng.range(1, 3);
                for x in 0..row {
                    v.push((x * k / 2 + y + (rng.next_u64() % 5) as usize) as u8);
                }
            }
            1 if y > 0 => {
                // The row above with one byte in 64 changed.
                for x in 0..row {
                    let b = v[start - row + x];
                    v.push(if rng.next_u64().is_multiple_of(64) {
                        b ^ 0x55
                    } else {
                        b
                    });
                }
            }
            2 => {
                let b = rng.next_u64() as u8;
                v.extend(std::iter::repeat_n(b, row));
            }
            3 => v.extend(rng.bytes(row)),
            4 => v.extend((0..row).map(|x| pattern[(x + y) % 259])),
            5 | 6 => {
                // Stretches from 30,000-32,000 bytes back (in reach, with
                // the filter type bytes, for rows of 42 bytes or more) or
                // 40,000-42,000 (out of reach), in pieces of up to 300.
                let back = if band == 5 { 30_000 } else { 40_000 };
                let mut x = 0;
                while x < row {
                    let len = rng.range(1, 300).min(row - x);
                    let d = back + rng.range(0, 2000);
                    for _ in 0..len {
                        let i = v.len();
                        v.push(if i >= d {
                            v[i - d]
                        } else {
                            rng.next_u64() as u8
                        });
                    }
                    x += len;
                }
            }
            _ => v.extend(rng.bytes(row)),
        }
    }
    v
}

// ---------------------------------------------------------------------------
// Always-on tests (debug-sized).

/// Every level x filter policy x channel order x deflater x thread count on
/// small images of each kind of content and layout: nothing left to chance.
#[test]
fn every_option_on_small_images() {
    let pics = [
        make(Content::Gradient(9), 1, 37, 23, 3, false),
        make(Content::Period(7), 2, 19, 7, 4, true),
        make(Content::Noise, 3, 1, 40, 1, false),
        make(Content::Constant, 4, 64, 1, 2, false),
        make(Content::RowsEvery(3), 5, 21, 12, 3, true),
    ];
    for pic in &pics {
        for level in 0..=9 {
            for f in FILTERS {
                for order in ORDERS {
                    for d in DEFLATERS {
                        for t in [1, 3] {
                            round_trip(pic, &opts(level, f, order, d, t));
                        }
                    }
                }
            }
        }
    }
}

/// Content hard for a match finder, 2-110 KB each (`scale` multiplies the
/// heights).
fn hard_contents(scale: u32) -> Vec<Pic> {
    use Content::*;
    let s = scale;
    vec![
        // Long runs.
        make(Constant, 10, 200, 40 * s, 3, false),
        make(RowsEvery(1), 11, 300, 25 * s, 4, false),
        make(RowsEvery(1), 12, 97, 30 * s, 1, true),
        // Rows that repeat every k rows.
        make(RowsEvery(3), 13, 160, 30 * s, 3, false),
        make(RowsEvery(7), 14, 50, 20 * s, 2, true),
        // Rows wider than the window: 36,000 bytes, so a repeated row is
        // out of reach; and one row wider than two windows.
        make(Gradient(6), 15, 12_000, 3, 3, false),
        make(RowsEvery(1), 16, 12_000, 2 + s, 3, false),
        // Incompressible, and more than a stored block's 65,535 bytes.
        make(Noise, 17, 70_000, 1, 1, false),
        // 1xN and Nx1.
        make(Gradient(3), 18, 1, 3000 * s, 1, false),
        make(Noise, 19, 1, 1000 * s, 4, true),
        make(Mixed, 20, 5000 * s, 1, 3, false),
        // 16-bit.
        make(Gradient(40), 21, 100, 30 * s, 3, true),
        // Gradients with noise.
        make(Gradient(0), 23, 120, 40 * s, 4, false),
        make(Gradient(20), 24, 150, 40 * s, 3, false),
        // Periods in the pixel bytes near 258 and near 32768.
        make(Period(257), 25, 100, 30 * s, 3, false),
        make(Period(258), 26, 128, 24 * s, 2, false),
        make(Period(259), 27, 77, 40 * s, 1, false),
        // The filter type bytes stretch a period in the deflate input:
        // gray rows of 4096 bytes make 32,759 into copies from 32,766 and
        // 32,767 bytes back, RGB rows of 12,288 bytes make 32,764 into
        // 32,766 and 32,767, and 32,766 into 32,768 and 32,769.
        make(Period(32_759), 28, 4096, 17 * s, 1, false),
        make(Period(32_764), 29, 4096, 6 * s, 3, false),
        make(Period(32_766), 31, 4096, 6 * s, 3, false),
        // Everything at once, across one 256 KiB segment boundary in
        // release.
        make(Mixed, 30, 400, 50 * s, 3, false),
    ]
}

/// Each picture at every level with both deflaters; with `all_options`
/// every filter policy and order too, else they (and 1 or 3 threads) turn
/// with the level. Prints the sizes.
fn every_level(pics: &[Pic], all_options: bool) {
    for (i, pic) in pics.iter().enumerate() {
        let t0 = Instant::now();
        let mut sizes = Vec::new();
        for level in 0..=9u8 {
            for d in DEFLATERS {
                if all_options {
                    for f in FILTERS {
                        for order in ORDERS {
                            round_trip(pic, &opts(level, f, order, d, 1 + 2 * (i % 2)));
                        }
                    }
                } else {
                    let k = i + usize::from(level);
                    let o = opts(level, FILTERS[k % 6], ORDERS[k % 2], d, [1, 3][(k / 2) % 2]);
                    sizes.push(round_trip(pic, &o).len());
                }
            }
        }
        if !all_options {
            println!("{}: {sizes:?} ({:?})", pic.name, t0.elapsed());
        }
    }
}

/// The hard contents at every level and deflater, the other options in
/// turn.
#[test]
fn hard_content_every_level() {
    every_level(&hard_contents(1), false);
}

/// Scanlines exactly periodic in the deflate input: gray rows of `p - 1`
/// bytes (plus the filter type byte), every row the same, with the filters
/// that keep equal rows equal. So copies reach exactly 257..259 bytes back
/// (around the longest copy, 258) and exactly 32767..32769 bytes back (the
/// farthest copy is 32768; 32769 must not be used).
#[test]
fn stream_periods_near_258_and_32768() {
    for p in [257u32, 258, 259, 32_767, 32_768, 32_769] {
        let h = match (p < 1000, RELEASE) {
            (true, false) => 64,
            (true, true) => 400,
            (false, false) => 2,
            (false, true) => 12,
        };
        let pic = make(Content::RowsEvery(1), u64::from(p), p - 1, h, 1, false);
        let mut sizes = Vec::new();
        for level in 0..=9u8 {
            for (j, d) in DEFLATERS.into_iter().enumerate() {
                let f = [Filter::None, Filter::Sub][(usize::from(level) + j) % 2];
                let o = opts(level, f, ChannelOrder::Rgb, d, 1);
                let file = round_trip(&pic, &o);
                sizes.push(file.len());
                // Our engine: the repeated rows cost less than a quarter
                // of their bytes when the row above is in reach (the fast
                // parser of level 2 loses track of copies this far back
                // now and then; the others cost next to nothing). It
                // copies from at most 32,767 bytes back (as zlib, which
                // stops at 32,506; the format allows 32,768), so 32768 and
                // 32769 are left to the size report. `miniz_oxide` finds
                // 32767 at no level.
                let (p, h) = (p as usize, h as usize);
                if d == Deflater::Pixb64 && level >= 2 && p <= 32_767 {
                    assert!(
                        file.len() < p + p * (h - 1) / 4 + 1000,
                        "period {p}, level {level}, {d:?}: {} bytes",
                        file.len()
                    );
                }
            }
        }
        println!("{}: {sizes:?}", pic.name);
    }
}

/// A picture big enough to be cut into strips at 3 threads (each strip at
/// least 256 KiB raw) and to cross several segments and window slides.
fn big_pic(content: Content, seed: u64, mib_tenths: usize) -> Pic {
    let bytes = mib_tenths * 1024 * 1024 / 10;
    let (w, ch) = (640u32, 3u8);
    let h = (bytes / (w as usize * usize::from(ch))) as u32;
    make(content, seed, w, h, ch, false)
}

/// On images big enough for strips, `with_threads(3)` decodes equal, differs
/// from one thread (so it really cut strips), and, if `size_checked`, for
/// our engines (levels 1-9) stays within 1% of the one-thread size; twice
/// the same options give the same bytes.
///
/// Each strip starts without history, so images whose compressed size is
/// all in a few unique rows or a few hundred bytes pay more than 1% for
/// strips (5 noise rows repeated: +34%; a 3 MiB gradient in 8 KiB: +2.5%);
/// those are only reported.
fn threads_on_big(pic: &Pic, levels: &[u8], deflaters: &[Deflater], size_checked: bool) {
    for &level in levels {
        for &d in deflaters {
            let t0 = Instant::now();
            let one = round_trip(pic, &opts(level, Filter::Adaptive, ChannelOrder::Rgb, d, 1));
            let t1 = t0.elapsed();
            let three = round_trip(pic, &opts(level, Filter::Adaptive, ChannelOrder::Rgb, d, 3));
            let t3 = t0.elapsed() - t1;
            let again = pixb64::png::encode(
                &pic.image(),
                &opts(level, Filter::Adaptive, ChannelOrder::Rgb, d, 3),
            );
            assert!(
                three == again,
                "level {level} {d:?}: 3 threads not deterministic"
            );
            if level > 0 {
                assert!(one != three, "level {level} {d:?}: 3 threads cut no strips");
            } else {
                assert!(one == three, "level 0 is one stream of stored blocks");
            }
            let ratio = three.len() as f64 / one.len() as f64;
            println!(
                "{} L{level} {d:?}: 1 thread {} B, 3 threads {} B ({:+.3}%), verify+encode {t1:?} / {t3:?}",
                pic.name,
                one.len(),
                three.len(),
                (ratio - 1.0) * 100.0
            );
            if d == Deflater::Pixb64 && size_checked {
                assert!(
                    ratio <= 1.01,
                    "{} level {level}: 3 threads {} B vs 1 thread {} B",
                    pic.name,
                    three.len(),
                    one.len()
                );
            }
        }
    }
}

/// Debug-sized: 0.8 MiB (3 strips); the fast tier, the fastest and a
/// near-optimal level of our engine, two of `miniz_oxide`'s (every level
/// in `big_images_every_level_heavy`).
#[test]
fn threads_split_big_images() {
    let pic = big_pic(Content::Mixed, 40, 8);
    threads_on_big(&pic, &[1, 2, 6], &[Deflater::Pixb64], true);
    threads_on_big(&pic, &[1, 6], &[Deflater::MinizOxide], true);
}

/// Level 1 (the fast tier) cuts strips too: 2 and 4 threads give other
/// bytes than 1 thread, the same pixels, and the same bytes every time.
#[test]
fn level_1_threads_split_strips() {
    let pic = big_pic(Content::Gradient(12), 41, if RELEASE { 60 } else { 10 });
    let base = round_trip(&pic, &EncodeOptions::new().with_level(1));
    for t in [2, 4] {
        let o = EncodeOptions::new().with_level(1).with_threads(t);
        let a = round_trip(&pic, &o);
        let b = pixb64::png::encode(&pic.image(), &o);
        assert!(a != base, "{t} threads wrote the one-thread stream");
        assert!(a == b, "{t} threads: not deterministic");
        assert!(
            a.len() as f64 <= base.len() as f64 * 1.01,
            "{t} threads: {} B vs {} B",
            a.len(),
            base.len()
        );
    }
    // Too small for two strips: the one-thread stream.
    let small = big_pic(Content::Gradient(12), 42, 4);
    let o = EncodeOptions::new().with_level(1);
    assert!(
        pixb64::png::encode(&small.image(), &o)
            == pixb64::png::encode(&small.image(), &o.with_threads(3))
    );
}

/// Same input and options give the same bytes, at every level and deflater
/// (one thread here; [`threads_split_big_images`] checks three).
#[test]
fn output_is_deterministic() {
    let pic = make(Content::Mixed, 50, 300, 60, 3, false);
    for level in 0..=9 {
        for (j, d) in DEFLATERS.into_iter().enumerate() {
            let f = [Filter::Adaptive, Filter::Paeth][(usize::from(level) + j) % 2];
            let o = opts(level, f, ChannelOrder::Bgr, d, 1);
            let a = round_trip(&pic, &o);
            let b = pixb64::png::encode(&pic.image(), &o);
            assert!(a == b, "level {level} {d:?} {f:?}: two encodes differ");
        }
    }
}

// ---------------------------------------------------------------------------
// Random cases.

fn content() -> impl Strategy<Value = Content> {
    prop_oneof![
        Just(Content::Constant),
        (1usize..=8).prop_map(Content::RowsEvery),
        prop::sample::select(vec![
            1usize, 2, 3, 5, 255, 256, 257, 258, 259, 260, 32_766, 32_767, 32_768, 32_769, 32_770
        ])
        .prop_map(Content::Period),
        Just(Content::Noise),
        (0u64..=64).prop_map(Content::Gradient),
        Just(Content::Mixed),
    ]
}

/// `(width, height)`: general, 1xN or Nx1, no more than `max_bytes` raw.
fn shape(max_bytes: usize) -> impl Strategy<Value = (u32, u32)> {
    let side = max_bytes as u32;
    prop_oneof![
        (1u32..=400, 1u32..=120),
        (Just(1u32), 1u32..=side / 8),
        (1u32..=side / 8, Just(1u32)),
    ]
}

/// One random case: content, layout and every option.
#[allow(clippy::too_many_arguments)]
fn random_case(
    content: Content,
    seed: u64,
    (w, h): (u32, u32),
    channels: u8,
    sixteen: bool,
    max_bytes: usize,
    level: u8,
    filter: usize,
    bgr: bool,
    miniz: bool,
    threads: usize,
) {
    let bpp = usize::from(channels) * if sixteen { 2 } else { 1 };
    let row = w as usize * bpp;
    let h = h.min((max_bytes / row).max(1) as u32);
    let pic = make(content, seed, w, h, channels, sixteen);
    let d = if miniz {
        Deflater::MinizOxide
    } else {
        Deflater::Pixb64
    };
    round_trip(
        &pic,
        &opts(level, FILTERS[filter], ORDERS[usize::from(bgr)], d, threads),
    );
}

proptest! {
    #![proptest_config(support::config_scaled(25))]

    #[test]
    fn random_hard_images(
        content in content(),
        seed in any::<u64>(),
        wh in shape(48 * 1024),
        channels in 1u8..=4,
        sixteen in any::<bool>(),
        level in 0u8..=9,
        filter in 0usize..6,
        bgr in any::<bool>(),
        miniz in any::<bool>(),
        threads in 1usize..=3,
    ) {
        random_case(content, seed, wh, channels, sixteen, 48 * 1024, level, filter, bgr, miniz, threads);
    }
}

// ---------------------------------------------------------------------------
// Heavy versions: `cargo test -p pixb64 --release --test png_deflate -- --ignored`
// (minutes in the debug profile).

proptest! {
    #![proptest_config(support::config_scaled(400))]

    /// 16x the cases of `random_hard_images` (1024 by default), on images
    /// up to 1 MiB.
    #[test]
    #[ignore]
    fn random_hard_images_heavy(
        content in content(),
        seed in any::<u64>(),
        wh in shape(1024 * 1024),
        channels in 1u8..=4,
        sixteen in any::<bool>(),
        level in 0u8..=9,
        filter in 0usize..6,
        bgr in any::<bool>(),
        miniz in any::<bool>(),
        threads in 1usize..=3,
    ) {
        random_case(content, seed, wh, channels, sixteen, 1024 * 1024, level, filter, bgr, miniz, threads);
    }
}

/// The hard contents 8x taller (12,000-wide rows and the mixed band image
/// cross segments), every level x filter x order x deflater.
#[test]
#[ignore]
fn hard_content_every_option_heavy() {
    every_level(&hard_contents(8), true);
}

/// Multi-MiB images (3-6 MiB: 12-24 segments of 256 KiB, the window sliding
/// all along) at every level and both deflaters, 1 and 3 threads.
#[test]
#[ignore]
fn big_images_every_level_heavy() {
    let levels: Vec<u8> = (0..=9).collect();
    for (content, seed, tenths, size_checked) in [
        (Content::Mixed, 60, 60, true),
        (Content::Gradient(12), 61, 40, true),
        (Content::Noise, 64, 30, true),
        (Content::Gradient(0), 62, 30, false),
        (Content::RowsEvery(5), 63, 30, false),
    ] {
        let pic = big_pic(content, seed, tenths);
        threads_on_big(&pic, &levels, &DEFLATERS, size_checked);
    }
    // 16-bit RGBA, and rows wider than the window.
    let pic = make(Content::Gradient(30), 65, 700, 600, 4, true);
    threads_on_big(&pic, &levels, &DEFLATERS, true);
    let pic = make(Content::Mixed, 66, 12_000, 100, 3, false);
    threads_on_big(&pic, &levels, &DEFLATERS, true);
}

/// Ordered levels on synthetic content: each level's file is at most 1%
/// (plus 64 bytes, for files of a few hundred bytes, where one block
/// header more or less is several percent) larger than the level below it,
/// and level 9 is never larger than level 1.
fn assert_levels_ordered(pic: &Pic) {
    let sizes: Vec<usize> = (1..=9)
        .map(|l| pixb64::png::encode(&pic.image(), &EncodeOptions::new().with_level(l)).len())
        .collect();
    for l in 2..=9 {
        let (below, here) = (sizes[l - 2], sizes[l - 1]);
        assert!(
            here <= below + below / 100 + 64,
            "{}: level {l} {here} > level {} {below} ({sizes:?})",
            pic.name,
            l - 1
        );
    }
    assert!(sizes[8] <= sizes[0], "{}: {sizes:?}", pic.name);
}

#[test]
fn levels_are_ordered() {
    use Content::*;
    for pic in [
        big_pic(Mixed, 40, if RELEASE { 8 } else { 2 }),
        make(Gradient(0), 23, 120, 160, 4, false),
        make(Gradient(20), 24, 150, 80, 3, false),
        make(RowsEvery(5), 14, 50, 80, 2, true),
        make(RowsEvery(1), 257, 256, 200, 1, false),
        make(Noise, 3, 200, 50, 3, false),
    ] {
        assert_levels_ordered(&pic);
    }
}

/// [`levels_are_ordered`] on a 6 MiB mixed image.
#[test]
#[ignore]
fn levels_are_ordered_big() {
    assert_levels_ordered(&big_pic(Content::Mixed, 40, 60));
}
