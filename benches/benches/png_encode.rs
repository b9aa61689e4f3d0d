//! pixb64's PNG writer, levels 0..=9, against every peer issue 13 names, on
//! one thread, in the same process; and its row encoder (issue 14:
//! `RowEncoder` at levels 0 and 1 fed one row per call, names `rows-L0`,
//! `rows-L1`) against the whole-image call:
//!
//! - `png` 0.18 at `Compression::{Fastest, Fast, Balanced, High}` (each with
//!   the filter `set_compression` pairs it with: Up for Fastest, adaptive
//!   otherwise; Fastest and Fast are `fdeflate`, Balanced and High are the
//!   same code as `png-z6` and `png-z9`), names `png-Fastest` .. `png-High`;
//! - `png` 0.18 at `DeflateCompression::Level(1..=9)` (`miniz_oxide` through
//!   `flate2`) with `Filter::Adaptive`, names `png-z1` .. `png-z9`;
//! - libdeflate levels 1..=12 (the `libdeflater` crate, its C built by `cc`)
//!   behind this file's min-sum adaptive filter (libpng's heuristic: per row
//!   the lowest sum of |residual as i8| over None, Sub, Up, Average, Paeth,
//!   ties to the lower type) and this file's PNG framing (signature, IHDR, one
//!   IDAT chunk, IEND, CRC-32 by `crc32fast`); the time is filter + compress +
//!   framing, names `ld1` .. `ld12`. The filter alone is timed too, as the
//!   pseudo-config `filter-minsum` (its out_bytes are the filtered bytes).
//!
//! OpenCV (`cv2.imencode` levels 1..9, `cv-L1` .. `cv-L9`) runs in its own
//! process: `benches/opencv_png.py`, same TSV format.
//!
//! Three sets: the 24 Kodak photos (`kodak`, `tests/data/photos`), the mixed
//! set (`mixed`, `tests/data/mixed`: screenshots, diagrams, a 16-bit gray
//! photo) and the real-world set (`realworld`, `tests/data/realworld`: photos
//! from several cameras and screenshots of desktops, apps, web pages, code,
//! games, maps and charts). Each is decoded once at start with the `png` crate
//! and `Transformations::EXPAND` (palette and low bit depths become 8-bit
//! RGB/RGBA/gray; 16-bit stays). Throughput is MB/s (10^6 bytes) of raw pixel
//! bytes; size is output bytes over raw bytes, summed over the set. Every
//! (image, config) output is decoded once with the `png` crate, outside the
//! timed loop, and must give back the original pixels.
//!
//! Two modes:
//!
//! ```text
//! # criterion, one benchmark per (set, config), each iteration the whole set
//! # (speed only; an hour or more, the slow levels take a minute each)
//! cargo bench -p pixb64-benches --bench png_encode [-- 'kodak/(L[0-3]|ld1)$']
//! # the quick table: every config timed REPS times interleaved, medians,
//! # a markdown table on stdout, a TSV for benches/png_report.py and
//! # optionally the per-image sizes (set, image, config, out_bytes)
//! cargo bench -p pixb64-benches --bench png_encode -- --table [--reps N]
//!     [--sets kodak,mixed,realworld] [--configs L0,L5,png-Fast,png-z*,ld12]
//!     [--tsv FILE] [--sizes FILE] [--threads 1,2]
//! ```
//!
//! `--configs` takes names, and `prefix*` for a family. `benches/run_png.sh`
//! runs the table mode and OpenCV, prints the report and writes the SVG plot.

use std::cell::RefCell;
use std::hint::black_box;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use pixb64::png::EncodeOptions;
use pixb64::Image;

/// A decoded image.
struct Pic {
    name: String,
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

    /// Bytes per complete pixel, the filters' left distance.
    fn bpp(&self) -> usize {
        self.channels as usize * if self.sixteen { 2 } else { 1 }
    }

    fn row_bytes(&self) -> usize {
        self.width as usize * self.bpp()
    }

    fn color(&self) -> png::ColorType {
        match self.channels {
            1 => png::ColorType::Grayscale,
            2 => png::ColorType::GrayscaleAlpha,
            3 => png::ColorType::Rgb,
            _ => png::ColorType::Rgba,
        }
    }
}

/// Decodes a PNG file as the bench sees every image: `png` crate, EXPAND.
fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let mut dec = png::Decoder::new(Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().unwrap();
    let mut data = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut data).unwrap();
    data.truncate(info.buffer_size());
    (info, data)
}

fn load(path: &Path) -> Pic {
    let bytes = std::fs::read(path).unwrap();
    let (info, data) = decode(&bytes);
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        _ => 4,
    };
    Pic {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
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
        "mixed" => "mixed",
        "realworld" => "realworld",
        _ => panic!("unknown set {name:?} (kodak, mixed, realworld)"),
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files.iter().map(|p| load(p)).collect()
}

/// Checks that `file` is a PNG that decodes (`png` crate) to `pic`.
fn verify(pic: &Pic, file: &[u8], config: &str) {
    let (info, data) = decode(file);
    let what = format!("{} by {config}", pic.name);
    assert_eq!((info.width, info.height), (pic.width, pic.height), "{what}");
    assert_eq!(info.color_type, pic.color(), "{what}");
    assert_eq!(
        info.bit_depth == png::BitDepth::Sixteen,
        pic.sixteen,
        "{what}"
    );
    assert!(data == pic.data, "{what}: pixels differ");
}

/// One encoder setting.
#[derive(Clone, Copy)]
enum Config {
    /// pixb64 level 0..=9.
    Ours(u8),
    /// pixb64's `RowEncoder` at a level, fed one row per call.
    Rows(u8),
    /// `png` crate, `set_compression`.
    Png(png::Compression),
    /// `png` crate, `DeflateCompression::Level(1..=9)`, adaptive filter.
    PngZ(u8),
    /// libdeflate level 1..=12 behind the min-sum filter.
    Ld(u8),
    /// The min-sum filter alone (not a PNG encoder; timed for its share).
    Filter,
}

impl Config {
    fn name(self) -> String {
        match self {
            Config::Ours(l) => format!("L{l}"),
            Config::Rows(l) => format!("rows-L{l}"),
            Config::Png(c) => format!("png-{c:?}"),
            Config::PngZ(l) => format!("png-z{l}"),
            Config::Ld(l) => format!("ld{l}"),
            Config::Filter => "filter-minsum".into(),
        }
    }

    fn is_encoder(self) -> bool {
        !matches!(self, Config::Filter)
    }

    fn all() -> Vec<Config> {
        let mut v: Vec<Config> = (0..=9).map(Config::Ours).collect();
        v.extend([0, 1].map(Config::Rows));
        for c in [
            png::Compression::Fastest,
            png::Compression::Fast,
            png::Compression::Balanced,
            png::Compression::High,
        ] {
            v.push(Config::Png(c));
        }
        v.extend((1..=9).map(Config::PngZ));
        v.extend((1..=12).map(Config::Ld));
        v.push(Config::Filter);
        v
    }

    /// Encodes `pic`; returns the file (the filtered rows for `Filter`).
    fn encode(self, pic: &Pic, threads: usize) -> Vec<u8> {
        match self {
            Config::Ours(l) => {
                let opts = EncodeOptions::new().with_level(l).with_threads(threads);
                pixb64::png::encode(&pic.image(), &opts)
            }
            Config::Rows(l) => {
                let opts = EncodeOptions::new().with_level(l);
                let depth = if pic.sixteen {
                    pixb64::png::Depth::Sixteen
                } else {
                    pixb64::png::Depth::Eight
                };
                let (w, h, c) = (pic.width, pic.height, pic.channels);
                // Room for the stored size, as `png::encode` reserves: the
                // comparison is the encoders, not the Vec's growth.
                let out = Vec::with_capacity(pic.data.len() / 64 * 65 + h as usize + 4096);
                let mut enc = pixb64::png::RowEncoder::new(w, h, c, depth, &opts, out).unwrap();
                for row in pic.data.chunks(pic.row_bytes()) {
                    enc.write_rows(row).unwrap();
                }
                enc.finish().unwrap()
            }
            Config::Png(c) => png_encode(pic, |e| e.set_compression(c)),
            Config::PngZ(l) => png_encode(pic, |e| {
                e.set_deflate_compression(png::DeflateCompression::Level(l));
                e.set_filter(png::Filter::Adaptive);
            }),
            Config::Ld(l) => ld_encode(pic, l),
            Config::Filter => minsum_filter(pic),
        }
    }

    /// Encodes `pic` once and checks the file decodes to it.
    fn verify(self, pic: &Pic) {
        if self.is_encoder() {
            verify(pic, &self.encode(pic, 1), &self.name());
        }
    }
}

fn png_encode(pic: &Pic, setup: impl FnOnce(&mut png::Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, pic.width, pic.height);
    enc.set_color(pic.color());
    enc.set_depth(if pic.sixteen {
        png::BitDepth::Sixteen
    } else {
        png::BitDepth::Eight
    });
    setup(&mut enc);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&pic.data).unwrap();
    w.finish().unwrap();
    out
}

// ---------------------------------------------------------------------------
// The libdeflate peer: min-sum adaptive filter, libdeflate zlib, framing.
//
// Every filter is a zip over shifted slices in u8 arithmetic (the raw left,
// up and up-left bytes are inputs, never earlier outputs, so nothing is loop
// carried) and LLVM vectorizes each to 32 or 64 bytes a step.

#[inline(always)]
fn filter_none(out: &mut [u8], cur: &[u8]) {
    out.copy_from_slice(cur);
}

#[inline(always)]
fn filter_sub(out: &mut [u8], cur: &[u8], bpp: usize) {
    let n = cur.len();
    out[..bpp].copy_from_slice(&cur[..bpp]);
    for ((o, &x), &a) in out[bpp..].iter_mut().zip(&cur[bpp..]).zip(&cur[..n - bpp]) {
        *o = x.wrapping_sub(a);
    }
}

#[inline(always)]
fn filter_up(out: &mut [u8], cur: &[u8], prev: &[u8]) {
    for ((o, &x), &b) in out.iter_mut().zip(cur).zip(prev) {
        *o = x.wrapping_sub(b);
    }
}

#[inline(always)]
fn filter_avg(out: &mut [u8], cur: &[u8], prev: &[u8], bpp: usize) {
    let n = cur.len();
    for ((o, &x), &b) in out[..bpp].iter_mut().zip(&cur[..bpp]).zip(&prev[..bpp]) {
        *o = x.wrapping_sub(b >> 1);
    }
    for (((o, &x), &a), &b) in out[bpp..]
        .iter_mut()
        .zip(&cur[bpp..])
        .zip(&cur[..n - bpp])
        .zip(&prev[bpp..])
    {
        // floor((a + b) / 2) without leaving u8.
        *o = x.wrapping_sub((a & b) + ((a ^ b) >> 1));
    }
}

/// The Paeth predictor in u8 lanes: pa = |b - c| and pb = |a - c| are u8
/// absolute differences (max - min: `u8::abs_diff` widens and LLVM follows it
/// to i32 lanes); pc = |(b - c) + (a - c)| is pa + pb when both differences
/// have the same sign (saturated: then pc >= pa and pc >= pb, and 255 keeps
/// that) and |pa - pb| otherwise. Checked against the i32 definition on all
/// 2^24 inputs.
#[inline(always)]
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let same = (b >= c) == (a >= c);
    let pc = if same {
        pa.saturating_add(pb)
    } else {
        pa.max(pb) - pa.min(pb)
    };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[inline(always)]
fn filter_paeth(out: &mut [u8], cur: &[u8], prev: &[u8], bpp: usize) {
    let n = cur.len();
    // Left and up-left are 0 on the first pixel: the predictor is up.
    for ((o, &x), &b) in out[..bpp].iter_mut().zip(&cur[..bpp]).zip(&prev[..bpp]) {
        *o = x.wrapping_sub(b);
    }
    for ((((o, &x), &a), &b), &c) in out[bpp..]
        .iter_mut()
        .zip(&cur[bpp..])
        .zip(&cur[..n - bpp])
        .zip(&prev[bpp..])
        .zip(&prev[..n - bpp])
    {
        *o = x.wrapping_sub(paeth(a, b, c));
    }
}

/// |r as i8| in u8: min(r, -r) (128 stays 128).
#[inline(always)]
fn abs_i8(r: u8) -> u8 {
    r.min(r.wrapping_neg())
}

/// Sum of |r as i8| over a filtered row, in u32 lanes (a row's sum is far
/// below 2^32). Inlined into the AVX2 filter this runs at ~30 GB/s; u16
/// lanes over 32-byte blocks with a u32 total every 256 blocks, or a u32 sum
/// per 32-byte block, measured 3x slower there (LLVM spills the lanes or
/// reduces every block).
#[inline(always)]
fn sum_abs(row: &[u8]) -> u32 {
    row.iter().map(|&r| abs_i8(r) as u32).sum()
}

/// libpng's adaptive heuristic: each row with the filter type (0..=4) whose
/// residuals have the lowest sum of |r as i8|, ties to the lower type.
/// Returns the rows stream: per row the type byte, then the residuals.
fn minsum_filter(pic: &Pic) -> Vec<u8> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { minsum_filter_avx2(pic) };
    }
    minsum_filter_any(pic)
}

/// The same code compiled for AVX2 (32-byte vectors; the baseline build has
/// SSE2 only): about 1.7x the filter's speed.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn minsum_filter_avx2(pic: &Pic) -> Vec<u8> {
    minsum_filter_any(pic)
}

#[inline(always)]
fn minsum_filter_any(pic: &Pic) -> Vec<u8> {
    let rb = pic.row_bytes();
    let bpp = pic.bpp();
    let h = pic.height as usize;
    let mut out = Vec::with_capacity(h * (rb + 1));
    let zeros = vec![0u8; rb];
    let mut best = vec![0u8; rb];
    let mut tmp = vec![0u8; rb];
    for y in 0..h {
        let cur = &pic.data[y * rb..][..rb];
        let prev = if y == 0 {
            &zeros[..]
        } else {
            &pic.data[(y - 1) * rb..][..rb]
        };
        filter_none(&mut best, cur);
        let mut best_sum = sum_abs(&best);
        let mut best_type = 0u8;
        for t in 1..=4u8 {
            match t {
                1 => filter_sub(&mut tmp, cur, bpp),
                2 => filter_up(&mut tmp, cur, prev),
                3 => filter_avg(&mut tmp, cur, prev, bpp),
                _ => filter_paeth(&mut tmp, cur, prev, bpp),
            }
            let s = sum_abs(&tmp);
            if s < best_sum {
                best_sum = s;
                best_type = t;
                std::mem::swap(&mut best, &mut tmp);
            }
        }
        out.push(best_type);
        out.extend_from_slice(&best);
    }
    out
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

thread_local! {
    /// One libdeflate compressor per level, made once and reused, as a
    /// program that encodes many images would.
    static LD: RefCell<Vec<Option<libdeflater::Compressor>>> =
        RefCell::new((0..=12).map(|_| None).collect());
}

/// The libdeflate peer: min-sum filter, `zlib_compress` straight into the
/// IDAT chunk's place in the file, CRCs.
fn ld_encode(pic: &Pic, level: u8) -> Vec<u8> {
    let rows = minsum_filter(pic);
    LD.with(|ld| {
        let mut ld = ld.borrow_mut();
        let comp = ld[level as usize].get_or_insert_with(|| {
            libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level as i32).unwrap())
        });
        let bound = comp.zlib_compress_bound(rows.len());
        let mut out = Vec::with_capacity(8 + 25 + 12 + bound + 12);
        out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = [0u8; 13];
        ihdr[..4].copy_from_slice(&pic.width.to_be_bytes());
        ihdr[4..8].copy_from_slice(&pic.height.to_be_bytes());
        ihdr[8] = if pic.sixteen { 16 } else { 8 };
        ihdr[9] = match pic.channels {
            1 => 0,
            2 => 4,
            3 => 2,
            _ => 6,
        };
        push_chunk(&mut out, b"IHDR", &ihdr);
        let len_at = out.len();
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(b"IDAT");
        let data_at = out.len();
        out.resize(data_at + bound, 0);
        let n = comp.zlib_compress(&rows, &mut out[data_at..]).unwrap();
        out.truncate(data_at + n);
        // One IDAT chunk: every image here is far below 2^31 bytes.
        assert!(n < 1 << 31);
        out[len_at..data_at - 4].copy_from_slice(&(n as u32).to_be_bytes());
        let crc = crc32fast::hash(&out[data_at - 4..]);
        out.extend_from_slice(&crc.to_be_bytes());
        push_chunk(&mut out, b"IEND", &[]);
        out
    })
}

fn raw_len(set: &[Pic]) -> usize {
    set.iter().map(|p| p.data.len()).sum()
}

/// `--configs` entries: exact names, or `prefix*`.
fn wanted(filter: Option<&str>, name: &str) -> bool {
    filter.is_none_or(|w| {
        w.split(',').any(|pat| match pat.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => pat == name,
        })
    })
}

// ---------------------------------------------------------------------------
// Criterion mode.

fn bench(c: &mut Criterion) {
    for set_name in ["kodak", "mixed", "realworld"] {
        let set = load_set(set_name);
        let mut g = c.benchmark_group(format!("png_encode/{set_name}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Bytes(raw_len(&set) as u64));
        // Sizes are deterministic: the table mode prints them.
        for cfg in Config::all() {
            let mut verified = false;
            g.bench_function(cfg.name(), |b| {
                // Only configs criterion's filter selects get here; check
                // their files once, untimed.
                if !verified {
                    set.iter().for_each(|p| cfg.verify(p));
                    verified = true;
                }
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
    // Thread counts for our levels (the peers are single-threaded);
    // `--threads 1,2` times both, interleaved, for the strips speedup.
    let thread_counts: Vec<usize> = arg(args, "--threads")
        .unwrap_or_else(|| "1".into())
        .split(',')
        .map(|t| t.parse().unwrap())
        .collect();
    let sets = arg(args, "--sets").unwrap_or_else(|| "kodak,mixed,realworld".into());
    let filter = arg(args, "--configs");
    let mut configs: Vec<(Config, usize)> = Vec::new();
    for c in Config::all() {
        if !wanted(filter.as_deref(), &c.name()) {
            continue;
        }
        match c {
            Config::Ours(_) => configs.extend(thread_counts.iter().map(|&t| (c, t))),
            _ => configs.push((c, 1)),
        }
    }
    if configs.is_empty() {
        // e.g. `--configs cv-L9`: OpenCV runs in benches/opencv_png.py.
        eprintln!("--configs {filter:?} selects none of this bench's configs");
        return;
    }
    let label = |(c, t): (Config, usize)| {
        if t == 1 {
            c.name()
        } else {
            format!("{}@{t}t", c.name())
        }
    };
    let tsv_path = arg(args, "--tsv");
    let sizes_path = arg(args, "--sizes");
    let mut tsv = String::from("set\tconfig\tthreads\traw_bytes\tout_bytes\tseconds\n");
    let mut sizes_tsv = String::from("set\timage\tconfig\tthreads\tout_bytes\n");
    for set_name in sets.split(',') {
        let set = load_set(set_name);
        let raw = raw_len(&set);
        // times[c][i]: per-rep seconds of config c on image i.
        let mut times = vec![vec![Vec::new(); set.len()]; configs.len()];
        // sizes[c][i]: output bytes of config c on image i.
        let mut sizes = vec![vec![0usize; set.len()]; configs.len()];
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
                    let file = black_box(cfg.encode(black_box(p), threads));
                    times[c][i].push(t.elapsed().as_secs_f64());
                    if rep == 0 {
                        sizes[c][i] = file.len();
                        // Untimed: the file must decode to the image.
                        if cfg.is_encoder() {
                            verify(p, &file, &label((cfg, threads)));
                        }
                    }
                }
            }
        }
        println!(
            "\n{set_name}: {} images, {:.1} MB raw, {reps} reps, per-image medians summed, \
             every file verified\n",
            set.len(),
            raw as f64 / 1e6
        );
        println!("| config | MB/s | out/raw |");
        println!("|---|---:|---:|");
        for (c, &cfg) in configs.iter().enumerate() {
            let secs: f64 = times[c].iter_mut().map(|t| median(t)).sum();
            let out: usize = sizes[c].iter().sum();
            println!(
                "| {} | {:.1} | {:.4} |",
                label(cfg),
                raw as f64 / secs / 1e6,
                out as f64 / raw as f64
            );
            tsv.push_str(&format!(
                "{set_name}\t{}\t{}\t{raw}\t{out}\t{secs}\n",
                cfg.0.name(),
                cfg.1,
            ));
            for (p, n) in set.iter().zip(&sizes[c]) {
                sizes_tsv.push_str(&format!(
                    "{set_name}\t{}\t{}\t{}\t{n}\n",
                    p.name,
                    cfg.0.name(),
                    cfg.1
                ));
            }
        }
    }
    if let Some(p) = tsv_path {
        std::fs::write(&p, tsv).unwrap();
        eprintln!("wrote {p}");
    }
    if let Some(p) = sizes_path {
        std::fs::write(&p, sizes_tsv).unwrap();
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
