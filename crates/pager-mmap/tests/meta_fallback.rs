//! A damaged meta page is never used: open falls back to the other one, the previous commit.

mod common;

use std::sync::Arc;

use pager_mmap::{Error, META_PAGES, MemStorage, Options, Pager};

fn commit_values(pager: &Pager, values: &[u64]) {
    let mut txn = pager.begin_write().expect("write");
    for (i, v) in values.iter().enumerate() {
        common::set(&mut txn, i, *v).expect("set");
    }
    txn.commit().expect("commit");
}

#[test]
fn a_corrupted_newest_meta_page_falls_back_to_the_previous_commit() {
    let storage = Arc::new(MemStorage::new());
    let pager =
        Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open");
    commit_values(&pager, &[1, 1, 1]);
    commit_values(&pager, &[2, 2, 2, 2]);
    let newest = pager.stats().expect("stats").txn_id;
    drop(pager);

    // Find the slot holding the newest commit and flip one byte in it.
    let mut bytes = storage.to_bytes();
    let mut damaged = None;
    for at in META_PAGES {
        let start = at.offset() as usize;
        let txn = &bytes[start + 16..start + 24];
        if u64::from_le_bytes(txn.try_into().expect("8 bytes")) == newest {
            bytes[start + 40] ^= 0x10;
            damaged = Some(at);
        }
    }
    assert!(damaged.is_some(), "no meta page holds txn {newest}");

    let storage = MemStorage::from_bytes(&bytes).expect("storage");
    let pager = Pager::with_storage(Box::new(storage), Options::default()).expect("reopen");
    let read = pager.begin_read().expect("read");
    assert_eq!(read.txn_id(), newest - 1);
    assert_eq!(common::values(&read).expect("values"), vec![1, 1, 1]);
    assert!(
        read.check(&common::pages(&read).expect("pages"))
            .expect("check")
            .is_clean()
    );
}

#[test]
fn both_meta_pages_damaged_is_an_error_not_a_panic() {
    let storage = Arc::new(MemStorage::new());
    drop(Pager::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open"));
    let mut bytes = storage.to_bytes();
    for at in META_PAGES {
        let start = at.offset() as usize + 30;
        bytes[start..start + 8].fill(0xFF);
    }
    let storage = MemStorage::from_bytes(&bytes).expect("storage");
    let result = Pager::with_storage(Box::new(storage), Options::default());
    assert!(matches!(result, Err(Error::Corrupt(_))), "{result:?}");
}
