//! Lossless PNG: writing ([`encode`], [`RowEncoder`]) and reading
//! ([`decode`]).
//!
//! Writing is a chain: rows -> filter choice -> deflate engine -> IDAT chunks
//! -> a [`Sink`]. The engines are stored blocks (level 0), a hand-written fast
//! tier in the style of fpnge (level 1) and our deflate engine (levels 2-9,
//! or `miniz_oxide` on request); they share the filter code and write a
//! complete zlib stream into a sink that frames it as IDAT chunks.
//!
//! Without the `alloc` feature the module holds the writer half that needs
//! no allocator: [`RowEncoder::with_scratch`] (levels 0 and 1), [`Sink`] and
//! [`Base64Sink`].

mod adler;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)] // the SIMD kernels (UNSAFE.md)
mod arch;
#[cfg(feature = "alloc")]
mod b64;
mod chunk;
mod crc;
#[cfg(feature = "png-read")]
mod decode;
mod deflate;
#[cfg(feature = "alloc")]
mod encode;
mod fast;
mod filter;
#[cfg(feature = "alloc")]
mod levels;
#[cfg(feature = "alloc")]
mod miniz;
mod options;
#[cfg(feature = "alloc")]
mod rows;
mod scratch;
mod sink;
mod stored;
mod stream;
#[cfg(feature = "alloc")]
mod strips;

pub use crate::image::Depth;
#[cfg(feature = "alloc")]
pub use b64::{decode_base64, encode_base64};
#[cfg(feature = "png-read")]
pub use decode::*;
#[cfg(feature = "alloc")]
pub use encode::*;
pub use options::*;
pub use sink::{Base64Sink, Sink};
pub use stream::{EncodeError, RowEncoder};

pub(crate) use crc::crc32;

#[cfg(all(fuzzing, feature = "alloc"))]
pub(crate) use decode::fuzz_row_pipeline;
#[cfg(all(fuzzing, feature = "alloc"))]
pub(crate) use deflate::fuzz_deflate;

/// The PNG signature.
pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
