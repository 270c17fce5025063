//! An indexed binary min-heap of nodes by `f64` key, with decrease-key: Dijkstra and Prim keep
//! at most one entry per node, so their memory stays O(V) whatever the edge count.

use crate::members::index;
use graph::NodeId;

/// Where a node is in the heap.
const ABSENT: usize = usize::MAX;

/// Nodes by key, smallest first; each node at most once.
pub(crate) struct IndexedHeap {
    heap: Vec<(f64, NodeId)>,
    /// Each node id's position in `heap`, or [`ABSENT`].
    position: Vec<usize>,
}

impl IndexedHeap {
    /// An empty heap for node ids below `bound`.
    pub(crate) fn new(bound: usize) -> IndexedHeap {
        IndexedHeap {
            heap: Vec::new(),
            position: vec![ABSENT; bound],
        }
    }

    /// Inserts `node` with `key`, or lowers its key to `key` if it is queued with a larger one.
    /// Returns whether the heap changed.
    pub(crate) fn push_or_decrease(&mut self, node: NodeId, key: f64) -> bool {
        let Some(&at) = self.position.get(index(node)) else {
            return false;
        };
        if at == ABSENT {
            self.heap.push((key, node));
            self.set_position(self.heap.len() - 1);
            self.sift_up(self.heap.len() - 1);
            true
        } else if self.heap.get(at).is_some_and(|&(k, _)| key < k) {
            if let Some(entry) = self.heap.get_mut(at) {
                entry.0 = key;
            }
            self.sift_up(at);
            true
        } else {
            false
        }
    }

    /// Removes and returns the node with the smallest key.
    pub(crate) fn pop(&mut self) -> Option<(f64, NodeId)> {
        let last = self.heap.len().checked_sub(1)?;
        self.heap.swap(0, last);
        let top = self.heap.pop()?;
        if let Some(p) = self.position.get_mut(index(top.1)) {
            *p = ABSENT;
        }
        if !self.heap.is_empty() {
            self.set_position(0);
            self.sift_down(0);
        }
        Some(top)
    }

    fn key(&self, at: usize) -> f64 {
        self.heap.get(at).map_or(f64::INFINITY, |e| e.0)
    }

    fn set_position(&mut self, at: usize) {
        if let Some(&(_, node)) = self.heap.get(at)
            && let Some(p) = self.position.get_mut(index(node))
        {
            *p = at;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.set_position(a);
        self.set_position(b);
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.key(at) >= self.key(parent) {
                break;
            }
            self.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let (left, right) = (2 * at + 1, 2 * at + 2);
            let mut smallest = at;
            for child in [left, right] {
                if child < self.heap.len() && self.key(child) < self.key(smallest) {
                    smallest = child;
                }
            }
            if smallest == at {
                return;
            }
            self.swap(at, smallest);
            at = smallest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pops_in_key_order_with_decreases(ops in proptest::collection::vec((0u64..30, 0u32..1000), 0..200)) {
            let mut heap = IndexedHeap::new(30);
            let mut model = std::collections::BTreeMap::new();
            for &(node, key) in &ops {
                let key = f64::from(key);
                heap.push_or_decrease(NodeId(node), key);
                let entry = model.entry(node).or_insert(key);
                if key < *entry {
                    *entry = key;
                }
            }
            let mut popped = Vec::new();
            while let Some((key, node)) = heap.pop() {
                prop_assert_eq!(model.get(&node.0), Some(&key));
                popped.push(key);
            }
            prop_assert_eq!(popped.len(), model.len());
            prop_assert!(popped.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
