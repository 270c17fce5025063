//! BFS, k-hop and shortest path against a breadth-first search over an in-memory copy of the
//! same random graph (with a hub past the hub threshold and self-loops): the same nodes at the
//! same depths, and shortest paths of the model's length along real edges.

use std::collections::{HashMap, HashSet, VecDeque};

use graph::{Direction, Graph, GraphRead, NewEdge, NodeId};

/// Distances from `start` in the model, following `next`.
fn model_bfs(next: &HashMap<u64, Vec<u64>>, start: u64, max: Option<u32>) -> HashMap<u64, u32> {
    let mut depth = HashMap::from([(start, 0u32)]);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        let d = depth[&n];
        if max.is_some_and(|m| d >= m) {
            continue;
        }
        for &m in next.get(&n).map(Vec::as_slice).unwrap_or_default() {
            if let std::collections::hash_map::Entry::Vacant(slot) = depth.entry(m) {
                slot.insert(d + 1);
                queue.push_back(m);
            }
        }
    }
    depth
}

#[test]
fn traversals_match_a_model_breadth_first_search() {
    let nodes = 400u64;
    let mut rng = fastrand::Rng::with_seed(21);
    let edges: Vec<(u64, u64)> = (0..1_200)
        .map(|i| {
            if i % 5 == 0 {
                (7, rng.u64(0..nodes))
            } else {
                (rng.u64(0..nodes), rng.u64(0..nodes))
            }
        })
        .collect();
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    for i in 0..nodes {
        txn.add_node("k", &format!("n{i}"), b"").expect("node");
    }
    txn.add_edges(edges.iter().map(|&(from, to)| NewEdge {
        from: NodeId(from),
        to: NodeId(to),
        edge_type: "e",
        data: b"",
    }))
    .expect("edges");
    txn.commit().expect("commit");

    let mut out: HashMap<u64, Vec<u64>> = HashMap::new();
    let mut both: HashMap<u64, Vec<u64>> = HashMap::new();
    for &(from, to) in &edges {
        out.entry(from).or_default().push(to);
        both.entry(from).or_default().push(to);
        both.entry(to).or_default().push(from);
    }
    let edge_set: HashSet<(u64, u64)> = edges.iter().copied().collect();
    let read = graph.begin_read().expect("read");
    for start in [0u64, 7, 99, 250, 399] {
        for (direction, next) in [(Direction::Out, &out), (Direction::Both, &both)] {
            for max in [None, Some(1), Some(2)] {
                let found: HashMap<u64, u32> = read
                    .bfs(NodeId(start), direction, max)
                    .expect("bfs")
                    .into_iter()
                    .map(|(n, d)| (n.0, d))
                    .collect();
                assert_eq!(
                    found,
                    model_bfs(next, start, max),
                    "bfs from {start} {direction:?} {max:?}"
                );
            }
            let hop: HashSet<u64> = read
                .k_hop(NodeId(start), 2, direction)
                .expect("k-hop")
                .into_iter()
                .map(|n| n.0)
                .collect();
            let mut expected: HashSet<u64> = model_bfs(next, start, Some(2)).into_keys().collect();
            expected.remove(&start);
            assert_eq!(hop, expected, "k-hop from {start} {direction:?}");
        }
        let distances = model_bfs(&out, start, None);
        for target in [1u64, 7, 200, 398] {
            let path = read
                .shortest_path(NodeId(start), NodeId(target))
                .expect("path");
            match (path, distances.get(&target)) {
                (None, None) => {}
                (Some(path), Some(&d)) => {
                    assert_eq!(
                        path.len() as u32,
                        d + 1,
                        "path length from {start} to {target}"
                    );
                    assert_eq!((path[0].0, path[path.len() - 1].0), (start, target));
                    for pair in path.windows(2) {
                        assert!(
                            edge_set.contains(&(pair[0].0, pair[1].0)),
                            "a path step without an edge"
                        );
                    }
                }
                (found, expected) => {
                    panic!("{start} -> {target}: found {found:?}, model distance {expected:?}")
                }
            }
        }
    }
}
