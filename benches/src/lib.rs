//! Shared helpers for the mmgraph benchmarks (the benchmarks themselves are in `benches/`).
