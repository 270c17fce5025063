//! Reading the nodes of one label record by record, for a scan that reads something of each
//! (an aggregation over a property). [`crate::PropertyRead::nodes_with_label`] walks the by-kind
//! index and each node is then found by id: two descents per node. When the label's kind
//! holds a good share of the nodes, reading the record table in id order and keeping the
//! records of that kind visits the same nodes in the same order with neither: the records
//! come page by page. The pass checks its share every [`STRIDE`] records and, when fewer than
//! one in [`MIN_SHARE`] had the kind, goes on through the index from the next id, so a rare
//! label costs at most [`STRIDE`] extra record reads plus [`MIN_SHARE`] per node found.

use std::ops::Bound;

use crate::error::Error;
use crate::read::{GraphRead, NodeRef};
use crate::schema::{kind_key, node_of_key};

use super::labels;

/// Records read in sequence between two checks of the kind's share.
const STRIDE: u64 = 4096;
/// The sequential pass goes on while at least one record in this many has the kind.
const MIN_SHARE: u64 = 8;

/// Calls `f` with each node labelled `label`, in the order
/// [`crate::PropertyRead::nodes_with_label`] lists them: the nodes of that kind by id, then
/// those with it as an extra label.
pub fn for_each_labelled_node<T, E>(
    txn: &T,
    label: &str,
    mut f: impl FnMut(&NodeRef<'_, T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    T: GraphRead + ?Sized,
    E: From<Error>,
{
    if let Some(kind) = txn.kind_id(label)? {
        let (mut read, mut kept) = (0u64, 0u64);
        let mut resume_at = None;
        for node in txn.nodes() {
            let node = node?;
            read += 1;
            if node.kind_id() == kind {
                kept += 1;
                f(&node)?;
            }
            if read % STRIDE == 0 && kept * MIN_SHARE < read {
                resume_at = Some(node.id().0 + 1);
                break;
            }
        }
        if let Some(from) = resume_at {
            let src = txn.source();
            let start = kind_key(kind, from);
            let end = btree::prefix_end(&btree::keys::u32_key(kind));
            let end = end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            let ids = txn
                .roots()
                .by_kind
                .range::<_, [u8], _>(src, (Bound::Included(&start[..]), end));
            for entry in ids {
                let id = crate::NodeId(node_of_key(entry.map_err(Error::from)?.key())?);
                let node = txn
                    .node(id)?
                    .ok_or_else(|| Error::corrupt(format!("node {id} is in the kind index")))?;
                f(&node)?;
            }
        }
    }
    for id in labels::extra_label_nodes(txn, label)? {
        if let Some(node) = txn.node(id)? {
            f(&node)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
