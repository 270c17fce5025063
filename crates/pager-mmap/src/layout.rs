//! On-disk layouts owned by the pager: the page header every page starts with, the file header
//! page, the two meta pages and the free-list pages. `docs/format.md` describes them byte by
//! byte; the `const` assertions below keep that description and the code in step.

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Size of every page in the file, in bytes.
pub const PAGE_SIZE: usize = 4096;

/// `PAGE_SIZE` as a `u64`, for file offsets.
pub const PAGE_SIZE_U64: u64 = PAGE_SIZE as u64;

/// The bytes of one page.
pub type PageBytes = [u8; PAGE_SIZE];

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The magic bytes of every database file, in the file header page after its page header
/// (bytes 16..24 of the file: [`FileHeaderPage::magic`]).
pub const MAGIC: [u8; 8] = *b"MMGRAPH\0";

/// Number of root slots in a meta page, for the upper crates to anchor their structures.
pub const ROOT_SLOTS: usize = 32;

/// Page 0 holds the file header; it is written once, when the file is created.
pub const HEADER_PAGE: PageId = PageId(0);

/// The two meta pages. Commits alternate between them.
pub const META_PAGES: [PageId; 2] = [PageId(1), PageId(2)];

/// The first page that structures can use.
pub const FIRST_DATA_PAGE: u64 = 3;

/// The number of a page in the file: its byte offset is `id * PAGE_SIZE`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct PageId(pub u64);

impl PageId {
    /// The byte offset of this page in the file.
    pub fn offset(self) -> u64 {
        self.0.saturating_mul(PAGE_SIZE_U64)
    }
}

impl std::fmt::Display for PageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The type tag at byte 8 of every page. Tags are allocated in ranges so that no two crates
/// can collide: 1-15 pager, 16-31 btree, 32-47 nodepage, 48-63 edges, 64-79 graph.
/// Zero is never a valid tag, so an all-zero page is never mistaken for a structure.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PageType(pub u8);

impl PageType {
    /// The file header (page 0).
    pub const FILE_HEADER: PageType = PageType(1);
    /// A meta page (pages 1 and 2).
    pub const META: PageType = PageType(2);
    /// A chunk of the persistent free list.
    pub const FREE_LIST: PageType = PageType(3);
    /// A page of an overflow chain (a large value of any structure).
    pub const OVERFLOW: PageType = PageType(4);
    /// An inner page of a radix vector (any structure's dense index of pages).
    pub const RADIX: PageType = PageType(5);
}

/// The common header at the start of every page.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
pub struct PageHeader {
    /// xxh3-64 of bytes `8..PAGE_SIZE` of the page, seeded with the page's own id, so that a
    /// page written to the wrong place fails its check. Filled in by the pager at commit.
    pub checksum: U64,
    /// The page's [`PageType`] tag.
    pub page_type: u8,
    /// Zero; reserved for future flags.
    pub reserved: [u8; 7],
}
const _: () = assert!(size_of::<PageHeader>() == 16);

impl PageHeader {
    /// A header with the given type and a checksum still to be computed.
    pub fn new(page_type: PageType) -> Self {
        PageHeader {
            checksum: U64::new(0),
            page_type: page_type.0,
            reserved: [0; 7],
        }
    }
}

/// Byte offset of the type tag within a page.
pub const PAGE_TYPE_OFFSET: usize = 8;

/// Computes the checksum of a page as it is (or will be) stored at `id`.
pub fn page_checksum(id: PageId, page: &PageBytes) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(&page[PAGE_TYPE_OFFSET..], id.0)
}

/// Writes the checksum of `page` (stored at `id`) into its header.
pub fn seal_page(id: PageId, page: &mut PageBytes) {
    let sum = page_checksum(id, page);
    page[..PAGE_TYPE_OFFSET].copy_from_slice(&sum.to_le_bytes());
}

/// Whether the checksum stored in `page` matches its contents.
pub fn checksum_matches(id: PageId, page: &PageBytes) -> bool {
    let mut stored = [0u8; 8];
    stored.copy_from_slice(&page[..PAGE_TYPE_OFFSET]);
    u64::from_le_bytes(stored) == page_checksum(id, page)
}

/// The type tag of a page.
#[inline]
pub fn page_type_of(page: &PageBytes) -> PageType {
    PageType(page[PAGE_TYPE_OFFSET])
}

/// A zero-copy page layout: exactly one page long, starting with a [`PageHeader`].
pub trait Page: FromBytes + IntoBytes + KnownLayout + Immutable + Unaligned {
    /// The tag that pages of this layout carry.
    const TYPE: PageType;
}

/// Page 0: identifies the file and its format. Written once, at creation.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct FileHeaderPage {
    /// Type [`PageType::FILE_HEADER`].
    pub header: PageHeader,
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// [`FORMAT_VERSION`] at the time of writing.
    pub format_version: U32,
    /// [`PAGE_SIZE`] at the time of writing.
    pub page_size: U32,
    /// Zero.
    pub reserved: [u8; PAGE_SIZE - 32],
}
const _: () = assert!(size_of::<FileHeaderPage>() == PAGE_SIZE);

impl Page for FileHeaderPage {
    const TYPE: PageType = PageType::FILE_HEADER;
}

/// Pages 1 and 2: the root of one committed state. Open picks the valid one with the
/// highest transaction id.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct MetaPage {
    /// Type [`PageType::META`].
    pub header: PageHeader,
    /// The id of the transaction that wrote this state; ids start at 1 and only grow.
    pub txn_id: U64,
    /// Pages `0..page_count` are in use or free; the file may be longer (pre-allocated).
    pub page_count: U64,
    /// The top chunk of the free list, or 0 when the list is empty.
    pub free_list_head: U64,
    /// The number of page ids the free list holds, over all its chunks.
    pub free_page_count: U64,
    /// Roots of the upper crates' structures; 0 means "none".
    pub roots: [U64; ROOT_SLOTS],
    /// Zero.
    pub reserved: [u8; PAGE_SIZE - 48 - 8 * ROOT_SLOTS],
}
const _: () = assert!(size_of::<MetaPage>() == PAGE_SIZE);

impl Page for MetaPage {
    const TYPE: PageType = PageType::META;
}

/// Page ids one free-list chunk holds.
pub const FREE_LIST_CAPACITY: usize = (PAGE_SIZE - 40) / 8;

/// One chunk of the persistent free list: a stack of chunks, top first, linked by `next`.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct FreeListPage {
    /// Type [`PageType::FREE_LIST`].
    pub header: PageHeader,
    /// The chunk below this one, or 0 at the bottom.
    pub next: U64,
    /// The newest transaction that freed a page of this chunk: the pages may be reused once no
    /// reader of a snapshot older than this transaction is alive.
    pub freed_by: U64,
    /// How many entries of `entries` are used.
    pub count: U32,
    /// Zero.
    pub reserved: U32,
    /// Free page ids; `entries[..count]` are meaningful.
    pub entries: [U64; FREE_LIST_CAPACITY],
}
const _: () = assert!(size_of::<FreeListPage>() == PAGE_SIZE);
const _: () = assert!(FREE_LIST_CAPACITY == 507);

impl Page for FreeListPage {
    const TYPE: PageType = PageType::FREE_LIST;
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn checksum_depends_on_the_page_id() {
        let mut page = [7u8; PAGE_SIZE];
        seal_page(PageId(5), &mut page);
        assert!(checksum_matches(PageId(5), &page));
        assert!(!checksum_matches(PageId(6), &page));
        page[100] ^= 1;
        assert!(!checksum_matches(PageId(5), &page));
    }

    #[test]
    fn page_structs_start_with_their_header() {
        let mut page = FreeListPage::new_zeroed();
        page.header = PageHeader::new(PageType::FREE_LIST);
        let bytes: &PageBytes = page.as_bytes().try_into().expect("one page");
        assert_eq!(page_type_of(bytes), PageType::FREE_LIST);
    }
}
