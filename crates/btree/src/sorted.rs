//! [`Tree::insert_sorted`]: many entries inserted with one descent per leaf they land in.
//!
//! Inserting keys in ascending order one at a time descends from the root for each one,
//! finding every page of the path among the transaction's copies again. Here, once an entry
//! has gone in through [`Tree::insert`], the entries after it are placed straight into the
//! same leaf (an [`OpenLeaf`]) while each is above the last one placed, below the separator
//! that bounds the leaf on the right, new, stored inline, and fits. For such an entry
//! `insert` would do exactly that too: find the same leaf, insert the same cell at the same
//! index, and leave every other page as it was; so the tree ends page for page as
//! consecutive inserts leave it. Anything else (a replaced value, a value stored in overflow
//! pages, a full leaf, a key out of order or too long) goes through `insert`, which splits,
//! replaces and reports errors as it always does.

use std::cmp::Ordering;

use pager_mmap::{PageId, WriteTxn};

use crate::balance::Outcome;
use crate::cell::{ValueRef, encode_leaf_cell_into};
use crate::error::Result;
use crate::layout::{INLINE_PAYLOAD_MAX, MAX_KEY_LEN};
use crate::node::{NodeRef, cmp_keys};
use crate::slotted::try_insert;
use crate::tree::Tree;

/// The leaf the last entry went into, owned by the transaction, and the range of keys that
/// belong in it after that entry.
struct OpenLeaf {
    id: PageId,
    /// The last key placed: the next must be above it.
    last: Vec<u8>,
    /// The index after the last key's cell in the leaf, when known: a key above the last one
    /// and below the cell there (or with no cell there) goes in at it, found with one
    /// comparison instead of a search of the leaf.
    after_last: Option<usize>,
    /// The cell being placed (a buffer kept from one entry to the next).
    cell: Vec<u8>,
    /// The separator bounding the leaf on the right (none for the last leaf): the next key
    /// must be below it.
    upper: Option<Vec<u8>>,
}

impl OpenLeaf {
    /// The leaf of `tree` whose range holds `key`, which was just inserted.
    fn holding(tree: &mut Tree, txn: &mut WriteTxn, key: &[u8]) -> Result<OpenLeaf> {
        // Every page on the path is the transaction's already (the insert copied them), so
        // this copies nothing: it finds the leaf and the branches above it.
        let (path, id) = tree.copy_path(txn, key)?;
        let mut upper = None;
        for &(branch, index) in path.iter().rev() {
            let node = NodeRef::read(txn, branch, None)?;
            if index + 1 < node.count {
                upper = Some(node.key(index + 1)?.to_vec());
                break;
            }
        }
        let after_last = NodeRef::read(txn, id, Some(0))?
            .search_leaf(key)?
            .ok()
            .map(|index| index + 1);
        Ok(OpenLeaf {
            id,
            last: key.to_vec(),
            after_last,
            cell: Vec::new(),
            upper,
        })
    }

    /// Puts `key` and `value` in the leaf if [`Tree::insert`] would put them there and change
    /// nothing else (see the module's comment); returns whether it did.
    fn place(&mut self, txn: &mut WriteTxn, key: &[u8], value: &[u8]) -> Result<bool> {
        let in_range = cmp_keys(key, &self.last).is_gt()
            && self
                .upper
                .as_deref()
                .is_none_or(|u| cmp_keys(key, u).is_lt());
        if !in_range || key.len() > MAX_KEY_LEN || key.len() + value.len() > INLINE_PAYLOAD_MAX {
            return Ok(false);
        }
        let node = NodeRef::read(txn, self.id, Some(0))?;
        if node.packed.is_some() {
            return Ok(false);
        }
        let next_cell = match self.after_last {
            Some(at) if at < node.count => Some((at, cmp_keys(key, node.key(at)?))),
            Some(at) => Some((at, Ordering::Less)),
            None => None,
        };
        let index = match next_cell {
            Some((at, Ordering::Less)) => at,
            Some((_, Ordering::Equal)) => return Ok(false),
            Some((_, Ordering::Greater)) | None => match node.search_leaf(key)? {
                Ok(_) => return Ok(false),
                Err(index) => index,
            },
        };
        encode_leaf_cell_into(&mut self.cell, key, &ValueRef::Inline(value));
        if !try_insert(self.id, txn.page_mut(self.id)?, index, &self.cell)? {
            return Ok(false);
        }
        self.last.clear();
        self.last.extend_from_slice(key);
        self.after_last = Some(index + 1);
        Ok(true)
    }
}

impl Tree {
    /// Stores each `(key, value)` of `entries` as [`Tree::insert`] called for each in turn
    /// would, leaving the same pages, in much less time when the keys come in ascending
    /// order: an entry that lands in the same leaf as the one before it is placed there
    /// without descending from the root. Any order is correct; out-of-order keys cost what
    /// `insert` costs. Returns the values replaced, each with its entry's position.
    ///
    /// After an error, abort the transaction: the entries before it are in the tree.
    pub fn insert_sorted<'e>(
        &mut self,
        txn: &mut WriteTxn,
        entries: impl IntoIterator<Item = (&'e [u8], &'e [u8])>,
    ) -> Result<Vec<(usize, Vec<u8>)>> {
        let mut replaced = Vec::new();
        let mut open: Option<OpenLeaf> = None;
        // Entries placed since the root last recorded the count.
        let mut unrecorded = false;
        for (position, (key, value)) in entries.into_iter().enumerate() {
            if let Some(leaf) = &mut open
                && leaf.place(txn, key, value)?
            {
                self.count_placed()?;
                unrecorded = true;
                continue;
            }
            // `insert` records the count, the placed entries' included, in the root.
            if let Some(old) = self.insert(txn, key, value)? {
                replaced.push((position, old));
            }
            unrecorded = false;
            open = Some(OpenLeaf::holding(self, txn, key)?);
        }
        if unrecorded {
            self.finish(txn, Outcome::Done, self.len())?;
        }
        Ok(replaced)
    }
}

#[cfg(test)]
mod tests;
