//! Encoder options: level, filter policy, channel order, threads.

pub use crate::image::ChannelOrder;

/// How the encoder chooses each row's PNG filter (a policy, not the wire
/// value: `Adaptive` picks per row).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Filter {
    /// Per row, the filter the engine estimates is cheapest (the default).
    #[default]
    Adaptive,
    /// Every row unfiltered.
    None,
    /// Every row: difference from the pixel to the left.
    Sub,
    /// Every row: difference from the pixel above.
    Up,
    /// Every row: difference from the mean of left and above.
    Average,
    /// Every row: Paeth predictor.
    Paeth,
}

/// Which deflate engine compresses levels 1..=9 (level 0 always stores).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Deflater {
    /// Ours: the fast tier at level 1, our own engine for filtered rows at
    /// 2..=9 (the default).
    #[default]
    Pixb64,
    /// `miniz_oxide` at the level's search effort, behind our filters: what
    /// levels 2..=9 ran before, for callers who want its exact output
    /// (feature `png`, which brings the dependency).
    #[cfg(feature = "png")]
    MinizOxide,
}

/// PNG encoder settings. `EncodeOptions::default()` is level
/// [`EncodeOptions::DEFAULT_LEVEL`], adaptive filtering, RGB order, one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncodeOptions {
    pub(crate) level: u8,
    pub(crate) filter: Filter,
    pub(crate) order: ChannelOrder,
    pub(crate) threads: usize,
    pub(crate) deflater: Deflater,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions::new()
    }
}

impl EncodeOptions {
    /// The default compression level.
    pub const DEFAULT_LEVEL: u8 = 1;

    /// The defaults, as a `const`.
    pub const fn new() -> Self {
        EncodeOptions {
            level: Self::DEFAULT_LEVEL,
            filter: Filter::Adaptive,
            order: ChannelOrder::Rgb,
            threads: 1,
            deflater: Deflater::Pixb64,
        }
    }

    /// Compression level 0..=9 (values above 9 mean 9): 0 stores, 1 is the
    /// fast tier, 2..=9 trade speed for size up to the smallest output at 9.
    pub const fn with_level(mut self, level: u8) -> Self {
        self.level = if level > 9 { 9 } else { level };
        self
    }

    /// The filter policy.
    pub const fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// The order of the colour samples in the input buffer.
    pub const fn with_channel_order(mut self, order: ChannelOrder) -> Self {
        self.order = order;
        self
    }

    /// Compress horizontal strips on up to `n` threads (`std` only; 0 means 1).
    #[cfg(feature = "std")]
    pub const fn with_threads(mut self, n: usize) -> Self {
        self.threads = if n == 0 { 1 } else { n };
        self
    }

    /// The deflate engine for levels 1..=9.
    pub const fn with_deflater(mut self, deflater: Deflater) -> Self {
        self.deflater = deflater;
        self
    }

    /// The level.
    pub const fn level(&self) -> u8 {
        self.level
    }
    /// The filter policy.
    pub const fn filter(&self) -> Filter {
        self.filter
    }
    /// The channel order.
    pub const fn channel_order(&self) -> ChannelOrder {
        self.order
    }
    /// The thread count.
    pub const fn threads(&self) -> usize {
        self.threads
    }
    /// The deflate engine.
    pub const fn deflater(&self) -> Deflater {
        self.deflater
    }
}
