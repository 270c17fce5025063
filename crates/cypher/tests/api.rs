//! The crate's API: queries on read and write transactions, prepared queries, atomic
//! `execute`, errors with positions, and property indexes through `CREATE INDEX`.

use cypher::{Error, ErrorClass, Params, PreparedQuery, Value};
use graph::Graph;

fn params(pairs: &[(&str, Value)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Every value of every row `query` returns on a fresh snapshot of `graph`, row by row.
fn values(graph: &Graph, query: &str) -> cypher::Result<Vec<Value>> {
    let read = graph.begin_read()?;
    let rows = cypher::query(&read, query, &Params::new())?;
    Ok(rows.rows.into_iter().flatten().collect())
}

fn people(graph: &Graph) -> cypher::Result<()> {
    cypher::execute(
        graph,
        "UNWIND range(1, 50) AS i CREATE (:Person {id: i, age: i % 10, name: 'p' + toString(i)})",
        &Params::new(),
    )?;
    Ok(())
}

#[test]
fn a_failing_write_query_leaves_nothing_behind() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    let err = cypher::execute(
        &graph,
        "CREATE (:A) WITH 1 AS x RETURN x / 0",
        &Params::new(),
    );
    assert!(matches!(
        err.as_ref().map_err(Error::class),
        Err(Some((ErrorClass::ArithmeticError, _)))
    ));
    let read = graph.begin_read()?;
    let rows = cypher::query(&read, "MATCH (n) RETURN count(n) AS c", &Params::new())?;
    assert_eq!(rows.rows, vec![vec![Value::Int(0)]]);
    Ok(())
}

#[test]
fn a_read_transaction_refuses_a_writing_query() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    let read = graph.begin_read()?;
    assert!(matches!(
        cypher::query(&read, "CREATE ()", &Params::new()),
        Err(Error::ReadOnly)
    ));
    Ok(())
}

#[test]
fn compile_errors_name_their_line_and_column() {
    match PreparedQuery::new("MATCH (n)\nRETURN m") {
        Err(Error::Compile {
            class: ErrorClass::SyntaxError,
            detail: "UndefinedVariable",
            line: 2,
            column: 8,
            ..
        }) => {}
        other => panic!("expected an undefined variable at 2:8, got {other:?}"),
    }
    match PreparedQuery::new("MATCH (n RETURN n") {
        Err(Error::Compile {
            line: 1, column, ..
        }) => assert_eq!(column, 10),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_prepared_query_runs_with_each_set_of_parameters() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    people(&graph)?;
    let prepared = PreparedQuery::new("MATCH (p:Person) WHERE p.id = $id RETURN p.name AS name")?;
    assert!(!prepared.writes());
    let read = graph.begin_read()?;
    for id in [1, 17, 50] {
        let rows = prepared.run(&read, &params(&[("id", Value::Int(id))]))?;
        assert_eq!(rows.rows, vec![vec![Value::String(format!("p{id}"))]]);
    }
    assert!(matches!(
        prepared.run(&read, &Params::new()),
        Err(Error::Compile {
            class: ErrorClass::ParameterMissing,
            ..
        })
    ));
    Ok(())
}

#[test]
fn an_index_gives_the_same_rows_as_a_label_scan() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    people(&graph)?;
    let queries = [
        "MATCH (p:Person) WHERE p.age = 3 RETURN p.id AS id ORDER BY id",
        "MATCH (p:Person) WHERE p.age >= 7 AND p.id < 30 RETURN p.id AS id ORDER BY id",
        "MATCH (p:Person {age: 3.0}) RETURN p.id AS id ORDER BY id",
        "MATCH (p:Person) WHERE 'p5' < p.name RETURN p.id AS id ORDER BY id",
    ];
    let before: Vec<_> = {
        let read = graph.begin_read()?;
        queries
            .iter()
            .map(|q| cypher::query(&read, q, &Params::new()))
            .collect::<Result<_, _>>()?
    };
    cypher::execute(
        &graph,
        "CREATE INDEX person_age FOR (p:Person) ON (p.age)",
        &Params::new(),
    )?;
    cypher::execute(&graph, "CREATE INDEX ON :Person(name)", &Params::new())?;
    {
        let read = graph.begin_read()?;
        for (q, want) in queries.iter().zip(&before) {
            assert_eq!(&cypher::query(&read, q, &Params::new())?, want, "{q}");
        }
    }
    // Writes after the index exists keep it right.
    cypher::execute(
        &graph,
        "MATCH (p:Person) WHERE p.id <= 10 SET p.age = 3",
        &Params::new(),
    )?;
    cypher::execute(
        &graph,
        "MATCH (p:Person {id: 13}) REMOVE p:Person",
        &Params::new(),
    )?;
    let read = graph.begin_read()?;
    let rows = cypher::query(
        &read,
        "MATCH (p:Person) WHERE p.age = 3 RETURN count(*) AS c",
        &Params::new(),
    )?;
    // ids 1..=10, then 23, 33, 43 (13 lost its label).
    assert_eq!(rows.rows, vec![vec![Value::Int(13)]]);
    drop(read);
    cypher::execute(&graph, "DROP INDEX person_age", &Params::new())?;
    assert!(graph.check()?.is_clean());
    Ok(())
}

#[test]
fn shortest_paths_are_found_one_or_all() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    // a -> b -> d, a -> c -> d, d -> e: two shortest paths from a to d.
    cypher::execute(
        &graph,
        "CREATE (a:N {n: 'a'}), (b:N {n: 'b'}), (c:N {n: 'c'}), (d:N {n: 'd'}), (e:N {n: 'e'}),
                (a)-[:R]->(b), (b)-[:R]->(d), (a)-[:R]->(c), (c)-[:R]->(d), (d)-[:R]->(e)",
        &Params::new(),
    )?;
    let read = graph.begin_read()?;
    let one = cypher::query(
        &read,
        "MATCH p = shortestPath((x:N {n: 'a'})-[:R*]->(y:N {n: 'e'})) RETURN length(p) AS len",
        &Params::new(),
    )?;
    assert_eq!(one.rows, vec![vec![Value::Int(3)]]);
    let all = cypher::query(
        &read,
        "MATCH p = allShortestPaths((x:N {n: 'a'})-[:R*]->(y:N {n: 'd'}))
         RETURN [n IN nodes(p) | n.n] AS names ORDER BY names",
        &Params::new(),
    )?;
    let names = |v: &[&str]| {
        vec![Value::List(
            v.iter().map(|s| Value::String(s.to_string())).collect(),
        )]
    };
    assert_eq!(
        all.rows,
        vec![names(&["a", "b", "d"]), names(&["a", "c", "d"])]
    );
    let none = cypher::query(
        &read,
        "MATCH p = shortestPath((x:N {n: 'e'})-[:R*]->(y:N {n: 'a'})) RETURN p",
        &Params::new(),
    )?;
    assert!(none.rows.is_empty());
    Ok(())
}

#[test]
fn rand_gives_a_new_number_in_zero_to_one_each_call() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    let mut seen: Vec<f64> = values(&graph, "UNWIND range(1, 200) AS i RETURN rand() AS r")?
        .into_iter()
        .map(|v| match v {
            Value::Float(r) => r,
            other => panic!("rand() gave {other:?}"),
        })
        .collect();
    assert!(seen.iter().all(|r| (0.0..1.0).contains(r)), "{seen:?}");
    seen.sort_by(f64::total_cmp);
    seen.dedup();
    assert!(seen.len() > 190, "{} distinct of 200", seen.len());
    Ok(())
}

#[test]
fn an_aggregate_of_rand_is_refused_before_it_runs() {
    match PreparedQuery::new("RETURN count(rand())") {
        Err(Error::Compile {
            class: ErrorClass::SyntaxError,
            detail: "NonConstantExpression",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn range_of_anything_but_integers_is_an_argument_error() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    let read = graph.begin_read()?;
    for query in [
        "RETURN range(0, 1, true)",
        "RETURN range(0.0, 1)",
        "RETURN range(0, 'x')",
    ] {
        let err = cypher::query(&read, query, &Params::new()).expect_err(query);
        assert_eq!(
            err.class(),
            Some((ErrorClass::ArgumentError, "InvalidArgumentType")),
            "{query}: {err}"
        );
    }
    Ok(())
}

#[test]
fn arithmetic_on_a_quantifier_variable_over_strings_is_refused_with_its_position() {
    match PreparedQuery::new("RETURN any(x IN ['a', 'b'] WHERE x % 2 = 0) AS r") {
        Err(Error::Compile {
            class: ErrorClass::SyntaxError,
            detail: "InvalidArgumentType",
            line: 1,
            column: 34,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // Concatenation is not arithmetic: a string quantifier may add to its variable.
    assert!(PreparedQuery::new("RETURN any(x IN ['a'] WHERE x + 'b' = 'ab') AS r").is_ok());
}

#[test]
fn exists_subqueries_see_the_outer_row_and_cannot_write() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    cypher::execute(
        &graph,
        "CREATE (a:P {n: 1})-[:K]->(:P {n: 1}), (a)-[:K]->(:P {n: 2}), (:P {n: 3})",
        &Params::new(),
    )?;
    let ns = |query: &str| values(&graph, query);
    // The short form: a pattern and a filter over the outer variable.
    assert_eq!(
        ns("MATCH (p:P) WHERE EXISTS { (p)-[:K]->(q) WHERE q.n = p.n } RETURN p.n")?,
        vec![Value::Int(1)]
    );
    assert_eq!(
        ns("MATCH (p:P) WHERE NOT EXISTS { (p)-->() } RETURN p.n ORDER BY p.n")?,
        vec![Value::Int(1), Value::Int(2), Value::Int(3)]
    );
    // The full form, aggregating per outer row.
    assert_eq!(
        ns(
            "MATCH (p:P) WHERE EXISTS { MATCH (p)-->(q) WITH p, count(q) AS c WHERE c = 2 \
            RETURN c } RETURN p.n"
        )?,
        vec![Value::Int(1)]
    );
    match PreparedQuery::new(
        "MATCH (p) WHERE EXISTS { MATCH (p)-->(q) SET q.x = 1 RETURN q } RETURN p",
    ) {
        Err(Error::Compile {
            detail: "InvalidClauseComposition",
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn a_create_over_many_rows_sees_its_earlier_rows_from_an_exists_subquery() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    cypher::execute(
        &graph,
        "UNWIND range(1, 3) AS i CREATE (:X {i: i, before: EXISTS { MATCH (x:X) RETURN x }})",
        &Params::new(),
    )?;
    assert_eq!(
        values(&graph, "MATCH (x:X) RETURN x.before ORDER BY x.i")?,
        vec![Value::Bool(false), Value::Bool(true), Value::Bool(true)]
    );
    Ok(())
}

/// A map literal in `CREATE` stores what the map it evaluates to holds: the last value of a
/// repeated key, and no property for a null.
#[test]
fn a_created_map_literal_keeps_the_last_value_of_a_key_and_drops_nulls() -> cypher::Result<()> {
    let graph = Graph::in_memory()?;
    cypher::execute(
        &graph,
        "CREATE (:A {k: 1, a: 1, a: null, b: null, b: 2, c: 'x'})",
        &Params::new(),
    )?;
    let found = values(
        &graph,
        "MATCH (n:A) RETURN n.k, n.a, n.b, n.c, size(keys(n))",
    )?;
    assert_eq!(
        found,
        [
            Value::Int(1),
            Value::Null,
            Value::Int(2),
            Value::String("x".into()),
            Value::Int(3)
        ]
    );
    let last_kept = cypher::execute(&graph, "CREATE (:A {a: [null], a: 1})", &Params::new());
    assert!(
        last_kept.is_ok(),
        "only the kept value is checked: {last_kept:?}"
    );
    let err = cypher::execute(&graph, "CREATE (:A {a: 1, a: [null]})", &Params::new());
    assert!(matches!(
        err.as_ref().map_err(Error::class),
        Err(Some((ErrorClass::TypeError, _)))
    ));
    // Every value is evaluated before any is checked for storing, and of two that cannot be
    // stored the first in key order is reported, as for the map the literal evaluates to.
    let err = cypher::execute(&graph, "CREATE (:A {a: [null], b: 1 / 0})", &Params::new())
        .expect_err("division by zero");
    assert!(err.to_string().contains("zero"), "{err}");
    for text in [
        "CREATE (:A {b: [null], a: {x: 1}})",
        "CREATE (:A {a: {x: 1}, b: [null]})",
    ] {
        let err = cypher::execute(&graph, text, &Params::new()).expect_err("not storable");
        assert!(
            err.to_string().contains("cannot hold a Map"),
            "{text}: {err}"
        );
    }
    assert_eq!(
        values(&graph, "MATCH (n:A) RETURN count(n)")?,
        [Value::Int(2)]
    );
    Ok(())
}
