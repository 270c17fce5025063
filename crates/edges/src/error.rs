//! The adjacency store's error type.

/// Everything that can go wrong in the adjacency store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pager failed (I/O, corrupt page, wrong page type, ...).
    #[error(transparent)]
    Pager(#[from] pager_mmap::Error),
    /// A long neighbour list would hold more distinct edge types than a hub page has room for.
    #[error(
        "node {node} would have more than {limit} edge types in one direction among over {threshold} neighbours"
    )]
    TooManyTypes {
        /// The node.
        node: u64,
        /// [`crate::HUB_TYPE_CAPACITY`].
        limit: usize,
        /// [`crate::HUB_THRESHOLD`].
        threshold: usize,
    },
    /// An id or edge type is larger than the store's entries hold; nothing was changed.
    #[error("{what} {value} is above the adjacency store's limit {limit}")]
    OutOfRange {
        /// `"node id"`, `"edge id"` or `"edge type"`.
        what: &'static str,
        /// The value given.
        value: u64,
        /// The largest value stored: [`pager_mmap::U40::MAX`] for ids, `u16::MAX` for types.
        limit: u64,
    },
    /// The store's pages contradict each other.
    #[error("corrupt adjacency: {0}")]
    Corrupt(String),
}

/// The adjacency store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
