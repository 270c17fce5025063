//! The crate's error type.

/// Everything that can go wrong in a vector index operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The pager failed (I/O, a page out of bounds, a page of the wrong type, ...).
    #[error(transparent)]
    Pager(#[from] pager_mmap::Error),
    /// The B+tree under an index failed.
    #[error(transparent)]
    Tree(#[from] btree::Error),
    /// An index's stored bytes contradict the format or each other.
    #[error("vector index damaged: {0}")]
    Corrupt(String),
    /// No index has this name.
    #[error("no vector index named {0:?}")]
    UnknownIndex(String),
    /// An index of this name exists already.
    #[error("a vector index named {0:?} exists already")]
    IndexExists(String),
    /// A vector whose length is not the index's dimension.
    #[error("the vector has {got} components and the index takes {expected}")]
    WrongDimension {
        /// The index's dimension.
        expected: usize,
        /// The vector's length.
        got: usize,
    },
    /// A component that is NaN or infinite.
    #[error("component {index} of the vector is not a finite number")]
    NotFinite {
        /// Its position.
        index: usize,
    },
    /// A vector of length zero under the cosine metric, which has no direction.
    #[error("a zero vector has no direction: the cosine metric cannot compare it")]
    ZeroVector,
    /// An index name, dimension or HNSW parameter out of range.
    #[error("invalid {what}: {why}")]
    InvalidParameter {
        /// Which parameter.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An [`Error::Corrupt`] saying `what`.
#[cold]
pub(crate) fn corrupt(what: impl Into<String>) -> Error {
    Error::Corrupt(what.into())
}
