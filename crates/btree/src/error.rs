//! The crate's error type.

use pager_mmap::PageId;

use crate::layout::{MAX_KEY_LEN, MAX_VALUE_LEN};

/// Everything that can go wrong in a tree operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pager failed (I/O, a page out of bounds, a page of the wrong type, ...).
    #[error(transparent)]
    Pager(#[from] pager_mmap::Error),
    /// A key longer than [`MAX_KEY_LEN`].
    #[error("a key of {len} bytes is longer than the limit of {MAX_KEY_LEN}")]
    KeyTooLong {
        /// The key's length.
        len: usize,
    },
    /// A value longer than [`MAX_VALUE_LEN`].
    #[error("a value of {len} bytes is longer than the limit of {MAX_VALUE_LEN}")]
    ValueTooLong {
        /// The value's length.
        len: usize,
    },
    /// Bulk-load input that is not strictly ascending by key.
    #[error("bulk-load input is not strictly ascending at item {index}")]
    Unsorted {
        /// The position of the first out-of-order item.
        index: u64,
    },
    /// A composite key that [`crate::KeyReader`] cannot take apart.
    #[error("malformed composite key: {0}")]
    MalformedKey(String),
    /// A page's bytes violate the tree format.
    #[error("corrupt tree page {page}: {what}")]
    Corrupt {
        /// The page.
        page: PageId,
        /// What is wrong with it.
        what: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A [`Error::Corrupt`] for page `page`.
pub(crate) fn corrupt(page: PageId, what: impl Into<String>) -> Error {
    Error::Corrupt {
        page,
        what: what.into(),
    }
}
