//! k-core decomposition.

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::values::NodeValues;
use crate::view::View;

/// Core numbers: node v has core number k when it belongs to a k-core (a maximal set of nodes
/// in which every node has at least k neighbours inside the set) but not to a (k+1)-core.
/// Edges are taken undirected (the view's direction does not matter); a neighbour counts once
/// per edge and self-loops are ignored, so on a simple graph this is networkx's `core_number`.
///
/// Peeling level by level (as in Kabir and Madduri's PKC): at level k, every node left whose
/// degree among the nodes left is at most k is peeled with core number k, and peeling it lowers
/// its neighbours' degrees, which may peel them at the same level; then k rises to the smallest
/// degree left. Each level finds its first nodes by a pass over the nodes left in id order and
/// peels the nodes they uncover in rounds sorted by id, so most lists are read in file order,
/// where the bucket algorithm of Batagelj and Zaversnik reads them in order of degree, one
/// random page access each. Time O(E) edge reads plus O(V) per
/// level (the levels are the distinct core numbers; the nodes left shrink at every level);
/// memory three vectors by node id.
pub fn k_core<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<u64>> {
    let sub = view.resolve(g, control)?;
    let mut scanner = sub.scanner();
    // `degree[v]`: v's degree among the nodes not yet peeled; once v is peeled, its core number.
    let mut degree = vec![0u64; sub.bound()];
    for v in sub.members().iter() {
        let d = scanner.fold(v, Direction::Both, 0, |d, w| d + u64::from(w != v))?;
        if let Some(slot) = degree.get_mut(index(v)) {
            *slot = d;
        }
    }
    let mut peeled = vec![false; sub.bound()];
    let mut left: Vec<NodeId> = sub.members().iter().collect();
    let mut queue: Vec<NodeId> = Vec::new();
    let total = left.len() as u64;
    let mut done = 0;
    while let Some(level) = left.iter().map(|&v| get(&degree, index(v))).min() {
        for &v in &left {
            if get(&degree, index(v)) <= level {
                mark(&mut peeled, v);
                queue.push(v);
            }
        }
        // The queue in rounds, each sorted by id: a round's lists are then read in file
        // order, where the nodes a round uncovers come in the random order of their edges.
        let mut round_start = 0;
        while round_start < queue.len() {
            let round = round_start..queue.len();
            round_start = round.end;
            if let Some(nodes) = queue.get_mut(round.clone()) {
                nodes.sort_unstable();
            }
            for at in round {
                let Some(&v) = queue.get(at) else { break };
                control.tick("node", done, total)?;
                done += 1;
                scanner.each(v, Direction::Both, |w| {
                    if w == v || peeled.get(index(w)).copied().unwrap_or(true) {
                        return;
                    }
                    if let Some(d) = degree.get_mut(index(w))
                        && *d > level
                    {
                        *d -= 1;
                        if *d == level {
                            mark(&mut peeled, w);
                            queue.push(w);
                        }
                    }
                })?;
            }
        }
        queue.clear();
        left.retain(|&v| !peeled.get(index(v)).copied().unwrap_or(true));
    }
    Ok(NodeValues::new(degree, sub.members().clone()))
}

fn mark(peeled: &mut [bool], v: NodeId) {
    if let Some(p) = peeled.get_mut(index(v)) {
        *p = true;
    }
}

fn get(values: &[u64], i: usize) -> u64 {
    values.get(i).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use graph::Graph;
    use proptest::prelude::*;

    /// Core numbers by the definition: repeatedly remove a node of degree at most k among the
    /// nodes left (k rising only when there is none), counting each edge once per end and
    /// ignoring self-loops.
    fn peel_by_definition(n: usize, edges: &[(usize, usize)]) -> Vec<u64> {
        let mut degree = vec![0u64; n];
        for &(a, b) in edges.iter().filter(|(a, b)| a != b) {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut core = vec![0u64; n];
        let mut left: Vec<bool> = vec![true; n];
        let mut k = 0;
        while left.iter().any(|&l| l) {
            match (0..n).find(|&v| left[v] && degree[v] <= k) {
                Some(v) => {
                    core[v] = k;
                    left[v] = false;
                    for &(a, b) in edges.iter().filter(|(a, b)| a != b) {
                        if a == v && left[b] {
                            degree[b] -= 1;
                        }
                        if b == v && left[a] {
                            degree[a] -= 1;
                        }
                    }
                }
                None => k += 1,
            }
        }
        core
    }

    proptest! {
        #[test]
        fn core_numbers_match_the_definition_on_multigraphs_with_self_loops(
            n in 1usize..24,
            raw in proptest::collection::vec((0usize..24, 0usize..24), 0..90),
        ) {
            let edges: Vec<(usize, usize)> = raw.into_iter().map(|(a, b)| (a % n, b % n)).collect();
            let graph = Graph::in_memory().expect("graph");
            let mut txn = graph.begin_write().expect("write");
            for i in 0..n {
                txn.add_node("n", &i.to_string(), b"").expect("node");
            }
            for &(a, b) in &edges {
                txn.add_edge(NodeId(a as u64), NodeId(b as u64), "e", b"").expect("edge");
            }
            txn.commit().expect("commit");
            let read = graph.begin_read().expect("read");
            let cores = k_core(&read, &View::new(), &mut Control::new()).expect("k-core");
            let got: Vec<u64> = (0..n).map(|v| cores.get(NodeId(v as u64)).copied().unwrap_or(u64::MAX)).collect();
            prop_assert_eq!(got, peel_by_definition(n, &edges));
        }
    }
}
