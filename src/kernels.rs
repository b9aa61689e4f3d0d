//! Which SIMD kernels besides base64's this build has, and which this CPU
//! runs: PNG's CRC-32, Adler-32 and row unfiltering. For reports and CI
//! logs (`pixb64 backends`); base64's are [`crate::base64::Backend`].
//!
//! ```
//! for k in pixb64::kernels::kernels() {
//!     let state = if k.available { "runs" } else { "not on this CPU" };
//!     println!("{} {}: {state}", k.task, k.isa);
//! }
//! ```

/// One kernel compiled into this build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Kernel {
    /// What it computes: `"CRC-32"`, `"Adler-32"` or `"PNG unfilter"`.
    pub task: &'static str,
    /// Its instruction set: `"pclmulqdq"`, `"avx2"`, `"sse2"`, `"neon"`.
    pub isa: &'static str,
    /// Whether this CPU runs it (and so the library uses it); where it does
    /// not, the portable code runs.
    pub available: bool,
}

/// Every such kernel of this build (none on targets without them), in a
/// fixed order.
pub fn kernels() -> impl Iterator<Item = Kernel> {
    #[allow(unused_mut)]
    let mut all: [Option<Kernel>; 4] = [None; 4];
    let k = |task, isa, available| {
        Some(Kernel {
            task,
            isa,
            available,
        })
    };
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        let f = crate::cpu::features();
        all[0] = k("CRC-32", "pclmulqdq", f.pclmul());
        all[1] = k("Adler-32", "avx2", f.avx2());
        #[cfg(all(feature = "png-read", not(pixb64_small)))]
        {
            all[2] = k("PNG unfilter", "sse2", true);
            all[3] = k("PNG unfilter", "avx2", f.avx2());
        }
    }
    #[cfg(all(
        target_arch = "aarch64",
        target_feature = "neon",
        feature = "png-read",
        not(pixb64_small)
    ))]
    {
        all[0] = k("PNG unfilter", "neon", true);
    }
    let _ = k;
    all.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    #[test]
    fn kernels_are_named_once() {
        let all: std::vec::Vec<_> = super::kernels().collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!a.task.is_empty() && !a.isa.is_empty());
            for b in &all[i + 1..] {
                assert!((a.task, a.isa) != (b.task, b.isa), "{a:?}");
            }
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2", feature = "std"))]
        assert_eq!(
            all[0].available,
            std::is_x86_feature_detected!("pclmulqdq") && std::is_x86_feature_detected!("sse4.1")
        );
    }
}
