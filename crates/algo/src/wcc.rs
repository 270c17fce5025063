//! Weakly connected components (Graphalytics WCC).

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::values::NodeValues;
use crate::view::View;

/// Weakly connected components: two nodes of the view are in one component when a path joins
/// them, edges taken in either direction (the view's direction does not matter). Each node's
/// value is its component's label: the smallest node id in the component. The Graphalytics WCC
/// kernel.
///
/// Union-find with path halving over each node's out-list (so every edge once), in one scan of
/// the lists in id order, the node's own root found once per stretch of its list: time
/// O(V + E α(V)), memory one `u64` per node id.
pub fn wcc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<NodeId>> {
    let sub = view.resolve(g, control)?;
    let members = sub.members();
    let mut parent: Vec<u64> = (0..sub.bound() as u64).collect();
    let mut scanner = sub.scanner();
    let bound = sub.bound() as u64;
    scanner.for_each_stretch(Direction::Out, |v, stretch| {
        control.tick("node", v.0, bound)?;
        // `root` stays the root of v's set through the stretch: a union either leaves it a
        // root or hangs it under a smaller root, which becomes v's.
        let root = find(&mut parent, v.0);
        stretch.fold(root, |root, u| {
            let other = find(&mut parent, u.0);
            if other != root {
                link(&mut parent, root, other)
            } else {
                root
            }
        })?;
        Ok(())
    })?;
    let labels = (0..sub.bound() as u64)
        .map(|v| NodeId(find(&mut parent, v)))
        .collect();
    Ok(NodeValues::new(labels, members.clone()))
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

    /// Joins the sets of `a` and `b`.
    fn union(parent: &mut [u64], a: u64, b: u64) {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            link(parent, ra, rb);
        }
    }

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
