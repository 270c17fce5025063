//! Weighted shortest paths against the LDBC Graphalytics SSSP validation graphs
//! (`../shared/data/graphalytics/`, relative to the repository root; see its README): the
//! single-source costs from the suite's source vertex match the reference output within the
//! suite's 1e-4 relative tolerance, unreachable vertices (`Infinity`) are not reached, and the
//! point-to-point Dijkstra and A* paths cost the same. Undirected graphs list each edge once and
//! are walked in both directions. Without the data the test says it was skipped; under
//! `CI=true` missing data fails it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use graph::{Follow, Graph, GraphRead, Neighbor, NodeId, ReadTxn};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/graphalytics");
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!("{} is missing", dir.display());
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and the Graphalytics fixtures are required: {why}"
    );
    eprintln!("skipped: the Graphalytics SSSP fixtures are not there ({why})");
    None
}

/// The graph of `stem.v` and `stem.e`: one node per vertex, named by its id, and one `road`
/// edge per line whose data is its weight as text. Returns it with the nodes by vertex id.
fn load(stem: &Path) -> (Graph, BTreeMap<u64, NodeId>) {
    let read = |ext: &str| {
        let path = stem.with_extension(ext);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let mut nodes = BTreeMap::new();
    for line in read("v").lines().filter(|l| !l.trim().is_empty()) {
        let id: u64 = line.trim().parse().expect("a vertex id");
        nodes.insert(id, txn.add_node("vertex", line.trim(), b"").expect("node"));
    }
    for line in read("e").lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [src, dst, weight] = fields[..] else {
            panic!("an edge line of three fields: {line:?}")
        };
        let end = |v: &str| nodes[&v.parse::<u64>().expect("a vertex id")];
        txn.add_edge(end(src), end(dst), "road", weight.as_bytes())
            .expect("edge");
    }
    txn.commit().expect("commit");
    (graph, nodes)
}

/// The weight of an edge: its data, parsed as a number.
fn weight_of(read: &ReadTxn) -> impl FnMut(Neighbor) -> graph::Result<f64> + '_ {
    |hop| {
        let edge = read
            .edge(hop.edge)?
            .ok_or(graph::Error::EdgeNotFound(hop.edge))?;
        let data = edge.data()?;
        Ok(std::str::from_utf8(&data)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(f64::NAN))
    }
}

/// The reference output: each vertex's cost, `None` for `Infinity`.
fn expected(path: &Path) -> BTreeMap<u64, Option<f64>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (id, cost) = line.split_once(' ').expect("`id cost`");
            let cost: f64 = cost.trim().parse().expect("a cost");
            (
                id.parse().expect("a vertex id"),
                cost.is_finite().then_some(cost),
            )
        })
        .collect()
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-4 * want.abs().max(1e-12)
}

/// Checks the graph `stem` from `source` against the output file `output`.
fn check(stem: &Path, output: &Path, source: u64, follow: Follow) {
    let (graph, nodes) = load(stem);
    let read = graph.begin_read().expect("read");
    let from = nodes[&source];
    let costs: BTreeMap<NodeId, f64> = read
        .distances(from, follow.clone(), weight_of(&read))
        .expect("distances")
        .into_iter()
        .collect();
    let want = expected(output);
    assert_eq!(want.len(), nodes.len(), "{}", output.display());
    for (vertex, cost) in want {
        let node = nodes[&vertex];
        let got = costs.get(&node).copied();
        match (got, cost) {
            (None, None) => {}
            (Some(got), Some(want)) => assert!(
                close(got, want),
                "{}: vertex {vertex} costs {got}, expected {want}",
                output.display()
            ),
            _ => panic!(
                "{}: vertex {vertex}: {got:?}, expected {cost:?}",
                output.display()
            ),
        }
        let path = read
            .dijkstra(from, node, follow.clone(), weight_of(&read))
            .expect("dijkstra");
        assert_eq!(path.as_ref().map(|p| p.cost), got, "vertex {vertex}");
        let guided = read
            .astar(from, node, follow.clone(), weight_of(&read), |_| Ok(0.0))
            .expect("astar");
        assert_eq!(guided.map(|p| p.cost), got, "vertex {vertex}");
    }
}

#[test]
fn dijkstra_matches_the_graphalytics_sssp_outputs() {
    let Some(dir) = data_dir() else { return };
    check(
        &dir.join("sssp/dir-input"),
        &dir.join("sssp/dir-output"),
        1,
        Follow::out(),
    );
    check(
        &dir.join("sssp/undir-input"),
        &dir.join("sssp/undir-output"),
        1,
        Follow::both(),
    );
    check(
        &dir.join("example/example-directed"),
        &dir.join("example/example-directed-SSSP"),
        1,
        Follow::out(),
    );
    check(
        &dir.join("example/example-undirected"),
        &dir.join("example/example-undirected-SSSP"),
        2,
        Follow::both(),
    );
}
