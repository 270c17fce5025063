//! The exception hierarchy Python sees, and the mapping from the Rust errors to it. Every
//! exception derives from `mmgraph.Error` and carries the Rust error's message.

use pyo3::PyErr;
use pyo3::create_exception;
use pyo3::exceptions::PyException;

create_exception!(
    mmgraph,
    Error,
    PyException,
    "Every error mmgraph raises: the base of the hierarchy."
);
create_exception!(
    mmgraph,
    CorruptError,
    Error,
    "The database file is damaged (a bad checksum, a truncated file, contradicting structures)."
);
create_exception!(
    mmgraph,
    LockedError,
    Error,
    "Another handle, in this process or another, holds the file (a writer excludes everyone)."
);
create_exception!(
    mmgraph,
    ReadOnlyError,
    Error,
    "A write was asked of a graph opened with read_only=True."
);
create_exception!(
    mmgraph,
    NotFoundError,
    Error,
    "No node, edge or vector index has this id or name."
);
create_exception!(
    mmgraph,
    InvalidError,
    Error,
    "An argument the graph refuses: a bad name, weight, parameter, vector or edge type."
);
create_exception!(
    mmgraph,
    LimitError,
    Error,
    "The graph holds as many nodes, edges or edge types as its layout can number."
);
create_exception!(
    mmgraph,
    BusyError,
    Error,
    "Another write transaction is open (from `Graph.write(wait=False)`)."
);
create_exception!(
    mmgraph,
    ClosedError,
    Error,
    "The transaction was committed, aborted or closed, or is busy in this thread's callback."
);

create_exception!(
    mmgraph,
    QueryError,
    Error,
    "A Cypher query failed: its syntax, a check before it ran (the message gives the line and column), or an error while it ran."
);

/// A Cypher error as a Python exception: the graph's own errors as [`from_graph`] maps them,
/// a query that writes on a read snapshot as `ReadOnlyError`, the rest as `QueryError`.
pub(crate) fn from_cypher(e: cypher::Error) -> PyErr {
    match e {
        cypher::Error::Graph(e) => from_graph(e),
        cypher::Error::ReadOnly => ReadOnlyError::new_err(e.to_string()),
        other => QueryError::new_err(other.to_string()),
    }
}

/// A Rust error as the Python exception of its class.
pub(crate) fn from_graph(e: graph::Error) -> PyErr {
    use graph::Error as E;
    let message = e.to_string();
    match e {
        E::Corrupt(_) => CorruptError::new_err(message),
        E::Locked { .. } => LockedError::new_err(message),
        E::Storage(graph::StorageError::WriteBusy) => BusyError::new_err(message),
        E::ReadOnly => ReadOnlyError::new_err(message),
        E::NodeNotFound(_) | E::EdgeNotFound(_) => NotFoundError::new_err(message),
        E::Vector(graph::VectorError::UnknownIndex(_)) => NotFoundError::new_err(message),
        E::InvalidWeight { .. } | E::InvalidString { .. } | E::Vector(_) => {
            InvalidError::new_err(message)
        }
        E::LimitReached { .. } => LimitError::new_err(message),
        _ => Error::new_err(message),
    }
}

/// An algorithm's error as the Python exception of its class.
pub(crate) fn from_algo(e: algo::Error) -> PyErr {
    use algo::Error as E;
    let message = e.to_string();
    match e {
        E::Graph(e) => from_graph(e),
        E::DanglingEdge { .. } => CorruptError::new_err(message),
        E::NodeNotInView(_) => NotFoundError::new_err(message),
        E::UnknownEdgeType(_)
        | E::UnknownKind(_)
        | E::InvalidParameter { .. }
        | E::InvalidWeight { .. }
        | E::Cycle { .. } => InvalidError::new_err(message),
        _ => Error::new_err(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::Python;

    #[test]
    fn each_graph_error_maps_to_its_exception_class() {
        Python::initialize();
        Python::attach(|py| {
            let locked = from_graph(graph::Error::Locked {
                holder: graph::LockHolder::Writer,
            });
            assert!(locked.is_instance_of::<LockedError>(py));
            assert!(locked.is_instance_of::<Error>(py));
            let missing = from_graph(graph::Error::NodeNotFound(graph::NodeId(7)));
            assert!(missing.is_instance_of::<NotFoundError>(py));
            assert!(missing.value(py).to_string().contains("no node with id 7"));
            let corrupt = from_graph(graph::Error::Corrupt(graph::Damage::new("file", None, "x")));
            assert!(corrupt.is_instance_of::<CorruptError>(py));
            assert!(!corrupt.is_instance_of::<NotFoundError>(py));
        });
    }

    #[test]
    fn an_algorithm_error_wrapping_a_graph_error_keeps_its_class() {
        Python::initialize();
        Python::attach(|py| {
            let read_only = from_algo(algo::Error::Graph(graph::Error::ReadOnly));
            assert!(read_only.is_instance_of::<ReadOnlyError>(py));
            let cycle = from_algo(algo::Error::Cycle { cycle: vec![] });
            assert!(cycle.is_instance_of::<InvalidError>(py));
        });
    }
}
