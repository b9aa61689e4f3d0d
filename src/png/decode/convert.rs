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
//! * 16 bits, no gamma: `(rc R + gc G + bc B + 16384) >> 15` at 16 bits,
//!   before the reduction to 8 bits;
//! * 16 bits with gamma (`std` only): libpng's 16-bit tables, indexed by
//!   the sample shifted right by `gamma_shift` (16 - sBIT, at least 5 when
//!   16 bits are stripped, at most 8), and for pixels of equal samples its
//!   16-to-8 (or 16-bit) identity table instead of the plain value.
//!
//! All of it checked against OpenCV 5.1 (libpng 1.6.59) by
//! `.ci/interop/opencv_modes.py`.

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
    /// The same at 16 bits (`std` only).
    #[cfg(feature = "std")]
    gamma16: Option<alloc::boxed::Box<Gamma16>>,
}

impl Convert {
    pub(super) fn new(pre: &Preamble<'_>, from: u8, to: u8, strip: bool) -> Self {
        let sixteen = pre.bit_depth == 16;
        let gamma = if to == 1 && from >= 3 && !sixteen {
            gamma_tables(pre)
        } else {
            None
        };
        #[cfg(feature = "std")]
        let gamma16 = if to == 1 && from >= 3 && sixteen {
            Gamma16::new(pre, strip).map(alloc::boxed::Box::new)
        } else {
            None
        };
        Convert {
            from,
            to,
            sixteen,
            strip: sixteen && strip,
            gamma,
            #[cfg(feature = "std")]
            gamma16,
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
                1 => put(0, if from <= 2 { v[0] } else { self.gray16(v) }),
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

impl Convert {
    #[inline(always)]
    fn gray16(&self, v: [u16; 3]) -> u16 {
        #[cfg(feature = "std")]
        if let Some(t) = &self.gamma16 {
            return t.gray(v);
        }
        gray16(v)
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
    file_chunks(pre).0
}

/// The file's gamma (see [`file_gamma`]) and the largest colour sBIT value
/// (0 without a valid sBIT chunk).
fn file_chunks(pre: &Preamble<'_>) -> (Option<u32>, u8) {
    let head = pre.head;
    let mut pos = 8;
    let mut gama = None;
    let mut srgb = false;
    let mut sbit = 0;
    while pos < head.len() {
        let Ok(c) = read_chunk(head, pos) else { break };
        if c.ty == ChunkType(*b"sRGB") && c.data.len() == 1 {
            srgb = true;
        }
        let truelen = match pre.color {
            super::ColorType::Rgba => 4,
            _ => 3,
        };
        if c.ty == ChunkType(*b"sBIT") && c.data.len() == truelen && sbit == 0 {
            let d = c.data;
            if d.iter().all(|&b| b != 0 && b <= pre.bit_depth) {
                sbit = d[0].max(d[1]).max(d[2]);
            }
        }
        if c.ty == ChunkType(*b"gAMA") && c.data.len() == 4 && gama.is_none() {
            let g = u32::from_be_bytes([c.data[0], c.data[1], c.data[2], c.data[3]]);
            if g != 0 && g <= i32::MAX as u32 {
                gama = Some(g);
            }
        }
        pos = c.end();
    }
    (if srgb { Some(45455) } else { gama }, sbit)
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

/// libpng's 16-bit gray conversion with gamma (`png_do_rgb_to_gray`, the
/// `gamma_16_to_1` / `gamma_16_from_1` tables), indexed by the sample
/// shifted right by `shift` (libpng's `gamma_shift`: from sBIT, at least 5
/// when 16 bits are stripped), and the table of pixels whose samples are
/// equal (`gamma_16_table`, identity gamma: libpng's 16-to-8 table when
/// stripping, else its 16-bit table).
#[cfg(feature = "std")]
struct Gamma16 {
    shift: u32,
    to1: alloc::vec::Vec<u16>,
    from1: alloc::vec::Vec<u16>,
    equal: alloc::vec::Vec<u16>,
}

#[cfg(feature = "std")]
impl Gamma16 {
    fn new(pre: &Preamble<'_>, strip: bool) -> Option<Self> {
        let (g, sbit) = file_chunks(pre);
        let g = f64::from(g?);
        let screen = reciprocal(g);
        if !significant(g) && !significant(screen) {
            return None;
        }
        let mut shift = if sbit > 0 && sbit < 16 {
            16 - u32::from(sbit)
        } else {
            0
        };
        if strip {
            shift = shift.max(16 - 11);
        }
        shift = shift.min(8);
        let n = 1usize << (16 - shift);
        let table16 = |gv: f64| -> alloc::vec::Vec<u16> {
            let max = (n - 1) as f64;
            (0..n)
                .map(|ig| {
                    if significant(gv) {
                        (65535.0 * (ig as f64 / max).powf(gv * 0.00001) + 0.5).floor() as u16
                    } else if shift != 0 {
                        ((ig as u32 * 65535 + (1 << (15 - shift))) / (n as u32 - 1)) as u16
                    } else {
                        ig as u16
                    }
                })
                .collect()
        };
        // png_reciprocal2(g, screen): 1e15 / g / screen, rounded.
        let unity = (1e15 / g / screen + 0.5).floor();
        let equal = if strip {
            // png_build_16to8_table.
            let mut t = alloc::vec![65535u16; n];
            let mut last = 0usize;
            let max = n as u64 - 1;
            for i in 0..255u32 {
                let out = (i * 257) as u16;
                let v = f64::from(out) + 128.0;
                let corrected = if significant(unity) && v > 0.0 && v < 65535.0 {
                    (65535.0 * (v / 65535.0).powf(unity * 0.00001) + 0.5).floor() as u64
                } else {
                    v as u64
                };
                let bound = ((corrected * max + 32768) / 65535 + 1) as usize;
                while last < bound.min(n) {
                    t[last] = out;
                    last += 1;
                }
            }
            t
        } else {
            table16(unity)
        };
        Some(Gamma16 {
            shift,
            to1: table16(reciprocal(g)),
            from1: table16(reciprocal(screen)),
            equal,
        })
    }

    fn gray(&self, [r, g, b]: [u16; 3]) -> u16 {
        let s = self.shift;
        if r == g && r == b {
            return self.equal[usize::from(r >> s)];
        }
        let lin = |x: u16| u32::from(self.to1[usize::from(x >> s)]);
        let y = (RC * lin(r) + GC * lin(g) + BC * lin(b) + 16384) >> 15;
        self.from1[(y >> s) as usize]
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::super::header::Preamble;
    use super::super::inflate::Engine;
    use super::super::plan::Plan;
    use super::super::{Channels, DecodeOptions};
    use crate::image::Image;
    use crate::png::{encode, EncodeOptions};

    /// Which pipeline a conversion takes: the direct one only when the
    /// output is the stored bytes (plus the BGR swap).
    #[test]
    fn conversions_take_the_row_pipeline() {
        let px = [7u8; 4 * 2 * 4];
        for (channels, cases) in [
            (
                1,
                &[
                    (DecodeOptions::imread_grayscale(), true),
                    (DecodeOptions::imread_color(), false),
                    (DecodeOptions::imread_unchanged(), true),
                ][..],
            ),
            (
                2,
                &[
                    (DecodeOptions::imread_unchanged(), false),
                    (DecodeOptions::new().with_channels(Channels::AsStored), true),
                ],
            ),
            (
                3,
                &[
                    (DecodeOptions::imread_color(), true),
                    (DecodeOptions::imread_unchanged(), true),
                    (DecodeOptions::imread_grayscale(), false),
                    (DecodeOptions::new().with_channels(Channels::Rgba), false),
                ],
            ),
            (
                4,
                &[
                    (DecodeOptions::imread_unchanged(), true),
                    (DecodeOptions::imread_color(), false),
                ],
            ),
        ] {
            let img = Image::new(4, 2, channels, &px[..4 * 2 * usize::from(channels)]).unwrap();
            let file = encode(&img, &EncodeOptions::default());
            let pre = Preamble::parse(&file, true).unwrap();
            for (opts, direct) in cases {
                let plan = Plan::new(&pre, opts, Engine::DEFAULT).unwrap();
                assert_eq!(plan.direct, *direct, "{channels} channels, {opts:?}");
            }
        }
    }
}
