//! The plain image type: `(width, height, channels, bytes)`, validated once.
//!
//! Rows are tightly packed and samples interleaved: 1 channel is gray, 2 gray +
//! alpha, 3 RGB, 4 RGBA. 16-bit samples are big-endian byte pairs, which is
//! PNG's own layout, so a 16-bit image needs no conversion on the way in or
//! out. A BGR(A) buffer (OpenCV's layout) is described by the same type; the
//! encoder and decoder take a [`ChannelOrder`] to swap red and blue on the fly.

use core::fmt;

/// Bits per sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Depth {
    /// One byte per sample.
    Eight,
    /// Two bytes per sample, big-endian (PNG's layout).
    Sixteen,
}

impl Depth {
    /// Bytes per sample: 1 or 2.
    pub const fn bytes(self) -> usize {
        match self {
            Depth::Eight => 1,
            Depth::Sixteen => 2,
        }
    }

    /// Bits per sample: 8 or 16.
    pub const fn bits(self) -> u8 {
        match self {
            Depth::Eight => 8,
            Depth::Sixteen => 16,
        }
    }
}

/// Order of the colour samples in a 3- or 4-channel buffer.
///
/// Gray and gray + alpha images are the same in both orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChannelOrder {
    /// Red, green, blue (and alpha): PNG's order.
    #[default]
    Rgb,
    /// Blue, green, red (and alpha): OpenCV's order.
    Bgr,
}

/// What is wrong with an image's description.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageError {
    /// Width or height is zero (PNG cannot hold an empty image).
    ZeroDimension {
        /// The given width.
        width: u32,
        /// The given height.
        height: u32,
    },
    /// A dimension exceeds PNG's limit of 2^31 - 1.
    DimensionTooLarge {
        /// The given width.
        width: u32,
        /// The given height.
        height: u32,
    },
    /// `width * height * channels * bytes per sample` does not fit in `usize`.
    SizeOverflow {
        /// The given width.
        width: u32,
        /// The given height.
        height: u32,
        /// The given channel count.
        channels: u8,
    },
    /// The channel count is not 1, 2, 3 or 4.
    InvalidChannels {
        /// The given channel count.
        channels: u8,
    },
    /// The buffer length is not exactly `width * height * channels * bytes per sample`.
    LengthMismatch {
        /// The length the dimensions call for.
        expected: usize,
        /// The length given.
        actual: usize,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ImageError::ZeroDimension { width, height } => {
                write!(f, "image has a zero dimension ({width}x{height})")
            }
            ImageError::DimensionTooLarge { width, height } => {
                write!(f, "image dimension exceeds 2^31-1 ({width}x{height})")
            }
            ImageError::SizeOverflow {
                width,
                height,
                channels,
            } => write!(
                f,
                "image size overflows usize ({width}x{height}x{channels})"
            ),
            ImageError::InvalidChannels { channels } => {
                write!(f, "channel count must be 1, 2, 3 or 4, not {channels}")
            }
            ImageError::LengthMismatch { expected, actual } => write!(
                f,
                "pixel buffer has {actual} bytes, the dimensions call for {expected}"
            ),
        }
    }
}

impl core::error::Error for ImageError {}

/// PNG's limit on either dimension.
pub(crate) const MAX_DIMENSION: u32 = (1 << 31) - 1;

/// Checks the description and returns the exact byte length it calls for.
pub(crate) fn checked_len(
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
) -> Result<usize, ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::ZeroDimension { width, height });
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(ImageError::DimensionTooLarge { width, height });
    }
    if !(1..=4).contains(&channels) {
        return Err(ImageError::InvalidChannels { channels });
    }
    let overflow = ImageError::SizeOverflow {
        width,
        height,
        channels,
    };
    let w = usize::try_from(width).map_err(|_| overflow.clone())?;
    let h = usize::try_from(height).map_err(|_| overflow.clone())?;
    w.checked_mul(h)
        .and_then(|n| n.checked_mul(usize::from(channels) * depth.bytes()))
        .ok_or(overflow)
}

/// Checks `len` against the description: the one validation behind every
/// constructor of [`Image`] and [`ImageBuf`].
fn check(
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
    len: usize,
) -> Result<(), ImageError> {
    let expected = checked_len(width, height, channels, depth)?;
    if len != expected {
        return Err(ImageError::LengthMismatch {
            expected,
            actual: len,
        });
    }
    Ok(())
}

/// The constructors and accessors of [`Image`] and [`ImageBuf`], written once:
/// `$data` is the type the pixels come in, `$lt` the lifetime of the slices
/// `data()` and `row()` hand out (`'a` for the borrowed image, `'_` for the
/// owned one).
macro_rules! image_api {
    ($data:ty, $lt:lifetime) => {
        /// An 8-bit image. `data.len()` must be exactly `width * height * channels`.
        pub fn new(width: u32, height: u32, channels: u8, data: $data) -> Result<Self, ImageError> {
            Self::new_with_depth(width, height, channels, Depth::Eight, data)
        }

        /// A 16-bit image of big-endian sample pairs. `data.len()` must be
        /// exactly `width * height * channels * 2`.
        pub fn new_16(
            width: u32,
            height: u32,
            channels: u8,
            data: $data,
        ) -> Result<Self, ImageError> {
            Self::new_with_depth(width, height, channels, Depth::Sixteen, data)
        }

        /// An image of the given depth. `data.len()` must be exactly
        /// `width * height * channels * depth.bytes()`.
        pub fn new_with_depth(
            width: u32,
            height: u32,
            channels: u8,
            depth: Depth,
            data: $data,
        ) -> Result<Self, ImageError> {
            check(width, height, channels, depth, data.len())?;
            Ok(Self {
                width,
                height,
                channels,
                depth,
                data,
            })
        }

        /// Width in pixels.
        pub fn width(&self) -> u32 {
            self.width
        }
        /// Height in pixels.
        pub fn height(&self) -> u32 {
            self.height
        }
        /// Samples per pixel: 1 to 4.
        pub fn channels(&self) -> u8 {
            self.channels
        }
        /// Bits per sample.
        pub fn depth(&self) -> Depth {
            self.depth
        }
        /// The pixel bytes, rows top to bottom.
        pub fn data(&self) -> &$lt [u8] {
            &self.data[..]
        }
        /// `data().len()`.
        pub fn byte_len(&self) -> usize {
            self.data.len()
        }
        /// Bytes per pixel: `channels * depth.bytes()`, 1 to 8.
        pub fn bytes_per_pixel(&self) -> usize {
            usize::from(self.channels) * self.depth.bytes()
        }
        /// Bytes per row.
        pub fn row_bytes(&self) -> usize {
            // Cannot overflow: the whole buffer's length was checked.
            self.width as usize * self.bytes_per_pixel()
        }
        /// Row `y` (panics if `y >= height`).
        pub fn row(&self, y: usize) -> &$lt [u8] {
            let n = self.row_bytes();
            &self.data[y * n..(y + 1) * n]
        }
    };
}

/// A borrowed image: dimensions, channel count, depth and the pixel bytes,
/// checked against each other once, in the constructor.
///
/// ```
/// use pixb64::{Depth, Image, ImageError};
/// let px = [0u8; 4 * 3 * 2];
/// let img = Image::new(4, 2, 3, &px).unwrap();
/// assert_eq!((img.row_bytes(), img.row(1).len()), (12, 12));
/// // 16-bit samples are big-endian, as in PNG.
/// let deep = Image::new_with_depth(2, 2, 3, Depth::Sixteen, &px).unwrap();
/// assert_eq!(deep.bytes_per_pixel(), 6);
/// // The byte count must match the description.
/// assert!(matches!(Image::new(4, 2, 3, &px[1..]), Err(ImageError::LengthMismatch { .. })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Image<'a> {
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
    data: &'a [u8],
}

impl<'a> Image<'a> {
    image_api!(&'a [u8], 'a);
}

/// An owned image: the same constructors and accessors as [`Image`].
///
/// ```
/// use pixb64::ImageBuf;
/// let img = ImageBuf::new(2, 1, 4, vec![1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
/// assert_eq!(img.as_image().row(0), &[1, 2, 3, 4, 5, 6, 7, 8]);
/// assert_eq!(img.into_vec().len(), 8);
/// ```
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageBuf {
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
    data: alloc::vec::Vec<u8>,
}

#[cfg(feature = "alloc")]
impl ImageBuf {
    image_api!(alloc::vec::Vec<u8>, '_);

    /// A borrowed view.
    pub fn as_image(&self) -> Image<'_> {
        Image {
            width: self.width,
            height: self.height,
            channels: self.channels,
            depth: self.depth,
            data: &self.data,
        }
    }
    /// The pixel bytes, by value.
    pub fn into_vec(self) -> alloc::vec::Vec<u8> {
        self.data
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<Image<'a>> for ImageBuf {
    fn from(img: Image<'a>) -> Self {
        ImageBuf {
            width: img.width,
            height: img.height,
            channels: img.channels,
            depth: img.depth,
            data: img.data.into(),
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn owned_and_borrowed_agree() {
        let data: alloc::vec::Vec<u8> = (0..2 * 3 * 4 * 2).map(|i| i as u8).collect();
        let img = Image::new_16(2, 3, 4, &data).unwrap();
        let buf = ImageBuf::new_16(2, 3, 4, data.clone()).unwrap();
        assert_eq!(buf.as_image(), img);
        assert_eq!(ImageBuf::from(img), buf);
        assert_eq!((buf.bytes_per_pixel(), buf.row_bytes()), (8, 16));
        for y in 0..3 {
            assert_eq!(buf.row(y), img.row(y));
        }
        for (w, h, c, len) in [
            (0, 1, 1, 0),
            (1, 1, 5, 5),
            (2, 2, 3, 11),
            (1 << 31, 1, 1, 1),
        ] {
            assert_eq!(
                ImageBuf::new(w, h, c, vec![0; len]).unwrap_err(),
                Image::new(w, h, c, &vec![0; len]).unwrap_err()
            );
        }
    }
}
