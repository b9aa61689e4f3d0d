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

use super::deflate::bits::{BitWriter, Pending};
use super::deflate::block::Header;
use super::deflate::huffman;
#[cfg(not(pixb64_small))]
use super::deflate::symbols::LEN_SLOT;
use super::deflate::symbols::{LEN_BASE, LEN_EXTRA, NUM_DIST};
use super::filter::{nlog2n, Adaptive, Policy, Price};
use super::{Filter, Sink};

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

/// A first block's code from the whole image: a whole-image strategy, so
/// the whole-image calls use it and the row encoder cannot.
pub(crate) struct Table {
    lens: [u8; NUM_LIT],
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

/// The whole-image driver of level 1 (sampled first code, strips).
#[cfg(feature = "alloc")]
pub(crate) mod image;

#[cfg(all(test, feature = "alloc"))]
mod tests;
