//! Decode tables for deflate's canonical Huffman codes.
//!
//! One `u32` per table entry carries everything the decode loop needs for
//! a symbol (the packing follows the idea of libdeflate's decode table
//! entries; the layout here is our own):
//!
//! ```text
//!   bits  0..8   bits to consume: code length, plus the extra bits of a
//!                length or distance (so one shift consumes both)
//!   bits  8..12  code length alone (where the extra bits start); for a
//!                subtable pointer: the subtable's index bits; for a
//!                double literal: the first literal's code length
//!   bit  12      EXCEPTIONAL: subtable pointer, end of block or invalid
//!   bit  13      SUBTABLE
//!   bit  14      END_OF_BLOCK; on a literal entry: DOUBLE
//!   bit  15      LITERAL
//!   bits 16..32  value: the literal byte (a second one in bits 24..32 with
//!                DOUBLE), the length base (3..258), the distance base
//!                (1..32768) or the subtable's first index
//! ```
//!
//! Double literals are fdeflate's idea: where the main table's index bits
//! hold two whole literal codes, the entry gives both bytes, so runs of
//! literals (most of a photo) take one lookup per two bytes.
//!
//! Codes longer than the main table's index bits go through a second-level
//! subtable (zlib's and libdeflate's layout): the main entry for their
//! first `TABLE_BITS` bits points to a subtable indexed by the next bits.

/// The entry is a literal byte (or two, with [`DOUBLE`]).
pub(super) const LITERAL: u32 = 1 << 15;
/// On a literal entry: a second literal byte in bits 24..32.
pub(super) const DOUBLE: u32 = 1 << 14;
/// A subtable pointer, the end of block or an invalid code.
pub(super) const EXCEPTIONAL: u32 = 1 << 12;
/// The entry points to a subtable.
pub(super) const SUBTABLE: u32 = 1 << 13;
/// The end-of-block symbol.
pub(super) const END_OF_BLOCK: u32 = 1 << 14;

/// Main-table index bits of the literal/length code (12, as fdeflate, so
/// that more pairs of literal codes fit in one index).
pub(super) const LITLEN_BITS: u32 = 12;
/// Main-table index bits of the literal/length code for short outputs
/// (see [`litlen_bits`]).
pub(super) const LITLEN_BITS_SHORT: u32 = 10;
/// ... and for the shortest.
pub(super) const LITLEN_BITS_SHORTEST: u32 = 9;

/// The literal/length main table's index bits for a block of a stream
/// whose output is `out_len` bytes, with codes of at most `longest` bits. A
/// table costs about one store per entry to build, per block; a 4,096-entry
/// table for a stream of a few hundred symbols was a third of decoding
/// PngSuite's 32x32 files. So outputs up to 16 KiB get a smaller table: 512
/// entries where every code fits in 9 bits (no subtables at all), else
/// 1,024 (fewer double literals and more subtable lookups, which a short
/// stream has few of). Instructions per decode (callgrind, PngSuite): 9
/// bits for every short output saved 3-5% on low-bit files and cost 3-9%
/// on 8-bit RGB ones, whose literal codes are longer than 9 bits.
pub(super) fn litlen_bits(out_len: usize, longest: u32) -> u32 {
    if out_len > 16 * 1024 {
        LITLEN_BITS
    } else if longest <= LITLEN_BITS_SHORTEST {
        LITLEN_BITS_SHORTEST
    } else {
        LITLEN_BITS_SHORT
    }
}

/// Main-table index bits of the distance code.
pub(super) const DIST_BITS: u32 = 8;
/// Index bits of the code-length code (its codes are at most 7 bits long).
pub(super) const PRECODE_BITS: u32 = 7;
/// Entries of the literal/length table with every subtable it may need:
/// with 12 index bits a subtable has at most 3 bits (8 entries), and each
/// holds at least two of the at most 286 codes longer than 12 bits, so
/// 4096 + 143 * 8.
pub(super) const LITLEN_LEN: usize = 4096 + 143 * 8;
/// Entries of the distance table with its subtables (32 symbols, 8 bits).
pub(super) const DIST_LEN: usize = 402;

/// Length bases and extra bits of length symbols 257..=285.
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Distance bases and extra bits of distance symbols 0..=29.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// What a code is, for the entries it gets and the trees it accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Literal/length symbols (0..288).
    Litlen,
    /// Distance symbols (0..32): may be empty or one code of one bit.
    Dist,
    /// Code-length symbols (0..19): the value is the symbol.
    Precode,
}

/// The entry of `sym` without its lengths (value and flags), with its
/// extra-bit count in bits 0..8 (where the lengths go). A table lookup:
/// the symbols come in code order, so a `match` on their ranges
/// mispredicts where literals and lengths interleave.
fn symbol_entry(kind: Kind, sym: usize) -> u32 {
    match kind {
        Kind::Litlen => LITLEN_ENTRIES.get(sym),
        Kind::Dist => DIST_ENTRIES.get(sym),
        Kind::Precode => return (sym as u32) << 16,
    }
    .copied()
    .unwrap_or(EXCEPTIONAL)
}

/// [`symbol_entry`] of every literal/length symbol. 286 and 287 are codes
/// that may be assigned (the fixed code has them) but never used.
const LITLEN_ENTRIES: [u32; 288] = {
    let mut t = [EXCEPTIONAL; 288];
    let mut s = 0;
    while s < 256 {
        t[s] = LITERAL | (s as u32) << 16;
        s += 1;
    }
    t[256] = EXCEPTIONAL | END_OF_BLOCK;
    let mut i = 0;
    while i < 29 {
        t[257 + i] = (LEN_BASE[i] as u32) << 16 | LEN_EXTRA[i] as u32;
        i += 1;
    }
    t
};

/// [`symbol_entry`] of every distance symbol (30 and 31, like litlen 286
/// and 287, are never used).
const DIST_ENTRIES: [u32; 32] = {
    let mut t = [EXCEPTIONAL; 32];
    let mut i = 0;
    while i < 30 {
        t[i] = (DIST_BASE[i] as u32) << 16 | DIST_EXTRA[i] as u32;
        i += 1;
    }
    t
};

/// Why a code cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct BadCode;

/// Fills `table` (main table of `1 << bits` entries, then subtables) for
/// the code with these `lengths` (0 = unused symbol, at most 15). With
/// `doubles` (literal/length codes only; ignored for the others) the main
/// table also gets double-literal entries; whether they pay is the
/// caller's choice (see `blocks.rs`).
///
/// Accepted trees: complete ones; for distances also none at all and a
/// single code of length 1 (the other 1-bit code decodes as invalid), as
/// zlib, fdeflate and the `png` crate accept. Over-subscribed and other
/// incomplete codes are errors.
pub(super) fn build(
    kind: Kind,
    lengths: &[u8],
    bits: u32,
    doubles: bool,
    table: &mut [u32],
) -> Result<(), BadCode> {
    // (A fold rather than `any`, which stops early and so is not
    // vectorised.)
    let longest = lengths.iter().fold(0, |m, &l| m.max(l));
    if longest > 15 {
        return Err(BadCode);
    }
    // A histogram in four lanes: one `count[l] += 1` chain would wait on
    // its own stores (most lengths are equal).
    let mut lanes = [[0u16; 16]; 4];
    let mut quads = lengths.chunks_exact(4);
    for q in &mut quads {
        for (lane, &l) in lanes.iter_mut().zip(q) {
            lane[usize::from(l & 15)] += 1;
        }
    }
    for (k, &l) in quads.remainder().iter().enumerate() {
        lanes[k][usize::from(l & 15)] += 1;
    }
    let mut count = [0u16; 16];
    for (l, c) in count.iter_mut().enumerate().skip(1) {
        *c = lanes[0][l] + lanes[1][l] + lanes[2][l] + lanes[3][l];
    }
    let main = 1usize << bits;
    if table.len() < main {
        return Err(BadCode);
    }
    // Codespace check, in units of 2^-15.
    let mut used: u32 = 0;
    for (l, &c) in count.iter().enumerate().skip(1) {
        used += u32::from(c) << (15 - l);
    }
    let full = 1u32 << 15;
    if used > full {
        return Err(BadCode);
    }
    if used < full {
        let allowed = kind == Kind::Dist && (used == 0 || (used == full / 2 && count[1] == 1));
        if !allowed {
            return Err(BadCode);
        }
        if used == 0 {
            table[..main].fill(EXCEPTIONAL);
            return Ok(());
        }
    }

    // Symbols sorted by (length, symbol): canonical code order. Unused
    // symbols go after the used ones, so the loop has no branch (a tiny
    // stream's code has a few used symbols among many unused).
    let mut offset = [0u16; 16];
    for l in 1..15 {
        offset[l + 1] = offset[l] + count[l];
    }
    let n = offset[15] as usize + count[15] as usize;
    let mut sorted = [0u16; 288];
    for (sym, &l) in lengths.iter().enumerate() {
        if l != 0 {
            let o = &mut offset[usize::from(l)];
            sorted[usize::from(*o)] = sym as u16;
            *o += 1;
        }
    }
    // The shortest code length: the main table's doubling starts there
    // (before it the table holds nothing that needs copying).
    let shortest = (1..16).find(|&l| count[l] != 0).unwrap_or(1) as u32;

    // The main table, one code length at a time (the technique of
    // libdeflate's and fdeflate's table builders): after length `l` the
    // first `1 << l` entries are right for every index of `l` bits, so
    // doubling them (a plain copy) extends every code shorter than `l + 1`
    // to the next bit; then the codes of length `l + 1` are written once
    // each. With `Litlen`, the double literals of total length `l` go in
    // at the same stage, at `first | second << l1`, which the copies then
    // spread like any other entry. This writes each entry about once and
    // needs no pass over the whole table per block.
    let mut revs = [0u16; 288]; // LSB-first code of sorted[k]
    let mut code: u32 = 0; // canonical code, MSB first
    let mut k = 0usize; // next index into sorted
    let mut start = [0usize; 16]; // sorted index of each length's first code
    if used < full {
        // The single 1-bit distance code: its sibling (and every index
        // the doubling copies it to) stays invalid.
        table[..2].fill(EXCEPTIONAL);
    }
    for l in 1..=bits {
        if l > shortest {
            let half = 1usize << (l - 1);
            table.copy_within(..half, half);
        }
        start[l as usize] = k;
        for _ in 0..count[l as usize] {
            let sym = usize::from(sorted[k]);
            let rev = code.reverse_bits() >> (32 - l); // LSB-first, as read
            revs[k] = rev as u16;
            let e = symbol_entry(kind, sym);
            table[rev as usize] = (e & !0xFF) | (l << 8) | (l + (e & 0xFF));
            code += 1;
            k += 1;
        }
        if doubles && kind == Kind::Litlen {
            for l1 in 1..l {
                let l2 = l - l1;
                let (a, b) = (start[l1 as usize], start[l2 as usize]);
                let firsts = a..a + usize::from(count[l1 as usize]);
                for i in firsts.take_while(|&i| sorted[i] < 256) {
                    let seconds = b..b + usize::from(count[l2 as usize]);
                    for j in seconds.take_while(|&j| sorted[j] < 256) {
                        let at = usize::from(revs[i]) | usize::from(revs[j]) << l1;
                        table[at] = u32::from(sorted[i]) << 16
                            | u32::from(sorted[j]) << 24
                            | LITERAL
                            | DOUBLE
                            | l1 << 8
                            | l;
                    }
                }
            }
        }
        code <<= 1;
    }

    // Longer codes: subtables under their first `bits` bits.
    let mut remaining = count;
    for r in remaining.iter_mut().take(bits as usize + 1) {
        *r = 0;
    }
    let mut len: u32 = bits + 1; // the loop above left `code` at this length
    let mut next_sub = main; // first free subtable index
    let mut prefix = usize::MAX; // main index of the current subtable
    let mut sub_start = 0usize;
    let mut sub_bits = 0u32;
    for &sym in &sorted[k..n] {
        let l = u32::from(lengths[usize::from(sym)]);
        // Step the code to length `l`.
        code <<= l - len;
        len = l;
        let rev = code.reverse_bits() >> (32 - l); // LSB-first, as read
        let e = symbol_entry(kind, usize::from(sym));
        let p = rev as usize & (main - 1);
        if p != prefix {
            // A new subtable: as many index bits as the codes under
            // this prefix need (the remaining codes of this length
            // first, then longer ones, in canonical order).
            prefix = p;
            sub_bits = l - bits;
            let mut room = u32::from(remaining[l as usize]);
            while room < 1 << sub_bits && bits + sub_bits < 15 {
                sub_bits += 1;
                room = 2 * room + u32::from(remaining[(bits + sub_bits) as usize]);
            }
            sub_start = next_sub;
            next_sub += 1 << sub_bits;
            if next_sub > table.len() {
                return Err(BadCode);
            }
            table[p] = EXCEPTIONAL | SUBTABLE | (sub_start as u32) << 16 | sub_bits << 8 | bits;
        }
        let sl = l - bits;
        let entry = (e & !0xFF) | (sl << 8) | (sl + (e & 0xFF));
        let mut i = (rev >> bits) as usize;
        while i < 1 << sub_bits {
            table[sub_start + i] = entry;
            i += 1 << sl;
        }
        remaining[l as usize] -= 1;
        code += 1;
    }
    Ok(())
}

/// Code lengths of the fixed literal/length code (RFC 1951, 3.2.6).
pub(super) fn fixed_litlen_lengths() -> [u8; 288] {
    let mut l = [8u8; 288];
    l[144..256].fill(9);
    l[256..280].fill(7);
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_trees() {
        let mut t = [0u32; LITLEN_LEN];
        // Over-subscribed: three 1-bit codes.
        assert!(build(Kind::Litlen, &[1, 1, 1], LITLEN_BITS, true, &mut t).is_err());
        // Incomplete litlen.
        assert!(build(Kind::Litlen, &[1, 2], LITLEN_BITS, true, &mut t).is_err());
        // A single litlen code.
        assert!(build(Kind::Litlen, &[1], LITLEN_BITS, true, &mut t).is_err());
        let mut d = [0u32; DIST_LEN];
        assert!(build(Kind::Dist, &[0; 30], DIST_BITS, false, &mut d).is_ok());
        assert!(d.iter().take(256).all(|&e| e == EXCEPTIONAL));
        assert!(build(Kind::Dist, &[0, 1], DIST_BITS, false, &mut d).is_ok());
        assert_eq!(d[0] >> 16, 2);
        assert_eq!(d[1], EXCEPTIONAL);
        assert!(build(Kind::Dist, &[2, 1], DIST_BITS, false, &mut d).is_err());
        assert!(build(Kind::Dist, &[1, 2], DIST_BITS, false, &mut d).is_err());
    }

    #[test]
    fn fifteen_bit_codes_use_subtables() {
        // Lengths 1, 2, ..., 14, 15, 15: complete, deepest subtables.
        let mut lengths = [0u8; 288];
        for (i, l) in lengths.iter_mut().take(14).enumerate() {
            *l = i as u8 + 1;
        }
        lengths[14] = 15;
        lengths[256] = 15;
        let mut t = [0u32; LITLEN_LEN];
        build(Kind::Litlen, &lengths, LITLEN_BITS, true, &mut t).unwrap();
        // The code of all ones (15 bits) is end of block.
        let e = t[(1 << LITLEN_BITS) - 1];
        assert!(e & SUBTABLE != 0);
        let start = (e >> 16) as usize;
        let sub = (e >> 8) & 15;
        assert_eq!(sub, 15 - LITLEN_BITS);
        let e2 = t[start + (1 << sub) - 1];
        assert!(e2 & END_OF_BLOCK != 0);
        assert_eq!(e2 & 0xff, sub);
    }

    /// The main table the plain way (every code's entry stored at a stride
    /// over the whole table, then a descending pass turning two whole
    /// literal codes into a double, with `doubles`), as this module built
    /// it before the doubling builder; `None` where a longer code's
    /// subtable goes.
    fn plain_main(lengths: &[u8], bits: u32, doubles: bool) -> alloc::vec::Vec<Option<u32>> {
        let main = 1usize << bits;
        let mut t = alloc::vec![None; main];
        let mut count = [0u32; 16];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        count[0] = 0;
        let mut next = [0u32; 16];
        let mut code = 0;
        for l in 1..16 {
            code = (code + count[l - 1]) << 1;
            next[l] = code;
        }
        for (sym, &l) in lengths.iter().enumerate() {
            let l = u32::from(l);
            if l == 0 || l > bits {
                continue;
            }
            let c = next[l as usize];
            next[l as usize] += 1;
            let rev = (c.reverse_bits() >> (32 - l)) as usize;
            let e = symbol_entry(Kind::Litlen, sym);
            let (value, extra) = (e & !0xFF, e & 0xFF);
            let mut i = rev;
            while i < main {
                t[i] = Some(value | (l << 8) | (l + extra));
                i += 1 << l;
            }
        }
        for i in (0..main).rev() {
            let (Some(e1), Some(e2)) = (t[i], t[i >> (t[i].unwrap_or(0) & 31)]) else {
                continue;
            };
            let (l1, l2) = (e1 & 0xff, e2 & 0xff);
            if doubles && e1 & e2 & LITERAL != 0 && l1 + l2 <= bits {
                t[i] = Some(
                    (e1 & 0x00ff_0000)
                        | (e2 & 0x00ff_0000) << 8
                        | LITERAL
                        | DOUBLE
                        | l1 << 8
                        | (l1 + l2),
                );
            }
        }
        t
    }

    /// Random complete codes (a random leaf split until the code has a
    /// random number of symbols, which go to random symbols): the doubling
    /// builder's main table equals the plain one, and the tables are
    /// rebuilt over each other's leftovers (as blocks do).
    #[test]
    fn doubling_build_equals_plain_build() {
        let mut seed = 0x2545_f491_u64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut t = [0u32; LITLEN_LEN];
        for round in 0..3000 {
            let want = 2 + rnd(if round % 3 == 0 { 30 } else { 284 });
            let mut leaves = alloc::vec![0u8];
            while leaves.len() < want {
                let i = rnd(leaves.len());
                if leaves[i] < 15 {
                    leaves[i] += 1;
                    leaves.push(leaves[i]);
                }
            }
            let mut syms: alloc::vec::Vec<usize> = (0..286).collect();
            for i in (1..syms.len()).rev() {
                syms.swap(i, rnd(i + 1));
            }
            let mut lengths = [0u8; 286];
            for (leaf, &sym) in leaves.iter().zip(&syms) {
                lengths[sym] = *leaf;
            }
            if lengths[256] == 0 {
                continue;
            }
            // Every main-table size (the short ones for small outputs),
            // with and without double literals.
            let bits = [LITLEN_BITS, LITLEN_BITS_SHORT, LITLEN_BITS_SHORTEST][round / 3 % 3];
            let doubles = round % 2 == 0;
            build(Kind::Litlen, &lengths, bits, doubles, &mut t)
                .unwrap_or_else(|_| panic!("round {round}: {lengths:?}"));
            let plain = plain_main(&lengths, bits, doubles);
            for (i, p) in plain.iter().enumerate() {
                match p {
                    Some(e) => assert_eq!(t[i], *e, "round {round} index {i}"),
                    None => assert!(t[i] & SUBTABLE != 0, "round {round} index {i}"),
                }
            }
        }
    }
}
