//! Encode with every backend (equal to scalar and to the `base64` crate), then
//! decode with every backend back to the input; also the wrapped encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pixb64::base64::{Backend, LineEnding};
use pixb64_fuzz::{backends, codec};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let (config, reference) = codec(sel);
    let want = config.with_backend(Backend::Scalar).unwrap().encode(input);
    if let Some(engine) = reference {
        use base64::Engine as _;
        assert_eq!(want, engine.encode(input));
    }
    for b in backends() {
        let c = config.with_backend(b).unwrap();
        let mut out = vec![0xA5u8; want.len() + 64];
        let n = c.encode_to_slice(input, &mut out).unwrap();
        assert_eq!(&out[..n], want.as_bytes(), "encode, backend {b}");
        assert!(
            out[n..].iter().all(|&x| x == 0xA5),
            "wrote past the end, {b}"
        );
        assert_eq!(c.decode(&want).unwrap(), input, "decode, backend {b}");
    }
    let width = usize::from(sel / 5 % 100) + 1;
    let wrapped = config.encode_wrapped(input, width, LineEnding::CrLf);
    let lenient = config.with_whitespace_skipped(true);
    assert_eq!(
        lenient.decode(&wrapped).unwrap(),
        input,
        "wrapped at {width}"
    );
});
