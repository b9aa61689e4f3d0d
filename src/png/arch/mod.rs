//! The PNG code's only ISA-specific parts: carry-less-multiply CRC-32.

pub(crate) mod x86_64;
