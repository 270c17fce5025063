//! The traversals for the engines that have none of their own (the CSR and SQLite), written
//! as mmgraph's are (`crates/graph/src/traverse.rs`): BFS level by level, each level in id
//! order, with a bitset of visited nodes and a depth limit; unweighted shortest path by
//! bidirectional BFS expanding the smaller frontier a whole level at a time, with a map of
//! reached nodes per side (hashed by multiplication, as mmgraph's). The same algorithm and
//! data structures on every engine, so that the ratios measure the storage, not the code.
//! Dijkstra, for the CSR, as mmgraph's (`crates/graph/src/traverse/weighted.rs`): a binary heap
//! of `f64` costs with lazy deletion, the best cost per node in a map, settled nodes in a set.

use pager_mmap::DenseIdMap;

use crate::Result;

/// Which way to follow edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// From a node to the targets of its edges.
    Out,
    /// From a node to the sources of the edges into it.
    In,
}

/// A graph the traversals can walk: appends `node`'s neighbours in `dir` to `out`.
pub trait Adjacent {
    /// Appends the neighbours of `node` in direction `dir` to `out`: along every edge, or with
    /// `types` only along edges whose type (an index into
    /// [`EDGE_TYPES`](crate::generate::EDGE_TYPES)) is one of them.
    fn append_neighbors(
        &mut self,
        node: u64,
        dir: Dir,
        types: Option<&[u8]>,
        out: &mut Vec<u64>,
    ) -> Result<()>;
}

/// BFS from `start` along out-edges (of `types` only, when given) to at most `max_depth` hops:
/// each reached node once with its depth, in visiting order, `start` first.
pub fn bfs<G: Adjacent>(
    g: &mut G,
    nodes: u64,
    start: u64,
    types: Option<&[u8]>,
    max_depth: Option<u32>,
) -> Result<Vec<(u64, u32)>> {
    let mut visited = vec![0u64; nodes.div_ceil(64) as usize];
    visited[(start / 64) as usize] |= 1 << (start % 64);
    let mut order = vec![(start, 0u32)];
    let mut scratch = Vec::new();
    let mut level = 0..1;
    let mut depth = 0;
    while !level.is_empty() && max_depth.is_none_or(|max| depth < max) {
        depth += 1;
        for i in level.clone() {
            let node = order[i].0;
            scratch.clear();
            g.append_neighbors(node, Dir::Out, types, &mut scratch)?;
            for &n in &scratch {
                let word = visited
                    .get_mut((n / 64) as usize)
                    .ok_or_else(|| format!("an edge leads to node {n}, beyond the graph"))?;
                let bit = 1u64 << (n % 64);
                if *word & bit == 0 {
                    *word |= bit;
                    order.push((n, depth));
                }
            }
        }
        let next = level.end..order.len();
        order[next.clone()].sort_unstable_by_key(|(n, _)| *n);
        level = next;
    }
    Ok(order)
}

/// One side of a bidirectional search.
struct Side {
    reached: DenseIdMap<u64, (u64, u32)>,
    frontier: Vec<u64>,
    depth: u32,
    dir: Dir,
}

impl Side {
    fn new(start: u64, dir: Dir) -> Side {
        Side {
            reached: DenseIdMap::from_iter([(start, (start, 0))]),
            frontier: vec![start],
            depth: 0,
            dir,
        }
    }

    fn expand<G: Adjacent>(
        &mut self,
        g: &mut G,
        other: &Side,
        types: Option<&[u8]>,
        scratch: &mut Vec<u64>,
    ) -> Result<Option<u64>> {
        let mut next = Vec::new();
        let mut best: Option<(u32, u64)> = None;
        for node in std::mem::take(&mut self.frontier) {
            scratch.clear();
            g.append_neighbors(node, self.dir, types, scratch)?;
            for &n in scratch.iter() {
                if self.reached.contains_key(&n) {
                    continue;
                }
                self.reached.insert(n, (node, self.depth + 1));
                if let Some(&(_, other_depth)) = other.reached.get(&n)
                    && best.is_none_or(|(d, _)| other_depth < d)
                {
                    best = Some((other_depth, n));
                }
                next.push(n);
            }
        }
        self.depth += 1;
        self.frontier = next;
        Ok(best.map(|(_, n)| n))
    }

    fn path_to(&self, node: u64) -> Vec<u64> {
        let mut path = vec![node];
        let mut at = node;
        while let Some(&(parent, depth)) = self.reached.get(&at) {
            if depth == 0 {
                break;
            }
            path.push(parent);
            at = parent;
        }
        path.reverse();
        path
    }
}

/// A shortest path from `from` to `to` along out-edges (of `types` only, when given), both ends
/// included, or `None`.
pub fn shortest_path<G: Adjacent>(
    g: &mut G,
    from: u64,
    to: u64,
    types: Option<&[u8]>,
) -> Result<Option<Vec<u64>>> {
    if from == to {
        return Ok(Some(vec![from]));
    }
    let mut forward = Side::new(from, Dir::Out);
    let mut backward = Side::new(to, Dir::In);
    let mut scratch = Vec::new();
    while !forward.frontier.is_empty() && !backward.frontier.is_empty() {
        let meeting = if forward.frontier.len() <= backward.frontier.len() {
            forward.expand(g, &backward, types, &mut scratch)?
        } else {
            backward.expand(g, &forward, types, &mut scratch)?
        };
        if let Some(meeting) = meeting {
            let mut path = forward.path_to(meeting);
            let mut back = backward.path_to(meeting);
            back.pop();
            path.extend(back.into_iter().rev());
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// A graph with edge weights: calls `visit` with each out-neighbour of `node` and the weight of
/// the edge to it.
pub trait Weighted {
    /// Calls `visit(neighbour, weight)` for each out-edge of `node`.
    fn for_each_out_edge(&mut self, node: u64, visit: impl FnMut(u64, u64)) -> Result<()>;
}

/// A node in Dijkstra's queue, ordered so that the heap pops the cheapest first.
#[derive(Clone, Copy, PartialEq)]
struct Queued {
    cost: f64,
    node: u64,
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}

/// The cost of a cheapest path from `from` to `to` along out-edges (Dijkstra), or `None`.
pub fn dijkstra<G: Weighted>(g: &mut G, from: u64, to: u64) -> Result<Option<u64>> {
    let mut best: DenseIdMap<u64, f64> = DenseIdMap::from_iter([(from, 0.0)]);
    let mut done = pager_mmap::DenseIdSet::default();
    let mut queue = std::collections::BinaryHeap::from([Queued {
        cost: 0.0,
        node: from,
    }]);
    while let Some(Queued { cost, node }) = queue.pop() {
        if !done.insert(node) {
            continue;
        }
        if node == to {
            return Ok(Some(cost as u64));
        }
        g.for_each_out_edge(node, |n, w| {
            let reach = cost + w as f64;
            if done.contains(&n) || best.get(&n).is_some_and(|&b| b <= reach) {
                return;
            }
            best.insert(n, reach);
            queue.push(Queued {
                cost: reach,
                node: n,
            });
        })?;
    }
    Ok(None)
}
