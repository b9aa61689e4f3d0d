//! Small-input base64 timings over many buffer placements.
//!
//! At 16 B - 1 KiB one call takes 4-50 ns, and on this CPU (Zen 4) the time
//! of the same call moves by up to 2-3x with where the input and output
//! buffers sit relative to each other (4 KiB aliasing between loads and
//! recent stores), for every library. A criterion run measures one
//! placement per size, so its ranking at these sizes depends on the
//! allocator. This bench puts input and output at 16 placements (offsets
//! from a 4 KiB boundary: 0, 32, 64, 1024, 2048, 4032 for each side, a
//! fixed set of pairs) and reports, per function, the median over the
//! placements of the best of 9 runs of 20k calls, in ns per call.
//!
//! One table per pixb64 SIMD backend this CPU runs (AVX-512 VBMI, AVX2,
//! SSSE3), each against the same peer numbers: simdutf picks its best
//! implementation (AVX-512 on Zen 4; `SIMDUTF_FORCE_IMPLEMENTATION=haswell`
//! makes it AVX2, and the header says so), and base64-simd 0.8 has no
//! AVX-512 kernels, so it runs AVX2 on any AVX2 CPU (it has no switch to
//! force SSSE3).
//!
//! `cargo bench -p pixb64-benches --bench base64_placement`
use std::hint::black_box;
use std::time::Instant;

use pixb64::base64::{Backend, Base64, STANDARD};

const PAIRS: [(usize, usize); 16] = [
    (0, 0),
    (0, 32),
    (0, 64),
    (0, 1024),
    (0, 2048),
    (0, 4032),
    (32, 0),
    (64, 0),
    (1024, 0),
    (2048, 0),
    (4032, 0),
    (32, 2048),
    (64, 1024),
    (1024, 2048),
    (2048, 64),
    (4032, 32),
];

fn best_ns(mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..9 {
        let t = Instant::now();
        for _ in 0..20_000 {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / 20_000.0);
    }
    best
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    (v[(n - 1) / 2] + v[n / 2]) / 2.0
}

/// A slice of `len` bytes at `off` past a 4 KiB boundary inside `buf`.
fn at(buf: &mut [u8], off: usize, len: usize) -> &mut [u8] {
    let base = buf.as_ptr() as usize;
    let start = (4096 - base % 4096) % 4096 + off;
    &mut buf[start..start + len]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let ours: Vec<(Backend, Base64)> = [Backend::Avx512Vbmi, Backend::Avx2, Backend::Ssse3]
        .into_iter()
        .filter_map(|b| Some((b, STANDARD.with_backend(b)?)))
        .collect();
    if ours.is_empty() {
        println!("no x86 SIMD backend here; nothing to compare");
        return;
    }
    let simdutf_isa = match std::env::var("SIMDUTF_FORCE_IMPLEMENTATION") {
        Ok(name) => name,
        Err(_) => "best".to_string(),
    };
    let b64s = base64_simd::STANDARD;
    let sizes = [16usize, 32, 48, 64, 256, 1024, 4096, 16384];
    // rows[size][op]: (ours per backend, simdutf, base64-simd)
    let mut rows = Vec::new();
    for n in sizes {
        let raw: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
        let text = STANDARD.encode(&raw);
        let tl = text.len();
        let mut ibuf = vec![0u8; 65536];
        let mut obuf = vec![0u8; 65536];
        let mut e = vec![vec![]; ours.len()];
        let mut d = vec![vec![]; ours.len()];
        let (mut es, mut eb) = (vec![], vec![]);
        let (mut ds, mut db) = (vec![], vec![]);
        for (io, oo) in PAIRS {
            let placed = at(&mut ibuf, io, n);
            placed.copy_from_slice(&raw);
            let input_placed: &[u8] = placed;
            let out = at(&mut obuf, oo, tl + 64);
            for (k, (_, codec)) in ours.iter().enumerate() {
                e[k].push(best_ns(|| {
                    black_box(
                        codec
                            .encode_to_slice(black_box(input_placed), black_box(&mut *out))
                            .unwrap(),
                    );
                }));
            }
            es.push(best_ns(|| {
                // SAFETY: `out` has room for the padded encoding.
                black_box(unsafe {
                    simdutf::binary_to_base64(
                        black_box(input_placed.as_ptr()),
                        n,
                        black_box(out.as_mut_ptr()),
                        simdutf::Base64Options::Default,
                    )
                });
            }));
            eb.push(best_ns(|| {
                black_box(
                    b64s.encode(
                        black_box(input_placed),
                        base64_simd::Out::from_slice(black_box(&mut out[..tl])),
                    )
                    .len(),
                );
            }));
            // Decode: the text at the input placement, bytes to the output one.
            let placed = at(&mut ibuf, io, tl);
            placed.copy_from_slice(text.as_bytes());
            let tpl: &[u8] = placed;
            let dout = at(&mut obuf, oo, n + 64);
            for (k, (_, codec)) in ours.iter().enumerate() {
                d[k].push(best_ns(|| {
                    black_box(
                        codec
                            .decode_to_slice(black_box(tpl), black_box(&mut *dout))
                            .unwrap(),
                    );
                }));
            }
            ds.push(best_ns(|| {
                let mut len = n + 64;
                // SAFETY: `dout` has n + 64 bytes, more than simdutf's room for `tpl`.
                black_box(unsafe {
                    simdutf::base64_to_binary_safe(
                        black_box(tpl.as_ptr()),
                        tl,
                        black_box(dout.as_mut_ptr()),
                        &mut len,
                        simdutf::Base64Options::Default,
                        simdutf::LastChunkHandlingOptions::Loose,
                        false,
                    )
                });
            }));
            db.push(best_ns(|| {
                black_box(
                    b64s.decode(
                        black_box(tpl),
                        base64_simd::Out::from_slice(black_box(&mut dout[..n])),
                    )
                    .unwrap()
                    .len(),
                );
            }));
        }
        let med = |v: Vec<Vec<f64>>| v.into_iter().map(median).collect::<Vec<_>>();
        rows.push((
            n,
            [
                ("encode", med(e), median(es), median(eb)),
                ("decode", med(d), median(ds), median(db)),
            ],
        ));
    }
    println!(
        "ns per call, median over {} placements (best of 9 x 20k calls each)",
        PAIRS.len()
    );
    for (k, (backend, _)) in ours.iter().enumerate() {
        println!();
        println!(
            "| size | op | pixb64-{backend} | simdutf ({simdutf_isa}) | base64-simd (AVX2) | pixb64 / fastest peer |"
        );
        println!("|---:|---|---:|---:|---:|---:|");
        for (n, ops) in &rows {
            for (op, a, b, c) in ops {
                let a = a[k];
                println!(
                    "| {n} B | {op} | {a:.2} | {b:.2} | {c:.2} | {:.2}x |",
                    b.min(*c) / a
                );
            }
        }
    }
}
