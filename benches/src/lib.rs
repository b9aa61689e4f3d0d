//! Benchmarks of pixb64 against its peers live in `benches/`.
