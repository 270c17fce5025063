//! `mmgraph.WriteTxn`: the one write transaction: add, update and delete nodes and edges, bulk
//! edges, key-value spaces and vectors; commit or abort. Reads see the transaction's own writes.

use graph::{EdgeId, GraphRead, NodeId};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::{self, data_bytes, le_bytes, to_numpy};
use crate::errors::{InvalidError, from_graph};
use crate::guarded::Guarded;
use crate::records::{self, Edge, Node};

/// The write transaction: its changes are seen by nothing else until `commit()`, and are
/// dropped by `abort()` (or when the object is collected uncommitted). `with g.write() as tx:`
/// commits when the block ends normally and aborts when it raises. After an error inside a
/// transaction it may be half done: abort it.
#[pyclass(module = "mmgraph", frozen)]
pub(crate) struct WriteTxn {
    pub(crate) inner: Guarded<graph::WriteTxn>,
}

/// Edge types for `n` edges: one name for all, or one name per edge.
fn types_for(types: &Bound<'_, PyAny>, n: usize) -> PyResult<Vec<String>> {
    if let Ok(name) = types.cast::<PyString>() {
        return Ok(vec![name.extract::<String>()?]);
    }
    let names: Vec<String> = types
        .try_iter()?
        .map(|t| t.and_then(|t| t.extract::<String>()))
        .collect::<PyResult<_>>()?;
    if names.len() != n {
        return Err(InvalidError::new_err(format!(
            "{} edge types for {n} edges: give one type, or one per edge",
            names.len()
        )));
    }
    Ok(names)
}

#[pymethods]
impl WriteTxn {
    /// Adds a node and returns its id. `data` is `bytes`, or any JSON-serialisable object
    /// (stored as its JSON text), or `None` (empty).
    #[pyo3(signature = (kind, name, data = None))]
    fn add_node(
        &self,
        py: Python<'_>,
        kind: &str,
        name: &str,
        data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let data = data_bytes(py, data)?;
        self.inner.with(py, |t| {
            Ok(t.add_node(kind, name, &data).map_err(from_graph)?.0)
        })
    }

    /// Adds an edge of type `type` from `src` to `dst` (both must exist); returns its id.
    #[pyo3(signature = (src, dst, r#type, data = None))]
    fn add_edge(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        r#type: &str,
        data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let data = data_bytes(py, data)?;
        self.inner.with(py, |t| {
            Ok(t.add_edge(NodeId(src), NodeId(dst), r#type, &data)
                .map_err(from_graph)?
                .0)
        })
    }

    /// Adds many edges in one call (the bulk path, GIL released): `src` and `dst` are lists or
    /// numpy arrays of node ids, `types` one type for all or one per edge, `data` `None` or one
    /// value per edge (as in `add_edge`). Returns the new ids as a numpy `uint64` array.
    #[pyo3(signature = (src, dst, types, data = None))]
    fn add_edges<'py>(
        &self,
        py: Python<'py>,
        src: &Bound<'py, PyAny>,
        dst: &Bound<'py, PyAny>,
        types: &Bound<'py, PyAny>,
        data: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let src = convert::u64s(py, src)?;
        let dst = convert::u64s(py, dst)?;
        if src.len() != dst.len() {
            return Err(InvalidError::new_err(format!(
                "{} sources and {} targets: give one of each per edge",
                src.len(),
                dst.len()
            )));
        }
        let types = types_for(types, src.len())?;
        let data: Vec<Vec<u8>> = match data {
            Some(d) if !d.is_none() => {
                let values: Vec<Vec<u8>> = d
                    .try_iter()?
                    .map(|v| v.and_then(|v| data_bytes(py, Some(&v))))
                    .collect::<PyResult<_>>()?;
                if values.len() != src.len() {
                    return Err(InvalidError::new_err(format!(
                        "{} data values for {} edges",
                        values.len(),
                        src.len()
                    )));
                }
                values
            }
            _ => Vec::new(),
        };
        let ids = self.inner.detached(py, |t| {
            let edges = src
                .iter()
                .zip(&dst)
                .enumerate()
                .map(|(i, (s, d))| graph::NewEdge {
                    from: NodeId(*s),
                    to: NodeId(*d),
                    edge_type: types.get(i).or(types.first()).map_or("", String::as_str),
                    data: data.get(i).map_or(&[][..], Vec::as_slice),
                });
            let ids: Vec<u64> = t
                .add_edges(edges)
                .map_err(from_graph)?
                .into_iter()
                .map(|e| e.0)
                .collect();
            Ok(le_bytes(&ids))
        })?;
        to_numpy::<u64>(py, &ids)
    }

    /// Replaces node `id`'s kind, name and data.
    #[pyo3(signature = (id, kind, name, data = None))]
    fn update_node(
        &self,
        py: Python<'_>,
        id: u64,
        kind: &str,
        name: &str,
        data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let data = data_bytes(py, data)?;
        self.inner.with(py, |t| {
            t.update_node(NodeId(id), kind, name, &data)
                .map_err(from_graph)
        })
    }

    /// Replaces node `id`'s data.
    fn set_node_data(&self, py: Python<'_>, id: u64, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let data = data_bytes(py, Some(data))?;
        self.inner.with(py, |t| {
            t.set_node_data(NodeId(id), &data).map_err(from_graph)
        })
    }

    /// Deletes node `id` and every edge to or from it.
    fn delete_node(&self, py: Python<'_>, id: u64) -> PyResult<()> {
        self.inner
            .with(py, |t| t.delete_node(NodeId(id)).map_err(from_graph))
    }

    /// Replaces edge `id`'s data.
    fn set_edge_data(&self, py: Python<'_>, id: u64, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let data = data_bytes(py, Some(data))?;
        self.inner.with(py, |t| {
            t.set_edge_data(EdgeId(id), &data).map_err(from_graph)
        })
    }

    /// Deletes edge `id`.
    fn delete_edge(&self, py: Python<'_>, id: u64) -> PyResult<()> {
        self.inner
            .with(py, |t| t.delete_edge(EdgeId(id)).map_err(from_graph))
    }

    /// Rewrites the name and kind indexes bottom up into packed pages
    /// (`graph::WriteTxn::rebuild_indexes`): for the end of a bulk load of nodes, whose
    /// inserts leave the name index's pages about three quarters full. A pass over every key.
    fn rebuild_indexes(&self, py: Python<'_>) -> PyResult<()> {
        self.inner
            .with(py, |t| t.rebuild_indexes().map_err(from_graph))
    }

    /// The node `id` as this transaction sees it, or `None`.
    fn node(&self, py: Python<'_>, id: u64) -> PyResult<Option<Node>> {
        self.inner.with(py, |t| records::read_node(t, id))
    }

    /// The edge `id` as this transaction sees it, or `None`.
    fn edge(&self, py: Python<'_>, id: u64) -> PyResult<Option<Edge>> {
        self.inner.with(py, |t| records::read_edge(t, id))
    }

    /// The number of live nodes, this transaction's included.
    fn node_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.with(py, |t| Ok(t.node_count()))
    }

    /// The number of live edges, this transaction's included.
    fn edge_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.with(py, |t| Ok(t.edge_count()))
    }

    /// The rows of the Cypher query `text`, run in this transaction (it sees and makes
    /// changes; they commit with the transaction), as `ReadTxn.query` returns them. If it
    /// raises, part of the query's changes may be in the transaction: let the `with` block end
    /// with the exception, so that it aborts.
    #[pyo3(signature = (text, params = None))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = crate::query::params(py, params)?;
        let rows = self
            .inner
            .detached(py, |t| crate::query::write_rows(t, text, &params))?;
        crate::records::parse_json(py, rows.as_bytes())
    }

    /// Sets `key` to `value` in key-value space `space` (bytes or str each); returns the old
    /// value or `None`.
    fn kv_insert<'py>(
        &self,
        py: Python<'py>,
        space: &str,
        key: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let (key, value) = (convert::key_bytes(key)?, convert::key_bytes(value)?);
        let old = self
            .inner
            .with(py, |t| t.kv_insert(space, &key, &value).map_err(from_graph))?;
        Ok(old.map(|v| PyBytes::new(py, &v)))
    }

    /// Removes `key` from space `space`; returns its value or `None`.
    fn kv_remove<'py>(
        &self,
        py: Python<'py>,
        space: &str,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let key = convert::key_bytes(key)?;
        let old = self
            .inner
            .with(py, |t| t.kv_remove(space, &key).map_err(from_graph))?;
        Ok(old.map(|v| PyBytes::new(py, &v)))
    }

    /// Creates vector index `name` of vectors of `dimension` floats compared by `metric`
    /// (`"cosine"`, `"l2"` or `"ip"`), with HNSW parameters `m` and `ef_construction`.
    #[pyo3(signature = (name, dimension, metric = "cosine", m = 16, ef_construction = 200))]
    fn create_vector_index(
        &self,
        py: Python<'_>,
        name: &str,
        dimension: usize,
        metric: &str,
        m: usize,
        ef_construction: usize,
    ) -> PyResult<()> {
        let metric = convert::metric(metric)?;
        let spec = graph::VectorIndexSpec {
            dimension,
            metric,
            m,
            ef_construction,
        };
        self.inner.with(py, |t| {
            t.create_vector_index(name, spec).map_err(from_graph)
        })
    }

    /// Drops vector index `name`; true if it existed.
    fn drop_vector_index(&self, py: Python<'_>, name: &str) -> PyResult<bool> {
        self.inner
            .with(py, |t| t.drop_vector_index(name).map_err(from_graph))
    }

    /// Sets `node`'s vector in `index` (any array of floats of the index's dimension).
    fn set_vector(
        &self,
        py: Python<'_>,
        index: &str,
        node: u64,
        vector: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let vector = convert::f32s(py, vector)?;
        self.inner.detached(py, |t| {
            t.set_vector(index, NodeId(node), &vector)
                .map_err(from_graph)
        })
    }

    /// Sets the vectors of `nodes` in `index` from the rows of `vectors` (a 2-D array with one
    /// row per node), in one call with the GIL released.
    fn set_vectors(
        &self,
        py: Python<'_>,
        index: &str,
        nodes: &Bound<'_, PyAny>,
        vectors: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let nodes = convert::u64s(py, nodes)?;
        let flat = py
            .import("numpy")?
            .call_method1("ascontiguousarray", (vectors, "<f4"))?
            .call_method0("ravel")?;
        let values = convert::f32s(py, &flat)?;
        if nodes.is_empty() {
            return Ok(());
        }
        if values.len() % nodes.len() != 0 {
            return Err(InvalidError::new_err(format!(
                "{} floats do not make {} rows of one dimension",
                values.len(),
                nodes.len()
            )));
        }
        let dimension = values.len() / nodes.len();
        self.inner.detached(py, |t| {
            for (node, row) in nodes.iter().zip(values.chunks_exact(dimension.max(1))) {
                t.set_vector(index, NodeId(*node), row)
                    .map_err(from_graph)?;
            }
            Ok(())
        })
    }

    /// Deletes `node`'s vector from `index`; true if it had one.
    fn delete_vector(&self, py: Python<'_>, index: &str, node: u64) -> PyResult<bool> {
        self.inner.with(py, |t| {
            t.delete_vector(index, NodeId(node)).map_err(from_graph)
        })
    }

    /// Commits: the changes become durable and visible to snapshots begun afterwards.
    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        match self.inner.take(py)? {
            Some(txn) => py.detach(|| txn.commit()).map_err(from_graph),
            None => Err(crate::errors::ClosedError::new_err(
                "the write transaction is closed",
            )),
        }
    }

    /// Drops the changes. Aborting a closed transaction is harmless.
    fn abort(&self, py: Python<'_>) -> PyResult<()> {
        if let Some(txn) = self.inner.take(py)? {
            txn.abort();
        }
        Ok(())
    }

    fn __enter__(slf: Py<WriteTxn>) -> Py<WriteTxn> {
        slf
    }

    /// Commits when the block ended normally (unless it committed or aborted itself), aborts
    /// when it raised.
    #[pyo3(signature = (exc_type, _exc, _traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: &Bound<'_, PyAny>,
        _exc: &Bound<'_, PyAny>,
        _traceback: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let Some(txn) = self.inner.take(py)? else {
            return Ok(false);
        };
        if exc_type.is_none() {
            py.detach(|| txn.commit()).map_err(from_graph)?;
        } else {
            txn.abort();
        }
        Ok(false)
    }
}
