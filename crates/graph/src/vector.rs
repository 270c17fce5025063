//! Vector search beside the graph: named HNSW indexes (the `vector` crate) whose catalog is
//! anchored in root slot [`SLOT_VECTORS`], changed in the graph's write transactions and read
//! from any snapshot. A node's vector in an index is keyed by its id; deleting the node deletes
//! its vectors.

use pager_mmap::PageSource;
use vector::{Filter, catalog};

use crate::error::{Error, Result};
use crate::ids::NodeId;
use crate::read::{Direction, GraphRead};
use crate::write::WriteTxn;

pub use vector::{
    Error as VectorError, IndexInfo as VectorIndexInfo, IndexSpec as VectorIndexSpec,
    MAX_DIMENSION, Metric,
};

/// The root slot of the catalog of vector indexes (0 while there is none).
pub(crate) const SLOT_VECTORS: usize = 17;

/// A filter leaving at most this share of an index's vectors (1 in 50) is searched exactly.
const EXACT_SHARE: u64 = 50;
/// A filter leaving at most this many times `ef` nodes is searched exactly: comparing them all
/// costs no more than the filtered graph walk would.
const EXACT_PER_EF: u64 = 4;

/// A hit of a vector search: a node and its distance from the query (smaller is nearer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VectorHit {
    /// The node.
    pub node: NodeId,
    /// Its distance under the index's metric ([`Metric`]).
    pub distance: f32,
}

/// Which nodes a filtered vector search may return.
#[derive(Clone, Copy, Debug)]
pub enum VectorFilter<'a> {
    /// Nodes of this kind.
    Kind(&'a str),
    /// Nodes within `hops` hops of `start` (not `start` itself) along `direction`, through
    /// edges of `edge_type` only if given.
    Near {
        /// Where the hops start.
        start: NodeId,
        /// At most this many hops.
        hops: u32,
        /// Along which edges.
        direction: Direction,
        /// Only edges of this type, if given.
        edge_type: Option<&'a str>,
    },
}

impl From<VectorError> for Error {
    fn from(e: VectorError) -> Error {
        match e {
            VectorError::Pager(e) => e.into(),
            VectorError::Tree(e) => e.into(),
            VectorError::Corrupt(what) => Error::corrupt(format!("vector index: {what}")),
            e => Error::Vector(e),
        }
    }
}

fn hits(found: Vec<vector::Hit>) -> Vec<VectorHit> {
    found
        .into_iter()
        .map(|h| VectorHit {
            node: NodeId(h.node),
            distance: h.distance,
        })
        .collect()
}

fn open<S: PageSource>(src: &S, index: &str) -> Result<vector::Index> {
    Ok(catalog::open(src, SLOT_VECTORS, index)?)
}

/// The vector indexes (see [`GraphRead::vector_indexes`]).
pub(crate) fn list<S: PageSource>(src: &S) -> Result<Vec<VectorIndexInfo>> {
    Ok(catalog::list(src, SLOT_VECTORS)?)
}

/// `node`'s vector in `index` (see [`GraphRead::vector`]).
pub(crate) fn get<S: PageSource>(src: &S, index: &str, node: NodeId) -> Result<Option<Vec<f32>>> {
    Ok(open(src, index)?.get(src, node.0)?)
}

/// HNSW search (see [`GraphRead::vector_search`]).
pub(crate) fn search<S: PageSource>(
    src: &S,
    index: &str,
    query: &[f32],
    k: usize,
    ef: usize,
) -> Result<Vec<VectorHit>> {
    Ok(hits(open(src, index)?.search(src, query, k, ef, None)?))
}

/// Exact search (see [`GraphRead::vector_search_exact`]).
pub(crate) fn exact<S: PageSource>(
    src: &S,
    index: &str,
    query: &[f32],
    k: usize,
) -> Result<Vec<VectorHit>> {
    Ok(hits(open(src, index)?.exact(src, query, k, None)?))
}

/// The nodes `filter` leaves, in no order.
fn candidates<G: GraphRead + ?Sized>(g: &G, filter: &VectorFilter<'_>) -> Result<Vec<u64>> {
    match *filter {
        VectorFilter::Kind(kind) => g.nodes_by_kind(kind)?.map(|n| n.map(|n| n.0)).collect(),
        VectorFilter::Near {
            start,
            hops,
            direction,
            edge_type,
        } => {
            if g.node(start)?.is_none() {
                return Err(Error::NodeNotFound(start));
            }
            let mut seen = pager_mmap::DenseIdSet::default();
            seen.insert(start.0);
            let mut frontier = vec![start];
            let mut found = Vec::new();
            for _ in 0..hops {
                let mut next = Vec::new();
                for node in frontier {
                    for n in g.neighbors(node, direction, edge_type)? {
                        let n = n?.node;
                        if seen.insert(n.0) {
                            found.push(n.0);
                            next.push(n);
                        }
                    }
                }
                frontier = next;
            }
            Ok(found)
        }
    }
}

/// Filtered search (see [`GraphRead::vector_search_filtered`]).
pub(crate) fn filtered<G: GraphRead + ?Sized>(
    g: &G,
    index: &str,
    query: &[f32],
    k: usize,
    ef: usize,
    filter: &VectorFilter<'_>,
) -> Result<Vec<VectorHit>> {
    let src = g.source();
    let index = open(src, index)?;
    let nodes = candidates(g, filter)?;
    let count = nodes.len() as u64;
    let ef = ef.max(k);
    if count.saturating_mul(EXACT_SHARE) <= index.len()
        || count <= (ef as u64).saturating_mul(EXACT_PER_EF)
    {
        return Ok(hits(index.exact_among(src, query, k, nodes)?));
    }
    let set: pager_mmap::DenseIdSet<u64> = nodes.into_iter().collect();
    let keep = |node: u64| set.contains(&node);
    let filter: Filter<'_> = Some(&keep);
    Ok(hits(index.search(src, query, k, ef, filter)?))
}

/// Every page the indexes use and the problems found in them (for `check`), with every
/// vector's node alive in `nodes`.
pub(crate) fn check<S: PageSource>(
    src: &S,
    nodes: &nodepage::RecordTable,
) -> Result<btree::TreeReport> {
    let mut report = vector::check(src, SLOT_VECTORS)?;
    if !report.is_clean() {
        return Ok(report);
    }
    for name in catalog::names(src, SLOT_VECTORS)? {
        for node in open(src, &name)?.nodes(src)? {
            if !nodes.contains(src, node)? {
                report.problem(format!(
                    "vector index {name:?} holds a vector of node {node}, which does not exist"
                ));
            }
        }
    }
    Ok(report)
}

impl WriteTxn {
    /// Creates an empty vector index `name` (1 to 255 bytes) with a dimension (up to
    /// [`MAX_DIMENSION`]), a metric and HNSW parameters.
    ///
    /// ```
    /// use graph::{Graph, GraphRead, Metric, VectorIndexSpec};
    ///
    /// let graph = Graph::in_memory()?;
    /// let mut txn = graph.begin_write()?;
    /// txn.create_vector_index("emb", VectorIndexSpec::new(2, Metric::L2))?;
    /// let a = txn.add_node("doc", "a", b"")?;
    /// let b = txn.add_node("doc", "b", b"")?;
    /// txn.set_vector("emb", a, &[0.0, 1.0])?;
    /// txn.set_vector("emb", b, &[5.0, 5.0])?;
    /// txn.commit()?;
    /// let read = graph.begin_read()?;
    /// let hits = read.vector_search("emb", &[0.1, 0.9], 1, 10)?;
    /// assert_eq!(hits[0].node, a);
    /// # Ok::<(), graph::Error>(())
    /// ```
    pub fn create_vector_index(&mut self, name: &str, spec: VectorIndexSpec) -> Result<()> {
        catalog::create(self.pager_txn(), SLOT_VECTORS, name, spec)?;
        Ok(())
    }

    /// Drops vector index `name` and frees its pages; returns whether it existed.
    pub fn drop_vector_index(&mut self, name: &str) -> Result<bool> {
        Ok(catalog::drop_index(self.pager_txn(), SLOT_VECTORS, name)?)
    }

    /// Sets `node`'s vector in `index`, replacing the one it had. The node must exist; the
    /// vector must have the index's dimension and finite components, and not be zero under
    /// cosine. A refused vector changes nothing.
    pub fn set_vector(&mut self, index: &str, node: NodeId, vector: &[f32]) -> Result<()> {
        if self.node(node)?.is_none() {
            return Err(Error::NodeNotFound(node));
        }
        let txn = self.pager_txn();
        let mut open = open(txn, index)?;
        open.set(txn, node.0, vector)?;
        catalog::save(txn, SLOT_VECTORS, &open)?;
        Ok(())
    }

    /// Deletes `node`'s vector from `index`; returns whether it had one.
    pub fn delete_vector(&mut self, index: &str, node: NodeId) -> Result<bool> {
        let txn = self.pager_txn();
        let mut open = open(txn, index)?;
        let deleted = open.delete(txn, node.0)?;
        if deleted {
            catalog::save(txn, SLOT_VECTORS, &open)?;
        }
        Ok(deleted)
    }

    /// Deletes `node`'s vectors from every index (the node is being deleted).
    pub(crate) fn delete_vectors_of(&mut self, node: NodeId) -> Result<()> {
        Ok(catalog::delete_everywhere(
            self.pager_txn(),
            SLOT_VECTORS,
            node.0,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;

    #[test]
    fn check_reports_a_vector_of_a_node_that_does_not_exist() {
        let graph = Graph::in_memory().expect("graph");
        let mut txn = graph.begin_write().expect("write");
        txn.create_vector_index("v", VectorIndexSpec::new(2, Metric::L2))
            .expect("create");
        let node = txn.add_node("doc", "d", b"").expect("node");
        txn.set_vector("v", node, &[1.0, 2.0]).expect("set");
        // Past the API, which refuses it: a vector for node 99, which was never made.
        let pager = txn.pager_txn();
        let mut index = catalog::open(pager, SLOT_VECTORS, "v").expect("open");
        index.set(pager, 99, &[3.0, 4.0]).expect("set");
        catalog::save(pager, SLOT_VECTORS, &index).expect("save");
        txn.commit().expect("commit");
        let report = graph.check().expect("check");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.contains("node 99, which does not exist")),
            "{:?}",
            report.problems
        );
    }
}
