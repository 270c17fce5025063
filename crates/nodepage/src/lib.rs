//! Dense-id record tables for mmgraph: the storage of node records (and edge records) by id.
//!
//! Sits on `pager-mmap` and under `graph`. A [`RecordTable`] maps dense ids `0, 1, 2, ...` to
//! records, each a fixed 24-byte attribute block (what the caller stores there is its own: a
//! node's kind, name length and adjacency anchors; an edge's endpoints and type) plus a payload
//! of any length (a node's name and data). Finding a record is arithmetic plus a fixed-fanout
//! descent through the pager's radix pages ([`pager_mmap::RadixVec`]), never a key search: `id / 32` selects a leaf page, `id % 32` its
//! slot. Payloads up to [`INLINE_LIMIT`] bytes live in the leaf page's heap; larger ones, or
//! ones that no longer fit, go to an overflow chain. Reads are zero-copy for inline payloads.
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]

mod check;
mod error;
mod heap;
mod layout;
mod record;
mod table;

pub use error::{Error, Result};
pub use layout::{
    ATTR_SIZE, Attrs, HEAP_SIZE, INLINE_LIMIT, LEAF, LeafPage, MAX_PAYLOAD, RecordSlot,
    SLOTS_PER_LEAF, TableRoot,
};
pub use record::Record;
pub use table::{RecordTable, Records};
