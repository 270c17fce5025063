//! The external-id index an import keeps beside the graph: the ids of the source (a file's
//! ids, sqlitegraph's entity ids) to node ids and back, in two key-value spaces, so that
//! `mmgraph ... -x ID` and a later export find them.

use graph::{GraphRead, NodeId, WriteTxn};

use crate::error::{Error, Result};

/// The key-value space mapping a source's ids to node ids (value: the node id as 8
/// little-endian bytes).
pub const EXTERNAL_IDS: &str = "mmgraph.external_ids";
/// The reverse: node id (8 big-endian bytes, so keys sort by id) to external id.
pub const EXTERNAL_ID_OF: &str = "mmgraph.external_id_of";

/// `node` as a key of [`EXTERNAL_ID_OF`]: big-endian, so keys sort by id.
pub fn node_key(node: NodeId) -> [u8; 8] {
    zerocopy::big_endian::U64::new(node.0).to_bytes()
}

/// The external id of `node`, if an import gave it one (bytes that are not UTF-8 are
/// replaced, as [`String::from_utf8_lossy`] does).
pub fn external_of(read: &impl GraphRead, node: NodeId) -> Result<Option<String>> {
    Ok(read
        .kv_get(EXTERNAL_ID_OF, &node_key(node))?
        .map(|v| String::from_utf8_lossy(&v).into_owned()))
}

/// The node an import gave external id `ext`.
pub fn node_of(read: &impl GraphRead, ext: &str) -> Result<Option<NodeId>> {
    let Some(value) = read.kv_get(EXTERNAL_IDS, ext.as_bytes())? else {
        return Ok(None);
    };
    let bytes: [u8; 8] = value
        .as_ref()
        .try_into()
        .map_err(|_| corrupt(format!("external id {ext:?} maps to {} bytes", value.len())))?;
    Ok(Some(NodeId(u64::from_le_bytes(bytes))))
}

/// Records that external id `ext` is `node`, deciding inside `txn` that the id is new: when
/// another node already has it, returns [`Error::ExternalIdTaken`], and `txn` must then be
/// dropped, not committed (the id's entry now names `node`).
pub fn record(txn: &mut WriteTxn, ext: &str, node: NodeId) -> Result<()> {
    if let Some(previous) = txn.kv_insert(EXTERNAL_IDS, ext.as_bytes(), &node.0.to_le_bytes())? {
        let bytes: [u8; 8] = previous
            .as_slice()
            .try_into()
            .map_err(|_| corrupt(format!("external id {ext:?} mapped to other than 8 bytes")))?;
        return Err(Error::ExternalIdTaken {
            ext: ext.to_owned(),
            node: NodeId(u64::from_le_bytes(bytes)),
        });
    }
    txn.kv_insert(EXTERNAL_ID_OF, &node_key(node), ext.as_bytes())?;
    Ok(())
}

/// Damage found in the external-id index.
fn corrupt(what: String) -> Error {
    Error::Graph(graph::Error::Corrupt(graph::Damage::new(
        EXTERNAL_IDS,
        None,
        what,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_id_maps_both_ways_and_cannot_be_given_twice() {
        let graph = graph::Graph::in_memory().expect("graph");
        let mut txn = graph.begin_write().expect("txn");
        let a = txn.add_node("k", "a", b"").expect("node");
        let b = txn.add_node("k", "b", b"").expect("node");
        record(&mut txn, "42", a).expect("new id");
        assert!(matches!(
            record(&mut txn, "42", b),
            Err(Error::ExternalIdTaken { node, .. }) if node == a
        ));
        assert_eq!(node_of(&txn, "42").expect("lookup"), Some(b));
        assert_eq!(external_of(&txn, a).expect("lookup").as_deref(), Some("42"));
    }
}
