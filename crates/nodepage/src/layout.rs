//! The record table's pages: leaf pages (record slots, and a heap for small payloads) and the
//! heap pages a leaf owns when its own heap is full. `docs/format.md` describes them byte by
//! byte.

use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageType};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Type tag of a leaf page.
pub const LEAF: PageType = PageType(33);
/// Type tag of a heap page (an extension of one leaf's heap).
pub const HEAP: PageType = PageType(34);

/// Bytes of caller-defined attributes in every record.
pub const ATTR_SIZE: usize = 24;

/// A record's attributes.
pub type Attrs = [u8; ATTR_SIZE];

/// Slot flag: the slot holds a live record.
pub(crate) const FLAG_LIVE: u8 = 1;
/// Slot flag: the payload is in an overflow chain, not in a heap.
pub(crate) const FLAG_OVERFLOW: u8 = 2;

/// One record's fixed part.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct RecordSlot {
    /// `FLAG_LIVE` (1) and `FLAG_OVERFLOW` (2); 0 for an empty or deleted slot.
    pub flags: u8,
    /// Where an inline payload is: 0 the leaf's own heap, `k` the leaf's heap page `k - 1`.
    pub area: u8,
    /// Offset of an inline payload within its heap.
    pub heap_offset: U16,
    /// The payload's length in bytes.
    pub payload_len: U32,
    /// Head of the payload's overflow chain when `FLAG_OVERFLOW` is set, else 0.
    pub overflow_head: U64,
    /// The caller's attributes.
    pub attrs: Attrs,
}

/// Size of a record slot.
pub const SLOT_SIZE: usize = size_of::<RecordSlot>();
const _: () = assert!(SLOT_SIZE == 40);

/// Heap pages one leaf may own.
pub const HEAP_PAGES: usize = 8;

/// Bytes of a leaf after its header: the slots, then the leaf's own heap.
pub const LEAF_BODY: usize = PAGE_SIZE - 32 - 8 * HEAP_PAGES;
const _: () = assert!(LEAF_BODY == 4000);

/// The fewest and most slots a leaf may have (chosen per table by its owner).
pub const MIN_SLOTS: usize = 8;
/// See [`MIN_SLOTS`]. At the most, 160 bytes of own heap are left.
pub const MAX_SLOTS: usize = 96;
const _: () = assert!(MAX_SLOTS * SLOT_SIZE < LEAF_BODY);

/// Payloads up to this length are stored in a heap when they fit; longer ones always overflow.
pub const INLINE_LIMIT: usize = 1024;

/// The longest payload a record can have (its length is stored in 32 bits).
pub const MAX_PAYLOAD: usize = u32::MAX as usize;

/// A leaf page: the records with ids `first_id .. first_id + slot_count`.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct LeafPage {
    /// Type [`LEAF`].
    pub header: PageHeader,
    /// The id of slot 0; a multiple of `slot_count`.
    pub first_id: U64,
    /// Live slots.
    pub live: U16,
    /// Slots in `body`: the table's slots per leaf.
    pub slot_count: U16,
    /// Bytes of the own heap in use, from its start.
    pub heap_used: U16,
    /// Zero.
    pub reserved: U16,
    /// The heap pages this leaf owns (and no other page); 0 = none.
    pub heap_pages: [U64; HEAP_PAGES],
    /// `slot_count` record slots, then the own heap.
    pub body: [u8; LEAF_BODY],
}
const _: () = assert!(size_of::<LeafPage>() == PAGE_SIZE);

impl Page for LeafPage {
    const TYPE: PageType = LEAF;
}

/// Bytes of payload one heap page holds.
pub const HEAP_PAGE_BYTES: usize = PAGE_SIZE - 32;

/// More heap for one leaf's small payloads.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct HeapPage {
    /// Type [`HEAP`].
    pub header: PageHeader,
    /// Bytes of `bytes` in use, from its start.
    pub used: U16,
    /// Zero.
    pub reserved: [u8; 14],
    /// Inline payloads.
    pub bytes: [u8; HEAP_PAGE_BYTES],
}
const _: () = assert!(size_of::<HeapPage>() == PAGE_SIZE);
const _: () = assert!(INLINE_LIMIT <= HEAP_PAGE_BYTES && HEAP_PAGE_BYTES < u16::MAX as usize);

impl Page for HeapPage {
    const TYPE: PageType = HEAP;
}

/// Where a table lives: what its owner persists (32 bytes) to find it again. The owner also
/// knows the table's slots per leaf, which every leaf records too.
#[repr(C)]
#[derive(
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
)]
pub struct TableRoot {
    /// The root page of the radix vector of leaves, or 0 for a table without pages.
    pub root: U64,
    /// The next id to hand out; ids are never reused.
    pub next_id: U64,
    /// Live records.
    pub live: U64,
    /// Radix levels above the leaves.
    pub height: U64,
}
const _: () = assert!(size_of::<TableRoot>() == 32);

impl TableRoot {
    /// The root as four words, for owners that keep it in pager root slots.
    pub fn to_words(&self) -> [u64; 4] {
        [
            self.root.get(),
            self.next_id.get(),
            self.live.get(),
            self.height.get(),
        ]
    }

    /// The root from four words written by [`TableRoot::to_words`].
    pub fn from_words(words: [u64; 4]) -> TableRoot {
        let [root, next_id, live, height] = words.map(U64::new);
        TableRoot {
            root,
            next_id,
            live,
            height,
        }
    }
}
