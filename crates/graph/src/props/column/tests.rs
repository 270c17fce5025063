use proptest::prelude::*;

use super::{ColumnValue, for_each_column_chunk, for_each_column_value};
use crate::props::{PropertyMap, PropertyRead, Value, for_each_labelled_node, with_data_property};
use crate::write::NewNode;
use crate::{Error, Graph, GraphRead, NodeId, Result};

/// What a scan of label `A`'s `age` answers: each node and its value, or the first error.
type Answer = std::result::Result<Vec<(NodeId, Option<Value>)>, String>;

/// The column's answer; `None` when there is no column.
fn from_column<T: GraphRead + ?Sized>(txn: &T) -> Option<Answer> {
    let mut out = Vec::new();
    let found = for_each_column_value(txn, "A", "age", |id, v| -> Result<()> {
        out.push((id, v.map(|v| v.to_value()).transpose()?));
        Ok(())
    });
    match found {
        Ok(false) => None,
        Ok(true) => Some(Ok(out)),
        Err(e) => Some(Err(e.to_string())),
    }
}

/// The records' answer: the label scan, each property read from the record.
fn from_records<T: GraphRead + ?Sized>(txn: &T) -> Answer {
    let mut out = Vec::new();
    for_each_labelled_node(txn, "A", |node| -> Result<()> {
        let value = with_data_property(&node.data()?, "age", |v| v.map(|v| v.to_value()))?;
        out.push((node.id(), value.transpose()?));
        Ok(())
    })
    .map_err(|e: Error| e.to_string())?;
    Ok(out)
}

#[derive(Clone, Debug)]
enum Op {
    Add(Vec<&'static str>, Option<Value>),
    AddBatch(Vec<(Vec<&'static str>, Option<Value>)>),
    Set(usize, Value),
    Remove(usize),
    RawData(usize, &'static [u8]),
    AddLabel(usize, &'static str),
    RemoveLabel(usize, &'static str),
    Delete(usize),
    CreateColumn,
    DropColumn,
    Commit,
    Abort,
}

fn age() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..3).prop_map(Value::Int),
        prop_oneof![Just(0.5), Just(-1.25)].prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::String("x".into())),
        Just(Value::List(vec![Value::Int(1)])),
        Just(Value::Null),
    ]
}

fn labels() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(prop_oneof![Just("A"), Just("B")], 0..3)
}

fn op() -> impl Strategy<Value = Op> {
    let label = || prop_oneof![Just("A"), Just("B")];
    prop_oneof![
        4 => (labels(), proptest::option::of(age())).prop_map(|(l, v)| Op::Add(l, v)),
        1 => proptest::collection::vec((labels(), proptest::option::of(age())), 0..4)
            .prop_map(Op::AddBatch),
        4 => (any::<usize>(), age()).prop_map(|(n, v)| Op::Set(n, v)),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => (
            any::<usize>(),
            prop_oneof![Just(&b"{\"age\": 7}"[..]), Just(&b"\x01\x02"[..]), Just(&b""[..])]
        )
            .prop_map(|(n, d)| Op::RawData(n, d)),
        2 => (any::<usize>(), label()).prop_map(|(n, l)| Op::AddLabel(n, l)),
        2 => (any::<usize>(), label()).prop_map(|(n, l)| Op::RemoveLabel(n, l)),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => Just(Op::CreateColumn),
        1 => Just(Op::DropColumn),
        2 => Just(Op::Commit),
        1 => Just(Op::Abort),
    ]
}

fn props(value: &Option<Value>) -> PropertyMap {
    value
        .iter()
        .map(|v| ("age".to_owned(), v.clone()))
        .collect()
}

/// Applies `op` to the open transaction (beginning one when there is none).
fn apply(graph: &Graph, txn: &mut Option<crate::WriteTxn>, op: &Op) -> Result<()> {
    let w = match txn {
        Some(w) => w,
        None => txn.insert(graph.begin_write()?),
    };
    let nodes: Vec<NodeId> = w
        .nodes()
        .map(|n| n.map(|n| n.id()))
        .collect::<Result<_>>()?;
    let pick = |i: &usize| (!nodes.is_empty()).then(|| nodes[i % nodes.len()]);
    match op {
        Op::Add(labels, value) => {
            w.add_node_with(labels, &props(value))?;
        }
        Op::AddBatch(batch) => {
            let maps: Vec<PropertyMap> = batch.iter().map(|(_, v)| props(v)).collect();
            let new: Vec<NewNode<'_>> = batch
                .iter()
                .zip(&maps)
                .map(|((labels, _), properties)| NewNode {
                    labels,
                    name: "",
                    properties,
                })
                .collect();
            w.add_nodes(&new)?;
        }
        Op::Set(n, value) => {
            if let Some(id) = pick(n) {
                // Data that is not properties cannot take one: that error is not the column's.
                let _ = w.set_node_property(id, "age", value.clone());
            }
        }
        Op::Remove(n) => {
            if let Some(id) = pick(n) {
                let _ = w.set_node_property(id, "age", Value::Null);
            }
        }
        Op::RawData(n, data) => {
            if let Some(id) = pick(n) {
                w.set_node_data(id, data)?;
            }
        }
        Op::AddLabel(n, label) => {
            if let Some(id) = pick(n) {
                w.add_label(id, label)?;
            }
        }
        Op::RemoveLabel(n, label) => {
            if let Some(id) = pick(n) {
                w.remove_label(id, label)?;
            }
        }
        Op::Delete(n) => {
            if let Some(id) = pick(n) {
                w.delete_node(id)?;
            }
        }
        Op::CreateColumn => {
            w.create_property_column("A", "age")?;
        }
        Op::DropColumn => {
            w.drop_property_column("A", "age")?;
        }
        Op::Commit => {
            if let Some(w) = txn.take() {
                w.commit()?;
            }
        }
        Op::Abort => {
            txn.take();
        }
    }
    Ok(())
}

/// Both answers agree on `txn`, when it has the column.
fn agree<T: GraphRead + ?Sized>(txn: &T) -> std::result::Result<(), TestCaseError> {
    if let Some(column) = from_column(txn) {
        prop_assert_eq!(column, from_records(txn));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random writes, commits and aborts, with the column created and dropped on the way:
    /// the column answers what the records answer, in the writer's own view and in every
    /// committed snapshot, and `check()` (which compares every slot with its record) is clean.
    #[test]
    fn column_answers_equal_the_record_scan(ops in proptest::collection::vec(op(), 1..60)) {
        let graph = Graph::in_memory().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut txn = None;
        for op in &ops {
            apply(&graph, &mut txn, op).map_err(|e| TestCaseError::fail(format!("{op:?}: {e}")))?;
            if let Some(w) = &txn {
                agree(w)?;
            }
            let read = graph.begin_read().map_err(|e| TestCaseError::fail(e.to_string()))?;
            agree(&read)?;
            if matches!(op, Op::Commit | Op::Abort) {
                let report = read.check().map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(report.is_clean(), "{:?}", report.problems);
            }
        }
        if let Some(w) = txn.take() {
            w.commit().map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let read = graph.begin_read().map_err(|e| TestCaseError::fail(e.to_string()))?;
        agree(&read)?;
        let report = read.check().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(report.is_clean(), "{:?}", report.problems);
    }
}

#[test]
fn a_column_over_many_nodes_spans_leaves_and_lists_them_in_label_order() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    for i in 0..1_000i64 {
        let kind = if i % 3 == 0 { "B" } else { "A" };
        let id = txn.add_node_with(&[kind], &PropertyMap::from([("age".into(), Value::Int(i))]))?;
        if i % 3 == 0 && i % 2 == 0 {
            txn.add_label(id, "A")?;
        }
    }
    assert!(txn.create_property_column("A", "age")?);
    assert!(!txn.create_property_column("A", "age")?);
    txn.commit()?;
    let read = graph.begin_read()?;
    let column = from_column(&read).expect("a column");
    assert_eq!(column, from_records(&read));
    let ids: Vec<u64> = column.expect("answer").iter().map(|(id, _)| id.0).collect();
    // The kind's nodes by id, then the extra label's by id.
    assert_eq!(ids.len(), 666 + 167);
    assert!(ids[..666].windows(2).all(|w| w[0] < w[1]));
    assert_eq!(ids[666], 0);
    assert_eq!(read.property_columns()?.len(), 1);
    assert!(read.check()?.is_clean());
    Ok(())
}

#[test]
fn check_reports_a_slot_that_disagrees_with_its_record() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    let id = txn.add_node_with(&["A"], &PropertyMap::from([("age".into(), Value::Int(5))]))?;
    txn.create_property_column("A", "age")?;
    // Past the API, which keeps them in step: a slot saying 6.
    let mut vec = super::open(&txn, "A", "age")?.expect("column");
    let before = vec;
    let slot = super::Slot::new(super::BY_KIND, (super::INT, 6));
    super::write_slot(txn.pager_txn(), &mut vec, id.0, slot)?;
    let column = super::PropertyColumn {
        label: "A".into(),
        key: "age".into(),
    };
    super::save(&mut txn, &column, before, vec)?;
    txn.commit()?;
    let report = graph.check()?;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("column (A, age): node 0")),
        "{:?}",
        report.problems
    );
    Ok(())
}

#[test]
fn a_column_whose_key_the_registry_refuses_writes_no_page() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    txn.add_node_with(&["A"], &PropertyMap::from([("age".into(), Value::Int(5))]))?;
    txn.commit()?;
    let mut txn = graph.begin_write()?;
    let long = "k".repeat(crate::MAX_KV_KEY_LEN);
    assert!(txn.create_property_column("A", &long).is_err());
    txn.commit()?;
    assert!(graph.check()?.is_clean());
    Ok(())
}

/// A node for [`small_int_sums_match_the_values_they_sum`]: its kind (`A`, or `B` with `A` as an
/// extra label, or `B` alone) and its `age`: mostly small integers, sometimes a large one, and
/// one in 31 times `other` (a float, a string, or none; one kind per graph, so that a chunk
/// holds integers and floats only, say).
fn summed_node(other: Option<Value>) -> impl Strategy<Value = (Vec<&'static str>, Option<Value>)> {
    (
        prop::sample::select(vec![vec!["A"], vec!["B", "A"], vec!["B"]]),
        prop_oneof![
            300 => (-50i64..50).prop_map(|i| Some(Value::Int(i))),
            2 => prop::sample::select(vec![i64::MAX, i64::MIN, 1 << 40, -(1 << 40), 1 << 46])
                .prop_map(|i| Some(Value::Int(i))),
            10 => Just(other),
        ],
    )
}

/// Up to 700 nodes as [`summed_node`] makes, or as many with integers only (a chunk of 255
/// slots seldom holds only integers otherwise).
fn summed_nodes() -> impl Strategy<Value = Vec<(Vec<&'static str>, Option<Value>)>> {
    prop::sample::select(vec![
        Some(Value::Int(7)),
        Some(Value::Float(0.5)),
        Some(Value::String("x".into())),
        None,
    ])
    .prop_flat_map(|other| proptest::collection::vec(summed_node(other), 0..700))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Each chunk's `small_int_sum` is the sum and count of its values exactly when they are
    /// all integers and their count times their largest magnitude is within the bound.
    #[test]
    fn small_int_sums_match_the_values_they_sum(
        nodes in summed_nodes(),
        bound in prop::sample::select(vec![0u64, 2_000, 1 << 52, 1 << 53, 1 << 63, u64::MAX]),
    ) {
        let graph = Graph::in_memory().expect("graph");
        let mut txn = graph.begin_write().expect("write");
        let maps: Vec<PropertyMap> = nodes.iter().map(|(_, v)| props(v)).collect();
        let batch: Vec<NewNode<'_>> = nodes
            .iter()
            .zip(&maps)
            .map(|((labels, _), properties)| NewNode { labels, name: "", properties })
            .collect();
        txn.add_nodes(&batch).expect("nodes");
        txn.create_property_column("A", "age").expect("column");
        let mut chunks = 0;
        for_each_column_chunk(&txn, "A", "age", |chunk| -> Result<()> {
            chunks += 1;
            let values: Vec<ColumnValue> = chunk.values().map(|(_, v)| v).collect();
            let ints: Option<Vec<i64>> = values
                .iter()
                .map(|v| match v {
                    ColumnValue::Int(i) => Some(*i),
                    _ => None,
                })
                .collect();
            let expected = ints.and_then(|ints| {
                let largest = ints.iter().map(|i| i.unsigned_abs()).max().unwrap_or(0);
                let within = (ints.len() as u64).checked_mul(largest).is_some_and(|m| m <= bound);
                (within && bound < 1 << 63).then(|| (ints.iter().sum::<i64>(), ints.len()))
            });
            assert_eq!(chunk.small_int_sum(bound), expected);
            Ok(())
        })
        .expect("chunks");
        // A column with a node labelled `A` has a page to visit; one without has none.
        let any_a = nodes.iter().any(|(labels, _)| labels.contains(&"A"));
        prop_assert!(chunks > 0 || !any_a);
    }
}
