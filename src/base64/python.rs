//! Python's `base64.b64decode` rules (`binascii.a2b_base64`, CPython 3.11),
//! `no_std` and allocation-free: the one implementation behind the Python
//! package's `b64decode` and the CLI's `decode --lenient`.
//!
//! What Python does, and so what this does:
//!
//! - `altchars` are translated to `+` and `/` first (`bytes.translate`), so
//!   with `-_` both alphabets are read (`urlsafe_b64decode`).
//! - Without `validate`, bytes that are neither alphabet symbols nor `=` are
//!   discarded, wherever they are.
//! - A `=` counts only once 2 or more symbols of a group of 4 are in; once
//!   the `=`s complete that group, decoding stops and the rest of the input
//!   is ignored (with `validate`, anything after it is an error).
//! - Non-zero trailing bits in the last symbol are accepted.
//! - At the end, a group cut after 1 symbol is an error, and one cut after
//!   2 or 3 symbols without its padding is too ("Incorrect padding").
//!
//! Canonical text (and, without `validate`, canonical text with ASCII
//! whitespace anywhere) goes through the crate's SIMD decoder as a whole;
//! everything else through the kernels between whole groups and a byte
//! loop for the rest.
//!
//! ```
//! use pixb64::base64::{PythonError, PYTHON, PYTHON_VALIDATE};
//! let mut out = [0u8; 8];
//! let n = PYTHON.decode_to_slice(b"aGVs!bG8=junk", &mut out).unwrap();
//! assert_eq!(&out[..n], b"hello");
//! assert_eq!(
//!     PYTHON_VALIDATE.decode_to_slice(b"aGVs!bG8=", &mut out),
//!     Err(PythonError::InvalidByte { offset: 4, byte: b'!' })
//! );
//! ```

use core::fmt;

use super::tables;
use super::{dispatch, Alphabet, Backend, DecodePadding, SMALL_FAST_MAX, STANDARD, URL_SAFE};

#[cfg(feature = "alloc")]
use alloc::{vec, vec::Vec};

/// Python's `base64.b64decode(s, altchars, validate)` as a codec: `Copy`,
/// `const`-constructible, like [`Base64`](super::Base64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Python {
    altchars: [u8; 2],
    validate: bool,
    padding_optional: bool,
    backend: Option<Backend>,
}

/// `base64.b64decode(s)` (and `standard_b64decode`).
pub const PYTHON: Python = Python::new();
/// `base64.b64decode(s, validate=True)`.
pub const PYTHON_VALIDATE: Python = PYTHON.with_validate(true);
/// `base64.urlsafe_b64decode(s)`: `-` and `_` read as `+` and `/` (which are
/// read too).
pub const PYTHON_URL_SAFE: Python = PYTHON.with_altchars(*b"-_");

/// Translated input the arbitrary-altchars path decodes at a time (small
/// tables: a small target, a small stack).
const TRANSLATE_SCRATCH: usize = if cfg!(pixb64_small) { 64 } else { 512 };
/// Output scratch where [`Python::decode_to_slice`] counts the bytes of an
/// input whose output did not fit.
const COUNT_SCRATCH: usize = if cfg!(pixb64_small) { 48 } else { 768 };

impl Python {
    /// `base64.b64decode(s)`: altchars `+/`, not validating.
    pub const fn new() -> Python {
        Python {
            altchars: *b"+/",
            validate: false,
            padding_optional: false,
            backend: None,
        }
    }

    /// `altchars`: the two bytes read as `+` and `/` (translated first, the
    /// second winning where they are equal, as `bytes.maketrans` does).
    pub const fn with_altchars(mut self, altchars: [u8; 2]) -> Python {
        self.altchars = altchars;
        self
    }

    /// `validate=True`: only alphabet symbols and canonically placed `=`,
    /// nothing after the padding (CPython 3.11's `strict_mode`).
    pub const fn with_validate(mut self, validate: bool) -> Python {
        self.validate = validate;
        self
    }

    /// Not Python's: a last group of 2 or 3 symbols without its `=` padding
    /// is accepted instead of being "Incorrect padding" (`pixb64 decode
    /// --lenient --no-pad`).
    pub const fn with_padding_optional(mut self, optional: bool) -> Python {
        self.padding_optional = optional;
        self
    }

    /// This codec with `backend` forced (as
    /// [`Base64::with_backend`](super::Base64::with_backend)), or `None`
    /// where this CPU lacks it. No global state changes.
    pub fn with_backend(self, backend: Backend) -> Option<Python> {
        let backend = Some(backend.available()?);
        Some(Python { backend, ..self })
    }

    /// The forced backend, if any.
    pub const fn forced_backend(&self) -> Option<Backend> {
        self.backend
    }

    /// The backend calls on this codec use: the forced one, else
    /// [`Backend::detect`].
    #[inline]
    pub fn backend(&self) -> Backend {
        self.backend.unwrap_or_else(Backend::detect)
    }

    /// The altchars.
    pub const fn altchars(&self) -> [u8; 2] {
        self.altchars
    }

    /// Whether this is `validate=True`.
    pub const fn validate(&self) -> bool {
        self.validate
    }

    /// Whether unpadded last groups are accepted (not Python's rule).
    pub const fn padding_optional(&self) -> bool {
        self.padding_optional
    }

    /// An upper bound of the decoded length of `n` input bytes: every
    /// 4 symbols give 3 bytes at most.
    pub const fn decoded_len_max(&self, n: usize) -> usize {
        (n / 4) * 3 + [0, 0, 1, 2][n % 4]
    }

    /// The alphabet of the SIMD kernels for these altchars, and whether
    /// the slow path translates `-_` itself; `None` where the input must be
    /// translated before any kernel sees it.
    const fn kernel(&self) -> Option<Alphabet> {
        match &self.altchars {
            b"+/" => Some(Alphabet::Standard),
            b"-_" => Some(Alphabet::UrlSafe),
            _ => None,
        }
    }

    /// Decodes `input` into `output[..n]` and returns `n`: the bytes Python
    /// gives, or its error. Writes nothing past `n`; on error the contents of
    /// `output` are unspecified. An `output` of
    /// [`decoded_len_max`](Self::decoded_len_max)`(input.len())` bytes is
    /// always enough; a shorter one that is too short gives
    /// [`PythonError::OutputTooSmall`] with the exact length (after any
    /// error of the input itself).
    pub fn decode_to_slice(&self, input: &[u8], output: &mut [u8]) -> Result<usize, PythonError> {
        let (mut dec, mut r, mut w) = (PythonDecoder::new(self), 0, 0);
        if let Some(alphabet) = self.kernel() {
            // Every text this strict codec accepts, Python decodes to the
            // same bytes: whole groups, canonical `=` at the end and nothing
            // after it (whitespace anywhere where Python discards it), with
            // the trailing bits ignored as Python ignores them. Where it
            // stops, the text before is whole groups of symbols (and
            // whitespace), which Python reads the same way: the byte rules
            // take over from there, nothing decoded twice.
            let mut fast = match alphabet {
                Alphabet::Standard => STANDARD,
                Alphabet::UrlSafe => URL_SAFE,
            }
            .with_decode_padding(DecodePadding::Required)
            .with_trailing_bits_allowed(true)
            .with_whitespace_skipped(!self.validate);
            fast.backend = self.backend;
            // A short text: the crate's whole short-input dispatch (one
            // kernel call); where it fails, the byte rules start over, which
            // for at most `SMALL_FAST_MAX` bytes costs less than finding
            // where it stopped.
            let tried = if input.len() <= SMALL_FAST_MAX {
                fast.decode_to_slice(input, output).map_err(|_| (0, 0))
            } else {
                fast.decode_fast_or_prefix(input, output)
            };
            match tried {
                Ok(n) => return Ok(n),
                Err((r0, w0)) => {
                    (r, w) = (r0, w0);
                    dec = PythonDecoder::new_at(self, r0, w0 / 3 * 4);
                }
            }
        }
        let (c, o) = dec.decode(&input[r..], &mut output[w..])?;
        (r, w) = (r + c, w + o);
        if r == input.len() {
            dec.finish()?;
            return Ok(w);
        }
        // The output is full: the rest is checked (its errors come first)
        // and counted.
        let mut needed = w;
        let mut scratch = [0u8; COUNT_SCRATCH];
        while r < input.len() {
            let (c, o) = dec.decode(&input[r..], &mut scratch)?;
            r += c;
            needed += o;
        }
        dec.finish()?;
        Err(PythonError::OutputTooSmall { needed })
    }

    /// Decodes `input` into a new `Vec`, allocating at most
    /// [`decoded_len_max`](Self::decoded_len_max)`(input.len())` bytes.
    #[cfg(feature = "alloc")]
    pub fn decode(&self, input: impl AsRef<[u8]>) -> Result<Vec<u8>, PythonError> {
        let input = input.as_ref();
        let mut out = vec![0u8; self.decoded_len_max(input.len())];
        let n = self.decode_to_slice(input, &mut out)?;
        out.truncate(n);
        Ok(out)
    }
}

impl Default for Python {
    fn default() -> Python {
        Python::new()
    }
}

/// Why Python's `b64decode` rejects an input. Offsets count every input
/// byte. The first four arise only with `validate`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PythonError {
    /// The input starts with `=` (Python: "Leading padding not allowed").
    LeadingPadding,
    /// A byte that is neither an alphabet symbol nor `=` (Python: "Only
    /// base64 data is allowed").
    InvalidByte {
        /// Offset of the byte.
        offset: usize,
        /// The byte, as in the input (before any altchars translation).
        byte: u8,
    },
    /// A byte after the `=` that completed the last group (Python: "Excess
    /// data after padding").
    ExcessData {
        /// Offset of the first such byte.
        offset: usize,
    },
    /// An alphabet symbol after a `=` (Python: "Discontinuous padding not
    /// allowed").
    DiscontinuousPadding {
        /// Offset of the symbol.
        offset: usize,
    },
    /// The number of alphabet symbols is 1 more than a multiple of 4
    /// (Python: "Invalid base64-encoded string: number of data characters
    /// (`symbols`) cannot be 1 more than a multiple of 4").
    InvalidLength {
        /// Length of the whole input.
        len: usize,
        /// How many alphabet symbols it holds.
        symbols: usize,
    },
    /// The last group has 2 or 3 symbols and not the `=` to complete it
    /// (Python: "Incorrect padding").
    IncorrectPadding {
        /// Length of the whole input.
        len: usize,
        /// The symbols of the last group (2 or 3).
        held: u8,
    },
    /// The output slice is too small for this (otherwise valid) input.
    OutputTooSmall {
        /// The exact decoded length.
        needed: usize,
    },
}

impl PythonError {
    /// The input offset the error points at (the input length for errors
    /// of its end; 0 for [`OutputTooSmall`](Self::OutputTooSmall)).
    pub fn offset(&self) -> usize {
        match *self {
            PythonError::LeadingPadding | PythonError::OutputTooSmall { .. } => 0,
            PythonError::InvalidByte { offset, .. }
            | PythonError::ExcessData { offset }
            | PythonError::DiscontinuousPadding { offset } => offset,
            PythonError::InvalidLength { len, .. } | PythonError::IncorrectPadding { len, .. } => {
                len
            }
        }
    }
}

impl fmt::Display for PythonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PythonError::LeadingPadding => f.write_str("leading padding at offset 0"),
            PythonError::InvalidByte { offset, byte } => {
                write!(f, "invalid byte 0x{byte:02x} at offset {offset}")
            }
            PythonError::ExcessData { offset } => {
                write!(f, "data after the padding at offset {offset}")
            }
            PythonError::DiscontinuousPadding { offset } => {
                write!(f, "symbol after padding at offset {offset}")
            }
            PythonError::InvalidLength { symbols, .. } => write!(
                f,
                "the number of data characters ({symbols}) is 1 more than a multiple of 4"
            ),
            PythonError::IncorrectPadding { held, .. } => write!(
                f,
                "incorrect padding: the last group has {held} symbols and no '=' to complete it"
            ),
            PythonError::OutputTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for PythonError {}

/// Python's rules over input that comes in pieces: the mirror of
/// [`Decoder`](super::Decoder), allocation-free.
///
/// Feed input with [`decode`](Self::decode), then call
/// [`finish`](Self::finish) once it has ended. Bytes are written as soon as
/// their symbols are in (as CPython writes them), so nothing is held back
/// for `finish` to write. The bytes and errors are those of
/// [`Python::decode_to_slice`] on the concatenated input, whatever the split.
///
/// ```
/// use pixb64::base64::{PythonDecoder, PYTHON};
/// let mut dec = PythonDecoder::new(&PYTHON);
/// let mut out = [0u8; 16];
/// let (_, a) = dec.decode(b"aGVs\nbG8", &mut out).unwrap();
/// let (_, b) = dec.decode(b"=!", &mut out[a..]).unwrap();
/// dec.finish().unwrap();
/// assert_eq!(&out[..a + b], b"hello");
/// assert!(dec.is_done());
/// ```
#[derive(Clone, Debug)]
pub struct PythonDecoder {
    config: Python,
    /// The unused bits of the last symbol (CPython's `leftchar`).
    left: u8,
    /// Symbols of the current group (0..=3).
    quad: u8,
    /// `=` seen since the last symbol, counted from the group's 3rd symbol on.
    pads: u8,
    /// Any `=` seen (for validate's "Discontinuous padding").
    padding_started: bool,
    /// The padding has completed a group: the rest of the input is ignored.
    done: bool,
    /// Alphabet symbols seen.
    symbols: usize,
    /// Input bytes consumed.
    pos: usize,
}

impl PythonDecoder {
    /// A decoder at the start of its input.
    pub const fn new(config: &Python) -> PythonDecoder {
        PythonDecoder::new_at(config, 0, 0)
    }

    /// A decoder that has consumed `pos` bytes holding `symbols` symbols in
    /// whole groups (and, without validate, whitespace): where the strict
    /// fast path stopped.
    const fn new_at(config: &Python, pos: usize, symbols: usize) -> PythonDecoder {
        PythonDecoder {
            config: *config,
            left: 0,
            quad: 0,
            pads: 0,
            padding_started: false,
            done: false,
            symbols,
            pos,
        }
    }

    /// Input bytes consumed so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Whether padding has ended the data: the rest of the input is ignored
    /// (or, with validate, is an error).
    pub const fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes as much of `input` as fits in `output` and returns
    /// `(consumed, written)`. It stops early only when `output` is full;
    /// call again with the rest. Writes at most one byte per symbol
    /// consumed, and only `output[..written]`.
    pub fn decode(
        &mut self,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<(usize, usize), PythonError> {
        if let Some(alphabet) = self.config.kernel() {
            return self.run(alphabet, input, output);
        }
        // Other altchars: translated a piece at a time (what the kernels
        // read must be one of the two alphabets), then decoded as standard
        // base64 (the translation is not applied twice: it is not
        // idempotent, `/+` for one).
        let (mut r, mut w) = (0, 0);
        let start = self.pos;
        let [a0, a1] = self.config.altchars;
        let mut scratch = [0u8; TRANSLATE_SCRATCH];
        while r < input.len() {
            let n = scratch.len().min(input.len() - r);
            for (t, &b) in scratch.iter_mut().zip(&input[r..r + n]) {
                *t = translate(b, a0, a1);
            }
            // (`run` advances `pos`, so its offsets count from the start.)
            let (c, o) = self
                .run(Alphabet::Standard, &scratch[..n], &mut output[w..])
                .map_err(|e| match e {
                    // The byte as the caller gave it.
                    PythonError::InvalidByte { offset, .. } => PythonError::InvalidByte {
                        offset,
                        byte: input[offset - start],
                    },
                    e => e,
                })?;
            r += c;
            w += o;
            if c < n {
                break;
            }
        }
        Ok((r, w))
    }

    /// [`decode`](Self::decode) over input in `alphabet` (for the URL-safe
    /// one, `+` and `/` are read too): the kernels between whole groups,
    /// the byte rules for everything else.
    fn run(
        &mut self,
        alphabet: Alphabet,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<(usize, usize), PythonError> {
        let backend = self.config.backend();
        let std_table = tables::dec(Alphabet::Standard);
        let validate = self.config.validate;
        // Without validate every non-symbol is discarded, whitespace too:
        // the kernels may skip it.
        let skip_ws = !validate;
        let (mut r, mut w) = (0, 0);
        loop {
            if self.done {
                if validate && r < input.len() {
                    return Err(PythonError::ExcessData {
                        offset: self.pos + r,
                    });
                }
                r = input.len();
                break;
            }
            // Between groups (and, with validate, before any `=`, after
            // which a symbol is an error) whole groups are plain base64.
            if self.quad == 0 && !(validate && self.padding_started) {
                let (c, o) = dispatch::decode_whole_groups(
                    backend,
                    alphabet,
                    skip_ws,
                    &input[r..],
                    &mut output[w..],
                );
                r += c;
                w += o;
                self.symbols += o / 3 * 4;
            }
            let Some(&byte) = input.get(r) else { break };
            let at = self.pos + r;
            let b = if alphabet == Alphabet::UrlSafe {
                translate(byte, b'-', b'_')
            } else {
                byte
            };
            if b == b'=' {
                if validate && at == 0 {
                    return Err(PythonError::LeadingPadding);
                }
                self.padding_started = true;
                if self.quad >= 2 {
                    self.pads += 1;
                    self.done = self.quad + self.pads >= 4;
                }
                r += 1;
                continue;
            }
            let v = std_table.value(b);
            if v >= 64 {
                if validate {
                    return Err(PythonError::InvalidByte { offset: at, byte });
                }
                r += 1;
                continue;
            }
            if validate && self.padding_started {
                return Err(PythonError::DiscontinuousPadding { offset: at });
            }
            let v = v as u8;
            // CPython's switch: a byte is written as soon as its bits are in.
            let out = match self.quad {
                0 => {
                    self.left = v;
                    None
                }
                1 => Some((self.left << 2) | (v >> 4)),
                2 => Some((self.left << 4) | (v >> 2)),
                _ => Some((self.left << 6) | v),
            };
            if let Some(o) = out {
                let Some(dst) = output.get_mut(w) else { break };
                *dst = o;
                w += 1;
                self.left = v & [0, 0x0f, 0x03, 0][usize::from(self.quad)];
            }
            self.quad = (self.quad + 1) % 4;
            self.pads = 0;
            self.symbols += 1;
            r += 1;
        }
        self.pos += r;
        Ok((r, w))
    }

    /// Ends the input: checks its last group. Does not change the decoder.
    pub fn finish(&self) -> Result<(), PythonError> {
        if self.done {
            return Ok(());
        }
        match self.quad {
            0 => Ok(()),
            1 => Err(PythonError::InvalidLength {
                len: self.pos,
                symbols: self.symbols,
            }),
            _ if self.config.padding_optional => Ok(()),
            held => Err(PythonError::IncorrectPadding {
                len: self.pos,
                held,
            }),
        }
    }
}

/// `bytes.translate(bytes.maketrans(bytes([a0, a1]), b"+/"))` on one byte.
#[inline]
const fn translate(b: u8, a0: u8, a1: u8) -> u8 {
    if b == a1 {
        b'/'
    } else if b == a0 {
        b'+'
    } else {
        b
    }
}

// The tests build expected outputs in `Vec`s and call `decode`; the code
// they cover is the same without `alloc`.
#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// CPython 3.11's `base64.b64decode` written plainly: the translation,
    /// then `binascii.a2b_base64`'s loop over the whole input, with this
    /// module's error values.
    fn reference(config: &Python, input: &[u8]) -> Result<Vec<u8>, PythonError> {
        let [a0, a1] = config.altchars;
        let s: Vec<u8> = input
            .iter()
            .map(|&b| match b {
                _ if b == a1 => b'/',
                _ if b == a0 => b'+',
                _ => b,
            })
            .collect();
        let strict = config.validate;
        if strict && s.first() == Some(&b'=') {
            return Err(PythonError::LeadingPadding);
        }
        let value = |c: u8| STANDARD.alphabet().symbols().iter().position(|&x| x == c);
        let mut out = Vec::new();
        let (mut quad, mut pads, mut left, mut started, mut symbols) = (0, 0, 0u8, false, 0);
        for (i, &c) in s.iter().enumerate() {
            if c == b'=' {
                started = true;
                if quad >= 2 {
                    pads += 1;
                    if quad + pads >= 4 {
                        if strict && i + 1 < s.len() {
                            return Err(PythonError::ExcessData { offset: i + 1 });
                        }
                        return Ok(out);
                    }
                }
                continue;
            }
            let Some(v) = value(c) else {
                if strict {
                    return Err(PythonError::InvalidByte {
                        offset: i,
                        byte: input[i],
                    });
                }
                continue;
            };
            if strict && started {
                return Err(PythonError::DiscontinuousPadding { offset: i });
            }
            let v = v as u8;
            pads = 0;
            symbols += 1;
            match quad {
                0 => left = v,
                1 => {
                    out.push(left << 2 | v >> 4);
                    left = v & 0xf;
                }
                2 => {
                    out.push(left << 4 | v >> 2);
                    left = v & 3;
                }
                _ => out.push(left << 6 | v),
            }
            quad = (quad + 1) % 4;
        }
        match quad {
            0 => Ok(out),
            1 => Err(PythonError::InvalidLength {
                len: s.len(),
                symbols,
            }),
            _ if config.padding_optional => Ok(out),
            held => Err(PythonError::IncorrectPadding {
                len: s.len(),
                held: held as u8,
            }),
        }
    }

    /// A fixed-seed xorshift: the same inputs on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const CONFIGS: [Python; 9] = [
        PYTHON,
        PYTHON_VALIDATE,
        PYTHON_URL_SAFE,
        PYTHON_URL_SAFE.with_validate(true),
        PYTHON.with_padding_optional(true),
        PYTHON.with_altchars(*b"/+"),
        PYTHON.with_altchars(*b"ab").with_validate(true),
        PYTHON.with_altchars(*b"=="),
        PYTHON.with_altchars(*b"+a"),
    ];

    /// Every way in: the slice form with a large, an exact and a short
    /// output, the `Vec` form, and the streaming form over several splits.
    fn check(config: &Python, input: &[u8]) {
        let want = reference(config, input);
        let got = config.decode(input);
        assert_eq!(got, want, "{config:?} {}", input.escape_ascii());
        if let Ok(v) = &want {
            let mut exact = vec![0u8; v.len()];
            assert_eq!(config.decode_to_slice(input, &mut exact), Ok(v.len()));
            assert_eq!(&exact, v);
            if !v.is_empty() {
                let mut short = vec![0u8; v.len() - 1];
                assert_eq!(
                    config.decode_to_slice(input, &mut short),
                    Err(PythonError::OutputTooSmall { needed: v.len() })
                );
            }
        }
        for split in [1, 3, 7, input.len() / 2 + 1] {
            let mut dec = PythonDecoder::new(config);
            let mut out = vec![0u8; input.len()];
            let (mut r, mut w) = (0, 0);
            let streamed = loop {
                let end = input.len().min(r + split);
                match dec.decode(&input[r..end], &mut out[w..]) {
                    Ok((c, o)) => {
                        assert_eq!(c, end - r, "an output of input.len() bytes is never full");
                        r += c;
                        w += o;
                    }
                    Err(e) => break Err(e),
                }
                if r == input.len() {
                    break dec.finish().map(|()| out[..w].to_vec());
                }
            };
            assert_eq!(streamed, want, "split {split}: {config:?} {input:?}");
        }
    }

    #[test]
    fn known_cpython_cases() {
        // (input, base64.b64decode(input)), CPython 3.11.
        let ok: &[(&[u8], &[u8])] = &[
            (b"aGVsbG8=", b"hello"),
            (b"aGVsbG9=", b"hello"),
            (b"YQ==YWJj", b"a"),
            (b"=YQ==", b"a"),
            (b"Y=Q==", b"a"),
            (b"YQ=a=", b"a\x06"),
            (b"YW=Jj", b"abc"),
            (b"aG!Vs bG8=", b"hello"),
            (b"====", b""),
            (b"Zh==", b"f"),
            (b"YQ==\x00garbage", b"a"),
            (b"Y\xc3\xa9WJj", b"abc"),
        ];
        for &(input, want) in ok {
            assert_eq!(PYTHON.decode(input).as_deref(), Ok(want), "{input:?}");
        }
        assert_eq!(
            PYTHON.decode("aGVsbG8"),
            Err(PythonError::IncorrectPadding { len: 7, held: 3 })
        );
        assert_eq!(
            PYTHON.decode("Zm9v!Y"),
            Err(PythonError::InvalidLength { len: 6, symbols: 5 })
        );
        assert_eq!(
            PYTHON_VALIDATE.decode("=YQ=="),
            Err(PythonError::LeadingPadding)
        );
        assert_eq!(
            PYTHON_VALIDATE.decode("YQ==YQ=="),
            Err(PythonError::ExcessData { offset: 4 })
        );
        assert_eq!(
            PYTHON_VALIDATE.decode("YQ=a="),
            Err(PythonError::DiscontinuousPadding { offset: 3 })
        );
        assert_eq!(
            PYTHON_VALIDATE.decode("YQ\n=="),
            Err(PythonError::InvalidByte {
                offset: 2,
                byte: b'\n'
            })
        );
        assert_eq!(PYTHON_VALIDATE.decode("aGVsbG9="), Ok(b"hello".to_vec()));
        assert_eq!(
            PYTHON_URL_SAFE.decode("_-8=\n+/8="),
            Ok(b"\xff\xef".to_vec())
        );
        assert_eq!(
            PYTHON.with_padding_optional(true).decode("YQ"),
            Ok(b"a".to_vec())
        );
    }

    #[test]
    fn matches_the_reference_on_mutated_text() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let junk: &[u8] = b"=  \n\r\t!-_+/\x00\xff.=A";
        // Under Miri (CI's scalar job) a sample: every case there runs
        // interpreted, 9 configs and 5 ways each.
        let rounds = if cfg!(miri) { 8 } else { 3000 };
        for round in 0..rounds {
            let len = match round % 4 {
                0 => rng.below(8),
                1 => rng.below(64),
                2 if cfg!(miri) => rng.below(64),
                2 => rng.below(300),
                _ if cfg!(miri) => rng.below(64),
                _ => rng.below(3000),
            };
            let raw: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let base = if rng.below(2) == 0 {
                STANDARD
            } else {
                URL_SAFE
            };
            let mut text = base.encode(&raw).into_bytes();
            // 0-3 mutations: a junk byte inserted or replacing one, a byte
            // deleted, the text cut short, or line breaks every 76.
            for _ in 0..rng.below(4) {
                let at = rng.below(text.len() + 1);
                match rng.below(5) {
                    0 => text.insert(at, junk[rng.below(junk.len())]),
                    1 if at < text.len() => text[at] = junk[rng.below(junk.len())],
                    2 if at < text.len() => {
                        text.remove(at);
                    }
                    3 => text.truncate(at),
                    _ => {
                        text = text
                            .chunks(76)
                            .flat_map(|l| l.iter().copied().chain(*b"\n"))
                            .collect()
                    }
                }
            }
            for config in &CONFIGS {
                check(config, &text);
            }
        }
    }

    #[test]
    fn matches_the_reference_on_random_bytes() {
        let mut rng = Rng(42);
        // Mostly alphabet symbols and `=`, so that some decode.
        let pool: &[u8] = b"AQgw+/-_==== \n\x80";
        for _ in 0..if cfg!(miri) { 16 } else { 5000 } {
            let len = rng.below(40);
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    if rng.below(8) == 0 {
                        rng.next() as u8
                    } else {
                        pool[rng.below(pool.len())]
                    }
                })
                .collect();
            for config in &CONFIGS {
                check(config, &text);
            }
        }
    }
}
