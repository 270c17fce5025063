//! The part of a graph an algorithm sees: which edge types, which direction, which kinds of
//! node. [`View`] names them; [`View::resolve`] checks the names against a snapshot and gives a
//! [`Subgraph`] that scans exactly those nodes and edges.

use std::ops::ControlFlow;

use graph::{Direction, GraphRead, Neighbor, NeighborCursor, NeighborIds, NodeId};

use crate::control::Control;
use crate::error::{Error, Result};
use crate::members::{Members, index};

/// What an algorithm sees of a graph: edges of some types (all by default), followed in one
/// direction ([`Direction::Out`] by default; [`Direction::Both`] treats each edge as undirected),
/// between nodes of some kinds (all by default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    edge_types: Vec<String>,
    kinds: Vec<String>,
    direction: Direction,
}

impl Default for View {
    fn default() -> View {
        View {
            edge_types: Vec::new(),
            kinds: Vec::new(),
            direction: Direction::Out,
        }
    }
}

impl View {
    /// Every node and edge, edges followed forwards.
    pub fn new() -> View {
        View::default()
    }

    /// Adds edge type `name` to the types the view keeps (none added: all types).
    pub fn edge_type(mut self, name: impl Into<String>) -> View {
        self.edge_types.push(name.into());
        self
    }

    /// Adds kind `name` to the kinds of node the view keeps (none added: all kinds).
    pub fn kind(mut self, name: impl Into<String>) -> View {
        self.kinds.push(name.into());
        self
    }

    /// Follows edges in `direction`: [`Direction::In`] reverses every edge,
    /// [`Direction::Both`] makes each edge undirected.
    pub fn direction(mut self, direction: Direction) -> View {
        self.direction = direction;
        self
    }

    /// The view over snapshot `g`: its edge types and kinds resolved to ids (a name no edge or
    /// node ever had is an error naming it) and its nodes listed, checking `control` as it
    /// goes. One pass over the node records, unless the view keeps every kind and no node was
    /// ever deleted.
    pub fn resolve<'g, G: GraphRead + ?Sized>(
        &self,
        g: &'g G,
        control: &mut Control<'_>,
    ) -> Result<Subgraph<'g, G>> {
        let edge_types = if self.edge_types.is_empty() {
            None
        } else {
            let mut ids = Vec::with_capacity(self.edge_types.len());
            for name in &self.edge_types {
                match g.edge_type_id(name)? {
                    Some(id) => ids.push(id),
                    None => return Err(Error::UnknownEdgeType(name.clone())),
                }
            }
            ids.sort_unstable();
            ids.dedup();
            Some(ids)
        };
        let mut kinds = Vec::with_capacity(self.kinds.len());
        for name in &self.kinds {
            match g.kind_id(name)? {
                Some(id) => kinds.push(id),
                None => return Err(Error::UnknownKind(name.clone())),
            }
        }
        let bound = usize::try_from(g.scan(None).id_bound()).map_err(|_| {
            crate::error::invalid("graph", "more node ids than this machine can address")
        })?;
        let total = g.node_count();
        // Without a kind filter, and with a live node for every id below the bound (no node
        // deleted), the members are every id: no pass over the records is needed.
        let members = if kinds.is_empty() && total == bound as u64 {
            Members::full(bound)
        } else {
            let mut members = Members::empty(bound);
            for (done, node) in g.nodes().enumerate() {
                control.tick("node", done as u64, total)?;
                let node = node?;
                if kinds.is_empty() || kinds.contains(&node.kind_id()) {
                    members.insert(node.id());
                }
            }
            members
        };
        Ok(Subgraph {
            g,
            edge_types,
            filtered: !kinds.is_empty(),
            members,
            direction: self.direction,
        })
    }
}

/// A [`View`] resolved against one snapshot: the nodes it keeps and how to scan its edges.
pub struct Subgraph<'g, G: ?Sized> {
    g: &'g G,
    edge_types: Option<Vec<u32>>,
    /// Whether the view drops nodes by kind (else every live node is a member, and every edge
    /// leads to one).
    filtered: bool,
    members: Members,
    direction: Direction,
}

impl<'g, G: GraphRead + ?Sized> Subgraph<'g, G> {
    /// The snapshot.
    pub fn graph(&self) -> &'g G {
        self.g
    }

    /// The nodes of the view.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// The length of a dense vector by node id.
    pub fn bound(&self) -> usize {
        self.members.bound()
    }

    /// The direction in which the view follows edges.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The opposite of [`Subgraph::direction`]: the edges that lead into a node.
    pub fn reverse(&self) -> Direction {
        match self.direction {
            Direction::Out => Direction::In,
            Direction::In => Direction::Out,
            Direction::Both => Direction::Both,
        }
    }

    /// Fails with [`Error::NodeNotInView`] unless `node` is a node of the view.
    pub fn require(&self, node: NodeId) -> Result<()> {
        if self.members.contains(node) {
            Ok(())
        } else {
            Err(Error::NodeNotInView(node))
        }
    }

    /// A cursor over the view's edges, for passes over many nodes (in id order, ideally).
    pub fn scanner(&self) -> Scanner<'_, impl NeighborCursor + 'g> {
        Scanner {
            cursor: self.g.scan(self.edge_types.as_deref()),
            members: &self.members,
            filtered: self.filtered,
        }
    }

    /// `node`'s neighbours of the view in `direction`, as an iterator (one radix descent per
    /// call; a pass over many nodes is faster through [`Subgraph::scanner`]).
    pub fn neighbors(
        &self,
        node: NodeId,
        direction: Direction,
    ) -> impl Iterator<Item = Result<NodeId>> + use<'_, 'g, G> {
        // No filter: one list of every type; else one list per type. Nothing allocated.
        let all = self.edge_types.is_none();
        let types = std::iter::once(None)
            .filter(move |_| all)
            .chain(self.edge_types.iter().flatten().copied().map(Some));
        let (g, members, filtered) = (self.g, &self.members, self.filtered);
        types
            .flat_map(move |t| {
                let (list, failed) = match g.neighbors_by_type_id(node, direction, t) {
                    Ok(list) => (Some(list), None),
                    Err(e) => (None, Some(Err(Error::from(e)))),
                };
                list.into_iter()
                    .flatten()
                    .map(|n| n.map(|n| n.node).map_err(Error::from))
                    .chain(failed)
            })
            .filter_map(move |n| match n {
                Ok(n) if n.0 >= members.bound() as u64 => {
                    Some(Err(Error::DanglingEdge { from: node, to: n }))
                }
                Ok(n) if filtered && !members.contains(n) => None,
                other => Some(other),
            })
    }

    /// Calls `visit` with each of `node`'s edges of the view in `direction` (with edge ids, for
    /// weights): slower than a [`Scanner`], which gives neighbour ids only.
    pub fn for_each_edge(
        &self,
        node: NodeId,
        direction: Direction,
        mut visit: impl FnMut(Neighbor) -> Result<()>,
    ) -> Result<()> {
        let mut one = |t: Option<u32>| -> Result<()> {
            for n in self.g.neighbors_by_type_id(node, direction, t)? {
                let n = n?;
                if n.node.0 >= self.members.bound() as u64 {
                    return Err(Error::DanglingEdge {
                        from: node,
                        to: n.node,
                    });
                }
                if !self.filtered || self.members.contains(n.node) {
                    visit(n)?;
                }
            }
            Ok(())
        };
        match &self.edge_types {
            None => one(None),
            Some(types) => types.iter().try_for_each(|&t| one(Some(t))),
        }
    }
}

/// A cursor over a view's edges: the graph's [`NeighborCursor`], keeping only edges between
/// nodes of the view. Made by [`Subgraph::scanner`].
pub struct Scanner<'s, C> {
    cursor: C,
    members: &'s Members,
    filtered: bool,
}

impl<C: NeighborCursor> Scanner<'_, C> {
    /// Calls `visit` with each neighbour of `node` in `direction` that is in the view.
    #[inline]
    pub fn each(
        &mut self,
        node: NodeId,
        direction: Direction,
        mut visit: impl FnMut(NodeId),
    ) -> Result<()> {
        self.fold(node, direction, (), |(), n| visit(n))
    }

    /// Folds `f` over the neighbours of `node` in `direction` that are in the view, starting
    /// from `init`: the accumulator lives in a register through each stretch of the list, the
    /// fastest way to sum over neighbours.
    #[inline]
    pub fn fold<A: Copy>(
        &mut self,
        node: NodeId,
        direction: Direction,
        init: A,
        mut f: impl FnMut(A, NodeId) -> A,
    ) -> Result<A> {
        let (members, filtered) = (self.members, self.filtered);
        let (mut acc, mut highest) = (init, 0);
        self.cursor.for_each_chunk(node, direction, |ids| {
            let (folded, hi) = fold_in_view(ids, members, filtered, acc, &mut f);
            (acc, highest) = (folded, highest.max(hi));
            Ok(())
        })?;
        dangling(node, highest, members)?;
        Ok(acc)
    }

    /// Calls `visit(node, stretch)` with each stretch of the neighbours in `direction` of every
    /// node of the view, node by node in id order (a short list is one stretch, a hub's a
    /// stretch per segment; a node without neighbours visits nothing): a pass over the whole
    /// view that reads each adjacency leaf once instead of finding each node's list.
    #[inline]
    pub fn for_each_stretch(
        &mut self,
        direction: Direction,
        visit: impl FnMut(NodeId, Stretch<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stretch_of(direction, |_| true, visit)
    }

    /// [`Scanner::for_each_stretch`] over the nodes `select` accepts: the lists of the others
    /// are not read (nor their pages touched).
    #[inline]
    pub fn for_each_stretch_of(
        &mut self,
        direction: Direction,
        mut select: impl FnMut(NodeId) -> bool,
        mut visit: impl FnMut(NodeId, Stretch<'_, '_>) -> Result<()>,
    ) -> Result<()> {
        let (members, filtered) = (self.members, self.filtered);
        let end = NodeId(members.bound() as u64);
        self.cursor
            .for_each_chunk_of(NodeId(0)..end, direction, &mut select, |node, ids| {
                if filtered && !members.contains(node) {
                    return Ok(());
                }
                let stretch = Stretch {
                    ids,
                    from: node,
                    members,
                    filtered,
                };
                visit(node, stretch)
            })
    }

    /// Calls `visit` with `node`'s neighbours in `direction` that are in the view, from
    /// `position` until `visit` breaks; returns the position to resume from, or `None` when
    /// the neighbours ran out (see [`graph::NeighborCursor::resume`]).
    pub fn resume(
        &mut self,
        node: NodeId,
        direction: Direction,
        position: u64,
        mut visit: impl FnMut(NodeId) -> ControlFlow<()>,
    ) -> Result<Option<u64>> {
        let bound = self.members.bound() as u64;
        let mut dangling = None;
        let (members, filtered) = (self.members, self.filtered);
        let next = self.cursor.resume(node, direction, position, |n| {
            Ok(if n.0 >= bound {
                dangling = Some(n);
                ControlFlow::Break(())
            } else if !filtered || members.contains(n) {
                visit(n)
            } else {
                ControlFlow::Continue(())
            })
        })?;
        match dangling {
            Some(to) => Err(Error::DanglingEdge { from: node, to }),
            None => Ok(next),
        }
    }

    /// The number of `node`'s neighbours in `direction` that are in the view (edges counted
    /// with multiplicity).
    pub fn degree(&mut self, node: NodeId, direction: Direction) -> Result<u64> {
        self.fold(node, direction, 0, |degree, _| degree + 1)
    }

    /// [`Scanner::degree`] of every node in `direction`, by id (0 outside the view), in one
    /// pass over the lists in file order ([`Scanner::for_each_stretch`]) instead of a lookup
    /// per node. `tick` is called with each node whose lists it reads, before reading them,
    /// and stops the pass with its error.
    pub fn degrees(
        &mut self,
        direction: Direction,
        mut tick: impl FnMut(NodeId) -> Result<()>,
    ) -> Result<Vec<u64>> {
        let mut degrees = vec![0u64; self.members.bound()];
        self.for_each_stretch(direction, |v, stretch| {
            tick(v)?;
            let counted = stretch.fold(0u64, |n, _| n + 1)?;
            if let Some(d) = degrees.get_mut(index(v)) {
                *d += counted;
            }
            Ok(())
        })?;
        Ok(degrees)
    }
}

/// One stretch of a node's neighbours (a short list, or one segment of a hub), as
/// [`Scanner::for_each_stretch`] hands it out.
pub struct Stretch<'s, 'i> {
    ids: NeighborIds<'i>,
    /// The node whose neighbours these are.
    from: NodeId,
    members: &'s Members,
    filtered: bool,
}

impl Stretch<'_, '_> {
    /// Folds `f` over the stretch's neighbours that are in the view, starting from `init`, in
    /// one plain loop over the entries in place. An edge to an id beyond the graph's is an
    /// error ([`Error::DanglingEdge`]).
    #[inline]
    pub fn fold<A: Copy>(self, init: A, f: impl FnMut(A, NodeId) -> A) -> Result<A> {
        let (acc, highest) = fold_in_view(self.ids, self.members, self.filtered, init, f);
        dangling(self.from, highest, self.members)?;
        Ok(acc)
    }

    /// The sum of `values[n]` over the stretch's neighbours `n` in the view (0 for an `n`
    /// beyond `values`), what [`Stretch::fold`] would add up, in the same order. Over an
    /// unfiltered view and one value per id, one bounds test per entry serves as both the view's
    /// test and the vector's: the loop PageRank spends its iterations in.
    #[inline]
    pub fn sum_by_id(self, values: &[f64]) -> Result<f64> {
        let value = |n: NodeId| values.get(index(n)).copied().unwrap_or(0.0);
        if self.filtered || values.len() != self.members.bound() {
            return self.fold(0.0, |sum, n| sum + value(n));
        }
        let (sum, highest) = self
            .ids
            .fold((0.0, 0), |(sum, hi), n| (sum + value(n), hi.max(n.0)));
        dangling(self.from, highest, self.members)?;
        Ok(sum)
    }

    /// [`Stretch::fold`] over the first `k` neighbours of the stretch that are in the view
    /// only: the entries after them are not read. Returns the result and how many were folded.
    #[inline]
    pub fn fold_first<A: Copy>(
        self,
        k: usize,
        init: A,
        mut f: impl FnMut(A, NodeId) -> A,
    ) -> Result<(A, usize)> {
        let (members, filtered) = (self.members, self.filtered);
        let (mut acc, mut folded) = (init, 0);
        for n in self.ids {
            if folded == k {
                break;
            }
            dangling(self.from, n.0, members)?;
            if !filtered || members.contains(n) {
                acc = f(acc, n);
                folded += 1;
            }
        }
        Ok((acc, folded))
    }
}

/// Folds `f` over the neighbours in `ids` that are in the view (`members`, of which only ids
/// below the bound count unless `filtered`), starting from `init`; returns the result and the
/// largest neighbour id seen, for [`dangling`]. Finding an edge to an id beyond the graph's
/// after the loop lets the loop store nothing but its two accumulators, so the compiler keeps
/// what it reads (the bound, `f`'s captures) in registers.
#[inline]
fn fold_in_view<A: Copy>(
    ids: NeighborIds<'_>,
    members: &Members,
    filtered: bool,
    init: A,
    mut f: impl FnMut(A, NodeId) -> A,
) -> (A, u64) {
    let bound = members.bound() as u64;
    if filtered {
        ids.fold((init, 0), |(acc, hi), n| {
            let acc = if members.contains(n) { f(acc, n) } else { acc };
            (acc, hi.max(n.0))
        })
    } else {
        ids.fold((init, 0), |(acc, hi), n| {
            let acc = if n.0 < bound { f(acc, n) } else { acc };
            (acc, hi.max(n.0))
        })
    }
}

/// [`Error::DanglingEdge`] if `highest`, the largest neighbour id `from` has, is beyond the
/// graph's ids.
#[inline]
fn dangling(from: NodeId, highest: u64, members: &Members) -> Result<()> {
    if highest >= members.bound() as u64 {
        return Err(Error::DanglingEdge {
            from,
            to: NodeId(highest),
        });
    }
    Ok(())
}
