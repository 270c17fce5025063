//! Migration tests against databases built with rusqlite in sqlitegraph's schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use graph::{Graph, GraphRead, PropertyMap, PropertyRead, Value};
use rusqlite::{Connection, params};

use super::*;
use crate::Error;
use graph::external_ids;

/// A new sqlitegraph database at `dir/name` in the base schema.
fn sqlitegraph_db(dir: &Path, name: &str) -> (PathBuf, Connection) {
    let path = dir.join(name);
    let conn = Connection::open(&path).expect("sqlite");
    conn.execute_batch(SCHEMA).expect("schema");
    (path, conn)
}

/// Entities 1 (Function, JSON data, file_path, labels, properties), 2 (File), 4 (Module);
/// edges 10 (1->2), 11 (2->4), 12 (1->3: entity 3 was deleted), 13 (99->1); a kv entry.
fn typical(conn: &Connection) {
    conn.execute_batch(
        r#"
        INSERT INTO graph_entities VALUES (1, 'Function', 'parse', 'src/lib.rs',
            '{"line": 12, "public": true, "score": 0.5, "args": ["a", "b"], "doc": null}');
        INSERT INTO graph_entities VALUES (2, 'File', 'lib.rs', NULL, '{}');
        INSERT INTO graph_entities VALUES (4, 'Module', 'top', NULL, '[1, 2]');
        INSERT INTO graph_labels VALUES (1, 'exported'), (1, 'hot'), (3, 'gone');
        INSERT INTO graph_properties VALUES (1, 'lang', 'rust'), (1, 'owner', 'ana'), (3, 'x', 'y');
        INSERT INTO graph_edges VALUES (10, 1, 2, 'DEFINED_IN', '{"weight": 2}');
        INSERT INTO graph_edges VALUES (11, 2, 4, 'PART_OF', '{}');
        INSERT INTO graph_edges VALUES (12, 1, 3, 'CALLS', '{}');
        INSERT INTO graph_edges VALUES (13, 99, 1, 'CALLS', '{}');
        INSERT INTO kv_store VALUES ('cursor', 'abc'), ('raw', x'00ff');
        "#,
    )
    .expect("rows");
}

fn imported(src: &Path) -> (Graph, Imported) {
    let graph = Graph::in_memory().expect("graph");
    let report = import(&graph, src).expect("import");
    (graph, report)
}

fn node_of(read: &impl GraphRead, entity: i64) -> graph::NodeId {
    external_ids::node_of(read, &entity.to_string())
        .expect("lookup")
        .expect("entity imported")
}

/// Everything a migration must keep, keyed by entity id: nodes, edges, key-value entries.
type Summary = (
    BTreeMap<String, (String, String, Vec<String>, PropertyMap)>,
    Vec<String>,
    Vec<(Vec<u8>, Vec<u8>)>,
);

fn summary(graph: &Graph) -> Summary {
    let read = graph.begin_read().expect("read");
    let ext = |node| {
        external_ids::external_of(&read, node)
            .expect("lookup")
            .expect("external id")
    };
    let mut nodes = BTreeMap::new();
    for node in read.nodes() {
        let node = node.expect("node");
        nodes.insert(
            ext(node.id()),
            (
                node.kind().expect("kind").into_owned(),
                node.name().expect("name").into_owned(),
                read.node_labels(node.id()).expect("labels"),
                read.node_properties(node.id()).expect("properties"),
            ),
        );
    }
    let mut edges: Vec<String> = read
        .edges()
        .map(|edge| {
            let edge = edge.expect("edge");
            format!(
                "{} {} {} {:?}",
                ext(edge.from()),
                ext(edge.to()),
                edge.edge_type().expect("type"),
                read.edge_properties(edge.id()).expect("properties")
            )
        })
        .collect();
    edges.sort();
    let kv = read
        .kv_prefix(KV_SPACE, b"")
        .expect("kv")
        .map(|e| {
            let (k, v) = e.expect("entry");
            (k.to_vec(), v.to_vec())
        })
        .collect();
    (nodes, edges, kv)
}

#[test]
fn entities_become_nodes_with_external_ids_labels_and_typed_properties() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    typical(&conn);
    let (graph, report) = imported(&src);
    assert_eq!(
        (report.nodes, report.edges, report.labels, report.properties),
        (3, 2, 2, 2)
    );
    let read = graph.begin_read().expect("read");
    let parse = node_of(&read, 1);
    assert_eq!(
        read.node_labels(parse).expect("labels"),
        ["Function", "exported", "hot"]
    );
    let props = read.node_properties(parse).expect("properties");
    let Some(Value::Map(data)) = props.get(DATA) else {
        panic!("data is a map: {props:?}");
    };
    assert_eq!(data.get("line"), Some(&Value::Int(12)));
    assert_eq!(data.get("public"), Some(&Value::Bool(true)));
    assert_eq!(data.get("score"), Some(&Value::Float(0.5)));
    assert_eq!(
        props.get(FILE_PATH),
        Some(&Value::String("src/lib.rs".into()))
    );
    let Some(Value::Map(properties)) = props.get(PROPERTIES) else {
        panic!("properties is a map: {props:?}");
    };
    assert_eq!(properties.get("lang"), Some(&Value::String("rust".into())));
    let module = read.node_properties(node_of(&read, 4)).expect("properties");
    assert_eq!(
        module.get(DATA),
        Some(&Value::List(vec![Value::Int(1), Value::Int(2)]))
    );
    assert_eq!(
        read.kv_get(KV_SPACE, b"raw").expect("kv").as_deref(),
        Some(&[0, 0xff][..])
    );
    assert_eq!(report.kv_entries, 2);
}

#[test]
fn edges_to_missing_entities_are_skipped_and_counted_with_their_ids() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    typical(&conn);
    let (graph, report) = imported(&src);
    assert_eq!(report.skipped_edges, 2);
    assert_eq!(report.skipped_edge_ids, [12, 13]);
    // Entity 3's label and property.
    assert_eq!(report.orphan_rows, 2);
    let read = graph.begin_read().expect("read");
    let edge = read
        .neighbors(node_of(&read, 1), graph::Direction::Out, None)
        .expect("neighbours")
        .next()
        .expect("one edge")
        .expect("edge");
    let props = read.edge_properties(edge.edge).expect("properties");
    assert_eq!(props.get(EDGE_ID), Some(&Value::Int(10)));
}

#[test]
fn one_megabyte_of_json_data_is_imported_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    let blob = "x".repeat(1 << 20);
    let data = serde_json::json!({ "body": blob }).to_string();
    conn.execute(
        "INSERT INTO graph_entities VALUES (1, 'Doc', 'big', NULL, ?1)",
        params![data],
    )
    .expect("row");
    let (graph, _) = imported(&src);
    let read = graph.begin_read().expect("read");
    let props = read.node_properties(node_of(&read, 1)).expect("properties");
    let Some(Value::Map(map)) = props.get(DATA) else {
        panic!("data is a map");
    };
    assert_eq!(map.get("body"), Some(&Value::String(blob)));
}

#[test]
fn bytes_that_are_not_utf8_in_text_columns_are_kept_or_replaced_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    conn.execute_batch(
        "INSERT INTO graph_entities VALUES (1, 'File', CAST(x'6162ff' AS TEXT), NULL, CAST(x'7bff7d' AS TEXT));
         INSERT INTO graph_properties VALUES (1, 'enc', CAST(x'fe' AS TEXT));",
    )
    .expect("rows");
    let (graph, report) = imported(&src);
    assert_eq!(report.lossy_text, 1);
    let read = graph.begin_read().expect("read");
    let node = node_of(&read, 1);
    assert_eq!(
        read.node(node)
            .expect("read")
            .expect("node")
            .name()
            .expect("name"),
        "ab\u{FFFD}"
    );
    let props = read.node_properties(node).expect("properties");
    assert_eq!(
        props.get(DATA_BYTES),
        Some(&Value::Bytes(vec![0x7b, 0xff, 0x7d]))
    );
    let Some(Value::Map(properties)) = props.get(PROPERTIES) else {
        panic!("properties is a map");
    };
    assert_eq!(properties.get("enc"), Some(&Value::Bytes(vec![0xfe])));
}

#[test]
fn data_that_is_not_json_is_kept_as_text() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    conn.execute_batch(
        r#"INSERT INTO graph_entities VALUES (1, 'Doc', 'a', NULL, '{"open": ');
           INSERT INTO graph_entities VALUES (2, 'Doc', 'b', NULL, '1, "x": 2');"#,
    )
    .expect("rows");
    let (graph, _) = imported(&src);
    let read = graph.begin_read().expect("read");
    for (entity, text) in [(1, r#"{"open": "#), (2, r#"1, "x": 2"#)] {
        let props = read
            .node_properties(node_of(&read, entity))
            .expect("properties");
        assert_eq!(props.get(DATA_TEXT), Some(&Value::String(text.into())));
        assert_eq!(props.get(DATA), None);
    }
}

#[test]
fn nulls_become_no_kind_empty_names_and_absent_properties() {
    let dir = tempfile::tempdir().expect("dir");
    let src = dir.path().join("loose.db");
    let conn = Connection::open(&src).expect("sqlite");
    conn.execute_batch(
        "CREATE TABLE graph_entities (id INTEGER PRIMARY KEY, kind TEXT, name TEXT, file_path TEXT, data TEXT);
         CREATE TABLE graph_edges (id INTEGER PRIMARY KEY, from_id INTEGER, to_id INTEGER, edge_type TEXT, data TEXT);
         CREATE TABLE graph_properties (entity_id INTEGER, key TEXT, value TEXT);
         INSERT INTO graph_entities VALUES (1, NULL, NULL, NULL, NULL);
         INSERT INTO graph_properties VALUES (1, 'k', NULL);
         INSERT INTO graph_edges VALUES (1, 1, NULL, 'T', NULL);
         INSERT INTO graph_edges VALUES (2, 1, 1, 'T', NULL);",
    )
    .expect("rows");
    let (graph, report) = imported(&src);
    assert_eq!(
        (report.nodes, report.edges, report.skipped_edges),
        (1, 1, 1)
    );
    let read = graph.begin_read().expect("read");
    let node = read.node(node_of(&read, 1)).expect("read").expect("node");
    assert_eq!(node.kind().expect("kind"), graph::props::NO_LABEL);
    assert_eq!(node.name().expect("name"), "");
    assert_eq!(
        read.node_properties(node.id()).expect("properties"),
        PropertyMap::from([(PROPERTIES.to_owned(), Value::Map(PropertyMap::new()))])
    );
}

#[test]
fn a_row_the_graph_cannot_hold_stops_the_import_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    typical(&conn);
    conn.execute("INSERT INTO graph_edges VALUES (20, 1, 2, '', '{}')", [])
        .expect("row");
    let graph = Graph::in_memory().expect("graph");
    match import(&graph, &src) {
        Err(Error::BadRow { table, id, .. }) => assert_eq!((table, id), ("graph_edges", 20)),
        other => panic!("expected a bad row, got {other:?}"),
    }
    let read = graph.begin_read().expect("read");
    assert_eq!((read.node_count(), read.edge_count()), (0, 0));
    assert_eq!(read.kv_len(KV_SPACE).expect("kv"), 0);
}

#[test]
fn a_database_without_the_schema_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let src = dir.path().join("other.db");
    Connection::open(&src)
        .expect("sqlite")
        .execute_batch("CREATE TABLE t (x)")
        .expect("table");
    let graph = Graph::in_memory().expect("graph");
    assert!(matches!(
        import(&graph, &src),
        Err(Error::NotSqlitegraph(_))
    ));
}

#[test]
fn import_export_import_gives_an_equal_graph() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    typical(&conn);
    conn.execute_batch(
        "INSERT INTO graph_entities VALUES (5, 'Doc', 'odd', CAST(x'ff' AS TEXT), CAST(x'ff00' AS TEXT));
         INSERT INTO graph_entities VALUES (6, 'Doc', 'text', NULL, 'not json');
         INSERT INTO graph_properties VALUES (6, 'raw', CAST(x'80' AS TEXT));
         INSERT INTO graph_edges VALUES (14, 5, 6, 'LINKS', 'plain');",
    )
    .expect("rows");
    let (first, _) = imported(&src);
    let out = dir.path().join("new.db");
    let exported = export(&first.begin_read().expect("read"), &out, false).expect("export");
    assert_eq!(exported.entities, 5);
    assert_eq!(exported.edges, 3);
    let (second, report) = imported(&out);
    assert_eq!(report.skipped_edges, 0);
    assert_eq!(summary(&first), summary(&second));
}

#[test]
fn exporting_a_graph_from_elsewhere_writes_its_properties_as_data() {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("txn");
    let a = txn
        .add_node_json("person", "ana", &serde_json::json!({"age": 31}))
        .expect("a");
    let b = txn.add_node("person", "bo", b"").expect("b");
    txn.add_edge(a, b, "knows", b"").expect("edge");
    txn.add_edge(a, b, "likes", b"").expect("edge");
    txn.commit().expect("commit");
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.db");
    export(&graph.begin_read().expect("read"), &out, false).expect("export");
    let conn = Connection::open(&out).expect("open");
    let rows: Vec<(i64, String, String)> = conn
        .prepare("SELECT id, name, data FROM graph_entities ORDER BY id")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(
        rows,
        [
            (1, "ana".to_owned(), r#"{"age":31}"#.to_owned()),
            (2, "bo".to_owned(), "{}".to_owned())
        ]
    );
    let edges: i64 = conn
        .query_row(
            "SELECT count(*) FROM graph_edges WHERE from_id = 1 AND to_id = 2",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(edges, 2);
}

#[test]
fn export_refuses_an_existing_file_unless_told_to_overwrite() {
    let graph = Graph::in_memory().expect("graph");
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.db");
    std::fs::write(&out, b"keep me").expect("file");
    let read = graph.begin_read().expect("read");
    assert!(matches!(export(&read, &out, false), Err(Error::Exists(_))));
    assert_eq!(std::fs::read(&out).expect("read"), b"keep me");
    export(&read, &out, true).expect("overwrite");
    let conn = Connection::open(&out).expect("open");
    let version: i64 = conn
        .query_row("SELECT schema_version FROM graph_meta", [], |r| r.get(0))
        .expect("meta");
    assert_eq!(version, 1);
}

#[test]
fn a_key_value_key_past_the_limit_stops_the_import_naming_its_row() {
    let dir = tempfile::tempdir().expect("dir");
    let (src, conn) = sqlitegraph_db(dir.path(), "old.db");
    typical(&conn);
    let long = "k".repeat(graph::MAX_KV_KEY_LEN + 1);
    conn.execute("INSERT INTO kv_store VALUES (?1, 'v')", params![long])
        .expect("row");
    let graph = Graph::in_memory().expect("graph");
    match import(&graph, &src) {
        Err(Error::BadRow { table, .. }) => assert_eq!(table, "kv_store"),
        other => panic!("expected a bad row, got {other:?}"),
    }
    assert_eq!(graph.begin_read().expect("read").node_count(), 0);
}

#[test]
fn only_canonical_integer_external_ids_become_entity_ids() {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("txn");
    for (name, ext) in [("seven", "7"), ("padded", "007"), ("word", "abc")] {
        let node = txn.add_node("k", name, b"").expect("node");
        external_ids::record(&mut txn, ext, node).expect("external id");
    }
    txn.commit().expect("commit");
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.db");
    export(&graph.begin_read().expect("read"), &out, false).expect("export");
    let rows: Vec<(i64, String)> = Connection::open(&out)
        .expect("open")
        .prepare("SELECT id, name FROM graph_entities ORDER BY id")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(
        rows,
        [
            (7, "seven".into()),
            (8, "padded".into()),
            (9, "word".into())
        ]
    );
}

#[test]
fn an_import_leaves_the_name_index_with_full_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (src, conn) = sqlitegraph_db(dir.path(), "many.db");
    // 20,000 entities whose 14-byte names, inserted one by one, land all over the index.
    conn.execute_batch("BEGIN").expect("begin");
    let mut insert = conn
        .prepare("INSERT INTO graph_entities VALUES (?1, 'Item', ?2, NULL, '{}')")
        .expect("statement");
    for i in 0..20_000u64 {
        let name = format!("{:08} taxon", (i * 2_654_435_761) % 100_000_007);
        insert.execute(params![i as i64, name]).expect("row");
    }
    drop(insert);
    conn.execute_batch("COMMIT").expect("commit");
    let (graph, report) = imported(&src);
    assert_eq!(report.nodes, 20_000);
    assert!(graph.check().expect("check").is_clean());
    // Keys of 20 bytes (name, separator, id), packed (about 19.5 bytes each, sharing the first
    // digits with the key before): 98 leaves and a branch, where slotted full leaves take 130.
    let stats = graph.stats().expect("stats");
    assert_eq!(stats.pages_by_structure.get("name index"), Some(&99));
    let read = graph.begin_read().expect("read");
    assert_eq!(read.nodes_by_name_prefix("").count(), 20_000);
}
