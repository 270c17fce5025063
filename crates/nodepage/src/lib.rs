//! Node storage for mmgraph: zero-copy node page and node record layouts, found by dense id
//! through a fixed-fanout page table, with large values in overflow pages.
//!
//! Sits on `pager-mmap` and under `graph`. Not built yet: see the project's open issues.
#![forbid(unsafe_code)]
