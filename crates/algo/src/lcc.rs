//! Local clustering coefficient (Graphalytics LCC) and triangle counts.

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::values::NodeValues;
use crate::view::{Scanner, View};

/// The local clustering coefficient as Graphalytics defines it: for node v with neighbour set
/// N(v) (nodes joined to v by an edge either way, v itself excluded), the number of ordered
/// pairs (u, w) of N(v) with an edge u->w in the view, divided by |N(v)|(|N(v)| - 1); 0 when
/// |N(v)| < 2. Parallel edges count once. With [`Direction::Both`] an edge joins its ends both
/// ways, which makes this the undirected coefficient.
///
/// Time O(sum over v of the degrees of v's neighbours) edge reads; memory two `u64` stamps per
/// node id and one neighbour list.
pub fn lcc<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    let sub = view.resolve(g, control)?;
    let mut counter = PairCounter::new(sub.scanner(), sub.direction(), sub.bound());
    let mut values = vec![0.0; sub.bound()];
    let total = sub.members().len() as u64;
    for (done, v) in sub.members().iter().enumerate() {
        control.tick("node", done as u64, total)?;
        let (links, degree) = counter.links_among_neighbors(v)?;
        if degree >= 2
            && let Some(slot) = values.get_mut(index(v))
        {
            *slot = links as f64 / (degree * (degree - 1)) as f64;
        }
    }
    Ok(NodeValues::new(values, sub.members().clone()))
}

/// Triangles through each node: the number of pairs of v's neighbours (edges taken either way,
/// parallel edges and self-loops ignored) that are joined to each other, i.e. the triangles of
/// the view's undirected simple graph that contain v. [`total_triangles`] sums them.
///
/// Same cost as [`lcc`].
pub fn triangles<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<u64>> {
    let view = view.clone().direction(Direction::Both);
    let sub = view.resolve(g, control)?;
    let mut counter = PairCounter::new(sub.scanner(), sub.direction(), sub.bound());
    let mut values = vec![0u64; sub.bound()];
    let total = sub.members().len() as u64;
    for (done, v) in sub.members().iter().enumerate() {
        control.tick("node", done as u64, total)?;
        let (links, _) = counter.links_among_neighbors(v)?;
        if let Some(slot) = values.get_mut(index(v)) {
            // Under `Both` each joined pair was counted once from each end.
            *slot = links / 2;
        }
    }
    Ok(NodeValues::new(values, sub.members().clone()))
}

/// The number of triangles in the view's undirected simple graph: the per-node counts of
/// [`triangles`] summed, over 3.
pub fn total_triangles(per_node: &NodeValues<u64>) -> u64 {
    per_node.iter().map(|(_, &t)| t).sum::<u64>() / 3
}

/// Counts the links among a node's neighbours, with stamps instead of sets: `in_set[w] == v+1`
/// marks w as a neighbour of v, `seen[w] == pair` marks w as already counted from the current
/// neighbour u.
struct PairCounter<'s, C> {
    scanner: Scanner<'s, C>,
    direction: Direction,
    in_set: Vec<u64>,
    seen: Vec<u64>,
    pair: u64,
    neighbors: Vec<NodeId>,
}

impl<'s, C: graph::NeighborCursor> PairCounter<'s, C> {
    fn new(scanner: Scanner<'s, C>, direction: Direction, bound: usize) -> PairCounter<'s, C> {
        PairCounter {
            scanner,
            direction,
            in_set: vec![0; bound],
            seen: vec![0; bound],
            pair: 0,
            neighbors: Vec::new(),
        }
    }

    /// For node `v`: the ordered pairs (u, w) of distinct neighbours of v with an edge u->w in
    /// the counter's direction (parallel edges once), and the number of distinct neighbours.
    fn links_among_neighbors(&mut self, v: NodeId) -> Result<(u64, u64)> {
        let stamp = v.0 + 1;
        self.neighbors.clear();
        let (in_set, neighbors) = (&mut self.in_set, &mut self.neighbors);
        self.scanner.each(v, Direction::Both, |u| {
            if u != v
                && let Some(slot) = in_set.get_mut(index(u))
                && *slot != stamp
            {
                *slot = stamp;
                neighbors.push(u);
            }
        })?;
        let mut links = 0u64;
        for &u in self.neighbors.iter() {
            self.pair += 1;
            let pair = self.pair;
            let (in_set, seen) = (&self.in_set, &mut self.seen);
            self.scanner.each(u, self.direction, |w| {
                if w != u
                    && in_set.get(index(w)) == Some(&stamp)
                    && let Some(slot) = seen.get_mut(index(w))
                    && *slot != pair
                {
                    *slot = pair;
                    links += 1;
                }
            })?;
        }
        Ok((links, self.neighbors.len() as u64))
    }
}
