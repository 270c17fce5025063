//! mmgraph: an embedded graph database in one memory-mapped file.
//!
//! This crate is the public API, built on the rest of the workspace: node and edge records in
//! dense-id record tables (`nodepage`), adjacency lists in contiguous runs (`edges`), the
//! kind and name indexes and the string tables in copy-on-write B+trees (`btree`), all in the
//! pages of one file (`pager-mmap`) and inside the same transactions.
//!
//! - [`Graph::open`] a file; [`Graph::begin_write`] for the one writer, [`Graph::begin_read`]
//!   for snapshot readers (`Send`, cheap, never blocked).
//! - Writes ([`WriteTxn`]): add, update and delete nodes and edges; deleting a node deletes its
//!   edges. [`WriteTxn::commit`] or drop to abort.
//! - Reads ([`GraphRead`], on both transactions): nodes and edges by id as zero-copy views,
//!   neighbours by direction and edge type, degree, nodes by kind, by name and by name prefix,
//!   all nodes and edges; traversals along a [`Follow`] (a direction and a set of edge types):
//!   BFS with a depth limit, k-hop, shortest paths with their edges ([`Path`]), every shortest
//!   path, Dijkstra and A* with a caller's weights, k shortest simple paths (Yen).
//! - Typed properties ([`Value`]) on nodes and edges, read one at a time in place
//!   ([`PropertyRead`]), and labels beyond a node's kind ([`WriteTxn::add_label`]).
//! - Key-value spaces beside the graph ([`WriteTxn::kv_insert`], [`GraphRead::kv_get`]), in the
//!   same transactions.
//! - Vector indexes ([`WriteTxn::create_vector_index`], [`WriteTxn::set_vector`],
//!   [`GraphRead::vector_search`]): HNSW search, exact and filtered by kind or by hops from a
//!   node, in the same file and transactions.
//! - [`Graph::check`] verifies every structure and checksum; [`Graph::stats`] counts.
//!
//! ```
//! use graph::{Direction, Graph, GraphRead};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("example.mmg");
//! {
//!     let graph = Graph::open(&path)?;
//!     let mut txn = graph.begin_write()?;
//!     let a = txn.add_node("city", "Lisbon", b"")?;
//!     let b = txn.add_node("city", "Porto", b"")?;
//!     txn.add_edge(a, b, "road", b"313 km")?;
//!     txn.commit()?;
//! }
//! let graph = Graph::open(&path)?;
//! let read = graph.begin_read()?;
//! let lisbon = read.nodes_by_name("Lisbon").next().unwrap()?;
//! assert_eq!(read.degree(lisbon, Direction::Out)?, 1);
//! assert_eq!(read.count_by_kind("city")?, 2);
//! assert!(graph.check()?.is_clean());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod check;
mod error;
pub mod external_ids;
mod graph;
mod ids;
mod kv;
pub mod props;
mod read;
mod roots;
#[cfg(feature = "sample")]
pub mod sample;
mod scan;
mod schema;
mod strings;
#[cfg(feature = "testing")]
pub mod testing;
mod traverse;
mod vector;
mod write;

pub use check::{CheckReport, Footprint, PAGE_SIZE, Stats, page_type_name};
pub use error::{
    AdjacencyError, Damage, Error, IndexError, LockHolder, RecordError, Result, StorageError,
};
pub use graph::{Graph, ReadTxn, StorageStats};
pub use ids::{EdgeId, NodeId};
pub use kv::{KvEntry, MAX_KV_KEY_LEN, MAX_SPACE_NAME_LEN};
pub use pager_mmap::{Durability, Options};
pub use props::{PropertyMap, PropertyRead, Value};
pub use read::{Direction, EdgeRef, GraphRead, Neighbor, Neighbors, NodeRef};
pub use scan::{NeighborCursor, NeighborIds, NeighborScan};
pub use schema::{
    MAX_EDGE_DATA_LEN, MAX_EDGE_TYPES, MAX_IDS, MAX_LABEL_LEN, MAX_NAME_LEN, check_label,
    check_name,
};
pub use traverse::{Follow, Path, WeightedPath};
pub use vector::{
    MAX_DIMENSION, Metric, VectorError, VectorFilter, VectorHit, VectorIndexInfo, VectorIndexSpec,
};
pub use write::{NewDataNode, NewNode};
pub use write::{NewEdge, WriteTxn};
