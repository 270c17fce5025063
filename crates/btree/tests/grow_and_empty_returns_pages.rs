//! A tree that grows large and is emptied again gives every page back to the pager: after
//! the last remove commits, the free list accounts for every data page, and growing the tree
//! again reuses those pages instead of growing the file. `clear_inline`, which reads only the
//! branches, frees exactly the pages `pages` lists.
//!
//! One million keys, in ten transactions each way, in random order: a few seconds.

use btree::Tree;
use btree::keys::u64_key;
use pager_mmap::{MemStorage, Options, Pager, PagerStats};

const SLOT: usize = 0;
const BATCHES: u64 = 10;

/// A permutation of `0..n` (multiplication by an odd constant modulo a power of two, then
/// skipping values beyond `n`).
fn shuffled(n: u64, salt: u64) -> impl Iterator<Item = u64> {
    let size = n.next_power_of_two().max(2);
    (0..size)
        .map(move |i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15 | 1).wrapping_add(salt)) & (size - 1))
        .filter(move |&v| v < n)
}

fn value_of(key: u64) -> [u8; 8] {
    (key ^ 0xABCD).to_le_bytes()
}

fn grow(pager: &Pager, n: u64, salt: u64) {
    let keys: Vec<u64> = shuffled(n, salt).collect();
    assert_eq!(keys.len() as u64, n);
    for batch in keys.chunks(keys.len().div_ceil(BATCHES as usize)) {
        let mut txn = pager.begin_write().expect("write");
        let mut tree = Tree::from_slot(&txn, SLOT).expect("load");
        for &key in batch {
            tree.insert(&mut txn, &u64_key(key), &value_of(key))
                .expect("insert");
        }
        tree.save_to_slot(&mut txn, SLOT).expect("anchor");
        txn.commit().expect("commit");
    }
}

fn empty(pager: &Pager, n: u64, salt: u64) {
    let keys: Vec<u64> = shuffled(n, salt).collect();
    for batch in keys.chunks(keys.len().div_ceil(BATCHES as usize)) {
        let mut txn = pager.begin_write().expect("write");
        let mut tree = Tree::from_slot(&txn, SLOT).expect("load");
        for &key in batch {
            let old = tree.remove(&mut txn, &u64_key(key)).expect("remove");
            assert_eq!(old.as_deref(), Some(&value_of(key)[..]));
        }
        tree.save_to_slot(&mut txn, SLOT).expect("anchor");
        txn.commit().expect("commit");
    }
}

fn check(pager: &Pager, n: u64) -> PagerStats {
    let read = pager.begin_read().expect("read");
    let tree = Tree::from_slot(&read, SLOT).expect("load");
    assert_eq!(tree.len(), n);
    let report = tree.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.entries, n);
    let pager_report = read.check(&report.pages).expect("pager check");
    assert!(pager_report.is_clean(), "{:?}", pager_report.problems);
    if n > 0 {
        // Random inserts leave leaves between half and completely full.
        assert!(report.fill() > 0.5, "fill {}", report.fill());
    } else {
        assert!(report.pages.is_empty());
        // Nothing is reached: every data page is on the free list (or holds it).
        assert_eq!(
            pager_report.free_pages + pager_report.free_list_pages + 3,
            pager_report.page_count
        );
    }
    pager.stats().expect("stats")
}

fn grow_and_empty(n: u64) {
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let pager = Pager::with_storage(Box::new(MemStorage::new()), options).expect("pager");
    grow(&pager, n, 1);
    let grown = check(&pager, n);
    empty(&pager, n, 2);
    let emptied = check(&pager, 0);
    // A batch of removes copies the pages it changes before the pages it replaces are free
    // (at its commit), so the file may grow by at most one more tree while emptying.
    assert!(emptied.page_count <= 2 * grown.page_count);
    // Growing again reuses the freed pages instead of growing the file (beyond the pages
    // that the last commit's frees keep from being reused at once).
    grow(&pager, n, 3);
    let regrown = check(&pager, n);
    assert!(
        regrown.page_count <= emptied.page_count + emptied.page_count / 10,
        "regrowing took the file from {} to {} pages",
        emptied.page_count,
        regrown.page_count
    );
}

#[test]
fn a_tree_grown_to_1m_keys_and_emptied_returns_every_page() {
    grow_and_empty(1_000_000);
}

#[test]
fn clear_inline_frees_every_page_of_a_tree_of_inline_values_reading_only_its_branches() {
    let pager =
        Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
    grow(&pager, 200_000, 4);
    let listed = {
        let read = pager.begin_read().expect("read");
        let tree = Tree::from_slot(&read, SLOT).expect("load");
        assert!(tree.height() >= 3, "a tree with branches above branches");
        tree.pages(&read).expect("pages")
    };
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::from_slot(&txn, SLOT).expect("load");
    tree.clear_inline(&mut txn).expect("clear");
    assert!(tree.is_empty());
    tree.save_to_slot(&mut txn, SLOT).expect("anchor");
    txn.commit().expect("commit");
    check(&pager, 0);
    // Every listed page is free now: growing the same tree again takes no more pages.
    assert!(listed.len() > 500, "{} pages", listed.len());
    let before = pager.stats().expect("stats").page_count;
    grow(&pager, 200_000, 4);
    check(&pager, 200_000);
    let after = pager.stats().expect("stats").page_count;
    assert!(after <= before + before / 10, "{before} -> {after} pages");
}
