//! What `PagerStats::bytes_written` and `PagerStats::syncs` count: every page and meta page a
//! commit or flush writes, and every data sync, so a benchmark can divide a commit's bytes by
//! what it changed. A commit's bytes depend on the pages it changed, not on the database's size.

mod common;

use pager_mmap::{Durability, PAGE_SIZE, Pager, PagerStats};

/// Commits one transaction setting values `0..count` to `value`; returns the stats before and
/// after it.
fn commit_sets(
    pager: &Pager,
    count: usize,
    durability: Durability,
    value: u64,
) -> (PagerStats, PagerStats) {
    let before = pager.stats().expect("stats");
    let mut txn = pager.begin_write().expect("begin");
    txn.set_durability(durability);
    for i in 0..count {
        common::set(&mut txn, i, value).expect("set");
    }
    txn.commit().expect("commit");
    (before, pager.stats().expect("stats"))
}

const PAGE: u64 = PAGE_SIZE as u64;

#[test]
fn a_durable_commit_counts_its_pages_its_meta_page_and_two_syncs() {
    let (sim, pager) = common::pager_with_values(200);
    for (round, count) in [1usize, 10, 100].into_iter().enumerate() {
        let syncs = sim.sync_count();
        let (before, after) = commit_sets(&pager, count, Durability::Durable, round as u64 + 7);
        let bytes = after.bytes_written - before.bytes_written;
        assert_eq!(bytes % PAGE, 0, "whole pages only");
        // Each set copies its data page; the directories and the meta page come on top.
        assert!(
            bytes >= (count as u64 + 1) * PAGE,
            "{bytes} bytes for {count} pages"
        );
        assert!(
            bytes <= (count as u64 + 8) * PAGE,
            "{bytes} bytes for {count} pages"
        );
        assert_eq!(after.syncs - before.syncs, 2);
        assert_eq!(
            sim.sync_count() - syncs,
            2,
            "the counter is the storage's count"
        );
    }
}

#[test]
fn a_commit_of_one_page_writes_the_same_bytes_in_a_small_and_a_large_database() {
    let cost = |len: usize| {
        let (_sim, pager) = common::pager_with_values(len);
        // The first commit after the load frees the load's pages into the free list; measure
        // the steady state after it.
        commit_sets(&pager, 1, Durability::Durable, 1);
        let (before, after) = commit_sets(&pager, 1, Durability::Durable, 2);
        after.bytes_written - before.bytes_written
    };
    assert_eq!(cost(10), cost(3000));
}

#[test]
fn a_non_durable_commit_writes_pages_without_syncs_and_a_flush_writes_one_meta_page() {
    let (_sim, pager) = common::pager_with_values(50);
    let (before, after) = commit_sets(&pager, 5, Durability::NonDurable, 3);
    assert!(after.bytes_written - before.bytes_written >= 5 * PAGE);
    assert_eq!(after.syncs, before.syncs);
    pager.flush().expect("flush");
    let flushed = pager.stats().expect("stats");
    assert_eq!(flushed.bytes_written - after.bytes_written, PAGE);
    assert_eq!(flushed.syncs - after.syncs, 2);
}
