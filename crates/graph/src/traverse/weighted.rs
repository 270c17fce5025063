//! Weighted shortest paths: Dijkstra's algorithm, and A* with a caller's heuristic, over the
//! edges a [`Follow`] allows, with weights from a caller's function of each edge.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use pager_mmap::{DenseIdMap, DenseIdSet};

use super::{Follow, Path, Steps, WeightedPath, require_node};
use crate::error::{Error, Result};
use crate::ids::{EdgeId, NodeId};
use crate::read::{GraphRead, Neighbor};

/// Nodes and edges a search must not use (Yen's spur searches block the paths found so far).
#[derive(Default)]
pub(crate) struct Blocked {
    pub(crate) nodes: DenseIdSet<NodeId>,
    pub(crate) edges: DenseIdSet<EdgeId>,
}

/// A node waiting in the queue: its priority (cost so far plus the heuristic's estimate) and its
/// cost so far. Ordered so that the heap pops the lowest priority first.
#[derive(Clone, Copy)]
struct Queued {
    priority: f64,
    cost: f64,
    node: NodeId,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .total_cmp(&self.priority)
            .then_with(|| other.node.cmp(&self.node))
    }
}

/// The best way to a node found so far: its cost and the hop into it (`None` at the source).
#[derive(Clone, Copy)]
struct Best {
    cost: f64,
    via: Option<(NodeId, EdgeId, u32)>,
}

/// What a search found: the best way to every node it reached (final for the nodes it
/// settled), and the nodes it settled, in order of cost.
pub(crate) struct Search {
    best: DenseIdMap<NodeId, Best>,
    settled: Vec<NodeId>,
}

impl Search {
    /// The path the search found from its source to `node`, with its cost, if it reached it
    /// (the shortest there is when it settled `node`).
    pub(crate) fn path_to(&self, node: NodeId) -> Option<WeightedPath> {
        let cost = self.best.get(&node)?.cost;
        let mut hops = Vec::new();
        let mut at = node;
        while let Some((parent, edge, edge_type)) = self.best.get(&at).and_then(|b| b.via) {
            hops.push(Neighbor {
                node: at,
                edge,
                edge_type,
            });
            at = parent;
        }
        hops.reverse();
        Some(WeightedPath {
            path: Path { start: at, hops },
            cost,
        })
    }
}

/// `value` if it is a finite, non-negative weight; else the error naming `what` it weighs.
fn valid(value: f64, what: impl FnOnce() -> String) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidWeight {
            what: what(),
            value,
        })
    }
}

/// Settles nodes from `from` in order of cost (plus `estimate`'s, for A*) until `target` is
/// settled, or every reachable node is when there is no target. `estimate` must never exceed
/// the true remaining cost to `target` and must be consistent (for an edge u→v of weight w,
/// estimate(u) <= w + estimate(v)); zero everywhere gives Dijkstra.
pub(crate) fn search<G, W, H>(
    g: &G,
    from: NodeId,
    target: Option<NodeId>,
    follow: &Follow,
    mut weight: W,
    mut estimate: H,
    blocked: &Blocked,
) -> Result<Search>
where
    G: GraphRead + ?Sized,
    W: FnMut(Neighbor) -> Result<f64>,
    H: FnMut(NodeId) -> Result<f64>,
{
    let mut steps = Steps::new(g, follow)?;
    let mut estimate =
        |node: NodeId| valid(estimate(node)?, || format!("estimate for node {node}"));
    let mut best = DenseIdMap::from_iter([(
        from,
        Best {
            cost: 0.0,
            via: None,
        },
    )]);
    let mut done = DenseIdSet::default();
    let mut settled = Vec::new();
    let mut queue = BinaryHeap::from([Queued {
        priority: estimate(from)?,
        cost: 0.0,
        node: from,
    }]);
    while let Some(Queued { cost, node, .. }) = queue.pop() {
        if !done.insert(node) {
            continue;
        }
        settled.push(node);
        if target == Some(node) {
            break;
        }
        steps.for_each_hop(node, |hop| {
            if blocked.nodes.contains(&hop.node)
                || blocked.edges.contains(&hop.edge)
                || done.contains(&hop.node)
            {
                return Ok(());
            }
            let w = valid(weight(hop)?, || format!("weight of edge {}", hop.edge))?;
            let reach = cost + w;
            if best.get(&hop.node).is_some_and(|b| b.cost <= reach) {
                return Ok(());
            }
            best.insert(
                hop.node,
                Best {
                    cost: reach,
                    via: Some((node, hop.edge, hop.edge_type)),
                },
            );
            queue.push(Queued {
                priority: reach + estimate(hop.node)?,
                cost: reach,
                node: hop.node,
            });
            Ok(())
        })?;
    }
    Ok(Search { best, settled })
}

pub(crate) fn astar<G, W, H>(
    g: &G,
    from: NodeId,
    to: NodeId,
    follow: &Follow,
    weight: W,
    estimate: H,
) -> Result<Option<WeightedPath>>
where
    G: GraphRead + ?Sized,
    W: FnMut(Neighbor) -> Result<f64>,
    H: FnMut(NodeId) -> Result<f64>,
{
    require_node(g, from)?;
    require_node(g, to)?;
    let found = search(
        g,
        from,
        Some(to),
        follow,
        weight,
        estimate,
        &Blocked::default(),
    )?;
    Ok(found.path_to(to))
}

pub(crate) fn distances<G, W>(
    g: &G,
    from: NodeId,
    follow: &Follow,
    weight: W,
) -> Result<Vec<(NodeId, f64)>>
where
    G: GraphRead + ?Sized,
    W: FnMut(Neighbor) -> Result<f64>,
{
    require_node(g, from)?;
    let found = search(
        g,
        from,
        None,
        follow,
        weight,
        |_| Ok(0.0),
        &Blocked::default(),
    )?;
    Ok(found
        .settled
        .iter()
        .filter_map(|n| found.best.get(n).map(|b| (*n, b.cost)))
        .collect())
}
