//! An exact base64 codec (RFC 4648 and WHATWG forgiving-base64), `no_std`.
//!
//! A [`Base64`] value is a whole codec: alphabet, padding policy on each side,
//! and decoding leniency. It is `Copy` and `const`-constructible; the presets
//! cover the common cases:
//!
//! | preset | alphabet | encode writes `=` | decode accepts |
//! |---|---|---|---|
//! | [`STANDARD`] | `+/` | yes | canonical padding only, zero trailing bits |
//! | [`STANDARD_NO_PAD`] | `+/` | no | no `=` at all, zero trailing bits |
//! | [`URL_SAFE`] | `-_` | yes | like `STANDARD` |
//! | [`URL_SAFE_NO_PAD`] | `-_` | no | like `STANDARD_NO_PAD` |
//! | [`FORGIVING`] | `+/` | yes | WHATWG forgiving-base64: ASCII whitespace skipped, padding optional (canonical if present), trailing bits ignored |
//!
//! Which calls allocate:
//!
//! | call | allocates | feature |
//! |---|---|---|
//! | [`Base64::encode_to_slice`], [`Base64::decode_to_slice`], [`Base64::decode_in_place`], [`Base64::encode_wrapped_to_slice`], [`Encoder`], [`Decoder`] | never | none |
//! | [`Base64::encode`], [`Base64::encode_wrapped`] | one `String` of the exact length | `alloc` |
//! | [`Base64::decode`] | one `Vec` of [`Base64::decoded_len_max`] of the input length | `alloc` |
//! | [`Python::decode_to_slice`], [`PythonDecoder`] (Python's `b64decode` rules) | never | none |
//! | [`Python::decode`] | one `Vec` of [`Python::decoded_len_max`] of the input length | `alloc` |
//! | [`EncoderWriter`], [`DecoderReader`] | fixed buffers (a few KiB) at construction, never again | `std` |
//!
//! ```
//! use pixb64::base64::{STANDARD, FORGIVING};
//! assert_eq!(STANDARD.encode(b"foobar"), "Zm9vYmFy");
//! assert_eq!(STANDARD.decode("Zm9vYg==").unwrap(), b"foob");
//! assert_eq!(FORGIVING.decode(" Zm9v\nYg ").unwrap(), b"foob");
//! ```

#[allow(unsafe_code)] // the SIMD kernels (UNSAFE.md)
pub(crate) mod arch; // `png` reads its CPU features too
mod decoder;
#[allow(unsafe_code)] // calls the kernels after the CPU check (UNSAFE.md)
mod dispatch;
mod encoder;
mod error;
mod python;
mod scalar;
#[cfg(feature = "std")]
mod stream;
mod tables;

pub use decoder::Decoder;
pub use dispatch::Backend;
pub use encoder::Encoder;
pub use error::{DecodeError, OutputTooSmall};
pub use python::{Python, PythonDecoder, PythonError, PYTHON, PYTHON_URL_SAFE, PYTHON_VALIDATE};
#[cfg(feature = "std")]
pub use stream::{DecoderReader, EncoderWriter};
pub(crate) use tables::is_ascii_whitespace;

#[cfg(feature = "alloc")]
use alloc::{string::String, vec, vec::Vec};

/// The 64 symbols a codec uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alphabet {
    /// RFC 4648 §4: `A-Z a-z 0-9 + /`.
    Standard,
    /// RFC 4648 §5, URL and filename safe: `A-Z a-z 0-9 - _`.
    UrlSafe,
}

impl Alphabet {
    /// The 64 symbols, in value order.
    pub const fn symbols(self) -> &'static [u8; 64] {
        match self {
            Alphabet::Standard => tables::STANDARD_SYMBOLS,
            Alphabet::UrlSafe => tables::URL_SAFE_SYMBOLS,
        }
    }
}

/// What a decoder accepts at the end of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodePadding {
    /// Canonical `=` padding to a multiple of 4 symbols is required.
    Required,
    /// No `=` at all; a `=` is an invalid byte.
    Forbidden,
    /// Either no padding or canonical padding.
    Optional,
}

/// Line ending for [`Base64::encode_wrapped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineEnding {
    /// `\n` (PEM, most Unix tools).
    Lf,
    /// `\r\n` (MIME, RFC 2045).
    CrLf,
}

impl LineEnding {
    /// The bytes of the line ending.
    pub const fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
        }
    }
}

/// A base64 codec: alphabet, padding policy and decoding leniency, and
/// optionally a forced [`Backend`].
//
// Aligned to 4 so that copying one (into a `Decoder`, say) is two word moves,
// not a call to `memcpy` on targets without unaligned access (thumbv6m).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(align(4))]
pub struct Base64 {
    alphabet: Alphabet,
    encode_padding: bool,
    decode_padding: DecodePadding,
    skip_whitespace: bool,
    allow_trailing_bits: bool,
    backend: Option<Backend>,
}

/// The longest input any backend's small-input kernel takes
/// (`dispatch::small_decode_max`).
const SMALL_FAST_MAX: usize = 128;

/// Where the general decode path counts the bytes an input would need when
/// the output is full. Small tables mean a small target: a small stack.
const GENERAL_SCRATCH: usize = if cfg!(pixb64_small) { 48 } else { 768 };

/// The input [`Base64::decode_in_place`] copies aside at a time (small
/// tables: a small target, a small stack).
const IN_PLACE_SCRATCH: usize = if cfg!(pixb64_small) { 64 } else { 1024 };

/// RFC 4648 §4 with `=` padding; decoding is strict (canonical padding, zero trailing bits).
pub const STANDARD: Base64 = Base64::new(Alphabet::Standard);
/// RFC 4648 §4 without padding; decoding rejects `=`.
pub const STANDARD_NO_PAD: Base64 = STANDARD
    .with_encode_padding(false)
    .with_decode_padding(DecodePadding::Forbidden);
/// RFC 4648 §5 (URL-safe alphabet) with `=` padding, strict like [`STANDARD`].
pub const URL_SAFE: Base64 = Base64::new(Alphabet::UrlSafe);
/// RFC 4648 §5 without padding; decoding rejects `=`.
pub const URL_SAFE_NO_PAD: Base64 = URL_SAFE
    .with_encode_padding(false)
    .with_decode_padding(DecodePadding::Forbidden);
/// Decoding is WHATWG Infra "forgiving-base64 decode" (what `atob` and `data:`
/// URLs use); encoding is [`STANDARD`].
pub const FORGIVING: Base64 = STANDARD
    .with_decode_padding(DecodePadding::Optional)
    .with_whitespace_skipped(true)
    .with_trailing_bits_allowed(true);

impl Base64 {
    /// A strict padded codec over `alphabet` (like [`STANDARD`]).
    pub const fn new(alphabet: Alphabet) -> Base64 {
        Base64 {
            alphabet,
            encode_padding: true,
            decode_padding: DecodePadding::Required,
            skip_whitespace: false,
            allow_trailing_bits: false,
            backend: None,
        }
    }

    /// Whether encoding writes `=` padding.
    pub const fn with_encode_padding(mut self, pad: bool) -> Base64 {
        self.encode_padding = pad;
        self
    }

    /// What decoding accepts as padding.
    pub const fn with_decode_padding(mut self, padding: DecodePadding) -> Base64 {
        self.decode_padding = padding;
        self
    }

    /// Whether decoding skips ASCII whitespace (TAB, LF, FF, CR, SPACE)
    /// anywhere, as line-wrapped (MIME, PEM) input needs.
    pub const fn with_whitespace_skipped(mut self, skip: bool) -> Base64 {
        self.skip_whitespace = skip;
        self
    }

    /// Whether decoding accepts non-zero unused bits in the last symbol.
    pub const fn with_trailing_bits_allowed(mut self, allow: bool) -> Base64 {
        self.allow_trailing_bits = allow;
        self
    }

    /// The alphabet.
    pub const fn alphabet(&self) -> Alphabet {
        self.alphabet
    }

    /// Whether encoding writes `=` padding.
    pub const fn encode_padding(&self) -> bool {
        self.encode_padding
    }

    /// What decoding accepts as padding.
    pub const fn decode_padding(&self) -> DecodePadding {
        self.decode_padding
    }

    /// Whether decoding skips ASCII whitespace.
    pub const fn whitespace_skipped(&self) -> bool {
        self.skip_whitespace
    }

    /// Whether decoding accepts non-zero trailing bits.
    pub const fn trailing_bits_allowed(&self) -> bool {
        self.allow_trailing_bits
    }

    /// The forced backend, if any.
    pub const fn forced_backend(&self) -> Option<Backend> {
        self.backend
    }

    /// The backend calls on this codec use: the forced one, else [`Backend::detect`].
    #[inline]
    pub fn backend(&self) -> Backend {
        self.backend.unwrap_or_else(Backend::detect)
    }

    /// [`backend`](Self::backend) without the first detection: `None` until
    /// some call has detected the CPU.
    #[inline]
    fn backend_cached(&self) -> Option<Backend> {
        self.backend.or_else(Backend::detected)
    }

    /// This codec with `backend` forced, or `None` where this CPU lacks it.
    /// No global state changes.
    pub fn with_backend(self, backend: Backend) -> Option<Base64> {
        let backend = Some(backend.available()?);
        Some(Base64 { backend, ..self })
    }

    /// The exact encoded length of `n` bytes, or `None` if it overflows `usize`.
    pub const fn encoded_len(&self, n: usize) -> Option<usize> {
        let Some(full) = (n / 3).checked_mul(4) else {
            return None;
        };
        let tail = match (n % 3, self.encode_padding) {
            (0, _) => 0,
            (_, true) => 4,
            (rem, false) => rem + 1,
        };
        full.checked_add(tail)
    }

    /// An upper bound of the decoded length of `n` input bytes (exact for
    /// unpadded input without whitespace).
    pub const fn decoded_len_max(&self, n: usize) -> usize {
        (n / 4) * 3 + [0, 0, 1, 2][n % 4]
    }

    /// Encodes `input` into `output[..n]` and returns `n`. Writes nothing past
    /// `n`; fails, writing nothing, if `output` is shorter than [`encoded_len`](Self::encoded_len).
    #[inline]
    pub fn encode_to_slice(
        &self,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<usize, OutputTooSmall> {
        // With a whole-input kernel this is a tail call into it, which also
        // checks the length: a short encode pays for two jumps and the
        // kernel. The first call of all goes the long way round (it detects
        // the CPU), so that no call in the middle needs registers saved.
        match self.backend_cached() {
            Some(backend) if dispatch::has_encode_final(backend) => {
                self.encode_whole(backend, input, output)
            }
            _ => self.encode_blocks(input, output),
        }
    }

    /// [`encode_to_slice`](Self::encode_to_slice) with `backend`'s
    /// whole-input kernel.
    #[inline(always)]
    fn encode_whole(
        &self,
        backend: Backend,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<usize, OutputTooSmall> {
        dispatch::encode_final(backend, self.alphabet, input, self.encode_padding, output)
    }

    /// [`encode_to_slice`](Self::encode_to_slice) with a prefix kernel and
    /// the scalar tail (or, on the first call of all, which detects the CPU,
    /// with the whole-input kernel).
    #[inline(never)]
    fn encode_blocks(&self, input: &[u8], output: &mut [u8]) -> Result<usize, OutputTooSmall> {
        let backend = self.backend();
        if dispatch::has_encode_final(backend) {
            return self.encode_whole(backend, input, output);
        }
        let needed = self
            .encoded_len(input.len())
            .ok_or(OutputTooSmall { needed: usize::MAX })?;
        let Some(output) = output.get_mut(..needed) else {
            return Err(OutputTooSmall { needed });
        };
        let table = tables::enc(self.alphabet);
        let (r, w) = dispatch::encode_prefix(backend, self.alphabet, input, output);
        // (Small tables: the group loop and the tail only, for flash.)
        if !cfg!(pixb64_small) && input.len() >= 8 {
            scalar::encode_rest(table, input, r, self.encode_padding, &mut output[w..]);
            return Ok(needed);
        }
        let (r2, w2) = scalar::encode_prefix(table, &input[r..], &mut output[w..]);
        let (r, w) = (r + r2, w + w2);
        let t = scalar::encode_tail(table, &input[r..], self.encode_padding, &mut output[w..]);
        debug_assert_eq!(w + t, needed);
        Ok(needed)
    }

    /// Decodes `input` into `output[..n]` and returns `n`. Writes nothing past
    /// `n`. On error the contents of `output` are unspecified.
    #[inline]
    pub fn decode_to_slice(&self, input: &[u8], output: &mut [u8]) -> Result<usize, DecodeError> {
        // Small tables (a microcontroller): the general decoder alone, whose
        // loop runs the same group kernel; one call chain less of flash and
        // stack.
        if cfg!(pixb64_small) {
            return self.decode_general(input, output, (0, 0));
        }
        // A short clean text with a small-input kernel: one kernel call, in a
        // function small enough not to pay the general paths' stack frame.
        if (5..=SMALL_FAST_MAX).contains(&input.len()) {
            if let Some(backend) = self.backend_cached() {
                if !self.skip_whitespace {
                    if input.len() <= dispatch::small_decode_max(backend) {
                        if let Some(n) = self.decode_small_whole(backend, input, output) {
                            return Ok(n);
                        }
                    }
                } else if input.len() <= dispatch::short_ws_max(backend) {
                    // Whitespace anywhere (trailing too) is compacted away in
                    // registers; any error is the general path's to report.
                    return match dispatch::decode_short_ws(
                        backend,
                        self.alphabet,
                        input,
                        !self.allow_trailing_bits,
                        &|last| self.last_group_symbols(last),
                        output,
                    ) {
                        dispatch::Short::Done(n) => Ok(n),
                        // (`Clean` is only for texts under 5 bytes.)
                        dispatch::Short::Clean => self.decode_any(input, output),
                        dispatch::Short::General => self.decode_general(input, output, (0, 0)),
                    };
                }
            }
        }
        self.decode_any(input, output)
    }

    /// `input` (5 bytes or more, all of it no longer than
    /// `small_decode_max`) with the small-input kernel, padding split off
    /// here: `Some(written)`, or `None` for the other paths.
    #[inline]
    fn decode_small_whole(
        &self,
        backend: Backend,
        input: &[u8],
        output: &mut [u8],
    ) -> Option<usize> {
        let body = (input.len() - 1) / 4 * 4;
        let symbols = self.last_group_symbols(&input[body..])?;
        dispatch::decode_small(
            backend,
            self.alphabet,
            &input[..body + symbols],
            !self.allow_trailing_bits,
            output,
        )
    }

    /// [`decode_to_slice`](Self::decode_to_slice) but its short-text path.
    #[inline(never)]
    fn decode_any(&self, input: &[u8], output: &mut [u8]) -> Result<usize, DecodeError> {
        let backend = self.backend();
        let table = tables::dec(self.alphabet);
        let (r, w) = if self.skip_whitespace {
            match self.decode_fast_ws(backend, table, input, output) {
                Ok(n) => return Ok(n),
                Err(at) => at,
            }
        } else {
            match self.decode_fast(backend, table, input, output) {
                Ok(n) => return Ok(n),
                Err(at) => at,
            }
        };
        self.decode_general(input, output, (r, w))
    }

    /// The fast paths of [`decode_to_slice`](Self::decode_to_slice) alone:
    /// `Ok(written)`, or `Err((consumed, written))` of the prefix of whole
    /// valid groups (and skipped whitespace) where they stopped, for a
    /// caller with its own rules for the rest (`python`).
    pub(super) fn decode_fast_or_prefix(
        &self,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<usize, (usize, usize)> {
        let backend = self.backend();
        let table = tables::dec(self.alphabet);
        if self.skip_whitespace {
            self.decode_fast_ws(backend, table, input, output)
        } else {
            self.decode_fast(backend, table, input, output)
        }
    }

    /// The fast path of [`decode_to_slice`](Self::decode_to_slice) without
    /// whitespace: `Ok(written)`, or `Err((consumed, written))` of the valid
    /// prefix where the general path takes over.
    #[inline(always)]
    fn decode_fast(
        &self,
        backend: Backend,
        table: &tables::DecTable,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<usize, (usize, usize)> {
        let body = input.len().saturating_sub(1) / 4 * 4;
        // Fast path: the prefix kernel over all but the last 1..=4 bytes, then
        // an accept-only check of those. A backend with a small-input kernel
        // runs the prefix kernel over whole blocks of `small` (AVX-512: 128)
        // bytes only and hands the last 1..=`small` bytes to it, padding
        // split off here: then a short input is one kernel call with no
        // scalar tail.
        let small = dispatch::small_decode_max(backend);
        let head = match input.len().saturating_sub(1).checked_div(small) {
            Some(blocks) => blocks * small,
            None => body,
        };
        let (r, w) = if head == 0 {
            // (A short input: no kernel call for nothing.)
            (0, 0)
        } else {
            dispatch::decode_prefix(backend, self.alphabet, false, &input[..head], output)
        };
        if small != 0 && r == head {
            if let Some(symbols) = self.last_group_symbols(&input[body..]) {
                if let Some(n) = dispatch::decode_small(
                    backend,
                    self.alphabet,
                    &input[head..body + symbols],
                    !self.allow_trailing_bits,
                    &mut output[w..],
                ) {
                    return Ok(w + n);
                }
            }
        }
        let (c, o) = scalar::decode_prefix(table, &input[r..body], &mut output[w..]);
        let (r, w) = (r + c, w + o);
        if r == body {
            if let Some(tail) = self.decode_last(table, &input[body..], &mut output[w..]) {
                return Ok(w + tail);
            }
        }
        Err((r, w))
    }

    /// The fast path of [`decode_to_slice`](Self::decode_to_slice) with
    /// whitespace skipped: the prefix kernel over the whole input but its
    /// trailing whitespace (it skips whitespace between groups), then what it
    /// left: the last 1..=4 bytes, or with a small-input kernel up to 64
    /// bytes that hold no whitespace. `Ok(written)`, or `Err((consumed,
    /// written))` of the valid prefix where the general path takes over.
    #[inline(always)]
    fn decode_fast_ws(
        &self,
        backend: Backend,
        table: &tables::DecTable,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<usize, (usize, usize)> {
        let trailing = input
            .iter()
            .rev()
            .take_while(|&&b| is_ascii_whitespace(b))
            .count();
        let end = input.len() - trailing;
        if end <= dispatch::short_ws_max(backend) {
            // Short text: the whole decode in one kernel call, whitespace
            // taken out in registers. The general path takes any error from
            // the start, and reports it at its offset in `input`.
            match dispatch::decode_short_ws(
                backend,
                self.alphabet,
                &input[..end],
                !self.allow_trailing_bits,
                &|last| self.last_group_symbols(last),
                output,
            ) {
                dispatch::Short::Done(n) => return Ok(n),
                // No whitespace: the clean path (a prefix of `input`, so
                // its stopping point serves the general path as is).
                dispatch::Short::Clean => {
                    return self.decode_fast(backend, table, &input[..end], output)
                }
                dispatch::Short::General => return Err((0, 0)),
            }
        }
        let (r, w) = dispatch::decode_prefix(backend, self.alphabet, true, &input[..end], output);
        self.decode_short(backend, table, &input[r..end], &mut output[w..])
            .map(|k| w + k)
            .ok_or((r, w))
    }

    /// The last symbols of a whitespace-skipping decode, where they hold no
    /// whitespace: `Some(written)` where the fast paths decode them (none
    /// left, up to 4, or up to `small_decode_max`), `None` (unusual input,
    /// errors) for the general path.
    #[inline]
    fn decode_short(
        &self,
        backend: Backend,
        table: &tables::DecTable,
        rest: &[u8],
        output: &mut [u8],
    ) -> Option<usize> {
        if rest.is_empty() {
            // Whole groups and whitespace only.
            return Some(0);
        }
        if rest.len() <= 4 {
            return self.decode_last(table, rest, output);
        }
        if rest.len() > dispatch::small_decode_max(backend) {
            return None;
        }
        self.decode_small_whole(backend, rest, output)
    }

    /// The general path of [`decode_to_slice`](Self::decode_to_slice), from
    /// `(r, w)` where a fast path stopped: anything unusual (whitespace,
    /// errors, a short output) goes through the general decoder, which
    /// decides every error. Out of line: its scratch buffer would make every
    /// call set up a large stack frame.
    #[inline(never)]
    fn decode_general(
        &self,
        input: &[u8],
        output: &mut [u8],
        (r, w): (usize, usize),
    ) -> Result<usize, DecodeError> {
        let mut dec = Decoder::new_at(self, r);
        let (consumed, written) = dec.decode(&input[r..], &mut output[w..])?;
        let (consumed, written) = (r + consumed, w + written);
        if consumed == input.len() {
            return match dec.finish(&mut output[written..]) {
                Ok(tail) => Ok(written + tail),
                Err(DecodeError::OutputTooSmall { needed }) => Err(DecodeError::OutputTooSmall {
                    needed: written + needed,
                }),
                Err(e) => Err(e),
            };
        }
        // The output is full: validate the rest (errors come first) and count.
        let mut needed = written;
        let mut rest = &input[consumed..];
        let mut scratch = [0u8; GENERAL_SCRATCH];
        loop {
            let (c, w) = dec.decode(rest, &mut scratch)?;
            needed += w;
            rest = &rest[c..];
            if rest.is_empty() {
                break;
            }
        }
        needed += dec.finish(&mut scratch)?;
        Err(DecodeError::OutputTooSmall { needed })
    }

    /// Accepts the last 1..=4 bytes of an input whose groups before them all
    /// decoded: 2-4 alphabet symbols, then canonical padding (or none, where
    /// allowed). Only ever accepts; `None` leaves the verdict to [`Decoder`].
    #[inline(always)]
    fn decode_last(
        &self,
        table: &tables::DecTable,
        last: &[u8],
        output: &mut [u8],
    ) -> Option<usize> {
        let symbols = self.last_group_symbols(last)?;
        // Up to 4 symbols, left-aligned in 24 bits; top byte set if any is invalid.
        let mut group = 0;
        for (k, &c) in last[..symbols].iter().enumerate() {
            group |= table.shifted(k, c);
        }
        if group >> 24 != 0 {
            return None;
        }
        let tail = symbols - 1; // 2 symbols -> 1 byte, 3 -> 2, 4 -> 3
        let unused = [0u32, 0, 0xFFFF, 0xFF, 0][symbols]; // bits below the tail bytes
        if !self.allow_trailing_bits && group & unused != 0 {
            return None;
        }
        let dst = output.get_mut(..tail)?;
        // 1 to 3 bytes: the first, the middle and the last (no call to `memcpy`).
        let bytes = group.to_be_bytes();
        dst[0] = bytes[1];
        dst[tail / 2] = bytes[1 + tail / 2];
        dst[tail - 1] = bytes[tail];
        Some(tail)
    }

    /// How many of the last group's 1..=4 bytes are symbols, if its `=`s are
    /// placed as this codec's padding rule allows and at least 2 remain;
    /// `None` sends the input to the general path (which decides the error).
    #[inline]
    fn last_group_symbols(&self, last: &[u8]) -> Option<usize> {
        let pad = last.iter().rev().take_while(|&&b| b == b'=').count();
        let symbols = last.len() - pad;
        let padding_ok = match (pad, self.decode_padding) {
            (_, DecodePadding::Forbidden) => pad == 0,
            (0, DecodePadding::Required) => symbols == 4,
            (0, DecodePadding::Optional) => true,
            (_, _) => symbols + pad == 4,
        };
        (symbols >= 2 && padding_ok).then_some(symbols)
    }

    /// Decodes the base64 text in `buf` into `buf[..n]` and returns `n`,
    /// without another buffer. On error the contents of `buf` are unspecified.
    pub fn decode_in_place(&self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        // Each chunk of input is copied aside, then decoded into `buf[w..r + n]`.
        // The output never passes the input read so far (3 bytes per 4 symbols),
        // so the bound leaves every unread input byte untouched.
        let mut dec = Decoder::new(self);
        let mut scratch = [0u8; IN_PLACE_SCRATCH];
        let (mut r, mut w) = (0, 0);
        while r < buf.len() {
            let n = scratch.len().min(buf.len() - r);
            scratch[..n].copy_from_slice(&buf[r..r + n]);
            let (c, o) = dec.decode(&scratch[..n], &mut buf[w..r + n])?;
            debug_assert_eq!(c, n, "in-place output never outruns the input");
            r += c;
            w += o;
        }
        let tail = dec.finish(&mut buf[w..])?;
        Ok(w + tail)
    }

    /// The exact length of [`encode_wrapped`](Self::encode_wrapped) output, or
    /// `None` on overflow.
    pub const fn encoded_wrapped_len(
        &self,
        n: usize,
        line_len: usize,
        ending: LineEnding,
    ) -> Option<usize> {
        let Some(len) = self.encoded_len(n) else {
            return None;
        };
        if line_len == 0 || len == 0 {
            return Some(len);
        }
        let breaks = (len - 1) / line_len;
        let Some(extra) = breaks.checked_mul(ending.as_bytes().len()) else {
            return None;
        };
        len.checked_add(extra)
    }

    /// Encodes `input` as lines of `line_len` symbols separated by `ending`
    /// (no ending after the last line; `line_len == 0` means one line) into
    /// `output[..n]` and returns `n`.
    pub fn encode_wrapped_to_slice(
        &self,
        input: &[u8],
        line_len: usize,
        ending: LineEnding,
        output: &mut [u8],
    ) -> Result<usize, OutputTooSmall> {
        let needed = self
            .encoded_wrapped_len(input.len(), line_len, ending)
            .ok_or(OutputTooSmall { needed: usize::MAX })?;
        if output.len() < needed {
            return Err(OutputTooSmall { needed });
        }
        let len = self.encode_to_slice(input, output)?;
        if line_len == 0 || len == 0 {
            return Ok(len);
        }
        // Spread the lines out from the last to the first, so every move goes
        // right into space no unmoved line occupies.
        let eol = ending.as_bytes();
        let lines = len.div_ceil(line_len);
        for i in (1..lines).rev() {
            let src = i * line_len;
            let end = len.min(src + line_len);
            let dst = src + i * eol.len();
            output.copy_within(src..end, dst);
            output[dst - eol.len()..dst].copy_from_slice(eol);
        }
        Ok(needed)
    }

    /// Encodes `input` to a `String`.
    #[cfg(feature = "alloc")]
    pub fn encode(&self, input: impl AsRef<[u8]>) -> String {
        let input = input.as_ref();
        let len = self
            .encoded_len(input.len())
            .expect("encoded length overflows usize");
        // Encoded a piece at a time into a stack buffer that stays in L1,
        // checked there as UTF-8 (safe code cannot skip that check) and
        // appended: against encoding into a zeroed `Vec` and checking it
        // afterwards, this spares the zeroing pass and reads nothing back
        // from memory. Pieces are whole groups, so only the last one pads.
        // 16 KiB of stack with `std` (L1 holds it); 1 KiB without, where
        // the stack may be a few KiB.
        const PIECE: usize = if cfg!(feature = "std") { 12288 } else { 768 };
        let mut out = String::with_capacity(len);
        let mut buf = [0u8; PIECE / 3 * 4];
        for piece in input.chunks(PIECE) {
            let n = self
                .encode_to_slice(piece, &mut buf)
                .expect("a piece's groups fit the buffer");
            out.push_str(core::str::from_utf8(&buf[..n]).expect("base64 output is ASCII"));
        }
        debug_assert_eq!(out.len(), len);
        out
    }

    /// Encodes `input` as lines of `line_len` symbols separated by `ending`,
    /// with no ending after the last line (`line_len == 0`: one line).
    #[cfg(feature = "alloc")]
    pub fn encode_wrapped(
        &self,
        input: impl AsRef<[u8]>,
        line_len: usize,
        ending: LineEnding,
    ) -> String {
        let input = input.as_ref();
        let len = self
            .encoded_wrapped_len(input.len(), line_len, ending)
            .expect("encoded length overflows usize");
        let mut out = vec![0u8; len];
        let n = self
            .encode_wrapped_to_slice(input, line_len, ending, &mut out)
            .expect("buffer has the encoded length");
        debug_assert_eq!(n, len);
        String::from_utf8(out).expect("base64 output is ASCII")
    }

    /// Decodes `input` into a new `Vec`, allocating at most
    /// [`decoded_len_max`](Self::decoded_len_max)`(input.len())` bytes.
    #[cfg(feature = "alloc")]
    pub fn decode(&self, input: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
        let input = input.as_ref();
        let max = self.decoded_len_max(input.len());
        // 12 KiB of stack with `std` (L1 holds it), as in `encode`.
        const PIECE: usize = 12 * 1024;
        if !cfg!(feature = "std") || input.len() < 2 * PIECE {
            let mut out = vec![0u8; max];
            let n = self.decode_to_slice(input, &mut out)?;
            out.truncate(n);
            return Ok(out);
        }
        // A long text: decoded a piece at a time into a stack buffer and
        // appended, which spares zeroing `max` bytes first. The streaming
        // decoder gives `decode_to_slice`'s bytes and errors by
        // construction.
        let mut out = Vec::with_capacity(max);
        let mut dec = Decoder::new(self);
        let mut buf = [0u8; PIECE];
        let mut r = 0;
        while r < input.len() {
            let (c, w) = dec.decode(&input[r..], &mut buf)?;
            out.extend_from_slice(&buf[..w]);
            r += c;
            // With 12 KiB of room the decoder always takes some input.
            debug_assert_ne!(c, 0, "the decoder took nothing");
            if c == 0 {
                break;
            }
        }
        let t = dec.finish(&mut buf)?;
        out.extend_from_slice(&buf[..t]);
        Ok(out)
    }
}
