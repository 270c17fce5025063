//! Random operation sequences against a `BTreeMap` model, with commits, aborts and reopen at
//! random points; after every step the table and the model agree record by record, and after
//! every commit and reopen `check()` is clean. `PROPTEST_CASES` sets the number of sequences.

use std::collections::BTreeMap;
use std::sync::Arc;

use nodepage::{Attrs, RecordTable, TableRoot};
use pager_mmap::{MemStorage, Options, PageSource, Pager, WriteTxn};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Push {
        seed: u8,
        len: usize,
    },
    Update {
        pick: usize,
        seed: u8,
        len: Option<usize>,
    },
    Delete {
        pick: usize,
    },
    Commit,
    Abort,
    Reopen,
}

fn payload_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 0usize..200,
        2 => 200usize..1100,
        1 => 1100usize..20_000,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (any::<u8>(), payload_len()).prop_map(|(seed, len)| Op::Push { seed, len }),
        3 => (any::<usize>(), any::<u8>(), proptest::option::of(payload_len()))
            .prop_map(|(pick, seed, len)| Op::Update { pick, seed, len }),
        3 => any::<usize>().prop_map(|pick| Op::Delete { pick }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ]
}

fn attrs(seed: u8) -> Attrs {
    std::array::from_fn(|i| seed.wrapping_mul(i as u8 + 1))
}

fn payload(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| seed.wrapping_add((i % 251) as u8))
        .collect()
}

type Model = BTreeMap<u64, (Attrs, Vec<u8>)>;

struct Harness {
    storage: Arc<MemStorage>,
    pager: Pager,
    txn: Option<WriteTxn>,
    table: RecordTable,
    model: Model,
    committed: (RecordTable, Model),
}

fn save_root(txn: &mut WriteTxn, table: &RecordTable) {
    for (slot, word) in table.root().to_words().into_iter().enumerate() {
        txn.set_root(slot, word).expect("root slot");
    }
}

fn load_root(src: &impl PageSource, slots: usize) -> RecordTable {
    let words = std::array::from_fn(|slot| src.root(slot).expect("root slot"));
    RecordTable::open(TableRoot::from_words(words), slots).expect("a valid root")
}

fn assert_same(table: &RecordTable, src: &impl PageSource, model: &Model) {
    assert_eq!(table.len(), model.len() as u64);
    for id in 0..table.next_id() + 2 {
        let found = table.get(src, id).expect("get");
        match (found, model.get(&id)) {
            (None, None) => {}
            (Some(record), Some((attrs, payload))) => {
                assert_eq!(record.attrs(), attrs, "attrs of {id}");
                assert_eq!(
                    &*record.payload().expect("payload"),
                    &payload[..],
                    "payload of {id}"
                );
                if payload.len() > 10 {
                    assert_eq!(
                        &*record.payload_range(3, 7).expect("range"),
                        &payload[3..10]
                    );
                }
            }
            (found, expected) => panic!(
                "record {id}: table has {:?}, model has {}",
                found.map(|r| r.id()),
                expected.is_some()
            ),
        }
    }
    let ids: Vec<u64> = table.iter(src).map(|r| r.expect("iter").id()).collect();
    assert_eq!(ids, model.keys().copied().collect::<Vec<_>>());
}

fn assert_clean(pager: &Pager, table: &RecordTable) {
    let read = pager.begin_read().expect("read");
    let mut pages = Vec::new();
    let problems = table.check(&read, &mut pages).expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    let report = read.check(&pages).expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

impl Harness {
    fn new(slots: usize) -> Harness {
        let storage = Arc::new(MemStorage::new());
        let pager =
            Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open");
        let table = RecordTable::new(slots).expect("slots");
        Harness {
            storage,
            pager,
            txn: None,
            table: table.clone(),
            model: Model::new(),
            committed: (table, Model::new()),
        }
    }

    fn txn(&mut self) -> &mut WriteTxn {
        self.txn
            .get_or_insert_with(|| self.pager.begin_write().expect("write"))
    }

    fn pick(&self, pick: usize) -> Option<u64> {
        let n = self.model.len();
        (n > 0).then(|| *self.model.keys().nth(pick % n).expect("in range"))
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Push { seed, len } => {
                let mut table = self.table.clone();
                let id = table
                    .push(self.txn(), &attrs(seed), &payload(seed, len))
                    .expect("push");
                self.table = table;
                self.model.insert(id, (attrs(seed), payload(seed, len)));
            }
            Op::Update { pick, seed, len } => {
                let Some(id) = self.pick(pick) else { return };
                let new_payload = len.map(|len| payload(seed, len));
                let mut table = self.table.clone();
                table
                    .update(self.txn(), id, &attrs(seed), new_payload.as_deref())
                    .expect("update");
                self.table = table;
                let entry = self.model.get_mut(&id).expect("picked from the model");
                entry.0 = attrs(seed);
                if let Some(p) = new_payload {
                    entry.1 = p;
                }
            }
            Op::Delete { pick } => {
                let Some(id) = self.pick(pick) else { return };
                let mut table = self.table.clone();
                table.delete(self.txn(), id).expect("delete");
                self.table = table;
                self.model.remove(&id);
            }
            Op::Commit => {
                let table = self.table.clone();
                let txn = self.txn();
                save_root(txn, &table);
                self.txn.take().expect("open").commit().expect("commit");
                self.committed = (self.table.clone(), self.model.clone());
                assert_clean(&self.pager, &self.table);
            }
            Op::Abort => {
                self.txn = None;
                (self.table, self.model) = self.committed.clone();
            }
            Op::Reopen => {
                self.txn = None;
                // Close the old handle before opening the storage again, as a file's lock
                // requires (its clean close trims the storage).
                self.pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())
                    .expect("placeholder");
                self.pager =
                    Pager::with_storage(Box::new(Arc::clone(&self.storage)), Options::default())
                        .expect("reopen");
                self.table = load_root(
                    &self.pager.begin_read().expect("read"),
                    self.table.slots_per_leaf(),
                );
                (_, self.model) = self.committed.clone();
                assert_eq!(self.table, self.committed.0, "the persisted root differs");
                assert_clean(&self.pager, &self.table);
            }
        }
        match &self.txn {
            Some(txn) => assert_same(&self.table, txn, &self.model),
            None => assert_same(
                &self.table,
                &self.pager.begin_read().expect("read"),
                &self.model,
            ),
        }
    }
}

proptest! {
    #[test]
    fn the_table_matches_a_model_through_commits_aborts_and_reopens(slots in prop_oneof![Just(8usize), Just(32), Just(96), Just(nodepage::MAX_SLOTS)], ops in proptest::collection::vec(op(), 1..400)) {
        let mut harness = Harness::new(slots);
        for op in ops {
            harness.apply(op);
        }
    }
}
