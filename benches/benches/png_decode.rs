//! PNG decoding: pixb64 against the `png` crate (0.18, `EXPAND`) and
//! `zune-png` (0.5), in one process, on the 24 Kodak photos (768x512 RGB)
//! written two ways at bench start: by the `png` crate at
//! `Compression::Balanced`, and by pixb64 at level 1.
//!
//! ```text
//! cargo bench -p pixb64-benches --bench png_decode
//! ```
//!
//! Groups are `decode/png-balanced` and `decode/pixb64-l1`; functions are
//! `pixb64`, `pixb64-nocheck` (CRC and Adler-32 skipped), `png-0.18`,
//! `png-0.18-nocheck` (its `ignore_checksums(true)`) and `zune-png-0.5`.
//! Each iteration decodes all 24 files, including the output allocation
//! (every decoder returns a fresh buffer); throughput is the
//! decoded pixel bytes (MB/s of pixels). A summary of medians and ratios
//! against `png-0.18` is printed at the end.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pixb64::png::{DecodeOptions, EncodeOptions};
use pixb64::Image;

struct Photo {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

fn photos() -> Vec<Photo> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/photos");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let img = pixb64::png::decode(&std::fs::read(p).unwrap()).unwrap();
            assert_eq!(img.channels(), 3);
            Photo {
                width: img.width(),
                height: img.height(),
                rgb: img.into_vec(),
            }
        })
        .collect()
}

fn encode_png_crate(p: &Photo) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, p.width, p.height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Balanced);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&p.rgb).unwrap();
    w.finish().unwrap();
    out
}

fn encode_pixb64(p: &Photo) -> Vec<u8> {
    let img = Image::new(p.width, p.height, 3, &p.rgb).unwrap();
    pixb64::png::encode(&img, &EncodeOptions::new().with_level(1))
}

fn decode_png_crate(data: &[u8]) -> Vec<u8> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(data));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    buf
}

/// The `png` crate with CRC and Adler-32 checks off: the same work as
/// `pixb64-nocheck` (by default it checks CRCs but not the Adler-32).
fn decode_png_crate_nocheck(data: &[u8]) -> Vec<u8> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(data));
    dec.set_transformations(png::Transformations::EXPAND);
    dec.ignore_checksums(true);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    buf
}

fn decode_zune(data: &[u8]) -> Vec<u8> {
    let mut dec = zune_png::PngDecoder::new(zune_png::zune_core::bytestream::ZCursor::new(data));
    dec.decode_raw().unwrap()
}

type Decoder = fn(&[u8]) -> Vec<u8>;

const DECODERS: [(&str, Decoder); 5] = [
    ("pixb64", |d| pixb64::png::decode(d).unwrap().into_vec()),
    ("pixb64-nocheck", |d| {
        pixb64::png::decode_with(d, &DecodeOptions::new().with_checksums(false))
            .unwrap()
            .into_vec()
    }),
    ("png-0.18", decode_png_crate),
    ("png-0.18-nocheck", decode_png_crate_nocheck),
    ("zune-png-0.5", decode_zune),
];

fn bench(c: &mut Criterion) {
    let photos = photos();
    let pixels: usize = photos.iter().map(|p| p.rgb.len()).sum();
    let corpora: [(&str, Vec<Vec<u8>>); 2] = [
        (
            "png-balanced",
            photos.iter().map(encode_png_crate).collect(),
        ),
        ("pixb64-l1", photos.iter().map(encode_pixb64).collect()),
    ];
    // Every decoder must give the same pixels before anything is timed.
    for (name, files) in &corpora {
        for (f, p) in files.iter().zip(&photos) {
            for (dname, d) in DECODERS {
                assert!(d(f) == p.rgb, "{dname} on {name}");
            }
        }
    }
    for (name, files) in &corpora {
        let compressed: usize = files.iter().map(Vec::len).sum();
        println!(
            "{name}: {} files, {pixels} pixel bytes, {compressed} compressed ({:.1}%)",
            files.len(),
            100.0 * compressed as f64 / pixels as f64
        );
        let mut g = c.benchmark_group(format!("decode/{name}"));
        g.throughput(Throughput::Bytes(pixels as u64));
        g.sample_size(20);
        g.measurement_time(Duration::from_secs(6));
        for (dname, d) in DECODERS {
            g.bench_function(dname, |b| {
                b.iter(|| {
                    for f in files {
                        black_box(d(black_box(f)));
                    }
                })
            });
        }
        g.finish();
    }
    summary(&corpora, pixels);
}

/// Interleaved rounds (every decoder once per round, so machine noise hits
/// all alike), median per decoder, ratio to the `png` crate.
fn summary(corpora: &[(&str, Vec<Vec<u8>>)], pixels: usize) {
    const ROUNDS: usize = 15;
    println!(
        "\nsummary: median of {ROUNDS} interleaved rounds, MB/s of pixels (ratio to png-0.18)"
    );
    for (name, files) in corpora {
        let mut times = vec![Vec::new(); DECODERS.len()];
        for _ in 0..ROUNDS {
            for (i, (_, d)) in DECODERS.iter().enumerate() {
                let t = Instant::now();
                for f in files {
                    black_box(d(black_box(f)));
                }
                times[i].push(t.elapsed().as_secs_f64());
            }
        }
        let mbs: Vec<f64> = times
            .iter_mut()
            .map(|t| {
                t.sort_by(f64::total_cmp);
                pixels as f64 / t[ROUNDS / 2] / 1e6
            })
            .collect();
        let base = mbs[2];
        let cells: Vec<String> = DECODERS
            .iter()
            .zip(&mbs)
            .map(|((n, _), m)| format!("{n} {m:.0} ({:.2}x)", m / base))
            .collect();
        println!("  {name:14} {}", cells.join("  "));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
