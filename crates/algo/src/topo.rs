//! Topological order, with a cycle as the answer when there is none.

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::{Error, Result};
use crate::members::{Members, index};
use crate::view::{Subgraph, View};

/// A topological order of the view's nodes: every edge of the view (in its direction) goes
/// from an earlier node to a later one; among the nodes ready at a time, the smallest id comes
/// first (Kahn's algorithm with a min-heap), so the order is deterministic. A view with a
/// cycle gives [`Error::Cycle`] with one cycle's nodes.
///
/// Time O((V + E) log V), memory an in-degree per node id and the ready heap.
pub fn topological_sort<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<Vec<NodeId>> {
    let sub = view.resolve(g, control)?;
    let (order, placed) = kahn(&sub, control)?;
    if order.len() == sub.members().len() {
        Ok(order)
    } else {
        Err(Error::Cycle {
            cycle: find_cycle(&sub, &placed)?,
        })
    }
}

/// Kahn's algorithm: the nodes it can order, and the set of them.
pub(crate) fn kahn<G: GraphRead + ?Sized>(
    sub: &Subgraph<'_, G>,
    control: &mut Control<'_>,
) -> Result<(Vec<NodeId>, Members)> {
    let mut in_degree = vec![0u64; sub.bound()];
    let mut scanner = sub.scanner();
    for v in sub.members().iter() {
        scanner.each(v, sub.direction(), |w| {
            if let Some(d) = in_degree.get_mut(index(w)) {
                *d += 1;
            }
        })?;
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<NodeId>> = sub
        .members()
        .iter()
        .filter(|v| in_degree.get(index(*v)) == Some(&0))
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(sub.members().len());
    let mut placed = Members::empty(sub.bound());
    let total = sub.members().len() as u64;
    while let Some(std::cmp::Reverse(v)) = ready.pop() {
        control.tick("node", order.len() as u64, total)?;
        order.push(v);
        placed.insert(v);
        scanner.each(v, sub.direction(), |w| {
            if let Some(d) = in_degree.get_mut(index(w)) {
                *d -= 1;
                if *d == 0 {
                    ready.push(std::cmp::Reverse(w));
                }
            }
        })?;
    }
    Ok((order, placed))
}

/// A cycle among the nodes Kahn's algorithm could not place: each of them has a predecessor
/// that was not placed either, so walking predecessors must come back to a node already seen.
fn find_cycle<G: GraphRead + ?Sized>(
    sub: &Subgraph<'_, G>,
    placed: &Members,
) -> Result<Vec<NodeId>> {
    let Some(start) = sub.members().iter().find(|v| !placed.contains(*v)) else {
        return Ok(Vec::new());
    };
    let mut step = vec![u64::MAX; sub.bound()];
    let mut walk = Vec::new();
    let mut at = start;
    loop {
        if let Some(&s) = step.get(index(at))
            && s != u64::MAX
        {
            // The walk went backwards along edges: reverse the loop to follow them forwards.
            let mut cycle: Vec<NodeId> = walk.split_off(usize::try_from(s).unwrap_or(0));
            cycle.reverse();
            return Ok(cycle);
        }
        if let Some(s) = step.get_mut(index(at)) {
            *s = walk.len() as u64;
        }
        walk.push(at);
        let mut previous = None;
        for p in sub.neighbors(at, sub.reverse()) {
            let p = p?;
            if !placed.contains(p) {
                previous = Some(p);
                break;
            }
        }
        match previous {
            Some(p) => at = p,
            None => return Ok(walk),
        }
    }
}
