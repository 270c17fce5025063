//! The record table's pages: leaf pages (record slots, and a heap for small payloads) and the
//! heap pages a leaf owns when its own heap is full. `docs/format.md` describes them byte by
//! byte.

use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageId, PageType, U40};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};

/// Type tag of a leaf page.
pub const LEAF: PageType = PageType(33);
/// Type tag of a heap page (an extension of one leaf's heap).
pub const HEAP: PageType = PageType(34);

/// Bytes of caller-defined attributes in every record.
pub const ATTR_SIZE: usize = 12;

/// A record's attributes.
pub type Attrs = [u8; ATTR_SIZE];

/// Slot flag: the slot holds a live record.
pub(crate) const FLAG_LIVE: u8 = 1;
/// Slot flag: the payload is in an overflow chain, not in a heap.
pub(crate) const FLAG_OVERFLOW: u8 = 2;
/// Slot flag: the payload is in the slot itself (its first `payload_len` bytes of `place`).
pub(crate) const FLAG_IN_SLOT: u8 = 4;

/// Bytes of a slot's `place`: where a payload of up to this many bytes is kept in the slot
/// itself, so that reading the record touches no other part of the page.
pub const IN_SLOT_LIMIT: usize = 23;

/// One record's fixed part: 40 bytes.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct RecordSlot {
    /// `FLAG_LIVE` (1), `FLAG_OVERFLOW` (2) and `FLAG_IN_SLOT` (4), at most one of the last two;
    /// 0 for an empty or deleted slot.
    pub flags: u8,
    /// The payload's length in bytes.
    pub payload_len: U32,
    /// The caller's attributes.
    pub attrs: Attrs,
    /// Where the payload is. With `FLAG_IN_SLOT`: the payload itself, then zeros. In a heap:
    /// the first 5 bytes are a `u40` `area << 16 | offset`, `area` 0 for the leaf's own heap
    /// and `k` for the leaf's heap page `k - 1`, `offset` within that heap (see
    /// [`RecordSlot::inline_place`]). With `FLAG_OVERFLOW`: the first 5 bytes are the head page
    /// of the payload's overflow chain (see [`RecordSlot::overflow_head`]). The bytes a form
    /// does not use are 0, as is all of an empty slot's.
    pub place: [u8; IN_SLOT_LIMIT],
}

/// Size of a record slot.
pub const SLOT_SIZE: usize = size_of::<RecordSlot>();
const _: () = assert!(SLOT_SIZE == 1 + 4 + ATTR_SIZE + IN_SLOT_LIMIT && SLOT_SIZE == 40);

impl RecordSlot {
    /// An empty (never used or deleted) slot: all zero.
    pub const EMPTY: RecordSlot = RecordSlot {
        flags: 0,
        payload_len: U32::ZERO,
        attrs: [0; ATTR_SIZE],
        place: [0; IN_SLOT_LIMIT],
    };

    /// The `u40` in the first 5 bytes of `place`: a heap place or an overflow head.
    #[inline]
    fn location(&self) -> U40 {
        let [a, b, c, d, e, ..] = self.place;
        zerocopy::transmute!([a, b, c, d, e])
    }

    /// Sets `place` to `location`, then zeros.
    fn set_location(&mut self, location: U40) {
        self.place = [0; IN_SLOT_LIMIT];
        for (dst, src) in self.place.iter_mut().zip(location.as_bytes()) {
            *dst = *src;
        }
    }

    /// The heap area and offset of a payload in a heap: the location is `area << 16 | offset`,
    /// so its little-endian bytes are the offset's two, the area's one, and two zero bytes. An
    /// area past [`HEAP_PAGES`] (`u8::MAX` when those last bytes are not zero) names no heap,
    /// so reading the payload there reports a corrupt table.
    #[inline]
    pub fn inline_place(&self) -> (u8, u16) {
        let [low, high, area, top @ ..]: [u8; 5] = zerocopy::transmute!(self.location());
        let area = if top == [0, 0] { area } else { u8::MAX };
        (area, u16::from_le_bytes([low, high]))
    }

    /// Points the slot at a payload at `offset` in heap `area`.
    pub fn set_inline_place(&mut self, area: u8, offset: u16) {
        let [low, high] = offset.to_le_bytes();
        self.set_location(zerocopy::transmute!([low, high, area, 0u8, 0u8]));
    }

    /// The head page of an overflowed payload's chain.
    #[inline]
    pub fn overflow_head(&self) -> PageId {
        PageId(self.location().get())
    }

    /// Points the slot at an overflow chain starting at `head`; an error, changing nothing,
    /// when `head` is above [`U40::MAX`].
    pub fn set_overflow_head(&mut self, head: PageId) -> Result<()> {
        self.set_location(stored_page_id(head)?);
        Ok(())
    }

    /// Keeps `payload` (at most [`IN_SLOT_LIMIT`] bytes; longer ones are cut) in the slot,
    /// zeroing the rest of `place`.
    pub(crate) fn set_in_slot(&mut self, payload: &[u8]) {
        self.place = [0; IN_SLOT_LIMIT];
        for (dst, src) in self.place.iter_mut().zip(payload) {
            *dst = *src;
        }
    }
}

/// `page` as the 40 bits a leaf stores of a page id, or [`Error::PageOutOfRange`].
pub(crate) fn stored_page_id(page: PageId) -> Result<U40> {
    match U40::new(page.0) {
        Some(stored) => Ok(stored),
        None => Err(Error::PageOutOfRange {
            page: page.0,
            limit: U40::MAX,
        }),
    }
}

/// Heap pages one leaf may own.
pub const HEAP_PAGES: usize = 8;

/// Bytes of a leaf's header fields before `heap_pages`.
const LEAF_HEAD: usize = 32;

/// Bytes of a leaf after its header and heap page ids: the slots, then the leaf's own heap.
pub const LEAF_BODY: usize = PAGE_SIZE - LEAF_HEAD - size_of::<U40>() * HEAP_PAGES;
const _: () = assert!(LEAF_BODY == 4024);

/// The fewest and most slots a leaf may have (chosen per table by its owner).
pub const MIN_SLOTS: usize = 8;
/// See [`MIN_SLOTS`]. At the most, 100 slots of 40 bytes leave 24 bytes of own heap.
pub const MAX_SLOTS: usize = 100;
const _: () = assert!(MAX_SLOTS * SLOT_SIZE < LEAF_BODY && LEAF_BODY - MAX_SLOTS * SLOT_SIZE == 24);
// A leaf's 16-bit `slot_count` holds any slots per leaf, and `u8::MAX`, which `inline_place`
// returns for a corrupt `location`, is never a heap area.
const _: () = assert!(MAX_SLOTS <= u16::MAX as usize && HEAP_PAGES < u8::MAX as usize);

/// Payloads up to this length (and over [`IN_SLOT_LIMIT`]) are stored in a heap when they fit;
/// longer ones always overflow.
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
    pub heap_pages: [U40; HEAP_PAGES],
    /// `slot_count` record slots, then the own heap.
    pub body: [u8; LEAF_BODY],
}
const _: () = assert!(size_of::<LeafPage>() == PAGE_SIZE);
const _: () = assert!(std::mem::offset_of!(LeafPage, heap_pages) == LEAF_HEAD);

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

/// Type tag of a packed leaf page: a full leaf's records with their payloads in the one page.
pub const PACKED_LEAF: PageType = PageType(37);

/// One record's fixed part in a packed leaf: 17 bytes, its payload elsewhere in the page.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct PackedSlot {
    /// `FLAG_LIVE` (1) for a live record; 0 for an empty or deleted slot (all of it zero).
    pub flags: u8,
    /// The payload's length in bytes.
    pub payload_len: U16,
    /// The caller's attributes.
    pub attrs: Attrs,
    /// Where the payload starts in the page's `body`.
    pub offset: U16,
}

/// Size of a packed slot.
pub const PACKED_SLOT_SIZE: usize = size_of::<PackedSlot>();
const _: () = assert!(PACKED_SLOT_SIZE == 1 + 2 + ATTR_SIZE + 2 && PACKED_SLOT_SIZE == 17);

/// Bytes of a packed leaf after its 32-byte head: the slots, then the payloads.
pub const PACKED_BODY: usize = PAGE_SIZE - 32;
// Every offset and length within the body fits the slots' 16 bits, and the most slots fit.
const _: () =
    assert!(PACKED_BODY <= u16::MAX as usize && MAX_SLOTS * PACKED_SLOT_SIZE < PACKED_BODY);

/// A packed leaf page: the records with ids `first_id .. first_id + slot_count`, every live
/// payload in the page after the slots. A full leaf (every id of it handed out) whose records
/// took heap pages is rewritten in this form when they fit it; a write to one of its records
/// turns it back into a [`LeafPage`] first.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct PackedLeafPage {
    /// Type [`PACKED_LEAF`].
    pub header: PageHeader,
    /// The id of slot 0; a multiple of `slot_count`.
    pub first_id: U64,
    /// Live slots.
    pub live: U16,
    /// Slots in `body`: the table's slots per leaf.
    pub slot_count: U16,
    /// The end of the payloads in `body`: they lie in `slot_count * 17 .. used`.
    pub used: U16,
    /// Zero.
    pub reserved: U16,
    /// `slot_count` packed slots, then the payloads.
    pub body: [u8; PACKED_BODY],
}
const _: () = assert!(size_of::<PackedLeafPage>() == PAGE_SIZE);
const _: () = assert!(std::mem::offset_of!(PackedLeafPage, body) == 32);

impl Page for PackedLeafPage {
    const TYPE: PageType = PACKED_LEAF;
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

#[cfg(test)]
mod tests {
    use std::mem::offset_of;

    use pager_mmap::{PageId, U40};
    use zerocopy::IntoBytes;
    use zerocopy::little_endian::U32;

    use super::{
        ATTR_SIZE, HEAP_PAGES, IN_SLOT_LIMIT, LEAF_BODY, LeafPage, MAX_SLOTS, PACKED_BODY,
        PACKED_SLOT_SIZE, PackedLeafPage, PackedSlot, RecordSlot, SLOT_SIZE, stored_page_id,
    };
    use crate::error::Error;

    #[test]
    fn a_record_slot_is_40_bytes_with_its_fields_at_the_documented_offsets() {
        assert_eq!(
            (size_of::<RecordSlot>(), SLOT_SIZE, ATTR_SIZE, IN_SLOT_LIMIT),
            (40, 40, 12, 23)
        );
        assert_eq!(offset_of!(RecordSlot, flags), 0);
        assert_eq!(offset_of!(RecordSlot, payload_len), 1);
        assert_eq!(offset_of!(RecordSlot, attrs), 5);
        assert_eq!(offset_of!(RecordSlot, place), 17);
        let slot = RecordSlot {
            flags: 5,
            payload_len: U32::new(0x0403_0201),
            attrs: std::array::from_fn(|i| 5 + i as u8),
            place: std::array::from_fn(|i| 17 + i as u8),
        };
        let expected: Vec<u8> = (5..6).chain(1..40).collect();
        assert_eq!(slot.as_bytes(), &expected[..]);
    }

    #[test]
    fn an_in_slot_payload_is_followed_by_zeros() {
        let mut slot = RecordSlot::EMPTY;
        slot.set_overflow_head(PageId(U40::MAX)).expect("fits");
        let payload = br#"n7{"id":7}"#;
        slot.set_in_slot(payload);
        let (stored, rest) = slot.place.split_at(payload.len());
        assert_eq!(stored, payload);
        assert!(rest.iter().all(|b| *b == 0));
        slot.set_in_slot(&[9; IN_SLOT_LIMIT]);
        assert_eq!(slot.place, [9; IN_SLOT_LIMIT]);
    }

    #[test]
    fn a_leaf_holds_100_slots_after_a_72_byte_head() {
        assert_eq!(offset_of!(LeafPage, first_id), 16);
        assert_eq!(offset_of!(LeafPage, live), 24);
        assert_eq!(offset_of!(LeafPage, slot_count), 26);
        assert_eq!(offset_of!(LeafPage, heap_used), 28);
        assert_eq!(offset_of!(LeafPage, reserved), 30);
        assert_eq!(offset_of!(LeafPage, heap_pages), 32);
        assert_eq!(offset_of!(LeafPage, body), 32 + 5 * HEAP_PAGES);
        assert_eq!((LEAF_BODY, MAX_SLOTS), (4024, 100));
        assert_eq!(LEAF_BODY - MAX_SLOTS * SLOT_SIZE, 24);
    }

    #[test]
    fn a_packed_leaf_holds_17_byte_slots_after_a_32_byte_head() {
        assert_eq!(offset_of!(PackedLeafPage, first_id), 16);
        assert_eq!(offset_of!(PackedLeafPage, live), 24);
        assert_eq!(offset_of!(PackedLeafPage, slot_count), 26);
        assert_eq!(offset_of!(PackedLeafPage, used), 28);
        assert_eq!(offset_of!(PackedLeafPage, reserved), 30);
        assert_eq!(offset_of!(PackedLeafPage, body), 32);
        assert_eq!((PACKED_SLOT_SIZE, PACKED_BODY), (17, 4064));
        assert_eq!(offset_of!(PackedSlot, flags), 0);
        assert_eq!(offset_of!(PackedSlot, payload_len), 1);
        assert_eq!(offset_of!(PackedSlot, attrs), 3);
        assert_eq!(offset_of!(PackedSlot, offset), 15);
    }

    #[test]
    fn an_inline_place_is_area_times_65536_plus_offset() {
        for area in 0..=HEAP_PAGES as u8 {
            for offset in [0, 1, 0x1234, u16::MAX] {
                let mut slot = RecordSlot::EMPTY;
                slot.set_inline_place(area, offset);
                assert_eq!(slot.inline_place(), (area, offset));
                assert_eq!(
                    slot.location().get(),
                    u64::from(area) << 16 | u64::from(offset)
                );
                assert!(slot.place.iter().skip(5).all(|b| *b == 0));
            }
        }
    }

    #[test]
    fn an_inline_place_with_bits_above_the_area_names_no_heap() {
        let mut slot = RecordSlot::EMPTY;
        slot.set_location(U40::new(1 << 24 | 2 << 16 | 7).expect("40 bits"));
        assert_eq!(slot.inline_place(), (u8::MAX, 7));
        slot.set_location(U40::new(U40::MAX).expect("40 bits"));
        assert_eq!(slot.inline_place(), (u8::MAX, u16::MAX));
    }

    #[test]
    fn an_overflow_head_is_stored_whole_up_to_40_bits_and_refused_above() {
        let mut slot = RecordSlot::EMPTY;
        for head in [1, 0x12_3456_789a, U40::MAX] {
            slot.set_overflow_head(PageId(head)).expect("fits");
            assert_eq!(slot.overflow_head(), PageId(head));
        }
        for head in [U40::MAX + 1, u64::MAX] {
            match slot.set_overflow_head(PageId(head)) {
                Err(Error::PageOutOfRange { page, limit }) => {
                    assert_eq!((page, limit), (head, U40::MAX));
                }
                other => panic!("head {head}: {other:?}"),
            }
            assert_eq!(slot.overflow_head(), PageId(U40::MAX), "unchanged");
        }
        assert!(matches!(
            stored_page_id(PageId(U40::MAX + 1)),
            Err(Error::PageOutOfRange { .. })
        ));
    }
}
