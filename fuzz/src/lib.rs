//! Shared pieces of the fuzz targets: codec selection from a byte, and plain
//! reference implementations written from the specifications.

use pixb64::base64::{
    Backend, Base64, FORGIVING, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
};

/// The presets, with the `base64` crate engine each one equals (strict ones).
pub fn codec(selector: u8) -> (Base64, Option<&'static base64::engine::GeneralPurpose>) {
    use base64::engine::general_purpose as gp;
    match selector % 5 {
        0 => (STANDARD, Some(&gp::STANDARD)),
        1 => (STANDARD_NO_PAD, Some(&gp::STANDARD_NO_PAD)),
        2 => (URL_SAFE, Some(&gp::URL_SAFE)),
        3 => (URL_SAFE_NO_PAD, Some(&gp::URL_SAFE_NO_PAD)),
        _ => (FORGIVING, None),
    }
}

/// Every backend this CPU runs.
pub fn backends() -> Vec<Backend> {
    Backend::ALL
        .iter()
        .copied()
        .filter(|b| b.is_available())
        .collect()
}

/// WHATWG Infra "forgiving-base64 decode", step by step; `None` is failure.
pub fn whatwg_forgiving_decode(input: &[u8]) -> Option<Vec<u8>> {
    const SYMBOLS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // 1. Remove ASCII whitespace (TAB, LF, FF, CR, SPACE).
    let mut data: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' '))
        .collect();
    // 2. Length divisible by 4: drop one or two trailing '='.
    if data.len() % 4 == 0 {
        if data.ends_with(b"==") {
            data.truncate(data.len() - 2);
        } else if data.ends_with(b"=") {
            data.truncate(data.len() - 1);
        }
    }
    // 3. Length % 4 == 1 fails.
    if data.len() % 4 == 1 {
        return None;
    }
    // 4-7. Symbols only; 6 bits each; leftover 12 or 18 bits drop 4 or 2.
    let mut out = Vec::new();
    let (mut buf, mut n) = (0u32, 0);
    for b in data {
        let v = SYMBOLS.iter().position(|&s| s == b)? as u32;
        buf = buf << 6 | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&buf.to_be_bytes()[1..]);
            (buf, n) = (0, 0);
        }
    }
    match n {
        3 => out.extend_from_slice(&(buf >> 2).to_be_bytes()[2..]),
        2 => out.push((buf >> 4) as u8),
        _ => {}
    }
    Some(out)
}
