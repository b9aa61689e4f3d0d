//! Any bytes through `png::RowDecoder` (owned and caller scratch, under two
//! option sets): no panic; the owned decoder allocates its scratch once and
//! nothing else, the caller-scratch one nothing at all; and the rows (or the
//! error) are those of the reader's whole-image row pipeline run with the
//! same inflater, except that a match reaching before the start of the
//! stream is an error here (where `png::decode_with`, with fdeflate, must
//! reject the file too).
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use pixb64::png::{self, DecodeError, DecodeOptions, Limits, RowDecoder, ZlibProblem};
use pixb64::ChannelOrder;

/// Bytes currently allocated, and the peak since the last reset.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Allocations since the last reset.
static COUNT: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            COUNT.fetch_add(1, Ordering::Relaxed);
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Byte bound (on the scratch for the row decoder) and the largest image
/// the oracle decodes whole.
const LIMIT: usize = 4 << 20;
const MAX_OUT: usize = 16 << 20;

fuzz_target!(|data: &[u8]| {
    let lim = Limits::new().with_max_bytes(LIMIT);
    for opts in [
        DecodeOptions::new().with_limits(lim),
        DecodeOptions::new()
            .with_limits(lim)
            .with_strip_16(true)
            .with_channel_order(ChannelOrder::Bgr)
            .with_checksums(false),
    ] {
        check(data, &opts);
    }
});

/// Rows concatenated, or the error after the rows before it.
fn owned_rows(data: &[u8], opts: &DecodeOptions) -> (Vec<u8>, Result<(), DecodeError>) {
    let mut all = Vec::new();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    COUNT.store(0, Ordering::Relaxed);
    let end = match RowDecoder::new(data, opts) {
        Err(e) => Err(e),
        Ok(mut d) => {
            let scratch = RowDecoder::scratch_len(d.header());
            assert!(PEAK.load(Ordering::Relaxed) - base <= scratch);
            assert_eq!(COUNT.load(Ordering::Relaxed), 1, "one allocation");
            // Room for the whole image, so that collecting it allocates
            // nothing while the decoder runs.
            let h = *d.header();
            let stride = h.width as usize * usize::from(h.channels) * h.depth.bytes();
            let cap = stride.saturating_mul(h.height as usize).min(MAX_OUT);
            all.reserve_exact(cap);
            COUNT.store(0, Ordering::Relaxed);
            let end = loop {
                match d.next_row() {
                    Ok(Some(r)) => {
                        assert_eq!(r.len(), stride);
                        if all.len() + r.len() <= cap {
                            all.extend_from_slice(r);
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => {
                        assert_eq!(d.next_row(), Err(e.clone()), "errors stick");
                        break Err(e);
                    }
                }
            };
            assert_eq!(COUNT.load(Ordering::Relaxed), 0, "next_row allocated");
            end
        }
    };
    (all, end)
}

fn check(data: &[u8], opts: &DecodeOptions) {
    let (rows, end) = owned_rows(data, opts);

    // Caller scratch: the same rows, and no allocation at all.
    if let Ok(h) = png::read_header_with(data, opts) {
        let need = RowDecoder::scratch_len(&h);
        if need <= LIMIT + (64 << 10) {
            let mut scratch = vec![0xA5u8; need];
            let mut at = 0;
            COUNT.store(0, Ordering::Relaxed);
            let end2 = match RowDecoder::with_scratch(data, opts, &mut scratch) {
                Err(e) => Err(e),
                Ok(mut d) => loop {
                    match d.next_row() {
                        Ok(Some(r)) => {
                            if at + r.len() <= rows.len() {
                                assert_eq!(r, &rows[at..at + r.len()]);
                            }
                            at += r.len();
                        }
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                },
            };
            assert_eq!(COUNT.load(Ordering::Relaxed), 0, "with_scratch allocated");
            assert_eq!(end2, end);
        }
    }

    let Some(want) = pixb64::fuzz_hooks::png_row_pipeline(data, opts, MAX_OUT) else {
        return;
    };
    let got = end.map(|()| rows);
    match (&want, &got) {
        (a, b) if a == b => {}
        // A match before the stream start: the oracle reads its zeroed
        // ring; fdeflate rejects it as we do.
        (
            _,
            Err(DecodeError::Zlib {
                problem: ZlibProblem::Data,
                ..
            }),
        ) => {
            // The whole-image reader rejects it too; or, by default, reads
            // past a stream that goes on after the image and turns invalid
            // there: fdeflate counts what follows the image as surplus
            // (ignored, as libpng does), miniz_oxide, under the row decoder,
            // stops at the invalid code. Strict, both reject it.
            let fd = png::decode_with(data, opts);
            let strict = png::decode_with(data, &opts.with_strict(true));
            assert!(
                fd.is_err() || (!opts.strict() && strict.is_err()),
                "rows {got:?}, fdeflate Ok, oracle {:?}",
                want.as_ref().err()
            );
        }
        _ => panic!(
            "rows {:?}, oracle {:?}",
            got.as_ref().err(),
            want.as_ref().err()
        ),
    }
}
