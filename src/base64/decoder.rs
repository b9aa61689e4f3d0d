//! The resumable decoder: one state machine under every decoding call
//! (one-shot, in place, streaming), so they all agree on bytes, errors and
//! offsets by construction.
//!
//! The fast path runs only between whole groups of four symbols; everything
//! unusual (whitespace, padding, an invalid byte, a group split across calls)
//! goes one byte at a time through [`Decoder::slow_byte`], which is where every
//! error is decided.

use super::error::DecodeError;
use super::tables::{self, is_ascii_whitespace, DecTable};
use super::{dispatch, Base64, DecodePadding};

/// A `no_std`, allocation-free decoder that takes its input in pieces: the
/// mirror of [`Encoder`](super::Encoder).
///
/// Feed input with [`decode`](Self::decode) as often as needed, then call
/// [`finish`](Self::finish) once the input has ended: it checks the end of the
/// input (length, trailing bits, padding) and writes the last 1-2 bytes.
/// Between calls the decoder holds the 0-3 symbols of an unfinished group. The
/// bytes and errors are exactly those of [`Base64::decode_to_slice`] on the
/// concatenated input, whatever the split, with offsets counted from the start
/// of the whole input.
///
/// ```
/// use pixb64::base64::{Decoder, STANDARD};
/// let mut dec = Decoder::new(&STANDARD);
/// let mut out = [0u8; 16];
/// let (_, a) = dec.decode(b"aGVsbG8s", &mut out).unwrap();
/// let (_, b) = dec.decode(b"IHdvcmxkIQ==", &mut out[a..]).unwrap();
/// let c = dec.finish(&mut out[a + b..]).unwrap();
/// assert_eq!(&out[..a + b + c], b"hello, world!");
/// ```
#[derive(Clone, Debug)]
pub struct Decoder {
    config: Base64,
    /// Symbols of the current, unfinished group, 6 bits each, newest lowest.
    acc: u32,
    /// How many symbols `acc` holds (0..=3).
    held: u8,
    /// Offset of the last alphabet symbol (for [`DecodeError::TrailingBits`]).
    last_symbol: usize,
    /// Offset of the first `=` of the current run, and how many it holds.
    pad_start: usize,
    pad_count: usize,
    /// An invalid byte met inside a `=` run: it is the first fault unless an
    /// alphabet symbol follows, which makes the run's first `=` the first fault.
    deferred_fault: Option<(usize, u8)>,
    /// Input bytes consumed so far.
    pos: usize,
}

impl Decoder {
    /// A decoder for `config`'s alphabet and leniency, at the start of its input.
    pub const fn new(config: &Base64) -> Decoder {
        Decoder {
            config: *config,
            acc: 0,
            held: 0,
            last_symbol: 0,
            pad_start: 0,
            pad_count: 0,
            deferred_fault: None,
            pos: 0,
        }
    }

    /// A decoder that has consumed `pos` bytes of whole, valid groups (and
    /// whitespace, where skipped): what the prefix kernels take. The state is
    /// the initial one, at offset `pos`.
    pub(crate) const fn new_at(config: &Base64, pos: usize) -> Decoder {
        let mut d = Decoder::new(config);
        d.pos = pos;
        d
    }

    /// How many input bytes have been consumed so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Input symbols held back for the next call or [`finish`](Self::finish)
    /// (0-3): consumed, not yet written.
    pub const fn pending(&self) -> usize {
        self.held as usize
    }

    /// Decodes as much of `input` as fits in `output` and returns
    /// `(consumed, written)`: whole groups of (held symbols +) `input`, and the
    /// 0-3 symbols of an unfinished group held back. It stops early only when
    /// `output` is full (room for fewer than 3 bytes and a group to write);
    /// call again with the rest. Writes only `output[..written]`.
    pub fn decode(
        &mut self,
        input: &[u8],
        output: &mut [u8],
    ) -> Result<(usize, usize), DecodeError> {
        let table = tables::dec(self.config.alphabet);
        let backend = self.config.backend();
        let (alphabet, skip_ws) = (self.config.alphabet, self.config.skip_whitespace);
        let mut r = 0;
        let mut w = 0;
        loop {
            if self.held == 0 && self.pad_count == 0 {
                let (c, o) = dispatch::decode_whole_groups(
                    backend,
                    alphabet,
                    skip_ws,
                    &input[r..],
                    &mut output[w..],
                );
                r += c;
                w += o;
            }
            let Some(&byte) = input.get(r) else { break };
            match self.slow_byte(table, byte, self.pos + r, &mut output[w..])? {
                Step::Consumed(o) => {
                    r += 1;
                    w += o;
                }
                Step::OutputFull => break,
            }
        }
        self.pos += r;
        Ok((r, w))
    }

    /// One byte the fast path did not take, at input offset `at`.
    #[inline]
    fn slow_byte(
        &mut self,
        table: &DecTable,
        byte: u8,
        at: usize,
        out: &mut [u8],
    ) -> Result<Step, DecodeError> {
        let value = table.value(byte);
        if value < 64 {
            if self.pad_count != 0 {
                // A symbol after `=`: the run's first `=` is out of place, and
                // it comes before any invalid byte inside the run.
                return Err(DecodeError::InvalidByte {
                    offset: self.pad_start,
                    byte: b'=',
                });
            }
            if self.held == 3 {
                let Some(dst) = out.get_mut(..3) else {
                    return Ok(Step::OutputFull);
                };
                let group = (self.acc << 6) | value;
                dst.copy_from_slice(&group.to_be_bytes()[1..]);
                self.acc = 0;
                self.held = 0;
                self.last_symbol = at;
                return Ok(Step::Consumed(3));
            }
            self.acc = (self.acc << 6) | value;
            self.held += 1;
            self.last_symbol = at;
        } else if byte == b'=' && self.config.decode_padding != DecodePadding::Forbidden {
            if self.pad_count == 0 {
                self.pad_start = at;
            }
            self.pad_count = self.pad_count.saturating_add(1);
        } else if self.config.skip_whitespace && is_ascii_whitespace(byte) {
            // skipped
        } else if self.pad_count == 0 {
            return Err(DecodeError::InvalidByte { offset: at, byte });
        } else if self.deferred_fault.is_none() {
            self.deferred_fault = Some((at, byte));
        }
        Ok(Step::Consumed(0))
    }

    /// Ends the input: checks its end and writes the held symbols' last 1-2
    /// bytes into `output`. Returns how many bytes were written (0-2). It does
    /// not change the decoder, so after [`DecodeError::OutputTooSmall`] (whose
    /// `needed` is the number of bytes this call writes) it can be called
    /// again.
    pub fn finish(&self, output: &mut [u8]) -> Result<usize, DecodeError> {
        if let Some((offset, byte)) = self.deferred_fault {
            return Err(DecodeError::InvalidByte { offset, byte });
        }
        let len = self.pos;
        let (tail, unused_bits) = match self.held {
            0 => (0, 0),
            1 => return Err(DecodeError::InvalidLength { len }),
            2 => (1, 4), // 12 bits: 1 byte + 4 unused bits
            _ => (2, 2), // 18 bits: 2 bytes + 2 unused bits
        };
        if !self.config.allow_trailing_bits && self.acc & ((1 << unused_bits) - 1) != 0 {
            return Err(DecodeError::TrailingBits {
                offset: self.last_symbol,
            });
        }
        let required = (4 - usize::from(self.held)) % 4;
        let k = self.pad_count;
        let padding_ok = match self.config.decode_padding {
            DecodePadding::Required => k == required,
            DecodePadding::Optional => k == 0 || k == required,
            DecodePadding::Forbidden => k == 0,
        };
        if !padding_ok {
            let offset = if k == 0 { len } else { self.pad_start };
            return Err(DecodeError::InvalidPadding { offset });
        }
        let Some(dst) = output.get_mut(..tail) else {
            return Err(DecodeError::OutputTooSmall { needed: tail });
        };
        // The held symbols, left-aligned into 24 bits: aaaaaabb bbbbcccc cc......
        let group = self.acc << (6 * (4 - u32::from(self.held)));
        // 0 to 2 bytes, stored one at a time (no call to `memcpy`).
        let bytes = group.to_be_bytes();
        if tail > 0 {
            dst[0] = bytes[1];
            dst[tail - 1] = bytes[tail];
        }
        Ok(tail)
    }
}

enum Step {
    /// The byte was consumed; this many output bytes were written.
    Consumed(usize),
    /// The byte completes a group and the output has no room for it.
    OutputFull,
}
