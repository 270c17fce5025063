//! What every engine in the comparison answers, on node ids `0..nodes` of a loaded graph.
//!
//! Each read returns a checksum that depends only on the graph, not on the engine (bytes read,
//! sums of neighbour ids, sums of BFS depths, path lengths): the comparison checks that every
//! engine gives the same one, so a faster answer is never a wrong one.

use std::time::Duration;

use crate::Result;

/// The time each phase of the bulk load took: all nodes, then all edges, then the commit, in
/// one transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadTimes {
    /// Adding every node.
    pub nodes: Duration,
    /// Adding every edge.
    pub edges: Duration,
    /// Committing the transaction (durably).
    pub commit: Duration,
}

/// An engine holding a loaded graph, ready to read.
pub trait Engine {
    /// The engine's name in the tables.
    fn name(&self) -> &'static str;

    /// Reads node `id`'s name and data (and its kind as the engine stores it). Returns the
    /// bytes of name and data.
    fn get_node(&mut self, id: u64) -> Result<u64>;

    /// [`Engine::get_node`], also reading the kind as a string. Returns the bytes of kind,
    /// name and data.
    fn get_node_with_kind(&mut self, id: u64) -> Result<u64>;

    /// Reads every out-neighbour of `id`. Returns the sum of (neighbour id + 1).
    fn out_neighbors(&mut self, id: u64) -> Result<u64>;

    /// BFS along out-edges from `start` over everything it reaches. Returns the sum of
    /// (depth + 1) over the reached nodes (so: the nodes reached plus their depths).
    fn bfs(&mut self, start: u64) -> Result<u64>;

    /// The distinct nodes within `k` hops of `start` along out-edges, `start` excluded.
    /// Returns their number.
    fn k_hop(&mut self, start: u64, k: u32) -> Result<u64>;

    /// An unweighted shortest path from `from` to `to` along out-edges. Returns its number of
    /// nodes, both ends included, or 0 if there is none.
    fn shortest_path(&mut self, from: u64, to: u64) -> Result<u64>;

    /// BFS along out-edges whose type is one of `types` (indexes into
    /// [`EDGE_TYPES`](crate::generate::EDGE_TYPES)), from `start` over everything it reaches.
    /// Returns what [`Engine::bfs`] returns.
    fn filtered_bfs(&mut self, start: u64, types: &[u8]) -> Result<u64>;

    /// An unweighted shortest path from `from` to `to` along out-edges whose type is one of
    /// `types`. Returns what [`Engine::shortest_path`] returns.
    fn filtered_shortest_path(&mut self, from: u64, to: u64, types: &[u8]) -> Result<u64>;

    /// A cheapest path from `from` to `to` along out-edges, each costing
    /// [`edge_weight`](crate::generate::edge_weight) (Dijkstra). Returns its cost + 1, or 0 if
    /// there is none; `None` for an engine without a weighted search.
    fn dijkstra(&mut self, from: u64, to: u64) -> Result<Option<u64>> {
        let _ = (from, to);
        Ok(None)
    }

    /// Closes the database and opens it again, and reads one node; returns the time it took.
    /// `None` for an engine with no file.
    fn close_and_reopen(&mut self) -> Result<Option<Duration>> {
        Ok(None)
    }
}
