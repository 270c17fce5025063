//! PageRank (Graphalytics PR) and personalised PageRank.

use graph::{GraphRead, NodeId};

use crate::control::Control;
use crate::error::{Result, invalid};
use crate::members::index;
use crate::values::NodeValues;
use crate::view::{Subgraph, View};

/// PageRank's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageRankParams {
    /// The probability of following an edge rather than jumping, in (0, 1). Graphalytics: 0.85.
    pub damping: f64,
    /// How many iterations to run, at least 1.
    pub iterations: u32,
}

impl Default for PageRankParams {
    fn default() -> PageRankParams {
        PageRankParams {
            damping: 0.85,
            iterations: 20,
        }
    }
}

impl PageRankParams {
    fn check(&self) -> Result<()> {
        if !(self.damping > 0.0 && self.damping < 1.0) {
            return Err(invalid(
                "damping",
                format!("{} is not in (0, 1)", self.damping),
            ));
        }
        if self.iterations == 0 {
            return Err(invalid("iterations", "must be at least 1"));
        }
        Ok(())
    }
}

/// PageRank as Graphalytics defines it, for `params.iterations` fixed iterations in `f64`:
/// every node starts at 1/N; each iteration gives node v
/// `(1 - d)/N + d * (sum over edges u->v of PR(u)/out(u) + sum over nodes w without out-edges
/// of PR(w)/N)`, N the nodes of the view, `out` counted in the view (edges with multiplicity).
/// With [`graph::Direction::Both`] every edge counts both ways.
///
/// Time O(iterations * (V + E)) edge reads; memory three `f64`/`u64` vectors by node id. Each
/// iteration pulls along the reversed view in one scan of its lists in id order.
pub fn pagerank<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    params: &PageRankParams,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    params.check()?;
    let sub = view.resolve(g, control)?;
    let n = sub.members().len() as f64;
    let mut jump = vec![0.0; sub.bound()];
    for v in sub.members().iter() {
        if let Some(j) = jump.get_mut(index(v)) {
            *j = 1.0 / n;
        }
    }
    run(&sub, params, &jump, control)
}

/// Personalised PageRank: PageRank whose random jumps (and dangling mass) land on `sources`
/// only, evenly, instead of on every node; ranks start on `sources` too. Each source must be a
/// node of the view. Same cost as [`pagerank`].
pub fn personalized_pagerank<G: GraphRead + ?Sized>(
    g: &G,
    view: &View,
    sources: &[NodeId],
    params: &PageRankParams,
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    params.check()?;
    if sources.is_empty() {
        return Err(invalid("sources", "at least one source node is needed"));
    }
    let sub = view.resolve(g, control)?;
    let mut jump = vec![0.0; sub.bound()];
    let mut distinct = sources.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    for &s in &distinct {
        sub.require(s)?;
        if let Some(j) = jump.get_mut(index(s)) {
            *j = 1.0 / distinct.len() as f64;
        }
    }
    run(&sub, params, &jump, control)
}

/// The power iteration, teleporting by the distribution `jump` (which sums to 1 over the view).
fn run<G: GraphRead + ?Sized>(
    sub: &Subgraph<'_, G>,
    params: &PageRankParams,
    jump: &[f64],
    control: &mut Control<'_>,
) -> Result<NodeValues<f64>> {
    let members = sub.members();
    let bound = sub.bound();
    let mut scanner = sub.scanner();
    let out_degree = scanner.degrees(sub.direction(), |v| {
        control.tick("degree", v.0, bound as u64)
    })?;
    let d = params.damping;
    let mut rank = jump.to_vec();
    // `share[u]` is rank[u] / out(u): what u sends along each edge.
    let mut share = vec![0.0; bound];
    for iteration in 0..params.iterations {
        control.check(
            "iteration",
            u64::from(iteration),
            u64::from(params.iterations),
        )?;
        // Over every id, members or not: a node outside the view has rank 0 and degree 0, so
        // it adds nothing, and a plain loop over the three vectors runs without lookups.
        let mut dangling = 0.0;
        for ((s, &r), &deg) in share.iter_mut().zip(&rank).zip(&out_degree) {
            if deg == 0 {
                dangling += r;
                *s = 0.0;
            } else {
                *s = r / deg as f64;
            }
        }
        // Each node's rank without what its in-edges bring (all of it for a node without
        // any, and 0 outside the view, where `jump` is 0), then the in-edges' shares added
        // in one pass over the reversed view's lists in file order.
        for (r, &j) in rank.iter_mut().zip(jump) {
            *r = (1.0 - d) * j + d * dangling * j;
        }
        let share = share.as_slice();
        scanner.for_each_stretch(sub.reverse(), |v, stretch| {
            let sum = stretch.sum_by_id(share)?;
            if let Some(r) = rank.get_mut(index(v)) {
                *r += d * sum;
            }
            Ok(())
        })?;
    }
    Ok(NodeValues::new(rank, members.clone()))
}
