//! A small graph with awkward text, shared by the export tests.

use graph::{Graph, NodeId, PropertyMap, Value};

/// The awkward name: markup characters, quotes, a line break, a control character and
/// non-ASCII.
pub const AWKWARD: &str = "<a & b> \"q\" 'x'\nline\u{1}Zürich 東京";

/// Nodes `a` (person, labels `admin`, properties `age` 31 and `score` 2.5), `b` (person,
/// named [`AWKWARD`], `age` 40.5), `c` (city, raw data that is not properties); edges a->b
/// `knows` (since 2020), b->c `lives_in`, c->a `visited_by`.
pub fn sample() -> (Graph, [NodeId; 3]) {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("txn");
    let a = txn
        .add_node_with(
            &["person", "admin"],
            &PropertyMap::from([
                ("age".to_owned(), Value::Int(31)),
                ("score".to_owned(), Value::Float(2.5)),
                ("name".to_owned(), Value::String("shadowed".into())),
            ]),
        )
        .expect("a");
    let b = txn.add_node("person", AWKWARD, b"").expect("b");
    txn.set_node_properties(
        b,
        &PropertyMap::from([("age".to_owned(), Value::Float(40.5))]),
    )
    .expect("b props");
    let c = txn.add_node("city", "Lisbon", b"313 km").expect("c");
    txn.add_edge_with(
        a,
        b,
        "knows",
        &PropertyMap::from([("since".to_owned(), Value::Int(2020))]),
    )
    .expect("ab");
    txn.add_edge(b, c, "lives_in", b"").expect("bc");
    txn.add_edge(c, a, "visited_by", b"").expect("ca");
    txn.commit().expect("commit");
    (graph, [a, b, c])
}
