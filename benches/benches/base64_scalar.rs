//! pixb64's scalar base64 backend against the `base64` crate (0.23) and a
//! `memcpy` of the same byte count, at 16 B, 64 B, 1 KiB, 64 KiB and 1 MiB.
//!
//! Run and summarise (medians, GB/s of raw bytes, ratios):
//!
//! ```text
//! cargo bench -p pixb64-benches --bench base64_scalar && python3 benches/report.py
//! ```
//!
//! Groups are `encode/<size>`, `decode/<size>` and `decode-forgiving-crlf76/<size>`;
//! functions are `pixb64-scalar`, `base64-0.23` and `memcpy`. Every group's
//! throughput is the raw (decoded) byte count, in both directions, so the
//! numbers compare across directions and against `memcpy`. All output goes into
//! buffers allocated once, outside the timed loop.

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use pixb64::base64::{Backend, LineEnding, FORGIVING, STANDARD};

/// Raw sizes, with the label used in the group name.
const SIZES: [(usize, &str); 5] = [
    (16, "16B"),
    (64, "64B"),
    (1 << 10, "1KiB"),
    (64 << 10, "64KiB"),
    (1 << 20, "1MiB"),
];

/// Deterministic pseudo-random bytes (xorshift64, fixed seed).
fn pseudo_random(len: usize) -> Vec<u8> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.extend_from_slice(&s.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Short timings: the whole file runs in a few minutes on a 2-core machine.
fn configure<M: criterion::measurement::Measurement>(
    g: &mut BenchmarkGroup<'_, M>,
    raw_len: usize,
) {
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(30)
        .throughput(Throughput::Bytes(raw_len as u64));
}

fn bench_memcpy<M: criterion::measurement::Measurement>(g: &mut BenchmarkGroup<'_, M>, raw: &[u8]) {
    let mut dst = vec![0u8; raw.len()];
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(raw));
            black_box(&mut dst);
        })
    });
}

fn benches(c: &mut Criterion) {
    let scalar = STANDARD
        .with_backend(Backend::Scalar)
        .expect("the scalar backend is always available");
    let forgiving = FORGIVING
        .with_backend(Backend::Scalar)
        .expect("the scalar backend is always available");
    let peer = base64::engine::general_purpose::STANDARD;

    for (len, label) in SIZES {
        let raw = pseudo_random(len);
        let encoded = scalar.encode(&raw);
        let wrapped = scalar.encode_wrapped(&raw, 76, LineEnding::CrLf);

        // Sanity: both codecs agree on these inputs before anything is timed.
        assert_eq!(encoded, peer.encode(&raw), "encoders disagree at {label}");
        assert_eq!(
            scalar.decode(&encoded).unwrap(),
            raw,
            "pixb64 decode at {label}"
        );
        assert_eq!(
            forgiving.decode(&wrapped).unwrap(),
            raw,
            "forgiving decode at {label}"
        );

        // Encode: raw -> symbols.
        let mut enc_out = vec![0u8; encoded.len()];
        let mut g = c.benchmark_group(format!("encode/{label}"));
        configure(&mut g, len);
        g.bench_function("pixb64-scalar", |b| {
            b.iter(|| {
                let n = scalar
                    .encode_to_slice(black_box(&raw), black_box(&mut enc_out))
                    .unwrap();
                black_box(n)
            })
        });
        g.bench_function("base64-0.23", |b| {
            b.iter(|| {
                let n = peer
                    .encode_slice(black_box(&raw), black_box(&mut enc_out))
                    .unwrap();
                black_box(n)
            })
        });
        bench_memcpy(&mut g, &raw);
        g.finish();

        // Decode: symbols -> raw. The peer's `decode_slice` wants room for its
        // conservative estimate (whole groups of 3), so leave a few bytes spare.
        let mut dec_out = vec![0u8; len + 3];
        let mut g = c.benchmark_group(format!("decode/{label}"));
        configure(&mut g, len);
        g.bench_function("pixb64-scalar", |b| {
            b.iter(|| {
                let n = scalar
                    .decode_to_slice(black_box(encoded.as_bytes()), black_box(&mut dec_out))
                    .unwrap();
                black_box(n)
            })
        });
        g.bench_function("base64-0.23", |b| {
            b.iter(|| {
                let n = peer
                    .decode_slice(black_box(encoded.as_bytes()), black_box(&mut dec_out))
                    .unwrap();
                black_box(n)
            })
        });
        bench_memcpy(&mut g, &raw);
        g.finish();

        // Forgiving decode of MIME-style text: 76 columns, CRLF (pixb64 only).
        let mut g = c.benchmark_group(format!("decode-forgiving-crlf76/{label}"));
        configure(&mut g, len);
        g.bench_function("pixb64-scalar", |b| {
            b.iter(|| {
                let n = forgiving
                    .decode_to_slice(black_box(wrapped.as_bytes()), black_box(&mut dec_out))
                    .unwrap();
                black_box(n)
            })
        });
        bench_memcpy(&mut g, &raw);
        g.finish();
    }
}

criterion_group!(base64_scalar, benches);
criterion_main!(base64_scalar);
