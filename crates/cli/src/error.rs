//! What stops a command, with the file or line it concerns.

use std::path::PathBuf;

/// Everything a command reports instead of finishing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// What happened.
        source: std::io::Error,
    },
    /// A database could not be opened (not a database, locked, damaged).
    #[error("{path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: graph::Error,
    },
    /// A command that reads or changes a database named a file that does not exist.
    #[error("{0}: no such database")]
    NoDatabase(PathBuf),
    /// A command that writes a new file found one there.
    #[error("{0}: already exists; choose a new file")]
    Exists(PathBuf),
    /// A Cypher query failed (`mmgraph query`).
    #[error("query: {0}")]
    Query(#[from] cypher::Error),
    /// A Parquet export or import failed (an import that fails writes nothing).
    #[error(transparent)]
    Parquet(#[from] parquet_io::Error),
    /// A graph operation failed.
    #[error(transparent)]
    Graph(#[from] graph::Error),
    /// An export or a migration (crate `formats`) failed.
    #[error(transparent)]
    Formats(formats::Error),
    /// Input lines that cannot be imported; nothing was written.
    #[error("{count} bad input line(s); nothing was imported:\n{listed}")]
    BadInput {
        /// How many problems were found.
        count: u64,
        /// The first ones, `file:line: what` each.
        listed: String,
    },
    /// A transaction found the external id it was to record already given to a node.
    #[error("id {ext} is already in the database (node {node})")]
    ExternalIdTaken {
        /// The external id.
        ext: String,
        /// The node that has it.
        node: graph::NodeId,
    },
    /// No node has the id, external id or name given.
    #[error("no node {0}")]
    NoNode(String),
    /// An argument that makes no sense here.
    #[error("{0}")]
    Invalid(String),
    /// Standard output or the output file failed.
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// An import that stopped on an error after committing part of its input.
    #[error("{cause}\n{committed}")]
    Stopped {
        /// What stopped it.
        cause: Box<Error>,
        /// What it had committed, per input.
        committed: String,
    },
    /// An import stopped by SIGINT or SIGTERM: what it committed, and how to finish it.
    #[error("interrupted; {0}")]
    Interrupted(String),
    /// The demo's graph differs from what it wrote.
    #[error("the demo graph differs from what was written:\n{0}")]
    Demo(String),
}

impl Error {
    /// Whether this is standard output closed by its reader (`mmgraph ... | head`): not a
    /// failure of the command, so it ends quietly.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<formats::Error> for Error {
    /// A graph error keeps its variant, so callers match graph errors in one place.
    fn from(e: formats::Error) -> Error {
        match e {
            formats::Error::Graph(e) => Error::Graph(e),
            e => Error::Formats(e),
        }
    }
}

/// The commands' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
