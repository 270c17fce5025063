//! What can go wrong exporting or importing Parquet.

use std::path::PathBuf;

/// A Parquet export or import failed; an import that fails has written nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The graph refused a read or a write.
    #[error(transparent)]
    Graph(#[from] graph::Error),
    /// The `parquet` crate could not encode or decode a file.
    #[error("{path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the `parquet` crate reported.
        source: parquet::errors::ParquetError,
    },
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system reported.
        source: std::io::Error,
    },
    /// An export into a directory that already holds files, without `force`.
    #[error("{0} exists and is not empty; choose another directory or force the export")]
    NotEmpty(PathBuf),
    /// A path holds neither a vertices nor an edges table.
    #[error(
        "{0} holds no table: expected vertices.parquet, edges.parquet, vertices/ or edges/ \
         (or a Parquet file with columns id, kind, name or src, dst, type)"
    )]
    NoTables(PathBuf),
    /// A file lacks a column its table needs.
    #[error("{path}: no column `{column}`; expected {expected}")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column's name.
        column: &'static str,
        /// The column's expected type.
        expected: &'static str,
    },
    /// A column has a type other than its table needs.
    #[error("{path}: column `{column}` is {found}; expected {expected}")]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column's name.
        column: &'static str,
        /// The type needed.
        expected: &'static str,
        /// The type found.
        found: String,
    },
    /// A value cannot be imported: a null where one is needed, text that is not UTF-8, a
    /// partition directory name that cannot be decoded.
    #[error("{path}: row {row}, column `{column}`: {what}")]
    Value {
        /// The file.
        path: PathBuf,
        /// The row's index in the file, from 0.
        row: u64,
        /// The column's name.
        column: &'static str,
        /// What is wrong.
        what: String,
    },
    /// The graph refused a row (a kind, name or edge type past its limits, data too long).
    #[error("{path}: row {row}: {source}")]
    Rejected {
        /// The file.
        path: PathBuf,
        /// The row's index in the file, from 0 (for edges, the first row of the edges added
        /// together with it).
        row: u64,
        /// What the graph reported.
        source: graph::Error,
    },
    /// An edge names a vertex id that neither the import nor the database defines.
    #[error("{path}: row {row}: the edge's `{column}` {id} is no vertex id")]
    UnknownVertex {
        /// The file.
        path: PathBuf,
        /// The row's index in the file, from 0.
        row: u64,
        /// `src` or `dst`.
        column: &'static str,
        /// The id.
        id: i64,
    },
    /// A vertex id that the database (or an earlier row) already gave to another node.
    #[error("{path}: row {row}: vertex id {id} is already node {node}")]
    IdTaken {
        /// The file.
        path: PathBuf,
        /// The row's index in the file, from 0.
        row: u64,
        /// The id.
        id: i64,
        /// The node that has it.
        node: graph::NodeId,
    },
    /// A partition directory name (`kind=K`) that cannot be decoded.
    #[error("{path}: partition directory {component:?}: {what}")]
    Partition {
        /// The file under the directory.
        path: PathBuf,
        /// The directory's name.
        component: String,
        /// What is wrong.
        what: &'static str,
    },
}

/// The result of this crate's functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches a path to an I/O error.
pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}

/// Attaches a path to a Parquet error.
pub(crate) fn parquet(
    path: impl Into<PathBuf>,
) -> impl FnOnce(parquet::errors::ParquetError) -> Error {
    let path = path.into();
    move |source| Error::Parquet { path, source }
}
