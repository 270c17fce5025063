use proptest::prelude::*;

use graph::Graph;

use crate::{Error, Params, Value};

/// A graph with indexes over the labels the queries create, and one node already.
fn graph() -> Graph {
    let graph = Graph::in_memory().expect("graph");
    for q in [
        "CREATE INDEX a_k FOR (n:A) ON (n.k)",
        "CREATE INDEX b_m FOR (n:B) ON (n.m)",
        "CREATE (:A {k: 0})",
    ] {
        crate::execute(&graph, q, &Params::new()).expect("set up");
    }
    graph
}

/// Every node with its labels and properties, and what the indexes answer.
fn state(graph: &Graph) -> Vec<Vec<Value>> {
    let read = graph.begin_read().expect("read");
    let mut rows = Vec::new();
    for q in [
        "MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)",
        "MATCH (n:A) WHERE n.k = 1 RETURN id(n) ORDER BY id(n)",
        "MATCH (n:B) WHERE n.m >= 'b' RETURN id(n) ORDER BY id(n)",
    ] {
        rows.extend(crate::query(&read, q, &Params::new()).expect("read").rows);
    }
    rows
}

/// Runs `text` with `$rows` in its own transaction: its rows or its error.
fn run(graph: &Graph, text: &str, rows: &[Value]) -> Result<Vec<Vec<Value>>, Error> {
    let params = Params::from([("rows".to_string(), Value::List(rows.to_vec()))]);
    crate::execute(graph, text, &params).map(|r| r.rows)
}

fn property() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        (0i64..3).prop_map(Value::Int),
        prop::sample::select(vec!["a", "b", "c"]).prop_map(|s| Value::String(s.into())),
        Just(Value::Float(1.0)),
        Just(Value::List(vec![Value::Int(1), Value::Int(2)])),
        // Not a property value: the query fails at this row.
        Just(Value::Map(Default::default())),
    ]
}

fn input_row() -> impl Strategy<Value = Value> {
    (property(), property())
        .prop_map(|(k, m)| Value::Map([("k".to_string(), k), ("m".to_string(), m)].into()))
}

/// The same clause in both forms: a path variable keeps the second on the row-by-row path.
const BATCHED: &str = "UNWIND $rows AS r CREATE (x:A:B {k: r.k, m: r.m}), (:C {k: r.k}) \
                       RETURN count(x) AS n, collect(x.k) AS ks";
const ROW_BY_ROW: &str = "UNWIND $rows AS r CREATE (x:A:B {k: r.k, m: r.m}), p = (:C {k: r.k}) \
                          RETURN count(x) AS n, collect(x.k) AS ks";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn batched_create_matches_row_by_row(rows in prop::collection::vec(input_row(), 0..30)) {
        let (batched, row_by_row) = (graph(), graph());
        let a = run(&batched, BATCHED, &rows);
        let b = run(&row_by_row, ROW_BY_ROW, &rows);
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        // A failing query leaves nothing behind in either.
        prop_assert_eq!(state(&batched), state(&row_by_row));
        prop_assert!(batched.check().expect("check").is_clean());
    }
}

#[test]
fn batched_create_qualifies_only_for_lone_nodes_that_cannot_see_each_other() {
    let q = |text: &str| crate::parser::parse(text).expect("parse");
    let rows = vec![crate::eval::Row::default(), crate::eval::Row::default()];
    let qualifies = |text: &str| {
        let query = q(text);
        query
            .parts
            .iter()
            .flat_map(|p| &p.clauses)
            .any(|c| match c {
                crate::ast::Clause::Create(parts) => super::batchable(parts, &rows),
                _ => false,
            })
    };
    assert!(qualifies("CREATE (:A {k: 1}), (b:B)"));
    assert!(!qualifies("CREATE (a:A {k: 1}), (:B {k: a.k})"));
    assert!(!qualifies("CREATE (:A)-[:R]->(:B)"));
    assert!(!qualifies("CREATE p = (:A)"));
    assert!(!qualifies("CREATE (:A {n: size([(x:A)-->() | x])})"));
    assert!(!qualifies("CREATE (a:A), (:B {p: a {.k}})"));
}
