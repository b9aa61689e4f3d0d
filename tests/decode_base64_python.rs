//! `png::decode_base64` reads base64 the way Python's `base64.b64decode`
//! (default mode) does, for text made of the alphabet, padding and ASCII
//! whitespace: `tests/data/base64/python_b64decode.json` holds Python's
//! answers for the WHATWG vectors and line-wrapped text (made by
//! `python_b64decode.py` there). Where pixb64 accepts, the bytes are
//! Python's (trailing bits ignored, as Python does); where Python accepts, pixb64
//! accepts too, if the text without whitespace is canonical padded base64.
//! Python also discards every other byte (vertical tab, `*`, non-ASCII) and
//! ignores surplus or misplaced `=` (`abcd==`, `abc=d`); pixb64 rejects
//! those.

#![cfg(feature = "png")]

use pixb64::base64::STANDARD;
use pixb64::png::{self, DecodeOptions};
use pixb64::{data_uri, Error, Image};

#[test]
fn base64_step_agrees_with_python() {
    let cases: Vec<(String, Option<Vec<u8>>)> =
        serde_json::from_str(include_str!("data/base64/python_b64decode.json")).unwrap();
    // What decode_base64 does to the config.
    let config = STANDARD
        .with_whitespace_skipped(true)
        .with_trailing_bits_allowed(true);
    let (mut same, mut rejected_extra) = (0, 0);
    for (text, python) in &cases {
        let ours = config.decode(text.as_bytes()).ok();
        // The subset pixb64 reads: alphabet and ASCII whitespace, then at
        // most two `=` completing the last group.
        let compact: Vec<u8> = text
            .bytes()
            .filter(|b| !b"\t\n\x0C\r ".contains(b))
            .collect();
        let body = compact
            .iter()
            .rposition(|&b| b != b'=')
            .map_or(0, |i| i + 1);
        let plain = compact.len().is_multiple_of(4)
            && compact.len() - body <= 2
            && compact[..body]
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
        match (&ours, python) {
            (Some(o), Some(p)) => {
                assert_eq!(o, p, "{text:?}");
                same += 1;
            }
            (Some(o), None) => panic!("{text:?}: pixb64 {o:?}, Python rejects"),
            (None, Some(_)) => {
                assert!(!plain, "{text:?}: Python accepts, pixb64 rejects");
                rejected_extra += 1;
            }
            (None, None) => same += 1,
        }
    }
    assert_eq!(same + rejected_extra, cases.len());
    // 52 agree; 36 Python reads by discarding bytes or surplus padding.
    assert_eq!((same, rejected_extra), (52, 36));
}

#[test]
fn wrapped_text_and_trailing_newline_decode_to_the_image() {
    let px: Vec<u8> = (0..40 * 30 * 3).map(|i| (i * 7 % 251) as u8).collect();
    let img = Image::new(40, 30, 3, &px).unwrap();
    let text = png::encode_base64(&img, &png::EncodeOptions::new(), &STANDARD);
    let wrap = |n: usize, eol: &str| {
        text.as_bytes()
            .chunks(n)
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect::<Vec<_>>()
            .join(eol)
    };
    let variants = [
        format!("{text}\n"), // what `pixb64 encode` writes
        format!("  {text} \r\n"),
        wrap(76, "\n") + "\n",
        wrap(76, "\r\n") + "\r\n",
        wrap(64, "\n"),
        wrap(10, " \t"),
        wrap(50, "\x0C"),
    ];
    for v in &variants {
        let back = png::decode_base64(v, &STANDARD).unwrap();
        assert_eq!(back.data(), &px[..]);
        let back = png::decode_base64_with(v, &STANDARD, &DecodeOptions::imread_color()).unwrap();
        assert_eq!(back.channels(), 3);
    }
    // Vertical tab and other bytes outside the alphabet: an error with the
    // offset (Python would discard them).
    let vt = format!("{}\x0B{}", &text[..8], &text[8..]);
    assert!(matches!(
        png::decode_base64(&vt, &STANDARD),
        Err(Error::Base64(_))
    ));
    // The data: URL path takes the same options.
    let uri = format!("data:image/png;base64,{}", wrap(76, "\n"));
    let back = data_uri::decode_image_with(&uri, &DecodeOptions::imread_grayscale()).unwrap();
    assert_eq!((back.width(), back.height(), back.channels()), (40, 30, 1));
}

#[test]
fn neither_png_nor_jpeg_is_named() {
    let gif = STANDARD.encode(b"GIF89a\x01\x00\x01\x00");
    let e = png::decode_base64(&gif, &STANDARD).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "unsupported image: a GIF file, not PNG or JPEG"
    );
    #[cfg(not(feature = "jpeg"))]
    {
        let jpeg = STANDARD.encode(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0");
        assert_eq!(
            png::decode_base64(&jpeg, &STANDARD),
            Err(Error::Unsupported(
                pixb64::UnsupportedFormat::JpegFeatureOff
            ))
        );
    }
}
