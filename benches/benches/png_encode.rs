//! pixb64's PNG writer, levels 0..=9, against the `png` crate (0.18) at
//! `Compression::{Fastest, Fast, Balanced, High}` (each with the filter
//! `set_compression` pairs it with: Up for Fastest, adaptive otherwise), on
//! one thread, in the same process.
//!
//! Two sets: the 24 Kodak photos (`tests/data/photos`) and the mixed set
//! (`tests/data/mixed`: screenshots, diagrams, a 16-bit gray photo). Both are
//! decoded once at start with the `png` crate and `Transformations::EXPAND`
//! (palette and low bit depths become 8-bit RGB/RGBA/gray; 16-bit stays).
//! Throughput is MB/s (10^6 bytes) of raw pixel bytes; size is output bytes
//! over raw bytes, summed over the set.
//!
//! Two modes:
//!
//! ```text
//! # criterion, one benchmark per (set, config), each iteration the whole set
//! # (speed only; ~20 min, the slow levels take a minute each)
//! cargo bench -p pixb64-benches --bench png_encode [-- 'kodak/L[0-3]$']
//! # the quick table: every config timed REPS times interleaved, medians,
//! # a markdown table on stdout and a TSV for benches/png_report.py
//! cargo bench -p pixb64-benches --bench png_encode -- --table [--reps N]
//!     [--sets kodak,mixed] [--configs L0,L5,png-Fast] [--tsv FILE] [--threads 1,2]
//! ```
//!
//! `benches/run_png.sh` runs the table mode and writes the SVG plot.

use std::hint::black_box;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use pixb64::png::EncodeOptions;
use pixb64::Image;

/// A decoded image.
struct Pic {
    width: u32,
    height: u32,
    channels: u8,
    sixteen: bool,
    data: Vec<u8>,
}

impl Pic {
    fn image(&self) -> Image<'_> {
        if self.sixteen {
            Image::new_16(self.width, self.height, self.channels, &self.data).unwrap()
        } else {
            Image::new(self.width, self.height, self.channels, &self.data).unwrap()
        }
    }
}

fn load(path: &Path) -> Pic {
    let bytes = std::fs::read(path).unwrap();
    let mut dec = png::Decoder::new(Cursor::new(&bytes[..]));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().unwrap();
    let mut data = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut data).unwrap();
    data.truncate(info.buffer_size());
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        _ => 4,
    };
    Pic {
        width: info.width,
        height: info.height,
        channels,
        sixteen: info.bit_depth == png::BitDepth::Sixteen,
        data,
    }
}

fn load_set(name: &str) -> Vec<Pic> {
    let dir = match name {
        "kodak" => "photos",
        _ => "mixed",
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files.iter().map(|p| load(p)).collect()
}

/// One encoder setting.
#[derive(Clone, Copy)]
enum Config {
    Ours(u8),
    Png(png::Compression),
}

impl Config {
    fn name(self) -> String {
        match self {
            Config::Ours(l) => format!("L{l}"),
            Config::Png(c) => format!("png-{c:?}"),
        }
    }

    fn all() -> Vec<Config> {
        let mut v: Vec<Config> = (0..=9).map(Config::Ours).collect();
        for c in [
            png::Compression::Fastest,
            png::Compression::Fast,
            png::Compression::Balanced,
            png::Compression::High,
        ] {
            v.push(Config::Png(c));
        }
        v
    }

    /// Encodes `pic`; returns the file length.
    fn encode(self, pic: &Pic, threads: usize) -> usize {
        match self {
            Config::Ours(l) => {
                let opts = EncodeOptions::new().with_level(l).with_threads(threads);
                pixb64::png::encode(&pic.image(), &opts).len()
            }
            Config::Png(c) => png_encode(pic, c).len(),
        }
    }
}

fn png_encode(pic: &Pic, c: png::Compression) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, pic.width, pic.height);
    enc.set_color(match pic.channels {
        1 => png::ColorType::Grayscale,
        2 => png::ColorType::GrayscaleAlpha,
        3 => png::ColorType::Rgb,
        _ => png::ColorType::Rgba,
    });
    enc.set_depth(if pic.sixteen {
        png::BitDepth::Sixteen
    } else {
        png::BitDepth::Eight
    });
    enc.set_compression(c);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&pic.data).unwrap();
    w.finish().unwrap();
    out
}

fn raw_len(set: &[Pic]) -> usize {
    set.iter().map(|p| p.data.len()).sum()
}

// ---------------------------------------------------------------------------
// Criterion mode.

fn bench(c: &mut Criterion) {
    for set_name in ["kodak", "mixed"] {
        let set = load_set(set_name);
        let mut g = c.benchmark_group(format!("png_encode/{set_name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Bytes(raw_len(&set) as u64));
        // Sizes are deterministic: the table mode prints them.
        for cfg in Config::all() {
            g.bench_function(cfg.name(), |b| {
                b.iter(|| {
                    for p in &set {
                        black_box(cfg.encode(black_box(p), 1));
                    }
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);

// ---------------------------------------------------------------------------
// Table mode.

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn table(args: &[String]) {
    let reps: usize = arg(args, "--reps").map_or(3, |v| v.parse().unwrap());
    // Thread counts for our levels (the `png` crate is single-threaded);
    // `--threads 1,2` times both, interleaved, for the strips speedup.
    let thread_counts: Vec<usize> = arg(args, "--threads")
        .unwrap_or_else(|| "1".into())
        .split(',')
        .map(|t| t.parse().unwrap())
        .collect();
    let sets = arg(args, "--sets").unwrap_or_else(|| "kodak,mixed".into());
    let wanted = arg(args, "--configs");
    let mut configs: Vec<(Config, usize)> = Vec::new();
    for c in Config::all() {
        if wanted
            .as_ref()
            .is_some_and(|w| !w.split(',').any(|n| n == c.name()))
        {
            continue;
        }
        match c {
            Config::Ours(_) => configs.extend(thread_counts.iter().map(|&t| (c, t))),
            Config::Png(_) => configs.push((c, 1)),
        }
    }
    let label = |(c, t): (Config, usize)| {
        if t == 1 {
            c.name()
        } else {
            format!("{}@{t}t", c.name())
        }
    };
    let tsv_path = arg(args, "--tsv");
    let mut tsv = String::from("set\tconfig\tthreads\traw_bytes\tout_bytes\tseconds\n");
    for set_name in sets.split(',') {
        let set = load_set(set_name);
        let raw = raw_len(&set);
        // times[c][i]: per-rep seconds of config c on image i.
        let mut times = vec![vec![Vec::new(); set.len()]; configs.len()];
        let mut sizes = vec![0usize; configs.len()];
        for rep in 0..reps {
            // Interleaved: each image goes through every config before the
            // next image, so load that comes and goes hits all configs alike;
            // the first config rotates, so none always pays for bringing the
            // image into cache.
            for (i, p) in set.iter().enumerate() {
                for k in 0..configs.len() {
                    let c = (k + i + rep) % configs.len();
                    let (cfg, threads) = configs[c];
                    let t = Instant::now();
                    let n = black_box(cfg.encode(black_box(p), threads));
                    times[c][i].push(t.elapsed().as_secs_f64());
                    if rep == 0 {
                        sizes[c] += n;
                    }
                }
            }
        }
        println!(
            "\n{set_name}: {} images, {:.1} MB raw, {reps} reps, per-image medians summed\n",
            set.len(),
            raw as f64 / 1e6
        );
        println!("| config | MB/s | out/raw |");
        println!("|---|---:|---:|");
        for (c, &cfg) in configs.iter().enumerate() {
            let secs: f64 = times[c].iter_mut().map(|t| median(t)).sum();
            println!(
                "| {} | {:.1} | {:.4} |",
                label(cfg),
                raw as f64 / secs / 1e6,
                sizes[c] as f64 / raw as f64
            );
            tsv.push_str(&format!(
                "{set_name}\t{}\t{}\t{raw}\t{}\t{secs}\n",
                cfg.0.name(),
                cfg.1,
                sizes[c]
            ));
        }
    }
    if let Some(p) = tsv_path {
        std::fs::write(&p, tsv).unwrap();
        eprintln!("wrote {p}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--table") {
        table(&args);
    } else {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}
