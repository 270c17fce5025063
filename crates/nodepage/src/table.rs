//! The record table: the descent from an id to its slot, and the changes a write makes.

use pager_mmap::{
    PageId, PageSource, RadixPath, RadixVec, WriteTxn, free_overflow, write_overflow,
};
use zerocopy::little_endian::{U16, U32, U64};

use crate::error::{Error, Result};
use crate::heap::{inline_payload, is_inline, place_inline, release_unused};
use crate::layout::{
    Attrs, FLAG_LIVE, FLAG_OVERFLOW, LEAF, LeafPage, MAX_PAYLOAD, MAX_SLOTS, MIN_SLOTS, RecordSlot,
    TableRoot,
};
use crate::leaf::{slot, slot_mut};
use crate::record::Record;

/// A table of records with dense ids. The value is the table's root; the owner persists
/// [`RecordTable::root`] after a write transaction changes it, and opens the table again with
/// the same slots per leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordTable {
    leaves: RadixVec,
    next_id: u64,
    live: u64,
    slots: usize,
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
        let leaves = RadixVec::open(root.root.get(), root.height.get())?;
        let table = RecordTable {
            leaves,
            next_id: root.next_id.get(),
            live: root.live.get(),
            slots: slots_per_leaf,
        };
        let leaf_count = table.next_id.div_ceil(slots_per_leaf as u64);
        // A table without pages (every record deleted) may have any next id: the next push
        // grows the radix vector to it again.
        let addressable =
            leaves.root == 0 || leaf_count <= pager_mmap::radix_capacity(leaves.height);
        if !addressable || table.live > table.next_id {
            return Err(Error::Corrupt(format!("impossible table root {root:?}")));
        }
        Ok(table)
    }

    /// What to persist to find this table again.
    pub fn root(&self) -> TableRoot {
        TableRoot {
            root: U64::new(self.leaves.root),
            next_id: U64::new(self.next_id),
            live: U64::new(self.live),
            height: U64::new(self.leaves.height),
        }
    }

    /// Records per leaf.
    pub fn slots_per_leaf(&self) -> usize {
        self.slots
    }

    /// The radix vector of leaf pages (for `check`).
    pub(crate) fn leaves(&self) -> &RadixVec {
        &self.leaves
    }

    /// Live records.
    pub fn len(&self) -> u64 {
        self.live
    }

    /// Whether the table has no live record.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The id the next [`RecordTable::push`] returns; every id below it was handed out once.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The leaf index and slot index of record `id`.
    fn position(&self, id: u64) -> (u64, usize) {
        let per_leaf = self.slots as u64;
        // `% per_leaf` keeps the slot index below `slots`.
        (id / per_leaf, (id % per_leaf) as usize)
    }

    /// The live record `id`, read in place, or `None`.
    pub fn get<'a, S: PageSource>(&self, src: &'a S, id: u64) -> Result<Option<Record<'a, S>>> {
        if id >= self.next_id {
            return Ok(None);
        }
        let (index, slot_index) = self.position(id);
        let Some(leaf) = self.leaf(src, index)? else {
            return Ok(None);
        };
        self.record(src, leaf, id, slot_index)
    }

    /// Whether record `id` is live: the descent and the slot's flag, without reading its
    /// payload.
    pub fn contains<S: PageSource>(&self, src: &S, id: u64) -> Result<bool> {
        if id >= self.next_id {
            return Ok(false);
        }
        let (index, slot_index) = self.position(id);
        let Some(leaf) = self.leaf(src, index)? else {
            return Ok(false);
        };
        Ok(slot(leaf, self.slots, slot_index)?.flags & FLAG_LIVE != 0)
    }

    /// The record in slot `slot_index` of `leaf`, if live.
    pub(crate) fn record<'a, S: PageSource>(
        &self,
        src: &'a S,
        leaf: &'a LeafPage,
        id: u64,
        slot_index: usize,
    ) -> Result<Option<Record<'a, S>>> {
        let slot = slot(leaf, self.slots, slot_index)?;
        if slot.flags & FLAG_LIVE == 0 {
            return Ok(None);
        }
        let inline = if is_inline(slot) {
            Some(inline_payload(src, leaf, self.slots, slot)?)
        } else {
            None
        };
        Ok(Some(Record {
            src,
            id,
            slot,
            inline,
        }))
    }

    /// The leaf page holding leaf index `index`, if it exists.
    pub(crate) fn leaf<'a, S: PageSource>(
        &self,
        src: &'a S,
        index: u64,
    ) -> Result<Option<&'a LeafPage>> {
        let Some(page) = self.leaves.get(src, index)? else {
            return Ok(None);
        };
        let leaf = src.page_as::<LeafPage>(page)?;
        let first_id = index * self.slots as u64;
        if leaf.first_id.get() != first_id || usize::from(leaf.slot_count.get()) != self.slots {
            return Err(Error::Corrupt(format!(
                "leaf page {page} holds {} records from id {}, expected {} from {first_id}",
                leaf.slot_count.get(),
                leaf.first_id.get(),
                self.slots
            )));
        }
        Ok(Some(leaf))
    }

    /// Every live record in id order.
    pub fn iter<'a, S: PageSource>(&self, src: &'a S) -> Records<'a, S> {
        Records {
            table: self.clone(),
            src,
            leaf_index: 0,
            leaf: None,
            slot: 0,
            failed: false,
        }
    }

    /// Adds a record and returns its id.
    pub fn push(&mut self, txn: &mut WriteTxn, attrs: &Attrs, payload: &[u8]) -> Result<u64> {
        check_len(payload)?;
        let id = self.next_id;
        let path = self.leaf_for_new(txn, id)?;
        self.store(txn, path.leaf, id, attrs, payload)?;
        let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
        leaf.live = U16::new(leaf.live.get().saturating_add(1));
        // The counts come from the persisted root: a corrupt one must give an error, not wrap.
        self.next_id = id
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("record ids exhausted".into()))?;
        self.live = self
            .live
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("the live count overflows".into()))?;
        Ok(id)
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
                release_unused(txn, path.leaf, self.slots)
            }
            None => {
                let (_, slot_index) = self.position(id);
                slot_mut(
                    txn.page_mut_as::<LeafPage>(path.leaf)?,
                    self.slots,
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
        let (_, slot_index) = self.position(id);
        let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
        *slot_mut(leaf, self.slots, slot_index)? = RecordSlot::EMPTY;
        leaf.live = U16::new(leaf.live.get().saturating_sub(1));
        let now_empty = leaf.live.get() == 0;
        self.live = self
            .live
            .checked_sub(1)
            .ok_or_else(|| Error::Corrupt("a live record in a table that counts none".into()))?;
        release_unused(txn, path.leaf, self.slots)?;
        if now_empty {
            self.leaves.remove_leaf(txn, path)?;
        }
        Ok(())
    }

    /// Writes `payload` and `attrs` into the slot of `id` in the (writable) leaf, in a heap
    /// when it fits, else in a new overflow chain. Any old overflow chain must be freed already.
    fn store(
        &mut self,
        txn: &mut WriteTxn,
        leaf_id: PageId,
        id: u64,
        attrs: &Attrs,
        payload: &[u8],
    ) -> Result<()> {
        let (_, slot_index) = self.position(id);
        let inline = place_inline(txn, leaf_id, self.slots, slot_index, payload)?;
        let overflow_head = if inline {
            None
        } else {
            Some(write_overflow(txn, payload)?)
        };
        let slot = slot_mut(
            txn.page_mut_as::<LeafPage>(leaf_id)?,
            self.slots,
            slot_index,
        )?;
        match overflow_head {
            // An inline payload's area and offset were set by `place_inline`.
            None => slot.flags = FLAG_LIVE,
            Some(head) => {
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
        let (_, slot_index) = self.position(id);
        let slot = *slot(txn.page_as::<LeafPage>(leaf_id)?, self.slots, slot_index)?;
        if slot.flags & FLAG_OVERFLOW != 0 {
            free_overflow(txn, slot.overflow_head(), u64::from(slot.payload_len.get()))?;
        }
        Ok(())
    }

    /// The copied path to the leaf of live record `id`.
    fn existing_leaf_mut(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        if self.get(&*txn, id)?.is_none() {
            return Err(Error::NotFound(id));
        }
        let (index, _) = self.position(id);
        self.leaves
            .leaf_mut(txn, index, None)?
            .ok_or(Error::NotFound(id))
    }

    /// Copies (or makes) the path to the leaf that holds `id`.
    fn leaf_for_new(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        let (index, _) = self.position(id);
        let path = self
            .leaves
            .leaf_mut(txn, index, Some(LEAF))?
            .ok_or_else(|| Error::Corrupt("leaf not created".into()))?;
        if path.created {
            let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
            leaf.first_id = U64::new(index * self.slots as u64);
            // `slots <= MAX_SLOTS` < 2^16, checked at open.
            leaf.slot_count = U16::new(self.slots as u16);
        }
        Ok(path)
    }
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
    leaf_index: u64,
    leaf: Option<&'a LeafPage>,
    slot: usize,
    failed: bool,
}

impl<'a, S: PageSource> Iterator for Records<'a, S> {
    type Item = Result<Record<'a, S>>;

    fn next(&mut self) -> Option<Self::Item> {
        let per_leaf = self.table.slots;
        loop {
            if self.failed {
                return None;
            }
            if let Some(leaf) = self.leaf {
                while self.slot < per_leaf {
                    let id = leaf.first_id.get() + self.slot as u64;
                    let slot_index = self.slot;
                    self.slot += 1;
                    if id >= self.table.next_id {
                        break;
                    }
                    match self.table.record(self.src, leaf, id, slot_index) {
                        Ok(Some(record)) => return Some(Ok(record)),
                        Ok(None) => {}
                        Err(e) => {
                            self.failed = true;
                            return Some(Err(e));
                        }
                    }
                }
                self.leaf = None;
                self.leaf_index += 1;
            }
            if self.leaf_index.saturating_mul(per_leaf as u64) >= self.table.next_id {
                return None;
            }
            match self.table.leaf(self.src, self.leaf_index) {
                Ok(Some(leaf)) => {
                    self.leaf = Some(leaf);
                    self.slot = 0;
                }
                Ok(None) => self.leaf_index += 1,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
