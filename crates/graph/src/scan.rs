//! Neighbour scans for whole-graph algorithms: a reusable cursor over many nodes' lists that
//! keeps the adjacency leaf it last descended to, so a pass over the nodes in id order reads the
//! adjacency like a CSR, with an optional set of edge types.

use std::ops::{ControlFlow, Range};

use edges::ListReader;
use pager_mmap::PageSource;

use crate::error::Result;
use crate::ids::NodeId;
use crate::read::Direction;
use crate::roots::Roots;

/// A cursor over the neighbour lists of many nodes, made by [`crate::GraphRead::scan`].
///
/// A list is read as one plain loop over its run in place (testing each entry's type when the
/// cursor has a filter; a hub reads only the segments of the listed types), and the radix
/// descent to the list's leaf is shared by the 64 nodes of that leaf when nodes are visited in
/// id order. The cursor allocates nothing per node.
pub struct NeighborScan<'a, S> {
    roots: &'a Roots,
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
        mut visit: impl FnMut(NodeId) -> Result<()>,
    ) -> Result<()> {
        self.for_each_chunk(node, direction, |ids| ids.try_each(&mut visit))
    }

    /// Calls `visit` with each stretch of `node`'s neighbours in `direction` (of the cursor's
    /// edge types, if it has them; out-edges first for [`Direction::Both`]): a short list is
    /// one stretch, a long one a stretch per segment. Folding a stretch is a plain loop over
    /// entries in place, the fastest way through a list. Stops at the first error `visit`
    /// returns.
    fn for_each_chunk(
        &mut self,
        node: NodeId,
        direction: Direction,
        visit: impl FnMut(NeighborIds<'_>) -> Result<()>,
    ) -> Result<()>;

    /// Calls `visit(node, ids)` with each stretch of the neighbours in `direction` of every
    /// node in `nodes` (of the cursor's edge types, if it has them; out-edges first for
    /// [`Direction::Both`]), node by node in id order: what [`NeighborCursor::for_each_chunk`]
    /// gives for each node in turn, without a lookup per node (each adjacency leaf is read
    /// once, its lists in order). A node without neighbours visits nothing. Stops at the first
    /// error `visit` returns (an error of the cursor's own becomes an `E`).
    fn for_each_chunk_in<E: From<crate::Error>>(
        &mut self,
        nodes: Range<NodeId>,
        direction: Direction,
        visit: impl FnMut(NodeId, NeighborIds<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.for_each_chunk_of(nodes, direction, |_| true, visit)
    }

    /// [`NeighborCursor::for_each_chunk_in`] over the nodes of `nodes` that `select` accepts:
    /// a refused node's lists are not read, so a pass that needs few nodes' neighbours skips
    /// the pages of the rest.
    fn for_each_chunk_of<E: From<crate::Error>>(
        &mut self,
        nodes: Range<NodeId>,
        direction: Direction,
        select: impl FnMut(NodeId) -> bool,
        visit: impl FnMut(NodeId, NeighborIds<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E>;

    /// Calls `visit` with `node`'s neighbours in `direction` (of the cursor's edge types, if it
    /// has them; out-edges first for [`Direction::Both`]) from `position` until `visit`
    /// breaks, and returns the position to resume from after the neighbour it broke at, or
    /// `None` when the neighbours ran out. Position 0 is the first; a position counts every
    /// entry of the lists, filtered or not, so it stays valid for the snapshot's life. A
    /// depth-first search holds one number per node on its path instead of a copy of the
    /// neighbours it has yet to see.
    fn resume(
        &mut self,
        node: NodeId,
        direction: Direction,
        position: u64,
        visit: impl FnMut(NodeId) -> Result<ControlFlow<()>>,
    ) -> Result<Option<u64>>;
}

/// The neighbours in one stretch of a list, read in place: what
/// [`NeighborCursor::for_each_chunk`] hands out. `fold` (and `sum`, `for_each`) and
/// [`NeighborIds::try_each`] run one plain loop over the stretch.
#[derive(Clone, Debug)]
pub struct NeighborIds<'a>(edges::NodeIds<'a>);

impl NeighborIds<'_> {
    /// Calls `visit` with each neighbour in order, stopping at the first error it returns.
    #[inline]
    pub fn try_each<E>(
        self,
        mut visit: impl FnMut(NodeId) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.0.try_each(|n| visit(NodeId(n)))
    }
}

impl Iterator for NeighborIds<'_> {
    type Item = NodeId;

    #[inline]
    fn next(&mut self) -> Option<NodeId> {
        self.0.next().map(NodeId)
    }

    #[inline]
    fn fold<B, F: FnMut(B, NodeId) -> B>(self, init: B, mut f: F) -> B {
        self.0.fold(init, |acc, n| f(acc, NodeId(n)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// An error of a scan's caller, or of the store (made into the caller's type) when the store
/// stops the scan: the adjacency store's scans take any error type that its errors convert into.
struct Visited<E>(E);

impl<E: From<crate::Error>> From<edges::Error> for Visited<E> {
    fn from(e: edges::Error) -> Visited<E> {
        Visited(E::from(crate::Error::from(e)))
    }
}

impl<'a, S: PageSource> NeighborScan<'a, S> {
    pub(crate) fn new(
        roots: &'a Roots,
        src: &'a S,
        edge_types: Option<&[u32]>,
    ) -> NeighborScan<'a, S> {
        NeighborScan {
            roots,
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
    fn for_each_chunk(
        &mut self,
        node: NodeId,
        direction: Direction,
        mut visit: impl FnMut(NeighborIds<'_>) -> Result<()>,
    ) -> Result<()> {
        for d in direction.stored() {
            self.lists
                .for_each_chunk(node.0, *d, self.edge_types.as_deref(), |ids| {
                    visit(NeighborIds(ids))
                })?;
        }
        Ok(())
    }

    #[inline]
    fn for_each_chunk_of<E: From<crate::Error>>(
        &mut self,
        nodes: Range<NodeId>,
        direction: Direction,
        mut select: impl FnMut(NodeId) -> bool,
        mut visit: impl FnMut(NodeId, NeighborIds<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.lists
            .for_each_chunk_in(
                nodes.start.0..nodes.end.0,
                direction.stored(),
                self.edge_types.as_deref(),
                |node| select(NodeId(node)),
                |node, ids| visit(NodeId(node), NeighborIds(ids)).map_err(Visited),
            )
            .map_err(|Visited(e)| e)
    }

    fn resume(
        &mut self,
        node: NodeId,
        direction: Direction,
        position: u64,
        mut visit: impl FnMut(NodeId) -> Result<ControlFlow<()>>,
    ) -> Result<Option<u64>> {
        // `base`: the position of the first entry of list `d` (the out-list's length before
        // the in-list of `Both`). Only a list with another after it needs its length.
        let stored = direction.stored();
        let mut base = 0;
        for (i, d) in stored.iter().enumerate() {
            let len = if i + 1 < stored.len() {
                Some(self.lists.len(node.0, *d)?)
            } else {
                None
            };
            if len.is_none_or(|len| position < base + len) {
                let types = self.edge_types.as_deref();
                let from = position.saturating_sub(base);
                if let Some(next) = self
                    .lists
                    .resume(node.0, *d, types, from, |n| visit(NodeId(n)))?
                {
                    return Ok(Some(base + next));
                }
            }
            base += len.unwrap_or(0);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Direction, Graph, GraphRead, NeighborCursor, NodeId};

    /// `node`'s neighbours through the cursor, sorted, read three ways that must agree: one at
    /// a time, by folding each stretch, and by iterating each stretch.
    fn collect(scan: &mut impl NeighborCursor, node: NodeId, direction: Direction) -> Vec<u64> {
        let mut seen = Vec::new();
        scan.for_each_neighbor(node, direction, |n| {
            seen.push(n.0);
            Ok(())
        })
        .expect("scan");
        let (mut folded, mut iterated) = (Vec::new(), Vec::new());
        scan.for_each_chunk(node, direction, |ids| {
            iterated.extend(ids.clone().map(|n| n.0));
            folded = ids.fold(std::mem::take(&mut folded), |mut acc, n| {
                acc.push(n.0);
                acc
            });
            Ok(())
        })
        .expect("chunks");
        assert_eq!(folded, seen, "folded stretches of {node:?}");
        assert_eq!(iterated, seen, "iterated stretches of {node:?}");
        // Resumed one neighbour at a time, from the position each stop returned.
        let (mut resumed, mut position) = (Vec::new(), Some(0));
        while let Some(from) = position {
            position = scan
                .resume(node, direction, from, |n| {
                    resumed.push(n.0);
                    Ok(std::ops::ControlFlow::Break(()))
                })
                .expect("resume");
        }
        assert_eq!(resumed, seen, "resumed one at a time from {node:?}");
        // And all at once.
        let mut whole = Vec::new();
        let end = scan
            .resume(node, direction, 0, |n| {
                whole.push(n.0);
                Ok(std::ops::ControlFlow::Continue(()))
            })
            .expect("resume");
        assert_eq!((whole, end), (seen.clone(), None));
        // Through a scan of the node alone, and of it with the nodes on either side.
        let (mut alone, mut around) = (Vec::new(), Vec::new());
        scan.for_each_chunk_in(node..NodeId(node.0 + 1), direction, |n, ids| {
            assert_eq!(n, node);
            alone.extend(ids.map(|n| n.0));
            Ok::<_, crate::Error>(())
        })
        .expect("scan of one node");
        assert_eq!(alone, seen, "scanned alone {node:?}");
        scan.for_each_chunk_in(
            NodeId(node.0.saturating_sub(1))..NodeId(node.0 + 2),
            direction,
            |n, ids| {
                if n == node {
                    around.extend(ids.map(|n| n.0));
                }
                Ok::<_, crate::Error>(())
            },
        )
        .expect("scan around a node");
        assert_eq!(around, seen, "scanned with its neighbours {node:?}");
        // And with the nodes on either side refused by the selection.
        let mut selected = Vec::new();
        scan.for_each_chunk_of(
            NodeId(node.0.saturating_sub(1))..NodeId(node.0 + 2),
            direction,
            |n| n == node,
            |n, ids| {
                assert_eq!(n, node, "a refused node was visited");
                selected.extend(ids.map(|n| n.0));
                Ok::<_, crate::Error>(())
            },
        )
        .expect("scan of a selected node");
        assert_eq!(
            selected, seen,
            "scanned selected among its neighbours {node:?}"
        );
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
        // Node 3's out-list becomes a hub (more than `edges::HUB_THRESHOLD` entries) of both
        // types, read segment by segment.
        for i in 0..900 {
            let to = ids[i % ids.len()];
            txn.add_edge(ids[3], to, if i % 3 == 0 { "b" } else { "a" }, b"")?;
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
