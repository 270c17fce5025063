//! On-disk layouts of the tree's pages: leaf and branch nodes (slotted pages) and overflow
//! pages, with the limits derived from them. `docs/format.md` describes them byte by byte; the
//! `const` assertions below keep that description, the limits and the code in step.
//!
//! A node page is a header, an array of 2-byte cell offsets in key order growing upwards from
//! byte 32, and cells packed downwards from the end of the page. Every size and capacity is
//! computed from the structs below, and the code that decides whether a cell fits is the code
//! that writes it ([`crate::slotted`]).

use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageType};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Tag of a leaf node page.
pub const LEAF: PageType = PageType(16);
/// Tag of a branch node page.
pub const BRANCH: PageType = PageType(17);
/// Tag of a packed leaf page: a bulk load's leaf with front-coded keys (see `packed.rs` and
/// `docs/format.md`). It shares [`NodeHeader`] with the other node pages.
pub const PACKED_LEAF: PageType = PageType(18);

/// The header of a leaf or branch page.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct NodeHeader {
    /// The pager's header: checksum and type tag ([`LEAF`] or [`BRANCH`]).
    pub page: PageHeader,
    /// In a tree's root page: the number of entries in the tree. Zero in every other page.
    pub tree_len: U64,
    /// 0 for a leaf; a branch's children have its level minus one.
    pub level: u8,
    /// Bit 0 ([`UNDERFULL_BESIDE_PACKED`]) in a slotted leaf; every other bit zero.
    pub flags: u8,
    /// Number of cells (and slots).
    pub count: U16,
    /// Offset of the lowest cell byte; [`PAGE_SIZE`] when the page has no cells.
    pub cells_start: U16,
    /// Bytes of dead cells between `cells_start` and the end of the page.
    pub garbage: U16,
}

/// [`NodeHeader::flags`] bit of a slotted leaf left below the minimum fill because its only
/// siblings were packed leaves, which are never joined with a neighbour (or joined, below it
/// still, with a leaf so marked). A leaf rewritten by a split, or by a join that brings it to
/// the minimum fill, loses it.
pub const UNDERFULL_BESIDE_PACKED: u8 = 1;

/// Size of [`NodeHeader`]; the slot array starts here.
pub const NODE_HEADER_SIZE: usize = size_of::<NodeHeader>();
const _: () = assert!(NODE_HEADER_SIZE == 32);

/// Bytes of a node page available to slots and cells.
pub const NODE_BODY: usize = PAGE_SIZE - NODE_HEADER_SIZE;

/// Size of one slot: the little-endian offset of a cell.
pub const SLOT_SIZE: usize = size_of::<U16>();

/// A leaf page: sorted keys with their values (or references to overflow pages).
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct LeafPage {
    /// Type [`LEAF`], level 0.
    pub header: NodeHeader,
    /// Slots, free space, cells.
    pub body: [u8; NODE_BODY],
}
const _: () = assert!(size_of::<LeafPage>() == PAGE_SIZE);

impl Page for LeafPage {
    const TYPE: PageType = LEAF;
}

/// A branch page: child page ids with the separator keys between them.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct BranchPage {
    /// Type [`BRANCH`], level at least 1.
    pub header: NodeHeader,
    /// Slots, free space, cells.
    pub body: [u8; NODE_BODY],
}
const _: () = assert!(size_of::<BranchPage>() == PAGE_SIZE);

impl Page for BranchPage {
    const TYPE: PageType = BRANCH;
}

/// The fixed start of a leaf cell; the key follows, then the inline value or an
/// [`OverflowRef`].
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct LeafCellHeader {
    /// Length of the key.
    pub key_len: U16,
    /// Length of the inline value, or [`OVERFLOW_MARK`] when the value is in overflow pages.
    pub value_len: U16,
}
/// Size of [`LeafCellHeader`].
pub const LEAF_CELL_HEADER: usize = size_of::<LeafCellHeader>();
const _: () = assert!(LEAF_CELL_HEADER == 4);

/// `value_len` of a leaf cell whose value lives in overflow pages.
pub const OVERFLOW_MARK: u16 = 0xFFFF;

/// Where a large value lives: the end of a leaf cell whose `value_len` is [`OVERFLOW_MARK`].
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct OverflowRef {
    /// The first page of the value's overflow chain.
    pub first_page: U64,
    /// The value's length in bytes.
    pub value_len: U32,
}
/// Size of [`OverflowRef`].
pub const OVERFLOW_REF_SIZE: usize = size_of::<OverflowRef>();
const _: () = assert!(OVERFLOW_REF_SIZE == 12);

/// The fixed start of a branch cell; the separator key follows.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct BranchCellHeader {
    /// The child page.
    pub child: U64,
    /// Length of the separator key (zero in cell 0).
    pub key_len: U16,
}
/// Size of [`BranchCellHeader`].
pub const BRANCH_CELL_HEADER: usize = size_of::<BranchCellHeader>();
const _: () = assert!(BRANCH_CELL_HEADER == 10);

/// The longest key, in bytes.
pub const MAX_KEY_LEN: usize = 1024;

/// The longest value, in bytes (1 GiB).
pub const MAX_VALUE_LEN: usize = 1 << 30;
const _: () = assert!(MAX_VALUE_LEN <= u32::MAX as usize);

/// A value is stored inline when `key.len() + value.len()` is at most this; otherwise it
/// goes to overflow pages. Chosen so that the largest inline cell is no larger than the
/// largest overflow cell (a maximal key with an [`OverflowRef`]).
pub const INLINE_PAYLOAD_MAX: usize = MAX_KEY_LEN + OVERFLOW_REF_SIZE;
const _: () = assert!(INLINE_PAYLOAD_MAX < OVERFLOW_MARK as usize);

/// The largest leaf entry: slot plus cell.
pub const MAX_LEAF_ENTRY: usize = SLOT_SIZE + LEAF_CELL_HEADER + INLINE_PAYLOAD_MAX;

/// The largest branch entry: slot plus cell with a maximal separator.
pub const MAX_BRANCH_ENTRY: usize = SLOT_SIZE + BRANCH_CELL_HEADER + MAX_KEY_LEN;

/// The smallest branch entry: cell 0, which has an empty key.
pub const MIN_BRANCH_ENTRY: usize = SLOT_SIZE + BRANCH_CELL_HEADER;

/// Every non-root leaf uses at least this many bytes of [`NODE_BODY`]. A split or
/// redistribution of entries totalling more than `NODE_BODY` bytes picks the division with
/// the smallest imbalance, which is at most one entry, so each side gets more than
/// `(NODE_BODY - MAX_LEAF_ENTRY) / 2`.
pub const MIN_LEAF_FILL: usize = (NODE_BODY - MAX_LEAF_ENTRY) / 2;

/// Every non-root branch uses at least this many bytes of [`NODE_BODY`]. A branch split
/// promotes one separator (at most one entry) and its imbalance is at most one entry.
pub const MIN_BRANCH_FILL: usize = (NODE_BODY - 2 * MAX_BRANCH_ENTRY) / 2;

/// A non-root node using fewer bytes than this is merged with a sibling when the two fit in
/// one page; one below the minimum fill that cannot merge shares entries with a sibling.
pub const MERGE_BELOW: usize = NODE_BODY / 2;

// An overfull leaf (at most a full page plus one entry) splits into two pages that fit: the
// larger side holds at most (total + one entry) / 2.
const _: () = assert!(2 * MAX_LEAF_ENTRY <= NODE_BODY);
// Redistribution of an underfull leaf (< MIN_LEAF_FILL) with a full sibling fits in two pages.
const _: () = assert!(MIN_LEAF_FILL + MAX_LEAF_ENTRY <= NODE_BODY);
// The same for branches; a branch redistribution also takes the separator from the parent.
const _: () = assert!(2 * MAX_BRANCH_ENTRY <= NODE_BODY);
const _: () = assert!(MIN_BRANCH_FILL + 2 * MAX_BRANCH_ENTRY <= NODE_BODY);
// A leaf holds at least three maximal entries and a branch at least three maximal separators
// (so every split leaves at least one key on each side), and the minimum fills are real.
const _: () = assert!(3 * MAX_LEAF_ENTRY <= NODE_BODY);
const _: () = assert!(MIN_BRANCH_ENTRY + 3 * MAX_BRANCH_ENTRY <= NODE_BODY);
const _: () = assert!(MIN_LEAF_FILL > MAX_LEAF_ENTRY && MIN_BRANCH_FILL > MIN_BRANCH_ENTRY);
const _: () = assert!(MIN_LEAF_FILL <= MERGE_BELOW && MIN_BRANCH_FILL <= MERGE_BELOW);
// Offsets are stored in 16 bits.
const _: () = assert!(PAGE_SIZE <= u16::MAX as usize);

/// Trees are at most this many levels high; a deeper tree is corrupt (a tree whose
/// branches have the minimum of two children and that fills 2^31 leaves is still lower).
pub const MAX_HEIGHT: u8 = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_what_the_format_document_says() {
        assert_eq!(NODE_BODY, 4064);
        assert_eq!(INLINE_PAYLOAD_MAX, 1036);
        assert_eq!(MAX_LEAF_ENTRY, 1042);
        assert_eq!(MAX_BRANCH_ENTRY, 1036);
        assert_eq!(MIN_LEAF_FILL, 1511);
        assert_eq!(MIN_BRANCH_FILL, 996);
        assert_eq!(MERGE_BELOW, 2032);
    }
}
