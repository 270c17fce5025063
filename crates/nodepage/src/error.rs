//! The record table's error type.

/// Everything that can go wrong in a record table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pager failed (I/O, corrupt page, wrong page type, ...).
    #[error(transparent)]
    Pager(#[from] pager_mmap::Error),
    /// No live record has this id.
    #[error("no record with id {0}")]
    NotFound(u64),
    /// A payload longer than [`crate::MAX_PAYLOAD`].
    #[error("a payload of {len} bytes is longer than the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The payload's length.
        len: usize,
        /// [`crate::MAX_PAYLOAD`].
        limit: usize,
    },
    /// A page the table must point at has an id above the 40 bits a leaf stores
    /// ([`pager_mmap::U40::MAX`]): a file of more than 4 PiB. The write transaction may be
    /// half done: abort it.
    #[error("page {page} is above the largest page id a record table stores ({limit})")]
    PageOutOfRange {
        /// The page's id.
        page: u64,
        /// [`pager_mmap::U40::MAX`].
        limit: u64,
    },
    /// A value for an [`crate::IdMap`] above [`crate::IdMap::MAX_VALUE`].
    #[error("the value {value} is above the largest an id map stores ({limit})")]
    ValueOutOfRange {
        /// The value.
        value: u64,
        /// [`crate::IdMap::MAX_VALUE`].
        limit: u64,
    },
    /// The table's pages contradict each other or its root.
    #[error("corrupt record table: {0}")]
    Corrupt(String),
}

/// The record table's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
