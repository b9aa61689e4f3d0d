//! aarch64 kernels. NEON is part of the aarch64 baseline, so there is nothing
//! to detect on targets that enable it (all the usual ones do).

pub(crate) mod neon;
