//! The pager's error type.

use crate::layout::{PAGE_SIZE, PageId, PageType};

/// Everything that can go wrong in the pager.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system reported an I/O failure (full disk, failing device, ...).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Another handle, in this process or another, holds the database file open in a way that
    /// excludes this open: a writer excludes everyone, read-only openers exclude a writer.
    #[error("the database file is locked: {holder}")]
    Locked {
        /// Who holds the lock.
        holder: LockHolder,
    },
    /// The file does not start with the mmgraph magic bytes.
    #[error("not an mmgraph database file (bad magic bytes)")]
    NotADatabase,
    /// The file is empty, and the open may not make a database of it (a read-only open, or
    /// one with `create` unset).
    #[error("the file is empty, not an mmgraph database")]
    EmptyFile,
    /// A write was asked of a database opened read-only.
    #[error("the database is open read-only")]
    ReadOnly,
    /// The newest commit names pages past the end of the file: the file was cut short after
    /// it was written (a crash cannot do this: pages are synced before the meta page that
    /// names them). Opening the older commit instead would silently lose data, so the open
    /// fails and the file is left as it is.
    #[error(
        "the file is truncated: the newest commit (txn {txn_id}) needs {needed} bytes and the \
         file has {file_len}; restore it from a copy"
    )]
    Truncated {
        /// The newest commit's transaction id.
        txn_id: u64,
        /// The bytes its pages span.
        needed: u64,
        /// The file's length.
        file_len: u64,
    },
    /// The file was written in a format version this build cannot read.
    #[error("unsupported format version {found} (this build reads version {supported})")]
    UnsupportedVersion {
        /// The version recorded in the file header.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// The file was written with a page size other than this build's.
    #[error("unsupported page size {found} (this build uses {PAGE_SIZE}-byte pages)")]
    UnsupportedPageSize {
        /// The page size recorded in the file header.
        found: u32,
    },
    /// The file's bytes violate the format: a bad checksum, an impossible count, a cycle.
    #[error("corrupt database: {0}")]
    Corrupt(String),
    /// A page id beyond the snapshot's last page.
    #[error("page {page} is out of bounds (the snapshot has {page_count} pages)")]
    PageOutOfBounds {
        /// The requested page.
        page: PageId,
        /// Pages in the snapshot.
        page_count: u64,
    },
    /// A page was decoded as a type other than the one its header carries.
    #[error("page {page} holds a {found:?} page, expected {expected:?}")]
    WrongPageType {
        /// The page.
        page: PageId,
        /// The type tag the caller expected.
        expected: PageType,
        /// The type tag the page carries.
        found: PageType,
    },
    /// A page was freed twice, or a page that this transaction did not allocate was written.
    #[error("page {page}: {what}")]
    PageMisuse {
        /// The page.
        page: PageId,
        /// What the caller did wrong.
        what: &'static str,
    },
    /// `try_begin_write` found another write transaction active.
    #[error("another write transaction is active")]
    WriteBusy,
    /// All reader slots are taken.
    #[error("too many concurrent read transactions (the limit is {0})")]
    ReadersFull(usize),
    /// A root slot index beyond [`crate::ROOT_SLOTS`].
    #[error("root slot {0} does not exist")]
    NoSuchRootSlot(usize),
    /// An earlier data sync or meta-page write failed, so what is on disk can only be known
    /// again by reopening. Reads keep working.
    #[error("writes are disabled after a failed sync; reopen the database")]
    Poisoned,
}

/// Who holds a database file's lock, for [`Error::Locked`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockHolder {
    /// A handle opened for writing (it excludes every other open).
    Writer,
    /// One or more read-only handles (they exclude a writer, not each other).
    Readers,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LockHolder::Writer => "another handle has it open for writing",
            LockHolder::Readers => "other handles have it open read-only",
        })
    }
}

/// The pager's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
