//! Labels beyond a node's kind. A node's labels are its kind (unless it is [`NO_LABEL`]) and
//! the extra labels recorded in two internal key-value spaces: `label ‖ node` (so the nodes of
//! one label are one prefix scan, O(matches)) and `node ‖ label` (so a node's labels, and a
//! deleted node's entries, are one prefix scan too). `docs/format.md` ("Labels") has the keys.

use crate::error::Result;
use crate::ids::NodeId;
use crate::read::GraphRead;
use crate::write::WriteTxn;

/// The kind of a node that has no label (a Cypher `CREATE ()`): never reported as a label.
pub const NO_LABEL: &str = "\u{0}";

/// The internal space keyed `len(label) ‖ label ‖ node`.
pub(crate) const LABEL_NODES: &str = "\u{0}label-nodes";
/// The internal space keyed `node ‖ label`.
pub(crate) const NODE_LABELS: &str = "\u{0}node-labels";

/// The prefix of every `LABEL_NODES` key of `label`: its length (4 bytes, big-endian) and
/// its bytes.
fn label_prefix(label: &str) -> Vec<u8> {
    let len = u32::try_from(label.len()).unwrap_or(u32::MAX);
    let mut key = btree::keys::u32_key(len).to_vec();
    key.extend_from_slice(label.as_bytes());
    key
}

pub(crate) fn label_node_key(label: &str, node: NodeId) -> Vec<u8> {
    let mut key = label_prefix(label);
    key.extend_from_slice(&btree::keys::u64_key(node.0));
    key
}

pub(crate) fn node_label_key(node: NodeId, label: &str) -> Vec<u8> {
    let mut key = btree::keys::u64_key(node.0).to_vec();
    key.extend_from_slice(label.as_bytes());
    key
}

/// The extra labels of `node`, in byte order.
pub(super) fn extra_labels<T: GraphRead + ?Sized>(txn: &T, node: NodeId) -> Result<Vec<String>> {
    txn.kv_prefix(NODE_LABELS, &btree::keys::u64_key(node.0))?
        .map(|entry| {
            let (key, _) = entry?;
            let label = key.get(8..).unwrap_or_default();
            String::from_utf8(label.to_vec())
                .map_err(|_| crate::Error::corrupt("a label is not UTF-8"))
        })
        .collect()
}

/// Whether `node` carries `label` as an extra label: one point lookup.
pub(super) fn has_extra_label<T: GraphRead + ?Sized>(
    txn: &T,
    node: NodeId,
    label: &str,
) -> Result<bool> {
    Ok(txn
        .kv_get(NODE_LABELS, &node_label_key(node, label))?
        .is_some())
}

/// The nodes that carry `label` as an extra label, in id order.
pub(super) fn extra_label_nodes<T: GraphRead + ?Sized>(
    txn: &T,
    label: &str,
) -> Result<Vec<NodeId>> {
    let prefix = label_prefix(label);
    txn.kv_prefix(LABEL_NODES, &prefix)?
        .map(|entry| {
            let (key, _) = entry?;
            key.get(prefix.len()..)
                .and_then(btree::keys::decode_u64)
                .map(NodeId)
                .ok_or_else(|| crate::Error::corrupt("a label index key is malformed"))
        })
        .collect()
}

/// Records `label` as an extra label of `node`.
pub(super) fn insert(txn: &mut WriteTxn, node: NodeId, label: &str) -> Result<()> {
    txn.kv_insert_internal(LABEL_NODES, &label_node_key(label, node), b"")?;
    txn.kv_insert_internal(NODE_LABELS, &node_label_key(node, label), b"")?;
    Ok(())
}

/// Forgets `label` as an extra label of `node`; whether it was one.
pub(super) fn remove(txn: &mut WriteTxn, node: NodeId, label: &str) -> Result<bool> {
    let was = txn
        .kv_remove(LABEL_NODES, &label_node_key(label, node))?
        .is_some();
    txn.kv_remove(NODE_LABELS, &node_label_key(node, label))?;
    Ok(was)
}

/// Forgets every extra label of `node` (it is being deleted).
pub(crate) fn forget_node(txn: &mut WriteTxn, node: NodeId) -> Result<()> {
    for label in extra_labels(txn, node)? {
        remove(txn, node, &label)?;
    }
    Ok(())
}
