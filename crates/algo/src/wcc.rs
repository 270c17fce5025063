//! Weakly connected components (Graphalytics WCC).

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::values::NodeValues;
use crate::view::{Stretch, View};

/// Neighbours of each node joined before the largest component is guessed (Afforest's
/// neighbour rounds: two find most of a large component).
const SAMPLED_NEIGHBORS: usize = 2;
/// Pairs joined at once by [`union_all`].
const PAIRS_PER_BATCH: usize = 256;
/// Nodes whose roots are sampled to guess the largest component.
const SAMPLES: usize = 1024;

/// Weakly connected components: two nodes of the view are in one component when a path joins
/// them, edges taken in either direction (the view's direction does not matter). Each node's
/// value is its component's label: the smallest node id in the component. The Graphalytics WCC
/// kernel.
///
/// Union-find with path halving, the smaller root kept (so a root is its set's smallest id),
/// in the order of Afforest (Sutton, Ben-Nun and Barak, 2018): first each node is joined with
/// its first two out-neighbours, which on most graphs already gathers the largest component;
/// then the root most of 1,024 sampled nodes share is taken as that component's, and a second
/// pass joins both lists (out and in) of each node that is outside it when the pass reaches
/// it, skipping the lists of the others unread. An edge is joined unless both of its ends
/// were inside when the pass reached them, and then it joins nothing, since sets only grow. So
/// the edges inside the largest component, most of them on a real graph, are neither read
/// nor looked up in the union-find. Both passes read the lists leaf by leaf in id order.
/// Time O(V + E α(V)), memory one `u64` per node id.
pub fn wcc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<NodeId>> {
    let sub = view.resolve(g, control)?;
    let members = sub.members();
    let bound = sub.bound() as u64;
    let mut parent: Vec<u64> = (0..bound).collect();
    let mut scanner = sub.scanner();
    // Afforest's neighbour rounds, in one pass: each node joined with its first neighbours
    // (a hub's list comes in several stretches: `joined` counts across them), in batches.
    let mut joined: (u64, usize) = (u64::MAX, 0);
    let mut pairs = Vec::with_capacity(PAIRS_PER_BATCH);
    scanner.for_each_stretch(Direction::Out, |v, stretch| {
        control.tick("neighbour rounds", v.0, bound)?;
        if joined.0 != v.0 {
            joined = (v.0, 0);
        }
        let want = SAMPLED_NEIGHBORS - joined.1;
        if want > 0 {
            let ((), folded) = stretch.fold_first(want, (), |(), u| pairs.push((v.0, u.0)))?;
            joined.1 += folded;
            if pairs.len() >= PAIRS_PER_BATCH {
                union_all(&mut parent, &mut pairs);
            }
        }
        Ok(())
    })?;
    union_all(&mut parent, &mut pairs);
    let largest = largest_root(&mut parent, members.iter().map(|v| v.0), members.len());
    // Whether `v` is outside the largest component: compared by roots found afresh, since `c`,
    // a member, stops being the root when a set with a smaller id joins.
    let outside =
        |parent: &mut [u64], v: u64| largest.is_none_or(|c| find(parent, v) != find(parent, c));
    // The rest of the edges, from both lists of each node outside the largest component when
    // the pass reaches it. An edge is joined unless both of its ends are inside when the pass
    // reaches them, and then it joins nothing: sets only grow.
    let parent = std::cell::RefCell::new(parent);
    scanner.for_each_stretch_of(
        Direction::Both,
        |v| outside(&mut parent.borrow_mut(), v.0),
        |v, stretch| {
            control.tick("node", v.0, bound)?;
            join_stretch(&mut parent.borrow_mut(), v.0, stretch)
        },
    )?;
    let mut parent = parent.into_inner();
    let labels = (0..bound).map(|v| NodeId(find(&mut parent, v))).collect();
    Ok(NodeValues::new(labels, members.clone()))
}

/// Joins `v` with every neighbour of `stretch`, `v`'s root found once: it stays the root of
/// v's set through the stretch, since a union either leaves it a root or hangs it under a
/// smaller root, which becomes v's.
#[inline]
fn join_stretch(parent: &mut [u64], v: u64, stretch: Stretch<'_, '_>) -> Result<()> {
    let root = find(parent, v);
    stretch.fold(root, |root, u| {
        let other = find(parent, u.0);
        if other != root {
            link(parent, root, other)
        } else {
            root
        }
    })?;
    Ok(())
}

/// The root most of up to [`SAMPLES`] of the `len` nodes of `nodes` (picked evenly through
/// them) share, or `None` if there are none. Deterministic: the same graph gives the same guess.
fn largest_root(parent: &mut [u64], nodes: impl Iterator<Item = u64>, len: usize) -> Option<u64> {
    let step = len.div_ceil(SAMPLES).max(1);
    let mut roots: Vec<u64> = nodes.step_by(step).map(|v| find(parent, v)).collect();
    roots.sort_unstable();
    roots
        .chunk_by(|a, b| a == b)
        .max_by_key(|run| run.len())
        .and_then(|run| run.first().copied())
}

/// Joins the sets of each pair's two nodes, and empties `pairs`. The neighbours' parents are
/// read first in a loop of independent loads, whose cache misses overlap, where the unions'
/// finds, each waiting on the last, would take them one at a time.
fn union_all(parent: &mut [u64], pairs: &mut Vec<(u64, u64)>) {
    let touched = pairs.iter().fold(0u64, |acc, &(_, u)| {
        acc ^ parent.get(u as usize).copied().unwrap_or(0)
    });
    std::hint::black_box(touched);
    for (a, b) in pairs.drain(..) {
        union(parent, a, b);
    }
}

/// Joins the sets of `a` and `b`.
#[inline]
fn union(parent: &mut [u64], a: u64, b: u64) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        link(parent, ra, rb);
    }
}

/// The root of `v`'s set, halving the path on the way.
#[inline]
pub(crate) fn find(parent: &mut [u64], mut v: u64) -> u64 {
    loop {
        let Some(&p) = parent.get(v as usize) else {
            return v;
        };
        if p == v {
            return v;
        }
        let grand = parent.get(p as usize).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(v as usize) {
            *slot = grand;
        }
        v = grand;
    }
}

/// Joins the sets of roots `a` and `b` (which differ): the larger hangs under the smaller, so a
/// root is its set's smallest id. Returns the joined set's root.
#[inline]
fn link(parent: &mut [u64], a: u64, b: u64) -> u64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    if let Some(slot) = parent.get_mut(high as usize) {
        *slot = low;
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn union_find_labels_match_a_flood_fill(n in 1u64..40, pairs in proptest::collection::vec((0u64..40, 0u64..40), 0..60)) {
            let pairs: Vec<(u64, u64)> = pairs.into_iter().filter(|&(a, b)| a < n && b < n).collect();
            let mut parent: Vec<u64> = (0..n).collect();
            for &(a, b) in &pairs {
                union(&mut parent, a, b);
            }
            // The model: repeat min-label propagation until nothing changes.
            let mut label: Vec<u64> = (0..n).collect();
            let mut changed = true;
            while changed {
                changed = false;
                for &(a, b) in &pairs {
                    let low = label[a as usize].min(label[b as usize]);
                    for x in [a, b] {
                        if label[x as usize] != low {
                            label[x as usize] = low;
                            changed = true;
                        }
                    }
                }
            }
            for v in 0..n {
                prop_assert_eq!(find(&mut parent, v), label[v as usize]);
            }
        }
    }
}
