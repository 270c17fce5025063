//! The graph's error type: what the API reports. Damage to the file comes back as one variant,
//! [`Error::Corrupt`], whichever layer found it; the other failures of the layers below keep
//! their own types ([`StorageError`], [`RecordError`], [`AdjacencyError`], [`IndexError`]).

use crate::ids::{EdgeId, NodeId};

pub use btree::Error as IndexError;
pub use edges::Error as AdjacencyError;
pub use nodepage::Error as RecordError;
pub use pager_mmap::{Error as StorageError, LockHolder};

/// Where and how a file is damaged: the structure that found it, the page when one is known,
/// and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    /// The structure whose bytes are wrong: `"file"`, `"record table"`, `"adjacency"`,
    /// `"B+tree"`, `"graph"`, ...
    pub structure: &'static str,
    /// The page, when the check that failed knows it.
    pub page: Option<u64>,
    /// What is wrong.
    pub what: String,
}

impl Damage {
    /// Damage to `structure`, at `page` if known.
    pub fn new(structure: &'static str, page: Option<u64>, what: impl Into<String>) -> Damage {
        Damage {
            structure,
            page,
            what: what.into(),
        }
    }
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.page {
            Some(page) => write!(f, "{}, page {page}: {}", self.structure, self.what),
            None => write!(f, "{}: {}", self.structure, self.what),
        }
    }
}

/// Everything that can go wrong in a graph operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file is damaged: a bad checksum, a page of the wrong type, a truncated file,
    /// structures that contradict each other. Found by whichever layer read the bytes;
    /// [`Error::is_corruption`] asks the same.
    #[error("the database file is damaged: {0}")]
    Corrupt(Damage),
    /// Another handle, in this process or another, holds the file in a way that excludes this
    /// open (a writer excludes everyone; read-only handles exclude a writer).
    #[error("the database file is locked: {holder}")]
    Locked {
        /// Who holds it.
        holder: LockHolder,
    },
    /// A write was asked of a graph opened read-only.
    #[error("the graph is open read-only")]
    ReadOnly,
    /// The file or the storage under it, other than damage or locking (I/O, full disk, a file
    /// that is not a database, another format version, ...).
    #[error(transparent)]
    Storage(StorageError),
    /// The node or edge record store, other than damage.
    #[error(transparent)]
    Records(RecordError),
    /// The adjacency store, other than damage.
    #[error(transparent)]
    Adjacency(AdjacencyError),
    /// An index or string table, other than damage.
    #[error(transparent)]
    Index(IndexError),
    /// A vector index, other than damage: an unknown index, a vector of the wrong dimension,
    /// with a component that is not finite, or zero under cosine, ...
    #[error(transparent)]
    Vector(crate::vector::VectorError),
    /// No node has this id (never made, or deleted).
    #[error("no node with id {0}")]
    NodeNotFound(NodeId),
    /// No edge has this id (never made, or deleted).
    #[error("no edge with id {0}")]
    EdgeNotFound(EdgeId),
    /// A weighted traversal's weight function gave an edge a weight that is negative, NaN or
    /// infinite, or its heuristic gave a node such an estimate.
    #[error("invalid {what} {value}: weights and estimates must be finite and not negative")]
    InvalidWeight {
        /// Which weight: "weight of edge 5", "estimate for node 3".
        what: String,
        /// The value given.
        value: f64,
    },
    /// A name, kind or edge type that is too long or contains a NUL byte.
    #[error("invalid {what}: {why}")]
    InvalidString {
        /// "node name", "kind" or "edge type".
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// The graph holds as many nodes, edges or edge types as its layout can number.
    #[error("too many {what}: the limit is {limit}")]
    LimitReached {
        /// "node ids", "edge ids" or "edge types".
        what: &'static str,
        /// How many the layout can number.
        limit: u64,
    },
    /// The file holds a graph of a layout version this build does not read (layout 1 was
    /// written by builds before the 40-bit ids, layout 2 by builds before payloads in record
    /// slots; nothing converts a file in place).
    #[error(
        "the graph has layout version {found} and this build reads layout {supported}: \
         export it with the build that wrote it (`mmgraph export`) and import the export"
    )]
    UnsupportedLayout {
        /// The file's layout version.
        found: u64,
        /// The layout this build reads and writes.
        supported: u64,
    },
    /// Node or edge data read as properties is neither the property encoding nor a JSON
    /// object, or a property map is too large to encode.
    #[error("not a property map: {0}")]
    NotProperties(String),
    /// The file is an mmgraph file but holds no graph.
    #[error("not a graph database: {0}")]
    NotAGraph(String),
    /// Node or edge data is not the JSON the caller asked for.
    #[cfg(feature = "serde")]
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// Whether the error means the file is damaged ([`Error::Corrupt`]).
    pub fn is_corruption(&self) -> bool {
        matches!(self, Error::Corrupt(_))
    }

    /// Damage the graph layer found in `what` (its structures contradict each other).
    #[cold]
    pub(crate) fn corrupt(what: impl Into<String>) -> Error {
        Error::Corrupt(Damage::new("graph", None, what))
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Error {
        match e {
            StorageError::Corrupt(what) => Error::Corrupt(Damage::new("file", None, what)),
            StorageError::WrongPageType { page, .. }
            | StorageError::PageOutOfBounds { page, .. } => {
                Error::Corrupt(Damage::new("file", Some(page.0), e.to_string()))
            }
            StorageError::Truncated { .. } => {
                Error::Corrupt(Damage::new("file", None, e.to_string()))
            }
            StorageError::Locked { holder } => Error::Locked { holder },
            StorageError::ReadOnly => Error::ReadOnly,
            e => Error::Storage(e),
        }
    }
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Error {
        match e {
            RecordError::Pager(e) => e.into(),
            RecordError::Corrupt(what) => Error::Corrupt(Damage::new("record table", None, what)),
            e => Error::Records(e),
        }
    }
}

impl From<AdjacencyError> for Error {
    fn from(e: AdjacencyError) -> Error {
        match e {
            AdjacencyError::Pager(e) => e.into(),
            AdjacencyError::Corrupt(what) => Error::Corrupt(Damage::new("adjacency", None, what)),
            e => Error::Adjacency(e),
        }
    }
}

impl From<IndexError> for Error {
    fn from(e: IndexError) -> Error {
        match e {
            IndexError::Pager(e) => e.into(),
            IndexError::Corrupt { page, what } => {
                Error::Corrupt(Damage::new("B+tree", Some(page.0), what))
            }
            IndexError::MalformedKey(what) => Error::Corrupt(Damage::new("index key", None, what)),
            e => Error::Index(e),
        }
    }
}

/// The graph's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
