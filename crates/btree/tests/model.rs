//! The trees behave like `BTreeMap`s: random sequences of inserts, removes, gets, range scans
//! in both directions, prefix scans, bulk loads, clears, commits, aborts, snapshots and
//! close/reopen, with keys from 0 to 1024 bytes and values from empty to several overflow
//! pages, on two trees at once (one anchored in a root slot, one in a catalog). After every
//! commit and at the end, every invariant holds and every page of the file is either
//! reached once or free.
//!
//! `PROPTEST_CASES` sets the number of cases (default 1000).

mod common;

use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use btree::{BulkFill, MAX_KEY_LEN, Tree};
use common::Model;
use pager_mmap::{MemStorage, Options, Pager, ReadTxn, WriteTxn};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;

#[derive(Clone, Debug)]
enum Op {
    Insert(usize, Vec<u8>, Vec<u8>),
    /// `Tree::insert_sorted` of these entries (sorted by key or not; repeats either way).
    InsertSorted(usize, Vec<(Vec<u8>, Vec<u8>)>),
    Remove(usize, Vec<u8>),
    /// Removes without taking the value out.
    Delete(usize, Vec<u8>),
    Get(usize, Vec<u8>),
    /// Bounds, then the ends to take entries from (true: front).
    Range(usize, Bound<Vec<u8>>, Bound<Vec<u8>>, Vec<bool>),
    Prefix(usize, Vec<u8>),
    /// Replaces the tree by one bulk-loaded from these entries (sorted and deduplicated),
    /// its pages filled to this percentage (clamped by `BulkFill::percent`).
    BulkLoad(usize, Vec<(Vec<u8>, Vec<u8>)>, u8),
    /// Replaces the tree by one bulk-loaded into packed leaves from these entries.
    BulkLoadPacked(usize, Vec<(Vec<u8>, Vec<u8>)>),
    Clear(usize),
    Commit,
    Abort,
    Reopen,
    /// Begins a read transaction kept open across later commits.
    Snapshot,
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Short keys over a small alphabet: many repeats, shared prefixes.
        6 => vec(0u8..4, 0..6),
        3 => vec(any::<u8>(), 0..40),
        // Long keys down to the limit: few per branch page.
        1 => (0u8..4, 900usize..=MAX_KEY_LEN).prop_map(|(b, n)| {
            let mut k = vec![b; n];
            if let Some(last) = k.last_mut() {
                *last = (n % 256) as u8;
            }
            k
        }),
    ]
}

/// Keys for packed leaves: those of [`key`], and keys sharing long prefixes (a packed page
/// then holds many times what a slotted one does, and unpacking it takes several steps).
fn packed_key() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => key(),
        2 => (prop::sample::select(vec![20usize, 300, 1000]), vec(0u8..4, 0..4)).prop_map(
            |(shared, suffix)| {
                let mut k = vec![7u8; shared];
                k.extend(suffix);
                k.truncate(MAX_KEY_LEN);
                k
            }
        ),
    ]
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => vec(any::<u8>(), 0..12),
        3 => (0usize..1100, any::<u8>()).prop_map(|(n, b)| vec![b; n]),
        1 => (1100usize..13_000, any::<u8>()).prop_map(|(n, b)| (0..n).map(|i| b ^ (i as u8)).collect()),
    ]
}

fn bound() -> impl Strategy<Value = Bound<Vec<u8>>> {
    prop_oneof![
        1 => Just(Bound::Unbounded),
        2 => key().prop_map(Bound::Included),
        2 => key().prop_map(Bound::Excluded),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let tree = 0usize..2;
    prop_oneof![
        40 => (tree.clone(), key(), value()).prop_map(|(t, k, v)| Op::Insert(t, k, v)),
        4 => (tree.clone(), vec((key(), value()), 0..400), any::<bool>()).prop_map(
            |(t, mut e, sorted)| {
                if sorted {
                    e.sort_by(|a, b| a.0.cmp(&b.0));
                }
                Op::InsertSorted(t, e)
            }
        ),
        10 => (tree.clone(), key()).prop_map(|(t, k)| Op::Remove(t, k)),
        5 => (tree.clone(), key()).prop_map(|(t, k)| Op::Delete(t, k)),
        8 => (tree.clone(), key()).prop_map(|(t, k)| Op::Get(t, k)),
        6 => (tree.clone(), bound(), bound(), vec(any::<bool>(), 0..40))
            .prop_map(|(t, s, e, ends)| Op::Range(t, s, e, ends)),
        2 => (tree.clone(), vec(0u8..4, 0..3)).prop_map(|(t, p)| Op::Prefix(t, p)),
        1 => (tree.clone(), vec((key(), value()), 0..1500), 40u8..=110)
            .prop_map(|(t, e, fill)| Op::BulkLoad(t, e, fill)),
        2 => (tree.clone(), vec((packed_key(), value()), 0..2000))
            .prop_map(|(t, e)| Op::BulkLoadPacked(t, e)),
        1 => tree.prop_map(Op::Clear),
        4 => Just(Op::Commit),
        2 => Just(Op::Abort),
        1 => Just(Op::Reopen),
        1 => Just(Op::Snapshot),
    ]
}

struct Harness {
    storage: Arc<MemStorage>,
    pager: Option<Pager>,
    txn: Option<WriteTxn>,
    committed: [Model; 2],
    pending: [Model; 2],
    snapshot: Option<(ReadTxn, [Model; 2])>,
}

fn in_bounds(key: &[u8], start: &Bound<Vec<u8>>, end: &Bound<Vec<u8>>) -> bool {
    let after_start = match start {
        Bound::Included(s) => key >= s.as_slice(),
        Bound::Excluded(s) => key > s.as_slice(),
        Bound::Unbounded => true,
    };
    let before_end = match end {
        Bound::Included(e) => key <= e.as_slice(),
        Bound::Excluded(e) => key < e.as_slice(),
        Bound::Unbounded => true,
    };
    after_start && before_end
}

impl Harness {
    fn new() -> Harness {
        let storage = Arc::new(MemStorage::new());
        let pager = Harness::open(&storage);
        Harness {
            storage,
            pager: Some(pager),
            txn: None,
            committed: [Model::new(), Model::new()],
            pending: [Model::new(), Model::new()],
            snapshot: None,
        }
    }

    fn open(storage: &Arc<MemStorage>) -> Pager {
        let options = Options {
            initial_size: 0,
            ..Options::default()
        };
        Pager::with_storage(Box::new(Arc::clone(storage)), options).expect("open")
    }

    fn pager(&self) -> &Pager {
        self.pager.as_ref().expect("pager is open")
    }

    fn txn(&mut self) -> &mut WriteTxn {
        if self.txn.is_none() {
            self.txn = Some(self.pager().begin_write().expect("begin write"));
        }
        self.txn.as_mut().expect("write transaction")
    }

    /// Runs `read` against the write transaction if one is open, else a new snapshot.
    fn read<R>(&mut self, read: impl FnOnce(&dyn Fn(usize) -> Tree, &ReadOrWrite<'_>) -> R) -> R {
        match &self.txn {
            Some(txn) => read(
                &|w| common::load(txn, w).expect("load"),
                &ReadOrWrite::Write(txn),
            ),
            None => {
                let snapshot = self.pager().begin_read().expect("begin read");
                read(
                    &|w| common::load(&snapshot, w).expect("load"),
                    &ReadOrWrite::Read(&snapshot),
                )
            }
        }
    }

    fn verify_committed(&self) {
        let read = self.pager().begin_read().expect("read");
        let problems = common::check_committed(&read);
        assert!(problems.is_empty(), "check after commit: {problems:?}");
        for which in 0..2 {
            assert!(
                common::contents(&read, which).expect("contents") == self.committed[which],
                "tree {which} differs from the model after commit"
            );
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Insert(t, k, v) => {
                let old = common::change(self.txn(), t, |txn, tree| tree.insert(txn, &k, &v))
                    .expect("insert");
                assert_eq!(
                    old,
                    self.pending[t].insert(k, v),
                    "insert returned a wrong old value"
                );
            }
            Op::InsertSorted(t, entries) => {
                let replaced = common::change(self.txn(), t, |txn, tree| {
                    tree.insert_sorted(txn, entries.iter().map(|(k, v)| (&k[..], &v[..])))
                })
                .expect("insert_sorted");
                let mut expected = Vec::new();
                for (position, (k, v)) in entries.into_iter().enumerate() {
                    if let Some(old) = self.pending[t].insert(k, v) {
                        expected.push((position, old));
                    }
                }
                assert_eq!(replaced, expected, "insert_sorted replaced other values");
            }
            Op::Remove(t, k) => {
                let old = common::change(self.txn(), t, |txn, tree| tree.remove(txn, &k))
                    .expect("remove");
                assert_eq!(
                    old,
                    self.pending[t].remove(&k),
                    "remove returned a wrong value"
                );
            }
            Op::Delete(t, k) => {
                let was = common::change(self.txn(), t, |txn, tree| tree.delete(txn, &k))
                    .expect("delete");
                assert_eq!(
                    was,
                    self.pending[t].remove(&k).is_some(),
                    "delete said the key was (not) there"
                );
            }
            Op::Get(t, k) => {
                let expected = self.pending[t].get(&k).cloned();
                let found = self.read(|tree, src| src.get(&tree(t), &k));
                assert_eq!(found, expected, "get");
            }
            Op::Range(t, start, end, ends) => {
                let mut expected: VecDeque<(Vec<u8>, Vec<u8>)> = self.pending[t]
                    .iter()
                    .filter(|(k, _)| in_bounds(k, &start, &end))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let found = self.read(|tree, src| src.range(&tree(t), &start, &end, &ends));
                let mut wanted = Vec::new();
                for &front in &ends {
                    let next = if front {
                        expected.pop_front()
                    } else {
                        expected.pop_back()
                    };
                    wanted.push(next);
                }
                assert_eq!(found, wanted, "range {start:?}..{end:?} taking {ends:?}");
            }
            Op::Prefix(t, p) => {
                let expected: Vec<(Vec<u8>, Vec<u8>)> = self.pending[t]
                    .iter()
                    .filter(|(k, _)| k.starts_with(&p))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let found = self.read(|tree, src| src.prefix(&tree(t), &p));
                assert_eq!(found, expected, "prefix {p:?}");
            }
            Op::BulkLoad(t, entries, fill) => {
                let sorted: Model = entries.into_iter().collect();
                common::change(self.txn(), t, |txn, tree| {
                    tree.clear(txn)?;
                    *tree = Tree::bulk_load_with_fill(txn, sorted.iter(), BulkFill::percent(fill))?;
                    Ok(())
                })
                .expect("bulk load");
                let problems = common::check_uncommitted(self.txn());
                assert!(problems.is_empty(), "check after bulk load: {problems:?}");
                self.pending[t] = sorted;
            }
            Op::BulkLoadPacked(t, entries) => {
                let sorted: Model = entries.into_iter().collect();
                common::change(self.txn(), t, |txn, tree| {
                    tree.clear(txn)?;
                    *tree = Tree::bulk_load_packed(txn, sorted.iter())?;
                    Ok(())
                })
                .expect("packed bulk load");
                let problems = common::check_uncommitted(self.txn());
                assert!(
                    problems.is_empty(),
                    "check after packed bulk load: {problems:?}"
                );
                self.pending[t] = sorted;
            }
            Op::Clear(t) => {
                common::change(self.txn(), t, |txn, tree| tree.clear(txn)).expect("clear");
                self.pending[t].clear();
            }
            Op::Commit => {
                if let Some(txn) = self.txn.take() {
                    let problems = common::check_uncommitted(&txn);
                    assert!(problems.is_empty(), "check before commit: {problems:?}");
                    txn.commit().expect("commit");
                    self.committed = self.pending.clone();
                    self.verify_committed();
                }
            }
            Op::Abort => {
                self.txn = None;
                self.pending = self.committed.clone();
            }
            Op::Reopen => {
                self.txn = None;
                self.snapshot = None;
                self.pending = self.committed.clone();
                self.pager = None;
                self.pager = Some(Harness::open(&self.storage));
                self.verify_committed();
            }
            Op::Snapshot => {
                self.check_snapshot();
                let read = self.pager().begin_read().expect("read");
                self.snapshot = Some((read, self.committed.clone()));
            }
        }
    }

    /// A snapshot still sees the commit it began on.
    fn check_snapshot(&self) {
        if let Some((read, models)) = &self.snapshot {
            for (which, model) in models.iter().enumerate() {
                assert!(
                    &common::contents(read, which).expect("snapshot contents") == model,
                    "a snapshot changed under a reader"
                );
            }
        }
    }

    fn finish(mut self) {
        self.check_snapshot();
        self.apply(Op::Commit);
        self.verify_committed();
    }
}

/// Reads through either kind of transaction.
enum ReadOrWrite<'a> {
    Read(&'a ReadTxn),
    Write(&'a WriteTxn),
}

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

impl ReadOrWrite<'_> {
    fn get(&self, tree: &Tree, key: &[u8]) -> Option<Vec<u8>> {
        let found = match self {
            ReadOrWrite::Read(r) => tree.get(*r, key).map(|v| v.map(|v| v.into_owned())),
            ReadOrWrite::Write(w) => tree.get(*w, key).map(|v| v.map(|v| v.into_owned())),
        };
        found.expect("get")
    }

    fn range(
        &self,
        tree: &Tree,
        start: &Bound<Vec<u8>>,
        end: &Bound<Vec<u8>>,
        ends: &[bool],
    ) -> Vec<Option<(Vec<u8>, Vec<u8>)>> {
        fn take<S: pager_mmap::PageSource>(
            tree: &Tree,
            src: &S,
            start: &Bound<Vec<u8>>,
            end: &Bound<Vec<u8>>,
            ends: &[bool],
        ) -> Vec<Option<(Vec<u8>, Vec<u8>)>> {
            let bounds = (
                start.as_ref().map(Vec::as_slice),
                end.as_ref().map(Vec::as_slice),
            );
            let mut range = tree.range::<_, [u8], _>(src, bounds);
            ends.iter()
                .map(|&front| {
                    let next = if front {
                        range.next()
                    } else {
                        range.next_back()
                    };
                    next.map(|e| {
                        let e = e.expect("range entry");
                        (e.key().to_vec(), e.value().expect("value").into_owned())
                    })
                })
                .collect()
        }
        match self {
            ReadOrWrite::Read(r) => take(tree, *r, start, end, ends),
            ReadOrWrite::Write(w) => take(tree, *w, start, end, ends),
        }
    }

    fn prefix(&self, tree: &Tree, prefix: &[u8]) -> Entries {
        fn take<S: pager_mmap::PageSource>(tree: &Tree, src: &S, prefix: &[u8]) -> Entries {
            tree.prefix(src, prefix)
                .map(|e| {
                    let e = e.expect("prefix entry");
                    (e.key().to_vec(), e.value().expect("value").into_owned())
                })
                .collect()
        }
        match self {
            ReadOrWrite::Read(r) => take(tree, *r, prefix),
            ReadOrWrite::Write(w) => take(tree, *w, prefix),
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        max_shrink_iters: 2000,
        ..Config::default()
    })]

    #[test]
    fn trees_behave_like_btreemaps(ops in vec(op(), 1..1000)) {
        let mut harness = Harness::new();
        for op in ops {
            harness.apply(op);
        }
        harness.finish();
    }
}
