//! A copy-on-write vector of pages: dense index -> page, found by arithmetic plus a descent
//! through radix pages of 510 children. The structures that address pages by a dense number
//! (record leaves by id, adjacency leaves by node, segments of a long neighbour list) share it.
//!
//! The vector stores page ids only; what its leaf pages hold is the caller's. A missing leaf
//! (never created, or removed) reads as `None`.

use zerocopy::little_endian::U64;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};
use crate::layout::{PAGE_SIZE, Page, PageHeader, PageId, PageType};
use crate::read::PageSource;
use crate::write::WriteTxn;

/// Children of a radix page.
pub const RADIX_FANOUT: usize = (PAGE_SIZE - size_of::<PageHeader>()) / 8;
const _: () = assert!(RADIX_FANOUT == 510);

/// More levels than this would address more than 2^63 leaves: a corrupt root.
pub const RADIX_MAX_HEIGHT: u64 = 7;

/// An inner page of a radix vector.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct RadixPage {
    /// Type [`PageType::RADIX`].
    pub header: PageHeader,
    /// Child page ids, 0 where there is none.
    pub children: [U64; RADIX_FANOUT],
}
const _: () = assert!(size_of::<RadixPage>() == PAGE_SIZE);

impl Page for RadixPage {
    const TYPE: PageType = PageType::RADIX;
}

/// Leaves addressable below `height` radix levels (saturating).
#[inline]
pub fn radix_capacity(height: u64) -> u64 {
    usize::try_from(height)
        .ok()
        .and_then(|h| RADIX_POWERS.get(h))
        .copied()
        .unwrap_or(u64::MAX)
}

/// `510^h` for every height a vector can have (and one more): descents divide by these on
/// every level, so they are computed once, at compile time.
const RADIX_POWERS: [u64; RADIX_MAX_HEIGHT as usize + 1] = {
    let mut powers = [1u64; RADIX_MAX_HEIGHT as usize + 1];
    let mut h = 1;
    while h < powers.len() {
        powers[h] = powers[h - 1] * RADIX_FANOUT as u64;
        h += 1;
    }
    powers
};

/// At radix `level` (0 = the level just above the leaves), with `rest` the index within the
/// subtree of a page of that level: the child to take, and the index within the child's subtree.
///
/// Levels 0 and 1 (vectors of up to 510^2 leaves) divide by constants, a multiply and a shift;
/// dividing by `radix_capacity(level)`, a value from a table, is a hardware division, which only
/// higher levels pay. Carrying `rest` down divides once per level, where taking each level's
/// digit from the whole index divided once per level above it too.
#[inline]
fn split(rest: u64, level: u64) -> (usize, u64) {
    const FANOUT: u64 = RADIX_FANOUT as u64;
    let (child, within) = match level {
        0 => (rest, 0),
        1 => (rest / FANOUT, rest % FANOUT),
        _ => {
            let capacity = radix_capacity(level);
            (rest / capacity, rest % capacity)
        }
    };
    // From an index below `radix_capacity(height)` every child is below 510; the callers'
    // `get` refuses any other.
    (child as usize, within)
}

/// Where a radix vector lives: its root page (the only leaf at height 0) and its height.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RadixVec {
    /// The root page, or 0 for a vector without pages.
    pub root: u64,
    /// Radix levels above the leaves.
    pub height: u64,
}

/// The path a write copied: the writable leaf, whether it was just created (zeroed but for its
/// type tag), and each radix page above it with the child index taken.
#[derive(Debug)]
pub struct RadixPath {
    /// The leaf, writable in the transaction.
    pub leaf: PageId,
    /// Whether the leaf was created by this call.
    pub created: bool,
    parents: Vec<(PageId, usize)>,
}

impl RadixVec {
    /// Validates a persisted root.
    pub fn open(root: u64, height: u64) -> Result<RadixVec> {
        if height > RADIX_MAX_HEIGHT {
            return Err(Error::Corrupt(format!("a radix vector of height {height}")));
        }
        Ok(RadixVec { root, height })
    }

    /// The leaf at `index`, if it exists.
    #[inline(always)]
    pub fn get(&self, src: &impl PageSource, index: u64) -> Result<Option<PageId>> {
        if self.root == 0 || index >= radix_capacity(self.height) {
            return Ok(None);
        }
        let mut page = self.root;
        let mut rest = index;
        for level in (0..self.height).rev() {
            let (child, within) = split(rest, level);
            rest = within;
            let radix = src.page_as::<RadixPage>(PageId(page))?;
            page = radix.children.get(child).map_or(0, |c| c.get());
            if page == 0 {
                return Ok(None);
            }
        }
        Ok(Some(PageId(page)))
    }

    /// Copies the path from the root to leaf `index` so that every page on it is writable.
    /// With `create`, missing radix pages are made, and a missing leaf is allocated with that
    /// type tag; without, a missing leaf gives `None`.
    pub fn leaf_mut(
        &mut self,
        txn: &mut WriteTxn,
        index: u64,
        create: Option<PageType>,
    ) -> Result<Option<RadixPath>> {
        if create.is_some() {
            self.ensure_height(txn, index)?;
        } else if index >= radix_capacity(self.height) {
            return Ok(None);
        }
        let mut created = false;
        let mut fresh = |txn: &mut WriteTxn, level: u64| -> Result<PageId> {
            match (level, create) {
                (0, Some(leaf_type)) => {
                    created = true;
                    Ok(txn.alloc(leaf_type)?.0)
                }
                _ => Ok(txn.alloc_as::<RadixPage>()?.0),
            }
        };
        self.root = match (self.root, create) {
            (0, None) => return Ok(None),
            (0, Some(_)) => fresh(txn, self.height)?.0,
            (root, _) => txn.cow(PageId(root))?.0,
        };
        let mut page = PageId(self.root);
        let mut parents = Vec::with_capacity(usize::try_from(self.height).unwrap_or(0));
        let mut rest = index;
        for level in (0..self.height).rev() {
            let (i, within) = split(rest, level);
            rest = within;
            let child = txn
                .page_as::<RadixPage>(page)?
                .children
                .get(i)
                .map_or(0, |c| c.get());
            let child = match (child, create) {
                (0, None) => return Ok(None),
                (0, Some(_)) => fresh(txn, level)?,
                (child, _) => txn.cow(PageId(child))?,
            };
            if let Some(entry) = txn.page_mut_as::<RadixPage>(page)?.children.get_mut(i) {
                *entry = U64::new(child.0);
            }
            parents.push((page, i));
            page = child;
        }
        Ok(Some(RadixPath {
            leaf: page,
            created,
            parents,
        }))
    }

    /// Frees the leaf of `path` and every radix page left without children by its removal.
    pub fn remove_leaf(&mut self, txn: &mut WriteTxn, path: RadixPath) -> Result<()> {
        txn.free(path.leaf)?;
        for (parent, i) in path.parents.into_iter().rev() {
            let radix = txn.page_mut_as::<RadixPage>(parent)?;
            if let Some(entry) = radix.children.get_mut(i) {
                *entry = U64::new(0);
            }
            if radix.children.iter().any(|c| c.get() != 0) {
                return Ok(());
            }
            txn.free(parent)?;
        }
        *self = RadixVec::default();
        Ok(())
    }

    /// Frees every page of the vector, leaves included, and empties it.
    pub fn free_all(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let mut leaves = Vec::new();
        let mut radix_pages = Vec::new();
        self.walk(
            &*txn,
            |_, leaf| {
                leaves.push(leaf);
                Ok(())
            },
            &mut radix_pages,
        )?;
        for page in leaves.into_iter().chain(radix_pages) {
            txn.free(page)?;
        }
        *self = RadixVec::default();
        Ok(())
    }

    /// Visits every leaf in index order with its index, and appends every radix page to
    /// `radix_pages`. Checks page types and depth as it goes.
    pub fn walk<S: PageSource>(
        &self,
        src: &S,
        mut visit: impl FnMut(u64, PageId) -> Result<()>,
        radix_pages: &mut Vec<PageId>,
    ) -> Result<()> {
        if self.root != 0 {
            self.walk_page(
                src,
                PageId(self.root),
                self.height,
                0,
                &mut visit,
                radix_pages,
            )?;
        }
        Ok(())
    }

    fn walk_page<S: PageSource>(
        &self,
        src: &S,
        page: PageId,
        level: u64,
        first: u64,
        visit: &mut impl FnMut(u64, PageId) -> Result<()>,
        radix_pages: &mut Vec<PageId>,
    ) -> Result<()> {
        if level == 0 {
            return visit(first, page);
        }
        radix_pages.push(page);
        let radix = src.page_as::<RadixPage>(page)?;
        let span = radix_capacity(level - 1);
        for (i, child) in radix.children.iter().enumerate() {
            if child.get() != 0 {
                let index = first.saturating_add((i as u64).saturating_mul(span));
                self.walk_page(
                    src,
                    PageId(child.get()),
                    level - 1,
                    index,
                    visit,
                    radix_pages,
                )?;
            }
        }
        Ok(())
    }

    /// Adds radix levels above the root until leaf `index` is addressable.
    fn ensure_height(&mut self, txn: &mut WriteTxn, index: u64) -> Result<()> {
        while index >= radix_capacity(self.height) {
            if self.height >= RADIX_MAX_HEIGHT {
                return Err(Error::Corrupt(format!(
                    "leaf {index} is beyond any radix vector"
                )));
            }
            if self.root != 0 {
                let (id, radix) = txn.alloc_as::<RadixPage>()?;
                if let Some(first) = radix.children.first_mut() {
                    *first = U64::new(self.root);
                }
                self.root = id.0;
            }
            self.height += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemStorage, Options, Pager};

    const LEAF: PageType = PageType(243);

    #[test]
    fn leaves_are_found_where_they_were_made_across_heights() {
        let pager =
            Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
        let mut vec = RadixVec::default();
        let indexes = [0u64, 1, 509, 510, 511, 260_099, 260_100, 5_000_000];
        let mut txn = pager.begin_write().expect("write");
        for &i in &indexes {
            let path = vec
                .leaf_mut(&mut txn, i, Some(LEAF))
                .expect("path")
                .expect("created");
            assert!(path.created);
            txn.page_mut(path.leaf).expect("leaf")[100..108].copy_from_slice(&i.to_le_bytes());
        }
        assert_eq!(vec.height, 3);
        txn.commit().expect("commit");
        let read = pager.begin_read().expect("read");
        for &i in &indexes {
            let leaf = vec.get(&read, i).expect("get").expect("exists");
            assert_eq!(read.page(leaf).expect("page")[100..108], i.to_le_bytes());
        }
        assert_eq!(vec.get(&read, 2).expect("get"), None);
        let mut seen = Vec::new();
        let mut radix_pages = Vec::new();
        vec.walk(
            &read,
            |i, _| {
                seen.push(i);
                Ok(())
            },
            &mut radix_pages,
        )
        .expect("walk");
        assert_eq!(seen, indexes);
        drop(read);

        let mut txn = pager.begin_write().expect("write");
        let path = vec
            .leaf_mut(&mut txn, 509, None)
            .expect("path")
            .expect("exists");
        assert!(!path.created);
        vec.remove_leaf(&mut txn, path).expect("remove");
        assert_eq!(vec.get(&txn, 509).expect("get"), None);
        vec.free_all(&mut txn).expect("free all");
        txn.commit().expect("commit");
        assert!(
            pager
                .begin_read()
                .expect("read")
                .check(&[])
                .expect("check")
                .is_clean()
        );
    }
}
