//! The delta's tiers: one per settled batch of deferred writes, merged when they pass
//! `MAX_TIERS` (the smallest `MERGE_WIDTH` neighbours into one), folded into the lists once
//! the delta is as large as the lists. Every list reads the same, in the same order, before
//! and after each merge and fold; check() stays clean, and the pager's check finds every page
//! reached or free: the pages of merged and folded tiers went back to the free list.

use std::collections::BTreeMap;

use edges::{Adjacency, Direction, FOLD_MIN_ENTRIES, MAX_TIERS, Neighbor};
use pager_mmap::{MemStorage, Options, PageSource, Pager, WriteTxn};

const NODES: u64 = 200;

type Lists = BTreeMap<(u64, bool), Vec<Neighbor>>;

fn dir(out: bool) -> Direction {
    if out { Direction::Out } else { Direction::In }
}

/// Every list as the store reads it, in reading order.
fn read_all(adjacency: &Adjacency, src: &impl PageSource) -> Lists {
    let mut lists = Lists::new();
    let mut reader = adjacency.reader(src);
    for node in 0..NODES {
        for out in [true, false] {
            let mut list = Vec::new();
            reader
                .for_each_entry(node, dir(out), None, |n| {
                    list.push(n);
                    Ok::<(), edges::Error>(())
                })
                .expect("list");
            if !list.is_empty() {
                lists.insert((node, out), list);
            }
        }
    }
    lists
}

fn entries(lists: &Lists) -> u64 {
    lists.values().map(|l| l.len() as u64).sum()
}

/// Adds `count` edges through the delta, the next edge ids from `next_edge`.
fn add_edges(
    adjacency: &mut Adjacency,
    txn: &mut WriteTxn,
    model: &mut Lists,
    next_edge: &mut u64,
    count: u64,
) {
    for _ in 0..count {
        let (from, to) = ((*next_edge * 7) % NODES, (*next_edge * 13 + 5) % NODES);
        let out = Neighbor {
            node: to,
            edge: *next_edge,
            edge_type: (*next_edge % 3) as u32,
        };
        let incoming = Neighbor { node: from, ..out };
        adjacency
            .insert_deferred(txn, from, Direction::Out, out)
            .expect("insert");
        adjacency
            .insert_deferred(txn, to, Direction::In, incoming)
            .expect("insert");
        model.entry((from, true)).or_default().push(out);
        model.entry((to, false)).or_default().push(incoming);
        *next_edge += 1;
    }
}

fn assert_clean(adjacency: &Adjacency, pager: &Pager) {
    let read = pager.begin_read().expect("read");
    let mut pages = Vec::new();
    let problems = adjacency
        .check(&read, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    let report = read.check(&pages).expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

/// A store whose every leaf exists and is committed: `count` edges written in place (a store
/// built in one transaction takes no deferred write through the delta).
fn committed_lists(count: u64) -> (Pager, Adjacency, Lists, u64) {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut adjacency = Adjacency::default();
    let mut model = Lists::new();
    let mut next_edge = 0;
    let mut txn = pager.begin_write().expect("write");
    add_edges(&mut adjacency, &mut txn, &mut model, &mut next_edge, count);
    adjacency.settle(&mut txn, entries(&model)).expect("settle");
    assert_eq!(
        adjacency.delta_tiers(&txn).expect("tiers"),
        0,
        "written in place"
    );
    assert_eq!(read_all(&adjacency, &txn), model);
    txn.commit().expect("commit");
    (pager, adjacency, model, next_edge)
}

#[test]
fn tiers_past_the_limit_are_merged_and_every_list_reads_the_same() {
    let (pager, mut adjacency, mut model, mut next_edge) = committed_lists(NODES);
    let stored = entries(&model);
    let mut most_tiers = 0;
    for round in 0..3 * MAX_TIERS as u64 {
        let mut txn = pager.begin_write().expect("write");
        // Rounds of different sizes, so that merges pick the smallest neighbours.
        add_edges(
            &mut adjacency,
            &mut txn,
            &mut model,
            &mut next_edge,
            5 + (round % 4) * 20,
        );
        assert_eq!(
            read_all(&adjacency, &txn),
            model,
            "round {round}, before settling"
        );
        adjacency.settle(&mut txn, entries(&model)).expect("settle");
        let tiers = adjacency.delta_tiers(&txn).expect("tiers");
        assert!(tiers <= MAX_TIERS, "round {round}: {tiers} tiers");
        most_tiers = most_tiers.max(tiers);
        assert_eq!(
            read_all(&adjacency, &txn),
            model,
            "round {round}, after settling"
        );
        assert_eq!(
            adjacency.delta_entries(&txn).expect("entries"),
            entries(&model) - stored
        );
        txn.commit().expect("commit");
        assert_clean(&adjacency, &pager);
    }
    assert_eq!(most_tiers, MAX_TIERS, "the tiers reached the limit");
    // Far below FOLD_MIN_ENTRIES: nothing was folded.
    assert!(entries(&model) < FOLD_MIN_ENTRIES);

    // Folding moves every entry into its list, in the same reading order.
    let mut txn = pager.begin_write().expect("write");
    adjacency.fold(&mut txn).expect("fold");
    assert_eq!(adjacency.delta_tiers(&txn).expect("tiers"), 0);
    assert_eq!(adjacency.delta_root(), 0);
    assert_eq!(read_all(&adjacency, &txn), model);
    txn.commit().expect("commit");
    assert_clean(&adjacency, &pager);
}

#[test]
fn a_delta_as_large_as_the_lists_folds_at_settle() {
    let (pager, mut adjacency, mut model, mut next_edge) = committed_lists(NODES);
    let mut txn = pager.begin_write().expect("write");
    // Half of FOLD_MIN_ENTRIES edges less one: one entry short of the minimum, all in the
    // delta (the leaves are committed), and far more than the lists hold.
    add_edges(
        &mut adjacency,
        &mut txn,
        &mut model,
        &mut next_edge,
        FOLD_MIN_ENTRIES / 2 - 1,
    );
    adjacency.settle(&mut txn, entries(&model)).expect("settle");
    assert_eq!(
        adjacency.delta_tiers(&txn).expect("tiers"),
        1,
        "below the minimum"
    );
    add_edges(&mut adjacency, &mut txn, &mut model, &mut next_edge, 1);
    adjacency.settle(&mut txn, entries(&model)).expect("settle");
    assert_eq!(
        adjacency.delta_tiers(&txn).expect("tiers"),
        0,
        "folded at the minimum"
    );
    assert_eq!(read_all(&adjacency, &txn), model);
    txn.commit().expect("commit");
    assert_clean(&adjacency, &pager);
}
