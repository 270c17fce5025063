//! Power loss at random points of vector index workloads (sets, replaces, deletes, node
//! deletes, durable and non-durable commits). After every loss the graph opens, `check()` is
//! clean, and its vectors equal those of the last durable commit (or of the interrupted
//! durable commit, if its meta page reached the disk). `VECTOR_CRASH_CASES` sets the number of
//! losses.
#![allow(clippy::unwrap_used, reason = "a test stops at its first error")]

use std::collections::BTreeMap;

use graph::{Graph, GraphRead, Metric, NodeId, VectorIndexSpec};

#[path = "common/power_loss.rs"]
mod power_loss;
use power_loss::Workload;

const DIM: usize = 8;

/// Each live node's vector (`None`: the node has none).
type State = BTreeMap<u64, Option<Vec<f32>>>;

/// Vector sets, replaces and deletes, and node deletes.
struct Vectors;

impl Workload for Vectors {
    type State = State;

    /// What the graph holds, read through its public API.
    fn read(graph: &Graph) -> State {
        let read = graph.begin_read().unwrap();
        let mut state = State::new();
        for node in read.nodes() {
            let id = node.unwrap().id();
            state.insert(id.0, read.vector("v", id).unwrap());
        }
        state
    }

    /// One random change; false if an I/O error stopped it.
    fn change(rng: &mut fastrand::Rng, txn: &mut graph::WriteTxn, next: &mut State) -> bool {
        let nodes: Vec<u64> = next.keys().copied().collect();
        let pick =
            |rng: &mut fastrand::Rng| (!nodes.is_empty()).then(|| nodes[rng.usize(..nodes.len())]);
        match rng.u8(0..10) {
            0..=2 => match txn.add_node("doc", "d", b"") {
                Ok(id) => {
                    next.insert(id.0, None);
                }
                Err(_) => return false,
            },
            3..=7 => {
                let Some(node) = pick(rng) else { return true };
                let v: Vec<f32> = (0..DIM).map(|_| rng.f32() * 2.0 - 1.0).collect();
                if txn.set_vector("v", NodeId(node), &v).is_err() {
                    return false;
                }
                next.insert(node, Some(v));
            }
            8 => {
                let Some(node) = pick(rng) else { return true };
                if txn.delete_vector("v", NodeId(node)).is_err() {
                    return false;
                }
                next.insert(node, None);
            }
            _ => {
                let Some(node) = pick(rng) else { return true };
                if txn.delete_node(NodeId(node)).is_err() {
                    return false;
                }
                next.remove(&node);
            }
        }
        true
    }
}

fn run_case(seed: u64, image: Vec<u8>) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (sim, graph, options) = power_loss::open_case(&image);
    if graph
        .begin_read()
        .unwrap()
        .vector_indexes()
        .unwrap()
        .is_empty()
    {
        let mut txn = graph.begin_write().unwrap();
        let spec = VectorIndexSpec {
            m: 4,
            ef_construction: 16,
            ..VectorIndexSpec::new(DIM, Metric::L2)
        };
        txn.create_vector_index("v", spec).unwrap();
        txn.commit().unwrap();
    }
    power_loss::lose_power::<Vectors>(graph, &sim, &mut rng, seed, options, 40)
}

#[test]
fn every_power_loss_leaves_the_last_durable_vectors() {
    power_loss::run_cases("VECTOR_CRASH_CASES", 300, 10, run_case);
}
