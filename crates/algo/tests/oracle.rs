//! The algorithms against networkx: small generated graphs and networkx's answers on them,
//! written once by `tests/oracle/make_fixtures.py` into `tests/oracle/fixtures/`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use algo::{Control, PageRankParams, Sources, View};
use graph::{Direction, Graph, GraphRead, NodeId, ReadTxn};

/// One fixture: the graph, loaded, and networkx's answers by name.
struct Fixture {
    name: String,
    graph: Graph,
    nodes: Vec<NodeId>,
    directed: bool,
    /// Edges as written, (from, to).
    edges: Vec<(u64, u64)>,
    /// Per-node answers: name -> vertex -> value text.
    answers: BTreeMap<String, BTreeMap<u64, String>>,
    /// Whole-graph answers: name -> value text.
    totals: BTreeMap<String, String>,
    /// `reduction` lines.
    reduction: Vec<(u64, u64)>,
}

impl Fixture {
    fn view(&self) -> View {
        View::new().direction(if self.directed {
            Direction::Out
        } else {
            Direction::Both
        })
    }

    fn read(&self) -> ReadTxn {
        self.graph.begin_read().expect("read")
    }

    fn answer(&self, what: &str) -> impl Iterator<Item = (NodeId, &str)> {
        self.answers
            .get(what)
            .into_iter()
            .flatten()
            .map(|(&v, x)| (self.nodes[v as usize], x.as_str()))
    }

    fn vertex(&self, node: NodeId) -> u64 {
        self.nodes
            .iter()
            .position(|&n| n == node)
            .expect("a fixture node") as u64
    }
}

fn fixtures() -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

fn load(path: &std::path::Path) -> Fixture {
    let text = std::fs::read_to_string(path).expect("fixture");
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let mut fixture = Fixture {
        name: path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned(),
        graph: Graph::in_memory().expect("placeholder"),
        nodes: Vec::new(),
        directed: true,
        edges: Vec::new(),
        answers: BTreeMap::new(),
        totals: BTreeMap::new(),
        reduction: Vec::new(),
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields[..] {
            ["directed", d] => fixture.directed = d == "true",
            ["nodes", n] => {
                for i in 0..n.parse::<u64>().expect("count") {
                    let id = txn.add_node("v", &i.to_string(), b"").expect("node");
                    fixture.nodes.push(id);
                }
            }
            ["edge", u, v, w] => {
                let (u, v): (u64, u64) = (u.parse().expect("u"), v.parse().expect("v"));
                let w: f64 = w.parse().expect("weight");
                txn.add_edge(
                    fixture.nodes[u as usize],
                    fixture.nodes[v as usize],
                    "e",
                    &w.to_le_bytes(),
                )
                .expect("edge");
                fixture.edges.push((u, v));
            }
            ["reduction", u, v] => fixture
                .reduction
                .push((u.parse().expect("u"), v.parse().expect("v"))),
            [what, total] => {
                fixture.totals.insert(what.to_owned(), total.to_owned());
            }
            [what, v, x] => {
                fixture
                    .answers
                    .entry(what.to_owned())
                    .or_default()
                    .insert(v.parse().expect("vertex"), x.to_owned());
            }
            _ => panic!("{}: bad line {line:?}", path.display()),
        }
    }
    txn.commit().expect("commit");
    fixture.graph = graph;
    fixture
}

fn weight_of(read: &ReadTxn) -> impl FnMut(NodeId, &graph::Neighbor) -> algo::Result<f64> + '_ {
    |_, edge| {
        let data = read.edge(edge.edge)?.expect("edge").data()?.into_owned();
        Ok(f64::from_le_bytes(data.try_into().expect("8 bytes")))
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn scc_partitions_match_networkx() {
    for f in fixtures().iter().filter(|f| f.directed) {
        let read = f.read();
        let components = algo::scc(&read, &f.view(), &mut Control::new()).expect("scc");
        let mut by_component: BTreeMap<u64, u64> = BTreeMap::new();
        for (node, &c) in components.component.iter() {
            let v = f.vertex(node);
            let low = by_component.entry(c).or_insert(v);
            *low = (*low).min(v);
        }
        assert_eq!(components.count as usize, by_component.len(), "{}", f.name);
        for (node, want) in f.answer("scc") {
            let c = components.component.get(node).expect("component");
            assert_eq!(by_component[c].to_string(), want, "{}: node {node}", f.name);
        }
    }
}

#[test]
fn condensation_edges_go_forward_and_cover_every_crossing_edge() {
    for f in fixtures().iter().filter(|f| f.directed) {
        let read = f.read();
        let components = algo::scc(&read, &f.view(), &mut Control::new()).expect("scc");
        let dag = algo::condensation(&read, &f.view(), &components, &mut Control::new())
            .expect("condensation");
        assert!(dag.iter().all(|&(a, b)| a < b), "{}", f.name);
        for &(u, v) in &f.edges {
            let (cu, cv) = (
                components.component.get(f.nodes[u as usize]).expect("c"),
                components.component.get(f.nodes[v as usize]).expect("c"),
            );
            assert!(
                cu == cv || dag.binary_search(&(*cu, *cv)).is_ok(),
                "{}",
                f.name
            );
        }
    }
}

#[test]
fn topological_sort_orders_dags_and_reports_a_real_cycle_otherwise() {
    for f in fixtures().iter().filter(|f| f.directed) {
        let read = f.read();
        match algo::topological_sort(&read, &f.view(), &mut Control::new()) {
            Ok(order) => {
                assert_eq!(order.len(), f.nodes.len(), "{}", f.name);
                let place: BTreeMap<u64, usize> = order
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| (f.vertex(n), i))
                    .collect();
                assert!(
                    f.edges.iter().all(|(u, v)| place[u] < place[v]),
                    "{}",
                    f.name
                );
                assert!(!f.reduction.is_empty(), "{}: networkx saw a cycle", f.name);
            }
            Err(algo::Error::Cycle { cycle }) => {
                assert!(!cycle.is_empty(), "{}", f.name);
                for (i, &a) in cycle.iter().enumerate() {
                    let b = cycle[(i + 1) % cycle.len()];
                    let edge = (f.vertex(a), f.vertex(b));
                    assert!(
                        f.edges.contains(&edge),
                        "{}: {edge:?} is not an edge",
                        f.name
                    );
                }
            }
            Err(e) => panic!("{}: {e}", f.name),
        }
    }
}

#[test]
fn transitive_reduction_matches_networkx() {
    for f in fixtures().iter().filter(|f| !f.reduction.is_empty()) {
        let read = f.read();
        let kept =
            algo::transitive_reduction(&read, &f.view(), &mut Control::new()).expect("reduction");
        let kept: Vec<(u64, u64)> = kept
            .iter()
            .map(|&(u, v)| (f.vertex(u), f.vertex(v)))
            .collect();
        assert_eq!(kept, f.reduction, "{}", f.name);
    }
}

#[test]
fn dominators_match_networkx() {
    for f in fixtures().iter().filter(|f| f.directed) {
        let read = f.read();
        let entry = f.nodes[0];
        let idom =
            algo::dominators(&read, &f.view(), entry, &mut Control::new()).expect("dominators");
        assert_eq!(idom.get(entry), Some(&entry), "{}", f.name);
        let want: BTreeMap<NodeId, &str> = f.answer("dominator").collect();
        assert_eq!(idom.len(), want.len() + 1, "{}", f.name);
        for (node, want) in want {
            let got = idom.get(node).expect("a dominator");
            assert_eq!(f.vertex(*got).to_string(), want, "{}: node {node}", f.name);
        }
    }
}

#[test]
fn personalized_pagerank_matches_networkx() {
    for f in fixtures().iter().filter(|f| f.directed) {
        let read = f.read();
        let params = PageRankParams {
            damping: 0.85,
            iterations: 300,
        };
        let ranks = algo::personalized_pagerank(
            &read,
            &f.view(),
            &[f.nodes[0]],
            &params,
            &mut Control::new(),
        )
        .expect("ppr");
        for (node, want) in f.answer("ppr") {
            let (got, want): (f64, f64) =
                (*ranks.get(node).expect("rank"), want.parse().expect("x"));
            assert!(
                (got - want).abs() < 1e-10,
                "{}: node {node}: {got} vs {want}",
                f.name
            );
        }
    }
}

#[test]
fn core_numbers_and_triangles_match_networkx() {
    for f in fixtures().iter().filter(|f| !f.directed) {
        let read = f.read();
        let cores = algo::k_core(&read, &f.view(), &mut Control::new()).expect("k-core");
        for (node, want) in f.answer("core") {
            assert_eq!(
                cores.get(node).expect("core").to_string(),
                want,
                "{}: {node}",
                f.name
            );
        }
        let triangles = algo::triangles(&read, &f.view(), &mut Control::new()).expect("tri");
        for (node, want) in f.answer("triangles") {
            assert_eq!(
                triangles.get(node).expect("t").to_string(),
                want,
                "{}: {node}",
                f.name
            );
        }
        let per_node: u64 = f
            .answer("triangles")
            .map(|(_, t)| t.parse::<u64>().expect("t"))
            .sum();
        assert_eq!(
            algo::total_triangles(&triangles),
            per_node / 3,
            "{}",
            f.name
        );
    }
}

#[test]
fn closeness_and_betweenness_match_networkx() {
    for f in fixtures() {
        let read = f.read();
        let closeness =
            algo::closeness_centrality(&read, &f.view(), &mut Control::new()).expect("closeness");
        for (node, want) in f.answer("closeness") {
            let got = *closeness.get(node).expect("c");
            assert!(
                close(got, want.parse().expect("c")),
                "{}: {node}: {got} vs {want}",
                f.name
            );
        }
        let betweenness =
            algo::betweenness_centrality(&read, &f.view(), Sources::All, &mut Control::new())
                .expect("betweenness");
        for (node, want) in f.answer("betweenness") {
            let got = *betweenness.get(node).expect("b");
            assert!(
                close(got, want.parse().expect("b")),
                "{}: {node}: {got} vs {want}",
                f.name
            );
        }
    }
}

#[test]
fn sampled_betweenness_with_every_source_is_exact_and_seeded() {
    for f in fixtures() {
        let read = f.read();
        let n = f.nodes.len() as u64;
        let exact =
            algo::betweenness_centrality(&read, &f.view(), Sources::All, &mut Control::new())
                .expect("exact");
        let all = Sources::Sample { k: n, seed: 7 };
        let sampled = algo::betweenness_centrality(&read, &f.view(), all, &mut Control::new())
            .expect("sampled");
        for (node, &b) in exact.iter() {
            assert!(
                close(b, *sampled.get(node).expect("b")),
                "{}: {node}",
                f.name
            );
        }
        let some = Sources::Sample { k: n / 3, seed: 7 };
        let once = algo::betweenness_centrality(&read, &f.view(), some, &mut Control::new())
            .expect("sampled");
        let again = algo::betweenness_centrality(&read, &f.view(), some, &mut Control::new())
            .expect("sampled");
        assert_eq!(once, again, "{}", f.name);
    }
}

#[test]
fn minimum_spanning_forest_weight_matches_networkx() {
    for f in fixtures().iter().filter(|f| !f.directed) {
        let read = f.read();
        let forest =
            algo::minimum_spanning_forest(&read, &f.view(), weight_of(&read), &mut Control::new())
                .expect("msf");
        let want: f64 = f.totals["msf_weight"].parse().expect("w");
        assert!(
            close(forest.weight, want),
            "{}: {} vs {want}",
            f.name,
            forest.weight
        );
        let components = algo::wcc(&read, &f.view(), &mut Control::new()).expect("wcc");
        let mut roots: Vec<NodeId> = components.iter().map(|(_, &r)| r).collect();
        roots.sort_unstable();
        roots.dedup();
        assert_eq!(
            forest.edges.len(),
            f.nodes.len() - roots.len(),
            "{}",
            f.name
        );
    }
}

#[test]
fn louvain_modularity_is_close_to_networkx_and_consistent() {
    for f in fixtures().iter().filter(|f| !f.directed) {
        let read = f.read();
        let found = algo::louvain(&read, &f.view(), 1, &mut Control::new()).expect("louvain");
        let want: f64 = f.totals["louvain_modularity"].parse().expect("q");
        assert!(
            found.modularity >= want * 0.97,
            "{}: modularity {} vs networkx {want}",
            f.name,
            found.modularity
        );
        // The reported modularity is that of the reported communities.
        let mut inside = BTreeMap::new();
        let mut total = BTreeMap::new();
        for &(u, v) in &f.edges {
            let (cu, cv) = (
                found.community.get(f.nodes[u as usize]).expect("c"),
                found.community.get(f.nodes[v as usize]).expect("c"),
            );
            *total.entry(*cu).or_insert(0.0) += 1.0;
            *total.entry(*cv).or_insert(0.0) += 1.0;
            if cu == cv {
                *inside.entry(*cu).or_insert(0.0) += 2.0;
            }
        }
        let two_m = 2.0 * f.edges.len() as f64;
        let q: f64 = total
            .iter()
            .map(|(c, k)| inside.get(c).unwrap_or(&0.0) / two_m - (k / two_m).powi(2))
            .sum();
        assert!(
            close(q, found.modularity),
            "{}: {q} vs {}",
            f.name,
            found.modularity
        );
        let again = algo::louvain(&read, &f.view(), 1, &mut Control::new()).expect("louvain");
        assert_eq!(found, again, "{}: same seed, same communities", f.name);
    }
}
