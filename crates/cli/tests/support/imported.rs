//! What an import put in a database, read back by external id, to compare with its input.

use std::collections::BTreeMap;
use std::path::Path;

use graph::{Graph, GraphRead, NodeId, ReadTxn, external_ids};

/// A database's graph by external id.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    /// External id -> (kind, name).
    pub nodes: BTreeMap<String, (String, String)>,
    /// (from, to, type) -> how many such edges.
    pub edges: BTreeMap<(String, String, String), u64>,
}

fn external_of(read: &ReadTxn, node: NodeId) -> String {
    external_ids::external_of(read, node)
        .expect("external id")
        .unwrap_or_else(|| panic!("node {node} has no external id"))
}

/// Reads `db`, asserting that every node has exactly one external id and every external id
/// exactly one node.
pub fn read(db: &Path) -> Imported {
    let graph = Graph::open(db).expect("open");
    let read = graph.begin_read().expect("read");
    let mut nodes = BTreeMap::new();
    for node in read.nodes() {
        let node = node.expect("node");
        let ext = external_of(&read, node.id());
        let back = external_ids::node_of(&read, &ext)
            .expect("external id")
            .unwrap_or_else(|| panic!("external id {ext} maps to nothing"));
        assert_eq!(
            back,
            node.id(),
            "external id {ext} maps to another node than {}",
            node.id()
        );
        let kind_name = (
            node.kind().expect("kind").into_owned(),
            node.name().expect("name").into_owned(),
        );
        assert!(
            nodes.insert(ext.clone(), kind_name).is_none(),
            "external id {ext} is on two nodes"
        );
    }
    assert_eq!(
        external_ids::recorded(&read).expect("count"),
        read.node_count()
    );
    let listed = external_ids::all(&read).expect("external ids").count();
    assert_eq!(listed as u64, read.node_count());
    let mut edges = BTreeMap::new();
    for edge in read.edges() {
        let edge = edge.expect("edge");
        let key = (
            external_of(&read, edge.from()),
            external_of(&read, edge.to()),
            edge.edge_type().expect("type").into_owned(),
        );
        *edges.entry(key).or_default() += 1;
    }
    Imported { nodes, edges }
}
