//! Writing a result into a key-value space, so that later transactions can read it.

use graph::{GraphRead, NodeId, WriteTxn};

use crate::control::Control;
use crate::error::Result;
use crate::values::{NodeValues, StoredValue};

/// The key of `node` in a result space: its id as 8 big-endian bytes, so that key order is id
/// order and a prefix scan lists the nodes in order.
pub fn node_key(node: NodeId) -> [u8; 8] {
    let mut key = [0u8; 8];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = (node.0 >> (56 - 8 * i)) as u8;
    }
    key
}

/// Writes `values` into key-value space `space` inside `txn`: key [`node_key`], value
/// [`StoredValue::to_stored`]. Keys the space held before that are not nodes of `values` are
/// removed, so the space holds this result alone. Nothing is committed here: the caller
/// commits `txn`, and a cancelled write (through `control`) leaves `txn` to be dropped, which
/// writes nothing. Returns the number of values written.
pub fn write_values<T: StoredValue>(
    txn: &mut WriteTxn,
    space: &str,
    values: &NodeValues<T>,
    control: &mut Control<'_>,
) -> Result<u64> {
    let stale: Vec<Vec<u8>> = txn
        .kv_prefix(space, b"")?
        .map(|entry| entry.map(|(key, _)| key.to_vec()))
        .collect::<graph::Result<_>>()?;
    for key in stale {
        txn.kv_remove(space, &key)?;
    }
    let total = values.len() as u64;
    let mut written = 0;
    for (node, value) in values.iter() {
        control.tick("written", written, total)?;
        txn.kv_insert(space, &node_key(node), &value.to_stored())?;
        written += 1;
    }
    control.check("written", written, total)?;
    Ok(written)
}
