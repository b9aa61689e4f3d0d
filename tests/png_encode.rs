//! The PNG writer: every level, filter policy, channel order, depth,
//! channel count, deflater (ours and `Deflater::MinizOxide`) and thread
//! count decodes pixel-exact with the `png` crate, on random images
//! (proptest, fixed seed `support::SEED`, `PIXB64_PROPTEST_CASES` cases) and
//! on the corpora under `tests/data`; `Image` rejects bad descriptions.
//!
//! The corpora's full-size images at every level take minutes in the debug
//! profile, so the always-on tests use the first rows of each corpus image
//! (every level) plus the whole of the small ones; the full run is
//! `cargo test -p pixb64 --release --test png_encode -- --ignored`.
//!
//! `tests/png_deflate.rs` checks the zlib streams themselves (two inflaters,
//! an unfilter written from the specification) on content chosen to be hard
//! for the deflate engine.
#![cfg(feature = "std")]

mod png_support;
mod support;

use pixb64::png::{encode, encode_to_sink, encode_to_writer, Deflater, EncodeOptions};
use pixb64::{ChannelOrder, Image, ImageError};
use png_support::{check, corpus, load, swapped, Pic, FILTERS};
use proptest::prelude::*;
use support::SplitMix;

const DEFLATERS: [Deflater; 2] = [Deflater::Pixb64, Deflater::MinizOxide];

/// Encodes `pic` with `opts` and checks the file (in BGR order the expected
/// pixels are the input with red and blue swapped).
fn round_trip(pic: &Pic, opts: &EncodeOptions) -> usize {
    let file = encode(&pic.image(), opts);
    let expected = match opts.channel_order() {
        ChannelOrder::Bgr => swapped(&pic.data, pic.channels, pic.sixteen),
        ChannelOrder::Rgb => pic.data.clone(),
    };
    check(
        &file,
        pic.width,
        pic.height,
        pic.channels,
        pic.sixteen,
        &expected,
    );
    file.len()
}

/// A random image that compresses like real ones: smooth gradients with
/// noise of a random amplitude (0 gives long runs, 255 pure noise).
fn random_pic(seed: u64, w: u32, h: u32, channels: u8, sixteen: bool) -> Pic {
    let mut rng = SplitMix(seed);
    let noise = [0u64, 3, 20, 256][rng.range(0, 3)];
    let bytes = w as usize * h as usize * usize::from(channels) * if sixteen { 2 } else { 1 };
    let (fx, fy) = (rng.range(0, 7) as u64, rng.range(0, 7) as u64);
    let mut data = Vec::with_capacity(bytes);
    for i in 0..bytes as u64 {
        let x = i % (u64::from(w) * u64::from(channels));
        let y = i / (u64::from(w) * u64::from(channels));
        let r = if noise == 0 {
            0
        } else {
            rng.next_u64() % noise
        };
        data.push((x * fx + y * fy + r) as u8);
    }
    Pic {
        name: format!("random {seed:#x}"),
        width: w,
        height: h,
        channels,
        sixteen,
        data,
    }
}

proptest! {
    #![proptest_config(support::config())]

    #[test]
    fn random_images_round_trip(
        seed in any::<u64>(),
        w in 1u32..=300,
        h in 1u32..=64,
        channels in 1u8..=4,
        sixteen in any::<bool>(),
        level in 0u8..=9,
        filter in 0usize..6,
        bgr in any::<bool>(),
        threads in 1usize..=3,
        miniz in any::<bool>(),
    ) {
        let pic = random_pic(seed, w, h, channels, sixteen);
        let order = if bgr { ChannelOrder::Bgr } else { ChannelOrder::Rgb };
        let opts = EncodeOptions::new()
            .with_level(level)
            .with_filter(FILTERS[filter])
            .with_channel_order(order)
            .with_threads(threads)
            .with_deflater(DEFLATERS[usize::from(miniz)]);
        round_trip(&pic, &opts);
    }
}

/// Every level with each filter policy, both orders and both deflaters on
/// one image of each layout: the proptest covers these too, this makes sure
/// no combination is left to chance. Level 0 stores whatever the deflater.
#[test]
fn every_combination_once() {
    for channels in 1..=4 {
        for sixteen in [false, true] {
            let pic = random_pic(
                u64::from(channels) * 2 + u64::from(sixteen),
                37,
                9,
                channels,
                sixteen,
            );
            for level in 0..=9 {
                for f in FILTERS {
                    for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                        let opts = EncodeOptions::new()
                            .with_level(level)
                            .with_filter(f)
                            .with_channel_order(order);
                        round_trip(&pic, &opts);
                        let miniz = opts.with_deflater(Deflater::MinizOxide);
                        if level == 0 {
                            let img = pic.image();
                            assert_eq!(encode(&img, &opts), encode(&img, &miniz));
                        } else {
                            round_trip(&pic, &miniz);
                        }
                    }
                }
            }
        }
    }
}

/// Enough rows that the strips engine really cuts strips (each strip at
/// least 256 KiB raw, so 2-3 strips here) and IDAT spans many chunks: every
/// level 1-9 with each deflater on one of the layouts (3 levels each, to
/// keep the debug profile quick), on 2, 3 or 8 threads.
#[test]
fn threaded_strips_round_trip() {
    let cases = [
        (3u8, false, 700u32, 400u32, ChannelOrder::Rgb),
        (2, true, 300, 500, ChannelOrder::Rgb),
        (4, false, 2, 70_000, ChannelOrder::Bgr),
    ];
    for (i, (channels, sixteen, w, h, order)) in cases.into_iter().enumerate() {
        let pic = random_pic(99, w, h, channels, sixteen);
        for level in (1..=9u8).filter(|l| usize::from(l - 1) % 3 == i) {
            for (j, d) in DEFLATERS.into_iter().enumerate() {
                let threads = [2, 3, 8][(usize::from(level) + j) % 3];
                let opts = EncodeOptions::new()
                    .with_level(level)
                    .with_threads(threads)
                    .with_channel_order(order)
                    .with_deflater(d);
                round_trip(&pic, &opts);
            }
        }
    }
}

/// One pixel, one row, one column, at both depths.
#[test]
fn degenerate_shapes() {
    for (w, h) in [(1, 1), (1, 200), (300, 1), (2, 2)] {
        for channels in 1..=4 {
            for sixteen in [false, true] {
                let pic = random_pic(7, w, h, channels, sixteen);
                for level in 0..=9 {
                    for d in DEFLATERS {
                        let opts = EncodeOptions::new().with_level(level).with_deflater(d);
                        round_trip(&pic, &opts);
                    }
                }
            }
        }
    }
}

/// Levels above 9 clamp to 9 and give the same bytes.
#[test]
fn level_clamps() {
    let pic = random_pic(3, 50, 20, 3, false);
    let a = encode(&pic.image(), &EncodeOptions::new().with_level(9));
    let b = encode(&pic.image(), &EncodeOptions::new().with_level(200));
    assert_eq!(a, b);
}

/// `encode`, `encode_to_sink` and `encode_to_writer` write the same bytes;
/// the writer's first error is returned.
#[test]
fn wrappers_agree_and_errors_surface() {
    let pic = random_pic(5, 200, 300, 4, false);
    for level in [0, 1, 4] {
        let opts = EncodeOptions::new().with_level(level);
        let a = encode(&pic.image(), &opts);
        let mut b = Vec::new();
        encode_to_sink(&pic.image(), &opts, &mut b);
        let mut c = Vec::new();
        encode_to_writer(&pic.image(), &opts, &mut c).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);

        struct Failing(usize);
        impl std::io::Write for Failing {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::Error::other("full"));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = encode_to_writer(&pic.image(), &opts, Failing(1000)).unwrap_err();
        assert_eq!(err.to_string(), "full");
    }
}

/// PngSuite's valid files, whole, at every level; and on those of up to
/// 16 KiB of pixels (all but the suite's overview image) level n + 1 is
/// never larger than level n from level 2 up (small images are compressed
/// whole with each lower level's setting and the smallest kept).
#[test]
fn pngsuite_round_trips() {
    let files = corpus("pngsuite");
    assert!(files.len() > 150, "PngSuite present");
    for (i, path) in files.into_iter().enumerate() {
        let pic = load(&path, None);
        // Both orders are covered, each on every other file.
        let order = [ChannelOrder::Rgb, ChannelOrder::Bgr][i % 2];
        let mut sizes = Vec::new();
        for level in 0..=9 {
            let opts = EncodeOptions::new()
                .with_level(level)
                .with_channel_order(order);
            sizes.push(round_trip(&pic, &opts));
        }
        assert!(
            pic.data.len() > 16 * 1024 || sizes[2..].windows(2).all(|w| w[1] <= w[0]),
            "{}: levels 0..=9 wrote {sizes:?}",
            pic.name
        );
    }
}

/// The first rows of every photo and mixed image at every level (the debug
/// profile's share of the corpus run; see the module docs).
#[test]
fn corpus_first_rows_round_trip() {
    for sub in ["photos", "mixed"] {
        for path in corpus(sub) {
            let pic = load(&path, Some(6));
            for level in 0..=9 {
                round_trip(&pic, &EncodeOptions::new().with_level(level));
            }
        }
    }
}

/// Every photo and mixed image, whole, at every level with each deflater
/// (1 or 2 threads, in turn). Minutes in debug, so ignored by default:
/// `cargo test -p pixb64 --release --test png_encode -- --ignored`.
#[test]
#[ignore]
fn corpus_full_round_trip() {
    for sub in ["photos", "mixed"] {
        for path in corpus(sub) {
            let pic = load(&path, None);
            for (j, d) in DEFLATERS.into_iter().enumerate() {
                let mut sizes = Vec::new();
                for level in 0..=9 {
                    let threads = if (usize::from(level) + j) % 2 == 0 {
                        2
                    } else {
                        1
                    };
                    let opts = EncodeOptions::new()
                        .with_level(level)
                        .with_threads(threads)
                        .with_deflater(d);
                    sizes.push(round_trip(&pic, &opts));
                }
                println!("{} {d:?}: {sizes:?}", pic.name);
            }
        }
    }
}

#[test]
fn image_errors() {
    let px = [0u8; 48];
    assert_eq!(
        Image::new(0, 4, 3, &px),
        Err(ImageError::ZeroDimension {
            width: 0,
            height: 4
        })
    );
    assert_eq!(
        Image::new(4, 0, 3, &px),
        Err(ImageError::ZeroDimension {
            width: 4,
            height: 0
        })
    );
    let big = 1u32 << 31;
    assert_eq!(
        Image::new(big, 1, 1, &px),
        Err(ImageError::DimensionTooLarge {
            width: big,
            height: 1
        })
    );
    assert_eq!(
        Image::new(1, u32::MAX, 1, &px),
        Err(ImageError::DimensionTooLarge {
            width: 1,
            height: u32::MAX
        })
    );
    for channels in [0u8, 5, 255] {
        assert_eq!(
            Image::new(4, 4, channels, &px),
            Err(ImageError::InvalidChannels { channels })
        );
    }
    assert_eq!(
        Image::new(4, 4, 3, &px[..47]),
        Err(ImageError::LengthMismatch {
            expected: 48,
            actual: 47
        })
    );
    assert_eq!(
        Image::new_16(4, 4, 3, &px),
        Err(ImageError::LengthMismatch {
            expected: 96,
            actual: 48
        })
    );
    assert!(Image::new(4, 4, 3, &px).is_ok());
    assert!(Image::new_16(4, 2, 3, &px).is_ok());
    let max = (1u32 << 31) - 1;
    let overflow = Image::new_16(max, max, 4, &px);
    if usize::BITS < 128 {
        assert_eq!(
            overflow,
            Err(ImageError::SizeOverflow {
                width: max,
                height: max,
                channels: 4
            })
        );
    }
    // The largest dimension itself is fine when the buffer matches.
    let row = vec![0u8; 3];
    assert!(Image::new(1, 3, 1, &row).is_ok());
    let _ = max;
}
