//! Every traversal along every direction and edge-type subset, against a plain in-memory model
//! of the same generated multigraph (several edge types, parallel edges, self-loops, edge data
//! holding a weight): the same nodes at the same depths, shortest paths of the model's length
//! along real edges, the model's set of all shortest paths, the model's weighted costs, and the
//! model's k cheapest simple paths.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use graph::{Direction, EdgeId, Follow, Graph, GraphRead, Neighbor, NodeId, Path, ReadTxn};
use proptest::prelude::*;

/// The edge types the generated graphs use; the model's specs may also name one no edge has.
const TYPES: [&str; 3] = ["a", "b", "c"];
const UNKNOWN: &str = "never-used";

/// One generated edge: ends, type (index into [`TYPES`]), weight.
#[derive(Clone, Debug)]
struct ModelEdge {
    from: u64,
    to: u64,
    edge_type: usize,
    weight: u8,
}

/// The model: nodes `0..nodes` and the edges, each with the id the graph gave it.
struct Model {
    nodes: u64,
    edges: Vec<(EdgeId, ModelEdge)>,
}

impl Model {
    /// The hops `follow` allows from `node`: the same entries the graph must read (a self-loop
    /// twice along `Both`: once as an out-edge, once as an in-edge).
    fn hops(&self, node: u64, follow: &Follow) -> Vec<(u64, EdgeId, &'static str)> {
        let allowed = |t: &str| {
            follow
                .edge_type_names()
                .is_none_or(|names| names.iter().any(|n| n == t))
        };
        let (out, inward) = match follow.direction() {
            Direction::Out => (true, false),
            Direction::In => (false, true),
            Direction::Both => (true, true),
        };
        let mut hops = Vec::new();
        for (id, e) in &self.edges {
            let name = TYPES[e.edge_type];
            if !allowed(name) {
                continue;
            }
            if out && e.from == node {
                hops.push((e.to, *id, name));
            }
            if inward && e.to == node {
                hops.push((e.from, *id, name));
            }
        }
        hops
    }

    fn weight(&self, edge: EdgeId) -> f64 {
        self.edges
            .iter()
            .find(|(id, _)| *id == edge)
            .map_or(f64::NAN, |(_, e)| f64::from(e.weight))
    }

    /// Hop distances from `start`, to at most `max` hops.
    fn depths(&self, start: u64, follow: &Follow, max: Option<u32>) -> BTreeMap<u64, u32> {
        let mut depth = BTreeMap::from([(start, 0u32)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = depth[&n];
            if max.is_some_and(|m| d >= m) {
                continue;
            }
            for (m, _, _) in self.hops(n, follow) {
                if let std::collections::btree_map::Entry::Vacant(slot) = depth.entry(m) {
                    slot.insert(d + 1);
                    queue.push_back(m);
                }
            }
        }
        depth
    }

    /// Weighted costs from `start` (Bellman-Ford: no cleverness to share a bug with).
    fn costs(&self, start: u64, follow: &Follow) -> BTreeMap<u64, f64> {
        let mut cost = BTreeMap::from([(start, 0.0)]);
        for _ in 0..self.nodes {
            for n in 0..self.nodes {
                let Some(&c) = cost.get(&n) else { continue };
                for (m, edge, _) in self.hops(n, follow) {
                    let reach = c + self.weight(edge);
                    if cost.get(&m).is_none_or(|&old| reach < old) {
                        cost.insert(m, reach);
                    }
                }
            }
        }
        cost
    }

    /// Every simple path from `from` to `to` (as its hops), by exhaustive search.
    fn simple_paths(&self, from: u64, to: u64, follow: &Follow) -> Vec<Vec<(u64, EdgeId)>> {
        let mut out = Vec::new();
        let mut walk = Vec::new();
        let mut on = BTreeSet::from([from]);
        self.extend_simple(from, to, follow, &mut walk, &mut on, &mut out);
        out
    }

    fn extend_simple(
        &self,
        at: u64,
        to: u64,
        follow: &Follow,
        walk: &mut Vec<(u64, EdgeId)>,
        on: &mut BTreeSet<u64>,
        out: &mut Vec<Vec<(u64, EdgeId)>>,
    ) {
        if at == to {
            out.push(walk.clone());
            return;
        }
        for (m, edge, _) in self.hops(at, follow) {
            if on.insert(m) {
                walk.push((m, edge));
                self.extend_simple(m, to, follow, walk, on, out);
                walk.pop();
                on.remove(&m);
            }
        }
    }

    /// Every path of fewest hops from `from` to `to`, as its edges.
    fn shortest_paths(&self, from: u64, to: u64, follow: &Follow) -> BTreeSet<Vec<EdgeId>> {
        let depth = self.depths(from, follow, None);
        let Some(&length) = depth.get(&to) else {
            return BTreeSet::new();
        };
        let mut out = BTreeSet::new();
        let mut stack = vec![(from, Vec::new())];
        while let Some((at, edges)) = stack.pop() {
            if edges.len() as u32 == length {
                if at == to {
                    out.insert(edges);
                }
                continue;
            }
            for (m, edge, _) in self.hops(at, follow) {
                if depth.get(&m) == Some(&(edges.len() as u32 + 1)) {
                    let mut longer = edges.clone();
                    longer.push(edge);
                    stack.push((m, longer));
                }
            }
        }
        out
    }

    /// Asserts that `path` runs from `from` to `to` along hops the model allows, each named
    /// with its edge's type; returns its cost.
    fn check_path(&self, path: &Path, from: u64, to: u64, follow: &Follow) -> f64 {
        assert_eq!(path.start, NodeId(from));
        assert_eq!(path.end(), NodeId(to));
        let mut at = from;
        let mut cost = 0.0;
        for hop in &path.hops {
            let allowed = self.hops(at, follow);
            assert!(
                allowed.iter().any(|&(m, e, t)| m == hop.node.0
                    && e == hop.edge
                    && TYPES.iter().position(|n| *n == t) == Some(hop.edge_type as usize)),
                "hop {hop:?} from {at} is not an edge the spec follows"
            );
            cost += self.weight(hop.edge);
            at = hop.node.0;
        }
        cost
    }
}

/// The graph holding the model's edges; node `i` has id `i` and edge type `TYPES[t]` id `t`.
fn build(nodes: u64, edges: &[ModelEdge]) -> (Graph, Model) {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    for i in 0..nodes {
        txn.add_node("k", &format!("n{i}"), b"").expect("node");
    }
    // Intern the types in order, so that type ids are the model's indexes.
    for t in TYPES {
        let e = txn.add_edge(NodeId(0), NodeId(0), t, b"").expect("edge");
        txn.delete_edge(e).expect("delete");
    }
    let mut model = Model {
        nodes,
        edges: Vec::new(),
    };
    for e in edges {
        let id = txn
            .add_edge(
                NodeId(e.from),
                NodeId(e.to),
                TYPES[e.edge_type],
                &[e.weight],
            )
            .expect("edge");
        model.edges.push((id, e.clone()));
    }
    txn.commit().expect("commit");
    (graph, model)
}

/// The weight the graph's traversals are given: the byte of the edge's data.
fn weight_of(read: &ReadTxn) -> impl FnMut(Neighbor) -> graph::Result<f64> + '_ {
    |hop| {
        let edge = read
            .edge(hop.edge)?
            .ok_or(graph::Error::EdgeNotFound(hop.edge))?;
        Ok(edge.data()?.first().map_or(0.0, |&w| f64::from(w)))
    }
}

fn graph_and_queries() -> impl Strategy<Value = (u64, Vec<ModelEdge>, Follow, Vec<(u64, u64)>)> {
    (2u64..9).prop_flat_map(|nodes| {
        let edge = (0..nodes, 0..nodes, 0..TYPES.len(), 0u8..6).prop_map(
            |(from, to, edge_type, weight)| ModelEdge {
                from,
                to,
                edge_type,
                weight,
            },
        );
        let names = proptest::sample::subsequence(vec!["a", "b", "c", UNKNOWN], 0..=4);
        let follow = (
            prop_oneof![
                Just(Direction::Out),
                Just(Direction::In),
                Just(Direction::Both)
            ],
            proptest::option::of(names),
        )
            .prop_map(|(direction, names)| match names {
                None => Follow::new(direction),
                Some(names) => Follow::new(direction).edge_types(names),
            });
        (
            Just(nodes),
            proptest::collection::vec(edge, 0..18),
            follow,
            proptest::collection::vec((0..nodes, 0..nodes), 1..5),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_traversal_matches_the_model_for_every_direction_and_type_subset(
        (nodes, edges, follow, queries) in graph_and_queries(),
        max_depth in proptest::option::of(0u32..4),
    ) {
        let (graph, model) = build(nodes, &edges);
        let read = graph.begin_read().expect("read");
        for (from, to) in queries {
            // BFS: each node once, at the model's depth, start first, levels in order.
            let order = read.bfs(NodeId(from), follow.clone(), max_depth).expect("bfs");
            let want = model.depths(from, &follow, max_depth);
            prop_assert_eq!(order.first(), Some(&(NodeId(from), 0)));
            prop_assert!(order.windows(2).all(|w| w[0].1 <= w[1].1));
            let got: BTreeMap<u64, u32> = order.iter().map(|(n, d)| (n.0, *d)).collect();
            prop_assert_eq!(got.len(), order.len());
            prop_assert_eq!(&got, &want);

            let k = max_depth.unwrap_or(2);
            let hop: BTreeSet<u64> = read
                .k_hop(NodeId(from), k, follow.clone())
                .expect("k_hop")
                .into_iter()
                .map(|n| n.0)
                .collect();
            let want_hop: BTreeSet<u64> = model
                .depths(from, &follow, Some(k))
                .into_keys()
                .filter(|&n| n != from)
                .collect();
            prop_assert_eq!(hop, want_hop);

            // Fewest hops: the model's distance, along edges the spec follows.
            let depth = model.depths(from, &follow, None).get(&to).copied();
            let path = read
                .shortest_path_by(NodeId(from), NodeId(to), follow.clone())
                .expect("path");
            prop_assert_eq!(path.as_ref().map(|p| p.len() as u32), depth);
            if let Some(path) = &path {
                model.check_path(path, from, to, &follow);
            }

            // Every shortest path: the model's set, or as many as the limit when it is less.
            let want_all = model.shortest_paths(from, to, &follow);
            let all = read
                .all_shortest_paths(NodeId(from), NodeId(to), follow.clone(), 1000)
                .expect("all");
            let got_all: BTreeSet<Vec<EdgeId>> = all
                .iter()
                .map(|p| {
                    model.check_path(p, from, to, &follow);
                    p.hops.iter().map(|h| h.edge).collect()
                })
                .collect();
            prop_assert_eq!(got_all.len(), all.len());
            prop_assert_eq!(&got_all, &want_all);
            let some = read
                .all_shortest_paths(NodeId(from), NodeId(to), follow.clone(), 2)
                .expect("some");
            prop_assert_eq!(some.len(), want_all.len().min(2));

            // Weighted: the model's cost, along a path that costs what it says.
            let costs = model.costs(from, &follow);
            let cheapest = read
                .dijkstra(NodeId(from), NodeId(to), follow.clone(), weight_of(&read))
                .expect("dijkstra");
            prop_assert_eq!(cheapest.as_ref().map(|p| p.cost), costs.get(&to).copied());
            if let Some(p) = &cheapest {
                prop_assert_eq!(model.check_path(&p.path, from, to, &follow), p.cost);
            }
            let to_target = model.costs(to, &follow.reversed());
            let guided = read
                .astar(NodeId(from), NodeId(to), follow.clone(), weight_of(&read), |n| {
                    Ok(to_target.get(&n.0).copied().unwrap_or(0.0))
                })
                .expect("astar");
            prop_assert_eq!(guided.map(|p| p.cost), costs.get(&to).copied());
            let all_costs: BTreeMap<u64, f64> = read
                .distances(NodeId(from), follow.clone(), weight_of(&read))
                .expect("distances")
                .into_iter()
                .map(|(n, c)| (n.0, c))
                .collect();
            prop_assert_eq!(&all_costs, &costs);

            // Yen: the model's k cheapest simple paths, by cost.
            let mut simple: Vec<f64> = model
                .simple_paths(from, to, &follow)
                .iter()
                .map(|p| p.iter().map(|(_, e)| model.weight(*e)).sum())
                .collect();
            simple.sort_by(f64::total_cmp);
            simple.truncate(4);
            let ranked = read
                .k_shortest_paths(NodeId(from), NodeId(to), follow.clone(), 4, weight_of(&read))
                .expect("yen");
            let ranked_costs: Vec<f64> = ranked.iter().map(|p| p.cost).collect();
            prop_assert_eq!(ranked_costs, simple);
            let mut distinct = BTreeSet::new();
            for p in &ranked {
                prop_assert_eq!(model.check_path(&p.path, from, to, &follow), p.cost);
                let nodes = p.path.nodes();
                let unique: BTreeSet<_> = nodes.iter().collect();
                prop_assert_eq!(unique.len(), nodes.len(), "not simple: {:?}", nodes);
                prop_assert!(distinct.insert(p.path.clone()));
            }
        }
    }
}

#[test]
fn an_unknown_edge_type_matches_nothing() {
    let (graph, _) = build(
        3,
        &[ModelEdge {
            from: 0,
            to: 1,
            edge_type: 0,
            weight: 1,
        }],
    );
    let read = graph.begin_read().expect("read");
    let unknown = Follow::out().edge_type(UNKNOWN);
    assert_eq!(
        read.bfs(NodeId(0), unknown.clone(), None).expect("bfs"),
        vec![(NodeId(0), 0)]
    );
    assert_eq!(
        read.shortest_path_by(NodeId(0), NodeId(1), unknown)
            .expect("path"),
        None
    );
    let none = Follow::out().edge_types(Vec::<String>::new());
    assert!(read.k_hop(NodeId(0), 3, none).expect("k_hop").is_empty());
}

#[test]
fn a_negative_nan_or_infinite_weight_is_an_error_naming_the_edge() {
    let (graph, model) = build(
        2,
        &[ModelEdge {
            from: 0,
            to: 1,
            edge_type: 1,
            weight: 1,
        }],
    );
    let edge = model.edges[0].0;
    let read = graph.begin_read().expect("read");
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let err = read
            .dijkstra(NodeId(0), NodeId(1), Follow::out(), |_| Ok(bad))
            .expect_err("a bad weight");
        assert!(
            matches!(&err, graph::Error::InvalidWeight { what, .. } if what.contains(&edge.to_string())),
            "{err}"
        );
        let err = read
            .astar(
                NodeId(0),
                NodeId(1),
                Follow::out(),
                |_| Ok(1.0),
                |_| Ok(bad),
            )
            .expect_err("a bad estimate");
        assert!(matches!(err, graph::Error::InvalidWeight { .. }), "{err}");
    }
}

#[test]
fn a_path_reports_each_hop_with_its_edge_and_type_including_edges_walked_backwards() {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let [a, b, c] = ["a", "b", "c"].map(|n| txn.add_node("k", n, b"").expect("node"));
    let ab = txn.add_edge(a, b, "knows", b"").expect("edge");
    let cb = txn.add_edge(c, b, "likes", b"").expect("edge");
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    assert_eq!(
        read.shortest_path_by(a, c, Follow::out()).expect("path"),
        None
    );
    let path = read
        .shortest_path_by(a, c, Follow::both())
        .expect("path")
        .expect("a path along both directions");
    let types: Vec<String> = path
        .hops
        .iter()
        .map(|h| read.edge_type_name(h.edge_type).expect("name").into_owned())
        .collect();
    assert_eq!(path.nodes(), vec![a, b, c]);
    assert_eq!(
        path.hops.iter().map(|h| h.edge).collect::<Vec<_>>(),
        vec![ab, cb]
    );
    assert_eq!(types, ["knows", "likes"]);
}
