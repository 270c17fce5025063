//! Test data and a pager to hold indexes.
#![allow(dead_code, clippy::unwrap_used)]

use pager_mmap::{MemStorage, Options, Pager};
use vector::{Hit, Index};

/// The root slot the tests keep their catalog in.
pub const SLOT: usize = 3;

/// A pager on memory.
pub fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap()
}

/// `n` vectors of `dim` components around `clusters` random centres, from `seed`.
pub fn clustered(n: usize, dim: usize, clusters: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| (0..dim).map(|_| rng.f32() * 2.0 - 1.0).collect())
        .collect();
    (0..n)
        .map(|_| {
            let c = &centres[rng.usize(..clusters)];
            c.iter().map(|x| x + (rng.f32() - 0.5) * 0.4).collect()
        })
        .collect()
}

/// The share of `truth`'s nodes that `found` has.
pub fn recall(found: &[Hit], truth: &[Hit]) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    let hits = truth
        .iter()
        .filter(|t| found.iter().any(|f| f.node == t.node))
        .count();
    hits as f64 / truth.len() as f64
}

/// Mean recall@k of HNSW search over `queries` against exact search.
pub fn mean_recall<S: pager_mmap::PageSource>(
    index: &Index,
    src: &S,
    queries: &[Vec<f32>],
    k: usize,
    ef: usize,
) -> f64 {
    let total: f64 = queries
        .iter()
        .map(|q| {
            let found = index.search(src, q, k, ef, None).unwrap();
            let truth = index.exact(src, q, k, None).unwrap();
            recall(&found, &truth)
        })
        .sum();
    total / queries.len() as f64
}
