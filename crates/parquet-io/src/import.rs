//! Import: every file's columns are checked before anything is written; then the vertices and
//! the edges are added in one write transaction, so a file that fails half-way (a null id, an
//! edge to an unknown vertex) leaves the database as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use graph::{Graph, NodeId, WriteTxn};

use crate::discover::discover;
use crate::error::{Error, Result};
use crate::layout::Table;
use crate::pending::PendingEdges;
use crate::reader::{Batch, TableReader};
use graph::external_ids as external;

/// What an import added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// Nodes added.
    pub vertices: u64,
    /// Edges added.
    pub edges: u64,
    /// The files read, vertices first.
    pub files: Vec<PathBuf>,
}

/// Column indexes in [`Table::columns`] order.
const ID: usize = 0;
const KIND: usize = 1;
const NAME: usize = 2;
const SRC: usize = 0;
const DST: usize = 1;
const TYPE: usize = 2;
const DATA: usize = 3;

/// The import in progress.
struct Import {
    txn: WriteTxn,
    /// The vertex ids this import added (the database's earlier ones are looked up).
    added: HashMap<i64, NodeId>,
    /// Edges read and not yet added; all from the file being read.
    pending: PendingEdges,
    /// The file's row of the first of them.
    first_pending: Option<u64>,
    vertices: u64,
    edges: u64,
}

/// A graph error on row `row` of `reader`'s file, with where it happened.
fn rejected(reader: &TableReader, row: u64) -> impl FnOnce(graph::Error) -> Error + '_ {
    move |source| Error::Rejected {
        path: reader.path().to_owned(),
        row,
        source,
    }
}

impl Import {
    fn vertices(&mut self, reader: &TableReader, batch: &Batch<'_>) -> Result<()> {
        for row in 0..batch.rows() {
            let at = batch.row_in_file(row);
            let id = batch.id(row, ID)?;
            let (kind, name) = (batch.text(row, KIND)?, batch.text(row, NAME)?);
            let node = self
                .txn
                .add_node(kind, name, batch.data(row, DATA))
                .map_err(rejected(reader, at))?;
            if let Some(holder) = external::record(&mut self.txn, &id.to_string(), node)? {
                return Err(Error::IdTaken {
                    path: reader.path().to_owned(),
                    row: at,
                    id,
                    node: holder,
                });
            }
            self.added.insert(id, node);
            self.vertices += 1;
        }
        Ok(())
    }

    /// The node vertex id `id` names: one this import added, or one the database had.
    fn resolve(&self, batch: &Batch<'_>, row: usize, column: usize) -> Result<NodeId> {
        let id = batch.id(row, column)?;
        if let Some(node) = self.added.get(&id) {
            return Ok(*node);
        }
        external::node_of(&self.txn, &id.to_string())?.ok_or_else(|| Error::UnknownVertex {
            path: batch.path().to_owned(),
            row: batch.row_in_file(row),
            column: if column == SRC { "src" } else { "dst" },
            id,
        })
    }

    /// Gathers the batch's edges, adding them when enough are gathered.
    fn edges(&mut self, reader: &TableReader, batch: &Batch<'_>) -> Result<()> {
        for row in 0..batch.rows() {
            let at = batch.row_in_file(row);
            let edge_type = batch.text(row, TYPE)?;
            graph::check_label("edge type", edge_type).map_err(rejected(reader, at))?;
            let (from, to) = (
                self.resolve(batch, row, SRC)?,
                self.resolve(batch, row, DST)?,
            );
            self.first_pending.get_or_insert(at);
            if self
                .pending
                .push(from, to, edge_type, batch.data(row, DATA))
            {
                self.add_pending(reader)?;
            }
        }
        Ok(())
    }

    /// Adds the gathered edges, all from `reader`'s file.
    fn add_pending(&mut self, reader: &TableReader) -> Result<()> {
        let first = self.first_pending.take().unwrap_or(0);
        self.edges += self
            .pending
            .add_to(&mut self.txn)
            .map_err(rejected(reader, first))?;
        Ok(())
    }
}

/// Imports the Parquet file or directory `path` (see [`crate::discover()`]) into `graph`:
/// every file's columns are checked first, then every row is added in one write transaction,
/// committed only if all of them were. Vertex ids become external ids; an edge's `src` and
/// `dst` name vertices of this import or of an earlier one.
pub fn import(graph: &Graph, path: &Path) -> Result<ImportSummary> {
    let readers = discover(path)?
        .into_iter()
        .map(|f| TableReader::open(&f.path, f.table, f.partition))
        .collect::<Result<Vec<_>>>()?;
    let mut import = Import {
        txn: graph.begin_write()?,
        added: HashMap::new(),
        pending: PendingEdges::default(),
        first_pending: None,
        vertices: 0,
        edges: 0,
    };
    for reader in &readers {
        reader.for_each_batch(|batch| match reader.table() {
            Table::Vertices => import.vertices(reader, batch),
            Table::Edges => import.edges(reader, batch),
        })?;
        if !import.pending.is_empty() {
            import.add_pending(reader)?;
        }
    }
    let Import {
        mut txn,
        vertices,
        edges,
        ..
    } = import;
    // The vertices' names went into the name index batch by batch, splitting its leaves; both
    // indexes are rebuilt packed.
    txn.rebuild_indexes_after(vertices)?;
    txn.commit()?;
    Ok(ImportSummary {
        vertices,
        edges,
        files: readers.iter().map(|r| r.path().to_owned()).collect(),
    })
}
