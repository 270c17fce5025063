//! Property indexes: for a (label, key) pair, the labelled nodes ordered by the value of that
//! property, so an equality or range predicate reads O(matches) entries instead of scanning
//! the label. Kept in two internal key-value spaces (`docs/format.md`, "Property indexes"):
//! the registry `"\0property-indexes"` (name -> label and key) and the entries
//! `"\0property-index"` (`label ‖ key ‖ value ‖ node`, values empty). Every write that can
//! change a node's labels or properties calls [`unindex_node`] before and [`index_node`]
//! after; with no index defined that costs one catalog lookup.

use std::ops::Bound;

use btree::keys::KeyBuilder;

use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::read::GraphRead;
use crate::write::WriteTxn;

use super::value::Value;
use super::{PropertyRead, decode_properties};

const REGISTRY: &str = "\u{0}property-indexes";
pub(crate) const ENTRIES: &str = "\u{0}property-index";

/// The longest string prefix an index key holds; longer strings share a key and are told
/// apart by the caller's check of the property itself.
const MAX_INDEXED_STRING: usize = 900;

/// One property index: its name, label and property key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyIndex {
    /// The name it was created by.
    pub name: String,
    /// The label of the nodes it covers.
    pub label: String,
    /// The property it orders them by.
    pub key: String,
}

/// The order-preserving bytes of an indexable value: a type byte, then for numbers the
/// float's bits made orderable (integers and floats interleave by value; an integer beyond
/// 2^53 shares its key with its float neighbours), for strings the bytes (cut to
/// [`MAX_INDEXED_STRING`]), for booleans one byte. Lists, maps, bytes and null are not indexed.
pub fn index_value(value: &Value) -> Option<Vec<u8>> {
    Some(match value {
        Value::Bool(b) => vec![0x10, u8::from(*b)],
        Value::Int(_) | Value::Float(_) => {
            let f = match value {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                _ => return None,
            };
            let bits = (f + 0.0).to_bits();
            let ordered = if f.is_sign_negative() {
                !bits
            } else {
                bits ^ (1 << 63)
            };
            let mut out = vec![0x20];
            out.extend_from_slice(&btree::keys::u64_key(ordered));
            out
        }
        Value::String(s) => {
            let mut cut = s.len().min(MAX_INDEXED_STRING);
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            let mut out = vec![0x30];
            out.extend_from_slice(s.get(..cut).unwrap_or_default().as_bytes());
            out
        }
        _ => return None,
    })
}

/// The prefix of every entry of index (`label`, `key`).
fn index_prefix(label: &str, key: &str) -> Vec<u8> {
    KeyBuilder::new().str(label).str(key).finish()
}

/// An entry's key: the prefix, the value escaped (so that a value is never a prefix of
/// another's key), the node.
pub(crate) fn entry_key(label: &str, key: &str, value: &[u8], node: NodeId) -> Vec<u8> {
    KeyBuilder::new()
        .str(label)
        .str(key)
        .bytes(value)
        .u64(node.0)
        .finish()
}

/// Every index defined, by name.
pub(crate) fn indexes<T: GraphRead + ?Sized>(txn: &T) -> Result<Vec<PropertyIndex>> {
    txn.kv_prefix(REGISTRY, b"")?
        .map(|entry| {
            let (name, value) = entry?;
            let mut reader = btree::keys::KeyReader::new(&value);
            let label = reader.str()?;
            let key = reader.str()?;
            let name = String::from_utf8(name.to_vec())
                .map_err(|_| Error::corrupt("a property index name is not UTF-8"))?;
            Ok(PropertyIndex { name, label, key })
        })
        .collect()
}

/// The nodes whose indexed value lies within the bounds (encoded by [`index_value`]),
/// ascending. Candidates: a caller compares the property itself.
pub(super) fn lookup<T: GraphRead + ?Sized>(
    txn: &T,
    label: &str,
    key: &str,
    from: Bound<&[u8]>,
    to: Bound<&[u8]>,
) -> Result<Vec<NodeId>> {
    let prefix = index_prefix(label, key);
    let escaped = |v: &[u8]| {
        let mut k = prefix.clone();
        k.extend_from_slice(KeyBuilder::new().bytes(v).as_bytes());
        k
    };
    // A value's entries all start with its escaped, terminated bytes; the node id follows.
    let after = |v: &[u8]| {
        let mut k = escaped(v);
        k.extend_from_slice(&[0xFF; 9]);
        k
    };
    let lo = match from {
        Bound::Included(v) => Bound::Included(escaped(v)),
        Bound::Excluded(v) => Bound::Excluded(after(v)),
        Bound::Unbounded => Bound::Included(prefix.clone()),
    };
    let hi = match to {
        Bound::Included(v) => Bound::Included(after(v)),
        Bound::Excluded(v) => Bound::Excluded(escaped(v)),
        Bound::Unbounded => match btree::prefix_end(&prefix) {
            Some(end) => Bound::Excluded(end),
            None => Bound::Unbounded,
        },
    };
    let keys = crate::kv::range_keys(
        txn.source(),
        ENTRIES,
        lo.as_ref().map(Vec::as_slice),
        hi.as_ref().map(Vec::as_slice),
    )?;
    keys.iter()
        .map(|k| {
            k.len()
                .checked_sub(8)
                .and_then(|at| k.get(at..))
                .and_then(btree::keys::decode_u64)
                .map(NodeId)
                .ok_or_else(|| Error::corrupt("a property index key is malformed"))
        })
        .collect()
}

/// The index entries node `id` has now.
fn entries_of(txn: &WriteTxn, id: NodeId, defined: &[PropertyIndex]) -> Result<Vec<Vec<u8>>> {
    let Some(node) = txn.node(id)? else {
        return Ok(Vec::new());
    };
    let labels = txn.node_labels(id)?;
    let covering: Vec<&PropertyIndex> = defined
        .iter()
        .filter(|ix| labels.contains(&ix.label))
        .collect();
    // A node no index covers (the common case when creating nodes of another label) costs
    // no decoding of its properties.
    if covering.is_empty() {
        return Ok(Vec::new());
    }
    // Data that is not properties (opaque bytes) has nothing to index.
    let props = decode_properties(&node.data()?).unwrap_or_default();
    Ok(covering
        .into_iter()
        .filter_map(|ix| {
            let v = index_value(props.get(&ix.key)?)?;
            Some(entry_key(&ix.label, &ix.key, &v, id))
        })
        .collect())
}

pub(crate) fn any_index(txn: &WriteTxn) -> Result<bool> {
    Ok(txn.kv_len(REGISTRY)? > 0)
}

/// Removes node `id`'s entries (before a change to its labels or properties).
pub(crate) fn unindex_node(txn: &mut WriteTxn, id: NodeId) -> Result<()> {
    if !any_index(txn)? {
        return Ok(());
    }
    let defined = indexes(txn)?;
    for key in entries_of(txn, id, &defined)? {
        txn.kv_remove(ENTRIES, &key)?;
    }
    Ok(())
}

/// Adds node `id`'s entries (after a change to its labels or properties), and rewrites its
/// slots in the property columns.
pub(crate) fn index_node(txn: &mut WriteTxn, id: NodeId) -> Result<()> {
    super::column::refresh_node(txn, id)?;
    if !any_index(txn)? {
        return Ok(());
    }
    let defined = indexes(txn)?;
    for key in entries_of(txn, id, &defined)? {
        txn.kv_insert_internal(ENTRIES, &key, b"")?;
    }
    Ok(())
}

impl WriteTxn {
    /// Creates property index `name` over the nodes labelled `label`, ordered by property
    /// `key`, and fills it. Whether it was new (a name already taken is left as it was).
    pub fn create_property_index(&mut self, name: &str, label: &str, key: &str) -> Result<bool> {
        crate::schema::check_label("index name", name)?;
        if self.kv_get(REGISTRY, name.as_bytes())?.is_some() {
            return Ok(false);
        }
        let definition = KeyBuilder::new().str(label).str(key).finish();
        self.kv_insert_internal(REGISTRY, name.as_bytes(), &definition)?;
        let index = PropertyIndex {
            name: name.to_owned(),
            label: label.to_owned(),
            key: key.to_owned(),
        };
        for node in self.nodes_with_label(label)? {
            for entry in entries_of(self, node, std::slice::from_ref(&index))? {
                self.kv_insert_internal(ENTRIES, &entry, b"")?;
            }
        }
        Ok(true)
    }

    /// Drops property index `name` and its entries (unless another index covers the same label
    /// and key); whether it existed.
    pub fn drop_property_index(&mut self, name: &str) -> Result<bool> {
        let Some(index) = indexes(self)?.into_iter().find(|ix| ix.name == name) else {
            return Ok(false);
        };
        self.kv_remove(REGISTRY, name.as_bytes())?;
        let shared = indexes(self)?
            .iter()
            .any(|ix| ix.label == index.label && ix.key == index.key);
        if !shared {
            let keys: Vec<Vec<u8>> = self
                .kv_prefix(ENTRIES, &index_prefix(&index.label, &index.key))?
                .map(|e| e.map(|(k, _)| k.to_vec()))
                .collect::<Result<_>>()?;
            for k in keys {
                self.kv_remove(ENTRIES, &k)?;
            }
        }
        Ok(true)
    }
}
