//! The record table: the descent from an id to its slot, and the changes a write makes.

use pager_mmap::{
    PageId, PageSource, RadixPath, RadixVec, WriteTxn, free_overflow, write_overflow,
};
use zerocopy::little_endian::{U16, U32, U64};

use crate::error::{Error, Result};
use crate::heap::place_inline;
use crate::layout::{
    Attrs, FLAG_LIVE, FLAG_OVERFLOW, LEAF, LeafPage, MAX_PAYLOAD, RecordSlot, SLOTS_PER_LEAF,
    TableRoot,
};
use crate::record::Record;

/// A table of records with dense ids. The value is the table's root; the owner persists
/// [`RecordTable::root`] after a write transaction changes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordTable {
    leaves: RadixVec,
    next_id: u64,
    live: u64,
}

impl RecordTable {
    /// An empty table.
    pub fn new() -> RecordTable {
        RecordTable::default()
    }

    /// The table whose root was persisted as `root`.
    pub fn open(root: TableRoot) -> Result<RecordTable> {
        let leaves = RadixVec::open(root.root.get(), root.height.get())?;
        let table = RecordTable {
            leaves,
            next_id: root.next_id.get(),
            live: root.live.get(),
        };
        let leaf_count = table.next_id.div_ceil(SLOTS_PER_LEAF as u64);
        if leaf_count > pager_mmap::radix_capacity(leaves.height) || table.live > table.next_id {
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

    /// The live record `id`, read in place, or `None`.
    pub fn get<'a, S: PageSource>(&self, src: &'a S, id: u64) -> Result<Option<Record<'a, S>>> {
        if id >= self.next_id {
            return Ok(None);
        }
        let Some(leaf) = self.leaf(src, id / SLOTS_PER_LEAF as u64)? else {
            return Ok(None);
        };
        let slot = slot_in(leaf, id)?;
        if slot.flags & FLAG_LIVE == 0 {
            return Ok(None);
        }
        Ok(Some(Record {
            src,
            id,
            slot,
            heap: &leaf.heap,
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
        let first_id = index * SLOTS_PER_LEAF as u64;
        if leaf.first_id.get() != first_id {
            return Err(Error::Corrupt(format!(
                "leaf page {page} starts at id {}, expected {first_id}",
                leaf.first_id.get()
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
        self.next_id += 1;
        self.live += 1;
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
                self.store(txn, path.leaf, id, attrs, payload)
            }
            None => {
                slot_mut(txn.page_mut_as::<LeafPage>(path.leaf)?, id)?.attrs = *attrs;
                Ok(())
            }
        }
    }

    /// Deletes record `id`. Its id is not handed out again. A leaf left empty is freed, and so
    /// is every radix page left without children.
    pub fn delete(&mut self, txn: &mut WriteTxn, id: u64) -> Result<()> {
        let path = self.existing_leaf_mut(txn, id)?;
        self.free_payload(txn, path.leaf, id)?;
        let leaf = txn.page_mut_as::<LeafPage>(path.leaf)?;
        *slot_mut(leaf, id)? = empty_slot();
        leaf.live = U16::new(leaf.live.get().saturating_sub(1));
        let now_empty = leaf.live.get() == 0;
        self.live -= 1;
        if now_empty {
            self.leaves.remove_leaf(txn, path)?;
        }
        Ok(())
    }

    /// Writes `payload` and `attrs` into the slot of `id` in the (writable) leaf, inline when
    /// it fits, else in a new overflow chain. Any old overflow chain must be freed already.
    fn store(
        &mut self,
        txn: &mut WriteTxn,
        leaf_id: PageId,
        id: u64,
        attrs: &Attrs,
        payload: &[u8],
    ) -> Result<()> {
        let index = slot_index(id);
        let inline = place_inline(txn.page_mut_as::<LeafPage>(leaf_id)?, index, payload)?;
        let overflow_head = if inline {
            0
        } else {
            write_overflow(txn, payload)?.0
        };
        let slot = slot_mut(txn.page_mut_as::<LeafPage>(leaf_id)?, id)?;
        slot.flags = if inline {
            FLAG_LIVE
        } else {
            FLAG_LIVE | FLAG_OVERFLOW
        };
        // `check_len` bounds the length by `MAX_PAYLOAD` = `u32::MAX`.
        slot.payload_len = U32::new(u32::try_from(payload.len()).unwrap_or(u32::MAX));
        slot.overflow_head = U64::new(overflow_head);
        slot.attrs = *attrs;
        if !inline {
            // An inline payload's offset was set by `place_inline`.
            slot.heap_offset = U16::new(0);
        }
        Ok(())
    }

    /// Frees the overflow chain of `id`'s payload, if it has one.
    fn free_payload(&mut self, txn: &mut WriteTxn, leaf_id: PageId, id: u64) -> Result<()> {
        let slot = *slot_in(txn.page_as::<LeafPage>(leaf_id)?, id)?;
        if slot.flags & FLAG_OVERFLOW != 0 {
            free_overflow(
                txn,
                PageId(slot.overflow_head.get()),
                u64::from(slot.payload_len.get()),
            )?;
        }
        Ok(())
    }

    /// The copied path to the leaf of live record `id`.
    fn existing_leaf_mut(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        if self.get(&*txn, id)?.is_none() {
            return Err(Error::NotFound(id));
        }
        self.leaves
            .leaf_mut(txn, id / SLOTS_PER_LEAF as u64, None)?
            .ok_or(Error::NotFound(id))
    }

    /// Copies (or makes) the path to the leaf that holds `id`.
    fn leaf_for_new(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        let index = id / SLOTS_PER_LEAF as u64;
        let path = self
            .leaves
            .leaf_mut(txn, index, Some(LEAF))?
            .ok_or_else(|| Error::Corrupt("leaf not created".into()))?;
        if path.created {
            txn.page_mut_as::<LeafPage>(path.leaf)?.first_id =
                U64::new(index * SLOTS_PER_LEAF as u64);
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

fn slot_index(id: u64) -> usize {
    // `% SLOTS_PER_LEAF` keeps it below 32.
    (id % SLOTS_PER_LEAF as u64) as usize
}

fn slot_in(leaf: &LeafPage, id: u64) -> Result<&RecordSlot> {
    leaf.slots
        .get(slot_index(id))
        .ok_or_else(|| Error::Corrupt(format!("no slot for id {id}")))
}

fn slot_mut(leaf: &mut LeafPage, id: u64) -> Result<&mut RecordSlot> {
    leaf.slots
        .get_mut(slot_index(id))
        .ok_or_else(|| Error::Corrupt(format!("no slot for id {id}")))
}

fn empty_slot() -> RecordSlot {
    RecordSlot {
        flags: 0,
        reserved: 0,
        heap_offset: U16::new(0),
        payload_len: U32::new(0),
        overflow_head: U64::new(0),
        attrs: [0; 24],
    }
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
        loop {
            if self.failed {
                return None;
            }
            if let Some(leaf) = self.leaf {
                while let Some(slot) = leaf.slots.get(self.slot) {
                    let id = leaf.first_id.get() + self.slot as u64;
                    self.slot += 1;
                    if slot.flags & FLAG_LIVE != 0 && id < self.table.next_id {
                        return Some(Ok(Record {
                            src: self.src,
                            id,
                            slot,
                            heap: &leaf.heap,
                        }));
                    }
                }
                self.leaf = None;
                self.leaf_index += 1;
            }
            if self.leaf_index.saturating_mul(SLOTS_PER_LEAF as u64) >= self.table.next_id {
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
