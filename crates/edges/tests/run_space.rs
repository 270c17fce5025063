//! How much room short lists take: a new list reserves exactly its entries, a list that grows
//! gets room by a constant factor (so appends stay amortised O(1)), and runs fill their pages;
//! a leaf built whole whose lists fit its own page keeps them there.

mod common;

use common::lists;
use edges::{
    AdjLeafPage, Adjacency, Direction, EdgeBatch, EdgeEnds, HUB_THRESHOLD, INLINE_CAPACITY,
    Neighbor, RUN_CAPACITY, RunPage,
};
use pager_mmap::{MemStorage, Options, PageId, PageSource, Pager, U40, WriteTxn};
use zerocopy::little_endian::U16;

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
}

fn neighbor(i: u64) -> Neighbor {
    Neighbor {
        node: i,
        edge: i,
        edge_type: (i % 3) as u32,
    }
}

/// The pages the store reaches, after a clean check.
fn reached(adjacency: &Adjacency, src: &impl PageSource) -> Vec<PageId> {
    let mut pages = Vec::new();
    let problems = adjacency
        .check(src, &mut pages, |_, _, _| {})
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
    pages
}

/// The run pages and adjacency leaves the store reaches, after a clean check.
fn run_pages_and_leaves(adjacency: &Adjacency, src: &impl PageSource) -> (usize, usize) {
    let pages = reached(adjacency, src);
    let runs = pages
        .iter()
        .filter(|p| src.page_as::<RunPage>(**p).is_ok())
        .count();
    let leaves = pages
        .iter()
        .filter(|p| src.page_as::<AdjLeafPage>(**p).is_ok())
        .count();
    (runs, leaves)
}

/// The capacity of `node`'s out-list, read from its leaf's slot.
fn out_capacity(adjacency: &Adjacency, txn: &WriteTxn, node: u64) -> u16 {
    let mut pages = Vec::new();
    adjacency
        .check(txn, &mut pages, |_, _, _| {})
        .expect("check");
    let leaf = pages
        .iter()
        .find_map(|p| txn.page_as::<AdjLeafPage>(*p).ok())
        .expect("a leaf");
    leaf.slots[2 * (node % 64) as usize].capacity.get()
}

#[test]
fn sixty_four_single_entry_lists_share_one_run_page() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    for node in 0..32 {
        adjacency
            .extend(&mut txn, node, Direction::In, &[neighbor(node + 100)])
            .expect("extend");
    }
    for node in 32..64 {
        adjacency
            .insert(&mut txn, node, Direction::In, neighbor(node + 100))
            .expect("insert");
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (1, 1));
}

#[test]
fn bulk_loaded_lists_fill_their_run_pages() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    // 128 lists of 10: 1280 entries, 33 lists to a run page (338 entries), so 4 pages; with 50%
    // slack for every list (15 entries, 22 lists to a page) it would be 6.
    for node in 0..64 {
        let out: Vec<Neighbor> = (0..10).map(|i| neighbor(node * 100 + i)).collect();
        let incoming: Vec<Neighbor> = (0..10).map(|i| neighbor(node * 100 + 50 + i)).collect();
        adjacency
            .extend(&mut txn, node, Direction::Out, &out)
            .expect("extend");
        adjacency
            .extend(&mut txn, node, Direction::In, &incoming)
            .expect("extend");
    }
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (4, 1));
}

#[test]
fn runs_fill_a_run_page_to_its_last_entry() {
    assert_eq!(RUN_CAPACITY, 338);
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    assert_eq!(HUB_THRESHOLD, 337);
    // A full short list and one of a single entry: 337 + 1 = 338 entries, exactly one page.
    let lists: [(u64, Direction, Vec<Neighbor>); 2] = [
        (0, Direction::Out, (0..337).map(neighbor).collect()),
        (1, Direction::Out, (2000..2001).map(neighbor).collect()),
    ];
    for (node, direction, list) in &lists {
        adjacency
            .extend(&mut txn, *node, *direction, list)
            .expect("extend");
    }
    assert_eq!(run_pages_and_leaves(&adjacency, &txn), (1, 1));
    let used: Vec<usize> = reached(&adjacency, &txn)
        .iter()
        .filter_map(|p| txn.page_as::<RunPage>(*p).ok())
        .map(|page| usize::from(page.used.get()))
        .collect();
    assert_eq!(used, [RUN_CAPACITY]);
    for (node, direction, list) in &lists {
        let listed: Vec<Neighbor> = adjacency
            .neighbors(&txn, *node, *direction, None)
            .expect("list")
            .map(|n| n.expect("entry"))
            .collect();
        assert_eq!(&listed, list);
    }
    // One more entry anywhere in the leaf needs a second page.
    adjacency
        .insert(&mut txn, 1, Direction::In, neighbor(3000))
        .expect("insert");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (2, 1));
}

#[test]
fn a_list_grown_one_entry_at_a_time_changes_capacity_a_logarithmic_number_of_times() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let mut capacities = Vec::new();
    for i in 0..HUB_THRESHOLD as u64 {
        adjacency
            .insert(&mut txn, 7, Direction::Out, neighbor(i))
            .expect("insert");
        let capacity = out_capacity(&adjacency, &txn, 7);
        assert!(
            usize::from(capacity) > i as usize,
            "capacity below the count"
        );
        if capacities.last() != Some(&capacity) {
            capacities.push(capacity);
        }
    }
    // Exactly 1 at first, then room to grow by half (at least 4) at each move, up to the
    // threshold: past what a `u8` holds.
    assert_eq!(
        capacities,
        [1, 4, 7, 12, 19, 30, 46, 70, 106, 160, 241, 337]
    );
}

#[test]
fn a_list_extended_again_gets_room_to_grow_by_half() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    let mut txn = pager.begin_write().expect("write");
    let first: Vec<Neighbor> = (0..10).map(neighbor).collect();
    adjacency
        .extend(&mut txn, 3, Direction::Out, &first)
        .expect("extend");
    assert_eq!(out_capacity(&adjacency, &txn, 3), 10);
    let second: Vec<Neighbor> = (10..20).map(neighbor).collect();
    adjacency
        .extend(&mut txn, 3, Direction::Out, &second)
        .expect("extend");
    assert_eq!(out_capacity(&adjacency, &txn, 3), 30);
    let listed: Vec<Neighbor> = adjacency
        .neighbors(&txn, 3, Direction::Out, None)
        .expect("list")
        .map(|n| n.expect("entry"))
        .collect();
    assert_eq!(listed, (0..20).map(neighbor).collect::<Vec<_>>());
}

/// Edges `first..first + count` of a chain over nodes `0..64` (edge `i` from node `i % 64` to
/// node `(i + 1) % 64`).
fn chain(first: u64, count: u64) -> EdgeBatch {
    let ends = (first..first + count).map(|i| EdgeEnds {
        from: U40::new(i % 64).expect("id"),
        to: U40::new((i + 1) % 64).expect("id"),
        edge_type: U16::new(1),
    });
    EdgeBatch::new(first, ends.collect::<Vec<_>>()).expect("batch")
}

#[test]
fn a_leaf_built_whole_keeps_lists_that_fit_in_its_own_page_until_a_write_needs_a_run_page() {
    let pager = pager();
    let mut adjacency = Adjacency::default();
    // 96 edges: 192 entries, within the 232 an inline leaf holds.
    let mut txn = pager.begin_write().expect("write");
    adjacency.add_batch(&mut txn, &chain(0, 96)).expect("batch");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (0, 1));
    let inline = lists(&adjacency, &read, 64);
    assert_eq!(inline.iter().map(Vec::len).sum::<usize>(), 192);
    drop(read);

    // An insert needs the run form: the entries move to a run page at their offsets.
    let mut txn = pager.begin_write().expect("write");
    adjacency
        .insert(&mut txn, 3, Direction::Out, neighbor(500))
        .expect("insert");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (1, 1));
    let mut expected = inline.clone();
    expected[6].push(neighbor(500));
    assert_eq!(lists(&adjacency, &read, 64), expected);
    drop(read);

    // A fold rebuilds the leaf whole; with the delta's entries it still fits, so inline again.
    let mut txn = pager.begin_write().expect("write");
    adjacency
        .add_batch_deferred(&mut txn, &chain(96, 10))
        .expect("deferred");
    adjacency.fold(&mut txn).expect("fold");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (0, 1));
    let folded = lists(&adjacency, &read, 64);
    assert_eq!(folded.iter().map(Vec::len).sum::<usize>(), 193 + 20);
    assert_eq!(folded[6][..expected[6].len()], expected[6][..]);
    drop(read);

    // Past the inline capacity, a rebuild writes a run page.
    let mut txn = pager.begin_write().expect("write");
    let more = (INLINE_CAPACITY as u64 - 213) / 2 + 1;
    adjacency
        .add_batch_deferred(&mut txn, &chain(106, more))
        .expect("deferred");
    adjacency.fold(&mut txn).expect("fold");
    txn.commit().expect("commit");
    let read = pager.begin_read().expect("read");
    assert_eq!(run_pages_and_leaves(&adjacency, &read), (1, 1));
    let total: usize = lists(&adjacency, &read, 64).iter().map(Vec::len).sum();
    assert_eq!(total as u64, 213 + 2 * more);
}
