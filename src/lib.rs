//! # pixb64
//!
//! Move images and other binary data through text losslessly and fast.
//!
//! This first layer is [`base64`]: an exact, `no_std` base64 codec with a
//! scalar reference backend. Every call that needs no allocation works without
//! the `alloc` feature, so firmware can use the codec with no allocator at all.
//!
//! | feature | adds |
//! |---|---|
//! | (none) | `encode_to_slice`, `decode_to_slice`, `decode_in_place`, `encode_wrapped_to_slice`, the resumable [`base64::Decoder`] |
//! | `alloc` | `encode`, `decode`, `encode_wrapped` returning `String` / `Vec<u8>` |
//! | `std` (default) | streaming [`base64::EncoderWriter`] / [`base64::DecoderReader`] and runtime CPU feature detection |
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod base64;
#[cfg(feature = "alloc")]
pub mod data_uri;
#[cfg(feature = "alloc")]
mod error;
mod image;
#[cfg(feature = "alloc")]
pub mod png;
pub mod sizes;

#[cfg(feature = "alloc")]
pub use error::Error;
#[cfg(feature = "alloc")]
pub use image::ImageBuf;
pub use image::{ChannelOrder, Depth, Image, ImageError};
pub use sizes::Sizes;
