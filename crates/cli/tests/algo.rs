//! End-to-end tests of `mmgraph algo`: every algorithm runs from the command line, results come
//! out for people, as JSON and as JSON lines, `--write` stores them, and bad arguments are
//! refused with a message naming what is wrong.

use std::path::{Path, PathBuf};

use graph::{Graph, GraphRead, NodeId};
use serde_json::Value;

mod support;
use support::cmd::{doc, ok, run};

/// Two triangles joined by one edge (a DAG: every edge goes from a smaller id to a larger), and
/// an isolated pair; edge data is a weight.
fn database(dir: &Path) -> PathBuf {
    let input = dir.join("g.jsonl");
    let mut lines = String::new();
    for i in 1..=8 {
        lines.push_str(&format!(
            "{{\"id\":{i},\"kind\":\"n\",\"name\":\"v{i}\"}}\n"
        ));
    }
    for (a, b, w) in [
        (1, 2, 1),
        (2, 3, 1),
        (1, 3, 5),
        (3, 4, 2),
        (4, 5, 1),
        (5, 6, 1),
        (4, 6, 1),
        (7, 8, 1),
    ] {
        lines.push_str(&format!(
            "{{\"from\":{a},\"to\":{b},\"type\":\"link\",\"data\":{w}}}\n"
        ));
    }
    std::fs::write(&input, lines).expect("input");
    let db = dir.join("g.mmg");
    ok(&[
        "import",
        db.to_str().expect("path"),
        input.to_str().expect("path"),
    ]);
    db
}

#[test]
fn every_algorithm_runs_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = database(dir.path());
    let db = db.to_str().expect("path");
    let with_source = ["bfs", "ppr", "sssp", "reach", "dominators"];
    let names = [
        "bfs",
        "pagerank",
        "ppr",
        "wcc",
        "scc",
        "cdlp",
        "louvain",
        "lcc",
        "triangles",
        "kcore",
        "degree",
        "closeness",
        "betweenness",
        "sssp",
        "msf",
        "topo",
        "reach",
        "reduce",
        "dominators",
    ];
    for name in names {
        let mut args = vec!["algo", name, db, "--json"];
        if with_source.contains(&name) {
            args.extend(["--source", "1", "-x"]);
        }
        let doc = doc(&args);
        assert_eq!(doc["algorithm"], name, "{doc}");
        assert!(doc["size"].as_u64().is_some(), "{name}: {doc}");
    }
    // A few answers.
    assert_eq!(doc(&["algo", "wcc", db, "--json"])["size"], 2);
    assert_eq!(doc(&["algo", "triangles", db, "--json"])["triangles"], 2);
    assert_eq!(doc(&["algo", "kcore", db, "--json"])["max_core"], 2);
    assert_eq!(
        doc(&["algo", "bfs", db, "--source", "1", "-x", "--json"])["reached"],
        6
    );
    let msf = doc(&["algo", "msf", db, "--weight", "--json"]);
    assert_eq!(msf["edges"], 6);
    assert_eq!(msf["weight"], 7.0);
    let sssp = doc(&[
        "algo", "sssp", db, "--source", "1", "-x", "--weight", "--json", "--top", "1",
    ]);
    assert_eq!(sssp["top"][0]["value"], 5.0, "{sssp}");
    // The reduction drops 1->3 (1->2->3) and 4->6 (4->5->6).
    assert_eq!(doc(&["algo", "reduce", db, "--json"])["size"], 6);
    let text = ok(&["algo", "pagerank", db, "--top", "3"]);
    assert!(text.starts_with("pagerank: 8 nodes"), "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
}

#[test]
fn json_lines_give_every_node_and_write_stores_the_result() {
    let dir = tempfile::tempdir().expect("dir");
    let db = database(dir.path());
    let path = db.to_str().expect("path");
    let lines = ok(&["algo", "wcc", path, "--jsonl"]);
    let rows: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(rows.len(), 8);
    ok(&["algo", "kcore", path, "--write", "core", "-q"]);
    let graph = Graph::open(&db).expect("open");
    let read = graph.begin_read().expect("read");
    assert_eq!(read.kv_len("core").expect("len"), 8);
    let value = read
        .kv_get("core", &algo::node_key(NodeId(0)))
        .expect("get")
        .expect("a core number");
    assert_eq!(value.as_ref(), 2u64.to_le_bytes());
}

#[test]
fn bad_arguments_are_refused_with_what_is_wrong() {
    let dir = tempfile::tempdir().expect("dir");
    let db = database(dir.path());
    let db = db.to_str().expect("path");
    for (args, expected) in [
        (
            vec!["algo", "wcc", db, "--type", "likes"],
            "unknown edge type \"likes\"",
        ),
        (
            vec!["algo", "wcc", db, "--kind", "robot"],
            "unknown kind \"robot\"",
        ),
        (vec!["algo", "pagerank", db, "--damping", "1.5"], "damping"),
        (vec!["algo", "bfs", db], "needs --source"),
        (vec!["algo", "topo", db, "--both"], "cycle"),
        (
            vec!["algo", "topo", db, "--write", "order"],
            "nothing to --write",
        ),
    ] {
        let output = run(&args);
        assert!(!output.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let output = run(&["algo", "pagerank", db, "--iterations", "0"]);
    assert!(!output.status.success());
}

#[test]
fn help_lists_every_algorithm_one_line_each() {
    let help = ok(&["help", "algo"]);
    for name in ["pagerank", "louvain", "dominators", "betweenness", "msf"] {
        assert_eq!(
            help.lines()
                .filter(|l| l.trim_start().starts_with(&format!("- {name}:")))
                .count(),
            1,
            "{name}: {help}"
        );
    }
}
