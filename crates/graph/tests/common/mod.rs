//! Generated graphs for the scenario tests: everything but the edge list is a function of
//! the node or edge index, so specs of 10M nodes and 100M edges fit in memory.
#![allow(dead_code)]

use graph::{Direction, EdgeId, Graph, GraphRead, NodeId};

/// The 22 kinds of scenario C.
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

/// The edge types scenarios use.
pub const EDGE_TYPES: [&str; 4] = ["calls", "contains", "references", "depends_on"];

/// A generated graph.
pub struct Spec {
    pub nodes: u64,
    /// Use the 22 kinds, `process_data_<i>` names and long data for half the nodes (scenario C).
    pub mixed_kinds: bool,
    /// (from, to, type index), in insertion order: edge `j` gets id `j`.
    pub edges: Vec<(u32, u32, u8)>,
}

impl Spec {
    pub fn new(nodes: u64, edges: u64, mixed_kinds: bool, seed: u64) -> Spec {
        let mut rng = fastrand::Rng::with_seed(seed);
        let n = nodes as u32;
        let edges = (0..edges)
            .map(|_| {
                (
                    rng.u32(0..n),
                    rng.u32(0..n),
                    rng.u8(0..EDGE_TYPES.len() as u8),
                )
            })
            .collect();
        Spec {
            nodes,
            mixed_kinds,
            edges,
        }
    }

    pub fn kind(&self, i: u64) -> &'static str {
        if self.mixed_kinds {
            KINDS[(i % KINDS.len() as u64) as usize]
        } else {
            "node"
        }
    }

    pub fn name(&self, i: u64) -> String {
        if self.mixed_kinds && i.is_multiple_of(3) {
            format!("process_data_{i}")
        } else {
            format!("node_{i}")
        }
    }

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

    pub fn edge_data(j: u64) -> Vec<u8> {
        if j.is_multiple_of(10) {
            format!("w={j}").into_bytes()
        } else {
            Vec::new()
        }
    }

    /// Writes the whole graph: nodes one by one, committing every `batch` of them, then edges
    /// through `add_edges` in batches of `batch`, a commit each.
    pub fn write(&self, graph: &Graph, batch: u64) {
        let mut txn = graph.begin_write().expect("write");
        let mut pending = 0;
        for i in 0..self.nodes {
            let id = txn
                .add_node(self.kind(i), &self.name(i), &self.data(i))
                .expect("add node");
            assert_eq!(id, NodeId(i));
            pending += 1;
            if pending == batch {
                txn.commit().expect("commit");
                txn = graph.begin_write().expect("write");
                pending = 0;
            }
        }
        txn.commit().expect("commit");
        // Edges through the bulk path, in batches of `batch`, their data made batch by batch.
        for (b, chunk) in self.edges.chunks(batch as usize).enumerate() {
            let first = b * batch as usize;
            let data: Vec<Vec<u8>> = (first..first + chunk.len())
                .map(|j| Spec::edge_data(j as u64))
                .collect();
            let mut txn = graph.begin_write().expect("write");
            let batch_edges =
                chunk
                    .iter()
                    .zip(&data)
                    .map(|(&(from, to, t), data)| graph::NewEdge {
                        from: NodeId(from.into()),
                        to: NodeId(to.into()),
                        edge_type: EDGE_TYPES[t as usize],
                        data,
                    });
            let ids = txn.add_edges(batch_edges).expect("add edges");
            assert_eq!(ids.first(), Some(&EdgeId(first as u64)));
            txn.commit().expect("commit");
        }
    }

    /// Expected out- and in-lists, as (neighbour, edge, type) sorted, in CSR form.
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
        (
            offsets,
            entries
                .into_iter()
                .map(|(_, n, j, ty)| (n, j, ty))
                .collect(),
        )
    }

    /// Verifies every node's kind, name and data, and every node's out- and in-list.
    pub fn verify(&self, graph: &Graph) {
        let read = graph.begin_read().expect("read");
        assert_eq!(read.node_count(), self.nodes);
        assert_eq!(read.edge_count(), self.edges.len() as u64);
        let types: Vec<u32> = EDGE_TYPES
            .iter()
            .map(|t| read.edge_type_id(t).expect("type").unwrap_or(u32::MAX))
            .collect();
        for i in 0..self.nodes {
            let node = read
                .node(NodeId(i))
                .expect("node")
                .unwrap_or_else(|| panic!("node {i} missing"));
            assert_eq!(node.kind().expect("kind"), self.kind(i), "kind of {i}");
            assert_eq!(node.name().expect("name"), self.name(i), "name of {i}");
            assert_eq!(
                &*node.data().expect("data"),
                &self.data(i)[..],
                "data of {i}"
            );
        }
        for (out, direction) in [(true, Direction::Out), (false, Direction::In)] {
            let (offsets, entries) = self.lists(out);
            for i in 0..self.nodes as usize {
                let mut found: Vec<(u64, u64, u8)> = read
                    .neighbors(NodeId(i as u64), direction, None)
                    .expect("neighbors")
                    .map(|n| {
                        let n = n.expect("neighbor");
                        let t = types
                            .iter()
                            .position(|t| *t == n.edge_type)
                            .expect("known type") as u8;
                        (n.node.0, n.edge.0, t)
                    })
                    .collect();
                found.sort_unstable();
                let mut expected = entries[offsets[i]..offsets[i + 1]].to_vec();
                expected.sort_unstable();
                assert_eq!(found, expected, "{direction:?} list of node {i}");
                assert_eq!(
                    read.degree(NodeId(i as u64), direction).expect("degree"),
                    expected.len() as u64
                );
            }
        }
        for j in (0..self.edges.len()).step_by(97) {
            let edge = read.edge(EdgeId(j as u64)).expect("edge").expect("live");
            let (from, to, t) = self.edges[j];
            assert_eq!(
                (edge.from(), edge.to()),
                (NodeId(from.into()), NodeId(to.into()))
            );
            assert_eq!(edge.edge_type().expect("type"), EDGE_TYPES[t as usize]);
            assert_eq!(&*edge.data().expect("data"), &Spec::edge_data(j as u64)[..]);
        }
    }
}

/// The scale factor of the scenarios: 1 by default, 100 for the long run.
pub fn scale() -> u64 {
    std::env::var("MMGRAPH_SCENARIO_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}
