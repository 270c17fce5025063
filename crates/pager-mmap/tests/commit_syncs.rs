//! What a commit costs in data syncs: a durable commit exactly two (data pages, then the meta
//! page), whatever its size; a non-durable commit none; a flush after non-durable commits two.
//! Counted with [`SimStorage::sync_count`]; the two ignored tests at the end do the same on a
//! real file, for counting the `fdatasync` calls under `strace -f -c` (see
//! `docs/benchmarks.md`).

mod common;

use pager_mmap::{Durability, Options, PageId, PageSource as _, Pager, SimStorage};

/// Commits one transaction that sets `count` values (copying their pages) with `durability`,
/// and returns the data syncs it cost.
fn syncs_of_commit(
    sim: &SimStorage,
    pager: &Pager,
    count: usize,
    durability: Durability,
    value: u64,
) -> u64 {
    let before = sim.sync_count();
    let mut txn = pager.begin_write().expect("begin");
    txn.set_durability(durability);
    for i in 0..count {
        common::set(&mut txn, i, value).expect("set");
    }
    txn.commit().expect("commit");
    sim.sync_count() - before
}

#[test]
fn a_durable_commit_of_one_page_costs_exactly_two_data_syncs() {
    let (sim, pager) = common::pager_with_values(100);
    for round in 0..10 {
        assert_eq!(
            syncs_of_commit(&sim, &pager, 1, Durability::Durable, round),
            2
        );
    }
}

#[test]
fn a_durable_commit_of_a_thousand_pages_costs_exactly_two_data_syncs() {
    let (sim, pager) = common::pager_with_values(1000);
    for round in 0..3 {
        let writes = sim.write_count();
        assert_eq!(
            syncs_of_commit(&sim, &pager, 1000, Durability::Durable, round),
            2
        );
        assert!(
            sim.write_count() > writes + 1,
            "the commit wrote its pages and its meta page"
        );
    }
}

#[test]
fn a_non_durable_commit_costs_no_data_sync() {
    let (sim, pager) = common::pager_with_values(1000);
    for (round, count) in [1, 1000, 1, 10].into_iter().enumerate() {
        assert_eq!(
            syncs_of_commit(&sim, &pager, count, Durability::NonDurable, round as u64),
            0
        );
    }
    let read = pager.begin_read().expect("read");
    assert_eq!(common::values(&read).expect("values")[..10], [3; 10]);
}

#[test]
fn a_flush_after_non_durable_commits_costs_two_data_syncs_and_a_second_flush_none() {
    let (sim, pager) = common::pager_with_values(100);
    for round in 0..5 {
        syncs_of_commit(&sim, &pager, 10, Durability::NonDurable, round);
    }
    let before = sim.sync_count();
    pager.flush().expect("flush");
    assert_eq!(sim.sync_count() - before, 2);
    pager.flush().expect("flush again");
    assert_eq!(sim.sync_count() - before, 2, "nothing left to make durable");
}

#[test]
fn a_durable_commit_after_non_durable_ones_costs_exactly_two_data_syncs() {
    let (sim, pager) = common::pager_with_values(100);
    syncs_of_commit(&sim, &pager, 10, Durability::NonDurable, 1);
    syncs_of_commit(&sim, &pager, 10, Durability::NonDurable, 2);
    assert_eq!(syncs_of_commit(&sim, &pager, 10, Durability::Durable, 3), 2);
    assert_eq!(
        pager.stats().expect("stats").durable_txn,
        pager.stats().expect("stats").txn_id
    );
}

/// Commits on a real file in a temporary directory; for counting syncs under strace.
fn real_file_commits(durability: Durability, commits: u64) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir on disk");
    let pager = Pager::open(dir.path().join("syncs.mmg"), Options::default()).expect("open");
    let mut txn = pager.begin_write().expect("begin");
    txn.set_durability(durability);
    let (first, _) = txn.alloc(common::DATA).expect("alloc");
    txn.set_root(0, first.0).expect("root");
    txn.commit().expect("commit");
    let mut page = first;
    for round in 1..commits {
        let mut txn = pager.begin_write().expect("begin");
        txn.set_durability(durability);
        page = txn.cow(page).expect("cow");
        txn.page_mut(page).expect("owned")[100] = round as u8;
        txn.set_root(0, page.0).expect("root");
        txn.commit().expect("commit");
    }
    let read = pager.begin_read().expect("read");
    assert_eq!(PageId(read.root(0).expect("root")), page);
}

/// Under `strace -f -c -e trace=fdatasync,fsync`: 1 sync creating the file + 2 x 100.
#[test]
#[ignore = "a measurement: run under strace to count the fdatasync calls of 100 durable commits (201 expected)"]
fn one_hundred_durable_commits_on_a_real_file_make_201_fdatasyncs() {
    real_file_commits(Durability::Durable, 100);
}

/// Under `strace -f -c -e trace=fdatasync,fsync`: 1 sync creating the file, none for the
/// commits, 2 for the flush at close.
#[test]
#[ignore = "a measurement: run under strace to count the fdatasync calls of 100 non-durable commits and a clean close (3 expected)"]
fn one_hundred_non_durable_commits_and_a_close_on_a_real_file_make_3_fdatasyncs() {
    real_file_commits(Durability::NonDurable, 100);
}
