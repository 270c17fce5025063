//! What most algorithms return: one value per node of the view, in a dense vector by node id.

use graph::NodeId;

use crate::members::{Members, index};

/// One value per node of a set, stored densely by node id (so a lookup is one index), iterated
/// as `(NodeId, value)` in id order.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeValues<T> {
    values: Vec<T>,
    members: Members,
}

impl<T> NodeValues<T> {
    /// `values` (one per id below `members.bound()`) for the nodes of `members`.
    pub(crate) fn new(values: Vec<T>, members: Members) -> NodeValues<T> {
        debug_assert_eq!(values.len(), members.bound());
        NodeValues { values, members }
    }

    /// `node`'s value, or `None` for a node outside the result.
    #[inline]
    pub fn get(&self, node: NodeId) -> Option<&T> {
        if self.members.contains(node) {
            self.values.get(index(node))
        } else {
            None
        }
    }

    /// The nodes that have a value.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// How many nodes have a value.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no node has a value (an empty graph or view).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// `(node, value)` for each node with a value, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &T)> + '_ {
        self.members
            .iter()
            .filter_map(|n| self.values.get(index(n)).map(|v| (n, v)))
    }

    /// The same nodes with each value mapped by `f`.
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> NodeValues<U> {
        NodeValues {
            values: self.values.iter().map(f).collect(),
            members: self.members.clone(),
        }
    }

    /// The dense vector by node id (entries of ids outside the result hold a filler value).
    pub fn as_slice(&self) -> &[T] {
        &self.values
    }
}

/// A value that can be written to a key-value space: a fixed-width little-endian encoding.
pub trait StoredValue {
    /// The value's bytes.
    fn to_stored(&self) -> Vec<u8>;
}

impl StoredValue for f64 {
    fn to_stored(&self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
}

impl StoredValue for u64 {
    fn to_stored(&self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
}

impl StoredValue for u32 {
    fn to_stored(&self) -> Vec<u8> {
        self.to_le_bytes().to_vec()
    }
}

impl StoredValue for NodeId {
    fn to_stored(&self) -> Vec<u8> {
        self.0.to_le_bytes().to_vec()
    }
}
