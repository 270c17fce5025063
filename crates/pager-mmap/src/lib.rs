//! The mmgraph file: one memory-mapped file, shared by every structure of the database.
//!
//! This crate is the bottom of the stack (`pager-mmap` <- `nodepage`, `btree`, `edges` <-
//! `graph`) and the only one that touches the file or holds `unsafe` code. It owns the file
//! handle and its exclusive lock, the read-only mapping (grown by remapping), page
//! allocation with a persistent free list, copy-on-write write transactions, snapshot read
//! transactions, and the commit protocol with two meta pages.
//!
//! The upper crates see pages: [`WriteTxn::alloc`], [`WriteTxn::cow`] and
//! [`WriteTxn::free`] to change them, [`PageSource::page_as`] to read them as zero-copy
//! [`Page`] layouts, and the [`ROOT_SLOTS`] of the meta page to anchor their structures.
//!
//! ```
//! use pager_mmap::{MemStorage, Options, PageSource, PageType, Pager};
//!
//! let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())?;
//! let mut txn = pager.begin_write()?;
//! let (id, page) = txn.alloc(PageType(200))?;
//! page[100] = 42;
//! txn.set_root(0, id.0)?;
//! txn.commit()?;
//!
//! let read = pager.begin_read()?;
//! let root = pager_mmap::PageId(read.root(0)?);
//! assert_eq!(read.page(root)?[100], 42);
//! # Ok::<(), pager_mmap::Error>(())
//! ```

mod check;
mod dense_hash;
mod dirty;
mod error;
mod freelist;
mod layout;
mod meta;
mod overflow;
mod pager;
mod prefetch;
mod radix;
mod read;
mod registry;
mod storage;
mod stretch;
mod sync;
mod text;
mod u40;
mod write;

pub use check::CheckReport;
pub use dense_hash::{DenseIdHasher, DenseIdMap, DenseIdSet};
pub use error::{Error, LockHolder, Result};
pub use layout::{
    FIRST_DATA_PAGE, FORMAT_VERSION, FREE_LIST_CAPACITY, FileHeaderPage, FreeListPage, MAGIC,
    META_PAGES, MetaPage, PAGE_SIZE, PAGE_SIZE_U64, Page, PageBytes, PageHeader, PageId, PageType,
    ROOT_SLOTS, checksum_matches, page_checksum, page_type_of,
};
pub use overflow::{
    OVERFLOW_CAPACITY, OverflowPage, free_overflow, overflow_chain_pages, overflow_page_count,
    overflow_pieces, read_overflow, write_overflow,
};
pub use pager::{Durability, Options, Pager, PagerStats};
pub use prefetch::prefetch;
pub use radix::{RADIX_FANOUT, RADIX_MAX_HEIGHT, RadixPage, RadixPath, RadixVec, radix_capacity};
pub use read::{PageSource, ReadTxn, typed};
pub use storage::{Backend, MemStorage};
#[cfg(any(test, feature = "testing"))]
pub use storage::{SimFault, SimStorage};
pub use text::str_from_utf8;
pub use u40::U40;
pub use write::WriteTxn;
