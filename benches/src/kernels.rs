//! The in-memory CSR's own PageRank, WCC and BFS levels: the physical limit that
//! `src/bin/algo_compare.rs` holds `crates/algo`'s kernels (reading the file) against. Same
//! definitions as `algo::pagerank`, `algo::wcc` and `algo::bfs_levels`, written as tight loops
//! over the rows.

use crate::csr::Csr;

/// One PageRank iteration (Graphalytics form: dangling mass spread evenly), pulling along
/// in-rows: `rank` is updated in place; `share` and `out_degree` are scratch of one per node.
pub fn pagerank_iteration(
    csr: &Csr,
    damping: f64,
    out_degree: &[u32],
    rank: &mut [f64],
    share: &mut [f64],
) {
    let n = csr.node_count() as f64;
    let mut dangling = 0.0;
    for ((s, &r), &d) in share.iter_mut().zip(rank.iter()).zip(out_degree) {
        if d == 0 {
            dangling += r;
            *s = 0.0;
        } else {
            *s = r / f64::from(d);
        }
    }
    let base = (1.0 - damping) / n + damping * dangling / n;
    for (v, r) in rank.iter_mut().enumerate() {
        let sum: f64 = csr
            .row(v as u64, true)
            .iter()
            .map(|&u| share.get(u as usize).copied().unwrap_or(0.0))
            .sum();
        *r = base + damping * sum;
    }
}

/// Out-degrees from the rows.
pub fn out_degrees(csr: &Csr) -> Vec<u32> {
    (0..csr.node_count())
        .map(|v| csr.row(v, false).len() as u32)
        .collect()
}

/// Weakly connected components by union-find over the out-rows; each node's label is its
/// component's smallest id.
pub fn wcc(csr: &Csr) -> Vec<u32> {
    let n = csr.node_count() as usize;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            let grand = parent[parent[v as usize] as usize];
            parent[v as usize] = grand;
            v = grand;
        }
        v
    }
    for v in 0..n as u32 {
        for &u in csr.row(u64::from(v), false) {
            let (a, b) = (find(&mut parent, v), find(&mut parent, u));
            if a != b {
                let (low, high) = if a < b { (a, b) } else { (b, a) };
                parent[high as usize] = low;
            }
        }
    }
    (0..n as u32).map(|v| find(&mut parent, v)).collect()
}

/// BFS levels from `source` along out-rows (`u32::MAX`: unreached), level by level.
pub fn bfs_levels(csr: &Csr, source: u32) -> Vec<u32> {
    let mut levels = vec![u32::MAX; csr.node_count() as usize];
    levels[source as usize] = 0;
    let mut frontier = vec![source];
    let mut next = Vec::new();
    let mut depth = 0;
    while !frontier.is_empty() {
        depth += 1;
        for &v in &frontier {
            for &u in csr.row(u64::from(v), false) {
                if levels[u as usize] == u32::MAX {
                    levels[u as usize] = depth;
                    next.push(u);
                }
            }
        }
        std::mem::swap(&mut frontier, &mut next);
        next.clear();
    }
    levels
}
