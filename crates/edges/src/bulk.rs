//! Many lists at once: [`Adjacency::add_batch`]. A leaf that does not exist yet (every leaf,
//! when the store is empty) is written whole: its runs packed first-fit into run pages made for
//! them (out-lists first, then in-lists), its long lists into hubs filled a segment at a time,
//! its slots and page array set in one pass, with no run ever placed twice. A leaf that exists
//! takes each of its lists' entries through [`Adjacency::extend`].

use pager_mmap::{PageId, WriteTxn};
use zerocopy::little_endian::{U16, U64};

use crate::adjacency::{Adjacency, Direction, Neighbor};
use crate::batch::{EdgeBatch, LeafLists};
use crate::error::{Error, Result};
use crate::hub;
use crate::layout::{
    AdjEntry, AdjLeafPage, FORM_HUB, FORM_RUN, HUB_THRESHOLD, LEAF_PAGES, ListSlot, NODES_PER_LEAF,
    RUN_CAPACITY, RunPage, SLOTS_PER_LEAF,
};

/// The slots of a leaf in the order their lists are placed: every out-list in node order, then
/// every in-list. A traversal follows one direction, and packing its lists together keeps them
/// in as few run pages as they fill (packed in slot order, out and in alternating, a BFS over
/// `kron` was about 15 % slower).
fn slots_out_first() -> impl Iterator<Item = usize> {
    (0..SLOTS_PER_LEAF)
        .step_by(2)
        .chain((1..SLOTS_PER_LEAF).step_by(2))
}

/// The node and direction of slot `slot` of leaf `leaf`.
fn list_of(leaf: u64, slot: usize) -> (u64, Direction) {
    let node = leaf * NODES_PER_LEAF as u64 + (slot / 2) as u64;
    let direction = if slot.is_multiple_of(2) {
        Direction::Out
    } else {
        Direction::In
    };
    (node, direction)
}

impl Adjacency {
    /// Adds the edges of `batch`: each to its source's out-list and its target's in-list, after
    /// the entries those lists have, in the batch's order. The result is the same as
    /// [`Adjacency::insert`] of each entry, but each list is extended once, and a leaf that does
    /// not exist yet is built whole (see the module's documentation), which is what makes a
    /// bulk load into an empty store fast.
    pub fn add_batch(&mut self, txn: &mut WriteTxn, batch: &EdgeBatch) -> Result<()> {
        batch.for_each_leaf(|lists| {
            if self
                .leaf(&*txn, lists.leaf * NODES_PER_LEAF as u64)?
                .is_some()
            {
                self.extend_lists(txn, lists)
            } else {
                self.build_leaf(txn, lists)
            }
        })
    }

    /// [`Adjacency::extend`] for each list of an existing leaf that `lists` has entries for.
    fn extend_lists(&mut self, txn: &mut WriteTxn, lists: &LeafLists<'_>) -> Result<()> {
        for slot in slots_out_first() {
            let entries = lists.list(slot);
            if !entries.is_empty() {
                let (node, direction) = list_of(lists.leaf, slot);
                let batch: Vec<Neighbor> = entries.iter().map(Neighbor::from_entry).collect();
                self.extend(txn, node, direction, &batch)?;
            }
        }
        Ok(())
    }

    /// Creates leaf `lists.leaf` holding exactly the lists of `lists`.
    fn build_leaf(&mut self, txn: &mut WriteTxn, lists: &LeafLists<'_>) -> Result<()> {
        let path = self
            .leaf_mut(txn, lists.leaf * NODES_PER_LEAF as u64, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf not created".into()))?;
        let mut builder = LeafBuilder::default();
        for slot in slots_out_first() {
            let entries = lists.list(slot);
            if entries.len() > HUB_THRESHOLD {
                let (node, direction) = list_of(lists.leaf, slot);
                let hub_id = hub::create(txn, node, direction.index())?;
                hub::fill(txn, hub_id, entries)?;
                let page = builder.own(hub_id.0)?;
                builder.set(slot, hub_slot(page))?;
            } else if !entries.is_empty() {
                builder.place_run(slot, entries)?;
            }
        }
        builder.finish(txn, path.leaf)
    }
}

/// The slot of a hub at the leaf's page `page`.
fn hub_slot(page: u16) -> ListSlot {
    ListSlot {
        form: FORM_HUB,
        reserved: 0,
        capacity: U16::ZERO,
        page: U16::new(page),
        offset: U16::ZERO,
        count: U16::ZERO,
    }
}

/// A new leaf's slots and page array, and its run pages being filled.
#[derive(Default)]
struct LeafBuilder {
    slots: Vec<(usize, ListSlot)>,
    /// The leaf's pages; the entries of run pages are 0 until [`LeafBuilder::finish`] writes
    /// them.
    pages: Vec<u64>,
    /// The run pages being filled: their index in `pages` and their entries so far.
    runs: Vec<(u16, Vec<AdjEntry>)>,
}

impl LeafBuilder {
    /// Takes `page` into the leaf's page array and returns its index.
    fn own(&mut self, page: u64) -> Result<u16> {
        if self.pages.len() >= LEAF_PAGES {
            return Err(Error::Corrupt(
                "an adjacency leaf has no free page slot".into(),
            ));
        }
        // Below LEAF_PAGES < 2^16.
        let index = self.pages.len() as u16;
        self.pages.push(page);
        Ok(index)
    }

    fn set(&mut self, slot: usize, value: ListSlot) -> Result<()> {
        if slot >= SLOTS_PER_LEAF {
            return Err(Error::Corrupt(format!("no list slot {slot}")));
        }
        self.slots.push((slot, value));
        Ok(())
    }

    /// Places a run of exactly `entries` (1 to [`HUB_THRESHOLD`]) in the first run page with
    /// room, as [`crate::run`] places a new run, or a new one.
    fn place_run(&mut self, slot: usize, entries: &[AdjEntry]) -> Result<()> {
        let fits =
            |(_, page): &&mut (u16, Vec<AdjEntry>)| page.len() + entries.len() <= RUN_CAPACITY;
        let (page, buffer) = match self.runs.iter_mut().find(fits) {
            Some(run) => run,
            None => {
                let index = self.own(0)?;
                self.runs.push((index, Vec::with_capacity(RUN_CAPACITY)));
                self.runs
                    .last_mut()
                    .ok_or_else(|| Error::Corrupt("run page just added".into()))?
            }
        };
        // Both below RUN_CAPACITY < 2^16.
        let value = ListSlot {
            form: FORM_RUN,
            reserved: 0,
            capacity: U16::new(entries.len() as u16),
            page: U16::new(*page),
            offset: U16::new(buffer.len() as u16),
            count: U16::new(entries.len() as u16),
        };
        buffer.extend_from_slice(entries);
        self.set(slot, value)
    }

    /// Writes the run pages, then the leaf's slots and pages.
    fn finish(mut self, txn: &mut WriteTxn, leaf: PageId) -> Result<()> {
        for (index, entries) in std::mem::take(&mut self.runs) {
            let (id, page) = txn.alloc_as::<RunPage>()?;
            page.entries
                .get_mut(..entries.len())
                .ok_or_else(|| Error::Corrupt("a run page over capacity".into()))?
                .copy_from_slice(&entries);
            // At most RUN_CAPACITY < 2^16.
            page.used = U16::new(entries.len() as u16);
            *self
                .pages
                .get_mut(usize::from(index))
                .ok_or_else(|| Error::Corrupt(format!("no page slot {index}")))? = id.0;
        }
        let page = txn.page_mut_as::<AdjLeafPage>(leaf)?;
        for (slot, value) in self.slots {
            *page
                .slots
                .get_mut(slot)
                .ok_or_else(|| Error::Corrupt(format!("no list slot {slot}")))? = value;
        }
        for (i, id) in self.pages.into_iter().enumerate() {
            *page
                .pages
                .get_mut(i)
                .ok_or_else(|| Error::Corrupt(format!("no page slot {i}")))? = U64::new(id);
        }
        Ok(())
    }
}
