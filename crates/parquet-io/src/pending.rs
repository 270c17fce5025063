//! Edges waiting to be added together. [`graph::WriteTxn::add_edges`] extends each node's list
//! once per call, so a call with a million random edges costs far less per edge than a hundred
//! calls of ten thousand; the Parquet import gathers edges here, up to a bound in edges and in
//! bytes, and adds them in one call. `mmgraph import` and `mmgraph compact` gather theirs here
//! too, one call per commit.

use std::collections::HashMap;
use std::ops::Range;

use graph::{NewEdge, NodeId, WriteTxn};

/// Edges gathered before one `add_edges` call, at most.
pub const PENDING_EDGES: usize = 1 << 20;
/// Bytes of edge data gathered before one `add_edges` call, at most (plus one edge's).
pub const PENDING_BYTES: usize = 64 << 20;

/// One gathered edge: its ends, its type's index in [`PendingEdges::types`], its data's range
/// in [`PendingEdges::data`].
struct Pending {
    from: NodeId,
    to: NodeId,
    edge_type: usize,
    data: Range<usize>,
}

/// Edges gathered for one `add_edges` call.
#[derive(Default)]
pub struct PendingEdges {
    edges: Vec<Pending>,
    types: Vec<String>,
    type_index: HashMap<String, usize>,
    data: Vec<u8>,
}

impl PendingEdges {
    /// Gathers one edge; returns whether the bound is reached (time to [`Self::add_to`]).
    pub fn push(&mut self, from: NodeId, to: NodeId, edge_type: &str, data: &[u8]) -> bool {
        let edge_type = match self.type_index.get(edge_type) {
            Some(&index) => index,
            None => {
                self.types.push(edge_type.to_owned());
                self.type_index
                    .insert(edge_type.to_owned(), self.types.len() - 1);
                self.types.len() - 1
            }
        };
        let start = self.data.len();
        self.data.extend_from_slice(data);
        self.edges.push(Pending {
            from,
            to,
            edge_type,
            data: start..self.data.len(),
        });
        self.edges.len() >= PENDING_EDGES || self.data.len() >= PENDING_BYTES
    }

    /// Whether nothing is gathered.
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Edges gathered.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Adds the gathered edges to `txn` in one call and empties the buffer (its types stay
    /// known); returns how many were added.
    pub fn add_to(&mut self, txn: &mut WriteTxn) -> graph::Result<u64> {
        let (types, data) = (&self.types, &self.data);
        let edges = self.edges.iter().map(|e| NewEdge {
            from: e.from,
            to: e.to,
            edge_type: types.get(e.edge_type).map_or("", String::as_str),
            data: data.get(e.data.clone()).unwrap_or_default(),
        });
        let added = txn.add_edges(edges)?.len() as u64;
        self.edges.clear();
        self.data.clear();
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use graph::{Graph, GraphRead};

    #[test]
    fn gathered_edges_are_added_with_their_types_and_data_across_calls() {
        let graph = Graph::in_memory().expect("graph");
        let mut txn = graph.begin_write().expect("write");
        let a = txn.add_node("k", "a", b"").expect("node");
        let b = txn.add_node("k", "b", b"").expect("node");
        let mut pending = PendingEdges::default();
        assert!(!pending.push(a, b, "x", b"one"));
        assert!(!pending.push(b, a, "y", b""));
        assert_eq!(pending.add_to(&mut txn).expect("add"), 2);
        assert!(pending.is_empty());
        assert!(!pending.push(a, a, "y", b"three"));
        assert_eq!(pending.add_to(&mut txn).expect("add"), 1);
        let mut edges: Vec<_> = txn
            .edges()
            .map(|e| {
                let e = e.expect("edge");
                let t = e.edge_type().expect("type").into_owned();
                (e.from(), e.to(), t, e.data().expect("data").into_owned())
            })
            .collect();
        edges.sort();
        assert_eq!(
            edges,
            [
                (a, a, "y".to_owned(), b"three".to_vec()),
                (a, b, "x".to_owned(), b"one".to_vec()),
                (b, a, "y".to_owned(), Vec::new()),
            ]
        );
    }

    #[test]
    fn the_buffer_asks_to_be_added_at_its_bound() {
        let mut pending = PendingEdges::default();
        let (a, b) = (NodeId(0), NodeId(1));
        for _ in 1..PENDING_EDGES {
            assert!(!pending.push(a, b, "x", b""));
        }
        assert!(pending.push(a, b, "x", b""));
    }
}
