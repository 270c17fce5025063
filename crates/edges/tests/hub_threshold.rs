//! Where a list stops being a run: a list of up to `HUB_THRESHOLD` (337) entries is one
//! contiguous run, at most a run page's worth; the entry after that makes it a hub, and a batch
//! that passes the threshold builds its hub at once. A leaf whose every list is a full run, or a
//! hub, has the page slots for it.

use edges::{
    AdjLeafPage, Adjacency, Direction, HUB_THRESHOLD, HubPage, LEAF_PAGES, ListSlot, Neighbor,
    RUN_CAPACITY, RunPage, SEGMENT_CAPACITY, SegmentPage,
};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

/// Entry `i`: neighbour and edge `i`, of `types` types in turn.
fn entry(i: u64, types: u64) -> Neighbor {
    Neighbor {
        node: i,
        edge: i,
        edge_type: (i % types) as u32,
    }
}

/// The pages the store reaches, after a clean check of the store and of the pager (so no page
/// leaked), deduplicated.
fn reached(adjacency: &Adjacency, src: &impl PageSource) -> Vec<PageId> {
    let mut pages = Vec::new();
    let problems = adjacency
        .check(src, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    pages.sort();
    pages.dedup();
    pages
}

/// How many run, hub and segment pages the store reaches.
#[derive(Debug, PartialEq, Eq)]
struct Pages {
    runs: usize,
    hubs: usize,
    segments: usize,
}

fn pages(adjacency: &Adjacency, src: &impl PageSource) -> Pages {
    let reached = reached(adjacency, src);
    let count = |is: &dyn Fn(PageId) -> bool| reached.iter().filter(|p| is(**p)).count();
    Pages {
        runs: count(&|p| src.page_as::<RunPage>(p).is_ok()),
        hubs: count(&|p| src.page_as::<HubPage>(p).is_ok()),
        segments: count(&|p| src.page_as::<SegmentPage>(p).is_ok()),
    }
}

/// The entry counts of the segments the store reaches, sorted.
fn segment_counts(adjacency: &Adjacency, src: &impl PageSource) -> Vec<usize> {
    let mut counts: Vec<usize> = reached(adjacency, src)
        .iter()
        .filter_map(|p| src.page_as::<SegmentPage>(*p).ok())
        .map(|s| usize::from(s.count.get()))
        .collect();
    counts.sort();
    counts
}

/// The slot of `node`'s list in `direction`, read from its leaf.
fn slot(adjacency: &Adjacency, src: &impl PageSource, node: u64, direction: Direction) -> ListSlot {
    let leaf = reached(adjacency, src)
        .iter()
        .filter_map(|p| src.page_as::<AdjLeafPage>(*p).ok())
        .find(|leaf| leaf.first_node.get() == node - node % 64)
        .expect("the node's leaf");
    leaf.slots[2 * (node % 64) as usize + usize::from(direction.index())]
}

fn listed(
    adjacency: &Adjacency,
    src: &impl PageSource,
    node: u64,
    direction: Direction,
    edge_type: Option<u32>,
) -> Vec<Neighbor> {
    adjacency
        .neighbors(src, node, direction, edge_type)
        .expect("list")
        .map(|n| n.expect("entry"))
        .collect()
}

fn sorted(mut list: Vec<Neighbor>) -> Vec<Neighbor> {
    list.sort();
    list
}

#[test]
fn the_threshold_is_a_run_page_less_one_entry() {
    assert_eq!(RUN_CAPACITY, 338);
    assert_eq!(HUB_THRESHOLD, RUN_CAPACITY - 1);
    assert_eq!(LEAF_PAGES, 348);
}

#[test]
fn a_list_of_337_entries_is_one_run_and_the_338th_entry_makes_it_a_hub() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let all: Vec<Neighbor> = (0..=HUB_THRESHOLD as u64).map(|i| entry(i, 3)).collect();
    let (short, last) = all.split_at(HUB_THRESHOLD);
    let last = last.first().copied().expect("the 338th entry");
    let mut txn = pager.begin_write().expect("write");
    for n in short {
        adjacency
            .insert(&mut txn, 7, Direction::Out, *n)
            .expect("insert");
    }
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    let run = slot(&adjacency, &read, 7, Direction::Out);
    assert_eq!(
        (run.form, run.count.get(), run.capacity.get()),
        (1, 337, 337),
        "one run, grown to exactly the threshold"
    );
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 1,
            hubs: 0,
            segments: 0
        }
    );
    assert_eq!(listed(&adjacency, &read, 7, Direction::Out, None), short);
    let type_1: Vec<Neighbor> = short.iter().filter(|n| n.edge_type == 1).copied().collect();
    assert_eq!(
        listed(&adjacency, &read, 7, Direction::Out, Some(1)),
        type_1
    );
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    adjacency
        .insert(&mut txn, 7, Direction::Out, last)
        .expect("insert");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(slot(&adjacency, &read, 7, Direction::Out).form, 2);
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 0,
            hubs: 1,
            segments: 3
        },
        "the run page is freed; one segment per type"
    );
    assert_eq!(
        adjacency.degree(&read, 7, Direction::Out).expect("degree"),
        338
    );
    assert_eq!(
        sorted(listed(&adjacency, &read, 7, Direction::Out, None)),
        all
    );
    let report = read
        .check(&reached(&adjacency, &read))
        .expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn an_extend_up_to_the_threshold_stays_a_run_and_one_past_it_builds_a_hub() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let full: Vec<Neighbor> = (0..HUB_THRESHOLD as u64).map(|i| entry(i, 2)).collect();
    let over: Vec<Neighbor> = (0..=HUB_THRESHOLD as u64)
        .map(|i| entry(1000 + i, 2))
        .collect();
    let mut txn = pager.begin_write().expect("write");
    adjacency
        .extend(&mut txn, 1, Direction::In, &full)
        .expect("extend");
    adjacency
        .extend(&mut txn, 2, Direction::In, &over)
        .expect("extend");
    let run = slot(&adjacency, &txn, 1, Direction::In);
    assert_eq!(
        (run.form, run.count.get(), run.capacity.get()),
        (1, 337, 337)
    );
    assert_eq!(slot(&adjacency, &txn, 2, Direction::In).form, 2);
    assert_eq!(
        pages(&adjacency, &txn),
        Pages {
            runs: 1,
            hubs: 1,
            segments: 2
        }
    );
    // One more entry for the full run makes it a hub too, and frees its run page.
    adjacency
        .extend(&mut txn, 1, Direction::In, &[entry(5000, 2)])
        .expect("extend");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(slot(&adjacency, &read, 1, Direction::In).form, 2);
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 0,
            hubs: 2,
            segments: 4
        }
    );
    let mut expected = full.clone();
    expected.push(entry(5000, 2));
    assert_eq!(
        sorted(listed(&adjacency, &read, 1, Direction::In, None)),
        sorted(expected)
    );
    assert_eq!(
        sorted(listed(&adjacency, &read, 2, Direction::In, None)),
        over
    );
    let report = read
        .check(&reached(&adjacency, &read))
        .expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn a_bulk_extend_of_1000_entries_builds_its_hub_at_once_with_full_segments() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let batch: Vec<Neighbor> = (0..1000).map(|i| entry(i, 2)).collect();
    let mut txn = pager.begin_write().expect("write");
    adjacency
        .extend(&mut txn, 3, Direction::Out, &batch)
        .expect("extend");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(slot(&adjacency, &read, 3, Direction::Out).form, 2);
    // 500 entries of each type: a full segment and 94 more, twice; no run page.
    assert_eq!(SEGMENT_CAPACITY, 406);
    assert_eq!(segment_counts(&adjacency, &read), [94, 94, 406, 406]);
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 0,
            hubs: 1,
            segments: 4
        }
    );
    for t in 0..2 {
        let of_type: Vec<Neighbor> = batch.iter().filter(|n| n.edge_type == t).copied().collect();
        assert_eq!(
            listed(&adjacency, &read, 3, Direction::Out, Some(t)),
            of_type,
            "a type's entries keep the batch's order"
        );
    }
    drop(read);

    // A run extended past the threshold becomes a hub holding both, its run page freed.
    let mut txn = pager.begin_write().expect("write");
    let run: Vec<Neighbor> = (2000..2300).map(|i| entry(i, 2)).collect();
    adjacency
        .extend(&mut txn, 4, Direction::Out, &run)
        .expect("extend");
    txn.commit().expect("commit");
    let mut txn = pager.begin_write().expect("write");
    let more: Vec<Neighbor> = (3000..3100).map(|i| entry(i, 2)).collect();
    adjacency
        .extend(&mut txn, 4, Direction::Out, &more)
        .expect("extend");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(slot(&adjacency, &read, 4, Direction::Out).form, 2);
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 0,
            hubs: 2,
            segments: 6
        }
    );
    assert_eq!(
        sorted(listed(&adjacency, &read, 4, Direction::Out, None)),
        sorted(run.into_iter().chain(more).collect())
    );
    let report = read
        .check(&reached(&adjacency, &read))
        .expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

#[test]
fn a_leaf_whose_every_list_is_a_full_run_gives_each_its_own_run_page() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let list = |node: u64, direction: Direction| -> Vec<Neighbor> {
        let base = 1000 * (2 * node + u64::from(direction.index()));
        (0..HUB_THRESHOLD as u64)
            .map(|i| entry(base + i, 4))
            .collect()
    };
    let mut txn = pager.begin_write().expect("write");
    for node in 0..64 {
        for direction in [Direction::Out, Direction::In] {
            adjacency
                .extend(&mut txn, node, direction, &list(node, direction))
                .expect("extend");
        }
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    // Two full runs never share a page: 128 run pages, within the leaf's 348 page slots.
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 128,
            hubs: 0,
            segments: 0
        }
    );
    for node in [0, 31, 63] {
        for direction in [Direction::Out, Direction::In] {
            assert_eq!(
                listed(&adjacency, &read, node, direction, None),
                list(node, direction)
            );
        }
    }
    drop(read);

    // Every list one entry longer: 128 hubs, every run page freed.
    let mut txn = pager.begin_write().expect("write");
    for node in 0..64 {
        for direction in [Direction::Out, Direction::In] {
            adjacency
                .insert(&mut txn, node, direction, entry(900_000 + node, 4))
                .expect("insert");
        }
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(
        pages(&adjacency, &read),
        Pages {
            runs: 0,
            hubs: 128,
            segments: 128 * 4
        }
    );
    assert_eq!(
        adjacency.degree(&read, 63, Direction::In).expect("degree"),
        338
    );
    let report = read
        .check(&reached(&adjacency, &read))
        .expect("pager check");
    assert!(report.is_clean(), "{:?}", report.problems);
}
