//! The WHATWG data: URL processor against web-platform-tests' `data-urls.json`
//! (copied into tests/data/base64/, see SOURCE.md there), plus encoding.
#![cfg(feature = "png")]

use pixb64::data_uri::{self, DataUriError};

#[test]
fn every_wpt_data_url_vector() {
    let vectors: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/base64/data-urls.json")).unwrap();
    assert_eq!(vectors.len(), 70);
    let mut failures = Vec::new();
    for v in &vectors {
        let input = v[0].as_str().unwrap();
        let got = data_uri::decode(input);
        match (&v[1], got) {
            (serde_json::Value::Null, Err(_)) => {}
            (serde_json::Value::Null, Ok(d)) => failures.push(format!(
                "{input:?}: expected failure, got {:?} {:?}",
                d.mime_type(),
                d.data()
            )),
            (want_mime, Ok(d)) => {
                let want_body: Vec<u8> = v[2]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap() as u8)
                    .collect();
                if d.mime_type() != want_mime.as_str().unwrap() || d.data() != &want_body[..] {
                    failures.push(format!(
                        "{input:?}: got {:?} {:?}, want {want_mime} {want_body:?}",
                        d.mime_type(),
                        d.data()
                    ));
                }
            }
            (want, Err(e)) => failures.push(format!("{input:?}: got {e:?}, want {want}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn error_kinds() {
    assert_eq!(
        data_uri::decode("http://x/,a"),
        Err(DataUriError::NotDataUri)
    );
    assert_eq!(data_uri::decode("no scheme"), Err(DataUriError::NotDataUri));
    assert_eq!(
        data_uri::decode("data:text/plain"),
        Err(DataUriError::MissingComma)
    );
    // The base64 error is kept, its offsets counted in the body.
    assert_eq!(
        data_uri::decode("data:;base64,A"),
        Err(DataUriError::InvalidBase64(
            pixb64::base64::DecodeError::InvalidLength { len: 1 }
        ))
    );
    assert_eq!(
        data_uri::decode("data:;base64,QU!!"),
        Err(DataUriError::InvalidBase64(
            pixb64::base64::DecodeError::InvalidByte {
                offset: 2,
                byte: b'!'
            }
        ))
    );
    assert_eq!(
        data_uri::decode("data://test:test/,X"),
        Err(DataUriError::InvalidUri { offset: 12 })
    );
    // Case-insensitive scheme, surrounding C0/space trimmed, tabs and newlines removed.
    let d = data_uri::decode(" \u{1}DaTa:image/PNG;base64,iV\nBO\tRw==#frag ").unwrap();
    assert_eq!(d.mime_type(), "image/png");
    assert_eq!(d.data(), b"\x89PNG");
}

#[test]
fn encode_round_trips_and_counts() {
    for n in [0usize, 1, 2, 3, 100, 4099] {
        let data: Vec<u8> = (0..n).map(|i| (i * 131 + 7) as u8).collect();
        let uri = data_uri::encode("image/png", &data);
        assert!(uri.starts_with("data:image/png;base64,"));
        assert_eq!(Some(uri.len()), data_uri::encoded_len("image/png", n));
        let d = data_uri::decode(&uri).unwrap();
        assert_eq!(d.mime_type(), "image/png");
        assert_eq!(d.data(), &data[..]);
    }
}
