//! The fast symbol loop, for while both buffers have room.
//!
//! Per iteration: one branchless refill (56+ bits), then up to three
//! literals straight from the main table (3 x 15 bits fit), or, after
//! literals, one more refill and a match: length (at most 15 + 5 bits) and
//! distance (15 + 13) fit in one refill's bits. Matches are copied in
//! whole words into the output's slack. This is the structure of
//! libdeflate's decode loop (several literals per refill, one refill per
//! match), written anew here.

use super::blocks::{extra, Run, Stop, FAST_IN, FAST_OUT};
use super::copy::copy_fast;
use super::huffman::{DIST_BITS, END_OF_BLOCK, EXCEPTIONAL, LITERAL, LITLEN_BITS, SUBTABLE};
use super::{Error, Problem};

const LITLEN_MASK: u64 = (1 << LITLEN_BITS) - 1;
const DIST_MASK: u64 = (1 << DIST_BITS) - 1;

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
        let out = &mut *self.out;
        let litlen = &self.tables.litlen;
        let dists = &self.tables.dist;
        let mut b = core::mem::replace(&mut self.bits, super::bits::Bits::new(0));
        let mut op = self.op;
        let result = loop {
            if b.pos > in_end || op > out_end {
                break Ok(Stop::Zone);
            }
            b.refill_fast(input);
            let mut e = litlen[(b.buf & LITLEN_MASK) as usize];
            if e & LITERAL != 0 {
                b.consume(e & 0xff);
                out[op] = (e >> 16) as u8;
                op += 1;
                e = litlen[(b.buf & LITLEN_MASK) as usize];
                if e & LITERAL != 0 {
                    b.consume(e & 0xff);
                    out[op] = (e >> 16) as u8;
                    op += 1;
                    e = litlen[(b.buf & LITLEN_MASK) as usize];
                    if e & LITERAL != 0 {
                        b.consume(e & 0xff);
                        out[op] = (e >> 16) as u8;
                        op += 1;
                        continue;
                    }
                }
                // A match or a long code follows: room for both fields.
                b.refill_fast(input);
            }
            if e & EXCEPTIONAL != 0 {
                if e & SUBTABLE != 0 {
                    b.consume(e & 0xff);
                    let i = (e >> 16) as usize + b.peek((e >> 8) & 15) as usize;
                    e = litlen.get(i).copied().unwrap_or(EXCEPTIONAL);
                    if e & LITERAL != 0 {
                        b.consume(e & 0xff);
                        out[op] = (e >> 16) as u8;
                        op += 1;
                        continue;
                    }
                }
                if e & EXCEPTIONAL != 0 {
                    if e & END_OF_BLOCK != 0 {
                        b.consume(e & 0xff);
                        break Ok(Stop::Block);
                    }
                    break Err(Problem::Data);
                }
            }
            // A length, then its distance.
            let saved = b.buf;
            b.consume(e & 0xff);
            let len = ((e >> 16) & 0x1ff) as usize + extra(saved, e);
            let mut d = dists[(b.buf & DIST_MASK) as usize];
            if d & EXCEPTIONAL != 0 {
                if d & SUBTABLE == 0 {
                    break Err(Problem::Data);
                }
                b.consume(d & 0xff);
                let i = (d >> 16) as usize + b.peek((d >> 8) & 15) as usize;
                d = dists.get(i).copied().unwrap_or(EXCEPTIONAL);
                if d & EXCEPTIONAL != 0 {
                    break Err(Problem::Data);
                }
            }
            let saved = b.buf;
            b.consume(d & 0xff);
            let dist = (d >> 16) as usize + extra(saved, d);
            if dist > op {
                break Err(Problem::Data);
            }
            copy_fast(out, op, dist, len);
            op += len;
        };
        self.bits = b;
        self.op = op;
        result.map_err(|p| self.fail(p))
    }
}
