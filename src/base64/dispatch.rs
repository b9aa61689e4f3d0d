//! Backends and their selection.

use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

pub(crate) use super::arch::Short;
#[allow(unused_imports)] // only the SIMD arms name `arch`
use super::arch::{self, Kernels};
use super::tables::{self, is_ascii_whitespace};
use super::{scalar, Alphabet, OutputTooSmall};

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
    /// Every backend, best last. A slice, so that a new backend (the enum is
    /// `#[non_exhaustive]`) does not change a public type.
    pub const ALL: &'static [Backend] = &[
        Backend::Scalar,
        Backend::Ssse3,
        Backend::Avx2,
        Backend::Avx512Vbmi,
        Backend::Neon,
        Backend::Simd128,
    ];

    /// The best backend available on this CPU. The first call probes the CPU;
    /// the answer is cached in an atomic, so later calls are one load.
    #[inline]
    pub fn detect() -> Backend {
        let cached = DETECTED.load(Ordering::Relaxed);
        if let Some(b) = Backend::from_index(cached) {
            return b;
        }
        Backend::probe()
    }

    /// `self` where this CPU runs it.
    #[inline]
    pub(crate) fn available(self) -> Option<Backend> {
        self.is_available().then_some(self)
    }

    /// The cached [`detect`](Self::detect), or `None` before the first.
    #[inline]
    pub(crate) fn detected() -> Option<Backend> {
        Backend::from_index(DETECTED.load(Ordering::Relaxed))
    }

    /// The first `detect`: out of line, so the cached path stays a load and a compare.
    #[cold]
    #[inline(never)]
    fn probe() -> Backend {
        let mut best = Backend::Scalar;
        for &b in Backend::ALL {
            if b.is_available() {
                best = b;
            }
        }
        #[cfg(feature = "std")]
        if let Some(b) = Backend::from_env() {
            best = b;
        }
        DETECTED.store(best as u8, Ordering::Relaxed);
        best
    }

    /// Whether this backend is compiled in and this CPU runs it.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Scalar => true,
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            Backend::Ssse3 => crate::cpu::features().ssse3(),
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            Backend::Avx2 => crate::cpu::features().avx2(),
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            Backend::Avx512Vbmi => crate::cpu::features().avx512_vbmi(),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Backend::Neon => true,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Backend::Simd128 => true,
            #[allow(unreachable_patterns)] // every arm is reachable on some target
            _ => false,
        }
    }

    /// With `std`, `PIXB64_BACKEND=<name>` (e.g. `ssse3`) makes `detect`
    /// return that backend instead, if this CPU runs it; any other value is
    /// ignored. Read once, at the first `detect`. It is how CI runs the whole
    /// suite once per backend, and how a user rules out a backend in the field.
    #[cfg(feature = "std")]
    fn from_env() -> Option<Backend> {
        let v = std::env::var_os("PIXB64_BACKEND")?;
        let v = v.to_str()?;
        Backend::ALL
            .iter()
            .copied()
            .find(|b| b.name() == v && b.is_available())
    }

    #[inline]
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

// The kernels' callers. Every `backend` handed to these comes from
// `Base64::backend()`: either `Backend::detect()` or a backend forced through
// `Base64::with_backend`, and both only ever yield a backend whose
// `is_available()` is true, and `kernels` gives that backend's table. That
// is the bound every `SAFETY` below names: the CPU has the table's features
// (the AVX-512 table checks VBMI2 itself before its whitespace kernels).

impl Backend {
    /// This backend's kernel table (see `arch`): one `static` per backend,
    /// found by one indexed load.
    #[inline(always)]
    pub(crate) fn kernels(self) -> &'static Kernels {
        TABLES[self as usize]
    }
}

/// The kernel tables in [`Backend`]'s order (`NONE` for backends not built
/// for this target).
static TABLES: [&Kernels; 6] = [
    &Kernels::NONE,
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    &arch::x86_64::ssse3::KERNELS,
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    &arch::x86_64::avx2::KERNELS,
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    &arch::x86_64::avx512::KERNELS,
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    &Kernels::NONE,
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    &Kernels::NONE,
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    &Kernels::NONE,
    #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
    &arch::aarch64::neon::KERNELS,
    #[cfg(not(all(target_arch = "aarch64", target_feature = "neon")))]
    &Kernels::NONE,
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    &arch::wasm32::simd128::KERNELS,
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    &Kernels::NONE,
];

/// Runs `backend`'s encode kernel (see the contract in `arch`); `(0, 0)`
/// where it has none.
#[inline]
pub(crate) fn encode_prefix(
    backend: Backend,
    alphabet: Alphabet,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    match backend.kernels().encode_prefix {
        // SAFETY: the table of an available backend (see above).
        Some(k) => unsafe { k(alphabet, input, output) },
        None => (0, 0),
    }
}

/// Whether `backend` has a whole-input encode kernel ([`encode_final`]).
#[inline]
pub(crate) fn has_encode_final(backend: Backend) -> bool {
    backend.kernels().encode_final.is_some()
}

/// `Base64::encode_to_slice` with `backend`'s whole-input kernel: encodes all
/// of `input` (tail and padding included) into `output[..n]` and returns
/// `Ok(n)`, or `Err` if `output` is short. Call only where
/// [`has_encode_final`] says there is one; elsewhere this encodes nothing and
/// returns `Err` with `needed: usize::MAX`.
#[inline]
pub(crate) fn encode_final(
    backend: Backend,
    alphabet: Alphabet,
    input: &[u8],
    pad: bool,
    output: &mut [u8],
) -> Result<usize, OutputTooSmall> {
    match backend.kernels().encode_final {
        // SAFETY: the table of an available backend (see above).
        Some(k) => unsafe { k(alphabet, input, pad, output) },
        None => {
            debug_assert!(false, "{backend:?} has no encode_final");
            Err(OutputTooSmall { needed: usize::MAX })
        }
    }
}

/// The longest input `decode_small` takes for `backend` (0: it has none).
#[inline]
pub(crate) fn small_decode_max(backend: Backend) -> usize {
    backend.kernels().small_max
}

/// Decodes 2..=`small_decode_max` symbols (the caller split off the padding)
/// in one step, where the backend can: `Some(written)`, or `None` and the
/// caller takes the general path, which decides every error.
#[inline]
pub(crate) fn decode_small(
    backend: Backend,
    alphabet: Alphabet,
    symbols: &[u8],
    check_trailing: bool,
    output: &mut [u8],
) -> Option<usize> {
    let k = backend.kernels().decode_small?;
    // SAFETY: the table of an available backend (see above).
    unsafe { k(alphabet, symbols, check_trailing, output) }
}

/// The longest text [`decode_short_ws`] takes for `backend` (0: it has none).
#[inline]
pub(crate) fn short_ws_max(backend: Backend) -> usize {
    backend.kernels().short_ws_max
}

/// A whole whitespace-skipping decode of a short text, where the backend has
/// one (`short_ws_max`). `last_group` is the codec's padding rule (see
/// `arch::x86_64::avx512`).
#[inline]
pub(crate) fn decode_short_ws(
    backend: Backend,
    alphabet: Alphabet,
    input: &[u8],
    check_trailing: bool,
    last_group: &dyn Fn(&[u8]) -> Option<usize>,
    output: &mut [u8],
) -> Short {
    match backend.kernels().decode_short_ws {
        // SAFETY: the table of an available backend (see above).
        Some(k) => unsafe { k(alphabet, input, check_trailing, last_group, output) },
        None => Short::General,
    }
}

/// Runs `backend`'s decode kernel (see the contract in `arch`). With
/// `skip_ws`, a backend that has a whitespace-skipping kernel
/// (`decode_prefix_skip_ws`: SSSE3 and AVX2 skip whitespace between groups,
/// AVX-512 with VBMI2 anywhere) runs it; the others decode as without it
/// (whitespace then stops them, and the scalar code skips it).
#[inline]
pub(crate) fn decode_prefix(
    backend: Backend,
    alphabet: Alphabet,
    skip_ws: bool,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    let t = backend.kernels();
    let k = match t.decode_prefix_skip_ws {
        Some(k) if skip_ws => Some(k),
        _ => t.decode_prefix,
    };
    match k {
        // SAFETY: the table of an available backend (see above).
        Some(k) => unsafe { k(alphabet, input, output) },
        None => (0, 0),
    }
}

/// Whole groups of plain base64 from the start of `input`, as the streaming
/// decoders take them between groups: with `skip_ws`, the whitespace before
/// the first group (a line break between groups, skipped here rather than one
/// byte per trip through the caller's slow path), then `backend`'s kernel,
/// then the scalar group loop for what the kernel left (its tail, or all of
/// it on a backend without one). Returns `(consumed, written)`; `written` is
/// 3 bytes per group. It stops before the first byte that is not a symbol of
/// a whole group (whitespace inside the text, padding, an invalid byte, a
/// group cut short) or when `output` has room for no further group: the
/// caller's byte rules take over there.
#[inline]
pub(crate) fn decode_whole_groups(
    backend: Backend,
    alphabet: Alphabet,
    skip_ws: bool,
    input: &[u8],
    output: &mut [u8],
) -> (usize, usize) {
    let mut r = 0;
    if skip_ws {
        while input.get(r).is_some_and(|&b| is_ascii_whitespace(b)) {
            r += 1;
        }
    }
    let (c, o) = decode_prefix(backend, alphabet, skip_ws, &input[r..], output);
    let (c2, o2) = scalar::decode_prefix(tables::dec(alphabet), &input[r + c..], &mut output[o..]);
    (r + c + c2, o + o2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TABLES` follows the enum's order: each backend this CPU runs has its
    /// own table (the SIMD ones with both common kernels), and the x86 ones
    /// and NEON have the small-input slots (SSSE3, AVX2 and NEON not in the
    /// small form).
    #[test]
    fn each_backend_has_its_own_table() {
        assert_eq!(TABLES.len(), Backend::ALL.len());
        for (i, &b) in Backend::ALL.iter().enumerate() {
            assert_eq!(b as usize, i);
            if !b.is_available() {
                continue;
            }
            let k = b.kernels();
            let simd = b != Backend::Scalar;
            assert_eq!(k.encode_prefix.is_some(), simd, "{b}");
            assert_eq!(k.decode_prefix.is_some(), simd, "{b}");
            // (SSSE3, AVX2 and NEON leave them out of the small form.)
            let small = b == Backend::Avx512Vbmi
                || (!cfg!(pixb64_small)
                    && matches!(b, Backend::Ssse3 | Backend::Avx2 | Backend::Neon));
            assert_eq!(k.small_max > 0, small, "{b}");
            assert_eq!(k.encode_final.is_some(), small, "{b}");
            for &o in Backend::ALL {
                if o != b && o.is_available() {
                    assert!(!core::ptr::eq(k, o.kernels()), "{b} and {o} share a table");
                }
            }
        }
    }
}
