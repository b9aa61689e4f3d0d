//! Levels 2..=9: the filter choice and our deflate engine
//! ([`super::deflate`]) at each level's effort, over one image's strips.

use super::adler::adler32_update;
use super::deflate::{self, Engine, Parser};
use super::filter::{Adaptive, Policy, Price, RowFilter};
use super::rows::Scanlines;
use super::strips::Strips;
use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};
use alloc::vec::Vec;
use core::ops::Range;

/// Whole-image filter strategies tried on a sample (see [`best_strategy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Trials {
    /// The engine the sample is compressed with.
    engine: deflate::Params,
    /// One band of [`BAND`] rows in every `every` rows is sampled.
    every: usize,
    /// The candidates, in order (ties go to the first).
    candidates: &'static [Policy],
}

/// Per-row entropy prices on a quarter of each long row.
const ENTROPY: Adaptive = Adaptive {
    price: Price::Entropy,
    sampled: true,
    none: true,
};

/// Strategies cheap to apply: min-sum prices, fixed filters. Every list
/// keeps this order, and ties go to the earlier strategy, so neighbouring
/// levels that judge two strategies equal pick the same one.
const CHEAP: &[Policy] = &[
    Policy::Adaptive(Adaptive::full(Price::MinSum)),
    Policy::Fixed(RowFilter::None),
    Policy::Fixed(RowFilter::Sub),
    Policy::Fixed(RowFilter::Up),
];

/// Every strategy that won an image of the three sets. (Average and Paeth
/// as whole-image filters never did; per-row prices by the engine's own
/// literal bits did, but a sample judges them badly: the prices follow the
/// engine's history, which a sample does not have.)
const ALL: &[Policy] = &[
    Policy::Adaptive(Adaptive::full(Price::MinSum)),
    Policy::Adaptive(Adaptive::full(Price::Entropy)),
    Policy::Fixed(RowFilter::None),
    Policy::Fixed(RowFilter::Sub),
    Policy::Fixed(RowFilter::Up),
];

/// What one level does: the engine's settings, what `Filter::Adaptive`
/// means, and whether whole-image strategies are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Recipe {
    params: deflate::Params,
    adaptive: Adaptive,
    trials: Option<Trials>,
}

/// The engine settings for `parser` with search `depth` and `nice` length
/// (the other settings are the same at every level).
const fn engine(parser: Parser, depth: u32, nice: usize) -> deflate::Params {
    deflate::Params {
        parser,
        depth,
        nice,
        hash_bits: match parser {
            Parser::Fast => 14,
            _ => 15,
        },
        segment: 256 * 1024,
        piece: 16 * 1024,
        max_insert: 16,
    }
}

/// Levels 2..=9 (values above 9 mean 9). Chosen from measurements on the
/// Kodak photos, the mixed set and the realworld set against libdeflate
/// 1-12, the `png` crate and OpenCV (`benches/run_png.sh`; the README has
/// the tables):
fn recipe(level: u8) -> Recipe {
    let entropy = ENTROPY;
    let trials = |engine, every, candidates| {
        Some(Trials {
            engine,
            every,
            candidates,
        })
    };
    let fast = engine(Parser::Fast, 3, 16);
    let lazy = engine(Parser::Lazy, 4, 32);
    match level {
        0..=2 => Recipe {
            params: engine(Parser::Fast, 3, 16),
            adaptive: Adaptive::full(Price::MinSum),
            trials: trials(fast, 128, CHEAP),
        },
        3 => Recipe {
            params: engine(Parser::Fast, 3, 16),
            adaptive: Adaptive::full(Price::MinSum),
            trials: trials(fast, 64, ALL),
        },
        4 => Recipe {
            params: engine(Parser::Lazy, 4, 32),
            adaptive: entropy,
            trials: trials(fast, 64, ALL),
        },
        5 => Recipe {
            params: engine(Parser::Lazy, 8, 32),
            adaptive: entropy,
            trials: trials(fast, 64, ALL),
        },
        6 => Recipe {
            params: engine(Parser::Lazy, 16, 32),
            adaptive: entropy,
            trials: trials(lazy, 64, ALL),
        },
        7 => Recipe {
            params: engine(Parser::Optimal { passes: 2 }, 4, 150),
            adaptive: Adaptive::full(Price::Entropy),
            trials: trials(lazy, 64, ALL),
        },
        8 => Recipe {
            params: engine(Parser::Optimal { passes: 2 }, 8, 150),
            adaptive: Adaptive::full(Price::Entropy),
            trials: trials(lazy, 64, ALL),
        },
        _ => Recipe {
            params: engine(Parser::Optimal { passes: 3 }, 16, 258),
            adaptive: Adaptive::full(Price::Entropy),
            trials: trials(lazy, 64, ALL),
        },
    }
}

/// The filter policy of the row encoder at `level` (no whole-image
/// strategy: it never sees the image whole).
pub(crate) fn streaming_policy(level: u8, filter: Filter) -> Policy {
    Policy::from_filter(filter, Policy::Adaptive(recipe(level).adaptive))
}

/// The engine settings at `level`.
pub(crate) fn streaming_params(level: u8) -> deflate::Params {
    recipe(level).params
}

/// Our engine at one level over one image.
pub(crate) struct Coder<'i, 'a> {
    img: &'i Image<'a>,
    order: ChannelOrder,
    policy: Policy,
    params: deflate::Params,
}

impl<'i, 'a> Coder<'i, 'a> {
    pub(crate) fn new(
        img: &'i Image<'a>,
        level: u8,
        order: ChannelOrder,
        filter: Filter,
        threads: usize,
    ) -> Self {
        let (params, policy) = if img.byte_len() <= SMALL {
            smallest_setting(img, order, level, filter, threads)
        } else {
            setting(img, order, level, filter, threads)
        };
        Coder {
            img,
            order,
            policy,
            params,
        }
    }
}

/// Images of up to this many bytes are compressed whole at every level up
/// to the one asked for (see [`smallest_setting`]).
const SMALL: usize = 16 * 1024;

/// The setting (engine and filter strategy) level `level` uses for `img`
/// when it is not small.
fn setting(
    img: &Image<'_>,
    order: ChannelOrder,
    level: u8,
    filter: Filter,
    threads: usize,
) -> (deflate::Params, Policy) {
    let r = recipe(level);
    let mut policy = Policy::from_filter(filter, Policy::Adaptive(r.adaptive));
    if let (Filter::Adaptive, Some(t)) = (filter, r.trials) {
        policy = best_strategy(img, order, t, threads);
    }
    (r.params, policy)
}

/// For a small image: of the settings levels 2..=`level` would use, the
/// one that compresses `img` smallest (ties to the lower level). So on
/// small images a level is never larger than the one below it.
///
/// Why: on a file of a few hundred bytes a block header, or the one copy
/// a deeper search takes differently, is several percent of the size, and
/// a deeper search or finer parse is not always smaller by a few bytes
/// (30% of the PngSuite images had some level larger than the one below).
/// Compressing a few kilobytes once per level costs about as much as the
/// three deepest levels together, a few milliseconds at most.
fn smallest_setting(
    img: &Image<'_>,
    order: ChannelOrder,
    level: u8,
    filter: Filter,
    threads: usize,
) -> (deflate::Params, Policy) {
    let mut settings: Vec<(deflate::Params, Policy)> = Vec::new();
    // Levels sharing a strategy trial share its answer.
    let mut tried: Vec<(Trials, Policy)> = Vec::new();
    for k in 2..=level.clamp(2, 9) {
        let r = recipe(k);
        let policy = match (filter, r.trials) {
            (Filter::Adaptive, Some(t)) => match tried.iter().find(|(u, _)| *u == t) {
                Some(&(_, p)) => p,
                None => {
                    let p = best_strategy(img, order, t, threads);
                    tried.push((t, p));
                    p
                }
            },
            _ => Policy::from_filter(filter, Policy::Adaptive(r.adaptive)),
        };
        if !settings.contains(&(r.params, policy)) {
            settings.push((r.params, policy));
        }
    }
    let judge = |(params, policy): (deflate::Params, Policy)| -> usize {
        compressed_size(img, order, params, policy, None)
    };
    let mut sizes = alloc::vec![usize::MAX; settings.len()];
    judge_all(&settings, &mut sizes, threads, &judge);
    first_smallest(&settings, &sizes)
}

/// The candidate with the smallest size (ties to the first).
fn first_smallest<T: Copy>(candidates: &[T], sizes: &[usize]) -> T {
    let mut best = (usize::MAX, candidates[0]);
    for (&cand, &size) in candidates.iter().zip(sizes) {
        if size < best.0 {
            best = (size, cand);
        }
    }
    best.1
}

/// Bytes of the deflate stream of `img` filtered by `policy` and
/// compressed with `params`: all rows, or with `sample = Some(every)` one
/// band of [`BAND`] rows in every `every`.
fn compressed_size(
    img: &Image<'_>,
    order: ChannelOrder,
    params: deflate::Params,
    policy: Policy,
    sample: Option<usize>,
) -> usize {
    let mut e = Engine::new(params);
    let mut lines = Scanlines::new(img, order, policy);
    let mut size = Count(0);
    for y in 0..img.height() as usize {
        if let Some(every) = sample {
            if y % every >= BAND {
                continue;
            }
        }
        let line = lines.next(y, e.literal_prices());
        e.write(line, &mut size);
    }
    e.finish(true, &mut size);
    size.0
}

/// Rows per band of the sample a strategy is judged on.
const BAND: usize = 8;

/// Images of up to this many bytes are judged on all their rows.
const SAMPLE_FROM: usize = 512 * 1024;

/// The whole-image filter strategy among `trials.candidates` that
/// compresses `img` smallest.
///
/// oxipng's finding, and ours: screenshots and diagrams often want one
/// filter for every row, which no per-row price sees, because identical
/// rows and columns become long copies only under a consistent filter;
/// and on photographs the near-optimal parser finds more of the short
/// copies it lives on (three to six bytes at any distance) when every row
/// is filtered alike: Sub or Up for a whole photo beat every per-row choice
/// on 13 of the 24 Kodak images.
///
/// Each candidate is judged by compressing the same sample of the image,
/// one band of [`BAND`] rows in every `trials.every` (all rows of a small
/// image), with `trials.engine`; the candidates run on up to `threads`
/// threads.
fn best_strategy(img: &Image<'_>, order: ChannelOrder, trials: Trials, threads: usize) -> Policy {
    let candidates = trials.candidates;
    let n = candidates.len().min(8);
    let candidates = &candidates[..n];
    let height = img.height() as usize;
    let every = trials.every.max(BAND);
    // Small images are judged whole: a sample of a few rows misjudges them,
    // and all of them costs little.
    let sampled = height >= 4 * every && img.byte_len() > SAMPLE_FROM;
    let judge = |cand: Policy| -> usize {
        compressed_size(img, order, trials.engine, cand, sampled.then_some(every))
    };
    let mut sizes = [usize::MAX; 8];
    judge_all(candidates, &mut sizes[..n], threads, &judge);
    first_smallest(candidates, &sizes[..n])
}

/// `sizes[i] = judge(candidates[i])`, on up to `threads` threads (`std`).
#[cfg(feature = "std")]
fn judge_all<T: Copy + Sync>(
    candidates: &[T],
    sizes: &mut [usize],
    threads: usize,
    judge: &(dyn Fn(T) -> usize + Sync),
) {
    if threads <= 1 {
        for (s, &c) in sizes.iter_mut().zip(candidates) {
            *s = judge(c);
        }
        return;
    }
    // Candidates dealt round-robin to the threads; this thread takes the
    // first share. A thread that cannot start leaves its share to us.
    let threads = threads.min(candidates.len());
    std::thread::scope(|scope| {
        let handles: alloc::vec::Vec<_> = (1..threads)
            .map(|t| {
                let work = move || -> alloc::vec::Vec<(usize, usize)> {
                    (t..candidates.len())
                        .step_by(threads)
                        .map(|i| (i, judge(candidates[i])))
                        .collect()
                };
                (
                    std::thread::Builder::new().spawn_scoped(scope, work).ok(),
                    t,
                )
            })
            .collect();
        for i in (0..candidates.len()).step_by(threads) {
            sizes[i] = judge(candidates[i]);
        }
        for (h, t) in handles {
            let done = match h.map(|h| h.join()) {
                Some(Ok(r)) => r,
                Some(Err(e)) => std::panic::resume_unwind(e),
                None => (t..candidates.len())
                    .step_by(threads)
                    .map(|i| (i, judge(candidates[i])))
                    .collect(),
            };
            for (i, s) in done {
                sizes[i] = s;
            }
        }
    });
}

#[cfg(not(feature = "std"))]
fn judge_all<T: Copy>(
    candidates: &[T],
    sizes: &mut [usize],
    _threads: usize,
    judge: &(dyn Fn(T) -> usize + Sync),
) {
    for (s, &c) in sizes.iter_mut().zip(candidates) {
        *s = judge(c);
    }
}

/// A sink that only counts.
struct Count(usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

impl Strips for Coder<'_, '_> {
    fn strip<S: Sink + ?Sized>(&self, rows: Range<usize>, last: bool, out: &mut S) -> u32 {
        let mut e = Engine::new(self.params);
        let mut lines = Scanlines::new(self.img, self.order, self.policy);
        let mut adler = 1u32;
        for y in rows {
            let line = lines.next(y, e.literal_prices());
            adler = adler32_update(adler, line);
            e.write(line, out);
        }
        e.finish(last, out);
        adler
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Working memory of a strip coder (engine and scanlines) after it
    /// compressed `img`.
    fn memory_after(img: &Image<'_>, level: u8) -> usize {
        let c = Coder::new(img, level, ChannelOrder::Rgb, Filter::Adaptive, 1);
        let mut e = Engine::new(c.params);
        let mut lines = Scanlines::new(img, c.order, c.policy);
        let mut out = Vec::new();
        for y in 0..img.height() as usize {
            let line = lines.next(y, e.literal_prices());
            e.write(line, &mut out);
        }
        e.finish(true, &mut out);
        e.memory() + lines.memory()
    }

    /// Rows of smooth noise, so every level finds copies of all lengths.
    fn photo_like(w: usize, h: usize) -> Vec<u8> {
        let mut x = 0x1234_5678u32;
        let mut v = Vec::with_capacity(w * h * 3);
        let mut level = [128u8; 3];
        for _ in 0..w * h {
            for l in &mut level {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *l = l.wrapping_add((x % 5) as u8).wrapping_sub(2);
                v.push(*l);
            }
        }
        v
    }

    #[test]
    fn memory_does_not_grow_with_the_image() {
        // 1.3 and 6.3 MB of pixels: several segments each.
        let small = photo_like(700, 600);
        let big = photo_like(700, 3000);
        let small = Image::new(700, 600, 3, &small).unwrap();
        let big = Image::new(700, 3000, 3, &big).unwrap();
        // Debug builds (cargo test) take three levels, one per parser.
        let levels: &[u8] = if cfg!(debug_assertions) {
            &[2, 5, 7]
        } else {
            &[2, 3, 4, 5, 6, 7, 8, 9]
        };
        for &level in levels {
            let a = memory_after(&small, level);
            let b = memory_after(&big, level);
            // The closing note's table: `cargo test --release -p pixb64
            // --lib memory_does -- --nocapture`.
            std::println!("level {level}: {a} bytes (1.3 MB image), {b} bytes (6.3 MB)");
            // The working memory may differ by what one segment's content
            // asks of the buffers, not by the size of the image.
            assert!(b < a + a / 4, "level {level}: {a} -> {b}");
            assert!(b < 12 << 20, "level {level}: {b}");
        }
    }
}
