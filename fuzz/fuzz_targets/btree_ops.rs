//! Operation sequences on a B+tree against a `BTreeMap` model: inserts, removes, gets, range
//! scans from both ends, bulk loads (into slotted or packed leaves), commits, aborts and
//! reopens. Every answer must match the
//! model, and at every commit and at the end the tree must pass `check()` with every page of
//! the file reached once or free.
#![no_main]

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use arbitrary::Arbitrary;
use btree::Tree;
use libfuzzer_sys::fuzz_target;
use pager_mmap::{MemStorage, Options, Pager, PageSource, WriteTxn};

const SLOT: usize = 0;

/// A key: a short one from a small alphabet (so that keys repeat), or a long one.
#[derive(Arbitrary, Debug, Clone)]
enum Key {
    Short(Vec<u8>),
    Long { fill: u8, len: u16, tail: u8 },
}

impl Key {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Key::Short(k) => k.iter().take(6).map(|b| b % 4).collect(),
            Key::Long { fill, len, tail } => {
                let mut k = vec![*fill % 4; usize::from(*len) % (btree::MAX_KEY_LEN + 1)];
                if let Some(last) = k.last_mut() {
                    *last = *tail;
                }
                k
            }
        }
    }
}

/// A value: its length (up to a few overflow pages) and a byte to fill it with.
#[derive(Arbitrary, Debug, Clone)]
struct Value {
    len: u16,
    seed: u8,
}

impl Value {
    fn bytes(&self) -> Vec<u8> {
        let len = usize::from(self.len) % 14_000;
        (0..len).map(|i| self.seed ^ (i as u8)).collect()
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Insert(Key, Value),
    Remove(Key),
    Get(Key),
    Range { start: Option<(Key, bool)>, end: Option<(Key, bool)>, ends: Vec<bool> },
    BulkLoad(Vec<(Key, Value)>),
    BulkLoadPacked(Vec<(Key, Value)>),
    Clear,
    Commit,
    Abort,
    Reopen,
}

fn bound(b: &Option<(Key, bool)>) -> Bound<Vec<u8>> {
    match b {
        None => Bound::Unbounded,
        Some((k, true)) => Bound::Included(k.bytes()),
        Some((k, false)) => Bound::Excluded(k.bytes()),
    }
}

fn in_bounds(key: &[u8], start: &Bound<Vec<u8>>, end: &Bound<Vec<u8>>) -> bool {
    (match start {
        Bound::Included(s) => key >= s.as_slice(),
        Bound::Excluded(s) => key > s.as_slice(),
        Bound::Unbounded => true,
    }) && (match end {
        Bound::Included(e) => key <= e.as_slice(),
        Bound::Excluded(e) => key < e.as_slice(),
        Bound::Unbounded => true,
    })
}

fn open(storage: &Arc<MemStorage>) -> Pager {
    let options = Options { initial_size: 0, ..Options::default() };
    Pager::with_storage(Box::new(Arc::clone(storage)), options).expect("open")
}

fn check_committed(pager: &Pager, model: &BTreeMap<Vec<u8>, Vec<u8>>) {
    let read = pager.begin_read().expect("read");
    let tree = Tree::from_slot(&read, SLOT).expect("load");
    let report = tree.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let pager_report = read.check(&report.pages).expect("pager check");
    assert!(pager_report.is_clean(), "{:?}", pager_report.problems);
    assert_eq!(tree.len(), model.len() as u64);
    let mut entries = tree.iter(&read);
    for (k, v) in model {
        let entry = entries.next().expect("an entry").expect("readable");
        assert_eq!((entry.key(), &*entry.value().expect("value")), (k.as_slice(), v.as_slice()));
    }
    assert!(entries.next().is_none());
}

fn change<R>(txn: &mut WriteTxn, f: impl FnOnce(&mut WriteTxn, &mut Tree) -> R) -> R {
    let mut tree = Tree::from_slot(txn, SLOT).expect("load");
    let result = f(txn, &mut tree);
    tree.save_to_slot(txn, SLOT).expect("anchor");
    result
}

fn range<S: PageSource>(src: &S, start: &Bound<Vec<u8>>, end: &Bound<Vec<u8>>, ends: &[bool]) -> Vec<Option<(Vec<u8>, Vec<u8>)>> {
    let tree = Tree::from_slot(src, SLOT).expect("load");
    let bounds = (start.as_ref().map(Vec::as_slice), end.as_ref().map(Vec::as_slice));
    let mut range = tree.range::<_, [u8], _>(src, bounds);
    ends.iter()
        .map(|&front| {
            let next = if front { range.next() } else { range.next_back() };
            next.map(|e| {
                let e = e.expect("entry");
                (e.key().to_vec(), e.value().expect("value").into_owned())
            })
        })
        .collect()
}

fuzz_target!(|ops: Vec<Op>| {
    let storage = Arc::new(MemStorage::new());
    let mut pager = open(&storage);
    let mut txn: Option<WriteTxn> = None;
    let mut committed: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut pending = committed.clone();
    for op in ops.into_iter().take(300) {
        match op {
            Op::Insert(k, v) => {
                let (k, v) = (k.bytes(), v.bytes());
                let txn = txn.get_or_insert_with(|| pager.begin_write().expect("write"));
                let old = change(txn, |txn, tree| tree.insert(txn, &k, &v)).expect("insert");
                assert_eq!(old, pending.insert(k, v));
            }
            Op::Remove(k) => {
                let k = k.bytes();
                let txn = txn.get_or_insert_with(|| pager.begin_write().expect("write"));
                let old = change(txn, |txn, tree| tree.remove(txn, &k)).expect("remove");
                assert_eq!(old, pending.remove(&k));
            }
            Op::Get(k) => {
                let k = k.bytes();
                let found = match &txn {
                    Some(txn) => Tree::from_slot(txn, SLOT).expect("load").get(txn, &k).expect("get").map(|v| v.into_owned()),
                    None => {
                        let read = pager.begin_read().expect("read");
                        Tree::from_slot(&read, SLOT).expect("load").get(&read, &k).expect("get").map(|v| v.into_owned())
                    }
                };
                assert_eq!(found.as_ref(), pending.get(&k));
            }
            Op::Range { start, end, ends } => {
                let (start, end) = (bound(&start), bound(&end));
                let ends: Vec<bool> = ends.into_iter().take(50).collect();
                let found = match &txn {
                    Some(txn) => range(txn, &start, &end, &ends),
                    None => range(&pager.begin_read().expect("read"), &start, &end, &ends),
                };
                let mut expected: std::collections::VecDeque<_> = pending
                    .iter()
                    .filter(|(k, _)| in_bounds(k, &start, &end))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let wanted: Vec<_> = ends
                    .iter()
                    .map(|&front| if front { expected.pop_front() } else { expected.pop_back() })
                    .collect();
                assert_eq!(found, wanted);
            }
            Op::BulkLoad(ref entries) | Op::BulkLoadPacked(ref entries) => {
                let packed = matches!(op, Op::BulkLoadPacked(_));
                let sorted: BTreeMap<Vec<u8>, Vec<u8>> =
                    entries.iter().take(2000).map(|(k, v)| (k.bytes(), v.bytes())).collect();
                let txn = txn.get_or_insert_with(|| pager.begin_write().expect("write"));
                change(txn, |txn, tree| {
                    tree.clear(txn)?;
                    *tree = if packed {
                        Tree::bulk_load_packed(txn, sorted.iter())?
                    } else {
                        Tree::bulk_load(txn, sorted.iter())?
                    };
                    Ok::<(), btree::Error>(())
                })
                .expect("bulk load");
                pending = sorted;
            }
            Op::Clear => {
                let txn = txn.get_or_insert_with(|| pager.begin_write().expect("write"));
                change(txn, |txn, tree| tree.clear(txn)).expect("clear");
                pending.clear();
            }
            Op::Commit => {
                if let Some(t) = txn.take() {
                    t.commit().expect("commit");
                    committed = pending.clone();
                    check_committed(&pager, &committed);
                }
            }
            Op::Abort => {
                txn = None;
                pending = committed.clone();
            }
            Op::Reopen => {
                txn = None;
                pending = committed.clone();
                drop(pager);
                pager = open(&storage);
                check_committed(&pager, &committed);
            }
        }
    }
    if let Some(t) = txn.take() {
        t.commit().expect("commit");
        committed = pending;
    }
    check_committed(&pager, &committed);
});
