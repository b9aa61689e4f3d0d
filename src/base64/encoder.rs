//! A resumable, allocation-free encoder: input in pieces, the same output as
//! one [`Base64::encode_to_slice`] of the whole.

use super::{Base64, OutputTooSmall};

/// Encodes input that arrives in pieces, in `no_std` and without an
/// allocator. It carries the 0-2 bytes of an unfinished group between calls;
/// [`finish`](Self::finish) writes the last group and its padding. Concatenated,
/// the outputs equal `config.encode_to_slice` of the concatenated input.
///
/// ```
/// use pixb64::base64::{Encoder, STANDARD};
/// let mut enc = Encoder::new(&STANDARD);
/// let mut out = [0u8; 16];
/// let mut n = enc.encode(b"foo", &mut out).1;
/// n += enc.encode(b"ba", &mut out[n..]).1;
/// n += enc.finish(&mut out[n..]).unwrap();
/// assert_eq!(&out[..n], b"Zm9vYmE=");
/// ```
#[derive(Clone, Debug)]
pub struct Encoder {
    config: Base64,
    pending: [u8; 3],
    pending_len: usize,
}

impl Encoder {
    /// An encoder for `config`'s alphabet and padding.
    pub const fn new(config: &Base64) -> Encoder {
        Encoder {
            config: *config,
            pending: [0; 3],
            pending_len: 0,
        }
    }

    /// Input bytes held back for the next call or [`finish`](Self::finish) (0-2).
    pub const fn pending(&self) -> usize {
        self.pending_len
    }

    /// Encodes whole groups of (held bytes +) `input` into `output`, as many
    /// as fit, and holds back the 0-2 bytes of an unfinished group. Returns
    /// `(consumed, written)`; `consumed < input.len()` only when `output` is
    /// full (fewer than 4 bytes of room left).
    pub fn encode(&mut self, input: &[u8], output: &mut [u8]) -> (usize, usize) {
        let (mut r, mut w) = (0, 0);
        if self.pending_len > 0 {
            let take = (3 - self.pending_len).min(input.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&input[..take]);
            if self.pending_len + take < 3 {
                self.pending_len += take;
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
            self.pending_len = rest;
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

    /// Writes the held bytes as the final group, with padding if the config
    /// pads, and returns its length (0-4).
    pub fn finish(&mut self, output: &mut [u8]) -> Result<usize, OutputTooSmall> {
        let n = self
            .config
            .encode_to_slice(&self.pending[..self.pending_len], output)?;
        self.pending_len = 0;
        Ok(n)
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
                }
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
        w += enc.finish(&mut out[w..]).unwrap();
        assert_eq!(&out[..w], want.as_bytes());
    }
}
