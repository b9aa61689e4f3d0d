//! The size probe: a firmware that base64-encodes a buffer into a
//! slice and decodes it back, with `--features pixb64` or
//! `--features base64crate` (the `base64` crate's `encode_slice` and
//! `decode_slice`). The input sits behind `black_box`, so nothing is folded
//! away; flash is `.text` + `.rodata` (`firmware/flash.py`).
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use panic_halt as _;

#[cfg(all(feature = "pixb64", feature = "base64crate"))]
compile_error!("pick one codec");

#[entry]
fn main() -> ! {
    let mut input = [0u8; 48];
    for (i, b) in input.iter_mut().enumerate() {
        *b = black_box(i as u8);
    }
    let n = black_box(input.len());
    let mut text = [0u8; 64];
    let mut back = [0u8; 48];
    let r = round_trip(&input[..n], &mut text, &mut back);
    black_box((r, &back));
    loop {
        black_box(());
    }
}

#[cfg(feature = "pixb64")]
fn round_trip(input: &[u8], text: &mut [u8], back: &mut [u8]) -> Option<usize> {
    use pixb64::base64::STANDARD;
    let t = STANDARD.encode_to_slice(input, text).ok()?;
    STANDARD.decode_to_slice(&text[..t], back).ok()
}

#[cfg(feature = "base64crate")]
fn round_trip(input: &[u8], text: &mut [u8], back: &mut [u8]) -> Option<usize> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let t = STANDARD.encode_slice(input, text).ok()?;
    STANDARD.decode_slice(&text[..t], back).ok()
}
