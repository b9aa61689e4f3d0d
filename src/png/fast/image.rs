//! Level 1 over a whole image: the first block's code from rows sampled
//! across the image ([`Table::new`]), and the strips the whole-image calls
//! run through the row pipeline ([`Coder`]). The engine it drives is in
//! the parent module; the row pipeline in `png/stream.rs`.

use alloc::vec;

use super::{policy, scan, Histogram, Table, MAX_LIT_BITS, NUM_LIT};
use crate::image::{ChannelOrder, Image};
use crate::png::deflate::huffman;
use crate::png::filter::{BitPrices, Chooser};
use crate::png::rows::RowSource;
use crate::png::stream::{Plan, Rows};
use crate::png::strips::Strips;
use crate::png::{EncodeOptions, Filter, Sink};

/// Level 1 prices no row by bits.
static NO_PRICES: BitPrices = [0; 256];

/// How many rows feed a sampled [`Table`]: about 64 KiB of pixels, at
/// least 4 rows, at most 64 (all rows of a small image).
fn sample_rows(height: usize, row_bytes: usize) -> usize {
    let want = (65536 / row_bytes.max(1)).clamp(4, 64);
    want.min(height)
}

/// Bytes of each sampled row that feed the histogram.
const SAMPLE_ROW_MAX: usize = 1 << 20;

impl Table {
    /// Samples rows of `img`, evenly spread (about 64 KiB, 4 to 64 rows),
    /// filters them as the policy would (adaptive rows by the same price)
    /// and builds length-limited code lengths from the symbol counts.
    pub(crate) fn new(img: &Image<'_>, order: ChannelOrder, filter: Filter) -> Self {
        let height = img.height() as usize;
        let row_bytes = img.row_bytes();
        let mut src = RowSource::new(img, order);
        let mut coder = Chooser::new(img.bytes_per_pixel(), row_bytes);
        let policy = policy(filter);
        let mut hist = Histogram::new();
        let samples = sample_rows(height, row_bytes);
        for i in 0..samples {
            // In u64: on 32-bit targets `i * height` could overflow `usize`.
            let y = (i as u64 * height as u64 / samples as u64) as usize;
            let (prev, cur) = src.rows(y, false);
            let row = coder.scanline(policy, prev, cur, &NO_PRICES, true);
            // At most 1 MiB of each row, so the u32 counts cannot overflow.
            scan(&mut hist, &row[..row.len().min(SAMPLE_ROW_MAX)]);
        }
        // Every literal and length code gets a code: a residual the sample
        // missed must still be codable.
        let mut counts = hist.take();
        for c in counts.iter_mut() {
            *c = c.saturating_add(1);
        }
        let mut lens = [0u8; NUM_LIT];
        huffman::lengths(&counts, MAX_LIT_BITS, &mut lens);
        Table { lens }
    }
}

/// Level 1 over one image, in strips: every strip runs the row
/// pipeline ([`Rows`]) with its first block coded by the image's sampled
/// [`Table`].
pub(crate) struct Coder<'i, 'a> {
    img: &'i Image<'a>,
    opts: EncodeOptions,
    table: Table,
}

impl<'i, 'a> Coder<'i, 'a> {
    /// Level 1 for `img` at `opts` (its order and filter).
    pub(crate) fn new(img: &'i Image<'a>, opts: &EncodeOptions) -> Self {
        Coder {
            img,
            opts: *opts,
            table: Table::new(img, opts.order, opts.filter),
        }
    }
}

impl Strips for Coder<'_, '_> {
    fn strip<S: Sink + ?Sized>(
        &self,
        rows: core::ops::Range<usize>,
        last: bool,
        out: &mut S,
    ) -> u32 {
        let img = self.img;
        let rb = img.row_bytes();
        let plan = Plan::new(rb, img.channels(), img.depth(), &self.opts);
        let layout = plan.layout(0);
        let mut buf = vec![0u8; layout.total()];
        let (mut parts, _) = layout.cut(&mut buf);
        let mut pipe = Rows::new(plan, &mut parts, rows.len() as u64, Some(&self.table));
        let above = rows.start.checked_sub(1).map(|y| img.row(y));
        pipe.write(
            &img.data()[rows.start * rb..rows.end * rb],
            above,
            &mut parts,
            out,
        );
        pipe.finish(last, &mut parts, out)
    }
}

/// Writes a complete zlib stream (2-byte header, deflate data, big-endian
/// Adler-32) of the image's filtered scanlines (each row: filter type byte,
/// then the filtered row in PNG channel order) into `out`, on one thread.
#[cfg(test)]
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    out: &mut S,
) {
    let opts = EncodeOptions::new()
        .with_channel_order(order)
        .with_filter(filter);
    let coder = Coder::new(img, &opts);
    crate::png::strips::compress(img, &coder, 1, [0x78, 0x01], out);
}
