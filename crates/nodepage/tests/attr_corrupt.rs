//! Attribute tables with corrupt pages: a flipped flag byte, a wrong live count, a wrong
//! `first_id`, a page of the wrong type under the radix vector, an impossible root. Reads give
//! errors and `check` names the problem; nothing panics.

use nodepage::{
    ATTR_LEAF, ATTR_SLOTS, AttrLeafPage, AttrTable, Attrs, Error, LEAF, LeafPage, TableRoot,
};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, RadixPage, WriteTxn};
use zerocopy::little_endian::{U16, U64};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

fn attrs(id: u64) -> Attrs {
    std::array::from_fn(|i| (id as u8).wrapping_add(i as u8))
}

/// A write transaction holding a table of `count` records.
fn table_of(pager: &Pager, count: u64) -> (WriteTxn, AttrTable) {
    let mut table = AttrTable::new();
    let mut txn = pager.begin_write().expect("write");
    for id in 0..count {
        assert_eq!(table.push(&mut txn, &attrs(id)).expect("push"), id);
    }
    (txn, table)
}

/// The leaf of leaf index `index` of a table of height 1.
fn leaf_page(src: &impl PageSource, table: &AttrTable, index: usize) -> PageId {
    let root = table.root();
    assert_eq!(root.height.get(), 1, "one radix level");
    let radix = src
        .page_as::<RadixPage>(PageId(root.root.get()))
        .expect("radix");
    PageId(radix.children[index].get())
}

fn leaf_mut<'a>(txn: &'a mut WriteTxn, table: &AttrTable, index: usize) -> &'a mut AttrLeafPage {
    let page = leaf_page(&*txn, table, index);
    txn.page_mut_as::<AttrLeafPage>(page)
        .expect("the leaf, writable in its own transaction")
}

fn problems(src: &impl PageSource, table: &AttrTable) -> Vec<String> {
    table.check(src, &mut Vec::new()).expect("check")
}

fn assert_reported(src: &impl PageSource, table: &AttrTable, words: &str) {
    let found = problems(src, table);
    assert!(found.iter().any(|p| p.contains(words)), "{found:?}");
}

/// Every read of every id up to past the end, and the whole iteration: errors allowed, panics
/// not; returns whether any read failed.
fn read_everything(src: &impl PageSource, table: &AttrTable) -> bool {
    let mut failed = false;
    for id in 0..table.next_id() + 3 {
        failed |= table.get(src, id).is_err();
        failed |= table.contains(src, id).is_err();
    }
    failed |= table.iter(src).any(|r| r.is_err());
    failed
}

#[test]
fn the_fixture_is_clean_and_spans_three_leaves() {
    let pager = pager();
    let (txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    let mut pages = Vec::new();
    assert!(table.check(&txn, &mut pages).expect("check").is_empty());
    assert_eq!(pages.len(), 4, "a radix page and three leaves");
    assert!(!read_everything(&txn, &table));
    let leaf = txn
        .page_as::<AttrLeafPage>(leaf_page(&txn, &table, 1))
        .expect("leaf");
    assert_eq!(leaf.first_id.get(), ATTR_SLOTS as u64);
    assert_eq!(leaf.live.get(), ATTR_SLOTS as u16);
    assert_eq!((leaf.slots[0].flags, leaf.slots[0].attrs), (1, attrs(312)));
}

#[test]
fn a_flag_byte_other_than_0_or_1_fails_reads_and_the_check() {
    let pager = pager();
    let (mut txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    for flags in [2, 3, 0x81, u8::MAX] {
        leaf_mut(&mut txn, &table, 1).slots[5].flags = flags;
        let id = ATTR_SLOTS as u64 + 5;
        assert!(matches!(table.get(&txn, id), Err(Error::Corrupt(_))));
        assert!(table.contains(&txn, id).is_err());
        assert!(table.iter(&txn).any(|r| r.is_err()));
        // The iteration stops at its error.
        assert_eq!(table.iter(&txn).filter(|r| r.is_err()).count(), 1);
        assert!(matches!(
            table.clone().set(&mut txn, id, &[0; 12]),
            Err(Error::Corrupt(_))
        ));
        assert_reported(&txn, &table, &format!("has flags {flags}"));
        assert_reported(&txn, &table, "counts 312 live records, its slots 311");
    }
}

#[test]
fn a_deleted_slot_flagged_live_again_is_reported() {
    let pager = pager();
    let (mut txn, mut table) = table_of(&pager, 20);
    table.delete(&mut txn, 3).expect("delete");
    let root = PageId(table.root().root.get());
    txn.page_mut_as::<AttrLeafPage>(root).expect("leaf").slots[3].flags = 1;
    assert_eq!(table.get(&txn, 3).expect("get"), Some(&[0; 12]));
    assert_reported(&txn, &table, "counts 19 live records, its slots 20");
    assert_reported(
        &txn,
        &table,
        "the root counts 19 live records, the leaves 20",
    );
}

#[test]
fn a_live_slot_at_or_past_next_id_is_reported() {
    let pager = pager();
    let (mut txn, table) = table_of(&pager, 20);
    let root = PageId(table.root().root.get());
    txn.page_mut_as::<AttrLeafPage>(root).expect("leaf").slots[25].flags = 1;
    assert_reported(&txn, &table, "record 25 is live but at or past next id 20");
    assert_eq!(table.get(&txn, 25).expect("get"), None, "never handed out");
    assert_eq!(table.iter(&txn).count(), 20);
}

#[test]
fn a_wrong_live_count_is_reported_and_deleting_to_it_does_not_panic() {
    let pager = pager();
    let (mut txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    for live in [0, 1, 311, 313, u16::MAX] {
        leaf_mut(&mut txn, &table, 1).live = U16::new(live);
        assert_reported(
            &txn,
            &table,
            &format!("counts {live} live records, its slots 312"),
        );
        assert!(!read_everything(&txn, &table), "the slots are intact");
    }
    // A leaf that counts 0 live records: a delete there keeps the count at 0 and frees it.
    leaf_mut(&mut txn, &table, 1).live = U16::new(0);
    let mut changed = table.clone();
    changed.delete(&mut txn, ATTR_SLOTS as u64).expect("delete");
    assert!(!problems(&txn, &changed).is_empty());
    read_everything(&txn, &changed);
}

#[test]
fn a_wrong_first_id_fails_reads_and_the_check() {
    let pager = pager();
    let (mut txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    for first in [0, ATTR_SLOTS as u64 + 1, 2 * ATTR_SLOTS as u64, u64::MAX] {
        leaf_mut(&mut txn, &table, 1).first_id = U64::new(first);
        let id = ATTR_SLOTS as u64 + 7;
        assert!(matches!(table.get(&txn, id), Err(Error::Corrupt(_))));
        assert!(table.get(&txn, 7).expect("leaf 0 is intact").is_some());
        assert!(read_everything(&txn, &table));
        assert_reported(
            &txn,
            &table,
            &format!("says it starts at id {first}, its position says 312"),
        );
    }
}

#[test]
fn a_page_of_another_type_under_the_radix_vector_fails_reads_and_the_check() {
    let pager = pager();
    let (mut txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    let page = leaf_page(&txn, &table, 1);
    // A record-table leaf where an attribute leaf belongs: same offsets for first_id and live.
    let bytes = txn.page_mut(page).expect("page");
    bytes[8] = LEAF.0;
    assert!(txn.page_as::<LeafPage>(page).is_ok());
    let id = ATTR_SLOTS as u64;
    assert!(matches!(table.get(&txn, id), Err(Error::Pager(_))));
    assert!(table.iter(&txn).any(|r| r.is_err()));
    assert!(matches!(
        table.clone().delete(&mut txn, id),
        Err(Error::Pager(_))
    ));
    assert_reported(&txn, &table, &format!("leaf {page}"));
    // A radix page where the leaf belongs (a radix level too many), and the root as a leaf.
    txn.page_mut(page).expect("page")[8] = pager_mmap::PageType::RADIX.0;
    assert!(read_everything(&txn, &table));
    assert!(!problems(&txn, &table).is_empty());
    txn.page_mut(page).expect("page")[8] = ATTR_LEAF.0;
    assert!(problems(&txn, &table).is_empty());
    let root = PageId(table.root().root.get());
    txn.page_mut(root).expect("page")[8] = ATTR_LEAF.0;
    assert!(read_everything(&txn, &table));
    assert_reported(&txn, &table, "radix pages");
}

#[test]
fn impossible_roots_are_refused_at_open() {
    let root = |root: u64, next_id: u64, live: u64, height: u64| {
        TableRoot::from_words([root, next_id, live, height])
    };
    for bad in [
        root(5, 10, 11, 0),
        root(5, 1000, 10, 0),
        root(5, 10, 1, 8),
        root(5, u64::MAX, 0, 1),
    ] {
        assert!(
            matches!(
                AttrTable::open(bad),
                Err(Error::Corrupt(_) | Error::Pager(_))
            ),
            "{bad:?}"
        );
    }
    let empty = AttrTable::open(root(0, 1_000_000, 0, 0)).expect("a table emptied");
    assert!(empty.is_empty());
    assert_eq!(empty.next_id(), 1_000_000);
}

#[test]
fn a_root_pointing_at_garbage_gives_errors_not_panics() {
    let pager = pager();
    let (txn, table) = table_of(&pager, 2 * ATTR_SLOTS as u64 + 10);
    txn.commit().expect("commit");
    let real = table.root();
    for (page, height) in [(0, 1), (1, 0), (2, 1), (real.root.get(), 0), (u64::MAX, 1)] {
        let words = [page, real.next_id.get(), real.live.get(), height];
        let Ok(bad) = AttrTable::open(TableRoot::from_words(words)) else {
            continue;
        };
        let read = pager.begin_read().expect("read");
        // Root 0 is a table without pages: nothing to read, and its live count is wrong.
        assert_eq!(
            read_everything(&read, &bad),
            page != 0,
            "root {page} at height {height}"
        );
        assert!(!bad.check(&read, &mut Vec::new()).expect("check").is_empty());
        drop(read);
        // Writes may fail but must not panic; the transaction is dropped (aborted).
        let mut scratch = pager.begin_write().expect("write");
        let mut writable = bad.clone();
        let _ = writable.push(&mut scratch, &[1; 12]);
        let _ = writable.delete(&mut scratch, 0);
        let _ = writable.set(&mut scratch, 1, &[2; 12]);
    }
}
