//! The record table's pages: radix pages (the descent) and leaf pages (32 record slots and a
//! heap for small payloads). `docs/format.md` describes them byte by byte.

use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageType};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Type tag of a leaf page.
pub const LEAF: PageType = PageType(33);

/// Bytes of caller-defined attributes in every record.
pub const ATTR_SIZE: usize = 24;

/// A record's attributes.
pub type Attrs = [u8; ATTR_SIZE];

/// Slot flag: the slot holds a live record.
pub(crate) const FLAG_LIVE: u8 = 1;
/// Slot flag: the payload is in an overflow chain, not in the heap.
pub(crate) const FLAG_OVERFLOW: u8 = 2;

/// One record's fixed part.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct RecordSlot {
    /// `FLAG_LIVE` (1) and `FLAG_OVERFLOW` (2); 0 for an empty or deleted slot.
    pub flags: u8,
    /// Zero.
    pub reserved: u8,
    /// Offset of an inline payload within the page's heap.
    pub heap_offset: U16,
    /// The payload's length in bytes.
    pub payload_len: U32,
    /// Head of the payload's overflow chain when `FLAG_OVERFLOW` is set, else 0.
    pub overflow_head: U64,
    /// The caller's attributes.
    pub attrs: Attrs,
}
const _: () = assert!(size_of::<RecordSlot>() == 40);

/// Records per leaf page.
pub const SLOTS_PER_LEAF: usize = 32;

/// Bytes of a leaf page's heap: what the header and slots leave of the page.
pub const HEAP_SIZE: usize = PAGE_SIZE - 32 - SLOTS_PER_LEAF * size_of::<RecordSlot>();
const _: () = assert!(HEAP_SIZE == 2784);

/// Payloads up to this length are stored inline when they fit; longer ones always overflow.
pub const INLINE_LIMIT: usize = 1024;
const _: () = assert!(INLINE_LIMIT <= HEAP_SIZE && INLINE_LIMIT <= u16::MAX as usize);

/// The longest payload a record can have (its length is stored in 32 bits).
pub const MAX_PAYLOAD: usize = u32::MAX as usize;

/// A leaf page: the records with ids `first_id .. first_id + 32`.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct LeafPage {
    /// Type [`LEAF`].
    pub header: PageHeader,
    /// The id of slot 0; a multiple of [`SLOTS_PER_LEAF`].
    pub first_id: U64,
    /// Live slots.
    pub live: U16,
    /// Bytes of `heap` in use, from its start; inline payloads lie within.
    pub heap_used: U16,
    /// Zero.
    pub reserved: U32,
    /// The records.
    pub slots: [RecordSlot; SLOTS_PER_LEAF],
    /// Inline payloads.
    pub heap: [u8; HEAP_SIZE],
}
const _: () = assert!(size_of::<LeafPage>() == PAGE_SIZE);

impl Page for LeafPage {
    const TYPE: PageType = LEAF;
}

/// Where a table lives: what its owner persists (32 bytes) to find it again.
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
    /// The root page (a leaf at height 0, else a radix page), or 0 for an empty table.
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
