//! Community detection by label propagation (Graphalytics CDLP).

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::{Result, invalid};
use crate::members::index;
use crate::values::NodeValues;
use crate::view::View;

/// Label propagation as Graphalytics defines it: every node starts with its own id as label;
/// in each of `iterations` synchronous rounds a node takes the label most frequent among its
/// neighbours, in- and out-edges both (a neighbour joined both ways counts twice; edges with
/// multiplicity), ties going to the smallest label. A node without neighbours keeps its label.
/// The view's direction does not matter; its edge types and kinds do.
///
/// Time O(iterations * E log D) (each node sorts its neighbours' labels), memory two `u64`
/// vectors by node id plus one list of the largest degree.
pub fn cdlp<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    iterations: u32,
    control: &mut Control<'_>,
) -> Result<NodeValues<NodeId>> {
    if iterations == 0 {
        return Err(invalid("iterations", "must be at least 1"));
    }
    let sub = view.resolve(g, control)?;
    let members = sub.members();
    let mut labels: Vec<u64> = (0..sub.bound() as u64).collect();
    let mut next = labels.clone();
    let mut scanner = sub.scanner();
    let mut seen = Vec::new();
    for iteration in 0..iterations {
        control.check("iteration", u64::from(iteration), u64::from(iterations))?;
        for v in members.iter() {
            seen.clear();
            scanner.each(v, Direction::Both, |u| {
                seen.push(labels.get(index(u)).copied().unwrap_or(u.0));
            })?;
            if let (Some(label), Some(slot)) = (most_frequent(&mut seen), next.get_mut(index(v))) {
                *slot = label;
            }
        }
        std::mem::swap(&mut labels, &mut next);
    }
    Ok(NodeValues::new(
        labels.into_iter().map(NodeId).collect(),
        members.clone(),
    ))
}

/// The most frequent value of `values`, the smallest among equals; `None` when empty. Sorts
/// `values`.
fn most_frequent(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    let mut best: Option<(usize, u64)> = None;
    for run in values.chunk_by(|a, b| a == b) {
        if let Some(&label) = run.first()
            && best.is_none_or(|(count, _)| run.len() > count)
        {
            best = Some((run.len(), label));
        }
    }
    best.map(|(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::most_frequent;

    #[test]
    fn most_frequent_breaks_ties_by_smallest() {
        assert_eq!(most_frequent(&mut [5, 3, 5, 3, 9]), Some(3));
        assert_eq!(most_frequent(&mut [5, 3, 5, 9]), Some(5));
        assert_eq!(most_frequent(&mut []), None);
    }
}
