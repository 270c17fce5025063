//! End-to-end tests of the `mmgraph` binary: the demo, imports of each format, export round
//! trips, inspection, compact, and the error paths (each one clear message, a failure status,
//! and the database left as it was).

use std::path::{Path, PathBuf};

use graph::{Graph, GraphRead};

mod support;
use support::cmd::{fails, mmgraph, ok, s, write};

const PEOPLE: &str = r#"{"id":"ann","kind":"person","name":"Ann","data":{"age": 31}}
{"id":"bob","kind":"person","name":"Bob"}
{"id":7,"kind":"city","name":"Porto","data":"sunny"}
{"from":"ann","to":"bob","type":"knows","data":{"since":2019}}
{"from":"bob","to":7,"type":"lives_in"}
{"from":"ann","to":7,"type":"lives_in","data_hex":"00ff10"}
{"from":"bob","to":"ann","type":"knows"}
"#;

#[test]
fn the_demo_builds_checks_and_verifies_its_graph() {
    let out = ok(&["demo"]);
    assert!(out.contains("check:    clean"), "{out}");
    assert!(out.contains("verify:   as written"), "{out}");
    assert!(out.contains("10000 nodes, 50000 edges"), "{out}");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.mmg");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "demo", s(&db)])).expect("JSON");
    assert_eq!(json["check"]["clean"], true);
    assert_eq!(json["verify"]["as_written"], true);
    assert!(ok(&["check", s(&db)]).starts_with("clean: 10000 nodes, 50000 edges"));
    assert!(fails(&["demo", s(&db)]).contains("already exists"));
}

#[test]
fn json_lines_import_and_inspect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "people.jsonl", PEOPLE);
    let db = dir.path().join("people.mmg");
    let out = ok(&["import", s(&db), s(&input)]);
    assert!(out.contains("imported 3 nodes and 4 edges"), "{out}");

    let node: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "node", s(&db), "-x", "ann"])).expect("JSON");
    assert_eq!(node["name"], "Ann");
    assert_eq!(node["kind"], "person");
    assert_eq!(
        node["data"],
        serde_json::json!({"age": 31}),
        "data that is JSON is embedded"
    );
    assert_eq!(node["external_id"], "ann");
    assert_eq!(
        (node["out_degree"].as_u64(), node["in_degree"].as_u64()),
        (Some(2), Some(1))
    );

    let out = ok(&["node", s(&db), "--kind", "person"]);
    assert!(
        out.contains("Ann") && out.contains("Bob") && out.ends_with("2 node(s)\n"),
        "{out}"
    );
    let out = ok(&["node", s(&db), "--name", "Porto"]);
    assert!(out.contains("[7] Porto"), "{out}");
    let out = ok(&["neighbors", s(&db), "-x", "bob", "--in"]);
    assert!(
        out.contains("knows: 0 [ann] Ann") && out.contains("1 neighbour(s) In"),
        "{out}"
    );
    let out = ok(&[
        "neighbors",
        s(&db),
        "-x",
        "ann",
        "--both",
        "--type",
        "lives_in",
    ]);
    assert!(
        out.contains("Porto") && out.contains("1 neighbour(s) Both"),
        "{out}"
    );
    let out = ok(&["path", s(&db), "-x", "ann", "7"]);
    assert!(out.ends_with("1 hop(s)\n"), "{out}");
    let out = ok(&["bfs", s(&db), "-x", "bob", "--depth", "1"]);
    assert!(out.contains("3 node(s) reached"), "{out}");
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "stats", s(&db)])).expect("JSON");
    assert_eq!(
        (stats["nodes"].as_u64(), stats["edges"].as_u64()),
        (Some(3), Some(4))
    );
    // Bytes per node and per edge: the pages of each kind, divided.
    let pages = |t: &str| stats["pages_by_type"][t].as_f64().unwrap_or(0.0) * 4096.0;
    assert_eq!(
        stats["bytes_per_node"]["records"].as_f64(),
        Some((pages("record leaf") + pages("record heap")) / 3.0)
    );
    assert_eq!(
        stats["bytes_per_edge"]["adjacency"].as_f64(),
        Some((pages("adjacency leaf") + pages("adjacency run")) / 4.0)
    );
    assert!(stats["bytes_per_edge"]["adjacency"].as_f64() > Some(0.0));
    // The same pages again, by the structure that holds them.
    let by_structure = stats["pages_by_structure"].as_object().expect("structures");
    let sum = |map: &serde_json::Map<String, serde_json::Value>| {
        map.values()
            .filter_map(serde_json::Value::as_u64)
            .sum::<u64>()
    };
    assert_eq!(
        sum(by_structure),
        sum(stats["pages_by_type"].as_object().expect("types"))
    );
    assert!(by_structure["name index"].as_u64() >= Some(1));
    let text = ok(&["stats", s(&db)]);
    assert!(
        text.contains("per node:") && text.contains("bytes of adjacency"),
        "{text}"
    );
    assert!(text.contains(" name index\n"), "{text}");
    // No path against the edges' direction: a failure status and a plain statement.
    let output = mmgraph()
        .args(["path", s(&db), "-x", "7", "ann"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("no path from"));
}

#[test]
fn json_lines_round_trip_through_export_and_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write(dir.path(), "people.jsonl", PEOPLE);
    let first = dir.path().join("first.mmg");
    ok(&["import", s(&first), s(&input)]);
    let exported = ok(&["export", s(&first)]);
    let again = write(dir.path(), "again.jsonl", &exported);
    let second = dir.path().join("second.mmg");
    ok(&["import", s(&second), s(&again)]);
    assert_eq!(ok(&["export", s(&second)]), exported);
    // Data survives byte for byte, as JSON or as hex.
    assert!(exported.contains(r#""data":{"age": 31}"#), "{exported}");
    assert!(exported.contains(r#""data_hex":"00ff10""#), "{exported}");
    assert_eq!(exported.lines().count(), 7);
    let out = dir.path().join("out.jsonl");
    ok(&["export", s(&second), "-o", s(&out)]);
    assert_eq!(std::fs::read_to_string(&out).expect("read"), exported);
}

#[test]
fn edge_lists_import_compressed_and_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# a SNAP-style comment\n1 2\n2\t3 follows\n3 1\n\n1 4\n";
    let plain = write(dir.path(), "graph.txt", text);
    let gz = dir.path().join("graph.txt.gz");
    let mut encoder =
        flate2::write::GzEncoder::new(std::fs::File::create(&gz).expect("gz"), Default::default());
    std::io::Write::write_all(&mut encoder, text.as_bytes()).expect("compress");
    encoder.finish().expect("finish");
    let xz = dir.path().join("graph.txt.xz");
    let mut encoder = xz2::write::XzEncoder::new(std::fs::File::create(&xz).expect("xz"), 6);
    std::io::Write::write_all(&mut encoder, text.as_bytes()).expect("compress");
    encoder.finish().expect("finish");

    let mut exports = Vec::new();
    for (i, input) in [&plain, &gz, &xz].into_iter().enumerate() {
        let db = dir.path().join(format!("g{i}.mmg"));
        let out = ok(&["import", s(&db), s(input)]);
        assert!(out.contains("imported 4 nodes and 4 edges"), "{out}");
        exports.push(ok(&["export", s(&db), "--format", "edges"]));
    }
    assert!(exports.iter().all(|e| *e == exports[0]));
    let listed = exports[0].clone();
    assert!(
        listed.contains("2 3 follows\n") && listed.contains("1 4 edge\n"),
        "{listed}"
    );
    let again = write(dir.path(), "again.txt", &listed);
    let db = dir.path().join("again.mmg");
    ok(&["import", s(&db), s(&again)]);
    assert_eq!(ok(&["export", s(&db), "--format", "edges"]), listed);
    // A second import refers to the nodes of the first by their ids.
    let more = write(dir.path(), "more.txt", "4 5\n");
    ok(&["import", s(&db), s(&more)]);
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "stats", s(&db)])).expect("JSON");
    assert_eq!(
        (stats["nodes"].as_u64(), stats["edges"].as_u64()),
        (Some(5), Some(5))
    );
}

#[test]
fn a_damaged_compressed_input_is_an_error_naming_it_and_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people_db(dir.path());
    let before = bytes(&db);
    // Enough lines that the damage lies past the first chunk the decompressing thread hands
    // over.
    let text: String = (0..200_000).map(|i| format!("{i} {}\n", i + 1)).collect();
    let xz = dir.path().join("damaged.txt.xz");
    let mut encoder = xz2::write::XzEncoder::new(Vec::new(), 6);
    std::io::Write::write_all(&mut encoder, text.as_bytes()).expect("compress");
    let mut compressed = encoder.finish().expect("finish");
    let middle = compressed.len() / 2;
    compressed[middle] ^= 0xff;
    std::fs::write(&xz, &compressed).expect("write");
    let gz = dir.path().join("truncated.txt.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
    std::io::Write::write_all(&mut encoder, text.as_bytes()).expect("compress");
    let compressed = encoder.finish().expect("finish");
    std::fs::write(&gz, &compressed[..compressed.len() / 2]).expect("write");
    for input in [&xz, &gz] {
        let err = fails(&["import", s(&db), s(input)]);
        let name = input.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(err.contains(name), "{err}");
        assert_eq!(bytes(&db), before, "{name}");
    }
    assert!(ok(&["check", s(&db)]).starts_with("clean"));
}

/// A database in `dir` holding `PEOPLE`.
fn people_db(dir: &Path) -> PathBuf {
    let db = dir.join("db.mmg");
    ok(&["import", s(&db), s(&write(dir, "base.jsonl", PEOPLE))]);
    db
}

/// The file's bytes, to show a failed command left it as it was.
fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read database")
}

#[test]
fn bad_lines_are_reported_with_their_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people_db(dir.path());
    let before = bytes(&db);

    let bad = write(
        dir.path(),
        "bad.jsonl",
        "{\"id\":\"carl\"}\n{\"id\":\"dan\",\n",
    );
    let err = fails(&["import", s(&db), s(&bad)]);
    assert!(err.contains("bad.jsonl:2: JSON"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains("bad.jsonl was read as JSON lines, by its extension"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 3, "one message: {err}");
    assert_eq!(bytes(&db), before);

    let unknown = write(
        dir.path(),
        "unknown.jsonl",
        "{\"from\":\"ann\",\"to\":\"zed\"}\n",
    );
    let err = fails(&["import", s(&db), s(&unknown)]);
    assert!(
        err.contains("unknown.jsonl:1: an edge to unknown id zed"),
        "{err}"
    );
    assert_eq!(bytes(&db), before);

    let twice = write(dir.path(), "twice.jsonl", "{\"id\":\"ann\"}\n");
    let err = fails(&["import", s(&db), s(&twice)]);
    assert!(
        err.contains("twice.jsonl:1: id ann is already in the database"),
        "{err}"
    );

    let tsv = write(
        dir.path(),
        "tax.tsv",
        "1\t1\tno rank\troot\n2\t1\tspecies\n3\t9\tgenus\tx\n",
    );
    let err = fails(&["import", s(&db), s(&tsv)]);
    assert!(err.contains("tax.tsv:2: 3 tab-separated fields"), "{err}");
    assert!(err.contains("tax.tsv:3: an edge to unknown id 9"), "{err}");
    assert!(err.starts_with("mmgraph: 2 bad input line(s)"), "{err}");
    assert_eq!(bytes(&db), before);
    // Into a new database: the file is not even made.
    let new = dir.path().join("new.mmg");
    fails(&["import", s(&new), s(&tsv)]);
    assert!(!new.exists());
    assert!(ok(&["check", s(&db)]).starts_with("clean"));
}

#[test]
fn names_past_the_64_kib_limit_are_refused_by_name_and_up_to_it_imported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people_db(dir.path());
    let before = bytes(&db);
    let too_long = "k".repeat(graph::MAX_LABEL_LEN + 1);
    let over = write(
        dir.path(),
        "over.jsonl",
        &format!("{{\"id\":\"x\",\"kind\":\"{too_long}\"}}\n"),
    );
    let err = fails(&["import", s(&db), s(&over)]);
    assert!(err.contains("over.jsonl:1: invalid kind"), "{err}");
    assert!(err.contains("65536"), "the limit is named: {err}");
    assert_eq!(bytes(&db), before);

    // At the limit, in 1- to 4-byte UTF-8: imported and read back whole.
    let mut name = "aé€😀".repeat(graph::MAX_NAME_LEN / 10);
    while name.len() < graph::MAX_NAME_LEN {
        name.push('z');
    }
    let kind = "é".repeat(150);
    let long = write(
        dir.path(),
        "long.jsonl",
        &format!("{{\"id\":\"y\",\"kind\":\"{kind}\",\"name\":\"{name}\"}}\n"),
    );
    ok(&["import", s(&db), s(&long)]);
    let node: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "node", s(&db), "-x", "y"])).expect("JSON");
    assert_eq!(node["name"].as_str(), Some(name.as_str()));
    assert_eq!(node["kind"].as_str(), Some(kind.as_str()));
    let found = ok(&["--jsonl", "node", s(&db), "--name", &name]);
    assert_eq!(found.lines().count(), 1, "{found}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_db = write(dir.path(), "notes.txt", &"not a database\n".repeat(500));
    let before = bytes(&not_db);
    let input = write(dir.path(), "e.txt", "1 2\n");
    for args in [
        vec!["import", s(&not_db), s(&input)],
        vec!["stats", s(&not_db)],
        vec!["check", s(&not_db)],
    ] {
        let err = fails(&args);
        assert!(err.contains("not an mmgraph database file"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(bytes(&not_db), before);
    }
    let err = fails(&["stats", s(&dir.path().join("missing.mmg"))]);
    assert!(err.contains("missing.mmg: no such database"), "{err}");
    assert!(!dir.path().join("missing.mmg").exists());
}

#[test]
fn a_database_locked_by_another_process_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people_db(dir.path());
    let before = bytes(&db);
    // This test process holds the database open; the tool runs as another process.
    let held = Graph::open(&db).expect("open");
    let input = write(dir.path(), "e.txt", "1 2\n");
    for args in [vec!["import", s(&db), s(&input)], vec!["stats", s(&db)]] {
        let err = fails(&args);
        assert!(err.contains("open for writing"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    drop(held);
    assert_eq!(bytes(&db), before);
    // Another test thread may have forked while `held` was open: its child keeps a copy of the
    // locked descriptor until it execs (the descriptor is close-on-exec), so the lock can outlive
    // `drop` by that long. Wait for it to go before reading.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while Graph::open_read_only(&db).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(ok(&["check", s(&db)]).starts_with("clean"));
}

#[test]
fn check_fails_on_a_damaged_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.mmg");
    ok(&["demo", s(&db)]);
    let mut damaged = bytes(&db);
    // Page 100 is one of the graph's pages: garble its middle.
    for b in damaged.iter_mut().skip(100 * 4096 + 1000).take(64) {
        *b ^= 0x5a;
    }
    std::fs::write(&db, damaged).expect("write");
    let output = mmgraph().args(["check", s(&db)]).output().expect("run");
    assert!(!output.status.success());
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        out.contains("problem") || err.contains("mmgraph:"),
        "{out}{err}"
    );
}

#[test]
fn compact_keeps_ids_and_drops_free_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("big.mmg");
    {
        let graph = Graph::open(&db).expect("open");
        let mut txn = graph.begin_write().expect("write");
        let nodes: Vec<_> = (0..3_000)
            .map(|i| {
                txn.add_node("n", &format!("n{i}"), &[7u8; 300])
                    .expect("node")
            })
            .collect();
        for (i, pair) in nodes.windows(2).enumerate() {
            txn.add_edge(pair[0], pair[1], if i % 2 == 0 { "a" } else { "b" }, b"")
                .expect("edge");
        }
        txn.kv_insert("settings", b"colour", b"green").expect("kv");
        txn.commit().expect("commit");
        let mut txn = graph.begin_write().expect("write");
        for node in nodes.iter().step_by(3).take(800) {
            txn.delete_node(*node).expect("delete");
        }
        txn.delete_edge(graph::EdgeId(1)).expect("delete edge");
        txn.commit().expect("commit");
    }
    let small = dir.path().join("small.mmg");
    let out = ok(&["compact", s(&db), s(&small)]);
    assert!(out.starts_with("compacted 2200 nodes"), "{out}");
    assert_eq!(ok(&["export", s(&db)]), ok(&["export", s(&small)]));
    assert!(ok(&["check", s(&small)]).starts_with("clean"));
    let graph = Graph::open(&small).expect("open");
    let read = graph.begin_read().expect("read");
    assert_eq!(
        read.kv_get("settings", b"colour").expect("kv").as_deref(),
        Some(&b"green"[..])
    );
    assert!(read.node(graph::NodeId(0)).expect("node").is_none());
    assert_eq!(
        read.node(graph::NodeId(2_999))
            .expect("node")
            .expect("live")
            .name()
            .expect("name"),
        "n2999"
    );
    assert!(fails(&["compact", s(&db), s(&small)]).contains("already exists"));
}
