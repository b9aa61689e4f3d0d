//! Decoder settings and the size bounds checked before allocating.

use crate::image::ChannelOrder;

/// What [`Limits`] bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Image width in pixels.
    Width,
    /// Image height in pixels.
    Height,
    /// Bytes the decoder allocates for the image (see [`Limits::with_max_bytes`]).
    Bytes,
}

/// Bounds checked against IHDR before the decoder allocates anything the
/// size of the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub(super) max_width: u32,
    pub(super) max_height: u32,
    pub(super) max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}

impl Limits {
    /// Default bound on allocated bytes: 256 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 256 << 20;
    /// Default bound on either dimension: 2^20 pixels.
    pub const DEFAULT_MAX_DIMENSION: u32 = 1 << 20;

    /// The defaults: 2^20 pixels either way and 256 MiB.
    pub const fn new() -> Self {
        Limits {
            max_width: Self::DEFAULT_MAX_DIMENSION,
            max_height: Self::DEFAULT_MAX_DIMENSION,
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }

    /// No bounds beyond PNG's own (2^31 - 1 pixels) and the address space.
    /// Only for trusted input: a 60-byte file can ask for terabytes.
    pub const fn none() -> Self {
        Limits {
            max_width: u32::MAX,
            max_height: u32::MAX,
            max_bytes: usize::MAX,
        }
    }

    /// Largest accepted width.
    pub const fn with_max_width(mut self, n: u32) -> Self {
        self.max_width = n;
        self
    }

    /// Largest accepted height.
    pub const fn with_max_height(mut self, n: u32) -> Self {
        self.max_height = n;
        self
    }

    /// Most bytes the decoder may allocate for the image: the output pixels
    /// plus its working buffers. That is `height` bytes more than the pixels
    /// for the plain layouts (the filter bytes share the output buffer). For
    /// the expanded ones (palette, low bit depths, tRNS, Adam7, stripped 16
    /// bits, a read mode that changes the channels) it is the decompressed
    /// stream where that is at most 64 KiB and the `png` feature brings our
    /// own inflater (rows are unfiltered where they were inflated), else
    /// two rows plus the inflate ring: 32 KiB without
    /// the `std` feature (`miniz_oxide`), 64 KiB with it (`fdeflate`); Adam7
    /// adds one expanded row. Beyond it the decoder only uses the inflater
    /// state, a fixed 22.5 KiB of tables for our own inflater (kept per
    /// thread with `std`, or by a [`Decoder`](super::Decoder)), ~12 KiB
    /// (`miniz_oxide`) or ~20 KiB (`fdeflate`). For
    /// [`RowDecoder`](super::RowDecoder) it bounds the scratch
    /// ([`RowDecoder::scratch_len`](super::RowDecoder::scratch_len)), not the
    /// image.
    pub const fn with_max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// The width bound.
    pub const fn max_width(&self) -> u32 {
        self.max_width
    }
    /// The height bound.
    pub const fn max_height(&self) -> u32 {
        self.max_height
    }
    /// The allocation bound.
    pub const fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

/// The channels of the decoded pixels.
///
/// Conversions follow libpng as OpenCV drives it (`cv2.imdecode`), so that
/// the presets [`DecodeOptions::imread_color`] and friends give OpenCV's
/// pixels exactly:
///
/// * colour to gray: `(9797 R + 19234 G + 3737 B) >> 15`, libpng's
///   `png_set_rgb_to_gray` fixed-point weights for OpenCV's 0.299 / 0.587;
///   see [`Channels::Gray`] for the details (16-bit files, gAMA);
/// * gray to colour: the sample is replicated;
/// * alpha dropped: simply dropped, not composited over a background;
/// * alpha added: opaque (255, or 65535 at 16 bits).
///
/// A tRNS chunk counts as alpha: it becomes an alpha channel where the
/// output has one and is dropped where it has none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channels {
    /// The file's channels after the `png` crate's `EXPAND`: palette to RGB
    /// (RGBA with tRNS), gray below 8 bits to 8 bits, a tRNS colour key to
    /// an alpha channel. Gray 1, gray + alpha 2, RGB 3, RGBA 4. The default.
    #[default]
    AsStored,
    /// One channel. Colour is converted with libpng's weights (see the
    /// enum's documentation), alpha and tRNS are dropped. As in libpng, a
    /// gAMA chunk (or sRGB) whose gamma is not within 1 +- 0.05 makes the
    /// conversion go through linear light with libpng's gamma tables (and at
    /// 16 bits sBIT sets their precision); that needs the `std` feature
    /// (`powf`): without it the plain formula is used for those files.
    Gray,
    /// Three channels: gray replicated, alpha and tRNS dropped.
    Rgb,
    /// Four channels: gray replicated, alpha from the file, from tRNS, or
    /// opaque.
    Rgba,
    /// What OpenCV's `IMREAD_UNCHANGED` gives for PNG: gray stays one
    /// channel (a tRNS key is dropped), gray + alpha becomes four channels
    /// (gray replicated), RGB three, or four with tRNS; palette three, or
    /// four with tRNS; RGBA four.
    OpencvUnchanged,
}

/// PNG decoder settings. `DecodeOptions::default()` has the default
/// [`Limits`], the stored channels ([`Channels::AsStored`]), RGB order,
/// 16-bit samples kept, checksums verified, and the end of the file read
/// the way libpng reads it (see [`with_strict`](Self::with_strict)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeOptions {
    pub(super) limits: Limits,
    pub(super) channels: Channels,
    pub(super) order: ChannelOrder,
    pub(super) strip_16: bool,
    pub(super) checksums: bool,
    pub(super) strict: bool,
    pub(super) exif_orientation: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::new()
    }
}

impl DecodeOptions {
    /// The defaults, as a `const`.
    pub const fn new() -> Self {
        DecodeOptions {
            limits: Limits::new(),
            channels: Channels::AsStored,
            order: ChannelOrder::Rgb,
            strip_16: false,
            checksums: true,
            strict: false,
            exif_orientation: false,
        }
    }

    /// What `cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)` gives for a PNG file:
    /// [`Channels::OpencvUnchanged`], BGR order, 16 bits kept.
    pub const fn imread_unchanged() -> Self {
        DecodeOptions::new()
            .with_channels(Channels::OpencvUnchanged)
            .with_channel_order(ChannelOrder::Bgr)
    }

    /// What `cv2.imdecode(buf, cv2.IMREAD_COLOR)` gives for a PNG file:
    /// three channels ([`Channels::Rgb`]) in BGR order, 16-bit samples cut
    /// to their high byte.
    ///
    /// Like OpenCV in this mode and in `IMREAD_GRAYSCALE` (not in
    /// `IMREAD_UNCHANGED`), it turns the image upright by its EXIF
    /// orientation ([`with_exif_orientation`](Self::with_exif_orientation)):
    /// a PNG's eXIf chunk, a JPEG's APP1.
    pub const fn imread_color() -> Self {
        DecodeOptions::new()
            .with_exif_orientation(true)
            .with_channels(Channels::Rgb)
            .with_channel_order(ChannelOrder::Bgr)
            .with_strip_16(true)
    }

    /// What `cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)` gives for a PNG file:
    /// one channel ([`Channels::Gray`]), 16-bit samples cut to their high
    /// byte (after the conversion to gray, as libpng does).
    pub const fn imread_grayscale() -> Self {
        DecodeOptions::new()
            .with_exif_orientation(true)
            .with_channels(Channels::Gray)
            .with_channel_order(ChannelOrder::Bgr)
            .with_strip_16(true)
    }

    /// The size bounds.
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The channels of the output (default [`Channels::AsStored`]).
    pub const fn with_channels(mut self, channels: Channels) -> Self {
        self.channels = channels;
        self
    }

    /// The order of the colour samples in the output (`Bgr` swaps samples 0
    /// and 2 of 3- and 4-channel output).
    pub const fn with_channel_order(mut self, order: ChannelOrder) -> Self {
        self.order = order;
        self
    }

    /// Reduce 16-bit samples to 8 bits by keeping the high byte.
    pub const fn with_strip_16(mut self, strip: bool) -> Self {
        self.strip_16 = strip;
        self
    }

    /// Verify the critical chunks' CRC-32 and the zlib Adler-32 (default
    /// `true`). Turning it off saves a few percent on trusted input and lets
    /// a damaged file decode as far as its data allows.
    pub const fn with_checksums(mut self, verify: bool) -> Self {
        self.checksums = verify;
        self
    }

    /// Read the end of the file by the letter of the PNG specification
    /// (default `false`).
    ///
    /// By default the reader accepts what libpng (and so OpenCV) accepts
    /// once the image is complete: surplus image data in the zlib stream
    /// (more rows, or bytes after its end; the stream is not read further,
    /// so its Adler-32 is not checked then), IDAT chunks after the stream
    /// wherever they are, PLTE after the image data, an IEND chunk with a
    /// wrong CRC or a non-zero length, and any bytes after IEND. It still
    /// rejects what libpng rejects: a missing or cut-off IEND chunk, a chunk
    /// cut short or with an invalid type, an IDAT CRC error, an unknown
    /// critical chunk or a second IHDR before IEND.
    ///
    /// Strict, each of those is an error ([`DecodeError::ImageDataLong`],
    /// [`DecodeError::ChunkOrder`], [`DecodeError::InvalidChunkLength`],
    /// [`DecodeError::InvalidCrc`], [`DecodeError::TrailingData`]).
    ///
    /// [`DecodeError::ImageDataLong`]: super::DecodeError::ImageDataLong
    /// [`DecodeError::ChunkOrder`]: super::DecodeError::ChunkOrder
    /// [`DecodeError::InvalidChunkLength`]: super::DecodeError::InvalidChunkLength
    /// [`DecodeError::InvalidCrc`]: super::DecodeError::InvalidCrc
    /// [`DecodeError::TrailingData`]: super::DecodeError::TrailingData
    pub const fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Turn the image upright by its EXIF orientation tag (IFD0 tag 0x0112:
    /// flips and quarter turns, width and height swapped for 5-8), as
    /// `cv2.imdecode` does in `IMREAD_COLOR` and `IMREAD_GRAYSCALE`
    /// (default `false`; the `imread_color` and `imread_grayscale` presets
    /// set it). The tag is read from a JPEG's APP1 `Exif` segment or a PNG's
    /// eXIf chunk, wherever it is before IEND (OpenCV reads one after the
    /// image data too). The whole-image decoders turn the image (which
    /// takes a second buffer of its size, counted in the limits);
    /// [`RowDecoder`](super::RowDecoder) hands out rows as stored.
    pub const fn with_exif_orientation(mut self, apply: bool) -> Self {
        self.exif_orientation = apply;
        self
    }

    /// Whether a JPEG's EXIF orientation is applied.
    pub const fn exif_orientation(&self) -> bool {
        self.exif_orientation
    }

    /// The size bounds.
    pub const fn limits(&self) -> Limits {
        self.limits
    }
    /// The output channels.
    pub const fn channels(&self) -> Channels {
        self.channels
    }
    /// The output channel order.
    pub const fn channel_order(&self) -> ChannelOrder {
        self.order
    }
    /// Whether 16-bit samples are reduced to 8 bits.
    pub const fn strip_16(&self) -> bool {
        self.strip_16
    }
    /// Whether checksums are verified.
    pub const fn checksums(&self) -> bool {
        self.checksums
    }
    /// Whether the end of the file is read strictly.
    pub const fn strict(&self) -> bool {
        self.strict
    }
}
