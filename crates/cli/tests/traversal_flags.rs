//! End-to-end tests of the traversal commands' flags: `--type` (repeatable; an unknown type is
//! an error naming it), `--both`, `path`'s hops with their edge types and `--weight FIELD`
//! (Dijkstra over a numeric field of the edges' JSON data), and `khop`.

use std::path::{Path, PathBuf};

mod support;
use support::cmd::{fails, ok, s};

/// `a -knows-> b -knows-> c -knows-> d`, `a -likes-> c` (dear: w 10), `e -likes-> a`, knows
/// edges of weight 1.
const TYPED: &str = r#"{"id":"a","kind":"p","name":"Ann"}
{"id":"b","kind":"p","name":"Bob"}
{"id":"c","kind":"p","name":"Cat"}
{"id":"d","kind":"p","name":"Dan"}
{"id":"e","kind":"p","name":"Eve"}
{"from":"a","to":"b","type":"knows","data":{"w":1}}
{"from":"b","to":"c","type":"knows","data":{"w":1}}
{"from":"c","to":"d","type":"knows","data":{"w":1}}
{"from":"a","to":"c","type":"likes","data":{"w":10}}
{"from":"e","to":"a","type":"likes","data":{"w":1}}
"#;

/// A database holding [`TYPED`], in `dir`.
fn typed_db(dir: &Path) -> PathBuf {
    let input = dir.join("typed.jsonl");
    std::fs::write(&input, TYPED).expect("write input");
    let db = dir.join("typed.mmg");
    ok(&["import", s(&db), s(&input)]);
    db
}

/// The names in `text`, in order, among the five nodes'.
fn names(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| ["Ann", "Bob", "Cat", "Dan", "Eve"].contains(w))
        .collect()
}

#[test]
fn bfs_follows_only_the_types_given_and_both_directions_when_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let db = typed_db(dir.path());
    let knows = ok(&["bfs", s(&db), "-x", "a", "--type", "knows", "--limit", "0"]);
    assert_eq!(names(&knows)[..4], ["Ann", "Bob", "Cat", "Dan"]);
    assert!(knows.contains("4 node(s) reached"), "{knows}");
    let likes = ok(&["bfs", s(&db), "-x", "a", "--type", "likes"]);
    assert!(likes.contains("2 node(s) reached"), "{likes}");
    let both = ok(&["bfs", s(&db), "-x", "a", "--type", "likes", "--both"]);
    assert!(
        both.contains("3 node(s) reached") && both.contains("Eve"),
        "{both}"
    );
    let two = ok(&[
        "bfs",
        s(&db),
        "-x",
        "e",
        "--type",
        "likes",
        "--type",
        "knows",
    ]);
    assert!(two.contains("5 node(s) reached"), "{two}");
}

#[test]
fn an_unknown_type_is_an_error_that_names_it_and_the_known_types() {
    let dir = tempfile::tempdir().expect("dir");
    let db = typed_db(dir.path());
    for command in ["bfs", "khop"] {
        let err = fails(&[command, s(&db), "-x", "a", "--type", "knwos"]);
        assert!(
            err.contains("\"knwos\"") && err.contains("knows") && err.contains("likes"),
            "{err}"
        );
    }
    let err = fails(&["path", s(&db), "-x", "a", "d", "--type", "knwos"]);
    assert!(err.contains("\"knwos\""), "{err}");
}

#[test]
fn path_shows_each_hop_with_its_edge_type_and_direction() {
    let dir = tempfile::tempdir().expect("dir");
    let db = typed_db(dir.path());
    let fewest = ok(&["path", s(&db), "-x", "a", "d"]);
    assert!(
        fewest.contains("-[likes]-> ") && fewest.contains("-[knows]-> "),
        "{fewest}"
    );
    assert!(fewest.contains("2 hop(s)"), "{fewest}");
    let knows = ok(&["path", s(&db), "-x", "a", "d", "--type", "knows"]);
    assert_eq!(names(&knows), ["Ann", "Bob", "Cat", "Dan"]);
    let none = fails(&["path", s(&db), "-x", "b", "e"]);
    assert!(none.contains("no path"), "{none}");
    let back = ok(&["path", s(&db), "-x", "b", "e", "--both"]);
    assert!(
        back.contains("<-[knows]- ") && back.contains("<-[likes]- "),
        "{back}"
    );
    let json = ok(&["--json", "path", s(&db), "-x", "b", "e", "--both"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["hops"], 2);
    let hops = doc["edges"].as_array().expect("edges");
    assert_eq!(hops.len(), 2);
    assert_eq!(hops[0]["type"], "knows");
    assert_eq!(hops[0]["forward"], false);
    assert_eq!(hops[1]["type"], "likes");
}

#[test]
fn path_with_a_weight_field_takes_the_cheapest_path() {
    let dir = tempfile::tempdir().expect("dir");
    let db = typed_db(dir.path());
    let cheap = ok(&["path", s(&db), "-x", "a", "c", "--weight", "w"]);
    assert_eq!(names(&cheap), ["Ann", "Bob", "Cat"]);
    assert!(cheap.contains("2 hop(s), cost 2"), "{cheap}");
    let json = ok(&["--json", "path", s(&db), "-x", "a", "c", "--weight", "w"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["cost"], 2.0);
    let missing = fails(&["path", s(&db), "-x", "a", "c", "--weight", "km"]);
    assert!(
        missing.contains("--weight km") && missing.contains("invalid weight of edge"),
        "{missing}"
    );
}

#[test]
fn khop_counts_the_nodes_within_k_hops_along_the_types_given() {
    let dir = tempfile::tempdir().expect("dir");
    let db = typed_db(dir.path());
    let one = ok(&["khop", s(&db), "-x", "a", "-k", "1"]);
    assert!(one.contains("2 node(s) within 1 hop(s)"), "{one}");
    let knows = ok(&["khop", s(&db), "-x", "a", "-k", "3", "--type", "knows"]);
    assert_eq!(names(&knows)[..3], ["Bob", "Cat", "Dan"]);
    let both = ok(&[
        "khop",
        s(&db),
        "-x",
        "a",
        "-k",
        "1",
        "--both",
        "--type",
        "likes",
    ]);
    assert!(
        both.contains("2 node(s) within") && both.contains("Eve"),
        "{both}"
    );
    let json = ok(&["--json", "khop", s(&db), "-x", "c", "-k", "2", "--both"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["reached"], 4);
}
