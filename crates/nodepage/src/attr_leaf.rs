//! The attribute table's leaf page: fixed 13-byte slots of a live flag and 12 attribute bytes,
//! no payload. `docs/format.md` describes it byte by byte.

use pager_mmap::{PAGE_SIZE, PageHeader, PageType};
use zerocopy::little_endian::{U16, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::dense::fixed_slot_leaf;
use crate::layout::{ATTR_SIZE, Attrs};

/// Type tag of an attribute leaf page.
pub const ATTR_LEAF: PageType = PageType(35);

/// One attribute record: 13 bytes.
#[repr(C)]
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug, PartialEq, Eq,
)]
pub struct AttrSlot {
    /// 1 for a live record; 0 for an empty or deleted slot; any other value is corruption.
    pub flags: u8,
    /// The caller's attributes; zero in an empty slot.
    pub attrs: Attrs,
}

/// Size of an attribute slot.
pub(crate) const ATTR_SLOT_SIZE: usize = size_of::<AttrSlot>();
const _: () = assert!(ATTR_SLOT_SIZE == 1 + ATTR_SIZE && ATTR_SLOT_SIZE == 13);

impl AttrSlot {
    /// An empty (never used or deleted) slot: all zero.
    pub const EMPTY: AttrSlot = AttrSlot {
        flags: 0,
        attrs: [0; ATTR_SIZE],
    };
}

/// Bytes of an attribute leaf before its slots.
const ATTR_HEAD: usize = 32;

/// Slots in an attribute leaf: as many as fit after its 32-byte head.
pub const ATTR_SLOTS: usize = (PAGE_SIZE - ATTR_HEAD) / ATTR_SLOT_SIZE;
const _: () = assert!(ATTR_SLOTS == 312);

/// Zero bytes at the end of an attribute leaf, after its slots.
const ATTR_PADDING: usize = PAGE_SIZE - ATTR_HEAD - ATTR_SLOTS * ATTR_SLOT_SIZE;
const _: () = assert!(ATTR_PADDING == 8);
// A leaf's 16-bit `live` counts all its slots.
const _: () = assert!(ATTR_SLOTS <= u16::MAX as usize);

/// An attribute leaf: the records with ids `first_id .. first_id + ATTR_SLOTS`.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct AttrLeafPage {
    /// Type [`ATTR_LEAF`].
    pub header: PageHeader,
    /// The id of slot 0; a multiple of [`ATTR_SLOTS`].
    pub first_id: U64,
    /// Live slots.
    pub live: U16,
    /// Zero.
    pub reserved: [u8; 6],
    /// The records.
    pub slots: [AttrSlot; ATTR_SLOTS],
    /// Zero.
    pub padding: [u8; ATTR_PADDING],
}
const _: () = assert!(size_of::<AttrLeafPage>() == PAGE_SIZE);
const _: () = assert!(std::mem::offset_of!(AttrLeafPage, slots) == ATTR_HEAD);

fixed_slot_leaf!(AttrLeafPage, ATTR_LEAF, ATTR_SLOTS);

#[cfg(test)]
mod tests {
    use std::mem::offset_of;

    use zerocopy::IntoBytes;

    use super::{ATTR_LEAF, ATTR_SLOT_SIZE, ATTR_SLOTS, AttrLeafPage, AttrSlot};

    #[test]
    fn an_attr_slot_is_a_flag_byte_then_12_attribute_bytes() {
        assert_eq!((size_of::<AttrSlot>(), ATTR_SLOT_SIZE), (13, 13));
        assert_eq!(offset_of!(AttrSlot, flags), 0);
        assert_eq!(offset_of!(AttrSlot, attrs), 1);
        let slot = AttrSlot {
            flags: 1,
            attrs: std::array::from_fn(|i| 2 + i as u8),
        };
        let expected: Vec<u8> = (1..14).collect();
        assert_eq!(slot.as_bytes(), &expected[..]);
        assert_eq!(AttrSlot::EMPTY.as_bytes(), &[0; 13]);
    }

    #[test]
    fn an_attr_leaf_holds_312_slots_after_a_32_byte_head_and_8_bytes_of_padding() {
        assert_eq!(size_of::<AttrLeafPage>(), 4096);
        assert_eq!(offset_of!(AttrLeafPage, header), 0);
        assert_eq!(offset_of!(AttrLeafPage, first_id), 16);
        assert_eq!(offset_of!(AttrLeafPage, live), 24);
        assert_eq!(offset_of!(AttrLeafPage, reserved), 26);
        assert_eq!(offset_of!(AttrLeafPage, slots), 32);
        assert_eq!(ATTR_SLOTS, 312);
        assert_eq!(offset_of!(AttrLeafPage, padding), 32 + 13 * 312);
        assert_eq!(offset_of!(AttrLeafPage, padding), 4088);
        assert_eq!(ATTR_LEAF.0, 35);
    }
}
