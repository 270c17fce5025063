//! `mmgraph query`: writes in one committed transaction, reads read-only, three output forms.

use assert_cmd::Command;

fn mmgraph() -> Command {
    Command::cargo_bin("mmgraph").expect("the binary builds")
}

#[test]
fn query_writes_then_reads_as_table_json_and_jsonl() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("q.mmg");
    mmgraph()
        .args(["query"])
        .arg(&db)
        .arg("CREATE (:Person {name: 'Ada', born: 1815})-[:KNOWS]->(:Person {name: 'Bob', born: 1900})")
        .assert()
        .success();
    let table = mmgraph()
        .arg("query")
        .arg(&db)
        .arg("MATCH (p:Person) WHERE p.born > $year RETURN p.name AS name")
        .args(["--param", "year=1850"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(
        text.contains("name") && text.contains("'Bob'") && text.contains("(1 row)"),
        "{text}"
    );
    let jsonl = mmgraph()
        .arg("query")
        .arg(&db)
        .arg("MATCH (a)-[r:KNOWS]->(b) RETURN a.name AS a, type(r) AS t, b")
        .arg("--jsonl")
        .assert()
        .success();
    let line = String::from_utf8_lossy(&jsonl.get_output().stdout).into_owned();
    let row: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
    assert_eq!(row["a"], "Ada");
    assert_eq!(row["t"], "KNOWS");
    assert_eq!(row["b"]["labels"][0], "Person");
    assert_eq!(row["b"]["properties"]["born"], 1900);
    let doc = mmgraph()
        .args(["--json", "query"])
        .arg(&db)
        .arg("MATCH (p:Person) RETURN count(*) AS n")
        .assert()
        .success();
    let doc: serde_json::Value =
        serde_json::from_slice(&doc.get_output().stdout).expect("one JSON document");
    assert_eq!(doc["columns"][0], "n");
    assert_eq!(doc["rows"][0]["n"], 2);
}

#[test]
fn a_failing_query_changes_nothing_and_names_the_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("q.mmg");
    mmgraph()
        .arg("query")
        .arg(&db)
        .arg("CREATE (:A)")
        .assert()
        .success();
    let failed = mmgraph()
        .arg("query")
        .arg(&db)
        .arg("CREATE (:A) WITH 1 AS x RETURN x / 0")
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&failed.get_output().stderr).contains("DivisionByZero"));
    let bad = mmgraph()
        .arg("query")
        .arg(&db)
        .arg("MATCH (n) RETURN m")
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("line 1, column 18"));
    let count = mmgraph()
        .args(["--json", "query"])
        .arg(&db)
        .arg("MATCH (n:A) RETURN count(n) AS c")
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&count.get_output().stdout).expect("JSON");
    assert_eq!(doc["rows"][0]["c"], 1);
}

#[test]
fn compact_keeps_labels_beyond_the_kind_property_indexes_and_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("q.mmg");
    let copy = dir.path().join("copy.mmg");
    mmgraph()
        .arg("query")
        .arg(&db)
        .arg("UNWIND range(1, 5) AS i CREATE (:A:B {i: i})")
        .assert()
        .success();
    mmgraph()
        .arg("query")
        .arg(&db)
        .arg("CREATE INDEX b_i FOR (n:B) ON (n.i)")
        .assert()
        .success();
    mmgraph()
        .arg("query")
        .arg(&db)
        .arg("CREATE COLUMN FOR (n:A) ON (n.i)")
        .assert()
        .success();
    mmgraph()
        .arg("compact")
        .arg(&db)
        .arg(&copy)
        .assert()
        .success();
    let out = mmgraph()
        .args(["--json", "query"])
        .arg(&copy)
        .arg("MATCH (n:B) WHERE n.i >= 4 RETURN count(n) AS c, collect(labels(n)) AS l")
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(doc["rows"][0]["c"], 2);
    assert_eq!(doc["rows"][0]["l"][0], serde_json::json!(["A", "B"]));
    mmgraph().arg("check").arg(&copy).assert().success();
    use graph::PropertyRead;
    let graph = graph::Graph::open_read_only(&copy).expect("the copy opens");
    let read = graph.begin_read().expect("read");
    let indexes = read.property_indexes().expect("indexes");
    assert_eq!(indexes.len(), 1);
    assert_eq!(
        (indexes[0].name.as_str(), indexes[0].key.as_str()),
        ("b_i", "i")
    );
    let columns = read.property_columns().expect("columns");
    assert_eq!(columns.len(), 1);
    assert_eq!(
        (columns[0].label.as_str(), columns[0].key.as_str()),
        ("A", "i")
    );
    let sum = mmgraph()
        .args(["--json", "query"])
        .arg(&copy)
        .arg("MATCH (n:A) RETURN sum(n.i) AS s")
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&sum.get_output().stdout).expect("JSON");
    assert_eq!(doc["rows"][0]["s"], 15);
}
