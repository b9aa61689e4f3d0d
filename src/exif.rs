//! EXIF orientation, shared by the JPEG and PNG readers: the tag read from
//! an EXIF TIFF structure (JPEG's APP1 after `Exif\0\0`, PNG's eXIf chunk)
//! and a pixel buffer turned upright the way OpenCV's
//! `ApplyExifOrientation` does it (flips and transposes).

use alloc::vec::Vec;

/// The orientation tag (0x0112, SHORT, 1..=8) of IFD0 of an EXIF TIFF
/// structure; `None` when absent, out of range or out of bounds.
pub(crate) fn orientation(tiff: &[u8]) -> Option<u8> {
    let big = match tiff.get(..4)? {
        [b'I', b'I', 42, 0] => false,
        [b'M', b'M', 0, 42] => true,
        _ => return None,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b = tiff.get(i..i.checked_add(2)?)?;
        Some(if big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b = tiff.get(i..i.checked_add(4)?)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for k in 0..count {
        let e = ifd.checked_add(2)?.checked_add(k.checked_mul(12)?)?;
        if u16_at(e)? == 0x0112 {
            // SHORT, one value, left-justified in the value field.
            if u16_at(e + 2)? != 3 || u32_at(e + 4)? != 1 {
                return None;
            }
            let v = u16_at(e + 8)?;
            return u8::try_from(v).ok().filter(|v| (1..=8).contains(v));
        }
    }
    None
}

/// The image of `src` (`w` x `h`, `ch` bytes a pixel) turned upright for
/// EXIF orientation `o` (2..=8), written to `dst` (same length); returns the
/// new `(width, height)`.
///
/// Orientation: 2 mirror left-right, 3 rotate 180, 4 mirror top-bottom,
/// 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90
/// counter-clockwise.
pub(crate) fn apply(
    o: u8,
    src: &[u8],
    dst: &mut Vec<u8>,
    w: usize,
    h: usize,
    ch: usize,
) -> (usize, usize) {
    debug_assert_eq!(src.len(), w * h * ch);
    dst.clear();
    let swap = o >= 5;
    let (ow, oh) = if swap { (h, w) } else { (w, h) };
    for y in 0..oh {
        for x in 0..ow {
            // The source pixel of output pixel (x, y).
            let (sx, sy) = match o {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                8 => (w - 1 - y, x),
                _ => (x, y),
            };
            let i = (sy * w + sx) * ch;
            dst.extend_from_slice(&src[i..i + ch]);
        }
    }
    (ow, oh)
}

#[cfg(test)]
mod tests {
    use super::apply;
    use alloc::vec::Vec;

    #[test]
    fn eight_orientations_of_a_2x3() {
        // 3 wide, 2 high:  a b c / d e f
        let src = b"abcdef";
        let cases: [(u8, &[u8], (usize, usize)); 8] = [
            (1, b"abcdef", (3, 2)),
            (2, b"cbafed", (3, 2)),
            (3, b"fedcba", (3, 2)),
            (4, b"defabc", (3, 2)),
            (5, b"adbecf", (2, 3)),
            (6, b"daebfc", (2, 3)),
            (7, b"fcebda", (2, 3)),
            (8, b"cfbead", (2, 3)),
        ];
        for (o, want, dims) in cases {
            let mut dst = Vec::new();
            assert_eq!(apply(o, src, &mut dst, 3, 2, 1), dims, "orientation {o}");
            assert_eq!(&dst[..], want, "orientation {o}");
        }
    }
}
