//! What every dense-id table shares, whatever its slots hold: the root (a radix vector of leaf
//! pages, the next id, the live count), the arithmetic from an id to its leaf and slot, the
//! descent to a leaf, the walk over slots in id order, and the leaf-level part of `check`.

use pager_mmap::{Page, PageId, PageSource, RadixPath, RadixVec, WriteTxn};
use zerocopy::little_endian::U64;

use crate::error::{Error, Result};
use crate::layout::TableRoot;

/// A leaf page of a dense-id table: `slot_count` slots holding ids from `first_id`.
pub(crate) trait DenseLeaf: Page {
    /// The id of slot 0, as the leaf records it.
    fn first_id(&self) -> u64;
    /// The slots the leaf has, as it records them.
    fn slot_count(&self) -> usize;
    /// The live slots, as the leaf counts them.
    fn live(&self) -> u16;
    /// Fills in a leaf just allocated (zeroed but for its type tag) for the ids from
    /// `first_id`, `slot_count` of them.
    fn init(&mut self, first_id: u64, slot_count: usize);
}

/// A leaf as a table reads it: a page of one layout (`&L` for a [`DenseLeaf`] `L`), or a view
/// over the layouts a table's leaves may take (a record table's plain and packed leaves).
pub(crate) trait LeafView<'a>: Copy {
    /// The leaf at `page`, its type tag checked.
    fn load<S: PageSource>(src: &'a S, page: PageId) -> Result<Self>;
    /// The id of slot 0, as the leaf records it.
    fn first_id(&self) -> u64;
    /// The slots the leaf has, as it records them.
    fn slot_count(&self) -> usize;
    /// The live slots, as the leaf counts them.
    fn live(&self) -> u16;
}

impl<'a, L: DenseLeaf> LeafView<'a> for &'a L {
    #[inline(always)]
    fn load<S: PageSource>(src: &'a S, page: PageId) -> Result<Self> {
        Ok(src.page_as::<L>(page)?)
    }

    #[inline(always)]
    fn first_id(&self) -> u64 {
        L::first_id(self)
    }

    #[inline(always)]
    fn slot_count(&self) -> usize {
        L::slot_count(self)
    }

    fn live(&self) -> u16 {
        L::live(self)
    }
}

/// Implements [`pager_mmap::Page`] (type tag `$tag`) and [`DenseLeaf`] for a leaf page of
/// `$slots` fixed slots whose head is a page header, `first_id: U64`, `live: U16` and six
/// reserved bytes: the attribute and id-map leaves.
macro_rules! fixed_slot_leaf {
    ($page:ty, $tag:expr, $slots:expr) => {
        impl pager_mmap::Page for $page {
            const TYPE: pager_mmap::PageType = $tag;
        }

        impl $crate::dense::DenseLeaf for $page {
            #[inline]
            fn first_id(&self) -> u64 {
                self.first_id.get()
            }

            #[inline]
            fn slot_count(&self) -> usize {
                $slots
            }

            fn live(&self) -> u16 {
                self.live.get()
            }

            fn init(&mut self, first_id: u64, _slot_count: usize) {
                // Every such leaf has `$slots` slots; its table opens with that many.
                self.first_id = zerocopy::little_endian::U64::new(first_id);
            }
        }
    };
}
pub(crate) use fixed_slot_leaf;

/// The part of a dense-id table that does not depend on its slots: id `i` lives in slot
/// `i % per_leaf` of leaf `i / per_leaf`, and the leaves hang off a radix vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DenseTable {
    leaves: RadixVec,
    next_id: u64,
    live: u64,
    per_leaf: usize,
}

impl DenseTable {
    /// A table without records or pages, with `per_leaf` slots per leaf (at least 1).
    pub(crate) fn empty(per_leaf: usize) -> DenseTable {
        DenseTable {
            leaves: RadixVec::default(),
            next_id: 0,
            live: 0,
            per_leaf: per_leaf.max(1),
        }
    }

    /// The table persisted as `root`, with `per_leaf` slots per leaf (which must not be 0),
    /// refused when the root contradicts itself.
    pub(crate) fn open(root: TableRoot, per_leaf: usize) -> Result<DenseTable> {
        let leaves = RadixVec::open(root.root.get(), root.height.get())?;
        let table = DenseTable {
            leaves,
            next_id: root.next_id.get(),
            live: root.live.get(),
            per_leaf,
        };
        let leaf_count = table.next_id.div_ceil(per_leaf.max(1) as u64);
        // A table without pages (every record deleted) may have any next id: the next push
        // grows the radix vector to it again.
        let addressable =
            leaves.root == 0 || leaf_count <= pager_mmap::radix_capacity(leaves.height);
        if per_leaf == 0 || !addressable || table.live > table.next_id {
            return Err(Error::Corrupt(format!("impossible table root {root:?}")));
        }
        Ok(table)
    }

    /// What to persist to find the table again.
    pub(crate) fn root(&self) -> TableRoot {
        TableRoot {
            root: U64::new(self.leaves.root),
            next_id: U64::new(self.next_id),
            live: U64::new(self.live),
            height: U64::new(self.leaves.height),
        }
    }

    /// Slots per leaf.
    pub(crate) fn per_leaf(&self) -> usize {
        self.per_leaf
    }

    /// Live records.
    pub(crate) fn len(&self) -> u64 {
        self.live
    }

    /// The id the next push hands out.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The leaf index and slot index of `id`.
    #[inline]
    pub(crate) fn position(&self, id: u64) -> (u64, usize) {
        let per_leaf = self.per_leaf as u64;
        // `% per_leaf` keeps the slot index below `per_leaf`.
        (id / per_leaf, (id % per_leaf) as usize)
    }

    /// The leaf page of leaf index `index`, if it exists, checked to be where it says it is.
    #[inline(always)]
    pub(crate) fn leaf<'a, L: LeafView<'a>, S: PageSource>(
        &self,
        src: &'a S,
        index: u64,
    ) -> Result<Option<L>> {
        let Some(page) = self.leaves.get(src, index)? else {
            return Ok(None);
        };
        let leaf = L::load(src, page)?;
        let first_id = index.saturating_mul(self.per_leaf as u64);
        if leaf.first_id() != first_id || leaf.slot_count() != self.per_leaf {
            return Err(Error::Corrupt(format!(
                "leaf page {page} holds {} records from id {}, expected {} from {first_id}",
                leaf.slot_count(),
                leaf.first_id(),
                self.per_leaf
            )));
        }
        Ok(Some(leaf))
    }

    /// The leaf holding `id` and its slot index there, or `None` when `id` was never handed
    /// out or its leaf is gone.
    #[inline(always)]
    pub(crate) fn leaf_of<'a, L: LeafView<'a>, S: PageSource>(
        &self,
        src: &'a S,
        id: u64,
    ) -> Result<Option<(L, usize)>> {
        if id >= self.next_id {
            return Ok(None);
        }
        let (index, slot_index) = self.position(id);
        Ok(self
            .leaf::<L, S>(src, index)?
            .map(|leaf| (leaf, slot_index)))
    }

    /// Copies the path to the existing leaf of `id`, which the caller knows to be live.
    pub(crate) fn existing_leaf_mut(&mut self, txn: &mut WriteTxn, id: u64) -> Result<RadixPath> {
        let (index, _) = self.position(id);
        match self.leaves.leaf_mut(txn, index, None)? {
            Some(path) => Ok(path),
            None => Err(Error::NotFound(id)),
        }
    }

    /// Copies (or makes) the path to the leaf of the next id; a leaf made here is filled in
    /// with [`DenseLeaf::init`].
    pub(crate) fn leaf_for_push<L: DenseLeaf>(&mut self, txn: &mut WriteTxn) -> Result<RadixPath> {
        self.leaf_for_id::<L>(txn, self.next_id)
    }

    /// Copies (or makes) the path to the leaf of `id`, at, below or past the next id; a leaf
    /// made here is filled in with [`DenseLeaf::init`].
    pub(crate) fn leaf_for_id<L: DenseLeaf>(
        &mut self,
        txn: &mut WriteTxn,
        id: u64,
    ) -> Result<RadixPath> {
        let (index, _) = self.position(id);
        let path = self
            .leaves
            .leaf_mut(txn, index, Some(L::TYPE))?
            .ok_or_else(|| Error::Corrupt("leaf not created".into()))?;
        if path.created {
            // `index * per_leaf` is at most `id`.
            let first_id = index * self.per_leaf as u64;
            txn.page_mut_as::<L>(path.leaf)?
                .init(first_id, self.per_leaf);
        }
        Ok(path)
    }

    /// Counts a record pushed at the next id; returns that id.
    pub(crate) fn count_push(&mut self) -> Result<u64> {
        self.count_pushes(1)
    }

    /// Counts `n` records pushed from the next id on; returns the first of their ids.
    pub(crate) fn count_pushes(&mut self, n: u64) -> Result<u64> {
        let id = self.next_id;
        // The counts come from the persisted root: a corrupt one must give an error, not wrap.
        let next_id = id
            .checked_add(n)
            .ok_or_else(|| Error::Corrupt("record ids exhausted".into()))?;
        let live = self
            .live
            .checked_add(n)
            .ok_or_else(|| Error::Corrupt("the live count overflows".into()))?;
        (self.next_id, self.live) = (next_id, live);
        Ok(id)
    }

    /// Counts a record set at `id`, which had none, in a table whose ids are set in any order:
    /// the next id moves past `id` if it was not already.
    pub(crate) fn count_set(&mut self, id: u64) -> Result<()> {
        let past = id
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("record ids exhausted".into()))?;
        self.live = self
            .live
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("the live count overflows".into()))?;
        self.next_id = self.next_id.max(past);
        Ok(())
    }

    /// Counts a record deleted.
    pub(crate) fn count_delete(&mut self) -> Result<()> {
        self.live = self
            .live
            .checked_sub(1)
            .ok_or_else(|| Error::Corrupt("a live record in a table that counts none".into()))?;
        Ok(())
    }

    /// Frees the leaf of `path` and every radix page left without children.
    pub(crate) fn remove_leaf(&mut self, txn: &mut WriteTxn, path: RadixPath) -> Result<()> {
        Ok(self.leaves.remove_leaf(txn, path)?)
    }

    /// For a table whose ids are set in any order: once it holds no record (and so no page),
    /// the next id starts again from 0. Its radix vector starts again from height 0 then, and
    /// a next id past what a later, lower vector addresses would make the root impossible.
    pub(crate) fn restart_if_empty(&mut self) {
        if self.live == 0 {
            self.next_id = 0;
        }
    }

    /// The leaves that exist, in index order, each with its leaf index: one walk over the
    /// radix pages, however far apart the leaves are.
    pub(crate) fn leaf_indexes<S: PageSource>(&self, src: &S) -> Result<Vec<u64>> {
        let mut indexes = Vec::new();
        let visit = |index, _| {
            indexes.push(index);
            Ok(())
        };
        self.leaves.walk(src, visit, &mut Vec::new())?;
        Ok(indexes)
    }

    /// Walks every leaf for `check`: radix pages and leaves of the right type at the right
    /// depth, each leaf's `first_id` right, and the live counts (each leaf's against the live
    /// slots `slots` reports for it, their total against the root's). `slots` checks one leaf's
    /// slots, calling [`LeafFindings::live_record`] for each live one; an error from it means
    /// the slots could not be read. Appends every page reached to `pages`; returns the problems.
    pub(crate) fn check_leaves<'a, L: LeafView<'a>, S: PageSource>(
        &self,
        src: &'a S,
        pages: &mut Vec<PageId>,
        mut slots: impl FnMut(&mut LeafFindings<'_>, PageId, L, u64) -> Result<()>,
    ) -> Vec<String> {
        let mut leaves = Vec::new();
        let mut problems = Vec::new();
        let visit = |index, page| {
            leaves.push((index, page));
            Ok(())
        };
        if let Err(e) = self.leaves.walk(src, visit, pages) {
            problems.push(format!("radix pages: {e}"));
        }
        let mut findings = LeafFindings {
            pages,
            problems,
            next_id: self.next_id,
            leaf_live: 0,
        };
        let mut total = 0u64;
        for (index, page) in leaves {
            findings.pages.push(page);
            let leaf = match L::load(src, page) {
                Ok(leaf) => leaf,
                Err(e) => {
                    findings.problems.push(format!("leaf {page}: {e}"));
                    continue;
                }
            };
            let first_id = index.saturating_mul(self.per_leaf as u64);
            if leaf.first_id() != first_id {
                findings.problems.push(format!(
                    "leaf {page} says it starts at id {}, its position says {first_id}",
                    leaf.first_id()
                ));
            }
            findings.leaf_live = 0;
            if let Err(e) = slots(&mut findings, page, leaf, first_id) {
                findings.problems.push(format!("leaf {page}: {e}"));
                continue;
            }
            let live = findings.leaf_live;
            if live != u64::from(leaf.live()) {
                findings.problems.push(format!(
                    "leaf {page} counts {} live records, its slots {live}",
                    leaf.live()
                ));
            }
            if live == 0 {
                findings
                    .problems
                    .push(format!("leaf {page} is empty and should have been freed"));
            }
            total = total.saturating_add(live);
        }
        if total != self.live {
            findings.problems.push(format!(
                "the root counts {} live records, the leaves {total}",
                self.live
            ));
        }
        findings.problems
    }
}

/// What `check` found so far, handed to the check of one leaf's slots.
pub(crate) struct LeafFindings<'p> {
    /// Every page the table reaches, for the pager's check.
    pub(crate) pages: &'p mut Vec<PageId>,
    /// The problems found.
    pub(crate) problems: Vec<String>,
    next_id: u64,
    leaf_live: u64,
}

impl LeafFindings<'_> {
    /// Counts a live slot holding `record`, which must be below the next id.
    pub(crate) fn live_record(&mut self, record: u64) {
        self.leaf_live += 1;
        if record >= self.next_id {
            self.problems.push(format!(
                "record {record} is live but at or past next id {}",
                self.next_id
            ));
        }
    }
}

/// Where a walk over a table's slots in id order stands: one descent per leaf, missing leaves
/// skipped, nothing at or past the next id.
pub(crate) struct SlotCursor<L> {
    leaf_index: u64,
    leaf: Option<L>,
    slot: usize,
    stopped: bool,
}

impl<L: Copy> SlotCursor<L> {
    /// A walk from id 0.
    pub(crate) fn new() -> Self {
        SlotCursor {
            leaf_index: 0,
            leaf: None,
            slot: 0,
            stopped: false,
        }
    }

    /// Ends the walk (after an error).
    pub(crate) fn stop(&mut self) {
        self.stopped = true;
    }

    /// The next slot below the next id, live or not: its leaf, id and slot index. An error
    /// reading a leaf is returned once and ends the walk.
    pub(crate) fn next_slot<'a, S: PageSource>(
        &mut self,
        table: &DenseTable,
        src: &'a S,
    ) -> Option<Result<(L, u64, usize)>>
    where
        L: LeafView<'a>,
    {
        let per_leaf = table.per_leaf as u64;
        loop {
            if self.stopped {
                return None;
            }
            if let Some(leaf) = self.leaf {
                if self.slot < table.per_leaf {
                    let slot = self.slot;
                    self.slot += 1;
                    let id = (self.leaf_index.saturating_mul(per_leaf)).saturating_add(slot as u64);
                    if id < table.next_id {
                        return Some(Ok((leaf, id, slot)));
                    }
                }
                self.leaf = None;
                self.leaf_index += 1;
            }
            if self.leaf_index.saturating_mul(per_leaf) >= table.next_id {
                return None;
            }
            match table.leaf::<L, S>(src, self.leaf_index) {
                Ok(Some(leaf)) => {
                    self.leaf = Some(leaf);
                    self.slot = 0;
                }
                Ok(None) => self.leaf_index += 1,
                Err(e) => {
                    self.stopped = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
