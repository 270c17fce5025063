//! Minimum spanning forest of the undirected view.

use graph::{Direction, EdgeId, GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::heap::IndexedHeap;
use crate::members::{Members, index};
use crate::sssp::{EdgeWeight, checked_weight};
use crate::view::View;

/// A minimum spanning forest: the edges chosen and their total weight.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanningForest {
    /// The chosen edges as (tree node, node it joined the tree through, edge), in the order they
    /// were added.
    pub edges: Vec<(NodeId, NodeId, EdgeId)>,
    /// The sum of the chosen edges' weights.
    pub weight: f64,
}

/// A minimum spanning forest of the view taken undirected (its direction does not matter): one
/// minimum spanning tree per connected component, by Prim's algorithm grown from each
/// component's smallest node id, edge weights from `weight` (non-negative; parallel edges: the
/// lightest counts).
///
/// Time O((V + E) log V); memory O(V) (an indexed heap with one entry per node, the best
/// edge per node) plus the forest's V - 1 edges at most.
pub fn minimum_spanning_forest<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    mut weight: impl EdgeWeight,
    control: &mut Control<'_>,
) -> Result<SpanningForest> {
    let sub = view.resolve(g, control)?;
    let mut in_tree = Members::empty(sub.bound());
    let mut best: Vec<Option<(NodeId, EdgeId, f64)>> = vec![None; sub.bound()];
    let mut heap = IndexedHeap::new(sub.bound());
    let mut forest = SpanningForest {
        edges: Vec::new(),
        weight: 0.0,
    };
    let total = sub.members().len() as u64;
    for root in sub.members().iter() {
        if in_tree.contains(root) {
            continue;
        }
        heap.push_or_decrease(root, 0.0);
        while let Some((_, v)) = heap.pop() {
            control.tick("node", in_tree.len() as u64, total)?;
            in_tree.insert(v);
            if let Some(Some((from, edge, w))) = best.get(index(v)) {
                forest.edges.push((*from, v, *edge));
                forest.weight += w;
            }
            sub.for_each_edge(v, Direction::Both, |edge| {
                let w = checked_weight(&mut weight, v, &edge)?;
                if in_tree.contains(edge.node) {
                    return Ok(());
                }
                if let Some(slot) = best.get_mut(index(edge.node))
                    && slot.is_none_or(|(_, _, old)| w < old)
                {
                    *slot = Some((v, edge.edge, w));
                    heap.push_or_decrease(edge.node, w);
                }
                Ok(())
            })?;
        }
    }
    Ok(forest)
}
