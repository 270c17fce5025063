//! Keys that arrive in ascending order, at the right edge of a tree or at the end of runs of
//! keys inside it (a by-kind index fed nodes in id order: each kind's keys ascend, the kinds
//! interleave), leave the leaves they pass full: an overfull leaf first moves entries into
//! its left sibling and splits only when that sibling is full. Random inserts keep at least
//! the fill that splits alone give them. Each load is checked whole (order, bounds, pages).

use btree::keys::{u32_key, u64_key};
use btree::{Tree, TreeReport};
use pager_mmap::{MemStorage, Options, Pager};

const SLOT: usize = 0;
const KEYS: u64 = 200_000;
const TRANSACTIONS: usize = 20;

/// Inserts `keys` (each with an 8-byte value) in their order, in [`TRANSACTIONS`] commits,
/// and returns the check of the tree they make.
fn load(keys: Vec<Vec<u8>>) -> TreeReport {
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let pager = Pager::with_storage(Box::new(MemStorage::new()), options).expect("pager");
    for batch in keys.chunks(keys.len().div_ceil(TRANSACTIONS)) {
        let mut txn = pager.begin_write().expect("write");
        let mut tree = Tree::from_slot(&txn, SLOT).expect("load");
        for key in batch {
            tree.insert(&mut txn, key, &[7; 8]).expect("insert");
        }
        tree.save_to_slot(&mut txn, SLOT).expect("anchor");
        txn.commit().expect("commit");
    }
    let read = pager.begin_read().expect("read");
    let tree = Tree::from_slot(&read, SLOT).expect("load");
    let report = tree.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.entries, keys.len() as u64);
    let pager_report = read.check(&report.pages).expect("pager check");
    assert!(pager_report.is_clean(), "{:?}", pager_report.problems);
    report
}

/// A scrambling of `i` (a multiply by an odd constant), to spread keys over kinds or order.
fn scramble(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20
}

#[test]
fn ascending_keys_fill_every_leaf() {
    let report = load((0..KEYS).map(|i| u64_key(i).to_vec()).collect());
    // Splits alone: 63 % (each left the minimum fill to the new right leaf).
    assert!(report.fill() > 0.97, "fill {}", report.fill());
}

#[test]
fn ascending_runs_inside_the_tree_fill_every_leaf() {
    // 40 kinds, as a by-kind index keys them: kind, then node id; nodes come in id order.
    let keys = (0..KEYS)
        .map(|node| {
            let kind = (scramble(node) % 40) as u32;
            [&u32_key(kind)[..], &u64_key(node)].concat()
        })
        .collect();
    let report = load(keys);
    // Splits alone: 51 % (a split inside a leaf divides it evenly).
    assert!(report.fill() > 0.95, "fill {}", report.fill());
}

#[test]
fn random_keys_fill_leaves_at_least_as_splits_do() {
    let report = load(
        (0..KEYS)
            .map(|i| u64_key(scramble(i) << 20 | i).to_vec())
            .collect(),
    );
    // Splits alone: 55 %; with the moves 78 %.
    assert!(report.fill() > 0.7, "fill {}", report.fill());
}
