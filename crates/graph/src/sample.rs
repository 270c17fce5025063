//! Generated sample graphs: the scenario graphs of the tests, the demo's graph, and data for
//! trying the API. Everything but the edge list is a function of the node or edge index, so a
//! sample of 10M nodes and 100M edges fits in memory (9 bytes an edge).
//!
//! ```
//! use graph::Graph;
//! use graph::sample::SampleGraph;
//!
//! let graph = Graph::in_memory()?;
//! let sample = SampleGraph::new(1_000, 5_000, true, 7);
//! sample.write(&graph, 10_000)?;
//! assert!(sample.verify(&graph.begin_read()?)?.is_empty());
//! # Ok::<(), graph::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::ids::{EdgeId, NodeId};
use crate::read::{Direction, GraphRead};
use crate::write::NewEdge;

/// The 22 kinds of a mixed-kinds sample (the scenario tests' C and D).
pub const KINDS: [&str; 22] = [
    "function",
    "module",
    "class",
    "method",
    "variable",
    "constant",
    "interface",
    "struct",
    "enum",
    "trait",
    "macro",
    "field",
    "parameter",
    "import",
    "file",
    "package",
    "test",
    "comment",
    "annotation",
    "type_alias",
    "namespace",
    "closure",
];

/// The edge types of every sample.
pub const EDGE_TYPES: [&str; 4] = ["calls", "contains", "references", "depends_on"];

/// Mismatches [`SampleGraph::verify`] lists before it stops looking.
const MAX_MISMATCHES: usize = 100;

/// A generated graph: `nodes` nodes and a list of uniformly random typed edges.
#[derive(Clone, Debug)]
pub struct SampleGraph {
    /// Nodes, with ids `0..nodes` once written to an empty graph.
    pub nodes: u64,
    /// Use the 22 [`KINDS`], `process_data_<i>` names for every third node and data over 64
    /// bytes for every second; otherwise every node is of kind `node`, named `node_<i>`.
    pub mixed_kinds: bool,
    /// (from, to, index into [`EDGE_TYPES`]), in insertion order: edge `j` gets id `j`.
    pub edges: Vec<(u32, u32, u8)>,
}

impl SampleGraph {
    /// A sample of `nodes` nodes (at most `u32::MAX`) and `edges` random edges, the same for
    /// the same `seed`.
    pub fn new(nodes: u64, edges: u64, mixed_kinds: bool, seed: u64) -> SampleGraph {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = u32::try_from(nodes).unwrap_or(u32::MAX);
        let edges = if n == 0 {
            Vec::new()
        } else {
            (0..edges)
                .map(|_| {
                    (
                        rng.u32(0..n),
                        rng.u32(0..n),
                        rng.u8(0..EDGE_TYPES.len() as u8),
                    )
                })
                .collect()
        };
        SampleGraph {
            nodes: u64::from(n),
            mixed_kinds,
            edges,
        }
    }

    /// The graph of the predecessor's scenario D (and of the demo): 10,000 nodes of 22 kinds
    /// and 50,000 edges.
    pub fn scenario_d() -> SampleGraph {
        SampleGraph::new(10_000, 50_000, true, 4)
    }

    /// Node `i`'s kind.
    pub fn kind(&self, i: u64) -> &'static str {
        if self.mixed_kinds {
            KINDS[(i % KINDS.len() as u64) as usize]
        } else {
            "node"
        }
    }

    /// Node `i`'s name.
    pub fn name(&self, i: u64) -> String {
        if self.mixed_kinds && i.is_multiple_of(3) {
            format!("process_data_{i}")
        } else {
            format!("node_{i}")
        }
    }

    /// Node `i`'s data.
    pub fn data(&self, i: u64) -> Vec<u8> {
        if self.mixed_kinds && i.is_multiple_of(2) {
            format!(
                "{{\"index\":{i},\"payload\":\"{}\"}}",
                "x".repeat(64 + (i % 200) as usize)
            )
            .into_bytes()
        } else {
            format!("{i}").into_bytes()
        }
    }

    /// Edge `j`'s data: `w=<j>` for every tenth edge, empty for the rest.
    pub fn edge_data(j: u64) -> Vec<u8> {
        if j.is_multiple_of(10) {
            format!("w={j}").into_bytes()
        } else {
            Vec::new()
        }
    }

    /// Writes the sample into an empty graph: nodes one by one, committing every `batch` of
    /// them, then the edges through [`crate::WriteTxn::add_edges`] in batches of `batch`, a
    /// commit each. Fails with [`Error::Corrupt`] if the graph was not empty (ids differ).
    pub fn write(&self, graph: &Graph, batch: u64) -> Result<()> {
        let batch = batch.max(1);
        let mut txn = graph.begin_write()?;
        let mut pending = 0;
        for i in 0..self.nodes {
            let id = txn.add_node(self.kind(i), &self.name(i), &self.data(i))?;
            if id != NodeId(i) {
                return Err(Error::corrupt(format!(
                    "sample node {i} got id {id}: the graph was not empty"
                )));
            }
            pending += 1;
            if pending == batch {
                txn.commit()?;
                txn = graph.begin_write()?;
                pending = 0;
            }
        }
        txn.commit()?;
        let batch = usize::try_from(batch).unwrap_or(usize::MAX);
        for (b, chunk) in self.edges.chunks(batch).enumerate() {
            let first = b * batch;
            let data: Vec<Vec<u8>> = (first..first + chunk.len())
                .map(|j| SampleGraph::edge_data(j as u64))
                .collect();
            let mut txn = graph.begin_write()?;
            let edges = chunk
                .iter()
                .zip(&data)
                .map(|(&(from, to, t), data)| NewEdge {
                    from: NodeId(from.into()),
                    to: NodeId(to.into()),
                    edge_type: EDGE_TYPES[usize::from(t)],
                    data,
                });
            let ids = txn.add_edges(edges)?;
            if ids.first() != Some(&EdgeId(first as u64)) {
                return Err(Error::corrupt(format!(
                    "sample edge {first} got id {:?}: the graph held edges",
                    ids.first()
                )));
            }
            txn.commit()?;
        }
        Ok(())
    }

    /// Expected lists in one direction, as (neighbour, edge, type) sorted, in CSR form.
    fn lists(&self, out: bool) -> (Vec<usize>, Vec<(u64, u64, u8)>) {
        let mut entries: Vec<(u32, u64, u64, u8)> = self
            .edges
            .iter()
            .enumerate()
            .map(|(j, &(f, t, ty))| {
                if out {
                    (f, t.into(), j as u64, ty)
                } else {
                    (t, f.into(), j as u64, ty)
                }
            })
            .collect();
        entries.sort_unstable();
        let mut offsets = vec![0usize; self.nodes as usize + 1];
        for e in &entries {
            offsets[e.0 as usize + 1] += 1;
        }
        for i in 0..self.nodes as usize {
            offsets[i + 1] += offsets[i];
        }
        let entries = entries
            .into_iter()
            .map(|(_, n, j, ty)| (n, j, ty))
            .collect();
        (offsets, entries)
    }

    /// Compares `read` with the sample: counts, every node's kind, name and data, every node's
    /// out- and in-list and degree, and every 97th edge's endpoints, type and data. Returns
    /// what differs, one sentence each (the first hundred); empty when all agree.
    pub fn verify(&self, read: &impl GraphRead) -> Result<Vec<String>> {
        let mut found = Mismatches::default();
        found.expect(read.node_count(), self.nodes, || "node count".into());
        let edges = self.edges.len() as u64;
        found.expect(read.edge_count(), edges, || "edge count".into());
        let types = EDGE_TYPES
            .iter()
            .map(|t| Ok(read.edge_type_id(t)?.unwrap_or(u32::MAX)))
            .collect::<Result<Vec<u32>>>()?;
        for i in 0..self.nodes {
            let Some(node) = read.node(NodeId(i))? else {
                found.push(format!("node {i} is missing"));
                continue;
            };
            found.expect(&*node.kind()?, self.kind(i), || format!("kind of node {i}"));
            found.expect(node.name()?.into_owned(), self.name(i), || {
                format!("name of node {i}")
            });
            found.expect(&*node.data()?, &self.data(i)[..], || {
                format!("data of node {i}")
            });
        }
        for (out, direction) in [(true, Direction::Out), (false, Direction::In)] {
            let (offsets, entries) = self.lists(out);
            for (i, range) in offsets.windows(2).enumerate() {
                let mut listed = Vec::new();
                for n in read.neighbors(NodeId(i as u64), direction, None)? {
                    let n = n?;
                    let t = types.iter().position(|t| *t == n.edge_type).unwrap_or(255);
                    listed.push((n.node.0, n.edge.0, t as u8));
                }
                listed.sort_unstable();
                let expected = entries.get(range[0]..range[1]).unwrap_or(&[]);
                found.expect(&listed[..], expected, || {
                    format!("{direction:?} list of node {i}")
                });
                let degree = read.degree(NodeId(i as u64), direction)?;
                found.expect(degree, expected.len() as u64, || {
                    format!("{direction:?} degree of node {i}")
                });
            }
        }
        for (j, &(from, to, t)) in self.edges.iter().enumerate().step_by(97) {
            let Some(edge) = read.edge(EdgeId(j as u64))? else {
                found.push(format!("edge {j} is missing"));
                continue;
            };
            let ends = (edge.from(), edge.to());
            let expected = (NodeId(from.into()), NodeId(to.into()));
            found.expect(ends, expected, || format!("endpoints of edge {j}"));
            found.expect(&*edge.edge_type()?, EDGE_TYPES[usize::from(t)], || {
                format!("type of edge {j}")
            });
            let data = SampleGraph::edge_data(j as u64);
            found.expect(&*edge.data()?, &data[..], || format!("data of edge {j}"));
        }
        Ok(found.0)
    }
}

/// What [`SampleGraph::verify`] found wrong.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn push(&mut self, what: String) {
        if self.0.len() < MAX_MISMATCHES {
            self.0.push(what);
        }
    }

    fn expect<T: PartialEq + std::fmt::Debug>(
        &mut self,
        found: T,
        expected: T,
        what: impl FnOnce() -> String,
    ) {
        if found != expected {
            self.push(format!(
                "{}: found {found:?}, expected {expected:?}",
                what()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_names_each_difference_from_the_sample() -> Result<()> {
        let graph = Graph::in_memory()?;
        let sample = SampleGraph::new(300, 1_500, true, 9);
        sample.write(&graph, 100)?;
        assert!(sample.verify(&graph.begin_read()?)?.is_empty());

        let mut txn = graph.begin_write()?;
        txn.set_node_data(NodeId(4), b"changed")?;
        txn.delete_edge(EdgeId(97))?;
        txn.commit()?;
        let found = sample.verify(&graph.begin_read()?)?;
        let (from, to, _) = sample.edges[97];
        for expected in [
            "edge count".to_owned(),
            "data of node 4".to_owned(),
            format!("Out list of node {from}"),
            format!("In list of node {to}"),
            "edge 97 is missing".to_owned(),
        ] {
            assert!(
                found.iter().any(|f| f.starts_with(&expected)),
                "{expected} not in {found:#?}"
            );
        }
        Ok(())
    }

    #[test]
    fn writing_into_a_graph_that_is_not_empty_fails() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        txn.add_node("k", "n", b"")?;
        txn.commit()?;
        let result = SampleGraph::new(10, 10, false, 1).write(&graph, 5);
        assert!(matches!(result, Err(Error::Corrupt(_))));
        Ok(())
    }
}
