//! Levels 2..=9: the filter choice and our deflate engine
//! ([`super::deflate`]) at each level's effort, over one image's strips.

use super::adler::adler32_update;
use super::deflate::{self, Engine};
use super::filter::{Policy, Price};
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
        return Policy::Adaptive(match v.as_str() {
            "minsum" => Price::MinSum,
            "entropy" => Price::Entropy,
            _ => Price::Bits,
        });
    }
    Policy::Adaptive(Price::Entropy)
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
        Coder {
            img,
            order,
            policy: Policy::from_filter(filter, adaptive(level)),
            params: deflate::params(level),
        }
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
            assert!(b < 8 << 20, "level {level}: {b}");
        }
    }
}
