//! CPU feature detection for every kernel (base64, PNG unfiltering,
//! CRC-32): one probe, cached in one atomic byte.
//!
//! On x86_64, with `std`, detection uses `is_x86_feature_detected!`.
//! Without `std` it asks the CPU directly (`cpuid`) and the OS (`xgetbv`:
//! whether it saves the YMM and ZMM registers on a context switch), so a
//! `no_std` build on x86_64 runs the AVX2 and AVX-512 kernels too. A test
//! checks the two agree. (The aarch64 and wasm32 kernels are chosen at
//! build time, by `target_feature`: nothing to probe.)

#![cfg(all(target_arch = "x86_64", target_feature = "sse2"))]

use core::sync::atomic::{AtomicU8, Ordering};

/// What the kernels need, as bits of a cached byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Features(u8);

impl Features {
    const SSSE3: u8 = 1;
    const AVX2: u8 = 2;
    /// AVX-512 F + BW + VL + VBMI: the AVX-512 base64 backend.
    const AVX512_VBMI: u8 = 4;
    /// ... and VBMI2 (`vpcompressb`) and POPCNT, for the whitespace-skipping
    /// decoder.
    const AVX512_VBMI2: u8 = 8;
    /// PCLMULQDQ and SSE4.1: the CRC-32 folding kernel.
    const PCLMUL: u8 = 16;
    /// Set once the probe has run.
    const PROBED: u8 = 0x80;

    pub(crate) fn ssse3(self) -> bool {
        self.0 & Self::SSSE3 != 0
    }
    pub(crate) fn avx2(self) -> bool {
        self.0 & Self::AVX2 != 0
    }
    pub(crate) fn avx512_vbmi(self) -> bool {
        self.0 & Self::AVX512_VBMI != 0
    }
    pub(crate) fn avx512_vbmi2(self) -> bool {
        self.0 & Self::AVX512_VBMI2 != 0
    }
    pub(crate) fn pclmul(self) -> bool {
        self.0 & Self::PCLMUL != 0
    }

    fn from_flags(ssse3: bool, avx2: bool, vbmi: bool, vbmi2: bool, pclmul: bool) -> Features {
        let mut bits = Self::PROBED;
        bits |= if ssse3 { Self::SSSE3 } else { 0 };
        bits |= if avx2 { Self::AVX2 } else { 0 };
        bits |= if vbmi { Self::AVX512_VBMI } else { 0 };
        bits |= if vbmi && vbmi2 { Self::AVX512_VBMI2 } else { 0 };
        bits |= if pclmul { Self::PCLMUL } else { 0 };
        Features(bits)
    }
}

static FEATURES: AtomicU8 = AtomicU8::new(0);

/// This CPU's features, probed once: after the first call, a load and a
/// test, inlined (the dispatch asks on every call).
#[inline]
pub(crate) fn features() -> Features {
    let bits = FEATURES.load(Ordering::Relaxed);
    if bits & Features::PROBED != 0 {
        return Features(bits);
    }
    probe_and_cache()
}

#[cold]
#[inline(never)]
fn probe_and_cache() -> Features {
    let f = probe();
    FEATURES.store(f.0, Ordering::Relaxed);
    f
}

#[cfg(feature = "std")]
fn probe() -> Features {
    use std::is_x86_feature_detected as has;
    Features::from_flags(
        has!("ssse3"),
        has!("avx2"),
        has!("avx512f") && has!("avx512bw") && has!("avx512vl") && has!("avx512vbmi"),
        // The whitespace decoder also counts lanes with POPCNT, which every
        // AVX-512 CPU has; it is checked all the same.
        has!("avx512vbmi2") && has!("popcnt"),
        has!("pclmulqdq") && has!("sse4.1"),
    )
}

#[cfg(not(feature = "std"))]
fn probe() -> Features {
    probe_cpuid()
}

/// The `no_std` probe: `cpuid` for what the CPU has, `xgetbv` for what the OS
/// enabled. Bit numbers are from the Intel SDM, vol. 2A, CPUID.
#[cfg_attr(feature = "std", allow(dead_code))]
pub(crate) fn probe_cpuid() -> Features {
    use core::arch::x86_64::{__cpuid, __cpuid_count};
    let max_leaf = __cpuid(0).eax;
    let leaf1 = __cpuid(1);
    let ssse3 = leaf1.ecx & (1 << 9) != 0;
    // PCLMULQDQ (bit 1) and SSE4.1 (bit 19) use only XMM state, which every
    // x86_64 OS saves.
    let pclmul = leaf1.ecx & (1 << 1) != 0 && leaf1.ecx & (1 << 19) != 0;
    let osxsave = leaf1.ecx & (1 << 27) != 0;
    let avx = leaf1.ecx & (1 << 28) != 0;
    // XCR0: bit 1 SSE state, bit 2 AVX (YMM upper halves), bits 5-7 opmask,
    // ZMM0-15 upper halves, ZMM16-31.
    // SAFETY: OSXSAVE is set, so the OS enabled XSAVE and `xgetbv` exists.
    let xcr0 = if osxsave { unsafe { xgetbv0() } } else { 0 };
    let ymm_saved = xcr0 & 0b0000_0110 == 0b0000_0110;
    let zmm_saved = xcr0 & 0b1110_0110 == 0b1110_0110;
    let (ebx7, ecx7) = if max_leaf >= 7 {
        let l = __cpuid_count(7, 0);
        (l.ebx, l.ecx)
    } else {
        (0, 0)
    };
    let avx2 = avx && ymm_saved && ebx7 & (1 << 5) != 0;
    let avx512 = zmm_saved
        && ebx7 & (1 << 16) != 0 // AVX512F
        && ebx7 & (1 << 30) != 0 // AVX512BW
        && ebx7 & (1 << 31) != 0; // AVX512VL
    let vbmi = avx512 && ecx7 & (1 << 1) != 0;
    // VBMI2, and POPCNT (CPUID.1:ECX bit 23) for the whitespace decoder.
    let vbmi2 = avx512 && ecx7 & (1 << 6) != 0 && leaf1.ecx & (1 << 23) != 0;
    Features::from_flags(ssse3, avx2, vbmi, vbmi2, pclmul)
}

/// XCR0, the OS-enabled register state.
///
/// # Safety
///
/// CPUID.1:ECX.OSXSAVE (bit 27) must be set: the OS enabled XSAVE, so
/// `xgetbv` exists.
#[target_feature(enable = "xsave")]
unsafe fn xgetbv0() -> u64 {
    // SAFETY: xgetbv with ECX = 0 is defined whenever XSAVE is enabled,
    // which the caller guarantees.
    unsafe { core::arch::x86_64::_xgetbv(0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `no_std` probe must see what std sees.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not run cpuid")]
    fn cpuid_probe_agrees_with_std() {
        assert_eq!(probe_cpuid(), probe());
    }
}
