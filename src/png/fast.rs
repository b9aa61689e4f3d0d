//! Level 1: the fpnge-style fast tier.
//!
//! PLACEHOLDER until the real engine lands: writes stored blocks.

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
    let _ = (img, order, filter, out);
    todo!("fast tier")
}
