//! The scalar backend: portable, safe, and the reference every SIMD backend
//! must equal. It also finishes whatever a SIMD kernel leaves (the tail, the
//! padding, and every error), so errors and offsets are the same everywhere.
//!
//! Encode reads big-endian words and looks up 12 bits at a time (two symbols
//! per lookup, [`EncTable::pairs`]). Decode looks up four pre-shifted 6-bit
//! values per group of four symbols and ORs them ([`DecTable::group`]); an
//! invalid symbol sets the top byte, checked once per 8 groups.
//!
//! With `cfg(pixb64_small)` (microcontrollers, or the `small` feature) the
//! same functions run on tables of two bytes (`tables::Small`) and without
//! the unrolled rounds: a group at a time, for flash.

use super::tables::{DecTable, EncTable};

/// Encodes 6 bytes (the top 48 bits of `x`) into 8 symbols, as a big-endian word.
///
/// ```text
/// x = aaaaaabb bbbbcccc ccdddddd eeeeeeff ffffgggg gghhhhhh ........ ........
///     |-- pair (x >> 52) --||-- (x >> 40) --||-- (x >> 28) --||-- (x >> 16) --|
/// ```
#[inline(always)]
fn encode_48(t: &EncTable, x: u64) -> u64 {
    let p = |shift: u32| u64::from(t.pair((x >> shift) as usize));
    (p(52) << 48) | (p(40) << 32) | (p(28) << 16) | p(16)
}

/// Encodes the longest prefix of whole 3-byte groups of `input` that fits in
/// `output`. Returns `(consumed, written)`; writes exactly `output[..written]`.
pub(crate) fn encode_prefix(t: &EncTable, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let groups = (input.len() / 3).min(output.len() / 4);
    let (input, output) = (&input[..groups * 3], &mut output[..groups * 4]);

    // 24 bytes -> 32 symbols per round, as four 6-byte words. The last word of a
    // round is loaded from bytes 16..24 and shifted, so no load leaves the chunk.
    // (Not with small tables: there the plain loop below is the whole kernel.)
    #[cfg(not(pixb64_small))]
    let (input, output) = {
        let mut ins = input.chunks_exact(24);
        let mut outs = output.chunks_exact_mut(32);
        for (src, dst) in (&mut ins).zip(&mut outs) {
            let load = |at: usize| u64::from_be_bytes(src[at..at + 8].try_into().unwrap());
            let w0 = encode_48(t, load(0));
            let w1 = encode_48(t, load(6));
            let w2 = encode_48(t, load(12));
            let w3 = encode_48(t, load(16) << 16);
            dst[0..8].copy_from_slice(&w0.to_be_bytes());
            dst[8..16].copy_from_slice(&w1.to_be_bytes());
            dst[16..24].copy_from_slice(&w2.to_be_bytes());
            dst[24..32].copy_from_slice(&w3.to_be_bytes());
        }
        (ins.remainder(), outs.into_remainder())
    };
    // Fewer than 24 bytes left: one group of 3 at a time.
    for (src, dst) in input.chunks_exact(3).zip(output.chunks_exact_mut(4)) {
        let n = (usize::from(src[0]) << 16) | (usize::from(src[1]) << 8) | usize::from(src[2]);
        let word = (u32::from(t.pair(n >> 12)) << 16) | u32::from(t.pair(n));
        // An array store, not `copy_from_slice` (which opt-level "z" leaves
        // as a call that links `memcpy` on thumbv6m).
        if let Ok(d) = <&mut [u8; 4]>::try_from(dst) {
            *d = word.to_be_bytes();
        }
    }
    (groups * 3, groups * 4)
}

/// Encodes `input[start..]` into `output`, which must be exactly its encoded
/// length; `input` must be at least 8 bytes long and `start` a multiple of 3.
/// Rounds of 24 bytes go to [`encode_prefix`] (out of line: a short input does
/// not pay for the call); then 6-byte blocks from 8-byte loads; the last 1..=7
/// bytes are read as the input's last 8 bytes, shifted. No load leaves `input`
/// and no byte goes one at a time.
#[inline]
pub(crate) fn encode_rest(t: &EncTable, input: &[u8], start: usize, pad: bool, output: &mut [u8]) {
    let len = input.len();
    let last8 = u64::from_be_bytes(input[len - 8..].try_into().unwrap());
    let rounds = (len - start) / 24;
    let (head, mut out) = output.split_at_mut(rounds * 32);
    let mut r = start;
    if rounds > 0 {
        encode_prefix(t, &input[r..r + rounds * 24], head);
        r += rounds * 24;
    }
    while len - r >= 8 {
        let x = u64::from_be_bytes(input[r..r + 8].try_into().unwrap());
        out[..8].copy_from_slice(&encode_48(t, x).to_be_bytes());
        out = &mut out[8..];
        r += 6;
    }
    let mut rem = len - r; // 0..=7
    if rem >= 6 {
        out[..8].copy_from_slice(&encode_48(t, last8 << (8 * (8 - rem))).to_be_bytes());
        out = &mut out[8..];
        rem -= 6;
    }
    if rem == 0 {
        return;
    }
    // 1..=5 bytes -> 2..=7 symbols, then `=` up to a multiple of 4 if padded.
    let symbols = (rem * 8).div_ceil(6);
    let mut word = encode_48(t, last8 << (8 * (8 - rem)));
    if pad {
        let keep = !0u64 << (8 * (8 - symbols));
        word = (word & keep) | (0x3D3D_3D3D_3D3D_3D3D & !keep);
    }
    // Store the first `n` bytes of `word` (2..=8) with two overlapping stores.
    let bytes = word.to_be_bytes();
    let n = out.len();
    if n == 8 {
        out.copy_from_slice(&bytes);
    } else if n >= 4 {
        out[..4].copy_from_slice(&bytes[..4]);
        out[n - 4..].copy_from_slice(&bytes[n - 4..n]);
    } else {
        out[..2].copy_from_slice(&bytes[..2]);
        out[n - 2..].copy_from_slice(&bytes[n - 2..n]);
    }
}

/// Encodes the final 1 or 2 bytes (`rest.len() < 3`) and the padding, if any.
/// `output` must hold the encoded tail length bytes. Returns the number written.
pub(crate) fn encode_tail(t: &EncTable, rest: &[u8], pad: bool, output: &mut [u8]) -> usize {
    let s = |v: u8| t.symbol(usize::from(v));
    match *rest {
        [] => 0,
        [a] => {
            output[0] = s(a >> 2);
            output[1] = s((a & 0x03) << 4);
            if pad {
                output[2] = b'=';
                output[3] = b'=';
                4
            } else {
                2
            }
        }
        [a, b, ..] => {
            output[0] = s(a >> 2);
            output[1] = s(((a & 0x03) << 4) | (b >> 4));
            output[2] = s((b & 0x0F) << 2);
            if pad {
                output[3] = b'=';
                4
            } else {
                3
            }
        }
    }
}

/// Decodes the longest prefix of whole groups of 4 alphabet symbols of `input`
/// that fits in `output`, stopping before the first group that holds anything
/// else (padding, whitespace, an invalid byte): those are the slow path's.
/// Returns `(consumed, written)`; writes exactly `output[..written]`, and only
/// after validating what it writes.
pub(crate) fn decode_prefix(t: &DecTable, input: &[u8], output: &mut [u8]) -> (usize, usize) {
    let mut r = 0;
    let mut w = 0;
    // 32 symbols -> 24 bytes per round. The eight groups are decoded and checked
    // before anything is stored; a round that meets an unusual byte stores only
    // the valid groups before it and returns. (Not with small tables: there
    // the group loop below is the whole kernel.)
    #[cfg(not(pixb64_small))]
    while let (Some(src), Some(mut dst)) = (input.get(r..r + 32), output.get_mut(w..w + 24)) {
        let g = |i: usize| t.group(src[4 * i..4 * i + 4].try_into().unwrap());
        let q = [g(0), g(1), g(2), g(3), g(4), g(5), g(6), g(7)];
        if q.iter().fold(0, |acc, &x| acc | x) >> 24 != 0 {
            // Keep the valid groups before the first unusual one (a line break
            // mid-round is the common case) and stop: that group is the slow
            // path's, so the group loop below would only decode them again.
            for &g in q.iter().take_while(|&&g| g >> 24 == 0) {
                dst[..3].copy_from_slice(&g.to_be_bytes()[1..]);
                dst = &mut dst[3..];
                r += 4;
                w += 3;
            }
            return (r, w);
        }
        // Two groups make 48 bits: 00000000 [24 bits of q0] [24 bits of q1] -> 6 bytes.
        // The first three pairs store 8 bytes (the last 2 are overwritten by the
        // next pair); the last pair stores exactly 6.
        let pair = |i: usize| ((u64::from(q[2 * i]) << 24) | u64::from(q[2 * i + 1])) << 16;
        dst[0..8].copy_from_slice(&pair(0).to_be_bytes());
        dst[6..14].copy_from_slice(&pair(1).to_be_bytes());
        dst[12..20].copy_from_slice(&pair(2).to_be_bytes());
        dst[18..24].copy_from_slice(&pair(3).to_be_bytes()[..6]);
        r += 32;
        w += 24;
    }
    while let (Some(src), Some(dst)) = (input.get(r..r + 4), output.get_mut(w..w + 3)) {
        let q = t.group(src.try_into().unwrap());
        if q >> 24 != 0 {
            break;
        }
        dst.copy_from_slice(&q.to_be_bytes()[1..]);
        r += 4;
        w += 3;
    }
    (r, w)
}
