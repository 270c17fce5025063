//! Query costs end to end (parse, check, plan, run) and through a prepared query, on a
//! generated graph in a file of the issue's `medium` size: 100,000 `Person` nodes (`id`, `age`,
//! `name`), 1,000,000 `KNOWS` relationships from a fixed pseudo-random sequence (the one
//! `kuzu_compare.py` repeats), an index on `Person(id)`; the aggregation is measured again after
//! `CREATE COLUMN` on `Person(age)`. `cargo bench -p cypher --bench query`.

use std::hint::black_box;

use criterion::Criterion;
use cypher::{Params, PreparedQuery, Value};
use graph::{Graph, NodeId, PropertyMap};

const PEOPLE: i64 = 100_000;
const KNOWS: usize = 1_000_000;

fn build(path: &std::path::Path) -> Graph {
    let graph = Graph::open(path).expect("open");
    let mut txn = graph.begin_write().expect("write");
    let mut ids = Vec::new();
    for i in 0..PEOPLE {
        let mut props = PropertyMap::new();
        props.insert("id".into(), graph::Value::Int(i));
        props.insert("age".into(), graph::Value::Int(18 + i % 60));
        props.insert("name".into(), graph::Value::String(format!("person{i}")));
        ids.push(txn.add_node_with(&["Person"], &props).expect("node"));
    }
    // A fixed linear congruential sequence: the same graph every run.
    let mut x: u64 = 42;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) as usize) % n
    };
    for _ in 0..KNOWS {
        let (a, b): (NodeId, NodeId) = (ids[next(ids.len())], ids[next(ids.len())]);
        txn.add_edge_with(a, b, "KNOWS", &PropertyMap::new())
            .expect("edge");
    }
    txn.create_property_index("person_id", "Person", "id")
        .expect("index");
    txn.commit().expect("commit");
    graph
}

fn queries(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let graph = build(&dir.path().join("bench.mmg"));
    let read = graph.begin_read().expect("read");
    let id = |i: i64| Params::from([("id".to_string(), Value::Int(i))]);
    let mut g = c.benchmark_group("cypher");

    let trivial = PreparedQuery::new("RETURN 1 AS one").expect("prepare");
    g.bench_function("prepared RETURN 1 (per-call overhead)", |b| {
        b.iter(|| black_box(trivial.run(&read, &Params::new()).expect("run")))
    });
    let lookup_text = "MATCH (p:Person) WHERE p.id = $id RETURN p.name AS name";
    let lookup = PreparedQuery::new(lookup_text).expect("prepare");
    let mut i = 0;
    g.bench_function("point lookup by indexed property, prepared", |b| {
        b.iter(|| {
            i = (i + 7919) % PEOPLE;
            black_box(lookup.run(&read, &id(i)).expect("run"))
        })
    });
    g.bench_function("point lookup by indexed property, parse+plan+run", |b| {
        b.iter(|| {
            i = (i + 7919) % PEOPLE;
            black_box(cypher::query(&read, lookup_text, &id(i)).expect("run"))
        })
    });
    let one_hop = PreparedQuery::new(
        "MATCH (p:Person {id: $id})-[:KNOWS]->(f:Person) WHERE f.age > 40 RETURN f.name AS name",
    )
    .expect("prepare");
    g.bench_function("1-hop with a property filter", |b| {
        b.iter(|| {
            i = (i + 7919) % PEOPLE;
            black_box(one_hop.run(&read, &id(i)).expect("run"))
        })
    });
    let two_hop = PreparedQuery::new(
        "MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f:Person) WHERE f.age > 40 RETURN count(f) AS n",
    )
    .expect("prepare");
    g.bench_function("2-hop with a property filter", |b| {
        b.iter(|| {
            i = (i + 7919) % PEOPLE;
            black_box(two_hop.run(&read, &id(i)).expect("run"))
        })
    });
    let var_length =
        PreparedQuery::new("MATCH (p:Person {id: $id})-[:KNOWS*1..3]->(f) RETURN count(*) AS n")
            .expect("prepare");
    g.bench_function("variable-length *1..3 path count", |b| {
        b.iter(|| {
            i = (i + 7919) % PEOPLE;
            black_box(var_length.run(&read, &id(i)).expect("run"))
        })
    });
    g.sample_size(10);
    let aggregate = PreparedQuery::new("MATCH (p:Person) RETURN avg(p.age) AS a, count(*) AS n")
        .expect("prepare");
    g.bench_function("aggregation over all 100K Person nodes", |b| {
        b.iter(|| black_box(aggregate.run(&read, &Params::new()).expect("run")))
    });
    drop(read);
    let column = PreparedQuery::new("CREATE COLUMN FOR (p:Person) ON (p.age)").expect("prepare");
    g.bench_function("CREATE COLUMN over 100K Person nodes (aborted)", |b| {
        b.iter(|| {
            let mut txn = graph.begin_write().expect("write");
            black_box(column.run_write(&mut txn, &Params::new()).expect("run"));
            txn.abort();
        })
    });
    cypher::execute(
        &graph,
        "CREATE COLUMN FOR (p:Person) ON (p.age)",
        &Params::new(),
    )
    .expect("column");
    let read = graph.begin_read().expect("read");
    g.bench_function("aggregation over all 100K Person nodes, column", |b| {
        b.iter(|| black_box(aggregate.run(&read, &Params::new()).expect("run")))
    });
    let aggregate_text = "MATCH (p:Person) RETURN avg(p.age) AS a, count(*) AS n";
    g.bench_function("aggregation, column, parse+plan+run", |b| {
        b.iter(|| black_box(cypher::query(&read, aggregate_text, &Params::new()).expect("run")))
    });
    drop(read);
    let create_text = "UNWIND range(1, 10000) AS i CREATE (:Item {i: i})";
    let create = PreparedQuery::new(create_text).expect("prepare");
    g.bench_function("CREATE 10K nodes in one query (aborted)", |b| {
        b.iter(|| {
            let mut txn = graph.begin_write().expect("write");
            black_box(create.run_write(&mut txn, &Params::new()).expect("run"));
            txn.abort();
        })
    });
    g.bench_function("CREATE 10K nodes, parse+plan+run (aborted)", |b| {
        b.iter(|| {
            let mut txn = graph.begin_write().expect("write");
            black_box(cypher::query_write(&mut txn, create_text, &Params::new()).expect("run"));
            txn.abort();
        })
    });
    g.finish();
}

/// What `criterion_group!` and `criterion_main!` would generate, written out so that every
/// item is documented.
fn main() {
    let mut c = Criterion::default().configure_from_args();
    queries(&mut c);
    c.final_summary();
}
