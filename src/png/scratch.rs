//! The working memory of the row encoder and decoder: the caller's, or
//! (with `alloc`) owned.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// A byte buffer borrowed from the caller or owned.
pub(crate) enum Scratch<'a> {
    Borrowed(&'a mut [u8]),
    #[cfg(feature = "alloc")]
    Owned(Vec<u8>),
}

impl Scratch<'_> {
    /// The bytes.
    pub(crate) fn buf(&mut self) -> &mut [u8] {
        match self {
            Scratch::Borrowed(b) => b,
            #[cfg(feature = "alloc")]
            Scratch::Owned(v) => v,
        }
    }
}
