//! HNSW search finds what exact search finds, before and after deletes, and the index stays
//! consistent.
#![allow(clippy::unwrap_used)]

mod common;

use common::{SLOT, clustered, mean_recall, pager};
use vector::{IndexSpec, Metric, catalog};

/// An index of `n` clustered vectors (node `3 i` for vector `i`), and 50 queries from the
/// same clusters.
fn build(
    metric: Metric,
    n: usize,
    dim: usize,
) -> (pager_mmap::Pager, Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let pager = pager();
    let mut data = clustered(n + 50, dim, 20, 7);
    let queries = data.split_off(n);
    let mut txn = pager.begin_write().unwrap();
    let spec = IndexSpec {
        m: 12,
        ef_construction: 100,
        ..IndexSpec::new(dim, metric)
    };
    let mut index = catalog::create(&mut txn, SLOT, "v", spec).unwrap();
    for (i, v) in data.iter().enumerate() {
        index.set(&mut txn, i as u64 * 3, v).unwrap();
    }
    catalog::save(&mut txn, SLOT, &index).unwrap();
    txn.commit().unwrap();
    (pager, data, queries)
}

#[test]
fn search_recall_is_high_under_every_metric() {
    for metric in [Metric::L2, Metric::Cosine, Metric::InnerProduct] {
        let (pager, _, queries) = build(metric, 1500, 16);
        let read = pager.begin_read().unwrap();
        let index = catalog::open(&read, SLOT, "v").unwrap();
        assert_eq!(index.len(), 1500);
        let recall = mean_recall(&index, &read, &queries, 10, 100);
        assert!(recall >= 0.95, "{metric:?}: recall@10 {recall}");
        let report = vector::check(&read, SLOT).unwrap();
        assert!(report.is_clean(), "{:?}", report.problems);
    }
}

#[test]
fn deletes_keep_the_graph_consistent_and_recall_high() {
    let (pager, data, queries) = build(Metric::L2, 1500, 16);
    let mut txn = pager.begin_write().unwrap();
    let mut index = catalog::open(&txn, SLOT, "v").unwrap();
    for i in (0..data.len()).step_by(10) {
        assert!(index.delete(&mut txn, i as u64 * 3).unwrap());
    }
    // The entry point goes too.
    let (entry, _) = index.entry().unwrap();
    index.delete(&mut txn, entry).unwrap();
    catalog::save(&mut txn, SLOT, &index).unwrap();
    txn.commit().unwrap();
    let read = pager.begin_read().unwrap();
    let report = vector::check(&read, SLOT).unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
    let index = catalog::open(&read, SLOT, "v").unwrap();
    assert_eq!(index.len(), 1500 - 150 - 1);
    let recall = mean_recall(&index, &read, &queries, 10, 100);
    assert!(recall >= 0.95, "recall@10 after deletes {recall}");
}
