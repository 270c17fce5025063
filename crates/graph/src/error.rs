//! The graph's error type: what the API reports, with the lower crates' errors inside.

use crate::ids::{EdgeId, NodeId};

/// Everything that can go wrong in a graph operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file, its pages, or the storage under them (I/O, full disk, corrupt page, lock).
    #[error(transparent)]
    Pager(#[from] pager_mmap::Error),
    /// The node or edge record store.
    #[error(transparent)]
    Records(#[from] nodepage::Error),
    /// The adjacency store.
    #[error(transparent)]
    Adjacency(#[from] edges::Error),
    /// An index or string table.
    #[error(transparent)]
    Index(#[from] btree::Error),
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
    /// The file is an mmgraph file but holds no graph.
    #[error("not a graph database: {0}")]
    NotAGraph(String),
    /// The graph's structures contradict each other.
    #[error("corrupt graph: {0}")]
    Corrupt(String),
    /// Node or edge data is not the JSON the caller asked for.
    #[cfg(feature = "serde")]
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The graph's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
