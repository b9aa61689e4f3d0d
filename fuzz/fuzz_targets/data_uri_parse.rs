//! The data: URL processor takes any string without panicking; its body is
//! never longer than the input; and what it accepts re-parses to the same
//! value once re-encoded, when the MIME type has no `?` (a `?` in a URL starts
//! the query, whose serialization percent-encodes some bytes, and the
//! processor does not percent-decode the MIME type: so such a type cannot be
//! written into a data: URL verbatim, which `data_uri::encode` documents).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pixb64::data_uri;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = data_uri::decode(s) {
        assert!(d.data().len() <= s.len());
        if !d.mime_type().contains('?') {
            let again = data_uri::decode(&data_uri::encode(d.mime_type(), d.data())).unwrap();
            assert_eq!(again.data(), d.data());
            assert_eq!(again.mime_type(), d.mime_type());
        }
    }
});
