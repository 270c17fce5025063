//! How the graph uses the pager's root slots, the record attributes, and the index keys.
//! `docs/format.md` ("Graph") describes the same, byte by byte.

use nodepage::{Attrs, RecordTable, TableRoot};
use pager_mmap::U40;
use zerocopy::little_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};

/// Root slot 0 holds this marker (`"MMGGRAPH"` as a little-endian u64) plus the layout version
/// in slot 14: a file whose slot 0 is 0 holds no graph yet.
pub(crate) const GRAPH_MARKER: u64 = u64::from_le_bytes(*b"MMGGRAPH");
/// The graph layout version this build writes.
pub(crate) const LAYOUT_VERSION: u64 = 12;
/// The earlier layouts this build also reads. Layout 11 is a subset of layout 12: it has no
/// adjacency pair pages (`edges::PairPage`, two neighbouring inline leaves in one page, which
/// layout 12 writes where a bulk load or a fold leaves both small), and layout 12 still reads
/// and writes leaves of their own. Layout 10 is a subset of layout 11: its B+trees
/// have no packed leaves (`btree`'s front-coded leaf pages, which layout 11 writes when it
/// rebuilds the by-name and by-kind indexes after a bulk load), and layout 11 still reads and
/// writes slotted ones. Layout 9 is a subset of layout 10: it has no
/// packed node-record leaves (`nodepage::PackedLeafPage`, which layout 10 writes for full
/// leaves whose names took heap pages), and layout 10 still reads and writes plain ones.
/// Layout 8 is a subset of layout 9: it keeps every
/// external id in the key-value spaces (root slots 19-26 are 0, the id maps empty), which
/// layout 9 still reads and adds to for ids that are not numbers. Layout 7 is a subset of layout 8: its vector
/// indexes all keep their node slots in the beside layout (header byte 10 is 0), which layout 8
/// still reads and writes; it creates new indexes in the aligned one. Layouts 4 to 6 are each a
/// subset of layout 7 but for one thing: they hold a name-index key for every node, where
/// layout 7 keys only named nodes (an unnamed node's key, if there, is read past by prefix
/// scans, accepted by `check` and removed with its node). Layout 6 has nothing else layout 7
/// lacks; layout 5 no inline adjacency leaves either (their `inline_used` is 0 in every
/// layout-5 file), and layout 4 no adjacency delta (slot 18 is 0). A commit rewrites the
/// version as 12, so that a build that knows only an earlier layout, which would misread what a
/// later one changed, refuses the file.
pub(crate) const LAYOUT_READ_ALSO: [u64; 8] = [4, 5, 6, 7, 8, 9, 10, 11];

pub(crate) const SLOT_MARKER: usize = 0;
pub(crate) const SLOT_NODES: usize = 1;
pub(crate) const SLOT_EDGES: usize = 5;
pub(crate) const SLOT_ADJACENCY: usize = 9;
pub(crate) const SLOT_STRINGS: usize = 11;
pub(crate) const SLOT_BY_KIND: usize = 12;
pub(crate) const SLOT_BY_NAME: usize = 13;
pub(crate) const SLOT_VERSION: usize = 14;
/// The catalog of key-value spaces (0 until the first key is set).
pub(crate) const SLOT_KV: usize = 15;
/// The edge data tree: edge id (5 bytes, big-endian) -> the edge's data, for edges whose data is
/// not empty.
pub(crate) const SLOT_EDGE_DATA: usize = 16;
/// The adjacency delta's directory (`edges::Adjacency::delta_root`): 0 while every entry is in
/// its list.
pub(crate) const SLOT_ADJACENCY_DELTA: usize = 18;
/// External ids that are numbers, number -> node (`nodepage::IdMap`, its root in four slots,
/// 19-22); see `external_ids`.
pub(crate) const SLOT_EXTERNAL_NODES: usize = 19;
/// External ids that are numbers, node -> number (`nodepage::IdMap`, slots 23-26).
pub(crate) const SLOT_EXTERNAL_NUMBERS: usize = 23;

/// Node records per record-table leaf: nodes carry a name and data, so fewer per leaf leave
/// each a larger share of the leaf's heap (80 slots of 40 bytes leave 824 bytes of own heap for
/// payloads longer than the 23 bytes a slot holds, and a leaf may add heap pages; a full leaf
/// whose names took a heap page is packed into one page when they fit, layout 10).
pub(crate) const NODE_SLOTS: usize = 80;

/// Node ids and edge ids stay below this: records and adjacency entries store them in 40 bits.
pub const MAX_IDS: u64 = pager_mmap::U40::MAX + 1;
/// Edge type ids stay below this: records and adjacency entries store them in 16 bits.
pub const MAX_EDGE_TYPES: u64 = 1 << 16;
/// The longest edge data, in bytes: edge data lives in a B+tree (node data may be longer).
pub const MAX_EDGE_DATA_LEN: usize = btree::MAX_VALUE_LEN;

/// The longest kind or edge type name, in bytes (64 KiB). The string table keys a name of up
/// to [`crate::strings`]' 1,000 bytes by the name itself and a longer one by its first 1,000
/// bytes and a hash of the rest.
pub const MAX_LABEL_LEN: usize = 1 << 16;
/// The longest node name, in bytes (64 KiB). The name index key holds the first
/// [`NAME_KEY_PREFIX`] bytes of a name; lookups of longer names compare the rest in the record.
pub const MAX_NAME_LEN: usize = 1 << 16;
/// Bytes of a node name in its name index key: name (up to this), NUL, id (5 bytes) fill a
/// B+tree key. Names longer than this share a key prefix with every name that starts the same.
pub(crate) const NAME_KEY_PREFIX: usize = btree::MAX_KEY_LEN - 1 - KEY_ID_LEN;

/// A node record's attributes.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
pub(crate) struct NodeAttrs {
    /// The kind's id in the string table.
    pub(crate) kind: U32,
    /// Bytes of the payload that are the name; the rest is the data.
    pub(crate) name_len: U32,
    /// Zero.
    pub(crate) reserved: [u8; 4],
}
const _: () = assert!(size_of::<NodeAttrs>() == nodepage::ATTR_SIZE);

/// An edge record's attributes.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
pub(crate) struct EdgeAttrs {
    /// The source node.
    pub(crate) from: U40,
    /// The target node.
    pub(crate) to: U40,
    /// The edge type's id in the string table.
    pub(crate) edge_type: U16,
}
const _: () = assert!(size_of::<EdgeAttrs>() == nodepage::ATTR_SIZE);

impl NodeAttrs {
    pub(crate) fn encode(kind: u32, name_len: usize) -> Result<Attrs> {
        let name_len =
            u32::try_from(name_len).map_err(|_| invalid("node name", "too long".into()))?;
        let attrs = NodeAttrs {
            kind: U32::new(kind),
            name_len: U32::new(name_len),
            reserved: [0; 4],
        };
        Ok(attrs_bytes(attrs.as_bytes()))
    }

    /// The attributes in place: a reference, not a copy, for the node read path (a copy was
    /// assembled from three loads and stores and read back, stalling each read).
    #[inline]
    pub(crate) fn view(attrs: &Attrs) -> &NodeAttrs {
        // Both are `ATTR_SIZE` bytes with alignment 1; the macro checks it when compiling.
        zerocopy::transmute_ref!(attrs)
    }
}

impl EdgeAttrs {
    /// The attributes of an edge between two existing nodes (whose ids are below
    /// [`MAX_IDS`], see [`check_new_id`]) of an interned type (below [`MAX_EDGE_TYPES`]).
    pub(crate) fn encode(from: u64, to: u64, edge_type: u32) -> Result<Attrs> {
        let attrs = EdgeAttrs {
            from: U40::new(from).ok_or_else(|| Error::corrupt(format!("node id {from}")))?,
            to: U40::new(to).ok_or_else(|| Error::corrupt(format!("node id {to}")))?,
            edge_type: u16::try_from(edge_type)
                .map(U16::new)
                .map_err(|_| Error::corrupt(format!("edge type id {edge_type}")))?,
        };
        Ok(attrs_bytes(attrs.as_bytes()))
    }

    #[inline]
    pub(crate) fn read(attrs: &Attrs) -> EdgeAttrs {
        // Both are `ATTR_SIZE` bytes with alignment 1; the macro checks it when compiling.
        zerocopy::transmute!(*attrs)
    }
}

/// Refuses a new node or edge (`what`) when the table would hand out an id of [`MAX_IDS`]:
/// records and adjacency entries store ids in 40 bits.
pub(crate) fn check_new_id(next_id: u64, what: &'static str) -> Result<()> {
    if next_id >= MAX_IDS {
        return Err(Error::LimitReached {
            what,
            limit: MAX_IDS,
        });
    }
    Ok(())
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

/// Bytes of a node id in an index key: its low 5 bytes, big-endian (ids are below
/// [`MAX_IDS`], so the 3 high bytes are zero).
pub(crate) const KEY_ID_LEN: usize = 5;

/// Node `node` as the last bytes of an index key (ids sort as their keys do).
fn id_key_bytes(node: u64) -> [u8; KEY_ID_LEN] {
    let [_, _, _, a, b, c, d, e] = btree::keys::u64_key(node);
    [a, b, c, d, e]
}

/// The edge data tree's key of edge `edge`.
pub(crate) fn edge_data_key(edge: u64) -> [u8; KEY_ID_LEN] {
    id_key_bytes(edge)
}

/// The edge whose data is at `key` in the edge data tree.
pub(crate) fn edge_of_data_key(key: &[u8]) -> Result<u64> {
    if key.len() != KEY_ID_LEN {
        return Err(Error::corrupt(format!(
            "an edge data key of {} bytes",
            key.len()
        )));
    }
    node_of_key(key)
}

/// Refuses edge data longer than [`MAX_EDGE_DATA_LEN`], before anything is written.
pub(crate) fn check_edge_data(data: &[u8]) -> Result<()> {
    if data.len() > MAX_EDGE_DATA_LEN {
        return Err(Error::LimitReached {
            what: "bytes of edge data",
            limit: MAX_EDGE_DATA_LEN as u64,
        });
    }
    Ok(())
}

/// The by-kind index key: kind (4 bytes, big-endian), node (5 bytes, big-endian).
pub(crate) fn kind_key(kind: u32, node: u64) -> [u8; 4 + KEY_ID_LEN] {
    let [k0, k1, k2, k3] = btree::keys::u32_key(kind);
    let [a, b, c, d, e] = id_key_bytes(node);
    [k0, k1, k2, k3, a, b, c, d, e]
}

/// The part of a node name that its name index key holds: all of it, or its first
/// [`NAME_KEY_PREFIX`] bytes.
pub(crate) fn indexed_name(name: &[u8]) -> &[u8] {
    name.get(..NAME_KEY_PREFIX).unwrap_or(name)
}

/// The by-name index key: the indexed part of the name, NUL, node (5 bytes, big-endian).
pub(crate) fn name_key(name: &[u8], node: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(indexed_name(name).len() + 1 + KEY_ID_LEN);
    push_name_key(&mut key, name, node);
    key
}

/// [`name_key`] appended to `out`, so that a batch's keys share one buffer.
pub(crate) fn push_name_key(out: &mut Vec<u8>, name: &[u8], node: u64) {
    out.extend_from_slice(indexed_name(name));
    out.push(0);
    out.extend_from_slice(&id_key_bytes(node));
}

/// The node id at the end of an index key.
pub(crate) fn node_of_key(key: &[u8]) -> Result<u64> {
    key.len()
        .checked_sub(KEY_ID_LEN)
        .and_then(|at| key.get(at..))
        .and_then(|id| <[u8; KEY_ID_LEN]>::try_from(id).ok())
        .and_then(|[a, b, c, d, e]| btree::keys::decode_u64(&[0, 0, 0, a, b, c, d, e]))
        .ok_or_else(|| Error::corrupt(format!("an index key of {} bytes", key.len())))
}

/// The record table whose root occupies four consecutive slots as `words`.
pub(crate) fn table_from_slots(words: [u64; 4], slots_per_leaf: usize) -> Result<RecordTable> {
    Ok(RecordTable::open(
        TableRoot::from_words(words),
        slots_per_leaf,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with_next_id(next_id: u64) -> RecordTable {
        let root = TableRoot {
            next_id: zerocopy::little_endian::U64::new(next_id),
            ..TableRoot::default()
        };
        RecordTable::open(root, NODE_SLOTS).expect("a table without pages may have any next id")
    }

    #[test]
    fn new_ids_stop_below_the_40_bit_limit() {
        assert!(check_new_id(table_with_next_id(MAX_IDS - 1).next_id(), "node ids").is_ok());
        let err =
            check_new_id(table_with_next_id(MAX_IDS).next_id(), "node ids").expect_err("full");
        assert!(
            matches!(
                err,
                Error::LimitReached {
                    what: "node ids",
                    limit: MAX_IDS
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn index_keys_end_in_the_node_id_and_sort_by_it() {
        for node in [0, 1, 255, 256, 1 << 32, MAX_IDS - 1] {
            assert_eq!(node_of_key(&kind_key(3, node)).ok(), Some(node));
            assert_eq!(node_of_key(&name_key(b"n", node)).ok(), Some(node));
        }
        assert!(kind_key(3, 255) < kind_key(3, 256));
        assert!(kind_key(3, MAX_IDS - 1) < kind_key(4, 0));
        assert!(name_key(b"a", 1 << 32) < name_key(b"a", (1 << 32) + 1));
        assert!(node_of_key(&[1, 2, 3]).is_err());
        assert_eq!(
            edge_of_data_key(&edge_data_key(MAX_IDS - 1)).ok(),
            Some(MAX_IDS - 1)
        );
        assert!(edge_of_data_key(&kind_key(0, 1)).is_err());
    }

    #[test]
    fn edge_attributes_round_trip_at_the_limits_and_refuse_beyond() {
        let attrs = EdgeAttrs::encode(MAX_IDS - 1, 7, u16::MAX.into()).expect("in range");
        let read = EdgeAttrs::read(&attrs);
        assert_eq!(
            (read.from.get(), read.to.get(), read.edge_type.get()),
            (MAX_IDS - 1, 7, u16::MAX)
        );
        assert!(EdgeAttrs::encode(MAX_IDS, 7, 0).is_err());
        assert!(EdgeAttrs::encode(0, 7, u32::from(u16::MAX) + 1).is_err());
    }
}
