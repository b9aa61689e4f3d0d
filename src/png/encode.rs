//! PNG writing from a whole image.
//!
//! [`encode_to_sink`] is the one writer; [`encode`] (into a `Vec<u8>`) and
//! [`encode_to_writer`] (into an `io::Write`) wrap it. It runs the row
//! encoder's code ([`super::stream`]): the same header, row pipeline, IDAT
//! framing and IEND, with what needs the whole image on top (level 1's
//! sampled first code, levels 2-9's strategy trials, threads over strips).
//! The output is the signature, IHDR, the zlib stream of the filtered
//! scanlines framed as IDAT chunks, and IEND: no ancillary chunks.

use super::chunk::{idat_buffer, IdatWriter, IDAT_SIZE};
#[cfg(feature = "png")]
use super::miniz;
use super::stream::{write_end, write_head, zlib_header, RowEncoder};
use super::{fast, levels, strips, Deflater, EncodeOptions, Sink};
use crate::image::Image;
use alloc::vec;
use alloc::vec::Vec;

/// Writes `img` as a PNG into `sink`.
///
/// Infallible: an [`Image`] is valid by construction and the [`Sink`] cannot
/// fail (an adapter that can records its error itself). The bytes arrive in
/// order in pieces of at most 64 KiB + 12, so a sink that encodes on the fly
/// (base64, a hash) never holds the whole file.
pub fn encode_to_sink<S: Sink + ?Sized>(img: &Image<'_>, opts: &EncodeOptions, sink: &mut S) {
    let (level, threads) = (opts.level, opts.threads);
    let one_strip = strips::strip_count(img, threads) <= 1;
    match (level, opts.deflater) {
        (0, _) => rows_once(img, opts, sink, None),
        (1, Deflater::Pixb64) if one_strip => {
            let table = fast::Table::new(img, opts.order, opts.filter);
            rows_once(img, opts, sink, Some(&table));
        }
        _ => {
            write_head(sink, img.width(), img.height(), img.channels(), img.depth());
            let mut buf = vec![0u8; idat_buffer(IDAT_SIZE)];
            let mut idat = IdatWriter::new(&mut *sink, &mut buf);
            let header = zlib_header(level);
            match (level, opts.deflater) {
                #[cfg(feature = "png")]
                (_, Deflater::MinizOxide) => {
                    let coder = miniz::Coder::new(img, level, opts.order, opts.filter);
                    strips::compress(img, &coder, threads, header, &mut idat);
                }
                (1, _) => {
                    let coder = fast::image::Coder::new(img, opts);
                    strips::compress(img, &coder, threads, header, &mut idat);
                }
                _ => {
                    let coder = levels::Coder::new(img, level, opts.order, opts.filter, threads);
                    strips::compress(img, &coder, threads, header, &mut idat);
                }
            }
            idat.finish();
            write_end(sink);
        }
    }
}

/// The whole image through one row encoder.
fn rows_once<S: Sink + ?Sized>(
    img: &Image<'_>,
    opts: &EncodeOptions,
    sink: &mut S,
    first: Option<&fast::Table>,
) {
    let mut enc = RowEncoder::for_image(img, opts, sink, IDAT_SIZE, first);
    enc.push(img.data());
    enc.end();
}

/// `img` as PNG file bytes.
///
/// ```
/// use pixb64::{png, Image};
/// let pixels = [255, 0, 0, 0, 0, 255]; // a red and a blue pixel
/// let img = Image::new(2, 1, 3, &pixels).unwrap();
/// let file = png::encode(&img, &png::EncodeOptions::new().with_level(6));
/// assert_eq!(&file[1..4], b"PNG");
/// ```
pub fn encode(img: &Image<'_>, opts: &EncodeOptions) -> Vec<u8> {
    let mut out = Vec::with_capacity(size_hint(img, opts.level));
    encode_to_sink(img, opts, &mut out);
    out
}

/// A first allocation for [`encode`]: exact for level 0 (stored blocks plus
/// framing), a photo's ratio at level 1 otherwise (the `Vec` grows if needed).
pub(crate) fn size_hint(img: &Image<'_>, level: u8) -> usize {
    let raw = img.byte_len().saturating_add(img.height() as usize);
    let framing = 8 + 25 + 12;
    if level == 0 {
        let blocks = raw / 65535 + 1;
        let stream = raw.saturating_add(blocks * 5 + 6);
        let chunks = stream / IDAT_SIZE + 1;
        stream.saturating_add(chunks * 12 + framing)
    } else {
        // Level 1 writes about 0.6 of raw on photos (0.595 on Kodak): reserve
        // that, so the common case never reallocates (untouched capacity costs
        // no memory on a demand-paged OS).
        raw / 8 * 5 + framing
    }
}

/// Writes `img` as a PNG into `writer`.
///
/// The writer sees one `write_all` per chunk (IDAT chunks carry 64 KiB), so
/// it needs no `BufWriter`. On the first I/O error encoding stops writing
/// (the rest of the work still runs, with nowhere to go) and that error is
/// returned.
#[cfg(feature = "std")]
pub fn encode_to_writer<W: std::io::Write>(
    img: &Image<'_>,
    opts: &EncodeOptions,
    writer: W,
) -> std::io::Result<()> {
    let mut sink = IoSink {
        writer,
        error: None,
    };
    encode_to_sink(img, opts, &mut sink);
    match sink.error {
        Some(e) => Err(e),
        None => sink.writer.flush(),
    }
}

/// An `io::Write` as a [`Sink`]: keeps the first error, drops later writes.
#[cfg(feature = "std")]
struct IoSink<W> {
    writer: W,
    error: Option<std::io::Error>,
}

#[cfg(feature = "std")]
impl<W: std::io::Write> Sink for IoSink<W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.writer.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }
}
