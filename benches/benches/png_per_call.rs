//! The per-call cost of PNG decoding: every valid PngSuite file (most are
//! 32x32) decoded by pixb64, the `png` crate (0.18, `EXPAND`) and
//! `zune-png` (0.5) in one process. A single call takes 1-20 µs, so each
//! timing is a loop of calls (about 4 ms), the decoders take turns, and
//! each keeps its best of 9 turns. Only files on which all three give the
//! same pixels are timed.
//!
//! `cargo bench -p pixb64-benches --bench png_per_call`
//! (`PIXB64_BENCH_PER_FILE=1`: every file's row, not only the slower ones;
//! `PIXB64_BENCH_DIRS=pngsuite,photos,mixed,realworld`: the folders of
//! `tests/data` to read, PngSuite alone by default; `PIXB64_BENCH_FILTER=s`:
//! only the files whose name contains `s`)
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

fn pixb64_decode(d: &[u8]) -> Option<Vec<u8>> {
    pixb64::png::decode(d).ok().map(|i| i.into_vec())
}

fn png_decode(d: &[u8]) -> Option<Vec<u8>> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(d));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buf).ok()?;
    buf.truncate(info.buffer_size());
    Some(buf)
}

fn zune_decode(d: &[u8]) -> Option<Vec<u8>> {
    let mut dec = zune_png::PngDecoder::new(zune_png::zune_core::bytestream::ZCursor::new(d));
    dec.decode_raw().ok()
}

type Decode = fn(&[u8]) -> Option<Vec<u8>>;
const DECODERS: [(&str, Decode); 3] = [
    ("pixb64", pixb64_decode),
    ("png-0.18", png_decode),
    ("zune-png-0.5", zune_decode),
];

fn main() {
    // glibc serves blocks above its mmap threshold (128 KiB at first) with
    // fresh pages, so a call that allocates a 360 KB image pays its page
    // faults every time (4x the decode itself), until some larger block
    // is freed and the threshold rises to its size. Which decoder meets
    // which state would then depend on the order of the files: one large
    // block freed here puts every decoder in the raised state from the start.
    drop(black_box(vec![1u8; 16 << 20]));
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let dirs = std::env::var("PIXB64_BENCH_DIRS").unwrap_or_else(|_| "pngsuite".into());
    let filter = std::env::var("PIXB64_BENCH_FILTER").unwrap_or_default();
    let mut paths = Vec::new();
    for dir in dirs.split(',') {
        let mut found: Vec<_> = std::fs::read_dir(data.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
            .collect();
        found.sort();
        paths.extend(found);
    }
    let every = std::env::var_os("PIXB64_BENCH_PER_FILE").is_some();
    println!(
        "µs per call, best of 9 interleaved turns of ~4 ms each; ratio: the peer's time / pixb64's"
    );
    println!("| file | pixb64 | png-0.18 | zune-png-0.5 | vs png | vs zune |");
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut n, mut slower_png, mut slower_zune) = (0, 0, 0);
    let (mut worst_png, mut worst_zune) = ((f64::MAX, String::new()), (f64::MAX, String::new()));
    let (mut sum_png, mut sum_zune) = (0.0, 0.0);
    for p in &paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(p).unwrap();
        let want = png_decode(&data);
        if want.is_none() || DECODERS.iter().any(|(_, d)| d(&data) != want) {
            continue;
        }
        let t0 = Instant::now();
        black_box(pixb64_decode(&data));
        let calls = ((0.004 / t0.elapsed().as_secs_f64()) as usize).clamp(1, 20_000);
        let mut best = [f64::MAX; 3];
        for _ in 0..9 {
            for (k, (_, d)) in DECODERS.iter().enumerate() {
                let t = Instant::now();
                for _ in 0..calls {
                    black_box(d(black_box(&data)));
                }
                best[k] = best[k].min(t.elapsed().as_secs_f64() / calls as f64);
            }
        }
        let (rp, rz) = (best[1] / best[0], best[2] / best[0]);
        n += 1;
        slower_png += usize::from(rp < 1.0);
        slower_zune += usize::from(rz < 1.0);
        sum_png += rp.ln();
        sum_zune += rz.ln();
        if rp < worst_png.0 {
            worst_png = (rp, name.clone());
        }
        if rz < worst_zune.0 {
            worst_zune = (rz, name.clone());
        }
        if every || rp < 1.0 || rz < 1.0 {
            let us = |s: f64| s * 1e6;
            println!(
                "| {name} | {:.2} | {:.2} | {:.2} | {rp:.2}x | {rz:.2}x |",
                us(best[0]),
                us(best[1]),
                us(best[2])
            );
        }
    }
    println!(
        "\n{n} files; slower than png-0.18 on {slower_png} (worst {:.2}x, {}), than zune-png-0.5 on {slower_zune} (worst {:.2}x, {}); geometric mean of the ratios: {:.2}x and {:.2}x",
        worst_png.0,
        worst_png.1,
        worst_zune.0,
        worst_zune.1,
        (sum_png / n as f64).exp(),
        (sum_zune / n as f64).exp()
    );
}
