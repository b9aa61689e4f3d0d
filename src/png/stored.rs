//! Level 0: the scanlines in stored deflate blocks, no compression.
//!
//! Every output byte is an input byte plus 5 bytes of block header per
//! 65535, so the cost is one copy into the sink plus the two checksums
//! (Adler-32 in the row pipeline, CRC-32 in the IDAT framing). The total
//! length is known up front, so the block headers are written as the bytes
//! stream through, with no block buffer; the block that ends the stream is
//! the final one.

use super::Sink;

/// Largest stored block payload (its length field is 16 bits).
const BLOCK: u64 = 65535;

/// Streams bytes into stored blocks, writing each header when a block starts.
pub(crate) struct Stored {
    /// Bytes left in the current block.
    left_in_block: u64,
    /// Bytes left in the whole stream; the block that ends it is final.
    left_total: u64,
}

impl Stored {
    /// A stream of `total` bytes in all (at least 1).
    pub(crate) fn new(total: u64) -> Self {
        Stored {
            left_in_block: 0,
            left_total: total,
        }
    }

    /// Passes `data` on, with a block header wherever a block starts.
    pub(crate) fn write<S: Sink + ?Sized>(&mut self, mut data: &[u8], sink: &mut S) {
        while !data.is_empty() {
            if self.left_in_block == 0 {
                let n = self.left_total.min(BLOCK);
                let last = u8::from(n == self.left_total);
                let n16 = n as u16; // n <= 65535
                let [l0, l1] = n16.to_le_bytes();
                let [c0, c1] = (!n16).to_le_bytes();
                sink.put(&[last, l0, l1, c0, c1]);
                self.left_in_block = n;
            }
            // `usize` may be narrower than `u64`: clamp before converting.
            let take = data
                .len()
                .min(usize::try_from(self.left_in_block).unwrap_or(usize::MAX));
            let (now, rest) = data.split_at(take);
            sink.put(now);
            self.left_in_block -= take as u64;
            self.left_total = self.left_total.saturating_sub(take as u64);
            data = rest;
        }
    }
}
