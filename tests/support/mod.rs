//! Shared helpers of the base64 integration tests: naive oracles written
//! plainly from the definitions (RFC 4648, WHATWG Infra "forgiving-base64
//! decode", and the error precedence documented on `DecodeError`), without
//! using the crate's code, plus the codec list and a proptest configuration.
//!
//! Every test crate includes this module and uses a different part of it.
#![allow(dead_code)]

use pixb64::base64::{
    Backend, Base64, DecodeError, LineEnding, FORGIVING, STANDARD, STANDARD_NO_PAD, URL_SAFE,
    URL_SAFE_NO_PAD,
};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed};

// ---------------------------------------------------------------------------
// Alphabets, written out independently of the crate's tables.

/// RFC 4648 §4, in value order.
pub const STD_SYMBOLS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// RFC 4648 §5, in value order.
pub const URL_SYMBOLS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// WHATWG Infra ASCII whitespace: TAB, LF, FF, CR, SPACE (not VT).
pub fn is_whatwg_whitespace(b: u8) -> bool {
    b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D || b == 0x20
}

/// The 6-bit value of `b` in `symbols`, by linear search.
fn symbol_value(symbols: &[u8; 64], b: u8) -> Option<u32> {
    symbols.iter().position(|&s| s == b).map(|v| v as u32)
}

// ---------------------------------------------------------------------------
// Naive codec model.

/// Padding accepted by a naive decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NaivePad {
    /// Exactly `(4 - s % 4) % 4` `=` after `s` symbols.
    Required,
    /// No `=` anywhere.
    Forbidden,
    /// None, or exactly the required count.
    Optional,
}

/// A naive model of a codec.
#[derive(Clone, Copy, Debug)]
pub struct Naive {
    pub symbols: &'static [u8; 64],
    pub encode_pad: bool,
    pub pad: NaivePad,
    pub skip_ws: bool,
    pub trailing_bits: bool,
}

impl Naive {
    pub const STANDARD: Naive = Naive {
        symbols: STD_SYMBOLS,
        encode_pad: true,
        pad: NaivePad::Required,
        skip_ws: false,
        trailing_bits: false,
    };
    pub const STANDARD_NO_PAD: Naive = Naive {
        symbols: STD_SYMBOLS,
        encode_pad: false,
        pad: NaivePad::Forbidden,
        skip_ws: false,
        trailing_bits: false,
    };
    pub const URL_SAFE: Naive = Naive {
        symbols: URL_SYMBOLS,
        encode_pad: true,
        pad: NaivePad::Required,
        skip_ws: false,
        trailing_bits: false,
    };
    pub const URL_SAFE_NO_PAD: Naive = Naive {
        symbols: URL_SYMBOLS,
        encode_pad: false,
        pad: NaivePad::Forbidden,
        skip_ws: false,
        trailing_bits: false,
    };
    pub const FORGIVING: Naive = Naive {
        symbols: STD_SYMBOLS,
        encode_pad: true,
        pad: NaivePad::Optional,
        skip_ws: true,
        trailing_bits: true,
    };

    pub const fn with_ws(mut self) -> Naive {
        self.skip_ws = true;
        self
    }

    /// Encodes 6 bits at a time from a bit accumulator, then pads.
    pub fn encode(&self, input: &[u8]) -> Vec<u8> {
        naive_encode(self.symbols, self.encode_pad, input)
    }

    /// Strict decoding from the definition, with the documented error
    /// precedence:
    ///
    /// * whitespace (if skipped) is dropped, keeping the original offsets;
    /// * the padding is the trailing run of `=` (none when `=` is forbidden);
    /// * everything before it (the body) must be alphabet symbols; the first
    ///   byte of the body that is not is an `InvalidByte`, except that a `=`
    ///   counts only when an alphabet symbol follows it somewhere;
    /// * then `InvalidLength` (symbol count % 4 == 1), `TrailingBits` (non-zero
    ///   unused bits, unless allowed), `InvalidPadding` (wrong `=` count; offset
    ///   of the first `=`, or the input length when none).
    pub fn decode(&self, input: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let sig: Vec<(usize, u8)> = input
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, b)| !(self.skip_ws && is_whatwg_whitespace(b)))
            .collect();
        let pad_len = if self.pad == NaivePad::Forbidden {
            0
        } else {
            sig.iter().rev().take_while(|&&(_, b)| b == b'=').count()
        };
        let (body, padding) = sig.split_at(sig.len() - pad_len);

        for (i, &(offset, byte)) in body.iter().enumerate() {
            if symbol_value(self.symbols, byte).is_some() {
                continue;
            }
            let fault = if byte == b'=' && self.pad != NaivePad::Forbidden {
                body[i + 1..]
                    .iter()
                    .any(|&(_, c)| symbol_value(self.symbols, c).is_some())
            } else {
                true
            };
            if fault {
                return Err(DecodeError::InvalidByte { offset, byte });
            }
        }
        // No fault: the body is all symbols (its last byte is not `=`, and a
        // `=` before a non-`=` non-symbol would have left that byte a fault).
        let values: Vec<u32> = body
            .iter()
            .map(|&(_, b)| symbol_value(self.symbols, b).expect("body is all symbols"))
            .collect();
        let s = values.len();
        if s % 4 == 1 {
            return Err(DecodeError::InvalidLength { len: input.len() });
        }
        let mut out = Vec::new();
        let mut acc: u32 = 0;
        let mut nbits = 0;
        for v in values {
            acc = (acc << 6) | v;
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                out.push((acc >> nbits) as u8);
                acc &= (1 << nbits) - 1;
            }
        }
        if !self.trailing_bits && acc != 0 {
            let (offset, _) = *body.last().expect("bits left means a symbol");
            return Err(DecodeError::TrailingBits { offset });
        }
        let required = (4 - s % 4) % 4;
        let p = padding.len();
        let ok = match self.pad {
            NaivePad::Required => p == required,
            NaivePad::Optional => p == 0 || p == required,
            NaivePad::Forbidden => p == 0,
        };
        if !ok {
            let offset = padding.first().map_or(input.len(), |&(o, _)| o);
            return Err(DecodeError::InvalidPadding { offset });
        }
        Ok(out)
    }
}

/// Plain base64 encoding with a bit accumulator.
pub fn naive_encode(symbols: &[u8; 64], pad: bool, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut nbits = 0;
    for &b in input {
        acc = (acc << 8) | u32::from(b);
        nbits += 8;
        while nbits >= 6 {
            nbits -= 6;
            out.push(symbols[((acc >> nbits) & 63) as usize]);
        }
        acc &= (1 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(symbols[((acc << (6 - nbits)) & 63) as usize]);
    }
    if pad {
        while !out.len().is_multiple_of(4) {
            out.push(b'=');
        }
    }
    out
}

/// `encoded` split into lines of `line_len` bytes joined by `ending`
/// (`line_len == 0`: one line).
pub fn naive_wrap(encoded: &[u8], line_len: usize, ending: &[u8]) -> Vec<u8> {
    if line_len == 0 {
        return encoded.to_vec();
    }
    let mut out = Vec::new();
    for (i, line) in encoded.chunks(line_len).enumerate() {
        if i > 0 {
            out.extend_from_slice(ending);
        }
        out.extend_from_slice(line);
    }
    out
}

/// WHATWG Infra "forgiving-base64 decode", step by step; `None` is failure.
pub fn whatwg_forgiving_decode(input: &[u8]) -> Option<Vec<u8>> {
    // 1. Remove all ASCII whitespace.
    let mut data: Vec<u8> = input
        .iter()
        .copied()
        .filter(|&b| !is_whatwg_whitespace(b))
        .collect();
    // 2. If the length divides by 4, remove one or two trailing '='.
    if data.len().is_multiple_of(4) {
        if data.ends_with(b"==") {
            data.truncate(data.len() - 2);
        } else if data.ends_with(b"=") {
            data.truncate(data.len() - 1);
        }
    }
    // 3. Length % 4 == 1 is failure.
    if data.len() % 4 == 1 {
        return None;
    }
    // 4. Anything outside the standard alphabet is failure.
    let mut values = Vec::new();
    for &b in &data {
        values.push(symbol_value(STD_SYMBOLS, b)?);
    }
    // 5-7. 24-bit buffer; leftovers of 12 or 18 bits drop their last 4 or 2 bits.
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut count = 0;
    for v in values {
        buffer = (buffer << 6) | v;
        count += 1;
        if count == 4 {
            out.extend_from_slice(&[(buffer >> 16) as u8, (buffer >> 8) as u8, buffer as u8]);
            buffer = 0;
            count = 0;
        }
    }
    if count == 3 {
        buffer >>= 2;
        out.extend_from_slice(&[(buffer >> 8) as u8, buffer as u8]);
    } else if count == 2 {
        buffer >>= 4;
        out.push(buffer as u8);
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// The codecs under test.

/// A preset, its naive model, and the `base64` crate engine equal to it.
#[derive(Clone, Copy)]
pub struct Codec {
    pub name: &'static str,
    pub lib: Base64,
    pub naive: Naive,
    pub reference: Option<&'static base64::engine::GeneralPurpose>,
}

impl core::fmt::Debug for Codec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

/// The five presets, strict ones first.
pub const CODECS: [Codec; 5] = [
    Codec {
        name: "STANDARD",
        lib: STANDARD,
        naive: Naive::STANDARD,
        reference: Some(&base64::engine::general_purpose::STANDARD),
    },
    Codec {
        name: "STANDARD_NO_PAD",
        lib: STANDARD_NO_PAD,
        naive: Naive::STANDARD_NO_PAD,
        reference: Some(&base64::engine::general_purpose::STANDARD_NO_PAD),
    },
    Codec {
        name: "URL_SAFE",
        lib: URL_SAFE,
        naive: Naive::URL_SAFE,
        reference: Some(&base64::engine::general_purpose::URL_SAFE),
    },
    Codec {
        name: "URL_SAFE_NO_PAD",
        lib: URL_SAFE_NO_PAD,
        naive: Naive::URL_SAFE_NO_PAD,
        reference: Some(&base64::engine::general_purpose::URL_SAFE_NO_PAD),
    },
    Codec {
        name: "FORGIVING",
        lib: FORGIVING,
        naive: Naive::FORGIVING,
        reference: None,
    },
];

/// The presets plus the four strict ones with whitespace skipping (as used
/// for line-wrapped input).
pub fn codecs_with_ws_variants() -> Vec<Codec> {
    let mut v = CODECS.to_vec();
    for (c, name) in CODECS[..4].iter().zip([
        "STANDARD+ws",
        "STANDARD_NO_PAD+ws",
        "URL_SAFE+ws",
        "URL_SAFE_NO_PAD+ws",
    ]) {
        v.push(Codec {
            name,
            lib: c.lib.with_whitespace_skipped(true),
            naive: c.naive.with_ws(),
            reference: None,
        });
    }
    v
}

/// Every backend this CPU runs (under Miri: those the interpreter reports).
pub fn available_backends() -> Vec<Backend> {
    Backend::ALL
        .iter()
        .copied()
        .filter(|b| b.is_available())
        .collect()
}

/// `codec` with the `i`-th available backend (modulo their number) forced.
pub fn with_nth_backend(codec: Base64, i: usize) -> Base64 {
    let all = available_backends();
    codec
        .with_backend(all[i % all.len()])
        .expect("an available backend can be forced")
}

pub fn ending_bytes(ending: LineEnding) -> &'static [u8] {
    match ending {
        LineEnding::Lf => b"\n",
        LineEnding::CrLf => b"\r\n",
    }
}

// ---------------------------------------------------------------------------
// Deterministic data and proptest configuration.

/// The fixed proptest seed of every property test.
pub const SEED: u64 = 0x7069_7862_3634_0001; // "pixb64" + 1

/// Proptest cases per property: `PIXB64_PROPTEST_CASES`, default 256.
///
/// Miri isolates the interpreted program from the host environment, so there
/// the variable is only seen with `MIRIFLAGS=-Zmiri-env-forward=PIXB64_PROPTEST_CASES`;
/// without it the default under Miri is 4.
pub fn cases() -> u32 {
    match std::env::var("PIXB64_PROPTEST_CASES") {
        Ok(v) => v
            .trim()
            .parse()
            .expect("PIXB64_PROPTEST_CASES must be a number"),
        Err(_) if cfg!(miri) => 4,
        Err(_) => 256,
    }
}

/// A fixed-seed configuration with [`cases`] cases, scaled by `percent`
/// (at least 1 case), that writes no regression files.
pub fn config_scaled(percent: u32) -> ProptestConfig {
    ProptestConfig {
        cases: (cases().saturating_mul(percent) / 100).max(1),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    }
}

pub fn config() -> ProptestConfig {
    config_scaled(100)
}

/// The largest input length of the big-buffer properties: 4096, less under
/// Miri, where every byte costs thousands of times more.
pub fn max_len() -> usize {
    if cfg!(miri) {
        1100
    } else {
        4096
    }
}

/// SplitMix64: a tiny deterministic generator for bulk data, so that a
/// property case is `(seed, length, ...)` instead of thousands of proptest
/// values (much faster, especially under Miri).
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        v.truncate(n);
        v
    }

    /// Splits `n` into random pieces of 1..=`max` (a few 0-length pieces too).
    pub fn chunks(&mut self, n: usize, max: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut left = n;
        while left > 0 {
            let k = if self.next_u64().is_multiple_of(16) {
                0
            } else {
                self.range(1, max).min(left)
            };
            out.push(k);
            left -= k;
        }
        out
    }
}

/// `data` placed at `start` inside a bigger buffer of noise, so the slice
/// under test starts at an arbitrary alignment.
pub fn at_offset(
    data: &[u8],
    start: usize,
    noise: &mut SplitMix,
) -> (Vec<u8>, core::ops::Range<usize>) {
    let mut buf = noise.bytes(start);
    buf.extend_from_slice(data);
    let tail = noise.range(0, 40);
    buf.extend(noise.bytes(tail));
    (buf, start..start + data.len())
}

/// The sentinel of output buffers.
pub const SENTINEL: u8 = 0xA5;

/// Asserts `buf[from..]` still holds only the sentinel.
#[track_caller]
pub fn assert_untouched(buf: &[u8], from: usize, what: &str) {
    if let Some(i) = buf[from..].iter().position(|&b| b != SENTINEL) {
        panic!(
            "{what}: byte {} past the end ({from}) was written (0x{:02x})",
            from + i,
            buf[from + i]
        );
    }
}

/// A printable form of an input for assertion messages.
pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

// ---------------------------------------------------------------------------
// Mutations of valid encodings.

/// Bytes that make decoding interesting: symbols of both alphabets' values
/// 62/63, `=`, whitespace (and VT, which is not), junk, non-ASCII.
pub const INTERESTING: &[u8] = b"AQgw+/-_=  \t\n\r\x0c\x0b!.~\x00\x80\xff";

/// ASCII whitespace bytes that whitespace-skipping codecs skip.
pub const WHITESPACE: &[u8] = b" \t\n\r\x0c";

/// Applies `count` random edits (replace, insert `=`, insert whitespace,
/// truncate, delete, append `=`, insert an interesting byte) to `valid`.
pub fn mutate(valid: &[u8], count: usize, rng: &mut SplitMix) -> Vec<u8> {
    let mut v = valid.to_vec();
    for _ in 0..count {
        let pos = rng.range(0, v.len());
        match rng.next_u64() % 8 {
            0 if !v.is_empty() => {
                let i = pos.min(v.len() - 1);
                v[i] = rng.next_u64() as u8;
            }
            1 if !v.is_empty() => {
                let i = pos.min(v.len() - 1);
                v[i] = INTERESTING[rng.range(0, INTERESTING.len() - 1)];
            }
            2 => v.insert(pos, b'='),
            3 => v.insert(pos, WHITESPACE[rng.range(0, WHITESPACE.len() - 1)]),
            4 => v.truncate(pos),
            5 if !v.is_empty() => {
                v.remove(pos.min(v.len() - 1));
            }
            6 => v.push(b'='),
            _ => v.insert(pos, INTERESTING[rng.range(0, INTERESTING.len() - 1)]),
        }
    }
    v
}

/// `encoded` with `count` whitespace bytes inserted at random places.
pub fn sprinkle_whitespace(encoded: &[u8], count: usize, rng: &mut SplitMix) -> Vec<u8> {
    let mut v = encoded.to_vec();
    for _ in 0..count {
        let pos = rng.range(0, v.len());
        v.insert(pos, WHITESPACE[rng.range(0, WHITESPACE.len() - 1)]);
    }
    v
}
