//! Edge weights for weighted paths and algorithms: each edge costs 1, or the number in a field
//! of its JSON data, or what a Python callable returns for it. A failure (a missing field, an
//! exception in the callable) stops the traversal and is raised as it is, not as a weight error.

use graph::{GraphRead, Neighbor};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::InvalidError;
use crate::records;

/// The cost of one edge, and the Python error that stopped a run, if any.
pub(crate) trait EdgeCost {
    /// The cost of the edge `hop` of `g` (a stand-in error after a failure kept for Python).
    fn cost<G: GraphRead + ?Sized>(&mut self, g: &G, hop: Neighbor) -> graph::Result<f64>;

    /// The failure that stopped the run, if one did.
    fn failure(&mut self) -> Option<PyErr>;

    /// `result`, unless a failure of this weight stopped it: then that failure.
    fn finish<T, E>(
        &mut self,
        result: Result<T, E>,
        convert: impl FnOnce(E) -> PyErr,
    ) -> PyResult<T> {
        match (self.failure(), result) {
            (Some(e), _) => Err(e),
            (None, r) => r.map_err(convert),
        }
    }
}

/// The error that stops a traversal once a failure has been kept.
fn stop() -> graph::Error {
    graph::Error::InvalidWeight {
        what: "weight".to_owned(),
        value: f64::NAN,
    }
}

/// A weight that needs no Python: 1 per edge, or a numeric field of the edge's JSON data.
pub(crate) struct DataWeight {
    field: Option<String>,
    failure: Option<PyErr>,
}

impl EdgeCost for DataWeight {
    fn cost<G: GraphRead + ?Sized>(&mut self, g: &G, hop: Neighbor) -> graph::Result<f64> {
        let Some(field) = &self.field else {
            return Ok(1.0);
        };
        let Some(edge) = g.edge(hop.edge)? else {
            return Err(graph::Error::EdgeNotFound(hop.edge));
        };
        let value: Option<f64> = serde_json::from_slice::<serde_json::Value>(&edge.data()?)
            .ok()
            .and_then(|v| v.get(field).and_then(serde_json::Value::as_f64));
        value.ok_or_else(|| {
            self.failure = Some(InvalidError::new_err(format!(
                "edge {} has no number in field {field:?} of its JSON data",
                hop.edge
            )));
            stop()
        })
    }

    fn failure(&mut self) -> Option<PyErr> {
        self.failure.take()
    }
}

/// A weight computed by a Python callable from each `Edge` (needs the GIL).
pub(crate) struct CallableWeight<'a, 'py> {
    function: &'a Bound<'py, PyAny>,
    failure: Option<PyErr>,
}

impl EdgeCost for CallableWeight<'_, '_> {
    fn cost<G: GraphRead + ?Sized>(&mut self, g: &G, hop: Neighbor) -> graph::Result<f64> {
        let called = records::read_edge(g, hop.edge.0).and_then(|edge| match edge {
            Some(edge) => self.function.call1((edge,))?.extract::<f64>(),
            None => Err(crate::errors::from_graph(graph::Error::EdgeNotFound(
                hop.edge,
            ))),
        });
        called.map_err(|e| {
            self.failure = Some(e);
            stop()
        })
    }

    fn failure(&mut self) -> Option<PyErr> {
        self.failure.take()
    }
}

/// A*'s estimate: a Python callable given a node id, returning a lower bound on that node's
/// cost to the target (needs the GIL). A failure stops the search and is kept for Python.
pub(crate) struct Estimate<'a, 'py> {
    function: &'a Bound<'py, PyAny>,
    failure: Option<PyErr>,
}

impl<'a, 'py> Estimate<'a, 'py> {
    /// The estimate `function` computes.
    pub(crate) fn new(function: &'a Bound<'py, PyAny>) -> Estimate<'a, 'py> {
        Estimate {
            function,
            failure: None,
        }
    }

    /// The estimate for `node` (a stand-in error after a failure kept for Python).
    pub(crate) fn cost(&mut self, node: graph::NodeId) -> graph::Result<f64> {
        self.function
            .call1((node.0,))
            .and_then(|v| v.extract::<f64>())
            .map_err(|e| {
                self.failure = Some(e);
                stop()
            })
    }

    /// The failure that stopped the search, if one did.
    pub(crate) fn failure(&mut self) -> Option<PyErr> {
        self.failure.take()
    }
}

/// A weight argument: `None`, a field name, or a callable.
pub(crate) enum Weight<'a, 'py> {
    /// A weight Rust computes alone (the GIL can be released).
    Data(DataWeight),
    /// A Python callable.
    Callable(CallableWeight<'a, 'py>),
}

impl<'a, 'py> Weight<'a, 'py> {
    /// The weight `weight` names.
    pub(crate) fn parse(weight: Option<&'a Bound<'py, PyAny>>) -> PyResult<Weight<'a, 'py>> {
        let field = match weight {
            None => None,
            Some(w) if w.is_none() => None,
            Some(w) => match w.cast::<PyString>() {
                Ok(name) => Some(name.extract::<String>()?),
                Err(_) if w.is_callable() => {
                    return Ok(Weight::Callable(CallableWeight {
                        function: w,
                        failure: None,
                    }));
                }
                Err(_) => {
                    return Err(InvalidError::new_err(
                        "weight must be None, the name of a field of the edges' JSON data, or a callable",
                    ));
                }
            },
        };
        Ok(Weight::Data(DataWeight {
            field,
            failure: None,
        }))
    }
}
