//! A model of the graph API for randomized tests: operations, an in-memory model graph, and a
//! harness that applies each operation to both and compares every answer after every step
//! (and `check()` after every commit and reopen). Shared by the `model` proptest and the
//! `graph_ops` fuzz target.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use graph::testing::MemStorage;
use graph::{Direction, EdgeId, Graph, GraphRead, NodeId, Options, external_ids};

/// Kinds and edge types, one of each longer than the string table keys by itself (1,000
/// bytes), so long labels go through the same operations as short ones.
pub static KINDS: LazyLock<[String; 4]> = LazyLock::new(|| {
    ["person", "city", "thing"]
        .map(str::to_owned)
        .into_iter()
        .chain([format!("{}kind", "é".repeat(800))])
        .collect::<Vec<_>>()
        .try_into()
        .expect("four kinds")
});
pub static TYPES: LazyLock<[String; 4]> = LazyLock::new(|| {
    ["knows", "lives_in", "owns"]
        .map(str::to_owned)
        .into_iter()
        .chain([format!("{}type", "€".repeat(700))])
        .collect::<Vec<_>>()
        .try_into()
        .expect("four types")
});

/// How [`Harness::apply`] reopens the graph.
#[derive(Clone, Copy, Debug)]
pub enum Reopen {
    /// Read-write, as usual.
    Writable,
    /// Read-only first (the answers must be the same and no write may begin), then read-write.
    ReadOnlyFirst,
}

#[derive(Clone, Debug)]
pub enum Op {
    AddNode {
        kind: usize,
        name: u8,
        data: u16,
    },
    UpdateNode {
        pick: usize,
        kind: usize,
        name: u8,
        data: u16,
    },
    SetNodeData {
        pick: usize,
        data: u16,
    },
    DeleteNode {
        pick: usize,
    },
    /// 80 to 120 nodes of kind `kind` in one `add_nodes_with_data` call, named by
    /// [`long_name`] (longer than a record slot holds), with `data` bytes of data each: they
    /// fill a node leaf whose names take a heap page, which is then packed into one page.
    AddNamedNodes {
        count: u8,
        kind: usize,
        data: u8,
    },
    AddEdge {
        from: usize,
        to: usize,
        edge_type: usize,
        data: u16,
    },
    /// `count` edges in one `add_edges` call: edge `i` from the node picked by `first + i * step`
    /// (by `first` alone when `hub`, so one list passes the hub threshold), to the node picked
    /// by `step + 7 * i`, of type `i % TYPES.len()`, with data on every third.
    AddEdges {
        first: usize,
        step: usize,
        count: u16,
        hub: bool,
    },
    SetEdgeData {
        pick: usize,
        data: u16,
    },
    DeleteEdge {
        pick: usize,
    },
    /// Sets key `key` of key-value space `space % 2` to a value of `value` bytes.
    KvSet {
        space: u8,
        key: u8,
        value: u16,
    },
    KvRemove {
        space: u8,
        key: u8,
    },
    /// Gives the node picked by `pick` the external id [`external_id`]`(id)`; one already
    /// given makes the transaction be dropped, as `external_ids::record` requires.
    RecordExternal {
        pick: usize,
        id: u16,
    },
    /// Rewrites the by-name and by-kind indexes into packed leaves, which later writes to
    /// them rewrite as slotted ones where they land.
    RebuildIndexes,
    Commit,
    Abort,
    Reopen(Reopen),
}

/// The key-value spaces the operations use.
pub const SPACES: [&str; 2] = ["ids", "settings"];

fn kv_key(key: u8) -> Vec<u8> {
    // Keys sharing prefixes, some empty, so prefix scans split them.
    vec![b'k'; usize::from(key % 4)]
        .into_iter()
        .chain([key / 4])
        .collect()
}

pub fn name(seed: u8) -> String {
    // Few distinct names, sharing prefixes, so lookups find several nodes; one in eight longer
    // than the name index keeps (1,018 bytes), all alike in their first 1,020; and one in
    // eleven the empty name, which the name index leaves out.
    if seed % 11 == 10 {
        return String::new();
    }
    if seed.is_multiple_of(8) {
        return format!("ab{}{}", "λ".repeat(510), seed % 5);
    }
    format!("{}{}", ["ab", "abc", "b"][usize::from(seed % 3)], seed % 7)
}

/// The name of node `i` of an [`Op::AddNamedNodes`] batch: 24 to 33 bytes, more than the 23
/// a record slot holds, and short enough that 80 of them fit a packed leaf.
pub fn long_name(i: u64) -> String {
    format!("a name beyond the slot {}", "x".repeat((i % 10) as usize))
}

/// External ids: numbers (kept in the id maps), numbers with a leading zero and words (kept
/// as text), few enough that some are given twice.
pub fn external_id(id: u16) -> String {
    match id % 4 {
        0 => format!("0{}", id % 40),
        1 => format!("taxon{}", id % 40),
        _ => (id % 300).to_string(),
    }
}

pub fn data(len: u16, salt: u64) -> Vec<u8> {
    (0..len).map(|i| (u64::from(i) ^ salt) as u8).collect()
}

#[derive(Clone, Default, Debug)]
pub struct Model {
    nodes: BTreeMap<u64, (usize, String, Vec<u8>)>,
    edges: BTreeMap<u64, (u64, u64, usize, Vec<u8>)>,
    /// (space index, key) -> value.
    kv: BTreeMap<(usize, Vec<u8>), Vec<u8>>,
    /// External id -> node, and node -> its external id (kept when the node is deleted).
    external: BTreeMap<String, u64>,
    external_of: BTreeMap<u64, String>,
}

impl Model {
    fn pick_node(&self, pick: usize) -> Option<u64> {
        (!self.nodes.is_empty()).then(|| {
            *self
                .nodes
                .keys()
                .nth(pick % self.nodes.len())
                .expect("in range")
        })
    }

    fn pick_edge(&self, pick: usize) -> Option<u64> {
        (!self.edges.is_empty()).then(|| {
            *self
                .edges
                .keys()
                .nth(pick % self.edges.len())
                .expect("in range")
        })
    }

    /// (neighbour, edge, type) of `node` in `direction`, sorted.
    fn neighbors(
        &self,
        node: u64,
        direction: Direction,
        edge_type: Option<usize>,
    ) -> Vec<(u64, u64, usize)> {
        let mut out = Vec::new();
        for (&id, &(from, to, t, _)) in &self.edges {
            if edge_type.is_some_and(|f| f != t) {
                continue;
            }
            if from == node && direction != Direction::In {
                out.push((to, id, t));
            }
            if to == node && direction != Direction::Out {
                out.push((from, id, t));
            }
        }
        out.sort_unstable();
        out
    }
}

pub fn assert_same(g: &impl GraphRead, model: &Model) {
    assert_eq!(g.node_count(), model.nodes.len() as u64);
    assert_eq!(g.edge_count(), model.edges.len() as u64);
    let type_of = |id: u32| {
        TYPES
            .iter()
            .position(|t| g.edge_type_id(t).expect("type") == Some(id))
            .expect("known type")
    };
    for (&id, (kind, name, data)) in &model.nodes {
        let node = g.node(NodeId(id)).expect("node").expect("live");
        assert_eq!(node.kind().expect("kind"), KINDS[*kind]);
        assert_eq!(node.name().expect("name"), *name);
        assert_eq!(&*node.data().expect("data"), &data[..]);
        for direction in [Direction::Out, Direction::In, Direction::Both] {
            for filter in [None, Some(0), Some(2)] {
                let mut found: Vec<(u64, u64, usize)> = g
                    .neighbors(NodeId(id), direction, filter.map(|t| TYPES[t].as_str()))
                    .expect("neighbors")
                    .map(|n| {
                        let n = n.expect("neighbor");
                        (n.node.0, n.edge.0, type_of(n.edge_type))
                    })
                    .collect();
                found.sort_unstable();
                assert_eq!(
                    found,
                    model.neighbors(id, direction, filter),
                    "node {id} {direction:?} {filter:?}"
                );
            }
            assert_eq!(
                g.degree(NodeId(id), direction).expect("degree"),
                model.neighbors(id, direction, None).len() as u64
            );
        }
    }
    // The pass over the edge records lists the live edges by id, as the model has them.
    let mut records = Vec::new();
    g.for_each_edge_record(|id, from, to, t| records.push((id.0, from.0, to.0, t)))
        .expect("edge records");
    let expected: Vec<(u64, u64, u64, u32)> = model
        .edges
        .iter()
        .map(|(&id, (from, to, t, _))| {
            let type_id = g
                .edge_type_id(&TYPES[*t])
                .expect("type")
                .expect("known type");
            (id, *from, *to, type_id)
        })
        .collect();
    assert_eq!(records, expected);
    for (&id, (from, to, t, data)) in &model.edges {
        let edge = g.edge(EdgeId(id)).expect("edge").expect("live");
        assert_eq!((edge.from().0, edge.to().0), (*from, *to));
        assert_eq!(edge.edge_type().expect("type"), TYPES[*t]);
        assert_eq!(&*edge.data().expect("data"), &data[..]);
    }
    for (k, kind) in KINDS.iter().enumerate() {
        let expected: Vec<u64> = model
            .nodes
            .iter()
            .filter(|(_, n)| n.0 == k)
            .map(|(id, _)| *id)
            .collect();
        let found: Vec<u64> = g
            .nodes_by_kind(kind)
            .expect("by kind")
            .map(|id| id.expect("id").0)
            .collect();
        assert_eq!(found, expected, "kind {kind}");
    }
    for seed in 0..21u8 {
        let n = name(seed);
        // The empty name is no name: a lookup of it finds nothing.
        let mut expected: Vec<u64> = model
            .nodes
            .iter()
            .filter(|(_, v)| v.1 == n && !n.is_empty())
            .map(|(id, _)| *id)
            .collect();
        expected.sort_unstable();
        let found: Vec<u64> = g.nodes_by_name(&n).map(|id| id.expect("id").0).collect();
        assert_eq!(found, expected, "name {n}");
    }
    // The empty prefix (every named node), a short one, and one longer than the name index
    // keeps.
    for prefix in [
        String::new(),
        "ab".to_owned(),
        format!("ab{}", "λ".repeat(510)),
    ] {
        let mut expected: Vec<u64> = model
            .nodes
            .iter()
            .filter(|(_, v)| v.1.starts_with(&prefix) && !v.1.is_empty())
            .map(|(id, _)| *id)
            .collect();
        expected.sort_unstable();
        let mut found: Vec<u64> = g
            .nodes_by_name_prefix(&prefix)
            .map(|id| id.expect("id").0)
            .collect();
        found.sort_unstable();
        assert_eq!(found, expected, "prefix {prefix}");
    }
    for (s, space) in SPACES.iter().enumerate() {
        let expected: Vec<(Vec<u8>, Vec<u8>)> = model
            .kv
            .iter()
            .filter(|((m, _), _)| *m == s)
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect();
        let found: Vec<(Vec<u8>, Vec<u8>)> = g
            .kv_prefix(space, b"")
            .expect("kv prefix")
            .map(|e| {
                let (k, v) = e.expect("kv entry");
                (k.to_vec(), v.into_owned())
            })
            .collect();
        assert_eq!(found, expected, "space {space}");
        assert_eq!(g.kv_len(space).expect("kv len"), expected.len() as u64);
        for (k, v) in &expected {
            assert_eq!(g.kv_get(space, k).expect("kv get").as_deref(), Some(&v[..]));
        }
    }
    let spaces: Vec<String> = SPACES
        .iter()
        .enumerate()
        .filter(|(s, _)| model.kv.keys().any(|(m, _)| m == s))
        .map(|(_, n)| (*n).to_owned())
        .collect();
    // The external ids kept as text are in spaces of their own, compared below.
    let own = [external_ids::EXTERNAL_IDS, external_ids::EXTERNAL_ID_OF];
    let mut found = g.kv_spaces().expect("spaces");
    found.retain(|space| !own.contains(&space.as_str()));
    assert_eq!(found, spaces);
    for (ext, node) in &model.external {
        assert_eq!(
            external_ids::node_of(g, ext).expect("node of"),
            Some(NodeId(*node))
        );
    }
    for id in [1, 5, 299, 7 * 4 + 2] {
        let ext = external_id(id);
        let expected = model.external.get(&ext).map(|n| NodeId(*n));
        assert_eq!(
            external_ids::node_of(g, &ext).expect("node of"),
            expected,
            "{ext}"
        );
    }
    let listed: Vec<(u64, String)> = external_ids::all(g)
        .expect("external ids")
        .map(|e| e.map(|(node, ext)| (node.0, ext)).expect("external id"))
        .collect();
    let expected: Vec<(u64, String)> = model.external_of.clone().into_iter().collect();
    assert_eq!(listed, expected);
    for (node, ext) in &model.external_of {
        let found = external_ids::external_of(g, NodeId(*node)).expect("external of");
        assert_eq!(found.as_ref(), Some(ext));
    }
}

pub struct Harness {
    storage: Arc<MemStorage>,
    graph: Graph,
    txn: Option<graph::WriteTxn>,
    model: Model,
    committed: Model,
    salt: u64,
}

impl Harness {
    fn txn(&mut self) -> &mut graph::WriteTxn {
        self.txn
            .get_or_insert_with(|| self.graph.begin_write().expect("write"))
    }

    pub fn apply(&mut self, op: Op) {
        self.salt += 1;
        let salt = self.salt;
        match op {
            Op::AddNode {
                kind,
                name: n,
                data: d,
            } => {
                let id = self
                    .txn()
                    .add_node(&KINDS[kind], &name(n), &data(d, salt))
                    .expect("add node");
                self.model
                    .nodes
                    .insert(id.0, (kind, name(n), data(d, salt)));
            }
            Op::AddNamedNodes { count, kind, data } => {
                let n = 80 + u64::from(count) % 41;
                let names: Vec<String> = (0..n).map(long_name).collect();
                let bytes = vec![data; usize::from(data % 8)];
                let nodes: Vec<graph::NewDataNode<'_>> = names
                    .iter()
                    .map(|name| graph::NewDataNode {
                        kind: &KINDS[kind],
                        name,
                        data: &bytes,
                    })
                    .collect();
                let ids = self.txn().add_nodes_with_data(&nodes).expect("add nodes");
                for (id, name) in ids.into_iter().zip(names) {
                    self.model.nodes.insert(id.0, (kind, name, bytes.clone()));
                }
            }
            Op::RebuildIndexes => self.txn().rebuild_indexes().expect("rebuild indexes"),
            Op::UpdateNode {
                pick,
                kind,
                name: n,
                data: d,
            } => {
                let Some(id) = self.model.pick_node(pick) else {
                    return;
                };
                self.txn()
                    .update_node(NodeId(id), &KINDS[kind], &name(n), &data(d, salt))
                    .expect("update");
                self.model.nodes.insert(id, (kind, name(n), data(d, salt)));
            }
            Op::SetNodeData { pick, data: d } => {
                let Some(id) = self.model.pick_node(pick) else {
                    return;
                };
                self.txn()
                    .set_node_data(NodeId(id), &data(d, salt))
                    .expect("set data");
                self.model.nodes.get_mut(&id).expect("live").2 = data(d, salt);
            }
            Op::DeleteNode { pick } => {
                let Some(id) = self.model.pick_node(pick) else {
                    return;
                };
                self.txn().delete_node(NodeId(id)).expect("delete node");
                self.model.nodes.remove(&id);
                self.model.edges.retain(|_, e| e.0 != id && e.1 != id);
            }
            Op::AddEdge {
                from,
                to,
                edge_type,
                data: d,
            } => {
                let (Some(from), Some(to)) = (self.model.pick_node(from), self.model.pick_node(to))
                else {
                    return;
                };
                let id = self
                    .txn()
                    .add_edge(NodeId(from), NodeId(to), &TYPES[edge_type], &data(d, salt))
                    .expect("add edge");
                self.model
                    .edges
                    .insert(id.0, (from, to, edge_type, data(d, salt)));
            }
            Op::AddEdges {
                first,
                step,
                count,
                hub,
            } => {
                let edges: Vec<(u64, u64, usize, Vec<u8>)> = (0..usize::from(count))
                    .filter_map(|i| {
                        let from = if hub {
                            first
                        } else {
                            first.wrapping_add(i.wrapping_mul(step))
                        };
                        let from = self.model.pick_node(from)?;
                        let to = self.model.pick_node(step.wrapping_add(7 * i))?;
                        let d = if i % 3 == 0 { (i % 50) as u16 + 1 } else { 0 };
                        Some((from, to, i % TYPES.len(), data(d, salt)))
                    })
                    .collect();
                let ids = self
                    .txn()
                    .add_edges(edges.iter().map(|(from, to, t, d)| graph::NewEdge {
                        from: NodeId(*from),
                        to: NodeId(*to),
                        edge_type: &TYPES[*t],
                        data: d,
                    }))
                    .expect("add edges");
                assert_eq!(ids.len(), edges.len());
                for (id, edge) in ids.into_iter().zip(edges) {
                    self.model.edges.insert(id.0, edge);
                }
            }
            Op::SetEdgeData { pick, data: d } => {
                let Some(id) = self.model.pick_edge(pick) else {
                    return;
                };
                self.txn()
                    .set_edge_data(EdgeId(id), &data(d, salt))
                    .expect("set edge data");
                self.model.edges.get_mut(&id).expect("live").3 = data(d, salt);
            }
            Op::DeleteEdge { pick } => {
                let Some(id) = self.model.pick_edge(pick) else {
                    return;
                };
                self.txn().delete_edge(EdgeId(id)).expect("delete edge");
                self.model.edges.remove(&id);
            }
            Op::KvSet { space, key, value } => {
                let (s, k, v) = (usize::from(space % 2), kv_key(key), data(value, salt));
                let previous = self.txn().kv_insert(SPACES[s], &k, &v).expect("kv insert");
                assert_eq!(previous, self.model.kv.insert((s, k), v));
            }
            Op::KvRemove { space, key } => {
                let (s, k) = (usize::from(space % 2), kv_key(key));
                let previous = self.txn().kv_remove(SPACES[s], &k).expect("kv remove");
                assert_eq!(previous, self.model.kv.remove(&(s, k)));
            }
            Op::RecordExternal { pick, id } => {
                let Some(node) = self.model.pick_node(pick) else {
                    return;
                };
                let ext = external_id(id);
                let holder = external_ids::record(self.txn(), &ext, NodeId(node)).expect("record");
                assert_eq!(
                    holder.map(|n| n.0),
                    self.model.external.get(&ext).copied(),
                    "{ext}"
                );
                if holder.is_some() {
                    return self.apply(Op::Abort);
                }
                self.model.external.insert(ext.clone(), node);
                self.model.external_of.insert(node, ext);
            }
            Op::Commit => {
                if let Some(txn) = self.txn.take() {
                    txn.commit().expect("commit");
                }
                self.committed = self.model.clone();
                let report = self.graph.check().expect("check");
                assert!(report.is_clean(), "{:?}", report.problems);
            }
            Op::Abort => {
                self.txn = None;
                self.model = self.committed.clone();
            }
            Op::Reopen(how) => {
                self.txn = None;
                // Close the old handle before opening the storage again, as a file's lock
                // requires (its clean close trims the storage).
                self.graph = Graph::in_memory().expect("placeholder");
                if let Reopen::ReadOnlyFirst = how {
                    self.check_read_only();
                }
                self.graph =
                    Graph::with_storage(Box::new(Arc::clone(&self.storage)), Options::default())
                        .expect("reopen");
                self.model = self.committed.clone();
                let report = self.graph.check().expect("check");
                assert!(report.is_clean(), "{:?}", report.problems);
            }
        }
        match &self.txn {
            Some(txn) => assert_same(txn, &self.model),
            None => assert_same(&self.graph.begin_read().expect("read"), &self.model),
        }
    }
}

impl Harness {
    /// Opens the storage read-only: it must answer as the last commit did, refuse to write,
    /// and leave every byte as it was.
    fn check_read_only(&self) {
        let before = self.storage.to_bytes();
        let options = Options {
            read_only: true,
            ..Options::default()
        };
        let graph =
            Graph::with_storage(Box::new(Arc::clone(&self.storage)), options).expect("read-only");
        assert!(graph.is_read_only());
        assert_same(&graph.begin_read().expect("read"), &self.committed);
        assert!(matches!(graph.begin_write(), Err(graph::Error::ReadOnly)));
        drop(graph);
        assert!(
            self.storage.to_bytes() == before,
            "a read-only open changed the bytes"
        );
    }
}

/// Runs `ops` on a new in-memory graph and its model.
pub fn run(ops: impl IntoIterator<Item = Op>) {
    let storage = Arc::new(MemStorage::new());
    let graph =
        Graph::with_storage(Box::new(Arc::clone(&storage)), Options::default()).expect("open");
    let mut harness = Harness {
        storage,
        graph,
        txn: None,
        model: Model::default(),
        committed: Model::default(),
        salt: 0,
    };
    for op in ops {
        harness.apply(op);
    }
}

/// Operations decoded from arbitrary bytes (for fuzzing): four bytes an operation.
pub fn decode(data: &[u8]) -> Vec<Op> {
    data.chunks_exact(4)
        .map(|c| {
            let (a, b, d) = (usize::from(c[1]), usize::from(c[2]), u16::from(c[3]));
            // The top four values of the first byte, rather than a change of the modulus, so
            // that older inputs decode as they did but for those.
            if c[0] >= 252 {
                return Op::RecordExternal {
                    pick: a,
                    id: u16::from_le_bytes([c[2], c[3]]),
                };
            }
            match c[0] % 18 {
                0..=3 => Op::AddNode {
                    kind: a % KINDS.len(),
                    name: c[2],
                    data: d * if c[1] & 0x80 != 0 { 30 } else { 1 },
                },
                4 => Op::UpdateNode {
                    pick: a,
                    kind: b % KINDS.len(),
                    name: c[3],
                    data: d,
                },
                5 => Op::SetNodeData {
                    pick: a,
                    data: d * 20,
                },
                6 => Op::DeleteNode { pick: a },
                7..=10 => Op::AddEdge {
                    from: a,
                    to: b,
                    edge_type: usize::from(c[3]) % TYPES.len(),
                    data: d % 7,
                },
                11 => Op::SetEdgeData { pick: a, data: d },
                12 => Op::DeleteEdge { pick: a },
                13 => Op::Commit,
                14 => Op::Abort,
                15 => Op::Reopen(if c[1] % 2 == 0 {
                    Reopen::Writable
                } else {
                    Reopen::ReadOnlyFirst
                }),
                16 => Op::KvSet {
                    space: c[1],
                    key: c[2],
                    value: d * 8,
                },
                _ => Op::KvRemove {
                    space: c[1],
                    key: c[2],
                },
            }
        })
        .collect()
}
