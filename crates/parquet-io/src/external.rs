//! External ids: the ids a file gave its vertices, kept beside the graph in two key-value
//! spaces so that later imports, and commands given `--external`, find the nodes by them. The
//! command-line importers keep theirs in the same spaces, the same way.

use graph::{GraphRead, NodeId, WriteTxn};

/// The key-value space mapping external ids (UTF-8 text) to node ids (8 little-endian bytes).
pub const EXTERNAL_IDS: &str = "mmgraph.external_ids";
/// The reverse: node id (8 big-endian bytes, so keys sort by id) to external id.
pub const EXTERNAL_ID_OF: &str = "mmgraph.external_id_of";

/// `node` as a key of [`EXTERNAL_ID_OF`]: big-endian, so keys sort by id.
#[expect(clippy::big_endian_bytes, reason = "keys sort as big-endian ids")]
pub fn node_key(node: NodeId) -> [u8; 8] {
    node.0.to_be_bytes()
}

/// The node a key of [`EXTERNAL_ID_OF`] names, if it is one (8 bytes).
#[expect(clippy::big_endian_bytes, reason = "keys sort as big-endian ids")]
pub fn node_of_key(key: &[u8]) -> Option<NodeId> {
    <[u8; 8]>::try_from(key)
        .ok()
        .map(|k| NodeId(u64::from_be_bytes(k)))
}

/// The node with external id `ext`, if there is one; `None` as well when the stored value is
/// not 8 bytes (which no writer of these spaces makes).
pub fn node_of(read: &impl GraphRead, ext: &str) -> graph::Result<Option<NodeId>> {
    Ok(read
        .kv_get(EXTERNAL_IDS, ext.as_bytes())?
        .and_then(|value| <[u8; 8]>::try_from(value.as_ref()).ok())
        .map(|bytes| NodeId(u64::from_le_bytes(bytes))))
}

/// The external id of `node`, if it has one that is UTF-8.
pub fn external_of(read: &impl GraphRead, node: NodeId) -> graph::Result<Option<String>> {
    Ok(read
        .kv_get(EXTERNAL_ID_OF, &node_key(node))?
        .and_then(|v| String::from_utf8(v.into_owned()).ok()))
}

/// Records that `ext` is `node`, unless another node has it already: then returns that node,
/// and `txn` must be dropped, not committed (the id's entry now names `node`).
pub fn record(txn: &mut WriteTxn, ext: &str, node: NodeId) -> graph::Result<Option<NodeId>> {
    if let Some(previous) = txn.kv_insert(EXTERNAL_IDS, ext.as_bytes(), &node.0.to_le_bytes())? {
        let holder = <[u8; 8]>::try_from(previous.as_slice())
            .map(|bytes| NodeId(u64::from_le_bytes(bytes)))
            .unwrap_or(node);
        return Ok(Some(holder));
    }
    txn.kv_insert(EXTERNAL_ID_OF, &node_key(node), ext.as_bytes())?;
    Ok(None)
}
