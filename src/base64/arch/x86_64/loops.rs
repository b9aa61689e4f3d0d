//! The block loops of the SSSE3 and AVX2 kernels, written once: the decode
//! loop (`decode_blocks`), the decode of one block up to its first
//! non-symbol (`decode_partial`) and the encode loop (`encode_blocks`).
//!
//! Each is the same algorithm on both vector widths; what differs is the
//! vector type, the block sizes and the primitives, and every one of those
//! must be compiled with its ISA's `#[target_feature]` so that it inlines
//! into the loop. A generic function cannot carry a target feature chosen by
//! its type parameter, so [`block_loops!`] pastes the loops into each ISA
//! module, where their names resolve to that module's items (as
//! `line_loops!` in `lines.rs` does for the line-wrapped loop). An instance
//! is the code that was written out by hand before, so it compiles to the
//! same machine code.
//!
//! What stays per ISA are the primitives: the "ISA-width twins", the same
//! step at two widths (AVX2's byte shuffle works within 128-bit lanes, so
//! its loads and stores place and join the lanes, which SSSE3's need not).
//!
//! The invoking module provides:
//! - `V` (a vector of `DEC_IN` bytes), `DEC_IN`, `DEC_OUT`, `ENC_IN`,
//!   `ENC_OUT`, `UNROLL`, `DecLuts` and `Luts` (with `Luts::new`);
//! - `WIDE_FROM` (0 or 1): the first block `load_wide` may take (AVX2's
//!   reads 4 bytes before its block, so block 0 loads exactly);
//! - for decode: `load(p)` reading `p .. p + DEC_IN`; `load_partial(input)`
//!   (the first `DEC_IN` bytes, or of a shorter input its whole groups and
//!   zeros); `classify`, `all_nonzero`, `zero_bytes`, `pack`,
//!   `pack_joined` (`pack` with the block's `DEC_OUT` bytes together at the
//!   front) and `translate_symbols`; `store(p, v)` writing `p .. p +
//!   DEC_IN`, `store_packed(p, v)` writing `p .. p + DEC_OUT + 4` (the
//!   block's bytes and 4 of junk) and `store_exact(p, v)` writing `p .. p +
//!   DEC_OUT`;
//! - for encode: `ENC_STANDARD`, `ENC_URL_SAFE` and `splat`;
//!   `load_wide(p)` reading `p - 4 WIDE_FROM .. p + ENC_IN + 4`,
//!   `load_exact(p)` reading `p .. p + ENC_IN`, `store(p, v)` writing `p ..
//!   p + ENC_OUT` (`ENC_OUT == DEC_IN`, one vector) and `encode_block`;
//!
//! and names as macro arguments its target feature and the intrinsics for an
//! all-zero vector, a vector of one byte repeated, and the bytewise unsigned
//! minimum.

/// Defines `decode_blocks`, `decode_partial` and `encode_blocks` in the
/// invoking ISA module (see the module docs for what that module provides).
macro_rules! block_loops {
    (
        feature: $feature:literal,
        zero: $zero:ident,
        set1_epi8: $set1_epi8:ident,
        min_epu8: $min_epu8:ident $(,)?
    ) => {
        /// The decode loop.
        ///
        /// A round of [`UNROLL`] blocks is classified as a whole before
        /// anything is stored; then every block but the last stores its
        /// `DEC_OUT` bytes and 4 of garbage that the next block overwrites,
        /// and the last stores exactly `DEC_OUT`. A round that meets a
        /// non-symbol falls through to the block-at-a-time loop, which
        /// stores exactly and stops before the block that holds it. Returns
        /// `(consumed, written, whether every whole block was decoded)`.
        #[target_feature(enable = $feature)]
        #[inline]
        fn decode_blocks(t: &DecLuts, input: &[u8], output: &mut [u8]) -> (usize, usize, bool) {
            let blocks = (input.len() / DEC_IN).min(output.len() / DEC_OUT);
            if blocks == 0 {
                return (0, 0, true);
            }
            let luts = Luts::new(t);
            let src = input.as_ptr();
            let dst = output.as_mut_ptr();
            let mut i = 0;
            while i + UNROLL <= blocks {
                let mut v = [$zero(); UNROLL];
                let mut index = [$zero(); UNROLL];
                let mut ok = $set1_epi8(-1);
                for k in 0..UNROLL {
                    // SAFETY: i + k < blocks: input[DEC_IN (i+k) ..][..DEC_IN]
                    // is in bounds.
                    v[k] = unsafe { load(src.add((i + k) * DEC_IN)) };
                    let (x, o) = classify(v[k], &luts);
                    index[k] = x;
                    ok = $min_epu8(ok, o);
                }
                if !all_nonzero(ok) {
                    break;
                }
                for k in 0..UNROLL {
                    let out = pack(translate_symbols(v[k], index[k], &luts));
                    let p = dst.wrapping_add((i + k) * DEC_OUT);
                    if k + 1 < UNROLL {
                        // SAFETY: writes output[DEC_OUT (i+k) .. DEC_OUT (i+k+1) + 4],
                        // inside the round's output[DEC_OUT i .. DEC_OUT (i + UNROLL)]
                        // (i + UNROLL <= blocks); the 4 bytes past this block's
                        // DEC_OUT are the next block's, which this round stores next.
                        unsafe { store_packed(p, out) };
                    } else {
                        // SAFETY: i + k < blocks: output[DEC_OUT (i+k) ..][..DEC_OUT]
                        // is in bounds.
                        unsafe { store_exact(p, out) };
                    }
                }
                i += UNROLL;
            }
            while i < blocks {
                // SAFETY: i < blocks: input[DEC_IN i ..][..DEC_IN] is in bounds.
                let v = unsafe { load(src.add(i * DEC_IN)) };
                let (index, ok) = classify(v, &luts);
                if !all_nonzero(ok) {
                    break;
                }
                let out = pack(translate_symbols(v, index, &luts));
                // SAFETY: i < blocks: output[DEC_OUT i ..][..DEC_OUT] is in bounds.
                unsafe { store_exact(dst.add(i * DEC_OUT), out) };
                i += 1;
            }
            (i * DEC_IN, i * DEC_OUT, i == blocks)
        }

        /// Decodes the whole groups of the first (at most) [`DEC_IN`] bytes
        /// of `input` that come before the first byte that is not a symbol,
        /// as many as fit in `output`, and stores exactly their bytes.
        /// Returns `(consumed, written)`. Of a window cut short by the end of
        /// `input`, it reads only whole groups ([`load_partial`]).
        #[target_feature(enable = $feature)]
        #[inline]
        fn decode_partial(t: &DecLuts, input: &[u8], output: &mut [u8]) -> (usize, usize) {
            let v = load_partial(input);
            let luts = Luts::new(t);
            let (index, ok) = classify(v, &luts);
            // Past a short input the bytes are zero, which is not a symbol.
            let p = (zero_bytes(ok) | (1 << DEC_IN)).trailing_zeros() as usize;
            let g = (p / 4).min(output.len() / 3);
            if g > 0 {
                // One store and loads inside it (that the store can forward to).
                let mut buf = [0u8; DEC_IN];
                let out = pack_joined(translate_symbols(v, index, &luts));
                // SAFETY: `buf` is DEC_IN bytes, one vector, what `store` writes.
                unsafe { store(buf.as_mut_ptr(), out) };
                arch::copy_short(&mut output[..3 * g], &buf[..3 * g]);
            }
            (4 * g, 3 * g)
        }

        /// The encode loop: as many whole blocks of `input` as fit in
        /// `output`, `ENC_IN` bytes to `ENC_OUT` symbols each. Returns
        /// `(consumed, written)`.
        ///
        /// A block's wide load ([`load_wide`]) reads 4 bytes after the block
        /// (and 4 before it where [`WIDE_FROM`] is 1: AVX2 places each
        /// lane's 12 bytes that way); block 0 then, and a last block too
        /// close to the end, load exactly their `ENC_IN` bytes instead.
        #[target_feature(enable = $feature)]
        #[inline]
        fn encode_blocks(alphabet: Alphabet, input: &[u8], output: &mut [u8]) -> (usize, usize) {
            const { assert!(WIDE_FROM <= 1) };
            let blocks = (input.len() / ENC_IN).min(output.len() / ENC_OUT);
            if blocks == 0 {
                return (0, 0);
            }
            let lut = splat(match alphabet {
                Alphabet::Standard => &ENC_STANDARD,
                Alphabet::UrlSafe => &ENC_URL_SAFE,
            });
            // Block j may load wide iff ENC_IN j + ENC_IN + 4 <= input.len(),
            // i.e. j < wide_end (and j >= WIDE_FROM).
            let wide_end = (input.len().saturating_sub(4) / ENC_IN).min(blocks);
            let src = input.as_ptr();
            let dst = output.as_mut_ptr();

            let mut i = 0;
            if WIDE_FROM == 1 {
                // SAFETY: blocks >= 1: input[..ENC_IN] and output[..ENC_OUT]
                // are in bounds.
                unsafe { store(dst, encode_block(load_exact(src), lut)) };
                i = 1;
            }
            while i + UNROLL <= wide_end {
                for k in i..i + UNROLL {
                    // SAFETY: WIDE_FROM <= k < wide_end <= blocks: the load
                    // reads input[ENC_IN k - 4 WIDE_FROM .. ENC_IN k + ENC_IN + 4]
                    // (k >= WIDE_FROM, and k < wide_end), the store writes
                    // output[ENC_OUT k ..][..ENC_OUT] (k < blocks).
                    unsafe {
                        let v = load_wide(src.add(k * ENC_IN));
                        store(dst.add(k * ENC_OUT), encode_block(v, lut));
                    }
                }
                i += UNROLL;
            }
            while i < wide_end {
                // SAFETY: as above, for the single block i.
                unsafe {
                    let v = load_wide(src.add(i * ENC_IN));
                    store(dst.add(i * ENC_OUT), encode_block(v, lut));
                }
                i += 1;
            }
            // At most one block: wide_end is blocks, or
            // input.len() < ENC_IN wide_end + ENC_IN + 4.
            while i < blocks {
                // SAFETY: i < blocks: input[ENC_IN i ..][..ENC_IN] and
                // output[ENC_OUT i ..][..ENC_OUT] are in bounds.
                unsafe {
                    let v = load_exact(src.add(i * ENC_IN));
                    store(dst.add(i * ENC_OUT), encode_block(v, lut));
                }
                i += 1;
            }
            (blocks * ENC_IN, blocks * ENC_OUT)
        }
    };
}

pub(super) use block_loops;
