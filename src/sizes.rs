//! Size accounting: how big an image is as raw pixels, as PNG, as base64 and
//! as a `data:` URI. Exact, and computed without encoding anything twice.
//!
//! ```
//! use pixb64::Sizes;
//! // A 100x100 RGB image whose PNG is 12,000 bytes.
//! let s = Sizes::new(30_000, 12_000).unwrap();
//! assert_eq!(s.base64, 16_000); // 4 symbols per 3 bytes
//! assert_eq!(s.data_uri, 16_000 + "data:image/png;base64,".len());
//! assert!((s.png_ratio() - 0.4).abs() < 1e-9);
//! ```

use core::fmt;

use crate::base64::STANDARD;

/// The MIME type pixb64 writes in PNG `data:` URIs.
pub const PNG_MIME: &str = "image/png";

/// Byte counts of one image in each form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sizes {
    /// Raw pixel bytes (`width * height * channels * bytes per sample`).
    pub raw: usize,
    /// The PNG file.
    pub png: usize,
    /// Padded standard base64 of the PNG.
    pub base64: usize,
    /// `data:image/png;base64,...` of the PNG.
    pub data_uri: usize,
}

impl Sizes {
    /// The sizes of an image of `raw` pixel bytes whose PNG is `png` bytes
    /// long; the base64 and `data:` URI lengths follow from `png` without
    /// encoding. `None` if a length overflows `usize`.
    pub const fn new(raw: usize, png: usize) -> Option<Sizes> {
        let Some(base64) = STANDARD.encoded_len(png) else {
            return None;
        };
        // "data:" + "image/png" + ";base64," + base64
        let Some(data_uri) = base64.checked_add(5 + PNG_MIME.len() + 8) else {
            return None;
        };
        Some(Sizes {
            raw,
            png,
            base64,
            data_uri,
        })
    }

    /// PNG bytes per raw byte (below 1 when PNG compresses).
    pub fn png_ratio(&self) -> f64 {
        ratio(self.png, self.raw)
    }

    /// Base64 characters per raw byte.
    pub fn base64_ratio(&self) -> f64 {
        ratio(self.base64, self.raw)
    }

    /// `data:` URI characters per raw byte.
    pub fn data_uri_ratio(&self) -> f64 {
        ratio(self.data_uri, self.raw)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for Sizes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "raw {} B, PNG {} B ({:.3}x), base64 {} B ({:.3}x), data URI {} B ({:.3}x)",
            self.raw,
            self.png,
            self.png_ratio(),
            self.base64,
            self.base64_ratio(),
            self.data_uri,
            self.data_uri_ratio()
        )
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_encoding() {
        for png in [0usize, 1, 2, 3, 4, 57, 1000, 65_537] {
            let s = Sizes::new(4 * png + 1, png).unwrap();
            let data = alloc::vec![0xA5u8; png];
            assert_eq!(s.base64, STANDARD.encode(&data).len());
            assert_eq!(s.data_uri, crate::data_uri::encode(PNG_MIME, &data).len());
            assert_eq!(s.raw, 4 * png + 1);
        }
        assert_eq!(Sizes::new(0, usize::MAX), None);
        let s = Sizes::new(300, 150).unwrap();
        assert_eq!(s.png_ratio(), 0.5);
        assert_eq!(s.base64_ratio(), 200.0 / 300.0);
    }
}
