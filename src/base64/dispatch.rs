//! Backends and their selection.

use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// An implementation of the codec's hot loops.
///
/// Every backend gives the same bytes and the same errors at the same offsets:
/// kernels only ever process whole, valid blocks and leave everything else to
/// the scalar code. [`Backend::Scalar`] is portable and always available; the
/// SIMD backends are added per instruction set and report themselves through
/// [`is_available`](Self::is_available).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Portable safe Rust (12-bit encode tables, SWAR decode).
    Scalar,
    /// x86_64 SSSE3.
    Ssse3,
    /// x86_64 AVX2.
    Avx2,
    /// x86_64 AVX-512 VBMI.
    Avx512Vbmi,
    /// aarch64 NEON.
    Neon,
    /// wasm32 simd128.
    Simd128,
}

impl Backend {
    /// Every backend, best last.
    pub const ALL: [Backend; 6] = [
        Backend::Scalar,
        Backend::Ssse3,
        Backend::Avx2,
        Backend::Avx512Vbmi,
        Backend::Neon,
        Backend::Simd128,
    ];

    /// The best backend available on this CPU. The first call probes the CPU;
    /// the answer is cached in an atomic, so later calls are one load.
    pub fn detect() -> Backend {
        let cached = DETECTED.load(Ordering::Relaxed);
        if let Some(b) = Backend::from_index(cached) {
            return b;
        }
        let mut best = Backend::Scalar;
        for b in Backend::ALL {
            if b.is_available() {
                best = b;
            }
        }
        DETECTED.store(best as u8, Ordering::Relaxed);
        best
    }

    /// Whether this backend is compiled in and this CPU runs it.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Scalar => true,
            // The SIMD kernels come with their own modules; until a backend has
            // one, it is not available anywhere.
            Backend::Ssse3
            | Backend::Avx2
            | Backend::Avx512Vbmi
            | Backend::Neon
            | Backend::Simd128 => false,
        }
    }

    fn from_index(i: u8) -> Option<Backend> {
        Backend::ALL.get(usize::from(i)).copied()
    }

    /// A short lowercase name (`"scalar"`, `"avx2"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Ssse3 => "ssse3",
            Backend::Avx2 => "avx2",
            Backend::Avx512Vbmi => "avx512vbmi",
            Backend::Neon => "neon",
            Backend::Simd128 => "simd128",
        }
    }
}

/// `Backend as u8` of the detected backend, or `u8::MAX` before the first probe.
static DETECTED: AtomicU8 = AtomicU8::new(u8::MAX);

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
