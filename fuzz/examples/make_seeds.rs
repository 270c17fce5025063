//! Writes the seed corpora of the `open_file` and `open_graph` targets: small valid databases
//! (empty, with a free list; small graphs with a hub, a large value, a pair of adjacency leaves
//! in one page), so the fuzzer starts from real files. Run from `fuzz/`: `cargo run --example
//! make_seeds`.

use std::sync::Arc;

use pager_mmap::{MemStorage, Options, PageId, PageType, Pager};

/// The bytes of a memory storage.
fn bytes_of(storage: &MemStorage) -> Vec<u8> {
    storage.to_bytes()
}

/// Small graphs: a few nodes and edges; a node past the hub threshold; a large node value.
fn graph_seeds() {
    let dir = std::path::Path::new("corpus/open_graph");
    std::fs::create_dir_all(dir).expect("corpus directory");
    for (name, nodes, hub_edges, big) in [("seed-small", 5u64, 0u64, false), ("seed-hub", 20, 140, false), ("seed-big-value", 3, 2, true)] {
        let storage = Arc::new(MemStorage::new());
        let options = Options { initial_size: 0, ..Options::default() };
        {
            let graph = graph::Graph::with_storage(Box::new(Arc::clone(&storage)), options).expect("create");
            let mut txn = graph.begin_write().expect("write");
            let ids: Vec<graph::NodeId> = (0..nodes)
                .map(|i| txn.add_node(["a", "b"][i as usize % 2], &format!("n{i}"), format!("{i}").as_bytes()).expect("node"))
                .collect();
            for i in 0..nodes {
                txn.add_edge(ids[i as usize], ids[((i + 1) % nodes) as usize], "next", b"").expect("edge");
            }
            for i in 0..hub_edges {
                txn.add_edge(ids[0], ids[(i % nodes) as usize], ["x", "y"][i as usize % 2], b"").expect("edge");
            }
            if big {
                txn.add_node("a", "big", &vec![9u8; 9000]).expect("node");
            }
            txn.commit().expect("commit");
        }
        std::fs::write(dir.join(name), bytes_of(&storage)).expect("write seed");
    }
}

/// A graph whose two adjacency leaves (nodes 0 to 129, a path over them added in one batch)
/// are built whole and kept in one pair page.
fn pair_seed() {
    let storage = Arc::new(MemStorage::new());
    let options = Options { initial_size: 0, ..Options::default() };
    {
        let graph = graph::Graph::with_storage(Box::new(Arc::clone(&storage)), options).expect("create");
        let mut txn = graph.begin_write().expect("write");
        let ids: Vec<graph::NodeId> = (0..130).map(|i| txn.add_node("a", &format!("n{i}"), b"").expect("node")).collect();
        let path = ids.windows(2).map(|w| graph::NewEdge { from: w[0], to: w[1], edge_type: "next", data: b"" });
        txn.add_edges(path).expect("edges");
        txn.commit().expect("commit");
    }
    std::fs::write(std::path::Path::new("corpus/open_graph/seed-pair"), bytes_of(&storage)).expect("write seed");
}

fn main() {
    graph_seeds();
    pair_seed();
    let dir = std::path::Path::new("corpus/open_file");
    std::fs::create_dir_all(dir).expect("corpus directory");
    for (name, commits) in [("seed-empty", 0u64), ("seed-one-commit", 1), ("seed-free-list", 6)] {
        let storage = Arc::new(MemStorage::new());
        let options = Options { initial_size: 0, ..Options::default() };
        let pager = Pager::with_storage(Box::new(Arc::clone(&storage)), options).expect("create");
        let mut pages: Vec<PageId> = Vec::new();
        for round in 0..commits {
            let mut txn = pager.begin_write().expect("write");
            for old in pages.drain(..) {
                txn.free(old).expect("free");
            }
            for i in 0..(3 + round) {
                let (id, page) = txn.alloc(PageType(250)).expect("alloc");
                page[20] = i as u8;
                pages.push(id);
            }
            txn.set_root(0, pages[0].0).expect("root");
            txn.commit().expect("commit");
        }
        drop(pager);
        std::fs::write(dir.join(name), bytes_of(&storage)).expect("write seed");
    }
}
