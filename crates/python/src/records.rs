//! What reads return to Python: nodes, edges and paths as small immutable objects, copied out
//! of the snapshot (a view into the file cannot outlive the call that read it).

use graph::GraphRead;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::from_graph;

/// A node: `id`, `kind`, `name` and `data` (bytes; `json()` parses them).
#[pyclass(module = "mmgraph", frozen, get_all)]
pub(crate) struct Node {
    /// The node's id.
    pub(crate) id: u64,
    /// Its kind.
    pub(crate) kind: String,
    /// Its name.
    pub(crate) name: String,
    data: Vec<u8>,
}

#[pymethods]
impl Node {
    /// The node's data, as stored.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.data)
    }

    /// The node's data parsed as JSON (what `add_node(..., data=obj)` stored for an object).
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        parse_json(py, &self.data)
    }

    fn __repr__(&self) -> String {
        format!(
            "Node(id={}, kind={:?}, name={:?}, data=<{} bytes>)",
            self.id,
            self.kind,
            self.name,
            self.data.len()
        )
    }
}

/// An edge: `id`, `src`, `dst`, `type` and `data` (bytes; `json()` parses them).
#[pyclass(module = "mmgraph", frozen, get_all)]
pub(crate) struct Edge {
    /// The edge's id.
    pub(crate) id: u64,
    /// The node it leaves.
    pub(crate) src: u64,
    /// The node it enters.
    pub(crate) dst: u64,
    /// Its type.
    #[pyo3(name = "type")]
    pub(crate) edge_type: String,
    data: Vec<u8>,
}

#[pymethods]
impl Edge {
    /// The edge's data, as stored.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.data)
    }

    /// The edge's data parsed as JSON.
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        parse_json(py, &self.data)
    }

    fn __repr__(&self) -> String {
        format!(
            "Edge(id={}, src={}, dst={}, type={:?}, data=<{} bytes>)",
            self.id,
            self.src,
            self.dst,
            self.edge_type,
            self.data.len()
        )
    }
}

/// A path: `nodes` (both ends included), and per hop the `edges` taken and their `types`;
/// `cost` is the sum of the weights for a weighted path, else the number of hops.
#[pyclass(module = "mmgraph", frozen, get_all)]
pub(crate) struct Path {
    /// The nodes along the path, both ends included.
    pub(crate) nodes: Vec<u64>,
    /// The edge taken at each hop.
    pub(crate) edges: Vec<u64>,
    /// The type of the edge taken at each hop.
    pub(crate) types: Vec<String>,
    /// The sum of the edges' weights (the hop count when unweighted).
    pub(crate) cost: f64,
}

#[pymethods]
impl Path {
    fn __len__(&self) -> usize {
        self.edges.len()
    }

    fn __repr__(&self) -> String {
        format!("Path(nodes={:?}, cost={})", self.nodes, self.cost)
    }
}

pub(crate) fn parse_json<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (PyBytes::new(py, data),))
}

/// The node `id` of `g`, copied out.
pub(crate) fn read_node<G: GraphRead + ?Sized>(g: &G, id: u64) -> PyResult<Option<Node>> {
    let Some(node) = g.node(graph::NodeId(id)).map_err(from_graph)? else {
        return Ok(None);
    };
    Ok(Some(Node {
        id,
        kind: node.kind().map_err(from_graph)?.into_owned(),
        name: node.name().map_err(from_graph)?.into_owned(),
        data: node.data().map_err(from_graph)?.into_owned(),
    }))
}

/// The edge `id` of `g`, copied out.
pub(crate) fn read_edge<G: GraphRead + ?Sized>(g: &G, id: u64) -> PyResult<Option<Edge>> {
    let Some(edge) = g.edge(graph::EdgeId(id)).map_err(from_graph)? else {
        return Ok(None);
    };
    Ok(Some(Edge {
        id,
        src: edge.from().0,
        dst: edge.to().0,
        edge_type: edge.edge_type().map_err(from_graph)?.into_owned(),
        data: edge.data().map_err(from_graph)?.into_owned(),
    }))
}

/// `path` with its edge types named, and its cost.
pub(crate) fn path<G: GraphRead + ?Sized>(g: &G, path: &graph::Path, cost: f64) -> PyResult<Path> {
    let types = path
        .hops
        .iter()
        .map(|h| {
            g.edge_type_name(h.edge_type)
                .map(|n| n.into_owned())
                .map_err(from_graph)
        })
        .collect::<PyResult<Vec<String>>>()?;
    Ok(Path {
        nodes: path.nodes().into_iter().map(|n| n.0).collect(),
        edges: path.hops.iter().map(|h| h.edge.0).collect(),
        types,
        cost,
    })
}
