//! Properties on random small graphs: BFS levels are hop distances in every direction (through
//! both the top-down and the bottom-up steps), SCCs are mutual reachability and their
//! condensation is acyclic, core numbers never drop when an edge is added, Louvain's modularity is never
//! negative, betweenness equals its definition computed by brute force, and PageRank and WCC
//! (which read the view in one scan of the lists) equal their definitions on views filtered by
//! kind and edge type, in every direction.

use std::collections::VecDeque;

use algo::{Control, PageRankParams, Sources, View};
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

/// A graph of nodes of kind "a" or "b" (`kinds[i]`: "a") and edges (u, v, of type "x" or
/// not: "y"), in memory.
fn build_typed(kinds: &[bool], edges: &[(u64, u64, bool)]) -> (Graph, Vec<NodeId>) {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let nodes: Vec<NodeId> = (0..)
        .zip(kinds)
        .map(|(i, &a)| {
            let kind = if a { "a" } else { "b" };
            txn.add_node(kind, &i.to_string(), b"").expect("node")
        })
        .collect();
    let n = nodes.len() as u64;
    for &(u, v, x) in edges {
        let (from, to) = (nodes[(u % n) as usize], nodes[(v % n) as usize]);
        txn.add_edge(from, to, if x { "x" } else { "y" }, b"")
            .expect("edge");
    }
    txn.commit().expect("commit");
    (graph, nodes)
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

    #[test]
    fn pagerank_and_wcc_on_filtered_views_match_their_definitions(
        kinds in proptest::collection::vec(any::<bool>(), 1..14),
        edges in proptest::collection::vec((0u64..14, 0u64..14, any::<bool>()), 0..40),
        only_a in any::<bool>(),
        only_x in any::<bool>(),
        direction in prop_oneof![Just(Direction::Out), Just(Direction::In), Just(Direction::Both)],
    ) {
        prop_assume!(!only_a || kinds.contains(&true));
        prop_assume!(!only_x || edges.iter().any(|&(_, _, x)| x));
        let (graph, nodes) = build_typed(&kinds, &edges);
        let read = graph.begin_read().expect("read");
        let mut view = View::new().direction(direction);
        if only_a {
            view = view.kind("a");
        }
        if only_x {
            view = view.edge_type("x");
        }
        let n = kinds.len();
        let member: Vec<bool> = kinds.iter().map(|&a| a || !only_a).collect();
        // The view's edges, oriented the way it follows them.
        let mut arcs = Vec::new();
        for &(u, v, x) in &edges {
            let (u, v) = ((u % n as u64) as usize, (v % n as u64) as usize);
            if (x || !only_x) && member[u] && member[v] {
                match direction {
                    Direction::Out => arcs.push((u, v)),
                    Direction::In => arcs.push((v, u)),
                    Direction::Both => arcs.extend([(u, v), (v, u)]),
                }
            }
        }
        let count = member.iter().filter(|&&m| m).count() as f64;
        let params = PageRankParams { damping: 0.85, iterations: 6 };
        let mut out = vec![0usize; n];
        for &(u, _) in &arcs {
            out[u] += 1;
        }
        let mut rank: Vec<f64> = member.iter().map(|&m| if m { 1.0 / count } else { 0.0 }).collect();
        for _ in 0..params.iterations {
            let dangling: f64 = (0..n).filter(|&u| member[u] && out[u] == 0).map(|u| rank[u]).sum();
            let mut next: Vec<f64> = member
                .iter()
                .map(|&m| if m { (1.0 - params.damping) / count + params.damping * dangling / count } else { 0.0 })
                .collect();
            for &(u, v) in &arcs {
                next[v] += params.damping * rank[u] / out[u] as f64;
            }
            rank = next;
        }
        let ranks = algo::pagerank(&read, &view, &params, &mut Control::new()).expect("pagerank");
        let labels = algo::wcc(&read, &view, &mut Control::new()).expect("wcc");
        // Components by flooding the view's edges, each labelled by its smallest node id.
        let undirected = adjacency(n, &arcs.iter().map(|&(u, v)| (u as u64, v as u64)).collect::<Vec<_>>(), true);
        for v in 0..n {
            if !member[v] {
                prop_assert!(ranks.get(nodes[v]).is_none() && labels.get(nodes[v]).is_none());
                continue;
            }
            let got = *ranks.get(nodes[v]).expect("a rank");
            prop_assert!((got - rank[v]).abs() < 1e-12, "node {}: {} against {}", v, got, rank[v]);
            let reach = distances(&undirected, v);
            let smallest = (0..n).filter(|&w| reach[w].is_some()).map(|w| nodes[w]).min();
            prop_assert_eq!(labels.get(nodes[v]).copied(), smallest, "node {}", v);
        }
    }
}
