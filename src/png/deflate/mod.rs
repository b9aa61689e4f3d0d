//! Deflate (RFC 1951) for PNG's filtered scanlines: our engine for levels
//! 2..=9, and the parts every engine shares (bit output, Huffman codes,
//! block headers).
//!
//! The engine is a streaming compressor: filtered rows go in as they are
//! made ([`Engine::write`]), compressed bytes come out in segments. It holds
//! the 32 KiB window and one segment of input, never the image.
//!
//! ```text
//!   rows -> buffer [ window (32 KiB history) | segment (new input) ]
//!        -> parse (fast, lazy or near-optimal) over a finder   -> sequences
//!        -> split (merge pieces while one block is cheaper)     -> blocks
//!        -> each block: dynamic, fixed or stored, whichever is smallest
//! ```
//!
//! Layers, each its own module: `symbols` (the alphabets), `bits` (the bit
//! writer), `huffman` (codes), `block` (counts, headers, writing blocks),
//! `cost` (the parsers' price list), `find` (the match finders: a hash
//! table, hash chains, binary trees), `parse` (the fast, lazy and
//! near-optimal parsers), `split` (block boundaries).

// Without `alloc` only level 1's part of these layers is used.
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub(crate) mod bits;
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub(crate) mod block;
pub(crate) mod huffman;
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub(crate) mod symbols;
// The engine of levels 2-9 (level 1 uses only the layers above).
#[cfg(feature = "alloc")]
pub(crate) mod cost;
#[cfg(feature = "alloc")]
mod engine;
#[cfg(feature = "alloc")]
pub(crate) mod find;
#[cfg(feature = "alloc")]
pub(crate) mod parse;
#[cfg(feature = "alloc")]
pub(crate) mod split;
#[cfg(feature = "alloc")]
pub(crate) use engine::*;
