//! Louvain community detection (Blondel, Guillaume, Lambiotte and Lefebvre, 2008).

use graph::{Direction, GraphRead};

use crate::control::Control;
use crate::error::Result;
use crate::members::index;
use crate::rng::SplitMix;
use crate::values::NodeValues;
use crate::view::{Scanner, View};

/// The smallest modularity gain that counts as a move: it keeps rounding noise from moving a
/// node back and forth forever.
const MIN_GAIN: f64 = 1e-12;

/// A pass over a level's nodes that raises modularity by less than this ends the level, however
/// the level began. On small graphs one move gains more than this, so it changes nothing.
const LEVEL_THRESHOLD: f64 = 1e-5;

/// A pass that raises modularity by less than this fraction of the level's first pass ends the
/// level. On a large graph without much structure a few nodes keep finding gains of about 1/m
/// each, pass after pass: on 100K nodes and 1M uniform random edges the first level gained
/// 4.8e-2, 3.9e-3, 5.0e-4, 1.7e-4, then 1e-5 to 1e-4 a pass for 21 more passes (about 0.2% of
/// the modularity in all), and the next levels alike. Stopping a level at 1% of its first pass
/// left 4 + 4 + 16 passes instead of 25 + 17 + 30 and took half the time, and the levels after
/// it made up the difference: modularity 0.1585 against 0.1584 (0.1586-0.1593 at 0.3% and
/// 0.1%, which took longer).
const LEVEL_FRACTION: f64 = 0.01;

/// Communities found by [`louvain`].
#[derive(Clone, Debug, PartialEq)]
pub struct Communities {
    /// Each node's community, numbered 0..`count`.
    pub community: NodeValues<u64>,
    /// How many communities.
    pub count: u64,
    /// The modularity of the partition (Newman's Q, resolution 1, edges of weight 1).
    pub modularity: f64,
}

/// Louvain community detection on the view taken undirected (each edge of weight 1, parallel
/// edges adding up, self-loops ignored): repeat (1) move single nodes to the neighbouring
/// community that raises modularity most, in a seeded random order, until a pass gains less
/// than 1% of the level's first pass (or less than 1e-5), then (2) merge each community into
/// one node, until a level moves nothing. The same seed gives
/// the same communities. Modularity is reported with them, and is never below that of the
/// all-singletons partition.
///
/// Time O(E) edge reads per pass of the first level, then passes over the merged graph. The
/// first level reads the file. A merged level (the communities of the level before as nodes)
/// is held in memory as weighted adjacency when it has at most [`MERGED_ENTRIES_PER_NODE`]
/// entries per node of the view; a larger one is not built: its rows are projected from the
/// file on demand through each node's community, at O(E) edge reads per pass. Memory is a few
/// vectors by node id and the held level's rows, at most 192 bytes per node: O(V).
pub fn louvain<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    seed: u64,
    control: &mut Control<'_>,
) -> Result<Communities> {
    louvain_within(g, view, seed, MERGED_ENTRIES_PER_NODE, control)
}

/// [`louvain`] with merged levels held in memory only up to `entries_per_node` entries per node
/// of the view.
fn louvain_within<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    seed: u64,
    entries_per_node: usize,
    control: &mut Control<'_>,
) -> Result<Communities> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound();
    let mut rng = SplitMix::new(seed);
    let mut file = FileLevel {
        scanner: sub.scanner(),
    };
    let nodes: Vec<usize> = sub.members().iter().map(index).collect();
    let mut degree = vec![0.0; bound];
    for &v in &nodes {
        let mut k = 0.0;
        file.for_each(v, |_, w| k += w)?;
        if let Some(slot) = degree.get_mut(v) {
            *slot = k;
        }
    }
    let two_m: f64 = degree.iter().sum();
    let base = Base {
        nodes: &nodes,
        degree: &degree,
        limit: entries_per_node.saturating_mul(nodes.len()),
    };
    // `assignment[v]`: the node of the current level that v belongs to.
    let mut assignment: Vec<usize> = (0..bound).collect();
    let mut level_nodes = nodes.clone();
    let mut community = move_level(
        &mut file,
        &mut level_nodes,
        &degree,
        two_m,
        &mut rng,
        control,
        0,
    )?;
    compose(&mut assignment, &nodes, &community);
    let mut merged = aggregate(&mut file, &nodes, &community, &assignment, &base)?;
    let mut level = 1;
    while merged.len() > 0 {
        let mut order: Vec<usize> = (0..merged.len()).collect();
        let degree = merged.degree();
        community = match &mut merged {
            Coarse::Merged(m) => {
                move_level(m, &mut order, &degree, two_m, &mut rng, control, level)
            }
            Coarse::Projected(p) => move_level(
                &mut p.over(&mut file),
                &mut order,
                &degree,
                two_m,
                &mut rng,
                control,
                level,
            ),
        }?;
        compose(&mut assignment, &nodes, &community);
        let all: Vec<usize> = (0..merged.len()).collect();
        let next = match &mut merged {
            Coarse::Merged(m) => aggregate(m, &all, &community, &assignment, &base),
            Coarse::Projected(p) => {
                aggregate(&mut p.over(&mut file), &all, &community, &assignment, &base)
            }
        }?;
        let moved = next.len() < merged.len();
        merged = next;
        level += 1;
        if !moved {
            break;
        }
    }
    let modularity = merged.modularity(two_m);
    let labels = assignment.iter().map(|&c| c as u64).collect();
    Ok(Communities {
        community: NodeValues::new(labels, sub.members().clone()),
        count: merged.len() as u64,
        modularity,
    })
}

/// Entries a merged level may hold in memory per node of the view (8 bytes each, so at most
/// 192 bytes per node); a level with more is projected from the file instead (see
/// [`louvain`]), and each of its passes reads every edge of the view in the random order of
/// its nodes. On `medium` (100K nodes, 1M uniform random edges) the first two merged levels
/// (47,917 and 23,194 nodes) have 1.89M and 1.84M entries, about 19 per node of the view:
/// projected (at the earlier bound of 4 entries per node), their 4 + 16 passes took 84% of
/// Louvain's time, and held, Louvain ran 3.7x faster for 22 MiB more heap (16.8 to 39.2 MiB).
/// On graphs with communities the merged levels are far smaller.
const MERGED_ENTRIES_PER_NODE: usize = 24;

/// What every level needs of the first: the view's nodes, their degrees, and how many entries
/// a merged level may hold.
struct Base<'a> {
    nodes: &'a [usize],
    degree: &'a [f64],
    limit: usize,
}

/// Moves each of `nodes` from its node of the level before to that node's community.
fn compose(assignment: &mut [usize], nodes: &[usize], community: &[usize]) {
    for &v in nodes {
        if let Some(a) = assignment.get_mut(v) {
            *a = community.get(*a).copied().unwrap_or(*a);
        }
    }
}

/// A weighted undirected graph one level of Louvain moves nodes on.
trait Level {
    /// Calls `visit` with each neighbour of `v` other than `v` and the weight joining them.
    fn for_each(&mut self, v: usize, visit: impl FnMut(usize, f64)) -> Result<()>;

    /// The weight inside `v` (edges merged into it, counted from both ends).
    fn inside(&self, v: usize) -> f64;
}

/// The first level: the view, read from the file.
struct FileLevel<'s, C> {
    scanner: Scanner<'s, C>,
}

impl<C: graph::NeighborCursor> Level for FileLevel<'_, C> {
    fn for_each(&mut self, v: usize, mut visit: impl FnMut(usize, f64)) -> Result<()> {
        let node = graph::NodeId(v as u64);
        self.scanner.each(node, Direction::Both, |w| {
            if w != node {
                visit(index(w), 1.0);
            }
        })
    }

    fn inside(&self, _: usize) -> f64 {
        0.0
    }
}

/// A merged level in memory: communities of the level before as nodes, the weights between
/// them as adjacency rows, and the weight inside each (counted from both ends). A row entry is
/// 8 bytes: a level node and a weight, both `u32` (every weight is a count of the view's
/// edges, each of weight 1; a level whose counts or nodes do not fit is projected instead).
struct Merged {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<u32>,
    inside: Vec<f64>,
}

impl Merged {
    fn len(&self) -> usize {
        self.inside.len()
    }

    /// Each node's weighted degree, the weight inside it included.
    fn degree(&self) -> Vec<f64> {
        (0..self.len())
            .map(|c| {
                let row = self.row(c);
                self.weights
                    .get(row)
                    .map_or(0.0, |w| w.iter().map(|&w| f64::from(w)).sum::<f64>())
                    + self.inside.get(c).copied().unwrap_or(0.0)
            })
            .collect()
    }

    /// Frees the rows, keeping the weights inside: the level is to be projected.
    fn drop_rows(&mut self) {
        self.offsets = Vec::new();
        self.targets = Vec::new();
        self.weights = Vec::new();
    }

    fn row(&self, c: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }
}

impl Level for Merged {
    fn for_each(&mut self, v: usize, mut visit: impl FnMut(usize, f64)) -> Result<()> {
        let row = self.row(v);
        if let (Some(targets), Some(weights)) =
            (self.targets.get(row.clone()), self.weights.get(row))
        {
            for (&t, &w) in targets.iter().zip(weights) {
                visit(t as usize, f64::from(w));
            }
        }
        Ok(())
    }

    fn inside(&self, v: usize) -> f64 {
        self.inside.get(v).copied().unwrap_or(0.0)
    }
}

/// A merged level whose rows are read from the file: each node of the view belongs to one of
/// the level's nodes, whose row is the edges of its members to other level nodes.
struct Projection {
    /// The view's nodes grouped by level node: those of level node c are
    /// `members[offsets[c]..offsets[c + 1]]`.
    offsets: Vec<usize>,
    members: Vec<usize>,
    /// The level node of each node id.
    assignment: Vec<usize>,
    /// Each level node's weight inside (counted from both ends) and weighted degree.
    inside: Vec<f64>,
    degree: Vec<f64>,
}

impl Projection {
    /// The level whose nodes are the `count` values of `assignment` over `base.nodes`, with
    /// `inside` weights.
    fn new(base: &Base<'_>, assignment: &[usize], inside: Vec<f64>) -> Projection {
        let count = inside.len();
        let mut degree = vec![0.0; count];
        let mut offsets = vec![0usize; count + 1];
        for &v in base.nodes {
            let c = assignment.get(v).copied().unwrap_or(usize::MAX);
            if let (Some(d), Some(o)) = (degree.get_mut(c), offsets.get_mut(c + 1)) {
                *d += base.degree.get(v).copied().unwrap_or(0.0);
                *o += 1;
            }
        }
        for c in 1..offsets.len() {
            let before = offsets.get(c - 1).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(c) {
                *o += before;
            }
        }
        let mut fill = offsets.clone();
        let mut members = vec![0usize; base.nodes.len()];
        for &v in base.nodes {
            let c = assignment.get(v).copied().unwrap_or(usize::MAX);
            if let Some(at) = fill.get_mut(c) {
                if let Some(slot) = members.get_mut(*at) {
                    *slot = v;
                }
                *at += 1;
            }
        }
        Projection {
            offsets,
            members,
            assignment: assignment.to_vec(),
            inside,
            degree,
        }
    }

    /// The level, reading rows through `file`.
    fn over<'p, 'f, 's, C>(
        &'p self,
        file: &'f mut FileLevel<'s, C>,
    ) -> ProjectedLevel<'p, 'f, 's, C> {
        ProjectedLevel {
            projection: self,
            file,
        }
    }
}

/// A [`Projection`] read through the file.
struct ProjectedLevel<'p, 'f, 's, C> {
    projection: &'p Projection,
    file: &'f mut FileLevel<'s, C>,
}

impl<C: graph::NeighborCursor> Level for ProjectedLevel<'_, '_, '_, C> {
    fn for_each(&mut self, c: usize, mut visit: impl FnMut(usize, f64)) -> Result<()> {
        let p = self.projection;
        let members = match (p.offsets.get(c), p.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => p.members.get(a..b).unwrap_or(&[]),
            _ => &[],
        };
        for &v in members {
            self.file.for_each(v, |u, w| {
                if let Some(&d) = p.assignment.get(u)
                    && d != c
                {
                    visit(d, w);
                }
            })?;
        }
        Ok(())
    }

    fn inside(&self, c: usize) -> f64 {
        self.projection.inside.get(c).copied().unwrap_or(0.0)
    }
}

/// A merged level: in memory, or projected from the file when that would be too large.
enum Coarse {
    Merged(Merged),
    Projected(Projection),
}

impl Coarse {
    fn len(&self) -> usize {
        match self {
            Coarse::Merged(m) => m.len(),
            Coarse::Projected(p) => p.inside.len(),
        }
    }

    /// Each node's weighted degree, the weight inside it included.
    fn degree(&self) -> Vec<f64> {
        match self {
            Coarse::Merged(m) => m.degree(),
            Coarse::Projected(p) => p.degree.clone(),
        }
    }

    /// Newman's modularity of the partition into this level's nodes.
    fn modularity(&self, two_m: f64) -> f64 {
        let inside = match self {
            Coarse::Merged(m) => &m.inside,
            Coarse::Projected(p) => &p.inside,
        };
        if two_m == 0.0 {
            return 0.0;
        }
        self.degree()
            .iter()
            .zip(inside)
            .map(|(k, inside)| inside / two_m - (k / two_m).powi(2))
            .sum()
    }
}

/// Phase one on `level`: moves `nodes` (shuffled) between communities until no move gains;
/// returns each node's community, renumbered densely in order of first appearance by node.
fn move_level(
    level: &mut impl Level,
    nodes: &mut [usize],
    degree: &[f64],
    two_m: f64,
    rng: &mut SplitMix,
    control: &mut Control<'_>,
    depth: u64,
) -> Result<Vec<usize>> {
    let size = degree.len();
    let mut community: Vec<usize> = (0..size).collect();
    let mut total: Vec<f64> = degree.to_vec();
    // Weight from the current node to each community, with the list of communities touched.
    let mut to_community = vec![0.0; size];
    let mut touched = Vec::new();
    if depth == 0 {
        shuffle_blocks(nodes, rng);
    } else {
        rng.shuffle(nodes);
    }
    let mut improving = two_m > 0.0;
    // What the level's first pass gained (see [`LEVEL_FRACTION`]).
    let mut first_gain = None;
    while improving {
        control.check("level", depth, 0)?;
        // The modularity gained by this pass's moves.
        let mut gained = 0.0;
        for &v in nodes.iter() {
            let (Some(&own), Some(&k)) = (community.get(v), degree.get(v)) else {
                continue;
            };
            level.for_each(v, |w, weight| {
                if let Some(&c) = community.get(w)
                    && let Some(slot) = to_community.get_mut(c)
                {
                    if *slot == 0.0 {
                        touched.push(c);
                    }
                    *slot += weight;
                }
            })?;
            if let Some(t) = total.get_mut(own) {
                *t -= k;
            }
            let gain = |c: usize| {
                to_community.get(c).copied().unwrap_or(0.0)
                    - total.get(c).copied().unwrap_or(0.0) * k / two_m
            };
            let stay = gain(own);
            let mut best = (stay, own);
            for &c in &touched {
                let g = gain(c);
                if g > best.0 + MIN_GAIN {
                    best = (g, c);
                }
            }
            if let Some(t) = total.get_mut(best.1) {
                *t += k;
            }
            if best.1 != own {
                if let Some(slot) = community.get_mut(v) {
                    *slot = best.1;
                }
                gained += 2.0 * (best.0 - stay) / two_m;
            }
            for c in touched.drain(..) {
                if let Some(slot) = to_community.get_mut(c) {
                    *slot = 0.0;
                }
            }
        }
        let first = *first_gain.get_or_insert(gained);
        improving = gained > LEVEL_THRESHOLD.max(LEVEL_FRACTION * first);
    }
    // Dense numbering.
    let mut number = vec![usize::MAX; size];
    let mut next = 0;
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    for &v in &sorted {
        if let Some(&c) = community.get(v)
            && let Some(n) = number.get_mut(c)
            && *n == usize::MAX
        {
            *n = next;
            next += 1;
        }
    }
    Ok(community
        .iter()
        .map(|&c| number.get(c).copied().unwrap_or(usize::MAX))
        .collect())
}

/// Ids per block that [`shuffle_blocks`] keeps together: the nodes of one adjacency leaf.
const BLOCK: usize = 64;

/// Shuffles `nodes` (sorted ids) by blocks of [`BLOCK`] consecutive ids: the blocks in random
/// order, and the nodes in random order within each. The first level reads the file, and a
/// node visited right after another of its block finds its list in the adjacency leaf the
/// cursor already holds: a full shuffle made each pass several times slower on 100K nodes,
/// while the plain id order cost modularity (the visiting order matters to Louvain).
fn shuffle_blocks(nodes: &mut [usize], rng: &mut SplitMix) {
    let mut blocks: Vec<Vec<usize>> = nodes
        .chunk_by(|a, b| a / BLOCK == b / BLOCK)
        .map(<[usize]>::to_vec)
        .collect();
    rng.shuffle(&mut blocks);
    for (slot, v) in nodes.iter_mut().zip(blocks.iter_mut().flat_map(|block| {
        rng.shuffle(block);
        block.iter().copied()
    })) {
        *slot = v;
    }
}

/// Phase two: the graph whose nodes are the communities of `nodes` on `level`; `assignment`
/// already maps each node of the view to its community. Held in memory while it has at most
/// `base.limit` entries, else projected from the file.
fn aggregate(
    level: &mut impl Level,
    nodes: &[usize],
    community: &[usize],
    assignment: &[usize],
    base: &Base<'_>,
) -> Result<Coarse> {
    let count = nodes
        .iter()
        .filter_map(|&v| community.get(v))
        .map(|&c| c + 1)
        .max()
        .unwrap_or(0);
    let mut by_community: Vec<(usize, usize)> = nodes
        .iter()
        .filter_map(|&v| community.get(v).map(|&c| (c, v)))
        .collect();
    by_community.sort_unstable();
    let mut merged = Merged {
        offsets: vec![0],
        targets: Vec::new(),
        weights: Vec::new(),
        inside: vec![0.0; count],
    };
    // Past the limit the rows are dropped and only the weights inside are still summed.
    let mut projected = false;
    let mut to = vec![0.0; count];
    let mut touched = Vec::new();
    for group in by_community.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(c, _)) = group.first() else {
            continue;
        };
        // Weight inside the node of the level before counts inside the community too.
        for &(_, v) in group {
            if let Some(inside) = merged.inside.get_mut(c) {
                *inside += level.inside(v);
            }
            level.for_each(v, |w, weight| {
                if let Some(&d) = community.get(w)
                    && let Some(slot) = to.get_mut(d)
                {
                    if *slot == 0.0 {
                        touched.push(d);
                    }
                    *slot += weight;
                }
            })?;
        }
        touched.sort_unstable();
        for d in touched.drain(..) {
            let w = to.get(d).copied().unwrap_or(0.0);
            if d == c {
                if let Some(inside) = merged.inside.get_mut(c) {
                    *inside += w;
                }
            } else if !projected {
                match (u32::try_from(d), count_of(w)) {
                    (Ok(d), Some(w)) => {
                        merged.targets.push(d);
                        merged.weights.push(w);
                    }
                    _ => {
                        projected = true;
                        merged.drop_rows();
                    }
                }
            }
            if let Some(slot) = to.get_mut(d) {
                *slot = 0.0;
            }
        }
        if !projected {
            merged.offsets.push(merged.targets.len());
            if merged.targets.len() > base.limit {
                projected = true;
                merged.drop_rows();
            }
        }
    }
    Ok(if projected {
        Coarse::Projected(Projection::new(base, assignment, merged.inside))
    } else {
        Coarse::Merged(merged)
    })
}

/// `weight` as a count of edges, if it is a whole number that fits a `u32`.
fn count_of(weight: f64) -> Option<u32> {
    let whole = weight.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&weight);
    whole.then_some(weight as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use graph::{Graph, NodeId};
    use proptest::prelude::*;

    /// A graph of `n` nodes and `edges`, in memory.
    fn graph_of(n: u64, edges: &[(u64, u64)]) -> Graph {
        let graph = Graph::in_memory().expect("graph");
        let mut txn = graph.begin_write().expect("write");
        for i in 0..n {
            txn.add_node("n", &i.to_string(), b"").expect("node");
        }
        for &(a, b) in edges {
            txn.add_edge(NodeId(a), NodeId(b), "e", b"").expect("edge");
        }
        txn.commit().expect("commit");
        graph
    }

    /// Each node's row as (neighbour, weight) sums, sorted, and its weight inside.
    fn rows(level: &mut impl Level, count: usize) -> Vec<(Vec<(usize, f64)>, f64)> {
        (0..count)
            .map(|c| {
                let mut row = std::collections::BTreeMap::new();
                level
                    .for_each(c, |d, w| *row.entry(d).or_insert(0.0) += w)
                    .expect("row");
                (row.into_iter().collect(), level.inside(c))
            })
            .collect()
    }

    proptest! {
        /// A projected level reads the same weighted graph as the merged one it stands for.
        #[test]
        fn a_projected_level_has_the_rows_of_the_merged_level(
            n in 2u64..30,
            edges in proptest::collection::vec((0u64..30, 0u64..30), 0..80),
            groups in 1usize..8,
        ) {
            let edges: Vec<(u64, u64)> =
                edges.into_iter().filter(|&(a, b)| a < n && b < n).collect();
            let graph = graph_of(n, &edges);
            let read = graph.begin_read().expect("read");
            let sub = View::new().resolve(&read, &mut Control::new()).expect("view");
            let mut file = FileLevel { scanner: sub.scanner() };
            let nodes: Vec<usize> = sub.members().iter().map(index).collect();
            let mut degree = vec![0.0; sub.bound()];
            for &v in &nodes {
                let mut k = 0.0;
                file.for_each(v, |_, w| k += w).expect("degree");
                degree[v] = k;
            }
            let community: Vec<usize> = (0..sub.bound()).map(|v| v % groups).collect();
            let mut assignment: Vec<usize> = (0..sub.bound()).collect();
            compose(&mut assignment, &nodes, &community);
            let whole = Base { nodes: &nodes, degree: &degree, limit: usize::MAX };
            let none = Base { limit: 0, ..whole };
            let merged = aggregate(&mut file, &nodes, &community, &assignment, &whole).expect("merged");
            let projected = aggregate(&mut file, &nodes, &community, &assignment, &none).expect("projected");
            let Coarse::Merged(mut m) = merged else {
                return Err(TestCaseError::fail("a level without a limit is held in memory"));
            };
            let count = m.len();
            prop_assert_eq!(projected.len(), count);
            prop_assert_eq!(projected.degree(), m.degree());
            let m_rows = rows(&mut m, count);
            let p_rows = match projected {
                // No entry at all: nothing to project.
                Coarse::Merged(mut held) => {
                    prop_assert!(held.targets.is_empty());
                    rows(&mut held, count)
                }
                Coarse::Projected(p) => rows(&mut p.over(&mut file), count),
            };
            prop_assert_eq!(m_rows, p_rows);
        }
    }

    #[test]
    fn louvain_with_projected_levels_finds_the_planted_communities() {
        // Four cliques of 8 joined in a ring by single edges: every level past the first is
        // projected from the file when no entry may be held.
        let mut edges = Vec::new();
        for group in 0..4u64 {
            for a in 0..8 {
                for b in a + 1..8 {
                    edges.push((group * 8 + a, group * 8 + b));
                }
            }
            edges.push((group * 8, ((group + 1) % 4) * 8 + 1));
        }
        let graph = graph_of(32, &edges);
        let read = graph.begin_read().expect("read");
        let view = View::new();
        let held = louvain(&read, &view, 7, &mut Control::new()).expect("held");
        let projected = louvain_within(&read, &view, 7, 0, &mut Control::new()).expect("projected");
        for found in [&held, &projected] {
            assert_eq!(found.count, 4);
            for v in 0..32 {
                assert_eq!(
                    found.community.get(NodeId(v)),
                    found.community.get(NodeId(v - v % 8)),
                    "node {v}"
                );
            }
        }
        assert!((held.modularity - projected.modularity).abs() < 1e-12);
    }
}
