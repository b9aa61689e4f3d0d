//! PLACEHOLDER: the kernel is being written; until then it processes nothing
//! and the scalar code does all the work.

use crate::base64::Alphabet;

/// Encodes a prefix of whole 3-byte groups; see the contract in `arch`.
#[target_feature(enable = "avx2")]
pub(crate) fn encode_prefix(
    _alphabet: Alphabet,
    _input: &[u8],
    _output: &mut [u8],
) -> (usize, usize) {
    (0, 0)
}

/// Decodes a prefix of whole groups of 4 symbols; see the contract in `arch`.
#[target_feature(enable = "avx2")]
pub(crate) fn decode_prefix(
    _alphabet: Alphabet,
    _input: &[u8],
    _output: &mut [u8],
) -> (usize, usize) {
    (0, 0)
}
