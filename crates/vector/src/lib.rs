//! Vector indexes in the mmgraph file: named HNSW indexes whose vectors and links are pages of
//! the one file, changed by the same copy-on-write transactions as the graph.
//!
//! It sits on `pager-mmap` and `btree` and under `graph`, which anchors the [`catalog`] of
//! indexes in one root slot and calls it from its transactions. An index ([`Index`]) has a
//! dimension (up to [`MAX_DIMENSION`]), a [`Metric`] (cosine, L2, inner product) and HNSW
//! parameters ([`IndexSpec`]). Each vector has a dense id (handed out densely, reused after
//! deletes); its vector, its node slot (node id, level, level-0 links) and its upper links are
//! fixed-size slots addressed by that id through radix vectors of pages, and links hold dense
//! ids, so a search never leaves them; a B+tree maps node ids to dense ids at the API's edge.
//! Everything is copy-on-write through the pager: a reader's snapshot sees the index as of its
//! commit, an aborted write leaves no trace, and opening costs nothing.
//! [`Index::set`] inserts or replaces, [`Index::delete`] unlinks and repairs without a rebuild
//! (links are symmetric, so a node's list names every node that links to it),
//! [`Index::search`] is the HNSW search with `ef` candidates and an optional filter, and
//! [`Index::exact`] compares with every vector, the ground truth. [`check()`] verifies every
//! slot, link, level, both free lists, the map and the entry point.
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::unwrap_used))]

pub mod catalog;
mod check;
mod error;
mod index;
pub mod kernels;
#[cfg(target_arch = "x86_64")]
mod kernels_avx2;
mod metric;
mod node_slot;
mod ranked;
mod scored;
mod search;
mod slots;
mod spec;
mod walk_state;
mod write;

pub use catalog::IndexInfo;
pub use check::check;
pub use error::{Error, Result};
pub use index::{ALIGNED_NODE_PAGE, Hit, Index, NODE_PAGE, UPPER_PAGE};
pub use kernels::{dot, l2};
pub use metric::Metric;
pub use search::Filter;
pub use spec::{
    IndexSpec, MAX_DIMENSION, MAX_EF_CONSTRUCTION, MAX_INDEX_NAME_LEN, MAX_LEVEL, MAX_M,
    MAX_VECTORS,
};
