//! External ids: the ids a source gave its nodes (a file's ids, sqlitegraph's entity ids,
//! Parquet's vertex ids), kept beside the graph in two key-value spaces so that later imports,
//! exports and commands given `-x ID` find the nodes by them. Every importer keeps them here,
//! the same way.

use crate::error::{Damage, Error, Result};
use crate::ids::NodeId;
use crate::read::GraphRead;
use crate::write::WriteTxn;
use zerocopy::FromBytes;

/// The key-value space mapping external ids (their text) to node ids (8 little-endian bytes).
pub const EXTERNAL_IDS: &str = "mmgraph.external_ids";
/// The reverse: node id (8 big-endian bytes, so keys sort by id) to external id.
pub const EXTERNAL_ID_OF: &str = "mmgraph.external_id_of";

/// `node` as a key of [`EXTERNAL_ID_OF`]: big-endian, so keys sort by id.
pub fn node_key(node: NodeId) -> [u8; 8] {
    zerocopy::big_endian::U64::new(node.0).to_bytes()
}

/// The node a key of [`EXTERNAL_ID_OF`] names, if it is one (8 bytes).
pub fn node_of_key(key: &[u8]) -> Option<NodeId> {
    zerocopy::big_endian::U64::read_from_bytes(key)
        .ok()
        .map(|k| NodeId(k.get()))
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
    match read.kv_get(EXTERNAL_IDS, ext.as_bytes())? {
        None => Ok(None),
        Some(value) => node_value(&value)
            .map(Some)
            .ok_or_else(|| damaged(format!("external id {ext:?} maps to {} bytes", value.len()))),
    }
}

/// Records that external id `ext` is `node`, deciding inside `txn` that the id is new. When
/// another node has it already, returns that node, and `txn` must then be dropped, not
/// committed (the id's entry now names `node`).
pub fn record(txn: &mut WriteTxn, ext: &str, node: NodeId) -> Result<Option<NodeId>> {
    if let Some(previous) = txn.kv_insert(EXTERNAL_IDS, ext.as_bytes(), &node.0.to_le_bytes())? {
        let holder = node_value(&previous)
            .ok_or_else(|| damaged(format!("external id {ext:?} mapped to other than 8 bytes")))?;
        return Ok(Some(holder));
    }
    txn.kv_insert(EXTERNAL_ID_OF, &node_key(node), ext.as_bytes())?;
    Ok(None)
}

/// The node id a value of [`EXTERNAL_IDS`] holds, if it is 8 bytes.
fn node_value(value: &[u8]) -> Option<NodeId> {
    zerocopy::little_endian::U64::read_from_bytes(value)
        .ok()
        .map(|v| NodeId(v.get()))
}

/// Damage found in the external-id index.
fn damaged(what: String) -> Error {
    Error::Corrupt(Damage::new(EXTERNAL_IDS, None, what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Graph;

    #[test]
    fn an_external_id_maps_both_ways_and_cannot_be_given_twice() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        assert_eq!(record(&mut txn, "42", a)?, None);
        assert_eq!(record(&mut txn, "42", b)?, Some(a));
        assert_eq!(node_of(&txn, "42")?, Some(b));
        assert_eq!(external_of(&txn, a)?.as_deref(), Some("42"));
        assert_eq!(node_of_key(&node_key(b)), Some(b));
        assert_eq!(node_of_key(b"short"), None);
        Ok(())
    }
}
