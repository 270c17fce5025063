//! The algorithms' error type.

use graph::{EdgeId, NodeId};

/// Everything that can stop an algorithm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the graph failed (I/O, a damaged file).
    #[error(transparent)]
    Graph(#[from] graph::Error),
    /// The view names an edge type that no edge ever had.
    #[error("unknown edge type {0:?}")]
    UnknownEdgeType(String),
    /// The view names a kind that no node ever had.
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    /// A parameter outside its domain (zero iterations, damping outside (0, 1), ...).
    #[error("invalid parameter {name}: {why}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// What is wrong with its value.
        why: String,
    },
    /// An edge weight that is negative or not a number.
    #[error("edge {edge} has weight {weight}: weights must be non-negative numbers")]
    InvalidWeight {
        /// The edge.
        edge: EdgeId,
        /// Its weight.
        weight: f64,
    },
    /// A start node that does not exist or is outside the view.
    #[error("node {0} is not in the view")]
    NodeNotInView(NodeId),
    /// An edge leads to a node id the graph never handed out: the file is damaged.
    #[error("an edge of node {from} leads to node {to}, which was never created")]
    DanglingEdge {
        /// The node whose list holds the edge.
        from: NodeId,
        /// The id past the graph's nodes.
        to: NodeId,
    },
    /// The graph (in the view) has a cycle where the algorithm needs a DAG; `cycle` lists the
    /// nodes of one, each with an edge to the next and the last to the first.
    #[error("the view has a cycle through {} nodes, starting at node {}", cycle.len(), cycle.first().map_or(0, |n| n.0))]
    Cycle {
        /// The nodes of one cycle, in order.
        cycle: Vec<NodeId>,
    },
    /// The run was cancelled through its [`crate::Control`]; nothing was written.
    #[error("cancelled")]
    Cancelled,
}

/// The algorithms' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error for parameter `name` being wrong in the way `why` says.
pub(crate) fn invalid(name: &'static str, why: impl Into<String>) -> Error {
    Error::InvalidParameter {
        name,
        why: why.into(),
    }
}
