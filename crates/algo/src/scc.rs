//! Strongly connected components (iterative Tarjan, Pearce's one-array form) and the
//! condensation DAG.

use std::ops::ControlFlow;

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::values::NodeValues;
use crate::view::View;

/// A node's rank before it is visited.
const UNVISITED: u64 = 0;

/// The rank of the nodes of the first component finished; each later component's is one less.
/// Open nodes rank by visit order from 1 up, far below.
const FIRST_DONE: u64 = u64::MAX - 1;

/// The strongly connected components of a view.
#[derive(Clone, Debug, PartialEq)]
pub struct Components {
    /// Each node's component, numbered 0.. in a topological order of the condensation: every
    /// edge between two components goes from a smaller number to a larger one.
    pub component: NodeValues<u64>,
    /// How many components there are.
    pub count: u64,
}

/// Strongly connected components: two nodes of the view share one when each reaches the other
/// along the view's direction. Tarjan's algorithm in Pearce's one-array form ("A space-efficient
/// algorithm for finding strongly connected components", 2016), made iterative: the
/// depth-first path is an explicit stack, so no recursion on graph depth.
///
/// Each node has one rank: 0 before it is visited, its visit number (from 1) while it is open,
/// lowered to the smallest rank it reaches as Tarjan's low-link is, and once its component is
/// finished that component's number counted down from [`FIRST_DONE`], above every visit
/// number, so that an edge into a finished component never lowers a rank and no on-stack flag
/// is needed. The path keeps each node with where to resume its neighbours
/// ([`Scanner::resume`](crate::view::Scanner::resume)) and whether it still roots a component:
/// a node's list is read once in all, a stretch at a time between the children it descends to.
///
/// Time O(V + E) edge reads plus one list lookup per tree edge; memory one `u64` per node id,
/// and the path and Tarjan stack (at most one entry per node each): O(V).
pub fn scc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<Components> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let mut rank = vec![UNVISITED; bound];
    let mut stack: Vec<NodeId> = Vec::new();
    // Each node on the depth-first path, where to resume its neighbours, and whether no
    // neighbour has lowered its rank (it roots a component).
    let mut path: Vec<(NodeId, u64, bool)> = Vec::new();
    let mut next_visit = 1u64;
    let mut next_done = FIRST_DONE;
    let mut visited = 0u64;
    let total = sub.members().len() as u64;
    for root in sub.members().iter() {
        if get(&rank, root) != UNVISITED {
            continue;
        }
        let mut next = Some(root);
        loop {
            if let Some(w) = next.take() {
                control.tick("node", visited, total)?;
                visited += 1;
                set(&mut rank, w, next_visit);
                next_visit += 1;
                path.push((w, 0, true));
            }
            let Some(&mut (v, ref mut position, ref mut is_root)) = path.last_mut() else {
                break;
            };
            // Read on until an unvisited neighbour, lowering v's rank by those already seen.
            let v_rank = get(&rank, v);
            let mut low = v_rank;
            let resumed = scanner.resume(v, sub.direction(), *position, |u| {
                let u_rank = get(&rank, u);
                if u_rank == UNVISITED {
                    next = Some(u);
                    return ControlFlow::Break(());
                }
                low = low.min(u_rank);
                ControlFlow::Continue(())
            })?;
            if low < v_rank {
                set(&mut rank, v, low);
                *is_root = false;
            }
            if let Some(resume_at) = resumed
                && next.is_some()
            {
                *position = resume_at;
                continue;
            }
            let is_root = *is_root;
            path.pop();
            if is_root {
                // v and the stacked nodes ranked at or above it are one component; their visit
                // numbers are free again.
                let v_rank = get(&rank, v);
                next_visit -= 1;
                while let Some(&w) = stack.last()
                    && get(&rank, w) >= v_rank
                {
                    stack.pop();
                    set(&mut rank, w, next_done);
                    next_visit -= 1;
                }
                set(&mut rank, v, next_done);
                next_done -= 1;
            } else {
                stack.push(v);
            }
            let v_rank = get(&rank, v);
            if let Some((parent, _, parent_is_root)) = path.last_mut()
                && v_rank < get(&rank, *parent)
            {
                set(&mut rank, *parent, v_rank);
                *parent_is_root = false;
            }
        }
    }
    // Components were finished sinks first, ranked down from FIRST_DONE; number them sources
    // first.
    let count = FIRST_DONE - next_done;
    for v in sub.members().iter() {
        let finished = FIRST_DONE - get(&rank, v);
        set(&mut rank, v, count - 1 - finished);
    }
    Ok(Components {
        component: NodeValues::new(rank, sub.members().clone()),
        count,
    })
}

/// `values[v]`, or 0 where `v` is out of range.
fn get(values: &[u64], v: NodeId) -> u64 {
    values.get(index(v)).copied().unwrap_or(0)
}

/// Sets `values[v]`, where `v` is in range.
fn set(values: &mut [u64], v: NodeId, value: u64) {
    if let Some(slot) = values.get_mut(index(v)) {
        *slot = value;
    }
}

/// The condensation of a view: one node per strongly connected component, and an edge from
/// component a to component b when some edge of the view leads from a node of a to a node of b
/// (a != b). Returns the distinct edges, sorted; every edge goes from a smaller component
/// number to a larger one, so the condensation is acyclic.
///
/// Time O(V + E) edge reads plus sorting the condensation's edges; memory the edges of the
/// condensation (at most E, usually far fewer).
pub fn condensation<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    components: &Components,
    control: &mut Control<'_>,
) -> Result<Vec<(u64, u64)>> {
    let sub = view.resolve(g, control)?;
    let mut scanner = sub.scanner();
    let mut edges = Vec::new();
    let total = sub.members().len() as u64;
    for (done, v) in sub.members().iter().enumerate() {
        control.tick("node", done as u64, total)?;
        let Some(&from) = components.component.get(v) else {
            continue;
        };
        scanner.each(v, sub.direction(), |w| {
            if let Some(&to) = components.component.get(w)
                && to != from
            {
                edges.push((from, to));
            }
        })?;
    }
    edges.sort_unstable();
    edges.dedup();
    Ok(edges)
}
