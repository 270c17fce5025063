//! The adjacency store's pages. `docs/format.md` describes them byte by byte.

use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageType, U40};
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Type tag of an adjacency leaf.
pub const ADJ_LEAF: PageType = PageType(48);
/// Type tag of a run page.
pub const RUN: PageType = PageType(49);
/// Type tag of a hub page.
pub const HUB: PageType = PageType(50);
/// Type tag of a segment page.
pub const SEGMENT: PageType = PageType(51);
/// Type tag of a pair page.
pub const PAIR: PageType = PageType(52);

/// Nodes per adjacency leaf.
pub const NODES_PER_LEAF: usize = 64;

/// A neighbour list longer than this becomes a hub: 337, one less than a run page holds, so a
/// short list is at most one contiguous run of a run page's worth of entries (a type-filtered
/// scan of it reads one page) and only lists too long for that pay for a hub page and a segment
/// per edge type.
pub const HUB_THRESHOLD: usize = RUN_CAPACITY - 1;
const _: () = assert!(HUB_THRESHOLD == 337);
// A run's `capacity` and `count` are `u16`s in its slot.
const _: () = assert!(HUB_THRESHOLD <= u16::MAX as usize);

/// One neighbour in a short list: 12 bytes. Node and edge ids are 40-bit and edge types 16-bit
/// everywhere in the store; the writers refuse larger ones.
#[repr(C)]
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug, PartialEq, Eq,
)]
pub struct AdjEntry {
    /// The node at the other end.
    pub neighbor: U40,
    /// The edge.
    pub edge: U40,
    /// The edge's type.
    pub edge_type: U16,
}
const _: () = assert!(size_of::<AdjEntry>() == 12);

impl AdjEntry {
    /// The neighbour's id, read as one 8-byte load of the entry's first bytes, masked to 40
    /// bits: the same value as `neighbor.get()` in fewer instructions, for loops over runs.
    #[inline]
    pub fn neighbor_id(&self) -> u64 {
        first_forty_bits(self.as_bytes())
    }
}

/// The little-endian 40-bit value at the start of `bytes` (an entry of at least 8 bytes).
#[inline]
fn first_forty_bits(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |b| u64::from_le_bytes(*b) & U40::MAX)
}

/// Where one node's list in one direction is.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct ListSlot {
    /// [`FORM_EMPTY`], [`FORM_RUN`] or [`FORM_HUB`].
    pub form: u8,
    /// Zero.
    pub reserved: u8,
    /// A run's reserved entries from `offset` (`count` to [`HUB_THRESHOLD`]): appends fill them
    /// in place.
    pub capacity: U16,
    /// Index into the leaf's `pages` of the run page or hub page.
    pub page: U16,
    /// A run's first entry within its run page.
    pub offset: U16,
    /// A run's entries.
    pub count: U16,
}
const _: () = assert!(size_of::<ListSlot>() == 10);

/// Slot form: no neighbours.
pub const FORM_EMPTY: u8 = 0;
/// Slot form: a run in a run page.
pub const FORM_RUN: u8 = 1;
/// Slot form: a hub page.
pub const FORM_HUB: u8 = 2;

/// List slots per leaf: one per node and direction.
pub const SLOTS_PER_LEAF: usize = 2 * NODES_PER_LEAF;

/// Page ids one adjacency leaf can own.
pub const LEAF_PAGES: usize = (PAGE_SIZE - 32 - SLOTS_PER_LEAF * size_of::<ListSlot>()) / 8;
const _: () = assert!(LEAF_PAGES == 348);
// Room for the worst case: every list on a page of its own (a hub, say), plus the page a run
// moves to before the one it leaves is freed; or every list a full run (HUB_THRESHOLD entries)
// with runs packed first-fit, which needs at most twice the pages their entries fill. The leaf
// is exactly a page with no padding: 32 + 128 * 10 + 348 * 8 = 4096.
const _: () = assert!(SLOTS_PER_LEAF < LEAF_PAGES);
const _: () = assert!(2 * (SLOTS_PER_LEAF * HUB_THRESHOLD).div_ceil(RUN_CAPACITY) <= LEAF_PAGES);
// A slot's `page` (an index into `pages`) is a `u16`.
const _: () = assert!(LEAF_PAGES <= u16::MAX as usize);

/// The lists of nodes `first_node .. first_node + NODES_PER_LEAF`, and the pages that hold them.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct AdjLeafPage {
    /// Type [`ADJ_LEAF`].
    pub header: PageHeader,
    /// The first node of the leaf; a multiple of [`NODES_PER_LEAF`].
    pub first_node: U64,
    /// 0: the leaf's runs are in run pages, and `pages` lists the pages it owns. 1 to
    /// [`INLINE_CAPACITY`]: the leaf owns no page; its runs are in `pages` itself, read as
    /// entries (see [`AdjLeafPage::inline_entries`]), of which this many are in use.
    pub inline_used: U16,
    /// Zero.
    pub reserved: [u8; 6],
    /// Slot `2 * (node - first_node) + direction`.
    pub slots: [ListSlot; SLOTS_PER_LEAF],
    /// Run and hub pages owned by this leaf (and by no other page); 0 = unused. In an inline
    /// leaf, its runs' entries instead.
    pub pages: [U64; LEAF_PAGES],
}
const _: () = assert!(size_of::<AdjLeafPage>() == PAGE_SIZE);

impl Page for AdjLeafPage {
    const TYPE: PageType = ADJ_LEAF;
}

/// Run entries an inline leaf holds in its `pages` area: 232, exactly its 2,784 bytes.
pub const INLINE_CAPACITY: usize = LEAF_PAGES * 8 / size_of::<AdjEntry>();
const _: () = assert!(INLINE_CAPACITY == 232);
const _: () = assert!(INLINE_CAPACITY * size_of::<AdjEntry>() == LEAF_PAGES * 8);
// An inline leaf's runs are those of one run page that fits the area, so offsets carry over.
const _: () = assert!(INLINE_CAPACITY <= RUN_CAPACITY);

impl AdjLeafPage {
    /// Whether the leaf keeps its runs in its own page (see [`AdjLeafPage::inline_used`]).
    #[inline]
    pub fn is_inline(&self) -> bool {
        self.inline_used.get() != 0
    }

    /// The `pages` area read as run entries: an inline leaf's runs, at their slots' offsets.
    #[inline]
    pub fn inline_entries(&self) -> &[AdjEntry; INLINE_CAPACITY] {
        inline_area(&self.pages)
    }

    /// The `pages` area as run entries, writable.
    #[inline]
    pub fn inline_entries_mut(&mut self) -> &mut [AdjEntry; INLINE_CAPACITY] {
        zerocopy::transmute_mut!(&mut self.pages)
    }
}

/// A leaf's `pages` area read as run entries (see [`AdjLeafPage::inline_entries`]).
#[inline]
pub fn inline_area(pages: &[U64; LEAF_PAGES]) -> &[AdjEntry; INLINE_CAPACITY] {
    zerocopy::transmute_ref!(pages)
}

/// Entries one run page holds: 338.
pub const RUN_CAPACITY: usize = (PAGE_SIZE - 32) / size_of::<AdjEntry>();
const _: () = assert!(RUN_CAPACITY == 338);
// A full short list plus the entry that makes it a hub still fits one run page.
const _: () = assert!(HUB_THRESHOLD < RUN_CAPACITY);
// A slot's `offset` and a run page's `used` (at most RUN_CAPACITY) are `u16`s.
const _: () = assert!(RUN_CAPACITY <= u16::MAX as usize);

/// Short lists of one leaf, each a contiguous run of entries.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct RunPage {
    /// Type [`RUN`].
    pub header: PageHeader,
    /// Entries `0..used` may belong to runs; later ones are free.
    pub used: U16,
    /// Zero.
    pub reserved: [u8; 14],
    /// The entries.
    pub entries: [AdjEntry; RUN_CAPACITY],
    /// Zero.
    pub padding: [u8; PAGE_SIZE - 32 - RUN_CAPACITY * size_of::<AdjEntry>()],
}
const _: () = assert!(size_of::<RunPage>() == PAGE_SIZE);

impl Page for RunPage {
    const TYPE: PageType = RUN;
}

/// Lists in a pair page: both leaves' slots, leaf `2k`'s first.
pub const PAIR_LISTS: usize = 2 * SLOTS_PER_LEAF;

/// Entries one pair page holds: 296, exactly the page after its header and list ends.
pub const PAIR_CAPACITY: usize =
    (PAGE_SIZE - 32 - PAIR_LISTS * size_of::<U16>()) / size_of::<AdjEntry>();
const _: () = assert!(PAIR_CAPACITY == 296);
const _: () = assert!(32 + PAIR_LISTS * 2 + PAIR_CAPACITY * size_of::<AdjEntry>() == PAGE_SIZE);
// A list's end is a `u16`, and a pair's runs are read through slots whose offsets are `u16`s.
const _: () = assert!(PAIR_CAPACITY <= u16::MAX as usize);

/// The lists of two neighbouring leaves, `2k` and `2k + 1`, each list a run, in one page: kept
/// in the radix slot of leaf `2k`, with leaf `2k + 1`'s slot empty (`crate::pair`).
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct PairPage {
    /// Type [`PAIR`].
    pub header: PageHeader,
    /// The first node of leaf `2k`: `64 * 2k`.
    pub first_node: U64,
    /// Zero.
    pub reserved: [u8; 8],
    /// List `i` (`2 * (node - first_node) + direction`, 0 to 255) is `entries[ends[i - 1] ..
    /// ends[i]]` (from 0 for `i = 0`): non-decreasing, at most [`PAIR_CAPACITY`].
    pub ends: [U16; PAIR_LISTS],
    /// The lists' entries, in list order.
    pub entries: [AdjEntry; PAIR_CAPACITY],
}
const _: () = assert!(size_of::<PairPage>() == PAGE_SIZE);

impl Page for PairPage {
    const TYPE: PageType = PAIR;
}

/// The neighbours of a hub of one edge type.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct HubType {
    /// The edge type.
    pub edge_type: U32,
    /// Zero.
    pub reserved: U32,
    /// Neighbours of this type.
    pub count: U64,
    /// Root of the radix vector of segment pages.
    pub segments_root: U64,
    /// Height of that radix vector.
    pub segments_height: U64,
}
const _: () = assert!(size_of::<HubType>() == 32);

/// Edge types one hub holds.
pub const HUB_TYPE_CAPACITY: usize = (PAGE_SIZE - 48) / size_of::<HubType>();
const _: () = assert!(HUB_TYPE_CAPACITY == 126);

/// A long list: its degree and, per edge type, a vector of segments.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct HubPage {
    /// Type [`HUB`].
    pub header: PageHeader,
    /// The node whose list this is.
    pub node: U64,
    /// 0 = out, 1 = in.
    pub direction: u8,
    /// Zero.
    pub reserved: [u8; 3],
    /// Entries of `types` in use.
    pub type_count: U32,
    /// Neighbours over all types.
    pub degree: U64,
    /// Zero.
    pub reserved2: [u8; 8],
    /// One entry per edge type.
    pub types: [HubType; HUB_TYPE_CAPACITY],
    /// Zero.
    pub padding: [u8; 16],
}
const _: () = assert!(size_of::<HubPage>() == PAGE_SIZE);

impl Page for HubPage {
    const TYPE: PageType = HUB;
}

/// One neighbour in a segment (the type is the segment's): 10 bytes.
#[repr(C)]
#[derive(
    FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug, PartialEq, Eq,
)]
pub struct SegEntry {
    /// The node at the other end.
    pub neighbor: U40,
    /// The edge.
    pub edge: U40,
}
const _: () = assert!(size_of::<SegEntry>() == 10);

impl SegEntry {
    /// The neighbour's id, as [`AdjEntry::neighbor_id`] reads it.
    #[inline]
    pub fn neighbor_id(&self) -> u64 {
        first_forty_bits(self.as_bytes())
    }
}

/// Entries one segment holds: 406.
pub const SEGMENT_CAPACITY: usize = (PAGE_SIZE - 32) / size_of::<SegEntry>();
const _: () = assert!(SEGMENT_CAPACITY == 406);
// A segment's `count` is a `u16`.
const _: () = assert!(SEGMENT_CAPACITY <= u16::MAX as usize);

/// Up to [`SEGMENT_CAPACITY`] neighbours of one hub and edge type; every segment but the last
/// is full.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct SegmentPage {
    /// Type [`SEGMENT`].
    pub header: PageHeader,
    /// Entries in use.
    pub count: U16,
    /// Zero.
    pub reserved: [u8; 2],
    /// The edge type of every entry.
    pub edge_type: U32,
    /// Zero.
    pub reserved2: [u8; 8],
    /// The entries.
    pub entries: [SegEntry; SEGMENT_CAPACITY],
    /// Zero.
    pub padding: [u8; PAGE_SIZE - 32 - SEGMENT_CAPACITY * size_of::<SegEntry>()],
}
const _: () = assert!(size_of::<SegmentPage>() == PAGE_SIZE);

impl Page for SegmentPage {
    const TYPE: PageType = SEGMENT;
}

#[cfg(test)]
mod tests {
    use std::mem::offset_of;

    use pager_mmap::U40;
    use zerocopy::IntoBytes;
    use zerocopy::little_endian::U16;

    use super::{AdjEntry, AdjLeafPage, ListSlot, RunPage, SegEntry, SegmentPage};

    fn id(value: u64) -> U40 {
        U40::new(value).unwrap_or_default()
    }

    #[test]
    fn entries_are_five_byte_ids_then_a_two_byte_type_little_endian() {
        let entry = AdjEntry {
            neighbor: id(0x01_0203_0405),
            edge: id(0x0a_0b0c_0d0e),
            edge_type: U16::new(0x1112),
        };
        assert_eq!(
            entry.as_bytes(),
            [5, 4, 3, 2, 1, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x12, 0x11]
        );
        let segment = SegEntry {
            neighbor: entry.neighbor,
            edge: entry.edge,
        };
        assert_eq!(
            segment.as_bytes(),
            [5, 4, 3, 2, 1, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a]
        );
    }

    #[test]
    fn list_slots_and_leaves_have_the_documented_offsets() {
        assert_eq!(offset_of!(ListSlot, form), 0);
        assert_eq!(offset_of!(ListSlot, reserved), 1);
        assert_eq!(offset_of!(ListSlot, capacity), 2);
        assert_eq!(offset_of!(ListSlot, page), 4);
        assert_eq!(offset_of!(ListSlot, offset), 6);
        assert_eq!(offset_of!(ListSlot, count), 8);
        assert_eq!(offset_of!(AdjLeafPage, first_node), 16);
        assert_eq!(offset_of!(AdjLeafPage, inline_used), 24);
        assert_eq!(offset_of!(AdjLeafPage, slots), 32);
        assert_eq!(offset_of!(AdjLeafPage, pages), 1312);
        let slot = ListSlot {
            form: 1,
            reserved: 0,
            capacity: U16::new(0x0151),
            page: U16::new(0x0203),
            offset: U16::new(0x0405),
            count: U16::new(0x0150),
        };
        assert_eq!(
            slot.as_bytes(),
            [1, 0, 0x51, 0x01, 0x03, 0x02, 0x05, 0x04, 0x50, 0x01]
        );
    }

    #[test]
    fn run_and_segment_pages_have_the_documented_offsets() {
        assert_eq!(offset_of!(RunPage, used), 16);
        assert_eq!(offset_of!(RunPage, entries), 32);
        assert_eq!(offset_of!(RunPage, padding), 4088);
        assert_eq!(offset_of!(SegmentPage, count), 16);
        assert_eq!(offset_of!(SegmentPage, edge_type), 20);
        assert_eq!(offset_of!(SegmentPage, entries), 32);
        assert_eq!(offset_of!(SegmentPage, padding), 4092);
    }

    proptest::proptest! {
        #[test]
        fn neighbor_id_reads_the_neighbor_whatever_follows_it(
            neighbor in 0..=U40::MAX,
            edge in 0..=U40::MAX,
            edge_type: u16,
        ) {
            let (n, e) = (U40::new(neighbor).expect("40 bits"), U40::new(edge).expect("40 bits"));
            let entry = AdjEntry { neighbor: n, edge: e, edge_type: U16::new(edge_type) };
            proptest::prop_assert_eq!(entry.neighbor_id(), neighbor);
            let segment = SegEntry { neighbor: n, edge: e };
            proptest::prop_assert_eq!(segment.neighbor_id(), neighbor);
        }
    }
}
