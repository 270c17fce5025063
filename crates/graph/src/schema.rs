//! How the graph uses the pager's root slots, the record attributes, and the index keys.
//! `docs/format.md` ("Graph") describes the same, byte by byte.

use nodepage::{Attrs, RecordTable, TableRoot};
use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};

/// Root slot 0 holds this marker (`"MMGGRAPH"` as a little-endian u64) plus the layout version
/// in slot 14: a file whose slot 0 is 0 holds no graph yet.
pub(crate) const GRAPH_MARKER: u64 = u64::from_le_bytes(*b"MMGGRAPH");
/// The graph layout version this build reads and writes.
pub(crate) const LAYOUT_VERSION: u64 = 1;

pub(crate) const SLOT_MARKER: usize = 0;
pub(crate) const SLOT_NODES: usize = 1;
pub(crate) const SLOT_EDGES: usize = 5;
pub(crate) const SLOT_ADJACENCY: usize = 9;
pub(crate) const SLOT_STRINGS: usize = 11;
pub(crate) const SLOT_BY_KIND: usize = 12;
pub(crate) const SLOT_BY_NAME: usize = 13;
pub(crate) const SLOT_VERSION: usize = 14;
/// The catalog of key-value spaces (0 until the first key is set; a layout-1 file written before
/// the spaces existed simply has none).
pub(crate) const SLOT_KV: usize = 15;

/// Node records per record-table leaf: nodes carry a name and data, so fewer per leaf leave
/// each a larger share of the leaf's heap.
pub(crate) const NODE_SLOTS: usize = 32;
/// Edge records per record-table leaf: most edges carry little or no data.
pub(crate) const EDGE_SLOTS: usize = 96;

/// The longest kind or edge type name, in bytes.
pub const MAX_LABEL_LEN: usize = 255;
/// The longest node name, in bytes: the name index key is name, NUL, id.
pub const MAX_NAME_LEN: usize = btree::MAX_KEY_LEN - 9;

/// A node record's attributes.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
pub(crate) struct NodeAttrs {
    /// The kind's id in the string table.
    pub(crate) kind: U32,
    /// Bytes of the payload that are the name; the rest is the data.
    pub(crate) name_len: U32,
    /// Zero.
    pub(crate) reserved: [u8; 16],
}
const _: () = assert!(size_of::<NodeAttrs>() == nodepage::ATTR_SIZE);

/// An edge record's attributes.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
pub(crate) struct EdgeAttrs {
    /// The source node.
    pub(crate) from: U64,
    /// The target node.
    pub(crate) to: U64,
    /// The edge type's id in the string table.
    pub(crate) edge_type: U32,
    /// Zero.
    pub(crate) reserved: U32,
}
const _: () = assert!(size_of::<EdgeAttrs>() == nodepage::ATTR_SIZE);

impl NodeAttrs {
    pub(crate) fn encode(kind: u32, name_len: usize) -> Result<Attrs> {
        let name_len =
            u32::try_from(name_len).map_err(|_| invalid("node name", "too long".into()))?;
        let attrs = NodeAttrs {
            kind: U32::new(kind),
            name_len: U32::new(name_len),
            reserved: [0; 16],
        };
        Ok(attrs_bytes(attrs.as_bytes()))
    }

    pub(crate) fn read(attrs: &Attrs) -> NodeAttrs {
        // `NodeAttrs` is exactly `ATTR_SIZE` bytes, asserted above.
        NodeAttrs::read_from_bytes(attrs).unwrap_or(NodeAttrs {
            kind: U32::ZERO,
            name_len: U32::ZERO,
            reserved: [0; 16],
        })
    }
}

impl EdgeAttrs {
    pub(crate) fn encode(from: u64, to: u64, edge_type: u32) -> Attrs {
        let attrs = EdgeAttrs {
            from: U64::new(from),
            to: U64::new(to),
            edge_type: U32::new(edge_type),
            reserved: U32::ZERO,
        };
        attrs_bytes(attrs.as_bytes())
    }

    pub(crate) fn read(attrs: &Attrs) -> EdgeAttrs {
        // `EdgeAttrs` is exactly `ATTR_SIZE` bytes, asserted above.
        EdgeAttrs::read_from_bytes(attrs).unwrap_or(EdgeAttrs {
            from: U64::ZERO,
            to: U64::ZERO,
            edge_type: U32::ZERO,
            reserved: U32::ZERO,
        })
    }
}

fn attrs_bytes(bytes: &[u8]) -> Attrs {
    let mut attrs = [0u8; nodepage::ATTR_SIZE];
    attrs.copy_from_slice(bytes);
    attrs
}

pub(crate) fn invalid(what: &'static str, why: String) -> Error {
    Error::InvalidString { what, why }
}

/// Checks a node name: at most [`MAX_NAME_LEN`] bytes, no NUL.
pub fn check_name(name: &str) -> Result<()> {
    if name.len() > MAX_NAME_LEN {
        return Err(invalid(
            "node name",
            format!("{} bytes, the limit is {MAX_NAME_LEN}", name.len()),
        ));
    }
    if name.contains('\0') {
        return Err(invalid("node name", "it contains a NUL character".into()));
    }
    Ok(())
}

/// Checks a kind or edge type name (`what` says which, for the error): 1 to [`MAX_LABEL_LEN`]
/// bytes.
pub fn check_label(what: &'static str, label: &str) -> Result<()> {
    if label.is_empty() || label.len() > MAX_LABEL_LEN {
        return Err(invalid(
            what,
            format!("{} bytes, it must have 1 to {MAX_LABEL_LEN}", label.len()),
        ));
    }
    Ok(())
}

/// The by-kind index key: kind (4 bytes, big-endian), node (8 bytes, big-endian).
pub(crate) fn kind_key(kind: u32, node: u64) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..4].copy_from_slice(&btree::keys::u32_key(kind));
    key[4..].copy_from_slice(&btree::keys::u64_key(node));
    key
}

/// The by-name index key: name, NUL, node (8 bytes, big-endian).
pub(crate) fn name_key(name: &[u8], node: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 9);
    key.extend_from_slice(name);
    key.push(0);
    key.extend_from_slice(&btree::keys::u64_key(node));
    key
}

/// The node id at the end of an index key.
pub(crate) fn node_of_key(key: &[u8]) -> Result<u64> {
    key.len()
        .checked_sub(8)
        .and_then(|at| key.get(at..))
        .and_then(btree::keys::decode_u64)
        .ok_or_else(|| Error::Corrupt(format!("an index key of {} bytes", key.len())))
}

/// The record table whose root occupies four consecutive slots as `words`.
pub(crate) fn table_from_slots(words: [u64; 4], slots_per_leaf: usize) -> Result<RecordTable> {
    Ok(RecordTable::open(
        TableRoot::from_words(words),
        slots_per_leaf,
    )?)
}
