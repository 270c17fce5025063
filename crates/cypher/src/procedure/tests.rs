//! `CALL` gives what the `algo` crate gives when called directly, with the view and settings
//! the call names.

use algo::{Control, NodeValues, PageRankParams, Sources, View};
use graph::{Direction, Graph, NodeId, ReadTxn};

use crate::{Error, ErrorClass, Params, Value};

/// Two triangles joined by one edge, plus an isolated node and a `LIKES` edge the views
/// below leave out; `KNOWS` edges carry a weight.
fn sample() -> Graph {
    let graph = Graph::in_memory().expect("graph");
    crate::execute(
        &graph,
        "UNWIND range(0, 6) AS i CREATE (:Person {name: 'p' + toString(i)})",
        &Params::new(),
    )
    .expect("nodes");
    crate::execute(
        &graph,
        "UNWIND [[0,1,1.0],[1,2,2.0],[2,0,1.5],[2,3,4.0],[3,4,1.0],[4,5,0.5],[5,3,2.0]] AS e
         MATCH (a:Person {name: 'p' + toString(e[0])}), (b:Person {name: 'p' + toString(e[1])})
         CREATE (a)-[:KNOWS {w: e[2]}]->(b)",
        &Params::new(),
    )
    .expect("knows");
    crate::execute(
        &graph,
        "MATCH (a:Person {name: 'p6'}), (b:Person {name: 'p0'}) CREATE (a)-[:LIKES]->(b)",
        &Params::new(),
    )
    .expect("likes");
    graph
}

fn call(read: &ReadTxn, text: &str) -> Vec<(NodeId, Value)> {
    crate::query(read, text, &Params::new())
        .expect(text)
        .rows
        .into_iter()
        .map(|row| match row.as_slice() {
            [Value::Node(n), v] => (*n, v.clone()),
            other => panic!("unexpected row {other:?}"),
        })
        .collect()
}

fn expected<T>(values: &NodeValues<T>, f: impl Fn(&T) -> Value) -> Vec<(NodeId, Value)> {
    values.iter().map(|(n, v)| (n, f(v))).collect()
}

fn int(v: &u64) -> Value {
    Value::Int(*v as i64)
}

fn knows() -> View {
    View::new().edge_type("KNOWS")
}

#[test]
fn call_gives_what_each_algorithm_gives() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let c = &mut Control::new();
    let both = knows().direction(Direction::Both);
    let params = PageRankParams {
        damping: 0.9,
        iterations: 7,
    };
    let cases: Vec<(&str, Vec<(NodeId, Value)>)> = vec![
        (
            "CALL algo.pagerank({relationshipTypes: ['KNOWS'], damping: 0.9, iterations: 7}) YIELD node, score",
            expected(
                &algo::pagerank(&read, &knows(), &params, c).expect("pr"),
                |x| Value::Float(*x),
            ),
        ),
        (
            "CALL algo.wcc() YIELD node, component",
            expected(&algo::wcc(&read, &View::new(), c).expect("wcc"), |x| {
                Value::Int(x.0 as i64)
            }),
        ),
        (
            "CALL algo.scc({relationshipTypes: 'KNOWS'}) YIELD node, component",
            expected(&algo::scc(&read, &knows(), c).expect("scc").component, int),
        ),
        (
            "CALL algo.kcore({relationshipTypes: ['KNOWS']}) YIELD node, core",
            expected(&algo::k_core(&read, &knows(), c).expect("kcore"), int),
        ),
        (
            "CALL algo.louvain({relationshipTypes: ['KNOWS'], direction: 'both', seed: 3}) YIELD node, community",
            expected(
                &algo::louvain(&read, &both, 3, c)
                    .expect("louvain")
                    .community,
                int,
            ),
        ),
        (
            "CALL algo.cdlp({iterations: 4}) YIELD node, community",
            expected(&algo::cdlp(&read, &View::new(), 4, c).expect("cdlp"), |x| {
                Value::Int(x.0 as i64)
            }),
        ),
        (
            "CALL algo.lcc({relationshipTypes: ['KNOWS'], direction: 'BOTH'}) YIELD node, coefficient",
            expected(&algo::lcc(&read, &both, c).expect("lcc"), |x| {
                Value::Float(*x)
            }),
        ),
        (
            "CALL algo.triangles({relationshipTypes: ['KNOWS']}) YIELD node, triangles",
            expected(
                &algo::triangles(&read, &knows(), c).expect("triangles"),
                int,
            ),
        ),
        (
            "CALL algo.degree({direction: 'in'}) YIELD node, score",
            expected(
                &algo::degree_centrality(&read, &View::new().direction(Direction::In), c)
                    .expect("degree"),
                int,
            ),
        ),
        (
            "CALL algo.closeness({relationshipTypes: ['KNOWS']}) YIELD node, score",
            expected(
                &algo::closeness_centrality(&read, &knows(), c).expect("closeness"),
                |x| Value::Float(*x),
            ),
        ),
        (
            "CALL algo.betweenness({relationshipTypes: ['KNOWS']}) YIELD node, score",
            expected(
                &algo::betweenness_centrality(&read, &knows(), Sources::All, c)
                    .expect("betweenness"),
                |x| Value::Float(*x),
            ),
        ),
        (
            "CALL algo.betweenness({samples: 3, seed: 9}) YIELD node, score",
            expected(
                &algo::betweenness_centrality(
                    &read,
                    &View::new(),
                    Sources::Sample { k: 3, seed: 9 },
                    c,
                )
                .expect("sampled"),
                |x| Value::Float(*x),
            ),
        ),
        (
            "CALL algo.bfs({source: 2, relationshipTypes: ['KNOWS']}) YIELD node, level",
            expected(
                &algo::bfs_levels(&read, &knows(), NodeId(2), c).expect("bfs"),
                |x| Value::Int(i64::from(*x)),
            ),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(call(&read, text), want, "{text}");
        assert!(!want.is_empty(), "{text}");
    }
}

#[test]
fn sssp_takes_its_source_from_a_parameter_and_weights_from_a_property() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let source = crate::query(
        &read,
        "MATCH (p:Person {name: 'p0'}) RETURN p",
        &Params::new(),
    )
    .expect("source")
    .rows;
    let Some(Some(Value::Node(start))) = source.first().map(|r| r.first()) else {
        panic!("no p0: {source:?}");
    };
    let params = Params::from([("start".to_string(), Value::Node(*start))]);
    let rows = crate::query(
        &read,
        "CALL algo.sssp({source: $start, relationshipTypes: ['KNOWS'], weight: 'w'}) YIELD node, distance",
        &params,
    )
    .expect("sssp");
    let weight = |_: NodeId, e: &graph::Neighbor| -> algo::Result<f64> {
        match graph::PropertyRead::edge_property(&read, e.edge, "w")? {
            Some(graph::Value::Float(f)) => Ok(f),
            other => panic!("weight {other:?}"),
        }
    };
    let want = algo::sssp(&read, &knows(), *start, weight, &mut Control::new()).expect("sssp");
    let got: Vec<(NodeId, Value)> = rows
        .rows
        .into_iter()
        .filter_map(|r| match r.as_slice() {
            [Value::Node(n), v] => Some((*n, v.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(got, expected(&want, |d| Value::Float(*d)));
    // p0 -> p1 (1.0) -> p2 (2.0) -> p3 (4.0): 7.0
    assert!(got.contains(&(NodeId(3), Value::Float(7.0))), "{got:?}");
}

#[test]
fn call_feeds_a_larger_query() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let rows = crate::query(
        &read,
        "CALL algo.pagerank({relationshipTypes: ['KNOWS']}) YIELD node, score
         WHERE score > 0.1
         WITH node, score ORDER BY score DESC LIMIT 2
         RETURN node.name AS name, score",
        &Params::new(),
    )
    .expect("query");
    assert_eq!(rows.columns, vec!["name", "score"]);
    let ranks = algo::pagerank(
        &read,
        &knows(),
        &PageRankParams::default(),
        &mut Control::new(),
    )
    .expect("pagerank");
    let mut by_rank: Vec<(f64, NodeId)> = ranks.iter().map(|(n, s)| (*s, n)).collect();
    by_rank.sort_by(|a, b| b.0.total_cmp(&a.0));
    let want: Vec<Vec<Value>> = by_rank
        .iter()
        .take(2)
        .map(|(s, n)| vec![Value::String(format!("p{}", n.0)), Value::Float(*s)])
        .collect();
    assert_eq!(rows.rows, want);
}

#[test]
fn yield_renames_and_where_filters() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let rows = crate::query(
        &read,
        "CALL algo.wcc({relationshipTypes: ['KNOWS']}) YIELD node AS n, component AS c WHERE c = 0 RETURN count(n) AS members",
        &Params::new(),
    )
    .expect("query");
    // The isolated p6 is its own component under KNOWS; the two triangles share component 0.
    assert_eq!(rows.rows, vec![vec![Value::Int(6)]]);
}

fn compile_error(text: &str) -> (ErrorClass, &'static str, usize, usize) {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    match crate::query(&read, text, &Params::new()) {
        Err(Error::Compile {
            class,
            detail,
            line,
            column,
            ..
        }) => (class, detail, line, column),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn unknown_procedures_and_settings_are_compile_errors_at_the_call() {
    assert_eq!(
        compile_error("MATCH (n)\nCALL algo.nope() YIELD node RETURN node"),
        (ErrorClass::ProcedureError, "ProcedureNotFound", 2, 6)
    );
    assert_eq!(
        compile_error("CALL algo.pagerank({dampng: 0.5})"),
        (ErrorClass::ArgumentError, "InvalidArgumentValue", 1, 6)
    );
    assert_eq!(
        compile_error("CALL algo.pagerank() YIELD rank"),
        (ErrorClass::SyntaxError, "UndefinedVariable", 1, 28)
    );
    assert_eq!(
        compile_error("CALL algo.wcc({}, {})"),
        (ErrorClass::SyntaxError, "InvalidNumberOfArguments", 1, 6)
    );
}

#[test]
fn bad_setting_values_fail_at_run_time_naming_the_call() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let params = Params::from([("d".to_string(), Value::String("sideways".into()))]);
    for (text, needle) in [
        ("CALL algo.degree({direction: $d})", "direction"),
        ("CALL algo.bfs({})", "source is required"),
        ("CALL algo.bfs({source: 99})", "not in the view"),
        ("CALL algo.pagerank({damping: 2.0})", "damping"),
        ("CALL algo.wcc({relationshipTypes: ['NOPE']})", "NOPE"),
    ] {
        match crate::query(&read, text, &params) {
            Err(Error::Runtime {
                class: ErrorClass::ArgumentError,
                message,
                ..
            }) => {
                assert!(message.contains(needle), "{text}: {message}");
                assert!(message.contains("line 1, column 6"), "{text}: {message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn standalone_call_returns_every_output() {
    let graph = sample();
    let read = graph.begin_read().expect("read");
    let rows = crate::query(&read, "CALL algo.degree", &Params::new()).expect("call");
    assert_eq!(rows.columns, vec!["node", "score"]);
    assert_eq!(rows.rows.len(), 7);
}
