//! Graph algorithms over mmgraph snapshots.
//!
//! This crate sits on top of `graph` and uses nothing else: every algorithm takes any
//! [`graph::GraphRead`] (a [`graph::ReadTxn`] normally, so a run sees one snapshot and never
//! blocks the writer), reads adjacency in place from the file through
//! [`graph::GraphRead::scan`], and keeps only O(V) memory beside it: vectors indexed by node id,
//! never a copy of the edges. Every algorithm is iterative (no recursion on graph depth).
//!
//! The common frame:
//! - a [`View`] says what an algorithm sees: edge types, direction, kinds of node;
//! - results are [`NodeValues`], a dense vector by node id iterated as `(NodeId, value)`;
//! - a [`Control`] lends a cancellation flag and a progress callback, checked every iteration;
//! - [`write_values`] stores a result in a key-value space inside one write transaction.
//!
//! The algorithms:
//! - the six LDBC Graphalytics kernels: [`bfs_levels`], [`pagerank`], [`wcc`], [`cdlp`],
//!   [`lcc`], [`sssp`];
//! - components: [`scc`] and its [`condensation`], [`k_core`], [`triangles`];
//! - order: [`topological_sort`] (with a cycle when there is none), [`reachable`],
//!   [`transitive_reduction`], [`dominators`];
//! - centrality: [`degree_centrality`], [`closeness_centrality`], [`betweenness_centrality`]
//!   (exact or sampled), [`personalized_pagerank`];
//! - communities: [`louvain`] (with its modularity), [`cdlp`];
//! - [`minimum_spanning_forest`].
//!
//! ```
//! use algo::{Control, PageRankParams, View};
//! use graph::{Graph, GraphRead};
//!
//! let graph = Graph::in_memory()?;
//! let mut txn = graph.begin_write()?;
//! let a = txn.add_node("page", "a", b"")?;
//! let b = txn.add_node("page", "b", b"")?;
//! txn.add_edge(a, b, "links", b"")?;
//! txn.commit()?;
//!
//! let read = graph.begin_read()?;
//! let view = View::new().edge_type("links");
//! let ranks = algo::pagerank(&read, &view, &PageRankParams::default(), &mut Control::new())?;
//! assert!(ranks.get(b) > ranks.get(a));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod bfs;
mod cdlp;
mod centrality;
mod control;
mod dag;
mod dominators;
mod error;
mod heap;
mod kcore;
mod lcc;
mod louvain;
mod members;
mod msf;
mod pagerank;
mod rng;
mod scc;
mod sssp;
mod store;
mod topo;
mod values;
mod view;
mod wcc;

pub use bfs::bfs_levels;
pub use cdlp::cdlp;
pub use centrality::{Sources, betweenness_centrality, closeness_centrality, degree_centrality};
pub use control::{Control, Progress};
pub use dag::{reachable, transitive_reduction};
pub use dominators::dominators;
pub use error::{Error, Result};
pub use kcore::k_core;
pub use lcc::{lcc, total_triangles, triangles};
pub use louvain::{Communities, louvain};
pub use members::Members;
pub use msf::{SpanningForest, minimum_spanning_forest};
pub use pagerank::{PageRankParams, pagerank, personalized_pagerank};
pub use scc::{Components, condensation, scc};
pub use sssp::{EdgeWeight, sssp};
pub use store::{node_key, write_values};
pub use topo::topological_sort;
pub use values::{NodeValues, StoredValue};
pub use view::{Scanner, Stretch, Subgraph, View};
pub use wcc::wcc;
