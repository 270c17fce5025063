//! An `IdMap` against a `BTreeMap` model: random inserts (single keys near others, runs of
//! keys, keys far past the rest that add radix levels, values up to the largest allowed) and
//! removals (single keys, and runs that empty leaves, which must be freed) with
//! commits, aborts and reopens (from the persisted root) at random points; after every step
//! the map and the model agree (`get` of every key and of keys beside them, `iter`, `len`,
//! `extent`), a value too large is refused with nothing changed, and after every commit and
//! reopen `check()` is clean. `PROPTEST_CASES` sets the number of sequences.

mod common;

use std::collections::BTreeMap;

use common::{Store, nth_live};
use nodepage::{Error, ID_MAP_SLOTS, IdMap};
use pager_mmap::PageSource;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// Sets `key` (replacing its value if it has one).
    Insert {
        key: u64,
        value: u64,
    },
    /// Sets `count` keys in a row from `first`.
    Run {
        first: u64,
        count: u64,
        seed: u64,
    },
    /// Removes the `pick`th key with a value and the `count - 1` keys after it, with a value
    /// or not (a run empties and frees leaves).
    Remove {
        pick: usize,
        count: u64,
    },
    /// Tries a value above the largest, which must change nothing.
    TooLarge {
        key: u64,
    },
    Commit,
    Abort,
    Reopen,
}

fn key() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => 0u64..3_000,
        1 => 0u64..2_000_000,
        1 => Just(u64::MAX - 1),
    ]
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..1_000,
        1 => Just(IdMap::MAX_VALUE),
        1 => any::<u64>().prop_map(|v| v % (IdMap::MAX_VALUE + 1)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (key(), value()).prop_map(|(key, value)| Op::Insert { key, value }),
        2 => (0u64..5_000, 1u64..2_000, any::<u64>())
            .prop_map(|(first, count, seed)| Op::Run { first, count, seed }),
        1 => key().prop_map(|key| Op::TooLarge { key }),
        3 => (any::<usize>(), prop_oneof![3 => 1u64..3, 1 => 500u64..2_000])
            .prop_map(|(pick, count)| Op::Remove { pick, count }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ]
}

type Model = BTreeMap<u64, u64>;

/// The map against the model: `len`, `extent` and `iter` in full; `get` of `keys` and of the
/// keys beside them, and past the extent.
fn assert_same(map: &IdMap, src: &impl PageSource, model: &Model, keys: &[u64]) {
    assert_eq!(map.len(), model.len() as u64);
    assert_eq!(map.is_empty(), model.is_empty());
    let extent = model.last_key_value().map_or(0, |(k, _)| k + 1);
    assert!(
        map.extent() >= extent,
        "extent {} below {extent}",
        map.extent()
    );
    assert!(
        !model.is_empty() || map.extent() == 0,
        "an empty map keeps its extent"
    );
    for &key in keys {
        for key in [key.wrapping_sub(1), key, key.saturating_add(1)] {
            let found = map.get(src, key).expect("get");
            assert_eq!(found, model.get(&key).copied(), "key {key}");
        }
    }
    for far in [
        map.extent(),
        map.extent().saturating_add(ID_MAP_SLOTS as u64),
    ] {
        assert_eq!(map.get(src, far).expect("get"), model.get(&far).copied());
    }
    let all: Vec<(u64, u64)> = map
        .iter(src)
        .expect("iter")
        .map(|e| e.expect("iter"))
        .collect();
    assert_eq!(all, model.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>());
}

struct Harness {
    store: Store,
    map: IdMap,
    model: Model,
    committed: (IdMap, Model),
}

impl Harness {
    fn new() -> Harness {
        Harness {
            store: Store::new(),
            map: IdMap::new(),
            model: Model::new(),
            committed: (IdMap::new(), Model::new()),
        }
    }

    fn insert(&mut self, key: u64, value: u64) {
        let previous = self
            .map
            .insert(self.store.txn(), key, value)
            .expect("insert");
        assert_eq!(
            previous,
            self.model.insert(key, value),
            "previous value of {key}"
        );
    }

    fn assert_clean(&self) {
        self.store
            .assert_clean(|read, pages| self.map.check(read, pages));
    }

    fn apply(&mut self, op: Op) {
        let ended = matches!(op, Op::Commit | Op::Abort | Op::Reopen);
        // The keys to read back after the step: those it touched, or all after a commit,
        // abort or reopen.
        let mut keys = Vec::new();
        match op {
            Op::Insert { key, value } => {
                self.insert(key, value);
                keys.push(key);
            }
            Op::Run { first, count, seed } => {
                for key in first..first + count {
                    self.insert(key, (key ^ seed) % (IdMap::MAX_VALUE + 1));
                }
                keys.extend([first, first + count / 2, first + count - 1]);
            }
            Op::Remove { pick, count } => {
                let Some(key) = nth_live(&self.model, pick) else {
                    return;
                };
                for key in key..key.saturating_add(count) {
                    let removed = self.map.remove(self.store.txn(), key).expect("remove");
                    assert_eq!(removed, self.model.remove(&key), "removed value of {key}");
                }
                keys.extend([key, key.saturating_add(count)]);
            }
            Op::TooLarge { key } => {
                keys.push(key);
                let before = self.map.clone();
                for value in [IdMap::MAX_VALUE + 1, u64::MAX] {
                    let refused = self.map.insert(self.store.txn(), key, value);
                    assert!(
                        matches!(refused, Err(Error::ValueOutOfRange { value: v, .. }) if v == value)
                    );
                }
                assert_eq!(self.map, before, "a refused value changed the map");
            }
            Op::Commit => {
                self.store.commit(self.map.root());
                self.committed = (self.map.clone(), self.model.clone());
                self.assert_clean();
            }
            Op::Abort => {
                self.store.abort();
                (self.map, self.model) = self.committed.clone();
            }
            Op::Reopen => {
                self.map = IdMap::open(self.store.reopen()).expect("a valid root");
                (_, self.model) = self.committed.clone();
                assert_eq!(self.map, self.committed.0, "the persisted root differs");
                self.assert_clean();
            }
        }
        if ended {
            keys = self.model.keys().copied().collect();
        }
        match &self.store.txn {
            Some(txn) => assert_same(&self.map, txn, &self.model, &keys),
            None => assert_same(
                &self.map,
                &self.store.pager.begin_read().expect("read"),
                &self.model,
                &keys,
            ),
        }
    }
}

proptest! {
    #[test]
    fn the_id_map_matches_a_model_through_commits_aborts_and_reopens(
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let mut harness = Harness::new();
        for op in ops {
            harness.apply(op);
        }
    }
}

#[test]
fn keys_set_out_of_order_read_back_and_a_far_key_adds_radix_levels() {
    let mut store = Store::new();
    let mut map = IdMap::new();
    let txn = store.txn();
    assert_eq!(map.insert(txn, 5_000_000, 7).expect("insert"), None);
    assert_eq!(map.insert(txn, 3, 0).expect("insert"), None);
    assert_eq!(map.insert(txn, 3, 9).expect("insert"), Some(0));
    assert_eq!(map.get(&*txn, 3).expect("get"), Some(9));
    assert_eq!(map.get(&*txn, 4).expect("get"), None);
    assert_eq!(map.get(&*txn, 5_000_000).expect("get"), Some(7));
    assert_eq!((map.len(), map.extent()), (2, 5_000_001));
    assert!(map.root().height.get() >= 2, "{:?}", map.root());
    store.commit(map.root());
    store.assert_clean(|read, pages| map.check(read, pages));
}

#[test]
fn a_map_emptied_of_a_far_key_reopens_after_a_nearer_one() {
    let mut store = Store::new();
    let mut map = IdMap::new();
    map.insert(store.txn(), u64::MAX - 1, 1).expect("insert");
    assert_eq!(
        map.remove(store.txn(), u64::MAX - 1).expect("remove"),
        Some(1)
    );
    assert_eq!((map.len(), map.extent()), (0, 0));
    // A lower radix vector than the far key needed: the root must still be a possible one.
    map.insert(store.txn(), 1_000_000, 2).expect("insert");
    store.commit(map.root());
    let reopened = IdMap::open(store.reopen()).expect("a valid root");
    assert_eq!(
        reopened
            .get(&store.pager.begin_read().expect("read"), 1_000_000)
            .expect("get"),
        Some(2)
    );
    store.assert_clean(|read, pages| reopened.check(read, pages));
}
