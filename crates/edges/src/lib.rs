//! Adjacency storage for mmgraph: for each node and direction, neighbour entries in
//! contiguous runs in edge pages, read in place like a CSR row.
//!
//! Sits on `pager-mmap` and under `graph`. Not built yet: see the project's open issues.
#![forbid(unsafe_code)]
