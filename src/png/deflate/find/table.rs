//! One entry per hash of four bytes: the fast parser's match finder.

use super::{slide16, NONE};
use crate::png::deflate::symbols::WINDOW;
use alloc::vec;
use alloc::vec::Vec;

/// One entry per hash of four bytes: the newest position, for the fastest
/// level. Positions are 16 bits relative to `base` (a multiple of the
/// window), as in [`HashChains`]: half the memory of buffer indexes, so the
/// 2^14 entries of level 2 (32 KiB) sit in L1 beside the window's bytes.
/// [`NONE`] is no position; a stored `v` is in reach of a position `rel`
/// (relative to the same base) when `v > rel - WINDOW`, one compare.
pub(crate) struct HashTable {
    slots: Vec<i16>,
    shift: u32,
    base: usize,
}

impl HashTable {
    pub(crate) fn new(bits: u32) -> Self {
        HashTable {
            slots: vec![NONE; 1 << bits],
            shift: 32 - bits,
            base: 0,
        }
    }

    /// A table that holds nothing (for levels that do not use it).
    pub(crate) fn empty() -> Self {
        HashTable {
            slots: Vec::new(),
            shift: 0,
            base: 0,
        }
    }

    /// Heap bytes held.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.slots.len() * 2
    }

    /// The buffer dropped its first `by` bytes (a multiple of [`WINDOW`]).
    pub(crate) fn rebase(&mut self, by: usize) {
        if self.slots.is_empty() {
            return;
        }
        if self.base >= by {
            self.base -= by;
        } else {
            // Nothing recorded is after the bytes dropped (the engine
            // keeps a window of history, so only a caller that skipped
            // recording could get here): start empty.
            self.slots.fill(NONE);
            self.base = 0;
        }
    }

    /// Makes `p` recordable (`p - base < WINDOW`), sliding by whole
    /// windows as needed; returns the first position that is not.
    #[inline]
    pub(crate) fn reach(&mut self, p: usize) -> usize {
        while p - self.base >= WINDOW {
            self.slide();
        }
        self.base + WINDOW
    }

    #[cold]
    fn slide(&mut self) {
        slide16(&mut self.slots);
        self.base += WINDOW;
    }

    /// The table, the base and the shift of the hash, for a parser's inner
    /// loop.
    #[inline(always)]
    pub(crate) fn parts(&mut self) -> (&mut [i16], usize, u32) {
        (&mut self.slots, self.base, self.shift)
    }
}
