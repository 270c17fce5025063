//! Adjacency storage for mmgraph: for each node and direction, its neighbour entries
//! (neighbour, edge, edge type) in contiguous runs, read in place like a CSR row.
//!
//! An entry is 12 bytes ([`AdjEntry`]: 40-bit neighbour and edge ids, a 16-bit type), 338 to a
//! run page; a hub's segment entry, whose type is its segment's, is 10 bytes ([`SegEntry`]), 406
//! to a segment. Writes refuse an id above [`pager_mmap::U40::MAX`] or a type above `u16::MAX`
//! with [`Error::OutOfRange`] and change nothing.
//!
//! Sits on `pager-mmap` and under `graph`. Lists are found by arithmetic: a radix vector
//! ([`pager_mmap::RadixVec`]) of adjacency leaves, one per 64 nodes, each holding the 128 list
//! slots of its nodes (out and in) and the pages those lists live in. A list of up to
//! [`HUB_THRESHOLD`] entries (337: a run page's worth less one) is one run in a run page shared
//! with its leaf's other short lists, so reading it, filtered by type or not, reads at most one
//! page. A longer list becomes a *hub*: per edge type, a radix vector of full segments, so that
//! appending costs O(log degree) and a type filter reads only that type. Every page has exactly
//! one parent, so a copy-on-write change repoints one page. [`Adjacency::add_batch`] adds an
//! [`EdgeBatch`] of many edges, one leaf at a time, and builds a leaf that does not exist yet
//! whole, for bulk loads. Two neighbouring leaves written whole whose lists fit one page
//! together share it ([`PairPage`]); any other write splits them first.
//!
//! Writes that should cost pages in proportion to themselves rather than to the lists they
//! join ([`Adjacency::insert_deferred`], [`Adjacency::add_batch_deferred`]) go into a *delta*:
//! per-transaction tiers of entries sorted by list, which reads merge after the stored list
//! and [`Adjacency::settle`] folds into the lists once they are as large as the lists (see the
//! `delta` module).
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]

mod adjacency;
mod batch;
mod bulk;
mod check;
mod delta;
mod error;
mod hub;
mod layout;
mod neighbors;
mod pair;
mod run;

pub use adjacency::{Adjacency, Direction, ListReader, Neighbor};
pub use batch::{EdgeBatch, EdgeEnds};
pub use delta::{FOLD_MIN_ENTRIES, MAX_TIERS, MERGE_WIDTH};
pub use error::{Error, Result};
pub use layout::{
    ADJ_LEAF, AdjEntry, AdjLeafPage, HUB, HUB_THRESHOLD, HUB_TYPE_CAPACITY, HubPage, HubType,
    INLINE_CAPACITY, LEAF_PAGES, ListSlot, NODES_PER_LEAF, PAIR, PAIR_CAPACITY, PAIR_LISTS,
    PairPage, RUN, RUN_CAPACITY, RunPage, SEGMENT, SEGMENT_CAPACITY, SegEntry, SegmentPage,
};
pub use neighbors::{Neighbors, NodeIds};
