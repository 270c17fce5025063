//! The storage side of the table model tests (`model.rs`, `attr_model.rs`): a pager over a
//! memory storage that outlives reopening, the open write transaction, the table's root kept in
//! root slots 0-3, and the checks that must be clean after every commit and reopen.

use std::collections::BTreeMap;
use std::sync::Arc;

use nodepage::TableRoot;
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, ReadTxn, WriteTxn};

/// A pager, its storage and the open write transaction, if any.
pub struct Store {
    storage: Arc<MemStorage>,
    /// The pager over the storage; replaced by [`Store::reopen`].
    pub pager: Pager,
    /// The open write transaction, if any.
    pub txn: Option<WriteTxn>,
}

impl Store {
    /// A new, empty store.
    pub fn new() -> Store {
        let storage = Arc::new(MemStorage::new());
        let pager =
            Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open");
        Store {
            storage,
            pager,
            txn: None,
        }
    }

    /// The open write transaction, begun on first use.
    pub fn txn(&mut self) -> &mut WriteTxn {
        self.txn
            .get_or_insert_with(|| self.pager.begin_write().expect("write"))
    }

    /// Persists `root` in root slots 0-3 and commits.
    pub fn commit(&mut self, root: TableRoot) {
        let txn = self.txn();
        for (slot, word) in root.to_words().into_iter().enumerate() {
            txn.set_root(slot, word).expect("root slot");
        }
        self.txn.take().expect("open").commit().expect("commit");
    }

    /// Drops the open write transaction.
    pub fn abort(&mut self) {
        self.txn = None;
    }

    /// Drops the open write transaction, closes the pager and opens the storage again; returns
    /// the root persisted in slots 0-3.
    pub fn reopen(&mut self) -> TableRoot {
        self.txn = None;
        // Close the old handle before opening the storage again, as a file's lock requires (its
        // clean close trims the storage).
        self.pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())
            .expect("placeholder");
        self.pager = Pager::with_storage(Box::new(Arc::clone(&self.storage)), Options::default())
            .expect("reopen");
        let read = self.pager.begin_read().expect("read");
        TableRoot::from_words(std::array::from_fn(|slot| {
            read.root(slot).expect("root slot")
        }))
    }

    /// Runs a table's `check` in a read transaction and asserts it clean, and the pager's check
    /// of the pages it reached (which finds every page neither reached nor free: a leak).
    pub fn assert_clean(
        &self,
        check: impl FnOnce(&ReadTxn, &mut Vec<PageId>) -> nodepage::Result<Vec<String>>,
    ) {
        let read = self.pager.begin_read().expect("read");
        let mut pages = Vec::new();
        let problems = check(&read, &mut pages).expect("check");
        assert!(problems.is_empty(), "{problems:?}");
        let report = read.check(&pages).expect("pager check");
        assert!(report.is_clean(), "{:?}", report.problems);
    }
}

/// The id of the `pick`th (modulo their number) live record of `model`, if it has any.
pub fn nth_live<V>(model: &BTreeMap<u64, V>, pick: usize) -> Option<u64> {
    let n = model.len();
    (n > 0).then(|| *model.keys().nth(pick % n).expect("in range"))
}
