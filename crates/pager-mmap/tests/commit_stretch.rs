//! A small commit's pages lie in one stretch of consecutive pages while the file has slack, so
//! that it reaches the disk in one write (and its meta page in a second); and taking them at
//! the file's end does not make the file grow without bound. Writes counted with
//! [`SimStorage::write_count`] (`write_pages` coalesces consecutive pages into one write).

mod common;

use pager_mmap::{Options, PAGE_SIZE, Pager, SimStorage};

/// Sets value `i` to `value` for each `i` of `indices` in one durable commit; returns the
/// storage writes it made.
fn writes_of_commit(sim: &SimStorage, pager: &Pager, indices: &[usize], value: u64) -> u64 {
    let before = sim.write_count();
    let mut txn = pager.begin_write().expect("begin");
    for &i in indices {
        common::set(&mut txn, i, value).expect("set");
    }
    txn.commit().expect("commit");
    sim.write_count() - before
}

#[test]
fn small_commits_write_their_pages_in_one_stretch_while_the_file_has_slack() {
    let len = 4000;
    let (sim, pager) = common::pager_with_values(len);
    let mut rng = fastrand::Rng::with_seed(19);
    // The free list starts empty; these commits free about 200 pages, under a sixteenth of
    // the file's 4,010, so each may take its pages at the end of the file. Each copies two
    // data pages, their directories and the root, and writes the free list's top chunk: one
    // write for all of them, one for the meta page. (Before, they reused the pages the
    // previous commits freed, all over the file: 5 to 8 writes a commit.)
    for round in 0..30 {
        let indices = [rng.usize(..len), rng.usize(..len)];
        assert_eq!(
            writes_of_commit(&sim, &pager, &indices, round),
            2,
            "commit {round}"
        );
    }
}

#[test]
fn a_long_run_of_small_commits_keeps_the_file_within_its_slack() {
    let len = 4000;
    let (sim, pager) = common::pager_with_values(len);
    let mut rng = fastrand::Rng::with_seed(19);
    let before = pager.stats().expect("stats").page_count;
    let mut page_counts = Vec::new();
    for round in 0..2000 {
        let indices = [rng.usize(..len), rng.usize(..len)];
        writes_of_commit(&sim, &pager, &indices, round);
        page_counts.push(pager.stats().expect("stats").page_count);
    }
    // Taking the end stops once the free list holds a sixteenth of the file (about 270
    // pages here, each commit's in a chunk of its own: 50-odd chunk pages more); from then on
    // the commits reuse what they free, and the file stops growing (but for a page of the
    // free list's own now and then, as before).
    let (middle, last) = (page_counts[999], page_counts[1999]);
    assert!(
        last <= middle + 8,
        "the file still grows: {middle} to {last} pages"
    );
    assert!(
        last <= before + before / 8,
        "the file grew from {before} to {last} pages"
    );
    let read = pager.begin_read().expect("read");
    assert_eq!(common::values(&read).expect("values").len(), len);
    let report = read
        .check(&common::pages(&read).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
}

/// Allocates `pages` data pages in one commit, with huge pages preferred or not; returns where
/// they lie and the writes of the commit that fall among them.
fn writes_of_long_commit(huge: bool, pages: u64) -> (std::ops::Range<u64>, Vec<(u64, u64)>) {
    let sim = std::sync::Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(sim.clone()), Options::default()).expect("pager");
    let before = sim.write_spans().len();
    let mut txn = pager.begin_write().expect("begin");
    if huge {
        txn.prefer_huge_pages();
    }
    let mut ids = Vec::new();
    for _ in 0..pages {
        ids.push(txn.alloc(common::DATA).expect("alloc").0);
    }
    txn.commit().expect("commit");
    let (first, last) = (ids[0].offset(), ids[ids.len() - 1].offset() + PAGE);
    assert_eq!(last - first, pages * PAGE, "one stretch");
    let writes = sim.write_spans()[before..]
        .iter()
        .copied()
        .filter(|&(offset, _)| (first..last).contains(&offset))
        .collect();
    (first..last, writes)
}

const PAGE: u64 = PAGE_SIZE as u64;
const BLOCK: u64 = 2 << 20;

#[test]
fn a_commit_that_prefers_huge_pages_writes_each_whole_2_mib_block_at_once() {
    let (stretch, writes) = writes_of_long_commit(true, 2000);
    // The writes follow each other over the stretch, none crosses a block's start, and each
    // ends at one unless the stretch ends first: every whole block is one write.
    let mut at = stretch.start;
    for &(offset, len) in &writes {
        assert_eq!(offset, at, "{writes:?}");
        at += len;
        assert_eq!(
            offset / BLOCK,
            (at - 1) / BLOCK,
            "crosses a block: {writes:?}"
        );
        assert!(at % BLOCK == 0 || at == stretch.end, "{writes:?}");
    }
    assert_eq!(at, stretch.end);
    assert!(
        writes.iter().filter(|&&(_, len)| len == BLOCK).count() >= 2,
        "{writes:?}"
    );
}

#[test]
fn other_commits_write_at_most_1_mib_at_once() {
    let (stretch, writes) = writes_of_long_commit(false, 1500);
    assert_eq!(
        writes.iter().map(|&(_, len)| len).sum::<u64>(),
        stretch.end - stretch.start
    );
    assert!(writes.iter().all(|&(_, len)| len <= 1 << 20), "{writes:?}");
}
