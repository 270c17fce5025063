//! The id map's leaf page: 812 five-byte values after a 32-byte head. `docs/format.md`
//! describes it byte by byte.

use pager_mmap::{PAGE_SIZE, PageHeader, PageType, U40};
use zerocopy::little_endian::{U16, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::dense::fixed_slot_leaf;

/// Type tag of an id-map leaf page.
pub const ID_MAP_LEAF: PageType = PageType(36);

/// Bytes of an id-map leaf before its values.
const ID_MAP_HEAD: usize = 32;

/// Values in an id-map leaf: as many 5-byte values as fit after its 32-byte head.
pub const ID_MAP_SLOTS: usize = (PAGE_SIZE - ID_MAP_HEAD) / size_of::<U40>();
const _: () = assert!(ID_MAP_SLOTS == 812);
// A leaf's 16-bit `live` counts all its slots.
const _: () = assert!(ID_MAP_SLOTS <= u16::MAX as usize);

/// Zero bytes at the end of an id-map leaf, after its values.
const ID_MAP_PADDING: usize = PAGE_SIZE - ID_MAP_HEAD - ID_MAP_SLOTS * size_of::<U40>();
const _: () = assert!(ID_MAP_PADDING == 4);

/// An id-map leaf: the values of keys `first_id .. first_id + ID_MAP_SLOTS`, each stored as the
/// value plus one, so that 0 marks a key without a value.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct IdMapLeafPage {
    /// Type [`ID_MAP_LEAF`].
    pub header: PageHeader,
    /// The key of slot 0; a multiple of [`ID_MAP_SLOTS`].
    pub first_id: U64,
    /// Slots holding a value.
    pub live: U16,
    /// Zero.
    pub reserved: [u8; 6],
    /// Value plus one of each key; 0 for a key without a value.
    pub values: [U40; ID_MAP_SLOTS],
    /// Zero.
    pub padding: [u8; ID_MAP_PADDING],
}
const _: () = assert!(size_of::<IdMapLeafPage>() == PAGE_SIZE);
const _: () = assert!(std::mem::offset_of!(IdMapLeafPage, values) == ID_MAP_HEAD);

fixed_slot_leaf!(IdMapLeafPage, ID_MAP_LEAF, ID_MAP_SLOTS);

#[cfg(test)]
mod tests {
    use std::mem::offset_of;

    use super::{ID_MAP_LEAF, ID_MAP_SLOTS, IdMapLeafPage};

    #[test]
    fn an_id_map_leaf_holds_812_values_after_a_32_byte_head_and_4_bytes_of_padding() {
        assert_eq!(size_of::<IdMapLeafPage>(), 4096);
        assert_eq!(offset_of!(IdMapLeafPage, header), 0);
        assert_eq!(offset_of!(IdMapLeafPage, first_id), 16);
        assert_eq!(offset_of!(IdMapLeafPage, live), 24);
        assert_eq!(offset_of!(IdMapLeafPage, reserved), 26);
        assert_eq!(offset_of!(IdMapLeafPage, values), 32);
        assert_eq!(ID_MAP_SLOTS, 812);
        assert_eq!(offset_of!(IdMapLeafPage, padding), 32 + 5 * 812);
        assert_eq!(offset_of!(IdMapLeafPage, padding), 4092);
        assert_eq!(ID_MAP_LEAF.0, 36);
    }
}
