//! Typed properties on nodes and edges, and labels beyond a node's kind.
//!
//! Properties live in a node's or edge's data, in a binary encoding that starts with
//! [`PROPERTIES_TAG`] (`encode.rs` writes it, `view.rs` reads one property in place by binary
//! search). Data that does not start with the tag is read as JSON (an object), so data
//! written as JSON before properties existed reads as properties; empty data is no
//! properties. Extra labels are in `labels.rs`.

pub(crate) mod column;
mod encode;
pub(crate) mod index;
mod json;
mod label_scan;
pub(crate) mod labels;
mod value;
mod view;

pub use column::{
    ColumnChunk, ColumnValue, PropertyColumn, for_each_column_chunk, for_each_column_value,
};
pub(crate) use encode::encode_properties_into;
pub use encode::{PROPERTIES_TAG, encode_properties};
pub use index::{PropertyIndex, index_value};
pub use label_scan::for_each_labelled_node;
pub use labels::NO_LABEL;
pub use value::{PropertyMap, Value};
pub use view::{ListView, MapView, ValueRef};

use crate::error::{Error, Result};
use crate::ids::{EdgeId, NodeId};
use crate::read::GraphRead;
use crate::write::WriteTxn;

/// Every property in node or edge `data`.
pub fn decode_properties(data: &[u8]) -> Result<PropertyMap> {
    if data.is_empty() {
        return Ok(PropertyMap::new());
    }
    match MapView::parse(data)? {
        Some(view) => view.to_map(),
        None => json::json_properties(data),
    }
}

/// Property `key` in node or edge `data`; only that property is decoded when the data is in
/// the binary encoding.
pub fn decode_property(data: &[u8], key: &str) -> Result<Option<Value>> {
    if data.is_empty() {
        return Ok(None);
    }
    match MapView::parse(data)? {
        Some(view) => view.get(key)?.map(|v| v.to_value()).transpose(),
        None => Ok(json::json_properties(data)?.remove(key)),
    }
}

/// Property `key` of node `id`, read in place and lent to `f` (`None` when the node has no
/// such property): a number or boolean is read straight from the record's bytes, a string
/// borrowed from the page, and nothing else of the node is decoded or copied, so a scan that
/// reads one property of many nodes allocates nothing per node. A list, map or bytes value, or
/// data in the JSON form, is decoded and re-encoded first (the rare path).
pub fn with_node_property<T, R>(
    txn: &T,
    id: NodeId,
    key: &str,
    f: impl FnOnce(Option<ValueRef<'_>>) -> R,
) -> Result<R>
where
    T: GraphRead + ?Sized,
{
    let node = txn.node(id)?.ok_or(Error::NodeNotFound(id))?;
    with_data_property(&node.data()?, key, f)
}

/// [`with_node_property`] on node or edge `data` already in hand (a node a scan is at).
pub fn with_data_property<R>(
    data: &[u8],
    key: &str,
    f: impl FnOnce(Option<ValueRef<'_>>) -> R,
) -> Result<R> {
    if let Some(found) = MapView::scalar(data, key.as_bytes()) {
        return Ok(f(found));
    }
    let Some(value) = decode_property(data, key)? else {
        return Ok(f(None));
    };
    // One entry in the binary encoding, so that the value is lent as every other is.
    let one = encode_properties(&PropertyMap::from([(key.to_owned(), value)]))?;
    match MapView::parse(&one)? {
        Some(view) => Ok(f(view.get(key)?)),
        None => Ok(f(None)),
    }
}

/// Reading properties and labels, on both kinds of transaction.
pub trait PropertyRead: GraphRead {
    /// Every property of node `id`.
    fn node_properties(&self, id: NodeId) -> Result<PropertyMap> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        decode_properties(&node.data()?)
    }

    /// Property `key` of node `id`, if it has one.
    fn node_property(&self, id: NodeId, key: &str) -> Result<Option<Value>> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        decode_property(&node.data()?, key)
    }

    /// Every property of edge `id`.
    fn edge_properties(&self, id: EdgeId) -> Result<PropertyMap> {
        let edge = self.edge(id)?.ok_or(Error::EdgeNotFound(id))?;
        decode_properties(&edge.data()?)
    }

    /// Property `key` of edge `id`, if it has one.
    fn edge_property(&self, id: EdgeId, key: &str) -> Result<Option<Value>> {
        let edge = self.edge(id)?.ok_or(Error::EdgeNotFound(id))?;
        decode_property(&edge.data()?, key)
    }

    /// The labels of node `id`: its kind first (unless it is [`NO_LABEL`]), then its extra
    /// labels in byte order.
    fn node_labels(&self, id: NodeId) -> Result<Vec<String>> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        let kind = node.kind()?;
        let mut labels = Vec::new();
        if kind != NO_LABEL {
            labels.push(kind.into_owned());
        }
        labels.extend(labels::extra_labels(self, id)?);
        Ok(labels)
    }

    /// Whether node `id` has label `label`: its kind compared, else one index lookup.
    fn has_label(&self, id: NodeId, label: &str) -> Result<bool> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        if label != NO_LABEL && node.kind()? == label {
            return Ok(true);
        }
        labels::has_extra_label(self, id, label)
    }

    /// The nodes labelled `label` (as their kind or an extra label). O(matches): two index
    /// prefix scans.
    fn nodes_with_label(&self, label: &str) -> Result<Vec<NodeId>> {
        let mut nodes: Vec<NodeId> = self.nodes_by_kind(label)?.collect::<Result<_>>()?;
        nodes.extend(labels::extra_label_nodes(self, label)?);
        Ok(nodes)
    }

    /// The property indexes defined, by name.
    fn property_indexes(&self) -> Result<Vec<PropertyIndex>> {
        index::indexes(self)
    }

    /// The property columns defined, by label and key.
    fn property_columns(&self) -> Result<Vec<PropertyColumn>> {
        column::columns(self)
    }

    /// The nodes labelled `label` whose property `key` equals `value` (integers and floats
    /// compare by value), through a property index; `None` when no index covers `label` and
    /// `key` (or `value` is of a type indexes do not hold). O(matches).
    fn nodes_by_property(
        &self,
        label: &str,
        key: &str,
        value: &Value,
    ) -> Result<Option<Vec<NodeId>>> {
        self.nodes_by_property_range(
            label,
            key,
            std::ops::Bound::Included(value),
            std::ops::Bound::Included(value),
        )
    }

    /// The nodes labelled `label` whose property `key` lies within the bounds, ascending by
    /// value, through a property index; both bounds must be numbers, strings or booleans of
    /// one kind (an unbounded side stays within that kind). `None` when no index covers
    /// `label` and `key` or the bounds are not indexable.
    fn nodes_by_property_range(
        &self,
        label: &str,
        key: &str,
        from: std::ops::Bound<&Value>,
        to: std::ops::Bound<&Value>,
    ) -> Result<Option<Vec<NodeId>>> {
        use std::ops::Bound;
        if !self
            .property_indexes()?
            .iter()
            .any(|ix| ix.label == label && ix.key == key)
        {
            return Ok(None);
        }
        let encode = |b: Bound<&Value>| -> Option<Bound<Vec<u8>>> {
            Some(match b {
                Bound::Included(v) => Bound::Included(index_value(v)?),
                Bound::Excluded(v) => Bound::Excluded(index_value(v)?),
                Bound::Unbounded => Bound::Unbounded,
            })
        };
        let (Some(lo), Some(hi)) = (encode(from), encode(to)) else {
            return Ok(None);
        };
        // The type byte of a bounded side keeps the other side within the same kind.
        let kind = match (&lo, &hi) {
            (Bound::Included(k) | Bound::Excluded(k), _)
            | (_, Bound::Included(k) | Bound::Excluded(k)) => k.first().copied(),
            _ => None,
        };
        let Some(kind) = kind else { return Ok(None) };
        let (kind_lo, kind_hi) = (vec![kind], vec![kind + 1]);
        let lo = match &lo {
            Bound::Unbounded => Bound::Included(kind_lo.as_slice()),
            b => b.as_ref().map(Vec::as_slice),
        };
        let hi = match &hi {
            Bound::Unbounded => Bound::Excluded(kind_hi.as_slice()),
            b => b.as_ref().map(Vec::as_slice),
        };
        let candidates = index::lookup(self, label, key, lo, hi)?;
        // Keys may be shared (long strings, integers beyond 2^53): compare the values.
        let mut out = Vec::with_capacity(candidates.len());
        for node in candidates {
            if let Some(v) = self.node_property(node, key)?
                && within(&v, from, to)
            {
                out.push(node);
            }
        }
        Ok(Some(out))
    }
}

impl<T: GraphRead + ?Sized> PropertyRead for T {}

impl WriteTxn {
    /// Adds a node with `labels` (the first becomes its kind; none: [`NO_LABEL`]), an empty
    /// name and `properties`.
    pub fn add_node_with(&mut self, labels: &[&str], properties: &PropertyMap) -> Result<NodeId> {
        let kind = labels.first().copied().unwrap_or(NO_LABEL);
        let id = self.add_node(kind, "", &encode_properties(properties)?)?;
        for label in labels.iter().skip(1) {
            self.add_label(id, label)?;
        }
        Ok(id)
    }

    /// Adds an edge whose data is `properties`.
    pub fn add_edge_with(
        &mut self,
        from: NodeId,
        to: NodeId,
        edge_type: &str,
        properties: &PropertyMap,
    ) -> Result<EdgeId> {
        self.add_edge(from, to, edge_type, &encode_properties(properties)?)
    }

    /// Replaces every property of node `id`.
    pub fn set_node_properties(&mut self, id: NodeId, properties: &PropertyMap) -> Result<()> {
        self.set_node_data(id, &encode_properties(properties)?)
    }

    /// Sets property `key` of node `id` (null removes it); returns the previous value.
    pub fn set_node_property(
        &mut self,
        id: NodeId,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>> {
        let mut map = self.node_properties(id)?;
        let previous = set_in(&mut map, key, value);
        self.set_node_properties(id, &map)?;
        Ok(previous)
    }

    /// Removes property `key` of node `id`; returns its value.
    pub fn remove_node_property(&mut self, id: NodeId, key: &str) -> Result<Option<Value>> {
        self.set_node_property(id, key, Value::Null)
    }

    /// Replaces every property of edge `id`.
    pub fn set_edge_properties(&mut self, id: EdgeId, properties: &PropertyMap) -> Result<()> {
        let data = if properties.values().all(|v| matches!(v, Value::Null)) {
            Vec::new()
        } else {
            encode_properties(properties)?
        };
        self.set_edge_data(id, &data)
    }

    /// Sets property `key` of edge `id` (null removes it); returns the previous value.
    pub fn set_edge_property(
        &mut self,
        id: EdgeId,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>> {
        let mut map = self.edge_properties(id)?;
        let previous = set_in(&mut map, key, value);
        self.set_edge_properties(id, &map)?;
        Ok(previous)
    }

    /// Removes property `key` of edge `id`; returns its value.
    pub fn remove_edge_property(&mut self, id: EdgeId, key: &str) -> Result<Option<Value>> {
        self.set_edge_property(id, key, Value::Null)
    }

    /// Gives node `id` label `label`; whether it did not have it.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        crate::schema::check_label("label", label)?;
        if self.node_labels(id)?.iter().any(|l| l == label) {
            return Ok(false);
        }
        index::unindex_node(self, id)?;
        labels::insert(self, id, label)?;
        index::index_node(self, id)?;
        Ok(true)
    }

    /// Takes label `label` from node `id`; whether it had it. Removing the label that is its
    /// kind makes the kind [`NO_LABEL`] (its extra labels stay).
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool> {
        let node = self.node(id)?.ok_or(Error::NodeNotFound(id))?;
        if label != NO_LABEL && node.kind()? == label {
            let name = node.name()?.into_owned();
            let data = node.data()?.into_owned();
            self.update_node(id, NO_LABEL, &name, &data)?;
            return Ok(true);
        }
        index::unindex_node(self, id)?;
        let had = labels::remove(self, id, label)?;
        index::index_node(self, id)?;
        Ok(had)
    }
}

/// Whether `v` lies within the bounds, comparing numbers by value.
fn within(v: &Value, from: std::ops::Bound<&Value>, to: std::ops::Bound<&Value>) -> bool {
    use std::cmp::Ordering;
    use std::ops::Bound;
    let cmp = |a: &Value, b: &Value| -> Option<Ordering> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
            (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
            (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
            (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
            (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
            (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
            _ => None,
        }
    };
    let lower = match from {
        Bound::Included(b) => cmp(v, b).is_some_and(|o| o != Ordering::Less),
        Bound::Excluded(b) => cmp(v, b) == Some(Ordering::Greater),
        Bound::Unbounded => true,
    };
    let upper = match to {
        Bound::Included(b) => cmp(v, b).is_some_and(|o| o != Ordering::Greater),
        Bound::Excluded(b) => cmp(v, b) == Some(Ordering::Less),
        Bound::Unbounded => true,
    };
    lower && upper
}

/// Sets `key` in `map` (null removes); the previous value.
fn set_in(map: &mut PropertyMap, key: &str, value: Value) -> Option<Value> {
    match value {
        Value::Null => map.remove(key),
        value => map.insert(key.to_owned(), value),
    }
}

#[cfg(test)]
mod tests;
