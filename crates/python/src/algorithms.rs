//! `mmgraph.algo`: the algorithms of the `algo` crate over a read snapshot, with the GIL
//! released. Per-node results are numpy arrays indexed by node id (one entry per id up to the
//! highest node id): floats are NaN and integers -1 for ids with no value (deleted nodes,
//! nodes outside the view, nodes a traversal did not reach).
//!
//! Every function takes the snapshot first and the view after it: `types` (edge types, `None`
//! for all), `direction` (`"out"`, `"in"` or `"both"`) and `kinds` (kinds of node, `None` for
//! all).

use algo::{Control, NodeValues, View};
use graph::NodeId;
use pyo3::prelude::*;

use crate::convert::{self, NumpyValue, edge_types, le_bytes, to_numpy};
use crate::errors::{InvalidError, from_algo};
use crate::read::ReadTxn;
use crate::weights::{DataWeight, EdgeCost, Weight};

/// The view the arguments describe.
fn view(
    types: Option<&Bound<'_, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'_, PyAny>>,
) -> PyResult<View> {
    let mut view = View::new().direction(convert::direction(direction)?);
    for t in edge_types(types)?.unwrap_or_default() {
        view = view.edge_type(t);
    }
    for k in edge_types(kinds)?.unwrap_or_default() {
        view = view.kind(k);
    }
    Ok(view)
}

/// `values` dense by node id, `missing` where a node has none, as little-endian bytes.
fn dense<T, U: NumpyValue>(values: &NodeValues<T>, missing: U, f: impl Fn(&T) -> U) -> Vec<u8> {
    let out: Vec<U> = (0..values.as_slice().len() as u64)
        .map(|id| values.get(NodeId(id)).map_or(missing, &f))
        .collect();
    le_bytes(&out)
}

/// The weight `weight` names for `function`: each edge 1, or a numeric field of the edges'
/// data. A callable is refused: these run with the GIL released (`ReadTxn.dijkstra` takes one).
fn data_weight(weight: Option<&Bound<'_, PyAny>>, function: &str) -> PyResult<DataWeight> {
    match Weight::parse(weight)? {
        Weight::Data(w) => Ok(w),
        Weight::Callable(_) => Err(InvalidError::new_err(format!(
            "{function} takes a field name for its weight; ReadTxn.dijkstra takes a callable"
        ))),
    }
}

/// Runs `f` on `r`'s snapshot with the GIL released and a fresh `Control`.
fn run<R: Send>(
    py: Python<'_>,
    r: &ReadTxn,
    f: impl FnOnce(&graph::ReadTxn, &mut Control<'_>) -> algo::Result<R> + Send,
) -> PyResult<R> {
    r.inner
        .detached(py, |t| f(t, &mut Control::new()).map_err(from_algo))
}

/// Breadth-first levels from `source`: hops from it, -1 where unreached (Graphalytics BFS).
#[pyfunction]
#[pyo3(signature = (r, source, types = None, direction = "out", kinds = None))]
fn bfs_levels<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    source: u64,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        let levels = algo::bfs_levels(t, &view, NodeId(source), c)?;
        Ok(dense(&levels, -1i64, |&l| {
            if l == u32::MAX { -1 } else { i64::from(l) }
        }))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// PageRank (Graphalytics' definition) with `damping` for `iterations` iterations.
#[pyfunction]
#[pyo3(signature = (r, damping = 0.85, iterations = 20, types = None, direction = "out", kinds = None))]
#[allow(clippy::too_many_arguments)]
fn pagerank<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    damping: f64,
    iterations: u32,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let params = algo::PageRankParams {
        damping,
        iterations,
    };
    let bytes = run(py, r, |t, c| {
        Ok(dense(
            &algo::pagerank(t, &view, &params, c)?,
            f64::NAN,
            |v| *v,
        ))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// Personalised PageRank: random jumps land on `sources` only, evenly.
#[pyfunction]
#[pyo3(signature = (r, sources, damping = 0.85, iterations = 20, types = None, direction = "out", kinds = None))]
#[allow(clippy::too_many_arguments)]
fn personalized_pagerank<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    sources: &Bound<'py, PyAny>,
    damping: f64,
    iterations: u32,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let sources: Vec<NodeId> = convert::u64s(py, sources)?
        .into_iter()
        .map(NodeId)
        .collect();
    let params = algo::PageRankParams {
        damping,
        iterations,
    };
    let bytes = run(py, r, |t, c| {
        let ranks = algo::personalized_pagerank(t, &view, &sources, &params, c)?;
        Ok(dense(&ranks, f64::NAN, |v| *v))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// Weakly connected components: each node's component, named by its smallest node id.
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn wcc<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(&algo::wcc(t, &view, c)?, -1i64, node_i64))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Strongly connected components, numbered 0.. in a topological order of the condensation.
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn scc<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(&algo::scc(t, &view, c)?.component, -1i64, u64_i64))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Community detection by label propagation (Graphalytics CDLP) for `iterations` rounds.
#[pyfunction]
#[pyo3(signature = (r, iterations = 10, types = None, direction = "out", kinds = None))]
fn cdlp<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    iterations: u32,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(
            &algo::cdlp(t, &view, iterations, c)?,
            -1i64,
            node_i64,
        ))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Local clustering coefficients (Graphalytics LCC).
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn lcc<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(&algo::lcc(t, &view, c)?, f64::NAN, |v| *v))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// Triangles through each node, edges taken undirected.
#[pyfunction]
#[pyo3(signature = (r, types = None, kinds = None))]
fn triangles<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, "both", kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(&algo::triangles(t, &view, c)?, -1i64, u64_i64))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Each node's core number (the largest k of a k-core holding it).
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "both", kinds = None))]
fn k_core<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(&algo::k_core(t, &view, c)?, -1i64, u64_i64))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Each node's degree in the view.
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn degree_centrality<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(
            &algo::degree_centrality(t, &view, c)?,
            -1i64,
            u64_i64,
        ))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// Closeness centrality (Wasserman-Faust, as networkx computes it).
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn closeness_centrality<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(
            &algo::closeness_centrality(t, &view, c)?,
            f64::NAN,
            |v| *v,
        ))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// Exact betweenness centrality (Brandes), from every node.
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
fn betweenness_centrality<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        let values = algo::betweenness_centrality(t, &view, algo::Sources::All, c)?;
        Ok(dense(&values, f64::NAN, |v| *v))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// Louvain communities: `(community array, modularity)`; the same `seed` gives the same answer.
#[pyfunction]
#[pyo3(signature = (r, seed = 0, types = None, kinds = None))]
fn louvain<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    seed: u64,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, f64)> {
    let view = view(types, "both", kinds)?;
    let (bytes, modularity) = run(py, r, |t, c| {
        let found = algo::louvain(t, &view, seed, c)?;
        Ok((dense(&found.community, -1i64, u64_i64), found.modularity))
    })?;
    Ok((to_numpy::<i64>(py, &bytes)?, modularity))
}

/// Single-source cheapest-path costs from `source` (NaN where unreached). `weight` is `None`
/// (each edge costs 1) or the name of a numeric field of the edges' JSON data.
#[pyfunction]
#[pyo3(signature = (r, source, weight = None, types = None, direction = "out", kinds = None))]
#[allow(clippy::too_many_arguments)]
fn sssp<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    source: u64,
    weight: Option<&Bound<'py, PyAny>>,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let mut weight = data_weight(weight, "sssp")?;
    let bytes = r.inner.detached(py, |t| {
        let found = algo::sssp(
            t,
            &view,
            NodeId(source),
            |_, hop: &graph::Neighbor| weight.cost(t, *hop).map_err(algo::Error::Graph),
            &mut Control::new(),
        );
        let costs = weight.finish(found, from_algo)?;
        Ok(dense(&costs, f64::NAN, |v| {
            if v.is_finite() { *v } else { f64::NAN }
        }))
    })?;
    to_numpy::<f64>(py, &bytes)
}

/// The nodes of the view in a topological order (`InvalidError` naming a cycle if it has one).
#[pyfunction]
#[pyo3(signature = (r, types = None, kinds = None))]
fn topological_sort<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, "out", kinds)?;
    let bytes = run(py, r, |t, c| {
        let order: Vec<u64> = algo::topological_sort(t, &view, c)?
            .into_iter()
            .map(|n| n.0)
            .collect();
        Ok(le_bytes(&order))
    })?;
    to_numpy::<u64>(py, &bytes)
}

/// The nodes reachable from `source` along the view (`source` included), in id order.
#[pyfunction]
#[pyo3(signature = (r, source, types = None, direction = "out", kinds = None))]
fn reachable<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    source: u64,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, direction, kinds)?;
    let bytes = run(py, r, |t, c| {
        let reached: Vec<u64> = algo::reachable(t, &view, NodeId(source), c)?
            .iter()
            .map(|n| n.0)
            .collect();
        Ok(le_bytes(&reached))
    })?;
    to_numpy::<u64>(py, &bytes)
}

/// `(src, dst)` arrays, one pair per edge.
fn pair_arrays<'py>(
    py: Python<'py>,
    pairs: &[(u64, u64)],
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let (from, to): (Vec<u64>, Vec<u64>) = pairs.iter().copied().unzip();
    Ok((
        to_numpy::<u64>(py, &le_bytes(&from))?,
        to_numpy::<u64>(py, &le_bytes(&to))?,
    ))
}

/// The transitive reduction of a DAG view as `(src, dst)` arrays: the edges that no longer
/// path makes redundant, sorted (`InvalidError` naming a cycle if the view has one).
#[pyfunction]
#[pyo3(signature = (r, types = None, kinds = None))]
fn transitive_reduction<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let view = view(types, "out", kinds)?;
    let pairs = run(py, r, |t, c| {
        Ok(algo::transitive_reduction(t, &view, c)?
            .into_iter()
            .map(|(a, b)| (a.0, b.0))
            .collect::<Vec<_>>())
    })?;
    pair_arrays(py, &pairs)
}

/// The condensation: each node's strongly connected component (numbered in a topological
/// order, -1 for ids outside the view) and the distinct edges between components as
/// `(src, dst)` arrays, every one from a smaller number to a larger.
#[pyfunction]
#[pyo3(signature = (r, types = None, direction = "out", kinds = None))]
#[allow(clippy::type_complexity)]
fn condensation<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    types: Option<&Bound<'py, PyAny>>,
    direction: &str,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyAny>, Bound<'py, PyAny>))> {
    let view = view(types, direction, kinds)?;
    let (component, pairs) = run(py, r, |t, c| {
        let components = algo::scc(t, &view, c)?;
        let pairs = algo::condensation(t, &view, &components, c)?;
        Ok((dense(&components.component, -1i64, u64_i64), pairs))
    })?;
    Ok((to_numpy::<i64>(py, &component)?, pair_arrays(py, &pairs)?))
}

/// Immediate dominators from `entry` (Cooper-Harvey-Kennedy): each reachable node's immediate
/// dominator (`entry`'s is itself), -1 where unreached.
#[pyfunction]
#[pyo3(signature = (r, entry, types = None, kinds = None))]
fn dominators<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    entry: u64,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = view(types, "out", kinds)?;
    let bytes = run(py, r, |t, c| {
        Ok(dense(
            &algo::dominators(t, &view, NodeId(entry), c)?,
            -1i64,
            node_i64,
        ))
    })?;
    to_numpy::<i64>(py, &bytes)
}

/// A minimum spanning forest of the undirected view (Prim's, from each unspanned node):
/// `(src, dst, edge)` arrays of its edges and their total weight. `weight` is `None` (each
/// edge weighs 1) or the name of a numeric field of the edges' JSON data.
#[pyfunction]
#[pyo3(signature = (r, weight = None, types = None, kinds = None))]
#[allow(clippy::type_complexity)]
fn minimum_spanning_forest<'py>(
    py: Python<'py>,
    r: &ReadTxn,
    weight: Option<&Bound<'py, PyAny>>,
    types: Option<&Bound<'py, PyAny>>,
    kinds: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>, f64)> {
    let view = view(types, "both", kinds)?;
    let mut weight = data_weight(weight, "minimum_spanning_forest")?;
    let (from, to, edges, total) = r.inner.detached(py, |t| {
        let found = algo::minimum_spanning_forest(
            t,
            &view,
            |_, hop: &graph::Neighbor| weight.cost(t, *hop).map_err(algo::Error::Graph),
            &mut Control::new(),
        );
        let forest = weight.finish(found, from_algo)?;
        let mut columns = (Vec::new(), Vec::new(), Vec::new(), forest.weight);
        for (a, b, e) in forest.edges {
            columns.0.push(a.0);
            columns.1.push(b.0);
            columns.2.push(e.0);
        }
        Ok(columns)
    })?;
    Ok((
        to_numpy::<u64>(py, &le_bytes(&from))?,
        to_numpy::<u64>(py, &le_bytes(&to))?,
        to_numpy::<u64>(py, &le_bytes(&edges))?,
        total,
    ))
}

fn node_i64(n: &NodeId) -> i64 {
    u64_i64(&n.0)
}

/// Node ids and counts fit in 40 bits: never negative as `i64`.
fn u64_i64(v: &u64) -> i64 {
    i64::try_from(*v).unwrap_or(i64::MAX)
}

/// Adds the algorithm functions to `module` (`mmgraph._mmgraph.algo`).
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(bfs_levels, module)?)?;
    module.add_function(wrap_pyfunction!(pagerank, module)?)?;
    module.add_function(wrap_pyfunction!(personalized_pagerank, module)?)?;
    module.add_function(wrap_pyfunction!(wcc, module)?)?;
    module.add_function(wrap_pyfunction!(scc, module)?)?;
    module.add_function(wrap_pyfunction!(cdlp, module)?)?;
    module.add_function(wrap_pyfunction!(lcc, module)?)?;
    module.add_function(wrap_pyfunction!(triangles, module)?)?;
    module.add_function(wrap_pyfunction!(k_core, module)?)?;
    module.add_function(wrap_pyfunction!(degree_centrality, module)?)?;
    module.add_function(wrap_pyfunction!(closeness_centrality, module)?)?;
    module.add_function(wrap_pyfunction!(betweenness_centrality, module)?)?;
    module.add_function(wrap_pyfunction!(louvain, module)?)?;
    module.add_function(wrap_pyfunction!(sssp, module)?)?;
    module.add_function(wrap_pyfunction!(topological_sort, module)?)?;
    module.add_function(wrap_pyfunction!(reachable, module)?)?;
    module.add_function(wrap_pyfunction!(transitive_reduction, module)?)?;
    module.add_function(wrap_pyfunction!(condensation, module)?)?;
    module.add_function(wrap_pyfunction!(dominators, module)?)?;
    module.add_function(wrap_pyfunction!(minimum_spanning_forest, module)?)?;
    Ok(())
}
