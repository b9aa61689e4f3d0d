//! PNG writing: options, the engines' common front, IDAT framing.
//!
//! [`encode_to_sink`] is the one writer; [`encode`] (into a `Vec<u8>`) and
//! [`encode_to_writer`] (into an `io::Write`) wrap it. The output is the
//! signature, IHDR, the zlib stream of the filtered scanlines framed as IDAT
//! chunks, and IEND: no ancillary chunks.

use super::chunk::{write_chunk, IdatWriter};
use super::{fast, levels, miniz, stored, strips, Deflater, EncodeOptions, Sink, SIGNATURE};
use crate::image::Image;
use alloc::vec::Vec;

/// PNG colour type for 1..=4 channels: gray, gray + alpha, RGB, RGBA.
fn colour_type(channels: u8) -> u8 {
    match channels {
        1 => 0,
        2 => 4,
        3 => 2,
        _ => 6,
    }
}

/// Writes `img` as a PNG into `sink`.
///
/// Infallible: an [`Image`] is valid by construction and the [`Sink`] cannot
/// fail (an adapter that can records its error itself). The bytes arrive in
/// order in pieces of at most 64 KiB + 12, so a sink that encodes on the fly
/// (base64, a hash) never holds the whole file.
pub fn encode_to_sink<S: Sink + ?Sized>(img: &Image<'_>, opts: &EncodeOptions, sink: &mut S) {
    sink.write(&SIGNATURE);
    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&img.width().to_be_bytes());
    ihdr[4..8].copy_from_slice(&img.height().to_be_bytes());
    ihdr[8] = img.depth().bits();
    ihdr[9] = colour_type(img.channels());
    // ihdr[10..13]: compression 0 (deflate), filter method 0, no interlace.
    write_chunk(sink, *b"IHDR", &ihdr);
    let mut idat = IdatWriter::new(&mut *sink);
    let (level, order, filter, threads) = (opts.level, opts.order, opts.filter, opts.threads);
    let header = strips::zlib_header(level);
    match (level, opts.deflater) {
        (0, _) => stored::compress(img, order, filter, &mut idat),
        (_, Deflater::MinizOxide) => {
            let coder = miniz::Coder::new(img, level, order, filter);
            strips::compress(img, &coder, threads, header, &mut idat);
        }
        (1, _) => {
            let coder = fast::Coder::new(img, order, filter);
            strips::compress(img, &coder, threads, header, &mut idat);
        }
        _ => {
            let coder = levels::Coder::new(img, level, order, filter, threads);
            strips::compress(img, &coder, threads, header, &mut idat);
        }
    }
    idat.finish();
    write_chunk(sink, *b"IEND", &[]);
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
        let chunks = stream / super::chunk::IDAT_SIZE + 1;
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
    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.writer.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }
}
