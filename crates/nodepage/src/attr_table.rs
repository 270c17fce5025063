//! The attribute table: dense ids to fixed 12-byte attribute records with no payload, 312 to a
//! leaf page. The graph keeps its edges' endpoints and types here.

use pager_mmap::{PageSource, RadixPath, WriteTxn};
use zerocopy::little_endian::U16;

use crate::attr_leaf::{ATTR_SLOTS, AttrLeafPage, AttrSlot};
use crate::dense::{DenseTable, SlotCursor};
use crate::error::{Error, Result};
use crate::layout::{Attrs, FLAG_LIVE, TableRoot};

/// A table of attribute records with dense ids, [`ATTR_SLOTS`] to a leaf: a
/// [`crate::RecordTable`] without payloads, 13 bytes a record. The value is the table's root;
/// the owner persists [`AttrTable::root`] after a write transaction changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrTable {
    dense: DenseTable,
}

impl Default for AttrTable {
    fn default() -> AttrTable {
        AttrTable::new()
    }
}

impl AttrTable {
    /// An empty table.
    pub fn new() -> AttrTable {
        AttrTable {
            dense: DenseTable::empty(ATTR_SLOTS),
        }
    }

    /// The table whose root was persisted as `root`; an error when the root contradicts
    /// itself (more live records than ids, more leaves than its radix height addresses).
    pub fn open(root: TableRoot) -> Result<AttrTable> {
        Ok(AttrTable {
            dense: DenseTable::open(root, ATTR_SLOTS)?,
        })
    }

    /// What to persist to find this table again.
    pub fn root(&self) -> TableRoot {
        self.dense.root()
    }

    /// The leaves, next id and counts (for `check`).
    pub(crate) fn dense(&self) -> &DenseTable {
        &self.dense
    }

    /// Live records.
    pub fn len(&self) -> u64 {
        self.dense.len()
    }

    /// Whether the table has no live record.
    pub fn is_empty(&self) -> bool {
        self.dense.len() == 0
    }

    /// The id the next [`AttrTable::push`] returns; every id below it was handed out once.
    pub fn next_id(&self) -> u64 {
        self.dense.next_id()
    }

    /// The attributes of live record `id`, read in place, or `None` for an id never handed
    /// out or deleted.
    #[inline]
    pub fn get<'a, S: PageSource>(&self, src: &'a S, id: u64) -> Result<Option<&'a Attrs>> {
        match self.dense.leaf_of::<&AttrLeafPage, S>(src, id)? {
            Some((leaf, slot_index)) => live_attrs(leaf, id, slot_index),
            None => Ok(None),
        }
    }

    /// Whether record `id` is live.
    pub fn contains<S: PageSource>(&self, src: &S, id: u64) -> Result<bool> {
        Ok(self.get(src, id)?.is_some())
    }

    /// Every live record in id order, with its id.
    pub fn iter<'a, S: PageSource>(&self, src: &'a S) -> AttrRecords<'a, S> {
        AttrRecords {
            table: self.clone(),
            src,
            cursor: SlotCursor::new(),
        }
    }

    /// Adds a record and returns its id.
    pub fn push(&mut self, txn: &mut WriteTxn, attrs: &Attrs) -> Result<u64> {
        let id = self.dense.next_id();
        let path = self.dense.leaf_for_push::<AttrLeafPage>(txn)?;
        let (_, slot_index) = self.dense.position(id);
        let leaf = txn.page_mut_as::<AttrLeafPage>(path.leaf)?;
        *slot_mut(leaf, slot_index)? = AttrSlot {
            flags: FLAG_LIVE,
            attrs: *attrs,
        };
        leaf.live = U16::new(leaf.live.get().saturating_add(1));
        self.dense.count_push()
    }

    /// Adds `records`, in order, and returns the id of the first (the next id, when `records`
    /// is empty): what [`AttrTable::push`] of each gives, but with one descent and one copy of
    /// the path per leaf instead of one per record, which is what a bulk load of edges needs.
    pub fn push_all(&mut self, txn: &mut WriteTxn, records: &[Attrs]) -> Result<u64> {
        let first = self.dense.next_id();
        let mut rest = records;
        while !rest.is_empty() {
            let path = self.dense.leaf_for_push::<AttrLeafPage>(txn)?;
            let (_, start) = self.dense.position(self.dense.next_id());
            let (here, later) = rest.split_at(rest.len().min(ATTR_SLOTS.saturating_sub(start)));
            let leaf = txn.page_mut_as::<AttrLeafPage>(path.leaf)?;
            let slots = leaf
                .slots
                .get_mut(start..start + here.len())
                .ok_or_else(|| Error::Corrupt(format!("no slots {start}.. in a leaf")))?;
            for (slot, attrs) in slots.iter_mut().zip(here) {
                *slot = AttrSlot {
                    flags: FLAG_LIVE,
                    attrs: *attrs,
                };
            }
            // `here.len() <= ATTR_SLOTS` < 2^16.
            leaf.live = U16::new(leaf.live.get().saturating_add(here.len() as u16));
            self.dense.count_pushes(here.len() as u64)?;
            rest = later;
        }
        Ok(first)
    }

    /// Replaces the attributes of live record `id`; [`Error::NotFound`] when there is none.
    pub fn set(&mut self, txn: &mut WriteTxn, id: u64, attrs: &Attrs) -> Result<()> {
        let path = self.existing_leaf_mut(txn, id)?;
        let (_, slot_index) = self.dense.position(id);
        slot_mut(txn.page_mut_as::<AttrLeafPage>(path.leaf)?, slot_index)?.attrs = *attrs;
        Ok(())
    }

    /// Deletes record `id`; [`Error::NotFound`] when there is none. Its id is not handed out
    /// again. A leaf left empty is freed, and so is every radix page left without children.
    pub fn delete(&mut self, txn: &mut WriteTxn, id: u64) -> Result<()> {
        let path = self.existing_leaf_mut(txn, id)?;
        let (_, slot_index) = self.dense.position(id);
        let leaf = txn.page_mut_as::<AttrLeafPage>(path.leaf)?;
        *slot_mut(leaf, slot_index)? = AttrSlot::EMPTY;
        leaf.live = U16::new(leaf.live.get().saturating_sub(1));
        let now_empty = leaf.live.get() == 0;
        self.dense.count_delete()?;
        if now_empty {
            self.dense.remove_leaf(txn, path)?;
        }
        Ok(())
    }

    /// The copied path to the leaf of live record `id`.
    fn existing_leaf_mut(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        if !self.contains(&*txn, id)? {
            return Err(Error::NotFound(id));
        }
        self.dense.existing_leaf_mut(txn, id)
    }
}

/// The attributes in slot `slot_index` of `leaf`, which holds record `id`, if it is live.
fn live_attrs(leaf: &AttrLeafPage, id: u64, slot_index: usize) -> Result<Option<&Attrs>> {
    let slot = leaf
        .slots
        .get(slot_index)
        .ok_or_else(|| Error::Corrupt(format!("no slot {slot_index}")))?;
    match slot.flags {
        0 => Ok(None),
        FLAG_LIVE => Ok(Some(&slot.attrs)),
        flags => Err(Error::Corrupt(format!(
            "attribute record {id} has flags {flags}"
        ))),
    }
}

/// Slot `slot_index` of `leaf`, writable.
fn slot_mut(leaf: &mut AttrLeafPage, slot_index: usize) -> Result<&mut AttrSlot> {
    leaf.slots
        .get_mut(slot_index)
        .ok_or_else(|| Error::Corrupt(format!("no slot {slot_index}")))
}

/// The live records of an [`AttrTable`] in id order, each with its id; see
/// [`AttrTable::iter`]. One descent per leaf. After an error it ends.
pub struct AttrRecords<'a, S> {
    table: AttrTable,
    src: &'a S,
    cursor: SlotCursor<&'a AttrLeafPage>,
}

impl<'a, S: PageSource> Iterator for AttrRecords<'a, S> {
    type Item = Result<(u64, &'a Attrs)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (leaf, id, slot_index) = match self.cursor.next_slot(&self.table.dense, self.src)? {
                Ok(found) => found,
                Err(e) => return Some(Err(e)),
            };
            match live_attrs(leaf, id, slot_index) {
                Ok(Some(attrs)) => return Some(Ok((id, attrs))),
                Ok(None) => {}
                Err(e) => {
                    self.cursor.stop();
                    return Some(Err(e));
                }
            }
        }
    }
}
