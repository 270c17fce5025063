//! The record table: the descent from an id to its slot, and the changes a write makes.

use pager_mmap::{
    PageId, PageSource, RadixPath, WriteTxn, free_overflow, page_type_of, write_overflow,
};
use zerocopy::little_endian::{U16, U32};

use crate::dense::{DenseTable, SlotCursor};
use crate::error::{Error, Result};
use crate::heap::{in_slot_payload, inline_payload, place_inline, release_unused};
use crate::layout::{
    Attrs, FLAG_IN_SLOT, FLAG_LIVE, FLAG_OVERFLOW, IN_SLOT_LIMIT, LeafPage, MAX_PAYLOAD, MAX_SLOTS,
    MIN_SLOTS, PACKED_LEAF, PackedLeafPage, RecordSlot, TableRoot,
};
use crate::leaf::{slot, slot_mut};
use crate::packed::{
    RecordLeaf, empty_plain_leaf, pack_if_smaller, packed_payload, packed_records, packed_slot,
};
use crate::record::{Payload, Record};

/// A table of records with dense ids. The value is the table's root; the owner persists
/// [`RecordTable::root`] after a write transaction changes it, and opens the table again with
/// the same slots per leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordTable {
    dense: DenseTable,
}

impl RecordTable {
    /// An empty table whose leaves hold `slots_per_leaf` records each (between [`MIN_SLOTS`]
    /// and [`MAX_SLOTS`]): more for small records, fewer for records with larger payloads.
    pub fn new(slots_per_leaf: usize) -> Result<RecordTable> {
        RecordTable::open(TableRoot::default(), slots_per_leaf)
    }

    /// The table whose root was persisted as `root`, with `slots_per_leaf` records per leaf.
    pub fn open(root: TableRoot, slots_per_leaf: usize) -> Result<RecordTable> {
        if !(MIN_SLOTS..=MAX_SLOTS).contains(&slots_per_leaf) {
            return Err(Error::Corrupt(format!("{slots_per_leaf} slots per leaf")));
        }
        Ok(RecordTable {
            dense: DenseTable::open(root, slots_per_leaf)?,
        })
    }

    /// What to persist to find this table again.
    pub fn root(&self) -> TableRoot {
        self.dense.root()
    }

    /// Records per leaf.
    #[inline]
    pub fn slots_per_leaf(&self) -> usize {
        self.dense.per_leaf()
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

    /// The id the next [`RecordTable::push`] returns; every id below it was handed out once.
    pub fn next_id(&self) -> u64 {
        self.dense.next_id()
    }

    /// The live record `id`, read in place, or `None`.
    #[inline(always)]
    pub fn get<'a, S: PageSource>(&self, src: &'a S, id: u64) -> Result<Option<Record<'a, S>>> {
        let Some((leaf, slot_index)) = self.dense.leaf_of::<RecordLeaf, S>(src, id)? else {
            return Ok(None);
        };
        self.record(src, leaf, id, slot_index)
    }

    /// Whether record `id` is live: the descent and the slot's flag, without reading its
    /// payload.
    pub fn contains<S: PageSource>(&self, src: &S, id: u64) -> Result<bool> {
        let Some((leaf, slot_index)) = self.dense.leaf_of::<RecordLeaf, S>(src, id)? else {
            return Ok(false);
        };
        let per_leaf = self.slots_per_leaf();
        let flags = match leaf {
            RecordLeaf::Plain(leaf) => slot(leaf, per_leaf, slot_index)?.flags,
            RecordLeaf::Packed(leaf) => packed_slot(leaf, per_leaf, slot_index)?.flags,
        };
        Ok(flags & FLAG_LIVE != 0)
    }

    /// The record in slot `slot_index` of `leaf`, if live.
    #[inline(always)]
    pub(crate) fn record<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: RecordLeaf<'a>,
        id: u64,
        slot_index: usize,
    ) -> Result<Option<Record<'a, S>>> {
        match leaf {
            RecordLeaf::Plain(leaf) => self.plain_record(src, leaf, id, slot_index),
            RecordLeaf::Packed(leaf) => self.packed_record(src, leaf, id, slot_index),
        }
    }

    /// The record in slot `slot_index` of the plain `leaf`, if live.
    #[inline(always)]
    fn plain_record<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: &'a LeafPage,
        id: u64,
        slot_index: usize,
    ) -> Result<Option<Record<'a, S>>> {
        let slot = slot(leaf, self.slots_per_leaf(), slot_index)?;
        if slot.flags & FLAG_LIVE == 0 {
            return Ok(None);
        }
        let payload = match slot.flags & (FLAG_OVERFLOW | FLAG_IN_SLOT) {
            FLAG_IN_SLOT => Payload::InPage(in_slot_payload(slot)?),
            0 => Payload::InPage(inline_payload(src, leaf, self.slots_per_leaf(), slot)?),
            FLAG_OVERFLOW => Payload::Overflow(slot.overflow_head()),
            _ => {
                return Err(Error::Corrupt(format!(
                    "record {id} is both in its slot and in an overflow chain"
                )));
            }
        };
        Ok(Some(Record {
            src,
            id,
            attrs: &slot.attrs,
            payload_len: slot.payload_len.get(),
            payload,
        }))
    }

    /// The record in slot `slot_index` of the packed `leaf`, if live.
    #[inline(always)]
    fn packed_record<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: &'a PackedLeafPage,
        id: u64,
        slot_index: usize,
    ) -> Result<Option<Record<'a, S>>> {
        let per_leaf = self.slots_per_leaf();
        let slot = packed_slot(leaf, per_leaf, slot_index)?;
        if slot.flags & FLAG_LIVE == 0 {
            return Ok(None);
        }
        Ok(Some(Record {
            src,
            id,
            attrs: &slot.attrs,
            payload_len: u32::from(slot.payload_len.get()),
            payload: Payload::InPage(packed_payload(leaf, per_leaf, slot)?),
        }))
    }

    /// Every live record in id order.
    pub fn iter<'a, S: PageSource>(&self, src: &'a S) -> Records<'a, S> {
        Records {
            table: self.clone(),
            src,
            cursor: SlotCursor::new(),
        }
    }

    /// Adds a record and returns its id. The record that fills a leaf's last slot packs the
    /// leaf when its records took heap pages and fit one page ([`PackedLeafPage`]).
    pub fn push(&mut self, txn: &mut WriteTxn, attrs: &Attrs, payload: &[u8]) -> Result<u64> {
        check_len(payload)?;
        let id = self.dense.next_id();
        // The next id's leaf still has ids to hand out, so it is never packed (a packed page
        // here is damage, which `store` reports as a page of the wrong type).
        let path = self.dense.leaf_for_push::<LeafPage>(txn)?;
        self.store(txn, path.leaf, id, attrs, payload)?;
        let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
        leaf.live = U16::new(leaf.live.get().saturating_add(1));
        let (_, slot_index) = self.dense.position(id);
        if slot_index + 1 == self.slots_per_leaf() {
            pack_if_smaller(txn, path.leaf, self.slots_per_leaf())?;
        }
        self.dense.count_push()
    }

    /// Turns the writable leaf `leaf_id` back into a plain leaf if it is packed: its records are
    /// stored again as [`RecordTable::push`] stores them.
    fn unpack(&mut self, txn: &mut WriteTxn, leaf_id: PageId) -> Result<()> {
        if page_type_of(txn.page(leaf_id)?) != PACKED_LEAF {
            return Ok(());
        }
        let packed = txn.page_as::<PackedLeafPage>(leaf_id)?;
        let records = packed_records(packed, self.slots_per_leaf())?;
        let (first_id, live) = (packed.first_id, packed.live);
        *txn.page_mut(leaf_id)? = *empty_plain_leaf(first_id, packed.slot_count)?;
        for (index, attrs, payload) in records.iter() {
            let id = first_id.get().saturating_add(index as u64);
            self.store(txn, leaf_id, id, attrs, payload)?;
        }
        txn.page_mut_as::<LeafPage>(leaf_id)?.live = live;
        Ok(())
    }

    /// Replaces the attributes of record `id`, and its payload when `payload` is given.
    pub fn update(
        &mut self,
        txn: &mut WriteTxn,
        id: u64,
        attrs: &Attrs,
        payload: Option<&[u8]>,
    ) -> Result<()> {
        if let Some(payload) = payload {
            check_len(payload)?;
        }
        let path = self.existing_leaf_mut(txn, id)?;
        match payload {
            Some(payload) => {
                self.free_payload(txn, path.leaf, id)?;
                self.store(txn, path.leaf, id, attrs, payload)?;
                release_unused(txn, path.leaf, self.slots_per_leaf())
            }
            None => {
                let (_, slot_index) = self.dense.position(id);
                slot_mut(
                    txn.page_mut_as::<LeafPage>(path.leaf)?,
                    self.slots_per_leaf(),
                    slot_index,
                )?
                .attrs = *attrs;
                Ok(())
            }
        }
    }

    /// Deletes record `id`. Its id is not handed out again. A leaf left empty is freed with its
    /// heap pages, and so is every radix page left without children.
    pub fn delete(&mut self, txn: &mut WriteTxn, id: u64) -> Result<()> {
        let path = self.existing_leaf_mut(txn, id)?;
        self.free_payload(txn, path.leaf, id)?;
        let (_, slot_index) = self.dense.position(id);
        let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
        *slot_mut(leaf, self.slots_per_leaf(), slot_index)? = RecordSlot::EMPTY;
        leaf.live = U16::new(leaf.live.get().saturating_sub(1));
        let now_empty = leaf.live.get() == 0;
        self.dense.count_delete()?;
        release_unused(txn, path.leaf, self.slots_per_leaf())?;
        if now_empty {
            self.dense.remove_leaf(txn, path)?;
        }
        Ok(())
    }

    /// Writes `payload` and `attrs` into the slot of `id` in the (writable) leaf: in the slot
    /// when it is short enough, else in a heap when it fits, else in a new overflow chain. Any
    /// old overflow chain must be freed already.
    fn store(
        &mut self,
        txn: &mut WriteTxn,
        leaf_id: PageId,
        id: u64,
        attrs: &Attrs,
        payload: &[u8],
    ) -> Result<()> {
        let (_, slot_index) = self.dense.position(id);
        let per_leaf = self.slots_per_leaf();
        let place = if payload.len() <= IN_SLOT_LIMIT {
            Place::InSlot
        } else if place_inline(txn, leaf_id, per_leaf, slot_index, payload)? {
            Place::Heap
        } else {
            Place::Overflow(write_overflow(txn, payload)?)
        };
        let slot = slot_mut(txn.page_mut_as::<LeafPage>(leaf_id)?, per_leaf, slot_index)?;
        match place {
            Place::InSlot => {
                slot.set_in_slot(payload);
                slot.flags = FLAG_LIVE | FLAG_IN_SLOT;
            }
            // The payload's heap area and offset were set by `place_inline`.
            Place::Heap => slot.flags = FLAG_LIVE,
            Place::Overflow(head) => {
                slot.set_overflow_head(head)?;
                slot.flags = FLAG_LIVE | FLAG_OVERFLOW;
            }
        }
        // `check_len` bounds the length by `MAX_PAYLOAD` = `u32::MAX`.
        slot.payload_len = U32::new(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        slot.attrs = *attrs;
        Ok(())
    }

    /// Frees the overflow chain of `id`'s payload, if it has one.
    fn free_payload(&mut self, txn: &mut WriteTxn, leaf_id: PageId, id: u64) -> Result<()> {
        let (_, slot_index) = self.dense.position(id);
        let slot = *slot(
            txn.page_as::<LeafPage>(leaf_id)?,
            self.slots_per_leaf(),
            slot_index,
        )?;
        if slot.flags & FLAG_OVERFLOW != 0 {
            free_overflow(txn, slot.overflow_head(), u64::from(slot.payload_len.get()))?;
        }
        Ok(())
    }

    /// The copied path to the leaf of live record `id`, a plain leaf (unpacked if it was
    /// packed).
    fn existing_leaf_mut(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        if self.get(&*txn, id)?.is_none() {
            return Err(Error::NotFound(id));
        }
        let path = self.dense.existing_leaf_mut(txn, id)?;
        self.unpack(txn, path.leaf)?;
        Ok(path)
    }
}

/// Where [`RecordTable::store`] puts a payload.
enum Place {
    /// In the record's slot.
    InSlot,
    /// In a heap of the leaf (placed already).
    Heap,
    /// In the overflow chain starting at this page.
    Overflow(PageId),
}

fn check_len(payload: &[u8]) -> Result<()> {
    if payload.len() > MAX_PAYLOAD {
        return Err(Error::PayloadTooLarge {
            len: payload.len(),
            limit: MAX_PAYLOAD,
        });
    }
    Ok(())
}

/// The live records of a table in id order; see [`RecordTable::iter`]. One descent per leaf.
pub struct Records<'a, S> {
    table: RecordTable,
    src: &'a S,
    cursor: SlotCursor<RecordLeaf<'a>>,
}

impl<'a, S: PageSource> Iterator for Records<'a, S> {
    type Item = Result<Record<'a, S>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (leaf, id, slot_index) = match self.cursor.next_slot(&self.table.dense, self.src)? {
                Ok(found) => found,
                Err(e) => return Some(Err(e)),
            };
            match self.table.record(self.src, leaf, id, slot_index) {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => {}
                Err(e) => {
                    self.cursor.stop();
                    return Some(Err(e));
                }
            }
        }
    }
}
