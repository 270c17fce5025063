//! The copy-on-write B+tree of mmgraph: secondary indexes, the string tables that intern kind
//! and edge-type names, and a user key-value space, all inside the pager's transactions.
//!
//! Sits on `pager-mmap` and under `graph`. Not built yet: see the project's open issues.
#![forbid(unsafe_code)]
