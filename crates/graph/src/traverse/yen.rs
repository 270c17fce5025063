//! The k shortest simple paths between two nodes (Yen's algorithm): each next path is the best
//! of the detours that leave an earlier path at one of its nodes and never touch that path's
//! prefix again.

use super::weighted::{Blocked, search};
use super::{Follow, WeightedPath, require_node};
use crate::error::Result;
use crate::ids::NodeId;
use crate::read::{GraphRead, Neighbor};

pub(crate) fn k_shortest_paths<G, W>(
    g: &G,
    from: NodeId,
    to: NodeId,
    follow: &Follow,
    k: usize,
    mut weight: W,
) -> Result<Vec<WeightedPath>>
where
    G: GraphRead + ?Sized,
    W: FnMut(Neighbor) -> Result<f64>,
{
    require_node(g, from)?;
    require_node(g, to)?;
    let no_estimate = |_: NodeId| Ok(0.0);
    let first = search(
        g,
        from,
        Some(to),
        follow,
        &mut weight,
        no_estimate,
        &Blocked::default(),
    )?;
    let Some(first) = first.path_to(to) else {
        return Ok(Vec::new());
    };
    let mut found = vec![first];
    let mut candidates: Vec<WeightedPath> = Vec::new();
    while found.len() < k {
        let Some(last) = found.last() else { break };
        let last = last.path.clone();
        let nodes = last.nodes();
        let mut root_cost = 0.0;
        for (i, &spur) in nodes.iter().enumerate().take(last.hops.len()) {
            let root = last.hops.get(..i).unwrap_or_default();
            let mut blocked = Blocked::default();
            blocked.nodes.extend(nodes.iter().take(i).copied());
            for p in &found {
                if p.path.hops.get(..i) == Some(root)
                    && let Some(hop) = p.path.hops.get(i)
                {
                    blocked.edges.insert(hop.edge);
                }
            }
            let detour = search(
                g,
                spur,
                Some(to),
                follow,
                &mut weight,
                no_estimate,
                &blocked,
            )?;
            if let Some(detour) = detour.path_to(to) {
                let mut path = last.clone();
                path.hops.truncate(i);
                path.hops.extend(detour.path.hops);
                let candidate = WeightedPath {
                    path,
                    cost: root_cost + detour.cost,
                };
                let known = |p: &WeightedPath| p.path == candidate.path;
                if !found.iter().any(known) && !candidates.iter().any(known) {
                    candidates.push(candidate);
                }
            }
            if let Some(hop) = last.hops.get(i) {
                root_cost += weight(*hop)?;
            }
        }
        // The cheapest candidate next; among equal costs the one of fewest hops, then the
        // smallest by ids, so the order does not depend on the search's.
        let best = candidates
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| {
                a.cost
                    .total_cmp(&b.cost)
                    .then_with(|| a.path.len().cmp(&b.path.len()))
                    .then_with(|| a.path.cmp(&b.path))
            })
            .map(|(i, _)| i);
        match best {
            Some(i) => found.push(candidates.swap_remove(i)),
            None => break,
        }
    }
    found.truncate(k);
    Ok(found)
}
