//! Vector indexes against an in-memory model: random sets, replaces, deletes (of vectors and
//! of nodes), commits, aborts and reopens. After every commit, abort and reopen the indexes
//! hold the model's vectors and `check` is clean; every exact search equals brute force over
//! the model, hit for hit and bit for bit. Shared by the proptest (`tests/vector_model.rs`) and
//! the fuzz target `vector_ops`.
#![allow(clippy::unwrap_used, reason = "a test stops at its first error")]

use std::collections::BTreeMap;

use std::sync::Arc;

use graph::testing::MemStorage;
use graph::{Graph, GraphRead, Metric, NodeId, Options, VectorIndexSpec};

const DIM: usize = 3;

/// One step of a workload.
#[derive(Clone, Debug)]
pub enum Op {
    AddNode,
    Set {
        node: usize,
        index: usize,
        vector: Vec<i8>,
    },
    DeleteVector {
        node: usize,
        index: usize,
    },
    DeleteNode {
        node: usize,
    },
    Commit,
    Abort,
    Reopen,
    Query {
        index: usize,
        vector: Vec<i8>,
        k: usize,
    },
}

/// What the graph holds: live nodes, and per index each node's prepared vector.
#[derive(Clone, Debug, Default)]
struct Model {
    nodes: Vec<NodeId>,
    vectors: [BTreeMap<u64, Vec<f32>>; 2],
}

const INDEXES: [(&str, Metric); 2] = [("l2", Metric::L2), ("cos", Metric::Cosine)];

fn brute_force(
    model: &BTreeMap<u64, Vec<f32>>,
    metric: Metric,
    query: &[f32],
    k: usize,
) -> Vec<(u64, u32)> {
    let Ok(query) = metric.prepare(DIM, query) else {
        return Vec::new();
    };
    let mut all: Vec<(f32, u64)> = model
        .iter()
        .map(|(&node, v)| (metric.distance(&query, v), node))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all.into_iter()
        .take(k)
        .map(|(d, n)| (n, d.to_bits()))
        .collect()
}

fn floats(v: &[i8]) -> Vec<f32> {
    v.iter().map(|&x| f32::from(x)).collect()
}

fn verify(graph: &Graph, model: &Model) {
    let read = graph.begin_read().unwrap();
    for (i, (name, _)) in INDEXES.iter().enumerate() {
        for (&node, v) in &model.vectors[i] {
            assert_eq!(read.vector(name, NodeId(node)).unwrap().as_ref(), Some(v));
        }
        let info = read.vector_indexes().unwrap();
        let len = info.iter().find(|x| x.name == *name).unwrap().len;
        assert_eq!(len, model.vectors[i].len() as u64);
    }
    let report = graph.check().unwrap();
    assert!(report.is_clean(), "{:?}", report.problems);
}

/// Runs `ops` on a new in-memory graph with two indexes and on the model.
pub fn run(ops: Vec<Op>) {
    let storage = Arc::new(MemStorage::new());
    let open = || Graph::with_storage(Box::new(Arc::clone(&storage)), Options::default()).unwrap();
    let mut graph = open();
    {
        let mut txn = graph.begin_write().unwrap();
        for (name, metric) in INDEXES {
            let spec = VectorIndexSpec {
                m: 2,
                ef_construction: 4,
                ..VectorIndexSpec::new(DIM, metric)
            };
            txn.create_vector_index(name, spec).unwrap();
        }
        txn.commit().unwrap();
    }
    let mut committed = Model::default();
    let mut txn = Some(graph.begin_write().unwrap());
    let mut pending = committed.clone();
    for op in ops {
        let w = txn.as_mut().unwrap();
        match op {
            Op::AddNode => pending.nodes.push(w.add_node("doc", "d", b"").unwrap()),
            Op::Set {
                node,
                index,
                vector,
            } => {
                let Some(&id) = pending.nodes.get(node % pending.nodes.len().max(1)) else {
                    continue;
                };
                let (name, metric) = INDEXES[index];
                let v = floats(&vector);
                match metric.prepare(DIM, &v) {
                    Ok(prepared) => {
                        w.set_vector(name, id, &v).unwrap();
                        pending.vectors[index].insert(id.0, prepared);
                    }
                    Err(_) => assert!(w.set_vector(name, id, &v).is_err()),
                }
            }
            Op::DeleteVector { node, index } => {
                let Some(&id) = pending.nodes.get(node % pending.nodes.len().max(1)) else {
                    continue;
                };
                let had = pending.vectors[index].remove(&id.0).is_some();
                assert_eq!(w.delete_vector(INDEXES[index].0, id).unwrap(), had);
            }
            Op::DeleteNode { node } => {
                if pending.nodes.is_empty() {
                    continue;
                }
                let id = pending.nodes.remove(node % pending.nodes.len());
                w.delete_node(id).unwrap();
                for v in &mut pending.vectors {
                    v.remove(&id.0);
                }
            }
            Op::Commit => {
                txn.take().unwrap().commit().unwrap();
                committed = pending.clone();
                verify(&graph, &committed);
                txn = Some(graph.begin_write().unwrap());
            }
            Op::Abort => {
                txn.take().unwrap().abort();
                pending = committed.clone();
                verify(&graph, &committed);
                txn = Some(graph.begin_write().unwrap());
            }
            Op::Reopen => {
                txn.take().unwrap().abort();
                pending = committed.clone();
                // Close the old handle before opening the storage again.
                drop(std::mem::replace(&mut graph, Graph::in_memory().unwrap()));
                graph = open();
                verify(&graph, &committed);
                txn = Some(graph.begin_write().unwrap());
            }
            Op::Query { index, vector, k } => {
                let (name, metric) = INDEXES[index];
                let q = floats(&vector);
                let expected = brute_force(&pending.vectors[index], metric, &q, k);
                match w.vector_search_exact(name, &q, k) {
                    Ok(hits) => {
                        let got: Vec<(u64, u32)> = hits
                            .iter()
                            .map(|h| (h.node.0, h.distance.to_bits()))
                            .collect();
                        assert_eq!(got, expected);
                        let approximate = w.vector_search(name, &q, k, 16).unwrap();
                        assert_eq!(approximate.len(), expected.len());
                    }
                    Err(_) => assert!(metric.prepare(DIM, &q).is_err()),
                }
            }
        }
    }
}

/// Operations decoded from arbitrary bytes (for fuzzing): five bytes an operation.
pub fn decode(data: &[u8]) -> Vec<Op> {
    data.chunks_exact(5)
        .map(|c| {
            let (a, b) = (usize::from(c[1]), usize::from(c[2]));
            let vector = c[2..5].iter().map(|&x| (x % 7) as i8 - 3).collect();
            match c[0] % 17 {
                0..=2 => Op::AddNode,
                3..=8 => Op::Set {
                    node: a,
                    index: usize::from(c[0] & 0x80 != 0),
                    vector,
                },
                9 | 10 => Op::DeleteVector {
                    node: a,
                    index: b % 2,
                },
                11 => Op::DeleteNode { node: a },
                12 | 13 => Op::Commit,
                14 => Op::Abort,
                15 => Op::Reopen,
                _ => Op::Query {
                    index: a % 2,
                    vector,
                    k: 1 + b % 8,
                },
            }
        })
        .collect()
}
