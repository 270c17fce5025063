//! An open index: its name, header and tree of records, and reading one record.

use std::borrow::Cow;

use btree::Tree;
use pager_mmap::PageSource;

use crate::error::{Result, corrupt};
use crate::record::{RecordView, key, vector_of};
use crate::spec::{Header, IndexSpec};

/// One vector index as a transaction sees it. Changes ([`Index::set`], [`Index::delete`]) are
/// written to the transaction's pages; [`crate::catalog::save`] records the new header.
#[derive(Clone, Debug)]
pub struct Index {
    pub(crate) name: String,
    pub(crate) header: Header,
    pub(crate) tree: Tree,
}

/// A search result: a node and its distance from the query under the index's metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// The node.
    pub node: u64,
    /// Its distance (smaller is nearer; see [`crate::Metric`]).
    pub distance: f32,
}

impl Index {
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
        self.tree.len()
    }

    /// Whether the index holds no vector.
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// The entry point of searches and its level, if the index holds a vector.
    pub fn entry(&self) -> Option<(u64, u8)> {
        self.header.entry
    }

    /// The stored bytes of `node`'s record, if it has one.
    pub(crate) fn raw<'a, S: PageSource>(
        &self,
        src: &'a S,
        node: u64,
    ) -> Result<Option<Cow<'a, [u8]>>> {
        Ok(self.tree.get(src, &key(node))?)
    }

    /// The stored bytes of `node`'s record, which a link or the header says exists.
    pub(crate) fn linked<'a, S: PageSource>(&self, src: &'a S, node: u64) -> Result<Cow<'a, [u8]>> {
        self.raw(src, node)?.ok_or_else(|| {
            corrupt(format!(
                "index {:?} links to node {node}, which has no vector",
                self.name
            ))
        })
    }

    /// A view of record bytes under this index's dimension.
    pub(crate) fn view<'a>(&self, bytes: &'a [u8]) -> Result<RecordView<'a>> {
        RecordView::new(bytes, self.header.spec.dimension)
    }

    /// The vector of `node` as stored (normalised under cosine), if it has one.
    pub fn get<S: PageSource>(&self, src: &S, node: u64) -> Result<Option<Vec<f32>>> {
        match self.raw(src, node)? {
            Some(bytes) => Ok(Some(vector_of(self.view(&bytes)?.vector()))),
            None => Ok(None),
        }
    }

    /// Whether `node` has a vector in the index.
    pub fn contains<S: PageSource>(&self, src: &S, node: u64) -> Result<bool> {
        Ok(self.tree.contains_key(src, &key(node))?)
    }

    /// The nodes that have a vector in the index, in id order.
    pub fn nodes<S: PageSource>(&self, src: &S) -> Result<Vec<u64>> {
        self.tree
            .iter(src)
            .map(|entry| crate::record::node_of_key(entry?.key()))
            .collect()
    }

    /// The distance from a prepared `query` to linked node `node`.
    pub(crate) fn distance_to<S: PageSource>(
        &self,
        src: &S,
        query: &[f32],
        node: u64,
    ) -> Result<f32> {
        let bytes = self.linked(src, node)?;
        let view = self.view(&bytes)?;
        Ok(self
            .header
            .spec
            .metric
            .distance_to_bytes(query, view.vector()))
    }
}
