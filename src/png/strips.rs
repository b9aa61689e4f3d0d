//! One zlib stream from an image's rows, on one thread or on horizontal
//! strips compressed in parallel.
//!
//! Each strip is a raw deflate stream of its rows' scanlines (filtered
//! against the real row above, so the PNG filters do not see the strip
//! borders) that ends with a sync flush: an empty, non-final stored block
//! that leaves the stream byte-aligned. Byte-aligned, non-final streams
//! concatenate into one valid deflate stream; only the last strip finishes.
//! The zlib Adler-32 of the whole is combined from the strips' checksums and
//! lengths with [`adler32_combine`], so no thread rereads another's data.
//!
//! ```text
//!   strip k: [blocks, BFINAL=0][0 00 + pad][00 00 FF FF]
//!   last:    [blocks, the last with BFINAL=1][pad]
//! ```

#[cfg(feature = "std")]
use super::adler::adler32_combine;
use super::Sink;
use crate::image::Image;
#[cfg(feature = "std")]
use alloc::vec::Vec;
use core::ops::Range;

/// An engine that compresses horizontal strips of one image.
pub(crate) trait Strips: Sync {
    /// Compresses the scanlines of rows `rows` as a raw deflate stream into
    /// `out`, ending with the final block if `last`, else with a sync flush.
    /// Returns their Adler-32 (filter type bytes included).
    fn strip<S: Sink + ?Sized>(&self, rows: Range<usize>, last: bool, out: &mut S) -> u32;
}

/// Strips smaller than this many raw bytes are not worth a thread: the
/// per-strip cost is a fresh window and Huffman tables (a few hundred bytes
/// of output) and a thread start (tens of microseconds).
#[cfg(feature = "std")]
const MIN_STRIP: u64 = 256 * 1024;

/// Writes a complete zlib stream (`header`, the deflate data, the Adler-32)
/// of `img`'s scanlines with `coder` into `out`, on up to `threads` threads
/// (`std` only).
pub(crate) fn compress<C: Strips, S: Sink + ?Sized>(
    img: &Image<'_>,
    coder: &C,
    threads: usize,
    header: [u8; 2],
    out: &mut S,
) {
    out.put(&header);
    let height = img.height() as usize;
    let strips = strip_count(img, threads);
    let adler = if strips <= 1 {
        coder.strip(0..height, true, out)
    } else {
        parallel(img, coder, strips, out)
    };
    out.put(&adler.to_be_bytes());
}

/// How many strips to cut: at most `threads`, each at least [`MIN_STRIP`]
/// raw bytes and one row.
#[cfg(feature = "std")]
pub(crate) fn strip_count(img: &Image<'_>, threads: usize) -> usize {
    let by_size = (img.byte_len() as u64 / MIN_STRIP).max(1);
    let by_size = usize::try_from(by_size).unwrap_or(usize::MAX);
    threads.min(by_size).min(img.height() as usize).max(1)
}

#[cfg(not(feature = "std"))]
pub(crate) fn strip_count(_img: &Image<'_>, _threads: usize) -> usize {
    1
}

#[cfg(not(feature = "std"))]
fn parallel<C: Strips, S: Sink + ?Sized>(
    img: &Image<'_>,
    coder: &C,
    _strips: usize,
    out: &mut S,
) -> u32 {
    coder.strip(0..img.height() as usize, true, out)
}

/// Compresses `strips` (>= 2) strips: the first on this thread straight into
/// `out`, the others on scoped threads into buffers that are written in order
/// once the first is done. Returns the combined Adler-32.
#[cfg(feature = "std")]
fn parallel<C: Strips, S: Sink + ?Sized>(
    img: &Image<'_>,
    coder: &C,
    strips: usize,
    out: &mut S,
) -> u32 {
    let height = img.height() as usize;
    let per = height.div_ceil(strips);
    let ranges: Vec<Range<usize>> = (0..height)
        .step_by(per)
        .map(|s| s..(s + per).min(height))
        .collect();
    let count = ranges.len();
    let row_len = img.row_bytes() as u64 + 1;
    std::thread::scope(|scope| {
        // A strip whose thread cannot start is done here, after the first.
        let handles: Vec<_> = ranges[1..]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let r = r.clone();
                let last = i + 2 == count;
                let job = move || {
                    let mut buf = Vec::new();
                    let n = r.len() as u64 * row_len;
                    let a = coder.strip(r, last, &mut buf);
                    (buf, a, n)
                };
                (
                    std::thread::Builder::new()
                        .spawn_scoped(scope, job.clone())
                        .ok(),
                    job,
                )
            })
            .collect();
        let mut adler = coder.strip(ranges[0].clone(), count == 1, out);
        for (handle, job) in handles {
            let (buf, a, n) = match handle.map(|h| h.join()) {
                Some(Ok(r)) => r,
                // Our strip code does not panic; if it somehow did, surface
                // it on the caller's thread as the same panic.
                Some(Err(e)) => std::panic::resume_unwind(e),
                None => job(),
            };
            out.put(&buf);
            adler = adler32_combine(adler, a, n);
        }
        adler
    })
}
