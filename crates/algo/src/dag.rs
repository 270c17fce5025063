//! Reachability and transitive reduction on directed acyclic views.

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::{Error, Result};
use crate::members::{Members, index};
use crate::topo::kahn;
use crate::view::View;

/// The nodes reachable from `source` along the view's direction (`source` included): the
/// descendants of `source` in a DAG, or in any graph. Time O(V + E) edge reads, memory one bit
/// per node id and the work list.
pub fn reachable<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    source: NodeId,
    control: &mut Control<'_>,
) -> Result<Members> {
    let sub = view.resolve(g, control)?;
    sub.require(source)?;
    let mut scanner = sub.scanner();
    let mut seen = Members::empty(sub.bound());
    seen.insert(source);
    let mut work = vec![source];
    let total = sub.members().len() as u64;
    while let Some(v) = work.pop() {
        control.tick("reached", seen.len() as u64, total)?;
        scanner.each(v, sub.direction(), |w| {
            if !seen.contains(w) {
                seen.insert(w);
                work.push(w);
            }
        })?;
    }
    Ok(seen)
}

/// The transitive reduction of a DAG view: the edges (u, v) of the view, parallel edges once,
/// such that no other path leads from u to v. Sorted. A view with a cycle gives
/// [`Error::Cycle`] (as [`crate::topological_sort`] reports it).
///
/// For each node u, a depth-first walk from u's children marks every node reachable through
/// a path of two edges or more; a child not marked keeps its edge. Time O(V (V + E)) edge
/// reads in the worst case; memory two stamps per node id and the walk's stack.
pub fn transitive_reduction<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<Vec<(NodeId, NodeId)>> {
    let sub = view.resolve(g, control)?;
    let (order, _) = kahn(&sub, control)?;
    if order.len() != sub.members().len() {
        return Err(match crate::topo::topological_sort(g, view, control) {
            Err(e) => e,
            Ok(_) => Error::Cycle { cycle: Vec::new() },
        });
    }
    let mut scanner = sub.scanner();
    // `child[w] == stamp`: w is a child of u; `deep[w] == stamp`: w is reached by a longer path.
    let mut child = vec![0u64; sub.bound()];
    let mut deep = vec![0u64; sub.bound()];
    let mut children = Vec::new();
    let mut work = Vec::new();
    let mut kept = Vec::new();
    let total = order.len() as u64;
    for (done, &u) in order.iter().enumerate() {
        control.tick("node", done as u64, total)?;
        let stamp = u.0 + 1;
        children.clear();
        scanner.each(u, sub.direction(), |w| {
            if let Some(c) = child.get_mut(index(w))
                && *c != stamp
            {
                *c = stamp;
                children.push(w);
            }
        })?;
        // Everything reachable from a child by at least one more edge.
        work.clear();
        work.extend_from_slice(&children);
        while let Some(v) = work.pop() {
            scanner.each(v, sub.direction(), |w| {
                if let Some(d) = deep.get_mut(index(w))
                    && *d != stamp
                {
                    *d = stamp;
                    work.push(w);
                }
            })?;
        }
        for &w in &children {
            if deep.get(index(w)) != Some(&stamp) {
                kept.push((u, w));
            }
        }
    }
    kept.sort_unstable();
    Ok(kept)
}
