//! Differential base64 decoding. The first byte picks the codec and a
//! backend; the rest is the input. Every available backend must equal the
//! scalar one (bytes, or the error with its offset), with a roomy and an exact
//! output; strict codecs must agree with the `base64` crate on accept/reject
//! and bytes; FORGIVING with the plain WHATWG reference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pixb64::base64::Backend;
use pixb64_fuzz::{backends, codec, whatwg_forgiving_decode};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let (config, reference) = codec(sel);
    let scalar = config.with_backend(Backend::Scalar).unwrap();
    let want = scalar.decode(input);
    for b in backends() {
        let c = config.with_backend(b).unwrap();
        let mut out = vec![0xA5u8; c.decoded_len_max(input.len()) + 64];
        let got = c
            .decode_to_slice(input, &mut out)
            .map(|n| out[..n].to_vec());
        assert_eq!(got, want, "backend {b}");
        if let Ok(v) = &got {
            assert!(
                out[v.len()..].iter().all(|&x| x == 0xA5),
                "wrote past n, {b}"
            );
        }
        let mut in_place = input.to_vec();
        let ip = c
            .decode_in_place(&mut in_place)
            .map(|n| in_place[..n].to_vec());
        assert_eq!(ip, want, "in place, backend {b}");
    }
    match reference {
        Some(engine) => {
            use base64::Engine as _;
            let theirs = engine.decode(input);
            assert_eq!(
                want.is_ok(),
                theirs.is_ok(),
                "accept/reject vs base64 crate"
            );
            if let (Ok(a), Ok(b)) = (&want, &theirs) {
                assert_eq!(a, b);
            }
        }
        None => assert_eq!(want.ok(), whatwg_forgiving_decode(input), "vs WHATWG"),
    }
});
