//! Power loss at random points of property-column workloads (nodes added one by one and in
//! batches, properties set and removed, labels added and removed, nodes deleted, durable and
//! non-durable commits). After every loss the graph opens, `check()` is clean (it compares
//! every slot with its record), the column answers what the records answer, and both equal
//! the last durable commit (or the interrupted durable commit, if its meta page reached the
//! disk). `COLUMN_CRASH_CASES` sets the number of losses.
#![allow(clippy::unwrap_used, reason = "a test stops at its first error")]

use std::collections::BTreeMap;

use graph::props::{for_each_column_value, for_each_labelled_node, with_data_property};
use graph::{Graph, GraphRead, NewNode, NodeId, PropertyMap, Value};

#[path = "common/power_loss.rs"]
mod power_loss;
use power_loss::Workload;

/// Each `Person`'s age (`None`: it has none), and each other node.
type State = BTreeMap<u64, Option<Option<i64>>>;

fn age(v: Option<graph::props::ValueRef<'_>>) -> Option<i64> {
    match v {
        Some(graph::props::ValueRef::Int(i)) => Some(i),
        _ => None,
    }
}

/// Adds, property sets and removals, label changes and deletes.
struct Ages;

impl Workload for Ages {
    type State = State;

    /// What the graph holds, read through its column; the records must say the same.
    fn read(graph: &Graph) -> State {
        let read = graph.begin_read().unwrap();
        let mut state: State = read.nodes().map(|n| (n.unwrap().id().0, None)).collect();
        let mut from_records = Vec::new();
        for_each_labelled_node(&read, "Person", |node| -> graph::Result<()> {
            from_records.push((node.id().0, with_data_property(&node.data()?, "age", age)?));
            Ok(())
        })
        .unwrap();
        let mut from_column = Vec::new();
        let found = for_each_column_value(&read, "Person", "age", |id, v| -> graph::Result<()> {
            from_column.push((id.0, age(v)));
            state.insert(id.0, Some(age(v)));
            Ok(())
        })
        .unwrap();
        assert!(found, "the column is gone");
        assert_eq!(from_column, from_records);
        state
    }

    /// One random change; false if an I/O error stopped it.
    fn change(rng: &mut fastrand::Rng, txn: &mut graph::WriteTxn, next: &mut State) -> bool {
        let nodes: Vec<u64> = next.keys().copied().collect();
        let pick =
            |rng: &mut fastrand::Rng| (!nodes.is_empty()).then(|| nodes[rng.usize(..nodes.len())]);
        let ages = |a: i64| PropertyMap::from([("age".to_owned(), Value::Int(a))]);
        match rng.u8(0..10) {
            0..=2 => {
                let a = rng.i64(0..100);
                match txn.add_node_with(&["Person"], &ages(a)) {
                    Ok(id) => {
                        next.insert(id.0, Some(Some(a)));
                    }
                    Err(_) => return false,
                }
            }
            3 => {
                let maps: Vec<PropertyMap> =
                    (0..rng.usize(1..300)).map(|i| ages(i as i64)).collect();
                let batch: Vec<NewNode<'_>> = maps
                    .iter()
                    .map(|properties| NewNode {
                        labels: &["Person"],
                        name: "",
                        properties,
                    })
                    .collect();
                match txn.add_nodes(&batch) {
                    Ok(ids) => {
                        for (id, a) in ids.into_iter().zip(0..) {
                            next.insert(id.0, Some(Some(a)));
                        }
                    }
                    Err(_) => return false,
                }
            }
            4..=5 => {
                let Some(node) = pick(rng) else { return true };
                let a = rng.i64(0..100);
                if txn
                    .set_node_property(NodeId(node), "age", Value::Int(a))
                    .is_err()
                {
                    return false;
                }
                if let Some(Some(slot)) = next.get_mut(&node) {
                    *slot = Some(a);
                }
            }
            6 => {
                let Some(node) = pick(rng) else { return true };
                if txn.remove_label(NodeId(node), "Person").is_err() {
                    return false;
                }
                next.insert(node, None);
            }
            7 => {
                let Some(node) = pick(rng) else { return true };
                if txn.add_label(NodeId(node), "Person").is_err() {
                    return false;
                }
                let Ok(props) = graph::PropertyRead::node_properties(txn, NodeId(node)) else {
                    return false;
                };
                let a = match props.get("age") {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                };
                next.insert(node, Some(a));
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
    let read = graph.begin_read().unwrap();
    if graph::PropertyRead::property_columns(&read)
        .unwrap()
        .is_empty()
    {
        drop(read);
        let mut txn = graph.begin_write().unwrap();
        txn.create_property_column("Person", "age").unwrap();
        txn.commit().unwrap();
    }
    power_loss::lose_power::<Ages>(graph, &sim, &mut rng, seed, options, 40)
}

#[test]
fn every_power_loss_leaves_the_last_durable_column() {
    power_loss::run_cases("COLUMN_CRASH_CASES", 300, 10, run_case);
}
