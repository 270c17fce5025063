//! Power loss at random points of random graph workloads (nodes, some with external ids that
//! are numbers or text, edges, deletes, large data, the name and kind indexes rebuilt into
//! packed leaves, paths of new nodes added in one batch (whose adjacency leaves are written
//! whole and paired in one page, split again by later edges), file growth, durable and
//! non-durable commits). After every loss the graph opens, `check()` is clean, and it equals
//! the last durable commit (or the interrupted durable commit, if its meta page reached the
//! disk). `GRAPH_CRASH_CASES` sets the number of losses.

use std::collections::BTreeMap;

use graph::{EdgeId, Graph, GraphRead, NewEdge, NodeId, external_ids};

#[path = "common/power_loss.rs"]
mod power_loss;
use power_loss::Workload;

/// What the graph holds: nodes (name, data length), edges (from, to) and external ids (node
/// -> id, kept when the node is deleted).
#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct State {
    nodes: BTreeMap<u64, (String, usize)>,
    edges: BTreeMap<u64, (u64, u64)>,
    external: BTreeMap<u64, String>,
}

/// Nodes, edges, deletes and large data.
struct Nodes;

impl Workload for Nodes {
    type State = State;

    /// What the graph holds, read through its public API.
    fn read(graph: &Graph) -> State {
        let read = graph.begin_read().expect("read");
        let mut state = State::default();
        for node in read.nodes() {
            let node = node.expect("node");
            state.nodes.insert(
                node.id().0,
                (
                    node.name().expect("name").into_owned(),
                    node.data().expect("data").len(),
                ),
            );
        }
        for edge in read.edges() {
            let edge = edge.expect("edge");
            state
                .edges
                .insert(edge.id().0, (edge.from().0, edge.to().0));
        }
        for entry in external_ids::all(&read).expect("external ids") {
            let (node, ext) = entry.expect("external id");
            assert_eq!(
                external_ids::node_of(&read, &ext).expect("node of"),
                Some(node)
            );
            state.external.insert(node.0, ext);
        }
        state
    }

    /// Applies one random change to the transaction and the model; false if an I/O error stopped it.
    fn change(rng: &mut fastrand::Rng, txn: &mut graph::WriteTxn, next: &mut State) -> bool {
        let pick = |rng: &mut fastrand::Rng, keys: Vec<u64>| {
            (!keys.is_empty()).then(|| keys[rng.usize(0..keys.len())])
        };
        match rng.u8(0..10) {
            0..=3 => {
                // Data of up to 80 bytes, or of up to 36 (so that some full node leaves fit one
                // page and are packed), and now and then too long for a heap.
                let len = if rng.u8(0..100) == 0 {
                    rng.usize(5_000..40_000)
                } else if rng.bool() {
                    rng.usize(0..36)
                } else {
                    rng.usize(0..80)
                };
                let name = format!("n{}", rng.u16(0..500));
                let id = match txn.add_node("k", &name, &vec![7u8; len]) {
                    Ok(id) => id,
                    Err(_) => return false,
                };
                next.nodes.insert(id.0, (name, len));
                // Half get an external id: a number (an id map) or a word (a key-value space).
                let ext = match rng.u8(0..4) {
                    0 => format!("n-{}", id.0),
                    1 => return true,
                    _ => (1000 + id.0).to_string(),
                };
                match external_ids::record(txn, &ext, id) {
                    Ok(None) => {
                        next.external.insert(id.0, ext);
                    }
                    Ok(Some(holder)) => panic!("{ext} was given to {holder} already"),
                    Err(_) => return false,
                }
            }
            4 if rng.u8(0..6) == 0 => {
                // A path over 130 new nodes in one batch: two new adjacency leaves built whole,
                // small enough to share a pair page.
                let mut path = Vec::new();
                for _ in 0..130 {
                    match txn.add_node("p", "p", b"") {
                        Ok(id) => path.push(id),
                        Err(_) => return false,
                    }
                }
                let edges = path.windows(2).map(|w| NewEdge {
                    from: w[0],
                    to: w[1],
                    edge_type: "e",
                    data: b"",
                });
                let Ok(ids) = txn.add_edges(edges) else {
                    return false;
                };
                for (id, w) in ids.into_iter().zip(path.windows(2)) {
                    next.edges.insert(id.0, (w[0].0, w[1].0));
                }
                for id in path {
                    next.nodes.insert(id.0, ("p".to_owned(), 0));
                }
            }
            4..=7 => {
                let keys: Vec<u64> = next.nodes.keys().copied().collect();
                let (Some(from), Some(to)) = (pick(rng, keys.clone()), pick(rng, keys)) else {
                    return true;
                };
                match txn.add_edge(NodeId(from), NodeId(to), "e", b"") {
                    Ok(id) => {
                        next.edges.insert(id.0, (from, to));
                    }
                    Err(_) => return false,
                }
            }
            8 => {
                let Some(id) = pick(rng, next.edges.keys().copied().collect()) else {
                    return true;
                };
                if txn.delete_edge(EdgeId(id)).is_err() {
                    return false;
                }
                next.edges.remove(&id);
            }
            _ if rng.u8(0..4) == 0 => {
                // Packed index leaves, which later adds and deletes rewrite where they land;
                // `check` after each loss verifies the indexes against the records.
                return txn.rebuild_indexes().is_ok();
            }
            _ => {
                let Some(id) = pick(rng, next.nodes.keys().copied().collect()) else {
                    return true;
                };
                if txn.delete_node(NodeId(id)).is_err() {
                    return false;
                }
                next.nodes.remove(&id);
                next.edges.retain(|_, (f, t)| *f != id && *t != id);
            }
        }
        true
    }
}

fn run_case(seed: u64, image: Vec<u8>) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (sim, graph, options) = power_loss::open_case(&image);
    let report = graph.check().expect("check");
    assert!(report.is_clean(), "seed {seed}: {:?}", report.problems);
    power_loss::lose_power::<Nodes>(graph, &sim, &mut rng, seed, options, 60)
}

#[test]
fn every_power_loss_leaves_the_last_durable_graph() {
    power_loss::run_cases("GRAPH_CRASH_CASES", 1_500, 40, run_case);
}
