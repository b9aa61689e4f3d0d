//! The one-call workflow: image -> PNG -> base64 -> data URI and back, the
//! crate-level error, and size accounting.
#![cfg(feature = "png")]

use pixb64::base64::{DecodeError, FORGIVING, STANDARD, URL_SAFE_NO_PAD};
use pixb64::png::{self, EncodeOptions};
use pixb64::{data_uri, ChannelOrder, Error, Image, Sizes};

/// A deterministic test image: gradients plus noise, `channels` 1..=4.
fn pixels(w: usize, h: usize, channels: usize, seed: u64) -> Vec<u8> {
    let mut s = seed;
    (0..w * h * channels)
        .map(|i| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (x, y) = ((i / channels) % w, (i / channels) / w);
            ((x * 3 + y * 5 + (i % channels) * 40) as u8).wrapping_add((s >> 61) as u8)
        })
        .collect()
}

#[test]
fn encode_base64_equals_base64_of_encode() {
    for (w, h, c) in [(1, 1, 1), (17, 5, 3), (64, 33, 4), (300, 7, 2)] {
        let px = pixels(w, h, c, (w * h * c) as u64);
        let img = Image::new(w as u32, h as u32, c as u8, &px).unwrap();
        for level in [0, 1, 6] {
            for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                let opts = EncodeOptions::new()
                    .with_level(level)
                    .with_channel_order(order);
                let file = png::encode(&img, &opts);
                for config in [STANDARD, URL_SAFE_NO_PAD] {
                    let text = png::encode_base64(&img, &opts, &config);
                    assert_eq!(text, config.encode(&file), "{w}x{h}x{c} level {level}");
                    let back = png::decode_base64(&text, &config).unwrap();
                    let want = png::decode(&file).unwrap();
                    assert_eq!(back, want);
                }
                // With order Rgb the pixels come back as given.
                if order == ChannelOrder::Rgb {
                    let back =
                        png::decode_base64(png::encode_base64(&img, &opts, &STANDARD), &STANDARD)
                            .unwrap();
                    assert_eq!(back.data(), &px[..]);
                }
            }
        }
    }
}

#[test]
fn data_uri_png_round_trip_and_sizes() {
    let px = pixels(40, 30, 3, 7);
    let img = Image::new(40, 30, 3, &px).unwrap();
    let opts = EncodeOptions::new();
    let uri = data_uri::encode_png(&img, &opts);
    let file = png::encode(&img, &opts);
    assert_eq!(
        uri,
        format!("data:image/png;base64,{}", STANDARD.encode(&file))
    );
    let back = data_uri::decode_image(&uri).unwrap();
    assert_eq!(back.data(), &px[..]);
    assert_eq!((back.width(), back.height(), back.channels()), (40, 30, 3));
    // Line-wrapped base64 inside a data: URI still decodes (newlines are removed).
    let wrapped = format!(
        "data:image/png;base64,{}",
        STANDARD.encode_wrapped(&file, 76, pixb64::base64::LineEnding::CrLf)
    );
    assert_eq!(data_uri::decode_image(&wrapped).unwrap().data(), &px[..]);
    let sizes = Sizes::new(img.byte_len(), file.len()).unwrap();
    assert_eq!(sizes.raw, 40 * 30 * 3);
    assert_eq!(
        sizes.base64,
        png::encode_base64(&img, &opts, &STANDARD).len()
    );
    assert_eq!(sizes.data_uri, uri.len());
}

#[test]
fn one_call_errors_are_typed() {
    let e = png::decode_base64("iVBO!", &STANDARD).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Base64(DecodeError::InvalidByte {
                offset: 4,
                byte: b'!'
            })
        ),
        "{e:?}"
    );
    // Neither PNG nor JPEG: named by decode_image (the first bytes here).
    let e = png::decode_base64(STANDARD.encode(b"not a png at all"), &STANDARD).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
    // A damaged PNG is the PNG reader's error.
    let e = png::decode_base64(STANDARD.encode(b"\x89PNG\r\n\x1a\n\0\0"), &STANDARD).unwrap_err();
    assert!(matches!(e, Error::Png(_)), "{e:?}");
    let e = data_uri::decode_image("data:image/png;base64").unwrap_err();
    assert!(matches!(e, Error::DataUri(_)), "{e:?}");
    let e = data_uri::decode_image("data:image/png;base64,AAAA").unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
    // Display names the layer; source() is the layer's error.
    assert_eq!(
        e.to_string(),
        "unsupported image: neither PNG nor JPEG (starts with 00 00 00)"
    );
    assert!(std::error::Error::source(&e).is_some());
    // FORGIVING takes whitespace anywhere.
    let px = [1u8, 2, 3, 4];
    let img = Image::new(2, 2, 1, &px).unwrap();
    let text = png::encode_base64(&img, &EncodeOptions::new(), &STANDARD);
    let spaced: String = text.chars().flat_map(|c| [c, ' ']).collect();
    assert_eq!(png::decode_base64(&spaced, &FORGIVING).unwrap().data(), &px);
}
