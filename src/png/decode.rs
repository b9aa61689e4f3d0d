//! PNG reading.
