//! The leniency set (tests/data/leniency, written by its make.py): files
//! damaged after or at the end of their image data, with the outcome libpng
//! gives through OpenCV (checked against OpenCV in the interop step by
//! .ci/interop/opencv_leniency.py) and pixb64's, by default and strict.
//!
//! By default pixb64 must answer as OpenCV does on every file, except those
//! whose row in expected.tsv explains the difference; strict, it rejects
//! every defect. Accepted files decode to the pixels of the undamaged file.
#![cfg(feature = "png")]

use std::fs;
use std::path::PathBuf;

use pixb64::png::{self, DecodeOptions, RowDecoder};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/leniency")
}

struct Case {
    name: String,
    opencv: bool,
    pixb64: bool,
    strict: bool,
    note: String,
}

fn cases() -> Vec<Case> {
    let text = fs::read_to_string(dir().join("expected.tsv")).unwrap();
    let ok = |s: &str| match s {
        "ok" => true,
        "reject" => false,
        s => panic!("outcome {s:?}"),
    };
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Case {
                name: f[0].into(),
                opencv: ok(f[1]),
                pixb64: ok(f[2]),
                strict: ok(f[3]),
                note: f.get(4).unwrap_or(&"").to_string(),
            }
        })
        .collect();
    // Every file is listed.
    let files = fs::read_dir(dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(files, cases.len());
    assert!(cases.len() > 50);
    cases
}

/// Decodes through the row decoder, collecting its rows.
fn rows(data: &[u8], opts: &DecodeOptions) -> Result<Vec<u8>, png::DecodeError> {
    let mut d = RowDecoder::new(data, opts)?;
    let mut out = Vec::new();
    while let Some(row) = d.next_row()? {
        out.extend_from_slice(row);
    }
    Ok(out)
}

#[test]
fn outcomes_are_opencvs_and_strict_rejects_every_defect() {
    let clean = |name: &str| {
        let base = if name.starts_with("palette") {
            "palette_ok"
        } else {
            "ok"
        };
        let data = fs::read(dir().join(format!("{base}.png"))).unwrap();
        png::decode(&data).unwrap().into_vec()
    };
    let strict = DecodeOptions::new().with_strict(true);
    let mut lenient_only = 0;
    for c in cases() {
        let data = fs::read(dir().join(format!("{}.png", c.name))).unwrap();
        let got = png::decode(&data);
        assert_eq!(
            got.is_ok(),
            c.pixb64,
            "{}: {:?}",
            c.name,
            got.as_ref().err()
        );
        if c.pixb64 != c.opencv {
            assert!(
                !c.note.is_empty(),
                "{}: differs from OpenCV without a reason",
                c.name
            );
        }
        if let Ok(img) = got {
            assert_eq!(img.into_vec(), clean(&c.name), "{}", c.name);
        }
        // The row decoder reads the end of the file the same way.
        let by_rows = rows(&data, &DecodeOptions::new());
        assert_eq!(
            by_rows.is_ok(),
            c.pixb64,
            "{} (rows): {:?}",
            c.name,
            by_rows.err()
        );
        if let Ok(px) = by_rows {
            assert_eq!(px, clean(&c.name), "{} (rows)", c.name);
        }
        let s = png::decode_with(&data, &strict);
        assert_eq!(s.is_ok(), c.strict, "{} (strict): {:?}", c.name, s.err());
        assert_eq!(
            rows(&data, &strict).is_ok(),
            c.strict,
            "{} (rows, strict)",
            c.name
        );
        // Strict accepts only what the default accepts.
        assert!(!c.strict || c.pixb64, "{}", c.name);
        lenient_only += usize::from(c.pixb64 && !c.strict);
    }
    // The set exercises the difference.
    assert!(lenient_only >= 10, "{lenient_only}");
}

#[test]
fn strict_errors_name_the_defect() {
    let strict = DecodeOptions::new().with_strict(true);
    let read = |name: &str| fs::read(dir().join(format!("{name}.png"))).unwrap();
    use png::DecodeError as E;
    assert!(matches!(
        png::decode_with(&read("trailing_garbage"), &strict),
        Err(E::TrailingData { .. })
    ));
    assert!(matches!(
        png::decode_with(&read("surplus_rows"), &strict),
        Err(E::ImageDataLong { .. })
    ));
    assert!(matches!(
        png::decode_with(&read("iend_bad_crc"), &strict),
        Err(E::InvalidCrc { .. })
    ));
    assert!(matches!(
        png::decode_with(&read("iend_nonzero_len"), &strict),
        Err(E::InvalidChunkLength { .. })
    ));
    assert!(matches!(
        png::decode_with(&read("plte_after_idat"), &strict),
        Err(E::ChunkOrder { .. })
    ));
    // The default still names what it rejects.
    assert!(matches!(
        png::decode(&read("no_iend")),
        Err(E::MissingChunk { .. })
    ));
    assert!(matches!(
        png::decode(&read("iend_cut_at_10")),
        Err(E::Truncated { .. })
    ));
    assert!(matches!(
        png::decode(&read("idat_bad_crc_after_text")),
        Err(E::InvalidCrc { .. })
    ));
    assert!(matches!(
        png::decode(&read("ihdr_after_idat")),
        Err(E::ChunkOrder { .. })
    ));
    assert!(matches!(
        png::decode(&read("bad_adler")),
        Err(E::InvalidAdler { .. })
    ));
}
