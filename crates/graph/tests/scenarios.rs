//! The predecessor's failing scenarios: each writes through the public API, closes, reopens,
//! runs `check()`, and verifies every node's kind, name and data and every node's out- and
//! in-list against what was written. `MMGRAPH_SCENARIO_SCALE=100` runs them at 100 times the
//! node and edge counts (see docs/testing.md).

use graph::sample::{KINDS, SampleGraph as Spec};
use graph::{Graph, GraphRead};

/// The scale factor of the scenarios: 1 by default, 100 for the long run.
fn scale() -> u64 {
    std::env::var("MMGRAPH_SCENARIO_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Asserts that `graph` holds exactly `spec`.
fn verify(spec: &Spec, graph: &Graph) {
    let read = graph.begin_read().expect("read");
    let mismatches = spec.verify(&read).expect("verify");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

fn run(name: &str, spec: &Spec) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("{name}.mmg"));
    let started = std::time::Instant::now();
    {
        let graph = Graph::open(&path).expect("open");
        spec.write(&graph, 1_000_000).expect("write");
    }
    let written = started.elapsed();
    let graph = Graph::open(&path).expect("reopen");
    let report = graph.check().expect("check");
    assert!(report.is_clean(), "{name}: {:?}", report.problems);
    verify(spec, &graph);
    let size = std::fs::metadata(&path).expect("file").len();
    eprintln!(
        "scenario {name}: {} nodes, {} edges: written in {written:.1?}, verified by {:.1?}, file {:.1} MiB, {} pages reached",
        spec.nodes,
        spec.edges.len(),
        started.elapsed(),
        size as f64 / (1 << 20) as f64,
        report.pages
    );
}

#[test]
fn a_ten_thousand_nodes() {
    run("A", &Spec::new(10_000 * scale(), 0, false, 1));
}

#[test]
fn b_ten_thousand_nodes_and_fifty_thousand_edges() {
    run(
        "B",
        &Spec::new(10_000 * scale(), 50_000 * scale(), false, 2),
    );
}

#[test]
fn c_ten_thousand_nodes_of_twenty_two_kinds() {
    let spec = Spec::new(10_000 * scale(), 0, true, 3);
    run("C", &spec);
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = Graph::open(dir.path().join("C2.mmg")).expect("open");
    spec.write(&graph, 2_500).expect("write");
    verify(&spec, &graph);
    let read = graph.begin_read().expect("read");
    for (k, kind) in KINDS.iter().enumerate() {
        let expected = (0..spec.nodes)
            .filter(|i| i % KINDS.len() as u64 == k as u64)
            .count() as u64;
        assert_eq!(
            read.count_by_kind(kind).expect("count"),
            expected,
            "kind {kind}"
        );
    }
    let prefixed: Vec<u64> = read
        .nodes_by_name_prefix("process_data_")
        .map(|id| id.expect("id").0)
        .collect();
    assert_eq!(prefixed.len() as u64, spec.nodes.div_ceil(3));
    assert!(prefixed.iter().all(|i| i % 3 == 0));
    let exact: Vec<_> = read
        .nodes_by_name("process_data_3")
        .collect::<Result<_, _>>()
        .expect("ids");
    assert_eq!(exact, vec![graph::NodeId(3)]);
}

#[test]
fn d_mixed_kinds_with_fifty_thousand_edges() {
    run("D", &Spec::new(10_000 * scale(), 50_000 * scale(), true, 4));
}

#[test]
fn e_a_hundred_thousand_nodes_and_a_million_edges() {
    run(
        "E",
        &Spec::new(100_000 * scale(), 1_000_000 * scale(), false, 5),
    );
}
