//! Strongly connected components (iterative Tarjan) and the condensation DAG.

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::values::NodeValues;
use crate::view::View;

/// A node's Tarjan index before it is visited.
const UNVISITED: u64 = u64::MAX;

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
/// along the view's direction. Tarjan's algorithm made iterative: the depth-first path is an
/// explicit stack, so no recursion on graph depth. Entering a node reads its neighbours once,
/// through the view's [`Scanner`](crate::view::Scanner), onto a shared stack of pending
/// neighbours, leaving out those already in a finished component (no edge to them can change a
/// low-link); the path keeps each node with where its pending neighbours start.
///
/// Time O(V + E) edge reads; memory O(V) (an index, a low-link and a flag per node id, the
/// Tarjan stack and the path) plus the pending neighbours of the nodes on the path: at most E
/// node ids, in practice far fewer, since neighbours in finished components are not kept.
pub fn scc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<Components> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let mut order = vec![UNVISITED; bound];
    let mut low = vec![0u64; bound];
    let mut on_stack = vec![false; bound];
    // Components are found sinks first; numbered that way here, and reversed at the end.
    let mut found = vec![0u64; bound];
    let mut stack: Vec<NodeId> = Vec::new();
    let mut pending: Vec<NodeId> = Vec::new();
    // Each node on the depth-first path, and where its neighbours start in `pending`.
    let mut path: Vec<(NodeId, usize)> = Vec::new();
    let mut count = 0u64;
    let mut next_order = 0u64;
    let total = sub.members().len() as u64;
    for root in sub.members().iter() {
        if order.get(index(root)) != Some(&UNVISITED) {
            continue;
        }
        let mut next = Some(root);
        loop {
            if let Some(w) = next.take() {
                control.tick("node", next_order, total)?;
                enter(
                    w,
                    &mut next_order,
                    &mut order,
                    &mut low,
                    &mut on_stack,
                    &mut stack,
                );
                path.push((w, pending.len()));
                scanner.each(w, sub.direction(), |u| {
                    let u_order = order.get(index(u)).copied().unwrap_or(UNVISITED);
                    if u_order == UNVISITED || on_stack.get(index(u)) == Some(&true) {
                        pending.push(u);
                    }
                })?;
            }
            let Some(&(v, start)) = path.last() else {
                break;
            };
            if pending.len() > start
                && let Some(w) = pending.pop()
            {
                let w_order = order.get(index(w)).copied().unwrap_or(UNVISITED);
                if w_order == UNVISITED {
                    next = Some(w);
                } else if on_stack.get(index(w)) == Some(&true) {
                    lower(&mut low, v, w_order);
                }
                continue;
            }
            path.pop();
            let (v_low, v_order) = (get(&low, v), get(&order, v));
            if let Some((parent, _)) = path.last() {
                lower(&mut low, *parent, v_low);
            }
            if v_low == v_order {
                while let Some(w) = stack.pop() {
                    if let Some(flag) = on_stack.get_mut(index(w)) {
                        *flag = false;
                    }
                    if let Some(slot) = found.get_mut(index(w)) {
                        *slot = count;
                    }
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    for v in sub.members().iter() {
        if let Some(slot) = found.get_mut(index(v)) {
            *slot = count - 1 - *slot;
        }
    }
    Ok(Components {
        component: NodeValues::new(found, sub.members().clone()),
        count,
    })
}

fn get(values: &[u64], v: NodeId) -> u64 {
    values.get(index(v)).copied().unwrap_or(0)
}

fn lower(low: &mut [u64], v: NodeId, to: u64) {
    if let Some(l) = low.get_mut(index(v))
        && to < *l
    {
        *l = to;
    }
}

/// Gives `v` the next depth-first number and pushes it on the Tarjan stack.
fn enter(
    v: NodeId,
    next_order: &mut u64,
    order: &mut [u64],
    low: &mut [u64],
    on_stack: &mut [bool],
    stack: &mut Vec<NodeId>,
) {
    let i = index(v);
    if let (Some(o), Some(l), Some(s)) = (order.get_mut(i), low.get_mut(i), on_stack.get_mut(i)) {
        *o = *next_order;
        *l = *next_order;
        *s = true;
    }
    *next_order += 1;
    stack.push(v);
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
