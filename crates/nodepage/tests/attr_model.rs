//! An `AttrTable` against a `BTreeMap` model: random pushes (one by one and `push_all`), sets and
//! deletes with commits,
//! aborts and reopens (from the persisted root) at random points; after every step the table
//! and the model agree record by record (`get`, `contains`, `iter`, `len`), and after every
//! commit and reopen `check()` is clean. `PROPTEST_CASES` sets the number of sequences.

mod common;

use std::collections::BTreeMap;

use common::{Store, nth_live};
use nodepage::{AttrTable, Attrs, Error};
use pager_mmap::{PageSource, WriteTxn};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// Pushes `count` records in a row (many at once, to fill leaves and reach radix levels).
    Push {
        seed: u8,
        count: usize,
    },
    /// Pushes `count` records with one `push_all`.
    PushAll {
        seed: u8,
        count: usize,
    },
    Set {
        pick: usize,
        seed: u8,
    },
    /// Deletes `count` records from the `pick`th live one on.
    Delete {
        pick: usize,
        count: usize,
    },
    Commit,
    Abort,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), 1usize..4).prop_map(|(seed, count)| Op::Push { seed, count }),
        1 => (any::<u8>(), 100usize..500).prop_map(|(seed, count)| Op::Push { seed, count }),
        2 => (any::<u8>(), 0usize..700).prop_map(|(seed, count)| Op::PushAll { seed, count }),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(pick, seed)| Op::Set { pick, seed }),
        3 => (any::<usize>(), 1usize..3).prop_map(|(pick, count)| Op::Delete { pick, count }),
        1 => (any::<usize>(), 100usize..400).prop_map(|(pick, count)| Op::Delete { pick, count }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ]
}

fn attrs(seed: u8, id: u64) -> Attrs {
    std::array::from_fn(|i| seed.wrapping_mul(i as u8 + 1) ^ (id as u8))
}

type Model = BTreeMap<u64, Attrs>;

struct Harness {
    store: Store,
    table: AttrTable,
    model: Model,
    committed: (AttrTable, Model),
}

fn assert_same(table: &AttrTable, src: &impl PageSource, model: &Model) {
    assert_eq!(table.len(), model.len() as u64);
    assert_eq!(table.is_empty(), model.is_empty());
    for id in 0..table.next_id() + 2 {
        let found = table.get(src, id).expect("get");
        assert_eq!(found, model.get(&id), "record {id}");
        assert_eq!(
            table.contains(src, id).expect("contains"),
            model.contains_key(&id)
        );
    }
    let all: Vec<(u64, Attrs)> = table
        .iter(src)
        .map(|r| r.map(|(id, attrs)| (id, *attrs)).expect("iter"))
        .collect();
    assert_eq!(all, model.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>());
}

impl Harness {
    fn new() -> Harness {
        let table = AttrTable::new();
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
            Op::Push { seed, count } => {
                let mut table = self.table.clone();
                for _ in 0..count {
                    let expected = table.next_id();
                    let id = table
                        .push(self.txn(), &attrs(seed, expected))
                        .expect("push");
                    assert_eq!(id, expected, "push returns the old next id");
                    self.model.insert(id, attrs(seed, id));
                }
                self.table = table;
            }
            Op::PushAll { seed, count } => {
                let mut table = self.table.clone();
                let first = table.next_id();
                let records: Vec<Attrs> = (first..first + count as u64)
                    .map(|id| attrs(seed, id))
                    .collect();
                let id = table.push_all(self.txn(), &records).expect("push_all");
                assert_eq!(id, first, "push_all returns the old next id");
                assert_eq!(table.next_id(), first + count as u64);
                for (id, record) in (first..).zip(records) {
                    self.model.insert(id, record);
                }
                self.table = table;
            }
            Op::Set { pick, seed } => {
                let Some(id) = nth_live(&self.model, pick) else {
                    return;
                };
                let mut table = self.table.clone();
                table.set(self.txn(), id, &attrs(seed, id)).expect("set");
                self.table = table;
                self.model.insert(id, attrs(seed, id));
            }
            Op::Delete { pick, count } => {
                let Some(first) = nth_live(&self.model, pick) else {
                    return;
                };
                let ids: Vec<u64> = self
                    .model
                    .range(first..)
                    .take(count)
                    .map(|(k, _)| *k)
                    .collect();
                let mut table = self.table.clone();
                for id in ids {
                    table.delete(self.txn(), id).expect("delete");
                    self.model.remove(&id);
                    // A deleted (or never handed out) record is an error for writes.
                    let txn = self.txn();
                    assert!(matches!(table.delete(txn, id), Err(Error::NotFound(i)) if i == id));
                    assert!(matches!(
                        table.set(txn, id, &[0; 12]),
                        Err(Error::NotFound(i)) if i == id
                    ));
                }
                let next = table.next_id();
                assert!(matches!(
                    table.set(self.txn(), next, &[0; 12]),
                    Err(Error::NotFound(_))
                ));
                self.table = table;
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
                self.table = AttrTable::open(self.store.reopen()).expect("a valid root");
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
    fn the_attr_table_matches_a_model_through_commits_aborts_and_reopens(
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let mut harness = Harness::new();
        for op in ops {
            harness.apply(op);
        }
    }
}
