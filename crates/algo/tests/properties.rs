//! Properties on random small graphs: BFS levels are hop distances in every direction (through
//! both the top-down and the bottom-up steps), SCCs are mutual reachability and their
//! condensation is acyclic, core numbers never drop when an edge is added, Louvain's modularity is never
//! negative, and betweenness equals its definition computed by brute force.

use std::collections::VecDeque;

use algo::{Control, Sources, View};
use graph::{Direction, Graph, NodeId};
use proptest::prelude::*;

/// A graph of `n` nodes and `edges` (pairs taken modulo `n`), in memory.
fn build(n: u64, edges: &[(u64, u64)]) -> (Graph, Vec<NodeId>) {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let nodes: Vec<NodeId> = (0..n)
        .map(|i| txn.add_node("v", &i.to_string(), b"").expect("node"))
        .collect();
    for &(u, v) in edges {
        txn.add_edge(nodes[(u % n) as usize], nodes[(v % n) as usize], "e", b"")
            .expect("edge");
    }
    txn.commit().expect("commit");
    (graph, nodes)
}

/// Hop distances from `s` over adjacency `adj` (`None`: unreachable).
fn distances(adj: &[Vec<usize>], s: usize) -> Vec<Option<u64>> {
    let mut d = vec![None; adj.len()];
    d[s] = Some(0);
    let mut queue = VecDeque::from([s]);
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v] {
            if d[w].is_none() {
                d[w] = Some(d[v].expect("set") + 1);
                queue.push_back(w);
            }
        }
    }
    d
}

/// The number of shortest paths from `s` to each node (parallel edges are distinct paths).
fn path_counts(adj: &[Vec<usize>], s: usize, d: &[Option<u64>]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..adj.len()).filter(|&v| d[v].is_some()).collect();
    order.sort_by_key(|&v| d[v]);
    let mut count = vec![0.0; adj.len()];
    count[s] = 1.0;
    for v in order {
        for &w in &adj[v] {
            if d[w] == d[v].map(|x| x + 1) {
                count[w] += count[v];
            }
        }
    }
    count
}

fn adjacency(n: usize, edges: &[(u64, u64)], undirected: bool) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for &(u, v) in edges {
        let (u, v) = ((u % n as u64) as usize, (v % n as u64) as usize);
        adj[u].push(v);
        if undirected {
            adj[v].push(u);
        }
    }
    adj
}

fn small_graph() -> impl Strategy<Value = (u64, Vec<(u64, u64)>)> {
    (1u64..12).prop_flat_map(|n| (Just(n), proptest::collection::vec((0..n, 0..n), 0..30)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bfs_levels_are_hop_distances_in_every_direction(
        (n, edges) in small_graph(),
        source in 0u64..12,
        direction in prop_oneof![Just(Direction::Out), Just(Direction::In), Just(Direction::Both)],
    ) {
        let (graph, nodes) = build(n, &edges);
        let read = graph.begin_read().expect("read");
        let source = (source % n) as usize;
        let view = View::new().direction(direction);
        let levels = algo::bfs_levels(&read, &view, nodes[source], &mut Control::new())
            .expect("bfs");
        let oriented: Vec<(u64, u64)> = match direction {
            Direction::In => edges.iter().map(|&(u, v)| (v, u)).collect(),
            _ => edges.clone(),
        };
        let adj = adjacency(n as usize, &oriented, direction == Direction::Both);
        let expected = distances(&adj, source);
        for (v, &node) in nodes.iter().enumerate() {
            prop_assert_eq!(levels.get(node).map(|&l| u64::from(l)), expected[v], "node {}", v);
        }
    }

    #[test]
    fn scc_is_mutual_reachability_and_condensation_is_acyclic((n, edges) in small_graph()) {
        let (graph, nodes) = build(n, &edges);
        let read = graph.begin_read().expect("read");
        let components = algo::scc(&read, &View::new(), &mut Control::new()).expect("scc");
        let dag = algo::condensation(&read, &View::new(), &components, &mut Control::new())
            .expect("condensation");
        prop_assert!(dag.iter().all(|&(a, b)| a < b && b < components.count));
        let adj = adjacency(n as usize, &edges, false);
        let reach: Vec<Vec<Option<u64>>> = (0..n as usize).map(|s| distances(&adj, s)).collect();
        for a in 0..n as usize {
            for b in 0..n as usize {
                let same = components.component.get(nodes[a]) == components.component.get(nodes[b]);
                prop_assert_eq!(same, reach[a][b].is_some() && reach[b][a].is_some());
            }
        }
    }

    #[test]
    fn core_numbers_never_drop_when_an_edge_is_added(
        (n, edges) in small_graph(),
        extra in (0u64..12, 0u64..12),
    ) {
        let view = View::new().direction(Direction::Both);
        let (before, nodes) = build(n, &edges);
        let cores = algo::k_core(&before.begin_read().expect("read"), &view, &mut Control::new())
            .expect("k-core");
        let mut more = edges.clone();
        more.push(extra);
        let (after, _) = build(n, &more);
        let cores_after = algo::k_core(&after.begin_read().expect("read"), &view, &mut Control::new())
            .expect("k-core");
        for &v in &nodes {
            prop_assert!(cores_after.get(v) >= cores.get(v));
        }
        // Every node of core k has at least k neighbours (with multiplicity) of core >= k.
        let adj = adjacency(n as usize, &edges, true);
        for (i, &v) in nodes.iter().enumerate() {
            let k = *cores.get(v).expect("core");
            let strong = adj[i]
                .iter()
                .filter(|&&w| w != i && *cores.get(nodes[w]).expect("core") >= k)
                .count() as u64;
            prop_assert!(strong >= k);
        }
    }

    #[test]
    fn louvain_modularity_is_not_negative((n, edges) in small_graph(), seed in 0u64..1000) {
        let (graph, _) = build(n, &edges);
        let read = graph.begin_read().expect("read");
        let view = View::new().direction(Direction::Both);
        let found = algo::louvain(&read, &view, seed, &mut Control::new()).expect("louvain");
        prop_assert!(found.modularity >= -1e-12, "modularity {}", found.modularity);
        prop_assert_eq!(found.community.len() as u64, n);
    }

    #[test]
    fn betweenness_matches_brute_force((n, edges) in small_graph(), undirected in any::<bool>()) {
        let (graph, nodes) = build(n, &edges);
        let read = graph.begin_read().expect("read");
        let direction = if undirected { Direction::Both } else { Direction::Out };
        let view = View::new().direction(direction);
        let got = algo::betweenness_centrality(&read, &view, Sources::All, &mut Control::new())
            .expect("betweenness");
        let n = n as usize;
        let adj = adjacency(n, &edges, undirected);
        let d: Vec<Vec<Option<u64>>> = (0..n).map(|s| distances(&adj, s)).collect();
        let sigma: Vec<Vec<f64>> = (0..n).map(|s| path_counts(&adj, s, &d[s])).collect();
        for v in 0..n {
            let mut want = 0.0;
            for s in (0..n).filter(|&s| s != v) {
                for t in (0..n).filter(|&t| t != v && t != s) {
                    if let (Some(st), Some(sv), Some(vt)) = (d[s][t], d[s][v], d[v][t])
                        && sv + vt == st
                    {
                        want += sigma[s][v] * sigma[v][t] / sigma[s][t];
                    }
                }
            }
            if undirected {
                want /= 2.0;
            }
            let got = *got.get(nodes[v]).expect("value");
            prop_assert!((got - want).abs() < 1e-9 * want.max(1.0), "node {}: {} vs {}", v, got, want);
        }
    }
}
