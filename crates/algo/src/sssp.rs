//! Single-source shortest paths with non-negative weights (Graphalytics SSSP).

use graph::{GraphRead, Neighbor, NodeId};

use crate::control::Control;
use crate::error::{Error, Result};
use crate::heap::IndexedHeap;
use crate::members::{Members, index};
use crate::values::NodeValues;
use crate::view::View;

/// The weight of an edge for [`sssp`]: called with the
/// node whose list holds the edge and the edge as read there. It may read the edge's data
/// through the transaction. A negative or NaN weight is an error.
pub trait EdgeWeight: FnMut(NodeId, &Neighbor) -> Result<f64> {}

impl<F: FnMut(NodeId, &Neighbor) -> Result<f64>> EdgeWeight for F {}

/// `weight` of the edge `edge` of `from`, checked: non-negative and a number.
pub(crate) fn checked_weight(
    weight: &mut impl EdgeWeight,
    from: NodeId,
    edge: &Neighbor,
) -> Result<f64> {
    let w = weight(from, edge)?;
    if w.is_nan() || w < 0.0 {
        return Err(Error::InvalidWeight {
            edge: edge.edge,
            weight: w,
        });
    }
    Ok(w)
}

/// Shortest distances from `source` along the view's direction, an edge costing `weight` of it
/// (non-negative `f64`): Dijkstra's algorithm with an indexed heap. Nodes that cannot be reached
/// have no value (Graphalytics reports them as infinity). The Graphalytics SSSP kernel.
///
/// Time O((V + E) log V), memory a distance and a heap position per node id (never more than
/// one heap entry per node).
pub fn sssp<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    source: NodeId,
    mut weight: impl EdgeWeight,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    let sub = view.resolve(g, control)?;
    sub.require(source)?;
    let mut distance = vec![f64::INFINITY; sub.bound()];
    let mut settled = Members::empty(sub.bound());
    let mut heap = IndexedHeap::new(sub.bound());
    heap.push_or_decrease(source, 0.0);
    if let Some(d) = distance.get_mut(index(source)) {
        *d = 0.0;
    }
    let total = sub.members().len() as u64;
    while let Some((d, v)) = heap.pop() {
        control.tick("settled", settled.len() as u64, total)?;
        settled.insert(v);
        sub.for_each_edge(v, sub.direction(), |edge| {
            let w = checked_weight(&mut weight, v, &edge)?;
            if !settled.contains(edge.node)
                && let Some(best) = distance.get_mut(index(edge.node))
                && d + w < *best
            {
                *best = d + w;
                heap.push_or_decrease(edge.node, d + w);
            }
            Ok(())
        })?;
    }
    Ok(NodeValues::new(distance, settled))
}
