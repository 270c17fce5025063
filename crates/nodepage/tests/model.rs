//! Random operation sequences against a `BTreeMap` model, with commits, aborts and reopen at
//! random points; after every step the table and the model agree record by record, and after
//! every commit and reopen `check()` is clean. `PROPTEST_CASES` sets the number of sequences.

mod common;

use std::collections::BTreeMap;

use common::{Store, nth_live};
use nodepage::{Attrs, RecordTable};
use pager_mmap::{PageSource, WriteTxn};
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

/// Payload lengths: of every size up to overflow chains, or, with `names`, mostly the lengths
/// of names (which fill a leaf's heap pages a little each, so that full leaves are packed).
fn payload_len(names: bool) -> BoxedStrategy<usize> {
    if names {
        prop_oneof![
            20 => 0usize..45,
            1 => 45usize..300,
        ]
        .boxed()
    } else {
        prop_oneof![
            6 => 0usize..200,
            2 => 200usize..1100,
            1 => 1100usize..20_000,
        ]
        .boxed()
    }
}

fn op(names: bool) -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (any::<u8>(), payload_len(names)).prop_map(|(seed, len)| Op::Push { seed, len }),
        3 => (any::<usize>(), any::<u8>(), proptest::option::of(payload_len(names)))
            .prop_map(|(pick, seed, len)| Op::Update { pick, seed, len }),
        3 => any::<usize>().prop_map(|pick| Op::Delete { pick }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ]
}

/// Slots per leaf and operations: any table with payloads of every size, or an 80-slot table
/// (the graph's node table) or a full one with payloads the lengths of names.
fn case() -> impl Strategy<Value = (usize, Vec<Op>)> {
    prop_oneof![
        (
            prop_oneof![Just(8usize), Just(32), Just(96), Just(nodepage::MAX_SLOTS)],
            proptest::collection::vec(op(false), 1..400),
        ),
        (
            prop_oneof![Just(80usize), Just(nodepage::MAX_SLOTS)],
            proptest::collection::vec(op(true), 1..600),
        ),
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
    store: Store,
    table: RecordTable,
    model: Model,
    committed: (RecordTable, Model),
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

impl Harness {
    fn new(slots: usize) -> Harness {
        let table = RecordTable::new(slots).expect("slots");
        Harness {
            store: Store::new(),
            table: table.clone(),
            model: Model::new(),
            committed: (table, Model::new()),
        }
    }

    fn txn(&mut self) -> &mut WriteTxn {
        self.store.txn()
    }

    fn assert_clean(&self) {
        self.store
            .assert_clean(|read, pages| self.table.check(read, pages));
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
                let Some(id) = nth_live(&self.model, pick) else {
                    return;
                };
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
                let Some(id) = nth_live(&self.model, pick) else {
                    return;
                };
                let mut table = self.table.clone();
                table.delete(self.txn(), id).expect("delete");
                self.table = table;
                self.model.remove(&id);
            }
            Op::Commit => {
                self.store.commit(self.table.root());
                self.committed = (self.table.clone(), self.model.clone());
                self.assert_clean();
            }
            Op::Abort => {
                self.store.abort();
                (self.table, self.model) = self.committed.clone();
            }
            Op::Reopen => {
                let root = self.store.reopen();
                self.table =
                    RecordTable::open(root, self.table.slots_per_leaf()).expect("a valid root");
                (_, self.model) = self.committed.clone();
                assert_eq!(self.table, self.committed.0, "the persisted root differs");
                self.assert_clean();
            }
        }
        match &self.store.txn {
            Some(txn) => assert_same(&self.table, txn, &self.model),
            None => assert_same(
                &self.table,
                &self.store.pager.begin_read().expect("read"),
                &self.model,
            ),
        }
    }
}

proptest! {
    #[test]
    fn the_table_matches_a_model_through_commits_aborts_and_reopens((slots, ops) in case()) {
        let mut harness = Harness::new(slots);
        for op in ops {
            harness.apply(op);
        }
    }
}
