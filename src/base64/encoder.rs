//! A resumable, allocation-free encoder: input in pieces, the same output as
//! one [`Base64::encode_to_slice`] of the whole. The mirror of
//! [`Decoder`](super::Decoder): the same calls, counters and `finish`.

use super::{Base64, OutputTooSmall};

/// A `no_std`, allocation-free encoder that takes its input in pieces.
///
/// Feed input with [`encode`](Self::encode) as often as needed, then call
/// [`finish`](Self::finish) once the input has ended: it writes the last group
/// and its padding. Between calls the encoder holds the 0-2 bytes of an
/// unfinished group. Concatenated, the outputs equal
/// [`Base64::encode_to_slice`] of the concatenated input, whatever the split.
///
/// ```
/// use pixb64::base64::{Encoder, STANDARD};
/// let mut enc = Encoder::new(&STANDARD);
/// let mut out = [0u8; 16];
/// let (_, a) = enc.encode(b"foo", &mut out);
/// let (_, b) = enc.encode(b"ba", &mut out[a..]);
/// let c = enc.finish(&mut out[a + b..]).unwrap();
/// assert_eq!(&out[..a + b + c], b"Zm9vYmE=");
/// ```
#[derive(Clone, Debug)]
pub struct Encoder {
    config: Base64,
    /// The bytes of the unfinished group: `pending_len` of them (0-2 between
    /// calls; a `u8`, so that the pair takes one word beside `pos`).
    pending: [u8; 3],
    pending_len: u8,
    /// Input bytes consumed so far.
    pos: usize,
}

impl Encoder {
    /// An encoder for `config`'s alphabet and padding, at the start of its input.
    pub const fn new(config: &Base64) -> Encoder {
        Encoder {
            config: *config,
            pending: [0; 3],
            pending_len: 0,
            pos: 0,
        }
    }

    /// How many input bytes have been consumed so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Input bytes held back for the next call or [`finish`](Self::finish)
    /// (0-2): consumed, not yet written.
    pub const fn pending(&self) -> usize {
        self.pending_len as usize
    }

    /// Encodes as much of `input` as fits in `output` and returns
    /// `(consumed, written)`: whole groups of (held bytes +) `input`, and the
    /// 0-2 bytes of an unfinished group held back. It stops early only when
    /// `output` is full (room for fewer than 4 bytes and a group to write);
    /// call again with the rest. Writes only `output[..written]`. Encoding
    /// cannot fail, so unlike [`Decoder::decode`](super::Decoder::decode) this
    /// returns the pair itself.
    pub fn encode(&mut self, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        let (r, w) = self.encode_groups(input, output);
        self.pos += r;
        (r, w)
    }

    fn encode_groups(&mut self, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        let (mut r, mut w) = (0, 0);
        let held = self.pending();
        if held > 0 {
            let take = (3 - held).min(input.len());
            self.pending[held..held + take].copy_from_slice(&input[..take]);
            if held + take < 3 {
                self.pending_len = (held + take) as u8;
                return (take, 0);
            }
            let Some(dst) = output.get_mut(..4) else {
                // Keep the group whole for the next call: nothing consumed.
                return (0, 0);
            };
            self.encode_group(dst);
            self.pending_len = 0;
            r = take;
            w = 4;
        }
        let groups = ((input.len() - r) / 3).min((output.len() - w) / 4);
        let n = groups * 3;
        if n > 0 {
            let written = self
                .config
                .encode_to_slice(&input[r..r + n], &mut output[w..])
                .expect("room for whole groups was counted");
            r += n;
            w += written;
        }
        let rest = input.len() - r;
        if rest < 3 {
            self.pending[..rest].copy_from_slice(&input[r..]);
            self.pending_len = rest as u8;
            r = input.len();
        }
        (r, w)
    }

    fn encode_group(&self, dst: &mut [u8]) {
        let n = self
            .config
            .encode_to_slice(&self.pending, dst)
            .expect("4 bytes of room for 3 input bytes");
        debug_assert_eq!(n, 4);
    }

    /// Ends the input: writes the held bytes as the last group into `output`,
    /// with padding if the config pads. Returns how many bytes were written
    /// (0-4). It does not change the encoder, so after [`OutputTooSmall`]
    /// (whose `needed` is the number of bytes this call writes) it can be
    /// called again.
    pub fn finish(&self, output: &mut [u8]) -> Result<usize, OutputTooSmall> {
        self.config
            .encode_to_slice(&self.pending[..self.pending()], output)
    }

    /// Drops the held bytes once [`finish`](Self::finish) has written them
    /// (`EncoderWriter`, whose drop would otherwise finish a second time).
    #[cfg(feature = "std")]
    pub(super) fn clear_pending(&mut self) {
        self.pending_len = 0;
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::base64::{STANDARD, URL_SAFE_NO_PAD};
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn pieces_equal_one_shot() {
        let data: Vec<u8> = (0..700u32).map(|i| (i * 97 + i / 5) as u8).collect();
        for config in [STANDARD, URL_SAFE_NO_PAD] {
            let want = config.encode(&data);
            for step in [1usize, 2, 3, 4, 5, 7, 64, 100, 699] {
                let mut enc = Encoder::new(&config);
                let mut out = vec![0u8; want.len()];
                let mut w = 0;
                for chunk in data.chunks(step) {
                    let (c, o) = enc.encode(chunk, &mut out[w..]);
                    assert_eq!(c, chunk.len());
                    w += o;
                    assert_eq!(enc.position(), w / 4 * 3 + enc.pending());
                }
                assert_eq!((enc.position(), enc.pending()), (700, 700 % 3));
                w += enc.finish(&mut out[w..]).unwrap();
                assert_eq!(&out[..w], want.as_bytes(), "step {step}");
            }
        }
    }

    #[test]
    fn full_output_resumes() {
        let data = b"hello, world!";
        let want = STANDARD.encode(data);
        let mut enc = Encoder::new(&STANDARD);
        let mut out = vec![0u8; want.len()];
        let (mut r, mut w) = (0, 0);
        // Offer 5 bytes of room at a time: never more than one group fits.
        while r < data.len() {
            let room = (w + 5).min(out.len());
            let (c, o) = enc.encode(&data[r..], &mut out[w..room]);
            assert!(c > 0 || o > 0 || room == w);
            r += c;
            w += o;
        }
        assert_eq!(
            enc.finish(&mut out[w..w + 3]),
            Err(OutputTooSmall { needed: 4 })
        );
        let mut again = [0u8; 4];
        let n = enc.finish(&mut again).unwrap();
        w += enc.finish(&mut out[w..]).unwrap();
        assert_eq!(&out[..w], want.as_bytes());
        // `finish` leaves the encoder as it was: a second call writes the same tail.
        assert_eq!(&again[..n], &out[w - n..w]);
        assert_eq!(enc.position(), data.len());
    }
}
