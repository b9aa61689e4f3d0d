//! The PNG reader's unfilter kernels alone: scalar against SSE2 and AVX2,
//! per filter and pixel size, on rows as wide as a Kodak photo (768
//! pixels) of random bytes, 64 rows per iteration (each unfiltered against
//! the one above, the first against `None`).
//!
//! ```text
//! cargo bench -p pixb64-benches --bench png_unfilter
//! ```
//!
//! Groups are `unfilter/<filter>/<bpp>`; functions `scalar`, `sse2`,
//! `avx2` (those the CPU runs and that have a kernel for the case).
//! Throughput is bytes unfiltered. At the end, a summary measured apart
//! from criterion: for each case the three levels in turn, 15 rounds
//! interleaved, best round of each, as ratios to scalar (the machine this
//! was written on is shared and noisy; interleaving keeps a slow spell from
//! falling on one side only).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pixb64::png::bench_hooks::unfilter;

const WIDTH: usize = 768;
const ROWS: usize = 64;
const FILTERS: [(&str, u8); 4] = [("sub", 1), ("up", 2), ("avg", 3), ("paeth", 4)];
const BPPS: [usize; 6] = [1, 2, 3, 4, 6, 8];
const LEVELS: [(&str, u8); 3] = [("scalar", 0), ("sse2", 1), ("avx2", 2)];

fn rows(bpp: usize) -> Vec<u8> {
    let mut s = 0x2545_f491_4f6c_dd1du64;
    (0..WIDTH * bpp * ROWS)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as u8
        })
        .collect()
}

/// Unfilters the 64 rows of `data` (a fresh copy each time, in `work`) at
/// `level`; `false` if that level has no kernel for the case. Rows it has
/// no kernel for (the first row: no row above) go to the scalar code.
fn run(level: u8, filter: u8, bpp: usize, data: &[u8], work: &mut [u8]) -> bool {
    work.copy_from_slice(data);
    let n = WIDTH * bpp;
    let mut ok = true;
    for r in 0..ROWS {
        let (done, rest) = work.split_at_mut(r * n);
        let prev = (r > 0).then(|| &done[(r - 1) * n..]);
        let handled = unfilter(level, filter, bpp, prev, &mut rest[..n]);
        if !handled {
            unfilter(0, filter, bpp, prev, &mut rest[..n]);
        }
        ok &= handled || r == 0;
    }
    black_box(work);
    ok
}

fn bench(c: &mut Criterion) {
    for (fname, filter) in FILTERS {
        for bpp in BPPS {
            let data = rows(bpp);
            let mut work = data.clone();
            let mut want = data.clone();
            run(0, filter, bpp, &data, &mut want);
            let mut g = c.benchmark_group(format!("unfilter/{fname}/{bpp}"));
            g.throughput(Throughput::Bytes(data.len() as u64));
            g.sample_size(20);
            g.warm_up_time(Duration::from_millis(300));
            g.measurement_time(Duration::from_secs(1));
            for (lname, level) in LEVELS {
                if !run(level, filter, bpp, &data, &mut work) {
                    continue;
                }
                assert!(work == want, "{lname} {fname} {bpp}");
                g.bench_function(lname, |b| {
                    b.iter(|| run(level, filter, bpp, &data, &mut work))
                });
            }
            g.finish();
        }
    }
    summary();
}

fn summary() {
    println!("\nunfilter: best of 15 interleaved rounds, MB/s and ratio to scalar");
    println!("| filter | bpp | scalar MB/s | sse2 | avx2 |");
    println!("|---|---|---|---|---|");
    for (fname, filter) in FILTERS {
        for bpp in BPPS {
            let data = rows(bpp);
            let mut work = data.clone();
            let mut best = [f64::INFINITY; 3];
            let mut has = [true; 3];
            for _ in 0..15 {
                for (k, (_, level)) in LEVELS.iter().enumerate() {
                    if !has[k] {
                        continue;
                    }
                    let t = Instant::now();
                    for _ in 0..20 {
                        has[k] &= run(*level, filter, bpp, &data, &mut work);
                    }
                    best[k] = best[k].min(t.elapsed().as_secs_f64() / 20.0);
                }
            }
            let mbs = data.len() as f64 / best[0] / 1e6;
            let cell = |k: usize| {
                if has[k] {
                    format!("{:.2}x", best[0] / best[k])
                } else {
                    "-".to_string()
                }
            };
            println!("| {fname} | {bpp} | {mbs:.0} | {} | {} |", cell(1), cell(2));
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
