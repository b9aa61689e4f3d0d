//! Any bytes through the PNG decoder under a small limit: no panic, memory
//! within the limit (a counting allocator checks the peak), and where the
//! `png` crate also decodes the file, the same pixels; what the strict
//! reading accepts, the default accepts with the same pixels.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use pixb64::png::{self, DecodeOptions, Limits};

/// Bytes currently allocated, and the peak since the last reset.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
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

const LIMIT: usize = 4 << 20;

fuzz_target!(|data: &[u8]| {
    let opts = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(LIMIT));
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let ours = png::decode_with(data, &opts);
    let peak = PEAK.load(Ordering::Relaxed) - base;
    // The limit plus a small constant (inflater state, ring, rows).
    assert!(peak <= LIMIT + (256 << 10), "peak {peak} bytes");
    // Strict reading accepts a subset, with the same pixels.
    if let Ok(strict) = png::decode_with(data, &opts.with_strict(true)) {
        assert_eq!(ours.as_ref().ok(), Some(&strict), "strict accepts, default does not");
    }
    let Ok(img) = ours else { return };
    // The one known difference: a tRNS chunk with a bad CRC is discarded by
    // us (and libpng) but applied by the `png` crate 0.18.
    if trns_with_bad_crc(data) {
        return;
    }
    // The png crate, expanded, with the same pixel budget.
    let mut d =
        ::png::Decoder::new_with_limits(std::io::Cursor::new(data), ::png::Limits { bytes: LIMIT });
    d.set_transformations(::png::Transformations::EXPAND);
    let Ok(mut r) = d.read_info() else { return };
    let Some(size) = r.output_buffer_size() else {
        return;
    };
    let mut buf = vec![0; size];
    if let Ok(info) = r.next_frame(&mut buf) {
        buf.truncate(info.buffer_size());
        assert_eq!((img.width(), img.height()), (info.width, info.height));
        assert_eq!(img.data(), &buf[..], "pixels differ from the png crate");
    }
});

/// Whether any framed tRNS chunk's CRC is wrong.
fn trns_with_bad_crc(png: &[u8]) -> bool {
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if len > png.len() - pos - 12 {
            return false;
        }
        let end = pos + 8 + len;
        if &png[pos + 4..pos + 8] == b"tRNS"
            && crc32(&png[pos + 4..end]).to_be_bytes() != png[end..end + 4]
        {
            return true;
        }
        pos = end + 4;
    }
    false
}

/// Bitwise CRC-32 (PNG's), independent of the decoder's table code.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
        }
    }
    !c
}
