//! The channel conversions of [`Channels`]: the second stage of the row
//! expansion, from the `EXPAND` output (see `expand.rs`) to the requested
//! channels, with libpng's arithmetic as OpenCV drives it.
//!
//! libpng (1.6, `png_do_rgb_to_gray`) with OpenCV's weights 0.299 / 0.587:
//! the coefficients are `29900 * 32768 / 100000 = 9797` (red),
//! `58700 * 32768 / 100000 = 19234` (green) and `32768 - 9797 - 19234 =
//! 3737` (blue). A pixel whose three samples are equal keeps its value.
//! Otherwise
//!
//! * 8 bits, no gamma: `(rc R + gc G + bc B) >> 15` (truncated);
//! * 8 bits, the file's gamma (gAMA, or sRGB which stands for 0.45455)
//!   outside 1 +- 0.05: the samples go through libpng's 8-bit table to
//!   linear (`gamma_to_1`), are weighted with rounding (`+ 16384`), and come
//!   back through the table from linear (`gamma_from_1`);
//! * 16 bits: `(rc R + gc G + bc B + 16384) >> 15` at 16 bits, before the
//!   reduction to 8 bits.

use super::header::Preamble;
use super::ChunkType;
use crate::png::chunk::read_chunk;

/// libpng's fixed-point gray weights for OpenCV's 0.299 / 0.587.
const RC: u32 = 9797;
const GC: u32 = 19234;
const BC: u32 = 32768 - RC - GC;

/// The second stage: `from` channels (1 to 4, 8 or 16 bits) to `to`
/// channels (1, 3 or 4).
pub(super) struct Convert {
    from: u8,
    to: u8,
    sixteen: bool,
    /// 16-bit input, 8-bit output: keep the high byte of each result.
    strip: bool,
    /// 8-bit gamma tables to and from linear, when the file's gamma is
    /// significant and colour becomes gray.
    gamma: Option<[[u8; 256]; 2]>,
}

impl Convert {
    pub(super) fn new(pre: &Preamble<'_>, from: u8, to: u8, strip: bool) -> Self {
        let sixteen = pre.bit_depth == 16;
        let gamma = if to == 1 && from >= 3 && !sixteen {
            gamma_tables(pre)
        } else {
            None
        };
        Convert {
            from,
            to,
            sixteen,
            strip: sixteen && strip,
            gamma,
        }
    }

    /// Bytes per pixel of the input.
    pub(super) fn in_bpp(&self) -> usize {
        usize::from(self.from) * if self.sixteen { 2 } else { 1 }
    }

    /// Converts `n` pixels of `mid` into `out`.
    pub(super) fn run(&self, mid: &[u8], out: &mut [u8]) {
        let (from, to) = (usize::from(self.from), usize::from(self.to));
        if !self.sixteen {
            for (p, o) in mid.chunks_exact(from).zip(out.chunks_exact_mut(to)) {
                let (v, alpha) = match from {
                    1 => ([p[0]; 3], 0xFF),
                    2 => ([p[0]; 3], p[1]),
                    3 => ([p[0], p[1], p[2]], 0xFF),
                    _ => ([p[0], p[1], p[2]], p[3]),
                };
                match to {
                    1 => o[0] = if from <= 2 { v[0] } else { self.gray8(v) },
                    3 => o.copy_from_slice(&v),
                    _ => {
                        o[..3].copy_from_slice(&v);
                        o[3] = alpha;
                    }
                }
            }
            return;
        }
        let ob = if self.strip { 1 } else { 2 };
        for (p, o) in mid
            .chunks_exact(2 * from)
            .zip(out.chunks_exact_mut(to * ob))
        {
            let s = |i: usize| u16::from_be_bytes([p[2 * i], p[2 * i + 1]]);
            let (v, alpha) = match from {
                1 => ([s(0); 3], 0xFFFF),
                2 => ([s(0); 3], s(1)),
                3 => ([s(0), s(1), s(2)], 0xFFFF),
                _ => ([s(0), s(1), s(2)], s(3)),
            };
            let mut put = |i: usize, x: u16| {
                let b = x.to_be_bytes();
                if ob == 1 {
                    o[i] = b[0];
                } else {
                    o[2 * i] = b[0];
                    o[2 * i + 1] = b[1];
                }
            };
            match to {
                1 => put(0, if from <= 2 { v[0] } else { gray16(v) }),
                _ => {
                    for (i, &x) in v.iter().enumerate() {
                        put(i, x);
                    }
                    if to == 4 {
                        put(3, alpha);
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn gray8(&self, [r, g, b]: [u8; 3]) -> u8 {
        if r == g && r == b {
            return r;
        }
        match &self.gamma {
            None => ((RC * u32::from(r) + GC * u32::from(g) + BC * u32::from(b)) >> 15) as u8,
            Some([to1, from1]) => {
                let lin = |x: u8| u32::from(to1[usize::from(x)]);
                let y = (RC * lin(r) + GC * lin(g) + BC * lin(b) + 16384) >> 15;
                from1[y as usize]
            }
        }
    }
}

#[inline(always)]
fn gray16([r, g, b]: [u16; 3]) -> u16 {
    if r == g && r == b {
        return r;
    }
    ((RC * u32::from(r) + GC * u32::from(g) + BC * u32::from(b) + 16384) >> 15) as u16
}

/// The file's gamma as libpng sees it for `png_set_rgb_to_gray` (the
/// chunks before IDAT; sRGB stands for 45455), in units of 1/100000.
fn file_gamma(pre: &Preamble<'_>) -> Option<u32> {
    let head = pre.head;
    let mut pos = 8;
    let mut gama = None;
    while pos < head.len() {
        let Ok(c) = read_chunk(head, pos) else { break };
        if c.ty == ChunkType(*b"sRGB") && c.data.len() == 1 {
            return Some(45455);
        }
        if c.ty == ChunkType(*b"gAMA") && c.data.len() == 4 && gama.is_none() {
            let g = u32::from_be_bytes([c.data[0], c.data[1], c.data[2], c.data[3]]);
            if g != 0 && g <= i32::MAX as u32 {
                gama = Some(g);
            }
        }
        pos = c.end();
    }
    gama
}

/// libpng's `png_gamma_significant`: outside 1 +- 0.05.
fn significant(g: f64) -> bool {
    !(95000.0..=105000.0).contains(&g)
}

/// libpng's `png_reciprocal` (floating point build): 1e10 / g, rounded.
#[cfg(feature = "std")]
fn reciprocal(g: f64) -> f64 {
    (1e10 / g + 0.5).floor()
}

/// libpng's `png_build_8bit_table`.
#[cfg(feature = "std")]
fn table(g: f64) -> [u8; 256] {
    let mut t = [0u8; 256];
    for (i, v) in t.iter_mut().enumerate() {
        *v = if significant(g) && i > 0 && i < 255 {
            (255.0 * (i as f64 / 255.0).powf(g * 0.00001) + 0.5).floor() as u8
        } else {
            i as u8
        };
    }
    t
}

/// `gamma_to_1` and `gamma_from_1` when libpng builds them for the gray
/// conversion: the file's gamma `g` is significant, and the screen gamma
/// (left unset by OpenCV, so libpng takes `1 / g`) is the reciprocal.
#[cfg(feature = "std")]
fn gamma_tables(pre: &Preamble<'_>) -> Option<[[u8; 256]; 2]> {
    let g = f64::from(file_gamma(pre)?);
    let screen = reciprocal(g);
    if !significant(g) && !significant(screen) {
        return None;
    }
    Some([table(reciprocal(g)), table(reciprocal(screen))])
}

/// Without `std` there is no `powf`: the gamma of the file is not applied
/// to the gray conversion (a difference from libpng for colour files with
/// a gAMA or sRGB chunk).
#[cfg(not(feature = "std"))]
fn gamma_tables(pre: &Preamble<'_>) -> Option<[[u8; 256]; 2]> {
    let _ = file_gamma(pre);
    let _ = significant;
    None
}
