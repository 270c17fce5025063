//! Traversals: breadth-first search with a depth limit, and shortest paths (unweighted by
//! bidirectional breadth-first search, every shortest path, weighted by Dijkstra or A*, the k
//! shortest simple paths). Each follows a [`Follow`]: a direction and a set of edge types,
//! honoured at every step.

mod all_shortest;
mod follow;
mod path;
mod weighted;
mod yen;

pub(crate) use all_shortest::all_shortest_paths;
pub use follow::Follow;
pub(crate) use follow::Steps;
pub use path::{Path, WeightedPath};
pub(crate) use weighted::{astar, distances};
pub(crate) use yen::k_shortest_paths;

use std::ops::Range;

use pager_mmap::DenseIdMap;

use crate::error::{Error, Result};
use crate::ids::{EdgeId, NodeId};
use crate::read::{GraphRead, Neighbor};

/// One bit per possible node id: visited or not.
struct Visited {
    bits: Vec<u64>,
}

impl Visited {
    fn new(ids: u64) -> Visited {
        Visited {
            bits: vec![0; usize::try_from(ids.div_ceil(64)).unwrap_or(0)],
        }
    }

    /// Marks `node`; true if it was not marked before.
    fn insert(&mut self, node: NodeId) -> Result<bool> {
        let word = usize::try_from(node.0 / 64)
            .ok()
            .and_then(|w| self.bits.get_mut(w))
            .ok_or_else(|| {
                Error::corrupt(format!(
                    "an edge leads to node {node}, which was never created"
                ))
            })?;
        let bit = 1u64 << (node.0 % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        Ok(fresh)
    }
}

/// An error unless `node` exists.
pub(crate) fn require_node<G: GraphRead + ?Sized>(g: &G, node: NodeId) -> Result<()> {
    match g.node(node)? {
        Some(_) => Ok(()),
        None => Err(Error::NodeNotFound(node)),
    }
}

/// How many nodes ahead of its step a breadth-first search, or a shortest path's frontier, asks
/// for a node's lists ([`Steps::prefetch`]), so that the reads of that many lists overlap.
/// Measured with `compare` (`docs/benchmarks.md`, "k-hop 2 within 3x of the CSR" and "`kron`
/// after the rule"): k-hop 2 on `kron` 20 % faster, on `medium` 10-15 %, on `small` (all in
/// cache) 5-10 % slower; shortest paths on `medium` a quarter to a third faster. Only sparse
/// levels do it ([`lookahead`]): in a whole-graph BFS's wide levels it cost 12-27 %.
const PREFETCH_AHEAD: usize = 8;

/// How many nodes ahead the expansion of a level of `nodes` (of `ids` node ids) asks for
/// lists: [`PREFETCH_AHEAD`] when the level is sparser than one node per adjacency leaf, whose
/// lists lie far apart; none for a denser one, which reads neighbouring lists from the leaf and
/// run page just read.
fn lookahead(nodes: usize, ids: u64) -> usize {
    if (nodes as u64).saturating_mul(edges::NODES_PER_LEAF as u64) < ids {
        PREFETCH_AHEAD
    } else {
        0
    }
}

/// The entries `from..to` of `order` that belong to `level`.
fn within<'o>(
    order: &'o [(NodeId, u32)],
    level: &Range<usize>,
    from: usize,
    to: usize,
) -> &'o [(NodeId, u32)] {
    order
        .get(from.min(level.end)..to.min(level.end))
        .unwrap_or(&[])
}

pub(crate) fn bfs<G: GraphRead + ?Sized>(
    g: &G,
    start: NodeId,
    follow: &Follow,
    max_depth: Option<u32>,
) -> Result<Vec<(NodeId, u32)>> {
    require_node(g, start)?;
    let mut steps = Steps::new(g, follow)?;
    let ids = g.roots().nodes.next_id();
    let mut visited = Visited::new(ids);
    visited.insert(start)?;
    let mut order = vec![(start, 0u32)];
    let mut level = 0..1;
    let mut depth = 0;
    while !level.is_empty() && max_depth.is_none_or(|max| depth < max) {
        depth += 1;
        let ahead = lookahead(level.len(), ids);
        for &(node, _) in within(&order, &level, level.start, level.start + ahead) {
            steps.prefetch(node)?;
        }
        for i in level.clone() {
            let Some(&(node, _)) = order.get(i) else {
                break;
            };
            if ahead > 0
                && let Some(&(node, _)) = within(&order, &level, i + ahead, i + ahead + 1).first()
            {
                steps.prefetch(node)?;
            }
            steps.for_each_node(node, |n| {
                if visited.insert(n)? {
                    order.push((n, depth));
                }
                Ok(())
            })?;
        }
        let next = level.end..order.len();
        // Each level that will be expanded in id order: neighbouring ids share adjacency leaves
        // and run pages, so the next level's reads walk the map forwards instead of jumping
        // about. The level at the depth limit is left in the order it was reached.
        if max_depth.is_none_or(|max| depth < max)
            && let Some(slice) = order.get_mut(next.clone())
        {
            slice.sort_unstable_by_key(|(n, _)| *n);
        }
        level = next;
    }
    Ok(order)
}

/// How a side of a bidirectional search reached a node: the hop from its parent (towards the
/// side's start), and its depth.
#[derive(Clone, Copy)]
struct Reached {
    parent: NodeId,
    edge: EdgeId,
    edge_type: u32,
    depth: u32,
}

/// One side of a bidirectional search: how each node was reached, and the nodes of the last
/// level.
struct Side {
    reached: DenseIdMap<NodeId, Reached>,
    frontier: Vec<NodeId>,
    depth: u32,
    follow: Follow,
}

impl Side {
    fn new(start: NodeId, follow: Follow) -> Side {
        let root = Reached {
            parent: start,
            edge: EdgeId(0),
            edge_type: 0,
            depth: 0,
        };
        Side {
            reached: DenseIdMap::from_iter([(start, root)]),
            frontier: vec![start],
            depth: 0,
            follow,
        }
    }

    /// Expands one level; returns the best meeting node with the other side, if any.
    fn expand<G: GraphRead + ?Sized>(&mut self, g: &G, other: &Side) -> Result<Option<NodeId>> {
        let mut next = Vec::new();
        let mut best: Option<(u32, NodeId)> = None;
        let depth = self.depth + 1;
        let reached = &mut self.reached;
        let mut steps = Steps::new(g, &self.follow)?;
        let frontier = std::mem::take(&mut self.frontier);
        let ahead = lookahead(frontier.len(), g.roots().nodes.next_id());
        for &node in frontier.iter().take(ahead) {
            steps.prefetch(node)?;
        }
        for (i, &node) in frontier.iter().enumerate() {
            if ahead > 0
                && let Some(&later) = frontier.get(i + ahead)
            {
                steps.prefetch(later)?;
            }
            steps.for_each_hop(node, |hop| {
                let n = hop.node;
                if reached.contains_key(&n) {
                    return Ok(());
                }
                let how = Reached {
                    parent: node,
                    edge: hop.edge,
                    edge_type: hop.edge_type,
                    depth,
                };
                reached.insert(n, how);
                if let Some(theirs) = other.reached.get(&n)
                    && best.is_none_or(|(d, _)| theirs.depth < d)
                {
                    best = Some((theirs.depth, n));
                }
                next.push(n);
                Ok(())
            })?;
        }
        self.depth = depth;
        self.frontier = next;
        Ok(best.map(|(_, n)| n))
    }

    /// The hops from `node` back to this side's start, `node`'s first: each the edge taken and
    /// the node it leads to.
    fn hops_back(&self, node: NodeId) -> Vec<Neighbor> {
        let mut hops = Vec::new();
        let mut at = node;
        while let Some(how) = self.reached.get(&at) {
            if how.depth == 0 {
                break;
            }
            hops.push(Neighbor {
                node: how.parent,
                edge: how.edge,
                edge_type: how.edge_type,
            });
            at = how.parent;
        }
        hops
    }
}

pub(crate) fn shortest_path<G: GraphRead + ?Sized>(
    g: &G,
    from: NodeId,
    to: NodeId,
    follow: &Follow,
) -> Result<Option<Path>> {
    require_node(g, from)?;
    require_node(g, to)?;
    if from == to {
        return Ok(Some(Path::at(from)));
    }
    let mut forward = Side::new(from, follow.clone());
    let mut backward = Side::new(to, follow.reversed());
    while !forward.frontier.is_empty() && !backward.frontier.is_empty() {
        // Expand the smaller frontier: the search stays as narrow as the graph allows.
        let meeting = if forward.frontier.len() <= backward.frontier.len() {
            forward.expand(g, &backward)?
        } else {
            backward.expand(g, &forward)?
        };
        if let Some(meeting) = meeting {
            return Ok(Some(join(&forward, &backward, meeting)));
        }
    }
    Ok(None)
}

/// The path from `forward`'s start to `backward`'s through `meeting`, reached by both.
fn join(forward: &Side, backward: &Side, meeting: NodeId) -> Path {
    // Forward hops back from the meeting node name each parent; turned around, each hop must
    // name the node it reaches, so the edges shift by one against the nodes.
    let back = forward.hops_back(meeting);
    let mut hops = Vec::with_capacity(back.len());
    let mut reach = meeting;
    for hop in &back {
        hops.push(Neighbor {
            node: reach,
            edge: hop.edge,
            edge_type: hop.edge_type,
        });
        reach = hop.node;
    }
    hops.reverse();
    hops.extend(backward.hops_back(meeting));
    Path { start: reach, hops }
}
