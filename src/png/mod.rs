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
//!
//! ```
//! # #[cfg(feature = "png")] {
//! use pixb64::{png, Image};
//! // A 2x2 RGB image, to PNG at the default level and back.
//! let px = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
//! let img = Image::new(2, 2, 3, &px).unwrap();
//! let file = png::encode(&img, &png::EncodeOptions::new().with_level(6));
//! assert!(file.starts_with(b"\x89PNG\r\n\x1a\n"));
//! let back = png::decode(&file).unwrap();
//! assert_eq!((back.width(), back.height(), back.channels()), (2, 2, 3));
//! assert_eq!(back.data(), &px);
//! # }
//! ```

mod adler;
#[cfg(any(
    all(target_arch = "x86_64", target_feature = "sse2"),
    all(target_arch = "aarch64", target_feature = "neon")
))]
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
#[cfg(feature = "png")]
mod inflate;
#[cfg(feature = "alloc")]
mod levels;
#[cfg(feature = "png")]
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
pub use b64::encode_base64;
#[cfg(feature = "png")]
pub use b64::{decode_base64, decode_base64_with};
#[cfg(feature = "png")]
pub use decode::{decode, decode_with, Decoder};
#[cfg(feature = "png-read")]
pub use decode::{
    read_header, read_header_with, Channels, ChunkType, ColorType, DecodeError, DecodeOptions,
    Header, HeaderField, LimitKind, Limits, OrderProblem, RowDecoder, ZlibProblem,
};
#[cfg(feature = "std")]
pub use encode::encode_to_writer;
#[cfg(feature = "alloc")]
pub use encode::{encode, encode_to_sink};
pub use options::{ChannelOrder, Deflater, EncodeOptions, Filter};
pub use sink::{Base64Sink, Sink};
pub use stream::{EncodeError, RowEncoder};

pub(crate) use crc::crc32;

#[cfg(all(fuzzing, feature = "png"))]
pub(crate) use decode::fuzz_row_pipeline;
#[cfg(all(fuzzing, feature = "alloc"))]
pub(crate) use deflate::fuzz_deflate;
#[cfg(all(fuzzing, feature = "png"))]
pub(crate) use inflate::fuzz_inflate;

/// The PNG signature.
pub(crate) const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The unfilter kernels one by one, for `benches/benches/png_unfilter.rs`
/// (feature `bench-hooks`; not part of the API).
#[cfg(feature = "bench-hooks")]
#[doc(hidden)]
pub mod bench_hooks {
    /// pixb64's inflater on one whole zlib stream into `out` (Adler-32
    /// checked; tables taken and given back as the reader does: with
    /// `std`, the thread's spare set): the bytes written, `None` on any
    /// error or a full output.
    #[cfg(feature = "png")]
    pub fn inflate(input: &[u8], out: &mut [u8]) -> Option<usize> {
        use super::inflate::{inflate, Outcome, Tables};
        let mut tables = Tables::boxed();
        let r = inflate(&mut tables, input, out, true, usize::MAX, |_, _| true);
        Tables::recycle(tables);
        match r {
            Ok(Outcome::Done { written, .. }) => Some(written),
            _ => None,
        }
    }

    /// Unfilters `cur` in place (`prev`: the row above, `None` for the
    /// first) with `level` 0 the scalar code, 1 the SSE2 (aarch64: NEON)
    /// kernels, 2 the AVX2 ones; `false` (and `cur` untouched) where that level has no
    /// kernel for this filter and pixel size or the CPU lacks it. `filter`
    /// 0..=4, `bpp` 1, 2, 3, 4, 6 or 8.
    pub fn unfilter(
        level: u8,
        filter: u8,
        bpp: usize,
        prev: Option<&[u8]>,
        cur: &mut [u8],
    ) -> bool {
        assert!(filter <= 4 && matches!(bpp, 1 | 2 | 3 | 4 | 6 | 8));
        assert!(prev.is_none_or(|p| p.len() >= cur.len()));
        if level == 0 {
            #[cfg(not(pixb64_small))]
            super::decode::unfilter::unfilter_scalar(filter, bpp, prev, cur);
            #[cfg(pixb64_small)]
            super::decode::unfilter::unfilter(filter, bpp, prev, cur);
            return true;
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(pixb64_small)))]
        {
            use super::arch::unfilter::{unfilter_with, Level};
            let level = match level {
                1 => Level::Sse2,
                _ => Level::Avx2,
            };
            level.available() && unfilter_with(level, filter, bpp, prev, cur)
        }
        #[cfg(all(target_arch = "aarch64", target_feature = "neon", not(pixb64_small)))]
        {
            use super::arch::unfilter::{unfilter_with, Level};
            level == 1 && unfilter_with(Level::Neon, filter, bpp, prev, cur)
        }
        #[cfg(not(any(
            all(target_arch = "x86_64", target_feature = "sse2", not(pixb64_small)),
            all(target_arch = "aarch64", target_feature = "neon", not(pixb64_small))
        )))]
        false
    }
}
