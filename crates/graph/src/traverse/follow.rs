//! What a traversal follows at each step: a direction and, optionally, a set of edge types; and
//! the step itself, read in place through the adjacency's per-type access.

use edges::{Adjacency, ListReader};
use pager_mmap::PageSource;

use crate::error::Result;
use crate::ids::{EdgeId, NodeId};
use crate::read::{Direction, GraphRead, Neighbor};

/// Which edges a traversal follows at every step: a direction, and either every edge type or
/// only those named. Every traversal of [`GraphRead`] takes one; a [`Direction`] converts into
/// the spec that follows every type in that direction.
///
/// A type name that no edge in the graph has ever had matches nothing (as in
/// [`GraphRead::neighbors`]): a spec naming only unknown types follows no edge. A caller that
/// wants a misspelt name to be an error checks it with [`GraphRead::edge_type_id`] first.
///
/// ```
/// use graph::{Direction, Follow};
///
/// let knows = Follow::new(Direction::Both).edge_type("knows").edge_type("likes");
/// assert_eq!(knows.edge_type_names(), Some(&["knows".to_string(), "likes".to_string()][..]));
/// assert_eq!(Follow::from(Direction::Out), Follow::out());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Follow {
    direction: Direction,
    edge_types: Option<Vec<String>>,
}

impl Follow {
    /// Every edge in `direction`.
    pub fn new(direction: Direction) -> Follow {
        Follow {
            direction,
            edge_types: None,
        }
    }

    /// Every out-edge.
    pub fn out() -> Follow {
        Follow::new(Direction::Out)
    }

    /// Every in-edge (edges walked backwards).
    pub fn incoming() -> Follow {
        Follow::new(Direction::In)
    }

    /// Every edge, either way.
    pub fn both() -> Follow {
        Follow::new(Direction::Both)
    }

    /// Adds `name` to the edge types followed (a spec with none added follows every type).
    pub fn edge_type(mut self, name: impl Into<String>) -> Follow {
        self.edge_types
            .get_or_insert_with(Vec::new)
            .push(name.into());
        self
    }

    /// Follows only the edge types `names` (an empty list follows no edge).
    pub fn edge_types<I>(mut self, names: I) -> Follow
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.edge_types = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// The direction followed.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The edge types followed, or `None` for every type.
    pub fn edge_type_names(&self) -> Option<&[String]> {
        self.edge_types.as_deref()
    }

    /// The same edge types in the opposite direction (`Both` stays `Both`): what a search
    /// backwards from a target follows.
    pub fn reversed(&self) -> Follow {
        let direction = match self.direction {
            Direction::Out => Direction::In,
            Direction::In => Direction::Out,
            Direction::Both => Direction::Both,
        };
        Follow {
            direction,
            edge_types: self.edge_types.clone(),
        }
    }
}

impl From<Direction> for Follow {
    fn from(direction: Direction) -> Follow {
        Follow::new(direction)
    }
}

impl From<&Follow> for Follow {
    fn from(follow: &Follow) -> Follow {
        follow.clone()
    }
}

/// A [`Follow`] resolved against one transaction: the stored lists it reads and the type ids it
/// keeps, with a list reader that keeps its last adjacency leaf across steps.
pub(crate) struct Steps<'a, S> {
    lists: ListReader<'a, S>,
    directions: &'static [edges::Direction],
    /// `None`: every type. Names unknown to the graph are left out, so they match nothing.
    types: Option<Vec<u32>>,
}

impl<'a, S: PageSource> Steps<'a, S> {
    /// The steps `follow` takes in the transaction `g`.
    pub(crate) fn new<G>(g: &'a G, follow: &Follow) -> Result<Steps<'a, S>>
    where
        G: GraphRead<Source = S> + ?Sized,
    {
        let types = match follow.edge_type_names() {
            None => None,
            Some(names) => {
                let mut ids = Vec::with_capacity(names.len());
                for name in names {
                    if let Some(id) = g.edge_type_id(name)? {
                        ids.push(id);
                    }
                }
                Some(ids)
            }
        };
        Ok(Steps::over(
            g.roots().adjacency,
            g.source(),
            follow.direction(),
            types,
        ))
    }

    /// The steps along `direction` and `types` (ids) through `adjacency` in `src`.
    pub(crate) fn over(
        adjacency: Adjacency,
        src: &'a S,
        direction: Direction,
        types: Option<Vec<u32>>,
    ) -> Steps<'a, S> {
        Steps {
            lists: adjacency.reader(src),
            directions: direction.stored(),
            types,
        }
    }

    /// Calls `visit` with the node at the other end of each edge followed from `node`. Without
    /// a type filter this is the plain neighbour scan, the fastest read there is.
    #[inline]
    pub(crate) fn for_each_node(
        &mut self,
        node: NodeId,
        mut visit: impl FnMut(NodeId) -> Result<()>,
    ) -> Result<()> {
        for d in self.directions {
            match self.types.as_deref() {
                None => self
                    .lists
                    .for_each_neighbor(node.0, *d, |n| visit(NodeId(n)))?,
                Some(types) => self
                    .lists
                    .for_each_entry(node.0, *d, Some(types), |n| visit(NodeId(n.node)))?,
            }
        }
        Ok(())
    }

    /// Asks the CPU for the lists a step from `node` reads ([`ListReader::prefetch`]): a
    /// traversal that knows its next nodes calls this a few nodes ahead of their steps.
    #[inline]
    pub(crate) fn prefetch(&self, node: NodeId) -> Result<()> {
        for d in self.directions {
            self.lists.prefetch(node.0, *d)?;
        }
        Ok(())
    }

    /// Calls `visit` with each edge followed from `node`: the node at its other end, the edge
    /// and its type.
    #[inline]
    pub(crate) fn for_each_hop(
        &mut self,
        node: NodeId,
        mut visit: impl FnMut(Neighbor) -> Result<()>,
    ) -> Result<()> {
        for d in self.directions {
            self.lists
                .for_each_entry(node.0, *d, self.types.as_deref(), |n| {
                    visit(Neighbor {
                        node: NodeId(n.node),
                        edge: EdgeId(n.edge),
                        edge_type: n.edge_type,
                    })
                })?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "follow_hub_tests.rs"]
mod hub_tests;
