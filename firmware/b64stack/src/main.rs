//! The stack each public base64 call needs, measured: before each call the
//! 4 KiB below the stack pointer are painted with a pattern; after it, the
//! lowest word no longer holding the pattern marks how deep the call went.
//! Prints one line per call over semihosting and exits non-zero if any call
//! needs more than `BUDGET` bytes (issue 14: 512 on thumbv6m). Each figure
//! includes the harness's own frames between the marker and the API (the
//! first line, an empty closure, shows them), so it is an upper bound.
//!
//! `firmware/stack.sh` builds it for thumbv6m and runs it under
//! `qemu-system-arm -machine lm3s6965evb` (a Cortex-M3, which runs v6m code).
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use panic_halt as _;
use pixb64::base64::{Decoder, Encoder, LineEnding, FORGIVING, STANDARD, URL_SAFE_NO_PAD};

const BUDGET: usize = 512;
const PAINTED: usize = 4096;
const PATTERN: u32 = 0xA5C3_5A3C;

/// Paints `PAINTED` bytes below the caller's frame, runs `f`, and returns
/// how many bytes below the painted region's top `f` wrote.
#[inline(never)]
fn measure(f: &mut dyn FnMut()) -> usize {
    let marker = 0u32;
    // From the marker down: what `call`, the closure and the API push.
    let top = core::ptr::addr_of!(marker) as usize & !3;
    let bottom = top - PAINTED;
    for a in (bottom..top).step_by(4) {
        // SAFETY: `bottom..top` lies in the unused stack below this frame
        // (64 KiB of RAM, a few hundred bytes in use), and nothing else runs.
        unsafe { core::ptr::write_volatile(a as *mut u32, PATTERN) };
    }
    call(f);
    let mut lowest = top;
    for a in (bottom..top).step_by(4) {
        // SAFETY: as above; reading back what was painted.
        if unsafe { core::ptr::read_volatile(a as *const u32) } != PATTERN {
            lowest = a;
            break;
        }
    }
    top - lowest
}

/// A frame between `measure`'s and the call's, as a caller of the API has.
#[inline(never)]
fn call(f: &mut dyn FnMut()) {
    f();
}

#[entry]
fn main() -> ! {
    let mut data = [0u8; 96];
    for (i, b) in data.iter_mut().enumerate() {
        *b = black_box((i * 37) as u8);
    }
    let mut text = [0u8; 160];
    let mut out = [0u8; 128];
    let n = STANDARD.encode_to_slice(&data, &mut text).unwrap();
    let mut worst = 0;
    let mut report = |name: &str, used: usize| {
        hprintln!("{:<42} {:>4} bytes", name, used);
        worst = worst.max(used);
    };
    let t = &text[..n];
    let mut text2 = [0u8; 200];
    report(
        "(measuring frames alone)",
        measure(&mut || {
            black_box(());
        }),
    );
    report(
        "encode_to_slice",
        measure(&mut || {
            black_box(STANDARD.encode_to_slice(black_box(&data), &mut text2).ok());
        }),
    );
    report(
        "decode_to_slice",
        measure(&mut || {
            black_box(STANDARD.decode_to_slice(black_box(t), &mut out).ok());
        }),
    );
    let mut wrapped = [0u8; 200];
    let w = STANDARD
        .encode_wrapped_to_slice(&data, 76, LineEnding::CrLf, &mut wrapped)
        .unwrap();
    report(
        "encode_wrapped_to_slice",
        measure(&mut || {
            black_box(
                STANDARD
                    .encode_wrapped_to_slice(black_box(&data), 76, LineEnding::CrLf, &mut text2)
                    .ok(),
            );
        }),
    );
    report(
        "decode_to_slice, FORGIVING, wrapped",
        measure(&mut || {
            black_box(
                FORGIVING
                    .decode_to_slice(black_box(&wrapped[..w]), &mut out)
                    .ok(),
            );
        }),
    );
    report(
        "decode_to_slice, URL_SAFE_NO_PAD",
        measure(&mut || {
            black_box(
                URL_SAFE_NO_PAD
                    .decode_to_slice(black_box(&t[..n - 2]), &mut out)
                    .ok(),
            );
        }),
    );
    let mut bad = [0u8; 160];
    bad[..n].copy_from_slice(t);
    bad[n / 2] = b'*';
    report(
        "decode_to_slice, invalid byte",
        measure(&mut || {
            black_box(
                STANDARD
                    .decode_to_slice(black_box(&bad[..n]), &mut out)
                    .err(),
            );
        }),
    );
    report(
        "decode_to_slice, output too small",
        measure(&mut || {
            black_box(STANDARD.decode_to_slice(black_box(t), &mut out[..10]).err());
        }),
    );
    let mut buf = [0u8; 160];
    buf[..n].copy_from_slice(t);
    report(
        "decode_in_place",
        measure(&mut || {
            black_box(STANDARD.decode_in_place(black_box(&mut buf[..n])).ok());
        }),
    );
    report(
        "Decoder::decode + finish, 7-byte pieces",
        measure(&mut || {
            let mut dec = Decoder::new(&FORGIVING);
            let mut done = 0;
            for piece in black_box(&wrapped[..w]).chunks(7) {
                if let Ok((_, o)) = dec.decode(piece, &mut out[done..]) {
                    done += o;
                }
            }
            black_box(dec.finish(&mut out[done..]).ok());
        }),
    );
    report(
        "Encoder::encode in 7-byte pieces + finish",
        measure(&mut || {
            let mut enc = Encoder::new(&STANDARD);
            let mut done = 0;
            for piece in black_box(&data[..]).chunks(7) {
                let (_, o) = enc.encode(piece, &mut text2[done..]);
                done += o;
            }
            black_box(enc.finish(&mut text2[done..]).ok());
        }),
    );
    hprintln!("deepest: {} bytes (budget {})", worst, BUDGET);
    if worst <= BUDGET {
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        debug::exit(debug::EXIT_FAILURE);
    }
    loop {
        black_box(());
    }
}
