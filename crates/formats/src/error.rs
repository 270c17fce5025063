//! What stops an export or a migration.

use std::path::PathBuf;

/// Everything this crate reports instead of finishing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A graph operation failed.
    #[error(transparent)]
    Graph(#[from] graph::Error),
    /// Writing the output failed.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// The SQLite file could not be read or written.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A node set to export names a node the snapshot does not have.
    #[error("node {0} is not in the graph")]
    NoNode(graph::NodeId),
    /// An export would overwrite a file and was not told it may.
    #[error("{0}: already exists; choose a new file or force the overwrite")]
    Exists(PathBuf),
    /// The SQLite file is not in sqlitegraph's schema.
    #[error("not a sqlitegraph database: {0}")]
    NotSqlitegraph(String),
    /// A sqlitegraph row that cannot become part of a graph; nothing was imported.
    #[error("{table} row {id}: {why}; nothing was imported")]
    BadRow {
        /// The table.
        table: &'static str,
        /// The row's id (the entity id for `graph_labels` and `graph_properties`).
        id: i64,
        /// What is wrong with it.
        why: String,
    },
    /// An external id to record is already another node's.
    #[error("external id {ext} is already node {node}'s")]
    ExternalIdTaken {
        /// The external id.
        ext: String,
        /// The node that has it.
        node: graph::NodeId,
    },
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
