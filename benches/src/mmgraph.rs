//! mmgraph through its public API (`graph` crate): the bulk load in one write transaction with
//! the default options (durable commit), and every read through one [`ReadTxn`] with the
//! library's own traversals ([`GraphRead::bfs`], [`GraphRead::k_hop`],
//! [`GraphRead::shortest_path`]).

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use graph::{Direction, Follow, Graph, GraphRead, NodeId, ReadTxn};

use crate::Result;
use crate::engine::{Engine, LoadTimes};
use crate::generate::{EDGE_TYPES, Generated, edge_weight};

/// The sizes of an mmgraph file.
#[derive(Clone, Debug, Default)]
pub struct MmgraphSizes {
    /// The file's length right after the load's commit, the graph still open (pre-allocated
    /// growth space included).
    pub file_len_after_commit: u64,
    /// The file's length when measured (after a clean close and reopen, when the caller
    /// closed it first).
    pub file_len: u64,
    /// The bytes the file system has allocated to it (`st_blocks * 512`).
    pub allocated: u64,
    /// Pages in the file's format (`page_count`, in use or free).
    pub page_count: u64,
    /// Free pages among them.
    pub free_pages: u64,
    /// Pages the structures reach, by page type (from [`Graph::stats`]).
    pub pages_by_type: BTreeMap<&'static str, u64>,
}

impl MmgraphSizes {
    /// The bytes of the pages in use (`(page_count - free_pages) * 4096`).
    pub fn in_use(&self) -> u64 {
        (self.page_count - self.free_pages) * pager_mmap::PAGE_SIZE as u64
    }
}

/// A graph in an mmgraph file.
pub struct Mmgraph {
    path: PathBuf,
    file_len_after_commit: u64,
    /// The index into [`EDGE_TYPES`] of each of the graph's edge type ids, read once.
    type_index: std::cell::OnceCell<Vec<u8>>,
    // Field order: the read transaction ends before the graph closes.
    read: Option<ReadTxn>,
    graph: Option<Graph>,
}

impl std::fmt::Debug for Mmgraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mmgraph").field("path", &self.path).finish()
    }
}

impl Mmgraph {
    /// Creates a graph at `path` (which must not exist) and loads `g` into it in one durable
    /// write transaction. Node `i` of `g` must get id `i` (mmgraph's ids are dense from 0).
    pub fn load(path: &Path, g: &Generated) -> Result<(Mmgraph, LoadTimes)> {
        let graph = Graph::open(path)?;
        let mut times = LoadTimes::default();
        let mut txn = graph.begin_write()?;
        let started = Instant::now();
        for i in 0..g.nodes {
            let node = g.node(i);
            let id = txn.add_node(node.kind, node.name, node.data)?;
            if id.0 != i {
                return Err(format!(
                    "mmgraph gave node id {id} to node {i}; the comparison needs dense ids from 0"
                )
                .into());
            }
        }
        times.nodes = started.elapsed();
        let started = Instant::now();
        // The bulk path, as a bulk load would use it: each list is extended once.
        txn.add_edges(g.new_edges())?;
        times.edges = started.elapsed();
        let started = Instant::now();
        txn.commit()?;
        times.commit = started.elapsed();
        let read = graph.begin_read()?;
        let db = Mmgraph {
            path: path.to_path_buf(),
            file_len_after_commit: std::fs::metadata(path)?.len(),
            type_index: std::cell::OnceCell::new(),
            read: Some(read),
            graph: Some(graph),
        };
        Ok((db, times))
    }

    /// The file's sizes and pages (the file's length now, and right after the load's commit);
    /// with `by_type`, also the pages by type (walks every
    /// structure).
    pub fn sizes(&self, by_type: bool) -> Result<MmgraphSizes> {
        let graph = self.graph()?;
        let pager = graph.storage_stats()?;
        let meta = std::fs::metadata(&self.path)?;
        Ok(MmgraphSizes {
            file_len_after_commit: self.file_len_after_commit,
            file_len: meta.len(),
            allocated: meta.blocks() * 512,
            page_count: pager.page_count,
            free_pages: pager.free_pages,
            pages_by_type: if by_type {
                graph.stats()?.pages_by_type
            } else {
                BTreeMap::new()
            },
        })
    }

    /// The number of nodes and edges in the graph.
    pub fn counts(&self) -> Result<(u64, u64)> {
        let read = self.read()?;
        Ok((read.node_count(), read.edge_count()))
    }

    fn graph(&self) -> Result<&Graph> {
        Ok(self.graph.as_ref().ok_or("the graph is closed")?)
    }

    fn read(&self) -> Result<&ReadTxn> {
        Ok(self.read.as_ref().ok_or("no read transaction")?)
    }
}

/// Out-edges of the types `types` (indexes into [`EDGE_TYPES`]).
fn typed(types: &[u8]) -> Follow {
    Follow::out().edge_types(types.iter().map(|&t| EDGE_TYPES[usize::from(t)]))
}

impl Mmgraph {
    /// [`Mmgraph::type_index`], read from the graph's edge types on first use.
    fn type_index(&self) -> Result<&[u8]> {
        if let Some(index) = self.type_index.get() {
            return Ok(index);
        }
        let mut index = Vec::new();
        for (id, name) in self.read()?.edge_types()? {
            let at = EDGE_TYPES
                .iter()
                .position(|t| *t == name)
                .ok_or_else(|| format!("edge type {name} is not generated"))?;
            if index.len() <= id as usize {
                index.resize(id as usize + 1, u8::MAX);
            }
            index[id as usize] = at as u8;
        }
        Ok(self.type_index.get_or_init(|| index))
    }
}

impl Engine for Mmgraph {
    fn name(&self) -> &'static str {
        "mmgraph"
    }

    fn get_node(&mut self, id: u64) -> Result<u64> {
        let read = self.read()?;
        let node = read
            .node(NodeId(id))?
            .ok_or_else(|| format!("no node {id}"))?;
        let name = node.name()?;
        let data = node.data()?;
        std::hint::black_box((node.kind_id(), &name, &data));
        Ok((name.len() + data.len()) as u64)
    }

    fn get_node_with_kind(&mut self, id: u64) -> Result<u64> {
        let read = self.read()?;
        let node = read
            .node(NodeId(id))?
            .ok_or_else(|| format!("no node {id}"))?;
        let kind = node.kind()?;
        let name = node.name()?;
        let data = node.data()?;
        std::hint::black_box((&kind, &name, &data));
        Ok((kind.len() + name.len() + data.len()) as u64)
    }

    fn out_neighbors(&mut self, id: u64) -> Result<u64> {
        let mut sum = 0;
        for n in self.read()?.neighbors(NodeId(id), Direction::Out, None)? {
            sum += n?.node.0 + 1;
        }
        Ok(sum)
    }

    fn bfs(&mut self, start: u64) -> Result<u64> {
        let order = self.read()?.bfs(NodeId(start), Direction::Out, None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn k_hop(&mut self, start: u64, k: u32) -> Result<u64> {
        Ok(self.read()?.k_hop(NodeId(start), k, Direction::Out)?.len() as u64)
    }

    fn shortest_path(&mut self, from: u64, to: u64) -> Result<u64> {
        Ok(self
            .read()?
            .shortest_path(NodeId(from), NodeId(to))?
            .map_or(0, |p| p.len() as u64))
    }

    fn filtered_bfs(&mut self, start: u64, types: &[u8]) -> Result<u64> {
        let order = self.read()?.bfs(NodeId(start), typed(types), None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn filtered_shortest_path(&mut self, from: u64, to: u64, types: &[u8]) -> Result<u64> {
        Ok(self
            .read()?
            .shortest_path_by(NodeId(from), NodeId(to), typed(types))?
            .map_or(0, |p| p.len() as u64 + 1))
    }

    fn dijkstra(&mut self, from: u64, to: u64) -> Result<Option<u64>> {
        let index = self.type_index()?;
        let weight = |hop: graph::Neighbor| {
            let t = index
                .get(hop.edge_type as usize)
                .copied()
                .unwrap_or(u8::MAX);
            Ok(edge_weight(hop.edge.0, t) as f64)
        };
        let found = self
            .read()?
            .dijkstra(NodeId(from), NodeId(to), Follow::out(), weight)?;
        Ok(Some(found.map_or(0, |p| p.cost as u64 + 1)))
    }

    fn close_and_reopen(&mut self) -> Result<Option<Duration>> {
        let started = Instant::now();
        self.read = None;
        self.graph = None;
        let graph = Graph::open(&self.path)?;
        self.read = Some(graph.begin_read()?);
        self.graph = Some(graph);
        self.get_node(0)?;
        Ok(Some(started.elapsed()))
    }
}
