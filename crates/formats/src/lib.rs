//! mmgraph's exchange formats: the ways a graph leaves for other tools and arrives from the
//! system mmgraph replaces.
//!
//! This crate sits on top of `graph` (a [`graph::GraphRead`] snapshot to read, a
//! [`graph::WriteTxn`] to write) and is used by the command-line tool and the Python package.
//! - [`write_graphml`] and [`write_dot`] stream the whole graph, or a set of nodes with the
//!   edges among them ([`Selection`]), as GraphML (Gephi, yEd, networkx) or DOT (Graphviz).
//!   Both are written by hand; [`escape`] says how text is made safe, and what happens to
//!   characters XML 1.0 forbids.
//! - [`sqlitegraph`] migrates a sqlitegraph SQLite database in (one write transaction) and
//!   writes a graph back in that schema.
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]

mod dot;
mod error;
pub mod escape;
mod graphml;
mod properties;
mod record;
mod selection;
pub mod sqlitegraph;
#[cfg(test)]
mod test_graph;

pub use dot::write_dot;
pub use error::{Error, Result};
pub use graphml::write_graphml;
pub use properties::RAW_DATA;
pub use selection::Selection;

/// What an export wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Nodes written.
    pub nodes: u64,
    /// Edges written.
    pub edges: u64,
}
