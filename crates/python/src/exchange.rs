//! The exchange formats of crate `formats` for Python: `export_graphml` and `export_dot` of a
//! snapshot (whole, or a set of nodes with the edges among them), and migration from and to
//! sqlitegraph's SQLite schema (`import_sqlitegraph`, `export_sqlitegraph`). Each runs with
//! the GIL released.

use std::fs::File;
use std::path::PathBuf;

use formats::Selection;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Error, InvalidError, NotFoundError, from_graph};
use crate::read::ReadTxn;

/// A `formats` error as the Python exception of its class.
fn from_formats(e: formats::Error) -> PyErr {
    use formats::Error as E;
    let message = e.to_string();
    match e {
        E::Graph(e) => from_graph(e),
        E::NoNode(_) => NotFoundError::new_err(message),
        E::Exists(_) | E::NotSqlitegraph(_) | E::BadRow { .. } | E::ExternalIdTaken { .. } => {
            InvalidError::new_err(message)
        }
        _ => Error::new_err(message),
    }
}

/// The part of the snapshot to write: every node, or `nodes` and the edges among them.
fn selection(nodes: Option<Vec<u64>>) -> Selection {
    match nodes {
        None => Selection::All,
        Some(ids) => Selection::Nodes(ids.into_iter().map(graph::NodeId).collect()),
    }
}

/// Which writer an export uses.
#[derive(Clone, Copy)]
enum Drawing {
    Graphml,
    Dot,
}

fn draw(
    py: Python<'_>,
    r: &ReadTxn,
    path: PathBuf,
    nodes: Option<Vec<u64>>,
    drawing: Drawing,
) -> PyResult<(u64, u64)> {
    let selection = selection(nodes);
    r.inner.detached(py, |txn| {
        let file = File::create(&path)?;
        let written = match drawing {
            Drawing::Graphml => formats::write_graphml(txn, &selection, file),
            Drawing::Dot => formats::write_dot(txn, &selection, file),
        }
        .map_err(from_formats)?;
        Ok((written.nodes, written.edges))
    })
}

/// Writes snapshot `r` to `path` as GraphML (Gephi, yEd, `networkx.read_graphml`): nodes with
/// `kind`, `name`, extra `labels` (a JSON list), `external_id` and their properties as typed
/// keys; edges with `type` and properties. With `nodes`, only those nodes and the edges among
/// them (a traversal's result). Returns `(nodes, edges)` written.
#[pyfunction]
#[pyo3(signature = (r, path, nodes = None))]
fn export_graphml(
    py: Python<'_>,
    r: &ReadTxn,
    path: PathBuf,
    nodes: Option<Vec<u64>>,
) -> PyResult<(u64, u64)> {
    draw(py, r, path, nodes, Drawing::Graphml)
}

/// Writes snapshot `r` to `path` as a Graphviz DOT `digraph`: quoted node ids labelled with
/// the names, edges labelled with their types. With `nodes`, only those nodes and the edges
/// among them. Returns `(nodes, edges)` written.
#[pyfunction]
#[pyo3(signature = (r, path, nodes = None))]
fn export_dot(
    py: Python<'_>,
    r: &ReadTxn,
    path: PathBuf,
    nodes: Option<Vec<u64>>,
) -> PyResult<(u64, u64)> {
    draw(py, r, path, nodes, Drawing::Dot)
}

/// Imports the sqlitegraph database `src` into the mmgraph file `path` (made if missing), in
/// one transaction: on an error nothing is written (a file made for the import stays, empty).
/// Entity ids become external ids, labels extra labels, data, `file_path` and
/// `graph_properties` properties (`docs/formats.md`). Returns a dict of counts, with the edges
/// skipped because an end is missing. `path` must not be open in a `Graph` (the import opens
/// it and raises `LockedError` if it is).
#[pyfunction]
fn import_sqlitegraph<'py>(
    py: Python<'py>,
    src: PathBuf,
    path: PathBuf,
) -> PyResult<Bound<'py, PyDict>> {
    let report = py
        .detach(|| {
            let graph = graph::Graph::open(&path)?;
            formats::sqlitegraph::import(&graph, &src)
        })
        .map_err(from_formats)?;
    let out = PyDict::new(py);
    out.set_item("nodes", report.nodes)?;
    out.set_item("edges", report.edges)?;
    out.set_item("labels", report.labels)?;
    out.set_item("properties", report.properties)?;
    out.set_item("kv_entries", report.kv_entries)?;
    out.set_item("skipped_edges", report.skipped_edges)?;
    out.set_item("skipped_edge_ids", report.skipped_edge_ids)?;
    out.set_item("orphan_rows", report.orphan_rows)?;
    out.set_item("lossy_text", report.lossy_text)?;
    Ok(out)
}

/// Writes snapshot `r` to a new SQLite file `dst` in sqlitegraph's schema; an existing `dst`
/// raises `InvalidError` unless `force`. Returns a dict of the rows written per table.
#[pyfunction]
#[pyo3(signature = (r, dst, force = false))]
fn export_sqlitegraph<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    dst: PathBuf,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let written = r.inner.detached(py, |txn| {
        formats::sqlitegraph::export(txn, &dst, force).map_err(from_formats)
    })?;
    let out = PyDict::new(py);
    out.set_item("entities", written.entities)?;
    out.set_item("edges", written.edges)?;
    out.set_item("labels", written.labels)?;
    out.set_item("properties", written.properties)?;
    out.set_item("kv_entries", written.kv_entries)?;
    Ok(out)
}

/// Adds the functions to the native module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(export_graphml, module)?)?;
    module.add_function(wrap_pyfunction!(export_dot, module)?)?;
    module.add_function(wrap_pyfunction!(import_sqlitegraph, module)?)?;
    module.add_function(wrap_pyfunction!(export_sqlitegraph, module)?)?;
    Ok(())
}
