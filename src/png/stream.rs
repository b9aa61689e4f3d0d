//! Writing a PNG row by row: [`RowEncoder`], and the row pipeline the
//! whole-image calls share with it.
//!
//! One writer: the signature and IHDR ([`write_head`]), the row pipeline
//! ([`Rows`]: channel swap, the row above, filter choice, engine,
//! Adler-32), the IDAT framing ([`IdatWriter`]) and IEND are the same code
//! for [`RowEncoder`] and for `encode` / `encode_to_sink` /
//! `encode_base64`. What only the whole-image calls do is what needs the
//! whole image: level 1's first code from rows sampled across it, levels
//! 2-9's whole-image strategy trials and small-image rule, threads.
//!
//! Memory: everything the pipeline holds apart from the engines' fixed
//! state is one buffer cut into parts ([`Layout`]): the row above and, for
//! BGR input, the swapped current row; the filter scratch; level 1's bit
//! stage; one IDAT chunk. [`RowEncoder::with_scratch`] takes it from the
//! caller, [`RowEncoder::new`] allocates it.

use core::fmt;

use super::adler::adler32_update;
use super::chunk::{idat_buffer, write_chunk, IdatWriter, IDAT_STREAM};
use super::fast;
use super::filter::{self, filter_pieces, swap_rb, Policy, Pricing, RowFilter};
use super::scratch::Scratch;
use super::stored::Stored;
use super::{Deflater, EncodeOptions, Sink, SIGNATURE};
use crate::image::{checked_len, ChannelOrder, Depth, ImageError, MAX_DIMENSION};
#[cfg(feature = "alloc")]
use alloc::{boxed::Box, vec};

/// What [`RowEncoder`] refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The image description is invalid (zero or too large a dimension, a
    /// channel count outside 1..=4, or a row longer than memory).
    InvalidHeader(ImageError),
    /// [`RowEncoder::write_rows`] was given bytes that are not whole rows.
    RowLength {
        /// Bytes given.
        len: usize,
        /// Bytes in one row.
        row_bytes: usize,
    },
    /// More rows were written than the image has.
    TooManyRows {
        /// Rows written before, plus the rows in the refused call.
        rows: u64,
        /// The image's height.
        height: u32,
    },
    /// [`RowEncoder::finish`] before every row was written.
    TooFewRows {
        /// Rows written.
        rows: u32,
        /// The image's height.
        height: u32,
    },
    /// The scratch given to [`RowEncoder::with_scratch`] is too short.
    ScratchTooSmall {
        /// Bytes needed ([`RowEncoder::scratch_len`]).
        needed: usize,
        /// Bytes given.
        len: usize,
    },
    /// Levels 2..=9 and the `miniz_oxide` deflater keep their tables on the
    /// heap: [`RowEncoder::with_scratch`] offers levels 0 and 1.
    NeedsAllocator {
        /// The level asked for.
        level: u8,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::InvalidHeader(e) => write!(f, "bad PNG header: {e}"),
            EncodeError::RowLength { len, row_bytes } => {
                write!(f, "{len} bytes are not whole rows of {row_bytes} bytes")
            }
            EncodeError::TooManyRows { rows, height } => {
                write!(f, "{rows} rows written to an image of {height}")
            }
            EncodeError::TooFewRows { rows, height } => {
                write!(f, "finished after {rows} of {height} rows")
            }
            EncodeError::ScratchTooSmall { needed, len } => {
                write!(f, "scratch of {len} bytes, {needed} needed")
            }
            EncodeError::NeedsAllocator { level } => write!(
                f,
                "level {level} needs an allocator (without one: levels 0 and 1)"
            ),
        }
    }
}

impl core::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            EncodeError::InvalidHeader(e) => Some(e),
            _ => None,
        }
    }
}

/// PNG colour type for 1..=4 channels: gray, gray + alpha, RGB, RGBA.
fn colour_type(channels: u8) -> u8 {
    match channels {
        1 => 0,
        2 => 4,
        3 => 2,
        _ => 6,
    }
}

/// Writes the signature and IHDR.
pub(crate) fn write_head<S: Sink + ?Sized>(
    sink: &mut S,
    width: u32,
    height: u32,
    channels: u8,
    depth: Depth,
) {
    sink.put(&SIGNATURE);
    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&width.to_be_bytes());
    ihdr[4..8].copy_from_slice(&height.to_be_bytes());
    ihdr[8] = depth.bits();
    ihdr[9] = colour_type(channels);
    // ihdr[10..13]: compression 0 (deflate), filter method 0, no interlace.
    write_chunk(sink, *b"IHDR", &ihdr);
}

/// Writes IEND.
pub(crate) fn write_end<S: Sink + ?Sized>(sink: &mut S) {
    write_chunk(sink, *b"IEND", &[]);
}

/// The zlib header (RFC 1950) for our level: CMF 0x78 (deflate, 32 KiB
/// window) and FLG with the level hint FLEVEL and FCHECK.
pub(crate) fn zlib_header(level: u8) -> [u8; 2] {
    match level {
        0..=1 => [0x78, 0x01],
        2..=5 => [0x78, 0x5E],
        6 => [0x78, 0x9C],
        _ => [0x78, 0xDA],
    }
}

/// Bytes of one row of `width` pixels of `channels` samples of `depth`, if
/// the description is valid and the row fits memory.
fn row_bytes(width: u32, height: u32, channels: u8, depth: Depth) -> Result<usize, ImageError> {
    if width == 0 || height == 0 {
        return Err(ImageError::ZeroDimension { width, height });
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(ImageError::DimensionTooLarge { width, height });
    }
    // The whole image need not fit memory, one row must.
    checked_len(width, 1, channels, depth)
}

/// The engine behind the rows.
// Level 1's state is inline on purpose: without an allocator there is
// nowhere else for it.
#[allow(clippy::large_enum_variant)]
enum Engine {
    /// Level 0: the total length is known from the header.
    Stored(Stored),
    /// Level 1: about 4.5 KiB, held inline (no allocator).
    Fast(fast::Stream),
    /// Levels 2..=9: our engine, fed whole filtered rows.
    #[cfg(feature = "alloc")]
    Deflate(Box<super::deflate::Engine>, Box<Counts>),
    /// `miniz_oxide` at the level's effort.
    #[cfg(feature = "png")]
    Miniz(Box<super::miniz::Stream>, Box<Counts>),
}

/// The entropy price's byte counters, one set per candidate filter.
#[cfg(feature = "alloc")]
type Counts = [[u32; 256]; 5];

/// The parts of the scratch buffer, by size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Row buffers: the row above and (BGR) the swapped current row.
    rows: usize,
    /// The filter's scratch.
    filter: usize,
    /// Level 1's bit stage.
    stage: usize,
    /// One IDAT chunk with its framing.
    idat: usize,
}

impl Layout {
    pub(crate) fn total(&self) -> usize {
        self.rows + self.filter + self.stage + self.idat
    }
}

/// The row pipeline's parts of the scratch.
pub(crate) struct Parts<'s> {
    rows: &'s mut [u8],
    filter: &'s mut [u8],
    stage: &'s mut [u8],
}

impl Layout {
    /// The pipeline's parts and the IDAT buffer (lent to the IDAT writer).
    pub(crate) fn cut<'s>(&self, buf: &'s mut [u8]) -> (Parts<'s>, &'s mut [u8]) {
        let (rows, rest) = buf.split_at_mut(self.rows);
        let (filter, rest) = rest.split_at_mut(self.filter);
        let (stage, rest) = rest.split_at_mut(self.stage);
        (
            Parts {
                rows,
                filter,
                stage,
            },
            &mut rest[..self.idat],
        )
    }
}

/// How the rows are filtered and compressed: the part of the settings the
/// pipeline needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    level: u8,
    deflater: Deflater,
    policy: Policy,
    row_bytes: usize,
    bpp: usize,
    sample: usize,
    swap: bool,
    /// Whether any row reads the row above.
    above: bool,
}

impl Plan {
    pub(crate) fn new(row_bytes: usize, channels: u8, depth: Depth, opts: &EncodeOptions) -> Self {
        let level = opts.level;
        let policy = match (level, opts.deflater) {
            (0, _) => Policy::from_filter(opts.filter, Policy::Fixed(RowFilter::None)),
            (1, Deflater::Pixb64) => fast::policy(opts.filter),
            #[cfg(feature = "png")]
            (_, Deflater::MinizOxide) => super::miniz::policy(level, opts.filter),
            #[cfg(feature = "alloc")]
            _ => super::levels::streaming_policy(level, opts.filter),
            // Refused by `Layout`; any policy.
            #[cfg(not(feature = "alloc"))]
            _ => Policy::Fixed(RowFilter::None),
        };
        Plan {
            level,
            deflater: opts.deflater,
            policy,
            row_bytes,
            bpp: usize::from(channels) * depth.bytes(),
            sample: depth.bytes(),
            swap: opts.order == ChannelOrder::Bgr && channels >= 3,
            above: policy != Policy::Fixed(RowFilter::None),
        }
    }

    /// Whether the pipeline runs without an allocator at this plan.
    fn in_scratch(&self) -> bool {
        self.level == 0 || (self.level == 1 && self.deflater == Deflater::Pixb64)
    }

    /// The scratch parts, with IDAT chunks of `idat` payload bytes.
    pub(crate) fn layout(&self, idat: usize) -> Layout {
        let rows = match (self.swap, self.above) {
            (true, true) => 2,
            (false, false) => 0,
            _ => 1,
        };
        let in_scratch = self.in_scratch();
        Layout {
            rows: rows * self.row_bytes,
            filter: filter::scratch_len(self.policy, self.level == 0),
            stage: if self.level == 1 && in_scratch {
                fast::STAGE
            } else {
                0
            },
            idat: idat_buffer(idat),
        }
    }
}

/// No prices: levels 0 and 1 price by min-sum.
fn unpriced() -> Pricing<'static> {
    static NONE: filter::BitPrices = [0; 256];
    Pricing {
        prices: &NONE,
        counts: None,
    }
}

/// The row pipeline: rows in the caller's order -> rows in PNG order with
/// the row above -> filtered scanlines -> the engine -> the sink, and the
/// Adler-32 of the scanlines.
pub(crate) struct Rows {
    plan: Plan,
    engine: Engine,
    adler: u32,
    /// BGR with the row above: which row buffer holds the row above.
    flip: bool,
}

impl Rows {
    /// A pipeline for `plan` whose parts are `parts` (level 1's first
    /// block header is staged there); `rows` rows of the image go through
    /// it; `first`, level 1's first code.
    pub(crate) fn new(
        plan: Plan,
        parts: &mut Parts<'_>,
        rows: u64,
        first: Option<&fast::Table>,
    ) -> Self {
        let engine = match (plan.level, plan.deflater) {
            (0, _) => Engine::Stored(Stored::new(rows * (1 + plan.row_bytes as u64))),
            (1, Deflater::Pixb64) => Engine::Fast(fast::Stream::new(first, parts.stage)),
            #[cfg(feature = "png")]
            (level, Deflater::MinizOxide) => Engine::Miniz(
                Box::new(super::miniz::Stream::new(level)),
                Box::new([[0; 256]; 5]),
            ),
            #[cfg(feature = "alloc")]
            (level, _) => Engine::Deflate(
                Box::new(super::deflate::Engine::new(
                    super::levels::streaming_params(level),
                )),
                Box::new([[0; 256]; 5]),
            ),
            #[cfg(not(feature = "alloc"))]
            _ => Engine::Stored(Stored::new(0)),
        };
        Rows {
            plan,
            engine,
            adler: 1,
            flip: false,
        }
    }

    /// Runs whole rows (`rows.len()` a multiple of the row length) through
    /// the pipeline into `out`. `above` is the row above the first one, in
    /// the caller's order, when the caller has it (a strip of an image);
    /// otherwise the pipeline's own copy is used (zeros above the first
    /// row of the image).
    pub(crate) fn write<S: Sink + ?Sized>(
        &mut self,
        rows: &[u8],
        above: Option<&[u8]>,
        parts: &mut Parts<'_>,
        out: &mut S,
    ) {
        let p = self.plan;
        let rb = p.row_bytes;
        if let (Some(a), true) = (above, p.above) {
            self.keep_above(a, parts);
        }
        let n = rows.len() / rb;
        for (i, row) in rows.chunks_exact(rb).enumerate() {
            if p.swap {
                let (a, b) = parts.rows.split_at_mut(rb.min(parts.rows.len()));
                let (prev, cur) = if !p.above {
                    (&mut [][..], a)
                } else if self.flip {
                    (a, b)
                } else {
                    (b, a)
                };
                swap_rb(row, cur, p.bpp, p.sample);
                let prev: &[u8] = if p.above { prev } else { cur };
                self.row(prev, cur, parts.filter, parts.stage, out);
                self.flip ^= p.above;
            } else {
                let prev = match (i, p.above) {
                    (_, false) => row,
                    (0, true) => &parts.rows[..rb],
                    _ => &rows[(i - 1) * rb..i * rb],
                };
                self.row(prev, row, parts.filter, parts.stage, out);
                if i + 1 == n && p.above {
                    parts.rows[..rb].copy_from_slice(row);
                }
            }
        }
    }

    /// Makes `row` (in the caller's order) the row above the next one.
    fn keep_above(&mut self, row: &[u8], parts: &mut Parts<'_>) {
        let rb = self.plan.row_bytes;
        if self.plan.swap {
            // The next row goes into the buffer that is not the row above.
            let (a, b) = parts.rows.split_at_mut(rb);
            let prev = if self.flip { a } else { b };
            swap_rb(row, prev, self.plan.bpp, self.plan.sample);
        } else {
            parts.rows[..rb].copy_from_slice(row);
        }
    }

    /// One row in PNG order with the row above.
    fn row<S: Sink + ?Sized>(
        &mut self,
        prev: &[u8],
        cur: &[u8],
        scratch: &mut [u8],
        stage: &mut [u8],
        out: &mut S,
    ) {
        let p = self.plan;
        let adler = &mut self.adler;
        match &mut self.engine {
            // Level 0's default: the row as it is, in one write.
            Engine::Stored(st) if p.policy == Policy::Fixed(RowFilter::None) => {
                for part in [&[0u8][..], cur] {
                    *adler = adler32_update(*adler, part);
                    st.write(part, out);
                }
            }
            Engine::Stored(st) => filter_pieces(
                p.policy,
                p.bpp,
                prev,
                cur,
                scratch,
                unpriced(),
                false,
                &mut |piece| {
                    *adler = adler32_update(*adler, piece);
                    st.write(piece, out);
                },
            ),
            Engine::Fast(fs) => {
                let repeats_are_up =
                    matches!(p.policy, Policy::Adaptive(_) | Policy::Fixed(RowFilter::Up));
                if repeats_are_up && cur == prev {
                    // A repeated row (flat backgrounds): Up makes it the
                    // filter byte 2 and zeros, which the adaptive policy
                    // also picks (price 0); coded without building it, the
                    // checksum in closed form.
                    *adler = fast::adler32_up_zeros(*adler, cur.len());
                    fs.up_zeros(cur.len(), stage, out);
                } else {
                    let emit = &mut |piece: &[u8]| {
                        *adler = adler32_update(*adler, piece);
                        fs.piece(piece, stage, out);
                    };
                    filter_pieces(p.policy, p.bpp, prev, cur, scratch, unpriced(), false, emit);
                }
                fs.row_end(stage);
            }
            #[cfg(feature = "alloc")]
            Engine::Deflate(e, counts) => {
                // The prices are copied: the engine takes the pieces.
                let (policy, prices) = filter::with_prices(p.policy, e.literal_prices());
                let prices = *prices;
                let pricing = Pricing {
                    prices: &prices,
                    counts: Some(counts),
                };
                let emit = &mut |piece: &[u8]| {
                    *adler = adler32_update(*adler, piece);
                    e.write(piece, out);
                };
                filter_pieces(policy, p.bpp, prev, cur, scratch, pricing, true, emit);
            }
            #[cfg(feature = "png")]
            Engine::Miniz(m, counts) => {
                let (policy, prices) = filter::with_prices(p.policy, None);
                let pricing = Pricing {
                    prices,
                    counts: Some(counts),
                };
                let emit = &mut |piece: &[u8]| {
                    *adler = adler32_update(*adler, piece);
                    m.write(piece, out);
                };
                filter_pieces(policy, p.bpp, prev, cur, scratch, pricing, true, emit);
            }
        }
    }

    /// Ends the deflate data: the final block if `last`, else a sync flush
    /// (a strip). Returns the Adler-32 of the scanlines.
    pub(crate) fn finish<S: Sink + ?Sized>(
        &mut self,
        last: bool,
        parts: &mut Parts<'_>,
        out: &mut S,
    ) -> u32 {
        match &mut self.engine {
            // The stored stream ended with its last byte.
            Engine::Stored(_) => {}
            Engine::Fast(fs) => fs.finish(last, parts.stage, out),
            #[cfg(feature = "alloc")]
            Engine::Deflate(e, _) => e.finish(last, out),
            #[cfg(feature = "png")]
            Engine::Miniz(m, _) => m.finish(last, out),
        }
        self.adler
    }

    /// Heap bytes of the engine (boxed state), for the memory tests.
    #[cfg(all(test, feature = "alloc"))]
    pub(crate) fn heap(&self) -> usize {
        match &self.engine {
            Engine::Stored(_) | Engine::Fast(_) => 0,
            Engine::Deflate(e, c) => e.memory() + core::mem::size_of_val(&**c),
            #[cfg(feature = "png")]
            Engine::Miniz(m, c) => core::mem::size_of_val(&**m) + core::mem::size_of_val(&**c),
        }
    }
}

/// A PNG written row by row into a [`Sink`], in memory that does not grow
/// with the image.
///
/// The signature and header go out when the encoder is made, the image
/// data as rows arrive (in IDAT chunks of 8 KiB; 4 KiB in the small form),
/// IEND at [`finish`](RowEncoder::finish). Memory, apart from the encoder
/// value itself (about 5.2 KiB on hosts):
///
/// | level | scratch |
/// |---|---|
/// | 0 | 9.0 KiB, + 1 row with a filter (2 rows for BGR with a filter) |
/// | 1 | 29.0 KiB + 1 row (2 rows for BGR); 16.0 KiB + rows in the small form |
/// | 2..=9 (`alloc`) | 15.0 KiB + 1 row (2 rows for BGR), and on the heap 5 KiB of filter counters and the engine: 0.34-0.69 MiB of window, segment and match tables |
///
/// What needs the whole image stays with the whole-image calls
/// ([`encode`](super::encode) and friends): level 1's first Huffman code
/// from rows sampled across the image (here the first 16 KiB use a default
/// code and each later 64 KiB block the code of the counts of the block
/// before, while that pays), levels 2..=9's whole-image filter strategies
/// and small-image rule, and threads.
///
/// ```
/// use pixb64::base64::STANDARD;
/// use pixb64::png::{Base64Sink, Depth, EncodeOptions, RowEncoder, Sink};
///
/// // Text into a fixed buffer (a UART would send it on instead).
/// struct Fixed<'b>(&'b mut [u8], usize);
/// impl Sink for Fixed<'_> {
///     fn put(&mut self, bytes: &[u8]) {
///         self.0[self.1..self.1 + bytes.len()].copy_from_slice(bytes);
///         self.1 += bytes.len();
///     }
/// }
///
/// // A 64x32 RGB gradient, made and sent one row at a time as a data URI,
/// // with no allocation: the scratch on the stack.
/// let opts = EncodeOptions::new(); // level 1
/// let mut scratch = [0u8; 40 * 1024];
/// let need = RowEncoder::<Fixed>::scratch_len(64, 3, Depth::Eight, &opts);
/// let mut text = [0u8; 8192];
/// let mut out = Fixed(&mut text, 0);
/// out.put(b"data:image/png;base64,");
/// let sink = Base64Sink::new(&STANDARD, out);
/// let mut enc =
///     RowEncoder::with_scratch(64, 32, 3, Depth::Eight, &opts, sink, &mut scratch[..need])?;
/// for y in 0..32u8 {
///     let row: Vec<u8> = (0..64u8).flat_map(|x| [x * 4, y * 8, 128]).collect();
///     enc.write_rows(&row)?;
/// }
/// let n = enc.finish()?.finish().1;
/// let uri = std::str::from_utf8(&text[..n]).unwrap();
/// # #[cfg(feature = "png")] {
/// let img = pixb64::data_uri::decode_image(uri).unwrap();
/// assert_eq!((img.width(), img.height()), (64, 32));
/// assert_eq!(&img.data()[3 * 65..3 * 66], &[4, 8, 128]);
/// # }
/// # Ok::<(), pixb64::png::EncodeError>(())
/// ```
pub struct RowEncoder<'a, S: Sink> {
    sink: S,
    store: Scratch<'a>,
    layout: Layout,
    rows: Rows,
    /// The IDAT writer's fill between calls.
    idat_at: usize,
    height: u32,
    written: u32,
}

impl<'a, S: Sink> RowEncoder<'a, S> {
    /// An encoder that owns its (bounded) buffers: every level and
    /// deflater.
    #[cfg(feature = "alloc")]
    pub fn new(
        width: u32,
        height: u32,
        channels: u8,
        depth: Depth,
        opts: &EncodeOptions,
        sink: S,
    ) -> Result<Self, EncodeError> {
        let rb = row_bytes(width, height, channels, depth).map_err(EncodeError::InvalidHeader)?;
        let plan = Plan::new(rb, channels, depth, opts);
        let layout = plan.layout(IDAT_STREAM);
        let store = Scratch::Owned(vec![0u8; layout.total()]);
        let head = (width, height, channels, depth);
        Ok(Self::start(head, plan, layout, store, sink, None))
    }

    /// The whole-image calls' encoder: IDAT chunks of `idat` bytes and
    /// level 1's first code from the image.
    #[cfg(feature = "alloc")]
    pub(crate) fn for_image(
        img: &crate::image::Image<'_>,
        opts: &EncodeOptions,
        sink: S,
        idat: usize,
        first: Option<&fast::Table>,
    ) -> Self {
        let (c, d) = (img.channels(), img.depth());
        let plan = Plan::new(img.row_bytes(), c, d, opts);
        let layout = plan.layout(idat);
        let store = Scratch::Owned(vec![0u8; layout.total()]);
        let head = (img.width(), img.height(), c, d);
        Self::start(head, plan, layout, store, sink, first)
    }

    /// An encoder in caller memory of at least [`scratch_len`](Self::scratch_len)
    /// bytes, with no allocation: levels 0 and 1 (our deflater).
    pub fn with_scratch(
        width: u32,
        height: u32,
        channels: u8,
        depth: Depth,
        opts: &EncodeOptions,
        sink: S,
        scratch: &'a mut [u8],
    ) -> Result<Self, EncodeError> {
        let rb = row_bytes(width, height, channels, depth).map_err(EncodeError::InvalidHeader)?;
        let plan = Plan::new(rb, channels, depth, opts);
        if !plan.in_scratch() {
            return Err(EncodeError::NeedsAllocator { level: opts.level });
        }
        let layout = plan.layout(IDAT_STREAM);
        let needed = layout.total();
        if scratch.len() < needed {
            return Err(EncodeError::ScratchTooSmall {
                needed,
                len: scratch.len(),
            });
        }
        let store = Scratch::Borrowed(scratch);
        let head = (width, height, channels, depth);
        Ok(Self::start(head, plan, layout, store, sink, None))
    }

    /// Scratch bytes [`with_scratch`](Self::with_scratch) needs for rows of
    /// `width` pixels (0 for a description or level it refuses).
    pub fn scratch_len(width: u32, channels: u8, depth: Depth, opts: &EncodeOptions) -> usize {
        let Ok(rb) = row_bytes(width, 1, channels, depth) else {
            return 0;
        };
        let plan = Plan::new(rb, channels, depth, opts);
        if plan.in_scratch() {
            plan.layout(IDAT_STREAM).total()
        } else {
            0
        }
    }

    fn start(
        (width, height, channels, depth): (u32, u32, u8, Depth),
        plan: Plan,
        layout: Layout,
        mut store: Scratch<'a>,
        mut sink: S,
        first: Option<&fast::Table>,
    ) -> Self {
        write_head(&mut sink, width, height, channels, depth);
        let (mut parts, idat_buf) = layout.cut(store.buf());
        // Zeros above the first row.
        parts.rows.fill(0);
        let rows = Rows::new(plan, &mut parts, u64::from(height), first);
        let mut idat = IdatWriter::new(&mut sink, idat_buf);
        idat.put(&zlib_header(plan.level));
        let idat_at = idat.at();
        RowEncoder {
            sink,
            store,
            layout,
            rows,
            idat_at,
            height,
            written: 0,
        }
    }

    /// Compresses whole rows (any number, in the channel order of the
    /// options; 16-bit samples big-endian).
    pub fn write_rows(&mut self, rows: &[u8]) -> Result<(), EncodeError> {
        let rb = self.rows.plan.row_bytes;
        if !rows.len().is_multiple_of(rb) {
            return Err(EncodeError::RowLength {
                len: rows.len(),
                row_bytes: rb,
            });
        }
        let n = (rows.len() / rb) as u64;
        let total = u64::from(self.written) + n;
        if total > u64::from(self.height) {
            return Err(EncodeError::TooManyRows {
                rows: total,
                height: self.height,
            });
        }
        self.push(rows);
        self.written = total as u32;
        Ok(())
    }

    /// Runs whole rows through the pipeline (checked by the caller).
    pub(crate) fn push(&mut self, rows: &[u8]) {
        let (mut parts, idat_buf) = self.layout.cut(self.store.buf());
        let mut idat = IdatWriter::resume(&mut self.sink, idat_buf, self.idat_at);
        self.rows.write(rows, None, &mut parts, &mut idat);
        self.idat_at = idat.at();
    }

    /// Rows written so far.
    pub fn rows_written(&self) -> u32 {
        self.written
    }

    /// Ends the image (every row must have been written) and returns the
    /// sink.
    pub fn finish(mut self) -> Result<S, EncodeError> {
        if self.written != self.height {
            return Err(EncodeError::TooFewRows {
                rows: self.written,
                height: self.height,
            });
        }
        self.end();
        Ok(self.sink)
    }

    /// Ends the deflate stream, the IDAT chunks and the file.
    pub(crate) fn end(&mut self) {
        let (mut parts, idat_buf) = self.layout.cut(self.store.buf());
        let mut idat = IdatWriter::resume(&mut self.sink, idat_buf, self.idat_at);
        let adler = self.rows.finish(true, &mut parts, &mut idat);
        idat.put(&adler.to_be_bytes());
        idat.finish();
        write_end(&mut self.sink);
    }

    /// Scratch bytes plus the encoder's heap (tests).
    #[cfg(all(test, feature = "alloc"))]
    pub(crate) fn memory(&self) -> usize {
        self.layout.total() + self.rows.heap()
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn headers_check() {
        for l in 0..=9 {
            let h = zlib_header(l);
            assert_eq!(h[0], 0x78);
            assert_eq!((u16::from(h[0]) << 8 | u16::from(h[1])) % 31, 0);
        }
    }

    /// Every level's memory (scratch, engine heap and the encoder value)
    /// depends on the width, not the height; printed for the closing note.
    #[test]
    fn memory_does_not_grow_with_the_height() {
        for level in 0..=9u8 {
            let opts = EncodeOptions::new().with_level(level);
            let at = |w: u32, h: u32| {
                let e = RowEncoder::new(w, h, 3, Depth::Eight, &opts, Vec::new()).unwrap();
                e.memory() + core::mem::size_of_val(&e)
            };
            for w in [64u32, 768] {
                let (short, tall) = (at(w, 16), at(w, 1 << 20));
                assert_eq!(short, tall, "level {level} width {w}");
                std::println!("RGB width {w} level {level}: {short} bytes");
            }
            // At most two rows' worth per row of width (the row above and,
            // for BGR, the swapped row): nothing else grows with the width.
            let bgr = opts.with_channel_order(ChannelOrder::Bgr);
            let mem = |w| {
                RowEncoder::new(w, 1, 3, Depth::Eight, &bgr, Vec::new())
                    .unwrap()
                    .memory()
            };
            let (wide, narrow) = (mem(768), mem(64));
            assert!(
                wide - narrow <= 2 * (768 - 64) * 3,
                "level {level}: {narrow} -> {wide}"
            );
        }
    }
}
