//! pixb64's base64 backends (each forced, plus the auto-detected default)
//! against `simdutf` (C++), `base64` 0.23 `engine::Simd`, `base64-simd` and a
//! `memcpy` of the same byte count, at 16 B .. 16 MiB, encode and decode; plus
//! pixb64 `FORGIVING` decode of 76-column line-wrapped text against `STANDARD`
//! decode of the same text unwrapped. This is item 4 ("Speed") of issue 3.
//!
//! simdutf picks its kernel once per process, so its AVX2 and SSE numbers come
//! from separate runs with `SIMDUTF_FORCE_IMPLEMENTATION=haswell` / `=westmere`.
//! `benches/run_simd.sh` makes the three runs (each into its own
//! `CRITERION_HOME`) and prints `benches/report_simd.py`'s tables:
//!
//! ```text
//! benches/run_simd.sh                       # all three runs, then the report
//! cargo bench -p pixb64-benches --bench base64_simd -- 'encode/1KiB/'   # a filter
//! ```
//!
//! Groups are `encode/<size>`, `decode/<size>` and
//! `decode-forgiving-wrapped76/<size>`. Functions in `encode`/`decode`:
//! `pixb64-auto` (no backend forced: what `STANDARD` picks), `pixb64-<backend>`
//! for every backend this CPU runs (`Backend::name()`), `simdutf-<impl>` (`<impl>`
//! is `$SIMDUTF_FORCE_IMPLEMENTATION`, or `default`), `base64-0.23-simd`,
//! `base64-simd` and `memcpy`. In `decode-forgiving-wrapped76`, per backend:
//! `pixb64-<backend>-forgiving-lf`, `pixb64-<backend>-forgiving-crlf` (FORGIVING
//! decode of the text wrapped at 76 columns) and `pixb64-<backend>-standard-clean`
//! (STANDARD decode of the unwrapped text). Throughput is always the raw
//! (decoded) byte count, so every number compares with `memcpy`. Inputs are
//! xorshift64 bytes from a fixed seed; outputs go to buffers allocated once,
//! outside the timed loop. Up to 1 KiB, each timed loop cycles through 8
//! placements of its input and output relative to 4 KiB (see [`ROTATION`]),
//! the same for every function, so the mean it reports does not hang on the
//! allocator's one placement. Before anything is timed, every codec's output is
//! asserted equal to pixb64 scalar's.
//!
//! Environment knobs (on top of criterion's own arguments and filters):
//! `PIXB64_BENCH_QUICK=1` shortens every measurement (a smoke run, numbers
//! noisier).

use std::hint::black_box;
use std::time::Duration;

use base64::engine::general_purpose::PAD;
use base64::engine::simd::Simd as Base64Simd;
use base64::Engine as _;
use base64_simd::Out;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use pixb64::base64::{Backend, Base64, LineEnding, FORGIVING, STANDARD};
use simdutf::{Base64Options, ErrorCode, LastChunkHandlingOptions};

/// Raw sizes, with the label used in the group name.
const SIZES: [(usize, &str); 8] = [
    (16, "16B"),
    (64, "64B"),
    (256, "256B"),
    (1 << 10, "1KiB"),
    (16 << 10, "16KiB"),
    (256 << 10, "256KiB"),
    (1 << 20, "1MiB"),
    (16 << 20, "16MiB"),
];

/// Deterministic pseudo-random bytes (xorshift64, fixed seed; the same
/// generator as `base64_scalar`).
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

/// Input/output offsets from a 4 KiB boundary that the timed loops of sizes
/// up to [`ROTATE_MAX`] cycle through, one placement per call (a subset of
/// `base64_placement`'s pairs). At those sizes the time of one call moves by
/// up to 2-3x with where the two buffers sit relative to each other (4 KiB
/// aliasing between loads and recent stores, stores that cross a page), for
/// every library, so a single placement ranks them by luck; the mean over
/// these is what criterion reports. The loop's own cost (an index and two
/// slices) is the same for every function.
const ROTATION: [(usize, usize); 8] = [
    (0, 0),
    (0, 64),
    (0, 2048),
    (0, 4032),
    (64, 0),
    (2048, 0),
    (4032, 0),
    (1024, 2048),
];
/// The largest size whose loops rotate: 8 placements of 1 KiB and its
/// encoding stay within L1 (larger ones would measure L2 instead).
const ROTATE_MAX: usize = 1 << 10;

/// `data` at each placement of [`ROTATION`] (or once, above [`ROTATE_MAX`]),
/// each with an output buffer of `out_len` bytes; [`next`](Placed::next)
/// hands out the next pair.
struct Placed {
    input: Vec<u8>,
    output: Vec<u8>,
    at: Vec<(usize, usize)>,
    in_len: usize,
    out_len: usize,
    next: usize,
}

impl Placed {
    fn new(data: &[u8], out_len: usize) -> Placed {
        let pairs: &[(usize, usize)] = if data.len() <= ROTATE_MAX {
            &ROTATION
        } else {
            &[(0, 0)]
        };
        // One region per placement, each starting on a 4 KiB boundary of
        // the buffer (found at run time) and long enough for any offset.
        let region = |len: usize| (len + 4096 + 64).next_multiple_of(4096);
        let (ri, ro) = (region(data.len()), region(out_len));
        let mut input = vec![0u8; ri * pairs.len() + 4096];
        let output = vec![0u8; ro * pairs.len() + 4096];
        let base = |v: &[u8]| (4096 - v.as_ptr() as usize % 4096) % 4096;
        let (bi, bo) = (base(&input), base(&output));
        let at: Vec<(usize, usize)> = pairs
            .iter()
            .enumerate()
            .map(|(j, &(io, oo))| (bi + j * ri + io, bo + j * ro + oo))
            .collect();
        for &(i, _) in &at {
            input[i..i + data.len()].copy_from_slice(data);
        }
        Placed {
            input,
            output,
            at,
            in_len: data.len(),
            out_len,
            next: 0,
        }
    }

    /// The next placement's input and output.
    #[inline(always)]
    fn next(&mut self) -> (&[u8], &mut [u8]) {
        let (i, o) = self.at[self.next];
        self.next = (self.next + 1) % self.at.len();
        (
            &self.input[i..i + self.in_len],
            &mut self.output[o..o + self.out_len],
        )
    }
}

/// The implementation simdutf was told to use, for the function name.
fn simdutf_impl() -> String {
    match std::env::var("SIMDUTF_FORCE_IMPLEMENTATION") {
        Ok(s) if !s.is_empty() => s,
        _ => "default".to_owned(),
    }
}

/// Timing per size. Small sizes: many short iterations, 30 samples. From
/// 1 MiB: 10 samples, flat sampling (each iteration already takes 0.1-10 ms).
/// The whole file runs in about 8 minutes on this 2-core machine.
fn configure(g: &mut BenchmarkGroup<'_, WallTime>, raw_len: usize) {
    let quick = std::env::var_os("PIXB64_BENCH_QUICK").is_some_and(|v| v != "0");
    let (warm, measure, samples) = match (quick, raw_len >= 1 << 20) {
        (true, _) => (100, 200, 10),
        (false, false) => (300, 1000, 30),
        (false, true) => (300, 1500, 10),
    };
    g.warm_up_time(Duration::from_millis(warm))
        .measurement_time(Duration::from_millis(measure))
        .sample_size(samples)
        .throughput(Throughput::Bytes(raw_len as u64));
    if raw_len >= 1 << 20 {
        g.sampling_mode(SamplingMode::Flat);
    }
}

fn bench_memcpy(g: &mut BenchmarkGroup<'_, WallTime>, raw: &[u8]) {
    let mut p = Placed::new(raw, raw.len());
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            let (src, dst) = p.next();
            dst.copy_from_slice(black_box(src));
            black_box(dst);
        })
    });
}

// Thin wrappers so the checks and the timed loops call the peers identically.

/// simdutf's encode of `raw` into `out`; returns the encoded length.
///
/// # Safety
///
/// `out.len() >= raw.len().div_ceil(3) * 4` (the padded length). Not checked
/// here, for the same reason as in `simdutf_decode`.
unsafe fn simdutf_encode(raw: &[u8], out: &mut [u8]) -> usize {
    debug_assert!(
        out.len() >= simdutf::base64_length_from_binary(raw.len(), Base64Options::Default)
    );
    // SAFETY: `raw` is valid for reads of its length; `out` is valid for
    // writes of the padded length (the caller's contract); no overlap.
    unsafe {
        simdutf::binary_to_base64(
            raw.as_ptr(),
            raw.len(),
            out.as_mut_ptr(),
            Base64Options::Default,
        )
    }
}

/// The output room simdutf's decoder requires for `text`.
fn simdutf_decode_room(text: &[u8]) -> usize {
    // SAFETY: `text` is valid for reads of its length.
    unsafe { simdutf::maximal_binary_length_from_base64(text.as_ptr(), text.len()) }
}

/// simdutf's decode of `text` into `out`, which it may fill up to
/// `simdutf_decode_room(text)` bytes (more than the decoded length).
///
/// # Safety
///
/// `out.len() >= simdutf_decode_room(text)`. Not checked here: the check is an
/// FFI call, which would weigh on the 16 B timings.
unsafe fn simdutf_decode(text: &[u8], out: &mut [u8]) -> usize {
    debug_assert!(out.len() >= simdutf_decode_room(text));
    // SAFETY: `text` is valid for reads of its length; `out` is valid for
    // writes of `maximal_binary_length_from_base64(text)` bytes (the caller's
    // contract); they do not overlap.
    let r = unsafe {
        simdutf::base64_to_binary(
            text.as_ptr(),
            text.len(),
            out.as_mut_ptr(),
            Base64Options::Default,
            LastChunkHandlingOptions::Loose,
        )
    };
    assert!(r.error == ErrorCode::Success, "simdutf decode: {r:?}");
    r.count
}

fn base64_simd_encode(raw: &[u8], out: &mut [u8]) -> usize {
    base64_simd::STANDARD
        .encode(raw, Out::from_slice(out))
        .len()
}

fn base64_simd_decode(text: &[u8], out: &mut [u8]) -> usize {
    base64_simd::STANDARD
        .decode(text, Out::from_slice(out))
        .expect("base64-simd decode")
        .len()
}

/// Every forced backend this CPU runs, with its function name.
fn backends() -> Vec<(Backend, Base64, String)> {
    Backend::ALL
        .iter()
        .copied()
        .filter_map(|b| {
            let codec = STANDARD.with_backend(b)?;
            Some((b, codec, format!("pixb64-{}", b.name())))
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let scalar = STANDARD
        .with_backend(Backend::Scalar)
        .expect("scalar is always available");
    let backends = backends();
    let simdutf_name = format!("simdutf-{}", simdutf_impl());
    let b64 = Base64Simd::standard(PAD);
    eprintln!(
        "pixb64 Backend::detect() = {}; forced backends: {}; {}",
        Backend::detect(),
        backends
            .iter()
            .map(|(_, _, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        simdutf_name,
    );

    for (len, label) in SIZES {
        let raw = pseudo_random(len);
        let encoded = scalar.encode(&raw);
        let text = encoded.as_bytes();
        let wrapped_lf = scalar.encode_wrapped(&raw, 76, LineEnding::Lf);
        let wrapped_crlf = scalar.encode_wrapped(&raw, 76, LineEnding::CrLf);

        let mut enc_out = vec![0u8; encoded.len()];
        // Room for every decoder's own estimate (base64 0.23 wants whole groups
        // of 3; simdutf its `maximal_binary_length_from_base64`).
        let dec_room = (len + 3).max(simdutf_decode_room(text));
        let mut dec_out = vec![0u8; dec_room];

        // ---- Check every codec against pixb64 scalar before timing anything.
        let check_enc = |name: &str, n: usize, out: &[u8]| {
            assert_eq!(n, text.len(), "{name} encode length at {label}");
            assert!(
                out[..n] == *text,
                "{name} encode output differs from pixb64 scalar at {label}"
            );
        };
        let check_dec = |name: &str, n: usize, out: &[u8]| {
            assert_eq!(n, len, "{name} decode length at {label}");
            assert!(
                out[..n] == raw[..],
                "{name} decode output differs from pixb64 scalar at {label}"
            );
        };
        let scrub = |buf: &mut [u8]| buf.fill(0xA5);
        assert_eq!(scalar.decode(text).expect("scalar decode"), raw);
        for (b, codec, name) in backends
            .iter()
            .map(|(b, c, n)| (Some(*b), *c, n.as_str()))
            .chain([(None, STANDARD, "pixb64-auto")])
        {
            scrub(&mut enc_out);
            check_enc(
                name,
                codec.encode_to_slice(&raw, &mut enc_out).unwrap(),
                &enc_out,
            );
            scrub(&mut dec_out);
            check_dec(
                name,
                codec.decode_to_slice(text, &mut dec_out).unwrap(),
                &dec_out,
            );
            if let Some(b) = b {
                let forgiving = FORGIVING.with_backend(b).unwrap();
                for w in [&wrapped_lf, &wrapped_crlf] {
                    scrub(&mut dec_out);
                    check_dec(
                        name,
                        forgiving
                            .decode_to_slice(w.as_bytes(), &mut dec_out)
                            .unwrap(),
                        &dec_out,
                    );
                }
            }
        }
        scrub(&mut enc_out);
        // SAFETY: `enc_out` has the padded encoded length (`scalar.encode`'s).
        let n = unsafe { simdutf_encode(&raw, &mut enc_out) };
        check_enc(&simdutf_name, n, &enc_out);
        scrub(&mut dec_out);
        // SAFETY: `dec_out` has `dec_room >= simdutf_decode_room(text)` bytes.
        let n = unsafe { simdutf_decode(text, &mut dec_out) };
        check_dec(&simdutf_name, n, &dec_out);
        scrub(&mut enc_out);
        check_enc(
            "base64-0.23-simd",
            b64.encode_slice(&raw, &mut enc_out).unwrap(),
            &enc_out,
        );
        scrub(&mut dec_out);
        check_dec(
            "base64-0.23-simd",
            b64.decode_slice(text, &mut dec_out).unwrap(),
            &dec_out,
        );
        scrub(&mut enc_out);
        check_enc(
            "base64-simd",
            base64_simd_encode(&raw, &mut enc_out),
            &enc_out,
        );
        scrub(&mut dec_out);
        check_dec(
            "base64-simd",
            base64_simd_decode(text, &mut dec_out),
            &dec_out,
        );

        // ---- Encode: raw -> symbols.
        let mut g = c.benchmark_group(format!("encode/{label}"));
        configure(&mut g, len);
        let mut enc = Placed::new(&raw, enc_out.len());
        let auto = [(STANDARD, "pixb64-auto".to_owned())];
        for (codec, name) in auto
            .iter()
            .cloned()
            .chain(backends.iter().map(|(_, c, n)| (*c, n.clone())))
        {
            g.bench_function(name, |b| {
                b.iter(|| {
                    let (i, o) = enc.next();
                    black_box(codec.encode_to_slice(black_box(i), black_box(o)).unwrap())
                })
            });
        }
        g.bench_function(simdutf_name.as_str(), |b| {
            b.iter(|| {
                let (i, o) = enc.next();
                // SAFETY: `o` has the padded encoded length (`scalar.encode`'s).
                let n = unsafe { simdutf_encode(black_box(i), black_box(o)) };
                black_box(n)
            })
        });
        g.bench_function("base64-0.23-simd", |b| {
            b.iter(|| {
                let (i, o) = enc.next();
                black_box(b64.encode_slice(black_box(i), black_box(o)).unwrap())
            })
        });
        g.bench_function("base64-simd", |b| {
            b.iter(|| {
                let (i, o) = enc.next();
                black_box(base64_simd_encode(black_box(i), black_box(o)))
            })
        });
        bench_memcpy(&mut g, &raw);
        g.finish();

        // ---- Decode: symbols -> raw.
        let mut dec = Placed::new(text, dec_room);
        let mut g = c.benchmark_group(format!("decode/{label}"));
        configure(&mut g, len);
        for (codec, name) in auto
            .iter()
            .cloned()
            .chain(backends.iter().map(|(_, c, n)| (*c, n.clone())))
        {
            g.bench_function(name, |b| {
                b.iter(|| {
                    let (i, o) = dec.next();
                    black_box(codec.decode_to_slice(black_box(i), black_box(o)).unwrap())
                })
            });
        }
        g.bench_function(simdutf_name.as_str(), |b| {
            b.iter(|| {
                let (i, o) = dec.next();
                // SAFETY: `o` has `dec_room >= simdutf_decode_room(text)` bytes.
                let n = unsafe { simdutf_decode(black_box(i), black_box(o)) };
                black_box(n)
            })
        });
        g.bench_function("base64-0.23-simd", |b| {
            b.iter(|| {
                let (i, o) = dec.next();
                black_box(b64.decode_slice(black_box(i), black_box(o)).unwrap())
            })
        });
        g.bench_function("base64-simd", |b| {
            b.iter(|| {
                let (i, o) = dec.next();
                black_box(base64_simd_decode(black_box(i), black_box(o)))
            })
        });
        bench_memcpy(&mut g, &raw);
        g.finish();

        // ---- FORGIVING decode of 76-column text vs STANDARD decode of clean text.
        let mut g = c.benchmark_group(format!("decode-forgiving-wrapped76/{label}"));
        configure(&mut g, len);
        let mut lf = Placed::new(wrapped_lf.as_bytes(), dec_room);
        let mut crlf = Placed::new(wrapped_crlf.as_bytes(), dec_room);
        for (b, codec, name) in &backends {
            let forgiving = FORGIVING.with_backend(*b).unwrap();
            for (suffix, placed) in [("forgiving-lf", &mut lf), ("forgiving-crlf", &mut crlf)] {
                g.bench_function(format!("{name}-{suffix}"), |bn| {
                    bn.iter(|| {
                        let (i, o) = placed.next();
                        black_box(
                            forgiving
                                .decode_to_slice(black_box(i), black_box(o))
                                .unwrap(),
                        )
                    })
                });
            }
            g.bench_function(format!("{name}-standard-clean"), |bn| {
                bn.iter(|| {
                    let (i, o) = dec.next();
                    black_box(codec.decode_to_slice(black_box(i), black_box(o)).unwrap())
                })
            });
        }
        g.finish();
    }
}

criterion_group!(base64_simd, benches);
criterion_main!(base64_simd);
