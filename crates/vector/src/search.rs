//! Searching an index: the HNSW descent ([`Index::search`]) and brute force
//! ([`Index::exact`], [`Index::exact_among`]), both with an optional filter on nodes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use pager_mmap::{DenseIdSet, PageSource};

use crate::error::Result;
use crate::index::{Hit, Index};
use crate::record::node_of_key;
use crate::scored::Scored;

/// Which nodes a search may return: `None` for all.
pub type Filter<'f> = Option<&'f dyn Fn(u64) -> bool>;

fn accepts(filter: Filter<'_>, node: u64) -> bool {
    filter.is_none_or(|f| f(node))
}

/// The `k` nearest kept by a bounded max-heap, then sorted nearest first.
struct Nearest {
    k: usize,
    heap: BinaryHeap<Scored>,
}

impl Nearest {
    fn new(k: usize) -> Nearest {
        Nearest {
            k,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16)),
        }
    }

    fn offer(&mut self, item: Scored) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(item);
        } else if self.heap.peek().is_some_and(|worst| item < *worst) {
            self.heap.pop();
            self.heap.push(item);
        }
    }

    fn hits(self) -> Vec<Hit> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|s| Hit {
                node: s.node,
                distance: s.distance,
            })
            .collect()
    }
}

impl Index {
    /// Best-first search of one level from `entry`, keeping the `ef` nearest nodes that pass
    /// `filter` (all nodes are walked through, passing or not). Nearest first.
    pub(crate) fn search_level<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        entry: &[Scored],
        ef: usize,
        level: u8,
        filter: Filter<'_>,
    ) -> Result<Vec<Scored>> {
        let mut visited = DenseIdSet::default();
        let mut candidates = BinaryHeap::new();
        let mut results: BinaryHeap<Scored> = BinaryHeap::new();
        for &e in entry {
            if visited.insert(e.node) {
                candidates.push(Reverse(e));
                if accepts(filter, e.node) {
                    results.push(e);
                }
            }
        }
        while results.len() > ef {
            results.pop();
        }
        while let Some(Reverse(current)) = candidates.pop() {
            if results.len() >= ef
                && results
                    .peek()
                    .is_some_and(|w| current.distance > w.distance)
            {
                break;
            }
            let bytes = self.linked(src, current.node)?;
            for node in self.view(&bytes)?.links(level)? {
                if !visited.insert(node) {
                    continue;
                }
                let distance = self.distance_to(src, query, node)?;
                let item = Scored { distance, node };
                if results.len() < ef || results.peek().is_some_and(|w| item < *w) {
                    candidates.push(Reverse(item));
                    if accepts(filter, node) {
                        results.push(item);
                        if results.len() > ef {
                            results.pop();
                        }
                    }
                }
            }
        }
        Ok(results.into_sorted_vec())
    }

    /// From the entry point down to `level + 1`, one greedy step per level: the nearest node
    /// found on the way, where the search of `level` starts.
    pub(crate) fn descend<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        level: u8,
    ) -> Result<Option<Scored>> {
        let Some((entry, top)) = self.header.entry else {
            return Ok(None);
        };
        let mut best = Scored {
            distance: self.distance_to(src, query, entry)?,
            node: entry,
        };
        let mut l = top;
        while l > level {
            if let Some(&nearest) = self.search_level(src, query, &[best], 1, l, None)?.first() {
                best = nearest;
            }
            l -= 1;
        }
        Ok(Some(best))
    }

    /// The `k` nearest vectors to `query` by HNSW search with `ef` candidates (at least `k`),
    /// among the nodes `filter` passes. Approximate: compare [`Index::exact`].
    pub fn search<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: Filter<'_>,
    ) -> Result<Vec<Hit>> {
        let query = self
            .header
            .spec
            .metric
            .prepare(self.header.spec.dimension, query)?;
        let Some(start) = self.descend(src, &query, 0)? else {
            return Ok(Vec::new());
        };
        let found = self.search_level(src, &query, &[start], ef.max(k), 0, filter)?;
        let mut nearest = Nearest::new(k);
        for item in found {
            nearest.offer(item);
        }
        Ok(nearest.hits())
    }

    /// The `k` nearest vectors to `query` among the nodes `filter` passes, by comparing it
    /// with every vector of the index: the ground truth, O(vectors).
    pub fn exact<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        k: usize,
        filter: Filter<'_>,
    ) -> Result<Vec<Hit>> {
        let query = self
            .header
            .spec
            .metric
            .prepare(self.header.spec.dimension, query)?;
        let mut nearest = Nearest::new(k);
        for entry in self.tree.iter(src) {
            let entry = entry?;
            let node = node_of_key(entry.key())?;
            if !accepts(filter, node) {
                continue;
            }
            let bytes = entry.value()?;
            let view = self.view(&bytes)?;
            let distance = self
                .header
                .spec
                .metric
                .distance_to_bytes(&query, view.vector());
            nearest.offer(Scored { distance, node });
        }
        Ok(nearest.hits())
    }

    /// The `k` nearest vectors to `query` among `nodes` (those without a vector are skipped),
    /// by comparing it with each: for filters that leave few nodes. O(nodes).
    pub fn exact_among<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        k: usize,
        nodes: impl IntoIterator<Item = u64>,
    ) -> Result<Vec<Hit>> {
        let query = self
            .header
            .spec
            .metric
            .prepare(self.header.spec.dimension, query)?;
        let mut nearest = Nearest::new(k);
        let mut seen = DenseIdSet::default();
        for node in nodes {
            if !seen.insert(node) {
                continue;
            }
            if let Some(bytes) = self.raw(src, node)? {
                let view = self.view(&bytes)?;
                let distance = self
                    .header
                    .spec
                    .metric
                    .distance_to_bytes(&query, view.vector());
                nearest.offer(Scored { distance, node });
            }
        }
        Ok(nearest.hits())
    }
}
