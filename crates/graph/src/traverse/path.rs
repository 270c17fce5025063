//! Paths as traversals return them: the start node and, per hop, the edge taken and the node it
//! reaches.

use crate::ids::NodeId;
use crate::read::Neighbor;

/// A path through the graph: where it starts and each hop from there, in order. A hop is the
/// edge taken (its id and type) and the node it reaches; along an in-edge (a spec with
/// [`crate::Direction::In`] or `Both`) the edge is walked against its direction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    /// The first node.
    pub start: NodeId,
    /// The hops, first to last.
    pub hops: Vec<Neighbor>,
}

impl Path {
    /// The path of no hops at `node`.
    pub fn at(node: NodeId) -> Path {
        Path {
            start: node,
            hops: Vec::new(),
        }
    }

    /// The nodes along the path, both ends included.
    pub fn nodes(&self) -> Vec<NodeId> {
        std::iter::once(self.start)
            .chain(self.hops.iter().map(|h| h.node))
            .collect()
    }

    /// The last node.
    pub fn end(&self) -> NodeId {
        self.hops.last().map_or(self.start, |h| h.node)
    }

    /// The number of hops.
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    /// True for a path of no hops (one node).
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }
}

/// A path with its cost: the sum of its edges' weights.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedPath {
    /// The path.
    pub path: Path,
    /// The sum of the weights of its edges.
    pub cost: f64,
}
