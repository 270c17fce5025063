//! An open index: its name, header, node map and slot tables, and reading a node's slot,
//! vector and links by dense id.
//!
//! Nodes are named by node id only at the API's edge: the map (a B+tree from node id to dense
//! id) is consulted once per `set`, `delete`, `get`; searches walk dense ids and turn the `k`
//! results back into node ids through their node slots.

use std::borrow::Cow;
use std::ops::Range;

use btree::Tree;
use pager_mmap::{PageSource, PageType};

use crate::error::{Result, corrupt};
use crate::node_slot::{NodeSlot, UpperSlot, node_slot_len, upper_slot_len, vector_of};
use crate::slots::{LeafCache, SlotTable};
use crate::spec::{Header, IndexSpec, MAX_LEVEL, SlotLayout};

/// Type tag of a page of node slots (each a node's id, level, level-0 links and vector), side
/// by side: an index made before graph layout 8. (Tag 80, a page of vectors apart from their
/// node slots, belonged to graph layout 3.)
pub const NODE_PAGE: PageType = PageType(81);
/// Type tag of a page of node slots with the vectors first, aligned to cache lines, and the
/// node parts after them.
pub const ALIGNED_NODE_PAGE: PageType = PageType(83);
/// Type tag of a page of upper-link slots.
pub const UPPER_PAGE: PageType = PageType(82);

/// One vector index as a transaction sees it. Changes ([`Index::set`], [`Index::delete`]) are
/// written to the transaction's pages; [`crate::catalog::save`] records the new header.
#[derive(Clone, Debug)]
pub struct Index {
    pub(crate) name: String,
    pub(crate) header: Header,
    /// Node id (8 bytes big-endian) -> dense id (`u32` little-endian).
    pub(crate) map: Tree,
    /// Node slots by dense id: the node part ([`Index::node_field`]) and the vector
    /// ([`Index::vector_field`]), in one page, so that one radix descent finds both.
    pub(crate) slots: SlotTable,
    /// The upper-link tables of levels `1 ..= MAX_LEVEL`, by upper id.
    pub(crate) upper: [SlotTable; MAX_LEVEL as usize],
}

/// A search result: a node and its distance from the query under the index's metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The node.
    pub node: u64,
    /// Its distance (smaller is nearer; see [`crate::Metric`]).
    pub distance: f32,
}

/// The node slot table `header` describes, in its layout.
fn node_table(header: &Header) -> SlotTable {
    let head = node_slot_len(header.spec.m);
    let len = head + 4 * header.spec.dimension;
    match header.layout {
        SlotLayout::Beside => SlotTable::new(header.slots, len, NODE_PAGE),
        SlotLayout::Aligned => SlotTable::split(header.slots, head, len, ALIGNED_NODE_PAGE),
    }
}

/// The map's key of `node`.
pub(crate) fn key(node: u64) -> [u8; 8] {
    btree::keys::u64_key(node)
}

/// The node a map key names.
pub(crate) fn node_of_key(key: &[u8]) -> Result<u64> {
    btree::keys::decode_u64(key)
        .ok_or_else(|| corrupt(format!("a map key has {} bytes, not 8", key.len())))
}

/// The dense id a map value holds.
pub(crate) fn id_of_value(value: &[u8]) -> Result<u32> {
    <[u8; 4]>::try_from(value)
        .map(u32::from_le_bytes)
        .map_err(|_| corrupt(format!("a map value has {} bytes, not 4", value.len())))
}

impl Index {
    /// The index `name` as `header` and its map describe it.
    pub(crate) fn new(name: &str, header: Header, map: Tree) -> Index {
        let spec = header.spec;
        let upper_len = upper_slot_len(spec.m);
        Index {
            name: name.to_owned(),
            map,
            slots: node_table(&header),
            upper: header
                .upper
                .map(|pages| SlotTable::new(pages, upper_len, UPPER_PAGE)),
            header,
        }
    }

    /// The header as it is to be saved: with the current roots of the map and tables.
    pub(crate) fn current_header(&self) -> Header {
        Header {
            map_root: self.map.root(),
            slots: self.slots.pages,
            upper: self.upper.map(|t| t.pages),
            ..self.header
        }
    }

    /// The index's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The index's dimension, metric and HNSW parameters.
    pub fn spec(&self) -> IndexSpec {
        self.header.spec
    }

    /// Vectors in the index. O(1).
    pub fn len(&self) -> u64 {
        self.header.len
    }

    /// Whether the index holds no vector.
    pub fn is_empty(&self) -> bool {
        self.header.len == 0
    }

    /// The entry point of searches (a node) and its level, if the index holds a vector.
    pub fn entry(&self) -> Option<(u64, u8)> {
        self.header.entry.map(|e| (e.node, e.level))
    }

    /// The bytes of a slot that hold the node part (id, level, upper id, level-0 links).
    #[inline]
    pub(crate) fn node_field(&self) -> Range<usize> {
        0..node_slot_len(self.header.spec.m)
    }

    /// The bytes of a slot that hold the vector (little-endian `f32`s).
    #[inline]
    pub(crate) fn vector_field(&self) -> Range<usize> {
        let start = node_slot_len(self.header.spec.m);
        start..start + 4 * self.header.spec.dimension
    }

    /// `node`'s dense id, if it has a vector.
    pub(crate) fn id_of<S: PageSource>(&self, src: &S, node: u64) -> Result<Option<u32>> {
        match self.map.get(src, &key(node))? {
            Some(value) => Ok(Some(id_of_value(&value)?)),
            None => Ok(None),
        }
    }

    /// The node slot of dense id `id`, live or free.
    #[inline]
    pub(crate) fn slot<'a, S: PageSource>(&self, src: &'a S, id: u32) -> Result<NodeSlot<'a>> {
        self.node_slot(src, id, None)
    }

    /// The node slot of dense id `id`, its leaf found through `cache` if given.
    #[inline]
    pub(crate) fn node_slot<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        cache: Option<&mut LeafCache>,
    ) -> Result<NodeSlot<'a>> {
        if id >= self.header.next_id {
            return Err(corrupt(format!(
                "index {:?} names dense id {id}, beyond the {} handed out",
                self.name, self.header.next_id
            )));
        }
        Ok(NodeSlot(self.slots.slot(
            src,
            id,
            self.node_field(),
            cache,
        )?))
    }

    /// The stored vector of dense id `id` (little-endian `f32`s), in place where it can be.
    #[inline]
    pub(crate) fn vector<'a, S: PageSource>(&self, src: &'a S, id: u32) -> Result<Cow<'a, [u8]>> {
        self.vector_via(src, id, None)
    }

    /// [`Index::vector`], its leaf found through `cache` if given.
    #[inline]
    pub(crate) fn vector_via<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        cache: Option<&mut LeafCache>,
    ) -> Result<Cow<'a, [u8]>> {
        self.slots.read(src, id, self.vector_field(), cache)
    }

    /// The links of live dense id `id` at `level` (none above its level), as `u32` bytes.
    #[inline]
    pub(crate) fn links<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        level: u8,
    ) -> Result<&'a [u8]> {
        self.links_via(src, id, level, None)
    }

    /// [`Index::links`], the node slot's leaf found through `cache` if given.
    #[inline]
    pub(crate) fn links_via<'a, S: PageSource>(
        &self,
        src: &'a S,
        id: u32,
        level: u8,
        cache: Option<&mut LeafCache>,
    ) -> Result<&'a [u8]> {
        let slot = self.node_slot(src, id, cache)?;
        if level == 0 {
            return slot.links();
        }
        if level > slot.level()? {
            return Ok(&[]);
        }
        UpperSlot(self.upper_table(level)?.whole_slot(src, slot.upper())?).links()
    }

    /// The table of upper links at `level` (1 ..= MAX_LEVEL).
    pub(crate) fn upper_table(&self, level: u8) -> Result<&SlotTable> {
        self.upper
            .get(usize::from(level).wrapping_sub(1))
            .ok_or_else(|| corrupt(format!("no upper-link table for level {level}")))
    }

    /// The distance from a prepared `query` to the vector of dense id `id`.
    #[inline]
    pub(crate) fn distance_to<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        id: u32,
    ) -> Result<f32> {
        self.distance_via(src, query, id, None)
    }

    /// [`Index::distance_to`], the vector's leaf found through `cache` if given.
    #[inline]
    pub(crate) fn distance_via<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        id: u32,
        cache: Option<&mut LeafCache>,
    ) -> Result<f32> {
        let bytes = self.vector_via(src, id, cache)?;
        Ok(self.header.spec.metric.distance_to_bytes(query, &bytes))
    }

    /// The vector of `node` as stored (normalised under cosine), if it has one.
    pub fn get<S: PageSource>(&self, src: &S, node: u64) -> Result<Option<Vec<f32>>> {
        match self.id_of(src, node)? {
            Some(id) => Ok(Some(vector_of(&self.vector(src, id)?))),
            None => Ok(None),
        }
    }

    /// Whether `node` has a vector in the index.
    pub fn contains<S: PageSource>(&self, src: &S, node: u64) -> Result<bool> {
        Ok(self.map.contains_key(src, &key(node))?)
    }

    /// The nodes that have a vector in the index, in id order.
    pub fn nodes<S: PageSource>(&self, src: &S) -> Result<Vec<u64>> {
        self.map
            .iter(src)
            .map(|entry| node_of_key(entry?.key()))
            .collect()
    }
}
