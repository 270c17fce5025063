//! `mmgraph.ReadTxn`: a snapshot of one commit, with the reads, traversals and paths of the
//! graph API. Long calls (traversals, paths, whole-graph reads) release the GIL.

use std::borrow::Cow;

use graph::{GraphRead, Neighbor, NodeId};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::convert::{self, NumpyValue, edge_types, follow, le_bytes, to_numpy};
use crate::errors::{InvalidError, from_graph};
use crate::guarded::Guarded;
use crate::records::{self, Edge, Node, Path};
use crate::weights::{EdgeCost, Estimate, Weight};

/// A read snapshot: sees the graph as of the commit it began at, whatever commits later.
/// `with g.read() as r:` ends it when the block ends (`close()` does the same); a snapshot
/// keeps the pages it sees from reuse, so long-lived ones make the file grow.
#[pyclass(module = "mmgraph", frozen)]
pub(crate) struct ReadTxn {
    pub(crate) inner: Guarded<graph::ReadTxn>,
}

/// Neighbour entries of `node`, in `direction`, of the edge types `types` (all if `None`).
fn neighbor_list<G: GraphRead + ?Sized>(
    g: &G,
    node: u64,
    direction: &str,
    types: &Option<Vec<String>>,
) -> PyResult<Vec<Neighbor>> {
    let direction = convert::direction(direction)?;
    let names: Vec<Option<&str>> = match types {
        None => vec![None],
        Some(types) => types.iter().map(|t| Some(t.as_str())).collect(),
    };
    let mut out = Vec::new();
    for name in names {
        for n in g
            .neighbors(NodeId(node), direction, name)
            .map_err(from_graph)?
        {
            out.push(n.map_err(from_graph)?);
        }
    }
    Ok(out)
}

/// Collects an id iterator of the graph API.
fn ids(iter: impl Iterator<Item = graph::Result<NodeId>>) -> PyResult<Vec<u64>> {
    iter.map(|r| r.map(|n| n.0).map_err(from_graph)).collect()
}

#[pymethods]
impl ReadTxn {
    /// The node `id` (a `Node`: id, kind, name, data), or `None`.
    fn node(&self, py: Python<'_>, id: u64) -> PyResult<Option<Node>> {
        self.inner.with(py, |r| records::read_node(r, id))
    }

    /// The edge `id` (an `Edge`: id, src, dst, type, data), or `None`.
    fn edge(&self, py: Python<'_>, id: u64) -> PyResult<Option<Edge>> {
        self.inner.with(py, |r| records::read_edge(r, id))
    }

    /// The number of live nodes.
    fn node_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.with(py, |r| Ok(r.node_count()))
    }

    /// The number of live edges.
    fn edge_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.with(py, |r| Ok(r.edge_count()))
    }

    /// The ids of `id`'s neighbours in `direction` (`"out"`, `"in"` or `"both"`), through edges
    /// of `types` (`None` for all, a name, or a list of names); a node reached by several edges
    /// is listed once per edge.
    #[pyo3(signature = (id, direction = "out", types = None))]
    fn neighbors(
        &self,
        py: Python<'_>,
        id: u64,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let types = edge_types(types)?;
        self.inner.with(py, |r| {
            Ok(neighbor_list(r, id, direction, &types)?
                .into_iter()
                .map(|n| n.node.0)
                .collect())
        })
    }

    /// Like `neighbors`, as `(neighbour, edge id, edge type)` tuples.
    #[pyo3(signature = (id, direction = "out", types = None))]
    fn neighbor_edges(
        &self,
        py: Python<'_>,
        id: u64,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<(u64, u64, String)>> {
        let types = edge_types(types)?;
        self.inner.with(py, |r| {
            neighbor_list(r, id, direction, &types)?
                .into_iter()
                .map(|n| {
                    let name = r.edge_type_name(n.edge_type).map_err(from_graph)?;
                    Ok((n.node.0, n.edge.0, name.into_owned()))
                })
                .collect()
        })
    }

    /// The number of `id`'s edges in `direction`, of `types` if given.
    #[pyo3(signature = (id, direction = "out", types = None))]
    fn degree(
        &self,
        py: Python<'_>,
        id: u64,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<u64> {
        let types = edge_types(types)?;
        self.inner.with(py, |r| match &types {
            None => r
                .degree(NodeId(id), convert::direction(direction)?)
                .map_err(from_graph),
            Some(_) => Ok(neighbor_list(r, id, direction, &types)?.len() as u64),
        })
    }

    /// Every kind in use, by name.
    fn kinds(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.inner.with(py, |r| {
            Ok(r.kinds()
                .map_err(from_graph)?
                .into_iter()
                .map(|k| k.1)
                .collect())
        })
    }

    /// Every edge type ever used, as a dict from its id (the codes of `edges_numpy`) to its name.
    fn edge_types(&self, py: Python<'_>) -> PyResult<std::collections::BTreeMap<u32, String>> {
        self.inner.with(py, |r| {
            Ok(r.edge_types().map_err(from_graph)?.into_iter().collect())
        })
    }

    /// The ids of the nodes of kind `kind`, ascending.
    fn nodes_by_kind(&self, py: Python<'_>, kind: &str) -> PyResult<Vec<u64>> {
        self.inner
            .detached(py, |r| ids(r.nodes_by_kind(kind).map_err(from_graph)?))
    }

    /// The number of nodes of kind `kind`.
    fn count_by_kind(&self, py: Python<'_>, kind: &str) -> PyResult<u64> {
        self.inner
            .detached(py, |r| r.count_by_kind(kind).map_err(from_graph))
    }

    /// The ids of the nodes named exactly `name` (none for the empty name: unnamed nodes are
    /// not indexed by name).
    fn nodes_by_name(&self, py: Python<'_>, name: &str) -> PyResult<Vec<u64>> {
        self.inner.with(py, |r| ids(r.nodes_by_name(name)))
    }

    /// The ids of the named nodes whose name starts with `prefix`, by name, then id.
    fn nodes_by_prefix(&self, py: Python<'_>, prefix: &str) -> PyResult<Vec<u64>> {
        self.inner
            .detached(py, |r| ids(r.nodes_by_name_prefix(prefix)))
    }

    /// The ids of every live node, ascending, as a numpy `uint64` array.
    fn node_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.inner.detached(py, |r| {
            let mut ids = Vec::with_capacity(usize::try_from(r.node_count()).unwrap_or(0));
            for node in r.nodes() {
                ids.push(node.map_err(from_graph)?.id().0);
            }
            Ok(le_bytes(&ids))
        })?;
        to_numpy::<u64>(py, &bytes)
    }

    /// The ids of every live edge, ascending (the order of `edges_numpy`), as a numpy
    /// `uint64` array.
    fn edge_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = self.inner.detached(py, |r| {
            let mut ids = Vec::with_capacity(usize::try_from(r.edge_count()).unwrap_or(0));
            r.for_each_edge_record(|id, _, _, _| ids.push(id.0))
                .map_err(from_graph)?;
            Ok(le_bytes(&ids))
        })?;
        to_numpy::<u64>(py, &bytes)
    }

    /// Every live edge as three numpy arrays `(src, dst, type)` in edge-id order: `uint64`
    /// node ids and `uint32` edge-type codes (`edge_types()` names them). One call, GIL
    /// released while reading.
    fn edges_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let (src, dst, types) = self.inner.detached(py, |r| {
            // Written as little-endian bytes as they are read: one pass, no second copy.
            let n = usize::try_from(r.edge_count()).unwrap_or(0);
            let (mut src, mut dst, mut types) = (
                Vec::with_capacity(n * 8),
                Vec::with_capacity(n * 8),
                Vec::with_capacity(n * 4),
            );
            r.for_each_edge_record(|_, from, to, edge_type| {
                from.0.put(&mut src);
                to.0.put(&mut dst);
                edge_type.put(&mut types);
            })
            .map_err(from_graph)?;
            Ok((src, dst, types))
        })?;
        PyTuple::new(
            py,
            [
                to_numpy::<u64>(py, &src)?,
                to_numpy::<u64>(py, &dst)?,
                to_numpy::<u32>(py, &types)?,
            ],
        )
    }

    /// Breadth-first search from `start`: `(node, depth)` pairs in visiting order, `start`
    /// first at depth 0, at most `max_depth` hops (`None`: no limit).
    #[pyo3(signature = (start, direction = "out", types = None, max_depth = None))]
    fn bfs(
        &self,
        py: Python<'_>,
        start: u64,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
        max_depth: Option<u32>,
    ) -> PyResult<Vec<(u64, u32)>> {
        let follow = follow(direction, edge_types(types)?)?;
        self.inner.detached(py, |r| {
            Ok(r.bfs(NodeId(start), follow, max_depth)
                .map_err(from_graph)?
                .into_iter()
                .map(|(n, d)| (n.0, d))
                .collect())
        })
    }

    /// The distinct nodes within `k` hops of `start`, `start` excluded, in visiting order.
    #[pyo3(signature = (start, k, direction = "out", types = None))]
    fn k_hop(
        &self,
        py: Python<'_>,
        start: u64,
        k: u32,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<u64>> {
        let follow = follow(direction, edge_types(types)?)?;
        self.inner.detached(py, |r| {
            Ok(r.k_hop(NodeId(start), k, follow)
                .map_err(from_graph)?
                .into_iter()
                .map(|n| n.0)
                .collect())
        })
    }

    /// A path of fewest hops from `src` to `dst` (a `Path`: nodes, edges, types, cost), or
    /// `None` when `dst` cannot be reached.
    #[pyo3(signature = (src, dst, direction = "out", types = None))]
    fn shortest_path(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Path>> {
        let follow = follow(direction, edge_types(types)?)?;
        self.inner.detached(py, |r| {
            match r
                .shortest_path_by(NodeId(src), NodeId(dst), follow)
                .map_err(from_graph)?
            {
                Some(p) => Ok(Some(records::path(r, &p, p.len() as f64)?)),
                None => Ok(None),
            }
        })
    }

    /// A cheapest path from `src` to `dst` by Dijkstra, or `None`. `weight` is `None` (each
    /// edge costs 1), the name of a numeric field of the edges' JSON data, or a callable given
    /// each `Edge` and returning its cost (weights must be finite and not negative). The GIL
    /// is released unless `weight` is a callable.
    #[pyo3(signature = (src, dst, weight = None, direction = "out", types = None))]
    fn dijkstra(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        weight: Option<&Bound<'_, PyAny>>,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Path>> {
        let follow = follow(direction, edge_types(types)?)?;
        fn run<C: EdgeCost>(
            r: &graph::ReadTxn,
            src: u64,
            dst: u64,
            follow: graph::Follow,
            weight: &mut C,
        ) -> PyResult<Option<Path>> {
            let found = r.dijkstra(NodeId(src), NodeId(dst), follow, |hop| weight.cost(r, hop));
            match weight.finish(found, from_graph)? {
                Some(p) => Ok(Some(records::path(r, &p.path, p.cost)?)),
                None => Ok(None),
            }
        }
        match Weight::parse(weight)? {
            Weight::Callable(mut w) => self.inner.with(py, |r| run(r, src, dst, follow, &mut w)),
            Weight::Data(mut w) => self
                .inner
                .detached(py, |r| run(r, src, dst, follow, &mut w)),
        }
    }

    /// A cheapest path from `src` to `dst` by A*, or `None`: Dijkstra guided by `estimate`, a
    /// callable given a node id and returning a lower bound on its cost to `dst` (the path is
    /// a cheapest one when the estimate never overestimates and is consistent). `weight` as in
    /// `dijkstra`. Holds the GIL: the estimate is Python.
    #[pyo3(signature = (src, dst, estimate, weight = None, direction = "out", types = None))]
    #[allow(clippy::too_many_arguments)]
    fn astar(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        estimate: &Bound<'_, PyAny>,
        weight: Option<&Bound<'_, PyAny>>,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Path>> {
        let follow = follow(direction, edge_types(types)?)?;
        let mut estimate = Estimate::new(estimate);
        fn run<C: EdgeCost>(
            r: &graph::ReadTxn,
            src: u64,
            dst: u64,
            follow: graph::Follow,
            weight: &mut C,
            estimate: &mut Estimate<'_, '_>,
        ) -> PyResult<Option<Path>> {
            let found = r.astar(
                NodeId(src),
                NodeId(dst),
                follow,
                |hop| weight.cost(r, hop),
                |node| estimate.cost(node),
            );
            if let Some(e) = estimate.failure() {
                return Err(e);
            }
            match weight.finish(found, from_graph)? {
                Some(p) => Ok(Some(records::path(r, &p.path, p.cost)?)),
                None => Ok(None),
            }
        }
        match Weight::parse(weight)? {
            Weight::Callable(mut w) => self
                .inner
                .with(py, |r| run(r, src, dst, follow, &mut w, &mut estimate)),
            Weight::Data(mut w) => self
                .inner
                .with(py, |r| run(r, src, dst, follow, &mut w, &mut estimate)),
        }
    }

    /// The cost of a cheapest path from `src` to every node it reaches (single-source
    /// Dijkstra): `(nodes uint64, costs float64)` arrays, nearest first, `src` first at 0.
    /// `weight` as in `dijkstra`.
    #[pyo3(signature = (src, weight = None, direction = "out", types = None))]
    fn distances<'py>(
        &self,
        py: Python<'py>,
        src: u64,
        weight: Option<&Bound<'py, PyAny>>,
        direction: &str,
        types: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let follow = follow(direction, edge_types(types)?)?;
        fn run<C: EdgeCost>(
            r: &graph::ReadTxn,
            src: u64,
            follow: graph::Follow,
            weight: &mut C,
        ) -> PyResult<(Vec<u8>, Vec<u8>)> {
            let found = r.distances(NodeId(src), follow, |hop| weight.cost(r, hop));
            let found = weight.finish(found, from_graph)?;
            let nodes: Vec<u64> = found.iter().map(|(n, _)| n.0).collect();
            let costs: Vec<f64> = found.iter().map(|(_, c)| *c).collect();
            Ok((le_bytes(&nodes), le_bytes(&costs)))
        }
        let (nodes, costs) = match Weight::parse(weight)? {
            Weight::Callable(mut w) => self.inner.with(py, |r| run(r, src, follow, &mut w))?,
            Weight::Data(mut w) => self.inner.detached(py, |r| run(r, src, follow, &mut w))?,
        };
        PyTuple::new(
            py,
            [to_numpy::<u64>(py, &nodes)?, to_numpy::<f64>(py, &costs)?],
        )
    }

    /// The `k` cheapest simple paths from `src` to `dst` (Yen), cheapest first; `weight` as in
    /// `dijkstra`.
    #[pyo3(signature = (src, dst, k, weight = None, direction = "out", types = None))]
    #[allow(clippy::too_many_arguments)]
    fn k_shortest_paths(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        k: usize,
        weight: Option<&Bound<'_, PyAny>>,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Path>> {
        let follow = follow(direction, edge_types(types)?)?;
        fn run<C: EdgeCost>(
            r: &graph::ReadTxn,
            ends: (u64, u64),
            k: usize,
            follow: graph::Follow,
            weight: &mut C,
        ) -> PyResult<Vec<Path>> {
            let found = r.k_shortest_paths(NodeId(ends.0), NodeId(ends.1), follow, k, |hop| {
                weight.cost(r, hop)
            });
            weight
                .finish(found, from_graph)?
                .iter()
                .map(|p| records::path(r, &p.path, p.cost))
                .collect()
        }
        match Weight::parse(weight)? {
            Weight::Callable(mut w) => self
                .inner
                .with(py, |r| run(r, (src, dst), k, follow, &mut w)),
            Weight::Data(mut w) => self
                .inner
                .detached(py, |r| run(r, (src, dst), k, follow, &mut w)),
        }
    }

    /// Every path of fewest hops from `src` to `dst`, at most `limit` of them (parallel edges
    /// give distinct paths); empty when `dst` cannot be reached.
    #[pyo3(signature = (src, dst, limit = 1000, direction = "out", types = None))]
    fn all_shortest_paths(
        &self,
        py: Python<'_>,
        src: u64,
        dst: u64,
        limit: usize,
        direction: &str,
        types: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Path>> {
        let follow = follow(direction, edge_types(types)?)?;
        self.inner.detached(py, |r| {
            r.all_shortest_paths(NodeId(src), NodeId(dst), follow, limit)
                .map_err(from_graph)?
                .iter()
                .map(|p| records::path(r, p, p.len() as f64))
                .collect()
        })
    }

    /// The vector indexes as dicts: name, dimension, metric, m, ef_construction, len.
    fn vector_indexes<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let infos = self
            .inner
            .with(py, |r| r.vector_indexes().map_err(from_graph))?;
        infos
            .into_iter()
            .map(|info| {
                let dict = PyDict::new(py);
                dict.set_item("name", info.name)?;
                dict.set_item("dimension", info.spec.dimension)?;
                dict.set_item("metric", convert::metric_name(info.spec.metric))?;
                dict.set_item("m", info.spec.m)?;
                dict.set_item("ef_construction", info.spec.ef_construction)?;
                dict.set_item("len", info.len)?;
                Ok(dict)
            })
            .collect()
    }

    /// The rows of the Cypher query `text` on this snapshot, as a list of dicts keyed by column
    /// (a node is `{"id", "labels", "properties"}`, a relationship `{"id", "type", "start",
    /// "end", "properties"}`); `params` is a dict for `$name`. A query that writes raises
    /// `ReadOnlyError`; a bad query raises `QueryError` naming the position.
    #[pyo3(signature = (text, params = None))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        params: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = crate::query::params(py, params)?;
        let rows = self
            .inner
            .detached(py, |r| crate::query::read_rows(r, text, &params))?;
        crate::records::parse_json(py, rows.as_bytes())
    }

    /// The external id an import gave node `id` (a file's id, a Parquet vertex id, a
    /// sqlitegraph entity id), or `None`.
    fn external_id(&self, py: Python<'_>, id: u64) -> PyResult<Option<String>> {
        self.inner.with(py, |r| {
            graph::external_ids::external_of(r, NodeId(id)).map_err(from_graph)
        })
    }

    /// The node an import gave external id `ext`, or `None`.
    fn node_of_external(&self, py: Python<'_>, ext: &str) -> PyResult<Option<u64>> {
        self.inner.with(py, |r| {
            Ok(graph::external_ids::node_of(r, ext)
                .map_err(from_graph)?
                .map(|node| node.0))
        })
    }

    /// The value of `key` (bytes or str) in key-value space `space`, or `None`.
    fn kv_get<'py>(
        &self,
        py: Python<'py>,
        space: &str,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let key = convert::key_bytes(key)?;
        self.inner.with(py, |r| {
            Ok(r.kv_get(space, &key)
                .map_err(from_graph)?
                .map(|v| PyBytes::new(py, &v)))
        })
    }

    /// The `(key, value)` entries of space `space` whose keys start with `prefix`, in key order.
    #[pyo3(signature = (space, prefix = None))]
    fn kv_items(
        &self,
        py: Python<'_>,
        space: &str,
        prefix: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<(Vec<u8>, Vec<u8>)>> {
        let prefix = prefix
            .map(convert::key_bytes)
            .transpose()?
            .unwrap_or_default();
        let entries: Vec<(Vec<u8>, Vec<u8>)> = self.inner.detached(py, |r| {
            r.kv_prefix(space, &prefix)
                .map_err(from_graph)?
                .map(|e| {
                    e.map(|(k, v)| (k.to_vec(), Cow::into_owned(v)))
                        .map_err(from_graph)
                })
                .collect()
        })?;
        Ok(entries)
    }

    /// The number of keys in space `space`.
    fn kv_len(&self, py: Python<'_>, space: &str) -> PyResult<u64> {
        self.inner.with(py, |r| r.kv_len(space).map_err(from_graph))
    }

    /// The key-value spaces that hold at least one key.
    fn kv_spaces(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.inner.with(py, |r| r.kv_spaces().map_err(from_graph))
    }

    /// `node`'s vector in `index` (normalised under cosine) as a numpy `float32` array, or `None`.
    fn vector<'py>(
        &self,
        py: Python<'py>,
        index: &str,
        node: u64,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let found = self
            .inner
            .with(py, |r| r.vector(index, NodeId(node)).map_err(from_graph))?;
        found
            .map(|v| to_numpy::<f32>(py, &le_bytes(&v)))
            .transpose()
    }

    /// The `k` nodes of vector index `index` nearest `query` (any array of floats): two numpy
    /// arrays `(ids uint64, distances float32)`, nearest first. HNSW search with `ef`
    /// candidates (default `max(k, 64)`), or every vector compared when `exact`. Filters (one
    /// at most): `kind` keeps only nodes of that kind; `near` keeps only nodes within `hops`
    /// hops of node `near` (not `near` itself) along `direction`, through edges of type
    /// `edge_type` only if given.
    #[pyo3(signature = (index, query, k = 10, ef = None, exact = false, kind = None, near = None, hops = 1, direction = "out", edge_type = None))]
    #[allow(clippy::too_many_arguments)]
    fn vector_search<'py>(
        &self,
        py: Python<'py>,
        index: &str,
        query: &Bound<'py, PyAny>,
        k: usize,
        ef: Option<usize>,
        exact: bool,
        kind: Option<&str>,
        near: Option<u64>,
        hops: u32,
        direction: &str,
        edge_type: Option<&str>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let query = convert::f32s(py, query)?;
        let ef = ef.unwrap_or(k.max(64));
        let filter = match (kind, near) {
            (Some(_), Some(_)) => {
                return Err(InvalidError::new_err(
                    "vector_search takes one filter: kind or near, not both",
                ));
            }
            (Some(kind), None) => Some(graph::VectorFilter::Kind(kind)),
            (None, Some(start)) => Some(graph::VectorFilter::Near {
                start: NodeId(start),
                hops,
                direction: convert::direction(direction)?,
                edge_type,
            }),
            (None, None) => None,
        };
        if exact && filter.is_some() {
            return Err(InvalidError::new_err(
                "an exact search compares every vector: filter its hits instead",
            ));
        }
        let (ids, distances) = self.inner.detached(py, |r| {
            let hits = match (exact, &filter) {
                (true, _) => r.vector_search_exact(index, &query, k),
                (false, Some(filter)) => r.vector_search_filtered(index, &query, k, ef, filter),
                (false, None) => r.vector_search(index, &query, k, ef),
            }
            .map_err(from_graph)?;
            let ids: Vec<u64> = hits.iter().map(|h| h.node.0).collect();
            let distances: Vec<f32> = hits.iter().map(|h| h.distance).collect();
            Ok((le_bytes(&ids), le_bytes(&distances)))
        })?;
        PyTuple::new(
            py,
            [to_numpy::<u64>(py, &ids)?, to_numpy::<f32>(py, &distances)?],
        )
    }

    /// The commit this snapshot sees.
    #[getter]
    fn txn_id(&self, py: Python<'_>) -> PyResult<u64> {
        self.inner.with(py, |r| Ok(r.txn_id()))
    }

    /// Ends the snapshot (later calls raise `ClosedError`); ending it twice is harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        drop(self.inner.take(py)?);
        Ok(())
    }

    fn __enter__(slf: Py<ReadTxn>) -> Py<ReadTxn> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }
}
