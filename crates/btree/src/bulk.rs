//! Bulk load: building a tree from entries in ascending key order, bottom up.
//!
//! Leaves are filled left to right, each packed until the next entry does not fit; then each
//! branch level is packed the same way over the pages of the level below, until one page
//! (the root) remains. The last page of a level may be short; if it is below the minimum
//! fill it shares entries with its left neighbour (or merges into it), so the result meets
//! every bound [`Tree::check`] verifies. Each page is written once: no path copying, no
//! splits, no searches.

use pager_mmap::{PAGE_SIZE, PageBytes, PageId, WriteTxn};

use crate::balance::{Arrangement, Split, arrange, min_fill, node_type};
use crate::cell::{encode_branch_cell, encode_leaf_cell, shortest_separator};
use crate::error::{Error, Result, corrupt};
use crate::layout::MAX_HEIGHT;
use crate::node::NodeRef;
use crate::slotted::{read_cells, set_tree_len, try_insert, write_cells};
use crate::tree::{Tree, check_key, store_value};

/// Packs one level of the tree into pages.
struct LevelBuilder {
    level: u8,
    /// The page being filled, not yet allocated.
    page: Box<PageBytes>,
    count: usize,
    /// The separator that leads to the page being filled.
    sep: Vec<u8>,
    /// Finished pages, each with the separator that leads to it (empty for the first).
    pages: Vec<(Vec<u8>, PageId)>,
}

impl LevelBuilder {
    fn new(level: u8) -> Result<LevelBuilder> {
        let mut builder = LevelBuilder {
            level,
            page: Box::new([0; PAGE_SIZE]),
            count: 0,
            sep: Vec::new(),
            pages: Vec::new(),
        };
        builder.reset()?;
        Ok(builder)
    }

    fn reset(&mut self) -> Result<()> {
        write_cells(
            PageId(0),
            &mut self.page,
            node_type(self.level),
            self.level,
            &[],
        )?;
        self.count = 0;
        Ok(())
    }

    /// Appends `cell`; when the page is full, finishes it and starts the next one, led to by
    /// the separator `next_sep()` and starting with `first_cell()` instead of `cell`.
    fn push(
        &mut self,
        txn: &mut WriteTxn,
        cell: &[u8],
        next_sep: impl FnOnce() -> Vec<u8>,
        first_cell: impl FnOnce() -> Vec<u8>,
    ) -> Result<()> {
        if self.count > 0 && try_insert(PageId(0), &mut self.page, self.count, cell)? {
            self.count += 1;
            return Ok(());
        }
        if self.count > 0 {
            self.flush(txn)?;
            self.sep = next_sep();
        }
        if !try_insert(PageId(0), &mut self.page, 0, &first_cell())? {
            return Err(corrupt(PageId(0), "one cell does not fit an empty page"));
        }
        self.count = 1;
        Ok(())
    }

    /// Writes the page being filled to a new page of the file.
    fn flush(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let (id, page) = txn.alloc(node_type(self.level))?;
        page.copy_from_slice(self.page.as_slice());
        self.pages.push((std::mem::take(&mut self.sep), id));
        self.reset()
    }

    /// Finishes the level: writes the last page and brings it within the minimum fill.
    fn finish(mut self, txn: &mut WriteTxn) -> Result<Vec<(Vec<u8>, PageId)>> {
        if self.count > 0 {
            self.flush(txn)?;
        }
        let mut pages = self.pages;
        let level = self.level;
        if let [.., (_, prev), (last_sep, last)] = pages.as_mut_slice() {
            let (prev, last) = (*prev, *last);
            let (used, cells) = {
                let left = NodeRef::read(txn, prev, Some(level))?;
                let right = NodeRef::read(txn, last, Some(level))?;
                let mut cells = read_cells(&left)?;
                if level == 0 {
                    cells.extend(read_cells(&right)?);
                } else {
                    cells.push(encode_branch_cell(right.child(0)?, last_sep));
                    for i in 1..right.count {
                        cells.push(right.cell_bytes(i)?.to_vec());
                    }
                }
                (right.used()?, cells)
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

impl Tree {
    /// Builds a new tree from `entries` in strictly ascending key order, much faster than
    /// inserting them one by one: each page is written once, packed full. Fails with
    /// [`Error::Unsorted`] on out-of-order or repeated keys (the pages written so far are
    /// freed when the transaction aborts). The new tree shares nothing with any other; to
    /// replace a tree, [`Tree::clear`] it first.
    pub fn bulk_load<I, K, V>(txn: &mut WriteTxn, entries: I) -> Result<Tree>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let mut leaves = LevelBuilder::new(0)?;
        let mut last_key: Option<Vec<u8>> = None;
        let mut len = 0u64;
        for (key, value) in entries {
            let (key, value) = (key.as_ref(), value.as_ref());
            check_key(key)?;
            if last_key.as_deref().is_some_and(|last| last >= key) {
                return Err(Error::Unsorted { index: len });
            }
            let stored = store_value(txn, key, value)?;
            let cell = encode_leaf_cell(key, &stored);
            let previous = last_key.take().unwrap_or_default();
            leaves.push(
                txn,
                &cell,
                || shortest_separator(&previous, key).to_vec(),
                || cell.clone(),
            )?;
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
            let mut branches = LevelBuilder::new(level)?;
            for (sep, child) in level_pages {
                let cell = encode_branch_cell(child, &sep);
                branches.push(
                    txn,
                    &cell,
                    || sep.clone(),
                    || encode_branch_cell(child, &[]),
                )?;
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
