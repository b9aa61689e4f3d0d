//! The fast symbol loop, for while both buffers have room.
//!
//! Per iteration: up to four literal entries (one or two literals each,
//! at most 12 bits) from one refill's 56+ bits, or a match: length (at most
//! 15 + 5 bits) and distance (15 + 13) fit in one refill's bits. The next
//! entry is looked up before a match is copied, so the table load overlaps
//! the copy, and an entry's low byte is both the shift and the count to
//! subtract (only the count's low byte is meaningful; the high bits of
//! `left` collect garbage). Matches are copied in whole words into the
//! output's slack. These are the techniques of libdeflate's decode loop
//! (several literals per refill, one refill per match, the preloaded
//! entry, `bitsleft -= entry`), written anew here.

use super::blocks::{extra, Run, Stop, FAST_IN, FAST_OUT};
use super::copy::copy_fast;
use super::huffman::{
    DIST_BITS, DOUBLE, END_OF_BLOCK, EXCEPTIONAL, LITERAL, LITLEN_BITS, SUBTABLE,
};
use super::{Error, Problem};

const DIST_MASK: u64 = (1 << DIST_BITS) - 1;

/// The little-endian word at `input[pos..pos + 8]`, which the caller
/// checked exists (were it missing: zero, wrong but in bounds).
#[inline(always)]
fn load64(input: &[u8], pos: usize) -> u64 {
    match input.get(pos..pos + 8) {
        Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        None => 0,
    }
}

impl<F: FnMut(&mut [u8], usize) -> bool> Run<'_, F> {
    /// Decodes symbols while the input has [`FAST_IN`] bytes left, the
    /// output [`FAST_OUT`] bytes of room and the progress mark is ahead.
    pub(super) fn fast(&mut self) -> Result<Stop, Error> {
        let input = self.input;
        let in_end = match input.len().checked_sub(FAST_IN) {
            Some(n) => n,
            None => return Ok(Stop::Zone),
        };
        let out_end = match self.out.len().checked_sub(FAST_OUT) {
            Some(n) => n.min(self.mark.saturating_sub(1)),
            None => return Ok(Stop::Zone),
        };
        if self.bits.pos > in_end || self.op > out_end {
            return Ok(Stop::Zone);
        }
        let out = &mut *self.out;
        let litlen = &self.tables.litlen;
        // The main table's index mask (a register, not a constant: the
        // table is smaller for short outputs). Masked again with the
        // largest, so that the compiler sees every index is in bounds.
        let litlen_mask: u64 = ((1 << self.litlen_bits) - 1) & ((1 << LITLEN_BITS) - 1);
        let dists = &self.tables.dist;
        let mut buf = self.bits.buf;
        let mut left = self.bits.left;
        let mut pos = self.bits.pos;
        let mut op = self.op;
        macro_rules! refill {
            () => {
                buf |= load64(input, pos) << (left & 63);
                pos += (63 - (left & 63) as usize) >> 3;
                left |= 56;
            };
        }
        macro_rules! consume {
            ($e:expr) => {
                buf = buf.wrapping_shr($e);
                left = left.wrapping_sub($e);
            };
        }
        macro_rules! literals {
            ($e:expr) => {
                consume!($e);
                let pair = (($e >> 16) as u16).to_le_bytes();
                out[op..op + 2].copy_from_slice(&pair);
                op += 1 + (($e & DOUBLE) >> 14) as usize;
            };
        }
        refill!();
        let mut e = litlen[(buf & litlen_mask) as usize];
        let result = loop {
            // Here `buf` holds 56+ bits and `e` is the entry they start with.
            if pos > in_end || op > out_end {
                break Ok(Stop::Zone);
            }
            if e & LITERAL != 0 {
                literals!(e);
                e = litlen[(buf & litlen_mask) as usize];
                if e & LITERAL != 0 {
                    literals!(e);
                    e = litlen[(buf & litlen_mask) as usize];
                    if e & LITERAL != 0 {
                        literals!(e);
                        e = litlen[(buf & litlen_mask) as usize];
                        if e & LITERAL != 0 {
                            literals!(e);
                            refill!();
                            e = litlen[(buf & litlen_mask) as usize];
                            continue;
                        }
                    }
                }
                // A match or a long code follows: room for both fields.
                refill!();
            }
            if e & EXCEPTIONAL != 0 {
                if e & SUBTABLE != 0 {
                    consume!(e & 0xff);
                    let i = (e >> 16) as usize + (buf & ((1 << ((e >> 8) & 15)) - 1)) as usize;
                    e = litlen.get(i).copied().unwrap_or(EXCEPTIONAL);
                    if e & LITERAL != 0 {
                        // Subtable literals are single.
                        consume!(e);
                        out[op] = (e >> 16) as u8;
                        op += 1;
                        refill!();
                        e = litlen[(buf & litlen_mask) as usize];
                        continue;
                    }
                }
                if e & EXCEPTIONAL != 0 {
                    if e & END_OF_BLOCK != 0 {
                        consume!(e & 0xff);
                        break Ok(Stop::Block);
                    }
                    break Err(Problem::Data);
                }
            }
            // A length, then its distance.
            let saved = buf;
            consume!(e);
            let len = ((e >> 16) & 0x1ff) as usize + extra(saved, e);
            let mut d = dists[(buf & DIST_MASK) as usize];
            if d & EXCEPTIONAL != 0 {
                if d & SUBTABLE == 0 {
                    break Err(Problem::Data);
                }
                consume!(d & 0xff);
                let i = (d >> 16) as usize + (buf & ((1 << ((d >> 8) & 15)) - 1)) as usize;
                d = dists.get(i).copied().unwrap_or(EXCEPTIONAL);
                if d & EXCEPTIONAL != 0 {
                    break Err(Problem::Data);
                }
            }
            let saved = buf;
            consume!(d);
            let dist = (d >> 16) as usize + extra(saved, d);
            refill!();
            e = litlen[(buf & litlen_mask) as usize];
            if dist > op {
                break Err(Problem::Data);
            }
            copy_fast(out, op, dist, len);
            op += len;
        };
        self.bits.buf = buf;
        self.bits.left = left & 0xff;
        self.bits.pos = pos;
        self.op = op;
        result.map_err(|p| self.fail(p))
    }
}
