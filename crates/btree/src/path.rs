//! [`NodePath`]: the nodes from a tree's root down to a leaf, each with the index taken in
//! it, held inline so that placing a cursor allocates nothing.
//!
//! **Why [`MAX_HEIGHT`] frames always suffice.** Every node is opened through
//! [`NodeRef::read`] with the level it must have: the root with the tree's root level, each
//! child with its parent's level minus one. [`NodeRef::new`] refuses a level of
//! [`MAX_HEIGHT`] or more, and a path only grows by descending one level. So a path holds at
//! most one node per level `MAX_HEIGHT - 1 ..= 0`: `MAX_HEIGHT` nodes, even in a corrupt file
//! (a push beyond that is reported as corruption, not a panic). Real trees are far lower:
//! every non-root branch has at least two children (its cell 0 alone, 12 bytes, is below
//! [`crate::layout::MIN_BRANCH_FILL`]), so a tree of height 32 would need 2^31 leaves, 8 TiB
//! of pages, even with maximal keys; with 24-byte keys a million entries take 4 levels.

use pager_mmap::{PageId, PageSource};

use crate::error::{Result, corrupt};
use crate::layout::MAX_HEIGHT;
use crate::node::NodeRef;

/// The most nodes a path holds: one per level.
const CAPACITY: usize = MAX_HEIGHT as usize;

/// The nodes from a root down, root first, each with the index taken in it (the child index
/// in a branch, the entry index in a leaf; it may be one past the last).
///
/// Only page ids, levels and indices are kept (360 bytes): a [`crate::Range`] holds two
/// paths and is moved by value, and a node is read again only when a cursor climbs back to
/// it, once per leaf it steps past.
#[derive(Clone, Debug)]
pub(crate) struct NodePath {
    ids: [PageId; CAPACITY],
    indices: [u16; CAPACITY],
    levels: [u8; CAPACITY],
    len: usize,
}

impl NodePath {
    /// An empty path.
    pub(crate) fn new() -> NodePath {
        NodePath {
            ids: [PageId(0); CAPACITY],
            indices: [0; CAPACITY],
            levels: [0; CAPACITY],
            len: 0,
        }
    }

    /// Empties the path.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends `node` with `index` taken in it.
    pub(crate) fn push(&mut self, node: &NodeRef<'_>, index: usize) -> Result<()> {
        let index = u16::try_from(index).map_err(|_| corrupt(node.id, "an index beyond a page"))?;
        let deeper = || corrupt(node.id, "a path deeper than the highest tree");
        *self.ids.get_mut(self.len).ok_or_else(deeper)? = node.id;
        *self.indices.get_mut(self.len).ok_or_else(deeper)? = index;
        *self.levels.get_mut(self.len).ok_or_else(deeper)? = node.level;
        self.len += 1;
        Ok(())
    }

    /// Drops the last node; false when the path was empty.
    pub(crate) fn pop(&mut self) -> bool {
        match self.len.checked_sub(1) {
            Some(len) => {
                self.len = len;
                true
            }
            None => false,
        }
    }

    /// The last node, read again from `src`, and the index taken in it.
    pub(crate) fn last<'a, S: PageSource>(
        &self,
        src: &'a S,
    ) -> Result<Option<(NodeRef<'a>, usize)>> {
        let Some(at) = self.len.checked_sub(1) else {
            return Ok(None);
        };
        let (Some(&id), Some(&index), Some(&level)) =
            (self.ids.get(at), self.indices.get(at), self.levels.get(at))
        else {
            return Ok(None);
        };
        Ok(Some((
            NodeRef::read(src, id, Some(level))?,
            usize::from(index),
        )))
    }

    /// Sets the index taken in the last node; false when the path is empty.
    pub(crate) fn set_last_index(&mut self, index: usize) -> bool {
        let slot = self
            .len
            .checked_sub(1)
            .and_then(|at| self.indices.get_mut(at));
        match (slot, u16::try_from(index)) {
            (Some(slot), Ok(index)) => {
                *slot = index;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{BRANCH, LEAF};
    use crate::slotted::write_cells;
    use pager_mmap::{MemStorage, Options, Pager};

    #[test]
    fn a_path_holds_one_node_per_level_and_no_more() {
        let pager =
            Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
        let mut txn = pager.begin_write().expect("write");
        let mut ids = Vec::new();
        for level in 0..MAX_HEIGHT {
            let page_type = if level == 0 { LEAF } else { BRANCH };
            let (id, page) = txn.alloc(page_type).expect("alloc");
            write_cells(id, page, page_type, level, &Default::default()).expect("format");
            ids.push(id);
        }
        let mut path = NodePath::new();
        for (level, &id) in ids.iter().enumerate().rev() {
            let node = NodeRef::read(&txn, id, Some(level as u8)).expect("node");
            path.push(&node, level).expect("push");
        }
        let leaf = NodeRef::read(&txn, ids[0], Some(0)).expect("node");
        assert!(path.push(&leaf, 0).is_err(), "a 33rd node was accepted");
        assert!(path.set_last_index(7));
        let (last, index) = path.last(&txn).expect("read").expect("last");
        assert_eq!(
            (last.id, last.level, last.is_leaf, index),
            (ids[0], 0, true, 7)
        );
        for _ in 0..MAX_HEIGHT {
            assert!(path.pop());
        }
        assert!(!path.pop());
        assert!(path.last(&txn).expect("read").is_none());
    }
}
