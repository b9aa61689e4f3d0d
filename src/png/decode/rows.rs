//! [`RowDecoder`]: the row pipeline of the reader, one row per call, in
//! memory bounded by two rows plus a fixed ~45 KiB.
//!
//! It is `decode_rows` (in `decode.rs`) taken apart: the same IDAT stream,
//! ring, row gathering, filter check, unfiltering and expansion, in the same
//! order, so that it returns the same rows and the same errors. What
//! differs:
//!
//! * the inflater is always `miniz_oxide`, its state held by value (no
//!   allocation), inflating into a 32 KiB wrapping ring;
//! * the ring is used as a linear buffer until it first wraps, so that a
//!   match reaching before the start of the stream is an error, as in the
//!   whole-image reader's direct pipeline and in `fdeflate` (the
//!   whole-image row pipeline with `miniz_oxide` reads the zeroed ring
//!   there instead);
//! * two row buffers take turns: the filtered row is gathered into the one
//!   that held the last output row, unfiltered against the other (the
//!   previous row), which is then free to take the expanded output row.

#[cfg(feature = "png")]
use alloc::vec::Vec;

use miniz_oxide::inflate::core::inflate_flags::{
    TINFL_FLAG_IGNORE_ADLER32, TINFL_FLAG_PARSE_ZLIB_HEADER,
};
use miniz_oxide::inflate::core::DecompressorOxide;

use super::super::scratch::Scratch;
use super::expand::Expand;
use super::header::Ending;
use super::inflate::{mz_finish, mz_run, Idat, WINDOW};
use super::{
    header_of, raw_row_bytes, unfilter, Budget, ColorType, DecodeError, DecodeOptions, Header,
    Plan, Preamble,
};

/// A row-by-row PNG reader over a file in memory.
///
/// Each [`next_row`](Self::next_row) returns one row of the image exactly as
/// it appears in the output of [`decode_with`](super::decode_with) with the
/// same [`DecodeOptions`] (palette, low bit depths and tRNS expanded, 16 bits
/// kept or stripped, RGB or BGR order); after the last row it checks the end
/// of the zlib stream and the chunks up to IEND, and returns `Ok(None)`. An
/// error is returned again by every later call.
///
/// Memory: the decoder value (~12 KiB, most of it the `miniz_oxide`
/// inflater state, held inline) plus [`scratch_len`](Self::scratch_len)
/// bytes: a 32 KiB inflate ring and two buffers of one row each (the larger
/// of the filtered row with its filter byte and the output row). [`new`](Self::new)
/// allocates the scratch once; [`with_scratch`](Self::with_scratch) takes it
/// from the caller and allocates nothing.
///
/// Only non-interlaced files: an Adam7 file is
/// [`DecodeError::InterlacedRows`].
///
/// [`Limits`](super::Limits): the width and height bounds apply as in
/// [`decode_with`](super::decode_with); the byte bound applies to the
/// scratch (which is all this decoder sizes from the file), not to the
/// whole image, so a file too large to decode whole under a byte limit can
/// still be read row by row.
///
/// Errors are those of [`decode_with`](super::decode_with), found in the
/// order of the stream. They can differ from the whole-image reader's in
/// three ways: for the plain layouts (8- and 16-bit gray, gray + alpha,
/// RGB, RGBA, without tRNS or 16-bit stripping) the whole-image reader
/// inflates up to 64 KiB ahead of the rows, so with a bad filter byte and
/// a later stream error each reader may report a different one of the two;
/// the `offset` of [`DecodeError::Zlib`] can differ from the `std` reader's
/// (`fdeflate` reads ahead); and a match reaching before the start of the
/// stream is an error here, where the `alloc`-only reader decodes it (as
/// zeros) for the expanded layouts.
///
/// ```
/// use pixb64::png::{self, DecodeOptions, EncodeOptions, RowDecoder};
/// use pixb64::Image;
///
/// // A 3 x 2 RGB image.
/// let pixels: Vec<u8> = (0..18).collect();
/// let img = Image::new(3, 2, 3, &pixels).unwrap();
/// let file = png::encode(&img, &EncodeOptions::default());
///
/// let mut rows = RowDecoder::new(&file, &DecodeOptions::new()).unwrap();
/// assert_eq!((rows.header().width, rows.header().channels), (3, 3));
/// assert_eq!(rows.next_row().unwrap(), Some(&pixels[..9]));
/// assert_eq!(rows.next_row().unwrap(), Some(&pixels[9..]));
/// assert_eq!(rows.next_row().unwrap(), None);
///
/// // The same with caller memory and no allocation.
/// let header = png::read_header(&file).unwrap();
/// let mut scratch = vec![0u8; RowDecoder::scratch_len(&header)];
/// let mut rows = RowDecoder::with_scratch(&file, &DecodeOptions::new(), &mut scratch).unwrap();
/// let mut n = 0;
/// while let Some(row) = rows.next_row().unwrap() {
///     assert_eq!(row, &pixels[9 * n..9 * n + 9]);
///     n += 1;
/// }
/// assert_eq!(n, 2);
/// ```
pub struct RowDecoder<'a> {
    core: Core<'a>,
    scratch: Scratch<'a>,
}

/// Everything but the scratch.
struct Core<'a> {
    input: &'a [u8],
    ending: Ending,
    header: Header,
    expand: Expand,
    /// ~11 KiB, inline on purpose: no allocation on the `with_scratch` path.
    inflater: DecompressorOxide,
    flags: u32,
    idat: Idat<'a>,
    /// The zlib stream has ended.
    stream_done: bool,
    /// Pixels per row.
    width: usize,
    height: usize,
    /// The filter's bytes per pixel.
    bpp: usize,
    /// Filtered row with its filter byte.
    row_len: usize,
    /// Output row.
    out_len: usize,
    /// Each row buffer: `row_len.max(out_len)`.
    buf_len: usize,
    /// Decompressed stream length (saturated at `u64::MAX`).
    raw_len: u64,
    /// Write position in the ring.
    ring_pos: usize,
    /// Inflated bytes not yet taken: `ring[ring_pos - avail..ring_pos]`.
    avail: usize,
    /// Bytes taken from the stream.
    consumed: u64,
    /// The ring has wrapped at least once (before that, it is inflated into
    /// as a linear buffer, so that matches before the stream start fail).
    lapped: bool,
    /// Rows returned.
    row: usize,
    /// Row buffer 0 takes the next filtered row (else buffer 1).
    cur_first: bool,
    state: State,
}

#[derive(Clone, PartialEq, Eq)]
enum State {
    Rows,
    Finished,
    Failed(DecodeError),
}

impl<'a> RowDecoder<'a> {
    /// Reads the header and the chunks before the image data, and allocates
    /// [`scratch_len`](Self::scratch_len) bytes once.
    #[cfg(feature = "png")]
    pub fn new(data: &'a [u8], opts: &DecodeOptions) -> Result<Self, DecodeError> {
        let core = Core::new(data, opts)?;
        let n = core.scratch_len();
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| DecodeError::OutOfMemory { bytes: n })?;
        v.resize(n, 0);
        Ok(RowDecoder {
            core,
            scratch: Scratch::Owned(v),
        })
    }

    /// Reads the header and the chunks before the image data; the buffers
    /// are carved out of `scratch`, which must hold at least
    /// [`scratch_len`](Self::scratch_len) bytes for the header of `data`
    /// (else [`DecodeError::ScratchTooShort`]). Allocates nothing.
    pub fn with_scratch(
        data: &'a [u8],
        opts: &DecodeOptions,
        scratch: &'a mut [u8],
    ) -> Result<Self, DecodeError> {
        let core = Core::new(data, opts)?;
        let needed = core.scratch_len();
        if scratch.len() < needed {
            return Err(DecodeError::ScratchTooShort {
                needed,
                len: scratch.len(),
            });
        }
        Ok(RowDecoder {
            core,
            scratch: Scratch::Borrowed(&mut scratch[..needed]),
        })
    }

    /// Scratch bytes [`with_scratch`](Self::with_scratch) needs for a file
    /// with this header: 32 KiB plus twice the larger of the filtered row
    /// (with its filter byte) and the output row. Take the header from
    /// [`read_header_with`](super::read_header_with) with the decoding
    /// options (or from [`read_header`](super::read_header) when the
    /// options keep [`Channels::AsStored`](super::Channels::AsStored): its
    /// output rows are never shorter then; a conversion to more channels,
    /// such as gray to RGB, needs the header of the same options).
    /// `usize::MAX` when the size does not fit.
    pub fn scratch_len(header: &Header) -> usize {
        let bits_pp = u128::from(header.color_type.samples()) * u128::from(header.bit_depth);
        let out_bpp = u128::from(header.channels) * header.depth.bytes() as u128;
        let n = super::plan::scratch_bytes(header.width.into(), bits_pp, out_bpp);
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// The image: width, height, and the channels and depth of the rows
    /// [`next_row`](Self::next_row) returns.
    pub fn header(&self) -> &Header {
        &self.core.header
    }

    /// The next row (`header().width * channels * depth bytes`), or `None`
    /// after the last one, once the rest of the file checked out. After an
    /// error, every call returns it again.
    pub fn next_row(&mut self) -> Result<Option<&[u8]>, DecodeError> {
        self.core.next_row(self.scratch.buf())
    }
}

impl<'a> Core<'a> {
    fn new(data: &'a [u8], opts: &DecodeOptions) -> Result<Self, DecodeError> {
        let pre = Preamble::parse(data, opts.checksums)?;
        if pre.interlaced {
            return Err(DecodeError::InterlacedRows);
        }
        let plan = Plan::with_budget(&pre, opts, Budget::Rows)?;
        // All fit in usize: the budget check bounded the scratch, which
        // holds both rows twice.
        let row_len = 1 + raw_row_bytes(plan.width as u128, plan.bits_pp as u128) as usize;
        let out_len = plan.width * plan.out_bpp;
        let mut flags = TINFL_FLAG_PARSE_ZLIB_HEADER;
        if !opts.checksums {
            flags |= TINFL_FLAG_IGNORE_ADLER32;
        }
        debug_assert!(pre.color != ColorType::Indexed || pre.palette.is_some());
        Ok(Core {
            input: data,
            ending: Ending::of(opts),
            header: header_of(&pre, opts),
            expand: Expand::new(&pre, opts),
            inflater: DecompressorOxide::new(),
            flags,
            idat: Idat::new(data, &pre.first_idat, opts.checksums),
            stream_done: false,
            width: plan.width,
            height: plan.height,
            bpp: plan.bpp,
            row_len,
            out_len,
            buf_len: row_len.max(out_len),
            raw_len: plan.raw_len,
            ring_pos: 0,
            avail: 0,
            consumed: 0,
            lapped: false,
            row: 0,
            cur_first: true,
            state: State::Rows,
        })
    }

    fn scratch_len(&self) -> usize {
        WINDOW + 2 * self.buf_len
    }

    fn next_row<'s>(&mut self, scratch: &'s mut [u8]) -> Result<Option<&'s [u8]>, DecodeError> {
        match &self.state {
            State::Rows => {}
            State::Finished => return Ok(None),
            State::Failed(e) => return Err(e.clone()),
        }
        match self.step(scratch) {
            Ok(Some(at)) => Ok(Some(&scratch[at..at + self.out_len])),
            Ok(None) => {
                self.state = State::Finished;
                Ok(None)
            }
            Err(e) => {
                self.state = State::Failed(e.clone());
                Err(e)
            }
        }
    }

    /// Decodes the next row into `scratch` and returns its offset there, or
    /// checks the end of the file after the last row.
    fn step(&mut self, scratch: &mut [u8]) -> Result<Option<usize>, DecodeError> {
        let (ring, rows) = scratch.split_at_mut(WINDOW);
        let (first, second) = rows.split_at_mut(self.buf_len);
        let second = &mut second[..self.buf_len];
        if self.row == self.height {
            // The image is complete; the rest of the stream may hold only
            // the end of the last block and the checksum.
            let end = if self.avail > 0 {
                Err(DecodeError::ImageDataLong {
                    expected: self.raw_len,
                })
            } else {
                if self.ring_pos == ring.len() {
                    self.ring_pos = 0;
                    self.lapped = true;
                }
                mz_finish(
                    &mut self.inflater,
                    self.flags,
                    &mut self.idat,
                    &mut self.stream_done,
                    ring,
                    self.ring_pos,
                    !self.lapped,
                    self.raw_len,
                )
            };
            self.ending.stream_end(end)?;
            self.ending.chunks(self.input, self.idat.next)?;
            return Ok(None);
        }
        let (cur, prev, out_at) = if self.cur_first {
            (first, second, WINDOW + self.buf_len)
        } else {
            (second, first, WINDOW)
        };
        let row_len = self.row_len;
        // Gather one filtered row.
        let mut filled = 0;
        while filled < row_len {
            if self.avail == 0 {
                if self.stream_done {
                    return Err(self.short());
                }
                if self.ring_pos == ring.len() {
                    self.ring_pos = 0;
                    self.lapped = true;
                }
                let room = (ring.len() - self.ring_pos) as u64;
                let want = (self.raw_len - self.consumed).min(room) as usize;
                let n = mz_run(
                    &mut self.inflater,
                    self.flags,
                    &mut self.idat,
                    &mut self.stream_done,
                    ring,
                    self.ring_pos,
                    want,
                    !self.lapped,
                )?;
                if n == 0 && !self.stream_done {
                    return Err(self.short());
                }
                self.ring_pos += n;
                self.avail = n;
            }
            let k = self.avail.min(row_len - filled);
            let start = self.ring_pos - self.avail;
            cur[filled..filled + k].copy_from_slice(&ring[start..start + k]);
            filled += k;
            self.avail -= k;
            self.consumed += k as u64;
        }
        let filter = cur[0];
        if filter > 4 {
            return Err(DecodeError::InvalidFilter {
                offset: self.consumed - row_len as u64,
                filter,
            });
        }
        let (cur, prev) = (&mut cur[1..row_len], &mut prev[..]);
        let up = if self.row == 0 {
            None
        } else {
            Some(&prev[1..row_len])
        };
        unfilter::unfilter(filter, self.bpp, up, cur);
        // The previous row is no longer needed: its buffer takes the output.
        self.expand.row(cur, self.width, &mut prev[..self.out_len]);
        self.row += 1;
        self.cur_first = !self.cur_first;
        Ok(Some(out_at))
    }

    fn short(&self) -> DecodeError {
        DecodeError::ImageDataShort {
            expected: self.raw_len,
            actual: self.consumed,
        }
    }
}

/// The oracle of the `png_rows` fuzz target: the whole-image row pipeline
/// forced on for every layout (the same inflate steps as [`RowDecoder`],
/// with `miniz_oxide`), then the chunks up to IEND; `None` when the output
/// would exceed `max_out` bytes.
#[cfg(fuzzing)]
pub(crate) fn fuzz_row_pipeline(
    data: &[u8],
    opts: &DecodeOptions,
    max_out: usize,
) -> Option<Result<Vec<u8>, DecodeError>> {
    use super::{decode_rows, Engine, Inflater};
    let run = || -> Result<Option<Vec<u8>>, DecodeError> {
        let pre = Preamble::parse(data, opts.checksums)?;
        if pre.interlaced {
            return Err(DecodeError::InterlacedRows);
        }
        let mut plan = Plan::with_budget(&pre, opts, Budget::Rows)?;
        if plan.out_len > max_out {
            return Ok(None);
        }
        plan.direct = false;
        let idat = Idat::new(data, &pre.first_idat, opts.checksums);
        let mut inf = Inflater::new(Engine::Miniz, idat, opts.checksums);
        let px = decode_rows(&plan, &pre, &mut inf, opts, Engine::Miniz)?;
        Ending::of(opts).chunks(data, inf.idat.next)?;
        Ok(Some(px))
    };
    run().transpose()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::super::{decode_engine, read_header_with, Engine, Limits};
    use super::*;
    use crate::image::ChannelOrder;
    use alloc::vec;

    fn header(w: u32, color: ColorType, bits: u8, trns: bool, strip: bool) -> Header {
        let (channels, depth) = {
            let alpha = u8::from(trns);
            let ch = match color {
                ColorType::Gray => 1 + alpha,
                ColorType::Rgb | ColorType::Indexed => 3 + alpha,
                ColorType::GrayAlpha => 2,
                ColorType::Rgba => 4,
            };
            let d = if bits == 16 && !strip {
                crate::image::Depth::Sixteen
            } else {
                crate::image::Depth::Eight
            };
            (ch, d)
        };
        Header {
            width: w,
            height: 1,
            color_type: color,
            bit_depth: bits,
            interlaced: false,
            transparency: trns,
            channels,
            depth,
        }
    }

    #[test]
    fn memory_bound() {
        let size = core::mem::size_of::<RowDecoder<'static>>();
        std::eprintln!("size_of::<RowDecoder>() = {size}");
        for (w, color, bits, trns) in [
            (1, ColorType::Gray, 1, false),
            (320, ColorType::Rgb, 8, false),
            (768, ColorType::Rgb, 8, false),
            (1000, ColorType::Indexed, 1, true),
            (4096, ColorType::Rgba, 16, false),
            (100_000, ColorType::Gray, 2, true),
            (7, ColorType::Rgb, 16, true),
        ] {
            for strip in [false, true] {
                let h = header(w, color, bits, trns, strip);
                let bits_pp = usize::from(color.samples()) * usize::from(bits);
                let raw = 1 + (w as usize * bits_pp).div_ceil(8);
                let out = w as usize * usize::from(h.channels) * h.depth.bytes();
                let row = raw.max(out);
                let scratch = RowDecoder::scratch_len(&h);
                assert!(
                    size + scratch <= 2 * row + 48 * 1024,
                    "{h:?}: {size} + {scratch} > 2 * {row} + 48 KiB"
                );
            }
        }
        for (w, h) in [(320, 240), (768, 512)] {
            let hd = header(w, ColorType::Rgb, 8, false, false);
            std::eprintln!("scratch_len {w}x{h} RGB: {}", RowDecoder::scratch_len(&hd));
        }
    }

    /// The whole-image row pipeline with miniz_oxide (the oracle for the
    /// expanded layouts) and the rows of the row decoder, both ways.
    fn rows_of(data: &[u8], opts: &DecodeOptions) -> Result<Vec<u8>, DecodeError> {
        let mut owned = RowDecoder::new(data, opts)?;
        let hdr = read_header_with(data, opts)?;
        let mut scratch = vec![0xA5u8; RowDecoder::scratch_len(&hdr)];
        let mut borrowed = RowDecoder::with_scratch(data, opts, &mut scratch)?;
        assert_eq!(owned.header(), borrowed.header());
        let mut all = Vec::new();
        loop {
            let a = owned.next_row();
            let b = borrowed.next_row();
            assert_eq!(a, b);
            match a? {
                Some(r) => all.extend_from_slice(r),
                None => break,
            }
        }
        assert_eq!(owned.next_row(), Ok(None));
        Ok(all)
    }

    #[test]
    fn limits_and_scratch() {
        let img: Vec<u8> = (0..=255u8).cycle().take(300 * 200 * 3).collect();
        let im = crate::image::Image::new(300, 200, 3, &img).unwrap();
        let file = crate::png::encode(&im, &Default::default());
        // The byte bound is on the scratch, not the image.
        let tight = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(4096));
        assert!(decode_engine(&file, &tight, Engine::Miniz).is_err());
        let h = read_header_with(&file, &tight).unwrap();
        let need = RowDecoder::scratch_len(&h);
        let fits = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(need));
        assert!(decode_engine(&file, &fits, Engine::Miniz).is_err());
        assert_eq!(rows_of(&file, &fits).unwrap(), img);
        let under = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(need - 1));
        assert!(matches!(
            RowDecoder::new(&file, &under),
            Err(DecodeError::LimitExceeded { .. })
        ));
        let narrow = DecodeOptions::new().with_limits(Limits::new().with_max_width(299));
        assert_eq!(
            RowDecoder::new(&file, &narrow).err(),
            decode_engine(&file, &narrow, Engine::Miniz).err()
        );
        let mut short = vec![0; need - 1];
        assert_eq!(
            RowDecoder::with_scratch(&file, &DecodeOptions::new(), &mut short).err(),
            Some(DecodeError::ScratchTooShort {
                needed: need,
                len: need - 1
            })
        );
        let bgr = DecodeOptions::new().with_channel_order(ChannelOrder::Bgr);
        assert_eq!(
            rows_of(&file, &bgr).unwrap(),
            decode_engine(&file, &bgr, Engine::Miniz).unwrap().data()
        );
    }

    #[test]
    fn forced_row_pipeline_agrees() {
        // The whole-image row pipeline, forced on for every layout, is the
        // exact oracle (same inflate steps), but for matches before the
        // stream start (the decoder here is strict).
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pngsuite");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let mut x = 0x9E37_79B9u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as usize
        };
        let (mut n, mut n_strict) = (0, 0);
        for p in names {
            let data = std::fs::read(&p).unwrap();
            for opts in [
                DecodeOptions::new(),
                DecodeOptions::new()
                    .with_strip_16(true)
                    .with_channel_order(ChannelOrder::Bgr),
            ] {
                for _ in 0..40 {
                    let mut m = data.clone();
                    match next() % 3 {
                        0 => m.truncate(next() % data.len()),
                        _ => {
                            for _ in 0..1 + next() % 3 {
                                let i = 8 + next() % (m.len() - 8);
                                m[i] ^= 1 << (next() % 8);
                            }
                        }
                    }
                    let opts = opts.with_checksums(next() % 2 == 0);
                    let want = forced_rows(&m, &opts);
                    let got = rows_of(&m, &opts);
                    match (&want, &got) {
                        (_, Err(DecodeError::InterlacedRows)) => {}
                        (Ok(a), Ok(b)) => assert_eq!(a, b, "{p:?}"),
                        (
                            _,
                            Err(DecodeError::Zlib {
                                problem: crate::png::ZlibProblem::Data,
                                ..
                            }),
                        ) if want != got => {
                            // Only where fdeflate rejects the stream too.
                            let fd = decode_engine(&m, &opts, Engine::Fdeflate);
                            assert!(fd.is_err(), "{p:?}: {want:?} / {got:?}");
                            n_strict += 1;
                        }
                        _ => assert_eq!(want, got, "{p:?} {opts:?}"),
                    }
                    n += 1;
                }
            }
        }
        std::eprintln!("{n} files, {n_strict} rejected only by the row decoder");
        assert!(n > 10_000 && n_strict < n / 20);
    }

    fn forced_rows(data: &[u8], opts: &DecodeOptions) -> Result<Vec<u8>, DecodeError> {
        let pre = Preamble::parse(data, opts.checksums)?;
        if pre.interlaced {
            return Err(DecodeError::InterlacedRows);
        }
        let mut plan = Plan::with_budget(&pre, opts, Budget::Rows)?;
        plan.direct = false;
        let idat = Idat::new(data, &pre.first_idat, opts.checksums);
        let mut inf = super::super::Inflater::new(Engine::Miniz, idat, opts.checksums);
        let px = super::super::decode_rows(&plan, &pre, &mut inf, opts, Engine::Miniz)?;
        Ending::of(opts).chunks(data, inf.idat.next)?;
        Ok(px)
    }
}
