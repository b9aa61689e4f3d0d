// The kernel tests shared by `ssse3.rs` and `avx2.rs`, `include!`d into each
// file's `tests` module, which defines `BACKEND`, `expected_encode` and
// `expected_decode` (the only things that differ between the two ISAs).
use super::{DEC_IN, DEC_OUT, ENC_IN, ENC_OUT, UNROLL};
use crate::base64::arch::test_data::{lengths, symbols};
use crate::base64::tables::dec;
use crate::base64::{scalar, Alphabet, Backend};
use std::vec::Vec;
use std::{format, vec};

const ALPHABETS: [Alphabet; 2] = [Alphabet::Standard, Alphabet::UrlSafe];
const SENTINEL: u8 = 0xA5;

// The whole-block kernels: the bodies are shared with NEON and simd128
// (`arch::prefix_tests`), with this ISA's block rule.

use crate::base64::arch::prefix_tests::{self, PrefixKernels};

const PREFIX: PrefixKernels = PrefixKernels {
    backend: BACKEND,
    encode_prefix: super::encode_prefix,
    decode_prefix: super::decode_prefix,
    expected_encode,
    expected_decode,
    dec_block: DEC_IN,
    dec_round: UNROLL * DEC_IN,
};

prefix_tests::prefix_kernel_tests!(PREFIX);

/// The whitespace-skipping kernel, or `None` where this CPU lacks the ISA.
fn decode_ws(a: Alphabet, input: &[u8], output: &mut [u8]) -> Option<(usize, usize)> {
    // SAFETY: the kernel runs only when the CPU has the ISA (checked first).
    BACKEND
        .is_available()
        .then(|| unsafe { super::decode_prefix_skip_ws(a, input, output) })
}


/// The tables, checked byte by byte in plain Rust.
#[test]
fn tables_match_alphabets() {
    for (a, e, d) in [
        (
            Alphabet::Standard,
            &super::ENC_STANDARD,
            &super::DEC_STANDARD,
        ),
        (
            Alphabet::UrlSafe,
            &super::ENC_URL_SAFE,
            &super::DEC_URL_SAFE,
        ),
    ] {
        for v in 0..64u8 {
            let run = v.saturating_sub(51) + u8::from(v > 25);
            assert_eq!(
                v.wrapping_add(e[usize::from(run)]),
                a.symbols()[usize::from(v)]
            );
        }
        for c in 0..=255u8 {
            let (h, l) = (c >> 4, c & 15);
            // pshufb: 0 for an index with bit 7 set.
            let lo = if c < 0x80 { d.lo[usize::from(l)] } else { 0 };
            let valid = d.hi[usize::from(h)] & lo != 0;
            let value = a.symbols().iter().position(|&s| s == c);
            assert_eq!(valid, value.is_some(), "{a:?} {c:#04x}");
            if let Some(v) = value {
                let index = h + lo;
                assert!(index < 0x80, "{a:?} {c:#04x}");
                let off = d.roll[usize::from(index & 15)];
                assert_eq!(usize::from(c.wrapping_add(off)), v, "{a:?} {c:#04x}");
            }
        }
    }
}

/// The model's whitespace: core's definition (the same five bytes as the
/// crate's), not the code under test.
fn is_ws(b: u8) -> bool {
    b.is_ascii_whitespace()
}

/// Checks one call of the whitespace-skipping kernel against a model: the
/// kernel decodes every whole group before the first byte that is neither
/// symbol nor whitespace, or whitespace inside a group, as many as fit in
/// `out_len` bytes; `consumed` ends after the last decoded symbol or after
/// whitespace after it, and with room to spare at the next symbol (or where
/// it stopped); the bytes are scalar's, and nothing past `written` changes.
fn check_decode_ws(a: Alphabet, input: &[u8], out_len: usize) {
    let table = dec(a);
    // Where the model stops, and the offsets of the symbols before it.
    let mut sym_at = Vec::new();
    let mut stop = input.len();
    for (i, &b) in input.iter().enumerate() {
        if table.value(b) < 64 {
            sym_at.push(i);
        } else if !is_ws(b) || sym_at.len() % 4 != 0 {
            stop = i;
            break;
        }
    }
    let mut out = vec![SENTINEL; out_len + 64];
    let Some((r, w)) = decode_ws(a, input, &mut out[..out_len]) else {
        return;
    };
    let ctx = || {
        format!(
            "{a:?} out {out_len} stop {stop} got ({r}, {w}) input {:?}",
            std::string::String::from_utf8_lossy(input)
        )
    };
    assert_eq!(w % 3, 0, "{}", ctx());
    let g = w / 3;
    assert_eq!(g, (sym_at.len() / 4).min(out_len / 3), "{}", ctx());
    let first = if g == 0 { 0 } else { sym_at[4 * g - 1] + 1 };
    let last = sym_at.get(4 * g).copied().unwrap_or(stop);
    assert!((first..=last).contains(&r), "{}", ctx());
    assert!(input[first..r].iter().all(|&b| is_ws(b)), "{}", ctx());
    if out_len >= sym_at.len() / 4 * 3 + 3 {
        assert_eq!(r, last, "{}", ctx());
    }
    let syms: Vec<u8> = sym_at[..4 * g].iter().map(|&i| input[i]).collect();
    let mut want = vec![SENTINEL; out_len + 64];
    assert_eq!(
        scalar::decode_prefix(table, &syms, &mut want[..out_len]),
        (4 * g, w),
        "{}",
        ctx()
    );
    assert_eq!(out, want, "{}", ctx());
}

/// `syms` wrapped in lines of `line` symbols, each break `eol`.
fn wrap(syms: &[u8], line: usize, eol: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for (i, chunk) in syms.chunks(line).enumerate() {
        if i > 0 {
            v.extend_from_slice(eol);
        }
        v.extend_from_slice(chunk);
    }
    v
}

/// Without whitespace the kernel takes what the plain one would and more.
#[test]
fn decode_ws_clean() {
    for a in ALPHABETS {
        for len in lengths() {
            let input = symbols(a, len, len as u64 + 5);
            check_decode_ws(a, &input, len / 4 * 3);
            check_decode_ws(a, &input, len / 4 * 3 + 5);
            check_decode_ws(a, &input, (len / 4 * 3).saturating_sub(1));
        }
    }
}

/// A run of whitespace (LF, CR LF, and longer runs of every kind) at every
/// position of the first blocks: on a group boundary it is skipped, inside a
/// group the kernel stops before the group.
#[test]
fn decode_ws_run_everywhere() {
    let len = (UNROLL + 2) * DEC_IN + 8;
    let runs: [&[u8]; 7] = [
        b"\n",
        b"\r\n",
        b" ",
        b"\t",
        b"\x0C",
        b"\r\n\r\n",
        b" \t\n \r\x0C ",
    ];
    for a in ALPHABETS {
        let clean = symbols(a, len, 13);
        for (n, pos) in prefix_tests::positions(&PREFIX, len + 1).into_iter().enumerate() {
            for (k, run) in runs.iter().enumerate() {
                if cfg!(miri) && (n + k) % 9 != 0 {
                    continue;
                }
                let mut input = clean.clone();
                input.splice(pos..pos, run.iter().copied());
                check_decode_ws(a, &input, len / 4 * 3);
                check_decode_ws(a, &input, len / 4 * 3 + 7);
                // A second run further on, and a bad byte right after the first.
                let mut two = input.clone();
                let at = (pos + run.len() + 4 * (n % 9) + 4).min(two.len());
                two.splice(at..at, b"\r\n".iter().copied());
                check_decode_ws(a, &two, len / 4 * 3 + 7);
                let mut bad = input.clone();
                bad.insert(pos + run.len(), b'=');
                check_decode_ws(a, &bad, len / 4 * 3 + 7);
                bad[pos + run.len()] = b'*';
                check_decode_ws(a, &bad, len / 4 * 3 + 7);
            }
        }
    }
}

/// Wrapped lines of every length up to a few blocks, LF and CR LF, with a
/// short last line or none, whitespace at either end.
#[test]
fn decode_ws_wrapped() {
    let line_lens: Vec<usize> = if cfg!(miri) {
        vec![4, 12, 24, 32, 44, 64, 76]
    } else {
        (1..=40).map(|k| 4 * k).collect()
    };
    for a in ALPHABETS {
        for &line in &line_lens {
            for eol in [&b"\n"[..], b"\r\n"] {
                let counts: &[usize] = if cfg!(miri) { &[3] } else { &[1, 2, 5, 9] };
                for &lines in counts {
                    for last in [0, 4, line / 2 / 4 * 4, line.saturating_sub(4)] {
                        let n = (lines - 1) * line + if last == 0 { line } else { last };
                        let syms = symbols(a, n, (line * 31 + lines) as u64);
                        let text = wrap(&syms, line, eol);
                        check_decode_ws(a, &text, n / 4 * 3);
                        check_decode_ws(a, &text, n / 4 * 3 + 9);
                        let mut padded = text.clone();
                        padded.extend_from_slice(eol);
                        padded.extend_from_slice(b"==");
                        check_decode_ws(a, &padded, n / 4 * 3 + 9);
                        let mut framed = eol.to_vec();
                        framed.extend_from_slice(&text);
                        framed.extend_from_slice(b" \t");
                        check_decode_ws(a, &framed, n / 4 * 3 + 9);
                    }
                }
            }
        }
    }
}

/// Wrapped lines with one byte changed, at every position: to a bad byte,
/// padding, whitespace (inside a group, or making a line break longer or
/// different), or a symbol where a line break was.
#[test]
fn decode_ws_wrapped_corrupted() {
    let shapes: &[(usize, usize)] = if cfg!(miri) {
        &[(76, 4)]
    } else {
        &[(76, 9), (64, 9), (24, 12), (44, 10), (140, 5)]
    };
    for a in ALPHABETS {
        for &(line, lines) in shapes {
            for eol in [&b"\n"[..], b"\r\n"] {
                let n = line * lines - 8;
                let syms = symbols(a, n, line as u64);
                let text = wrap(&syms, line, eol);
                let subs = [b'*', b'=', b' ', b'\n', b'\r', a.symbols()[5]];
                for pos in 0..text.len() {
                    for (k, &b) in subs.iter().enumerate() {
                        if cfg!(miri) && (pos + k) % 41 != 0 {
                            continue;
                        }
                        let mut bad = text.clone();
                        bad[pos] = b;
                        check_decode_ws(a, &bad, n / 4 * 3 + 9);
                    }
                }
            }
        }
    }
}

/// Wrapped lines into every output length up to the whole: the kernel fills
/// what it can and writes nothing past it.
#[test]
fn decode_ws_output_limits() {
    for a in ALPHABETS {
        for (line, eol) in [(76, &b"\n"[..]), (76, b"\r\n"), (64, b"\n"), (28, b"\r\n")] {
            let n = line * 5 + 40;
            let syms = symbols(a, n, 99);
            let text = wrap(&syms, line, eol);
            for out_len in 0..=n / 4 * 3 + 4 {
                if cfg!(miri) && out_len % 61 != 0 {
                    continue;
                }
                check_decode_ws(a, &text, out_len);
            }
        }
    }
}

// The small-input kernels: `encode_final` (every length) and `decode_small`
// (2..=SMALL_MAX symbols), against the scalar backend's public API; the
// bodies are shared with NEON (`arch::small_tests`).

use crate::base64::arch::small_tests::{self, Small};

const SMALL: Small = Small {
    backend: BACKEND,
    encode_final: super::encode_final,
    decode_small: super::decode_small,
    small_max: super::SMALL_MAX,
    enc_block: ENC_IN,
    dec_block: DEC_IN,
};

small_tests::small_kernel_tests!(SMALL);
