//! Deflate blocks: symbol counts, the Huffman codes built from them, what a
//! block costs in bits as stored, static or dynamic, and writing each kind.
//!
//! The parsers describe a block as a list of [`Seq`]s over the block's input
//! bytes: a run of literals followed by one copy. The writer reads the
//! literals from the input, so a sequence is 8 bytes whatever the run.

use super::bits::BitWriter;
use super::huffman;
use super::symbols::{
    dist_slot, DIST_BASE, DIST_EXTRA, EOB, LEN_BASE, LEN_EXTRA, LEN_SLOT, MAX_CODE_BITS,
    MAX_PRECODE_BITS, NUM_DIST, NUM_LITLEN, PRECODE_ORDER,
};

/// `lits` literals (the next input bytes), then a copy of `len` bytes from
/// `dist` back; `len == 0` is a run with no copy after it (a block's end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Seq {
    pub(crate) lits: u32,
    pub(crate) len: u16,
    pub(crate) dist: u16,
}

/// Symbol counts of a block: literal/length (end of block included once)
/// and distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Freqs {
    pub(crate) lit: [u32; NUM_LITLEN],
    pub(crate) dist: [u32; NUM_DIST],
}

impl Default for Freqs {
    fn default() -> Self {
        Freqs::new()
    }
}

impl Freqs {
    /// All zero.
    pub(crate) const fn new() -> Self {
        Freqs {
            lit: [0; NUM_LITLEN],
            dist: [0; NUM_DIST],
        }
    }

    /// Counts one copy.
    #[inline(always)]
    pub(crate) fn add_copy(&mut self, len: usize, dist: usize) {
        self.lit[257 + usize::from(LEN_SLOT[len])] += 1;
        self.dist[dist_slot(dist)] += 1;
    }

    /// Counts `seqs` over the input `data` they describe (the end-of-block
    /// symbol is not counted).
    pub(crate) fn add_seqs(&mut self, data: &[u8], seqs: &[Seq]) {
        let mut at = 0usize;
        for s in seqs {
            let run = &data[at..at + s.lits as usize];
            for &b in run {
                self.lit[usize::from(b)] += 1;
            }
            at += s.lits as usize;
            if s.len != 0 {
                self.add_copy(usize::from(s.len), usize::from(s.dist));
                at += usize::from(s.len);
            }
        }
    }

    /// Adds `other`'s counts.
    pub(crate) fn merge(&mut self, other: &Freqs) {
        for (a, b) in self.lit.iter_mut().zip(&other.lit) {
            *a += b;
        }
        for (a, b) in self.dist.iter_mut().zip(&other.dist) {
            *a += b;
        }
    }

    /// Extra bits the copies carry, whatever the code.
    pub(crate) fn extra_bits(&self) -> u64 {
        let l: u64 = (0..29)
            .map(|s| u64::from(self.lit[257 + s]) * u64::from(LEN_EXTRA[s]))
            .sum();
        let d: u64 = (0..NUM_DIST)
            .map(|s| u64::from(self.dist[s]) * u64::from(DIST_EXTRA[s]))
            .sum();
        l + d
    }

    /// Whether any copy was counted.
    pub(crate) fn has_copies(&self) -> bool {
        self.dist.iter().any(|&c| c > 0)
    }
}

/// Huffman code lengths and codewords for one block.
#[derive(Clone, Debug)]
pub(crate) struct Code {
    pub(crate) lit_len: [u8; NUM_LITLEN],
    pub(crate) dist_len: [u8; NUM_DIST],
    pub(crate) lit_code: [u16; NUM_LITLEN],
    pub(crate) dist_code: [u16; NUM_DIST],
}

impl Code {
    /// The optimal length-limited code for `f` (end of block counted here).
    ///
    /// Both trees are made complete, with at least two codes each, so every
    /// inflater accepts them: a missing distance code or a lone literal code
    /// gets a partner with a count of one (costing a bit of header, never
    /// reached by the data).
    pub(crate) fn for_freqs(f: &Freqs) -> Self {
        let mut lit = f.lit;
        lit[EOB] = lit[EOB].max(1);
        complete(&mut lit, 0);
        let mut dist = f.dist;
        complete(&mut dist, 0);
        let mut c = Code {
            lit_len: [0; NUM_LITLEN],
            dist_len: [0; NUM_DIST],
            lit_code: [0; NUM_LITLEN],
            dist_code: [0; NUM_DIST],
        };
        huffman::lengths(&lit, MAX_CODE_BITS, &mut c.lit_len);
        huffman::lengths(&dist, MAX_CODE_BITS, &mut c.dist_len);
        c.fill_codewords();
        c
    }

    /// The fixed code of BTYPE 01 (RFC 1951, 3.2.6).
    pub(crate) fn fixed() -> Self {
        // Symbols 286 and 287 are never sent but take part in the
        // canonical numbering (they are 8-bit codes, so every 9-bit code
        // comes after them): number all 288.
        let mut lens = [0u8; 288];
        for (s, l) in lens.iter_mut().enumerate() {
            *l = match s {
                0..=143 => 8,
                144..=255 => 9,
                256..=279 => 7,
                _ => 8,
            };
        }
        let mut codes = [0u16; 288];
        huffman::codewords(&lens, &mut codes);
        let mut c = Code {
            lit_len: [0; NUM_LITLEN],
            dist_len: [5; NUM_DIST],
            lit_code: [0; NUM_LITLEN],
            dist_code: [0; NUM_DIST],
        };
        c.lit_len.copy_from_slice(&lens[..NUM_LITLEN]);
        c.lit_code.copy_from_slice(&codes[..NUM_LITLEN]);
        // The 30 distance codes are 5 bits each (32 in the numbering, the
        // last two unused, so numbering 30 gives the same codewords).
        huffman::codewords(&c.dist_len, &mut c.dist_code);
        c
    }

    fn fill_codewords(&mut self) {
        huffman::codewords(&self.lit_len, &mut self.lit_code);
        huffman::codewords(&self.dist_len, &mut self.dist_code);
    }

    /// Bits `f`'s symbols take in this code, extra bits and end of block
    /// included.
    pub(crate) fn data_bits(&self, f: &Freqs) -> u64 {
        let l: u64 = f
            .lit
            .iter()
            .zip(&self.lit_len)
            .map(|(&c, &l)| u64::from(c) * u64::from(l))
            .sum();
        let d: u64 = f
            .dist
            .iter()
            .zip(&self.dist_len)
            .map(|(&c, &l)| u64::from(c) * u64::from(l))
            .sum();
        let eob = if f.lit[EOB] == 0 {
            u64::from(self.lit_len[EOB])
        } else {
            0
        };
        l + d + f.extra_bits() + eob
    }
}

/// Gives symbols of `counts` a count of one until at least two are used
/// (starting at `from`, skipping used ones).
fn complete(counts: &mut [u32], from: usize) {
    let mut used = counts.iter().filter(|&&c| c > 0).count();
    let mut s = from;
    while used < 2 && s < counts.len() {
        if counts[s] == 0 {
            counts[s] = 1;
            used += 1;
        }
        s += 1;
    }
}

/// A dynamic block's header, prepared: the code-length sequence run-length
/// coded with the precode, and its size.
pub(crate) struct Header {
    hlit: usize,
    hdist: usize,
    hclen: usize,
    /// (precode symbol, extra value) pairs.
    items: [(u8, u8); NUM_LITLEN + NUM_DIST],
    n_items: usize,
    pre_len: [u8; 19],
    pre_code: [u16; 19],
    /// Header size in bits (after the 3 block-type bits).
    pub(crate) bits: u64,
}

impl Header {
    /// The header for `code`.
    pub(crate) fn new(code: &Code) -> Self {
        Header::from_lengths(&code.lit_len, &code.dist_len)
    }

    /// The header for the code with these lengths (its codewords are not
    /// needed to describe it).
    pub(crate) fn from_lengths(lit_len: &[u8; NUM_LITLEN], dist_len: &[u8; NUM_DIST]) -> Self {
        let mut hlit = NUM_LITLEN;
        while hlit > 257 && lit_len[hlit - 1] == 0 {
            hlit -= 1;
        }
        let mut hdist = NUM_DIST;
        while hdist > 1 && dist_len[hdist - 1] == 0 {
            hdist -= 1;
        }
        let mut all = [0u8; NUM_LITLEN + NUM_DIST];
        all[..hlit].copy_from_slice(&lit_len[..hlit]);
        all[hlit..hlit + hdist].copy_from_slice(&dist_len[..hdist]);
        let all = &all[..hlit + hdist];

        let mut h = Header {
            hlit,
            hdist,
            hclen: 19,
            items: [(0, 0); NUM_LITLEN + NUM_DIST],
            n_items: 0,
            pre_len: [0; 19],
            pre_code: [0; 19],
            bits: 0,
        };
        // Run-length code: 16 = repeat the previous length 3..=6 times
        // (2 extra bits), 17 = 3..=10 zeros (3 bits), 18 = 11..=138 zeros
        // (7 bits), otherwise the length itself.
        let push = |h: &mut Header, s: u8, e: u8| {
            h.items[h.n_items] = (s, e);
            h.n_items += 1;
        };
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
                    push(&mut h, 18, (n - 11) as u8);
                    r -= n;
                }
                if r >= 3 {
                    push(&mut h, 17, (r - 3) as u8);
                    r = 0;
                }
                for _ in 0..r {
                    push(&mut h, 0, 0);
                }
            } else {
                push(&mut h, v, 0);
                let mut r = run - 1;
                while r >= 3 {
                    let n = r.min(6);
                    push(&mut h, 16, (n - 3) as u8);
                    r -= n;
                }
                for _ in 0..r {
                    push(&mut h, v, 0);
                }
            }
        }
        let mut counts = [0u32; 19];
        for &(s, _) in &h.items[..h.n_items] {
            counts[usize::from(s)] += 1;
        }
        complete(&mut counts, 0);
        huffman::lengths(&counts, MAX_PRECODE_BITS, &mut h.pre_len);
        huffman::codewords(&h.pre_len, &mut h.pre_code);
        while h.hclen > 4 && h.pre_len[PRECODE_ORDER[h.hclen - 1]] == 0 {
            h.hclen -= 1;
        }
        let mut bits = 5 + 5 + 4 + 3 * h.hclen as u64;
        for &(s, _) in &h.items[..h.n_items] {
            bits += u64::from(h.pre_len[usize::from(s)]) + extra_of(s);
        }
        h.bits = bits;
        h
    }

    /// Writes the header after BFINAL and BTYPE.
    pub(crate) fn write(&self, bw: &mut BitWriter<'_>) {
        bw.put((self.hlit - 257) as u64, 5);
        bw.put((self.hdist - 1) as u64, 5);
        bw.put((self.hclen - 4) as u64, 4);
        for &s in &PRECODE_ORDER[..self.hclen] {
            bw.put(u64::from(self.pre_len[s]), 3);
        }
        for &(s, e) in &self.items[..self.n_items] {
            let si = usize::from(s);
            bw.add(u64::from(self.pre_code[si]), u32::from(self.pre_len[si]));
            bw.add(u64::from(e), extra_of(s) as u32);
            bw.commit();
        }
    }
}

/// Extra bits of precode symbol `s`.
fn extra_of(s: u8) -> u64 {
    match s {
        16 => 2,
        17 => 3,
        18 => 7,
        _ => 0,
    }
}

/// Bits of a stored encoding of `len` bytes starting at bit offset
/// `pending` (0..=7) within a byte: per 65,535-byte block, 3 header bits,
/// padding to a byte, LEN and NLEN, the bytes.
pub(crate) fn stored_bits(len: usize, pending: u32) -> u64 {
    let blocks = len.div_ceil(65535).max(1) as u64;
    // The first block pads from `pending + 3`, later ones from 3 bits.
    let first_pad = u64::from((8 - (pending + 3) % 8) % 8);
    blocks * (3 + 32) + first_pad + (blocks - 1) * 5 + 8 * len as u64
}

/// Writes `data` as stored blocks (the last one final if `last`).
pub(crate) fn write_stored(bw: &mut BitWriter<'_>, data: &[u8], last: bool) {
    let mut chunks = data.chunks(65535).peekable();
    if chunks.peek().is_none() {
        // An empty stored block (a sync flush, or the end of an empty
        // stream).
        bw.put(u64::from(last), 3);
        bw.align();
        bw.put(0xFFFF_0000, 32);
        return;
    }
    while let Some(c) = chunks.next() {
        let fin = last && chunks.peek().is_none();
        bw.put(u64::from(fin), 3);
        bw.align();
        let n = c.len() as u64;
        bw.put(n | (!n & 0xFFFF) << 16, 32);
        bw.put_bytes(c);
    }
}

/// Per-block lookup tables for writing: each copy length's code, extra bits
/// and bit count as one value, and each distance slot's code.
pub(crate) struct Writer {
    lit: [(u16, u8); 256],
    /// Per length 3..=258: `code | extra << code_len`, total bits.
    len: [(u32, u8); 259],
    /// Per distance slot: codeword, its length.
    dist: [(u16, u8); NUM_DIST],
    eob: (u16, u8),
}

impl Writer {
    pub(crate) fn new(code: &Code) -> Self {
        let mut w = Writer {
            lit: [(0, 0); 256],
            len: [(0, 0); 259],
            dist: [(0, 0); NUM_DIST],
            eob: (code.lit_code[EOB], code.lit_len[EOB]),
        };
        for (b, e) in w.lit.iter_mut().enumerate() {
            *e = (code.lit_code[b], code.lit_len[b]);
        }
        for (len, e) in w.len.iter_mut().enumerate().skip(3) {
            let s = usize::from(LEN_SLOT[len]);
            let (c, cl) = (
                u32::from(code.lit_code[257 + s]),
                u32::from(code.lit_len[257 + s]),
            );
            let extra = (len - usize::from(LEN_BASE[s])) as u32;
            *e = (c | extra << cl, (cl + u32::from(LEN_EXTRA[s])) as u8);
        }
        for (s, e) in w.dist.iter_mut().enumerate() {
            *e = (code.dist_code[s], code.dist_len[s]);
        }
        w
    }

    /// Writes the sequences over `data` (then no end of block).
    pub(crate) fn write_seqs(&self, bw: &mut BitWriter<'_>, data: &[u8], seqs: &[Seq]) {
        let mut at = 0usize;
        for s in seqs {
            let run = &data[at..at + s.lits as usize];
            at += s.lits as usize;
            // Three literals (at most 45 bits) per commit.
            let mut triples = run.chunks_exact(3);
            for t in &mut triples {
                for &b in t {
                    let (c, l) = self.lit[usize::from(b)];
                    bw.add(u64::from(c), u32::from(l));
                }
                bw.commit();
            }
            for &b in triples.remainder() {
                let (c, l) = self.lit[usize::from(b)];
                bw.add(u64::from(c), u32::from(l));
            }
            bw.commit();
            if s.len != 0 {
                let len = usize::from(s.len);
                let dist = usize::from(s.dist);
                // Length code + extra (<= 20 bits), distance code + extra
                // (<= 28 bits): 48 bits, one commit.
                let (lv, ll) = self.len[len];
                bw.add(u64::from(lv), u32::from(ll));
                let ds = dist_slot(dist);
                let (dc, dl) = self.dist[ds];
                bw.add(u64::from(dc), u32::from(dl));
                bw.add(
                    (dist - usize::from(DIST_BASE[ds])) as u64,
                    u32::from(DIST_EXTRA[ds]),
                );
                bw.commit();
                at += len;
            }
        }
    }

    /// Writes the end-of-block symbol.
    pub(crate) fn write_eob(&self, bw: &mut BitWriter<'_>) {
        bw.put(u64::from(self.eob.0), u32::from(self.eob.1));
    }
}

/// Writes one block of `data` described by `seqs` with counts `freqs` as
/// the cheapest of: dynamic, fixed or stored, and the same block as
/// literals only (dynamic), which can be cheaper than the parse.
///
/// The literals-only check is libdeflate's: a parser prices copies with a
/// code built from earlier data, and on smooth images, whose residuals are
/// a few cheap values, it can settle where copies take the common byte
/// patterns and the literals left are dear, which in total costs more than
/// coding every byte as a literal (a 16-bit gray photo of the mixed set
/// came out 13% larger that way). Returns the counts of what was written
/// (the next segment's prices come from them).
pub(crate) fn write_block(
    bw: &mut BitWriter<'_>,
    data: &[u8],
    seqs: &[Seq],
    freqs: &Freqs,
    last: bool,
) -> Freqs {
    let dynamic = Code::for_freqs(freqs);
    let header = Header::new(&dynamic);
    let dyn_bits = 3 + header.bits + dynamic.data_bits(freqs);
    let mut lit = Freqs::new();
    let only_lits = if freqs.has_copies() {
        let mut h = [[0u32; 256]; 2];
        let mut pairs = data.chunks_exact(2);
        for p in &mut pairs {
            h[0][usize::from(p[0])] += 1;
            h[1][usize::from(p[1])] += 1;
        }
        for &b in pairs.remainder() {
            h[0][usize::from(b)] += 1;
        }
        for ((l, a), b) in lit.lit.iter_mut().zip(&h[0]).zip(&h[1]) {
            *l = a + b;
        }
        let code = Code::for_freqs(&lit);
        let bits = 3 + Header::new(&code).bits + code.data_bits(&lit);
        (bits < dyn_bits).then_some((code, bits))
    } else {
        None
    };
    let fixed = Code::fixed();
    let fixed_bits = 3 + fixed.data_bits(freqs);
    let stored = stored_bits(data.len(), bw.n);
    let coded = only_lits.as_ref().map_or(dyn_bits, |&(_, b)| b);
    if stored < coded.min(fixed_bits) {
        write_stored(bw, data, last);
        // Stored bytes tell the next segment nothing better than their
        // counts as literals.
        if only_lits.is_none() && freqs.has_copies() {
            return *freqs;
        }
        return if freqs.has_copies() { lit } else { *freqs };
    }
    if let Some((code, _)) = only_lits {
        bw.put(u64::from(last) | 2 << 1, 3);
        Header::new(&code).write(bw);
        let w = Writer::new(&code);
        let run = [Seq {
            lits: data.len() as u32,
            len: 0,
            dist: 0,
        }];
        w.write_seqs(bw, data, &run);
        w.write_eob(bw);
        return lit;
    }
    if fixed_bits < dyn_bits {
        bw.put(u64::from(last) | 1 << 1, 3);
        let w = Writer::new(&fixed);
        w.write_seqs(bw, data, seqs);
        w.write_eob(bw);
    } else {
        bw.put(u64::from(last) | 2 << 1, 3);
        header.write(bw);
        let w = Writer::new(&dynamic);
        w.write_seqs(bw, data, seqs);
        w.write_eob(bw);
    }
    *freqs
}

/// An upper bound on the bytes [`write_block`] writes for `len` input bytes
/// in `n_seqs` sequences: the stored size bounds the choice it makes, but
/// the estimate is taken before the choice, so bound the coded form too.
pub(crate) fn block_bound(len: usize, n_seqs: usize) -> usize {
    // Literals: at most 15 bits each; copies at most 48 bits; header under
    // 320 bytes; stored framing 5 bytes per 64 KiB.
    let coded = len * 15 / 8 + n_seqs * 6 + 320;
    let stored = len + 5 * (len / 65535 + 1) + 8;
    coded.max(stored) + 16
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::png::deflate::bits::Pending;
    use alloc::vec;
    use alloc::vec::Vec;

    fn seqs_for(data: &[u8], copies: &[(usize, usize, usize)]) -> Vec<Seq> {
        // copies: (position, len, dist), sorted, non-overlapping.
        let mut v = Vec::new();
        let mut at = 0;
        for &(p, l, d) in copies {
            v.push(Seq {
                lits: (p - at) as u32,
                len: l as u16,
                dist: d as u16,
            });
            at = p + l;
        }
        v.push(Seq {
            lits: (data.len() - at) as u32,
            len: 0,
            dist: 0,
        });
        v
    }

    fn one_block(data: &[u8], seqs: &[Seq]) -> Vec<u8> {
        let mut f = Freqs::new();
        f.add_seqs(data, seqs);
        let mut out = vec![0u8; block_bound(data.len(), seqs.len()) + 16];
        let mut bw = BitWriter::new(&mut out, 0, Pending::default());
        write_block(&mut bw, data, seqs, &f, true);
        bw.align();
        let end = bw.pos;
        out.truncate(end);
        out
    }

    #[test]
    fn blocks_inflate() {
        // Repetitive text (dynamic), a tiny input (fixed), noise (stored).
        let mut text = Vec::new();
        for i in 0..200 {
            text.extend_from_slice(b"abcabcabd");
            text.push(i as u8);
        }
        let copies: Vec<(usize, usize, usize)> = (0..200).map(|i| (i * 10 + 3, 5, 3)).collect();
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for (data, copies) in [
            (&text[..], &copies[..]),
            (&b"hello hello"[..], &[(6usize, 5usize, 6usize)][..]),
            (&noise[..], &[][..]),
            (&[][..], &[][..]),
        ] {
            let seqs = seqs_for(data, copies);
            let z = one_block(data, &seqs);
            let back = miniz_oxide::inflate::decompress_to_vec(&z).unwrap();
            assert_eq!(back, data);
        }
    }

    #[test]
    fn stored_bits_is_exact() {
        for len in [0usize, 1, 100, 65535, 65536, 200_000] {
            for pending in 0..8u32 {
                let data = vec![7u8; len];
                let mut out = vec![0u8; len + 64];
                let mut bw = BitWriter::new(
                    &mut out,
                    0,
                    Pending {
                        bits: 0,
                        n: pending,
                    },
                );
                write_stored(&mut bw, &data, true);
                let got = bw.pos as u64 * 8 + u64::from(bw.n) - u64::from(pending);
                assert_eq!(
                    got,
                    stored_bits(len, pending),
                    "len {len} pending {pending}"
                );
            }
        }
    }
}
