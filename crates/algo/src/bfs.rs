//! BFS levels (Graphalytics BFS).

use std::ops::ControlFlow;

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::{Members, index};
use crate::values::NodeValues;
use crate::view::View;

/// Breadth-first levels from `source`: for each node of the view reachable from `source` along
/// the view's direction, the fewest edges on a path to it (`source` at 0). Unreachable nodes
/// have no value. The Graphalytics BFS kernel.
///
/// Direction-optimising (Beamer, Asanović and Patterson): a level whose frontier is small is
/// expanded top-down, reading the frontier's lists in id order; once the frontier holds more
/// nodes than are not yet reached ([`BOTTOM_UP_SHARE`]), the level is found bottom-up
/// instead: each node not yet reached, in id order, reads the list of edges leading into it
/// until one comes from the frontier. On a graph of small diameter the big levels then read a
/// few entries per node in file order instead of every edge of the frontier. Time O(V + E)
/// edge reads per level at worst, O(V + E) in all for top-down levels; memory one `u32` per
/// node id, two bit sets and the frontier. `source` must be a node of the view
/// ([`crate::Error::NodeNotInView`]).
pub fn bfs_levels<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    source: NodeId,
    control: &mut Control<'_>,
) -> Result<NodeValues<u32>> {
    let sub = view.resolve(g, control)?;
    sub.require(source)?;
    let mut levels = vec![u32::MAX; sub.bound()];
    let mut reached = Members::empty(sub.bound());
    let mut scanner = sub.scanner();
    let mut frontier = vec![source];
    let mut next = Vec::new();
    reached.insert(source);
    if let Some(l) = levels.get_mut(index(source)) {
        *l = 0;
    }
    let mut depth = 0u32;
    let total = sub.members().len();
    while !frontier.is_empty() {
        control.check("reached", reached.len() as u64, total as u64)?;
        depth += 1;
        let not_reached = total - reached.len();
        if frontier.len() * BOTTOM_UP_SHARE > not_reached {
            let mut in_frontier = Members::empty(sub.bound());
            for &node in &frontier {
                in_frontier.insert(node);
            }
            for node in sub.members().iter() {
                if reached.contains(node) {
                    continue;
                }
                let mut found = false;
                scanner.resume(node, sub.reverse(), 0, |n| {
                    found = in_frontier.contains(n);
                    if found {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                })?;
                if found && let Some(l) = levels.get_mut(index(node)) {
                    *l = depth;
                    next.push(node);
                }
            }
            // `next` is in id order already; mark it reached only now, so that a node found
            // in this level is not taken for a member of the frontier.
            for &node in &next {
                reached.insert(node);
            }
        } else {
            for &node in &frontier {
                scanner.each(node, sub.direction(), |n| {
                    if let Some(l) = levels.get_mut(index(n))
                        && *l == u32::MAX
                    {
                        *l = depth;
                        reached.insert(n);
                        next.push(n);
                    }
                })?;
            }
            next.sort_unstable();
        }
        std::mem::swap(&mut frontier, &mut next);
        next.clear();
    }
    Ok(NodeValues::new(levels, reached))
}

/// A level is found bottom-up once its frontier holds more nodes than this many times the
/// nodes not yet reached. Beamer et al. switch at about 1 in 14 by edges, for parallel runs
/// over in-memory rows; here a list read costs more than a few entries, and bottom-up reads a
/// list for every node not reached. On `medium` (100K nodes, 1M random edges) the level of 25K
/// nodes with 72K not reached was slower bottom-up; the next one (65K against 7K) is where
/// bottom-up saves most of the level's 650K entries.
const BOTTOM_UP_SHARE: usize = 1;
