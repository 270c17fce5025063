//! Strongly connected components (iterative Tarjan, Pearce's one-array form) and the
//! condensation DAG.

use std::ops::ControlFlow;

use graph::{Direction, GraphRead, NeighborCursor, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::{Members, index};
use crate::values::NodeValues;
use crate::view::{Scanner, Subgraph, View};

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
/// First, the component of a well-connected pivot is found by a forward and a backward search
/// and set aside as finished ([`PivotComponent`]): on graphs with one large component, most
/// real ones, the depth-first search then only walks the rest; the numbering is made
/// topological again afterwards.
///
/// Time O(V + E) edge reads plus one list lookup per tree edge; memory one `u64` per node id,
/// two bits per node id and a queue for the pivot's searches, and the path and Tarjan stack
/// (at most one entry per node each): O(V).
pub fn scc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<Components> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let mut rank = vec![UNVISITED; bound];
    // The pivot's component, if any, is finished before the search starts: the first one
    // finished, which the search never enters again.
    let pivot = pivot_component(&sub, &mut scanner, control)?;
    let mut next_done = FIRST_DONE;
    if let Some(found) = &pivot {
        for v in found.component.iter() {
            set(&mut rank, v, FIRST_DONE);
        }
        next_done -= 1;
    }
    let mut stack: Vec<NodeId> = Vec::new();
    // Each node on the depth-first path, where to resume its neighbours, and whether no
    // neighbour has lowered its rank (it roots a component).
    let mut path: Vec<(NodeId, u64, bool)> = Vec::new();
    let mut next_visit = 1u64;
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
    if let Some(found) = pivot {
        place_pivot_component(&mut rank, count, &found, sub.members());
    }
    Ok(Components {
        component: NodeValues::new(rank, sub.members().clone()),
        count,
    })
}

/// Nodes sampled for a pivot: the one with the most edges both ways is likely in the largest
/// component.
const PIVOT_SAMPLES: usize = 16;

/// A pivot's strongly connected component, found by searching forward from it and then
/// backward within what it reaches (the forward-backward method of Fleischer, Hendrickson and
/// Pinar, 2000).
struct PivotComponent {
    /// The nodes the pivot reaches, its component included.
    reached: Members,
    /// The pivot's component.
    component: Members,
}

/// The component of a pivot chosen among [`PIVOT_SAMPLES`] nodes spread over the view (the one
/// with the most neighbours in its poorer direction), or `None` if no sampled node has edges
/// both ways. On most graphs with a large component this finds it with two searches, which
/// read each of its lists once, where Tarjan's search would descend into every node. The
/// backward search stays within what the forward one reached, so a pivot with a small
/// component costs little more than its forward search.
fn pivot_component<G: GraphRead + ?Sized>(
    sub: &Subgraph<'_, G>,
    scanner: &mut Scanner<'_, impl NeighborCursor>,
    control: &mut Control<'_>,
) -> Result<Option<PivotComponent>> {
    let members = sub.members();
    let step = members.len().div_ceil(PIVOT_SAMPLES).max(1);
    let mut best = None;
    let mut best_edges = 0;
    for v in members.iter().step_by(step) {
        let edges = scanner
            .degree(v, sub.direction())?
            .min(scanner.degree(v, sub.reverse())?);
        if edges > best_edges {
            (best, best_edges) = (Some(v), edges);
        }
    }
    let Some(pivot) = best else {
        return Ok(None);
    };
    let reached = reach(scanner, pivot, sub.direction(), None, sub.bound(), control)?;
    let component = reach(
        scanner,
        pivot,
        sub.reverse(),
        Some(&reached),
        sub.bound(),
        control,
    )?;
    Ok(Some(PivotComponent { reached, component }))
}

/// A frontier this many times smaller than the id bound is expanded by looking up each of its
/// nodes' lists; a larger one by one pass over the lists in id order that reads only its
/// nodes'.
const SPARSE_FRONTIER: usize = 64;

/// The nodes of the view reachable from `from` along `direction` (`from` included), entering
/// only nodes of `within` if given: a breadth-first search, level by level.
fn reach(
    scanner: &mut Scanner<'_, impl NeighborCursor>,
    from: NodeId,
    direction: Direction,
    within: Option<&Members>,
    bound: usize,
    control: &mut Control<'_>,
) -> Result<Members> {
    let mut seen = Members::empty(bound);
    seen.insert(from);
    let mut frontier = Members::empty(bound);
    frontier.insert(from);
    while !frontier.is_empty() {
        control.check("reached", seen.len() as u64, bound as u64)?;
        let mut next = Members::empty(bound);
        let mut visit = |u: NodeId| {
            if !seen.contains(u) && within.is_none_or(|w| w.contains(u)) {
                seen.insert(u);
                next.insert(u);
            }
        };
        if frontier.len().saturating_mul(SPARSE_FRONTIER) < bound {
            for v in frontier.iter() {
                scanner.each(v, direction, &mut visit)?;
            }
        } else {
            scanner.for_each_stretch_of(
                direction,
                |v| frontier.contains(v),
                |_, stretch| stretch.fold((), |(), u| visit(u)),
            )?;
        }
        frontier = next;
    }
    Ok(seen)
}

/// Renumbers the `count` components in `numbers` (a node's component, numbered in a
/// topological order in which the pivot's component comes last) so that the pivot's comes
/// after the components it does not reach and before those it reaches, each group keeping its
/// order. The order stays topological: no edge leads from a component the pivot reaches into
/// one it does not (the latter would then be reached), and none into the pivot's component
/// from one it reaches (that one would be part of it).
fn place_pivot_component(
    numbers: &mut [u64],
    count: u64,
    found: &PivotComponent,
    members: &Members,
) {
    let pivot_number = count - 1;
    let mut reached = vec![false; usize::try_from(count).unwrap_or(0)];
    for v in found.reached.iter() {
        if let Some(flag) = reached.get_mut(index_of(get(numbers, v))) {
            *flag = true;
        }
    }
    let before = reached.iter().filter(|&&r| !r).count() as u64;
    let mut renumbered = vec![0u64; reached.len()];
    let (mut unreached_seen, mut reached_seen) = (0u64, 0u64);
    for (old, &is_reached) in reached.iter().enumerate() {
        let new = if old as u64 == pivot_number {
            before
        } else if is_reached {
            reached_seen += 1;
            before + reached_seen
        } else {
            unreached_seen += 1;
            unreached_seen - 1
        };
        if let Some(slot) = renumbered.get_mut(old) {
            *slot = new;
        }
    }
    for v in members.iter() {
        let old = get(numbers, v);
        set(
            numbers,
            v,
            renumbered.get(index_of(old)).copied().unwrap_or(old),
        );
    }
}

/// A component number as an index (out of range where it does not fit).
fn index_of(number: u64) -> usize {
    usize::try_from(number).unwrap_or(usize::MAX)
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
