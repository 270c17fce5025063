//! Pair pages: the lists of two neighbouring leaves in one page.
//!
//! A leaf written whole (by a bulk load or a fold) whose runs fit its own page is an inline
//! leaf, and on sparse graphs it fills little of that page: on a tree, 64 nodes' 128 lists hold
//! about 128 entries, 1.5 KiB of entries beside 1.3 KiB of slots. Two such leaves, `2k` and
//! `2k + 1`, whose entries fit one page together are stored as one [`PairPage`]: each list an
//! end offset (2 bytes) instead of a slot (10), 296 entries in all. The pair sits in the radix
//! slot of leaf `2k`; the slot of `2k + 1` stays empty, and a reader of its nodes finds them in
//! the pair ([`LeafRef`]). Only the writers that write leaves whole make pairs ([`Pairing`]);
//! every other write to either leaf splits the pair first ([`Adjacency::split_pair`]), so the
//! writers of runs and pages only ever see whole leaves.

use pager_mmap::{PageHeader, PageId, PageSource, WriteTxn, page_type_of, typed};
use zerocopy::FromBytes;
use zerocopy::little_endian::{U16, U64};

use crate::adjacency::{Adjacency, run_of};
use crate::bulk::{LeafBuilder, slots_out_first};
use crate::error::{Error, Result};
use crate::layout::{
    ADJ_LEAF, AdjEntry, AdjLeafPage, FORM_EMPTY, FORM_RUN, ListSlot, NODES_PER_LEAF, PAIR,
    PAIR_CAPACITY, PAIR_LISTS, PairPage, SLOTS_PER_LEAF,
};
use crate::run;

/// A leaf as readers see it: a page of its own, or half of a pair page.
#[derive(Clone, Copy)]
pub(crate) enum LeafRef<'a> {
    /// A leaf with a page of its own.
    Whole(&'a AdjLeafPage),
    /// Half 0 (leaf `2k`) or half 1 (leaf `2k + 1`) of a pair page.
    Half(&'a PairPage, usize),
}

impl<'a> LeafRef<'a> {
    /// Leaf `index` from `page`, the page its radix slot names: a whole leaf, or the first half
    /// of a pair (which only an even leaf's slot may name). Checks the page's type and first
    /// node.
    #[inline(always)]
    pub(crate) fn at<S: PageSource>(src: &'a S, page: PageId, index: u64) -> Result<LeafRef<'a>> {
        let bytes = src.page(page)?;
        let (leaf, first_node) = if page_type_of(bytes) == PAIR {
            if !index.is_multiple_of(2) {
                return Err(Error::Corrupt(format!(
                    "pair page {page} in the slot of odd leaf {index}"
                )));
            }
            let pair = typed::<PairPage>(page, bytes)?;
            (LeafRef::Half(pair, 0), pair.first_node.get())
        } else {
            let leaf = typed::<AdjLeafPage>(page, bytes)?;
            (LeafRef::Whole(leaf), leaf.first_node.get())
        };
        if first_node != index * NODES_PER_LEAF as u64 {
            return Err(Error::Corrupt(format!(
                "adjacency leaf {page} starts at node {first_node}"
            )));
        }
        Ok(leaf)
    }

    /// The list slot `index` (`2 * (node % 64) + direction`); a pair's list reads as a run
    /// on page 0 (see [`LeafRef::run_area`]).
    #[inline]
    pub(crate) fn slot(self, index: usize) -> Result<ListSlot> {
        match self {
            LeafRef::Whole(leaf) => run::slot(leaf, index),
            LeafRef::Half(pair, half) => pair_slot(pair, half * SLOTS_PER_LEAF + index),
        }
    }

    /// The entries the runs on the leaf's page `place` index into (see [`run::run_area`]); a
    /// pair's, for its only place, 0.
    #[inline]
    pub(crate) fn run_area<S: PageSource>(self, src: &'a S, place: u16) -> Result<&'a [AdjEntry]> {
        match self {
            LeafRef::Whole(leaf) => run::run_area(src, leaf, place),
            LeafRef::Half(pair, _) if place == 0 => Ok(&pair.entries),
            LeafRef::Half(..) => Err(no_pages(place)),
        }
    }

    /// The page at `place` in the leaf's page array (a pair owns none).
    #[inline]
    pub(crate) fn owned_page(self, place: u16) -> Result<PageId> {
        match self {
            LeafRef::Whole(leaf) => run::owned_page(leaf, place),
            LeafRef::Half(..) => Err(no_pages(place)),
        }
    }

    /// Whether the leaf's runs are in run pages of their own, not in its page or its pair's.
    #[inline]
    pub(crate) fn has_run_pages(self) -> bool {
        matches!(self, LeafRef::Whole(leaf) if !leaf.is_inline())
    }
}

fn no_pages(place: u16) -> Error {
    Error::Corrupt(format!("a list of a pair page refers to page slot {place}"))
}

/// List `list` (0 to [`PAIR_LISTS`] - 1) of `pair` as the slot of a run on page 0: its
/// entries' offset and count, or an empty slot.
#[inline]
pub(crate) fn pair_slot(pair: &PairPage, list: usize) -> Result<ListSlot> {
    let end_of = |i: usize| {
        pair.ends
            .get(i)
            .map(|e| e.get())
            .ok_or_else(|| Error::Corrupt(format!("no list {i} in a pair page")))
    };
    let end = end_of(list)?;
    let start = match list.checked_sub(1) {
        Some(before) => end_of(before)?,
        None => 0,
    };
    let count = end.checked_sub(start).ok_or_else(|| {
        Error::Corrupt(format!(
            "pair page list {list} ends at {end}, before its start {start}"
        ))
    })?;
    Ok(ListSlot {
        form: if count == 0 { FORM_EMPTY } else { FORM_RUN },
        reserved: 0,
        capacity: U16::new(count),
        page: U16::ZERO,
        offset: U16::new(start),
        count: U16::new(count),
    })
}

/// The lists of two inline leaves laid out as a pair's: each list's end, then the entries.
struct PairLists {
    ends: Vec<u16>,
    entries: Vec<AdjEntry>,
}

impl PairLists {
    /// The lists of `leaves` (leaf `2k`'s, then `2k + 1`'s), or `None` when either is not an
    /// inline leaf or their entries do not fit one pair page.
    fn of(leaves: [&AdjLeafPage; 2]) -> Result<Option<PairLists>> {
        let mut lists = PairLists {
            ends: Vec::with_capacity(PAIR_LISTS),
            entries: Vec::with_capacity(PAIR_CAPACITY),
        };
        for leaf in leaves {
            if !leaf.is_inline() {
                return Ok(None);
            }
            for slot in &leaf.slots {
                if slot.form == FORM_RUN {
                    lists
                        .entries
                        .extend_from_slice(run_of(leaf.inline_entries(), slot)?);
                } else if slot.form != FORM_EMPTY {
                    return Ok(None);
                }
                if lists.entries.len() > PAIR_CAPACITY {
                    return Ok(None);
                }
                // At most PAIR_CAPACITY < 2^16.
                lists.ends.push(lists.entries.len() as u16);
            }
        }
        Ok(Some(lists))
    }

    /// Writes the lists over `page`, a page the transaction owns, as a pair page whose first
    /// node is `first_node`.
    fn write(&self, txn: &mut WriteTxn, page: PageId, first_node: u64) -> Result<()> {
        let bytes = txn.page_mut(page)?;
        bytes.fill(0);
        let pair = PairPage::mut_from_bytes(bytes)
            .map_err(|_| Error::Corrupt("a pair page does not fit its layout".into()))?;
        pair.header = PageHeader::new(PAIR);
        pair.first_node = U64::new(first_node);
        for (end, value) in pair.ends.iter_mut().zip(&self.ends) {
            *end = U16::new(*value);
        }
        pair.entries
            .get_mut(..self.entries.len())
            .ok_or_else(|| Error::Corrupt("a pair page over capacity".into()))?
            .copy_from_slice(&self.entries);
        Ok(())
    }
}

/// Pairs the leaves a writer writes whole, in ascending order, as it goes: leaf `2k + 1` with
/// leaf `2k` as soon as it is written, leaf `2k` once the writer moves past `2k + 1` without
/// writing it. The page a pair frees is then reused by the leaves written after it, instead of
/// being left free at the end of the file.
#[derive(Default)]
pub(crate) struct Pairing {
    /// An even leaf written last, whose odd neighbour may come next.
    even: Option<u64>,
}

impl Pairing {
    /// After the writer has written leaf `leaf` whole.
    pub(crate) fn written(
        &mut self,
        adjacency: &mut Adjacency,
        txn: &mut WriteTxn,
        leaf: u64,
    ) -> Result<()> {
        if let Some(even) = self.even.take()
            && even + 1 != leaf
        {
            adjacency.pair_leaves(txn, even)?;
        }
        if !leaf.is_multiple_of(2) {
            adjacency.pair_leaves(txn, leaf)
        } else {
            self.even = Some(leaf);
            Ok(())
        }
    }

    /// After the writer's last leaf.
    pub(crate) fn finish(self, adjacency: &mut Adjacency, txn: &mut WriteTxn) -> Result<()> {
        match self.even {
            Some(even) => adjacency.pair_leaves(txn, even),
            None => Ok(()),
        }
    }
}

impl Adjacency {
    /// Stores leaves `2k` and `2k + 1` (`leaf` is either) as one pair page if both are inline
    /// leaves whose entries fit one together.
    fn pair_leaves(&mut self, txn: &mut WriteTxn, leaf: u64) -> Result<()> {
        let even = leaf & !1;
        let (Some(first), Some(second)) = (
            self.leaves.get(&*txn, even)?,
            self.leaves.get(&*txn, even + 1)?,
        ) else {
            return Ok(());
        };
        let lists = match (
            LeafRef::at(&*txn, first, even)?,
            LeafRef::at(&*txn, second, even + 1)?,
        ) {
            (LeafRef::Whole(a), LeafRef::Whole(b)) => PairLists::of([a, b])?,
            _ => None,
        };
        let Some(lists) = lists else {
            return Ok(());
        };
        let path = self
            .leaves
            .leaf_mut(txn, even, None)?
            .ok_or_else(|| Error::Corrupt(format!("adjacency leaf {even} vanished")))?;
        lists.write(txn, path.leaf, even * NODES_PER_LEAF as u64)?;
        let path = self
            .leaves
            .leaf_mut(txn, even + 1, None)?
            .ok_or_else(|| Error::Corrupt(format!("adjacency leaf {} vanished", even + 1)))?;
        Ok(self.leaves.remove_leaf(txn, path)?)
    }

    /// The page in the radix slot of the even leaf `even`, if it is a pair page (which then
    /// holds leaves `even` and `even + 1`). Reads that one page's tag.
    pub(crate) fn pair_at(&self, src: &impl PageSource, even: u64) -> Result<Option<PageId>> {
        match self.leaves.get(src, even)? {
            Some(page) if page_type_of(src.page(page)?) == PAIR => Ok(Some(page)),
            _ => Ok(None),
        }
    }

    /// If leaf `index`'s lists are half of a pair page, writes the pair's two leaves back as
    /// leaves of their own (each whole: inline where its runs fit) and frees the pair, so that
    /// a writer finds leaf `index` in a page of its own (or finds no leaf, if its half was
    /// empty).
    pub(crate) fn split_pair(&mut self, txn: &mut WriteTxn, index: u64) -> Result<()> {
        // An odd leaf with a page of its own is in no pair; only an empty slot sends the
        // writer to the page before it.
        if !index.is_multiple_of(2) && self.leaves.get(&*txn, index)?.is_some() {
            return Ok(());
        }
        let even = index & !1;
        let Some(page) = self.pair_at(&*txn, even)? else {
            return Ok(());
        };
        let LeafRef::Half(pair, _) = LeafRef::at(&*txn, page, even)? else {
            return Err(Error::Corrupt(format!(
                "adjacency pair {even} is not a pair"
            )));
        };
        let mut slots = Vec::with_capacity(PAIR_LISTS);
        for list in 0..PAIR_LISTS {
            slots.push(pair_slot(pair, list)?);
        }
        let entries = pair.entries;
        let path = self
            .leaves
            .leaf_mut(txn, even, None)?
            .ok_or_else(|| Error::Corrupt(format!("adjacency pair {even} vanished")))?;
        self.leaves.remove_leaf(txn, path)?;
        for (half, slots) in slots.chunks(SLOTS_PER_LEAF).enumerate() {
            if slots.iter().all(|s| s.form == FORM_EMPTY) {
                continue;
            }
            let leaf = even + half as u64;
            let path = self
                .leaves
                .leaf_mut(txn, leaf, Some(ADJ_LEAF))?
                .ok_or_else(|| Error::Corrupt(format!("adjacency leaf {leaf} not created")))?;
            txn.page_mut_as::<AdjLeafPage>(path.leaf)?.first_node =
                U64::new(leaf * NODES_PER_LEAF as u64);
            let mut builder = LeafBuilder::default();
            for slot in slots_out_first() {
                let list = slots
                    .get(slot)
                    .ok_or_else(|| Error::Corrupt(format!("no list slot {slot}")))?;
                if list.form == FORM_RUN {
                    builder.place_run(slot, run_of(&entries, list)?)?;
                }
            }
            builder.finish(txn, path.leaf)?;
        }
        Ok(())
    }
}
