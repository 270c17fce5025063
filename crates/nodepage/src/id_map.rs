//! The id map: numbers to 40-bit values, each key in a fixed place of a leaf found by
//! arithmetic, 5 bytes an entry. The graph keeps external ids that are numbers here, both ways
//! (number to node, node to number), where a B+tree of their text would spend 21 bytes an
//! entry.

use pager_mmap::{PageId, PageSource, U40, WriteTxn};
use zerocopy::little_endian::U16;

use crate::dense::DenseTable;
use crate::error::{Error, Result};
use crate::id_map_leaf::{ID_MAP_SLOTS, IdMapLeafPage};
use crate::layout::TableRoot;

/// A map from numbers to values up to [`IdMap::MAX_VALUE`]: key `k` is slot `k % 812` of leaf
/// `k / 812`, and the leaves hang off a radix vector, as a [`crate::AttrTable`]'s do. Keys may
/// be set in any order; a leaf is made when its first key is set and freed when its last is
/// removed, so the map takes about 5 bytes per key from the first to the last of a run of keys
/// (and a page for a key alone): it suits keys that are dense, not scattered. The value is the map's root; the owner persists [`IdMap::root`]
/// after a write transaction changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMap {
    dense: DenseTable,
}

impl Default for IdMap {
    fn default() -> IdMap {
        IdMap::new()
    }
}

impl IdMap {
    /// The largest value a map stores (a slot holds the value plus one, 0 meaning none).
    pub const MAX_VALUE: u64 = U40::MAX - 1;

    /// An empty map.
    pub fn new() -> IdMap {
        IdMap {
            dense: DenseTable::empty(ID_MAP_SLOTS),
        }
    }

    /// The map whose root was persisted as `root`; an error when the root contradicts itself
    /// (more keys than its extent, more leaves than its radix height addresses).
    pub fn open(root: TableRoot) -> Result<IdMap> {
        Ok(IdMap {
            dense: DenseTable::open(root, ID_MAP_SLOTS)?,
        })
    }

    /// What to persist to find this map again.
    pub fn root(&self) -> TableRoot {
        self.dense.root()
    }

    /// Keys with a value.
    pub fn len(&self) -> u64 {
        self.dense.len()
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.dense.len() == 0
    }

    /// One past the largest key set since the map was last empty (0 for an empty map).
    pub fn extent(&self) -> u64 {
        self.dense.next_id()
    }

    /// The value of `key`, if it has one.
    #[inline]
    pub fn get<S: PageSource>(&self, src: &S, key: u64) -> Result<Option<u64>> {
        match self.dense.leaf_of::<&IdMapLeafPage, S>(src, key)? {
            Some((leaf, slot)) => stored_value(leaf, slot),
            None => Ok(None),
        }
    }

    /// Sets the value of `key`; returns the value it replaced. A value above
    /// [`IdMap::MAX_VALUE`] is refused before anything is written.
    pub fn insert(&mut self, txn: &mut WriteTxn, key: u64, value: u64) -> Result<Option<u64>> {
        let stored = value
            .checked_add(1)
            .and_then(U40::new)
            .ok_or(Error::ValueOutOfRange {
                value,
                limit: IdMap::MAX_VALUE,
            })?;
        let path = self.dense.leaf_for_id::<IdMapLeafPage>(txn, key)?;
        let (_, slot) = self.dense.position(key);
        let leaf = txn.page_mut_as::<IdMapLeafPage>(path.leaf)?;
        let value_slot = leaf
            .values
            .get_mut(slot)
            .ok_or_else(|| Error::Corrupt(format!("no slot {slot} in an id-map leaf")))?;
        let previous = value_slot.get().checked_sub(1);
        *value_slot = stored;
        if previous.is_none() {
            leaf.live = U16::new(leaf.live.get().saturating_add(1));
            self.dense.count_set(key)?;
        }
        Ok(previous)
    }

    /// Removes the value of `key`; returns it. A leaf left without values is freed, and so is
    /// every radix page left without children.
    pub fn remove(&mut self, txn: &mut WriteTxn, key: u64) -> Result<Option<u64>> {
        let Some(previous) = self.get(&*txn, key)? else {
            return Ok(None);
        };
        let path = self.dense.existing_leaf_mut(txn, key)?;
        let (_, slot) = self.dense.position(key);
        let leaf = txn.page_mut_as::<IdMapLeafPage>(path.leaf)?;
        *leaf
            .values
            .get_mut(slot)
            .ok_or_else(|| Error::Corrupt(format!("no slot {slot} in an id-map leaf")))? =
            U40::ZERO;
        leaf.live = U16::new(leaf.live.get().saturating_sub(1));
        let now_empty = leaf.live.get() == 0;
        self.dense.count_delete()?;
        if now_empty {
            self.dense.remove_leaf(txn, path)?;
        }
        self.dense.restart_if_empty();
        Ok(Some(previous))
    }

    /// Every key with a value, in key order, with its value. Finds the leaves with one walk
    /// over the radix pages (so keys far apart cost nothing between them), then reads them
    /// one descent each.
    pub fn iter<'a, S: PageSource>(&self, src: &'a S) -> Result<IdMapEntries<'a, S>> {
        Ok(IdMapEntries {
            map: self.clone(),
            src,
            leaves: self.dense.leaf_indexes(src)?.into_iter(),
            leaf: None,
            slot: 0,
        })
    }

    /// Walks the whole map: radix pages and leaves of the right type at the right depth, each
    /// leaf's `first_id` right, its live count equal to its slots with a value, none empty, no
    /// key at or past the extent, and the total equal to the root's. Appends every page the map
    /// reaches to `pages` (for the pager's check) and returns the problems found; a corrupt map
    /// gives problems, not an error.
    pub fn check<S: PageSource>(&self, src: &S, pages: &mut Vec<PageId>) -> Result<Vec<String>> {
        Ok(self
            .dense
            .check_leaves(src, pages, |findings, _, leaf: &IdMapLeafPage, first_id| {
                for (i, value) in leaf.values.iter().enumerate() {
                    if value.get() != 0 {
                        findings.live_record(first_id.saturating_add(i as u64));
                    }
                }
                Ok(())
            }))
    }
}

/// The value in slot `slot` of `leaf`, if it holds one.
fn stored_value(leaf: &IdMapLeafPage, slot: usize) -> Result<Option<u64>> {
    let stored = leaf
        .values
        .get(slot)
        .ok_or_else(|| Error::Corrupt(format!("no slot {slot} in an id-map leaf")))?;
    Ok(stored.get().checked_sub(1))
}

/// The keys of an [`IdMap`] with a value, in key order, each with its value; see
/// [`IdMap::iter`]. After an error it ends.
pub struct IdMapEntries<'a, S> {
    map: IdMap,
    src: &'a S,
    /// The leaves not read yet.
    leaves: std::vec::IntoIter<u64>,
    /// The leaf being read, and the key of its slot 0.
    leaf: Option<(&'a IdMapLeafPage, u64)>,
    /// The next slot of `leaf` to look at.
    slot: usize,
}

impl<S: PageSource> Iterator for IdMapEntries<'_, S> {
    type Item = Result<(u64, u64)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((leaf, first)) = self.leaf {
                while let Some(stored) = leaf.values.get(self.slot) {
                    let key = first.saturating_add(self.slot as u64);
                    self.slot += 1;
                    if let Some(value) = stored.get().checked_sub(1) {
                        return Some(Ok((key, value)));
                    }
                }
                self.leaf = None;
            }
            let index = self.leaves.next()?;
            match self.map.dense.leaf::<&IdMapLeafPage, S>(self.src, index) {
                Ok(Some(leaf)) => {
                    self.leaf = Some((leaf, leaf.first_id.get()));
                    self.slot = 0;
                }
                Ok(None) => {}
                Err(e) => {
                    self.leaves = Vec::new().into_iter();
                    return Some(Err(e));
                }
            }
        }
    }
}
