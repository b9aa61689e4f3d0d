//! Level 0: the scanlines in stored deflate blocks, no compression.
//!
//! Every output byte is an input byte plus 5 bytes of block header per
//! 65535, so the cost is one copy into the sink plus the two checksums
//! (Adler-32 here, CRC-32 in the IDAT framing). The total length is known up
//! front, so the block headers are written as the bytes stream through, with
//! no block buffer.

use super::adler::adler32_update;
use super::filter::{Policy, RowFilter};
use super::rows::Scanlines;
use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};

/// Largest stored block payload (its length field is 16 bits).
const BLOCK: u64 = 65535;

/// Streams bytes into stored blocks, writing each header when a block starts.
struct StoredWriter<'s, S: Sink + ?Sized> {
    sink: &'s mut S,
    /// Bytes left in the current block.
    left_in_block: u64,
    /// Bytes left in the whole stream; the block that ends it is final.
    left_total: u64,
    adler: u32,
}

impl<S: Sink + ?Sized> StoredWriter<'_, S> {
    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.left_in_block == 0 {
                let n = self.left_total.min(BLOCK);
                let last = u8::from(n == self.left_total);
                let n16 = n as u16; // n <= 65535
                let [l0, l1] = n16.to_le_bytes();
                let [c0, c1] = (!n16).to_le_bytes();
                self.sink.write(&[last, l0, l1, c0, c1]);
                self.left_in_block = n;
            }
            // `usize` may be narrower than `u64`: clamp before converting.
            let take = data
                .len()
                .min(usize::try_from(self.left_in_block).unwrap_or(usize::MAX));
            let (now, rest) = data.split_at(take);
            self.sink.write(now);
            self.adler = adler32_update(self.adler, now);
            self.left_in_block -= take as u64;
            self.left_total = self.left_total.saturating_sub(take as u64);
            data = rest;
        }
    }
}

/// Writes a complete zlib stream of stored blocks for `img` into `out`.
///
/// `Filter::Adaptive` means no filtering here: filters only help a
/// compressor, and stored blocks would keep the filtered bytes at the same
/// size. An explicit fixed filter is still applied as asked.
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    out: &mut S,
) {
    let height = img.height() as usize;
    // u64: `height * (1 + row_bytes)` can exceed a 32-bit usize even when the
    // image's buffer fits.
    let total = img.height() as u64 * (1 + img.row_bytes() as u64);
    out.write(&[0x78, 0x01]); // deflate, 32 KiB window, "fastest" level hint
    let mut w = StoredWriter {
        sink: out,
        left_in_block: 0,
        left_total: total,
        adler: 1,
    };
    let policy = Policy::from_filter(filter, Policy::Fixed(RowFilter::None));
    let mut lines = Scanlines::new(img, order, policy);
    for y in 0..height {
        w.write(lines.next(y, None));
    }
    let adler = w.adler;
    w.sink.write(&adler.to_be_bytes());
}
