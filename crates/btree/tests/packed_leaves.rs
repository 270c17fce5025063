//! Packed leaves (`Tree::bulk_load_packed`): a tree of sorted keys with long common prefixes
//! takes a fraction of a slotted tree's pages and reads back the same in every direction; a
//! write rewrites only the packed leaves it reaches as slotted ones; a slotted leaf whose only
//! siblings are packed may stay below the minimum fill, marked so, and `check` accepts it.

use btree::{BulkFill, Tree};
use pager_mmap::{MemStorage, Options, PageSource, Pager, WriteTxn, page_type_of};

/// The tag of a packed leaf page (`docs/format.md`, "Packed leaf pages").
const PACKED_LEAF: u8 = 18;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager")
}

/// Name-like keys: a genus shared by a few hundred, then a species and a number.
fn key(i: u64) -> Vec<u8> {
    format!("Genus{:03} species {:07}", i / 300, i * 13).into_bytes()
}

fn entries(n: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..n)
        .map(|i| (key(i), vec![(i % 7) as u8; (i % 3) as usize]))
        .collect()
}

/// The tree's leaf pages: packed ones, then slotted ones.
fn leaves<S: PageSource>(src: &S, tree: &Tree) -> (usize, usize) {
    let report = tree.check_uncommitted(src).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let packed = report
        .pages
        .iter()
        .filter(|&&id| page_type_of(src.page(id).expect("page")).0 == PACKED_LEAF)
        .count();
    (packed, report.leaf_pages as usize - packed)
}

/// The tree's pages marked as left below the minimum fill beside packed leaves (bit 0 of the
/// header's byte 25).
fn marked<S: PageSource>(src: &S, tree: &Tree) -> usize {
    let report = tree.check_uncommitted(src).expect("check");
    report
        .pages
        .iter()
        .filter(|&&id| src.page(id).expect("page")[25] & 1 == 1)
        .count()
}

fn contents<S: PageSource>(src: &S, tree: &Tree) -> Vec<(Vec<u8>, Vec<u8>)> {
    tree.iter(src)
        .map(|e| {
            let e = e.expect("entry");
            (e.key().to_vec(), e.value().expect("value").into_owned())
        })
        .collect()
}

fn load(txn: &mut WriteTxn, expected: &[(Vec<u8>, Vec<u8>)]) -> Tree {
    Tree::bulk_load_packed(txn, expected.iter().map(|(k, v)| (k, v))).expect("load")
}

#[test]
fn a_packed_tree_is_smaller_and_reads_back_the_same_in_every_direction() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let expected = entries(20_000);
    let packed = load(&mut txn, &expected);
    let full = Tree::bulk_load_with_fill(
        &mut txn,
        expected.iter().map(|(k, v)| (k, v)),
        BulkFill::FULL,
    )
    .expect("load");
    let (packed_leaves, slotted) = leaves(&txn, &packed);
    assert_eq!(slotted, 0);
    let full_leaves = full.check_uncommitted(&txn).expect("check").leaf_pages as usize;
    // 29-byte keys sharing 17 to 26 bytes with the one before: 6 bytes of lengths and value
    // each in place of a slot and a cell head, and 4 to 12 bytes of key.
    assert!(
        packed_leaves * 3 < full_leaves,
        "{packed_leaves} packed leaves against {full_leaves} slotted"
    );
    assert_eq!(packed.len(), 20_000);
    assert_eq!(contents(&txn, &packed), expected);
    let backwards: Vec<Vec<u8>> = packed
        .iter(&txn)
        .rev()
        .map(|e| e.expect("entry").key().to_vec())
        .collect();
    assert!(backwards.iter().rev().eq(expected.iter().map(|(k, _)| k)));
    for i in (0..20_000).step_by(37) {
        let (k, v) = &expected[i];
        assert_eq!(packed.get(&txn, k).expect("get").as_deref(), Some(&v[..]));
        let mut below = k.clone();
        below.push(0);
        assert_eq!(packed.get(&txn, &below).expect("get"), None);
    }
    // A range from both ends at once meets in the middle without repeating an entry.
    let mut range = packed.range(&txn, &key(1_000)[..]..&key(1_100)[..]);
    let mut met = Vec::new();
    while let Some(front) = range.next() {
        met.push(front.expect("entry").key().to_vec());
        if let Some(back) = range.next_back() {
            met.push(back.expect("entry").key().to_vec());
        }
    }
    met.sort();
    assert_eq!(met, (1_000..1_100).map(key).collect::<Vec<_>>());
    let genus: Vec<Vec<u8>> = packed
        .prefix(&txn, b"Genus012 ")
        .map(|e| e.expect("entry").into_key().into_owned())
        .collect();
    assert_eq!(genus, (3_600..3_900).map(key).collect::<Vec<_>>());
}

#[test]
fn a_write_unpacks_only_the_leaves_it_reaches() {
    let pager = pager();
    let mut expected = entries(20_000);
    let mut txn = pager.begin_write().expect("write");
    let mut tree = load(&mut txn, &expected);
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let (packed_before, _) = leaves(&read, &tree);
    let mut txn = pager.begin_write().expect("write");
    let new_key = format!("Genus030 species {:07}x", 9_000 * 13).into_bytes();
    assert_eq!(
        tree.insert(&mut txn, &new_key, b"new").expect("insert"),
        None
    );
    let removed = key(15_000);
    assert!(tree.delete(&mut txn, &removed).expect("delete"));
    let replaced = key(5_000);
    assert_eq!(
        tree.insert(&mut txn, &replaced, b"again").expect("insert"),
        Some(expected[5_000].1.clone())
    );
    let (packed_after, slotted) = leaves(&txn, &tree);
    // Each write divided the packed leaf it reached until a part fit two slotted leaves, and
    // rewrote that part: every other leaf is as it was.
    assert!((3..=6).contains(&slotted), "{slotted} slotted leaves");
    assert!(
        packed_after + 3 >= packed_before && packed_after <= packed_before + 6,
        "{packed_before} packed leaves, then {packed_after}"
    );
    expected.push((new_key, b"new".to_vec()));
    expected.retain(|(k, _)| *k != removed);
    if let Some(e) = expected.iter_mut().find(|(k, _)| *k == replaced) {
        e.1 = b"again".to_vec();
    }
    expected.sort();
    assert_eq!(contents(&txn, &tree), expected);
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");
    // The snapshot taken before still reads the packed tree as it was.
    let old = Tree::from_slot(&read, 0).expect("tree");
    assert_eq!(contents(&read, &old), entries(20_000));
}

#[test]
fn a_leaf_beside_packed_leaves_may_stay_below_the_minimum_fill_and_checks_clean() {
    let pager = pager();
    let expected = entries(20_000);
    let mut txn = pager.begin_write().expect("write");
    let mut tree = load(&mut txn, &expected);
    // Removing a key unpacks the part of its leaf around it into two slotted leaves; removing
    // the keys after it joins those into one, which then shrinks with packed leaves on both
    // sides. (Keys 10,050 to 10,199 stay within that one part; a window reaching into the
    // next packed leaf unpacks it too, and the shrinking leaf always has a slotted sibling.)
    let (middle, width) = (10_050u64, 150u64);
    let mut removed = 0;
    let mut most_marked = 0;
    for i in middle..middle + width {
        assert!(tree.delete(&mut txn, &key(i)).expect("delete"));
        removed += 1;
        let report = tree.check_uncommitted(&txn).expect("check");
        assert!(
            report.is_clean(),
            "after {removed} removals: {:?}",
            report.problems
        );
        most_marked = most_marked.max(marked(&txn, &tree));
    }
    assert!(most_marked > 0, "no leaf was left below the minimum fill");
    let rest: Vec<(Vec<u8>, Vec<u8>)> = expected
        .iter()
        .filter(|(k, _)| !(middle..middle + width).map(key).any(|r| r == *k))
        .cloned()
        .collect();
    assert_eq!(contents(&txn, &tree), rest);
    // And inserting them back fills the slotted leaves again.
    for i in middle..middle + width {
        let (k, v) = &expected[i as usize];
        tree.insert(&mut txn, k, v).expect("insert");
    }
    let report = tree.check_uncommitted(&txn).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(contents(&txn, &tree), expected);
}

#[test]
fn every_entry_removed_from_a_packed_tree_leaves_it_empty() {
    let pager = pager();
    let expected = entries(3_000);
    let mut txn = pager.begin_write().expect("write");
    let mut tree = load(&mut txn, &expected);
    for (n, i) in (0..3_000u64)
        .map(|n| (n, (n * 1_999) % 3_000))
        .collect::<Vec<_>>()
    {
        assert!(tree.delete(&mut txn, &key(i)).expect("delete"));
        if n % 250 == 0 {
            let report = tree.check_uncommitted(&txn).expect("check");
            assert!(
                report.is_clean(),
                "after {n} removals: {:?}",
                report.problems
            );
        }
    }
    assert_eq!(tree, Tree::EMPTY);
}
