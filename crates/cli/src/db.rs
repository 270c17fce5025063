//! Opening databases, and the external-id index that imports keep beside the graph.

use std::path::Path;

use graph::{Graph, GraphRead, NodeId, WriteTxn};

use crate::cli::IdArgs;
use crate::error::{Error, Result};

/// Opens an existing database read-only, for a command that only reads: a missing file is an
/// error rather than a new database, and the file is opened `O_RDONLY` under a shared lock, so
/// it may be read-only, other readers may have it open, and no byte of it changes.
pub fn open_read_only(path: &Path) -> Result<Graph> {
    if !path.exists() {
        return Err(Error::NoDatabase(path.to_owned()));
    }
    Graph::open_read_only(path).map_err(|source| Error::Open {
        path: path.to_owned(),
        source,
    })
}

/// Opens an existing database to change it: a missing file is an error rather than a new
/// database, so that a mistyped path does not leave an empty database behind.
pub fn open_existing(path: &Path) -> Result<Graph> {
    if !path.exists() {
        return Err(Error::NoDatabase(path.to_owned()));
    }
    open(path)
}

/// Opens a database, making it if the file does not exist.
pub fn open(path: &Path) -> Result<Graph> {
    Graph::open(path).map_err(|source| Error::Open {
        path: path.to_owned(),
        source,
    })
}

/// The node an import gave external id `ext`.
pub fn node_of_external(read: &impl GraphRead, ext: &str) -> Result<Option<NodeId>> {
    Ok(graph::external_ids::node_of(read, ext)?)
}

/// Damage found in what the tool keeps beside the graph, in its key-value space `structure`
/// (the only place the tool builds a [`graph::Error::Corrupt`]).
pub fn corrupt(structure: &'static str, what: String) -> Error {
    Error::Graph(graph::Error::Corrupt(graph::Damage::new(
        structure, None, what,
    )))
}

/// The external id of `node`, if an import gave it one.
pub fn external_of(read: &impl GraphRead, node: NodeId) -> Result<Option<String>> {
    Ok(graph::external_ids::external_of(read, node)?)
}

/// The node a command-line argument names: a node id, or with `--external` an external id.
pub fn resolve(read: &impl GraphRead, arg: &str, ids: IdArgs) -> Result<NodeId> {
    let node = if ids.external {
        node_of_external(read, arg)?
    } else {
        let id: u64 = arg.parse().map_err(|_| {
            Error::Invalid(format!(
                "{arg:?} is not a node id (a number); use -x for an external id"
            ))
        })?;
        read.node(NodeId(id))?.map(|n| n.id())
    };
    let what = if ids.external { "with external id" } else { "" };
    node.ok_or_else(|| Error::NoNode(format!("{what} {arg}").trim().to_owned()))
}

/// How a node is named in output for people: its id, its external id when it has one, and its
/// name.
pub fn describe(read: &impl GraphRead, node: NodeId) -> Result<String> {
    let name = match read.node(node)? {
        Some(n) => n.name()?.into_owned(),
        None => "(deleted)".to_owned(),
    };
    Ok(match external_of(read, node)? {
        Some(ext) => format!("{node} [{ext}] {name}"),
        None => format!("{node} {name}"),
    })
}

/// A node's or edge's data in JSON output: `("data", value)` when the bytes are JSON (as the
/// importers store it), embedded as JSON; `("data", null)` when there are none; else
/// `("data_hex", digits)`.
pub fn data_json(bytes: &[u8]) -> (&'static str, serde_json::Value) {
    if bytes.is_empty() {
        return ("data", serde_json::Value::Null);
    }
    match serde_json::from_slice(bytes) {
        Ok(value) => ("data", value),
        Err(_) => (
            "data_hex",
            serde_json::Value::String(crate::import::to_hex(bytes)),
        ),
    }
}

/// Write transactions of `size` records each, begun when first needed.
pub struct Batch<'g> {
    graph: &'g Graph,
    txn: Option<WriteTxn>,
    size: u64,
    pending: u64,
    /// Whether a transaction of the batch has committed.
    committed: bool,
}

impl<'g> Batch<'g> {
    /// Transactions of `size` records on `graph`.
    pub fn new(graph: &'g Graph, size: u64) -> Batch<'g> {
        Batch {
            graph,
            txn: None,
            size,
            pending: 0,
            committed: false,
        }
    }

    /// The current transaction.
    pub fn txn(&mut self) -> Result<&mut WriteTxn> {
        Ok(match &mut self.txn {
            Some(txn) => txn,
            empty => empty.insert(self.graph.begin_write()?),
        })
    }

    /// Makes the batches from now on `size` records each (the open one included).
    pub fn set_size(&mut self, size: u64) {
        self.size = size;
    }

    /// Counts `records` more; commits when the batch is full.
    pub fn counted(&mut self, records: u64) -> Result<()> {
        self.pending += records;
        if self.pending >= self.size {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what is pending now; the next records start a new batch. Pages the transaction
    /// freed are reusable by the transactions after it, not by itself.
    pub fn commit(&mut self) -> Result<()> {
        self.pending = 0;
        if let Some(txn) = self.txn.take() {
            txn.commit()?;
            self.committed = true;
        }
        Ok(())
    }

    /// Whether a transaction of the batch has committed already.
    pub fn has_committed(&self) -> bool {
        self.committed
    }

    /// Commits what is pending.
    pub fn finish(mut self) -> Result<()> {
        self.commit()
    }
}
