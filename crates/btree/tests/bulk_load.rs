//! Bulk load builds, from sorted input, the tree that inserting the same entries would hold:
//! it passes `check()` (so its pages meet the fill bounds, last pages included), reads back
//! the same, and fills its leaves as asked.

use btree::{BulkFill, Error, Tree};
use pager_mmap::{MemStorage, Options, Pager, WriteTxn};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager")
}

fn entries(n: usize, key_len: usize, value_len: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let mut key = format!("{i:012}").into_bytes();
            key.resize(key_len.max(12), b'k');
            let value = vec![(i % 251) as u8; value_len];
            (key, value)
        })
        .collect()
}

fn assert_holds(txn: &WriteTxn, tree: &Tree, expected: &[(Vec<u8>, Vec<u8>)]) {
    let report = tree.check_uncommitted(txn).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(tree.len(), expected.len() as u64);
    let found: Vec<(Vec<u8>, Vec<u8>)> = tree
        .iter(txn)
        .map(|e| {
            let e = e.expect("entry");
            (e.key().to_vec(), e.value().expect("value").into_owned())
        })
        .collect();
    assert!(found == expected, "contents differ");
}

#[test]
fn bulk_loaded_trees_of_every_shape_pass_check_and_read_back() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    for (n, key_len, value_len) in [
        (0, 12, 0),
        (1, 12, 0),
        (2, 12, 5),
        (150, 12, 8),
        (151, 12, 8),
        (3000, 12, 8),
        (20_000, 20, 0),
        (500, 1024, 0),
        (300, 12, 1000),
        (40, 12, 9000),
        (2000, 1024, 12),
    ] {
        let input = entries(n, key_len, value_len);
        let mut tree = Tree::bulk_load(&mut txn, input.iter().map(|(k, v)| (k, v))).expect("bulk");
        assert_holds(&txn, &tree, &input);
        // The bulk-loaded tree takes changes like any other.
        for (k, _) in input.iter().step_by(3) {
            tree.remove(&mut txn, k).expect("remove");
        }
        let rest: Vec<_> = input
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 0)
            .map(|(_, e)| e.clone())
            .collect();
        assert_holds(&txn, &tree, &rest);
        tree.clear(&mut txn).expect("clear");
    }
}

#[test]
fn unsorted_or_repeated_keys_are_refused() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let unsorted = [(&b"b"[..], &b""[..]), (b"a", b"")];
    assert!(matches!(
        Tree::bulk_load(&mut txn, unsorted),
        Err(Error::Unsorted { index: 1 })
    ));
    let repeated = [(&b"a"[..], &b""[..]), (b"b", b""), (b"b", b"")];
    assert!(matches!(
        Tree::bulk_load(&mut txn, repeated),
        Err(Error::Unsorted { index: 2 })
    ));
}

/// A default bulk load leaves the room it is asked to leave for later inserts (inserts in key
/// order fill their leaves full instead: `ascending_inserts_fill_leaves.rs`). How much faster
/// it is than inserts is measured in the benchmarks, not asserted here.
#[test]
fn a_default_bulk_load_fills_its_leaves_as_asked() {
    let input = entries(200_000, 16, 8);
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let bulk = Tree::bulk_load(&mut txn, input.iter().map(|(k, v)| (k, v))).expect("bulk");
    let report = bulk.check_uncommitted(&txn).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let default = BulkFill::DEFAULT.get() as f64 / 100.0;
    assert!(
        report.fill() > default - 0.05 && report.fill() <= default,
        "fill {}",
        report.fill()
    );
}

#[test]
fn the_fill_sets_how_full_bulk_loaded_pages_are() {
    let input = entries(50_000, 16, 40);
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let mut leaves = Vec::new();
    for percent in [0, 64, 75, 90, 100, 200] {
        let fill = BulkFill::percent(percent);
        let tree = Tree::bulk_load_with_fill(&mut txn, input.iter().map(|(k, v)| (k, v)), fill)
            .expect("bulk");
        assert_holds(&txn, &tree, &input);
        let report = tree.check_uncommitted(&txn).expect("check");
        // Pages hold the fill asked for, less at most one entry (58 bytes here).
        let asked = fill.get() as f64 / 100.0;
        assert!(
            report.fill() <= asked && report.fill() > asked - 0.03,
            "asked {asked}, got {}",
            report.fill()
        );
        leaves.push(report.leaf_pages);
    }
    assert_eq!(
        BulkFill::percent(0),
        BulkFill::percent(BulkFill::MIN_PERCENT)
    );
    assert_eq!(BulkFill::percent(200), BulkFill::FULL);
    assert!(leaves.windows(2).all(|w| w[0] >= w[1]), "{leaves:?}");
}

#[test]
fn a_full_bulk_load_packs_leaves_to_the_brim() {
    let input = entries(20_000, 16, 8);
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let tree =
        Tree::bulk_load_with_fill(&mut txn, input.iter().map(|(k, v)| (k, v)), BulkFill::FULL)
            .expect("bulk");
    let report = tree.check_uncommitted(&txn).expect("check");
    assert!(report.is_clean());
    assert!(report.fill() > 0.95, "{}", report.fill());
}
