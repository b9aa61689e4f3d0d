//! Lossless PNG: writing ([`encode`]) and reading ([`decode`]).
//!
//! Writing is a chain: rows -> filter choice -> deflate engine -> IDAT chunks
//! -> a [`Sink`]. The engines are stored blocks (level 0), a hand-written fast
//! tier in the style of fpnge (level 1) and `miniz_oxide` (levels 2-9); they
//! share the filter code and write a complete zlib stream into a sink that
//! frames it as IDAT chunks.

mod adler;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)] // the SIMD kernels (UNSAFE.md)
mod arch;
mod b64;
mod chunk;
mod crc;
mod decode;
mod deflate;
mod encode;
mod fast;
mod filter;
mod levels;
mod miniz;
mod options;
mod rows;
mod stored;
mod stream;
mod strips;

pub use crate::image::Depth;
pub use b64::{decode_base64, encode_base64, Base64Sink};
pub use decode::*;
pub use encode::*;
pub use options::*;
pub use stream::{EncodeError, RowEncoder};

pub(crate) use crc::crc32;

#[cfg(fuzzing)]
pub(crate) use deflate::fuzz_deflate;

/// Where encoded bytes go: a `Vec<u8>`, an `io::Write` adapter, or a base64
/// encoder. Infallible on purpose: an `io::Write` adapter records the first
/// error and drops later writes, and the caller checks it at the end, so the
/// engines carry no error paths.
pub trait Sink {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for alloc::vec::Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        (**self).write(bytes);
    }
}

/// The PNG signature.
pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
