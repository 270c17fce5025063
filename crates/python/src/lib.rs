//! The mmgraph Python package's native module, `mmgraph._mmgraph`: PyO3 bindings over the
//! `graph` crate's public API (files, transactions, reads, traversals, key-value spaces,
//! vectors) and the `algo` crate's algorithms. It sits above every other crate and is what the
//! Python package (`python/mmgraph`) re-exports; maturin builds it (`pyproject.toml`).
//!
//! Shape of the bindings:
//! - transactions live behind a mutex ([`guarded`]), so any Python thread may use a snapshot,
//!   one call at a time; long calls release the GIL;
//! - reads copy what they return out of the file (a zero-copy view cannot outlive the call);
//! - arrays cross as one numpy buffer each way, never element by element ([`convert`]);
//! - every Rust error becomes an exception of the `mmgraph.Error` hierarchy ([`errors`]);
//!   nothing here panics on any input.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::indexing_slicing)]

mod algorithms;
mod convert;
mod errors;
mod exchange;
mod graph;
mod guarded;
mod parquet;
mod query;
mod read;
mod records;
mod weights;
mod write;

use pyo3::prelude::*;

/// The native module: classes, exceptions, and the `algo` submodule.
#[pymodule]
fn _mmgraph(py: Python<'_>, module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<graph::Graph>()?;
    module.add_class::<read::ReadTxn>()?;
    module.add_class::<write::WriteTxn>()?;
    module.add_class::<records::Node>()?;
    module.add_class::<records::Edge>()?;
    module.add_class::<records::Path>()?;
    module.add("Error", py.get_type::<errors::Error>())?;
    module.add("CorruptError", py.get_type::<errors::CorruptError>())?;
    module.add("LockedError", py.get_type::<errors::LockedError>())?;
    module.add("ReadOnlyError", py.get_type::<errors::ReadOnlyError>())?;
    module.add("NotFoundError", py.get_type::<errors::NotFoundError>())?;
    module.add("InvalidError", py.get_type::<errors::InvalidError>())?;
    module.add("LimitError", py.get_type::<errors::LimitError>())?;
    module.add("BusyError", py.get_type::<errors::BusyError>())?;
    module.add("ClosedError", py.get_type::<errors::ClosedError>())?;
    module.add("QueryError", py.get_type::<errors::QueryError>())?;
    exchange::register(module)?;
    module.add_function(wrap_pyfunction!(parquet::export_parquet, module)?)?;
    module.add_function(wrap_pyfunction!(parquet::import_parquet, module)?)?;
    let algo = PyModule::new(py, "algo")?;
    algorithms::register(&algo)?;
    module.add_submodule(&algo)?;
    Ok(())
}
