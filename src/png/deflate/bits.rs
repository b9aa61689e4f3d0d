//! The LSB-first bit writer every engine shares.
//!
//! Deflate packs codes from the least significant bit of each byte up
//! (Huffman codes are bit-reversed first so they read MSB-first). The writer
//! keeps up to 63 bits in a `u64`; [`BitWriter::commit`] stores all eight
//! bytes of it unconditionally (branch-free) and advances over the whole
//! bytes only:
//!
//! ```text
//!   bits: [ 0 ... | newest codes | pending (n <= 7 after a commit) ]
//!   out[pos..pos + 8] = bits;  pos += n / 8;  bits >>= 8 * (n / 8);  n %= 8
//! ```
//!
//! So between commits at most 56 bits may be added (7 pending + 56 < 64).
//! The caller sizes `out` so that `pos + 8 <= out.len()` holds before every
//! commit; the store clamps its offset to `out.len() - 8` anyway, which lets
//! the compiler drop the bounds check and keeps a caller's mistake a wrong
//! byte in a debug-checked build rather than a panic.

/// Bit writer over a byte slice with at least 8 bytes of headroom.
pub(crate) struct BitWriter<'o> {
    /// Pending bits, the oldest in the lowest position.
    pub(crate) bits: u64,
    /// How many of `bits` are pending.
    pub(crate) n: u32,
    /// Next byte of `out` to write.
    pub(crate) pos: usize,
    pub(crate) out: &'o mut [u8],
}

/// A writer's state between uses: pending bits and their count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) bits: u64,
    pub(crate) n: u32,
}

impl<'o> BitWriter<'o> {
    /// A writer that continues `pending` at `out[pos]`. `out` must be at
    /// least 8 bytes long.
    #[inline(always)]
    pub(crate) fn new(out: &'o mut [u8], pos: usize, pending: Pending) -> Self {
        debug_assert!(out.len() >= 8 && pending.n <= 7);
        BitWriter {
            bits: pending.bits,
            n: pending.n,
            pos,
            out,
        }
    }

    /// The pending bits (at most 7 after a commit).
    #[inline(always)]
    pub(crate) fn pending(&self) -> Pending {
        Pending {
            bits: self.bits,
            n: self.n,
        }
    }

    /// Appends the low `len` bits of `v` (`len <= 56`, `v < 2^len`) and
    /// commits.
    #[inline(always)]
    pub(crate) fn put(&mut self, v: u64, len: u32) {
        debug_assert!(len <= 56 && self.n <= 7);
        self.add(v, len);
        self.commit();
    }

    /// Adds the low `len` bits of `v` without storing: between commits the
    /// caller adds at most 56 bits in total.
    #[inline(always)]
    pub(crate) fn add(&mut self, v: u64, len: u32) {
        debug_assert!(len == 64 || v >> len == 0);
        self.bits |= v << self.n;
        self.n += len;
    }

    /// Stores the whole bytes of the buffer (see the module comment).
    #[inline(always)]
    pub(crate) fn commit(&mut self) {
        debug_assert!(self.pos + 8 <= self.out.len());
        let at = self.pos.min(self.out.len() - 8);
        self.out[at..at + 8].copy_from_slice(&self.bits.to_le_bytes());
        // At most 63 bits are pending (7 + 56), so `whole <= 56`.
        let whole = self.n & !7;
        self.pos += (whole >> 3) as usize;
        self.bits >>= whole;
        self.n -= whole;
    }

    /// Pads with zero bits to a byte boundary.
    #[inline]
    pub(crate) fn align(&mut self) {
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }

    /// Writes whole bytes after aligning (stored blocks). `out` must have
    /// room for them plus the 8 bytes of headroom.
    pub(crate) fn put_bytes(&mut self, bytes: &[u8]) {
        self.align();
        self.out[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
        self.bits = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_lsb_first() {
        let mut buf = [0u8; 32];
        let mut w = BitWriter::new(&mut buf, 0, Pending::default());
        w.put(0b1, 1);
        w.put(0b10, 2);
        w.put(0b11111, 5);
        w.put(0xABC, 12);
        w.add(0x3, 2);
        w.add(0x1FFFF, 17);
        w.commit();
        w.align();
        let end = w.pos;
        // 1 | 10 | 11111 -> 0b11111_10_1 = 0xFD; then 0xABC, 0b11, 17 ones.
        let mut want = 0u64;
        let mut at = 0;
        for (v, l) in [
            (1u64, 1),
            (2, 2),
            (31, 5),
            (0xABC, 12),
            (3, 2),
            (0x1FFFF, 17),
        ] {
            want |= v << at;
            at += l;
        }
        assert_eq!(end, (at as usize).div_ceil(8));
        assert_eq!(&buf[..end], &want.to_le_bytes()[..end]);
    }

    #[test]
    fn put_bytes_aligns() {
        let mut buf = [0u8; 32];
        let mut w = BitWriter::new(&mut buf, 0, Pending::default());
        w.put(0b101, 3);
        w.put_bytes(&[1, 2, 3]);
        w.put(0xFF, 8);
        let end = w.pos;
        assert_eq!(&buf[..end], &[0b101, 1, 2, 3, 0xFF]);
    }
}
