//! The transaction a query runs in: reads through [`graph::GraphRead`] on either kind of
//! transaction, writes only on a write transaction.

use graph::{Direction, EdgeId, GraphRead, NodeId, PropertyMap, PropertyRead, WriteTxn};

use crate::error::{Error, ErrorClass, Result};
use crate::value::Value;

/// Reads and, on a write transaction, writes.
pub(crate) trait Store {
    /// The transaction reads go through.
    type R: GraphRead + ?Sized;
    /// The transaction, for reads.
    fn read(&self) -> &Self::R;
    /// The transaction, for writes; [`Error::ReadOnly`] on a read transaction.
    fn write(&mut self) -> Result<&mut WriteTxn>;
}

/// A read transaction (or a write transaction used only to read).
pub(crate) struct ReadOnly<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: GraphRead + ?Sized> Store for ReadOnly<'_, T> {
    type R = T;
    fn read(&self) -> &T {
        self.0
    }
    fn write(&mut self) -> Result<&mut WriteTxn> {
        Err(Error::ReadOnly)
    }
}

impl Store for WriteTxn {
    type R = WriteTxn;
    fn read(&self) -> &WriteTxn {
        self
    }
    fn write(&mut self) -> Result<&mut WriteTxn> {
        Ok(self)
    }
}

fn deleted(what: &str) -> Error {
    Error::runtime(
        ErrorClass::EntityNotFound,
        "DeletedEntityAccess",
        format!("the {what} was deleted"),
    )
}

/// A missing node or edge (deleted by this query) as the openCypher error.
fn not_found(e: graph::Error) -> Error {
    match e {
        graph::Error::NodeNotFound(_) => deleted("node"),
        graph::Error::EdgeNotFound(_) => deleted("relationship"),
        e => Error::Graph(e),
    }
}

/// Reads of one transaction, in the shapes the executor uses.
pub(crate) trait Reads {
    fn all_nodes(&self) -> Result<Vec<NodeId>>;
    fn labelled(&self, label: &str) -> Result<Vec<NodeId>>;
    fn labels(&self, node: NodeId) -> Result<Vec<String>>;
    fn has_labels(&self, node: NodeId, labels: &[String]) -> Result<bool>;
    fn node_props(&self, node: NodeId) -> Result<PropertyMap>;
    fn node_prop(&self, node: NodeId, key: &str) -> Result<Value>;
    fn rel_props(&self, rel: EdgeId) -> Result<PropertyMap>;
    fn rel_prop(&self, rel: EdgeId, key: &str) -> Result<Value>;
    /// The relationship's start node, end node and type.
    fn rel(&self, rel: EdgeId) -> Result<(NodeId, NodeId, String)>;
    /// Relationships of `node` one way: (relationship, other node, type). `Both` lists a
    /// self-loop once.
    fn expand(
        &self,
        node: NodeId,
        dir: Direction,
        types: &[String],
    ) -> Result<Vec<(EdgeId, NodeId)>>;
    fn node_exists(&self, node: NodeId) -> Result<bool>;
}

impl<T: GraphRead + ?Sized> Reads for T {
    fn all_nodes(&self) -> Result<Vec<NodeId>> {
        self.nodes().map(|n| Ok(n?.id())).collect()
    }

    fn labelled(&self, label: &str) -> Result<Vec<NodeId>> {
        Ok(self.nodes_with_label(label)?)
    }

    fn labels(&self, node: NodeId) -> Result<Vec<String>> {
        self.node_labels(node).map_err(not_found)
    }

    fn has_labels(&self, node: NodeId, labels: &[String]) -> Result<bool> {
        for l in labels {
            if !self.has_label(node, l).map_err(not_found)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn node_props(&self, node: NodeId) -> Result<PropertyMap> {
        self.node_properties(node).map_err(not_found)
    }

    fn node_prop(&self, node: NodeId, key: &str) -> Result<Value> {
        // Read in place: a number costs no allocation and no decoding of the other properties.
        graph::props::with_node_property(self, node, key, |v| {
            v.map_or(Ok(Value::Null), Value::from_ref)
        })
        .map_err(not_found)?
    }

    fn rel_props(&self, rel: EdgeId) -> Result<PropertyMap> {
        self.edge_properties(rel).map_err(not_found)
    }

    fn rel_prop(&self, rel: EdgeId, key: &str) -> Result<Value> {
        Ok(self
            .edge_property(rel, key)
            .map_err(not_found)?
            .map_or(Value::Null, Value::from))
    }

    fn rel(&self, rel: EdgeId) -> Result<(NodeId, NodeId, String)> {
        let edge = self.edge(rel)?.ok_or_else(|| deleted("relationship"))?;
        Ok((edge.from(), edge.to(), edge.edge_type()?.into_owned()))
    }

    fn expand(
        &self,
        node: NodeId,
        dir: Direction,
        types: &[String],
    ) -> Result<Vec<(EdgeId, NodeId)>> {
        let mut out = Vec::new();
        let one_way =
            |d: Direction, out: &mut Vec<(EdgeId, NodeId)>, skip_loops: bool| -> Result<()> {
                let mut push = |n: graph::Result<graph::Neighbor>| -> Result<()> {
                    let n = n?;
                    if !(skip_loops && n.node == node) {
                        out.push((n.edge, n.node));
                    }
                    Ok(())
                };
                if types.is_empty() {
                    for n in self.neighbors(node, d, None)? {
                        push(n)?;
                    }
                } else {
                    for t in types {
                        for n in self.neighbors(node, d, Some(t))? {
                            push(n)?;
                        }
                    }
                }
                Ok(())
            };
        match dir {
            Direction::Both => {
                one_way(Direction::Out, &mut out, false)?;
                one_way(Direction::In, &mut out, true)?;
            }
            d => one_way(d, &mut out, false)?,
        }
        Ok(out)
    }

    fn node_exists(&self, node: NodeId) -> Result<bool> {
        Ok(self.node(node)?.is_some())
    }
}
