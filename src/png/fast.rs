//! Level 1: the fast tier, in the style of Luca Versari's fpnge.
//!
//! fpnge's observation is that a PNG encoder spends its time in a general
//! LZ77 match finder that finds almost nothing on filtered photographic rows:
//! after a good predictor the residuals are small, noisy numbers, and what
//! compresses them is the entropy coder, not string matching. So this engine
//! keeps only what pays:
//!
//! * **Symbols.** Literals 0..=255 for the residual bytes, and back-references
//!   used *only* for runs of zero residuals, as copies of length 3..=258 at
//!   distance 1 ("repeat the previous byte"). Distance 1 is the cheapest
//!   distance (code 0, no extra bits) and valid as soon as the byte before
//!   the copy is a zero: a run that follows a nonzero byte starts with one
//!   literal 0. (A distance of one pixel or one row would need zeros back
//!   *there* and costs extra bits; distance 1 needs only the run.) The distance
//!   tree has two 1-bit codes (0 and 1, a complete tree every inflater
//!   accepts), so a copy costs `length code + extra bits + 1 bit`. Runs are
//!   found 8 bytes at a time and become copies when they cover an aligned
//!   zero word ([`scan`]); they stay within a row (and a 64 KiB segment).
//! * **Dynamic Huffman blocks whose code follows the image** ([`Stream`]):
//!   each block's code is built from the symbol counts of the block before
//!   it (16 KiB of input for the first, 64 KiB for the others), plus one
//!   count for every literal and length code so that a residual the counts
//!   missed still has a code. The first block's code comes from about 64
//!   KiB of evenly spaced rows of the image, filtered exactly as the real
//!   pass will filter them ([`Table`]), when the whole image is at hand,
//!   and from a default code when rows stream in. Lengths are limited (14
//!   bits, see [`MAX_LIT_BITS`]) by the shared [`huffman::lengths`].
//! * **Per-row predictor choice by estimated cost**
//!   (min-sum, sampled, see [`Adaptive`]): fpnge prices each candidate row with the
//!   Huffman code lengths (byte-shuffle lookups in AVX2). Baseline SSE2 has
//!   no byte shuffle, so the price here is the sum of residual magnitudes,
//!   computed with `psadbw`; a vectorized staircase fitted to the real code
//!   lengths bought only 0.05% on the Kodak photos for a third of the
//!   encoder's time.
//! * **Bit packing** through the shared 64-bit [`BitWriter`], stored 8 bytes
//!   at a time without a branch; literals go four per store (4 x 14 bits).
//! * **Adler-32** of each row is taken right after the row is chosen, while
//!   it is in L1, with the lane-parallel form in [`super::adler`].

#[cfg(feature = "alloc")]
use alloc::vec;

use super::deflate::bits::{BitWriter, Pending};
use super::deflate::block::Header;
use super::deflate::huffman;
#[cfg(not(pixb64_small))]
use super::deflate::symbols::LEN_SLOT;
use super::deflate::symbols::{LEN_BASE, LEN_EXTRA, NUM_DIST};
use super::filter::{nlog2n, Adaptive, Policy, Price};
#[cfg(feature = "alloc")]
use super::{
    filter::Chooser,
    rows::RowSource,
    stream::{Plan, Rows},
    EncodeOptions,
};
use super::{Filter, Sink};
#[cfg(feature = "alloc")]
use crate::image::{ChannelOrder, Image};

/// Literal/length alphabet size we declare: 0..=255 literals, 256 end of
/// block, 257..=285 length codes.
const NUM_LIT: usize = 286;
/// End-of-block symbol.
const EOB: usize = 256;
/// Longest literal/length code we build. Deflate allows 15; 14 lets four
/// literal codes (56 bits) plus up to 7 pending bits share one 64-bit store
/// ([`BitWriter::commit`]). Only symbols rarer than about 1 in 2^14 can be
/// affected, so it costs nothing measurable.
const MAX_LIT_BITS: u32 = 14;
// ---------------------------------------------------------------------------
// Symbol streams: one scanner, two consumers (histogram, bit writer)
// ---------------------------------------------------------------------------

/// What the scanner produces from a row's stream bytes.
trait Symbols {
    /// Bytes `from..8` of `c` (`from` <= 7) as literals.
    fn lits8(&mut self, c: &[u8; 8], from: u32);
    /// One literal byte.
    fn lit(&mut self, b: u8);
    /// A run of `k >= 1` zero bytes; `after_zero` says whether the byte
    /// before it in the stream is a zero too (then a copy at distance 1 can
    /// start at once; otherwise the first zero must be a literal).
    fn zeros(&mut self, k: usize, after_zero: bool);
}

/// Feeds one row's bytes (filter type and residuals) to `s`.
///
/// Eight bytes at a time, as one little-endian word `w` (byte 0 = lowest):
///
/// ```text
///   w == 0            -> the pending zero run grows by 8
///   w != 0, no run    -> eight literals (zeros among them too)
///   w != 0, run       -> the run absorbs w's trailing zero bytes (tz), is
///                        coded, and bytes tz..8 are literals
/// ```
///
/// So zero runs become copies when they cover at least one whole aligned
/// word, which is what matters for flat graphics; shorter runs stay
/// literal zeros, which on photos are cheap codes anyway (a copy only wins
/// from about 4-6 zeros on). The common photographic word costs no
/// per-byte branch at all: one compare, then eight table lookups.
#[inline(always)]
fn scan<S: Symbols>(s: &mut S, buf: &[u8]) {
    let mut run = 0usize;
    // The word before the run; its top byte is the byte before the run.
    // Starts nonzero: at a row start there is no byte before (runs are kept
    // within rows so each row's output is bounded).
    let mut last = u64::MAX;
    let mut words = buf.chunks_exact(8);
    for c in &mut words {
        let c = <&[u8; 8]>::try_from(c).unwrap_or(&[0; 8]);
        let w = u64::from_le_bytes(*c);
        if w == 0 {
            run += 8;
            continue;
        }
        if run > 0 {
            // w != 0, so tz <= 7.
            let tz = w.trailing_zeros() / 8;
            s.zeros(run + tz as usize, last >> 56 == 0);
            run = 0;
            s.lits8(c, tz);
        } else {
            s.lits8(c, 0);
        }
        last = w;
    }
    let mut after_zero = last >> 56 == 0;
    for &b in words.remainder() {
        if b == 0 {
            run += 1;
        } else {
            if run > 0 {
                s.zeros(run, after_zero);
                run = 0;
            }
            s.lit(b);
            after_zero = false;
        }
    }
    if run > 0 {
        s.zeros(run, after_zero);
    }
}

/// Counts symbols for the Huffman table. Zero runs are counted the way
/// [`zeros_run`] codes runs long enough to matter: a literal 0 (unless a
/// zero precedes), then copies.
///
/// On hosts, whole words of literals are counted in four lanes (byte `i`
/// of a word in lane `i % 4`): filtered photos repeat a few residuals, and
/// separate counters keep back-to-back increments of one value from
/// waiting on each other through memory (streamed level 1 counted a
/// quarter of its rows 1.5x faster this way). The small form keeps one
/// lane (3 KiB less state on a microcontroller's stack).
struct Histogram {
    counts: [u32; NUM_LIT],
    #[cfg(not(pixb64_small))]
    lanes: [[u32; 256]; 3],
}

impl Histogram {
    const fn new() -> Self {
        Histogram {
            counts: [0; NUM_LIT],
            #[cfg(not(pixb64_small))]
            lanes: [[0; 256]; 3],
        }
    }

    /// The counts (lanes summed), leaving the histogram empty.
    fn take(&mut self) -> [u32; NUM_LIT] {
        #[cfg(not(pixb64_small))]
        for lane in &self.lanes {
            for (c, &l) in self.counts.iter_mut().zip(lane) {
                *c += l;
            }
        }
        let counts = self.counts;
        *self = Histogram::new();
        counts
    }
}

impl Symbols for Histogram {
    #[inline(always)]
    fn lits8(&mut self, c: &[u8; 8], from: u32) {
        #[cfg(not(pixb64_small))]
        if from == 0 {
            for q in c.chunks_exact(4) {
                self.counts[usize::from(q[0])] += 1;
                self.lanes[0][usize::from(q[1])] += 1;
                self.lanes[1][usize::from(q[2])] += 1;
                self.lanes[2][usize::from(q[3])] += 1;
            }
            return;
        }
        for &b in &c[from as usize & 7..] {
            self.counts[usize::from(b)] += 1;
        }
    }
    #[inline(always)]
    fn lit(&mut self, b: u8) {
        self.counts[usize::from(b)] += 1;
    }
    fn zeros(&mut self, k: usize, after_zero: bool) {
        let mut k = k;
        if !after_zero || k < 3 {
            self.counts[0] += 1;
            k -= 1;
        }
        while k >= 258 {
            self.counts[257 + 28] += 1;
            k -= 258;
        }
        if k >= 3 {
            self.counts[257 + len_slot(k)] += 1;
        } else {
            self.counts[0] += k as u32;
        }
    }
}

/// The length code (0..=28) of a copy of `len` (3..=258) bytes: the
/// shared table, or in the small form (`pixb64_small`) a search of the 29
/// bases (copies are rare at level 1; 259 bytes less flash).
#[inline]
fn len_slot(len: usize) -> usize {
    #[cfg(not(pixb64_small))]
    return usize::from(LEN_SLOT[len]);
    #[cfg(pixb64_small)]
    return (0..29)
        .rev()
        .find(|&s| usize::from(LEN_BASE[s]) <= len)
        .unwrap_or(0);
}

/// The Huffman table as the writer uses it.
struct Codes {
    /// Per literal byte: its code (bit-reversed) and length, in separate
    /// tables so each costs one zero-extending load and no unpacking.
    lit_code: [u16; 256],
    lit_len: [u8; 256],
    /// Per length code 257..=285: its code (bit-reversed) above its length
    /// (5 bits), one `u32` each. A copy of length `k` is this code, the
    /// extra bits `k - LEN_BASE` and the 1-bit distance code 0
    /// ([`Codes::copy`]); copies are rare enough (zero runs) that building
    /// them on the fly costs nothing, and the table stays small (the engine
    /// state lives on a microcontroller's stack).
    len_code: [u32; 29],
    eob: (u32, u32),
}

impl Codes {
    /// Empty tables (filled by [`Codes::build`]).
    const fn empty() -> Self {
        Codes {
            lit_code: [0; 256],
            lit_len: [0; 256],
            len_code: [0; 29],
            eob: (0, 0),
        }
    }

    /// The tables of the code with lengths `lens`, in place.
    fn build(&mut self, lens: &[u8; NUM_LIT]) {
        let mut codes = [0u16; NUM_LIT];
        huffman::codewords(lens, &mut codes);
        self.lit_code.copy_from_slice(&codes[..256]);
        self.lit_len.copy_from_slice(&lens[..256]);
        for (i, c) in self.len_code.iter_mut().enumerate() {
            *c = u32::from(codes[257 + i]) << 5 | u32::from(lens[257 + i]);
        }
        self.eob = (u32::from(codes[EOB]), u32::from(lens[EOB]));
    }

    /// A copy of length `len` (3..=258) at distance 1: the value and its
    /// bit count.
    ///
    /// ```text
    ///   bit 0                                        bit n-1
    ///   [ length code (reversed) | extra bits (LSB first) | 0 ]
    /// ```
    #[inline]
    fn copy(&self, len: usize) -> (u64, u32) {
        let i = len_slot(len);
        let c = self.len_code[i];
        let (code, cl) = (u64::from(c >> 5), c & 31);
        let extra = (len - usize::from(LEN_BASE[i])) as u64;
        let el = u32::from(LEN_EXTRA[i]);
        // Distance code 0 is the bit 0 after the extra bits.
        (code | extra << cl, cl + el + 1)
    }
}

/// Writes symbols as bits.
struct Writer<'c, 'o> {
    codes: &'c Codes,
    bw: BitWriter<'o>,
}

impl Writer<'_, '_> {
    /// Four literals with one store: at most 4 x 14 = 56 bits on top of
    /// at most 7 pending, so they fit the 64-bit buffer.
    #[inline(always)]
    fn lits4(&mut self, c: &[u8]) {
        let (code, len) = (&self.codes.lit_code, &self.codes.lit_len);
        for &b in &c[..4] {
            self.bw.add(
                u64::from(code[usize::from(b)]),
                u32::from(len[usize::from(b)]),
            );
        }
        self.bw.commit();
    }
}

/// A zero run: copies of 258 at distance 1, then the rest as a copy or as
/// literal zeros, whichever is shorter in bits.
///
/// Kept out of line and free of `&mut Writer`: it is rare on photos, and
/// the bit writer's state goes in and comes back by value, so the literal
/// loop keeps that state in registers instead of spilling it to the stack
/// for a call that takes its address.
#[inline(never)]
fn zeros_run(
    codes: &Codes,
    out: &mut [u8],
    state: (u64, u32, usize),
    k: usize,
    after_zero: bool,
) -> (u64, u32, usize) {
    let (bits, n, pos) = state;
    let mut bw = BitWriter::new(out, pos, Pending { bits, n });
    let zero = (u64::from(codes.lit_code[0]), u32::from(codes.lit_len[0]));
    let mut k = k;
    if !after_zero {
        bw.put(zero.0, zero.1);
        k -= 1;
    }
    while k >= 258 {
        let (v, l) = codes.copy(258);
        bw.put(v, l);
        k -= 258;
    }
    if k >= 3 {
        let (v, l) = codes.copy(k);
        if l <= zero.1 * k as u32 {
            bw.put(v, l);
            k = 0;
        }
    }
    for _ in 0..k {
        bw.put(zero.0, zero.1);
    }
    (bw.bits, bw.n, bw.pos)
}

impl Symbols for Writer<'_, '_> {
    #[inline(always)]
    fn lits8(&mut self, c: &[u8; 8], from: u32) {
        if from == 0 {
            self.lits4(&c[..4]);
            self.lits4(&c[4..]);
        } else {
            for &b in &c[from as usize & 7..] {
                self.lit(b);
            }
        }
    }
    #[inline(always)]
    fn lit(&mut self, b: u8) {
        let i = usize::from(b);
        self.bw.put(
            u64::from(self.codes.lit_code[i]),
            u32::from(self.codes.lit_len[i]),
        );
    }
    #[inline(always)]
    fn zeros(&mut self, k: usize, after_zero: bool) {
        let state = (self.bw.bits, self.bw.n, self.bw.pos);
        (self.bw.bits, self.bw.n, self.bw.pos) =
            zeros_run(self.codes, self.bw.out, state, k, after_zero);
    }
}

/// Writes the block header: BFINAL, BTYPE = 10 (dynamic), and the code:
/// literal/length lengths `lens` (all 286 declared) and two 1-bit distance
/// codes (distance 1 only is used; the second makes the tree complete).
fn write_header(bw: &mut BitWriter<'_>, lens: &[u8; NUM_LIT], last: bool) {
    let mut dist_len = [0u8; NUM_DIST];
    dist_len[..2].fill(1);
    bw.put(u64::from(last) | 2 << 1, 3);
    Header::from_lengths(lens, &dist_len).write(bw);
}

// ---------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------

/// Staged output goes to the sink once it reaches this many bytes.
const FLUSH_AT: usize = 4096;
/// Longest scanline piece the engine is handed at once: the filter type
/// byte and [`PIECE`](super::filter::PIECE) filtered bytes (the row
/// pipeline cuts longer rows).
const MAX_PIECE: usize = super::filter::PIECE + 1;
/// Zeros of a repeated row coded between flush checks: 64 copies of 258.
const ZERO_STEP: usize = 64 * 258;
/// Staging buffer: a flush threshold, plus the worst case of one piece (14
/// bits a byte) or one zero step (under 1 KiB), the 8 bytes of store
/// slack, and a block end and header (under 1 KiB).
pub(crate) const STAGE: usize = FLUSH_AT + 2 * MAX_PIECE + 2048;
/// Input bytes coded with the first block's code before the first switch,
/// and with each later code. A block's code comes from the counts of the
/// block before it, so a short first block lets the code fit the image
/// early; each switch costs a header (about 60-90 bytes).
const FIRST_BLOCK: usize = 16 * 1024;
const BLOCK: usize = 64 * 1024;
/// Counting stops for the rest of a block after this many bytes, so the
/// `u32` counts cannot overflow on rows of gigabytes.
const COUNT_MAX: usize = 1 << 30;
/// One row in this many feeds the next block's counts. Measured against
/// the whole-image call (one code from rows sampled across the image), 64
/// KiB blocks, the switch rule below, rows fed one per call (`png_encode`
/// bench, `rows-L1` against `L1`): every fourth row, Kodak -0.24% in size
/// at 0.94x the speed, screenshots and graphics +0.8% at 0.85x; every
/// eighth, Kodak +0.33% at 0.96x, the others +0.9% to +1.6% at 0.91x.
/// Counting costs about as much per byte as coding.
const COUNT_EVERY: u32 = 8;
/// A block keeps the current code while it costs less than 1 + 1/this of
/// the counts' entropy.
const SWITCH_SLACK: u64 = 32;
/// Bytes a block counts at least before its counts make the next code.
const MIN_COUNTED: usize = 4096;

/// Level 1's filter policy for the user's `filter`.
pub(crate) fn policy(filter: Filter) -> Policy {
    Policy::from_filter(
        filter,
        Policy::Adaptive(Adaptive {
            price: Price::MinSum,
            sampled: true,
            none: false,
        }),
    )
}

/// The code lengths of the first block when no image is at hand to sample:
/// a two-sided geometric fall-off around residual 0 (what filtered photos
/// look like), the count halving every 4 steps, and every other symbol
/// codable.
fn default_lengths() -> [u8; NUM_LIT] {
    let mut counts = [1u32; NUM_LIT];
    for (b, c) in counts.iter_mut().enumerate().take(256) {
        let m = (b as u8 as i8).unsigned_abs();
        *c += (1u32 << 16) >> (m / 4).min(16);
    }
    let mut lens = [0u8; NUM_LIT];
    huffman::lengths(&counts, MAX_LIT_BITS, &mut lens);
    lens
}

/// Codes `bytes` into `stage` from `pos` on, feeding their symbols to
/// `counter` in the same pass. A function of its own so that the code
/// tables and the stage arrive as separate arguments: LLVM then knows the
/// stores into the stage cannot change the tables and keeps their
/// addresses in registers. Hosts instantiate it twice, with the histogram
/// and with [`NoCount`] (whose calls vanish); the small form
/// (`pixb64_small`) once, with [`Maybe`], for about 1 KiB less flash.
#[inline(never)]
fn write_piece<C: Symbols>(
    codes: &Codes,
    counter: &mut C,
    stage: &mut [u8],
    pos: usize,
    pending: Pending,
    bytes: &[u8],
) -> (Pending, usize) {
    let mut w = Writer {
        codes,
        bw: BitWriter::new(&mut stage[..STAGE], pos, pending),
    };
    scan(&mut Tee(&mut w, counter), bytes);
    (w.bw.pending(), w.bw.pos)
}

/// Counts nothing.
#[cfg(not(pixb64_small))]
struct NoCount;

#[cfg(not(pixb64_small))]
impl Symbols for NoCount {
    #[inline(always)]
    fn lits8(&mut self, _: &[u8; 8], _: u32) {}
    #[inline(always)]
    fn lit(&mut self, _: u8) {}
    #[inline(always)]
    fn zeros(&mut self, _: usize, _: bool) {}
}

/// Counts when there is a histogram (the small form's one scanner).
#[cfg(pixb64_small)]
struct Maybe<'h>(Option<&'h mut Histogram>);

#[cfg(pixb64_small)]
impl Symbols for Maybe<'_> {
    fn lits8(&mut self, c: &[u8; 8], from: u32) {
        if let Some(h) = &mut self.0 {
            h.lits8(c, from);
        }
    }
    fn lit(&mut self, b: u8) {
        if let Some(h) = &mut self.0 {
            h.lit(b);
        }
    }
    fn zeros(&mut self, k: usize, after_zero: bool) {
        if let Some(h) = &mut self.0 {
            h.zeros(k, after_zero);
        }
    }
}

/// Two symbol consumers fed by one scan (the writer and the counts).
struct Tee<'a, A, B>(&'a mut A, &'a mut B);

impl<A: Symbols, B: Symbols> Symbols for Tee<'_, A, B> {
    #[inline(always)]
    fn lits8(&mut self, c: &[u8; 8], from: u32) {
        self.0.lits8(c, from);
        self.1.lits8(c, from);
    }
    #[inline(always)]
    fn lit(&mut self, b: u8) {
        self.0.lit(b);
        self.1.lit(b);
    }
    #[inline(always)]
    fn zeros(&mut self, k: usize, after_zero: bool) {
        self.0.zeros(k, after_zero);
        self.1.zeros(k, after_zero);
    }
}

/// Level 1's streaming engine: dynamic-Huffman blocks whose code comes
/// from the symbols of the block before (the first from a [`Table`] or
/// [`default_lengths`]), bits staged in a caller's buffer of [`STAGE`]
/// bytes and handed on in pieces of about [`FLUSH_AT`].
///
/// It is fed scanline pieces ([`Stream::piece`], at most [`MAX_PIECE`]
/// bytes, the first of a row starting with the filter type byte) and told
/// where rows end ([`Stream::row_end`]): blocks switch only there. Zero runs
/// do not cross pieces. Output: blocks with BFINAL = 0, and at
/// [`Stream::finish`] either an empty final block or a sync flush.
///
/// ```text
///   [dyn block, code 0][dyn block, code from block 0's counts]...[EOB]
///   last:     [fixed block, BFINAL=1: EOB][pad]
///   not last: [stored block, BFINAL=0, empty][00 00 FF FF]
/// ```
pub(crate) struct Stream {
    codes: Codes,
    hist: Histogram,
    /// Bytes coded in the current block, and the count that ends it.
    block_in: usize,
    block_end: usize,
    /// Whether codes follow the counts (no: one code, from a [`Table`]).
    adapt: bool,
    /// Rows coded so far, whether this one feeds the counts, and the bytes
    /// counted in this block.
    rows: u32,
    counting: bool,
    counted: usize,
    /// Bits pending and the next free byte of the stage.
    pending: Pending,
    pos: usize,
}

impl Stream {
    /// An engine that codes everything with `first`'s code (sampled from
    /// the whole image: one block, no counting, the fastest), or without
    /// one, adapts: the default code first, then each block's code from the
    /// counts of the block before. The first header is staged in `stage`.
    pub(crate) fn new(first: Option<&Table>, stage: &mut [u8]) -> Self {
        let (lens, adapt) = match first {
            Some(t) => (t.lens, false),
            None => (default_lengths(), true),
        };
        let mut s = Stream {
            codes: Codes::empty(),
            hist: Histogram::new(),
            block_in: 0,
            block_end: if adapt { FIRST_BLOCK } else { usize::MAX },
            adapt,
            rows: 0,
            counting: adapt,
            counted: 0,
            pending: Pending::default(),
            pos: 0,
        };
        s.codes.build(&lens);
        let mut bw = BitWriter::new(&mut stage[..STAGE], 0, Pending::default());
        write_header(&mut bw, &lens, false);
        (s.pending, s.pos) = (bw.pending(), bw.pos);
        s
    }

    /// Codes one piece of a scanline.
    #[inline]
    pub(crate) fn piece<S: Sink + ?Sized>(&mut self, bytes: &[u8], stage: &mut [u8], out: &mut S) {
        debug_assert!(bytes.len() <= MAX_PIECE);
        self.block_in += bytes.len();
        let (codes, hist) = (&self.codes, &mut self.hist);
        if self.counting {
            self.counted += bytes.len();
        }
        let (pos, pending) = (self.pos, self.pending);
        #[cfg(not(pixb64_small))]
        let done = if self.counting {
            write_piece(codes, hist, stage, pos, pending, bytes)
        } else {
            write_piece(codes, &mut NoCount, stage, pos, pending, bytes)
        };
        #[cfg(pixb64_small)]
        let done = write_piece(
            codes,
            &mut Maybe(self.counting.then_some(hist)),
            stage,
            pos,
            pending,
            bytes,
        );
        (self.pending, self.pos) = done;
        self.flush(stage, out, FLUSH_AT);
    }

    /// Codes a whole scanline of filter type Up and `n` zeros (a row that
    /// repeats the one above) as one literal and copies at distance 1.
    pub(crate) fn up_zeros<S: Sink + ?Sized>(&mut self, n: usize, stage: &mut [u8], out: &mut S) {
        let mut first = true;
        let mut left = n;
        while first || left > 0 {
            let k = left.min(ZERO_STEP);
            if self.counting {
                if first {
                    self.hist.lit(2);
                }
                if k > 0 {
                    self.hist.zeros(k, !first);
                }
            }
            self.block_in += k + usize::from(first);
            let mut w = Writer {
                codes: &self.codes,
                bw: BitWriter::new(&mut stage[..STAGE], self.pos, self.pending),
            };
            if first {
                w.lit(2);
            }
            if k > 0 {
                w.zeros(k, !first);
            }
            (self.pending, self.pos) = (w.bw.pending(), w.bw.pos);
            self.flush(stage, out, FLUSH_AT);
            left -= k;
            first = false;
        }
    }

    /// Ends a row: once the block has coded enough, ends it and starts the
    /// next with a code built from this block's counts.
    pub(crate) fn row_end(&mut self, stage: &mut [u8]) {
        if !self.adapt {
            return;
        }
        self.rows = self.rows.wrapping_add(1);
        self.counting = self.rows.is_multiple_of(COUNT_EVERY) && self.block_in < COUNT_MAX;
        // A block ends once it is long enough and has counted enough for
        // a code (very wide rows may take several rows).
        if self.block_in >= self.block_end && self.counted >= MIN_COUNTED {
            self.switch(stage);
        }
    }

    /// Ends the block and starts the next with a code built from this
    /// block's counts (out of line: its locals stay off the row loop's
    /// stack frame).
    #[inline(never)]
    fn switch(&mut self, stage: &mut [u8]) {
        let mut counts = self.hist.take();
        for c in counts.iter_mut() {
            *c = c.saturating_add(1);
        }
        self.counted = 0;
        self.block_in = 0;
        if !self.worth_switching(&counts) {
            return;
        }
        let mut lens = [0u8; NUM_LIT];
        huffman::lengths(&counts, MAX_LIT_BITS, &mut lens);
        let mut bw = BitWriter::new(&mut stage[..STAGE], self.pos, self.pending);
        let (eob, eob_len) = self.codes.eob;
        bw.put(u64::from(eob), eob_len);
        write_header(&mut bw, &lens, false);
        (self.pending, self.pos) = (bw.pending(), bw.pos);
        self.codes.build(&lens);
        self.block_end = BLOCK;
    }

    /// Whether a new code for `counts` would pay: the current code's bits
    /// on them against their entropy (which a new code comes close to),
    /// both in 1/256 bit. A code that is within [`SWITCH_SLACK`] of the
    /// entropy is kept: no header, and none of the code-building work (on
    /// photos most blocks look like the one before).
    fn worth_switching(&self, counts: &[u32; NUM_LIT]) -> bool {
        let c = &self.codes;
        let mut cur = 0u64;
        let mut total = 0u32;
        let mut sum = 0u64;
        for (i, &n) in counts.iter().enumerate() {
            let len = match i {
                0..=255 => u32::from(c.lit_len[i]),
                EOB => c.eob.1,
                _ => c.len_code[i - 257] & 31,
            };
            cur += u64::from(n) * u64::from(len) * 256;
            total = total.saturating_add(n);
            sum += nlog2n(n);
        }
        let entropy = nlog2n(total).saturating_sub(sum);
        cur > entropy + entropy / SWITCH_SLACK
    }

    /// Ends the stream (`last`: an empty final block) or the strip (a sync
    /// flush), byte-aligned, and hands every staged byte to `out`.
    pub(crate) fn finish<S: Sink + ?Sized>(&mut self, last: bool, stage: &mut [u8], out: &mut S) {
        let mut bw = BitWriter::new(&mut stage[..STAGE], self.pos, self.pending);
        let (eob, eob_len) = self.codes.eob;
        bw.put(u64::from(eob), eob_len);
        if last {
            // BFINAL=1, BTYPE=01 (fixed code), then EOB: code 0000000.
            bw.put(0b011, 3);
            bw.put(0, 7);
        } else {
            // Sync flush: an empty stored block, BFINAL=0 BTYPE=00, then
            // LEN=0 and NLEN=0xFFFF from the next byte boundary.
            bw.put(0, 3);
            bw.align();
            bw.put(0xFFFF_0000, 32);
        }
        bw.align();
        (self.pending, self.pos) = (bw.pending(), bw.pos);
        self.flush(stage, out, 0);
    }

    /// Hands the whole staged bytes to `out` once there are `at` of them.
    #[inline]
    fn flush<S: Sink + ?Sized>(&mut self, stage: &[u8], out: &mut S, at: usize) {
        if self.pos >= at && self.pos > 0 {
            out.put(&stage[..self.pos]);
            // The pending bits were stored at `pos` too, but they are
            // still in `pending`: the next writer stores them again at 0.
            self.pos = 0;
        }
    }
}

/// Level 1 prices no row by bits.
#[cfg(feature = "alloc")]
static NO_PRICES: super::filter::BitPrices = [0; 256];

/// How many rows feed a sampled [`Table`]: about 64 KiB of pixels, at
/// least 4 rows, at most 64 (all rows of a small image).
#[cfg(feature = "alloc")]
fn sample_rows(height: usize, row_bytes: usize) -> usize {
    let want = (65536 / row_bytes.max(1)).clamp(4, 64);
    want.min(height)
}

/// Bytes of each sampled row that feed the histogram.
#[cfg(feature = "alloc")]
const SAMPLE_ROW_MAX: usize = 1 << 20;

/// A first block's code from the whole image: a whole-image strategy, so
/// the whole-image calls use it and the row encoder cannot.
pub(crate) struct Table {
    lens: [u8; NUM_LIT],
}

#[cfg(feature = "alloc")]
impl Table {
    /// Samples rows of `img`, evenly spread (about 64 KiB, 4 to 64 rows),
    /// filters them as the policy would (adaptive rows by the same price)
    /// and builds length-limited code lengths from the symbol counts.
    pub(crate) fn new(img: &Image<'_>, order: ChannelOrder, filter: Filter) -> Self {
        let height = img.height() as usize;
        let row_bytes = img.row_bytes();
        let mut src = RowSource::new(img, order);
        let mut coder = Chooser::new(img.bytes_per_pixel(), row_bytes);
        let policy = policy(filter);
        let mut hist = Histogram::new();
        let samples = sample_rows(height, row_bytes);
        for i in 0..samples {
            // In u64: on 32-bit targets `i * height` could overflow `usize`.
            let y = (i as u64 * height as u64 / samples as u64) as usize;
            let (prev, cur) = src.rows(y, false);
            let row = coder.scanline(policy, prev, cur, &NO_PRICES, true);
            // At most 1 MiB of each row, so the u32 counts cannot overflow.
            scan(&mut hist, &row[..row.len().min(SAMPLE_ROW_MAX)]);
        }
        // Every literal and length code gets a code: a residual the sample
        // missed must still be codable.
        let mut counts = hist.take();
        for c in counts.iter_mut() {
            *c = c.saturating_add(1);
        }
        let mut lens = [0u8; NUM_LIT];
        huffman::lengths(&counts, MAX_LIT_BITS, &mut lens);
        Table { lens }
    }
}

/// Level 1 over one image, in strips: every strip runs the row
/// pipeline ([`Rows`]) with its first block coded by the image's sampled
/// [`Table`].
#[cfg(feature = "alloc")]
pub(crate) struct Coder<'i, 'a> {
    img: &'i Image<'a>,
    opts: EncodeOptions,
    table: Table,
}

#[cfg(feature = "alloc")]
impl<'i, 'a> Coder<'i, 'a> {
    /// Level 1 for `img` at `opts` (its order and filter).
    pub(crate) fn new(img: &'i Image<'a>, opts: &EncodeOptions) -> Self {
        Coder {
            img,
            opts: *opts,
            table: Table::new(img, opts.order, opts.filter),
        }
    }
}

#[cfg(feature = "alloc")]
impl super::strips::Strips for Coder<'_, '_> {
    fn strip<S: Sink + ?Sized>(
        &self,
        rows: core::ops::Range<usize>,
        last: bool,
        out: &mut S,
    ) -> u32 {
        let img = self.img;
        let rb = img.row_bytes();
        let plan = Plan::new(rb, img.channels(), img.depth(), &self.opts);
        let layout = plan.layout(0);
        let mut buf = vec![0u8; layout.total()];
        let (mut parts, _) = layout.cut(&mut buf);
        let mut pipe = Rows::new(plan, &mut parts, rows.len() as u64, Some(&self.table));
        let above = rows.start.checked_sub(1).map(|y| img.row(y));
        pipe.write(
            &img.data()[rows.start * rb..rows.end * rb],
            above,
            &mut parts,
            out,
        );
        pipe.finish(last, &mut parts, out)
    }
}

/// Writes a complete zlib stream (2-byte header, deflate data, big-endian
/// Adler-32) of the image's filtered scanlines (each row: filter type byte,
/// then the filtered row in PNG channel order) into `out`, on one thread.
#[cfg(all(test, feature = "alloc"))]
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    out: &mut S,
) {
    let opts = EncodeOptions::new()
        .with_channel_order(order)
        .with_filter(filter);
    let coder = Coder::new(img, &opts);
    super::strips::compress(img, &coder, 1, [0x78, 0x01], out);
}

/// Continues an Adler-32 over the byte 2 followed by `zeros` zero bytes:
/// `a` gains 2 once, and `b` gains the new `a` once per byte.
pub(crate) fn adler32_up_zeros(adler: u32, zeros: usize) -> u32 {
    // In u32: a, b < MOD, and a * (zeros + 1 mod MOD) + b < 2^32.
    const MOD: u32 = 65521;
    let a = ((adler & 0xFFFF) + 2) % MOD;
    let z = ((zeros % MOD as usize) as u32 + 1) % MOD;
    let b = ((adler >> 16) + a * z) % MOD;
    b << 16 | a
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::image::Depth;
    use alloc::vec::Vec;

    const POLICIES: [Filter; 6] = [
        Filter::Adaptive,
        Filter::None,
        Filter::Sub,
        Filter::Up,
        Filter::Average,
        Filter::Paeth,
    ];

    /// xorshift32: deterministic test data.
    struct Rng(u32);
    impl Rng {
        fn next(&mut self) -> u32 {
            let mut s = self.0;
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            self.0 = s;
            s
        }
        fn below(&mut self, n: u32) -> u32 {
            self.next() % n
        }
    }

    /// PNG's unfilter, written from the spec with no cleverness.
    fn unfilter(kind: u8, bpp: usize, prev: &[u8], line: &[u8]) -> Vec<u8> {
        let mut row = vec![0u8; line.len()];
        for i in 0..line.len() {
            let a = if i >= bpp { row[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let pred = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let pa = (p - i16::from(a)).abs();
                    let pb = (p - i16::from(b)).abs();
                    let pc = (p - i16::from(c)).abs();
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                _ => panic!("bad filter type {kind}"),
            };
            row[i] = line[i].wrapping_add(pred);
        }
        row
    }

    /// The image's bytes in PNG channel order.
    fn png_order(img: &Image<'_>, order: ChannelOrder) -> Vec<u8> {
        let mut v = img.data().to_vec();
        if order == ChannelOrder::Bgr && img.channels() >= 3 {
            let s = img.depth().bytes();
            for px in v.chunks_exact_mut(img.bytes_per_pixel()) {
                for k in 0..s {
                    px.swap(k, 2 * s + k);
                }
            }
        }
        v
    }

    /// Compresses, inflates (checking the Adler-32), unfilters and compares.
    /// Returns the zlib stream.
    fn roundtrip(img: &Image<'_>, order: ChannelOrder, policy: Filter) -> Vec<u8> {
        let mut z = Vec::new();
        compress(img, order, policy, &mut z);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap_or_else(|e| {
            panic!(
                "inflate failed: {e:?} ({}x{}x{} {:?} {order:?} {policy:?})",
                img.width(),
                img.height(),
                img.channels(),
                img.depth()
            )
        });
        let n = img.row_bytes();
        let h = img.height() as usize;
        assert_eq!(raw.len(), h * (n + 1), "stream length");
        let want = png_order(img, order);
        let mut prev = vec![0u8; n];
        for y in 0..h {
            let line = &raw[y * (n + 1)..(y + 1) * (n + 1)];
            let kind = line[0];
            match policy {
                Filter::Adaptive => assert!(kind <= 4),
                Filter::None => assert_eq!(kind, 0),
                Filter::Sub => assert_eq!(kind, 1),
                Filter::Up => assert_eq!(kind, 2),
                Filter::Average => assert_eq!(kind, 3),
                Filter::Paeth => assert_eq!(kind, 4),
            }
            let row = unfilter(kind, img.bpp_for_test(), &prev, &line[1..]);
            assert_eq!(
                row,
                &want[y * n..(y + 1) * n],
                "row {y} ({}x{}x{} {:?} {order:?} {policy:?} filter {kind})",
                img.width(),
                img.height(),
                img.channels(),
                img.depth()
            );
            prev = row;
        }
        z
    }

    trait BppForTest {
        fn bpp_for_test(&self) -> usize;
    }
    impl BppForTest for Image<'_> {
        fn bpp_for_test(&self) -> usize {
            self.bytes_per_pixel()
        }
    }

    fn all_ways(img: &Image<'_>) {
        for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
            for policy in POLICIES {
                roundtrip(img, order, policy);
            }
        }
    }

    /// Smooth content with noise, flat patches and the odd spike, so every
    /// filter wins somewhere and zero runs of all lengths appear.
    fn synthetic(rng: &mut Rng, len: usize, style: u32) -> Vec<u8> {
        let mut v = Vec::with_capacity(len);
        let mut level = rng.next() as u8;
        while v.len() < len {
            match style {
                0 => v.push(rng.next() as u8),
                1 => {
                    level = level.wrapping_add((rng.below(5) as u8).wrapping_sub(2));
                    v.push(level);
                }
                _ => {
                    let run = rng.below(40) as usize + 1;
                    let b = if rng.below(3) == 0 {
                        0
                    } else {
                        rng.next() as u8
                    };
                    for _ in 0..run.min(len - v.len()) {
                        v.push(b);
                    }
                }
            }
        }
        v
    }

    #[test]
    fn random_images_every_shape_policy_and_order() {
        let mut rng = Rng(0x9E37_79B9);
        let cases = if cfg!(debug_assertions) { 40 } else { 200 };
        for case in 0..cases {
            let channels = (case % 4 + 1) as u8;
            let depth = if case % 3 == 2 {
                Depth::Sixteen
            } else {
                Depth::Eight
            };
            let width = match case % 5 {
                0 => 1,
                1 => rng.below(8) + 1,
                _ => rng.below(300) + 1,
            };
            let height = if case % 7 == 0 { 1 } else { rng.below(64) + 1 };
            let len = width as usize * height as usize * usize::from(channels) * depth.bytes();
            let data = synthetic(&mut rng, len, case % 3);
            let img = Image::new_with_depth(width, height, channels, depth, &data).unwrap();
            all_ways(&img);
        }
    }

    #[test]
    fn constant_images_use_long_runs() {
        for (value, channels, width, height) in [
            (0u8, 1u8, 1000u32, 20u32),
            (0, 3, 700, 9),
            (7, 4, 300, 30),
            (255, 2, 1, 500),
            (0, 1, 1, 1),
            (9, 3, 1, 1),
        ] {
            let data = vec![value; (width * height) as usize * usize::from(channels)];
            let img = Image::new(width, height, channels, &data).unwrap();
            all_ways(&img);
            let z = roundtrip(&img, ChannelOrder::Rgb, Filter::Adaptive);
            if data.len() > 5000 {
                // Zero runs became copies: far below a byte per pixel.
                assert!(z.len() * 20 < data.len(), "{} -> {}", data.len(), z.len());
            }
        }
        let zeros16 = vec![0u8; 600 * 10 * 8];
        all_ways(&Image::new_16(600, 10, 4, &zeros16).unwrap());
    }

    #[test]
    fn strips_concatenate_into_one_stream() {
        use crate::png::adler::adler32_combine;
        let mut rng = Rng(4242);
        for (w, h, c, depth) in [
            (37u32, 50u32, 3u8, Depth::Eight),
            (5, 9, 4, Depth::Sixteen),
            (200, 3, 1, Depth::Eight),
        ] {
            let len = (w * h) as usize * usize::from(c) * depth.bytes();
            let data = synthetic(&mut rng, len, 2);
            let img = Image::new_with_depth(w, h, c, depth, &data).unwrap();
            let row_len = img.row_bytes() as u64 + 1;
            for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                let mut whole = Vec::new();
                compress(&img, order, Filter::Adaptive, &mut whole);
                let want = miniz_oxide::inflate::decompress_to_vec_zlib(&whole).unwrap();
                let h = h as usize;
                // Strip boundaries, including an empty strip.
                let cuts = [0, h / 3, h / 3, h / 2, h];
                let opts = EncodeOptions::new().with_channel_order(order);
                let coder = Coder::new(&img, &opts);
                let mut z = vec![0x78, 0x01];
                let mut adler = 1u32;
                for k in 0..cuts.len() - 1 {
                    let last = k == cuts.len() - 2;
                    use crate::png::strips::Strips;
                    let a = coder.strip(cuts[k]..cuts[k + 1], last, &mut z);
                    let n = (cuts[k + 1] - cuts[k]) as u64 * row_len;
                    adler = adler32_combine(adler, a, n);
                }
                z.extend_from_slice(&adler.to_be_bytes());
                let got = miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap();
                assert_eq!(got, want, "{w}x{h}x{c} {order:?}");
            }
        }
    }

    #[test]
    fn rows_wider_than_a_segment() {
        let w = (64 * super::super::filter::PIECE + 1000) as u32;
        let mut data = vec![0u8; w as usize * 3];
        let mut rng = Rng(99);
        for b in data[w as usize * 2..].iter_mut() {
            *b = rng.next() as u8;
        }
        let img = Image::new(w, 3, 1, &data).unwrap();
        for policy in [Filter::Adaptive, Filter::None, Filter::Up] {
            roundtrip(&img, ChannelOrder::Rgb, policy);
        }
    }

    #[test]
    fn every_byte_value_and_tiny_images() {
        // Noise: every residual value appears, most absent from the sample
        // rows of some images.
        let mut rng = Rng(12345);
        let noise: Vec<u8> = (0..256 * 64 * 3).map(|_| rng.next() as u8).collect();
        all_ways(&Image::new(256, 64, 3, &noise).unwrap());
        // A mostly flat image whose sample rows miss the rare values.
        let mut sparse = vec![10u8; 512 * 200];
        for (i, b) in sparse.iter_mut().enumerate().step_by(397) {
            *b = (i / 397) as u8;
        }
        all_ways(&Image::new(512, 200, 1, &sparse).unwrap());
        // Ramp through all 256 values in one row.
        let ramp: Vec<u8> = (0..=255u8).collect();
        all_ways(&Image::new(256, 1, 1, &ramp).unwrap());
        all_ways(&Image::new(1, 256, 1, &ramp).unwrap());
        for channels in 1..=4u8 {
            for depth in [Depth::Eight, Depth::Sixteen] {
                let n = usize::from(channels) * depth.bytes();
                let px: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37) + 1).collect();
                all_ways(&Image::new_with_depth(1, 1, channels, depth, &px).unwrap());
            }
        }
    }

    #[cfg(feature = "std")]
    /// Frames a zlib stream as a PNG (signature, IHDR, one IDAT, IEND).
    fn frame_png(img: &Image<'_>, z: &[u8]) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(body);
            let crc = crate::png::crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        let mut png = crate::png::SIGNATURE.to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&img.width().to_be_bytes());
        ihdr.extend_from_slice(&img.height().to_be_bytes());
        let color = [0u8, 4, 2, 6][usize::from(img.channels()) - 1];
        ihdr.extend_from_slice(&[img.depth().bits(), color, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", z);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[cfg(feature = "std")]
    fn decode_png(bytes: &[u8]) -> (u32, u32, u8, Depth, Vec<u8>) {
        let mut d = png::Decoder::new(std::io::Cursor::new(bytes));
        d.set_transformations(png::Transformations::EXPAND);
        let mut r = d.read_info().unwrap();
        let mut buf = vec![0u8; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        let channels = info.color_type.samples() as u8;
        let depth = match info.bit_depth {
            png::BitDepth::Sixteen => Depth::Sixteen,
            _ => Depth::Eight,
        };
        (info.width, info.height, channels, depth, buf)
    }

    #[cfg(feature = "std")]
    #[test]
    fn png_crate_decodes_framed_streams() {
        let mut rng = Rng(777);
        for (w, h, c, depth) in [
            (300u32, 40u32, 3u8, Depth::Eight),
            (17, 5, 4, Depth::Sixteen),
            (1, 1, 1, Depth::Eight),
            (64, 64, 2, Depth::Eight),
        ] {
            let len = (w * h) as usize * usize::from(c) * depth.bytes();
            let data = synthetic(&mut rng, len, 1);
            let img = Image::new_with_depth(w, h, c, depth, &data).unwrap();
            for policy in POLICIES {
                let z = roundtrip(&img, ChannelOrder::Rgb, policy);
                let (dw, dh, dc, dd, px) = decode_png(&frame_png(&img, &z));
                assert_eq!((dw, dh, dc, dd), (w, h, c, depth));
                assert_eq!(px, data);
            }
        }
    }

    /// Some Kodak photos and the mixed set (cropped in debug builds).
    #[cfg(feature = "std")]
    #[test]
    fn corpus_images_roundtrip() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files: Vec<_> = ["photos/kodim03.png", "photos/kodim23.png"]
            .iter()
            .map(|p| root.join(p))
            .collect();
        let mut mixed: Vec<_> = std::fs::read_dir(root.join("mixed"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .collect();
        mixed.sort();
        files.extend(mixed);
        for path in files {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let (w, h, c, depth, px) = decode_png(&bytes);
            let full = Image::new_with_depth(w, h, c, depth, &px).unwrap();
            // Debug builds: a 160 x 48 crop from the middle.
            let (cw, ch) = if cfg!(debug_assertions) {
                (w.min(160), h.min(48))
            } else {
                (w, h)
            };
            let (x0, y0) = ((w - cw) / 2, (h - ch) / 2);
            let bpp = full.bytes_per_pixel();
            let mut crop = Vec::new();
            for y in y0..y0 + ch {
                let row = full.row(y as usize);
                crop.extend_from_slice(&row[x0 as usize * bpp..(x0 + cw) as usize * bpp]);
            }
            let img = Image::new_with_depth(cw, ch, c, depth, &crop).unwrap();
            let z = roundtrip(&img, ChannelOrder::Rgb, Filter::Adaptive);
            roundtrip(&img, ChannelOrder::Bgr, Filter::Paeth);
            let (_, _, _, _, back) = decode_png(&frame_png(&img, &z));
            assert_eq!(back, crop, "{}", path.display());
        }
    }
}
