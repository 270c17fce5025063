//! A commit that sets vectors writes the file in whole 2 MiB blocks, so that the kernel may
//! cache and map the index's pages as huge pages (`pager_mmap::WriteTxn::prefer_huge_pages`).
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{SLOT, clustered};
use pager_mmap::{Options, Pager, SimStorage};
use vector::{IndexSpec, Metric, catalog};

const BLOCK: u64 = 2 << 20;

#[test]
fn a_commit_that_sets_vectors_writes_each_whole_2_mib_block_at_once() {
    let sim = Arc::new(SimStorage::new());
    let pager = Pager::with_storage(Box::new(sim.clone()), Options::default()).unwrap();
    let before = sim.write_spans().len();
    let mut txn = pager.begin_write().unwrap();
    // 1,000 dimensions: a node slot to a page, 1,200 pages: the file's second block whole.
    let spec = IndexSpec {
        m: 4,
        ef_construction: 8,
        ..IndexSpec::new(1000, Metric::L2)
    };
    let mut index = catalog::create(&mut txn, SLOT, "v", spec).unwrap();
    for (i, v) in clustered(1200, 1000, 4, 3).iter().enumerate() {
        index.set(&mut txn, i as u64, v).unwrap();
    }
    catalog::save(&mut txn, SLOT, &index).unwrap();
    txn.commit().unwrap();
    let writes = &sim.write_spans()[before..];
    for &(offset, len) in writes {
        assert_eq!(
            offset / BLOCK,
            (offset + len - 1) / BLOCK,
            "a write crosses a block's start: {writes:?}"
        );
    }
    assert!(
        writes.iter().any(|&(_, len)| len == BLOCK),
        "no whole block in one write: {writes:?}"
    );
}
