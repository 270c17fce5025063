//! BFS levels (Graphalytics BFS).

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
/// Time O(V + E) edge reads; memory one `u32` per node id plus the frontier. Each level is
/// visited in id order, so its lists are read forwards through the file. `source` must be a
/// node of the view ([`crate::Error::NodeNotInView`]).
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
    let total = sub.members().len() as u64;
    while !frontier.is_empty() {
        control.check("reached", reached.len() as u64, total)?;
        depth += 1;
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
        std::mem::swap(&mut frontier, &mut next);
        next.clear();
    }
    Ok(NodeValues::new(levels, reached))
}
