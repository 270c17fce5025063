//! The write transaction: adding, changing and deleting nodes and edges, with their indexes.

use std::collections::HashMap;

use edges::Neighbor as Entry;
use nodepage::Attrs;
use pager_mmap::Durability;

use crate::error::{Error, Result};
use crate::ids::{EdgeId, NodeId};
use crate::read::{GraphRead, sealed};
use crate::roots::Roots;
use crate::schema::{
    EdgeAttrs, NodeAttrs, check_edge_data, check_label, check_name, check_new_id, edge_data_key,
    kind_key, name_key,
};
use crate::strings::{self, Label};

mod add_nodes;
pub use add_nodes::{NewDataNode, NewNode};

/// The one write transaction of a graph. It sees its own changes through [`GraphRead`].
/// [`WriteTxn::commit`] makes them visible (and, by default, durable); dropping the
/// transaction instead, or calling [`WriteTxn::abort`], discards them. After an error the
/// transaction may be half done: abort it.
pub struct WriteTxn {
    txn: pager_mmap::WriteTxn,
    roots: Roots,
    /// Kind and edge-type ids interned by this transaction or looked up by it, so a bulk load
    /// asks the string table once per label rather than once per node or edge.
    kinds: HashMap<String, u32>,
    edge_types: HashMap<String, u32>,
}

impl sealed::Access for WriteTxn {
    type Source = pager_mmap::WriteTxn;

    fn source(&self) -> &pager_mmap::WriteTxn {
        &self.txn
    }

    fn roots(&self) -> &Roots {
        &self.roots
    }
}

impl GraphRead for WriteTxn {}

/// One edge for [`WriteTxn::add_edges`].
#[derive(Clone, Copy, Debug)]
pub struct NewEdge<'a> {
    /// The source node.
    pub from: NodeId,
    /// The target node.
    pub to: NodeId,
    /// The edge's type.
    pub edge_type: &'a str,
    /// The edge's data.
    pub data: &'a [u8],
}

/// A node's name and kind, read before a change.
struct NodeKey {
    kind: u32,
    name: Vec<u8>,
}

impl WriteTxn {
    pub(crate) fn new(txn: pager_mmap::WriteTxn, roots: Roots) -> WriteTxn {
        WriteTxn {
            txn,
            roots,
            kinds: HashMap::new(),
            edge_types: HashMap::new(),
        }
    }

    /// The id this transaction will commit as: a reader that begins after the commit sees it
    /// as [`crate::ReadTxn::txn_id`].
    pub fn txn_id(&self) -> u64 {
        self.txn.txn_id()
    }

    /// The pager transaction under the graph's, for structures kept beside the graph.
    pub(crate) fn pager_txn(&mut self) -> &mut pager_mmap::WriteTxn {
        &mut self.txn
    }

    /// The numeric external-id maps (number -> node, node -> number) and the pager
    /// transaction that writes them.
    pub(crate) fn external_maps_mut(
        &mut self,
    ) -> (
        &mut nodepage::IdMap,
        &mut nodepage::IdMap,
        &mut pager_mmap::WriteTxn,
    ) {
        (
            &mut self.roots.external_nodes,
            &mut self.roots.external_numbers,
            &mut self.txn,
        )
    }

    /// Chooses how this transaction's commit reaches the disk.
    pub fn set_durability(&mut self, durability: Durability) {
        self.txn.set_durability(durability);
    }

    /// Adds a node and returns its id. `kind` is interned; `name` is indexed (exact and
    /// prefix); `data` may be empty or up to 4 GiB.
    pub fn add_node(&mut self, kind: &str, name: &str, data: &[u8]) -> Result<NodeId> {
        check_label("kind", kind)?;
        check_name(name)?;
        let mut keys = add_nodes::NodeKeys::with_capacity(1);
        let id = self.push_node(kind, name, &payload(name, data), &mut keys)?;
        self.insert_keys(keys)?;
        crate::props::index::index_node(self, id)?;
        Ok(id)
    }

    /// Adds a node whose data is `value` as JSON.
    #[cfg(feature = "serde")]
    pub fn add_node_json<T: serde::Serialize>(
        &mut self,
        kind: &str,
        name: &str,
        value: &T,
    ) -> Result<NodeId> {
        self.add_node(kind, name, &serde_json::to_vec(value)?)
    }

    /// Replaces a node's kind, name and data. Its edges stay.
    pub fn update_node(&mut self, id: NodeId, kind: &str, name: &str, data: &[u8]) -> Result<()> {
        check_label("kind", kind)?;
        check_name(name)?;
        let old = self.node_key(id)?;
        crate::props::index::unindex_node(self, id)?;
        self.unindex(&old, id.0)?;
        let kind_id = self.intern(Label::Kind, kind)?;
        let attrs = NodeAttrs::encode(kind_id, name.len())?;
        self.roots
            .nodes
            .update(&mut self.txn, id.0, &attrs, Some(&payload(name, data)))?;
        self.index(kind_id, name.as_bytes(), id.0)?;
        crate::props::index::index_node(self, id)
    }

    /// Replaces a node's data, keeping its kind and name.
    pub fn set_node_data(&mut self, id: NodeId, data: &[u8]) -> Result<()> {
        let old = self.node_key(id)?;
        crate::props::index::unindex_node(self, id)?;
        let mut bytes = old.name.clone();
        bytes.extend_from_slice(data);
        let attrs = NodeAttrs::encode(old.kind, old.name.len())?;
        self.roots
            .nodes
            .update(&mut self.txn, id.0, &attrs, Some(&bytes))?;
        crate::props::index::index_node(self, id)
    }

    /// Deletes a node and every edge to or from it.
    pub fn delete_node(&mut self, id: NodeId) -> Result<()> {
        let old = self.node_key(id)?;
        crate::props::index::unindex_node(self, id)?;
        crate::props::labels::forget_node(self, id)?;
        let out = self
            .roots
            .adjacency
            .remove_all(&mut self.txn, id.0, edges::Direction::Out)?;
        let incoming =
            self.roots
                .adjacency
                .remove_all(&mut self.txn, id.0, edges::Direction::In)?;
        for (entries, other_side) in [
            (out, edges::Direction::In),
            (incoming, edges::Direction::Out),
        ] {
            for e in entries {
                if e.node != id.0 {
                    let mirrored = Entry { node: id.0, ..e };
                    self.roots
                        .adjacency
                        .remove(&mut self.txn, e.node, other_side, mirrored)?;
                }
                // A self-loop is listed both ways; its record goes with the first.
                if self.roots.edges.contains(&self.txn, e.edge)? {
                    self.delete_edge_record(e.edge)?;
                }
            }
        }
        self.unindex(&old, id.0)?;
        self.delete_vectors_of(id)?;
        self.roots.nodes.delete(&mut self.txn, id.0)?;
        crate::props::column::refresh_node(self, id)
    }

    /// Adds an edge from `from` to `to` and returns its id. Both nodes must exist.
    pub fn add_edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        edge_type: &str,
        data: &[u8],
    ) -> Result<EdgeId> {
        check_label("edge type", edge_type)?;
        check_edge_data(data)?;
        self.check_ends(from, to)?;
        check_new_id(self.roots.edges.next_id(), "edge ids")?;
        let type_id = strings::intern(
            &mut self.roots.strings,
            &mut self.txn,
            Label::EdgeType,
            edge_type,
        )?;
        let id = self.push_edge_record(from.0, to.0, type_id, data)?;
        self.roots.adjacency.insert_deferred(
            &mut self.txn,
            from.0,
            edges::Direction::Out,
            Entry {
                node: to.0,
                edge: id,
                edge_type: type_id,
            },
        )?;
        self.roots.adjacency.insert_deferred(
            &mut self.txn,
            to.0,
            edges::Direction::In,
            Entry {
                node: from.0,
                edge: id,
                edge_type: type_id,
            },
        )?;
        Ok(EdgeId(id))
    }

    /// Adds many edges and returns their ids, in order: the same as [`WriteTxn::add_edge`] for
    /// each, but each node's list is extended once per call rather than once per edge, and the
    /// lists of nodes that had no edges yet in a group of 64 nodes (all of them, on a graph
    /// without edges) are written as packed runs directly, which makes bulk loads several times
    /// faster. Either every edge is added or, on an error (such
    /// as a missing node), the transaction must be aborted.
    pub fn add_edges<'e>(
        &mut self,
        edges: impl IntoIterator<Item = NewEdge<'e>>,
    ) -> Result<Vec<EdgeId>> {
        let edges = edges.into_iter();
        // Every edge is checked and encoded before anything is stored; the records then go
        // into the edge table a leaf at a time.
        let mut records: Vec<Attrs> = Vec::with_capacity(edges.size_hint().0);
        let mut with_data: Vec<(u64, &'e [u8])> = Vec::new();
        let mut recent_types: Vec<(&str, u32)> = Vec::with_capacity(RECENT_TYPES);
        for edge in edges {
            check_label("edge type", edge.edge_type)?;
            check_edge_data(edge.data)?;
            self.check_ends(edge.from, edge.to)?;
            let type_id = match recent_type(&recent_types, edge.edge_type) {
                Some(id) => id,
                None => {
                    let id = self.intern(Label::EdgeType, edge.edge_type)?;
                    if recent_types.len() == RECENT_TYPES {
                        recent_types.rotate_left(1);
                        recent_types.pop();
                    }
                    recent_types.push((edge.edge_type, id));
                    id
                }
            };
            if !edge.data.is_empty() {
                with_data.push((records.len() as u64, edge.data));
            }
            records.push(EdgeAttrs::encode(edge.from.0, edge.to.0, type_id)?);
        }
        let next_id = self.roots.edges.next_id();
        if let Some(last) = (records.len() as u64).checked_sub(1) {
            check_new_id(next_id.saturating_add(last), "edge ids")?;
        }
        let first = self.roots.edges.push_all(&mut self.txn, &records)?;
        // The edges' ids ascend, and so do their data keys.
        let keys: Vec<_> = (with_data.iter())
            .map(|&(index, _)| edge_data_key(first + index))
            .collect();
        let entries = keys.iter().zip(&with_data).map(|(k, (_, d))| (&k[..], *d));
        self.roots.edge_data.insert_sorted(&mut self.txn, entries)?;
        let end = first + records.len() as u64;
        let ends = records.iter().map(|attrs| {
            let attrs = EdgeAttrs::read(attrs);
            edges::EdgeEnds {
                from: attrs.from,
                to: attrs.to,
                edge_type: attrs.edge_type,
            }
        });
        let batch = edges::EdgeBatch::new(first, ends)?;
        drop(records);
        self.roots
            .adjacency
            .add_batch_deferred(&mut self.txn, &batch)?;
        Ok((first..end).map(EdgeId).collect())
    }

    /// Adds an edge whose data is `value` as JSON.
    #[cfg(feature = "serde")]
    pub fn add_edge_json<T: serde::Serialize>(
        &mut self,
        from: NodeId,
        to: NodeId,
        edge_type: &str,
        value: &T,
    ) -> Result<EdgeId> {
        self.add_edge(from, to, edge_type, &serde_json::to_vec(value)?)
    }

    /// Replaces an edge's data (up to [`crate::MAX_EDGE_DATA_LEN`] bytes).
    pub fn set_edge_data(&mut self, id: EdgeId, data: &[u8]) -> Result<()> {
        check_edge_data(data)?;
        if !self.roots.edges.contains(&self.txn, id.0)? {
            return Err(Error::EdgeNotFound(id));
        }
        let key = edge_data_key(id.0);
        if data.is_empty() {
            self.roots.edge_data.delete(&mut self.txn, &key)?;
        } else {
            self.roots.edge_data.insert(&mut self.txn, &key, data)?;
        }
        Ok(())
    }

    /// Deletes an edge.
    pub fn delete_edge(&mut self, id: EdgeId) -> Result<()> {
        let attrs = EdgeAttrs::read(
            self.roots
                .edges
                .get(&self.txn, id.0)?
                .ok_or(Error::EdgeNotFound(id))?,
        );
        let (from, to, edge_type) = (
            attrs.from.get(),
            attrs.to.get(),
            u32::from(attrs.edge_type.get()),
        );
        let out = Entry {
            node: to,
            edge: id.0,
            edge_type,
        };
        let incoming = Entry {
            node: from,
            edge: id.0,
            edge_type,
        };
        let found_out =
            self.roots
                .adjacency
                .remove(&mut self.txn, from, edges::Direction::Out, out)?;
        let found_in =
            self.roots
                .adjacency
                .remove(&mut self.txn, to, edges::Direction::In, incoming)?;
        if !(found_out && found_in) {
            return Err(Error::corrupt(format!(
                "edge {id} was missing from its endpoints' lists"
            )));
        }
        self.delete_edge_record(id.0)
    }

    /// Stores a new edge's record and, when it has any, its data; returns its id.
    fn push_edge_record(&mut self, from: u64, to: u64, edge_type: u32, data: &[u8]) -> Result<u64> {
        let attrs = EdgeAttrs::encode(from, to, edge_type)?;
        let id = self.roots.edges.push(&mut self.txn, &attrs)?;
        if !data.is_empty() {
            self.roots
                .edge_data
                .insert(&mut self.txn, &edge_data_key(id), data)?;
        }
        Ok(id)
    }

    /// Deletes a live edge's record and its data.
    fn delete_edge_record(&mut self, edge: u64) -> Result<()> {
        self.roots.edges.delete(&mut self.txn, edge)?;
        self.roots
            .edge_data
            .delete(&mut self.txn, &edge_data_key(edge))?;
        Ok(())
    }

    /// Moves every adjacency entry still in the delta (edges added by recent commits) into
    /// its node's list now. A commit does this by itself once the delta is as large as the
    /// lists, so it is never needed; it makes the lists contiguous again before a phase of
    /// traversals that follows many small commits, at the cost of rewriting the leaves the
    /// delta touches. See `docs/architecture.md` ("The delta").
    pub fn fold_adjacency(&mut self) -> Result<()> {
        self.roots.adjacency.fold(&mut self.txn)?;
        Ok(())
    }

    /// Makes the transaction's changes visible to new readers and, unless the transaction is
    /// non-durable, durable.
    pub fn commit(mut self) -> Result<()> {
        let entries = 2 * self.roots.edges.len();
        self.roots.adjacency.settle(&mut self.txn, entries)?;
        self.roots.save(&mut self.txn)?;
        self.txn.commit()?;
        Ok(())
    }

    /// Discards the transaction's changes (as dropping it does).
    pub fn abort(self) {}

    /// Refuses an edge whose `from` or `to` node does not exist.
    ///
    /// While no node was ever deleted (`len == next_id`; ids are never reused), every id below
    /// the next is a node, so the counts answer without a page. A bulk load checks both ends of
    /// every edge: on `kron` those two descents through the write transaction's pages were half
    /// the edges' load time. Otherwise the node's slot is read.
    fn check_ends(&self, from: NodeId, to: NodeId) -> Result<()> {
        let nodes = &self.roots.nodes;
        let none_deleted = nodes.len() == nodes.next_id();
        for node in [from, to] {
            let exists = if none_deleted {
                node.0 < nodes.next_id()
            } else {
                nodes.contains(&self.txn, node.0)?
            };
            if !exists {
                return Err(Error::NodeNotFound(node));
            }
        }
        Ok(())
    }

    /// The id of a kind or edge type, interning it if it is new.
    fn intern(&mut self, label: Label, name: &str) -> Result<u32> {
        let cache = match label {
            Label::Kind => &mut self.kinds,
            Label::EdgeType => &mut self.edge_types,
        };
        if let Some(id) = cache.get(name) {
            return Ok(*id);
        }
        let id = strings::intern(&mut self.roots.strings, &mut self.txn, label, name)?;
        cache.insert(name.to_owned(), id);
        Ok(id)
    }

    fn node_key(&self, id: NodeId) -> Result<NodeKey> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        Ok(NodeKey {
            kind: node.kind_id(),
            name: node.name()?.as_bytes().to_vec(),
        })
    }

    fn index(&mut self, kind: u32, name: &[u8], id: u64) -> Result<()> {
        self.roots
            .by_kind
            .insert(&mut self.txn, &kind_key(kind, id), &[])?;
        // An unnamed node has no by-name key (layout 7).
        if !name.is_empty() {
            self.roots
                .by_name
                .insert(&mut self.txn, &name_key(name, id), &[])?;
        }
        Ok(())
    }

    fn unindex(&mut self, key: &NodeKey, id: u64) -> Result<()> {
        let by_kind = self
            .roots
            .by_kind
            .delete(&mut self.txn, &kind_key(key.kind, id))?;
        // An unnamed node has a by-name key only if a layout before 7 wrote it.
        let by_name = self
            .roots
            .by_name
            .delete(&mut self.txn, &name_key(&key.name, id))?;
        if !by_kind || !(by_name || key.name.is_empty()) {
            return Err(Error::corrupt(format!(
                "node {id} was missing from an index"
            )));
        }
        Ok(())
    }
}

/// Edge types [`WriteTxn::add_edges`] keeps at hand, compared by name before the interning
/// cache is asked (a hash of the name per edge was a tenth of a bulk load's edge time).
const RECENT_TYPES: usize = 8;

/// The id of `name` among the types [`WriteTxn::add_edges`] keeps at hand. A bulk load passes
/// the same few `&str`s again and again, so the same pointer and length answer before the bytes
/// are compared.
fn recent_type(recent: &[(&str, u32)], name: &str) -> Option<u32> {
    let same = |known: &str| std::ptr::eq(known, name) || known == name;
    recent
        .iter()
        .find(|(known, _)| same(known))
        .map(|(_, id)| *id)
}

/// A node's stored payload: its name, then its data.
fn payload(name: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(name.len() + data.len());
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

impl std::fmt::Debug for WriteTxn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTxn")
            .field("txn_id", &self.txn.txn_id())
            .finish()
    }
}

#[cfg(test)]
impl WriteTxn {
    /// The name index and the pager transaction that changes it, for tests that build what an
    /// earlier layout wrote or what damage leaves.
    pub(crate) fn name_index_for_test(&mut self) -> (&mut btree::Tree, &mut pager_mmap::WriteTxn) {
        (&mut self.roots.by_name, &mut self.txn)
    }
}
