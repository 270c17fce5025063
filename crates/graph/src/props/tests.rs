use proptest::prelude::*;

use super::*;
use crate::Graph;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
            .prop_map(Value::Float),
        ".{0,12}".prop_map(Value::String),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::List),
            proptest::collection::btree_map(".{0,6}", inner, 0..5).prop_map(Value::Map),
        ]
    })
}

fn property_map() -> impl Strategy<Value = PropertyMap> {
    proptest::collection::btree_map(".{0,8}", value(), 0..8)
}

/// The map as stored: null properties do not exist.
fn without_nulls(map: &PropertyMap) -> PropertyMap {
    map.iter()
        .filter(|(_, v)| !matches!(v, Value::Null))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

proptest! {
    #[test]
    fn encoding_round_trips_every_map(map in property_map()) {
        let bytes = encode_properties(&map)?;
        prop_assert_eq!(decode_properties(&bytes)?, without_nulls(&map));
    }

    #[test]
    fn one_property_reads_as_the_full_decode_has_it(map in property_map(), probe in ".{0,8}") {
        let bytes = encode_properties(&map)?;
        let full = decode_properties(&bytes)?;
        for key in map.keys().chain(std::iter::once(&probe)) {
            prop_assert_eq!(decode_property(&bytes, key)?, full.get(key).cloned());
        }
    }

    #[test]
    fn damaged_encodings_are_errors_not_panics(map in property_map(), cut in any::<prop::sample::Index>(), flip in any::<u8>()) {
        let mut bytes = encode_properties(&map)?;
        let at = cut.index(bytes.len());
        if let Some(b) = bytes.get_mut(at) {
            *b ^= flip;
        }
        let _ = decode_properties(&bytes);
        bytes.truncate(at);
        let _ = decode_properties(&bytes);
    }

    #[test]
    fn the_scalar_lookup_agrees_with_the_checked_one_on_whole_and_damaged_bytes(
        map in property_map(),
        probe in ".{0,8}",
        cut in any::<prop::sample::Index>(),
        flip in any::<u8>(),
    ) {
        let whole = encode_properties(&map)?;
        let mut damaged = whole.clone();
        let at = cut.index(damaged.len());
        if let Some(b) = damaged.get_mut(at) {
            *b ^= flip;
        }
        let mut cut_short = whole.clone();
        cut_short.truncate(at);
        for bytes in [&whole, &damaged, &cut_short] {
            for key in map.keys().chain(std::iter::once(&probe)) {
                // When the fast lookup answers, the checked one gives the same answer.
                if let Some(found) = MapView::scalar(bytes, key.as_bytes()) {
                    let checked = MapView::parse(bytes)?.map(|v| v.get(key));
                    prop_assert_eq!(checked.transpose()?.flatten(), found);
                }
            }
        }
        // On whole bytes it answers for every scalar and every absent key.
        for key in map.keys().chain(std::iter::once(&probe)) {
            let scalar = !matches!(map.get(key), Some(Value::List(_) | Value::Map(_) | Value::Bytes(_)));
            prop_assert_eq!(MapView::scalar(&whole, key.as_bytes()).is_some(), scalar);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_node_property_lent_in_place_is_the_decoded_one(map in property_map(), probe in ".{0,8}", json in any::<bool>()) {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let data = if json {
            serde_json::to_vec(&serde_json::json!({"k": 1, "s": "x", "l": [1, 2]}))
                .map_err(|e| TestCaseError::fail(e.to_string()))?
        } else {
            encode_properties(&map)?
        };
        let id = txn.add_node("K", "", &data)?;
        for key in map.keys().chain([&probe, &"k".to_string(), &"l".to_string()]) {
            let lent = with_node_property(&txn, id, key, |v| v.map(|v| v.to_value()).transpose())??;
            let decoded = txn.node_property(id, key)?.filter(|v| !matches!(v, Value::Null));
            prop_assert_eq!(lent, decoded);
        }
    }
}

#[test]
fn strings_are_read_in_place() -> Result<()> {
    let mut map = PropertyMap::new();
    map.insert("name".into(), Value::from("Ada"));
    let bytes = encode_properties(&map)?;
    let view = MapView::parse(&bytes)?.ok_or_else(|| Error::NotProperties("no tag".into()))?;
    match view.get("name")? {
        Some(ValueRef::String(s)) => {
            assert_eq!(s, "Ada");
            let range = bytes.as_ptr_range();
            assert!(
                range.contains(&s.as_ptr()),
                "the string is borrowed from the data"
            );
        }
        other => panic!("expected a string, got {other:?}"),
    }
    Ok(())
}

#[test]
fn json_data_reads_as_properties() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    let node = txn.add_node("person", "ada", br#"{"age": 36, "langs": ["en", 1.5]}"#)?;
    assert_eq!(txn.node_property(node, "age")?, Some(Value::Int(36)));
    assert_eq!(
        txn.node_property(node, "langs")?,
        Some(Value::List(vec![Value::from("en"), Value::Float(1.5)]))
    );
    txn.set_node_property(node, "age", Value::Int(37))?;
    assert_eq!(txn.node_property(node, "age")?, Some(Value::Int(37)));
    assert_eq!(txn.node_properties(node)?.len(), 2);
    let opaque = txn.add_node("blob", "b", b"\x00\x01")?;
    assert!(matches!(
        txn.node_properties(opaque),
        Err(Error::NotProperties(_))
    ));
    Ok(())
}

#[test]
fn edge_properties_are_set_and_removed() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    let a = txn.add_node_with(&[], &PropertyMap::new())?;
    let e = txn.add_edge_with(a, a, "self", &PropertyMap::new())?;
    assert_eq!(txn.set_edge_property(e, "w", Value::Float(0.5))?, None);
    assert_eq!(txn.edge_property(e, "w")?, Some(Value::Float(0.5)));
    assert_eq!(txn.remove_edge_property(e, "w")?, Some(Value::Float(0.5)));
    assert!(txn.edge_properties(e)?.is_empty());
    txn.commit()?;
    assert!(graph.check()?.is_clean());
    Ok(())
}

#[test]
fn labels_beyond_the_kind_are_scanned_and_forgotten_with_their_node() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    let a = txn.add_node_with(&["A", "B"], &PropertyMap::new())?;
    let b = txn.add_node_with(&[], &PropertyMap::new())?;
    assert!(txn.add_label(b, "B")?);
    assert!(!txn.add_label(b, "B")?);
    assert_eq!(txn.node_labels(a)?, vec!["A".to_owned(), "B".to_owned()]);
    assert_eq!(txn.node_labels(b)?, vec!["B".to_owned()]);
    assert_eq!(txn.nodes_with_label("B")?, vec![a, b]);
    assert!(txn.has_label(a, "A")? && txn.has_label(a, "B")? && txn.has_label(b, "B")?);
    assert!(!txn.has_label(b, "A")? && !txn.has_label(b, NO_LABEL)?);
    assert!(txn.remove_label(a, "A")?);
    assert_eq!(txn.node_labels(a)?, vec!["B".to_owned()]);
    assert!(txn.nodes_with_label("A")?.is_empty());
    txn.delete_node(a)?;
    assert_eq!(txn.nodes_with_label("B")?, vec![b]);
    txn.commit()?;
    let read = graph.begin_read()?;
    assert!(
        read.kv_spaces()?.is_empty(),
        "the label spaces are internal"
    );
    assert!(graph.check()?.is_clean());
    Ok(())
}

/// One change to a small graph, for the index model.
#[derive(Clone, Debug)]
enum Op {
    Add { labelled: bool, value: Option<i64> },
    Set { node: usize, value: Option<i64> },
    Label { node: usize, add: bool },
    Delete { node: usize },
    Raw { node: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let value = proptest::option::of(-5i64..5);
    prop_oneof![
        (any::<bool>(), value.clone()).prop_map(|(labelled, value)| Op::Add { labelled, value }),
        (any::<usize>(), value).prop_map(|(node, value)| Op::Set { node, value }),
        (any::<usize>(), any::<bool>()).prop_map(|(node, add)| Op::Label { node, add }),
        any::<usize>().prop_map(|node| Op::Delete { node }),
        any::<usize>().prop_map(|node| Op::Raw { node }),
    ]
}

/// What a label scan with a property filter finds: the model the index must match.
fn scan(txn: &crate::WriteTxn, lo: i64, hi: i64) -> Result<Vec<crate::NodeId>> {
    let mut out = Vec::new();
    for node in txn.nodes_with_label("A")? {
        if let Ok(Some(Value::Int(v))) = txn.node_property(node, "k")
            && (lo..=hi).contains(&v)
        {
            out.push(node);
        }
    }
    out.sort();
    Ok(out)
}

proptest! {
    #[test]
    fn property_index_lookups_match_a_label_scan(ops in proptest::collection::vec(op(), 1..40), early in any::<bool>(), lo in -6i64..6, width in 0i64..6) {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        if early {
            txn.create_property_index("by_k", "A", "k")?;
        }
        let mut live: Vec<crate::NodeId> = Vec::new();
        for op in ops {
            let pick = |i: usize| live.get(i % live.len().max(1)).copied();
            match op {
                Op::Add { labelled, value } => {
                    let mut props = PropertyMap::new();
                    if let Some(v) = value {
                        props.insert("k".into(), Value::Int(v));
                    }
                    let labels: &[&str] = if labelled { &["A"] } else { &["B"] };
                    live.push(txn.add_node_with(labels, &props)?);
                }
                Op::Set { node, value } => if let Some(n) = pick(node) {
                    txn.set_node_property(n, "k", value.map_or(Value::Null, Value::Int))?;
                },
                Op::Label { node, add } => if let Some(n) = pick(node) {
                    if add { txn.add_label(n, "A")?; } else { txn.remove_label(n, "A")?; }
                },
                Op::Delete { node } => if let Some(n) = pick(node) {
                    txn.delete_node(n)?;
                    live.retain(|x| *x != n);
                },
                Op::Raw { node } => if let Some(n) = pick(node) {
                    txn.set_node_data(n, br#"{"k": 1}"#)?;
                },
            }
        }
        if !early {
            txn.create_property_index("by_k", "A", "k")?;
        }
        let hi = lo + width;
        let mut found = txn
            .nodes_by_property_range("A", "k", std::ops::Bound::Included(&Value::Int(lo)), std::ops::Bound::Included(&Value::Int(hi)))?
            .ok_or_else(|| Error::NotProperties("no index".into()))?;
        found.sort();
        prop_assert_eq!(found, scan(&txn, lo, hi)?);
        let mut equal = txn.nodes_by_property("A", "k", &Value::Float(lo as f64))?.unwrap_or_default();
        equal.sort();
        prop_assert_eq!(equal, scan(&txn, lo, lo)?);
        txn.commit()?;
        prop_assert!(graph.check()?.is_clean());
    }
}

#[test]
fn dropping_an_index_removes_its_entries() -> Result<()> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    let mut props = PropertyMap::new();
    props.insert("name".into(), Value::from("x"));
    let n = txn.add_node_with(&["P"], &props)?;
    assert!(txn.create_property_index("p_name", "P", "name")?);
    assert!(!txn.create_property_index("p_name", "P", "name")?);
    assert_eq!(
        txn.nodes_by_property("P", "name", &Value::from("x"))?,
        Some(vec![n])
    );
    assert!(txn.drop_property_index("p_name")?);
    assert_eq!(txn.nodes_by_property("P", "name", &Value::from("x"))?, None);
    txn.commit()?;
    let read = graph.begin_read()?;
    assert!(read.property_indexes()?.is_empty());
    assert!(graph.check()?.is_clean());
    Ok(())
}
