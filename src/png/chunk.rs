//! PNG chunk framing: length, type, data, CRC-32.
