//! Levels 2..=9: `miniz_oxide`'s deflate behind the shared row filters, on
//! one thread or on horizontal strips joined into one zlib stream.
//!
//! Each strip is a raw deflate stream of its rows' scanlines (filtered
//! against the real row above, so the PNG filters do not see the strip
//! borders) that ends with a sync flush: an empty, non-final stored block
//! that leaves the stream byte-aligned. Byte-aligned, non-final streams
//! concatenate into one valid deflate stream; only the last strip finishes.
//! The zlib Adler-32 of the whole is combined from the strips' checksums and
//! lengths with [`adler32_combine`], so no thread rereads another's data.

#[cfg(feature = "std")]
use super::adler::adler32_combine;
use super::adler::adler32_update;
use super::filter::Score;
use super::rows::{Policy, Rows};
use super::{Filter, Sink};
use crate::image::{ChannelOrder, Image};
use alloc::vec::Vec;
use miniz_oxide::deflate::core::{
    compress_to_output, deflate_flags, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

/// What one of our levels 2..=9 runs: `miniz_oxide`'s match search effort
/// and the filter choice for `Filter::Adaptive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    /// Hash-chain probes per match search (`miniz_oxide` levels 1..=10 use
    /// 1, 6, 32, 16, 32, 128, 256, 512, 768, 1500).
    pub(crate) probes: u16,
    /// Greedy parsing (take the first match) instead of lazy (also try the
    /// match one byte later). One probe + greedy is `miniz_oxide`'s separate
    /// fast path.
    pub(crate) greedy: bool,
    /// What `Filter::Adaptive` means at this level.
    pub(crate) adaptive: Policy,
}

/// Our level -> engine settings, chosen from measurements on the Kodak
/// photos and the mixed set (`benches/run_png.sh`; `png` 0.18's `Balanced`
/// and `High` are `miniz_oxide` 128 and 768 probes with min-sum filters):
///
/// - 2: 2 probes, greedy, min-sum filter choice. (`miniz_oxide`'s 1-probe
///   fast path is both slower and larger than our level 1 on photos and on
///   screenshots, so it has no level.)
/// - 3..=9: entropy-scored filters (0.1-0.3 % smaller on photos, 4-5 %
///   smaller on screenshots and diagrams than min-sum, for some speed) and a
///   growing search: 6 greedy, 16, 32, 64, 96, 256 and 1500 lazy probes. 4
///   is smaller than `Balanced` on the mixed set at twice its speed; 7 is the
///   first as small as `Balanced` on photos (and as fast); 8 is smaller than
///   `High` and faster; 9 is the smallest `miniz_oxide` makes.
///
/// (`miniz_oxide` turns a probe count `p` into `1 + (p + 2) / 3` chain
/// steps, so 2 and 3 probes are the same search.)
pub(crate) fn params(level: u8) -> Params {
    let minsum = Policy::Adaptive(Score::MinSum);
    let entropy = Policy::Adaptive(Score::Entropy);
    let (probes, greedy, adaptive) = match level {
        0..=2 => (2, true, minsum),
        3 => (6, true, entropy),
        4 => (16, false, entropy),
        5 => (32, false, entropy),
        6 => (64, false, entropy),
        7 => (96, false, entropy),
        8 => (256, false, entropy),
        _ => (1500, false, entropy),
    };
    Params {
        probes,
        greedy,
        adaptive,
    }
}

/// `miniz_oxide` flags for a raw deflate stream (no zlib wrapper: the strips
/// engine writes the header and the combined Adler-32 itself).
fn flags(p: Params) -> u32 {
    // The low 12 bits are the probe count.
    let mut f = u32::from(p.probes.min(0xFFF));
    if p.greedy {
        f |= deflate_flags::TDEFL_GREEDY_PARSING_FLAG;
    }
    f
}

/// The zlib header's FLEVEL hint (RFC 1950) for our level, with FCHECK.
fn zlib_header(level: u8) -> [u8; 2] {
    match level {
        0..=1 => [0x78, 0x01],
        2..=5 => [0x78, 0x5E],
        6 => [0x78, 0x9C],
        _ => [0x78, 0xDA],
    }
}

/// Scanline bytes handed to `miniz_oxide` per call: large enough that the
/// per-call overhead vanishes, small enough to stay in L2 while the
/// compressor copies it into its window.
const BATCH: usize = 128 * 1024;

/// Strips smaller than this many raw bytes are not worth a thread: the
/// per-strip cost is a fresh dictionary and Huffman tables (a few hundred
/// bytes of output) and a thread start (tens of microseconds).
#[cfg(feature = "std")]
const MIN_STRIP: u64 = 256 * 1024;

/// Compresses rows `rows` of `img` as a raw deflate stream into `out`,
/// ending with a sync flush (`last == false`) or the final block. Returns the
/// Adler-32 and the length of the scanline bytes it compressed.
fn strip<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    policy: Policy,
    p: Params,
    rows: core::ops::Range<usize>,
    last: bool,
    out: &mut S,
) -> (u32, u64) {
    let mut c = CompressorOxide::new(flags(p));
    let mut src = Rows::new(img, order, policy, rows.start);
    let mut batch = Vec::with_capacity(BATCH + img.row_bytes() + 1);
    let mut adler = 1u32;
    let mut len = 0u64;
    let n = rows.len();
    for (i, y) in rows.enumerate() {
        let (kind, row) = src.next(y);
        batch.push(kind);
        batch.extend_from_slice(row);
        let end = i + 1 == n;
        if batch.len() >= BATCH || end {
            let flush = match (end, last) {
                (false, _) => TDEFLFlush::None,
                (true, false) => TDEFLFlush::Sync,
                (true, true) => TDEFLFlush::Finish,
            };
            adler = adler32_update(adler, &batch);
            len += batch.len() as u64;
            feed(&mut c, &batch, flush, out);
            batch.clear();
        }
    }
    (adler, len)
}

/// Runs `data` through the compressor with `flush`, output to `out`.
fn feed<S: Sink + ?Sized>(
    c: &mut CompressorOxide,
    mut data: &[u8],
    flush: TDEFLFlush,
    out: &mut S,
) {
    // With a callback that always accepts, one call consumes all the input
    // and performs the flush; loop anyway in case a version hands back
    // early, but stop on an error status or no progress rather than spin.
    loop {
        let (status, used) = compress_to_output(c, data, flush, |bytes| {
            out.write(bytes);
            true
        });
        data = data.get(used..).unwrap_or(&[]);
        match status {
            TDEFLStatus::Okay if !data.is_empty() && used > 0 => continue,
            _ => break,
        }
    }
}

/// Writes a complete zlib stream for levels 2..=9 into `out`, using up to
/// `threads` threads (`std` only) on horizontal strips.
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    level: u8,
    order: ChannelOrder,
    filter: Filter,
    threads: usize,
    out: &mut S,
) {
    let p = params(level);
    let policy = Policy::from_filter(filter, p.adaptive);
    let height = img.height() as usize;
    out.write(&zlib_header(level));
    let strips = strip_count(img, threads);
    let adler = if strips <= 1 {
        strip(img, order, policy, p, 0..height, true, out).0
    } else {
        parallel(img, order, policy, p, strips, out)
    };
    out.write(&adler.to_be_bytes());
}

/// How many strips to cut: at most `threads`, each at least [`MIN_STRIP`]
/// raw bytes and one row.
#[cfg(feature = "std")]
fn strip_count(img: &Image<'_>, threads: usize) -> usize {
    let by_size = (img.byte_len() as u64 / MIN_STRIP).max(1);
    let by_size = usize::try_from(by_size).unwrap_or(usize::MAX);
    threads.min(by_size).min(img.height() as usize).max(1)
}

#[cfg(not(feature = "std"))]
fn strip_count(_img: &Image<'_>, _threads: usize) -> usize {
    1
}

#[cfg(not(feature = "std"))]
fn parallel<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    policy: Policy,
    p: Params,
    _strips: usize,
    out: &mut S,
) -> u32 {
    strip(img, order, policy, p, 0..img.height() as usize, true, out).0
}

/// Compresses `strips` (>= 2) strips: the first on this thread straight into
/// `out`, the others on scoped threads into buffers that are written in order
/// once the first is done. Returns the combined Adler-32.
#[cfg(feature = "std")]
fn parallel<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    policy: Policy,
    p: Params,
    strips: usize,
    out: &mut S,
) -> u32 {
    let height = img.height() as usize;
    let per = height.div_ceil(strips);
    let ranges: Vec<core::ops::Range<usize>> = (0..height)
        .step_by(per)
        .map(|s| s..(s + per).min(height))
        .collect();
    let count = ranges.len();
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
                    let (a, n) = strip(img, order, policy, p, r, last, &mut buf);
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
        let (mut adler, _) = strip(img, order, policy, p, ranges[0].clone(), count == 1, out);
        for (handle, job) in handles {
            let (buf, a, n) = match handle.map(|h| h.join()) {
                Some(Ok(r)) => r,
                // Our strip code does not panic; if it somehow did, surface
                // it on the caller's thread as the same panic.
                Some(Err(e)) => std::panic::resume_unwind(e),
                None => job(),
            };
            out.write(&buf);
            adler = adler32_combine(adler, a, n);
        }
        adler
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_check() {
        for l in 0..=9 {
            let h = zlib_header(l);
            assert_eq!((u16::from(h[0]) << 8 | u16::from(h[1])) % 31, 0);
        }
    }
}
