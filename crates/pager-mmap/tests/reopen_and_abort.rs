//! Committed data survives close and reopen; aborted transactions leave no trace.

mod common;

use pager_mmap::{Options, PageSource, Pager};

fn open(path: &std::path::Path) -> Pager {
    Pager::open(path, Options::default()).expect("open")
}

#[test]
fn reopen_after_commit_keeps_every_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let expected: Vec<u64> = (0..1500).map(|i| i * 7 + 1).collect();
    {
        let pager = open(&path);
        let mut txn = pager.begin_write().expect("write");
        for (i, v) in expected.iter().enumerate() {
            common::set(&mut txn, i, *v).expect("set");
        }
        txn.commit().expect("commit");
    }
    let pager = open(&path);
    let read = pager.begin_read().expect("read");
    assert_eq!(common::values(&read).expect("values"), expected);
    let report = read
        .check(&common::pages(&read).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn abort_leaves_no_trace_in_memory_or_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let before = {
        let pager = open(&path);
        let mut txn = pager.begin_write().expect("write");
        for i in 0..100 {
            common::set(&mut txn, i, i as u64).expect("set");
        }
        txn.commit().expect("commit");
        let stats = pager.stats().expect("stats");
        let mut txn = pager.begin_write().expect("write");
        for i in 0..2000 {
            common::set(&mut txn, i, 999).expect("set");
        }
        drop(txn);
        let read = pager.begin_read().expect("read");
        assert_eq!(
            common::values(&read).expect("values"),
            (0..100).collect::<Vec<u64>>()
        );
        assert_eq!(
            pager.stats().expect("stats"),
            stats,
            "an abort changed the committed state"
        );
        // The next transaction starts from the committed state, not the aborted one.
        let mut txn = pager.begin_write().expect("write");
        common::set(&mut txn, 100, 100).expect("set");
        txn.commit().expect("commit");
        stats
    };
    let pager = open(&path);
    let read = pager.begin_read().expect("read");
    assert_eq!(
        common::values(&read).expect("values"),
        (0..101).collect::<Vec<u64>>()
    );
    assert_eq!(read.txn_id(), before.txn_id + 1);
    assert!(
        read.check(&common::pages(&read).expect("pages"))
            .expect("check")
            .is_clean()
    );
}

#[test]
fn non_durable_commits_become_durable_on_clean_close() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    {
        let options = Options {
            durability: pager_mmap::Durability::NonDurable,
            ..Options::default()
        };
        let pager = Pager::open(&path, options).expect("open");
        for round in 0..20u64 {
            let mut txn = pager.begin_write().expect("write");
            common::set(&mut txn, round as usize, round).expect("set");
            txn.commit().expect("commit");
        }
        let stats = pager.stats().expect("stats");
        assert!(stats.durable_txn < stats.txn_id);
    }
    let pager = open(&path);
    let read = pager.begin_read().expect("read");
    assert_eq!(
        common::values(&read).expect("values"),
        (0..20).collect::<Vec<u64>>()
    );
}

#[test]
fn root_slots_round_trip_and_unknown_slots_are_errors() {
    let pager = Pager::with_storage(Box::new(pager_mmap::MemStorage::new()), Options::default())
        .expect("open");
    let mut txn = pager.begin_write().expect("write");
    txn.set_root(31, 12345).expect("slot 31");
    assert!(matches!(
        txn.set_root(32, 1),
        Err(pager_mmap::Error::NoSuchRootSlot(32))
    ));
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(read.root(31).expect("slot"), 12345);
    assert!(read.root(99).is_err());
}

#[test]
fn a_failed_write_fails_the_commit_and_the_database_goes_on() {
    use pager_mmap::{SimFault, SimStorage};
    let sim = std::sync::Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(std::sync::Arc::clone(&sim)), Options::default())
        .expect("open");
    let mut txn = pager.begin_write().expect("write");
    common::set(&mut txn, 0, 1).expect("set");
    txn.commit().expect("commit");
    sim.inject(SimFault::WriteErrorAfter(0));
    let mut txn = pager.begin_write().expect("write");
    common::set(&mut txn, 0, 2).expect("set");
    assert!(matches!(txn.commit(), Err(pager_mmap::Error::Io(_))));
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        vec![1]
    );
    let mut txn = pager.begin_write().expect("the writer is still usable");
    common::set(&mut txn, 0, 3).expect("set");
    txn.commit().expect("commit");
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        vec![3]
    );
}

#[test]
fn a_failed_sync_stops_writes_but_not_reads() {
    use pager_mmap::{SimFault, SimStorage};
    let sim = std::sync::Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(std::sync::Arc::clone(&sim)), Options::default())
        .expect("open");
    let mut txn = pager.begin_write().expect("write");
    common::set(&mut txn, 0, 1).expect("set");
    txn.commit().expect("commit");
    sim.inject(SimFault::SyncErrorAfter(0));
    let mut txn = pager.begin_write().expect("write");
    common::set(&mut txn, 0, 2).expect("set");
    assert!(matches!(txn.commit(), Err(pager_mmap::Error::Io(_))));
    assert!(matches!(
        pager.begin_write(),
        Err(pager_mmap::Error::Poisoned)
    ));
    assert_eq!(
        common::values(&pager.begin_read().expect("read")).expect("values"),
        vec![1]
    );
    drop(pager);
    let reopened = Pager::with_storage(
        Box::new(SimStorage::from_image(&sim.durable_image()).expect("image")),
        Options::default(),
    )
    .expect("reopen");
    assert_eq!(
        common::values(&reopened.begin_read().expect("read")).expect("values"),
        vec![1]
    );
}

#[test]
fn a_clean_close_gives_back_the_preallocated_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db");
    let page_count = {
        let options = Options {
            initial_size: 64 << 20,
            ..Options::default()
        };
        let pager = Pager::open(&path, options).expect("open");
        let mut txn = pager.begin_write().expect("write");
        for i in 0..300 {
            common::set(&mut txn, i, i as u64).expect("set");
        }
        txn.commit().expect("commit");
        let stats = pager.stats().expect("stats");
        assert_eq!(
            stats.file_len,
            64 << 20,
            "the file starts at its initial size"
        );
        stats.page_count
    };
    let len = std::fs::metadata(&path).expect("file").len();
    assert_eq!(
        len,
        page_count * pager_mmap::PAGE_SIZE_U64,
        "the file was not trimmed to its pages"
    );
    let pager = open(&path);
    let read = pager.begin_read().expect("read");
    assert_eq!(
        common::values(&read).expect("values"),
        (0..300).collect::<Vec<u64>>()
    );
    assert!(
        read.check(&common::pages(&read).expect("pages"))
            .expect("check")
            .is_clean()
    );
    drop(read);
    let mut txn = pager.begin_write().expect("write");
    common::set(&mut txn, 300, 300).expect("the file grows again");
    txn.commit().expect("commit");
}
