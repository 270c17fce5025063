//! Power loss during commits of edges into a graph whose adjacency delta keeps changing shape:
//! edges only, in many small commits over a fixed set of nodes, so that the delta's tiers are
//! merged (every few commits past `edges::MAX_TIERS`) and folded into the lists (asked for by
//! `fold_adjacency` in one change of about forty) again and again, and the loss, at a random
//! write, often falls inside a merge or a fold. After every loss the graph opens, `check()` is
//! clean (every adjacency entry, in a list or in the delta, matches its edge record), and
//! every node's out- and in-neighbours equal those of the last durable commit (or of the
//! interrupted one). `GRAPH_DELTA_CRASH_CASES` sets the number of losses.

use std::collections::BTreeMap;

use graph::{Direction, EdgeId, Graph, GraphRead, NodeId};

#[path = "common/power_loss.rs"]
mod power_loss;
use power_loss::Workload;

/// Nodes in every case's graph.
const NODES: u64 = 300;

/// Each node's out- and in-neighbours (sorted), and the live edges.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct State {
    lists: BTreeMap<(u64, bool), Vec<u64>>,
    edges: BTreeMap<u64, (u64, u64)>,
}

struct Edges;

impl Workload for Edges {
    type State = State;

    /// What the graph holds, read through its public API: the edges from their records, the
    /// lists from the adjacency (lists and delta merged).
    fn read(graph: &Graph) -> State {
        let read = graph.begin_read().expect("read");
        let mut state = State::default();
        for edge in read.edges() {
            let edge = edge.expect("edge");
            state
                .edges
                .insert(edge.id().0, (edge.from().0, edge.to().0));
        }
        for node in 0..NODES.min(read.node_count()) {
            for (out, direction) in [(true, Direction::Out), (false, Direction::In)] {
                let mut list: Vec<u64> = read
                    .neighbors(NodeId(node), direction, None)
                    .expect("list")
                    .map(|n| n.expect("neighbour").node.0)
                    .collect();
                list.sort_unstable();
                if !list.is_empty() {
                    state.lists.insert((node, out), list);
                }
            }
        }
        state
    }

    fn change(rng: &mut fastrand::Rng, txn: &mut graph::WriteTxn, next: &mut State) -> bool {
        if rng.u8(0..40) == 0 {
            return txn.fold_adjacency().is_ok();
        }
        if rng.u8(0..6) == 0 {
            let Some(&id) = next.edges.keys().nth(rng.usize(0..next.edges.len().max(1))) else {
                return true;
            };
            if txn.delete_edge(EdgeId(id)).is_err() {
                return false;
            }
            let (from, to) = next.edges.remove(&id).unwrap_or_default();
            remove_one(next.lists.get_mut(&(from, true)), to);
            remove_one(next.lists.get_mut(&(to, false)), from);
        } else {
            let (from, to) = (rng.u64(0..NODES), rng.u64(0..NODES));
            match txn.add_edge(NodeId(from), NodeId(to), "e", b"") {
                Ok(id) => {
                    next.edges.insert(id.0, (from, to));
                    add_sorted(next.lists.entry((from, true)).or_default(), to);
                    add_sorted(next.lists.entry((to, false)).or_default(), from);
                }
                Err(_) => return false,
            }
        }
        next.lists.retain(|_, list| !list.is_empty());
        true
    }
}

fn add_sorted(list: &mut Vec<u64>, node: u64) {
    let at = list.partition_point(|&n| n < node);
    list.insert(at, node);
}

fn remove_one(list: Option<&mut Vec<u64>>, node: u64) {
    if let Some(list) = list
        && let Ok(at) = list.binary_search(&node)
    {
        list.remove(at);
    }
}

fn run_case(seed: u64, image: Vec<u8>) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (sim, graph, options) = power_loss::open_case(&image);
    if graph.begin_read().expect("read").node_count() == 0 {
        let mut txn = graph.begin_write().expect("write");
        for i in 0..NODES {
            txn.add_node("k", &format!("n{i}"), b"").expect("node");
        }
        txn.commit().expect("commit");
    }
    power_loss::lose_power::<Edges>(graph, &sim, &mut rng, seed, options, 30)
}

#[test]
fn a_power_loss_while_the_delta_merges_or_folds_leaves_the_last_durable_lists() {
    power_loss::run_cases("GRAPH_DELTA_CRASH_CASES", 600, 60, run_case);
}
