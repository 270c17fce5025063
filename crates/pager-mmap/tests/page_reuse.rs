//! Freed pages are reused: rewriting the same 1,000 pages 10,000 times keeps the file within a
//! small bound, and the free list is persistent across reopen.

mod common;

use pager_mmap::{MemStorage, Options, Pager};

#[test]
fn steady_rewrites_of_a_thousand_pages_keep_the_file_bounded() {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let n = 1000;
    let mut txn = pager.begin_write().expect("write");
    for i in 0..n {
        common::set(&mut txn, i, 0).expect("set");
    }
    txn.commit().expect("commit");
    let live_pages = n as u64 + 3; // data, two directories, root
    for round in 1..=10_000u64 {
        let mut txn = pager.begin_write().expect("write");
        for i in 0..n {
            common::set(&mut txn, i, round).expect("set");
        }
        txn.commit().expect("commit");
        if round % 1000 == 0 {
            let stats = pager.stats().expect("stats");
            // Live pages, one generation of freed pages awaiting reuse, the free list itself.
            assert!(
                stats.page_count <= 2 * live_pages + 16,
                "round {round}: {} pages",
                stats.page_count
            );
        }
    }
    let read = pager.begin_read().expect("read");
    assert_eq!(common::values(&read).expect("values"), vec![10_000; n]);
    let report = read
        .check(&common::pages(&read).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn a_long_reader_pins_pages_and_releasing_it_lets_them_be_reused() {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let rewrite = |value: u64| {
        let mut txn = pager.begin_write().expect("write");
        for i in 0..100 {
            common::set(&mut txn, i, value).expect("set");
        }
        txn.commit().expect("commit");
    };
    rewrite(0);
    let reader = pager.begin_read().expect("read");
    for v in 1..=20 {
        rewrite(v);
    }
    let pinned = pager.stats().expect("stats").page_count;
    assert!(
        pinned > 20 * 100,
        "pages were reused under a live reader: {pinned}"
    );
    assert_eq!(common::values(&reader).expect("values"), vec![0; 100]);
    drop(reader);
    for v in 21..=60 {
        rewrite(v);
    }
    assert_eq!(
        pager.stats().expect("stats").page_count,
        pinned,
        "freed pages were not reused"
    );
}

#[test]
fn the_free_list_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let free_before = {
        let pager = Pager::open(&path, Options::default()).expect("open");
        let mut txn = pager.begin_write().expect("write");
        for i in 0..600 {
            common::set(&mut txn, i, 1).expect("set");
        }
        txn.commit().expect("commit");
        let mut txn = pager.begin_write().expect("write");
        for i in 0..600 {
            common::set(&mut txn, i, 2).expect("set");
        }
        txn.commit().expect("commit");
        pager.stats().expect("stats")
    };
    assert!(free_before.free_pages >= 600);
    let pager = Pager::open(&path, Options::default()).expect("reopen");
    let stats = pager.stats().expect("stats");
    assert_eq!(stats.free_pages, free_before.free_pages);
    let mut txn = pager.begin_write().expect("write");
    for i in 0..600 {
        common::set(&mut txn, i, 3).expect("set");
    }
    txn.commit().expect("commit");
    // Without reuse the rewrite would add 603 pages; with it, at most the new free-list chunks.
    let grown = pager.stats().expect("stats").page_count - stats.page_count;
    assert!(
        grown <= 4,
        "reopened free pages were not reused: the file grew by {grown} pages"
    );
    let read = pager.begin_read().expect("read");
    assert!(
        read.check(&common::pages(&read).expect("pages"))
            .expect("check")
            .is_clean()
    );
}
