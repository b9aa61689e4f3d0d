//! Levels 2..=9: the filter choice and our deflate engine
//! ([`super::deflate`]) at each level's effort, over one image's strips.

use super::adler::adler32_update;
use super::deflate::{self, Engine};
use super::filter::{Adaptive, Policy, Price, RowFilter};
use super::rows::Scanlines;
use super::strips::Strips;
use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};
use core::ops::Range;

/// What `Filter::Adaptive` means at `level` (2..=9).
fn adaptive(level: u8) -> Policy {
    let _ = level;
    #[cfg(feature = "std")]
    if let Ok(v) = std::env::var("PIXB64_PRICE") {
        let price = match v.trim_end_matches("-s") {
            "minsum" => Price::MinSum,
            "entropy" => Price::Entropy,
            _ => Price::Bits,
        };
        return Policy::Adaptive(Adaptive {
            price,
            sampled: v.ends_with("-s"),
            none: true,
        });
    }
    Policy::Adaptive(Adaptive::full(Price::Entropy))
}

/// Our engine at one level over one image.
pub(crate) struct Coder<'i, 'a> {
    img: &'i Image<'a>,
    order: ChannelOrder,
    policy: Policy,
    params: deflate::Params,
}

impl<'i, 'a> Coder<'i, 'a> {
    pub(crate) fn new(img: &'i Image<'a>, level: u8, order: ChannelOrder, filter: Filter) -> Self {
        let mut policy = Policy::from_filter(filter, adaptive(level));
        if filter == Filter::Adaptive && tries_strategies(level) {
            policy = best_strategy(img, order, policy);
        }
        Coder {
            img,
            order,
            policy,
            params: deflate::params(level),
        }
    }
}

/// Whether `level` tries whole-image filter strategies.
fn tries_strategies(level: u8) -> bool {
    #[cfg(feature = "std")]
    if let Ok(v) = std::env::var("PIXB64_STRATEGIES") {
        return v == "1";
    }
    level >= 9
}

/// Rows per band of the sample a strategy is judged on, and one band in
/// every this many rows is taken.
const BAND: usize = 8;
const BAND_EVERY: usize = 32;

/// The whole-image filter strategy that compresses `img` smallest, among
/// the level's adaptive `policy`, the min-sum, entropy and bit prices and
/// each fixed filter (oxipng's approach: screenshots often want one filter for every
/// row, which no per-row price sees, because runs of identical rows and
/// columns become long copies only under a consistent filter).
///
/// Each candidate is judged by compressing the same sample of the image,
/// one band of [`BAND`] rows in every [`BAND_EVERY`] (all rows of a small
/// image), with the fastest engine.
fn best_strategy(img: &Image<'_>, order: ChannelOrder, policy: Policy) -> Policy {
    let mut candidates = [
        policy,
        Policy::Adaptive(Adaptive::full(Price::MinSum)),
        Policy::Adaptive(Adaptive::full(Price::Entropy)),
        Policy::Adaptive(Adaptive::full(Price::Bits)),
        Policy::Fixed(RowFilter::None),
        Policy::Fixed(RowFilter::Sub),
        Policy::Fixed(RowFilter::Up),
    ];
    // The level's own policy first, so it wins ties; no candidate twice.
    let mut n = candidates.len();
    let mut i = 1;
    while i < n {
        if candidates[..i].contains(&candidates[i]) {
            candidates.copy_within(i + 1..n, i);
            n -= 1;
        } else {
            i += 1;
        }
    }
    let height = img.height() as usize;
    #[cfg(feature = "std")]
    let every: usize = std::env::var("PIXB64_BAND_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BAND_EVERY);
    #[cfg(not(feature = "std"))]
    let every = BAND_EVERY;
    let sampled = height >= 4 * every;
    let mut best = (usize::MAX, policy);
    for &cand in &candidates[..n] {
        let mut e = Engine::new(deflate::trial_params());
        let mut lines = Scanlines::new(img, order, cand);
        let mut size = Count(0);
        for y in 0..height {
            if sampled && y % every >= BAND {
                continue;
            }
            let line = lines.next(y, e.literal_prices());
            e.write(line, &mut size);
        }
        e.finish(true, &mut size);
        #[cfg(feature = "std")]
        if std::env::var_os("PIXB64_SHOW").is_some() {
            std::eprintln!("  {cand:?}: {}", size.0);
        }
        if size.0 < best.0 {
            best = (size.0, cand);
        }
    }
    #[cfg(feature = "std")]
    if std::env::var_os("PIXB64_SHOW").is_some() {
        std::eprintln!("chose {:?}", best.1);
    }
    best.1
}

/// A sink that only counts.
struct Count(usize);

impl Sink for Count {
    fn write(&mut self, bytes: &[u8]) {
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
        let c = Coder::new(img, level, ChannelOrder::Rgb, Filter::Adaptive);
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
            // The working memory may differ by what one segment's content
            // asks of the buffers, not by the size of the image.
            assert!(b < a + a / 4, "level {level}: {a} -> {b}");
            assert!(b < 12 << 20, "level {level}: {b}");
        }
    }
}
