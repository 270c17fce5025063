//! The frame every algorithm shares: views, bad parameters, empty inputs, cancellation,
//! progress, and writing results.

use std::sync::atomic::{AtomicBool, Ordering};

use algo::{Control, Error, PageRankParams, View};
use graph::{Direction, Graph, GraphRead, NodeId};

/// Two kinds, two edge types: a -knows-> b -knows-> c, c -owns-> d (a "thing").
fn small() -> (Graph, [NodeId; 4]) {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let a = txn.add_node("person", "a", b"").expect("node");
    let b = txn.add_node("person", "b", b"").expect("node");
    let c = txn.add_node("person", "c", b"").expect("node");
    let d = txn.add_node("thing", "d", b"").expect("node");
    txn.add_edge(a, b, "knows", b"").expect("edge");
    txn.add_edge(b, c, "knows", b"").expect("edge");
    txn.add_edge(c, d, "owns", b"").expect("edge");
    txn.commit().expect("commit");
    (graph, [a, b, c, d])
}

#[test]
fn unknown_edge_type_or_kind_is_an_error_naming_it() {
    let (graph, _) = small();
    let read = graph.begin_read().expect("read");
    let err = algo::wcc(&read, &View::new().edge_type("likes"), &mut Control::new())
        .expect_err("unknown type");
    assert!(
        matches!(&err, Error::UnknownEdgeType(t) if t == "likes"),
        "{err}"
    );
    assert!(err.to_string().contains("likes"));
    let err = algo::wcc(&read, &View::new().kind("robot"), &mut Control::new())
        .expect_err("unknown kind");
    assert!(
        matches!(&err, Error::UnknownKind(k) if k == "robot"),
        "{err}"
    );
}

#[test]
fn view_keeps_only_its_types_kinds_and_direction() {
    let (graph, [a, b, c, d]) = small();
    let read = graph.begin_read().expect("read");
    let control = &mut Control::new();
    let knows = View::new().edge_type("knows");
    let levels = algo::bfs_levels(&read, &knows, a, control).expect("bfs");
    assert_eq!(
        levels.iter().map(|(n, &l)| (n, l)).collect::<Vec<_>>(),
        [(a, 0), (b, 1), (c, 2)]
    );
    let people = View::new().kind("person");
    let levels = algo::bfs_levels(&read, &people, a, control).expect("bfs");
    assert_eq!(levels.get(d), None);
    assert_eq!(levels.len(), 3);
    let backwards = View::new().direction(Direction::In);
    let levels = algo::bfs_levels(&read, &backwards, d, control).expect("bfs");
    assert_eq!(levels.get(a), Some(&3));
    let err = algo::bfs_levels(&read, &people, d, control).expect_err("d is not a person");
    assert!(matches!(err, Error::NodeNotInView(n) if n == d));
}

#[test]
fn empty_graph_or_view_gives_an_empty_result() {
    let graph = Graph::in_memory().expect("graph");
    let read = graph.begin_read().expect("read");
    let control = &mut Control::new();
    assert!(
        algo::wcc(&read, &View::new(), control)
            .expect("wcc")
            .is_empty()
    );
    let ranks =
        algo::pagerank(&read, &View::new(), &PageRankParams::default(), control).expect("pagerank");
    assert!(ranks.is_empty());
    assert!(
        algo::lcc(&read, &View::new(), control)
            .expect("lcc")
            .is_empty()
    );
    assert!(
        algo::cdlp(&read, &View::new(), 3, control)
            .expect("cdlp")
            .is_empty()
    );
    let (graph, _) = small();
    let mut txn = graph.begin_write().expect("write");
    let lonely = txn.add_node("robot", "r", b"").expect("node");
    txn.delete_node(lonely).expect("delete");
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    // The kind exists but no node has it now: an empty view.
    let robots = View::new().kind("robot");
    assert!(algo::wcc(&read, &robots, control).expect("wcc").is_empty());
}

#[test]
fn bad_parameters_are_errors() {
    let (graph, [a, ..]) = small();
    let read = graph.begin_read().expect("read");
    let control = &mut Control::new();
    for (damping, iterations) in [(0.0, 10), (1.0, 10), (f64::NAN, 10), (-0.5, 10), (0.85, 0)] {
        let params = PageRankParams {
            damping,
            iterations,
        };
        let err = algo::pagerank(&read, &View::new(), &params, control).expect_err("bad");
        assert!(
            matches!(err, Error::InvalidParameter { .. }),
            "{damping} {iterations}: {err}"
        );
    }
    let err = algo::cdlp(&read, &View::new(), 0, control).expect_err("zero iterations");
    assert!(matches!(
        err,
        Error::InvalidParameter {
            name: "iterations",
            ..
        }
    ));
    for bad in [-1.0, f64::NAN] {
        let weight = move |_: NodeId, _: &graph::Neighbor| Ok(bad);
        let err = algo::sssp(&read, &View::new(), a, weight, control).expect_err("bad weight");
        assert!(matches!(err, Error::InvalidWeight { .. }), "{bad}: {err}");
    }
}

#[test]
fn progress_is_reported_each_iteration() {
    let (graph, _) = small();
    let read = graph.begin_read().expect("read");
    let mut seen = Vec::new();
    let params = PageRankParams {
        damping: 0.85,
        iterations: 5,
    };
    {
        let mut control = Control::new().on_progress(|p| {
            if p.stage == "iteration" {
                seen.push((p.done, p.total));
            }
        });
        algo::pagerank(&read, &View::new(), &params, &mut control).expect("pagerank");
    }
    assert_eq!(seen, (0..5).map(|i| (i, 5)).collect::<Vec<_>>());
}

#[test]
fn cancelled_run_returns_cancelled_and_writes_nothing() {
    let (graph, _) = small();
    let read = graph.begin_read().expect("read");
    let flag = AtomicBool::new(false);
    let params = PageRankParams {
        damping: 0.85,
        iterations: 10,
    };
    let mut control = Control::new().cancel_on(&flag).on_progress(|p| {
        if p.stage == "iteration" && p.done == 3 {
            flag.store(true, Ordering::Relaxed);
        }
    });
    let err = algo::pagerank(&read, &View::new(), &params, &mut control).expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled));

    // A write cancelled half-way: the transaction is dropped and the space stays as it was.
    let ranks = algo::pagerank(&read, &View::new(), &params, &mut Control::new()).expect("ranks");
    let stop = AtomicBool::new(true);
    let mut txn = graph.begin_write().expect("write");
    let err = algo::write_values(
        &mut txn,
        "rank",
        &ranks,
        &mut Control::new().cancel_on(&stop),
    )
    .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled));
    drop(txn);
    assert_eq!(
        graph
            .begin_read()
            .expect("read")
            .kv_len("rank")
            .expect("len"),
        0
    );
}

#[test]
fn written_results_are_read_back_by_node_key() {
    let (graph, nodes) = small();
    let read = graph.begin_read().expect("read");
    let labels = algo::wcc(&read, &View::new(), &mut Control::new()).expect("wcc");
    let mut txn = graph.begin_write().expect("write");
    // A key from an older result, which the new one replaces.
    txn.kv_insert("component", &algo::node_key(NodeId(99)), b"old")
        .expect("insert");
    let written =
        algo::write_values(&mut txn, "component", &labels, &mut Control::new()).expect("write");
    txn.commit().expect("commit");
    assert_eq!(written, 4);
    let read = graph.begin_read().expect("read");
    assert_eq!(read.kv_len("component").expect("len"), 4);
    for node in nodes {
        let value = read
            .kv_get("component", &algo::node_key(node))
            .expect("get")
            .expect("a value");
        assert_eq!(value.as_ref(), nodes[0].0.to_le_bytes());
    }
}
