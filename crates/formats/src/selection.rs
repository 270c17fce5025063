//! What an export covers: the whole graph, or a set of nodes (a traversal's result) with the
//! edges among them.

use std::collections::HashSet;

use graph::{Direction, EdgeRef, GraphRead, NodeId, NodeRef};

use crate::error::{Error, Result};

/// The part of a snapshot an export writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every node and every edge.
    All,
    /// These nodes, in this order (a repeated id is written once), and every edge whose two
    /// ends are among them.
    Nodes(Vec<NodeId>),
}

impl Selection {
    /// Calls `each` with every selected node, in id order for [`Selection::All`], else in
    /// the set's order. A node of the set the snapshot does not have is [`Error::NoNode`].
    pub(crate) fn for_each_node<R: GraphRead>(
        &self,
        read: &R,
        mut each: impl FnMut(&NodeRef<'_, R>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Selection::All => {
                for node in read.nodes() {
                    each(&node?)?;
                }
            }
            Selection::Nodes(ids) => {
                let mut seen = HashSet::with_capacity(ids.len());
                for &id in ids {
                    if seen.insert(id) {
                        let node = read.node(id)?.ok_or(Error::NoNode(id))?;
                        each(&node)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Calls `each` with every selected edge: in id order for [`Selection::All`]; else the
    /// out-edges of each node of the set, in the set's order, that end inside the set.
    pub(crate) fn for_each_edge<R: GraphRead>(
        &self,
        read: &R,
        mut each: impl FnMut(&EdgeRef<'_, R>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Selection::All => {
                for edge in read.edges() {
                    each(&edge?)?;
                }
            }
            Selection::Nodes(ids) => {
                let members: HashSet<NodeId> = ids.iter().copied().collect();
                let mut done = HashSet::with_capacity(ids.len());
                for &id in ids {
                    if !done.insert(id) {
                        continue;
                    }
                    for neighbor in read.neighbors(id, Direction::Out, None)? {
                        let neighbor = neighbor?;
                        if members.contains(&neighbor.node) {
                            let edge = read
                                .edge(neighbor.edge)?
                                .ok_or(graph::Error::EdgeNotFound(neighbor.edge))?;
                            each(&edge)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
