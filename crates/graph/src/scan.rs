//! Neighbour scans for whole-graph algorithms: a reusable cursor over many nodes' lists that
//! keeps the adjacency leaf it last descended to, so a pass over the nodes in id order reads the
//! adjacency like a CSR, with an optional set of edge types.

use edges::ListReader;
use pager_mmap::PageSource;

use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::read::Direction;
use crate::roots::Roots;

/// A cursor over the neighbour lists of many nodes, made by [`crate::GraphRead::scan`].
///
/// Without an edge-type filter a list is read as one plain loop over its run in place, and the
/// radix descent to the list's leaf is shared by the 64 nodes of that leaf when nodes are
/// visited in id order. With a filter, each listed type is read on its own (a hub reads only
/// that type's segments). The cursor allocates nothing per node.
pub struct NeighborScan<'a, S> {
    roots: &'a Roots,
    src: &'a S,
    lists: ListReader<'a, S>,
    edge_types: Option<Vec<u32>>,
}

/// What a neighbour cursor does, so that code using [`NeighborScan`] can name it by what it
/// does rather than by its type's parameters.
pub trait NeighborCursor {
    /// One more than the highest node id ever handed out: every node id, live or deleted, is
    /// below it, so a vector of this length indexes all nodes directly.
    fn id_bound(&self) -> u64;

    /// Calls `visit` with the node at the other end of each of `node`'s edges in `direction`
    /// (of the cursor's edge types, if it has them), out-edges first for [`Direction::Both`].
    /// A node without edges, or one that does not exist, visits nothing. Stops at the first
    /// error `visit` returns.
    fn for_each_neighbor(
        &mut self,
        node: NodeId,
        direction: Direction,
        visit: impl FnMut(NodeId) -> Result<()>,
    ) -> Result<()>;
}

impl<'a, S: PageSource> NeighborScan<'a, S> {
    pub(crate) fn new(
        roots: &'a Roots,
        src: &'a S,
        edge_types: Option<&[u32]>,
    ) -> NeighborScan<'a, S> {
        NeighborScan {
            roots,
            src,
            lists: roots.adjacency.reader(src),
            edge_types: edge_types.map(<[u32]>::to_vec),
        }
    }
}

impl<S: PageSource> NeighborCursor for NeighborScan<'_, S> {
    fn id_bound(&self) -> u64 {
        self.roots.nodes.next_id()
    }

    #[inline]
    fn for_each_neighbor(
        &mut self,
        node: NodeId,
        direction: Direction,
        mut visit: impl FnMut(NodeId) -> Result<()>,
    ) -> Result<()> {
        for d in direction.stored() {
            match &self.edge_types {
                None => self
                    .lists
                    .for_each_neighbor(node.0, *d, |n| visit(NodeId(n)))?,
                Some(types) => {
                    for t in types {
                        for n in self
                            .roots
                            .adjacency
                            .neighbors(self.src, node.0, *d, Some(*t))?
                        {
                            visit(NodeId(n.map_err(Error::from)?.node))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Direction, Graph, GraphRead, NeighborCursor, NodeId};

    fn collect(scan: &mut impl NeighborCursor, node: NodeId, direction: Direction) -> Vec<u64> {
        let mut seen = Vec::new();
        scan.for_each_neighbor(node, direction, |n| {
            seen.push(n.0);
            Ok(())
        })
        .expect("scan");
        seen.sort_unstable();
        seen
    }

    #[test]
    fn scan_matches_neighbors_with_and_without_types() -> crate::Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let ids: Vec<NodeId> = (0..200)
            .map(|i| txn.add_node("n", &i.to_string(), b""))
            .collect::<crate::Result<_>>()?;
        for (i, &from) in ids.iter().enumerate() {
            for step in [1usize, 7, 64] {
                let to = ids[(i + step) % ids.len()];
                txn.add_edge(from, to, if step == 7 { "b" } else { "a" }, b"")?;
            }
        }
        txn.commit()?;
        let read = graph.begin_read()?;
        let b = read.edge_type_id("b")?.expect("type b");
        let mut all = read.scan(None);
        let mut only_b = read.scan(Some(&[b]));
        assert_eq!(all.id_bound(), 200);
        for &node in &ids {
            for direction in [Direction::Out, Direction::In, Direction::Both] {
                let mut expected: Vec<u64> = read
                    .neighbors(node, direction, None)?
                    .map(|n| n.map(|n| n.node.0))
                    .collect::<crate::Result<_>>()?;
                expected.sort_unstable();
                assert_eq!(collect(&mut all, node, direction), expected);
                let mut expected_b: Vec<u64> = read
                    .neighbors(node, direction, Some("b"))?
                    .map(|n| n.map(|n| n.node.0))
                    .collect::<crate::Result<_>>()?;
                expected_b.sort_unstable();
                assert_eq!(collect(&mut only_b, node, direction), expected_b);
            }
        }
        Ok(())
    }
}
