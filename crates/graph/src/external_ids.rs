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

/// Records, for each `(ext, node)` of `ids`, that external id `ext` is `node`, as [`record`]
/// does for each in turn, with each space's keys inserted in key order. When an id is
/// another node's already (in the graph, or earlier in `ids`), returns its position in `ids`
/// and the node that has it, and `txn` must then be dropped, not committed.
pub fn record_all(txn: &mut WriteTxn, ids: &[(&str, NodeId)]) -> Result<Option<(usize, NodeId)>> {
    let values: Vec<[u8; 8]> = ids.iter().map(|(_, node)| node.0.to_le_bytes()).collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    // Stable, so that of two entries for one id the earlier is inserted first.
    order.sort_by_key(|&i| ids.get(i).map(|(ext, _)| ext.as_bytes()));
    let entries = order.iter().filter_map(|&i| {
        let (ext, _) = ids.get(i)?;
        Some((ext.as_bytes(), values.get(i)?.as_slice()))
    });
    if let Some((at, previous)) = txn.kv_insert_entries_internal(EXTERNAL_IDS, entries)? {
        let holder = node_value(&previous)
            .ok_or_else(|| damaged("an external id mapped to other than 8 bytes".to_owned()))?;
        return Ok(order.get(at).map(|&i| (i, holder)));
    }
    let keys: Vec<[u8; 8]> = ids.iter().map(|(_, node)| node_key(*node)).collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| keys.get(i));
    let entries = order
        .iter()
        .filter_map(|&i| Some((keys.get(i)?.as_slice(), ids.get(i)?.0.as_bytes())));
    txn.kv_insert_entries_internal(EXTERNAL_ID_OF, entries)?;
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

    #[test]
    fn ids_recorded_together_map_both_ways_and_a_taken_one_is_named() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        let c = txn.add_node("k", "c", b"")?;
        // Out of key order ("10" sorts before "9"), as a file's decimal ids come.
        assert_eq!(record_all(&mut txn, &[("9", a), ("10", b)])?, None);
        assert_eq!(node_of(&txn, "9")?, Some(a));
        assert_eq!(node_of(&txn, "10")?, Some(b));
        assert_eq!(external_of(&txn, a)?.as_deref(), Some("9"));
        assert_eq!(external_of(&txn, b)?.as_deref(), Some("10"));
        txn.commit()?;
        let mut txn = graph.begin_write()?;
        assert_eq!(record_all(&mut txn, &[("11", c), ("9", c)])?, Some((1, a)));
        drop(txn);
        let mut txn = graph.begin_write()?;
        assert_eq!(record_all(&mut txn, &[("x", c), ("x", a)])?, Some((1, c)));
        Ok(())
    }
}
