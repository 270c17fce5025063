//! k-core decomposition.

use graph::{Direction, GraphRead};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::values::NodeValues;
use crate::view::View;

/// Core numbers: node v has core number k when it belongs to a k-core (a maximal set of nodes
/// in which every node has at least k neighbours inside the set) but not to a (k+1)-core.
/// Edges are taken undirected (the view's direction does not matter); a neighbour counts once
/// per edge and self-loops are ignored, so on a simple graph this is networkx's `core_number`.
///
/// Batagelj and Zaversnik's bucket algorithm: time O(V + E) edge reads, memory four `u64`
/// vectors by node id.
pub fn k_core<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<u64>> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let mut degree = vec![0u64; bound];
    let mut max_degree = 0;
    for v in sub.members().iter() {
        let d = scanner.fold(v, Direction::Both, 0, |d, w| d + u64::from(w != v))?;
        if let Some(slot) = degree.get_mut(index(v)) {
            *slot = d;
        }
        max_degree = max_degree.max(d);
    }
    // `start[d]`: where the nodes of degree d begin in `sorted`; `position[v]`: v's place.
    let mut start = vec![0usize; usize::try_from(max_degree).unwrap_or(0) + 2];
    for v in sub.members().iter() {
        if let Some(s) = start.get_mut(usize::try_from(get(&degree, index(v)) + 1).unwrap_or(0)) {
            *s += 1;
        }
    }
    for d in 1..start.len() {
        let before = start.get(d - 1).copied().unwrap_or(0);
        if let Some(s) = start.get_mut(d) {
            *s += before;
        }
    }
    let mut sorted = vec![graph::NodeId(0); sub.members().len()];
    let mut position = vec![0usize; bound];
    let mut fill = start.clone();
    for v in sub.members().iter() {
        let d = usize::try_from(get(&degree, index(v))).unwrap_or(0);
        if let Some(at) = fill.get_mut(d) {
            if let (Some(slot), Some(p)) = (sorted.get_mut(*at), position.get_mut(index(v))) {
                *slot = v;
                *p = *at;
            }
            *at += 1;
        }
    }
    let total = sorted.len();
    for i in 0..total {
        control.tick("node", i as u64, total as u64)?;
        let Some(&v) = sorted.get(i) else { break };
        let dv = get(&degree, index(v));
        scanner.each(v, Direction::Both, |w| {
            let dw = get(&degree, index(w));
            if w == v || dw <= dv {
                return;
            }
            // Move w to the front of its bucket, then shrink the bucket by one: w's degree drops.
            let bucket = usize::try_from(dw).unwrap_or(0);
            let (Some(&first), Some(&pw)) = (start.get(bucket), position.get(index(w))) else {
                return;
            };
            if let Some(&u) = sorted.get(first)
                && u != w
            {
                sorted.swap(first, pw);
                if let Some(p) = position.get_mut(index(u)) {
                    *p = pw;
                }
                if let Some(p) = position.get_mut(index(w)) {
                    *p = first;
                }
            }
            if let Some(s) = start.get_mut(bucket) {
                *s += 1;
            }
            if let Some(d) = degree.get_mut(index(w)) {
                *d -= 1;
            }
        })?;
    }
    Ok(NodeValues::new(degree, sub.members().clone()))
}

fn get(values: &[u64], i: usize) -> u64 {
    values.get(i).copied().unwrap_or(0)
}
