//! Bad requests and failing storage give clear errors, and nothing committed is lost.

use std::sync::Arc;

use graph::testing::{MemStorage, SimFault, SimStorage};
use graph::{EdgeId, Error, Graph, GraphRead, NodeId, Options};

fn committed_pair(graph: &Graph) -> (NodeId, NodeId, EdgeId) {
    let mut txn = graph.begin_write().expect("write");
    let a = txn.add_node("k", "a", b"data a").expect("node");
    let b = txn.add_node("k", "b", b"").expect("node");
    let e = txn.add_edge(a, b, "t", b"").expect("edge");
    txn.commit().expect("commit");
    (a, b, e)
}

#[test]
fn unknown_ids_are_errors_and_the_transaction_goes_on() {
    let graph = Graph::in_memory().expect("open");
    let (a, _, e) = committed_pair(&graph);
    let mut txn = graph.begin_write().expect("write");
    assert!(txn.node(NodeId(99)).expect("read").is_none());
    assert!(matches!(
        txn.update_node(NodeId(99), "k", "x", b""),
        Err(Error::NodeNotFound(NodeId(99)))
    ));
    assert!(matches!(
        txn.set_node_data(NodeId(99), b""),
        Err(Error::NodeNotFound(_))
    ));
    assert!(matches!(
        txn.delete_node(NodeId(99)),
        Err(Error::NodeNotFound(_))
    ));
    assert!(matches!(
        txn.add_edge(a, NodeId(99), "t", b""),
        Err(Error::NodeNotFound(NodeId(99)))
    ));
    assert!(matches!(
        txn.add_edge(NodeId(98), a, "t", b""),
        Err(Error::NodeNotFound(NodeId(98)))
    ));
    assert!(matches!(
        txn.delete_edge(EdgeId(7)),
        Err(Error::EdgeNotFound(EdgeId(7)))
    ));
    assert!(matches!(
        txn.set_edge_data(EdgeId(7), b""),
        Err(Error::EdgeNotFound(_))
    ));
    txn.delete_edge(e).expect("a real edge");
    assert!(matches!(txn.delete_edge(e), Err(Error::EdgeNotFound(_))));
    assert!(matches!(
        txn.bfs(NodeId(99), graph::Direction::Out, None),
        Err(Error::NodeNotFound(_))
    ));
    txn.commit().expect("commit");
    assert!(graph.check().expect("check").is_clean());
}

#[test]
fn an_edge_to_a_deleted_node_is_refused_one_at_a_time_and_in_bulk() {
    let graph = Graph::in_memory().expect("open");
    let (a, b, _) = committed_pair(&graph);
    let mut txn = graph.begin_write().expect("write");
    let c = txn.add_node("k", "c", b"").expect("node");
    // Before any deletion the ends are known from the node count; after one, from the slots.
    txn.add_edge(a, c, "t", b"").expect("every node is live");
    txn.delete_node(b).expect("delete");
    txn.add_edge(c, a, "t", b"")
        .expect("a live pair after a deletion");
    assert!(matches!(
        txn.add_edge(a, b, "t", b""),
        Err(Error::NodeNotFound(n)) if n == b
    ));
    assert!(matches!(
        txn.add_edge(NodeId(3), a, "t", b""),
        Err(Error::NodeNotFound(NodeId(3)))
    ));
    let edge = |from, to| graph::NewEdge {
        from,
        to,
        edge_type: "t",
        data: b"",
    };
    assert!(matches!(
        txn.add_edges([edge(a, c), edge(c, b)]),
        Err(Error::NodeNotFound(n)) if n == b
    ));
    txn.abort();
    let read = graph.begin_read().expect("read");
    assert_eq!(
        read.node_count(),
        2,
        "the aborted transaction changed nothing"
    );
    assert!(graph.check().expect("check").is_clean());
}

#[test]
fn bad_names_kinds_and_types_are_refused() {
    let graph = Graph::in_memory().expect("open");
    let (a, b, _) = committed_pair(&graph);
    let mut txn = graph.begin_write().expect("write");
    let long = "n".repeat(graph::MAX_NAME_LEN + 1);
    assert!(matches!(
        txn.add_node("k", &long, b""),
        Err(Error::InvalidString {
            what: "node name",
            ..
        })
    ));
    assert!(matches!(
        txn.add_node("k", "nul\0inside", b""),
        Err(Error::InvalidString { .. })
    ));
    assert!(matches!(
        txn.add_node("", "x", b""),
        Err(Error::InvalidString { what: "kind", .. })
    ));
    assert!(matches!(
        txn.add_node(&"k".repeat(graph::MAX_LABEL_LEN + 1), "x", b""),
        Err(Error::InvalidString { .. })
    ));
    assert!(matches!(
        txn.add_edge(a, b, "", b""),
        Err(Error::InvalidString {
            what: "edge type",
            ..
        })
    ));
    assert!(matches!(
        txn.update_node(a, "k", &long, b""),
        Err(Error::InvalidString { .. })
    ));
    txn.add_node("k", &"n".repeat(graph::MAX_NAME_LEN), b"")
        .expect("the longest name is fine");
    txn.commit().expect("commit");
    assert!(graph.check().expect("check").is_clean());
}

#[test]
fn a_full_disk_fails_the_commit_and_loses_nothing_committed() {
    let sim = Arc::new(SimStorage::new());
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let graph = Graph::with_storage(Box::new(Arc::clone(&sim)), options.clone()).expect("open");
    let (a, b, _) = committed_pair(&graph);
    sim.inject(SimFault::GrowErrorAfter(0));
    let mut txn = graph.begin_write().expect("write");
    // Well past what the file's growth steps so far leave free (at least 1 MiB).
    for i in 0..20_000 {
        txn.add_node("k", &format!("bulk{i}"), &[1; 100])
            .expect("in memory until commit");
    }
    let err = txn.commit().expect_err("the disk is full");
    assert!(err.to_string().contains("full"), "{err}");
    // Still open for reads, and for writes that fit.
    let read = graph.begin_read().expect("read");
    assert_eq!(read.node_count(), 2);
    drop(read);
    let mut txn = graph
        .begin_write()
        .expect("the writer goes on after a failed growth");
    txn.add_edge(b, a, "t", b"").expect("edge");
    txn.commit().expect("commit");
    drop(graph);
    let reopened = Graph::with_storage(
        Box::new(SimStorage::from_image(&sim.durable_image()).expect("image")),
        options,
    )
    .expect("reopen");
    let read = reopened.begin_read().expect("read");
    assert_eq!((read.node_count(), read.edge_count()), (2, 2));
    assert!(reopened.check().expect("check").is_clean());
}

#[test]
fn a_file_that_is_not_a_graph_is_refused() {
    let storage = Arc::new(MemStorage::new());
    let pager = pager_mmap::Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default())
        .expect("pager");
    let mut txn = pager.begin_write().expect("write");
    txn.set_root(0, 12345).expect("slot");
    txn.commit().expect("commit");
    drop(pager);
    assert!(matches!(
        Graph::with_storage(Box::new(storage), Options::default()),
        Err(Error::NotAGraph(_))
    ));

    let junk = MemStorage::from_bytes(&[0x42; 20_000]).expect("bytes");
    let err = Graph::with_storage(Box::new(junk), Options::default()).expect_err("junk");
    assert!(
        matches!(err, Error::Storage(graph::StorageError::NotADatabase)),
        "{err}"
    );
}

#[test]
fn the_edge_type_after_the_last_16_bit_id_is_refused_and_nothing_is_lost() {
    let graph = Graph::in_memory().expect("open");
    let (a, b, e) = committed_pair(&graph);
    let mut txn = graph.begin_write().expect("write");
    // Spread over 600 nodes, so that no list holds more types than a hub can.
    let nodes: Vec<NodeId> = (0..600)
        .map(|i| txn.add_node("k", &format!("m{i}"), b"").expect("node"))
        .collect();
    // Type "t" holds id 0 already; ids 1 ..= 65535 fill the 16-bit space.
    let types: Vec<String> = (1..graph::MAX_EDGE_TYPES)
        .map(|i| format!("t{i}"))
        .collect();
    let new_edges = types.iter().enumerate().map(|(i, t)| graph::NewEdge {
        from: nodes[i % nodes.len()],
        to: nodes[(i + 1) % nodes.len()],
        edge_type: t,
        data: b"",
    });
    txn.add_edges(new_edges).expect("65,536 edge types in all");
    let err = txn
        .add_edge(b, a, "one too many", b"")
        .expect_err("the 65,537th type");
    assert!(
        matches!(
            err,
            Error::LimitReached {
                what: "edge types",
                limit: 65_536
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("65536"), "{err}");
    // A type that exists still works, in the same transaction.
    let last = txn.add_edge(b, a, "t65535", b"").expect("a known type");
    assert_eq!(
        txn.edge(last)
            .expect("edge")
            .expect("live")
            .edge_type()
            .expect("type"),
        "t65535"
    );
    txn.abort();
    let read = graph.begin_read().expect("read");
    assert_eq!((read.node_count(), read.edge_count()), (2, 1));
    assert!(read.edge(e).expect("edge").is_some());
    assert!(graph.check().expect("check").is_clean());
}
