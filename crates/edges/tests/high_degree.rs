//! A node with a million neighbours: inserting works without reading the list, the degree is
//! O(1), a type filter reads only its type, and removing entries and whole lists gives the pages
//! back. A hub's segments are filled to their last entry.

use edges::{Adjacency, Direction, Neighbor, SEGMENT_CAPACITY, SegmentPage};
use pager_mmap::{MemStorage, Options, PageSource, Pager, U40};

/// The hub's entry `i`: neighbour and edge `i`, of three types, type 2 rare.
fn entry(i: u64) -> Neighbor {
    let edge_type = if i.is_multiple_of(1000) {
        2
    } else {
        (i % 2) as u32
    };
    Neighbor {
        node: i,
        edge: i,
        edge_type,
    }
}

#[test]
fn a_node_with_a_million_neighbours() {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut adjacency = Adjacency::default();
    let hub = 1_000u64;
    let n = 1_000_000u64;
    let mut txn = pager.begin_write().expect("write");
    for i in 0..n {
        adjacency
            .insert(&mut txn, hub, Direction::Out, entry(i))
            .expect("insert");
    }
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    assert_eq!(
        adjacency
            .degree(&read, hub, Direction::Out)
            .expect("degree"),
        n
    );
    assert_eq!(
        adjacency.degree(&read, hub, Direction::In).expect("degree"),
        0
    );
    let rare: Vec<Neighbor> = adjacency
        .neighbors(&read, hub, Direction::Out, Some(2))
        .expect("list")
        .map(|r| r.expect("entry"))
        .collect();
    assert_eq!(rare.len(), 1000);
    assert!(rare.iter().all(|r| r.node % 1000 == 0 && r.edge_type == 2));
    let mut count = 0u64;
    let mut sum = 0u64;
    for neighbor in adjacency
        .neighbors(&read, hub, Direction::Out, None)
        .expect("list")
    {
        let neighbor = neighbor.expect("entry");
        count += 1;
        sum += neighbor.node;
    }
    assert_eq!((count, sum), (n, n * (n - 1) / 2));
    let mut pages = Vec::new();
    let problems = adjacency
        .check(&read, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(read.check(&pages).expect("pager check").is_clean());
    drop(read);

    // Remove a scattering of entries, then the whole list.
    let mut txn = pager.begin_write().expect("write");
    for i in (0..n).step_by(997) {
        assert!(
            adjacency
                .remove(&mut txn, hub, Direction::Out, entry(i))
                .expect("remove")
        );
    }
    let removed = (0..n).step_by(997).count() as u64;
    assert_eq!(
        adjacency.degree(&txn, hub, Direction::Out).expect("degree"),
        n - removed
    );
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let mut pages = Vec::new();
    assert!(
        adjacency
            .check(&read, &mut pages, |_, _, _| {})
            .expect("check")
            .is_empty()
    );
    assert!(read.check(&pages).expect("pager check").is_clean());
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    let all = adjacency
        .remove_all(&mut txn, hub, Direction::Out)
        .expect("remove all");
    assert_eq!(all.len() as u64, n - removed);
    txn.commit().expect("commit");
    assert_eq!(
        adjacency.root().root,
        0,
        "every page of the store was freed"
    );
    assert!(
        pager
            .begin_read()
            .expect("read")
            .check(&[])
            .expect("pager check")
            .is_clean()
    );
}

/// The entry counts of the segment pages the store reaches, after a clean check, in page order.
fn segment_counts(adjacency: &Adjacency, src: &impl PageSource) -> Vec<usize> {
    let mut pages = Vec::new();
    let problems = adjacency
        .check(src, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    pages.sort();
    pages.dedup();
    pages
        .iter()
        .filter_map(|p| src.page_as::<SegmentPage>(*p).ok())
        .map(|segment| usize::from(segment.count.get()))
        .collect()
}

#[test]
fn a_hub_fills_each_segment_to_its_last_entry() {
    assert_eq!(SEGMENT_CAPACITY, 406);
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut adjacency = Adjacency::default();
    let hub = 9u64;
    // Three full segments and one entry, of one type, with ids counting down from the largest.
    let n = 3 * SEGMENT_CAPACITY as u64 + 1;
    let entries: Vec<Neighbor> = (0..n)
        .map(|i| Neighbor {
            node: U40::MAX - i,
            edge: U40::MAX - 2 * i,
            edge_type: 7,
        })
        .collect();
    let mut txn = pager.begin_write().expect("write");
    for e in &entries {
        adjacency
            .insert(&mut txn, hub, Direction::In, *e)
            .expect("insert");
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    let mut counts = segment_counts(&adjacency, &read);
    counts.sort();
    assert_eq!(
        counts,
        [1, SEGMENT_CAPACITY, SEGMENT_CAPACITY, SEGMENT_CAPACITY]
    );
    let listed: Vec<Neighbor> = adjacency
        .neighbors(&read, hub, Direction::In, Some(7))
        .expect("list")
        .map(|r| r.expect("entry"))
        .collect();
    assert_eq!(listed, entries, "one type's entries keep their order");
    drop(read);

    // Removing the first entry moves the last into its place and frees the last segment.
    let mut txn = pager.begin_write().expect("write");
    let first = entries.first().copied().expect("entries");
    assert!(
        adjacency
            .remove(&mut txn, hub, Direction::In, first)
            .expect("remove")
    );
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(
        segment_counts(&adjacency, &read),
        [SEGMENT_CAPACITY; 3],
        "three full segments"
    );
    let listed: Vec<Neighbor> = adjacency
        .neighbors(&read, hub, Direction::In, None)
        .expect("list")
        .map(|r| r.expect("entry"))
        .collect();
    let mut expected = entries.clone();
    expected.swap_remove(0);
    assert_eq!(listed, expected);
}
