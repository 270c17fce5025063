//! A committed graph file with random bits flipped, or cut at a random length, in thousands of
//! variants: each gives errors or a clean check, never a panic, a hang or an out-of-bounds read.
//! `DAMAGED_FILE_VARIANTS` sets the number of variants (default 3,000).

#[path = "common/hostile.rs"]
mod hostile;

use std::sync::Arc;

use graph::testing::MemStorage;
use graph::{Graph, NewEdge, NodeId, Options};

/// A small graph with a hub, large data and deletions, as bytes.
fn committed_file() -> Vec<u8> {
    let storage = Arc::new(MemStorage::new());
    {
        let options = Options {
            initial_size: 0,
            ..Options::default()
        };
        let graph = Graph::with_storage(Box::new(Arc::clone(&storage)), options).expect("graph");
        let mut txn = graph.begin_write().expect("write");
        let nodes: Vec<NodeId> = (0..300)
            .map(|i| {
                txn.add_node(
                    ["a", "b", "c"][i % 3],
                    &format!("node{i}"),
                    &vec![i as u8; i % 50],
                )
                .expect("node")
            })
            .collect();
        txn.add_node("big", "big", &vec![1u8; 9_000]).expect("node");
        let edges = (0..1_500).map(|i| NewEdge {
            from: nodes[if i % 4 == 0 { 0 } else { i * 7 % 300 }],
            to: nodes[i * 13 % 300],
            edge_type: ["x", "y"][i % 2],
            data: b"",
        });
        txn.add_edges(edges).expect("edges");
        txn.commit().expect("commit");
        let mut txn = graph.begin_write().expect("write");
        for i in (0..300).step_by(17) {
            txn.delete_node(nodes[i]).expect("delete");
        }
        txn.commit().expect("commit");
    }
    storage.to_bytes()
}

#[test]
fn flipped_bits_and_truncations_give_errors_not_panics() {
    let variants: u64 = std::env::var("DAMAGED_FILE_VARIANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let original = committed_file();
    let mut rng = fastrand::Rng::with_seed(11);
    for variant in 0..variants {
        let mut bytes = original.clone();
        if variant % 4 == 3 {
            bytes.truncate(rng.usize(0..original.len()));
        } else {
            for _ in 0..rng.usize(1..16) {
                let at = rng.usize(0..bytes.len());
                bytes[at] ^= 1 << rng.u8(0..8);
            }
        }
        hostile::exercise(&bytes);
    }
}
