//! Everything a reader and a writer can do to a graph, run on arbitrary bytes: the body of the
//! `open_graph` fuzz target and of the regression test that replays its corpus. Any step may
//! fail with an error; none may panic, hang or read out of bounds.

use graph::{Direction, Graph, GraphRead, NodeId, Options};
use pager_mmap::MemStorage;

/// Opens `data` as a graph and exercises it.
pub fn exercise(data: &[u8]) {
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
    if let Ok(mut txn) = graph.begin_write() {
        let _ = txn
            .add_node("k", "fuzz", b"x")
            .and_then(|a| txn.add_edge(a, a, "t", b""));
        let _ = txn.delete_node(NodeId(0));
        let _ = txn.commit();
    }
}
