//! Traversals: breadth-first search with a depth limit, and unweighted shortest paths by
//! bidirectional breadth-first search.

use edges::ListReader;
use pager_mmap::{DenseIdMap, PageSource};

use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::read::{Direction, GraphRead};

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

/// Calls `visit` with each neighbour of `node` in `direction`, read in place through `lists`
/// (which keeps the last adjacency leaf, so nodes visited in id order share its descent).
fn for_each_neighbor<S: PageSource>(
    lists: &mut ListReader<'_, S>,
    node: NodeId,
    direction: Direction,
    mut visit: impl FnMut(NodeId) -> Result<()>,
) -> Result<()> {
    for d in direction.stored() {
        lists.for_each_neighbor(node.0, *d, |n| visit(NodeId(n)))?;
    }
    Ok(())
}

pub(crate) fn bfs<G: GraphRead + ?Sized>(
    g: &G,
    start: NodeId,
    direction: Direction,
    max_depth: Option<u32>,
) -> Result<Vec<(NodeId, u32)>> {
    if g.node(start)?.is_none() {
        return Err(Error::NodeNotFound(start));
    }
    let mut lists = g.roots().adjacency.reader(g.source());
    let mut visited = Visited::new(g.roots().nodes.next_id());
    visited.insert(start)?;
    let mut order = vec![(start, 0u32)];
    let mut level = 0..1;
    let mut depth = 0;
    while !level.is_empty() && max_depth.is_none_or(|max| depth < max) {
        depth += 1;
        for i in level.clone() {
            let Some(&(node, _)) = order.get(i) else {
                break;
            };
            for_each_neighbor(&mut lists, node, direction, |n| {
                if visited.insert(n)? {
                    order.push((n, depth));
                }
                Ok(())
            })?;
        }
        let next = level.end..order.len();
        // Each level in id order: neighbouring ids share adjacency leaves and run pages, so the
        // next level's reads walk the map forwards instead of jumping about.
        if let Some(slice) = order.get_mut(next.clone()) {
            slice.sort_unstable_by_key(|(n, _)| *n);
        }
        level = next;
    }
    Ok(order)
}

/// One side of a bidirectional search: each reached node's parent (towards the side's start)
/// and depth, and the nodes of the last level.
struct Side {
    reached: DenseIdMap<NodeId, (NodeId, u32)>,
    frontier: Vec<NodeId>,
    depth: u32,
    direction: Direction,
}

impl Side {
    fn new(start: NodeId, direction: Direction) -> Side {
        Side {
            reached: DenseIdMap::from_iter([(start, (start, 0))]),
            frontier: vec![start],
            depth: 0,
            direction,
        }
    }

    /// Expands one level; returns the best meeting node with the other side, if any.
    fn expand<G: GraphRead + ?Sized>(&mut self, g: &G, other: &Side) -> Result<Option<NodeId>> {
        let mut next = Vec::new();
        let mut best: Option<(u32, NodeId)> = None;
        let (direction, depth) = (self.direction, self.depth + 1);
        let reached = &mut self.reached;
        let mut lists = g.roots().adjacency.reader(g.source());
        for node in std::mem::take(&mut self.frontier) {
            for_each_neighbor(&mut lists, node, direction, |n| {
                if reached.contains_key(&n) {
                    return Ok(());
                }
                reached.insert(n, (node, depth));
                if let Some(&(_, other_depth)) = other.reached.get(&n)
                    && best.is_none_or(|(d, _)| other_depth < d)
                {
                    best = Some((other_depth, n));
                }
                next.push(n);
                Ok(())
            })?;
        }
        self.depth = depth;
        self.frontier = next;
        Ok(best.map(|(_, n)| n))
    }

    /// The path from this side's start to `node`, start first.
    fn path_to(&self, node: NodeId) -> Vec<NodeId> {
        let mut path = vec![node];
        let mut at = node;
        while let Some(&(parent, depth)) = self.reached.get(&at) {
            if depth == 0 {
                break;
            }
            path.push(parent);
            at = parent;
        }
        path.reverse();
        path
    }
}

pub(crate) fn shortest_path<G: GraphRead + ?Sized>(
    g: &G,
    from: NodeId,
    to: NodeId,
) -> Result<Option<Vec<NodeId>>> {
    for node in [from, to] {
        if g.node(node)?.is_none() {
            return Err(Error::NodeNotFound(node));
        }
    }
    if from == to {
        return Ok(Some(vec![from]));
    }
    let mut forward = Side::new(from, Direction::Out);
    let mut backward = Side::new(to, Direction::In);
    while !forward.frontier.is_empty() && !backward.frontier.is_empty() {
        // Expand the smaller frontier: the search stays as narrow as the graph allows.
        let meeting = if forward.frontier.len() <= backward.frontier.len() {
            forward.expand(g, &backward)?
        } else {
            backward.expand(g, &forward)?
        };
        if let Some(meeting) = meeting {
            let mut path = forward.path_to(meeting);
            let mut back = backward.path_to(meeting);
            back.pop();
            path.extend(back.into_iter().rev());
            return Ok(Some(path));
        }
    }
    Ok(None)
}
