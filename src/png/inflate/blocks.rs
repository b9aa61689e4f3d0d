//! The stream: block headers, code trees, stored blocks, the careful
//! symbol loop near the ends of the buffers, progress and the checksum.

use super::bits::Bits;
use super::copy::{copy_fast, copy_slow, MAX_MATCH, SLACK};
use super::huffman::{
    self, build, Kind, DIST_BITS, END_OF_BLOCK, EXCEPTIONAL, LITERAL, PRECODE_BITS, SUBTABLE,
};
use super::{Error, Outcome, Problem, Tables};
use crate::png::adler::adler32_update;

/// Output room the fast loop needs at the start of an iteration: up to
/// eight literals (and a stray byte), a longest match and the copy's slack.
pub(super) const FAST_OUT: usize = 10 + MAX_MATCH + SLACK;
/// Input the fast loop needs at the start of an iteration (two refills of
/// up to 7 bytes each, then an 8-byte load).
pub(super) const FAST_IN: usize = 24;

/// Order of the code-length code's lengths (RFC 1951, 3.2.7).
const PRECODE_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// One inflate call's state.
pub(super) struct Run<'a, F> {
    pub(super) tables: &'a mut Tables,
    pub(super) input: &'a [u8],
    pub(super) out: &'a mut [u8],
    /// Write position.
    pub(super) op: usize,
    pub(super) bits: Bits,
    check: bool,
    adler: u32,
    /// Output summed into `adler` so far.
    summed: usize,
    stride: usize,
    /// Write position at which `progress` is called next.
    pub(super) mark: usize,
    progress: F,
    /// A symbol did not fit in the output.
    full: bool,
    /// Index bits of the current Huffman block's literal/length main
    /// table, set where its header is read (`blocks`); the symbol loops
    /// read it here rather than through `tables`.
    pub(super) litlen_bits: u32,
}

/// How a symbol loop stopped.
pub(super) enum Stop {
    /// End of block.
    Block,
    /// Left its zone (buffer ends or the progress mark): go on elsewhere.
    Zone,
}

impl<'a, F: FnMut(&mut [u8], usize) -> bool> Run<'a, F> {
    pub(super) fn new(
        tables: &'a mut Tables,
        input: &'a [u8],
        out: &'a mut [u8],
        start: usize,
        check: bool,
        stride: usize,
        progress: F,
    ) -> Self {
        // What `tables.litlen` was last built with; no symbol is read
        // before a Huffman block's header sets it.
        let litlen_bits = tables.litlen_bits;
        Run {
            tables,
            input,
            out,
            op: 0,
            bits: Bits::new(start),
            check,
            adler: 1,
            summed: 0,
            stride: stride.max(1),
            mark: stride.max(1),
            progress,
            full: false,
            litlen_bits,
        }
    }

    /// An error at the current input position; truncation if bits past
    /// the end were consumed (the decision was made on zero padding).
    pub(super) fn fail(&self, problem: Problem) -> Error {
        if self.bits.overran() {
            return self.truncated();
        }
        Error {
            at: self.bits.byte_pos().min(self.input.len()),
            problem,
            written: self.op,
        }
    }

    fn truncated(&self) -> Error {
        Error {
            at: self.input.len(),
            problem: Problem::Truncated,
            written: self.op,
        }
    }

    /// The output is full and a symbol wants more: reported as
    /// [`Outcome::OutputFull`] by `stream` (unless it was truncation).
    fn full(&mut self) -> Error {
        self.full = true;
        self.fail(Problem::Stopped)
    }

    /// Whether the fast loop may run an iteration.
    #[inline(always)]
    pub(super) fn fast_zone(&self) -> bool {
        self.bits.pos + FAST_IN <= self.input.len()
            && self.op + FAST_OUT <= self.out.len()
            && self.op < self.mark
    }

    /// Sums the new output and calls `progress`.
    fn report(&mut self) -> Result<(), Error> {
        if self.check {
            self.adler = adler32_update(self.adler, &self.out[self.summed..self.op]);
        }
        self.summed = self.op;
        self.mark = self.op.saturating_add(self.stride);
        if (self.progress)(self.out, self.op) {
            Ok(())
        } else {
            Err(Error {
                at: self.bits.byte_pos().min(self.input.len()),
                problem: Problem::Stopped,
                written: self.op,
            })
        }
    }

    /// The whole stream after the zlib header.
    pub(super) fn stream(&mut self) -> Result<Outcome, Error> {
        match self.blocks() {
            Ok(()) => {}
            // The output is full: more output, unless truncation came first.
            Err(e) if self.full && e.problem == Problem::Stopped => return Ok(Outcome::OutputFull),
            Err(e) => return Err(e),
        }
        // The Adler-32, big-endian, at the next byte boundary.
        let p = self.bits.align_and_reset();
        let stored = match self.input.get(p..p + 4) {
            Some(b) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            None => return Err(self.truncated()),
        };
        if self.check {
            let computed = adler32_update(self.adler, &self.out[self.summed..self.op]);
            if computed != stored {
                return Err(Error {
                    at: p,
                    problem: Problem::Adler { stored, computed },
                    written: self.op,
                });
            }
        }
        Ok(Outcome::Done {
            consumed: p + 4,
            written: self.op,
        })
    }

    fn blocks(&mut self) -> Result<(), Error> {
        loop {
            self.bits.refill(self.input);
            if self.bits.overran() {
                return Err(self.truncated());
            }
            let last = self.bits.take(1) == 1;
            match self.bits.take(2) {
                0 => self.stored()?,
                1 => {
                    // The fixed code's longest literal/length code is 9 bits.
                    let bits = huffman::litlen_bits(self.out.len(), 9);
                    // Fixed tables of this width, left by an earlier block
                    // (or stream: the tables are recycled), are reused.
                    if !self.tables.fixed || self.tables.litlen_bits != bits {
                        self.fixed_tables(bits);
                    }
                    self.litlen_bits = bits;
                    self.huffman()?;
                }
                2 => {
                    self.litlen_bits = self.dynamic_tables()?;
                    self.huffman()?;
                }
                _ => return Err(self.fail(Problem::Data)),
            }
            if last {
                return Ok(());
            }
        }
    }

    fn stored(&mut self) -> Result<(), Error> {
        let p = self.bits.align_and_reset();
        let (len, nlen) = match self.input.get(p..p + 4) {
            Some(b) => (
                usize::from(u16::from_le_bytes([b[0], b[1]])),
                u16::from_le_bytes([b[2], b[3]]),
            ),
            None => return Err(self.truncated()),
        };
        if nlen != !(len as u16) {
            return Err(Error {
                at: p,
                problem: Problem::Data,
                written: self.op,
            });
        }
        let src = match self.input.get(p + 4..p + 4 + len) {
            Some(s) => s,
            None => return Err(self.truncated()),
        };
        let room = self.out.len() - self.op;
        if len > room {
            // What fits is written first: a reader that ignores surplus
            // data (libpng's way) keeps the whole image.
            self.out[self.op..].copy_from_slice(&src[..room]);
            self.op += room;
            return Err(self.full());
        }
        self.out[self.op..self.op + len].copy_from_slice(src);
        self.op += len;
        self.bits.pos = p + 4 + len;
        Ok(())
    }

    /// Builds the fixed code's tables, the literal/length one with `bits`
    /// index bits.
    fn fixed_tables(&mut self, bits: u32) {
        let litlen = huffman::fixed_litlen_lengths();
        // Cannot fail: the fixed codes are complete.
        let _ = build(
            Kind::Litlen,
            &litlen,
            bits,
            doubles(bits),
            &mut self.tables.litlen,
        );
        let _ = build(
            Kind::Dist,
            &[5; 32],
            DIST_BITS,
            false,
            &mut self.tables.dist,
        );
        self.tables.fixed = true;
        self.tables.litlen_bits = bits;
    }

    /// Reads a dynamic block's code trees and builds their tables; returns
    /// the literal/length main table's index bits.
    fn dynamic_tables(&mut self) -> Result<u32, Error> {
        self.tables.fixed = false;
        let b = &mut self.bits;
        b.refill(self.input);
        let hlit = b.take(5) as usize + 257;
        let hdist = b.take(5) as usize + 1;
        let hclen = b.take(4) as usize + 4;
        if hlit > 286 || hdist > 30 {
            return Err(self.fail(Problem::Data));
        }
        let mut pre = [0u8; 19];
        for &i in &PRECODE_ORDER[..hclen] {
            self.bits.refill(self.input);
            pre[i] = self.bits.take(3) as u8;
        }
        if build(
            Kind::Precode,
            &pre,
            PRECODE_BITS,
            false,
            &mut self.tables.precode,
        )
        .is_err()
        {
            return Err(self.fail(Problem::Data));
        }
        let total = hlit + hdist;
        let mut lens = [0u8; 286 + 30];
        let mut i = 0;
        while i < total {
            self.bits.refill(self.input);
            if self.bits.overran() {
                return Err(self.truncated());
            }
            let e = self.tables.precode[self.bits.peek(PRECODE_BITS) as usize];
            self.bits.consume(e & 0xff);
            let sym = (e >> 16) as u8;
            let (value, n) = match sym {
                0..=15 => (sym, 1),
                16 => match i.checked_sub(1) {
                    Some(j) => (lens[j], 3 + self.bits.take(2) as usize),
                    None => return Err(self.fail(Problem::Data)),
                },
                17 => (0, 3 + self.bits.take(3) as usize),
                _ => (0, 11 + self.bits.take(7) as usize),
            };
            let Some(run) = lens.get_mut(i..i + n).filter(|_| i + n <= total) else {
                return Err(self.fail(Problem::Data));
            };
            run.fill(value);
            i += n;
        }
        if lens[256] == 0 {
            return Err(self.fail(Problem::Data));
        }
        let longest = lens[..hlit].iter().fold(0, |m, &l| m.max(l));
        let bits = huffman::litlen_bits(self.out.len(), longest.into());
        self.tables.litlen_bits = bits;
        if build(
            Kind::Litlen,
            &lens[..hlit],
            bits,
            doubles(bits),
            &mut self.tables.litlen,
        )
        .is_err()
            || build(
                Kind::Dist,
                &lens[hlit..total],
                DIST_BITS,
                false,
                &mut self.tables.dist,
            )
            .is_err()
        {
            return Err(self.fail(Problem::Data));
        }
        Ok(bits)
    }

    /// A Huffman block's symbols, to its end.
    fn huffman(&mut self) -> Result<(), Error> {
        loop {
            if self.op >= self.mark {
                self.report()?;
            }
            let stop = if self.fast_zone() {
                self.fast()?
            } else {
                self.careful()?
            };
            if let Stop::Block = stop {
                return Ok(());
            }
        }
    }

    /// The symbol loop with every bound checked, for the ends of the
    /// buffers; returns when the fast loop can take over.
    fn careful(&mut self) -> Result<Stop, Error> {
        loop {
            if self.op >= self.mark || self.fast_zone() {
                return Ok(Stop::Zone);
            }
            self.bits.refill(self.input);
            if self.bits.overran() {
                return Err(self.truncated());
            }
            let t = &self.tables;
            let b = &mut self.bits;
            let mut e = t.litlen[b.peek(self.litlen_bits) as usize];
            if e & LITERAL == 0 && e & SUBTABLE != 0 {
                b.consume(e & 0xff);
                let i = (e >> 16) as usize + b.peek((e >> 8) & 15) as usize;
                e = t.litlen.get(i).copied().unwrap_or(EXCEPTIONAL);
            }
            if e & LITERAL != 0 {
                // One literal (a double's second comes next time round).
                b.consume((e >> 8) & 15);
                let Some(o) = self.out.get_mut(self.op) else {
                    return Err(self.full());
                };
                *o = (e >> 16) as u8;
                self.op += 1;
                continue;
            }
            if e & EXCEPTIONAL != 0 {
                if e & END_OF_BLOCK != 0 {
                    b.consume(e & 0xff);
                    return Ok(Stop::Block);
                }
                return Err(self.fail(Problem::Data));
            }
            let saved = b.buf;
            b.consume(e & 0xff);
            let len = ((e >> 16) & 0x1ff) as usize + extra(saved, e);
            let mut d = t.dist[b.peek(DIST_BITS) as usize];
            if d & SUBTABLE != 0 {
                b.consume(d & 0xff);
                let i = (d >> 16) as usize + b.peek((d >> 8) & 15) as usize;
                d = t.dist.get(i).copied().unwrap_or(EXCEPTIONAL);
            }
            if d & EXCEPTIONAL != 0 {
                return Err(self.fail(Problem::Data));
            }
            let saved = b.buf;
            b.consume(d & 0xff);
            let dist = (d >> 16) as usize + extra(saved, d);
            if dist > self.op {
                return Err(self.fail(Problem::Data));
            }
            if self.op + len > self.out.len() {
                // The part that fits first, as for stored blocks.
                let room = self.out.len() - self.op;
                copy_slow(self.out, self.op, dist, room);
                self.op += room;
                return Err(self.full());
            }
            if self.op + MAX_MATCH + SLACK <= self.out.len() {
                // Only the input is near its end: the output has the slack
                // for whole-word copies.
                copy_fast(self.out, self.op, dist, len);
            } else {
                copy_slow(self.out, self.op, dist, len);
            }
            self.op += len;
        }
    }
}

/// Whether a literal/length table of `bits` index bits gets double
/// literals: all but the 9-bit table of a short stream (see
/// `huffman::litlen_bits`), where filling them cost more than they saved
/// (3-5% of a 32x32 file's decode).
fn doubles(bits: u32) -> bool {
    bits > huffman::LITLEN_BITS_SHORTEST
}

/// The extra bits of a length or distance entry `e`, from the bit buffer
/// as it was before the entry's bits were consumed.
#[inline(always)]
pub(super) fn extra(saved: u64, e: u32) -> usize {
    let total = e & 0xff;
    let code = (e >> 8) & 15;
    ((saved & ((1u64 << total) - 1)) >> code) as usize
}
