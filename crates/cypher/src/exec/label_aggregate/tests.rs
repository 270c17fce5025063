use proptest::prelude::*;

use graph::{Graph, PropertyMap};

use super::LabelAggregate;
use crate::Params;
use crate::ast::Clause;

/// The aggregates compared: every one the push-down takes, with each kind of argument.
const AGGREGATES: &[&str] = &[
    "count(*)",
    "count(p)",
    "count(p.v)",
    "sum(p.v)",
    "avg(p.v)",
    "min(p.v)",
    "max(p.v)",
    "collect(p.v)",
    "count(DISTINCT p.v)",
    "sum(DISTINCT p.v)",
    "stDev(p.v)",
    "sum(p.w)",
    // Several calls over one key, as one value: each call's fold over the same nodes.
    "[min(p.v), max(p.v), count(*), count(p), avg(p.v), sum(p.v)]",
];

fn property() -> impl Strategy<Value = Option<graph::Value>> {
    prop_oneof![
        Just(None),
        (-3i64..4).prop_map(|i| Some(graph::Value::Int(i))),
        prop::sample::select(vec![i64::MAX, i64::MIN]).prop_map(|i| Some(graph::Value::Int(i))),
        prop::sample::select(vec![-1.5, 0.5, -0.0, f64::NAN])
            .prop_map(|f| Some(graph::Value::Float(f))),
        prop::sample::select(vec!["a", "b"]).prop_map(|s| Some(graph::Value::String(s.into()))),
        any::<bool>().prop_map(|b| Some(graph::Value::Bool(b))),
        Just(Some(graph::Value::List(vec![graph::Value::Int(1)]))),
    ]
}

/// A node: its labels (`L` as its kind, as an extra label, or not at all) and property `v`.
fn node() -> impl Strategy<Value = (Vec<&'static str>, Option<graph::Value>)> {
    (
        prop::sample::select(vec![vec!["L"], vec!["M", "L"], vec!["M"], vec![]]),
        property(),
    )
}

/// A node as [`node`] makes, with an integer or a float as property `v`.
fn numeric_node() -> impl Strategy<Value = (Vec<&'static str>, Option<graph::Value>)> {
    (
        prop::sample::select(vec![vec!["L"], vec!["M", "L"], vec!["M"]]),
        prop_oneof![
            9 => (-1000i64..1000).prop_map(|i| Some(graph::Value::Int(i))),
            1 => (-10.0f64..10.0).prop_map(|f| Some(graph::Value::Float(f))),
        ],
    )
}

/// A node as [`node`] makes, with an integer property `v`: small ones, and ones near the
/// magnitudes where `avg`'s float additions start to round (2^52, 2^53) and `sum` overflows.
fn int_node() -> impl Strategy<Value = (Vec<&'static str>, Option<graph::Value>)> {
    (
        prop::sample::select(vec![vec!["L"], vec!["M", "L"], vec!["M"]]),
        prop_oneof![
            20 => -1000i64..1000,
            1 => prop::sample::select(vec![1 << 52, -(1 << 52), (1 << 53) + 1, i64::MAX, i64::MIN]),
        ]
        .prop_map(|i| Some(graph::Value::Int(i))),
    )
}

fn build(nodes: &[(Vec<&'static str>, Option<graph::Value>)]) -> Graph {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    for (labels, v) in nodes {
        let mut props = PropertyMap::new();
        if let Some(v) = v {
            props.insert("v".into(), v.clone());
        }
        txn.add_node_with(labels, &props).expect("node");
    }
    txn.commit().expect("commit");
    graph
}

fn run(graph: &Graph, text: &str) -> String {
    let read = graph.begin_read().expect("read");
    format!(
        "{:?}",
        crate::query(&read, text, &Params::new()).map(|r| r.rows)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pushed_down_aggregates_equal_the_row_by_row_ones(
        // Mixed values, or up to 600 numbers: more than two of the column path's batches.
        nodes in prop_oneof![
            prop::collection::vec(node(), 0..25),
            prop::collection::vec(numeric_node(), 0..600),
            prop::collection::vec(int_node(), 0..600),
        ],
    ) {
        let graph = build(&nodes);
        let compare = |graph: &Graph| -> std::result::Result<(), TestCaseError> {
            for aggregate in AGGREGATES {
                // `WHERE true` keeps the same query on the row-by-row path.
                let pushed = run(graph, &format!("MATCH (p:L) RETURN {aggregate} AS r"));
                let rows =
                    run(graph, &format!("MATCH (p:L) WHERE true RETURN {aggregate} AS r"));
                prop_assert_eq!(pushed, rows, "{}", aggregate);
            }
            Ok(())
        };
        compare(&graph)?;
        // And read from a column of `v`.
        crate::execute(&graph, "CREATE COLUMN FOR (p:L) ON (p.v)", &Params::new())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        compare(&graph)?;
    }
}

/// The push-down `MATCH ... RETURN` of `text` would take, if any.
fn pushed(text: &str) -> Option<LabelAggregate> {
    let query = crate::parser::parse(text).expect("parse");
    let clauses = &query.parts.first().expect("a part").clauses;
    let (
        Some(Clause::Match {
            optional,
            patterns,
            filter,
        }),
        Some(Clause::Return(p)),
    ) = (clauses.first(), clauses.get(1))
    else {
        return None;
    };
    let source = crate::source::Source::Match(crate::source::MatchSource {
        input: vec![crate::eval::Row::default()],
        optional: *optional,
        patterns,
        filter: filter.as_ref(),
        new_vars: Vec::new(),
    });
    let mut calls = Vec::new();
    for item in &p.items {
        crate::aggregate::extract(&item.expr, &mut calls);
    }
    LabelAggregate::of(&source, &calls)
}

#[test]
fn only_a_lone_labelled_node_with_plain_arguments_is_pushed_down() {
    assert!(pushed("MATCH (p:L) RETURN avg(p.age), count(*), count(p), max(p.x)").is_some());
    assert!(pushed("MATCH (p:L) RETURN sum(p.age) / count(*) AS mean").is_some());
    assert!(pushed("MATCH (p:L) RETURN [min(p.v), max(p.v), count(*)] AS r").is_some());
    assert!(pushed("MATCH (p:L) WHERE p.age > 3 RETURN count(*)").is_none());
    assert!(pushed("MATCH (p:L {age: 3}) RETURN count(*)").is_none());
    assert!(pushed("MATCH (p:L:M) RETURN count(*)").is_none());
    assert!(pushed("MATCH (p) RETURN count(*)").is_none());
    assert!(pushed("MATCH (p:L)-->() RETURN count(*)").is_none());
    assert!(pushed("OPTIONAL MATCH (p:L) RETURN count(*)").is_none());
    assert!(pushed("MATCH (p:L) RETURN sum(p.age + 1)").is_none());
}

#[test]
fn a_column_is_read_when_every_property_argument_reads_its_key() {
    let key = |text: &str| pushed(text).and_then(|p| p.column_key().map(str::to_owned));
    assert_eq!(
        key("MATCH (p:L) RETURN sum(p.age), count(*)").as_deref(),
        Some("age")
    );
    assert_eq!(
        key("MATCH (p:L) RETURN min(p.age), max(p.age), count(p)").as_deref(),
        Some("age")
    );
    assert_eq!(key("MATCH (p:L) RETURN sum(p.age), sum(p.x)"), None);
    assert_eq!(key("MATCH (p:L) RETURN count(*)"), None);
}

#[test]
fn create_and_drop_column_keep_the_graph_columns() {
    use graph::PropertyRead;
    let graph = build(&[(vec!["L"], Some(graph::Value::Int(4)))]);
    let columns = |graph: &Graph| {
        graph
            .begin_read()
            .expect("read")
            .property_columns()
            .expect("columns")
            .len()
    };
    crate::execute(&graph, "CREATE COLUMN FOR (p:L) ON (p.v)", &Params::new()).expect("create");
    crate::execute(&graph, "CREATE COLUMN ON :L(w)", &Params::new()).expect("create");
    assert_eq!(columns(&graph), 2);
    assert_eq!(
        run(&graph, "MATCH (p:L) RETURN sum(p.v) AS r"),
        "Ok([[Int(4)]])"
    );
    crate::execute(&graph, "DROP COLUMN ON :L(v)", &Params::new()).expect("drop");
    crate::execute(&graph, "DROP COLUMN FOR (q:L) ON (q.w)", &Params::new()).expect("drop");
    assert_eq!(columns(&graph), 0);
    assert!(graph.check().expect("check").is_clean());
}
