//! A reader keeps seeing the version of a tree it began on while a writer changes the tree
//! and commits, and the writer sees its own uncommitted changes.

use btree::Tree;
use pager_mmap::{MemStorage, Options, Pager};

#[test]
fn a_reader_keeps_its_version_while_the_tree_changes() {
    let pager =
        Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    for i in 0..5000u32 {
        tree.insert(&mut txn, format!("k{i:05}").as_bytes(), b"v1")
            .expect("insert");
    }
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");

    let before = pager.begin_read().expect("read");
    let old = Tree::from_slot(&before, 0).expect("load");

    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::from_slot(&txn, 0).expect("load");
    for i in (0..5000u32).step_by(2) {
        tree.remove(&mut txn, format!("k{i:05}").as_bytes())
            .expect("remove");
    }
    for i in 5000..6000u32 {
        tree.insert(&mut txn, format!("k{i:05}").as_bytes(), b"v2")
            .expect("insert");
    }
    // The writer sees its changes; the reader does not.
    assert_eq!(tree.len(), 3500);
    assert_eq!(tree.get(&txn, b"k00000").expect("get"), None);
    assert_eq!(
        old.get(&before, b"k00000").expect("get").as_deref(),
        Some(&b"v1"[..])
    );
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");

    // After the commit too, and a second write that may reuse freed pages.
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::from_slot(&txn, 0).expect("load");
    for i in 6000..9000u32 {
        tree.insert(&mut txn, format!("k{i:05}").as_bytes(), b"v3")
            .expect("insert");
    }
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");

    assert_eq!(old.len(), 5000);
    let keys: Vec<Vec<u8>> = old
        .iter(&before)
        .map(|e| e.expect("entry").key().to_vec())
        .collect();
    let expected: Vec<Vec<u8>> = (0..5000u32)
        .map(|i| format!("k{i:05}").into_bytes())
        .collect();
    assert!(keys == expected, "the reader's version changed");
    let report = old.check(&before).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);

    let after = pager.begin_read().expect("read");
    let new = Tree::from_slot(&after, 0).expect("load");
    assert_eq!(new.len(), 6500);
    assert_eq!(
        new.get(&after, b"k08999").expect("get").as_deref(),
        Some(&b"v3"[..])
    );
}
