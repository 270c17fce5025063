//! Parquet in and out of an mmgraph graph, in the layout Spark GraphFrames reads as it is: a
//! `vertices` table (`id`, `kind`, `name`, `data`) and an `edges` table (`src`, `dst`, `type`,
//! `data`), one file per table or one per kind and per edge type in Hive-style directories
//! ([`layout`]). This is the way a graph that outgrows one machine goes to Spark, DuckDB or
//! Polars, and the way their results come back.
//!
//! It sits on the `graph` crate's public API, beside the command-line tool and the Python
//! package, which both call it. [`export`] streams a read snapshot out a row group at a time;
//! [`import`] checks every file's columns before it writes anything and adds everything in one
//! write transaction, keeping the files' vertex ids as external ids ([`graph::external_ids`])
//! so that edges resolve and later imports can refer to them. It uses the `parquet` crate's column reader and
//! writer directly (no Arrow), with Snappy, the compression Spark writes by default.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::indexing_slicing)]

mod discover;
mod error;
mod export;
mod import;
pub mod layout;
mod partition;
pub mod pending;
mod reader;
mod writer;

pub use discover::{TableFile, discover};
pub use error::{Error, Result};
pub use export::{ExportOptions, ExportSummary, IdSource, export};
pub use import::{ImportSummary, import};
