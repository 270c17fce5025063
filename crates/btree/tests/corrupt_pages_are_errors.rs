//! Hostile bytes are an error, never a crash: a committed file whose tree pages (headers,
//! slots, cells, packed entries, overflow pages) are overwritten at random still opens, and every read,
//! iteration, check and change either works or returns an error. `check()` reports every
//! damaged page.
//!
//! `BTREE_CORRUPT_CASES` sets the number of damaged files (default 3,000).

use std::sync::Arc;

use btree::{Tree, keys::u64_key};
use pager_mmap::{MemStorage, Options, PAGE_SIZE, PageId, Pager, SimStorage, checksum_matches};

const SLOT: usize = 0;

/// Entry `i` of the tree: a long common prefix keeps separators long and branches narrow
/// (three levels), and some values are in overflow pages.
fn entry(i: u64) -> (Vec<u8>, Vec<u8>) {
    let value = if i.is_multiple_of(500) {
        vec![7; 5000]
    } else {
        vec![1; (i % 40) as usize]
    };
    let mut key = vec![b'x'; 200];
    key.extend_from_slice(&u64_key(i * 7));
    (key, value)
}

/// A committed file holding a three-level tree with some overflow values, and its pages:
/// inserted in random order (slotted leaves, not full), or bulk-loaded into packed leaves.
fn build(packed: bool) -> (Vec<u8>, Vec<PageId>) {
    let sim = Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(Arc::clone(&sim)), Options::default()).expect("pager");
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    if packed {
        tree = Tree::bulk_load_packed(&mut txn, (0..6000u64).map(entry)).expect("load");
    } else {
        for n in 0..6000u64 {
            // A permutation of 0..6000: random order.
            let (key, value) = entry((n * 2347) % 6000);
            tree.insert(&mut txn, &key, &value).expect("insert");
        }
    }
    tree.save_to_slot(&mut txn, SLOT).expect("anchor");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert!(tree.height() >= if packed { 2 } else { 3 });
    let report = tree.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let pages = report.pages;
    drop(read);
    drop(pager);
    (sim.durable_image(), pages)
}

/// Runs every kind of operation on the tree in `image`; none may panic. Returns whether
/// `check` found a problem.
fn exercise(image: &[u8]) -> bool {
    let storage = MemStorage::from_bytes(image).expect("storage");
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let Ok(pager) = Pager::with_storage(Box::new(storage), options) else {
        return true;
    };
    let read = pager.begin_read().expect("read");
    let Ok(tree) = Tree::from_slot(&read, SLOT) else {
        return true;
    };
    for i in (0..6000u64).step_by(97) {
        let _ = tree.get(&read, &[&[b'x'; 200][..], &u64_key(i * 7)].concat());
    }
    for entry in tree.iter(&read).take(20_000).flatten() {
        let _ = entry.value();
    }
    let _ = tree.iter(&read).rev().take(20_000).count();
    let _ = tree
        .range(&read, &u64_key(1000)[..]..&u64_key(9000)[..])
        .count();
    let _ = tree.prefix(&read, &u64_key(700)[..7]).count();
    let found_problem = match tree.check(&read) {
        Ok(report) => !report.is_clean(),
        Err(_) => true,
    };
    drop(read);
    if let Ok(mut txn) = pager.begin_write() {
        let mut tree = tree;
        for i in 0..50u64 {
            if tree.insert(&mut txn, &u64_key(i * 13), &[3; 30]).is_err() {
                break;
            }
            if tree.remove(&mut txn, &u64_key(i * 21)).is_err() {
                break;
            }
        }
        let _ = tree.check_uncommitted(&txn);
        let mut fresh = Tree::from_slot(&txn, SLOT).unwrap_or_default();
        let _ = fresh.clear(&mut txn);
    }
    found_problem
}

#[test]
fn damaged_tree_pages_give_errors_and_check_finds_them() {
    damage(build(false), 11);
}

#[test]
fn damaged_packed_leaves_give_errors_and_check_finds_them() {
    damage(build(true), 12);
}

/// Damages random pages of `image` (its tree's `pages`), one case at a time, and checks that
/// nothing panics and that `check` reports every page whose bytes changed.
fn damage((image, pages): (Vec<u8>, Vec<PageId>), seed: u64) {
    let cases: u64 = std::env::var("BTREE_CORRUPT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    assert!(!exercise(&image), "the undamaged file must check clean");
    let mut rng = fastrand::Rng::with_seed(seed);
    for case in 0..cases {
        let mut damaged = image.clone();
        let page = pages[rng.usize(..pages.len())];
        let base = page.0 as usize * PAGE_SIZE;
        let at = match rng.u8(0..4) {
            // Node header fields: level, count, cells start, garbage.
            0 => base + rng.usize(16..32),
            // The slot array.
            1 => base + rng.usize(32..96),
            // Cells (near the end of the page).
            2 => base + rng.usize(PAGE_SIZE - 256..PAGE_SIZE),
            _ => base + rng.usize(8..PAGE_SIZE),
        };
        for _ in 0..rng.usize(1..4) {
            let spot = (at + rng.usize(0..4)).min(base + PAGE_SIZE - 1);
            damaged[spot] = rng.u8(..);
        }
        let page_bytes: &[u8; PAGE_SIZE] =
            damaged[base..base + PAGE_SIZE].try_into().expect("page");
        let changed = !checksum_matches(page, page_bytes);
        let found = exercise(&damaged);
        assert!(
            !changed || found,
            "case {case}: damage to page {page} went unreported"
        );
    }
}

/// Found by the `open_graph` fuzz target: the entry count comes from the root page, and one
/// insert more than `u64::MAX` entries overflowed instead of reporting the corruption.
#[test]
fn a_root_claiming_u64_max_entries_makes_insert_an_error() {
    use pager_mmap::{MemStorage, Options, PageId, Pager};
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut txn = pager.begin_write().expect("write");
    let mut tree = btree::Tree::EMPTY;
    tree.insert(&mut txn, b"a", b"1").expect("insert");
    let root = PageId(tree.root());
    txn.page_mut(root).expect("the root is this transaction's")[16..24]
        .copy_from_slice(&u64::MAX.to_le_bytes());
    let mut tree = btree::Tree::load(&txn, root.0).expect("load");
    assert_eq!(tree.len(), u64::MAX);
    assert!(matches!(
        tree.insert(&mut txn, b"b", b"2"),
        Err(btree::Error::Corrupt { .. })
    ));
}
