use proptest::prelude::*;

use super::{NewDataNode, NewNode};
use crate::props::{PropertyMap, PropertyRead, Value, encode_properties};
use crate::{Graph, GraphRead, NodeId, Result, WriteTxn};

/// A node as the tests generate it: labels, name and a few properties.
#[derive(Clone, Debug)]
struct Spec {
    labels: Vec<&'static str>,
    name: &'static str,
    properties: PropertyMap,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::Int),
        (-2.0f64..2.0).prop_map(Value::Float),
        prop::sample::select(vec!["", "a", "b"]).prop_map(|s| Value::String(s.into())),
        Just(Value::List(vec![Value::Int(1)])),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(prop::sample::select(vec!["A", "B", "C", "\u{0}"]), 0..4),
        prop::sample::select(vec!["", "x", "y"]),
        prop::collection::btree_map(prop::sample::select(vec!["k", "m"]), value(), 0..3),
    )
        .prop_map(|(labels, name, properties)| Spec {
            labels,
            name,
            properties: properties
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        })
}

/// The indexes both graphs start with (over labels some nodes have and one none has).
fn with_indexes() -> Result<Graph> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    txn.create_property_index("a_k", "A", "k")?;
    txn.create_property_index("b_m", "B", "m")?;
    txn.create_property_index("z_k", "Z", "k")?;
    // A node before the batch, so the batch's keys go into trees that hold some already.
    txn.add_node_with(
        &["A", "B"],
        &PropertyMap::from([("k".into(), Value::Int(0))]),
    )?;
    txn.commit()?;
    Ok(graph)
}

/// Adds `specs` one at a time, as `add_node` and `add_label` do.
fn one_at_a_time(txn: &mut WriteTxn, specs: &[Spec]) -> Result<Vec<NodeId>> {
    let mut ids = Vec::new();
    for s in specs {
        let kind = s.labels.first().copied().unwrap_or(crate::props::NO_LABEL);
        let id = txn.add_node(kind, s.name, &encode_properties(&s.properties)?)?;
        for label in s.labels.iter().skip(1) {
            txn.add_label(id, label)?;
        }
        ids.push(id);
    }
    Ok(ids)
}

fn batched(txn: &mut WriteTxn, specs: &[Spec]) -> Result<Vec<NodeId>> {
    let nodes: Vec<NewNode<'_>> = specs
        .iter()
        .map(|s| NewNode {
            labels: &s.labels,
            name: s.name,
            properties: &s.properties,
        })
        .collect();
    txn.add_nodes(&nodes)
}

/// Everything a reader can see of the nodes: records, labels, the kind and name indexes, and
/// the internal spaces of labels and property indexes, key by key.
fn state(graph: &Graph) -> Result<Vec<String>> {
    let read = graph.begin_read()?;
    let mut out = Vec::new();
    for node in read.nodes() {
        let node = node?;
        out.push(format!(
            "node {} kind {:?} name {:?} data {:?} labels {:?}",
            node.id(),
            node.kind()?,
            node.name()?,
            node.data()?,
            read.node_labels(node.id())?
        ));
    }
    for label in ["A", "B", "C", "Z", "\u{0}"] {
        let by_kind: Vec<NodeId> = read.nodes_by_kind(label)?.collect::<Result<_>>()?;
        out.push(format!("kind {label:?}: {by_kind:?}"));
        out.push(format!(
            "label {label:?}: {:?}",
            read.nodes_with_label(label)?
        ));
    }
    for name in ["", "x", "y"] {
        let ids: Vec<NodeId> = read.nodes_by_name(name).collect::<Result<_>>()?;
        out.push(format!("name {name:?}: {ids:?}"));
    }
    for space in [
        crate::props::labels::LABEL_NODES,
        crate::props::labels::NODE_LABELS,
        crate::props::index::ENTRIES,
    ] {
        for entry in read.kv_prefix(space, b"")? {
            let (key, value) = entry?;
            out.push(format!("{space:?} {key:?} {value:?}"));
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn add_nodes_leaves_what_one_at_a_time_leaves(specs in prop::collection::vec(spec(), 0..40)) {
        let (one, many) = (with_indexes()?, with_indexes()?);
        let mut txn = one.begin_write()?;
        let ids_one = one_at_a_time(&mut txn, &specs)?;
        txn.commit()?;
        let mut txn = many.begin_write()?;
        let ids_many = batched(&mut txn, &specs)?;
        txn.commit()?;
        prop_assert_eq!(ids_one, ids_many);
        prop_assert_eq!(state(&one)?, state(&many)?);
        prop_assert!(many.check()?.is_clean());
    }
}

/// A node for `add_node`: kind, name, and data (raw bytes, or JSON that indexes read).
type DataSpec = (&'static str, &'static str, &'static [u8]);

fn data_spec() -> impl Strategy<Value = DataSpec> {
    (
        prop::sample::select(vec!["A", "B", "C"]),
        prop::sample::select(vec!["", "x", "y"]),
        prop::sample::select(vec![&b""[..], b"raw", br#"{"k": 1}"#, br#"{"m": "a"}"#]),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn add_nodes_with_data_leaves_what_add_node_leaves(
        specs in prop::collection::vec(data_spec(), 0..40),
    ) {
        let (one, many) = (with_indexes()?, with_indexes()?);
        let mut txn = one.begin_write()?;
        let ids_one = specs
            .iter()
            .map(|(kind, name, data)| txn.add_node(kind, name, data))
            .collect::<Result<Vec<_>>>()?;
        txn.commit()?;
        let nodes: Vec<NewDataNode<'_>> = specs
            .iter()
            .map(|&(kind, name, data)| NewDataNode { kind, name, data })
            .collect();
        let mut txn = many.begin_write()?;
        let ids_many = txn.add_nodes_with_data(&nodes)?;
        txn.commit()?;
        prop_assert_eq!(ids_one, ids_many);
        prop_assert_eq!(state(&one)?, state(&many)?);
        prop_assert!(many.check()?.is_clean());
    }
}

#[test]
fn a_bad_kind_anywhere_in_a_batch_with_data_adds_nothing() -> Result<()> {
    let graph = with_indexes()?;
    let before = state(&graph)?;
    let good = NewDataNode {
        kind: "A",
        name: "x",
        data: b"",
    };
    let bad = NewDataNode { kind: "", ..good };
    let mut txn = graph.begin_write()?;
    let refused = txn.add_nodes_with_data(&[good, good, bad]);
    assert!(matches!(refused, Err(crate::Error::InvalidString { .. })));
    txn.commit()?;
    assert_eq!(state(&graph)?, before);
    Ok(())
}

#[test]
fn a_bad_label_anywhere_in_the_batch_adds_nothing() -> Result<()> {
    let graph = with_indexes()?;
    let before = state(&graph)?;
    let props = PropertyMap::from([("k".into(), Value::Int(1))]);
    let good = NewNode {
        labels: &["A"],
        name: "",
        properties: &props,
    };
    let bad = NewNode {
        labels: &["A", ""],
        ..good
    };
    let mut txn = graph.begin_write()?;
    let refused = txn.add_nodes(&[good, good, bad]);
    assert!(matches!(refused, Err(crate::Error::InvalidString { .. })));
    txn.commit()?;
    assert_eq!(state(&graph)?, before);
    Ok(())
}

#[test]
fn batched_nodes_are_found_through_their_property_index() -> Result<()> {
    let graph = with_indexes()?;
    let maps: Vec<PropertyMap> = (0..500)
        .map(|i| PropertyMap::from([("k".into(), Value::Int(i % 7))]))
        .collect();
    let nodes: Vec<NewNode<'_>> = maps
        .iter()
        .map(|properties| NewNode {
            labels: &["A"],
            name: "",
            properties,
        })
        .collect();
    let mut txn = graph.begin_write()?;
    let ids = txn.add_nodes(&nodes)?;
    txn.commit()?;
    let read = graph.begin_read()?;
    let threes = read
        .nodes_by_property("A", "k", &Value::Int(3))?
        .unwrap_or_default();
    let expected: Vec<NodeId> = ids
        .iter()
        .zip(&maps)
        .filter(|(_, m)| m.get("k") == Some(&Value::Int(3)))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(threes, expected);
    Ok(())
}

/// Names in an order that spreads each batch over the whole key space, as an import's
/// batches of real names do.
fn scattered_name(i: u64) -> String {
    format!("{:08} taxon", (i * 2_654_435_761) % 100_000_007)
}

#[test]
fn rebuilt_indexes_are_smaller_find_every_node_and_take_later_inserts() -> Result<()> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("names.mmg");
    let graph = Graph::open(&path)?;
    for batch in 0..20u64 {
        let names: Vec<String> = (batch * 1_000..(batch + 1) * 1_000)
            .map(scattered_name)
            .collect();
        let nodes: Vec<NewDataNode<'_>> = names
            .iter()
            .map(|name| NewDataNode {
                kind: "taxon",
                name,
                data: b"",
            })
            .collect();
        let mut txn = graph.begin_write()?;
        txn.add_nodes_with_data(&nodes)?;
        txn.commit()?;
    }
    let pages = |graph: &Graph, index: &str| -> Result<u64> {
        Ok(graph.stats()?.pages_by_structure[index])
    };
    let (names_before, kinds_before) = (pages(&graph, "name index")?, pages(&graph, "kind index")?);
    let mut txn = graph.begin_write()?;
    txn.rebuild_indexes()?;
    txn.commit()?;
    // 20,000 name keys of 20 bytes (a 14-byte name, its separator and the id): 26 bytes with
    // their cell head and slot in a slotted leaf, so 129 full leaves and a branch; each
    // batch's keys had split leaves (158 pages). Packed, a key shares its first three or four
    // digits with the one before (they are about 5,000 apart below 10^8) and takes 3 bytes of
    // lengths and about 16.5 of its own: 98 leaves and a branch.
    assert_eq!(
        pages(&graph, "name index")?,
        99,
        "{names_before} pages before"
    );
    // 20,000 kind keys of 9 bytes (the kind, then ascending ids sharing all but their last
    // byte or two): 15 bytes a key in slotted leaves, about 4.7 packed.
    let kinds_after = pages(&graph, "kind index")?;
    assert!(
        kinds_after * 3 < kinds_before,
        "{kinds_before} pages, then {kinds_after}"
    );
    assert!(graph.check()?.is_clean());
    drop(graph);
    let graph = Graph::open(&path)?;
    let read = graph.begin_read()?;
    for i in [0, 1, 999, 12_345, 19_999] {
        let found: Vec<NodeId> = read
            .nodes_by_name(&scattered_name(i))
            .collect::<Result<_>>()?;
        assert_eq!(found, vec![NodeId(i)]);
    }
    assert_eq!(read.nodes_by_name_prefix("").count(), 20_000);
    drop(read);
    // A later insert unpacks the leaves it reaches, and the indexes stay whole.
    let mut txn = graph.begin_write()?;
    let late = txn.add_node("taxon", &scattered_name(20_000), b"")?;
    txn.commit()?;
    let read = graph.begin_read()?;
    let found: Vec<NodeId> = read
        .nodes_by_name(&scattered_name(20_000))
        .collect::<Result<_>>()?;
    assert_eq!(found, vec![late]);
    assert_eq!(read.nodes_by_name_prefix("").count(), 20_001);
    assert_eq!(read.count_by_kind("taxon")?, 20_001);
    let by_kind: Vec<NodeId> = read.nodes_by_kind("taxon")?.collect::<Result<_>>()?;
    assert_eq!(by_kind, (0..=20_000).map(NodeId).collect::<Vec<_>>());
    drop(read);
    assert!(graph.check()?.is_clean());
    Ok(())
}
