//! `add_edges` gives the same graph as `add_edge` one by one: on random edges with hubs (lists
//! that pass the hub threshold within one batch and across batches), onto lists that already
//! exist, with self-loops, in several batches; and, as a proptest, the same edge records (ends,
//! type, data), the same lists in the same order, and a clean `check`.

use graph::{Direction, Graph, GraphRead, NewEdge, NodeId};
use proptest::prelude::*;

fn lists(graph: &Graph, nodes: u64) -> Vec<Vec<(u64, u64, u32)>> {
    let read = graph.begin_read().expect("read");
    let mut out = Vec::new();
    for i in 0..nodes {
        for direction in [Direction::Out, Direction::In] {
            let mut list: Vec<(u64, u64, u32)> = read
                .neighbors(NodeId(i), direction, None)
                .expect("list")
                .map(|n| n.map(|n| (n.node.0, n.edge.0, n.edge_type)).expect("entry"))
                .collect();
            list.sort_unstable();
            out.push(list);
        }
    }
    out
}

#[test]
fn bulk_and_single_inserts_build_the_same_lists() {
    let nodes = 300u64;
    let mut rng = fastrand::Rng::with_seed(7);
    // Node 0 is a hub: a third of all edges start there.
    let edges: Vec<(u64, u64, &str)> = (0..6_000)
        .map(|i| {
            let from = if i % 3 == 0 { 0 } else { rng.u64(0..nodes) };
            (from, rng.u64(0..nodes), ["a", "b", "c"][rng.usize(0..3)])
        })
        .collect();
    let single = Graph::in_memory().expect("graph");
    let bulk = Graph::in_memory().expect("graph");
    for graph in [&single, &bulk] {
        let mut txn = graph.begin_write().expect("write");
        for i in 0..nodes {
            txn.add_node("k", &format!("n{i}"), b"").expect("node");
        }
        txn.commit().expect("commit");
    }
    let mut txn = single.begin_write().expect("write");
    for &(from, to, t) in &edges {
        txn.add_edge(NodeId(from), NodeId(to), t, b"")
            .expect("edge");
    }
    txn.commit().expect("commit");
    for chunk in edges.chunks(1_700) {
        let mut txn = bulk.begin_write().expect("write");
        let batch = chunk.iter().map(|&(from, to, edge_type)| NewEdge {
            from: NodeId(from),
            to: NodeId(to),
            edge_type,
            data: b"",
        });
        txn.add_edges(batch).expect("edges");
        txn.commit().expect("commit");
    }
    assert_eq!(lists(&bulk, nodes), lists(&single, nodes));
    assert!(
        bulk.begin_read()
            .expect("read")
            .degree(NodeId(0), Direction::Out)
            .expect("degree")
            > 1_900
    );
    let report = bulk.check().expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn a_missing_endpoint_is_an_error() {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let a = txn.add_node("k", "a", b"").expect("node");
    let batch = [
        NewEdge {
            from: a,
            to: a,
            edge_type: "t",
            data: b"",
        },
        NewEdge {
            from: a,
            to: NodeId(9),
            edge_type: "t",
            data: b"",
        },
    ];
    assert!(matches!(
        txn.add_edges(batch),
        Err(graph::Error::NodeNotFound(NodeId(9)))
    ));
}

#[test]
fn a_batch_of_more_types_than_add_edges_keeps_at_hand_types_every_edge_right() {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let a = txn.add_node("k", "a", b"").expect("node");
    let b = txn.add_node("k", "b", b"").expect("node");
    // 20 types, in an order that revisits old ones after newer ones pushed them out.
    let types: Vec<String> = (0..400).map(|i| format!("t{}", (i * 7) % 20)).collect();
    let ids = txn
        .add_edges(types.iter().map(|t| NewEdge {
            from: a,
            to: b,
            edge_type: t,
            data: b"",
        }))
        .expect("edges");
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    for (id, expected) in ids.iter().zip(&types) {
        let edge = read.edge(*id).expect("edge").expect("live");
        assert_eq!(edge.edge_type().expect("type"), expected.as_str());
    }
    assert_eq!(read.edge_types().expect("types").len(), 20);
}

/// An edge for the proptest: (from, to, type index, data).
type Edge = (u64, u64, usize, Vec<u8>);

/// A list as (neighbour, edge, type id) entries.
type List = Vec<(u64, u64, u32)>;

const TYPES: [&str; 5] = ["a", "b", "c", "d", "e"];

/// Every edge record, and every list in storage order (a list's order is part of what
/// `add_edges` promises: the order `add_edge` of each gives).
fn records_and_lists(graph: &Graph, nodes: u64) -> (Vec<Edge>, Vec<List>) {
    let read = graph.begin_read().expect("read");
    let records = (0..read.edge_count())
        .map(|id| {
            let e = read.edge(graph::EdgeId(id)).expect("edge").expect("live");
            let t = e.edge_type().expect("type");
            let index = TYPES
                .iter()
                .position(|name| *name == t)
                .expect("a known type");
            (
                e.from().0,
                e.to().0,
                index,
                e.data().expect("data").into_owned(),
            )
        })
        .collect();
    let lists = (0..nodes)
        .flat_map(|i| [(i, Direction::Out), (i, Direction::In)])
        .map(|(i, direction)| {
            read.neighbors(NodeId(i), direction, None)
                .expect("list")
                .map(|n| n.map(|n| (n.node.0, n.edge.0, n.edge_type)).expect("entry"))
                .collect()
        })
        .collect();
    (records, lists)
}

fn graph_with_nodes(nodes: u64) -> Graph {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    for i in 0..nodes {
        txn.add_node("k", &format!("n{i}"), b"").expect("node");
    }
    txn.commit().expect("commit");
    graph
}

fn batches() -> impl Strategy<Value = Vec<Vec<Edge>>> {
    let edge = (
        0u64..600,
        0u64..600,
        0usize..TYPES.len(),
        any::<bool>(),
        0u8..8,
    )
        .prop_map(|(from, to, t, hub, data)| {
            // A quarter of the edges leave node 7 (a hub once a batch is long); one in eight
            // carries data.
            let from = if hub && from % 2 == 0 { 7 } else { from };
            let data = if data == 0 {
                vec![data, t as u8, 1]
            } else {
                Vec::new()
            };
            (from, to, t, data)
        });
    proptest::collection::vec(proptest::collection::vec(edge, 0..900), 1..4)
}

proptest! {
    #[test]
    fn add_edges_stores_the_records_and_lists_that_add_edge_of_each_stores(batches in batches()) {
        let nodes = 600;
        let (single, bulk) = (graph_with_nodes(nodes), graph_with_nodes(nodes));
        for batch in &batches {
            let mut txn = single.begin_write().expect("write");
            for (from, to, t, data) in batch {
                txn.add_edge(NodeId(*from), NodeId(*to), TYPES[*t], data).expect("edge");
            }
            txn.commit().expect("commit");
            let mut txn = bulk.begin_write().expect("write");
            let first = txn.edge_count();
            let ids = txn
                .add_edges(batch.iter().map(|(from, to, t, data)| NewEdge {
                    from: NodeId(*from),
                    to: NodeId(*to),
                    edge_type: TYPES[*t],
                    data,
                }))
                .expect("edges");
            let expected: Vec<graph::EdgeId> =
                (first..first + batch.len() as u64).map(graph::EdgeId).collect();
            prop_assert_eq!(ids, expected);
            txn.commit().expect("commit");
            prop_assert_eq!(records_and_lists(&bulk, nodes), records_and_lists(&single, nodes));
        }
        let report = bulk.check().expect("check");
        prop_assert!(report.is_clean(), "{:?}", report.problems);
    }
}
