//! Property columns: for a (label, key) pair, each node's value of that property in a
//! fixed-size slot addressed by node id, so that a scan of one property over a label (an
//! aggregation) reads about 255 nodes per page in id order instead of one record each.
//!
//! A column is a radix vector ([`pager_mmap::RadixVec`]) of [`ColumnPage`] leaves, leaf
//! `id / 255` holding node `id` at slot `id % 255`. A slot says whether the node has the label
//! (as its kind, or as an extra label) and its value when that is a null, boolean, integer or
//! float; any other value (a string, list, map, bytes, or data that does not decode) is marked
//! "in the record", and a scan reads it from the record as a label scan would, so the column
//! never holds a second copy of variable-length data. The columns are listed in the internal
//! key-value space `"\0property-columns"` (`label ‖ key` -> root page and height;
//! `docs/format.md`, "Property columns"). Every write that can change a node's labels or
//! properties rewrites its slot in every column ([`refresh_node`]), in the same transaction;
//! a slot that does not change is not written, so writes to nodes no column covers copy no
//! page. `check()` compares every slot with the record ([`check`]).

use btree::keys::KeyBuilder;
use pager_mmap::{PAGE_SIZE, Page, PageHeader, PageId, PageSource, PageType, RadixVec};
use zerocopy::little_endian::U64;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::read::GraphRead;
use crate::write::WriteTxn;

use super::labels::{self, NO_LABEL};
use super::value::{PropertyMap, Value};
use super::view::ValueRef;
use super::{for_each_labelled_node, with_data_property, with_node_property};

/// The internal key-value space listing the columns: `label ‖ key` -> root and height.
const COLUMNS: &str = "\u{0}property-columns";

/// The type tag of a column page.
pub(crate) const COLUMN_PAGE: PageType = PageType(64);

/// Not labelled (or no such node): every byte of the slot is 0.
const NOT_MEMBER: u8 = 0;
/// Labelled by its kind.
const BY_KIND: u8 = 1;
/// Labelled by an extra label.
const BY_EXTRA_LABEL: u8 = 2;

/// No such property.
const ABSENT: u8 = 0;
/// A null.
const NULL: u8 = 1;
/// A boolean: `value` 0 or 1.
const BOOL: u8 = 2;
/// An integer: `value` its two's complement bits.
const INT: u8 = 3;
/// A float: `value` its IEEE 754 bits.
const FLOAT: u8 = 4;
/// Any other value: read it from the record.
const IN_RECORD: u8 = 5;

/// One node's entry in a column.
#[repr(C)]
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
struct Slot {
    /// [`NOT_MEMBER`], [`BY_KIND`] or [`BY_EXTRA_LABEL`].
    member: u8,
    /// [`ABSENT`], [`NULL`], [`BOOL`], [`INT`], [`FLOAT`] or [`IN_RECORD`]; 0 when not a member.
    tag: u8,
    /// Zero.
    reserved: [u8; 6],
    /// The value's bits for [`BOOL`], [`INT`] and [`FLOAT`]; else 0.
    value: U64,
}
const _: () = assert!(size_of::<Slot>() == 16);

impl Slot {
    const EMPTY: Slot = Slot {
        member: NOT_MEMBER,
        tag: ABSENT,
        reserved: [0; 6],
        value: U64::new(0),
    };

    fn new(member: u8, (tag, value): (u8, u64)) -> Slot {
        Slot {
            member,
            tag,
            reserved: [0; 6],
            value: U64::new(value),
        }
    }
}

/// Slots in a column page.
pub(crate) const SLOTS_PER_PAGE: usize = (PAGE_SIZE - size_of::<PageHeader>()) / size_of::<Slot>();
const _: () = assert!(SLOTS_PER_PAGE == 255);
const SLOTS: u64 = SLOTS_PER_PAGE as u64;

/// A leaf of a column: the slots of nodes `255 * leaf .. 255 * leaf + 255`.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
struct ColumnPage {
    header: PageHeader,
    slots: [Slot; SLOTS_PER_PAGE],
}
const _: () = assert!(size_of::<ColumnPage>() == PAGE_SIZE);

impl Page for ColumnPage {
    const TYPE: PageType = COLUMN_PAGE;
}

/// One property column: the label of the nodes it covers and the property it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyColumn {
    /// The label.
    pub label: String,
    /// The property key.
    pub key: String,
}

/// A column with its radix vector, as the registry holds it.
struct Stored {
    column: PropertyColumn,
    vec: RadixVec,
}

fn registry_key(label: &str, key: &str) -> Vec<u8> {
    KeyBuilder::new().str(label).str(key).finish()
}

fn decode_root(bytes: &[u8]) -> Result<RadixVec> {
    let word = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
    };
    match (bytes.len(), word(0), word(8)) {
        (16, Some(root), Some(height)) => Ok(RadixVec::open(root, height)?),
        _ => Err(Error::corrupt("a property column entry is not 16 bytes")),
    }
}

fn encode_root(vec: RadixVec) -> [u8; 16] {
    let mut out = [0u8; 16];
    let (root, height) = out.split_at_mut(8);
    root.copy_from_slice(&vec.root.to_le_bytes());
    height.copy_from_slice(&vec.height.to_le_bytes());
    out
}

/// Every column with its vector, in registry order (label, then key).
fn stored<T: GraphRead + ?Sized>(txn: &T) -> Result<Vec<Stored>> {
    txn.kv_prefix(COLUMNS, b"")?
        .map(|entry| {
            let (name, value) = entry?;
            let mut reader = btree::keys::KeyReader::new(&name);
            let column = PropertyColumn {
                label: reader.str()?,
                key: reader.str()?,
            };
            Ok(Stored {
                column,
                vec: decode_root(&value)?,
            })
        })
        .collect()
}

/// Every column defined (see [`crate::PropertyRead::property_columns`]).
pub(super) fn columns<T: GraphRead + ?Sized>(txn: &T) -> Result<Vec<PropertyColumn>> {
    Ok(stored(txn)?.into_iter().map(|s| s.column).collect())
}

fn open<T: GraphRead + ?Sized>(txn: &T, label: &str, key: &str) -> Result<Option<RadixVec>> {
    txn.kv_get(COLUMNS, &registry_key(label, key))?
        .map(|bytes| decode_root(&bytes))
        .transpose()
}

/// The tag and bits of a property value lent by [`with_data_property`].
fn classify(value: Option<ValueRef<'_>>) -> (u8, u64) {
    match value {
        None => (ABSENT, 0),
        Some(ValueRef::Null) => (NULL, 0),
        Some(ValueRef::Bool(b)) => (BOOL, u64::from(b)),
        Some(ValueRef::Int(i)) => (INT, i as u64),
        Some(ValueRef::Float(f)) => (FLOAT, f.to_bits()),
        Some(_) => (IN_RECORD, 0),
    }
}

/// The tag and bits of a property value given as a [`Value`] (a new node's), the same as
/// [`classify`] gives for it once encoded.
fn classify_value(value: Option<&Value>) -> (u8, u64) {
    match value {
        // Null values are not stored: a null in a new node's map is no property.
        None | Some(Value::Null) => (ABSENT, 0),
        Some(Value::Bool(b)) => (BOOL, u64::from(*b)),
        Some(Value::Int(i)) => (INT, *i as u64),
        Some(Value::Float(f)) => (FLOAT, f.to_bits()),
        Some(_) => (IN_RECORD, 0),
    }
}

/// The slot node `id` has in column `column`, from its record and labels. `kind` is the id
/// of the column's label as a kind, if it is one.
fn record_slot<T: GraphRead + ?Sized>(
    txn: &T,
    id: NodeId,
    kind: Option<u32>,
    column: &PropertyColumn,
) -> Result<Slot> {
    let Some(node) = txn.node(id)? else {
        return Ok(Slot::EMPTY);
    };
    let member = if Some(node.kind_id()) == kind {
        BY_KIND
    } else if labels::has_extra_label(txn, id, &column.label)? {
        BY_EXTRA_LABEL
    } else {
        return Ok(Slot::EMPTY);
    };
    // Data that does not decode is left to the record, where a scan finds the same error.
    let value = node
        .data()
        .and_then(|data| with_data_property(&data, &column.key, classify))
        .unwrap_or((IN_RECORD, 0));
    Ok(Slot::new(member, value))
}

/// Sets node `id`'s slot in `vec`, copying its leaf only when the slot changes, and freeing
/// a leaf left with no member.
fn write_slot(
    txn: &mut pager_mmap::WriteTxn,
    vec: &mut RadixVec,
    id: u64,
    slot: Slot,
) -> Result<()> {
    let (leaf, at) = (id / SLOTS, (id % SLOTS) as usize);
    let current = match vec.get(&*txn, leaf)? {
        Some(page) => txn.page_as::<ColumnPage>(page)?.slots.get(at).copied(),
        None => Some(Slot::EMPTY),
    };
    if current == Some(slot) {
        return Ok(());
    }
    let create = (slot != Slot::EMPTY).then_some(COLUMN_PAGE);
    let Some(path) = vec.leaf_mut(txn, leaf, create)? else {
        return Ok(());
    };
    let page = txn.page_mut_as::<ColumnPage>(path.leaf)?;
    if let Some(s) = page.slots.get_mut(at) {
        *s = slot;
    }
    if page.slots.iter().all(|s| *s == Slot::EMPTY) {
        vec.remove_leaf(txn, path)?;
    }
    Ok(())
}

/// Records `vec` as the root of `column` if it moved.
fn save(
    txn: &mut WriteTxn,
    column: &PropertyColumn,
    before: RadixVec,
    vec: RadixVec,
) -> Result<()> {
    if vec != before {
        txn.kv_insert_internal(
            COLUMNS,
            &registry_key(&column.label, &column.key),
            &encode_root(vec),
        )?;
    }
    Ok(())
}

/// Whether the graph has any property column.
pub(crate) fn any_column(txn: &WriteTxn) -> Result<bool> {
    Ok(txn.kv_len(COLUMNS)? > 0)
}

/// Rewrites node `id`'s slot in every column from its record and labels (after any change to
/// them, its deletion included). With no column defined that costs one catalog lookup.
pub(crate) fn refresh_node(txn: &mut WriteTxn, id: NodeId) -> Result<()> {
    if !any_column(txn)? {
        return Ok(());
    }
    for Stored { column, vec } in stored(txn)? {
        let kind = txn.kind_id(&column.label)?;
        let slot = record_slot(txn, id, kind, &column)?;
        let mut moved = vec;
        write_slot(txn.pager_txn(), &mut moved, id.0, slot)?;
        save(txn, &column, vec, moved)?;
    }
    Ok(())
}

/// Writes the slots of new nodes (`add_nodes`): node `id` with `labels` (kind first, then its
/// extra labels, as `node_labels` reports them; `kind_is_label` when the first is its kind)
/// and `properties`. The same slots [`refresh_node`] would write, without reading the records.
pub(crate) fn fill_new_nodes<'a>(
    txn: &mut WriteTxn,
    nodes: impl Iterator<Item = (NodeId, &'a str, &'a [&'a str], &'a PropertyMap)> + Clone,
) -> Result<()> {
    if !any_column(txn)? {
        return Ok(());
    }
    for Stored { column, vec } in stored(txn)? {
        let mut moved = vec;
        for (id, kind, extra, properties) in nodes.clone() {
            let member = if kind == column.label {
                BY_KIND
            } else if extra.contains(&column.label.as_str()) {
                BY_EXTRA_LABEL
            } else {
                continue;
            };
            let slot = Slot::new(member, classify_value(properties.get(&column.key)));
            write_slot(txn.pager_txn(), &mut moved, id.0, slot)?;
        }
        save(txn, &column, vec, moved)?;
    }
    Ok(())
}

/// A node's value as its column slot holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnValue {
    /// The node has no such property.
    Absent,
    /// A null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, list, map or bytes, or data that does not decode: read it from the node's
    /// record ([`super::with_node_property`]).
    InRecord,
}

/// The slots of one column page that one pass of a scan visits (the nodes with the label as
/// their kind, or as an extra label), lent by [`for_each_column_chunk`]. Every slot's tag was
/// checked when the chunk was made.
pub struct ColumnChunk<'a> {
    /// The id of the node of the page's first slot.
    first: u64,
    slots: &'a [Slot; SLOTS_PER_PAGE],
    /// The membership this pass visits.
    member: u8,
    /// How many slots have that membership.
    len: usize,
    /// Whether each of them holds an integer or a float.
    numbers_only: bool,
    /// Whether each of them holds an integer; the integers' sum (wrapping: meaningful only
    /// within the bound that [`ColumnChunk::small_int_sum`] checks) and largest magnitude.
    ints_only: bool,
    int_sum: i64,
    largest_int: u64,
    /// Whether any slot of the page is a node with the label as an extra label.
    any_extra: bool,
}

impl ColumnChunk<'_> {
    /// The number of nodes of the chunk.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the chunk has no node.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether every node's value is a [`ColumnValue::Int`] or a [`ColumnValue::Float`].
    pub fn numbers_only(&self) -> bool {
        self.numbers_only
    }

    /// The sum and the count of the chunk's values, when every one is an integer and their
    /// count times the largest magnitude among them is at most `bound`, so that no running sum
    /// of them, in any order, exceeds `bound` in magnitude; `None` otherwise, and for a `bound`
    /// of 2^63 or more (which would not keep the sums `i64`s). Counted when the chunk was made,
    /// for folds (`sum`, `avg`) that need no more than that.
    pub fn small_int_sum(&self, bound: u64) -> Option<(i64, usize)> {
        let within = (self.len as u64)
            .checked_mul(self.largest_int)
            .is_some_and(|most| most <= bound);
        (self.ints_only && within && bound < 1 << 63).then_some((self.int_sum, self.len))
    }

    /// Each node of the chunk and its value, in id order.
    pub fn values(&self) -> impl Iterator<Item = (NodeId, ColumnValue)> + Clone + '_ {
        (self.first..)
            .zip(self.slots)
            .filter(|(_, slot)| slot.member == self.member)
            .map(|(id, slot)| {
                let bits = slot.value.get();
                let value = match slot.tag {
                    ABSENT => ColumnValue::Absent,
                    NULL => ColumnValue::Null,
                    BOOL => ColumnValue::Bool(bits != 0),
                    INT => ColumnValue::Int(bits as i64),
                    FLOAT => ColumnValue::Float(f64::from_bits(bits)),
                    // IN_RECORD; `ColumnChunk::new` refused any other tag.
                    _ => ColumnValue::InRecord,
                };
                (NodeId(id), value)
            })
    }

    /// The chunk of `page` (leaf `leaf` of the column of `label` and `key`) that the pass over
    /// `member` visits, or a corruption error naming the first slot with an unknown tag. One
    /// pass over the slots checks them and counts what the accessors report.
    fn new<'a>(
        page: &'a ColumnPage,
        leaf: u64,
        member: u8,
        label: &str,
        key: &str,
    ) -> Result<ColumnChunk<'a>> {
        let first = leaf.saturating_mul(SLOTS);
        let mut chunk = ColumnChunk {
            first,
            slots: &page.slots,
            member,
            len: 0,
            numbers_only: true,
            ints_only: true,
            int_sum: 0,
            largest_int: 0,
            any_extra: false,
        };
        let mut bad_tag = false;
        // Without branches on the slots' contents: every slot costs the same.
        for slot in &page.slots {
            bad_tag |= slot.tag > IN_RECORD;
            chunk.any_extra |= slot.member == BY_EXTRA_LABEL;
            let visited = slot.member == member;
            let int = slot.tag == INT;
            chunk.len += usize::from(visited);
            chunk.numbers_only &= !visited || int || slot.tag == FLOAT;
            chunk.ints_only &= !visited || int;
            let value = if visited && int {
                slot.value.get() as i64
            } else {
                0
            };
            chunk.int_sum = chunk.int_sum.wrapping_add(value);
            chunk.largest_int = chunk.largest_int.max(value.unsigned_abs());
        }
        if bad_tag
            && let Some((id, slot)) = (first..)
                .zip(&page.slots)
                .find(|(_, slot)| slot.tag > IN_RECORD)
        {
            return Err(Error::corrupt(format!(
                "property column ({label}, {key}): node {id} has value tag {}",
                slot.tag
            )));
        }
        Ok(chunk)
    }
}

/// Calls `f` with each page's worth of the nodes labelled `label` and their property `key`,
/// read from the column of (`label`, `key`), in the order [`super::for_each_labelled_node`]
/// visits them: the nodes of that kind by id, then those with it as an extra label by id.
/// Whether there is such a column (without one, `f` is never called). For a fold over a
/// column's numbers a page at a time; [`for_each_column_value`] gives each node's value.
pub fn for_each_column_chunk<T, E>(
    txn: &T,
    label: &str,
    key: &str,
    mut f: impl FnMut(&ColumnChunk<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<bool, E>
where
    T: GraphRead + ?Sized,
    E: From<Error>,
{
    let Some(vec) = open(txn, label, key)? else {
        return Ok(false);
    };
    let src = txn.source();
    let mut leaves = Vec::new();
    vec.walk(
        src,
        |leaf, page| {
            leaves.push((leaf, page));
            Ok(())
        },
        &mut Vec::new(),
    )
    .map_err(Error::from)?;
    let mut any_extra = false;
    for member in [BY_KIND, BY_EXTRA_LABEL] {
        if member == BY_EXTRA_LABEL && !any_extra {
            break;
        }
        for &(leaf, page) in &leaves {
            let page = src.page_as::<ColumnPage>(page).map_err(Error::from)?;
            let chunk = ColumnChunk::new(page, leaf, member, label, key)?;
            any_extra |= chunk.any_extra;
            f(&chunk)?;
        }
    }
    Ok(true)
}

/// Calls `f` with each node labelled `label` and its property `key` (`None` when it has none),
/// read from the column of (`label`, `key`), in the order of [`for_each_column_chunk`].
/// Whether there is such a column (without one, `f` is never called). A value the column does
/// not hold (a string, list, map, bytes) is read from the node's record, as
/// [`super::with_node_property`] lends it.
pub fn for_each_column_value<T, E>(
    txn: &T,
    label: &str,
    key: &str,
    mut f: impl FnMut(NodeId, Option<ValueRef<'_>>) -> std::result::Result<(), E>,
) -> std::result::Result<bool, E>
where
    T: GraphRead + ?Sized,
    E: From<Error>,
{
    for_each_column_chunk(txn, label, key, |chunk| {
        for (id, value) in chunk.values() {
            match value {
                ColumnValue::Absent => f(id, None)?,
                ColumnValue::Null => f(id, Some(ValueRef::Null))?,
                ColumnValue::Bool(b) => f(id, Some(ValueRef::Bool(b)))?,
                ColumnValue::Int(i) => f(id, Some(ValueRef::Int(i)))?,
                ColumnValue::Float(x) => f(id, Some(ValueRef::Float(x)))?,
                ColumnValue::InRecord => with_node_property(txn, id, key, |v| f(id, v))??,
            }
        }
        Ok(())
    })
}

/// Appends every page of every column to `pages`; with `cross_check`, also compares every
/// slot with the node's record and labels, and every labelled node with its slot. Returns the
/// problems found.
pub(crate) fn check<T: GraphRead + ?Sized>(
    txn: &T,
    pages: &mut Vec<PageId>,
    cross_check: bool,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for Stored { column, vec } in stored(txn)? {
        let name = format!("({}, {})", column.label, column.key);
        let mut leaves = std::collections::BTreeMap::new();
        vec.walk(
            txn.source(),
            |leaf, page| {
                leaves.insert(leaf, page);
                Ok(())
            },
            pages,
        )?;
        pages.extend(leaves.values().copied());
        if !cross_check {
            continue;
        }
        let kind = txn.kind_id(&column.label)?;
        for (&leaf, &page) in &leaves {
            let slots = &txn.source().page_as::<ColumnPage>(page)?.slots;
            for (id, slot) in (leaf.saturating_mul(SLOTS)..).zip(slots) {
                let expected = record_slot(txn, NodeId(id), kind, &column)?;
                if *slot != expected {
                    problems.push(format!(
                        "column {name}: node {id} has slot {slot:?}, its record says {expected:?}"
                    ));
                }
            }
        }
        for_each_labelled_node(txn, &column.label, |node| -> Result<()> {
            if !leaves.contains_key(&(node.id().0 / SLOTS)) {
                problems.push(format!(
                    "column {name}: node {} is labelled but has no slot",
                    node.id()
                ));
            }
            Ok(())
        })?;
    }
    Ok(problems)
}

impl WriteTxn {
    /// Creates the property column of `label` and `key` and fills it from the nodes labelled
    /// `label`; whether it was new. From then on every write to a node keeps its slot, and an
    /// aggregation over the label's `key` reads the column ([`for_each_column_value`]).
    pub fn create_property_column(&mut self, label: &str, key: &str) -> Result<bool> {
        crate::schema::check_label("label", label)?;
        if label == NO_LABEL {
            return Err(crate::schema::invalid(
                "label",
                "a column needs a label; NUL is the kind of unlabelled nodes".to_owned(),
            ));
        }
        if open(self, label, key)?.is_some() {
            return Ok(false);
        }
        let column = PropertyColumn {
            label: label.to_owned(),
            key: key.to_owned(),
        };
        // Registered first, so that a key too long for the registry refuses the column before
        // any page is written.
        let empty = RadixVec::default();
        self.kv_insert_internal(COLUMNS, &registry_key(label, key), &encode_root(empty))?;
        let kind = self.kind_id(label)?;
        let mut slots = Vec::new();
        for_each_labelled_node(self, label, |node| -> Result<()> {
            slots.push((node.id(), record_slot(self, node.id(), kind, &column)?));
            Ok(())
        })?;
        let mut vec = empty;
        for (id, slot) in slots {
            write_slot(self.pager_txn(), &mut vec, id.0, slot)?;
        }
        save(self, &column, empty, vec)?;
        Ok(true)
    }

    /// Drops the property column of `label` and `key` and frees its pages; whether it existed.
    pub fn drop_property_column(&mut self, label: &str, key: &str) -> Result<bool> {
        let Some(mut vec) = open(self, label, key)? else {
            return Ok(false);
        };
        vec.free_all(self.pager_txn())?;
        self.kv_remove(COLUMNS, &registry_key(label, key))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
