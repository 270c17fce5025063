//! The catalog: a tree of trees, so that many named trees share one pager root slot.
//!
//! The catalog is itself a [`Tree`] whose keys are tree names and whose values are the
//! 8-byte little-endian root page ids of the named trees. Its own root id sits in a pager
//! root slot.

use pager_mmap::{PageId, PageSource, WriteTxn};
use zerocopy::FromBytes;
use zerocopy::little_endian::U64;

use crate::check::TreeReport;
use crate::error::{Result, corrupt};
use crate::tree::Tree;

/// Named trees anchored in one pager root slot.
///
/// ```
/// use btree::{Catalog, Tree};
/// use pager_mmap::{MemStorage, Options, Pager};
///
/// let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())?;
/// let mut txn = pager.begin_write()?;
/// let mut catalog = Catalog::open(&txn, 0)?;
/// let mut kinds = catalog.tree(&txn, b"kinds")?;
/// kinds.insert(&mut txn, b"person", b"1")?;
/// catalog.set(&mut txn, b"kinds", &kinds)?; // store the new root before commit
/// txn.commit()?;
///
/// let read = pager.begin_read()?;
/// let kinds = Catalog::open(&read, 0)?.tree(&read, b"kinds")?;
/// assert_eq!(kinds.get(&read, b"person")?.as_deref(), Some(&b"1"[..]));
/// # Ok::<(), btree::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Catalog {
    slot: usize,
    names: Tree,
}

/// A named tree and the pages it holds ([`Catalog::check_each`]).
pub type PagesOf = (Vec<u8>, u64);

impl Catalog {
    /// The catalog anchored in pager root slot `slot` (empty if the slot is unset).
    pub fn open<S: PageSource>(src: &S, slot: usize) -> Result<Catalog> {
        Ok(Catalog {
            slot,
            names: Tree::from_slot(src, slot)?,
        })
    }

    /// The tree named `name`, if the catalog has one.
    pub fn get<S: PageSource>(&self, src: &S, name: &[u8]) -> Result<Option<Tree>> {
        let Some(value) = self.names.get(src, name)? else {
            return Ok(None);
        };
        let root = U64::read_from_bytes(&value).map_err(|_| {
            corrupt(
                PageId(self.names.root()),
                format!("a catalog entry of {} bytes", value.len()),
            )
        })?;
        Ok(Some(Tree::load(src, root.get())?))
    }

    /// The tree named `name`, or an empty tree if there is none (store it with
    /// [`Catalog::set`] after changing it).
    pub fn tree<S: PageSource>(&self, src: &S, name: &[u8]) -> Result<Tree> {
        Ok(self.get(src, name)?.unwrap_or(Tree::EMPTY))
    }

    /// Records `tree` under `name` and anchors the catalog in its slot. Call after changing a
    /// tree, before commit. Cheap when the tree's root has not moved.
    pub fn set(&mut self, txn: &mut WriteTxn, name: &[u8], tree: &Tree) -> Result<()> {
        let value = U64::new(tree.root());
        let unchanged = self
            .names
            .get(txn, name)?
            .is_some_and(|v| v.as_ref() == value.as_ref());
        if !unchanged {
            self.names.insert(txn, name, value.as_ref())?;
        }
        self.names.save_to_slot(txn, self.slot)
    }

    /// Deletes the tree named `name`, freeing its pages; false if there was none.
    pub fn remove(&mut self, txn: &mut WriteTxn, name: &[u8]) -> Result<bool> {
        let Some(mut tree) = self.get(txn, name)? else {
            return Ok(false);
        };
        tree.clear(txn)?;
        self.names.remove(txn, name)?;
        self.names.save_to_slot(txn, self.slot)?;
        Ok(true)
    }

    /// The names of the catalog's trees, in order.
    pub fn names<S: PageSource>(&self, src: &S) -> Result<Vec<Vec<u8>>> {
        self.names
            .iter(src)
            .map(|entry| entry.map(|e| e.key().to_vec()))
            .collect()
    }

    /// The number of named trees.
    pub fn len(&self) -> u64 {
        self.names.len()
    }

    /// Whether the catalog names no tree.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The catalog's own tree.
    pub fn names_tree(&self) -> Tree {
        self.names
    }

    /// Checks the catalog and every tree it names ([`Tree::check`]); the report lists the
    /// pages of all of them.
    pub fn check<S: PageSource>(&self, src: &S) -> Result<TreeReport> {
        self.check_with(src, true, &mut |_, _| {})
    }

    /// [`Catalog::check`], and how many of the report's pages each named tree holds, by name
    /// in order; the report's other pages are the catalog's own.
    pub fn check_each<S: PageSource>(&self, src: &S) -> Result<(TreeReport, Vec<PagesOf>)> {
        let mut pages_of = Vec::new();
        let report = self.check_with(src, true, &mut |name, pages| {
            pages_of.push((name.to_vec(), pages));
        })?;
        Ok((report, pages_of))
    }

    /// [`Catalog::check`] without checksums, for use inside a write transaction.
    pub fn check_uncommitted<S: PageSource>(&self, src: &S) -> Result<TreeReport> {
        self.check_with(src, false, &mut |_, _| {})
    }

    /// `pages_of` is called with each named tree's name and page count once it is checked.
    fn check_with<S: PageSource>(
        &self,
        src: &S,
        checksums: bool,
        pages_of: &mut dyn FnMut(&[u8], u64),
    ) -> Result<TreeReport> {
        let run = |tree: &Tree| {
            if checksums {
                tree.check(src)
            } else {
                tree.check_uncommitted(src)
            }
        };
        let mut report = run(&self.names)?;
        if !report.is_clean() {
            return Ok(report);
        }
        for name in self.names(src)? {
            let label = format!("tree {}", String::from_utf8_lossy(&name));
            match self.get(src, &name) {
                Ok(Some(tree)) => {
                    let tree_report = run(&tree)?;
                    pages_of(&name, tree_report.pages.len() as u64);
                    report.absorb(&label, tree_report);
                }
                Ok(None) => report.problem(format!("{label}: listed but not found")),
                Err(e) => report.problem(format!("{label}: {e}")),
            }
        }
        Ok(report)
    }
}
