//! Vector indexes through the graph: bad input refused with nothing written, snapshots,
//! node deletes, drop and list, and filtered search (by kind, by hops) with high recall.
#![allow(clippy::unwrap_used, reason = "a test stops at its first error")]

use graph::{
    Direction, Error, Graph, GraphRead, Metric, NodeId, VectorError, VectorFilter, VectorHit,
    VectorIndexSpec,
};

fn spec(dim: usize, metric: Metric) -> VectorIndexSpec {
    VectorIndexSpec::new(dim, metric)
}

#[test]
fn bad_vectors_are_clear_errors_and_write_nothing() {
    let graph = Graph::in_memory().unwrap();
    let mut txn = graph.begin_write().unwrap();
    txn.create_vector_index("cos", spec(3, Metric::Cosine))
        .unwrap();
    let a = txn.add_node("doc", "a", b"").unwrap();
    txn.set_vector("cos", a, &[1.0, 0.0, 0.0]).unwrap();
    type Case<'a> = (&'a [f32], fn(&Error) -> bool);
    let cases: [Case; 4] = [
        (&[1.0, 2.0], |e| {
            matches!(
                e,
                Error::Vector(VectorError::WrongDimension {
                    expected: 3,
                    got: 2
                })
            )
        }),
        (&[1.0, f32::NAN, 0.0], |e| {
            matches!(e, Error::Vector(VectorError::NotFinite { index: 1 }))
        }),
        (&[f32::NEG_INFINITY, 0.0, 0.0], |e| {
            matches!(e, Error::Vector(VectorError::NotFinite { index: 0 }))
        }),
        (&[0.0, 0.0, 0.0], |e| {
            matches!(e, Error::Vector(VectorError::ZeroVector))
        }),
    ];
    for (vector, expected) in cases {
        let e = txn.set_vector("cos", a, vector).unwrap_err();
        assert!(expected(&e), "{e}");
    }
    assert_eq!(txn.vector("cos", a).unwrap(), Some(vec![1.0, 0.0, 0.0]));
    let e = txn.set_vector("nope", a, &[1.0, 0.0, 0.0]).unwrap_err();
    assert!(
        matches!(e, Error::Vector(VectorError::UnknownIndex(_))),
        "{e}"
    );
    let e = txn
        .vector_search("nope", &[1.0, 0.0, 0.0], 1, 10)
        .unwrap_err();
    assert!(
        matches!(e, Error::Vector(VectorError::UnknownIndex(_))),
        "{e}"
    );
    let e = txn
        .set_vector("cos", NodeId(99), &[1.0, 0.0, 0.0])
        .unwrap_err();
    assert!(matches!(e, Error::NodeNotFound(_)), "{e}");
    let e = txn
        .create_vector_index("cos", spec(3, Metric::L2))
        .unwrap_err();
    assert!(
        matches!(e, Error::Vector(VectorError::IndexExists(_))),
        "{e}"
    );
    let e = txn
        .create_vector_index("big", spec(4097, Metric::L2))
        .unwrap_err();
    assert!(
        matches!(e, Error::Vector(VectorError::InvalidParameter { .. })),
        "{e}"
    );
    txn.commit().unwrap();
    assert!(graph.check().unwrap().is_clean());
}

#[test]
fn readers_see_their_snapshot_and_aborts_leave_no_trace() {
    let graph = Graph::in_memory().unwrap();
    let mut txn = graph.begin_write().unwrap();
    txn.create_vector_index("v", spec(2, Metric::L2)).unwrap();
    let a = txn.add_node("doc", "a", b"").unwrap();
    txn.set_vector("v", a, &[1.0, 1.0]).unwrap();
    txn.commit().unwrap();

    let before = graph.begin_read().unwrap();
    let mut txn = graph.begin_write().unwrap();
    txn.set_vector("v", a, &[5.0, 5.0]).unwrap();
    let b = txn.add_node("doc", "b", b"").unwrap();
    txn.set_vector("v", b, &[0.0, 0.0]).unwrap();
    assert_eq!(
        txn.vector_search_exact("v", &[0.0, 0.0], 5).unwrap().len(),
        2
    );
    txn.abort();
    let read = graph.begin_read().unwrap();
    assert_eq!(read.vector("v", a).unwrap(), Some(vec![1.0, 1.0]));
    assert_eq!(
        read.vector_search_exact("v", &[0.0, 0.0], 5).unwrap().len(),
        1
    );

    let mut txn = graph.begin_write().unwrap();
    txn.set_vector("v", a, &[5.0, 5.0]).unwrap();
    txn.commit().unwrap();
    assert_eq!(before.vector("v", a).unwrap(), Some(vec![1.0, 1.0]));
    assert_eq!(
        graph.begin_read().unwrap().vector("v", a).unwrap(),
        Some(vec![5.0, 5.0])
    );
}

#[test]
fn deleting_a_node_deletes_its_vectors_and_dropping_an_index_frees_it() {
    let graph = Graph::in_memory().unwrap();
    let mut txn = graph.begin_write().unwrap();
    txn.create_vector_index("a", spec(2, Metric::L2)).unwrap();
    txn.create_vector_index("b", spec(2, Metric::InnerProduct))
        .unwrap();
    let nodes: Vec<NodeId> = (0..50)
        .map(|i| txn.add_node("doc", &format!("n{i}"), b"").unwrap())
        .collect();
    for (i, &n) in nodes.iter().enumerate() {
        txn.set_vector("a", n, &[i as f32, 1.0]).unwrap();
        txn.set_vector("b", n, &[1.0, i as f32]).unwrap();
    }
    txn.commit().unwrap();
    let mut txn = graph.begin_write().unwrap();
    txn.delete_node(nodes[7]).unwrap();
    txn.commit().unwrap();
    let read = graph.begin_read().unwrap();
    assert_eq!(read.vector("a", nodes[7]).unwrap(), None);
    assert_eq!(read.vector("b", nodes[7]).unwrap(), None);
    let names: Vec<(String, u64)> = read
        .vector_indexes()
        .unwrap()
        .into_iter()
        .map(|i| (i.name, i.len))
        .collect();
    assert_eq!(names, [("a".to_owned(), 49), ("b".to_owned(), 49)]);
    assert!(graph.check().unwrap().is_clean());

    let mut txn = graph.begin_write().unwrap();
    assert!(txn.drop_vector_index("a").unwrap());
    assert!(!txn.drop_vector_index("a").unwrap());
    txn.commit().unwrap();
    let report = graph.check().unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(
        graph.begin_read().unwrap().vector_indexes().unwrap().len(),
        1
    );
}

/// Points around `clusters` centres in `dim` dimensions, from a fixed seed.
fn clustered(n: usize, dim: usize, clusters: usize, rng: &mut fastrand::Rng) -> Vec<Vec<f32>> {
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| (0..dim).map(|_| rng.f32() * 2.0 - 1.0).collect())
        .collect();
    (0..n)
        .map(|_| {
            let c = &centres[rng.usize(..clusters)];
            c.iter().map(|x| x + (rng.f32() - 0.5) * 0.4).collect()
        })
        .collect()
}

fn recall(found: &[VectorHit], truth: &[VectorHit]) -> f64 {
    let hit = truth
        .iter()
        .filter(|t| found.iter().any(|f| f.node == t.node))
        .count();
    hit as f64 / truth.len().max(1) as f64
}

#[test]
fn filtered_search_finds_the_true_nearest_at_ten_and_one_percent() {
    const N: usize = 4000;
    let mut rng = fastrand::Rng::with_seed(11);
    let mut data = clustered(N + 40, 8, 12, &mut rng);
    let queries = data.split_off(N);
    let graph = Graph::in_memory().unwrap();
    let mut txn = graph.begin_write().unwrap();
    let index_spec = VectorIndexSpec {
        m: 12,
        ef_construction: 100,
        ..spec(8, Metric::L2)
    };
    txn.create_vector_index("v", index_spec).unwrap();
    let hub = txn.add_node("hub", "hub", b"").unwrap();
    let mut nodes = Vec::new();
    for (i, v) in data.iter().enumerate() {
        let kind = match i % 100 {
            0 => "rare",
            1..=10 => "tenth",
            _ => "other",
        };
        let n = txn.add_node(kind, "x", b"").unwrap();
        txn.set_vector("v", n, v).unwrap();
        nodes.push(n);
        if i % 10 == 3 {
            txn.add_edge(hub, n, if i % 100 == 3 { "rare" } else { "near" }, b"")
                .unwrap();
        }
    }
    txn.commit().unwrap();
    let read = graph.begin_read().unwrap();
    let filters = [
        VectorFilter::Kind("tenth"),
        VectorFilter::Kind("rare"),
        VectorFilter::Near {
            start: hub,
            hops: 1,
            direction: Direction::Out,
            edge_type: None,
        },
        VectorFilter::Near {
            start: hub,
            hops: 2,
            direction: Direction::Out,
            edge_type: Some("rare"),
        },
    ];
    for filter in filters {
        let allowed: Vec<NodeId> = match filter {
            VectorFilter::Kind(kind) => read
                .nodes_by_kind(kind)
                .unwrap()
                .map(|n| n.unwrap())
                .collect(),
            VectorFilter::Near { edge_type, .. } => read
                .neighbors(hub, Direction::Out, edge_type)
                .unwrap()
                .map(|n| n.unwrap().node)
                .collect(),
        };
        assert!(!allowed.is_empty());
        let mut total = 0.0;
        for q in &queries {
            let found = read
                .vector_search_filtered("v", q, 10, 64, &filter)
                .unwrap();
            assert!(
                found.iter().all(|h| allowed.contains(&h.node)),
                "{filter:?}"
            );
            let mut truth: Vec<VectorHit> = allowed
                .iter()
                .map(|&n| {
                    let v = read.vector("v", n).unwrap().unwrap();
                    VectorHit {
                        node: n,
                        distance: Metric::L2.distance(q, &v),
                    }
                })
                .collect();
            truth.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.node.cmp(&b.node)));
            truth.truncate(10);
            total += recall(&found, &truth);
        }
        let mean = total / queries.len() as f64;
        assert!(mean >= 0.95, "{filter:?}: recall@10 {mean}");
    }
}

#[test]
fn a_steady_replace_workload_reuses_pages() {
    let graph = Graph::in_memory().unwrap();
    let mut txn = graph.begin_write().unwrap();
    let index_spec = VectorIndexSpec {
        m: 8,
        ef_construction: 32,
        ..spec(16, Metric::Cosine)
    };
    txn.create_vector_index("v", index_spec).unwrap();
    let nodes: Vec<NodeId> = (0..400)
        .map(|_| txn.add_node("doc", "d", b"").unwrap())
        .collect();
    txn.commit().unwrap();
    let mut rng = fastrand::Rng::with_seed(5);
    let mut pages = Vec::new();
    for _round in 0..12 {
        for chunk in nodes.chunks(100) {
            let mut txn = graph.begin_write().unwrap();
            for &n in chunk {
                let v: Vec<f32> = (0..16).map(|_| rng.f32() - 0.5).collect();
                txn.set_vector("v", n, &v).unwrap();
            }
            txn.commit().unwrap();
        }
        pages.push(graph.stats().unwrap().page_count);
    }
    // After the first rounds fill the index, replacing every vector again must not grow the
    // file: freed pages are reused.
    assert!(
        pages[11] <= pages[3] + pages[3] / 10,
        "pages per round: {pages:?}"
    );
    assert!(graph.check().unwrap().is_clean());
}
