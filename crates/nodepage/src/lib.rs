//! Dense-id record tables for mmgraph: the storage of node records and edge attributes by id.
//!
//! Sits on `pager-mmap` and under `graph`. A [`RecordTable`] maps dense ids `0, 1, 2, ...` to
//! records, each a fixed 12-byte attribute block (what the caller stores there is its own: a
//! node's kind and name length; an edge's endpoints and type) plus a payload of any length (a
//! node's name and data), in a 40-byte [`RecordSlot`] of a leaf page. Finding a record is
//! arithmetic plus a fixed-fanout descent through the pager's radix pages
//! ([`pager_mmap::RadixVec`]), never a key search: with `n` slots per leaf (chosen per table,
//! up to [`MAX_SLOTS`]), `id / n` selects a leaf page and `id % n` its slot. A payload of up to
//! [`IN_SLOT_LIMIT`] (23) bytes lives in the slot itself, so that a read touches one place in
//! the page; payloads up to [`INLINE_LIMIT`] bytes live in the leaf's own heap or in up to
//! [`HEAP_PAGES`] heap pages the leaf owns; larger ones, or ones that fit nowhere, go to an
//! overflow chain. Reads are zero-copy for all but overflowed payloads. A leaf whose every id is
//! handed out and whose records took heap pages is rewritten as a [`PackedLeafPage`] when they
//! fit one page: 17-byte slots and the payloads after them; a write to one of its records turns
//! it back into a plain leaf first.
//!
//! An [`AttrTable`] is the same without payloads: dense ids to the 12 attribute bytes alone,
//! in 13-byte [`AttrSlot`]s, [`ATTR_SLOTS`] (312) to an [`AttrLeafPage`] on the same radix
//! vector and [`TableRoot`]. The graph keeps its edges (endpoints and type) there, since most
//! edges carry no data.
//!
//! An [`IdMap`] maps numbers to 40-bit values the same way: key `k` in slot `k % 812` of an
//! [`IdMapLeafPage`], 5 bytes an entry, keys set in any order. The graph keeps numeric external
//! ids there, both ways.
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]

mod attr_check;
mod attr_leaf;
mod attr_table;
mod check;
mod dense;
mod error;
mod heap;
mod id_map;
mod id_map_leaf;
mod layout;
mod leaf;
mod packed;
mod record;
mod table;

pub use attr_leaf::{ATTR_LEAF, ATTR_SLOTS, AttrLeafPage, AttrSlot};
pub use attr_table::{AttrRecords, AttrTable};
pub use error::{Error, Result};
pub use id_map::{IdMap, IdMapEntries};
pub use id_map_leaf::{ID_MAP_LEAF, ID_MAP_SLOTS, IdMapLeafPage};
pub use layout::{
    ATTR_SIZE, Attrs, HEAP, HEAP_PAGE_BYTES, HEAP_PAGES, HeapPage, IN_SLOT_LIMIT, INLINE_LIMIT,
    LEAF, LEAF_BODY, LeafPage, MAX_PAYLOAD, MAX_SLOTS, MIN_SLOTS, PACKED_BODY, PACKED_LEAF,
    PACKED_SLOT_SIZE, PackedLeafPage, PackedSlot, RecordSlot, TableRoot,
};
pub use record::Record;
pub use table::{RecordTable, Records};
