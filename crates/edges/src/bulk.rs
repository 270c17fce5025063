//! Many lists at once: [`Adjacency::extend_sorted`]. A leaf that does not exist yet (every leaf,
//! when the store is empty) is written whole: its runs packed first-fit into run pages made for
//! them (out-lists first, then in-lists), its long lists into hubs filled a segment at a time, its slots and page array
//! set in one pass, with no run ever placed twice. A leaf that exists takes each of its lists'
//! entries through [`Adjacency::extend`].

use pager_mmap::{PageId, WriteTxn};
use zerocopy::little_endian::{U16, U64};

use crate::adjacency::{Adjacency, Direction, Neighbor, id40, slot_index};
use crate::error::{Error, Result};
use crate::hub;
use crate::layout::{
    AdjEntry, AdjLeafPage, FORM_HUB, FORM_RUN, HUB_THRESHOLD, LEAF_PAGES, ListSlot, NODES_PER_LEAF,
    RUN_CAPACITY, RunPage, SLOTS_PER_LEAF,
};

/// Entries for one direction: (node, entry) pairs sorted by node; a node's entries in the order
/// its list is to get them.
type Sorted<'a> = &'a [(u64, Neighbor)];

/// The leaf index of a node.
fn leaf_of(node: u64) -> u64 {
    node / NODES_PER_LEAF as u64
}

/// The first `len` pairs of `pairs` whose node is in leaf `leaf` (a prefix, `pairs` being
/// sorted).
fn leaf_prefix(pairs: Sorted<'_>, leaf: u64) -> usize {
    pairs.partition_point(|(node, _)| leaf_of(*node) <= leaf)
}

impl Adjacency {
    /// Adds `out` to the out-lists and `incoming` to the in-lists: each is (node, neighbour)
    /// pairs sorted by node, a node's neighbours in the order they are to be appended. The
    /// result is the same as [`Adjacency::extend`] once per node and direction, but a leaf that
    /// does not exist yet is built whole (see the module's documentation), which is what makes
    /// a bulk load into an empty store fast. If any id or type is out of range (as for
    /// [`Adjacency::insert`]) or `out` or `incoming` is not sorted, nothing is added.
    pub fn extend_sorted(
        &mut self,
        txn: &mut WriteTxn,
        out: Sorted<'_>,
        incoming: Sorted<'_>,
    ) -> Result<()> {
        for pairs in [out, incoming] {
            if !pairs.is_sorted_by_key(|(node, _)| *node) {
                return Err(Error::Unsorted);
            }
            for (node, n) in pairs {
                id40("node id", *node)?;
                n.entry()?;
            }
        }
        let (mut out, mut incoming) = (out, incoming);
        while let Some(leaf) = [out.first(), incoming.first()]
            .into_iter()
            .flatten()
            .map(|(node, _)| leaf_of(*node))
            .min()
        {
            let (out_here, out_rest) = out.split_at(leaf_prefix(out, leaf));
            let (in_here, in_rest) = incoming.split_at(leaf_prefix(incoming, leaf));
            if self.leaf(&*txn, leaf * NODES_PER_LEAF as u64)?.is_some() {
                self.extend_each(txn, Direction::Out, out_here)?;
                self.extend_each(txn, Direction::In, in_here)?;
            } else {
                self.build_leaf(txn, leaf, out_here, in_here)?;
            }
            (out, incoming) = (out_rest, in_rest);
        }
        Ok(())
    }

    /// [`Adjacency::extend`] for each node's group of `pairs`.
    fn extend_each(
        &mut self,
        txn: &mut WriteTxn,
        direction: Direction,
        pairs: Sorted<'_>,
    ) -> Result<()> {
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            if let Some((node, _)) = group.first() {
                let batch: Vec<Neighbor> = group.iter().map(|(_, n)| *n).collect();
                self.extend(txn, *node, direction, &batch)?;
            }
        }
        Ok(())
    }

    /// Creates leaf `leaf` holding exactly the lists of `out` and `incoming` (all of its nodes).
    fn build_leaf(
        &mut self,
        txn: &mut WriteTxn,
        leaf: u64,
        out: Sorted<'_>,
        incoming: Sorted<'_>,
    ) -> Result<()> {
        let mut lists: Vec<(usize, u64, Direction, Sorted<'_>)> = Vec::new();
        for (pairs, direction) in [(out, Direction::Out), (incoming, Direction::In)] {
            for group in pairs.chunk_by(|a, b| a.0 == b.0) {
                if let Some((node, _)) = group.first() {
                    lists.push((slot_index(*node, direction), *node, direction, group));
                }
            }
        }
        // Every out-list, in node order, then every in-list: a traversal follows one direction,
        // and packing its lists together keeps them in as few run pages as they fill (packed in
        // slot order, out and in alternating, a BFS over `kron` was about 15 % slower).
        lists.sort_unstable_by_key(|(slot, _, direction, _)| (direction.index(), *slot));
        let path = self
            .leaf_mut(txn, leaf * NODES_PER_LEAF as u64, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf not created".into()))?;
        let mut builder = LeafBuilder::default();
        for (slot, node, direction, group) in lists {
            let entries: Vec<AdjEntry> = group
                .iter()
                .map(|(_, n)| n.entry())
                .collect::<Result<_>>()?;
            if entries.len() > HUB_THRESHOLD {
                let hub_id = hub::create(txn, node, direction.index())?;
                hub::fill(txn, hub_id, &entries)?;
                let page = builder.own(hub_id.0)?;
                builder.set(slot, hub_slot(page))?;
            } else {
                builder.place_run(slot, &entries)?;
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
