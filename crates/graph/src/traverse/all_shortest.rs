//! Every shortest path (in hops) between two nodes, up to a count: a breadth-first search that
//! keeps every parent at the level before, then a walk back from the target over them.

use pager_mmap::DenseIdMap;

use super::{Follow, Path, Steps, require_node};
use crate::error::Result;
use crate::ids::{EdgeId, NodeId};
use crate::read::{GraphRead, Neighbor};

/// Each reached node's hops in from the level before it: parent, edge, edge type.
type Parents = DenseIdMap<NodeId, Vec<(NodeId, EdgeId, u32)>>;

pub(crate) fn all_shortest_paths<G: GraphRead + ?Sized>(
    g: &G,
    from: NodeId,
    to: NodeId,
    follow: &Follow,
    limit: usize,
) -> Result<Vec<Path>> {
    require_node(g, from)?;
    require_node(g, to)?;
    if limit == 0 {
        return Ok(Vec::new());
    }
    if from == to {
        return Ok(vec![Path::at(from)]);
    }
    let parents = levels_until(g, from, to, follow)?;
    if !parents.contains_key(&to) {
        return Ok(Vec::new());
    }
    Ok(paths_back(&parents, from, to, limit))
}

/// Breadth-first search from `from`, level by level, until the level that reaches `to` is
/// complete (or nothing is left): every node's parents in the level before it.
fn levels_until<G: GraphRead + ?Sized>(
    g: &G,
    from: NodeId,
    to: NodeId,
    follow: &Follow,
) -> Result<Parents> {
    let mut steps = Steps::new(g, follow)?;
    let mut depth = DenseIdMap::from_iter([(from, 0u32)]);
    let mut parents = Parents::default();
    let mut frontier = vec![from];
    let mut level = 0;
    while !frontier.is_empty() && !depth.contains_key(&to) {
        level += 1;
        let mut next = Vec::new();
        for node in frontier {
            steps.for_each_hop(node, |hop| {
                let first = match depth.get(&hop.node) {
                    None => true,
                    Some(&d) if d == level => false,
                    Some(_) => return Ok(()),
                };
                if first {
                    depth.insert(hop.node, level);
                    next.push(hop.node);
                }
                parents
                    .entry(hop.node)
                    .or_default()
                    .push((node, hop.edge, hop.edge_type));
                Ok(())
            })?;
        }
        frontier = next;
    }
    Ok(parents)
}

/// Up to `limit` paths from `from` to `to` over `parents`, by a depth-first walk back from `to`
/// (a stack, not recursion: a path can be as long as the graph).
fn paths_back(parents: &Parents, from: NodeId, to: NodeId, limit: usize) -> Vec<Path> {
    let mut paths = Vec::new();
    // Each frame: a node on the current walk and the index of its next parent to try.
    let mut stack = vec![(to, 0usize)];
    // The hops from the node on top of the stack to `to`, last hop first.
    let mut suffix: Vec<Neighbor> = Vec::new();
    while let Some((node, next)) = stack.last_mut() {
        let node = *node;
        let parent = if node == from {
            None
        } else {
            parents.get(&node).and_then(|p| p.get(*next)).copied()
        };
        *next += 1;
        match parent {
            Some((parent, edge, edge_type)) => {
                suffix.push(Neighbor {
                    node,
                    edge,
                    edge_type,
                });
                stack.push((parent, 0));
            }
            None => {
                if node == from {
                    paths.push(Path {
                        start: from,
                        hops: suffix.iter().rev().copied().collect(),
                    });
                    if paths.len() >= limit {
                        break;
                    }
                }
                stack.pop();
                suffix.pop();
            }
        }
    }
    paths
}
