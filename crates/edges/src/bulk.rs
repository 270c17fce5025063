//! Many lists at once: [`Adjacency::add_batch`]. A leaf that does not exist yet (every leaf,
//! when the store is empty) is written whole: its runs packed first-fit into run pages made for
//! them (out-lists first, then in-lists), its long lists into hubs filled a segment at a time,
//! its slots and page array set in one pass, with no run ever placed twice. A leaf that exists
//! takes each of its lists' entries through [`Adjacency::extend`]; a fold of the delta instead
//! rebuilds each leaf it touches whole (`rebuild_leaf`), since it adds to nearly every list.

use pager_mmap::{PageId, PageSource, WriteTxn};
use zerocopy::little_endian::{U16, U64};

use crate::adjacency::{Adjacency, Direction, Neighbor, run_of};
use crate::batch::{EdgeBatch, LeafLists};
use crate::delta::{self, Tiers};
use crate::error::{Error, Result};
use crate::hub;
use crate::layout::{
    AdjEntry, AdjLeafPage, FORM_EMPTY, FORM_HUB, FORM_RUN, HUB_THRESHOLD, INLINE_CAPACITY,
    LEAF_PAGES, ListSlot, NODES_PER_LEAF, RUN_CAPACITY, RunPage, SLOTS_PER_LEAF, inline_area,
};
use crate::pair::Pairing;
use crate::run;

/// The slots of a leaf in the order their lists are placed: every out-list in node order, then
/// every in-list. A traversal follows one direction, and packing its lists together keeps them
/// in as few run pages as they fill (packed in slot order, out and in alternating, a BFS over
/// `kron` was about 15 % slower).
pub(crate) fn slots_out_first() -> impl Iterator<Item = usize> {
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
        let mut pairing = Pairing::default();
        batch.for_each_leaf(|lists| {
            if self.add_leaf_lists(txn, lists)? {
                pairing.written(self, txn, lists.leaf)?;
            }
            Ok(())
        })?;
        pairing.finish(self, txn)
    }

    /// Adds the edges of `batch` as [`Adjacency::add_batch`] does, but through the delta
    /// (see [`Adjacency::insert_deferred`]): a leaf that has no entry in the delta and that
    /// does not exist yet (it is built whole) or that this transaction has copied already
    /// takes its entries in place; every other entry goes into the tier this transaction
    /// writes.
    pub fn add_batch_deferred(&mut self, txn: &mut WriteTxn, batch: &EdgeBatch) -> Result<()> {
        let tiers = Tiers::load(&*txn, &self.delta.directory)?;
        let mut cells = Vec::new();
        let mut pairing = Pairing::default();
        batch.for_each_leaf(|lists| {
            let first = lists.leaf * NODES_PER_LEAF as u64;
            let leaf = self.copied_page(&*txn, first)?;
            if leaf.is_none_or(|page| txn.is_writable(page))
                && !tiers.any_in(&*txn, first..first + NODES_PER_LEAF as u64)?
            {
                if self.add_leaf_lists(txn, lists)? {
                    pairing.written(self, txn, lists.leaf)?;
                }
                return Ok(());
            }
            for slot in 0..SLOTS_PER_LEAF {
                let (node, direction) = list_of(lists.leaf, slot);
                let entries = lists.list(slot);
                cells.extend(entries.iter().map(|e| delta::cell(node, direction, e)));
            }
            Ok(())
        })?;
        pairing.finish(self, txn)?;
        self.delta.add(txn, &mut cells)
    }

    /// Adds `found`'s entries, each `(2 * node + direction, entry)` and ordered by list, to
    /// the end of their lists, a leaf at a time: a leaf that exists is rewritten whole
    /// ([`Adjacency::rebuild_leaf`]), one that does not is built; neighbouring leaves that
    /// fit one page become pairs ([`Pairing`]).
    pub(crate) fn add_lists(
        &mut self,
        txn: &mut WriteTxn,
        found: &[(u64, AdjEntry)],
    ) -> Result<()> {
        let per_leaf = SLOTS_PER_LEAF as u64;
        let mut entries = Vec::new();
        let mut bounds = [0usize; SLOTS_PER_LEAF + 1];
        let mut rest = found;
        let mut pairing = Pairing::default();
        while let Some(&(first, _)) = rest.first() {
            let leaf = first / per_leaf;
            let count = rest.partition_point(|(list, _)| list / per_leaf == leaf);
            let (this, next) = rest.split_at(count);
            entries.clear();
            entries.extend(this.iter().map(|(_, e)| *e));
            for (slot, bound) in bounds.iter_mut().enumerate() {
                let list = leaf * per_leaf + slot as u64;
                *bound = this.partition_point(|(l, _)| *l < list);
            }
            let lists = LeafLists::new(leaf, &entries, &bounds);
            if self.leaf(&*txn, leaf * NODES_PER_LEAF as u64)?.is_some() {
                self.rebuild_leaf(txn, &lists)?;
            } else {
                self.build_leaf(txn, &lists)?;
            }
            pairing.written(self, txn, leaf)?;
            rest = next;
        }
        pairing.finish(self, txn)
    }

    /// Adds `lists` to their leaf: each list extended in place if the leaf exists, the leaf
    /// built whole if not. Returns whether it built the leaf.
    fn add_leaf_lists(&mut self, txn: &mut WriteTxn, lists: &LeafLists<'_>) -> Result<bool> {
        if self
            .leaf(&*txn, lists.leaf * NODES_PER_LEAF as u64)?
            .is_some()
        {
            self.extend_lists(txn, lists)?;
            Ok(false)
        } else {
            self.build_leaf(txn, lists)?;
            Ok(true)
        }
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

    /// Rewrites leaf `lists.leaf`, which exists, with each list's entries followed by its
    /// entries in `lists`: its runs packed afresh, out-lists first, into new run pages (the old
    /// ones freed; a run that passes [`HUB_THRESHOLD`] becomes a hub), its hubs kept and
    /// appended to. Writing the leaf's pages once beats extending list by list, where runs
    /// outgrow their room and move: a fold adds to nearly every list of the leaves it touches.
    fn rebuild_leaf(&mut self, txn: &mut WriteTxn, lists: &LeafLists<'_>) -> Result<()> {
        // Created when the leaf was the empty half of a pair that `leaf_path_mut` split.
        let path = self
            .leaf_path_mut(txn, lists.leaf * NODES_PER_LEAF as u64, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf to rebuild not found".into()))?;
        let (slots, pages, inline) = {
            let leaf = txn.page_as::<AdjLeafPage>(path.leaf)?;
            (leaf.slots, leaf.pages, leaf.is_inline())
        };
        let page_at = |index: u16| -> Result<PageId> {
            match pages.get(usize::from(index)).map(|p| p.get()) {
                Some(id) if id != 0 && !inline => Ok(PageId(id)),
                _ => Err(Error::Corrupt(format!(
                    "list refers to empty page slot {index}"
                ))),
            }
        };
        let mut builder = LeafBuilder::default();
        let mut kept = Vec::new();
        let mut combined = Vec::new();
        for slot in slots_out_first() {
            let stored = *slots
                .get(slot)
                .ok_or_else(|| Error::Corrupt(format!("no list slot {slot}")))?;
            let added = lists.list(slot);
            let (node, direction) = list_of(lists.leaf, slot);
            combined.clear();
            match stored.form {
                FORM_HUB => {
                    let old = page_at(stored.page.get())?;
                    kept.push(old);
                    let hub_id = txn.cow(old)?;
                    for e in added {
                        hub::push(txn, hub_id, *e)?;
                    }
                    let page = builder.own(hub_id.0)?;
                    builder.set(slot, hub_slot(page))?;
                    continue;
                }
                FORM_RUN if inline => {
                    combined.extend_from_slice(run_of(inline_area(&pages), &stored)?);
                }
                FORM_RUN => {
                    let page = txn.page_as::<RunPage>(page_at(stored.page.get())?)?;
                    combined.extend_from_slice(run_of(&page.entries, &stored)?);
                }
                FORM_EMPTY => {}
                other => {
                    return Err(Error::Corrupt(format!(
                        "list slot of node {node} has form {other}"
                    )));
                }
            }
            combined.extend_from_slice(added);
            self.place_list(txn, &mut builder, slot, node, direction, &combined)?;
        }
        // Every page the leaf owned is a run page now copied out, or a hub kept above (an
        // inline leaf owned none).
        let owned = if inline { &[][..] } else { &pages[..] };
        for id in owned.iter().map(|p| p.get()).filter(|&id| id != 0) {
            if !kept.contains(&PageId(id)) {
                txn.free(PageId(id))?;
            }
        }
        let leaf = txn.page_mut_as::<AdjLeafPage>(path.leaf)?;
        leaf.slots.fill(run::EMPTY);
        leaf.pages.fill(U64::ZERO);
        builder.finish(txn, path.leaf)
    }

    /// Places the list of `entries` (none, a run, or a hub when longer than
    /// [`HUB_THRESHOLD`]) at `slot` of the leaf `builder` builds.
    fn place_list(
        &mut self,
        txn: &mut WriteTxn,
        builder: &mut LeafBuilder,
        slot: usize,
        node: u64,
        direction: Direction,
        entries: &[AdjEntry],
    ) -> Result<()> {
        if entries.len() > HUB_THRESHOLD {
            let hub_id = hub::create(txn, node, direction.index())?;
            hub::fill(txn, hub_id, entries)?;
            let page = builder.own(hub_id.0)?;
            builder.set(slot, hub_slot(page))
        } else if !entries.is_empty() {
            builder.place_run(slot, entries)
        } else {
            Ok(())
        }
    }

    /// Creates leaf `lists.leaf` holding exactly the lists of `lists`.
    fn build_leaf(&mut self, txn: &mut WriteTxn, lists: &LeafLists<'_>) -> Result<()> {
        let path = self
            .leaf_mut(txn, lists.leaf * NODES_PER_LEAF as u64, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf not created".into()))?;
        let mut builder = LeafBuilder::default();
        for slot in slots_out_first() {
            let (node, direction) = list_of(lists.leaf, slot);
            self.place_list(txn, &mut builder, slot, node, direction, lists.list(slot))?;
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
pub(crate) struct LeafBuilder {
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
    pub(crate) fn place_run(&mut self, slot: usize, entries: &[AdjEntry]) -> Result<()> {
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

    /// Writes the run pages, then the leaf's slots and pages; a leaf whose lists are all runs
    /// that fit its own page keeps them there (an inline leaf) and owns no page.
    pub(crate) fn finish(mut self, txn: &mut WriteTxn, leaf: PageId) -> Result<()> {
        if let [(0, entries)] = self.runs.as_slice()
            && self.pages.len() == 1
            && entries.len() <= INLINE_CAPACITY
        {
            let page = txn.page_mut_as::<AdjLeafPage>(leaf)?;
            page.inline_entries_mut()
                .get_mut(..entries.len())
                .ok_or_else(|| Error::Corrupt("an inline leaf over capacity".into()))?
                .copy_from_slice(entries);
            // 1 to INLINE_CAPACITY < 2^16 (a run page in the builder has at least one entry).
            page.inline_used = U16::new(entries.len() as u16);
            return self.write_slots(page);
        }
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
        page.inline_used = U16::ZERO;
        for (i, id) in self.pages.iter().enumerate() {
            *page
                .pages
                .get_mut(i)
                .ok_or_else(|| Error::Corrupt(format!("no page slot {i}")))? = U64::new(*id);
        }
        self.write_slots(page)
    }

    /// Writes the list slots into the leaf.
    fn write_slots(self, page: &mut AdjLeafPage) -> Result<()> {
        for (slot, value) in self.slots {
            *page
                .slots
                .get_mut(slot)
                .ok_or_else(|| Error::Corrupt(format!("no list slot {slot}")))? = value;
        }
        Ok(())
    }
}
