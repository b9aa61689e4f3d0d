//! Hostile input for the PNG reader: the generated files in tests/hostile
//! (each must give its listed error), truncation at every byte of valid
//! files, a memory bound measured with a counting allocator, and a property
//! test over mutated valid files (never a panic; when both this decoder and
//! the `png` crate accept a file, they agree).
#![cfg(feature = "png")]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use pixb64::png::{self, DecodeError, DecodeOptions, LimitKind, Limits};
use pixb64::ImageBuf;
use proptest::prelude::*;
use support::SplitMix;

// ---------------------------------------------------------------------------
// A counting allocator. The counters are per thread (tests run in parallel
// threads; the decoder is single-threaded), const-initialized so that using
// them allocates nothing.

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to `System` unchanged; the bookkeeping only
// touches thread-local counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(delta: isize) {
    // `try_with`: thread-local storage may be gone while a thread exits.
    let _ = LIVE.try_with(|live| {
        let now = live.get().wrapping_add_signed(delta);
        live.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result and the most bytes it had allocated at
/// once (beyond what was live when it started).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let r = f();
    (r, PEAK.with(Cell::get) - base)
}

// ---------------------------------------------------------------------------

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(sub)
}

/// The variant name of a result: "Ok" or e.g. "InvalidCrc".
fn kind(r: &Result<ImageBuf, DecodeError>) -> String {
    match r {
        Ok(_) => "Ok".into(),
        Err(e) => {
            let s = format!("{e:?}");
            s.split([' ', '{', '(']).next().unwrap().to_string()
        }
    }
}

/// The allocation bound used below, and the slack allowed beyond it: the
/// boxed inflater state (`fdeflate` ~18.5 KiB with `std`, `miniz_oxide`
/// ~11 KiB without) and small bookkeeping.
const LIMIT: usize = 1 << 20;
const SLACK: usize = 24 << 10;

/// The hostile files whose only defect comes after a complete image: libpng
/// (and so OpenCV) reads them, and so does pixb64 unless strict.
const READ_PAST: [&str; 8] = [
    "crc_iend.png",
    "len_iend_1.png",
    "idat_after_iend.png",
    "junk_after_iend.png",
    "idat_again_after_text.png",
    "plte_after_idat.png",
    "zlib_bomb.png",
    "zlib_extra_row.png",
];

#[test]
fn hostile_files_give_their_errors_within_the_memory_bound() {
    let manifest = fs::read_to_string(dir("hostile").join("MANIFEST.tsv")).unwrap();
    let opts = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(LIMIT));
    let mut n = 0;
    for line in manifest.lines().skip(1) {
        let mut cols = line.split('\t');
        let (file, expected) = (cols.next().unwrap(), cols.next().unwrap());
        let data = fs::read(dir("hostile").join(file)).unwrap();
        // The manifest names the strict reading's error; by default the
        // defects after a complete image are read past as libpng does.
        let r = png::decode_with(&data, &DecodeOptions::new().with_strict(true));
        assert_eq!(kind(&r), expected, "{file}: {r:?}");
        if let Err(e) = &r {
            assert!(!e.to_string().is_empty());
        }
        let lenient = png::decode(&data);
        let want = if READ_PAST.contains(&file) {
            "Ok"
        } else {
            expected
        };
        assert_eq!(kind(&lenient), want, "{file} (default): {lenient:?}");
        let (r2, peak) = peak_of(|| png::decode_with(&data, &opts));
        assert_eq!(kind(&r2), want, "{file} with a 1 MiB limit");
        assert!(peak <= LIMIT + SLACK, "{file}: allocated {peak} bytes");
        let (r3, peak) = peak_of(|| png::decode_with(&data, &opts.with_strict(true)));
        assert_eq!(kind(&r3), expected, "{file} with a 1 MiB limit, strict");
        assert!(
            peak <= LIMIT + SLACK,
            "{file}: allocated {peak} bytes (strict)"
        );
        n += 1;
    }
    assert!(n >= 70, "only {n} hostile cases");
}

/// Found by the `png_decode` fuzz target: an ancillary tRNS chunk with a bad
/// CRC is discarded (libpng's default, so what OpenCV returns), while the
/// `png` crate 0.18 applies it. With the CRC fixed, the key makes pixel
/// value 7 transparent.
#[test]
fn a_trns_chunk_with_a_bad_crc_is_discarded() {
    let bad = fs::read(dir("hostile").join("crc_trns_ignored.png")).unwrap();
    let img = png::decode(&bad).unwrap();
    assert_eq!(img.channels(), 1, "tRNS must not apply");
    let mut good = bad.clone();
    let trns = chunks(&good)[1];
    assert_eq!(&good[trns.0 + 4..trns.0 + 8], b"tRNS");
    fix_crc(&mut good, trns);
    let with_alpha = png::decode(&good).unwrap();
    assert_eq!(with_alpha.channels(), 2);
    let gray: Vec<u8> = with_alpha.data().chunks(2).map(|p| p[0]).collect();
    assert_eq!(gray, img.data());
    for p in with_alpha.data().chunks(2) {
        assert_eq!(p[1], if p[0] == 7 { 0 } else { 255 }, "gray {}", p[0]);
    }
}

#[test]
fn bomb_allocates_only_the_image() {
    // 8x8 gray: the stream inflates to 64 MiB, the decoder allocates the 72
    // bytes of the image plus the inflater state and stops at the first extra
    // byte (strict: an error there).
    let data = fs::read(dir("hostile").join("zlib_bomb.png")).unwrap();
    let strict = DecodeOptions::new().with_strict(true);
    let (r, peak) = peak_of(|| png::decode_with(&data, &strict));
    assert!(
        matches!(r, Err(DecodeError::ImageDataLong { expected: 72 })),
        "{r:?}"
    );
    assert!(peak <= SLACK, "allocated {peak} bytes");
    // By default the surplus is ignored, as libpng does: the image, all
    // zeros, and still nothing inflated beyond it.
    let (r, peak) = peak_of(|| png::decode(&data));
    assert_eq!(r.map(|i| i.into_vec()), Ok(vec![0; 64]));
    assert!(peak <= SLACK, "allocated {peak} bytes");
}

#[test]
fn decode_peak_is_output_plus_constant() {
    // Plain layout: output + one filter byte per row + the inflater state.
    let data = fs::read(dir("data/pngsuite").join("basn6a16.png")).unwrap();
    let (img, peak) = peak_of(|| png::decode(&data).unwrap());
    assert!(peak <= img.byte_len() + 32 + SLACK, "{peak}");
    // Expanded layout (palette, Adam7): output + ring + rows.
    let data = fs::read(dir("data/pngsuite").join("basi3p08.png")).unwrap();
    let (img, peak) = peak_of(|| png::decode(&data).unwrap());
    assert!(
        peak <= img.byte_len() + (32 << 10) + 3 * 4 * 32 + 2 * 33 + SLACK,
        "{peak}"
    );
}

#[test]
fn unbounded_limits_still_reject_sizes_beyond_the_address_space() {
    // (2^31 - 1)^2 RGBA16 pixels: about 2^65 bytes, more than u64 holds.
    let data = fs::read(dir("hostile").join("huge_dims.png")).unwrap();
    let r = png::decode_with(&data, &DecodeOptions::new().with_limits(Limits::none()));
    assert_eq!(
        r,
        Err(DecodeError::LimitExceeded {
            limit: LimitKind::Bytes,
            value: u64::MAX,
            max: usize::MAX as u64,
        })
    );
}

fn suite(name: &str) -> Vec<u8> {
    fs::read(dir("data/pngsuite").join(name)).unwrap()
}

/// Small valid files covering the pipelines: direct, palette, low-bit gray,
/// tRNS, 16-bit, Adam7.
const BASES: [&str; 12] = [
    "basn0g01.png",
    "basn0g08.png",
    "basn2c16.png",
    "basn3p02.png",
    "basn6a08.png",
    "basi0g04.png",
    "basi2c08.png",
    "basi3p08.png",
    "tbrn2c08.png",
    "tbbn3p08.png",
    "tbwn0g16.png",
    "s03i3p01.png",
];

#[test]
fn every_truncation_is_an_error() {
    for name in [
        "basn0g08.png",
        "basi3p02.png",
        "tbrn2c08.png",
        "oi9n0g16.png",
    ] {
        let data = suite(name);
        assert!(png::decode(&data).is_ok());
        for n in 0..data.len() {
            let r = png::decode(&data[..n]);
            let k = kind(&r);
            assert!(
                k == "Truncated" || k == "MissingChunk",
                "{name} cut at {n}: {r:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Mutations.

fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// (offset, data length) of each chunk, as far as the framing holds.
fn chunks(png: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if len > png.len() - pos - 12 {
            break;
        }
        v.push((pos, len));
        pos += 12 + len;
    }
    v
}

fn fix_crc(png: &mut [u8], (pos, len): (usize, usize)) {
    let crc = crc32(&png[pos + 4..pos + 8 + len]);
    png[pos + 8 + len..pos + 12 + len].copy_from_slice(&crc.to_be_bytes());
}

/// One random edit. Half of them keep the chunk CRCs valid, so that the
/// mutation reaches the chunk parsers and the inflater.
fn mutate_once(v: &mut Vec<u8>, rng: &mut SplitMix) {
    let cs = chunks(v);
    let pick = |rng: &mut SplitMix| cs[rng.range(0, cs.len() - 1)];
    match rng.next_u64() % 10 {
        0 if !v.is_empty() => {
            let i = rng.range(0, v.len() - 1);
            v[i] ^= 1 << rng.range(0, 7);
        }
        1 => v.truncate(rng.range(0, v.len())),
        2 => {
            let i = rng.range(0, v.len());
            let n = rng.range(1, 4);
            let b = rng.bytes(n);
            v.splice(i..i, b);
        }
        3 if !v.is_empty() => {
            let i = rng.range(0, v.len() - 1);
            let n = rng.range(1, 4).min(v.len() - i);
            v.drain(i..i + n);
        }
        4 if !cs.is_empty() => {
            // Rewrite a length field: small change, random, or near 2^31.
            let (pos, len) = pick(rng);
            let new = match rng.next_u64() % 4 {
                0 => (len as u32)
                    .wrapping_add(rng.range(0, 8) as u32)
                    .wrapping_sub(4),
                1 => rng.next_u64() as u32,
                2 => 0x7FFF_FFFF - rng.range(0, 2) as u32,
                _ => 0x8000_0000 + rng.range(0, 2) as u32,
            };
            v[pos..pos + 4].copy_from_slice(&new.to_be_bytes());
        }
        5 | 6 if !cs.is_empty() => {
            // A change inside a chunk's data, CRC fixed.
            let c = pick(rng);
            if c.1 > 0 {
                let i = c.0 + 8 + rng.range(0, c.1 - 1);
                if rng.next_u64().is_multiple_of(2) {
                    v[i] ^= 1 << rng.range(0, 7);
                } else {
                    v[i] = rng.next_u64() as u8;
                }
                fix_crc(v, c);
            }
        }
        7 if !cs.is_empty() => {
            // Duplicate or drop a whole chunk.
            let (pos, len) = pick(rng);
            let whole: Vec<u8> = v[pos..pos + 12 + len].to_vec();
            if rng.next_u64().is_multiple_of(2) {
                let at = pick(rng).0;
                v.splice(at..at, whole);
            } else {
                v.drain(pos..pos + 12 + len);
            }
        }
        8 if !cs.is_empty() => {
            // Cut a chunk's data short, fixing length and CRC.
            let (pos, len) = pick(rng);
            if len > 0 {
                let cut = rng.range(1, len);
                v.drain(pos + 8 + len - cut..pos + 8 + len);
                let nl = (len - cut) as u32;
                v[pos..pos + 4].copy_from_slice(&nl.to_be_bytes());
                fix_crc(v, (pos, len - cut));
            }
        }
        _ if !cs.is_empty() => {
            // Insert a chunk: tRNS, PLTE, IDAT, IEND or an unknown one.
            let types: [&[u8; 4]; 6] = [b"tRNS", b"PLTE", b"IDAT", b"IEND", b"abCD", b"ABCD"];
            let ty = types[rng.range(0, types.len() - 1)];
            let n = rng.range(0, 12);
            let data = rng.bytes(n);
            let mut c = (n as u32).to_be_bytes().to_vec();
            c.extend_from_slice(ty);
            c.extend_from_slice(&data);
            c.extend_from_slice(&crc32(&c[4..]).to_be_bytes());
            let at = pick(rng).0;
            v.splice(at..at, c);
        }
        _ => {}
    }
}

/// The `png` crate's EXPAND output, `None` if it fails or panics.
fn reference(data: &[u8]) -> Option<(u32, u32, u8, Vec<u8>)> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut dec = ::png::Decoder::new(std::io::Cursor::new(data));
        dec.set_transformations(::png::Transformations::EXPAND);
        let mut reader = dec.read_info().ok()?;
        let mut buf = vec![0; reader.output_buffer_size()?];
        let info = reader.next_frame(&mut buf).ok()?;
        buf.truncate(info.buffer_size());
        Some((
            info.width,
            info.height,
            info.color_type.samples() as u8,
            buf,
        ))
    }))
    .ok()
    .flatten()
}

proptest! {
    #![proptest_config(support::config())]

    #[test]
    fn mutated_files_never_panic_and_agree_with_png(
        seed in any::<u64>(),
        base in 0..BASES.len(),
        edits in 1usize..4,
    ) {
        let mut rng = SplitMix(seed);
        let mut v = suite(BASES[base]);
        for _ in 0..edits {
            mutate_once(&mut v, &mut rng);
        }
        // A small allocation bound keeps huge mutated dimensions cheap.
        let opts = DecodeOptions::new().with_limits(Limits::new().with_max_bytes(4 << 20));
        let ours = png::decode_with(&v, &opts);
        if let Ok(img) = &ours {
            // Only decoded when ours succeeded: then the size is bounded.
            if let Some((w, h, c, px)) = reference(&v) {
                prop_assert_eq!((img.width(), img.height(), img.channels()), (w, h, c));
                prop_assert!(img.data() == &px[..], "pixels differ");
            }
        }
        let _ = png::read_header(&v);
        let lax = DecodeOptions::new()
            .with_checksums(false)
            .with_strip_16(true)
            .with_channel_order(pixb64::ChannelOrder::Bgr)
            .with_limits(Limits::new().with_max_bytes(4 << 20));
        let _ = png::decode_with(&v, &lax);
    }
}
