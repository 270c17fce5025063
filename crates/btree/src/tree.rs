//! [`Tree`]: the descriptor of one tree, and its point operations.

use std::borrow::Cow;

use pager_mmap::{PageId, PageSource, WriteTxn};

use crate::balance::{Outcome, Split, node_state, propagate, shift_left, store};
use crate::cell::{ValueRef, encode_branch_cell, encode_leaf_cell};
use crate::cells::Cells;
use crate::error::{Error, Result, corrupt};
use crate::layout::{BRANCH, INLINE_PAYLOAD_MAX, LEAF, MAX_HEIGHT, MAX_KEY_LEN, MAX_VALUE_LEN};
use crate::node::NodeRef;
use crate::slotted::{remove, set_child, set_tree_len, try_insert, write_cells};
use pager_mmap::{free_overflow, overflow_chain_pages, read_overflow, write_overflow};

/// One B+tree: the id of its root page, with the entry count and height read from it.
///
/// A tree is identified by its root page id alone ([`Tree::root`]); the root page records the
/// entry count, and every node its level. Store the root id wherever the tree is anchored:
/// a pager root slot ([`Tree::save_to_slot`]) or a [`crate::Catalog`] entry.
///
/// Changes copy the path from the leaf to the root, so **the root id changes**: after
/// changing a tree in a write transaction, store its new root before committing, or the
/// anchor keeps pointing at pages the change has freed. Copies of a `Tree` taken before a
/// change are stale afterwards. After an error from a changing method, abort the transaction:
/// the tree may be half changed.
///
/// Reads take any [`PageSource`] (a [`pager_mmap::ReadTxn`] or the [`WriteTxn`] itself) and
/// borrow keys and inline values from its pages without copying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    root: u64,
    len: u64,
    height: u8,
}

/// Checks a key against [`MAX_KEY_LEN`].
pub(crate) fn check_key(key: &[u8]) -> Result<()> {
    if key.len() > MAX_KEY_LEN {
        return Err(Error::KeyTooLong { len: key.len() });
    }
    Ok(())
}

/// Stores `value` for `key`: inline when small enough, else in a new overflow chain.
pub(crate) fn store_value<'v>(
    txn: &mut WriteTxn,
    key: &[u8],
    value: &'v [u8],
) -> Result<ValueRef<'v>> {
    if value.len() > MAX_VALUE_LEN {
        return Err(Error::ValueTooLong { len: value.len() });
    }
    if key.len() + value.len() <= INLINE_PAYLOAD_MAX {
        return Ok(ValueRef::Inline(value));
    }
    let first = write_overflow(txn, value)?;
    Ok(ValueRef::Overflow {
        first,
        len: u32::try_from(value.len()).map_err(|_| Error::ValueTooLong { len: value.len() })?,
    })
}

/// The bytes of a stored value: borrowed when inline, read from its chain otherwise.
pub(crate) fn load_value<'a, S: PageSource>(
    src: &'a S,
    value: ValueRef<'a>,
) -> Result<Cow<'a, [u8]>> {
    match value {
        ValueRef::Inline(bytes) => Ok(Cow::Borrowed(bytes)),
        ValueRef::Overflow { first, len } => {
            Ok(Cow::Owned(read_overflow(src, first, u64::from(len))?))
        }
    }
}

impl Tree {
    /// The empty tree. It has no pages until the first insert.
    pub const EMPTY: Tree = Tree {
        root: 0,
        len: 0,
        height: 0,
    };

    /// The tree whose root page is `root` (0: the empty tree), as stored by [`Tree::root`].
    pub fn load<S: PageSource>(src: &S, root: u64) -> Result<Tree> {
        if root == 0 {
            return Ok(Tree::EMPTY);
        }
        let node = NodeRef::read(src, PageId(root), None)?;
        Ok(Tree {
            root,
            len: node.tree_len()?,
            height: node.level + 1,
        })
    }

    /// The tree anchored in pager root slot `slot`.
    pub fn from_slot<S: PageSource>(src: &S, slot: usize) -> Result<Tree> {
        Tree::load(src, src.root(slot)?)
    }

    /// Anchors the tree in pager root slot `slot`.
    pub fn save_to_slot(&self, txn: &mut WriteTxn, slot: usize) -> Result<()> {
        txn.set_root(slot, self.root)?;
        Ok(())
    }

    /// The root page id that identifies the tree (0 when empty).
    pub fn root(&self) -> u64 {
        self.root
    }

    /// The number of entries. O(1): the count is kept in the root page.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the tree has no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of levels: 0 when empty, 1 when the root is a leaf.
    pub fn height(&self) -> u8 {
        self.height
    }

    /// Counts an entry placed into a leaf without [`Tree::insert`] (see `sorted.rs`); the
    /// root records the count at the next [`Tree::finish`].
    pub(crate) fn count_placed(&mut self) -> Result<()> {
        self.len = self
            .len
            .checked_add(1)
            .ok_or_else(|| corrupt(PageId(self.root), "the entry count overflows"))?;
        Ok(())
    }

    /// The level of the root page.
    pub(crate) fn root_level(&self) -> Result<u8> {
        self.height
            .checked_sub(1)
            .ok_or_else(|| corrupt(PageId(self.root), "a tree with a root and no height"))
    }

    /// The value stored for `key`, as its leaf holds it.
    pub(crate) fn find<'a, S: PageSource>(
        &self,
        src: &'a S,
        key: &[u8],
    ) -> Result<Option<ValueRef<'a>>> {
        if self.root == 0 {
            return Ok(None);
        }
        let mut node = NodeRef::read(src, PageId(self.root), Some(self.root_level()?))?;
        while !node.is_leaf {
            let child = node.child(node.search_branch(key)?)?;
            node = NodeRef::read(src, child, Some(node.level - 1))?;
        }
        node.lookup(key)
    }

    /// The value stored for `key`: borrowed from the page when inline, read into a new
    /// buffer when it lives in overflow pages.
    pub fn get<'a, S: PageSource>(&self, src: &'a S, key: &[u8]) -> Result<Option<Cow<'a, [u8]>>> {
        match self.find(src, key)? {
            Some(value) => Ok(Some(load_value(src, value)?)),
            None => Ok(None),
        }
    }

    /// Whether the tree holds `key` (reads no overflow pages).
    pub fn contains_key<S: PageSource>(&self, src: &S, key: &[u8]) -> Result<bool> {
        Ok(self.find(src, key)?.is_some())
    }

    /// Stores `value` under `key`; returns the value it replaces.
    pub fn insert(
        &mut self,
        txn: &mut WriteTxn,
        key: &[u8],
        value: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        check_key(key)?;
        if value.len() > MAX_VALUE_LEN {
            return Err(Error::ValueTooLong { len: value.len() });
        }
        if self.root == 0 {
            let stored = store_value(txn, key, value)?;
            let cell = encode_leaf_cell(key, &stored);
            let (id, page) = txn.alloc(LEAF)?;
            write_cells(id, page, LEAF, 0, &Cells::from_iter([cell.as_slice()]))?;
            self.root = id.0;
            self.height = 1;
            self.finish(txn, Outcome::Done, 1)?;
            return Ok(None);
        }
        let (path, leaf) = self.copy_path(txn, key)?;
        let (found, old) = {
            let node = NodeRef::read(txn, leaf, Some(0))?;
            if node.packed.is_some() {
                self.unpack(txn, &path, leaf)?;
                return self.insert(txn, key, value);
            }
            match node.search_leaf(key)? {
                Ok(index) => {
                    let value = node.entry(index)?.1;
                    (
                        Ok(index),
                        Some((load_value(txn, value)?.into_owned(), value_chain(value))),
                    )
                }
                Err(index) => (Err(index), None),
            }
        };
        let mut old_value = None;
        if let Some((bytes, chain)) = old {
            if let Some((first, len)) = chain {
                free_overflow(txn, first, len as u64)?;
            }
            old_value = Some(bytes);
        }
        let stored = store_value(txn, key, value)?;
        let cell = encode_leaf_cell(key, &stored);
        let is_root = path.is_empty();
        let page = txn.page_mut(leaf)?;
        let index = match found {
            Ok(index) => {
                remove(leaf, page, index)?;
                index
            }
            Err(index) => index,
        };
        // The outcome for the node at the end of `above`.
        let (above, outcome) = if try_insert(leaf, page, index, &cell)? {
            let outcome = if found.is_ok() {
                node_state(txn, leaf, is_root)?
            } else {
                Outcome::Done
            };
            (&path[..], outcome)
        } else {
            let mut cells = Cells::of(&NodeRef::read(txn, leaf, Some(0))?)?;
            if index > cells.len() {
                return Err(corrupt(leaf, "insert beyond the last cell"));
            }
            cells.insert(index, &cell);
            let split = if index + 1 == cells.len() {
                Split::Append
            } else {
                Split::Even
            };
            let shifted = match path.split_last() {
                Some((&parent, grandparents)) => {
                    shift_left(txn, parent, leaf, &mut cells, grandparents.is_empty())?
                        .map(|outcome| (grandparents, outcome))
                }
                None => None,
            };
            match shifted {
                Some(shifted) => shifted,
                None => (&path[..], store(txn, leaf, 0, cells, is_root, split)?),
            }
        };
        let top = propagate(txn, above, outcome)?;
        let len = if found.is_ok() {
            self.len
        } else {
            // The count comes from the root page: a corrupt one could claim u64::MAX entries.
            self.len
                .checked_add(1)
                .ok_or_else(|| corrupt(PageId(self.root), "the entry count overflows"))?
        };
        self.finish(txn, top, len)?;
        Ok(old_value)
    }

    /// Removes `key`; returns its value if it was there. Changes nothing if it was not.
    pub fn remove(&mut self, txn: &mut WriteTxn, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.remove_with(txn, key, |txn, value| {
            Ok(load_value(txn, value)?.into_owned())
        })
    }

    /// Removes `key`; returns whether it was there. Changes nothing if it was not. Cheaper
    /// than [`Tree::remove`] when the value is not wanted: it is not copied out (nor read,
    /// if it lives in overflow pages, whose pages are freed all the same).
    pub fn delete(&mut self, txn: &mut WriteTxn, key: &[u8]) -> Result<bool> {
        Ok(self.remove_with(txn, key, |_, _| Ok(()))?.is_some())
    }

    /// Removes `key` if it is there, first passing its value to `take`. One descent finds the
    /// key without changing anything (an absent key copies no page); the path it took is
    /// then copied by the child indices it found, without searching again.
    fn remove_with<T>(
        &mut self,
        txn: &mut WriteTxn,
        key: &[u8],
        take: impl FnOnce(&WriteTxn, ValueRef<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        if key.len() > MAX_KEY_LEN || self.root == 0 {
            return Ok(None);
        }
        let mut path = Vec::with_capacity(usize::from(self.height));
        let (leaf, index, packed) = {
            let mut node = NodeRef::read(txn, PageId(self.root), Some(self.root_level()?))?;
            while !node.is_leaf {
                let index = node.search_branch(key)?;
                path.push((node.id, index));
                node = NodeRef::read(txn, node.child(index)?, Some(node.level - 1))?;
            }
            match node.search_leaf(key)? {
                Ok(index) => (node.id, index, node.packed.is_some()),
                Err(_) => return Ok(None),
            }
        };
        let leaf = self.copy_found_path(txn, &mut path, leaf)?;
        if packed {
            self.unpack(txn, &path, leaf)?;
            return self.remove_with(txn, key, take);
        }
        let (taken, chain) = {
            let value = NodeRef::read(txn, leaf, Some(0))?.entry(index)?.1;
            (take(txn, value)?, value_chain(value))
        };
        if let Some((first, len)) = chain {
            free_overflow(txn, first, len as u64)?;
        }
        remove(leaf, txn.page_mut(leaf)?, index)?;
        let outcome = node_state(txn, leaf, path.is_empty())?;
        let top = propagate(txn, &path, outcome)?;
        self.finish(txn, top, self.len.saturating_sub(1))?;
        Ok(Some(taken))
    }

    /// Removes every entry and frees every page of the tree.
    pub fn clear(&mut self, txn: &mut WriteTxn) -> Result<()> {
        for id in self.pages(txn)? {
            txn.free(id)?;
        }
        *self = Tree::EMPTY;
        Ok(())
    }

    /// [`Tree::clear`] for a tree whose values are all inline (no key and value longer than
    /// 1,036 bytes together was ever inserted, so no overflow chain hangs from a leaf): its
    /// pages are the branches and the leaves they point to, so only the branches are read.
    /// Freeing a large tree then costs its branches, not every leaf's page read through the
    /// mapping (a fold frees tiers of a gigabyte and more this way). A leaf holding an
    /// overflow value anyway (a damaged tree) leaves its chain unreachable, which the pager's
    /// check reports.
    pub fn clear_inline(&mut self, txn: &mut WriteTxn) -> Result<()> {
        if self.root == 0 {
            return Ok(());
        }
        let mut pages = Vec::new();
        let mut stack = vec![(PageId(self.root), self.root_level()?)];
        while let Some((id, level)) = stack.pop() {
            pages.push(id);
            if level == 0 {
                continue;
            }
            let node = NodeRef::read(&*txn, id, Some(level))?;
            for index in 0..node.count {
                let child = node.child(index)?;
                if level == 1 {
                    pages.push(child);
                } else {
                    stack.push((child, level - 1));
                }
            }
        }
        // A page reached twice (a damaged tree) must not be freed twice.
        let mut seen = std::collections::HashSet::with_capacity(pages.len());
        if let Some(id) = pages.iter().find(|id| !seen.insert(**id)) {
            return Err(corrupt(*id, "a page is reached twice"));
        }
        for id in pages {
            txn.free(id)?;
        }
        *self = Tree::EMPTY;
        Ok(())
    }

    /// Every page the tree uses: nodes and overflow chains.
    pub fn pages<S: PageSource>(&self, src: &S) -> Result<Vec<PageId>> {
        let mut pages = Vec::new();
        if self.root == 0 {
            return Ok(pages);
        }
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![(PageId(self.root), self.root_level()?)];
        while let Some((id, level)) = stack.pop() {
            let node = NodeRef::read(src, id, Some(level))?;
            // Levels fall by one per step, so no walk loops; a page reached twice would make
            // the walk revisit whole subtrees, so it ends it.
            if !seen.insert(id) {
                return Err(corrupt(id, "a page is reached twice"));
            }
            pages.push(id);
            if let Some(packed) = &node.packed {
                packed.for_each(|_, value| {
                    if let Some((first, len)) = value_chain(value) {
                        pages.extend(overflow_chain_pages(src, first, len as u64)?);
                    }
                    Ok(())
                })?;
                continue;
            }
            for index in 0..node.count {
                if node.is_leaf {
                    if let Some((first, len)) = value_chain(node.entry(index)?.1) {
                        pages.extend(overflow_chain_pages(src, first, len as u64)?);
                    }
                } else {
                    stack.push((node.child(index)?, level - 1));
                }
            }
        }
        Ok(pages)
    }

    /// Copies the path from the root to the leaf whose range holds `key` into pages this
    /// transaction owns, pointing each parent at the copy of its child. Returns the branches
    /// with the index of the child taken, root first, and the leaf.
    pub(crate) fn copy_path(
        &mut self,
        txn: &mut WriteTxn,
        key: &[u8],
    ) -> Result<(Vec<(PageId, usize)>, PageId)> {
        let mut id = self.copy_child(txn, None, PageId(self.root))?;
        let mut level = self.root_level()?;
        let mut path = Vec::with_capacity(usize::from(self.height));
        loop {
            let (index, child) = {
                let node = NodeRef::read(txn, id, Some(level))?;
                if node.is_leaf {
                    return Ok((path, id));
                }
                let index = node.search_branch(key)?;
                (index, node.child(index)?)
            };
            let copy = self.copy_child(txn, Some((id, index)), child)?;
            path.push((id, index));
            id = copy;
            level -= 1;
        }
    }

    /// Copies the path a read-only descent took into pages this transaction owns: `path`
    /// holds the branches from the root down with the child index taken in each, and `leaf`
    /// is where it ended. Rewrites `path` with the copies' ids (the indices stay valid: a
    /// copy has the same cells) and returns the copy of the leaf.
    fn copy_found_path(
        &mut self,
        txn: &mut WriteTxn,
        path: &mut [(PageId, usize)],
        leaf: PageId,
    ) -> Result<PageId> {
        let mut parent: Option<(PageId, usize)> = None;
        for (id, index) in path.iter_mut() {
            let copy = self.copy_child(txn, parent, *id)?;
            *id = copy;
            parent = Some((copy, *index));
        }
        self.copy_child(txn, parent, leaf)
    }

    /// Copies page `id` into a page this transaction owns (if it does not already) and
    /// points `parent`'s child index at the copy, or the tree at it when `id` is the root.
    fn copy_child(
        &mut self,
        txn: &mut WriteTxn,
        parent: Option<(PageId, usize)>,
        id: PageId,
    ) -> Result<PageId> {
        let copy = txn.cow(id)?;
        match parent {
            None => self.root = copy.0,
            Some((parent, index)) if copy != id => {
                set_child(parent, txn.page_mut(parent)?, index, copy)?;
            }
            Some(_) => {}
        }
        Ok(copy)
    }

    /// Ends a change: grows the tree by a level if the root split, shrinks it while the root
    /// is a branch with one child (or an empty leaf), and records `len` in the root.
    pub(crate) fn finish(&mut self, txn: &mut WriteTxn, outcome: Outcome, len: u64) -> Result<()> {
        if let Outcome::Split { sep, right } = outcome {
            if self.height >= MAX_HEIGHT {
                return Err(corrupt(PageId(self.root), "the tree is too high"));
            }
            let cells = Cells::from_iter([
                encode_branch_cell(PageId(self.root), &[]).as_slice(),
                &encode_branch_cell(right, &sep),
            ]);
            let (id, page) = txn.alloc(BRANCH)?;
            write_cells(id, page, BRANCH, self.height, &cells)?;
            self.root = id.0;
            self.height += 1;
        }
        while self.root != 0 {
            let node = NodeRef::read(txn, PageId(self.root), Some(self.root_level()?))?;
            let (count, is_leaf) = (node.count, node.is_leaf);
            if is_leaf && count == 0 {
                txn.free(PageId(self.root))?;
                *self = Tree::EMPTY;
            } else if !is_leaf && count == 1 {
                let child = node.child(0)?;
                txn.free(PageId(self.root))?;
                self.root = child.0;
                self.height -= 1;
            } else {
                break;
            }
        }
        if self.root != 0 {
            self.len = len;
            let root = txn.cow(PageId(self.root))?;
            self.root = root.0;
            set_tree_len(root, txn.page_mut(root)?, len)?;
        }
        Ok(())
    }
}

/// The overflow chain of a value, if it has one.
pub(crate) fn value_chain(value: ValueRef<'_>) -> Option<(PageId, usize)> {
    match value {
        ValueRef::Inline(_) => None,
        ValueRef::Overflow { first, len } => Some((first, len as usize)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pager_mmap::{MemStorage, Options, Pager};

    #[test]
    fn a_tree_survives_commit_and_reload_by_its_root_id() {
        let pager =
            Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
        let mut txn = pager.begin_write().expect("write");
        let mut tree = Tree::EMPTY;
        for i in 0u32..2000 {
            let key = format!("key{i:05}");
            assert_eq!(
                tree.insert(&mut txn, key.as_bytes(), &i.to_le_bytes())
                    .expect("insert"),
                None
            );
        }
        tree.save_to_slot(&mut txn, 3).expect("slot");
        txn.commit().expect("commit");
        let read = pager.begin_read().expect("read");
        let loaded = Tree::from_slot(&read, 3).expect("load");
        assert_eq!(loaded, tree);
        assert_eq!(loaded.len(), 2000);
        assert!(loaded.height() >= 2);
        assert_eq!(
            loaded.get(&read, b"key01234").expect("get").as_deref(),
            Some(&1234u32.to_le_bytes()[..])
        );
        assert_eq!(loaded.get(&read, b"key99999").expect("get"), None);
    }
}
