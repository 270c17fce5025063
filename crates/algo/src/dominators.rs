//! Immediate dominators (Cooper, Harvey and Kennedy).

use std::ops::ControlFlow;

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::{Members, index};
use crate::values::NodeValues;
use crate::view::View;

/// Not yet numbered in the reverse postorder, or no dominator known yet.
const NONE: u64 = u64::MAX;

/// Immediate dominators from `entry`: node d dominates v when every path from `entry` to v
/// (along the view's direction) passes through d; v's immediate dominator is its dominator
/// closest to it. Each node reachable from `entry` gets its immediate dominator, `entry`
/// itself (as networkx's `immediate_dominators` did before 3.5); unreachable nodes get no value.
///
/// Cooper, Harvey and Kennedy's iterative algorithm ("A Simple, Fast Dominance Algorithm"):
/// number the reachable nodes in reverse postorder (an iterative DFS), then repeat until stable:
/// each node's dominator is the intersection, walking up the current dominator tree, of its
/// processed predecessors'. Time O(V + E) per round, few rounds on control-flow graphs
/// (O(V^2) rounds × edges in the worst case); memory O(V): the DFS's path holds each node on
/// it with where to resume its neighbours.
pub fn dominators<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    entry: NodeId,
    control: &mut Control<'_>,
) -> Result<NodeValues<NodeId>> {
    let sub = view.resolve(g, control)?;
    sub.require(entry)?;
    // Postorder by iterative DFS: the path keeps each node with where to resume its neighbours.
    let mut scanner = sub.scanner();
    let mut seen = Members::empty(sub.bound());
    let mut postorder = Vec::new();
    let mut path: Vec<(NodeId, u64)> = Vec::new();
    seen.insert(entry);
    path.push((entry, 0));
    while let Some(&mut (v, ref mut position)) = path.last_mut() {
        let mut next = None;
        let resumed = scanner.resume(v, sub.direction(), *position, |u| {
            if seen.contains(u) {
                ControlFlow::Continue(())
            } else {
                next = Some(u);
                ControlFlow::Break(())
            }
        })?;
        match (resumed, next) {
            (Some(resume_at), Some(w)) => {
                *position = resume_at;
                seen.insert(w);
                path.push((w, 0));
            }
            _ => {
                postorder.push(v);
                path.pop();
            }
        }
    }
    // `number[v]`: v's place in postorder; the entry has the largest.
    let mut number = vec![NONE; sub.bound()];
    for (i, &v) in postorder.iter().enumerate() {
        if let Some(n) = number.get_mut(index(v)) {
            *n = i as u64;
        }
    }
    // `idom[i]`: the postorder number of the immediate dominator of the node numbered i.
    let mut idom = vec![NONE; postorder.len()];
    let root = postorder.len() as u64 - 1;
    if let Some(slot) = idom.last_mut() {
        *slot = root;
    }
    let mut changed = true;
    let mut round = 0;
    while changed {
        control.check("round", round, 0)?;
        round += 1;
        changed = false;
        for &v in postorder.iter().rev().skip(1) {
            let mut new_idom = NONE;
            for p in sub.neighbors(v, sub.reverse()) {
                let p = number.get(index(p?)).copied().unwrap_or(NONE);
                if p == NONE || idom.get(p as usize) == Some(&NONE) {
                    continue;
                }
                new_idom = if new_idom == NONE {
                    p
                } else {
                    intersect(&idom, p, new_idom)
                };
            }
            let vi = number.get(index(v)).copied().unwrap_or(NONE) as usize;
            if let Some(slot) = idom.get_mut(vi)
                && *slot != new_idom
            {
                *slot = new_idom;
                changed = true;
            }
        }
    }
    let mut result = vec![NodeId(0); sub.bound()];
    for (i, &v) in postorder.iter().enumerate() {
        let d = idom.get(i).copied().unwrap_or(root);
        if let (Some(slot), Some(&dv)) = (result.get_mut(index(v)), postorder.get(d as usize)) {
            *slot = dv;
        }
    }
    Ok(NodeValues::new(result, seen))
}

/// The nearest common dominator of the nodes numbered `a` and `b`: walk the one with the
/// smaller postorder number up the dominator tree until they meet.
fn intersect(idom: &[u64], mut a: u64, mut b: u64) -> u64 {
    while a != b {
        while a < b {
            match idom.get(a as usize) {
                Some(&up) if up != NONE && up != a => a = up,
                _ => return b.max(a),
            }
        }
        while b < a {
            match idom.get(b as usize) {
                Some(&up) if up != NONE && up != b => b = up,
                _ => return a.max(b),
            }
        }
    }
    a
}
