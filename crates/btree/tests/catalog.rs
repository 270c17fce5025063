//! Many named trees share one root slot through a catalog: each keeps its own entries,
//! survives reopen, and removing one frees all its pages.

use std::sync::Arc;

use btree::Catalog;
use pager_mmap::{MemStorage, Options, Pager};

fn open(storage: &Arc<MemStorage>) -> Pager {
    Pager::with_storage(Box::new(Arc::clone(storage)), Options::default()).expect("pager")
}

#[test]
fn named_trees_are_independent_and_removing_one_frees_its_pages() {
    let storage = Arc::new(MemStorage::new());
    let pager = open(&storage);
    let names: Vec<String> = (0..40).map(|i| format!("tree-{i:02}")).collect();
    let mut txn = pager.begin_write().expect("write");
    let mut catalog = Catalog::open(&txn, 5).expect("catalog");
    for (n, name) in names.iter().enumerate() {
        let mut tree = catalog.tree(&txn, name.as_bytes()).expect("tree");
        for i in 0..(n * 100) {
            let key = format!("{name}/{i:06}");
            tree.insert(&mut txn, key.as_bytes(), &[n as u8; 20])
                .expect("insert");
        }
        catalog.set(&mut txn, name.as_bytes(), &tree).expect("set");
    }
    txn.commit().expect("commit");
    drop(pager);

    let pager = open(&storage);
    let read = pager.begin_read().expect("read");
    let catalog = Catalog::open(&read, 5).expect("catalog");
    assert_eq!(catalog.len(), 40);
    assert_eq!(
        catalog.names(&read).expect("names"),
        names
            .iter()
            .map(|n| n.clone().into_bytes())
            .collect::<Vec<_>>()
    );
    for (n, name) in names.iter().enumerate() {
        let tree = catalog.tree(&read, name.as_bytes()).expect("tree");
        assert_eq!(tree.len(), (n * 100) as u64);
        // No tree sees another's keys.
        assert_eq!(tree.prefix(&read, b"tree-").count(), n * 100);
        assert_eq!(tree.prefix(&read, name.as_bytes()).count(), n * 100);
    }
    let report = catalog.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert!(read.check(&report.pages).expect("pager check").is_clean());
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    let mut catalog = Catalog::open(&txn, 5).expect("catalog");
    for name in names.iter().step_by(2) {
        assert!(catalog.remove(&mut txn, name.as_bytes()).expect("remove"));
    }
    assert!(!catalog.remove(&mut txn, b"no such tree").expect("remove"));
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    let catalog = Catalog::open(&read, 5).expect("catalog");
    assert_eq!(catalog.len(), 20);
    assert_eq!(catalog.get(&read, b"tree-00").expect("get"), None);
    assert_eq!(catalog.tree(&read, b"tree-39").expect("tree").len(), 3900);
    // The removed trees' pages are all free: the pages the catalog reaches plus the free
    // list account for the whole file.
    let report = catalog.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let pager_report = read.check(&report.pages).expect("pager check");
    assert!(pager_report.is_clean(), "{:?}", pager_report.problems);
}
