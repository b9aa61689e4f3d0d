//! The bit reader: a 64-bit buffer, LSB first.
//!
//! Away from the end of the input it refills without branches from one
//! unaligned 8-byte load (libdeflate's refill: OR the word in above the
//! valid bits, advance by the whole bytes that fit, and set the count to
//! 56..=63 with one OR). Bits above the count are then the real next input
//! bits, which a later refill ORs in again unchanged. Near the end it
//! refills a byte at a time and, past the end, with zero bytes it counts
//! (`over`), so decoding never needs a bounds branch per field; whether
//! any of those zero bits were consumed is checked where it matters
//! ([`Bits::overran`]).

/// The bit reader's state.
pub(super) struct Bits {
    /// Bits not consumed yet, the next one in bit 0.
    pub(super) buf: u64,
    /// Valid bits in `buf` (0..=63).
    pub(super) left: u32,
    /// Input bytes loaded (counting the zero bytes past the end).
    pub(super) pos: usize,
    /// Zero bytes loaded past the end of the input.
    pub(super) over: usize,
}

impl Bits {
    pub(super) fn new(pos: usize) -> Self {
        Bits {
            buf: 0,
            left: 0,
            pos,
            over: 0,
        }
    }

    /// Fills `buf` to 56..=63 valid bits from `input[pos..pos + 8]`, which
    /// the caller checked exist. (Were they missing, zero bits would be
    /// decoded: wrong but in bounds. Nothing calls it so.)
    #[inline(always)]
    pub(super) fn refill_fast(&mut self, input: &[u8]) {
        let word = match input.get(self.pos..self.pos + 8) {
            Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
            None => 0,
        };
        self.buf |= word << self.left;
        self.pos += (63 - self.left as usize) >> 3;
        self.left |= 56;
    }

    /// Fills `buf` to at least 56 valid bits a byte at a time, with zero
    /// bytes past the end of the input.
    #[inline(never)]
    pub(super) fn refill_slow(&mut self, input: &[u8]) {
        while self.left < 56 {
            let b = match input.get(self.pos) {
                Some(&b) => b,
                None => {
                    self.over += 1;
                    0
                }
            };
            self.buf |= u64::from(b) << self.left;
            self.pos += 1;
            self.left += 8;
        }
    }

    /// Fills `buf` to at least 56 valid bits.
    #[inline(always)]
    pub(super) fn refill(&mut self, input: &[u8]) {
        if self.pos + 8 <= input.len() {
            self.refill_fast(input);
        } else {
            self.refill_slow(input);
        }
    }

    /// Whether bits past the end of the input were consumed.
    #[inline(always)]
    pub(super) fn overran(&self) -> bool {
        self.over * 8 > self.left as usize
    }

    /// The low `n` bits (n <= 32; `n` valid bits must be loaded).
    #[inline(always)]
    pub(super) fn peek(&self, n: u32) -> u32 {
        (self.buf & ((1u64 << n) - 1)) as u32
    }

    /// Drops `n` bits (n <= left).
    #[inline(always)]
    pub(super) fn consume(&mut self, n: u32) {
        self.buf >>= n;
        self.left -= n;
    }

    /// Reads `n` bits (n <= 32, loaded).
    #[inline(always)]
    pub(super) fn take(&mut self, n: u32) -> u32 {
        let v = self.peek(n);
        self.consume(n);
        v
    }

    /// The input offset of the first byte not fully consumed (may be past
    /// the end when zero bytes were consumed).
    pub(super) fn byte_pos(&self) -> usize {
        self.pos - (self.left as usize >> 3)
    }

    /// Drops the bits up to the next byte boundary and returns the byte
    /// offset reached; the buffer is emptied so reading can go on there
    /// byte-wise (stored blocks, the checksum).
    pub(super) fn align_and_reset(&mut self) -> usize {
        let p = self.byte_pos();
        self.buf = 0;
        self.left = 0;
        self.pos = p;
        self.over = 0;
        p
    }
}
