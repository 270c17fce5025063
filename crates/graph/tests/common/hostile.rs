//! Everything a reader and a writer can do to a graph, run on arbitrary bytes: the body of the
//! `open_graph` fuzz target and of the regression test that replays its corpus. The bytes are
//! opened read-only, then cut short (by as many bytes as their last two say) and opened
//! read-only again, then opened for writing. Any step may fail with an error; none may panic,
//! hang or read out of bounds, and a read-only open never changes a byte.

use graph::testing::MemStorage;
use graph::{Direction, Graph, GraphRead, NodeId, Options};

/// Opens `data` as a graph and exercises it: read-only whole, read-only cut short, then for
/// writing.
pub fn exercise(data: &[u8]) {
    read_only(data);
    if let [.., a, b] = data {
        let cut = usize::from(u16::from_le_bytes([*a, *b]));
        read_only(&data[..data.len().saturating_sub(cut)]);
    }
    let Ok(storage) = MemStorage::from_bytes(data) else {
        return;
    };
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let Ok(graph) = Graph::with_storage(Box::new(storage), options) else {
        return;
    };
    read_everything(&graph);
    if let Ok(mut txn) = graph.begin_write() {
        let _ = txn
            .add_node("k", "fuzz", b"x")
            .and_then(|a| txn.add_edge(a, a, "t", b""));
        let _ = txn.delete_node(NodeId(0));
        let _ = txn.commit();
    }
}

/// Opens `data` read-only and reads everything; the bytes must not change and no write may
/// begin.
fn read_only(data: &[u8]) {
    let Ok(storage) = MemStorage::from_bytes(data) else {
        return;
    };
    let storage = std::sync::Arc::new(storage);
    let options = Options {
        read_only: true,
        ..Options::default()
    };
    if let Ok(graph) = Graph::with_storage(Box::new(std::sync::Arc::clone(&storage)), options) {
        read_everything(&graph);
        assert!(
            graph.begin_write().is_err(),
            "a read-only graph began a write"
        );
    }
    assert!(
        storage.to_bytes() == data,
        "a read-only open changed the bytes"
    );
}

/// Checks, counts and reads every node, edge and list of `graph`, and traverses it.
fn read_everything(graph: &Graph) {
    let _ = graph.check();
    let _ = graph.stats();
    if let Ok(read) = graph.begin_read() {
        for node in read.nodes().take(10_000) {
            let Ok(node) = node else { break };
            let _ = (node.kind(), node.name(), node.data());
            for direction in [Direction::Out, Direction::In] {
                if let Ok(neighbors) = read.neighbors(node.id(), direction, None) {
                    for n in neighbors.take(10_000) {
                        if n.is_err() {
                            break;
                        }
                    }
                }
                let _ = read.degree(node.id(), direction);
            }
        }
        for edge in read.edges().take(10_000) {
            let Ok(edge) = edge else { break };
            let _ = (edge.edge_type(), edge.data());
        }
        let _ = read.bfs(NodeId(0), Direction::Both, Some(3));
        let _ = read.kinds();
        let _ = read.nodes_by_name_prefix("a").take(100).count();
    }
}
