//! PNG decoding: pixb64 against the `png` crate (0.18, `EXPAND`) and
//! `zune-png` (0.5), in one process, on the 24 Kodak photos (768x512 RGB)
//! written four ways at bench start: by the `png` crate at
//! `Compression::Balanced`, by OpenCV's `cv2.imencode` with its defaults
//! (through `$PYTHON`, skipped without cv2), and by pixb64 at levels 1 and
//! 6; and on the mixed and real-world sets as stored (screenshots, diagrams,
//! palette and gray files written by many tools).
//!
//! ```text
//! cargo bench -p pixb64-benches --bench png_decode
//! PIXB64_BENCH_SETS=kodak,mixed PIXB64_BENCH_ROUNDS=21 cargo bench ...
//! PIXB64_BENCH_PER_FILE=1 ...   (each file's medians in the summary)
//! ```
//!
//! Groups are `decode/<set>`; functions are
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

fn encode_pixb64(p: &Photo, level: u8) -> Vec<u8> {
    let img = Image::new(p.width, p.height, 3, &p.rgb).unwrap();
    pixb64::png::encode(&img, &EncodeOptions::new().with_level(level))
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

/// Every PNG of `tests/data/<sub>` as it is stored (written by many tools).
fn stored(sub: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(sub);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(p).unwrap())
        })
        .collect()
}

/// The photos as `cv2.imencode('.png', img)` writes them with OpenCV's
/// defaults (the recipe's own files), through `$PYTHON` (default
/// `python3`); `None` when it has no cv2.
fn encode_opencv(photos: &[Photo]) -> Option<Vec<Vec<u8>>> {
    let dir = std::env::temp_dir().join(format!("pixb64-bench-cv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    for (i, p) in photos.iter().enumerate() {
        std::fs::write(dir.join(format!("{i}.rgb")), &p.rgb).ok()?;
    }
    let script = format!(
        "import cv2, numpy as np\nfor i, (w, h) in enumerate({:?}):\n    a = np.fromfile('{d}/%d.rgb' % i, np.uint8).reshape(h, w, 3)[:, :, ::-1]\n    ok, b = cv2.imencode('.png', a)\n    assert ok\n    b.tofile('{d}/%d.png' % i)\n",
        photos.iter().map(|p| (p.width, p.height)).collect::<Vec<_>>(),
        d = dir.display()
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = std::process::Command::new(python)
        .args(["-c", &script])
        .status()
        .is_ok_and(|s| s.success());
    let files = ok.then(|| {
        (0..photos.len())
            .map(|i| std::fs::read(dir.join(format!("{i}.png"))).unwrap())
            .collect()
    });
    let _ = std::fs::remove_dir_all(&dir);
    files
}

/// One set of files to decode, with the pixel bytes they decode to.
struct Set {
    name: &'static str,
    names: Vec<String>,
    files: Vec<Vec<u8>>,
    pixels: usize,
}

fn sets(photos: &[Photo]) -> Vec<Set> {
    let numbered = |n: usize| (0..n).map(|i| format!("kodim{:02}", i + 1)).collect();
    let pixels = |files: &[Vec<u8>]| {
        files
            .iter()
            .map(|f| decode_png_crate(f).len())
            .sum::<usize>()
    };
    let mut kodak: Vec<(&'static str, Vec<Vec<u8>>)> = vec![(
        "kodak/png-balanced",
        photos.iter().map(encode_png_crate).collect(),
    )];
    match encode_opencv(photos) {
        Some(f) => kodak.push(("kodak/opencv", f)),
        None => println!("kodak/opencv skipped: no cv2 in $PYTHON (default python3)"),
    }
    kodak.push((
        "kodak/pixb64-l1",
        photos.iter().map(|p| encode_pixb64(p, 1)).collect(),
    ));
    kodak.push((
        "kodak/pixb64-l6",
        photos.iter().map(|p| encode_pixb64(p, 6)).collect(),
    ));
    let mut out: Vec<Set> = kodak
        .into_iter()
        .map(|(name, files)| Set {
            name,
            names: numbered(files.len()),
            pixels: pixels(&files),
            files,
        })
        .collect();
    for (name, sub) in [("mixed", "mixed"), ("realworld", "realworld")] {
        let (names, files): (Vec<_>, Vec<_>) = stored(sub).into_iter().unzip();
        out.push(Set {
            name,
            names,
            pixels: pixels(&files),
            files,
        });
    }
    out
}

fn bench(c: &mut Criterion) {
    let photos = photos();
    let sets = sets(&photos);
    // Every decoder must give the same pixels before anything is timed.
    for set in &sets {
        for (f, n) in set.files.iter().zip(&set.names) {
            let want = decode_png_crate(f);
            for (dname, d) in DECODERS {
                assert!(d(f) == want, "{dname} on {} {n}", set.name);
            }
        }
    }
    let only = std::env::var("PIXB64_BENCH_SETS").ok();
    let chosen = |s: &Set| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|x| s.name.starts_with(x)))
    };
    for set in sets.iter().filter(|s| chosen(s)) {
        let compressed: usize = set.files.iter().map(Vec::len).sum();
        println!(
            "{}: {} files, {} pixel bytes, {compressed} compressed ({:.1}%)",
            set.name,
            set.files.len(),
            set.pixels,
            100.0 * compressed as f64 / set.pixels as f64
        );
        let mut g = c.benchmark_group(format!("decode/{}", set.name));
        g.throughput(Throughput::Bytes(set.pixels as u64));
        g.sample_size(10);
        g.measurement_time(Duration::from_secs(3));
        for (dname, d) in DECODERS {
            g.bench_function(dname, |b| {
                b.iter(|| {
                    for f in &set.files {
                        black_box(d(black_box(f)));
                    }
                })
            });
        }
        g.finish();
    }
    summary(sets.iter().filter(|s| chosen(s)));
    base64_summary(sets.iter().filter(|s| chosen(s)));
    inflate_summary(sets.iter().filter(|s| chosen(s)));
}

/// The zlib stream of a PNG: its IDAT payloads joined.
fn idat_stream(png: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if &png[pos + 4..pos + 8] == b"IDAT" {
            out.extend_from_slice(&png[pos + 8..pos + 8 + len]);
        }
        pos += 12 + len;
    }
    out
}

type Inflater = fn(&[u8], &mut [u8]) -> usize;

/// Inflate alone, on each file's zlib stream into a buffer of exactly its
/// size (allocated once): pixb64's inflater against libdeflate (C, the
/// fastest published inflater), fdeflate (what the `png` crate and
/// pixb64's streaming pipelines use) and miniz_oxide. All check the
/// Adler-32. This is the bound on the whole decode: the rest is unfiltering.
const INFLATERS: [(&str, Inflater); 4] = [
    ("pixb64", |i, o| {
        pixb64::png::bench_hooks::inflate(i, o).unwrap()
    }),
    ("libdeflate-1.26", |i, o| {
        libdeflater::Decompressor::new()
            .zlib_decompress(i, o)
            .unwrap()
    }),
    ("fdeflate-0.3", |i, o| {
        let mut d = fdeflate::Decompressor::new();
        let (_, n) = d.read(i, o, 0, true).unwrap();
        assert!(d.is_done());
        n
    }),
    ("miniz_oxide-0.9", |i, o| {
        miniz_oxide::inflate::decompress_slice_iter_to_slice(o, std::iter::once(i), true, false)
            .unwrap()
    }),
];

fn inflate_summary<'a>(sets: impl Iterator<Item = &'a Set>) {
    let rounds = rounds();
    println!("\ninflate alone: median of {rounds} interleaved rounds per file, MB/s of output (ratio to libdeflate)");
    println!("| set | {} |", INFLATERS.map(|d| d.0).join(" | "));
    println!("|---|{}", "---:|".repeat(INFLATERS.len()));
    for set in sets {
        let streams: Vec<Vec<u8>> = set.files.iter().map(|f| idat_stream(f)).collect();
        let raw: Vec<Vec<u8>> = streams
            .iter()
            .map(|s| miniz_oxide::inflate::decompress_to_vec_zlib(s).unwrap())
            .collect();
        let mut bufs: Vec<Vec<u8>> = raw.iter().map(|r| vec![0; r.len()]).collect();
        for (i, (s, r)) in streams.iter().zip(&raw).enumerate() {
            for (name, f) in INFLATERS {
                bufs[i].fill(0);
                assert_eq!(f(s, &mut bufs[i]), r.len(), "{name}");
                assert!(bufs[i] == *r, "{name} on {}", set.names[i]);
            }
        }
        let mut times = vec![vec![Vec::new(); INFLATERS.len()]; streams.len()];
        for _ in 0..rounds {
            for (fi, s) in streams.iter().enumerate() {
                for (i, (_, f)) in INFLATERS.iter().enumerate() {
                    let t = Instant::now();
                    black_box(f(black_box(s), &mut bufs[fi]));
                    times[fi][i].push(t.elapsed().as_secs_f64());
                }
            }
        }
        for per in times.iter_mut().flatten() {
            per.sort_by(f64::total_cmp);
        }
        let total = |i: usize| times.iter().map(|per| per[i][rounds / 2]).sum::<f64>();
        let bytes: usize = raw.iter().map(Vec::len).sum();
        let mbs: Vec<f64> = (0..INFLATERS.len())
            .map(|i| bytes as f64 / total(i) / 1e6)
            .collect();
        let cells: Vec<String> = mbs
            .iter()
            .map(|m| format!("{m:.0} ({:.2}x)", m / mbs[1]))
            .collect();
        println!("| {} | {} |", set.name, cells.join(" | "));
    }
}

/// The recipe's way back from text: base64 text to pixels, pixb64's
/// `png::decode_base64` against `base64` 0.23 then the `png` crate, summed
/// per set over interleaved per-file medians.
fn base64_summary<'a>(sets: impl Iterator<Item = &'a Set>) {
    use base64::Engine as _;
    let rounds = rounds();
    println!(
        "\nbase64 text to pixels: median of {rounds} interleaved rounds per file, MB/s of pixels"
    );
    println!("| set | pixb64 decode_base64 | base64 0.23 + png 0.18 | ratio | worst file |");
    println!("|---|---:|---:|---:|---:|");
    let peer = base64::engine::general_purpose::STANDARD;
    for set in sets {
        let texts: Vec<String> = set.files.iter().map(|f| peer.encode(f)).collect();
        for t in &texts {
            let ours = pixb64::png::decode_base64(t, &pixb64::base64::STANDARD).unwrap();
            assert!(ours.into_vec() == decode_png_crate(&peer.decode(t).unwrap()));
        }
        let mut med = Vec::new();
        for t in &texts {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                // Alternate which goes first (see `summary`).
                for k in 0..2 {
                    let s = Instant::now();
                    if (k + round) % 2 == 0 {
                        black_box(
                            pixb64::png::decode_base64(black_box(t), &pixb64::base64::STANDARD)
                                .unwrap(),
                        );
                        a.push(s.elapsed().as_secs_f64());
                    } else {
                        black_box(decode_png_crate(&peer.decode(black_box(t)).unwrap()));
                        b.push(s.elapsed().as_secs_f64());
                    }
                }
            }
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            med.push((a[rounds / 2], b[rounds / 2]));
        }
        let (ta, tb): (f64, f64) = med.iter().fold((0.0, 0.0), |(x, y), m| (x + m.0, y + m.1));
        let worst = med
            .iter()
            .zip(&set.names)
            .map(|(m, n)| (m.1 / m.0, n))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(r, n)| format!("{r:.2}x ({n})"))
            .unwrap_or_default();
        let mb = |t: f64| set.pixels as f64 / t / 1e6;
        println!(
            "| {} | {:.0} | {:.0} | {:.2}x | {worst} |",
            set.name,
            mb(ta),
            mb(tb),
            tb / ta
        );
    }
}

/// Interleaved rounds (every decoder once per round and file, so machine
/// noise hits all alike, in a shuffled order), median per decoder and file; per set the ratio of
/// the summed medians to the `png` crate's, and the slowest single file
/// against the `png` crate and `zune-png`.
fn summary<'a>(sets: impl Iterator<Item = &'a Set>) {
    let rounds = rounds();
    println!("\nsummary: median of {rounds} interleaved rounds per file, MB/s of pixels (ratio to png-0.18)");
    println!(
        "| set | {} | worst file: pixb64 / png | worst file: pixb64 / zune |",
        DECODERS.map(|d| d.0).join(" | ")
    );
    println!("|---|{}---:|---:|", "---:|".repeat(DECODERS.len()));
    for set in sets {
        // times[file][decoder]
        let mut times = vec![vec![Vec::new(); DECODERS.len()]; set.files.len()];
        // The order is shuffled per round and file (fixed seed): a decoder
        // can leave the heap so that the next one's large output comes
        // from fresh pages (zune-png before anything made a 25 MB output
        // cost 2.5x in a fixed or rotating order), so nobody may always
        // follow the same decoder.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..rounds {
            for (fi, f) in set.files.iter().enumerate() {
                let mut order: [usize; DECODERS.len()] = std::array::from_fn(|i| i);
                for k in (1..order.len()).rev() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    order.swap(k, (seed % (k as u64 + 1)) as usize);
                }
                for i in order {
                    let t = Instant::now();
                    black_box((DECODERS[i].1)(black_box(f)));
                    times[fi][i].push(t.elapsed().as_secs_f64());
                }
            }
        }
        let med: Vec<Vec<f64>> = times
            .iter_mut()
            .map(|per| {
                per.iter_mut()
                    .map(|t| {
                        t.sort_by(f64::total_cmp);
                        t[rounds / 2]
                    })
                    .collect()
            })
            .collect();
        let total = |i: usize| med.iter().map(|m| m[i]).sum::<f64>();
        let mbs: Vec<f64> = (0..DECODERS.len())
            .map(|i| set.pixels as f64 / total(i) / 1e6)
            .collect();
        let base = mbs[2];
        let cells: Vec<String> = mbs
            .iter()
            .map(|m| format!("{m:.0} ({:.2}x)", m / base))
            .collect();
        if std::env::var_os("PIXB64_BENCH_PER_FILE").is_some() {
            for (m, n) in med.iter().zip(&set.names) {
                let ms: Vec<String> = m.iter().map(|t| format!("{:.2}", t * 1e3)).collect();
                println!("|   {n} | {} ms |", ms.join(" | "));
            }
        }
        // Speed ratio per file (>1: pixb64 faster); the worst file.
        let worst = |peer: usize| {
            med.iter()
                .zip(&set.names)
                .map(|(m, n)| (m[peer] / m[0], n))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(r, n)| format!("{r:.2}x ({n})"))
                .unwrap_or_default()
        };
        println!(
            "| {} | {} | {} | {} |",
            set.name,
            cells.join(" | "),
            worst(2),
            worst(4)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// Interleaved rounds per file: `PIXB64_BENCH_ROUNDS`, else 11.
fn rounds() -> usize {
    std::env::var("PIXB64_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(11)
}
