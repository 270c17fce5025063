//! Degree, closeness and betweenness centrality.

use graph::{Direction, GraphRead, NodeId};

use crate::control::Control;
use crate::error::{Result, invalid};
use crate::members::index;
use crate::rng::SplitMix;
use crate::values::NodeValues;
use crate::view::{Scanner, Subgraph, View};

/// Degree centrality: each node's number of edges in the view's direction (edges with
/// multiplicity; [`Direction::Both`] counts in- and out-edges). Time O(V + E) edge reads.
pub fn degree_centrality<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<u64>> {
    let sub = view.resolve(g, control)?;
    let bound = sub.bound() as u64;
    let degree = sub
        .scanner()
        .degrees(sub.direction(), |v| control.tick("node", v.0, bound))?;
    Ok(NodeValues::new(degree, sub.members().clone()))
}

/// Closeness centrality as networkx computes it (Wasserman and Faust's form for graphs that are
/// not connected): for node u reached by r - 1 other nodes along the view's direction, at total
/// distance s, `((r - 1) / (n - 1)) * ((r - 1) / s)`, 0 when nothing reaches u; n is the
/// number of nodes of the view. Distances are unweighted hop counts towards u.
///
/// One BFS per node: time O(V (V + E)) edge reads, memory two vectors by node id.
pub fn closeness_centrality<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    let sub = view.resolve(g, control)?;
    let mut scanner = sub.scanner();
    let mut distance = vec![u64::MAX; sub.bound()];
    let mut closeness = vec![0.0; sub.bound()];
    let n = sub.members().len() as f64;
    let mut queue = Vec::new();
    let total = sub.members().len() as u64;
    for (done, u) in sub.members().iter().enumerate() {
        control.check("source", done as u64, total)?;
        bfs(&mut scanner, u, sub.reverse(), &mut distance, &mut queue)?;
        let reached = queue.len() as f64;
        let sum: u64 = queue
            .iter()
            .map(|v| distance.get(index(*v)).copied().unwrap_or(0))
            .sum();
        if sum > 0
            && let Some(slot) = closeness.get_mut(index(u))
        {
            *slot = ((reached - 1.0) / (n - 1.0)) * ((reached - 1.0) / sum as f64);
        }
        for v in queue.drain(..) {
            if let Some(d) = distance.get_mut(index(v)) {
                *d = u64::MAX;
            }
        }
    }
    Ok(NodeValues::new(closeness, sub.members().clone()))
}

/// Fills `distance` (all `u64::MAX` on entry) from `source` along `direction`; `queue` ends
/// holding the nodes reached, in BFS order.
fn bfs(
    scanner: &mut Scanner<'_, impl graph::NeighborCursor>,
    source: NodeId,
    direction: Direction,
    distance: &mut [u64],
    queue: &mut Vec<NodeId>,
) -> Result<()> {
    queue.clear();
    queue.push(source);
    if let Some(d) = distance.get_mut(index(source)) {
        *d = 0;
    }
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let dv = distance.get(index(v)).copied().unwrap_or(0);
        scanner.each(v, direction, |w| {
            if let Some(d) = distance.get_mut(index(w))
                && *d == u64::MAX
            {
                *d = dv + 1;
                queue.push(w);
            }
        })?;
    }
    Ok(())
}

/// Which sources a betweenness run starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sources {
    /// Every node: the exact value.
    All,
    /// `k` distinct nodes drawn with `seed`, the sums scaled by n / k: an unbiased estimate
    /// for graphs too large for the exact one (Brandes and Pich).
    Sample {
        /// How many sources.
        k: u64,
        /// The random seed; the same seed gives the same sources.
        seed: u64,
    },
}

/// Betweenness centrality (Brandes): for node v, the sum over pairs of other nodes (s, t) of
/// the fraction of shortest s->t paths (unweighted, along the view's direction) that pass
/// through v. Not normalised. With [`Direction::Both`] the pairs are unordered (each counted
/// once, as networkx counts on an undirected graph); otherwise ordered.
///
/// Per source, one BFS counting shortest paths and one pass back in reverse BFS order that
/// finds each node's predecessors by scanning its in-edges again (instead of storing
/// predecessor lists, which would take O(E) memory): time O(k (V + E)) edge reads for k
/// sources, memory four vectors by node id.
pub fn betweenness_centrality<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    sources: Sources,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    let sub = view.resolve(g, control)?;
    let chosen = choose_sources(&sub, sources)?;
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let mut distance = vec![u64::MAX; bound];
    let mut paths = vec![0.0f64; bound];
    let mut dependency = vec![0.0f64; bound];
    let mut centrality = vec![0.0f64; bound];
    let mut queue = Vec::new();
    let total = chosen.len() as u64;
    for (done, &s) in chosen.iter().enumerate() {
        control.check("source", done as u64, total)?;
        if let Some(p) = paths.get_mut(index(s)) {
            *p = 1.0;
        }
        bfs_counting(
            &mut scanner,
            s,
            sub.direction(),
            &mut distance,
            &mut paths,
            &mut queue,
        )?;
        for &w in queue.iter().rev() {
            let (dw, pw, cw) = (
                distance.get(index(w)).copied().unwrap_or(0),
                paths.get(index(w)).copied().unwrap_or(0.0),
                dependency.get(index(w)).copied().unwrap_or(0.0),
            );
            scanner.each(w, sub.reverse(), |v| {
                if dw > 0
                    && distance.get(index(v)) == Some(&(dw - 1))
                    && let (Some(&pv), Some(dv)) =
                        (paths.get(index(v)), dependency.get_mut(index(v)))
                {
                    *dv += pv / pw * (1.0 + cw);
                }
            })?;
            if w != s
                && let Some(c) = centrality.get_mut(index(w))
            {
                *c += cw;
            }
        }
        for &v in &queue {
            let i = index(v);
            if let (Some(d), Some(p), Some(dep)) =
                (distance.get_mut(i), paths.get_mut(i), dependency.get_mut(i))
            {
                *d = u64::MAX;
                *p = 0.0;
                *dep = 0.0;
            }
        }
    }
    let mut scale = if sub.direction() == Direction::Both {
        0.5
    } else {
        1.0
    };
    if !chosen.is_empty() {
        scale *= sub.members().len() as f64 / chosen.len() as f64;
    }
    for c in &mut centrality {
        *c *= scale;
    }
    Ok(NodeValues::new(centrality, sub.members().clone()))
}

/// The sources of a betweenness run, in id order.
fn choose_sources<G: GraphRead + ?Sized>(
    sub: &Subgraph<'_, G>,
    sources: Sources,
) -> Result<Vec<NodeId>> {
    let mut all: Vec<NodeId> = sub.members().iter().collect();
    match sources {
        Sources::All => Ok(all),
        Sources::Sample { k: 0, .. } => Err(invalid("k", "must be at least 1")),
        Sources::Sample { k, seed } => {
            SplitMix::new(seed).shuffle(&mut all);
            all.truncate(usize::try_from(k).unwrap_or(usize::MAX));
            all.sort_unstable();
            Ok(all)
        }
    }
}

/// BFS from `source` that also counts shortest paths (`paths[source]` set to 1 by the caller).
fn bfs_counting(
    scanner: &mut Scanner<'_, impl graph::NeighborCursor>,
    source: NodeId,
    direction: Direction,
    distance: &mut [u64],
    paths: &mut [f64],
    queue: &mut Vec<NodeId>,
) -> Result<()> {
    queue.clear();
    queue.push(source);
    if let Some(d) = distance.get_mut(index(source)) {
        *d = 0;
    }
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let (dv, pv) = (
            distance.get(index(v)).copied().unwrap_or(0),
            paths.get(index(v)).copied().unwrap_or(0.0),
        );
        scanner.each(v, direction, |w| {
            let Some(d) = distance.get_mut(index(w)) else {
                return;
            };
            if *d == u64::MAX {
                *d = dv + 1;
                queue.push(w);
            }
            if *d == dv + 1
                && let Some(p) = paths.get_mut(index(w))
            {
                *p += pv;
            }
        })?;
    }
    Ok(())
}
