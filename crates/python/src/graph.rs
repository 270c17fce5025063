//! `mmgraph.Graph`: a database file (or an in-memory graph) and the transactions on it.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::from_graph;
use crate::guarded::Guarded;
use crate::read::ReadTxn;
use crate::write::WriteTxn;

/// A graph database in one file. `Graph(path)` opens it for reading and writing (creating it),
/// `Graph(path, read_only=True)` for reading only (a shared lock; nothing is written).
/// `g.write()` begins the one write transaction, `g.read()` a snapshot; both are context
/// managers. The file stays open until the graph and every transaction on it are gone.
#[pyclass(module = "mmgraph", frozen)]
pub(crate) struct Graph {
    pub(crate) inner: graph::Graph,
}

#[pymethods]
impl Graph {
    #[new]
    #[pyo3(signature = (path, read_only = false))]
    fn new(py: Python<'_>, path: PathBuf, read_only: bool) -> PyResult<Graph> {
        let inner = py
            .detach(|| {
                if read_only {
                    graph::Graph::open_read_only(&path)
                } else {
                    graph::Graph::open(&path)
                }
            })
            .map_err(from_graph)?;
        Ok(Graph { inner })
    }

    /// A graph in memory only, gone with the object: for tests and scratch work.
    #[staticmethod]
    fn in_memory() -> PyResult<Graph> {
        Ok(Graph {
            inner: graph::Graph::in_memory().map_err(from_graph)?,
        })
    }

    /// Begins the write transaction. While another is open it waits, with the GIL released
    /// (a thread that holds one and asks for another waits forever), or with `wait=False`
    /// raises `BusyError`. `with g.write() as tx:` commits when the block ends normally and
    /// aborts on an exception. With `durable=False` its commit publishes without syncing: a
    /// crash may lose it (never corrupt the file) until a durable commit or `flush()`.
    #[pyo3(signature = (wait = true, durable = true))]
    fn write(&self, py: Python<'_>, wait: bool, durable: bool) -> PyResult<WriteTxn> {
        let mut txn = if wait {
            py.detach(|| self.inner.begin_write())
        } else {
            self.inner.try_begin_write()
        }
        .map_err(from_graph)?;
        if !durable {
            txn.set_durability(graph::Durability::NonDurable);
        }
        Ok(WriteTxn {
            inner: Guarded::new(txn, "write transaction"),
        })
    }

    /// Begins a read snapshot of the last commit: cheap, never blocked by the writer, usable
    /// from any thread (one call at a time). `with g.read() as r:` ends it with the block.
    fn read(&self) -> PyResult<ReadTxn> {
        let txn = self.inner.begin_read().map_err(from_graph)?;
        Ok(ReadTxn {
            inner: Guarded::new(txn, "read snapshot"),
        })
    }

    /// Verifies every structure and checksum of the last commit; returns the problems found
    /// (an empty list for a clean file).
    fn check(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let report = py.detach(|| self.inner.check()).map_err(from_graph)?;
        Ok(report.problems)
    }

    /// Counts of the last commit, as `mmgraph stats --json` prints them: `nodes`, `edges`,
    /// `kinds`, `edge_types`, `txn_id`, `page_count`, `free_pages`, `file_bytes`,
    /// `pages_by_type` and `pages_by_structure` (dicts: the same pages by page type and by the
    /// structure that holds them), `bytes_per_node` (`records`, `btrees`) and `bytes_per_edge`
    /// (`adjacency`, `records`), these two `None` where there is nothing to divide by.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = py.detach(|| self.inner.stats()).map_err(from_graph)?;
        let footprint = stats.footprint();
        let out = PyDict::new(py);
        out.set_item("txn_id", stats.txn_id)?;
        out.set_item("nodes", stats.nodes)?;
        out.set_item("edges", stats.edges)?;
        out.set_item("kinds", stats.kinds)?;
        out.set_item("edge_types", stats.edge_types)?;
        out.set_item("page_count", stats.page_count)?;
        out.set_item("free_pages", stats.free_pages)?;
        out.set_item("file_bytes", stats.file_len)?;
        out.set_item("pages_by_type", &stats.pages_by_type)?;
        out.set_item("pages_by_structure", &stats.pages_by_structure)?;
        let per_node = PyDict::new(py);
        per_node.set_item("records", footprint.records_per_node)?;
        per_node.set_item("indexes", footprint.indexes_per_node)?;
        out.set_item("bytes_per_node", per_node)?;
        let per_edge = PyDict::new(py);
        per_edge.set_item("adjacency", footprint.adjacency_per_edge)?;
        per_edge.set_item("records", footprint.records_per_edge)?;
        out.set_item("bytes_per_edge", per_edge)?;
        Ok(out)
    }

    /// Makes the commits of `write(durable=False)` transactions durable.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.flush()).map_err(from_graph)
    }

    /// Whether the graph was opened read-only.
    #[getter]
    fn read_only(&self) -> bool {
        self.inner.is_read_only()
    }
}
