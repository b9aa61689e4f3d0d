//! Any bytes through the JPEG reader (pixb64::decode_image, so through the
//! sniffing too) under a small limit, in the three OpenCV modes and the
//! default: no panic, memory within the limit plus zune-jpeg's fixed state
//! (a counting allocator checks the peak), and the output of the size the
//! header promises.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use pixb64::png::{DecodeOptions, Limits};

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
    // The first byte picks the mode; the rest is the file.
    let Some((&mode, file)) = data.split_first() else {
        return;
    };
    let opts = match mode % 4 {
        0 => DecodeOptions::new(),
        1 => DecodeOptions::imread_color(),
        2 => DecodeOptions::imread_grayscale(),
        _ => DecodeOptions::imread_unchanged(),
    }
    .with_limits(Limits::new().with_max_bytes(LIMIT));
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = pixb64::decode_image(file, &opts);
    let peak = PEAK.load(Ordering::Relaxed) - base;
    // Beyond the limit: zune-jpeg's fixed state (tables) and copies of
    // the file's metadata segments.
    assert!(peak <= LIMIT + (1 << 20) + 2 * file.len(), "peak {peak} bytes");
    if let (Ok(img), Ok(h)) = (r, pixb64::jpeg::read_header(file)) {
        let turned = opts.exif_orientation() && h.orientation.is_some_and(|o| o >= 5);
        let dims = if turned { (h.height, h.width) } else { (h.width, h.height) };
        assert_eq!((img.width(), img.height()), dims);
    }
});
