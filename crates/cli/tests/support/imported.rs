//! What an import put in a database, read back by external id, to compare with its input.

use std::collections::BTreeMap;
use std::path::Path;

use graph::{Graph, GraphRead, NodeId, ReadTxn};

/// The external-id spaces the tool keeps (see `crates/cli/src/db.rs`).
const EXTERNAL_IDS: &str = "mmgraph.external_ids";
const EXTERNAL_ID_OF: &str = "mmgraph.external_id_of";

/// A database's graph by external id.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    /// External id -> (kind, name).
    pub nodes: BTreeMap<String, (String, String)>,
    /// (from, to, type) -> how many such edges.
    pub edges: BTreeMap<(String, String, String), u64>,
}

fn external_of(read: &ReadTxn, node: NodeId) -> String {
    let value = read
        .kv_get(
            EXTERNAL_ID_OF,
            &zerocopy::big_endian::U64::new(node.0).to_bytes(),
        )
        .expect("kv")
        .unwrap_or_else(|| panic!("node {node} has no external id"));
    String::from_utf8(value.into_owned()).expect("UTF-8 id")
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
        let back = read
            .kv_get(EXTERNAL_IDS, ext.as_bytes())
            .expect("kv")
            .unwrap_or_else(|| panic!("external id {ext} maps to nothing"));
        assert_eq!(
            back.as_ref(),
            node.id().0.to_le_bytes(),
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
    assert_eq!(read.kv_len(EXTERNAL_IDS).expect("len"), read.node_count());
    assert_eq!(read.kv_len(EXTERNAL_ID_OF).expect("len"), read.node_count());
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
