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

/// A pass over a level's nodes that raises modularity by less than this ends the level. On a
/// large graph without much structure a few nodes keep finding gains of about 1/m each, pass
/// after pass (100K nodes and 1M uniform random edges: after 20 passes, 3e-6 a pass for
/// hundreds of passes, 0.2% of the modularity in all); stopping there costs little modularity
/// and most of the time. On small graphs one move gains more than this, so it changes nothing.
const LEVEL_THRESHOLD: f64 = 1e-5;

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
/// community that raises modularity most, in a seeded random order, until no move helps, then
/// (2) merge each community into one node, until a level moves nothing. The same seed gives
/// the same communities. Modularity is reported with them, and is never below that of the
/// all-singletons partition.
///
/// Time O(E) edge reads per pass of the first level, then passes over the merged graph. The
/// first level reads the file; the merged graphs are in memory, as weighted adjacency of the
/// communities of the level before (at most E entries, usually far fewer). Other memory is a
/// few vectors by node id.
pub fn louvain<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    seed: u64,
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
        file.for_each(v, &mut |_, w| k += w)?;
        if let Some(slot) = degree.get_mut(v) {
            *slot = k;
        }
    }
    let two_m: f64 = degree.iter().sum();
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
    let mut merged = aggregate(&mut file, &nodes, &community)?;
    for &v in &nodes {
        if let (Some(a), Some(&c)) = (assignment.get_mut(v), community.get(v)) {
            *a = c;
        }
    }
    let mut level = 1;
    while merged.len() > 0 {
        let mut order: Vec<usize> = (0..merged.len()).collect();
        let degree = merged.degree();
        community = move_level(
            &mut merged,
            &mut order,
            &degree,
            two_m,
            &mut rng,
            control,
            level,
        )?;
        let all: Vec<usize> = (0..merged.len()).collect();
        let next = aggregate(&mut merged, &all, &community)?;
        let moved = next.len() < merged.len();
        for &v in &nodes {
            if let Some(a) = assignment.get_mut(v) {
                *a = community.get(*a).copied().unwrap_or(*a);
            }
        }
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

/// A weighted undirected graph one level of Louvain moves nodes on.
trait Level {
    /// Calls `visit` with each neighbour of `v` other than `v` and the weight joining them.
    fn for_each(&mut self, v: usize, visit: &mut dyn FnMut(usize, f64)) -> Result<()>;

    /// The weight inside `v` (edges merged into it, counted from both ends).
    fn inside(&self, v: usize) -> f64;
}

/// The first level: the view, read from the file.
struct FileLevel<'s, C> {
    scanner: Scanner<'s, C>,
}

impl<C: graph::NeighborCursor> Level for FileLevel<'_, C> {
    fn for_each(&mut self, v: usize, visit: &mut dyn FnMut(usize, f64)) -> Result<()> {
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
/// them as adjacency rows, and the weight inside each (counted from both ends).
struct Merged {
    offsets: Vec<usize>,
    targets: Vec<usize>,
    weights: Vec<f64>,
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
                self.weights.get(row).map_or(0.0, |w| w.iter().sum::<f64>())
                    + self.inside.get(c).copied().unwrap_or(0.0)
            })
            .collect()
    }

    fn row(&self, c: usize) -> std::ops::Range<usize> {
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// Newman's modularity of the partition into this level's nodes.
    fn modularity(&self, two_m: f64) -> f64 {
        if two_m == 0.0 {
            return 0.0;
        }
        self.degree()
            .iter()
            .zip(&self.inside)
            .map(|(k, inside)| inside / two_m - (k / two_m).powi(2))
            .sum()
    }
}

impl Level for Merged {
    fn for_each(&mut self, v: usize, visit: &mut dyn FnMut(usize, f64)) -> Result<()> {
        let row = self.row(v);
        if let (Some(targets), Some(weights)) =
            (self.targets.get(row.clone()), self.weights.get(row))
        {
            for (&t, &w) in targets.iter().zip(weights) {
                visit(t, w);
            }
        }
        Ok(())
    }

    fn inside(&self, v: usize) -> f64 {
        self.inside.get(v).copied().unwrap_or(0.0)
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
    while improving {
        control.check("level", depth, 0)?;
        // The modularity gained by this pass's moves.
        let mut gained = 0.0;
        for &v in nodes.iter() {
            let (Some(&own), Some(&k)) = (community.get(v), degree.get(v)) else {
                continue;
            };
            level.for_each(v, &mut |w, weight| {
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
        improving = gained > LEVEL_THRESHOLD;
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

/// Phase two: the graph whose nodes are the communities of `nodes` on `level`.
fn aggregate(level: &mut impl Level, nodes: &[usize], community: &[usize]) -> Result<Merged> {
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
            level.for_each(v, &mut |w, weight| {
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
            } else {
                merged.targets.push(d);
                merged.weights.push(w);
            }
            if let Some(slot) = to.get_mut(d) {
                *slot = 0.0;
            }
        }
        merged.offsets.push(merged.targets.len());
    }
    Ok(merged)
}
