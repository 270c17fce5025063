//! Random inserts, bulk extensions (per list, and many lists at once through `add_batch`)
//! and removals against a model, with commits, aborts and reopen
//! at random points. Skewed so that some lists pass the hub threshold (337): node 5's by bursts of
//! inserts, any node's by a batch longer than the threshold or one that carries a run past it;
//! removals take hubs back under it. After every step every list, filtered by each type and not,
//! every degree, and every entry `check()` visits equal the model's. `PROPTEST_CASES` sets the
//! number of sequences.

use std::collections::BTreeMap;
use std::sync::Arc;

use edges::{Adjacency, Direction, EdgeBatch, EdgeEnds, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40, WriteTxn};
use proptest::prelude::*;
use zerocopy::little_endian::U16;

/// Four leaves: a batch of a few dozen edges into an empty store, or a fold of a sparse delta,
/// leaves pairs of them in one page (`pair` pages), which the next write splits.
const NODES: u64 = 200;
const TYPES: u32 = 4;

#[derive(Clone, Debug)]
enum Op {
    /// Insert into the list of `node`, or (half the time) `burst + 1` entries into the list of
    /// the hub-to-be node 5.
    Insert {
        node: u64,
        out: bool,
        neighbor: u64,
        edge_type: u32,
        to_hub: bool,
        burst: u8,
        /// Through the delta (`insert_deferred`) rather than in place.
        deferred: bool,
    },
    /// Extend the list of `node` (or node 5) by `len` entries at once, of two types; up to 399,
    /// so that a batch may pass the hub threshold on its own.
    Extend {
        node: u64,
        out: bool,
        neighbor: u64,
        edge_type: u32,
        to_hub: bool,
        len: u16,
    },
    /// `len` edges through `add_batch`, both directions at once: edge `i` from node
    /// `(start + 7 * i) % NODES` (node 5, when `to_hub`) to node `(start + i) % NODES`, of type
    /// `i % TYPES`. A leaf that does not exist yet is built whole.
    AddBatch {
        start: u64,
        len: u16,
        to_hub: bool,
        /// Through the delta (`add_batch_deferred`) rather than in place.
        deferred: bool,
    },
    /// Fold the delta into the lists now.
    Fold,
    /// Settle the delta without committing: the next deferred write starts a new tier, so
    /// tiers pile up past `MAX_TIERS` and get merged.
    Settle,
    Remove {
        pick: usize,
    },
    RemoveAll {
        node: u64,
        out: bool,
    },
    Commit,
    Abort,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0..NODES, any::<bool>(), 0..NODES, 0..TYPES, any::<bool>(), 0u8..120, any::<bool>())
            .prop_map(|(node, out, neighbor, edge_type, to_hub, burst, deferred)| Op::Insert { node, out, neighbor, edge_type, to_hub, burst, deferred }),
        3 => (0..NODES, any::<bool>(), 0..NODES, 0..TYPES, any::<bool>(), 1u16..400)
            .prop_map(|(node, out, neighbor, edge_type, to_hub, len)| Op::Extend { node, out, neighbor, edge_type, to_hub, len }),
        2 => (0..NODES, 1u16..400, any::<bool>(), any::<bool>())
            .prop_map(|(start, len, to_hub, deferred)| Op::AddBatch { start, len, to_hub, deferred }),
        1 => Just(Op::Fold),
        3 => Just(Op::Settle),
        4 => any::<usize>().prop_map(|pick| Op::Remove { pick }),
        1 => (0..NODES, any::<bool>()).prop_map(|(node, out)| Op::RemoveAll { node, out }),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
        1 => Just(Op::Reopen),
    ]
}

type Model = BTreeMap<(u64, bool), Vec<Neighbor>>;

fn dir(out: bool) -> Direction {
    if out { Direction::Out } else { Direction::In }
}

struct Harness {
    storage: Arc<MemStorage>,
    pager: Pager,
    txn: Option<WriteTxn>,
    adjacency: Adjacency,
    model: Model,
    next_edge: u64,
    committed: (Adjacency, Model),
}

fn sorted(mut v: Vec<Neighbor>) -> Vec<Neighbor> {
    v.sort();
    v
}

fn assert_same(adjacency: &Adjacency, src: &impl PageSource, model: &Model) {
    // One reader over every node, forwards then backwards, so its kept leaf is both reused
    // and replaced (nodes past the last leaf have none).
    let mut lists = adjacency.reader(src);
    for node in (0..NODES).chain((0..NODES).rev()) {
        for out in [true, false] {
            let mut found = Vec::new();
            lists
                .for_each_neighbor(node, dir(out), |n| {
                    found.push(n);
                    Ok::<(), edges::Error>(())
                })
                .expect("list");
            let mut expected: Vec<u64> = model
                .get(&(node, out))
                .map(|list| list.iter().map(|n| n.node).collect())
                .unwrap_or_default();
            found.sort_unstable();
            expected.sort_unstable();
            assert_eq!(found, expected, "reader: node {node} out {out}");
            // Whole entries, all of them and of a subset of the types (the first and the last).
            let list = model.get(&(node, out)).cloned().unwrap_or_default();
            for types in [None, Some(&[0, TYPES - 1][..])] {
                let mut entries = Vec::new();
                lists
                    .for_each_entry(node, dir(out), types, |n| {
                        entries.push(n);
                        Ok::<(), edges::Error>(())
                    })
                    .expect("entries");
                let wanted: Vec<Neighbor> = list
                    .iter()
                    .filter(|n| types.is_none_or(|t| t.contains(&n.edge_type)))
                    .copied()
                    .collect();
                assert_eq!(
                    sorted(entries),
                    sorted(wanted),
                    "reader entries: node {node} out {out} types {types:?}"
                );
            }
        }
    }
    for node in 0..NODES {
        for out in [true, false] {
            let expected = model.get(&(node, out)).cloned().unwrap_or_default();
            let found: Vec<Neighbor> = adjacency
                .neighbors(src, node, dir(out), None)
                .expect("list")
                .map(|n| n.expect("entry"))
                .collect();
            assert_eq!(
                sorted(found),
                sorted(expected.clone()),
                "node {node} out {out}"
            );
            assert_eq!(
                adjacency.degree(src, node, dir(out)).expect("degree"),
                expected.len() as u64
            );
            for t in 0..TYPES {
                let found: Vec<Neighbor> = adjacency
                    .neighbors(src, node, dir(out), Some(t))
                    .expect("list")
                    .map(|n| n.expect("entry"))
                    .collect();
                let wanted: Vec<Neighbor> = expected
                    .iter()
                    .filter(|n| n.edge_type == t)
                    .copied()
                    .collect();
                assert_eq!(
                    sorted(found),
                    sorted(wanted),
                    "node {node} out {out} type {t}"
                );
            }
        }
    }
}

fn assert_clean(pager: &Pager, adjacency: &Adjacency, model: &Model) {
    let read = pager.begin_read().expect("read");
    let mut pages = Vec::new();
    let mut seen: Model = BTreeMap::new();
    let problems = adjacency
        .check(&read, &mut pages, |node, d, n| {
            seen.entry((node, d == Direction::Out)).or_default().push(n)
        })
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    let expected: Model = model
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, sorted(v.clone())))
        .collect();
    let seen: Model = seen.into_iter().map(|(k, v)| (k, sorted(v))).collect();
    assert_eq!(
        seen, expected,
        "check visited other entries than the model holds"
    );
    let report = read.check(&pages).expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

/// Settles the delta (folding it when due) and persists the roots, as a commit does.
fn save(txn: &mut WriteTxn, adjacency: &mut Adjacency, model: &Model) {
    let entries = model.values().map(|list| list.len() as u64).sum();
    adjacency.settle(txn, entries).expect("settle");
    txn.set_root(0, adjacency.root().root).expect("slot");
    txn.set_root(1, adjacency.root().height).expect("slot");
    txn.set_root(2, adjacency.delta_root()).expect("slot");
}

impl Harness {
    fn new() -> Harness {
        let storage = Arc::new(MemStorage::new());
        let pager =
            Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open");
        Harness {
            storage,
            pager,
            txn: None,
            adjacency: Adjacency::default(),
            model: Model::new(),
            next_edge: 0,
            committed: Default::default(),
        }
    }

    fn txn(&mut self) -> &mut WriteTxn {
        self.txn
            .get_or_insert_with(|| self.pager.begin_write().expect("write"))
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Insert {
                node,
                out,
                neighbor,
                edge_type,
                to_hub,
                burst,
                deferred,
            } => {
                let node = if to_hub { 5 } else { node };
                let mut adjacency = self.adjacency;
                for _ in 0..=(if to_hub { burst } else { 0 }) {
                    let n = Neighbor {
                        node: neighbor,
                        edge: self.next_edge,
                        edge_type,
                    };
                    self.next_edge += 1;
                    if deferred {
                        adjacency.insert_deferred(self.txn(), node, dir(out), n)
                    } else {
                        adjacency.insert(self.txn(), node, dir(out), n)
                    }
                    .expect("insert");
                    self.model.entry((node, out)).or_default().push(n);
                }
                self.adjacency = adjacency;
            }
            Op::Extend {
                node,
                out,
                neighbor,
                edge_type,
                to_hub,
                len,
            } => {
                let node = if to_hub { 5 } else { node };
                let batch: Vec<Neighbor> = (0..u64::from(len))
                    .map(|i| Neighbor {
                        node: (neighbor + i) % NODES,
                        edge: self.next_edge + i,
                        edge_type: (edge_type + (i % 2) as u32) % TYPES,
                    })
                    .collect();
                self.next_edge += u64::from(len);
                let mut adjacency = self.adjacency;
                adjacency
                    .extend(self.txn(), node, dir(out), &batch)
                    .expect("extend");
                self.model.entry((node, out)).or_default().extend(batch);
                self.adjacency = adjacency;
            }
            Op::AddBatch {
                start,
                len,
                to_hub,
                deferred,
            } => {
                let first_edge = self.next_edge;
                let edges: Vec<(u64, u64, u32)> = (0..u64::from(len))
                    .map(|i| {
                        let from = if to_hub { 5 } else { (start + 7 * i) % NODES };
                        (from, (start + i) % NODES, (i % u64::from(TYPES)) as u32)
                    })
                    .collect();
                self.next_edge += u64::from(len);
                let ends = edges.iter().map(|&(from, to, edge_type)| EdgeEnds {
                    from: U40::new(from).expect("a node id"),
                    to: U40::new(to).expect("a node id"),
                    edge_type: U16::new(edge_type as u16),
                });
                let batch = EdgeBatch::new(first_edge, ends).expect("batch");
                let mut adjacency = self.adjacency;
                if deferred {
                    adjacency.add_batch_deferred(self.txn(), &batch)
                } else {
                    adjacency.add_batch(self.txn(), &batch)
                }
                .expect("add_batch");
                for (edge, (from, to, edge_type)) in (first_edge..).zip(edges) {
                    let out = Neighbor {
                        node: to,
                        edge,
                        edge_type,
                    };
                    let incoming = Neighbor { node: from, ..out };
                    self.model.entry((from, true)).or_default().push(out);
                    self.model.entry((to, false)).or_default().push(incoming);
                }
                self.adjacency = adjacency;
            }
            Op::Remove { pick } => {
                let all: Vec<((u64, bool), Neighbor)> = self
                    .model
                    .iter()
                    .flat_map(|(k, v)| v.iter().map(move |n| (*k, *n)))
                    .collect();
                if all.is_empty() {
                    return;
                }
                let ((node, out), n) = all[pick % all.len()];
                let mut adjacency = self.adjacency;
                assert!(
                    adjacency
                        .remove(self.txn(), node, dir(out), n)
                        .expect("remove"),
                    "entry not found"
                );
                self.adjacency = adjacency;
                self.model
                    .get_mut(&(node, out))
                    .expect("list")
                    .retain(|m| m.edge != n.edge);
            }
            Op::RemoveAll { node, out } => {
                let mut adjacency = self.adjacency;
                let removed = adjacency
                    .remove_all(self.txn(), node, dir(out))
                    .expect("remove all");
                self.adjacency = adjacency;
                let expected = self.model.remove(&(node, out)).unwrap_or_default();
                assert_eq!(sorted(removed), sorted(expected));
            }
            Op::Fold => {
                let mut adjacency = self.adjacency;
                adjacency.fold(self.txn()).expect("fold");
                self.adjacency = adjacency;
            }
            Op::Settle => {
                let mut adjacency = self.adjacency;
                let entries = self.model.values().map(|list| list.len() as u64).sum();
                adjacency.settle(self.txn(), entries).expect("settle");
                self.adjacency = adjacency;
            }
            Op::Commit => {
                let mut adjacency = self.adjacency;
                let model = self.model.clone();
                save(self.txn(), &mut adjacency, &model);
                self.adjacency = adjacency;
                self.txn.take().expect("open").commit().expect("commit");
                self.committed = (self.adjacency, self.model.clone());
                assert_clean(&self.pager, &self.adjacency, &self.model);
            }
            Op::Abort => {
                self.txn = None;
                (self.adjacency, self.model) = self.committed.clone();
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
                let read = self.pager.begin_read().expect("read");
                let root = |slot| read.root(slot).expect("slot");
                self.adjacency = Adjacency::open(&read, root(0), root(1), root(2)).expect("root");
                drop(read);
                (_, self.model) = self.committed.clone();
                assert_eq!(self.adjacency, self.committed.0);
                assert_clean(&self.pager, &self.adjacency, &self.model);
            }
        }
        match &self.txn {
            Some(txn) => assert_same(&self.adjacency, txn, &self.model),
            None => assert_same(
                &self.adjacency,
                &self.pager.begin_read().expect("read"),
                &self.model,
            ),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]
    #[test]
    fn lists_match_a_model_through_commits_aborts_and_reopens(ops in proptest::collection::vec(op(), 1..300)) {
        let mut harness = Harness::new();
        for op in ops {
            harness.apply(op);
        }
        let mut adjacency = harness.adjacency;
        let model = harness.model.clone();
        save(harness.txn(), &mut adjacency, &model);
        harness.adjacency = adjacency;
        harness.txn.take().expect("open").commit().expect("commit");
        assert_clean(&harness.pager, &harness.adjacency, &harness.model);
    }
}
