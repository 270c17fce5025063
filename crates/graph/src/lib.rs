//! The public API of mmgraph: `Graph`, read and write transactions, traversals, algorithms and
//! `check`, built from the node store, the adjacency store and the B+tree indexes.
//!
//! Sits on every other crate of the workspace. Not built yet: see the project's open issues.
#![forbid(unsafe_code)]
