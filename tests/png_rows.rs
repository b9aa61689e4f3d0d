//! `png::RowEncoder`: rows streamed in give a PNG that decodes to the
//! image (checked by `png_support::check`: framing, CRCs, the zlib stream
//! through `miniz_oxide`, pixels through the `png` crate) at every level,
//! filter, order and deflater; the output does not depend on how the rows
//! are grouped into calls; the allocation-free form writes the same bytes;
//! the typed errors; the memory bounds; level 1 streamed against the
//! whole-image call on the Kodak photos; the base64 sink.
#![cfg(feature = "std")]

mod png_support;
mod support;

use pixb64::base64::{STANDARD, URL_SAFE_NO_PAD};
use pixb64::png::{
    encode, Base64Sink, Deflater, Depth, EncodeError, EncodeOptions, Filter, RowEncoder, Sink,
};
use pixb64::{ChannelOrder, ImageError};
use png_support::{check_chunked, corpus, load, swapped, Pic, FILTERS};
use support::SplitMix;

/// The row encoder's IDAT payload (4 KiB in the small form).
const IDAT: usize = if cfg!(feature = "small") { 4096 } else { 8192 };

fn depth(pic: &Pic) -> Depth {
    if pic.sixteen {
        Depth::Sixteen
    } else {
        Depth::Eight
    }
}

/// Streams `pic` through `RowEncoder::new` in calls of the row counts
/// `groups` (cycled) and returns the file.
fn stream(pic: &Pic, opts: &EncodeOptions, groups: &[usize]) -> Vec<u8> {
    let mut enc = RowEncoder::new(
        pic.width,
        pic.height,
        pic.channels,
        depth(pic),
        opts,
        Vec::new(),
    )
    .unwrap();
    let rb = pic.data.len() / pic.height as usize;
    let mut rows = pic.data.chunks(rb);
    let mut k = 0;
    loop {
        let n = groups[k % groups.len()];
        k += 1;
        let take: Vec<u8> = rows.by_ref().take(n).flatten().copied().collect();
        if take.is_empty() && n > 0 {
            break;
        }
        enc.write_rows(&take).unwrap();
    }
    assert_eq!(enc.rows_written(), pic.height);
    enc.finish().unwrap()
}

/// The same through `with_scratch` of exactly `scratch_len` bytes.
fn stream_in_scratch(pic: &Pic, opts: &EncodeOptions) -> Vec<u8> {
    let need = RowEncoder::<Vec<u8>>::scratch_len(pic.width, pic.channels, depth(pic), opts);
    let mut scratch = vec![0u8; need];
    let mut enc = RowEncoder::with_scratch(
        pic.width,
        pic.height,
        pic.channels,
        depth(pic),
        opts,
        Vec::new(),
        &mut scratch,
    )
    .unwrap();
    let rb = pic.data.len() / pic.height as usize;
    for row in pic.data.chunks(rb) {
        enc.write_rows(row).unwrap();
    }
    enc.finish().unwrap()
}

fn expected(pic: &Pic, order: ChannelOrder) -> Vec<u8> {
    match order {
        ChannelOrder::Bgr => swapped(&pic.data, pic.channels, pic.sixteen),
        ChannelOrder::Rgb => pic.data.clone(),
    }
}

fn verify(pic: &Pic, opts: &EncodeOptions, file: &[u8]) {
    let want = expected(pic, opts.channel_order());
    check_chunked(
        file,
        pic.width,
        pic.height,
        pic.channels,
        pic.sixteen,
        &want,
        IDAT,
    );
    let back = pixb64::png::decode(file).unwrap();
    assert_eq!(back.data(), &want[..], "{}", pic.name);
}

/// A random image: smooth gradients with noise, flat runs, repeated rows.
fn random_pic(seed: u64, w: u32, h: u32, channels: u8, sixteen: bool) -> Pic {
    let mut rng = SplitMix(seed);
    let bps = if sixteen { 2 } else { 1 };
    let rb = w as usize * usize::from(channels) * bps;
    let noise = [0u64, 3, 40, 256][rng.range(0, 3)];
    let mut data = Vec::with_capacity(rb * h as usize);
    for y in 0..h as usize {
        if y > 0 && rng.range(0, 4) == 0 {
            // A repeated row (the level-1 shortcut).
            let prev = data[(y - 1) * rb..y * rb].to_vec();
            data.extend_from_slice(&prev);
            continue;
        }
        for x in 0..rb {
            let r = if noise == 0 {
                0
            } else {
                rng.next_u64() % noise
            };
            data.push((x as u64 * 3 + y as u64 * 5 + r) as u8);
        }
    }
    Pic {
        name: format!("random {seed:#x} {w}x{h}x{channels} sixteen={sixteen}"),
        width: w,
        height: h,
        channels,
        sixteen,
        data,
    }
}

#[test]
fn every_level_filter_order_and_deflater() {
    for (i, (w, h, c, sixteen)) in [
        (37u32, 9u32, 3u8, false),
        (5, 20, 4, true),
        (300, 6, 1, false),
        (1, 30, 2, false),
        (1500, 4, 3, false), // rows longer than the whole-row threshold and a piece
        (2, 2, 3, true),
    ]
    .into_iter()
    .enumerate()
    {
        let pic = random_pic(i as u64 + 7, w, h, c, sixteen);
        for level in 0..=9 {
            for f in FILTERS {
                for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                    for deflater in [Deflater::Pixb64, Deflater::MinizOxide] {
                        let opts = EncodeOptions::new()
                            .with_level(level)
                            .with_filter(f)
                            .with_channel_order(order)
                            .with_deflater(deflater);
                        let file = stream(&pic, &opts, &[1]);
                        verify(&pic, &opts, &file);
                    }
                }
            }
        }
    }
}

/// Grouping rows into calls changes nothing, and `with_scratch` writes the
/// same bytes as `new`.
#[test]
fn grouping_and_scratch_do_not_change_the_bytes() {
    let mut rng = SplitMix(0x5eed);
    for case in 0..24u64 {
        let (w, h) = (rng.range(1, 700) as u32, rng.range(1, 40) as u32);
        let c = rng.range(1, 4) as u8;
        let pic = random_pic(case, w, h, c, case % 5 == 4);
        for level in [0u8, 1, 2, 6] {
            let order = [ChannelOrder::Rgb, ChannelOrder::Bgr][case as usize % 2];
            let opts = EncodeOptions::new()
                .with_level(level)
                .with_channel_order(order)
                .with_filter(FILTERS[case as usize % 6]);
            let one = stream(&pic, &opts, &[1]);
            verify(&pic, &opts, &one);
            assert_eq!(stream(&pic, &opts, &[3, 0, 2, 7]), one, "{}", pic.name);
            assert_eq!(stream(&pic, &opts, &[h as usize]), one);
            if level <= 1 {
                assert_eq!(stream_in_scratch(&pic, &opts), one, "{}", pic.name);
            }
        }
    }
}

/// Images from the corpora (PngSuite whole, the others' first rows).
#[test]
fn corpora_round_trip() {
    let mut pics: Vec<Pic> = corpus("pngsuite").iter().map(|p| load(p, None)).collect();
    for set in ["photos", "mixed", "realworld"] {
        pics.extend(corpus(set).iter().take(6).map(|p| load(p, Some(24))));
    }
    for pic in &pics {
        for (level, order) in [
            (0, ChannelOrder::Rgb),
            (1, ChannelOrder::Rgb),
            (1, ChannelOrder::Bgr),
            (4, ChannelOrder::Rgb),
        ] {
            let opts = EncodeOptions::new()
                .with_level(level)
                .with_channel_order(order);
            let file = stream(pic, &opts, &[5]);
            verify(pic, &opts, &file);
        }
    }
}

#[test]
fn typed_errors() {
    let opts = EncodeOptions::new();
    let new = |w, h, c, o: &EncodeOptions| RowEncoder::new(w, h, c, Depth::Eight, o, Vec::new());
    assert!(matches!(
        new(0, 5, 3, &opts),
        Err(EncodeError::InvalidHeader(ImageError::ZeroDimension { .. }))
    ));
    assert!(matches!(
        new(5, 1 << 31, 3, &opts),
        Err(EncodeError::InvalidHeader(
            ImageError::DimensionTooLarge { .. }
        ))
    ));
    assert!(matches!(
        new(5, 5, 5, &opts),
        Err(EncodeError::InvalidHeader(ImageError::InvalidChannels {
            channels: 5
        }))
    ));
    // A tall image is fine: only a row must fit memory.
    assert!(new(4, (1 << 31) - 1, 1, &opts).is_ok());

    let mut enc = new(4, 2, 3, &opts).unwrap();
    assert_eq!(
        enc.write_rows(&[0; 13]),
        Err(EncodeError::RowLength {
            len: 13,
            row_bytes: 12
        })
    );
    assert_eq!(
        enc.write_rows(&[0; 36]),
        Err(EncodeError::TooManyRows { rows: 3, height: 2 })
    );
    enc.write_rows(&[0; 12]).unwrap();
    assert_eq!(
        enc.finish().unwrap_err(),
        EncodeError::TooFewRows { rows: 1, height: 2 }
    );

    let need = RowEncoder::<Vec<u8>>::scratch_len(100, 3, Depth::Eight, &opts);
    let mut small = vec![0u8; need - 1];
    let got = RowEncoder::with_scratch(100, 3, 3, Depth::Eight, &opts, Vec::new(), &mut small);
    assert_eq!(
        got.err(),
        Some(EncodeError::ScratchTooSmall {
            needed: need,
            len: need - 1
        })
    );
    for (level, deflater) in [(2, Deflater::Pixb64), (1, Deflater::MinizOxide)] {
        let o = opts.with_level(level).with_deflater(deflater);
        assert_eq!(
            RowEncoder::<Vec<u8>>::scratch_len(100, 3, Depth::Eight, &o),
            0
        );
        let mut s = vec![0u8; 1 << 20];
        let got = RowEncoder::with_scratch(100, 3, 3, Depth::Eight, &o, Vec::new(), &mut s);
        assert_eq!(got.err(), Some(EncodeError::NeedsAllocator { level }));
    }
    // Every error says what went wrong.
    let msg = EncodeError::TooFewRows { rows: 1, height: 2 }.to_string();
    assert!(msg.contains("1 of 2"), "{msg}");
}

/// The bounds of issue 14, with the encoder value itself counted: level 0
/// at most 1 row + 16 KiB (RGB order, or no filter), level 1 at most 2 rows
/// + 48 KiB, for any width.
#[test]
fn scratch_does_not_grow_with_the_image() {
    let value = std::mem::size_of::<RowEncoder<'static, Vec<u8>>>();
    for w in [1u32, 100, 320, 1000, 4000, 100_000] {
        for c in 1..=4u8 {
            for d in [Depth::Eight, Depth::Sixteen] {
                let row = w as usize * usize::from(c) * d.bytes();
                for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                    for f in FILTERS {
                        let o = EncodeOptions::new()
                            .with_channel_order(order)
                            .with_filter(f);
                        let l1 = RowEncoder::<Vec<u8>>::scratch_len(w, c, d, &o);
                        assert!(l1 + value <= 2 * row + 48 * 1024, "L1 {w}x{c} {l1}");
                        let o0 = o.with_level(0);
                        let l0 = RowEncoder::<Vec<u8>>::scratch_len(w, c, d, &o0);
                        let rows = if order == ChannelOrder::Bgr
                            && c >= 3
                            && f != Filter::None
                            && f != Filter::Adaptive
                        {
                            2
                        } else {
                            1
                        };
                        assert!(l0 + value <= rows * row + 16 * 1024, "L0 {w}x{c} {l0}");
                    }
                }
            }
        }
    }
}

/// Level 1 streamed (a default first code, each later block's code from
/// the block before) within 2% of the whole-image call (a first code from
/// rows sampled across the image) on the Kodak photos; sizes are
/// deterministic. Release builds take all 24, debug builds the first 4.
#[test]
fn level1_streamed_close_to_whole_image() {
    let take = if cfg!(debug_assertions) { 4 } else { 24 };
    let (mut streamed, mut whole) = (0usize, 0usize);
    for path in corpus("photos").iter().take(take) {
        let pic = load(path, None);
        let opts = EncodeOptions::new();
        let s = stream(&pic, &opts, &[16]);
        verify(&pic, &opts, &s);
        streamed += s.len();
        whole += encode(&pic.image(), &opts).len();
    }
    let ratio = streamed as f64 / whole as f64;
    println!("level 1 streamed / whole image: {streamed} / {whole} = {ratio:.4}");
    assert!(ratio <= 1.02, "{ratio}");
}

/// `Base64Sink` equals base64 of the file, in any alphabet, and makes a
/// data URI when the prefix goes first.
#[test]
fn base64_sink_writes_the_file_as_text() {
    let pic = random_pic(99, 120, 50, 3, false);
    for level in [0u8, 1, 5] {
        let opts = EncodeOptions::new().with_level(level);
        let file = stream(&pic, &opts, &[1]);
        for config in [STANDARD, URL_SAFE_NO_PAD] {
            let mut prefix = b"data:image/png;base64,".to_vec();
            let plen = prefix.len();
            prefix.truncate(if config == STANDARD { plen } else { 0 });
            let sink = Base64Sink::new(&config, prefix.clone());
            let mut enc = RowEncoder::new(120, 50, 3, Depth::Eight, &opts, sink).unwrap();
            enc.write_rows(&pic.data).unwrap();
            let text = enc.finish().unwrap().finish();
            assert_eq!(&text[..prefix.len()], &prefix[..]);
            assert_eq!(
                config.decode(&text[prefix.len()..]).unwrap(),
                file,
                "level {level}"
            );
            if config == STANDARD {
                let uri = String::from_utf8(text).unwrap();
                let img = pixb64::data_uri::decode_image(&uri).unwrap();
                assert_eq!(img.data(), &pic.data[..]);
            }
        }
    }
    // Writes of any size, including empty ones, carry partial groups.
    let mut s = Base64Sink::new(&STANDARD, Vec::new());
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7) as u8).collect();
    let mut at = 0;
    for n in [0usize, 1, 2, 0, 3, 1000, 1, 1023, 1024, 1025]
        .iter()
        .cycle()
    {
        let end = (at + n).min(data.len());
        s.put(&data[at..end]);
        at = end;
        if at == data.len() {
            break;
        }
    }
    assert_eq!(s.finish(), STANDARD.encode(&data).into_bytes());
}
