//! Adding many nodes at once ([`WriteTxn::add_nodes`]): what [`WriteTxn::add_node_with`] and
//! [`WriteTxn::add_label`] do for each node, with the work that does not depend on the node
//! done once per batch. The property-index registry is read once (not twice per node), a new
//! node's index entries come from the properties given (not from its record decoded again),
//! and the by-kind and by-name keys, the label keys and the property-index keys are each
//! sorted and inserted in key order, the key-value catalog read once per space; the slots of
//! property columns come from the properties given too.

use std::ops::Range;

use crate::GraphRead;
use crate::error::Result;
use crate::ids::NodeId;
use crate::props::index::{self, PropertyIndex};
use crate::props::labels::{self, NO_LABEL};
use crate::props::{PropertyMap, encode_properties_into, index_value};
use crate::schema::{
    KEY_ID_LEN, NodeAttrs, check_label, check_name, check_new_id, kind_key, push_name_key,
};
use crate::strings::Label;

use super::WriteTxn;

/// One node for [`WriteTxn::add_nodes`].
#[derive(Clone, Copy, Debug)]
pub struct NewNode<'a> {
    /// Its labels: the first becomes its kind (none: [`NO_LABEL`]), the others extra labels
    /// (a repeated one counts once).
    pub labels: &'a [&'a str],
    /// Its name (indexed, exact and prefix).
    pub name: &'a str,
    /// Its properties (null values are not stored).
    pub properties: &'a PropertyMap,
}

/// One node for [`WriteTxn::add_nodes_with_data`]: what [`WriteTxn::add_node`] takes.
#[derive(Clone, Copy, Debug)]
pub struct NewDataNode<'a> {
    /// Its kind (interned).
    pub kind: &'a str,
    /// Its name (indexed, exact and prefix).
    pub name: &'a str,
    /// Its data, stored as given.
    pub data: &'a [u8],
}

impl<'a> NewNode<'a> {
    /// The kind: the first label, or [`NO_LABEL`].
    fn kind(&self) -> &'a str {
        self.labels.first().copied().unwrap_or(NO_LABEL)
    }

    /// Its labels as [`crate::PropertyRead::node_labels`] will report them, kind first, in
    /// `all` (emptied first: one buffer serves a whole batch); the extra labels are those
    /// after the first.
    fn effective_labels(&self, all: &mut Vec<&'a str>) {
        all.clear();
        let kind = self.kind();
        if kind != NO_LABEL {
            all.push(kind);
        }
        for label in self.labels.iter().skip(1) {
            if !all.contains(label) {
                all.push(label);
            }
        }
    }

    /// The checks `add_node` and `add_label` make, in their order.
    fn check(&self) -> Result<()> {
        check_label("kind", self.kind())?;
        check_name(self.name)?;
        for label in self.labels.iter().skip(1) {
            check_label("label", label)?;
        }
        Ok(())
    }
}

impl WriteTxn {
    /// Adds `nodes` and returns their ids, in order: the same nodes, labels, names,
    /// properties and index entries as [`WriteTxn::add_node`] with the encoded properties
    /// followed by [`WriteTxn::add_label`] for each further label, in much less time for a
    /// large batch. Every node's labels and name are checked before anything is written, so a
    /// batch refused for one of them adds nothing; after any other error (a full disk) the
    /// transaction must be aborted.
    pub fn add_nodes(&mut self, nodes: &[NewNode<'_>]) -> Result<Vec<NodeId>> {
        for node in nodes {
            node.check()?;
        }
        let defined = if index::any_index(self)? {
            index::indexes(self)?
        } else {
            Vec::new()
        };
        let mut ids = Vec::with_capacity(nodes.len());
        let mut label_nodes = Vec::new();
        let mut node_labels = Vec::new();
        let mut index_entries = Vec::new();
        // One buffer for every node's payload (its name, then its properties).
        let mut payload = Vec::new();
        let mut keys = NodeKeys::with_capacity(nodes.len());
        let mut all = Vec::new();
        for node in nodes {
            payload.clear();
            payload.extend_from_slice(node.name.as_bytes());
            encode_properties_into(&mut payload, node.properties)?;
            let id = self.push_node(node.kind(), node.name, &payload, &mut keys)?;
            node.effective_labels(&mut all);
            let extra = if node.kind() == NO_LABEL { 0 } else { 1 };
            for label in all.iter().skip(extra) {
                label_nodes.push(labels::label_node_key(label, id));
                node_labels.push(labels::node_label_key(id, label));
            }
            index_entries.extend(entries(&defined, &all, node.properties, id));
            ids.push(id);
        }
        self.insert_keys(keys)?;
        for (space, keys) in [
            (labels::LABEL_NODES, &mut label_nodes),
            (labels::NODE_LABELS, &mut node_labels),
            (index::ENTRIES, &mut index_entries),
        ] {
            keys.sort_unstable();
            self.kv_insert_keys_internal(space, keys)?;
        }
        let columns = ids.iter().zip(nodes).map(|(&id, node)| {
            let extra: &[&str] = node.labels.get(1..).unwrap_or_default();
            (id, node.kind(), extra, node.properties)
        });
        crate::props::column::fill_new_nodes(self, columns)?;
        Ok(ids)
    }
}

impl WriteTxn {
    /// Adds `nodes` and returns their ids, in order: the same nodes, records and index
    /// entries as [`WriteTxn::add_node`] called for each (data that is JSON is read as
    /// properties, as there), with the by-kind and by-name keys sorted and inserted in key
    /// order. Every node's kind and name are checked before anything is written, so a batch
    /// refused for one of them adds nothing; after any other error (a full disk) the
    /// transaction must be aborted.
    pub fn add_nodes_with_data(&mut self, nodes: &[NewDataNode<'_>]) -> Result<Vec<NodeId>> {
        for node in nodes {
            check_label("kind", node.kind)?;
            check_name(node.name)?;
        }
        let mut ids = Vec::with_capacity(nodes.len());
        let mut keys = NodeKeys::with_capacity(nodes.len());
        let mut payload = Vec::new();
        for node in nodes {
            payload.clear();
            payload.extend_from_slice(node.name.as_bytes());
            payload.extend_from_slice(node.data);
            ids.push(self.push_node(node.kind, node.name, &payload, &mut keys)?);
        }
        self.insert_keys(keys)?;
        // Property indexes and columns read a node's properties from its record, as
        // `add_node` has them do; without either there is nothing to write.
        if index::any_index(self)? || crate::props::column::any_column(self)? {
            for &id in &ids {
                index::index_node(self, id)?;
            }
        }
        Ok(ids)
    }

    /// Pushes a new node's record (kind `kind`, name `name`, `payload` the name followed by
    /// its data) and keeps its by-kind key and, if it has a name, its by-name key in `keys`.
    pub(super) fn push_node(
        &mut self,
        kind: &str,
        name: &str,
        payload: &[u8],
        keys: &mut NodeKeys,
    ) -> Result<NodeId> {
        check_new_id(self.roots.nodes.next_id(), "node ids")?;
        let kind_id = match keys.last_kind {
            Some(id) if keys.last_kind_name == kind => id,
            _ => {
                let id = self.intern(Label::Kind, kind)?;
                keys.last_kind_name.clear();
                keys.last_kind_name.push_str(kind);
                keys.last_kind = Some(id);
                id
            }
        };
        let attrs = NodeAttrs::encode(kind_id, name.len())?;
        let id = self.roots.nodes.push(&mut self.txn, &attrs, payload)?;
        keys.by_kind.push(kind_key(kind_id, id));
        // An unnamed node has no by-name key (layout 7).
        if !name.is_empty() {
            let start = keys.names.len();
            push_name_key(&mut keys.names, name.as_bytes(), id);
            keys.by_name.push(start..keys.names.len());
        }
        Ok(NodeId(id))
    }

    /// Rewrites the by-name and by-kind indexes bottom up into packed leaves
    /// ([`btree::Tree::bulk_load_packed`]: each key stored as the bytes it does not share with
    /// the one before it), and frees the old pages: for the end of a bulk load of nodes
    /// (`mmgraph import`, `mmgraph compact`). Each batch's names land between the earlier
    /// batches' and split leaves, which leaves them about three quarters full; sorted names
    /// and (kind, id) keys share most of their bytes with their neighbours. Holds every key of
    /// one index in memory meanwhile (the key, plus 8 bytes). Of the pages freed, those this
    /// transaction allocated are reusable at once, committed ones once it commits. A later
    /// write to a packed leaf first rewrites it as ordinary leaves (a few page writes). The
    /// old indexes' pages, read through the file's mapping, then leave the process's resident
    /// set (`pager_mmap::WriteTxn::release_mapped_pages`): nothing reads them again.
    pub fn rebuild_indexes(&mut self) -> Result<()> {
        self.roots.by_name = rebuild_packed(&mut self.txn, self.roots.by_name)?;
        self.roots.by_kind = rebuild_packed(&mut self.txn, self.roots.by_kind)?;
        self.txn.release_mapped_pages()?;
        Ok(())
    }

    /// [`WriteTxn::rebuild_indexes`] when a bulk load that added `added` nodes added at least
    /// half of the graph's nodes (it then wrote most of the indexes, batch by batch; a small
    /// load into a large graph would pay a pass over every key for a few). Returns whether it
    /// rebuilt. The importers (`mmgraph import`, Parquet, sqlitegraph) call it after their
    /// nodes.
    pub fn rebuild_indexes_after(&mut self, added: u64) -> Result<bool> {
        let rebuild = added > 0 && added >= self.node_count() / 2;
        if rebuild {
            self.rebuild_indexes()?;
        }
        Ok(rebuild)
    }

    /// Inserts new nodes' by-kind and by-name keys, each index's in key order, so that
    /// consecutive keys go into the same leaf without a descent each.
    pub(super) fn insert_keys(&mut self, mut keys: NodeKeys) -> Result<()> {
        keys.by_kind.sort_unstable();
        let names = keys.names.as_slice();
        let name = |range: &Range<usize>| names.get(range.clone()).unwrap_or_default();
        keys.by_name.sort_unstable_by(|a, b| name(a).cmp(name(b)));
        let by_kind = keys.by_kind.iter().map(|key| (&key[..], &[][..]));
        self.roots.by_kind.insert_sorted(&mut self.txn, by_kind)?;
        let by_name = keys.by_name.iter().map(|range| (name(range), &[][..]));
        self.roots.by_name.insert_sorted(&mut self.txn, by_name)?;
        Ok(())
    }
}

/// The by-kind and by-name keys of a batch's new nodes, inserted together at its end, and
/// the kind of the last one: consecutive nodes of one kind (a `CREATE` over many rows) find
/// its id without a lookup each.
pub(super) struct NodeKeys {
    by_kind: Vec<[u8; 4 + KEY_ID_LEN]>,
    /// The by-name keys, one after another in `names`: each is a range of it.
    by_name: Vec<Range<usize>>,
    names: Vec<u8>,
    /// The id of the last node's kind, named `last_kind_name`.
    last_kind: Option<u32>,
    last_kind_name: String,
}

impl NodeKeys {
    pub(super) fn with_capacity(n: usize) -> NodeKeys {
        NodeKeys {
            by_kind: Vec::with_capacity(n),
            by_name: Vec::with_capacity(n),
            names: Vec::new(),
            last_kind: None,
            last_kind_name: String::new(),
        }
    }
}

/// The property-index entries of a new node with `labels` and `properties`: one per index
/// over one of its labels whose key it has with an indexable value.
fn entries<'a>(
    defined: &'a [PropertyIndex],
    labels: &'a [&str],
    properties: &'a PropertyMap,
    id: NodeId,
) -> impl Iterator<Item = Vec<u8>> + 'a {
    defined
        .iter()
        .filter(|ix| labels.contains(&ix.label.as_str()))
        .filter_map(move |ix| {
            let value = index_value(properties.get(&ix.key)?)?;
            Some(index::entry_key(&ix.label, &ix.key, &value, id))
        })
}

#[cfg(test)]
mod tests;

/// `tree` (an index: empty values) rewritten into packed leaves; its old pages are freed.
fn rebuild_packed(txn: &mut pager_mmap::WriteTxn, mut tree: btree::Tree) -> Result<btree::Tree> {
    let mut bytes = Vec::new();
    let mut ends = Vec::with_capacity(usize::try_from(tree.len()).unwrap_or(0));
    for entry in tree.iter(&*txn) {
        bytes.extend_from_slice(entry?.key());
        ends.push(bytes.len());
    }
    // Index keys have empty values: no overflow chain hangs from a leaf.
    tree.clear_inline(txn)?;
    let mut start = 0;
    let keys = ends.iter().map(|&end| {
        let key = bytes.get(start..end).unwrap_or_default();
        start = end;
        (key, &[][..])
    });
    Ok(btree::Tree::bulk_load_packed(txn, keys)?)
}
