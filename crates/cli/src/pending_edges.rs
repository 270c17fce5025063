//! Edges gathered to be added together through the graph's bulk path (`WriteTxn::add_edges`),
//! by `import` and `compact`.

use std::collections::HashMap;
use std::ops::Range;

use graph::{EdgeId, NewEdge, NodeId, WriteTxn};

use crate::error::Result;

/// The most edges the first commit of edges takes into a graph without edges, whatever the
/// batch size. Their lists are then written once, in order, by the bulk path; in batches, every
/// later batch's entries would go to the adjacency delta, and the final fold would copy every
/// list (on the NCBI taxonomy: 254 MiB of the file left free, and the import 20 % slower). At
/// 40 bytes an edge, pending edges take at most about 320 MiB beside the bulk path's own.
pub const FIRST_EDGE_COMMIT: u64 = 8_000_000;

/// Edges read but not yet added.
#[derive(Default)]
pub struct PendingEdges {
    /// From, to, the index of the type name in `types`, and where the data is in `data`.
    edges: Vec<(NodeId, NodeId, usize, Range<usize>)>,
    /// The edges' data, back to back (one allocation, not one per edge).
    data: Vec<u8>,
    /// Edge type names, indexed by the edges' third field.
    types: Vec<String>,
    type_index: HashMap<String, usize>,
}

impl PendingEdges {
    /// Adds an edge to those pending.
    pub fn push(&mut self, from: NodeId, to: NodeId, edge_type: &str, data: &[u8]) {
        let t = match self.type_index.get(edge_type) {
            Some(t) => *t,
            None => {
                self.types.push(edge_type.to_owned());
                self.type_index
                    .insert(edge_type.to_owned(), self.types.len() - 1);
                self.types.len() - 1
            }
        };
        let start = self.data.len();
        self.data.extend_from_slice(data);
        self.edges.push((from, to, t, start..self.data.len()));
    }

    /// Edges pending.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// Adds the pending edges in `txn`, in the order they came; returns their ids.
    pub fn flush(&mut self, txn: &mut WriteTxn) -> Result<Vec<EdgeId>> {
        let (types, data) = (&self.types, &self.data);
        let ids = txn.add_edges(self.edges.iter().map(|(from, to, t, at)| NewEdge {
            from: *from,
            to: *to,
            edge_type: types.get(*t).map_or("", String::as_str),
            data: data.get(at.clone()).unwrap_or_default(),
        }))?;
        self.data.clear();
        self.edges.clear();
        Ok(ids)
    }
}
