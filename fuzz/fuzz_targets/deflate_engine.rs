//! Our deflate engine, differential: any settings (parser, search depth,
//! nice length, segment size), any feed sizes and generated data that
//! repeats itself (runs, copies from up to 40,000 bytes back, whole
//! stretches repeated many times) -> `pixb64::fuzz_hooks::deflate` -> raw
//! deflate, which `miniz_oxide` must inflate back to the data, consuming
//! exactly the whole stream, and `fdeflate` too (it reads zlib streams only,
//! so the raw stream is wrapped in a zlib header and Adler-32 here).
//!
//! Input layout (fuzz/seed.py writes seeds in it):
//!
//! ```text
//!   [parser] [depth] [nice] [segment] [feeds n] n x [u16 LE feed] [program...]
//! ```
//!
//! `parser` mod 11 goes to the hook, which maps it to a parser (at this
//! writing 0 fast, 1 fast with three-byte copies, 2 greedy, 3 lazy, 4
//! priced lazy, 5..=10 near-optimal with 1..=6 passes; more passes are
//! clamped to 6, so 0..=10 is every choice). `depth`, `nice` go to the
//! hook as they are (it clamps them to 1..=64 and 3..=258). `segment`:
//! below 0x80, 1..=8 KiB
//! segments (so small inputs cross many segment boundaries), else the byte
//! in KiB. `n` is taken mod 8 (0: all the data in one write; a 0 feed is
//! 1 byte). The program makes the data, one instruction at a time:
//!
//! | op % 8  | instruction |
//! |---------|-------------|
//! | 0, 1, 2 | `op / 8 + 1` bytes copied from the program (literals) |
//! | 3       | a run of byte `b`, `len` times |
//! | 4, 5    | copy `len` bytes from `1 + u16 % 40000` back (bit 3 of op adds 25,000) |
//! | 6       | copy `len` bytes from an interesting distance (near 1, 258, 32768) |
//! | 7       | repeat the last `1 + u16 % 40000` bytes `1 + k % 64` times |
//!
//! `len` is `3 + ` a byte, plus 42 when bit 4 of op is set: 3..=300, so
//! copies of the longest deflate copy (258) and just past it are common.
//! Copies reach back at most as far as the data goes (overlapping copies
//! repeat, as in deflate). The data stops at [`MAX_DATA`] bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The data is cut here: five windows, many small segments or one
/// boundary between segments of 128 KiB or more, and executions quick
/// enough (600 KiB through the 6-pass parser takes over a second under
/// ASan).
const MAX_DATA: usize = 100 * 1024;

/// Distances a PNG's deflate input makes interesting: pixels, the longest
/// copy, the window edge (32768 is the farthest copy; 32769 is out).
const DISTANCES: [usize; 20] = [
    1, 2, 3, 4, 6, 8, 255, 256, 257, 258, 259, 260, 4095, 4096, 32_766, 32_767, 32_768, 32_769,
    32_770, 40_000,
];

struct Input<'a> {
    bytes: &'a [u8],
}

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }
}

/// Appends `len` bytes copied from `dist` back (overlapping like deflate;
/// `dist` clamped to the data; nothing on empty data).
fn copy(data: &mut Vec<u8>, dist: usize, len: usize) {
    if data.is_empty() {
        return;
    }
    let dist = dist.clamp(1, data.len());
    for _ in 0..len.min(MAX_DATA.saturating_sub(data.len())) {
        data.push(data[data.len() - dist]);
    }
}

/// A copy or run length, 3..=300 (see the module docs).
fn length(op: u8, len: u8) -> usize {
    3 + usize::from(len) + if op & 0x10 != 0 { 42 } else { 0 }
}

fn generate(input: &mut Input<'_>) -> Vec<u8> {
    let mut data = Vec::new();
    while data.len() < MAX_DATA {
        let Some(op) = input.byte() else { break };
        match op % 8 {
            0..=2 => {
                for _ in 0..=op / 8 {
                    match input.byte() {
                        Some(b) => data.push(b),
                        None => break,
                    }
                }
            }
            3 => {
                let (Some(b), Some(len)) = (input.byte(), input.byte()) else {
                    break;
                };
                let len = length(op, len).min(MAX_DATA - data.len());
                data.extend(std::iter::repeat_n(b, len));
            }
            4 | 5 => {
                let (Some(d), Some(len)) = (input.u16(), input.byte()) else {
                    break;
                };
                let far = if op & 8 != 0 { 25_000 } else { 0 };
                let dist = 1 + (usize::from(d) + far) % 40_000;
                copy(&mut data, dist, length(op, len));
            }
            6 => {
                let (Some(k), Some(len)) = (input.byte(), input.byte()) else {
                    break;
                };
                let dist = DISTANCES[usize::from(k) % DISTANCES.len()];
                copy(&mut data, dist, length(op, len));
            }
            _ => {
                let (Some(p), Some(k)) = (input.u16(), input.byte()) else {
                    break;
                };
                let period = 1 + usize::from(p) % 40_000;
                let times = 1 + usize::from(k) % 64;
                let period = period.min(data.len());
                copy(&mut data, period, period * times);
            }
        }
    }
    data.truncate(MAX_DATA);
    data
}

/// Adler-32 (RFC 1950), for the zlib wrapper `fdeflate` needs.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fuzz_target!(|bytes: &[u8]| {
    let mut input = Input { bytes };
    let (Some(parser), Some(depth), Some(nice), Some(segment), Some(n)) = (
        input.byte(),
        input.byte(),
        input.byte(),
        input.byte(),
        input.byte(),
    ) else {
        return;
    };
    let parser = parser % 11;
    let segment_k = if segment < 0x80 {
        1 + segment % 8
    } else {
        segment
    };
    let mut feeds = Vec::new();
    for _ in 0..n % 8 {
        match input.u16() {
            Some(f) => feeds.push(f),
            None => break,
        }
    }
    let data = generate(&mut input);

    let raw = pixb64::fuzz_hooks::deflate(parser, depth, nice, segment_k, &data, &feeds);

    // Never much bigger than stored blocks (5 bytes per block of at least
    // a piece, plus the final block).
    assert!(
        raw.len() <= data.len() + data.len() / 64 + 64,
        "{} bytes of deflate for {} bytes",
        raw.len(),
        data.len()
    );

    // miniz_oxide, raw deflate: the data, ending exactly at the stream's end.
    {
        use miniz_oxide::inflate::core::{decompress, inflate_flags as f, DecompressorOxide};
        use miniz_oxide::inflate::TINFLStatus;
        let mut out = vec![0u8; data.len() + 1];
        let mut state = Box::<DecompressorOxide>::default();
        let (status, read, written) = decompress(
            &mut state,
            &raw,
            &mut out,
            0,
            f::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        assert_eq!(status, TINFLStatus::Done, "miniz_oxide: {status:?}");
        assert_eq!(read, raw.len(), "bytes after the final block");
        assert_eq!(written, data.len(), "miniz_oxide: length");
        assert!(out[..written] == data[..], "miniz_oxide: data differs");
    }

    // fdeflate, through a zlib wrapper.
    let mut zlib = Vec::with_capacity(raw.len() + 6);
    zlib.extend_from_slice(&[0x78, 0x01]);
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&data).to_be_bytes());
    let back = fdeflate::decompress_to_vec(&zlib).expect("fdeflate inflates");
    assert!(back == data, "fdeflate: data differs");
});
