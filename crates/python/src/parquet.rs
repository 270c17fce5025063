//! `mmgraph.export_parquet` and `mmgraph.import_parquet`: the `parquet-io` crate's export and
//! import (the GraphFrames layout, `docs/formats.md`), with the GIL released while they run.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Error, InvalidError, from_graph};
use crate::graph::Graph;
use crate::read::ReadTxn;

/// A Parquet error as the Python exception of its class: the graph's own errors as the graph
/// maps them, files the layout refuses as `InvalidError`, the rest (I/O, undecodable Parquet)
/// as `mmgraph.Error`.
fn from_parquet(e: parquet_io::Error) -> PyErr {
    use parquet_io::Error as E;
    match e {
        E::Graph(e) => from_graph(e),
        E::Io { .. } | E::Parquet { .. } => Error::new_err(e.to_string()),
        other => InvalidError::new_err(other.to_string()),
    }
}

/// Writes the graph snapshot `r` sees into directory `dir` as Parquet in the layout Spark
/// GraphFrames reads: `vertices.parquet` (`id`, `kind`, `name`, `data`) and `edges.parquet`
/// (`src`, `dst`, `type`, `data`), or with `partition=True` one file per kind and per edge type
/// (`vertices/kind=K/part-0.parquet`). `dir` must not exist or be empty, unless `force=True`.
/// Returns a dict: `vertices`, `edges` (row counts), `files` (paths), `ids` (`"external"` when
/// the id columns hold the ids of an earlier import, else `"node"`).
#[pyfunction]
#[pyo3(signature = (r, dir, partition = false, force = false))]
pub(crate) fn export_parquet<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    dir: PathBuf,
    partition: bool,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = parquet_io::ExportOptions { partition, force };
    let summary = r.inner.detached(py, |read| {
        parquet_io::export(&*read, &dir, options).map_err(from_parquet)
    })?;
    let out = PyDict::new(py);
    out.set_item("vertices", summary.vertices)?;
    out.set_item("edges", summary.edges)?;
    out.set_item("files", summary.files)?;
    let ids = match summary.ids {
        parquet_io::IdSource::External => "external",
        parquet_io::IdSource::NodeIds => "node",
    };
    out.set_item("ids", ids)?;
    Ok(out)
}

/// The database an import writes to: an open `Graph`, or a path (opened, and closed after).
#[derive(FromPyObject)]
pub(crate) enum Target<'py> {
    Open(Bound<'py, Graph>),
    Path(PathBuf),
}

/// Imports the Parquet directory or file `dir` (the layout `export_parquet` writes, or any
/// Parquet files with those columns, as Spark writes them) into `path`: a `Graph`, or a
/// database file (made if missing). Every file's columns are checked before anything is
/// written and all rows go in one transaction: a file that does not fit raises `InvalidError`
/// naming the column and what was expected, and nothing is imported. Vertex ids become
/// external ids. Returns a dict: `vertices`, `edges` (added), `files`.
#[pyfunction]
pub(crate) fn import_parquet<'py>(
    py: Python<'py>,
    dir: PathBuf,
    path: Target<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let summary = match path {
        Target::Open(graph) => {
            let graph = &graph.get().inner;
            py.detach(|| parquet_io::import(graph, &dir))
        }
        Target::Path(db) => py.detach(|| {
            let graph = graph::Graph::open(&db)?;
            parquet_io::import(&graph, &dir)
        }),
    }
    .map_err(from_parquet)?;
    let out = PyDict::new(py);
    out.set_item("vertices", summary.vertices)?;
    out.set_item("edges", summary.edges)?;
    out.set_item("files", summary.files)?;
    Ok(out)
}
