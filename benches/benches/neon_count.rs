//! Instructions per call of pixb64's small-input base64 paths against
//! base64-simd and simdutf, for targets without hardware to time them on
//! (NEON here): `benches/neon_counts.sh` cross-builds this for aarch64 and
//! runs it under `qemu-aarch64 -singlestep -d exec,nochain`, where every
//! executed instruction is one log line, once with 1 call and once with
//! 1,001; the difference over 1,000 is one call (the loop, 15 instructions,
//! is the `none` row).
//!
//! `neon_count LIB OP SIZE CALLS` with LIB `pixb64`, `b64simd`, `simdutf`
//! or `none`, OP `encode` or `decode`. Each library is called through the
//! same function pointer, chosen before the loop; with one call the output
//! is checked against the input pair made by pixb64's `STANDARD` (a cross
//! check of the peers; pixb64's own kernels are checked against scalar by
//! its test suite, which CI runs under qemu). Run by `cargo bench` with no
//! arguments, it says so and does nothing.
use std::hint::black_box;

type Call = fn(&[u8], &[u8], &mut [u8]) -> usize;

fn pixb64_encode(raw: &[u8], _: &[u8], out: &mut [u8]) -> usize {
    pixb64::base64::STANDARD.encode_to_slice(raw, out).unwrap()
}

fn pixb64_decode(_: &[u8], text: &[u8], out: &mut [u8]) -> usize {
    pixb64::base64::STANDARD.decode_to_slice(text, out).unwrap()
}

fn b64simd_encode(raw: &[u8], _: &[u8], out: &mut [u8]) -> usize {
    let n = raw.len().div_ceil(3) * 4;
    base64_simd::STANDARD
        .encode(raw, base64_simd::Out::from_slice(&mut out[..n]))
        .len()
}

fn b64simd_decode(raw: &[u8], text: &[u8], out: &mut [u8]) -> usize {
    base64_simd::STANDARD
        .decode(text, base64_simd::Out::from_slice(&mut out[..raw.len()]))
        .unwrap()
        .len()
}

fn simdutf_encode(raw: &[u8], _: &[u8], out: &mut [u8]) -> usize {
    assert!(out.len() >= raw.len().div_ceil(3) * 4);
    // SAFETY: `out` has room for the padded encoding (checked above).
    unsafe {
        simdutf::binary_to_base64(
            raw.as_ptr(),
            raw.len(),
            out.as_mut_ptr(),
            simdutf::Base64Options::Default,
        )
    }
}

fn simdutf_decode(_: &[u8], text: &[u8], out: &mut [u8]) -> usize {
    assert!(out.len() >= text.len() / 4 * 3);
    // SAFETY: `out` has room for the decoded bytes (checked above).
    let r = unsafe {
        simdutf::base64_to_binary(
            text.as_ptr(),
            text.len(),
            out.as_mut_ptr(),
            simdutf::Base64Options::Default,
            simdutf::LastChunkHandlingOptions::Loose,
        )
    };
    assert!(r.error == simdutf::ErrorCode::Success);
    r.count
}

fn none(raw: &[u8], _: &[u8], _: &mut [u8]) -> usize {
    raw.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 4 || args[0].starts_with('-') {
        println!("neon_count: run by benches/neon_counts.sh (usage: LIB OP SIZE CALLS)");
        return;
    }
    let call: Call = match (args[0].as_str(), args[1].as_str()) {
        ("pixb64", "encode") => pixb64_encode,
        ("pixb64", "decode") => pixb64_decode,
        ("b64simd", "encode") => b64simd_encode,
        ("b64simd", "decode") => b64simd_decode,
        ("simdutf", "encode") => simdutf_encode,
        ("simdutf", "decode") => simdutf_decode,
        ("none", _) => none,
        _ => panic!("unknown library or operation: {args:?}"),
    };
    let size: usize = args[2].parse().expect("SIZE");
    let calls: usize = args[3].parse().expect("CALLS");
    let mut s = 0x2545_f491_4f6c_dd1du64;
    let raw: Vec<u8> = (0..size)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as u8
        })
        .collect();
    let text = pixb64::base64::STANDARD.encode(&raw).into_bytes();
    let mut out = vec![0u8; 2 * size + 64];
    let call = black_box(call);
    let mut total = 0;
    for _ in 0..calls {
        total += call(black_box(&raw), black_box(&text), black_box(&mut out));
    }
    if calls == 1 && args[0] != "none" {
        let want: &[u8] = if args[1] == "encode" { &text } else { &raw };
        assert_eq!(&out[..want.len()], want, "{args:?}");
    }
    println!("{total}");
}
