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
//! * **One dynamic Huffman block** for the whole image (or one per strip,
//!   see [`compress_rows`]). Its code comes from a histogram of about 64 KiB
//!   of evenly spaced rows, filtered exactly as the real pass will filter
//!   them ([`Table`]), plus one count for every literal and length code so
//!   that a residual the sample missed still has a code. Lengths are limited
//!   (14 bits, see [`MAX_LIT_BITS`]; 7 for the code-length code) by the
//!   counting heuristic zlib and miniz use: clamp, then restore the Kraft
//!   sum by moving leaves down ([`huffman_lengths`]).
//! * **Per-row predictor choice by estimated cost.** fpnge prices each
//!   candidate row with the Huffman code lengths (byte-shuffle lookups in
//!   AVX2). Baseline SSE2 has no byte shuffle, so the price here is the sum
//!   of residual magnitudes, computed with `psadbw` ([`price`]); a
//!   vectorized staircase fitted to the real code lengths bought only 0.05%
//!   on the Kodak photos for a third of the encoder's time. Sub, Up, Average
//!   and Paeth are computed in one pass over the row ([`filter_four`]), all
//!   in `u8` lanes (Paeth included, see [`paeth_predict`]).
//! * **Bit packing** through a 64-bit buffer stored 8 bytes at a time without
//!   a branch ([`BitWriter`]); literals go four per store (4 x 14 bits).
//! * **Adler-32** of each row is taken right after the row is chosen, while
//!   it is in L1, with the lane-parallel form in [`super::adler`].

use alloc::vec;
use alloc::vec::Vec;

use super::adler::adler32_update;
use super::{Filter, Sink};
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
/// Longest code in the code-length tree.
const MAX_CL_BITS: u32 = 7;

/// Base length of length symbols 257..=285 (RFC 1951, 3.2.5).
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of length symbols 257..=285.
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Order in which the code-length code lengths are sent.
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Index into `LEN_BASE` of copy length `len` (3..=258): the last base not
/// above it (258 is its own symbol, 285, not 284 + 31).
fn len_index(len: usize) -> usize {
    let mut i = 0;
    while i + 1 < LEN_BASE.len() && usize::from(LEN_BASE[i + 1]) <= len {
        i += 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Huffman code construction
// ---------------------------------------------------------------------------

/// Code lengths for `counts` (zero count: no code), none longer than `limit`.
///
/// First an unrestricted Huffman tree by the two-queue method (leaves sorted
/// by weight; merged nodes are created in non-decreasing weight order, so a
/// second FIFO replaces the heap). Then, if some depth exceeds `limit`, the
/// zlib/miniz heuristic: count leaves per length with everything deeper
/// clamped to `limit`, and while the Kraft sum is over 1, take one leaf off
/// the deepest level and split a shallower leaf into two one level down.
/// Lengths are finally handed out in weight order, shortest to the heaviest.
fn huffman_lengths(counts: &[u32], limit: u32, lens: &mut [u8]) {
    lens.fill(0);
    let mut syms: Vec<(u32, u16)> = counts
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c > 0)
        .map(|(s, &c)| (c, s as u16))
        .collect();
    syms.sort_unstable();
    let m = syms.len();
    if m == 0 {
        return;
    }
    if m == 1 {
        lens[usize::from(syms[0].1)] = 1;
        return;
    }
    // Nodes 0..m are the leaves, m..2m-1 the merged nodes in creation order;
    // a parent is always created after its children, so its index is larger.
    let mut weight: Vec<u64> = Vec::with_capacity(2 * m - 1);
    weight.extend(syms.iter().map(|&(c, _)| u64::from(c)));
    let mut parent = vec![0usize; 2 * m - 1];
    let (mut leaf, mut node) = (0usize, m);
    for _ in 0..m - 1 {
        let mut pick = |weight: &Vec<u64>| {
            let take_leaf = leaf < m && (node >= weight.len() || weight[leaf] <= weight[node]);
            if take_leaf {
                leaf += 1;
                leaf - 1
            } else {
                node += 1;
                node - 1
            }
        };
        let x = pick(&weight);
        let y = pick(&weight);
        let id = weight.len();
        weight.push(weight[x] + weight[y]);
        parent[x] = id;
        parent[y] = id;
    }
    // Depths, root (the last node) first.
    let mut depth = vec![0u32; 2 * m - 1];
    for i in (0..2 * m - 2).rev() {
        depth[i] = depth[parent[i]] + 1;
    }
    let limit = limit as usize;
    let mut per_len = [0u32; 16];
    for &d in &depth[..m] {
        per_len[(d as usize).min(limit)] += 1;
    }
    let mut kraft: u64 = (1..=limit)
        .map(|l| u64::from(per_len[l]) << (limit - l))
        .sum();
    while kraft > 1 << limit {
        per_len[limit] -= 1;
        for l in (1..limit).rev() {
            if per_len[l] != 0 {
                per_len[l] -= 1;
                per_len[l + 1] += 2;
                break;
            }
        }
        kraft -= 1;
    }
    // Lightest symbols get the longest codes.
    let mut it = syms.iter();
    for l in (1..=limit).rev() {
        for _ in 0..per_len[l] {
            if let Some(&(_, s)) = it.next() {
                lens[usize::from(s)] = l as u8;
            }
        }
    }
}

/// Canonical codes for `lens` (RFC 1951, 3.2.2), bit-reversed because deflate
/// sends Huffman codes most significant bit first into an LSB-first stream.
fn canonical_codes(lens: &[u8], codes: &mut [u16]) {
    let mut per_len = [0u16; 16];
    for &l in lens {
        per_len[usize::from(l)] += 1;
    }
    per_len[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for l in 1..16 {
        code = (code + per_len[l - 1]) << 1;
        next[l] = code;
    }
    for (c, &l) in codes.iter_mut().zip(lens) {
        if l == 0 {
            *c = 0;
            continue;
        }
        let v = next[usize::from(l)];
        next[usize::from(l)] = v.wrapping_add(1);
        *c = v.reverse_bits() >> (16 - u32::from(l));
    }
}

// ---------------------------------------------------------------------------
// Bit output
// ---------------------------------------------------------------------------

/// LSB-first bit writer over a slice with room to spare. At most 7 bits are
/// pending between calls; `put` adds up to 56 bits, stores all 8 bytes of
/// the buffer unconditionally (branch-free) and advances over the whole
/// bytes only:
///
/// ```text
///   bits: [ 0 ... | value (len) | pending (n <= 7) ]   -> 8 bytes stored
///   pos += (n + len) / 8;  bits >>= 8 * that;  n = (n + len) % 8
/// ```
///
/// The caller guarantees `pos + 8 <= out.len()` before every put: output
/// is bounded by 14 bits per input byte (the literal length limit), and
/// the staging buffer has two bytes of headroom per byte of a segment.
struct BitWriter<'o> {
    bits: u64,
    n: u32,
    pos: usize,
    out: &'o mut [u8],
}

impl BitWriter<'_> {
    /// Appends the low `len` bits of `v` (`len <= 56`, `v < 2^len`).
    #[inline(always)]
    fn put(&mut self, v: u64, len: u32) {
        debug_assert!(len <= 56 && self.n <= 7);
        self.add(v, len);
        self.commit();
    }

    /// Adds the low `len` bits of `v` without storing: the caller adds at
    /// most 56 bits in total, then calls [`BitWriter::commit`].
    #[inline(always)]
    fn add(&mut self, v: u64, len: u32) {
        self.bits |= v << self.n;
        self.n += len;
    }

    /// The store half of [`BitWriter::put`].
    #[inline(always)]
    fn commit(&mut self) {
        // `pos <= STAGE - 8` always holds (see [`Stage`]); saying so with a
        // `min` lets LLVM drop the two bounds checks of the store, since
        // `out` is exactly `STAGE` long.
        let at = self.pos.min(STAGE - 8);
        self.out[at..at + 8].copy_from_slice(&self.bits.to_le_bytes());
        let whole = self.n & !7;
        self.pos += (whole >> 3) as usize;
        self.bits >>= whole;
        self.n -= whole;
    }

    /// Pads with zero bits to a byte boundary.
    fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }
}

/// Bits pending between rows, and the staging buffer they go to.
struct Stage {
    bits: u64,
    n: u32,
    pos: usize,
    buf: Vec<u8>,
}

impl Stage {
    fn writer(&mut self) -> BitWriter<'_> {
        BitWriter {
            bits: self.bits,
            n: self.n,
            pos: self.pos,
            out: &mut self.buf[..STAGE],
        }
    }
    fn save(&mut self, bits: u64, n: u32, pos: usize) {
        self.bits = bits;
        self.n = n;
        self.pos = pos;
    }
    /// Hands the whole bytes so far to `sink` once there are enough.
    fn flush_to<S: Sink + ?Sized>(&mut self, sink: &mut S, at: usize) {
        if self.pos >= at {
            sink.write(&self.buf[..self.pos]);
            self.pos = 0;
        }
    }
}

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
struct Histogram {
    counts: [u32; NUM_LIT],
}

impl Symbols for Histogram {
    #[inline(always)]
    fn lits8(&mut self, c: &[u8; 8], from: u32) {
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
            self.counts[257 + len_index(k)] += 1;
        } else {
            self.counts[0] += k as u32;
        }
    }
}

/// The Huffman table as the writer uses it.
struct Codes {
    /// Per literal byte: its code (bit-reversed) and length, in separate
    /// tables so each costs one zero-extending load and no unpacking.
    lit_code: [u16; 256],
    lit_len: [u8; 256],
    /// Per copy length 0..=258 (3..=258 used): length code, its extra bits
    /// and the 1-bit distance code 0, as one value, and the total bit count.
    ///
    /// ```text
    ///   bit 0                                        bit len-1
    ///   [ length code (reversed) | extra bits (LSB first) | 0 ]
    /// ```
    copy: [(u32, u8); 259],
    eob: (u32, u32),
}

impl Codes {
    fn new(lens: &[u8; NUM_LIT]) -> Self {
        let mut codes = [0u16; NUM_LIT];
        canonical_codes(lens, &mut codes);
        let mut lit_code = [0u16; 256];
        let mut lit_len = [0u8; 256];
        lit_code.copy_from_slice(&codes[..256]);
        lit_len.copy_from_slice(&lens[..256]);
        let mut copy = [(0u32, 0u8); 259];
        for (len, c) in copy.iter_mut().enumerate().skip(3) {
            let i = len_index(len);
            let sym = 257 + i;
            let (code, cl) = (u32::from(codes[sym]), u32::from(lens[sym]));
            let extra = (len - usize::from(LEN_BASE[i])) as u32;
            let el = u32::from(LEN_EXTRA[i]);
            // Distance code 0 is the bit 0 after the extra bits.
            *c = (code | (extra << cl), (cl + el + 1) as u8);
        }
        Codes {
            lit_code,
            lit_len,
            copy,
            eob: (u32::from(codes[EOB]), u32::from(lens[EOB])),
        }
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
    let mut bw = BitWriter { bits, n, pos, out };
    let zero = (u64::from(codes.lit_code[0]), u32::from(codes.lit_len[0]));
    let mut k = k;
    if !after_zero {
        bw.put(zero.0, zero.1);
        k -= 1;
    }
    while k >= 258 {
        let (v, l) = codes.copy[258];
        bw.put(u64::from(v), u32::from(l));
        k -= 258;
    }
    if k >= 3 {
        let (v, l) = codes.copy[k];
        if u32::from(l) <= zero.1 * k as u32 {
            bw.put(u64::from(v), u32::from(l));
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

// ---------------------------------------------------------------------------
// Filters and their price
// ---------------------------------------------------------------------------

/// floor((a + b) / 2) inside `u8`: shared bits plus half the differing ones.
#[inline(always)]
fn mean(a: u8, b: u8) -> u8 {
    (a & b) + ((a ^ b) >> 1)
}

/// PNG's Paeth predictor in `u8` lanes only (16 per SSE2 vector rather
/// than 8 for an `i16` form): whichever of `a` (left), `b` (up), `c`
/// (up-left) is closest to `p = a + b - c`, ties in that order.
///
/// ```text
///   pa = |p - a| = |b - c|        pb = |p - b| = |a - c|
///   pc = |p - c| = |(b - c) + (a - c)|
///      = pa + pb      if b - c and a - c have the same sign (or one is 0)
///      = |pa - pb|    otherwise
/// ```
///
/// `pa + pb` can reach 510; saturating it at 255 keeps every comparison
/// the selection makes (`pc` is then at least `max(pa, pb)` either way).
#[inline(always)]
fn paeth_predict(a: u8, b: u8, c: u8) -> u8 {
    // `max - min` rather than `abs_diff`, and `max(x, y) == x` for `x >= y`:
    // LLVM lowers these to pmaxub/pminub/psubb/pcmpeqb on 16 lanes, while
    // `abs_diff` gets widened to 32-bit lanes.
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let same = (b.max(c) == b) == (a.max(c) == a);
    let pc = if same {
        pa.saturating_add(pb)
    } else {
        pa.max(pb) - pa.min(pb)
    };
    let bc = if pc < pb { c } else { b };
    if pb < pa || pc < pa {
        bc
    } else {
        a
    }
}

/// `out[i] = f(x[i], a[i], b[i], c[i])` over equal-length slices. Callers
/// that need fewer inputs pass a slice twice; LLVM drops the unused loads.
/// Every value is a `u8`, so the loop vectorizes 16 lanes wide.
#[inline(always)]
fn filter_blocks(
    out: &mut [u8],
    x: &[u8],
    a: &[u8],
    b: &[u8],
    c: &[u8],
    f: impl Fn(u8, u8, u8, u8) -> u8,
) {
    for ((((o, &x), &a), &b), &c) in out.iter_mut().zip(x).zip(a).zip(b).zip(c) {
        *o = f(x, a, b, c);
    }
}

/// The price of a candidate row: the sum of its residuals' magnitudes read
/// as signed bytes (libpng's heuristic).
///
/// `|r as i8|` equals `|(r ^ 0x80) - 0x80|`, an absolute difference of two
/// unsigned bytes; summed over fixed 16-byte blocks against `bias` (a row
/// of 0x80 that LLVM cannot see is constant, so it does not fold the
/// expression back into a widening form), it becomes one `psadbw` per 16
/// bytes, SSE2's sum of absolute differences (checked in the disassembly).
///
/// fpnge prices candidates with the Huffman code lengths themselves (byte
/// shuffles as table lookups); baseline SSE2 has no byte shuffle. We tried
/// a vectorizable stand-in, a staircase fitted to the code lengths (8
/// compares per byte per candidate): on the Kodak set it chose rows only
/// 0.05% smaller and took a third of the encoder's time.
fn price(row: &[u8], bias: &[u8]) -> u32 {
    // 32 bytes per step as two separate 16-byte sums: each is one psadbw
    // and LLVM adds them before the single horizontal step. (One 32- or
    // 64-byte inner loop is taken by the loop vectorizer instead, at 4
    // bytes per psadbw.)
    let mut total = 0u32;
    let mut rows = row.chunks_exact(32);
    for (r, y) in (&mut rows).zip(bias.chunks_exact(32)) {
        let (Ok(r), Ok(y)) = (<&[u8; 32]>::try_from(r), <&[u8; 32]>::try_from(y)) else {
            continue;
        };
        let (mut s, mut t) = (0u32, 0u32);
        for i in 0..16 {
            s += (i32::from(r[i] ^ 0x80) - i32::from(y[i])).unsigned_abs();
        }
        for i in 16..32 {
            t += (i32::from(r[i] ^ 0x80) - i32::from(y[i])).unsigned_abs();
        }
        total += s + t;
    }
    for &r in rows.remainder() {
        total += u32::from(r.min(r.wrapping_neg()));
    }
    total
}

/// Writes `cur` filtered with PNG filter `kind` (0..=4) into `out` (same
/// length as `cur` and `prev`, a multiple of `bpp`).
///
/// The first `bpp` bytes have no left neighbour (`a = c = 0`), the rest run
/// as a zip of shifted slices with no loop-carried dependency, which LLVM
/// vectorizes: `out[i]` from `cur[i]`, `cur[i - bpp]`, `prev[i]`,
/// `prev[i - bpp]`.
fn filter_row(kind: u8, bpp: usize, prev: &[u8], cur: &[u8], out: &mut [u8]) {
    let n = cur.len();
    let h = bpp.min(n);
    let (out_h, out_t) = out.split_at_mut(h);
    let (x, a) = (&cur[h..], &cur[..n - h]);
    let (b, c) = (&prev[h..], &prev[..n - h]);
    match kind {
        1 => {
            out_h.copy_from_slice(&cur[..h]);
            filter_blocks(out_t, x, a, a, a, |x, a, _, _| x.wrapping_sub(a));
        }
        2 => filter_blocks(out, cur, prev, prev, prev, |x, b, _, _| x.wrapping_sub(b)),
        3 => {
            filter_blocks(out_h, cur, prev, prev, prev, |x, b, _, _| {
                x.wrapping_sub(b >> 1)
            });
            filter_blocks(out_t, x, a, b, b, |x, a, b, _| x.wrapping_sub(mean(a, b)));
        }
        4 => {
            // No left neighbour: Paeth(0, b, 0) = b.
            filter_blocks(out_h, cur, prev, prev, prev, |x, b, _, _| x.wrapping_sub(b));
            filter_blocks(out_t, x, a, b, c, |x, a, b, c| {
                x.wrapping_sub(paeth_predict(a, b, c))
            });
        }
        _ => out.copy_from_slice(cur),
    }
}

/// Sub, Up, Average and Paeth of `cur` at once into `out[0..4]` (each as
/// long as `cur`): one pass loads each input byte once for all four, which
/// is what the adaptive policy needs.
fn filter_four(bpp: usize, prev: &[u8], cur: &[u8], out: &mut [Vec<u8>; 5]) {
    let n = cur.len();
    let h = bpp.min(n);
    let [_, o1, o2, o3, o4] = out;
    let (o1, o2, o3, o4) = (&mut o1[1..], &mut o2[1..], &mut o3[1..], &mut o4[1..]);
    for i in 0..h {
        let (x, b) = (cur[i], prev[i]);
        o1[i] = x;
        o2[i] = x.wrapping_sub(b);
        o3[i] = x.wrapping_sub(b >> 1);
        o4[i] = x.wrapping_sub(b);
    }
    let m = n - h;
    let (x, a) = (&cur[h..][..m], &cur[..m]);
    let (b, c) = (&prev[h..][..m], &prev[..m]);
    let (o1, o2) = (&mut o1[h..][..m], &mut o2[h..][..m]);
    let (o3, o4) = (&mut o3[h..][..m], &mut o4[h..][..m]);
    for i in 0..m {
        let (x, a, b, c) = (x[i], a[i], b[i], c[i]);
        o1[i] = x.wrapping_sub(a);
        o2[i] = x.wrapping_sub(b);
        o3[i] = x.wrapping_sub(mean(a, b));
        o4[i] = x.wrapping_sub(paeth_predict(a, b, c));
    }
}

/// Scratch rows and the filter policy. Each candidate row buffer holds the
/// filter-type byte at index 0 and the filtered row after it, which is
/// exactly the bytes the zlib stream carries for that row.
struct RowCoder {
    bpp: usize,
    policy: Filter,
    bufs: [Vec<u8>; 5],
    /// A row of 0x80 for [`price`].
    bias: Vec<u8>,
}

impl RowCoder {
    fn new(bpp: usize, row_bytes: usize, policy: Filter) -> Self {
        let bufs = core::array::from_fn(|k| {
            let mut v = vec![0u8; row_bytes + 1];
            v[0] = k as u8;
            v
        });
        RowCoder {
            bpp,
            policy,
            bufs,
            bias: vec![0x80; row_bytes],
        }
    }

    /// Filters `cur` (above it `prev`) per the policy and returns the
    /// stream bytes of the chosen filter.
    ///
    /// Adaptive tries Sub, Up, Average and Paeth and keeps the lowest
    /// [`price`] (ties to the lower filter type). None is not tried: with
    /// this price it never won a row on the Kodak photos, and leaving it
    /// out made the mixed set (screenshots, graphics) slightly smaller.
    fn code(&mut self, prev: &[u8], cur: &[u8]) -> &[u8] {
        self.code_with(prev, cur, true)
    }

    /// [`code`](Self::code); with `check_repeat` false the caller has
    /// already compared `cur` with `prev` (and found them different), so
    /// the repeated-row shortcut is not tried again.
    fn code_with(&mut self, prev: &[u8], cur: &[u8], check_repeat: bool) -> &[u8] {
        let fixed = match self.policy {
            Filter::Adaptive => None,
            Filter::None => Some(0u8),
            Filter::Sub => Some(1),
            Filter::Up => Some(2),
            Filter::Average => Some(3),
            Filter::Paeth => Some(4),
        };
        let best = match fixed {
            Some(k) => {
                filter_row(k, self.bpp, prev, cur, &mut self.bufs[usize::from(k)][1..]);
                usize::from(k)
            }
            // A row equal to the one above is all zeros under Up, the
            // lowest price there is (a memcmp and a memset, instead of four
            // filters and four prices): the common case in screenshots and
            // diagrams, whose backgrounds repeat row after row.
            None if check_repeat && cur == prev => {
                self.bufs[2][1..].fill(0);
                2
            }
            None if cur.len() >= 2 * SAMPLE_STRIDE => {
                let k = self.choose_sampled(prev, cur);
                filter_row(k as u8, self.bpp, prev, cur, &mut self.bufs[k][1..]);
                k
            }
            None => {
                let mut best = (u32::MAX, 0usize);
                filter_four(self.bpp, prev, cur, &mut self.bufs);
                for (k, buf) in self.bufs.iter().enumerate().skip(1) {
                    let p = price(&buf[1..], &self.bias);
                    if p < best.0 {
                        best = (p, k);
                    }
                }
                best.1
            }
        };
        &self.bufs[best]
    }

    /// The adaptive choice for a long row, priced on a sample of it: the
    /// first [`SAMPLE_WINDOW`] bytes of every [`SAMPLE_STRIDE`], so the
    /// four candidates are computed and priced on a quarter of the row and
    /// only the winner on all of it (about 3 row passes instead of 8). On
    /// the Kodak and mixed sets the rows it picks make the output 0.5% larger
    /// and level 1 15-20% faster.
    fn choose_sampled(&mut self, prev: &[u8], cur: &[u8]) -> usize {
        let bpp = self.bpp;
        let mut sums = [0u32; 5];
        let mut o = bpp;
        while o + SAMPLE_WINDOW <= cur.len() {
            // The window with its left neighbours: outputs 0..bpp lack
            // theirs (filter_four treats them as the row's first pixel), so
            // only bpp.. are priced.
            let (lo, hi) = (o - bpp, o + SAMPLE_WINDOW);
            filter_four(bpp, &prev[lo..hi], &cur[lo..hi], &mut self.bufs);
            for (sum, buf) in sums.iter_mut().zip(&self.bufs).skip(1) {
                *sum += price(&buf[1 + bpp..1 + bpp + SAMPLE_WINDOW], &self.bias);
            }
            o += SAMPLE_STRIDE;
        }
        let mut best = (u32::MAX, 1usize);
        for (k, &p) in sums.iter().enumerate().skip(1) {
            if p < best.0 {
                best = (p, k);
            }
        }
        best.1
    }
}

/// The adaptive policy prices rows of at least two strides on windows of
/// `SAMPLE_WINDOW` bytes every `SAMPLE_STRIDE` bytes.
const SAMPLE_WINDOW: usize = 128;
const SAMPLE_STRIDE: usize = 512;

/// Copies `src` into `dst` swapping samples 0 and 2 of every pixel (each
/// `sample` bytes): BGR(A) to RGB(A).
fn swap_into(src: &[u8], dst: &mut [u8], bpp: usize, sample: usize) {
    dst.copy_from_slice(src);
    for px in dst.chunks_exact_mut(bpp) {
        for k in 0..sample {
            px.swap(k, 2 * sample + k);
        }
    }
}

// ---------------------------------------------------------------------------
// Dynamic block header
// ---------------------------------------------------------------------------

/// Writes the dynamic-Huffman block header for literal/length lengths
/// `lens` (all 286 declared) and two 1-bit distance codes.
///
/// ```text
///   BFINAL(1) BTYPE(2)=10 HLIT(5)=29 HDIST(5)=1 HCLEN(4)
///   HCLEN+4 x 3-bit code-length-code lengths, in CL_ORDER
///   288 lengths coded with the code-length code:
///     0..=15 literally, 16 = repeat previous 3..=6 (2 extra bits),
///     17 = 3..=10 zeros (3 bits), 18 = 11..=138 zeros (7 bits)
/// ```
fn write_header(bw: &mut BitWriter<'_>, lens: &[u8; NUM_LIT], last: bool) {
    let mut all = [0u8; NUM_LIT + 2];
    all[..NUM_LIT].copy_from_slice(lens);
    all[NUM_LIT] = 1;
    all[NUM_LIT + 1] = 1;

    // Run-length code the sequence into (symbol, extra value) pairs.
    let mut cl_syms: Vec<(u8, u8)> = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        let v = all[i];
        let mut run = 1;
        while i + run < all.len() && all[i + run] == v {
            run += 1;
        }
        i += run;
        if v == 0 {
            let mut r = run;
            while r >= 11 {
                let n = r.min(138);
                cl_syms.push((18, (n - 11) as u8));
                r -= n;
            }
            if r >= 3 {
                cl_syms.push((17, (r - 3) as u8));
                r = 0;
            }
            for _ in 0..r {
                cl_syms.push((0, 0));
            }
        } else {
            cl_syms.push((v, 0));
            let mut r = run - 1;
            while r >= 3 {
                let n = r.min(6);
                cl_syms.push((16, (n - 3) as u8));
                r -= n;
            }
            for _ in 0..r {
                cl_syms.push((v, 0));
            }
        }
    }
    let mut cl_counts = [0u32; 19];
    for &(s, _) in &cl_syms {
        cl_counts[usize::from(s)] += 1;
    }
    // A code-length code of one symbol would be a one-code tree; give a
    // second symbol a count so the tree is complete (always true in
    // practice: 288 nonzero lengths cannot all be equal and complete).
    if cl_counts.iter().filter(|&&c| c > 0).count() < 2 {
        let other = if cl_counts[0] == 0 { 0 } else { 1 };
        cl_counts[other] += 1;
    }
    let mut cl_lens = [0u8; 19];
    huffman_lengths(&cl_counts, MAX_CL_BITS, &mut cl_lens);
    let mut cl_codes = [0u16; 19];
    canonical_codes(&cl_lens, &mut cl_codes);
    let mut hclen = 19;
    while hclen > 4 && cl_lens[CL_ORDER[hclen - 1]] == 0 {
        hclen -= 1;
    }

    bw.put(u64::from(last), 1);
    bw.put(2, 2);
    bw.put((NUM_LIT - 257) as u64, 5);
    bw.put(1, 5);
    bw.put((hclen - 4) as u64, 4);
    for &s in &CL_ORDER[..hclen] {
        bw.put(u64::from(cl_lens[s]), 3);
    }
    for &(s, e) in &cl_syms {
        let s = usize::from(s);
        bw.put(u64::from(cl_codes[s]), u32::from(cl_lens[s]));
        match s {
            16 => bw.put(u64::from(e), 2),
            17 => bw.put(u64::from(e), 3),
            18 => bw.put(u64::from(e), 7),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------

/// Output is handed to the sink in pieces of about this size.
const FLUSH_AT: usize = 1 << 16;
/// Rows are coded in segments of at most this many bytes, with a flush
/// check after each, so the staging buffer stays small however wide the
/// image (zero runs restart at a segment boundary, which costs one literal).
const SEGMENT: usize = 1 << 16;
/// Staging buffer size: a flush threshold's worth, plus the worst case of
/// one segment (14 bits per byte, under 2 bytes), plus room for the block
/// header and end.
const STAGE: usize = FLUSH_AT + 2 * SEGMENT + 1024;
/// Bytes of each sampled row that feed the histogram.
const SAMPLE_ROW_MAX: usize = 1 << 20;

/// Iterates the image's rows in PNG channel order, with the row above (zeros
/// above the first).
struct RowSource<'i, 'a> {
    img: &'i Image<'a>,
    swap: bool,
    bpp: usize,
    sample: usize,
    zero: Vec<u8>,
    a: Vec<u8>,
    b: Vec<u8>,
}

impl<'i, 'a> RowSource<'i, 'a> {
    fn new(img: &'i Image<'a>, order: ChannelOrder) -> Self {
        let swap = order == ChannelOrder::Bgr && img.channels() >= 3;
        let n = img.row_bytes();
        let scratch = if swap { n } else { 0 };
        RowSource {
            img,
            swap,
            bpp: img.bytes_per_pixel(),
            sample: img.depth().bytes(),
            zero: vec![0u8; n],
            a: vec![0u8; scratch],
            b: vec![0u8; scratch],
        }
    }

    /// Rows `y - 1` (or zeros) and `y`. With a swap, `a` holds row `y` and
    /// `b` row `y - 1`; `sequential` says row `y - 1` was the previous call's
    /// `y`, so only row `y` needs swapping (with `y == 0` it is ignored).
    fn rows(&mut self, y: usize, sequential: bool) -> (&[u8], &[u8]) {
        if !self.swap {
            let prev = if y > 0 {
                self.img.row(y - 1)
            } else {
                &self.zero[..]
            };
            return (prev, self.img.row(y));
        }
        if sequential {
            core::mem::swap(&mut self.a, &mut self.b);
        } else if y > 0 {
            swap_into(self.img.row(y - 1), &mut self.b, self.bpp, self.sample);
        }
        swap_into(self.img.row(y), &mut self.a, self.bpp, self.sample);
        let prev = if y > 0 { &self.b[..] } else { &self.zero[..] };
        (prev, &self.a[..])
    }
}

/// How many rows feed the Huffman histogram: about 64 KiB of pixels, at
/// least 4 rows, at most 64 (all rows of a small image).
fn sample_rows(height: usize, row_bytes: usize) -> usize {
    let want = (65536 / row_bytes.max(1)).clamp(4, 64);
    want.min(height)
}

/// Writes a complete zlib stream (2-byte header, deflate data, big-endian
/// Adler-32) of the image's filtered scanlines (each row: filter type byte, then
/// the filtered row in PNG channel order) into `out`.
///
/// `order` says how the input buffer is laid out: with `Bgr` and 3 or 4
/// channels, samples 0 and 2 (each 1 or 2 bytes) of every pixel are swapped
/// before filtering. `filter` is the policy: `Adaptive` chooses per row.
pub(crate) fn compress<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    out: &mut S,
) {
    let table = Table::new(img, order, filter);
    // CMF 0x78: deflate, 32 KiB window; FLG 0x01: no dictionary, level
    // "fastest", and 0x7801 is a multiple of 31.
    out.write(&[0x78, 0x01]);
    let adler = compress_rows(
        img,
        order,
        filter,
        &table,
        0..img.height() as usize,
        true,
        out,
    );
    out.write(&adler.to_be_bytes());
}

/// Continues an Adler-32 over the byte 2 followed by `zeros` zero bytes:
/// `a` gains 2 once, and `b` gains the new `a` once per byte.
fn adler32_up_zeros(adler: u32, zeros: usize) -> u32 {
    const MOD: u64 = 65521;
    let a = (u64::from(adler & 0xFFFF) + 2) % MOD;
    let b = (u64::from(adler >> 16) + a * ((zeros as u64 + 1) % MOD)) % MOD;
    (b as u32) << 16 | a as u32
}

/// The Huffman code for one image: literal/length code lengths built from
/// a histogram of sampled rows. Computed once per image and shared by
/// every strip of it ([`compress_rows`]).
pub(crate) struct Table {
    lens: [u8; NUM_LIT],
}

impl Table {
    /// Samples rows of `img`, evenly spread (about 64 KiB, 4 to 64 rows),
    /// filters them as the policy would (adaptive rows by the same price)
    /// and builds length-limited code lengths from the symbol counts.
    pub(crate) fn new(img: &Image<'_>, order: ChannelOrder, filter: Filter) -> Self {
        let height = img.height() as usize;
        let row_bytes = img.row_bytes();
        let mut src = RowSource::new(img, order);
        let mut coder = RowCoder::new(img.bytes_per_pixel(), row_bytes, filter);
        let mut hist = Histogram {
            counts: [0; NUM_LIT],
        };
        let samples = sample_rows(height, row_bytes);
        for i in 0..samples {
            // In u64: on 32-bit targets `i * height` could overflow `usize`.
            let y = (i as u64 * height as u64 / samples as u64) as usize;
            let (prev, cur) = src.rows(y, false);
            let row = coder.code(prev, cur);
            // At most 1 MiB of each row, so the u32 counts cannot overflow.
            scan(&mut hist, &row[..row.len().min(SAMPLE_ROW_MAX)]);
        }
        // Every literal and length code gets a code: a residual the sample
        // missed must still be codable.
        for c in hist.counts.iter_mut() {
            *c = c.saturating_add(1);
        }
        let mut lens = [0u8; NUM_LIT];
        huffman_lengths(&hist.counts, MAX_LIT_BITS, &mut lens);
        Table { lens }
    }
}

/// Compresses rows `rows` of the image (clamped to its height) as one
/// dynamic-Huffman deflate block with `table`'s code, and returns the
/// Adler-32 of the uncompressed bytes of those rows (filter type bytes
/// included). Writes no zlib header or trailer.
///
/// Strips compress independently (the row above a strip is read from the
/// image), so threads can run them in parallel: the caller writes the
/// zlib header, then the strips in order, the last with `last = true`,
/// then the Adler-32 combined with `adler32_combine` (each strip's length
/// is `rows.len() * (row_bytes + 1)`). A strip with `last = false` ends
/// with an empty stored block (a sync flush) so it ends on a byte boundary
/// and the next strip's bytes can simply follow:
///
/// ```text
///   strip k: [BFINAL=0 dynamic block][EOB][0 00 + pad][00 00 FF FF]
///   last:    [BFINAL=1 dynamic block][EOB][pad]
/// ```
///
/// Zero runs never reach across a strip boundary, so the output does not
/// depend on how the image is split, apart from one block header per strip.
pub(crate) fn compress_rows<S: Sink + ?Sized>(
    img: &Image<'_>,
    order: ChannelOrder,
    filter: Filter,
    table: &Table,
    rows: core::ops::Range<usize>,
    last: bool,
    out: &mut S,
) -> u32 {
    let height = img.height() as usize;
    let (y0, y1) = (rows.start.min(height), rows.end.min(height));
    let mut src = RowSource::new(img, order);
    let mut coder = RowCoder::new(img.bytes_per_pixel(), img.row_bytes(), filter);
    let codes = Codes::new(&table.lens);

    // Bytes are staged and handed to the sink in pieces of about FLUSH_AT;
    // a segment adds at most 14 bits per byte plus the 8-byte store slack,
    // and the block header and the end under 1 KiB.
    let mut stage = Stage {
        bits: 0,
        n: 0,
        pos: 0,
        buf: vec![0u8; STAGE],
    };
    {
        let mut bw = stage.writer();
        write_header(&mut bw, &table.lens, last);
        let (bits, n, pos) = (bw.bits, bw.n, bw.pos);
        stage.save(bits, n, pos);
    }
    let mut adler = 1u32;
    let repeats_are_up = matches!(filter, Filter::Adaptive | Filter::Up);
    for y in y0..y1 {
        let (prev, cur) = src.rows(y, y > y0);
        if repeats_are_up && cur == prev {
            // A repeated row (flat backgrounds): Up makes it the filter byte
            // 2 and `cur.len()` zeros, which the adaptive policy also picks
            // (price 0). Written as one literal and zero-run copies, with
            // the checksum in closed form, without building the row.
            adler = adler32_up_zeros(adler, cur.len());
            let mut first = true;
            let mut left = cur.len();
            while first || left > 0 {
                let k = left.min(SEGMENT);
                let mut w = Writer {
                    codes: &codes,
                    bw: stage.writer(),
                };
                if first {
                    w.lit(2);
                }
                if k > 0 {
                    w.zeros(k, !first);
                }
                let (bits, n, pos) = (w.bw.bits, w.bw.n, w.bw.pos);
                stage.save(bits, n, pos);
                stage.flush_to(out, FLUSH_AT);
                left -= k;
                first = false;
            }
            continue;
        }
        // Not a repeat (or a policy that does not take the shortcut): the
        // coder need not compare the rows again.
        let row = coder.code_with(prev, cur, false);
        adler = adler32_update(adler, row);
        for seg in row.chunks(SEGMENT) {
            let mut w = Writer {
                codes: &codes,
                bw: stage.writer(),
            };
            scan(&mut w, seg);
            let (bits, n, pos) = (w.bw.bits, w.bw.n, w.bw.pos);
            stage.save(bits, n, pos);
            stage.flush_to(out, FLUSH_AT);
        }
    }
    let mut bw = stage.writer();
    let (eob, eob_len) = codes.eob;
    bw.put(u64::from(eob), eob_len);
    if !last {
        // Sync flush: an empty stored block, BFINAL=0 BTYPE=00, then
        // LEN=0 and NLEN=0xFFFF from the next byte boundary.
        bw.put(0, 3);
        bw.align();
        bw.put(0xFFFF_0000, 32);
    }
    bw.align();
    let end = bw.pos;
    out.write(&stage.buf[..end]);
    adler
}

#[cfg(test)]
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
            let img = Image::with_depth(width, height, channels, depth, &data).unwrap();
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
            let img = Image::with_depth(w, h, c, depth, &data).unwrap();
            let row_len = img.row_bytes() as u64 + 1;
            for order in [ChannelOrder::Rgb, ChannelOrder::Bgr] {
                let mut whole = Vec::new();
                compress(&img, order, Filter::Adaptive, &mut whole);
                let want = miniz_oxide::inflate::decompress_to_vec_zlib(&whole).unwrap();
                let h = h as usize;
                // Strip boundaries, including an empty strip.
                let cuts = [0, h / 3, h / 3, h / 2, h];
                let table = Table::new(&img, order, Filter::Adaptive);
                let mut z = vec![0x78, 0x01];
                let mut adler = 1u32;
                for k in 0..cuts.len() - 1 {
                    let last = k == cuts.len() - 2;
                    let a = compress_rows(
                        &img,
                        order,
                        Filter::Adaptive,
                        &table,
                        cuts[k]..cuts[k + 1],
                        last,
                        &mut z,
                    );
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
        let w = (SEGMENT + 1000) as u32;
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
                all_ways(&Image::with_depth(1, 1, channels, depth, &px).unwrap());
            }
        }
    }

    #[test]
    fn huffman_lengths_are_limited_and_complete() {
        // Fibonacci weights force a deep unrestricted tree.
        let mut counts = [0u32; NUM_LIT];
        let (mut x, mut y) = (1u32, 1u32);
        for c in counts.iter_mut().take(40) {
            *c = x;
            (x, y) = (y, x.saturating_add(y));
        }
        for c in counts.iter_mut().skip(40) {
            *c = 1;
        }
        for (limit, n) in [(7u32, 19usize), (9, 286), (15, 286)] {
            let mut lens = [0u8; NUM_LIT];
            huffman_lengths(&counts[..n], limit, &mut lens[..n]);
            let kraft: u64 = lens[..n]
                .iter()
                .map(|&l| {
                    assert!(l >= 1 && u32::from(l) <= limit);
                    1u64 << (limit - u32::from(l))
                })
                .sum();
            assert_eq!(kraft, 1 << limit, "limit {limit}");
        }
        let mut lens = [0u8; 3];
        huffman_lengths(&[0, 5, 0], 15, &mut lens);
        assert_eq!(lens, [0, 1, 0]);
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
            let img = Image::with_depth(w, h, c, depth, &data).unwrap();
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
            let full = Image::with_depth(w, h, c, depth, &px).unwrap();
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
            let img = Image::with_depth(cw, ch, c, depth, &crop).unwrap();
            let z = roundtrip(&img, ChannelOrder::Rgb, Filter::Adaptive);
            roundtrip(&img, ChannelOrder::Bgr, Filter::Paeth);
            let (_, _, _, _, back) = decode_png(&frame_png(&img, &z));
            assert_eq!(back, crop, "{}", path.display());
        }
    }
}
