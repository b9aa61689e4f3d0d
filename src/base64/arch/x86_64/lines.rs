//! The whitespace-skipping decode of the SSSE3 and AVX2 kernels
//! (`decode_prefix_skip_ws`) and its line-wrapped loop, written once.
//!
//! Both are the same algorithm on both vector widths; what differs is the
//! vector type, the block sizes and the primitives, and every one of those
//! must be compiled with its ISA's `#[target_feature]` so that it inlines
//! into the loop. A generic function cannot carry a target feature chosen by
//! its type parameter, so [`line_loops!`] pastes them into each ISA
//! module, where their names resolve to that module's items (as aklomp/base64
//! includes one loop body with per-ISA stage names). An instance is the code
//! that was written out by hand before, so it compiles to the same machine
//! code.
//!
//! The invoking module provides:
//! - `decode_prefix` (its whole-block decode), `decode_partial` (a block up
//!   to its first non-symbol: `loops.rs`), `DEC_STANDARD` and
//!   `DEC_URL_SAFE`;
//! - `V`, `DEC_IN`, `DEC_OUT`, `DecLuts` and `Luts` (with `Luts::new`);
//! - `LineTail` (SSSE3's, which both widths share: a tail is at most 12
//!   symbols, one 128-bit vector);
//! - `load(p)` reading `p .. p + DEC_IN`; `classify`, `all_nonzero`, `pack`
//!   and `translate_symbols`;
//! - `store_packed(p, v)` writing `p .. p + DEC_OUT + 4` (the block's bytes
//!   and 4 of junk) and `store_exact(p, v)` writing `p .. p + DEC_OUT`;
//!
//! and names as macro arguments its target feature and the intrinsics for an
//! all-zero vector, a vector of one byte repeated, and the bytewise unsigned
//! minimum.

/// Defines `decode_prefix_skip_ws`, `LINE_BLOCKS`, `lines_fit`,
/// `decode_lines` and `lines_of` in the invoking ISA module (see the module
/// docs for what that module provides).
macro_rules! line_loops {
    (
        feature: $feature:literal,
        zero: $zero:ident,
        set1_epi8: $set1_epi8:ident,
        min_epu8: $min_epu8:ident $(,)?
    ) => {
        /// Decodes a prefix of whole groups of 4 symbols with ASCII whitespace
        /// (TAB, LF, FF, CR, SPACE) between groups skipped; `consumed` counts
        /// the skipped whitespace.
        ///
        /// `consumed` ends after the last symbol of the last decoded group or
        /// after whitespace that follows it, and `written == symbols / 4 * 3`.
        /// It stops before the first byte that is neither a symbol nor
        /// whitespace, before whitespace inside a group, or when `output` is
        /// full.
        ///
        /// Clean blocks go through [`decode_prefix`]; the block where it stops
        /// is decoded up to its first non-symbol ([`decode_partial`]), and
        /// whitespace there, on a group boundary, is stepped over. Once a line
        /// of symbols and its break (LF or CR LF) has gone by, the lines after
        /// it that have the same length and break go a line at a time
        /// ([`decode_lines`]).
        #[target_feature(enable = $feature)]
        pub(crate) fn decode_prefix_skip_ws(
            alphabet: Alphabet,
            input: &[u8],
            output: &mut [u8],
        ) -> (usize, usize) {
            let t = match alphabet {
                Alphabet::Standard => &DEC_STANDARD,
                Alphabet::UrlSafe => &DEC_URL_SAFE,
            };
            let (mut r, mut w) = (0, 0);
            // Where the current line started (after the last whitespace).
            let mut line_start = 0;
            loop {
                let (c, o) = decode_prefix(alphabet, &input[r..], &mut output[w..]);
                (r, w) = (r + c, w + o);
                let (c, o) = decode_partial(t, &input[r..], &mut output[w..]);
                (r, w) = (r + c, w + o);
                // Whitespace here is on a group boundary, after every symbol
                // decoded so far: step over it. Anything else ends the prefix.
                if r == input.len() || !crate::base64::tables::is_ascii_whitespace(input[r]) {
                    return (r, w);
                }
                let ws_start = r;
                while r < input.len() && crate::base64::tables::is_ascii_whitespace(input[r]) {
                    r += 1;
                }
                let line = ws_start - line_start;
                let eol = match &input[ws_start..r] {
                    b"\n" => 1,
                    b"\r\n" => 2,
                    _ => 0,
                };
                if eol != 0 && lines_fit(line) && r + line + eol <= input.len() {
                    (r, w) = decode_lines(t, input, output, (r, w), line, eol);
                }
                line_start = r;
            }
        }

        /// The most blocks a line of [`decode_lines`] holds.
        const LINE_BLOCKS: usize = 4;

        /// Whether [`decode_lines`] takes lines of `line` symbols: 1 to
        /// [`LINE_BLOCKS`] blocks, a tail of at most 12 symbols (one SSSE3
        /// vector: see [`LineTail`]), and at least 16 bytes of output (the
        /// tail's store).
        #[inline(always)]
        fn lines_fit(line: usize) -> bool {
            (1..=LINE_BLOCKS).contains(&(line / DEC_IN))
                && line % DEC_IN <= 12
                && line / 4 * 3 >= 16
        }

        /// Line-wrapped input from `(r, w)` on a line start: lines of `line`
        /// symbols (see [`lines_fit`]), each followed by the same `eol`-byte
        /// line break (LF or CR LF), as MIME (76) and PEM (64) write them, a
        /// line at a time; see [`lines_of`]. Returns where it stopped, on a
        /// line start.
        #[target_feature(enable = $feature)]
        #[inline(never)]
        fn decode_lines(
            t: &DecLuts,
            input: &[u8],
            output: &mut [u8],
            (r, w): (usize, usize),
            line: usize,
            eol: usize,
        ) -> (usize, usize) {
            debug_assert!(lines_fit(line) && line.is_multiple_of(4) && (1..=2).contains(&eol));
            match line / DEC_IN {
                1 => lines_of::<1>(t, input, output, (r, w), line, eol),
                2 => lines_of::<2>(t, input, output, (r, w), line, eol),
                3 => lines_of::<3>(t, input, output, (r, w), line, eol),
                _ => lines_of::<4>(t, input, output, (r, w), line, eol),
            }
        }

        /// [`decode_lines`] for lines of `BLOCKS` blocks and a tail of
        /// `line % DEC_IN` symbols. A line is checked whole (its blocks, its
        /// tail and its break) before anything is stored. The tail goes
        /// first, as the last bytes of a 16-byte store that ends where the
        /// line's output does; the blocks then store over the junk before
        /// them.
        #[target_feature(enable = $feature)]
        #[inline]
        fn lines_of<const BLOCKS: usize>(
            t: &DecLuts,
            input: &[u8],
            output: &mut [u8],
            (mut r, mut w): (usize, usize),
            line: usize,
            eol: usize,
        ) -> (usize, usize) {
            let out_line = line / 4 * 3;
            let luts = Luts::new(t);
            let tail = LineTail::new(t, line % DEC_IN);
            // The bytes one line reads: through its break, and through the
            // tail's 16.
            let span = if tail.symbols > 0 {
                (line + eol).max(BLOCKS * DEC_IN + 16)
            } else {
                line + eol
            };
            let src = input.as_ptr();
            let dst = output.as_mut_ptr();
            while r + span <= input.len() && w + out_line <= output.len() {
                if input[r + line + eol - 1] != b'\n' || (eol == 2 && input[r + line] != b'\r') {
                    break;
                }
                let mut v = [$zero(); BLOCKS];
                let mut index = [$zero(); BLOCKS];
                let mut ok = $set1_epi8(-1);
                for k in 0..BLOCKS {
                    // SAFETY: reads input[r + DEC_IN k .. r + DEC_IN (k + 1)],
                    // within the line: k < BLOCKS = line / DEC_IN, and
                    // r + line < r + span <= input.len().
                    v[k] = unsafe { load(src.add(r + k * DEC_IN)) };
                    let (x, o) = classify(v[k], &luts);
                    index[k] = x;
                    ok = $min_epu8(ok, o);
                }
                if !all_nonzero(ok) {
                    break;
                }
                if tail.symbols > 0 {
                    // SAFETY: the tail's 16 bytes end within r + span <= input.len().
                    let Some(last) = (unsafe { tail.decode(src.add(r + BLOCKS * DEC_IN)) }) else {
                        break;
                    };
                    // SAFETY: writes output[w + out_line - 16 .. w + out_line]:
                    // out_line >= 16 (`lines_fit`) and w + out_line <= output.len().
                    // The tail's bytes end it; the blocks below store over the
                    // junk before them.
                    unsafe { LineTail::store_end(dst.add(w + out_line), last) };
                }
                for k in 0..BLOCKS {
                    let out = pack(translate_symbols(v[k], index[k], &luts));
                    let p = dst.wrapping_add(w + k * DEC_OUT);
                    if k + 1 < BLOCKS {
                        // SAFETY: writes output[w + DEC_OUT k .. w + DEC_OUT (k + 1) + 4],
                        // within the line's output (block k + 1 follows); the 4
                        // bytes past this block's DEC_OUT are the next block's,
                        // stored next.
                        unsafe { store_packed(p, out) };
                    } else {
                        // SAFETY: writes output[w + DEC_OUT k .. w + DEC_OUT (k + 1)],
                        // within the line's output (w + out_line <= output.len()),
                        // and up to the tail's bytes.
                        unsafe { store_exact(p, out) };
                    }
                }
                r += line + eol;
                w += out_line;
            }
            (r, w)
        }
    };
}

pub(super) use line_loops;
