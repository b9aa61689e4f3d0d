//! Issue 14's data-URI firmware, for QEMU's `lm3s6965evb` (Cortex-M3, 64 KiB
//! SRAM), with no allocator:
//!
//! 1. makes a 320x240 RGB frame one row at a time ([`pixel`]; the check
//!    script computes the same frame), streams it through `RowEncoder`
//!    (level 1, caller scratch) into a sink that sends the PNG as base64
//!    (`Base64Sink`) after `data:image/png;base64,` over semihosting and
//!    keeps the PNG bytes;
//! 2. reads the PNG back with `RowDecoder` (caller scratch, on the stack
//!    where the encoder's was) and prints the CRC-32 of the rows it hands
//!    out;
//! 3. prints the RAM it used: statics, and the stack's high-water mark
//!    (the free RAM is painted at start and scanned at the end).
//!
//! Output lines: the URI, `rows <crc32> <row count>` (decimal), `ram <statics>
//! <stack peak> <total>`. `firmware/datauri.sh` runs it and checks them with
//! OpenCV.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
use panic_halt as _;
use pixb64::base64::STANDARD;
use pixb64::png::{Base64Sink, DecodeOptions, Depth, EncodeOptions, RowDecoder, RowEncoder, Sink};

const W: u32 = 320;
const H: u32 = 240;
const ROW: usize = W as usize * 3;
/// Room for the PNG file (the frame compresses to under 4 KiB at level 1).
const FILE: usize = 4 * 1024;
/// The encoder's scratch (`RowEncoder::scratch_len` for 320 RGB pixels at
/// level 1 in the small form: 17,370 bytes), on `encode`'s stack frame.
const ENC_SCRATCH: usize = 17 * 1024;

/// The decoder's scratch (`RowDecoder::scratch_len`: the 32 KiB window and
/// two rows, 34,690 bytes), on `decode`'s stack frame: the same memory as the encoder's,
/// since the two run one after the other.
const DEC_SCRATCH: usize = 34 * 1024;

/// The PNG, kept for reading back.
static mut FILE_BUF: [u8; FILE] = [0; FILE];

/// The frame, a test card in bands of 8 equal rows (so it compresses to a
/// few KiB, which the board keeps to read back): a red ramp across, green
/// steps down, blue squares of 40 pixels in a checkerboard, and a white
/// staircase.
fn pixel(x: u32, y: u32) -> [u8; 3] {
    let y = y / 8 * 8;
    let r = (x * 255 / (W - 1)) as u8;
    let g = (y * 255 / (H - 1)) as u8;
    let b = if (x / 40 + y / 40).is_multiple_of(2) {
        200
    } else {
        30
    };
    if x.abs_diff(y + 40) < 6 {
        [255, 255, 255]
    } else {
        [r, g, b]
    }
}

/// Semihosting stdout as a [`Sink`].
struct Host(hio::HostStream);

impl Sink for Host {
    fn put(&mut self, bytes: &[u8]) {
        // A failed host write leaves the URI short; the check catches it.
        let _ = self.0.write_all(bytes);
    }
}

/// The base64 text to the host, the PNG bytes into a buffer.
struct Both<'f> {
    text: Base64Sink<Host>,
    file: &'f mut [u8],
    len: usize,
    overflow: bool,
}

impl Sink for Both<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.text.put(bytes);
        match self.file.get_mut(self.len..self.len + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.overflow = true,
        }
    }
}

/// CRC-32 (IEEE), bit by bit: small, and fast enough for 230 KB.
fn crc32(mut crc: u32, bytes: &[u8]) -> u32 {
    crc = !crc;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// Writes `v` in decimal.
fn put_dec(out: &mut Host, v: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = v;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.put(&digits[i..]);
}

extern "C" {
    static mut __sdata: u32;
    static mut __ebss: u32;
    static _stack_start: u32;
}

const PAINT: u32 = 0xDEAD_BEEF;

/// Paints the RAM between the statics and the current stack (less a
/// margin for this frame).
#[inline(never)]
fn paint() {
    let here = 0u32;
    let sp = core::ptr::addr_of!(here) as usize;
    let start = core::ptr::addr_of!(__ebss) as usize;
    for a in (start..sp - 256).step_by(4) {
        // SAFETY: the linker symbols bound the RAM; [__ebss, sp - 256) is
        // neither statics nor the live stack, and nothing else runs.
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
    }
}

/// The deepest the stack went: the first painted word that changed.
fn stack_peak() -> usize {
    let start = core::ptr::addr_of!(__ebss) as usize;
    let top = core::ptr::addr_of!(_stack_start) as usize;
    let mut a = start;
    // SAFETY: [__ebss, _stack_start) is RAM (the linker's bounds), read
    // with nothing else running.
    while a < top && unsafe { core::ptr::read_volatile(a as *const u32) } == PAINT {
        a += 4;
    }
    top - a
}

#[entry]
fn main() -> ! {
    paint();
    let Ok(stdout) = hio::hstdout() else {
        halt(false);
    };
    let mut host = Host(stdout);
    let ok = run(&mut host);
    let statics = core::ptr::addr_of!(__ebss) as usize - core::ptr::addr_of!(__sdata) as usize;
    let peak = stack_peak();
    host.put(b"ram ");
    put_dec(&mut host, statics);
    host.put(b" ");
    put_dec(&mut host, peak);
    host.put(b" ");
    put_dec(&mut host, statics + peak);
    host.put(b"\n");
    halt(ok);
}

/// Ends the QEMU run with `ok`'s exit status.
fn halt(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        core::hint::spin_loop();
    }
}

/// Encodes and prints, then decodes; false on any error. Each half is its
/// own function so their stack frames do not add up.
fn run(host: &mut Host) -> bool {
    match encode() {
        Some(len) => decode(host, len),
        None => false,
    }
}

/// Makes the frame row by row and streams it out as a data: URI, keeping
/// the PNG; returns its length.
#[inline(never)]
fn encode() -> Option<usize> {
    // SAFETY: `encode` runs once, before `decode`: the only reference.
    let file = unsafe { &mut *core::ptr::addr_of_mut!(FILE_BUF) };
    let mut scratch = [0u8; ENC_SCRATCH];
    let mut prefix = Host(hio::hstdout().ok()?);
    prefix.put(b"data:image/png;base64,");
    let sink = Both {
        text: Base64Sink::new(&STANDARD, prefix),
        file,
        len: 0,
        overflow: false,
    };
    let opts = EncodeOptions::new();
    let mut enc =
        RowEncoder::with_scratch(W, H, 3, Depth::Eight, &opts, sink, &mut scratch).ok()?;
    let mut row = [0u8; ROW];
    for y in 0..H {
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            px.copy_from_slice(&pixel(x as u32, y));
        }
        enc.write_rows(&row).ok()?;
    }
    let both = enc.finish().ok()?;
    let (len, overflow) = (both.len, both.overflow);
    both.text.finish().put(b"\n");
    (!overflow).then_some(len)
}

/// Reads the PNG back row by row and prints the rows' CRC-32 and count.
#[inline(never)]
fn decode(host: &mut Host, len: usize) -> bool {
    // SAFETY: the encoder is gone; this is again the only reference.
    let file: &[u8; FILE] = unsafe { &*core::ptr::addr_of!(FILE_BUF) };
    let file = &file[..len];
    let mut scratch = [0u8; DEC_SCRATCH];
    // Used in place, inside the `Result`: the decoder (~12 KiB, most of it
    // the inflater's state) is never moved, so it is on the stack once.
    let mut made = RowDecoder::with_scratch(file, &DecodeOptions::new(), &mut scratch);
    let Ok(dec) = made.as_mut() else {
        return false;
    };
    let (mut crc, mut rows) = (0u32, 0usize);
    loop {
        match dec.next_row() {
            Ok(Some(r)) => {
                crc = crc32(crc, r);
                rows += 1;
            }
            Ok(None) => break,
            Err(_) => return false,
        }
    }
    host.put(b"rows ");
    put_dec(host, crc as usize);
    host.put(b" ");
    put_dec(host, rows);
    host.put(b"\n");
    true
}
