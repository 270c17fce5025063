//! Searching an index: the HNSW descent ([`Index::search`]) and brute force
//! ([`Index::exact`], [`Index::exact_among`]), both with an optional filter on nodes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use pager_mmap::{DenseIdSet, PageSource};

use crate::error::Result;
use crate::index::{Hit, Index};
use crate::node_slot::ids;
use crate::ranked::Ranked;
use crate::scored::Scored;
use crate::slots::{LeafCache, LeafScope};
use crate::walk_state::{Visited, WalkState, with_walk};

/// Vectors of up to this many bytes are asked for (prefetched) in part for every new neighbour
/// before a walk computes the first distance to them, and whole [`PREFETCH_AHEAD`] neighbours
/// ahead of the distance being computed; longer ones only ahead (see [`Prefetch::of`]).
/// Measured on one machine (`docs/benchmarks.md`, "Real embeddings on the Intel Xeon VM"): at
/// 384 dimensions (1,536 bytes, up to 32 neighbours of 24 lines each, the size of L1) three
/// ahead is 2-8 % faster than all at once.
const PREFETCH_ALL_UP_TO: usize = 1024;

/// How many neighbours ahead a walk asks for a vector.
const PREFETCH_AHEAD: usize = 3;

/// Of a vector, a walk asks for the first `1 /` this share ahead of its distance (longer than
/// [`PREFETCH_ALL_UP_TO`]) or for every new neighbour at once (shorter), under a metric whose
/// sum stops at a bound ([`crate::Metric::distance_within`]): most neighbours are farther than
/// the walk's worst result, and their distance stops once it passes it, so the rest of them is
/// never read. Measured on the 384-d set (`docs/benchmarks.md`, "Distances that stop at the
/// bound"): half, with the early stop, 1.045x the whole vector on average over six alternating
/// sweeps; half without the early stop 0.93x. On the 128-d set (`docs/benchmarks.md`, "Aligned
/// vectors"): the first half of every new neighbour at once and the whole vector three ahead,
/// 1.21-1.32x the whole of every one at once, five alternating sweeps.
const PREFETCH_SHARE: usize = 2;

/// How much of each vector a walk asks for before it reads it, in bytes.
#[derive(Clone, Copy)]
struct Prefetch {
    /// Of every new neighbour, before the first distance to them.
    at_once: usize,
    /// Of the neighbour [`PREFETCH_AHEAD`] ahead of each distance.
    ahead: usize,
}

impl Prefetch {
    /// The plan for vectors of `len` bytes, under a metric whose sums stop at a bound or not.
    fn of(len: usize, stops_at_bound: bool) -> Prefetch {
        let share = if stops_at_bound {
            len / PREFETCH_SHARE
        } else {
            len
        };
        if len <= PREFETCH_ALL_UP_TO {
            Prefetch {
                at_once: share,
                ahead: len,
            }
        } else {
            Prefetch {
                at_once: 0,
                ahead: share,
            }
        }
    }
}

/// How many slots ahead exact search ([`Index::exact`]) asks for a slot's node part and
/// vector. It reads the slots in id order, and in the aligned layout a page's node parts lie
/// after all its vectors: left to the hardware's prefetcher, which follows one ascending run of
/// lines, the scan ran at half its speed over slots side by side (82-86 against 160-170 queries
/// a second on 100K x 128). Asked for four ahead, with the leaves remembered for the scan:
/// 145-177 (`docs/benchmarks.md`, "Aligned vectors").
const EXACT_AHEAD: u32 = 4;

/// Which nodes a search may return: `None` for all.
pub type Filter<'f> = Option<&'f dyn Fn(u64) -> bool>;

fn accepts(filter: Filter<'_>, node: u64) -> bool {
    filter.is_none_or(|f| f(node))
}

/// The `k` nearest (by node id) kept by a bounded max-heap, then sorted nearest first.
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
                node: s.id,
                distance: s.distance,
            })
            .collect()
    }
}

/// How a walk finds the leaf pages of its slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Leaves {
    /// By the radix descent every time: in a snapshot, a descent is a few loads from the map.
    Descend,
    /// Remembered, in a write transaction of this placement ([`pager_mmap::WriteTxn::placement`]):
    /// there every page read is a lookup among the pages it copied, three a descent, and a
    /// build's walks read the same leaves again, within a walk and from walk to walk.
    Remember(u64),
}

/// What a walk of one level looks for: the `ef` nearest of `level` that pass `filter`.
#[derive(Clone, Copy)]
pub(crate) struct LevelWalk<'f> {
    pub(crate) ef: usize,
    pub(crate) level: u8,
    pub(crate) filter: Filter<'f>,
    pub(crate) leaves: Leaves,
}

impl Index {
    /// Best-first search of one level from `entry` (dense ids), keeping the `ef` nearest that
    /// pass `filter` (all are walked through, passing or not). Nearest first, by dense id.
    pub(crate) fn search_level<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        entry: &[Scored],
        walk: LevelWalk<'_>,
    ) -> Result<Vec<Scored>> {
        let ids = u64::from(self.header.next_id);
        let leaves = match walk.leaves {
            Leaves::Descend => LeafScope::default(),
            Leaves::Remember(placement) => self.slots.scope(ids, Some(placement)),
        };
        with_walk(ids as usize, leaves, |state| {
            self.walk_level(src, query, entry, walk, state)
        })
    }

    fn walk_level<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        entry: &[Scored],
        walk: LevelWalk<'_>,
        state: &mut WalkState,
    ) -> Result<Vec<Scored>> {
        let LevelWalk {
            ef, level, filter, ..
        } = walk;
        let passes = |id: u32, leaves: &mut LeafCache| -> Result<bool> {
            match filter {
                None => Ok(true),
                Some(f) => Ok(f(self.node_slot(src, id, Some(leaves))?.node())),
            }
        };
        let metric = self.header.spec.metric;
        let prefetch = Prefetch::of(self.vector_field().len(), metric.stops_at_bound());
        let mut fresh = Vec::with_capacity(self.header.spec.cap(level));
        let mut candidates = BinaryHeap::new();
        let mut results: BinaryHeap<Ranked> = BinaryHeap::new();
        for &e in entry {
            let e = Ranked::of(e)?;
            let id = e.id();
            if self.first_visit(src, &mut state.visited, id)? {
                candidates.push(Reverse(e));
                if passes(id, &mut state.leaves)? {
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
                    .is_some_and(|w| current.distance() > w.distance())
            {
                break;
            }
            let links = self.links_via(src, current.id(), level, Some(&mut state.leaves))?;
            // The candidate expanded next, unless a new neighbour beats it: its links are read
            // while this node's neighbours are.
            if let Some(Reverse(next)) = candidates.peek() {
                self.slots
                    .locate(src, next.id(), self.node_field(), Some(&mut state.leaves))?
                    .prefetch();
            }
            for id in ids(links) {
                if self.first_visit(src, &mut state.visited, id)? {
                    // The vector's page type is left to the expansion (checking it here would
                    // load the page's first cache line beside every vector): every node the
                    // walk returns it has expanded, and expanding reads the node's links
                    // through a checked read of the same page. A vector on a page of another
                    // type that the walk drops can only misguide it, as a wrong value can.
                    let vector = self
                        .slots
                        .locate(src, id, self.vector_field(), Some(&mut state.leaves))?
                        .typed_elsewhere();
                    if prefetch.at_once > 0 {
                        vector.prefetch_first(prefetch.at_once);
                    }
                    fresh.push((id, vector));
                }
            }
            for (_, vector) in fresh.iter().take(PREFETCH_AHEAD) {
                vector.prefetch_first(prefetch.ahead);
            }
            for (i, (id, vector)) in fresh.iter().enumerate() {
                if let Some((_, later)) = fresh.get(i + PREFETCH_AHEAD) {
                    later.prefetch_first(prefetch.ahead);
                }
                let id = *id;
                // A neighbour farther than the worst of `ef` results is dropped, so its
                // distance need only be known up to there.
                let bound = match results.peek() {
                    Some(worst) if results.len() >= ef => worst.distance(),
                    _ => f32::INFINITY,
                };
                let distance = metric.distance_within(query, vector.bytes()?, bound);
                let item = Ranked::new(distance, id);
                if results.len() < ef || results.peek().is_some_and(|w| item < *w) {
                    candidates.push(Reverse(item));
                    if passes(id, &mut state.leaves)? {
                        results.push(item);
                        if results.len() > ef {
                            results.pop();
                        }
                    }
                }
            }
            fresh.clear();
        }
        Ok(results
            .into_sorted_vec()
            .into_iter()
            .map(Ranked::scored)
            .collect())
    }

    /// Marks `id` visited: whether it was new. An id beyond the marks so far has its node slot
    /// read first (an error for an id out of range or without a page), then gets room.
    #[inline]
    fn first_visit<S: PageSource>(&self, src: &S, visited: &mut Visited, id: u32) -> Result<bool> {
        if let Some(new) = visited.insert(id) {
            return Ok(new);
        }
        self.slot(src, id)?;
        visited.grow(id);
        visited
            .insert(id)
            .ok_or_else(|| crate::error::corrupt(format!("dense id {id} cannot be marked")))
    }

    /// From the entry point down to `level + 1`, one greedy step per level: the nearest dense
    /// id found on the way, where the search of `level` starts.
    pub(crate) fn descend<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        level: u8,
        leaves: Leaves,
    ) -> Result<Option<Scored>> {
        let Some(entry) = self.header.entry else {
            return Ok(None);
        };
        let mut best = Scored {
            distance: self.distance_to(src, query, entry.id)?,
            id: u64::from(entry.id),
        };
        let mut l = entry.level;
        while l > level {
            if let Some(&nearest) = self
                .search_level(
                    src,
                    query,
                    &[best],
                    LevelWalk {
                        ef: 1,
                        level: l,
                        filter: None,
                        leaves,
                    },
                )?
                .first()
            {
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
        let prepared = self
            .header
            .spec
            .metric
            .prepare(self.header.spec.dimension, query)?;
        let Some(start) = self.descend(src, &prepared, 0, Leaves::Descend)? else {
            return Ok(Vec::new());
        };
        let found = self.search_level(
            src,
            &prepared,
            &[start],
            LevelWalk {
                ef: ef.max(k),
                level: 0,
                filter,
                leaves: Leaves::Descend,
            },
        )?;
        // A walk finds only what the links reach. No node is left without links (see
        // `write`), but sets and deletes could still split the graph into parts that no link
        // joins; an unfiltered search that found fewer than `k` of the index's vectors answers
        // by exact search instead: never fewer hits than the index can give.
        if filter.is_none() && (found.len() as u64) < self.len().min(k as u64) {
            return self.exact(src, query, k, None);
        }
        found
            .into_iter()
            .take(k)
            .map(|s| {
                Ok(Hit {
                    node: self.slot(src, s.dense()?)?.node(),
                    distance: s.distance,
                })
            })
            .collect()
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
        let ids = self.header.next_id;
        let leaves = self.slots.scope(u64::from(ids), None);
        let nearest = with_walk(0, leaves, |state| -> Result<Nearest> {
            let leaves = &mut state.leaves;
            let mut nearest = Nearest::new(k);
            for id in 0..ids {
                if let Some(later) = id.checked_add(EXACT_AHEAD).filter(|&later| later < ids) {
                    for field in [self.node_field(), self.vector_field()] {
                        self.slots.prefetch(src, later, field, Some(leaves))?;
                    }
                }
                let slot = self.node_slot(src, id, Some(leaves))?;
                if slot.is_free() || !accepts(filter, slot.node()) {
                    continue;
                }
                nearest.offer(Scored {
                    distance: self.distance_via(src, &query, id, Some(leaves))?,
                    id: slot.node(),
                });
            }
            Ok(nearest)
        })?;
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
            if let Some(id) = self.id_of(src, node)? {
                nearest.offer(Scored {
                    distance: self.distance_to(src, &query, id)?,
                    id: node,
                });
            }
        }
        Ok(nearest.hits())
    }
}
