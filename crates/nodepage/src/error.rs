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
    /// The table's pages contradict each other or its root.
    #[error("corrupt record table: {0}")]
    Corrupt(String),
}

/// The record table's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
