//! Level 1: the fpnge-style fast tier.
//!
//! PLACEHOLDER until the real engine lands: unfiltered rows in stored blocks.

use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};

/// Writes a complete zlib stream (2-byte header, deflate data, big-endian
/// Adler-32) of the image's filtered scanlines (each row: filter type byte, then
/// the filtered row in PNG channel order) into `out`.
///
/// `order` says how the input buffer is laid out: with `Bgr` and 3 or 4
/// channels, samples 0 and 2 (each 1 or 2 bytes) of every pixel are swapped
/// before filtering. `filter` is the policy: `Adaptive` chooses per row.
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    out: &mut S,
) {
    let _ = filter;
    let mut raw = alloc::vec::Vec::with_capacity(img.byte_len() + img.height() as usize);
    let bpp = img.bytes_per_pixel();
    let sample = img.depth().bytes();
    for y in 0..img.height() as usize {
        raw.push(0);
        let start = raw.len();
        raw.extend_from_slice(img.row(y));
        if order == ChannelOrder::Bgr && img.channels() >= 3 {
            for px in raw[start..].chunks_exact_mut(bpp) {
                for k in 0..sample {
                    px.swap(k, 2 * sample + k);
                }
            }
        }
    }
    out.write(&[0x78, 0x01]);
    let mut blocks = raw.chunks(65535).peekable();
    if blocks.peek().is_none() {
        out.write(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(b) = blocks.next() {
        let last = u8::from(blocks.peek().is_none());
        let n = b.len() as u16;
        out.write(&[last]);
        out.write(&n.to_le_bytes());
        out.write(&(!n).to_le_bytes());
        out.write(b);
    }
    out.write(&super::adler32(&raw).to_be_bytes());
}
