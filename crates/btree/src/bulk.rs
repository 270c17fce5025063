//! Bulk load: building a tree from entries in ascending key order, bottom up.
//!
//! Leaves are filled left to right, each until the next entry would take it past the fill
//! asked for ([`BulkFill`]); then each branch level is filled the same way over the pages of
//! the level below, until one page (the root) remains. The last page of a level may be short; if it is below the minimum
//! fill it shares entries with its left neighbour (or merges into it), so the result meets
//! every bound [`Tree::check`] verifies. Each page is written once: no path copying, no
//! splits, no searches.

use pager_mmap::{PageId, WriteTxn};

use crate::balance::{Arrangement, Split, arrange, joined_cells, min_fill, node_type};
use crate::cell::{ValueRef, encode_branch_cell, encode_leaf_cell, shortest_separator};
use crate::cells::Cells;
use crate::error::{Error, Result, corrupt};
use crate::layout::{
    MAX_BRANCH_ENTRY, MAX_HEIGHT, MAX_LEAF_ENTRY, MIN_BRANCH_FILL, MIN_LEAF_FILL, NODE_BODY,
    PACKED_LEAF, SLOT_SIZE,
};
use crate::node::NodeRef;
use crate::packed::Packer;
use crate::slotted::{set_tree_len, write_cells};
use crate::tree::{Tree, check_key, store_value};

/// How full a bulk load fills each page, in percent of the page body
/// ([`crate::layout::NODE_BODY`]): an entry starts a new page rather than take its page past
/// the fill. Every level is filled alike.
///
/// A page filled to the brim splits on the first insert into it, so a bulk-loaded tree that
/// then takes random inserts splits nearly every leaf and ends up larger, and slower to
/// write, than one built by inserts. [`BulkFill::DEFAULT`] leaves room for later inserts;
/// [`BulkFill::FULL`] gives the smallest tree, for data that will be read but not changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkFill {
    percent: u8,
}

impl BulkFill {
    /// Pages packed full: the smallest tree and the fewest pages to read, for read-mostly
    /// data.
    pub const FULL: BulkFill = BulkFill { percent: 100 };

    /// What [`Tree::bulk_load`] uses: 85 %. Measured with `kv_compare` (`docs/benchmarks.md`:
    /// 1 M random 24-byte keys with 150-byte values bulk-loaded, then 101 K random inserts),
    /// the file's pages after the inserts were 341, 307, 267, 239, 233 and 251 MiB at fills
    /// of 100, 95, 90, 85, 80 and 75 %, against 178, 187, 196, 207, 218 and 245 MiB right
    /// after the load: 85 % is within 3 % of the least pages after the inserts and costs 16 %
    /// more than a full load before them.
    pub const DEFAULT: BulkFill = BulkFill { percent: 85 };

    /// The least fill accepted: lower fills are raised to it. A page is finished when the
    /// next entry would take it past the fill, so it holds more than the fill less one
    /// entry; at this fill that is still the minimum fill a tree's pages must keep.
    pub const MIN_PERCENT: u8 = 64;

    /// Pages filled to `percent` of their body, taken within
    /// [`BulkFill::MIN_PERCENT`]`..=100`.
    pub const fn percent(percent: u8) -> BulkFill {
        let percent = if percent < BulkFill::MIN_PERCENT {
            BulkFill::MIN_PERCENT
        } else if percent > 100 {
            100
        } else {
            percent
        };
        BulkFill { percent }
    }

    /// The fill, in percent.
    pub const fn get(self) -> u8 {
        self.percent
    }

    /// The bytes of a page body to fill up to.
    fn limit(self) -> usize {
        NODE_BODY * usize::from(self.percent) / 100
    }
}

// A page finished at the least fill holds more than the fill less one maximal entry.
const LEAST_LIMIT: usize = NODE_BODY * BulkFill::MIN_PERCENT as usize / 100;
const _: () = assert!(LEAST_LIMIT >= MIN_LEAF_FILL + MAX_LEAF_ENTRY);
const _: () = assert!(LEAST_LIMIT >= MIN_BRANCH_FILL + MAX_BRANCH_ENTRY);

impl Default for BulkFill {
    fn default() -> BulkFill {
        BulkFill::DEFAULT
    }
}

/// Fills one level of the tree into pages.
struct LevelBuilder {
    level: u8,
    /// Bytes of a page body to fill up to.
    limit: usize,
    /// The cells of the page being filled, not yet written.
    cells: Cells,
    /// Bytes of the page body they take: slots and cells.
    used: usize,
    /// The separator that leads to the page being filled.
    sep: Vec<u8>,
    /// Finished pages, each with the separator that leads to it (empty for the first).
    pages: Vec<(Vec<u8>, PageId)>,
}

impl LevelBuilder {
    fn new(level: u8, fill: BulkFill) -> LevelBuilder {
        LevelBuilder {
            level,
            limit: fill.limit(),
            cells: Cells::default(),
            used: 0,
            sep: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// Appends `cell` to the page being filled. When it would take the page past the fill,
    /// the page is finished first and the next one starts with `as_first(cell)` (a branch's
    /// first cell has no key), led to by the separator `next_sep()`. A page always takes
    /// its first cell: the fill is at least [`BulkFill::MIN_PERCENT`], above any one cell.
    fn push(
        &mut self,
        txn: &mut WriteTxn,
        cell: Vec<u8>,
        next_sep: impl FnOnce() -> Vec<u8>,
        as_first: impl FnOnce(Vec<u8>) -> Vec<u8>,
    ) -> Result<()> {
        let size = SLOT_SIZE + cell.len();
        if !self.cells.is_empty() && self.used + size <= self.limit {
            self.cells.push(&cell);
            self.used += size;
            return Ok(());
        }
        if !self.cells.is_empty() {
            self.flush(txn)?;
            self.sep = next_sep();
        }
        let first = as_first(cell);
        self.used = SLOT_SIZE + first.len();
        self.cells.push(&first);
        Ok(())
    }

    /// Writes the page being filled to a new page of the file.
    fn flush(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let page_type = node_type(self.level);
        let (id, page) = txn.alloc(page_type)?;
        write_cells(id, page, page_type, self.level, &self.cells)?;
        self.cells.clear();
        self.used = 0;
        self.pages.push((std::mem::take(&mut self.sep), id));
        Ok(())
    }

    /// Finishes the level: writes the last page and brings it within the minimum fill.
    fn finish(mut self, txn: &mut WriteTxn) -> Result<Vec<(Vec<u8>, PageId)>> {
        if !self.cells.is_empty() {
            self.flush(txn)?;
        }
        let mut pages = self.pages;
        let level = self.level;
        if let [.., (_, prev), (last_sep, last)] = pages.as_mut_slice() {
            let (prev, last) = (*prev, *last);
            let (used, cells) = {
                let left = NodeRef::read(txn, prev, Some(level))?;
                let right = NodeRef::read(txn, last, Some(level))?;
                (right.used()?, joined_cells(&left, &right, last_sep)?)
            };
            if used < min_fill(level) {
                let page_type = node_type(level);
                match arrange(prev, level, cells, Split::Even)? {
                    Arrangement::One(cells) => {
                        write_cells(prev, txn.page_mut(prev)?, page_type, level, &cells)?;
                        txn.free(last)?;
                        pages.pop();
                    }
                    Arrangement::Two { left, sep, right } => {
                        write_cells(prev, txn.page_mut(prev)?, page_type, level, &left)?;
                        write_cells(last, txn.page_mut(last)?, page_type, level, &right)?;
                        *last_sep = sep;
                    }
                }
            }
        }
        Ok(pages)
    }
}

/// Fills the leaf level with packed leaves ([`crate::packed`]), each with as many entries as
/// fit. They keep no minimum fill (the last may be short), so none is rebalanced.
#[derive(Default)]
struct PackedLeaves {
    packer: Packer,
    /// The separator that leads to the page being filled.
    sep: Vec<u8>,
    /// Finished pages, each with the separator that leads to it (empty for the first).
    pages: Vec<(Vec<u8>, PageId)>,
}

impl PackedLeaves {
    fn push(
        &mut self,
        txn: &mut WriteTxn,
        key: &[u8],
        value: &ValueRef<'_>,
        next_sep: impl FnOnce() -> Vec<u8>,
    ) -> Result<()> {
        if !self.packer.fits(key, value) {
            self.flush(txn)?;
            self.sep = next_sep();
        }
        self.packer.push(key, value);
        Ok(())
    }

    fn flush(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let (id, page) = txn.alloc(PACKED_LEAF)?;
        self.packer.write(id, page)?;
        self.packer = Packer::default();
        self.pages.push((std::mem::take(&mut self.sep), id));
        Ok(())
    }

    fn finish(mut self, txn: &mut WriteTxn) -> Result<Vec<(Vec<u8>, PageId)>> {
        if self.packer.len() > 0 {
            self.flush(txn)?;
        }
        Ok(self.pages)
    }
}

/// How a bulk load lays out its leaves.
enum Leaves {
    /// Slotted leaves filled to a [`BulkFill`].
    Slotted(LevelBuilder),
    /// Packed leaves.
    Packed(PackedLeaves),
}

impl Leaves {
    fn push(
        &mut self,
        txn: &mut WriteTxn,
        key: &[u8],
        value: &ValueRef<'_>,
        next_sep: impl FnOnce() -> Vec<u8>,
    ) -> Result<()> {
        match self {
            Leaves::Slotted(level) => {
                level.push(txn, encode_leaf_cell(key, value), next_sep, |cell| cell)
            }
            Leaves::Packed(leaves) => leaves.push(txn, key, value, next_sep),
        }
    }

    fn finish(self, txn: &mut WriteTxn) -> Result<Vec<(Vec<u8>, PageId)>> {
        match self {
            Leaves::Slotted(level) => level.finish(txn),
            Leaves::Packed(leaves) => leaves.finish(txn),
        }
    }
}

impl Tree {
    /// Builds a new tree from `entries` in strictly ascending key order, much faster than
    /// inserting them one by one: each page is written once, filled to
    /// [`BulkFill::DEFAULT`] (room is left for later inserts; for data that will not change,
    /// [`Tree::bulk_load_with_fill`] with [`BulkFill::FULL`] packs pages full). Fails with
    /// [`Error::Unsorted`] on out-of-order or repeated keys (the pages written so far are
    /// freed when the transaction aborts). The new tree shares nothing with any other; to
    /// replace a tree, [`Tree::clear`] it first.
    pub fn bulk_load<I, K, V>(txn: &mut WriteTxn, entries: I) -> Result<Tree>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        Tree::bulk_load_with_fill(txn, entries, BulkFill::DEFAULT)
    }

    /// [`Tree::bulk_load`], with each page filled to `fill`.
    pub fn bulk_load_with_fill<I, K, V>(
        txn: &mut WriteTxn,
        entries: I,
        fill: BulkFill,
    ) -> Result<Tree>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        Tree::build(
            txn,
            entries,
            Leaves::Slotted(LevelBuilder::new(0, fill)),
            fill,
        )
    }

    /// [`Tree::bulk_load`] into packed leaves: each key is stored as the bytes it does not
    /// share with the key before it (a full key every 16), so sorted keys with long common
    /// prefixes (names, composite keys) take a fraction of the pages; branches are filled
    /// full. For data read far more than changed, such as an index rebuilt after a bulk
    /// load: lookups decode up to 16 keys of the leaf, and the first write to a packed leaf
    /// rewrites it as slotted leaves (a few page writes; `docs/format.md`, "Packed leaf
    /// page"). Fails as [`Tree::bulk_load`] does.
    pub fn bulk_load_packed<I, K, V>(txn: &mut WriteTxn, entries: I) -> Result<Tree>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let leaves = Leaves::Packed(PackedLeaves::default());
        Tree::build(txn, entries, leaves, BulkFill::FULL)
    }

    /// The bulk loads: `entries` into `leaves`, then branch levels filled to `fill`.
    fn build<I, K, V>(
        txn: &mut WriteTxn,
        entries: I,
        mut leaves: Leaves,
        fill: BulkFill,
    ) -> Result<Tree>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let mut last_key: Option<Vec<u8>> = None;
        let mut len = 0u64;
        for (key, value) in entries {
            let (key, value) = (key.as_ref(), value.as_ref());
            check_key(key)?;
            if last_key.as_deref().is_some_and(|last| last >= key) {
                return Err(Error::Unsorted { index: len });
            }
            let stored = store_value(txn, key, value)?;
            let previous = last_key.take().unwrap_or_default();
            leaves.push(txn, key, &stored, || {
                shortest_separator(&previous, key).to_vec()
            })?;
            last_key = Some(key.to_vec());
            len += 1;
        }
        let mut level_pages = leaves.finish(txn)?;
        let mut level = 0u8;
        while level_pages.len() > 1 {
            level += 1;
            if level >= MAX_HEIGHT {
                return Err(corrupt(PageId(0), "bulk load built a tree too high"));
            }
            let mut branches = LevelBuilder::new(level, fill);
            for (sep, child) in level_pages {
                let cell = encode_branch_cell(child, &sep);
                branches.push(txn, cell, || sep, |_| encode_branch_cell(child, &[]))?;
            }
            level_pages = branches.finish(txn)?;
        }
        let Some(&(_, root)) = level_pages.first() else {
            return Ok(Tree::EMPTY);
        };
        set_tree_len(root, txn.page_mut(root)?, len)?;
        Tree::load(txn, root.0)
    }
}
