//! Reading a graph: the [`GraphRead`] trait that both transactions implement, and the
//! zero-copy views it returns.

use std::borrow::Cow;

use pager_mmap::PageSource;

use crate::error::{Error, Result};
use crate::ids::{EdgeId, NodeId};
use crate::roots::Roots;
use crate::schema::{
    EdgeAttrs, NAME_KEY_PREFIX, NodeAttrs, edge_data_key, indexed_name, node_of_key,
};
use crate::strings::{self, Label};

pub(crate) mod sealed {
    /// What a transaction gives the read methods: its pages and its roots.
    pub trait Access {
        /// The pages the transaction reads.
        type Source: pager_mmap::PageSource;
        /// The transaction's pages.
        fn source(&self) -> &Self::Source;
        /// The transaction's roots.
        fn roots(&self) -> &crate::roots::Roots;
        /// Kind and edge-type names cached for the transaction's life, if it keeps them (a read
        /// transaction does; a write transaction's labels can change).
        fn labels(&self) -> Option<&crate::read::Labels> {
            None
        }
    }
}

/// Kind and edge-type names by id, read from the string table once per read transaction.
#[derive(Default)]
pub struct Labels {
    kinds: std::cell::OnceCell<Vec<String>>,
    edge_types: std::cell::OnceCell<Vec<String>>,
}

impl Labels {
    /// The name of `id` in the table `label`, loading the table on first use.
    #[inline]
    fn name<'a, S: PageSource>(
        &'a self,
        strings: &btree::Tree,
        src: &S,
        label: Label,
        id: u32,
    ) -> Result<&'a str> {
        let names = match self.cell(label).get() {
            Some(names) => names,
            None => self.load(strings, src, label)?,
        };
        match names.get(id as usize) {
            Some(name) => Ok(name),
            None => Err(no_label_name(label, id)),
        }
    }

    fn cell(&self, label: Label) -> &std::cell::OnceCell<Vec<String>> {
        match label {
            Label::Kind => &self.kinds,
            Label::EdgeType => &self.edge_types,
        }
    }

    /// Reads the table `label` into its cell, once. Out of line, off the read path.
    #[cold]
    #[inline(never)]
    fn load<S: PageSource>(
        &self,
        strings: &btree::Tree,
        src: &S,
        label: Label,
    ) -> Result<&Vec<String>> {
        let mut names = Vec::new();
        for (expected, (id, name)) in strings::all(strings, src, label)?.into_iter().enumerate() {
            if id as usize != expected {
                return Err(Error::corrupt(format!(
                    "{label:?} ids are not dense at {id}"
                )));
            }
            names.push(name);
        }
        Ok(self.cell(label).get_or_init(|| names))
    }
}

/// The error for a label id without a name. Out of line, off the read path.
#[cold]
#[inline(never)]
fn no_label_name(label: Label, id: u32) -> Error {
    Error::corrupt(format!("{label:?} id {id} has no name"))
}

/// A label's name: from the transaction's cache when it has one, else from the string table.
fn label_name<'a, S: PageSource>(
    labels: Option<&'a Labels>,
    strings: &btree::Tree,
    src: &'a S,
    label: Label,
    id: u32,
) -> Result<Cow<'a, str>> {
    match labels {
        Some(labels) => labels.name(strings, src, label, id).map(Cow::Borrowed),
        None => strings::name_of(strings, src, label, id),
    }
}

/// Which edges of a node: leaving it, entering it, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Edges from the node.
    Out,
    /// Edges to the node.
    In,
    /// Both: out-edges first, then in-edges.
    Both,
}

impl Direction {
    /// The stored directions this direction reads.
    pub(crate) fn stored(self) -> &'static [edges::Direction] {
        match self {
            Direction::Out => &[edges::Direction::Out],
            Direction::In => &[edges::Direction::In],
            Direction::Both => &[edges::Direction::Out, edges::Direction::In],
        }
    }
}

/// One neighbour of a node: the node at the other end, the edge, and the edge's type id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Neighbor {
    /// The node at the other end.
    pub node: NodeId,
    /// The edge.
    pub edge: EdgeId,
    /// The edge's type id ([`GraphRead::edge_type_name`] gives its name).
    pub edge_type: u32,
}

/// What [`NodeRef`] reports for a name whose bytes are not UTF-8.
const NOT_UTF8: &str = "has a name that is not UTF-8";
/// What [`NodeRef`] reports for a name length past the payload.
const NAME_PAST_PAYLOAD: &str = "has a name longer than its payload";

/// A node, read in place. Lives as long as the transaction that returned it: `T` is that
/// transaction's type, [`crate::ReadTxn`] unless said otherwise.
pub struct NodeRef<'a, T: sealed::Access + ?Sized = crate::ReadTxn> {
    src: &'a T::Source,
    record: nodepage::Record<'a, T::Source>,
    strings: &'a btree::Tree,
    labels: Option<&'a Labels>,
}

impl<'a, T: sealed::Access + ?Sized> NodeRef<'a, T> {
    /// The node's id.
    pub fn id(&self) -> NodeId {
        NodeId(self.record.id())
    }

    /// The id of the node's kind.
    #[inline]
    pub fn kind_id(&self) -> u32 {
        NodeAttrs::view(self.record.attrs()).kind.get()
    }

    /// The node's kind.
    pub fn kind(&self) -> Result<Cow<'a, str>> {
        label_name(
            self.labels,
            self.strings,
            self.src,
            Label::Kind,
            self.kind_id(),
        )
    }

    #[inline]
    fn name_len(&self) -> usize {
        NodeAttrs::view(self.record.attrs()).name_len.get() as usize
    }

    /// The node's name.
    #[inline(always)]
    pub fn name(&self) -> Result<Cow<'a, str>> {
        // The payload in the page is sliced here directly: going through
        // `Record::payload_range` wrapped it in a `nodepage` result first, whose conversion
        // moved the value through the stack on every read.
        let Some(payload) = self.record.in_page() else {
            return self.overflowed_name();
        };
        match payload
            .get(..self.name_len())
            .map(pager_mmap::str_from_utf8)
        {
            Some(Ok(name)) => Ok(Cow::Borrowed(name)),
            Some(Err(_)) => Err(self.corrupt(NOT_UTF8)),
            None => Err(self.corrupt(NAME_PAST_PAYLOAD)),
        }
    }

    /// [`NodeRef::name`] of a payload in an overflow chain: the name copied out of it.
    #[inline(never)]
    fn overflowed_name(&self) -> Result<Cow<'a, str>> {
        let bytes = self.record.payload_range(0, self.name_len())?.into_owned();
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(|_| self.corrupt(NOT_UTF8))
    }

    /// The error for this node's record being inconsistent in the way `what` says. Out of
    /// line, so that the read path keeps only the call.
    #[cold]
    #[inline(never)]
    fn corrupt(&self, what: &str) -> Error {
        Error::corrupt(format!("node {} {what}", self.record.id()))
    }

    /// The node's data: borrowed from the page when it is small, read from its overflow pages
    /// when it is large.
    #[inline]
    pub fn data(&self) -> Result<Cow<'a, [u8]>> {
        let Some(payload) = self.record.in_page() else {
            return self.overflowed_data();
        };
        match payload.get(self.name_len()..) {
            Some(data) => Ok(Cow::Borrowed(data)),
            None => Err(self.corrupt(NAME_PAST_PAYLOAD)),
        }
    }

    /// [`NodeRef::data`] of a payload in an overflow chain: the data copied out of it.
    #[inline(never)]
    fn overflowed_data(&self) -> Result<Cow<'a, [u8]>> {
        let name_len = self.name_len();
        match self.record.payload_len().checked_sub(name_len) {
            Some(len) => Ok(self.record.payload_range(name_len, len)?),
            None => Err(self.corrupt(NAME_PAST_PAYLOAD)),
        }
    }

    /// The node's data parsed as JSON.
    #[cfg(feature = "serde")]
    pub fn data_json<J: serde::de::DeserializeOwned>(&self) -> Result<J> {
        Ok(serde_json::from_slice(&self.data()?)?)
    }
}

impl<T: sealed::Access + ?Sized> std::fmt::Debug for NodeRef<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeRef")
            .field("id", &self.record.id())
            .finish()
    }
}

/// An edge, read in place. Lives as long as the transaction that returned it: `T` is that
/// transaction's type, [`crate::ReadTxn`] unless said otherwise.
pub struct EdgeRef<'a, T: sealed::Access + ?Sized = crate::ReadTxn> {
    src: &'a T::Source,
    id: u64,
    attrs: EdgeAttrs,
    edge_data: btree::Tree,
    strings: btree::Tree,
    labels: Option<&'a Labels>,
}

impl<'a, T: sealed::Access + ?Sized> EdgeRef<'a, T> {
    /// The edge `id` with its record's attributes, in the transaction whose roots are `roots`.
    fn new(
        src: &'a T::Source,
        roots: &Roots,
        labels: Option<&'a Labels>,
        id: u64,
        attrs: &nodepage::Attrs,
    ) -> Self {
        EdgeRef {
            src,
            id,
            attrs: EdgeAttrs::read(attrs),
            edge_data: roots.edge_data,
            strings: roots.strings,
            labels,
        }
    }

    /// The edge's id.
    pub fn id(&self) -> EdgeId {
        EdgeId(self.id)
    }

    /// The source node.
    pub fn from(&self) -> NodeId {
        NodeId(self.attrs.from.get())
    }

    /// The target node.
    pub fn to(&self) -> NodeId {
        NodeId(self.attrs.to.get())
    }

    /// The id of the edge's type.
    pub fn edge_type_id(&self) -> u32 {
        u32::from(self.attrs.edge_type.get())
    }

    /// The edge's type.
    pub fn edge_type(&self) -> Result<Cow<'a, str>> {
        label_name(
            self.labels,
            &self.strings,
            self.src,
            Label::EdgeType,
            self.edge_type_id(),
        )
    }

    /// The edge's data: borrowed from the edge data tree's page, or read from its overflow
    /// pages when long; empty for an edge without data.
    pub fn data(&self) -> Result<Cow<'a, [u8]>> {
        Ok(self
            .edge_data
            .get(self.src, &edge_data_key(self.id))?
            .unwrap_or_default())
    }

    /// The edge's data parsed as JSON.
    #[cfg(feature = "serde")]
    pub fn data_json<J: serde::de::DeserializeOwned>(&self) -> Result<J> {
        Ok(serde_json::from_slice(&self.data()?)?)
    }
}

impl<T: sealed::Access + ?Sized> std::fmt::Debug for EdgeRef<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeRef").field("id", &self.id).finish()
    }
}

/// The neighbours of a node, read in place from its adjacency runs: the out-list, then (for
/// [`Direction::Both`]) the in-list. No allocation. `T` is the transaction's type, as for
/// [`NodeRef`].
pub struct Neighbors<'a, T: sealed::Access + ?Sized = crate::ReadTxn> {
    lists: [Option<edges::Neighbors<'a, T::Source>>; 2],
    current: usize,
}

impl<T: sealed::Access + ?Sized> Iterator for Neighbors<'_, T> {
    type Item = Result<Neighbor>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(slot) = self.lists.get_mut(self.current) {
            if let Some(n) = slot.as_mut().and_then(Iterator::next) {
                return Some(n.map_err(Error::from).map(|n| Neighbor {
                    node: NodeId(n.node),
                    edge: EdgeId(n.edge),
                    edge_type: n.edge_type,
                }));
            }
            self.current += 1;
        }
        None
    }
}

/// Node ids read from an index, in key order.
fn index_ids<'a, S: PageSource + 'a>(
    range: impl Iterator<Item = btree::Result<btree::Entry<'a, S>>> + 'a,
) -> impl Iterator<Item = Result<NodeId>> + 'a {
    range.map(|entry| Ok(NodeId(node_of_key(entry?.key())?)))
}

/// Whether the node `id` passes `test` on its name, for lookups of names longer than the name
/// index keeps. An error (reading the index or the node) passes, so that the caller sees it.
fn name_matches<G: GraphRead + ?Sized>(
    g: &G,
    id: &Result<NodeId>,
    test: impl Fn(&str) -> bool,
) -> bool {
    let Ok(id) = id else { return true };
    match g.node(*id) {
        Ok(Some(node)) => node.name().map_or(true, |name| test(&name)),
        Ok(None) | Err(_) => true,
    }
}

/// Reads of a graph: implemented by [`crate::ReadTxn`] and [`crate::WriteTxn`] (which sees its
/// own changes). Everything returned borrows the transaction and reads pages in place.
pub trait GraphRead: sealed::Access {
    /// The node `id`, or `None` if it does not exist.
    #[inline(always)]
    fn node(&self, id: NodeId) -> Result<Option<NodeRef<'_, Self>>> {
        let roots = self.roots();
        Ok(roots.nodes.get(self.source(), id.0)?.map(|record| NodeRef {
            src: self.source(),
            record,
            strings: &roots.strings,
            labels: self.labels(),
        }))
    }

    /// The edge `id`, or `None` if it does not exist.
    #[inline]
    fn edge(&self, id: EdgeId) -> Result<Option<EdgeRef<'_, Self>>> {
        let roots = self.roots();
        Ok(roots
            .edges
            .get(self.source(), id.0)?
            .map(|attrs| EdgeRef::new(self.source(), roots, self.labels(), id.0, attrs)))
    }

    /// Live nodes. O(1).
    fn node_count(&self) -> u64 {
        self.roots().nodes.len()
    }

    /// Live edges. O(1).
    fn edge_count(&self) -> u64 {
        self.roots().edges.len()
    }

    /// The number of `node`'s edges in `direction`. O(1); 0 for a node that does not exist.
    fn degree(&self, node: NodeId, direction: Direction) -> Result<u64> {
        let mut degree = 0;
        for d in direction.stored() {
            degree += self.roots().adjacency.degree(self.source(), node.0, *d)?;
        }
        Ok(degree)
    }

    /// `node`'s neighbours in `direction`, all or those whose edge type is `edge_type`. A node
    /// that does not exist, or a type that was never used, has none.
    #[inline]
    fn neighbors(
        &self,
        node: NodeId,
        direction: Direction,
        edge_type: Option<&str>,
    ) -> Result<Neighbors<'_, Self>> {
        let filter = match edge_type {
            Some(name) => match self.edge_type_id(name)? {
                Some(id) => Some(id),
                None => {
                    return Ok(Neighbors {
                        lists: [None, None],
                        current: 0,
                    });
                }
            },
            None => None,
        };
        self.neighbors_by_type_id(node, direction, filter)
    }

    /// [`GraphRead::neighbors`] with the edge type given by id.
    #[inline]
    fn neighbors_by_type_id(
        &self,
        node: NodeId,
        direction: Direction,
        edge_type: Option<u32>,
    ) -> Result<Neighbors<'_, Self>> {
        let adjacency = &self.roots().adjacency;
        let mut lists = [None, None];
        for (slot, d) in lists.iter_mut().zip(direction.stored()) {
            *slot = Some(adjacency.neighbors(self.source(), node.0, *d, edge_type)?);
        }
        Ok(Neighbors { lists, current: 0 })
    }

    /// The id of kind `kind`, if any node ever had it.
    fn kind_id(&self, kind: &str) -> Result<Option<u32>> {
        strings::id_of(&self.roots().strings, self.source(), Label::Kind, kind)
    }

    /// The id of edge type `edge_type`, if any edge ever had it.
    fn edge_type_id(&self, edge_type: &str) -> Result<Option<u32>> {
        strings::id_of(
            &self.roots().strings,
            self.source(),
            Label::EdgeType,
            edge_type,
        )
    }

    /// The name of edge type id `id`.
    fn edge_type_name(&self, id: u32) -> Result<Cow<'_, str>> {
        label_name(
            self.labels(),
            &self.roots().strings,
            self.source(),
            Label::EdgeType,
            id,
        )
    }

    /// Every kind ever used, by id.
    fn kinds(&self) -> Result<Vec<(u32, String)>> {
        strings::all(&self.roots().strings, self.source(), Label::Kind)
    }

    /// Every edge type ever used, by id.
    fn edge_types(&self) -> Result<Vec<(u32, String)>> {
        strings::all(&self.roots().strings, self.source(), Label::EdgeType)
    }

    /// The nodes of kind `kind`, by id.
    fn nodes_by_kind(&self, kind: &str) -> Result<Box<dyn Iterator<Item = Result<NodeId>> + '_>> {
        let Some(kind) = self.kind_id(kind)? else {
            return Ok(Box::new(std::iter::empty()));
        };
        let prefix = btree::keys::u32_key(kind);
        Ok(Box::new(index_ids(
            self.roots().by_kind.prefix(self.source(), &prefix),
        )))
    }

    /// The number of nodes of kind `kind` (one index range scan).
    fn count_by_kind(&self, kind: &str) -> Result<u64> {
        let mut count = 0;
        for id in self.nodes_by_kind(kind)? {
            id?;
            count += 1;
        }
        Ok(count)
    }

    /// The nodes named exactly `name`, by id. The empty name is no name: it finds nothing
    /// (unnamed nodes are not in the name index).
    fn nodes_by_name(&self, name: &str) -> Box<dyn Iterator<Item = Result<NodeId>> + '_> {
        if name.is_empty() {
            return Box::new(std::iter::empty());
        }
        let mut key = indexed_name(name.as_bytes()).to_vec();
        key.push(0);
        let ids = index_ids(self.roots().by_name.prefix(self.source(), &key));
        if name.len() < NAME_KEY_PREFIX {
            return Box::new(ids);
        }
        // The key holds only the start of a long name: compare the whole name in the record.
        let name = name.to_owned();
        Box::new(ids.filter(move |id| name_matches(self, id, |n| n == name)))
    }

    /// The named nodes whose name starts with `prefix`, by name and then id (names longer
    /// than the name index keeps, 1,018 bytes, that start the same are in id order). Unnamed
    /// nodes are not among them, even for the empty prefix.
    fn nodes_by_name_prefix(&self, prefix: &str) -> Box<dyn Iterator<Item = Result<NodeId>> + '_> {
        let keys = self
            .roots()
            .by_name
            .prefix(self.source(), indexed_name(prefix.as_bytes()));
        // Files of layouts before 7 also hold a key for each unnamed node: the empty name,
        // then NUL, so it starts with NUL (no name holds one) and sorts before every other.
        let named = keys.filter(|entry| {
            entry
                .as_ref()
                .map_or(true, |entry| entry.key().first() != Some(&0))
        });
        let ids = index_ids(named);
        if prefix.len() <= NAME_KEY_PREFIX {
            return Box::new(ids);
        }
        let prefix = prefix.to_owned();
        Box::new(ids.filter(move |id| name_matches(self, id, |n| n.starts_with(&prefix))))
    }

    /// Every live node, by id.
    fn nodes(&self) -> Box<dyn Iterator<Item = Result<NodeRef<'_, Self>>> + '_> {
        let (strings, src, labels) = (&self.roots().strings, self.source(), self.labels());
        Box::new(self.roots().nodes.iter(src).map(move |r| {
            r.map(|record| NodeRef {
                src,
                record,
                strings,
                labels,
            })
            .map_err(Error::from)
        }))
    }

    /// Every live edge, by id.
    fn edges(&self) -> Box<dyn Iterator<Item = Result<EdgeRef<'_, Self>>> + '_> {
        let (roots, src, labels) = (self.roots(), self.source(), self.labels());
        Box::new(roots.edges.iter(src).map(move |r| {
            r.map(|(id, attrs)| EdgeRef::new(src, roots, labels, id, attrs))
                .map_err(Error::from)
        }))
    }

    /// Calls `visit` with every live edge's id, source, target and edge-type id, by id: one pass
    /// over the edge records that builds nothing per edge, for exporting a whole graph
    /// ([`GraphRead::edges`] gives each edge's type name and data as well).
    fn for_each_edge_record(
        &self,
        mut visit: impl FnMut(EdgeId, NodeId, NodeId, u32),
    ) -> Result<()> {
        for record in self.roots().edges.iter(self.source()) {
            let (id, attrs) = record?;
            let attrs = EdgeAttrs::read(attrs);
            visit(
                EdgeId(id),
                NodeId(attrs.from.get()),
                NodeId(attrs.to.get()),
                u32::from(attrs.edge_type.get()),
            );
        }
        Ok(())
    }

    /// The value of `key` in key-value space `space` (see [`crate::WriteTxn::kv_insert`]).
    fn kv_get(&self, space: &str, key: &[u8]) -> Result<Option<Cow<'_, [u8]>>> {
        crate::kv::get(self.source(), space, key)
    }

    /// The entries of key-value space `space` whose keys start with `prefix`, in key order.
    fn kv_prefix(
        &self,
        space: &str,
        prefix: &[u8],
    ) -> Result<Box<dyn Iterator<Item = Result<crate::KvEntry<'_>>> + '_>> {
        crate::kv::prefix(self.source(), space, prefix)
    }

    /// The number of keys in key-value space `space`. O(1).
    fn kv_len(&self, space: &str) -> Result<u64> {
        crate::kv::len(self.source(), space)
    }

    /// The key-value spaces that hold at least one key, by name.
    fn kv_spaces(&self) -> Result<Vec<String>> {
        crate::kv::spaces(self.source())
    }

    /// Breadth-first search from `start` along the edges `follow` allows (a [`Direction`] for
    /// every edge that way, or a [`crate::Follow`] with edge types), to at most `max_depth`
    /// hops (`None`: no limit). Returns each reached node once with its depth, in visiting
    /// order, `start` first at depth 0: level by level, each level in id order but the one at
    /// `max_depth`, which is in the order its nodes were reached. A filtered step reads only the
    /// entries of the types asked for, however many other types the node has.
    fn bfs(
        &self,
        start: NodeId,
        follow: impl Into<crate::Follow>,
        max_depth: Option<u32>,
    ) -> Result<Vec<(NodeId, u32)>> {
        crate::traverse::bfs(self, start, &follow.into(), max_depth)
    }

    /// The distinct nodes within `k` hops of `start` along the edges `follow` allows, `start`
    /// excluded.
    fn k_hop(
        &self,
        start: NodeId,
        k: u32,
        follow: impl Into<crate::Follow>,
    ) -> Result<Vec<NodeId>> {
        Ok(crate::traverse::bfs(self, start, &follow.into(), Some(k))?
            .into_iter()
            .skip(1)
            .map(|(n, _)| n)
            .collect())
    }

    /// The nodes of a shortest path from `from` to `to` along out-edges of any type
    /// (unweighted, by bidirectional BFS), both ends included; `None` if `to` cannot be
    /// reached. [`GraphRead::shortest_path_by`] takes a direction and edge types and returns
    /// the edges too.
    /// The vector indexes: name, dimension, metric, HNSW parameters and size.
    fn vector_indexes(&self) -> Result<Vec<crate::VectorIndexInfo>> {
        crate::vector::list(self.source())
    }

    /// `node`'s vector in `index` as stored (normalised to length 1 under cosine), if any.
    fn vector(&self, index: &str, node: NodeId) -> Result<Option<Vec<f32>>> {
        crate::vector::get(self.source(), index, node)
    }

    /// The `k` nodes of `index` whose vectors are nearest `query`, nearest first, by HNSW
    /// search with `ef` candidates (at least `k`; more is slower and finds more of the true
    /// nearest). Approximate: [`GraphRead::vector_search_exact`] is the ground truth.
    fn vector_search(
        &self,
        index: &str,
        query: &[f32],
        k: usize,
        ef: usize,
    ) -> Result<Vec<crate::VectorHit>> {
        crate::vector::search(self.source(), index, query, k, ef)
    }

    /// The `k` nodes of `index` whose vectors are nearest `query`, nearest first, by comparing
    /// it with every vector. O(vectors).
    fn vector_search_exact(
        &self,
        index: &str,
        query: &[f32],
        k: usize,
    ) -> Result<Vec<crate::VectorHit>> {
        crate::vector::exact(self.source(), index, query, k)
    }

    /// [`GraphRead::vector_search`] among the nodes `filter` leaves (of a kind, or within some
    /// hops of a node). A filter that leaves few nodes is searched exactly.
    fn vector_search_filtered(
        &self,
        index: &str,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: &crate::VectorFilter<'_>,
    ) -> Result<Vec<crate::VectorHit>> {
        crate::vector::filtered(self, index, query, k, ef, filter)
    }

    /// A shortest path from `from` to `to` along out-edges (unweighted, by bidirectional BFS),
    /// both ends included; `None` if `to` cannot be reached.
    fn shortest_path(&self, from: NodeId, to: NodeId) -> Result<Option<Vec<NodeId>>> {
        Ok(self
            .shortest_path_by(from, to, crate::Follow::out())?
            .map(|path| path.nodes()))
    }

    /// A path of fewest hops from `from` to `to` along the edges `follow` allows (by
    /// bidirectional BFS), with the edge and its type at each hop; `None` if `to` cannot be
    /// reached.
    fn shortest_path_by(
        &self,
        from: NodeId,
        to: NodeId,
        follow: impl Into<crate::Follow>,
    ) -> Result<Option<crate::Path>> {
        crate::traverse::shortest_path(self, from, to, &follow.into())
    }

    /// Every path of fewest hops from `from` to `to` along the edges `follow` allows, at most
    /// `limit` of them (paths differ by at least one edge, so parallel edges give distinct
    /// paths); empty if `to` cannot be reached.
    fn all_shortest_paths(
        &self,
        from: NodeId,
        to: NodeId,
        follow: impl Into<crate::Follow>,
        limit: usize,
    ) -> Result<Vec<crate::Path>> {
        crate::traverse::all_shortest_paths(self, from, to, &follow.into(), limit)
    }

    /// A cheapest path from `from` to `to` along the edges `follow` allows (Dijkstra), where
    /// `weight` gives each edge's cost from its [`Neighbor`] (id, type, other end; read its data
    /// with [`GraphRead::edge`]). A weight that is negative, NaN or infinite is
    /// [`Error::InvalidWeight`]. `None` if `to` cannot be reached.
    fn dijkstra(
        &self,
        from: NodeId,
        to: NodeId,
        follow: impl Into<crate::Follow>,
        weight: impl FnMut(Neighbor) -> Result<f64>,
    ) -> Result<Option<crate::WeightedPath>> {
        crate::traverse::astar(self, from, to, &follow.into(), weight, |_| Ok(0.0))
    }

    /// [`GraphRead::dijkstra`] guided by `estimate`, the caller's lower bound on the cost from a
    /// node to `to` (A*). The path is a cheapest one when the estimate never exceeds the true
    /// cost and is consistent (for an edge u→v of weight w, estimate(u) <= w + estimate(v)); an
    /// estimate that is negative, NaN or infinite is [`Error::InvalidWeight`].
    fn astar(
        &self,
        from: NodeId,
        to: NodeId,
        follow: impl Into<crate::Follow>,
        weight: impl FnMut(Neighbor) -> Result<f64>,
        estimate: impl FnMut(NodeId) -> Result<f64>,
    ) -> Result<Option<crate::WeightedPath>> {
        crate::traverse::astar(self, from, to, &follow.into(), weight, estimate)
    }

    /// The cost of a cheapest path from `from` to every node it reaches along the edges
    /// `follow` allows (single-source Dijkstra), nearest first, `from` first at 0. Weights as in
    /// [`GraphRead::dijkstra`].
    fn distances(
        &self,
        from: NodeId,
        follow: impl Into<crate::Follow>,
        weight: impl FnMut(Neighbor) -> Result<f64>,
    ) -> Result<Vec<(NodeId, f64)>> {
        crate::traverse::distances(self, from, &follow.into(), weight)
    }

    /// The `k` cheapest simple paths (no node twice) from `from` to `to` along the edges
    /// `follow` allows, cheapest first (Yen's algorithm; equal costs by fewer hops, then by
    /// ids). Weights as in [`GraphRead::dijkstra`]; `|_| Ok(1.0)` counts hops.
    fn k_shortest_paths(
        &self,
        from: NodeId,
        to: NodeId,
        follow: impl Into<crate::Follow>,
        k: usize,
        weight: impl FnMut(Neighbor) -> Result<f64>,
    ) -> Result<Vec<crate::WeightedPath>> {
        crate::traverse::k_shortest_paths(self, from, to, &follow.into(), k, weight)
    }

    /// A cursor for scanning many nodes' neighbour lists, all edges or only those whose type id
    /// is in `edge_types` (see [`crate::NeighborScan`]): what whole-graph algorithms read with.
    fn scan(&self, edge_types: Option<&[u32]>) -> crate::NeighborScan<'_, Self::Source> {
        crate::NeighborScan::new(self.roots(), self.source(), edge_types)
    }
}
