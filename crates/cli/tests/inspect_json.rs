//! The inspection commands as a script sees them: `kinds` and `types` with counts, `--name`
//! as a prefix and ignoring case, unknown kinds and types refused with near names, and one
//! JSON shape per command (`--json` one document with data embedded as JSON and names where the
//! text shows them; `--jsonl` one record per line).

use std::path::{Path, PathBuf};

use serde_json::json;

mod support;
use support::cmd::{doc, fails, lines, ok};

const PEOPLE: &str = r#"{"id":"ann","kind":"person","name":"Ann Lee","data":{"age":31}}
{"id":"bob","kind":"person","name":"ann-marie"}
{"id":"carl","kind":"person","name":"Carl"}
{"id":7,"kind":"city","name":"Annecy"}
{"from":"ann","to":"bob","type":"knows"}
{"from":"bob","to":"carl","type":"knows"}
{"from":"ann","to":7,"type":"lives_in"}
"#;

fn people(dir: &Path) -> PathBuf {
    let input = dir.join("people.jsonl");
    std::fs::write(&input, PEOPLE).expect("write");
    let db = dir.join("people.mmg");
    ok(&[
        "import",
        db.to_str().expect("path"),
        input.to_str().expect("path"),
    ]);
    db
}

#[test]
fn kinds_and_types_list_their_counts_most_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people(dir.path());
    let db = db.to_str().expect("path");
    let out = ok(&["kinds", db]);
    assert_eq!(
        out, "           3 person\n           1 city\n2 kinds, 4 node(s)\n",
        "{out}"
    );
    assert_eq!(
        doc(&["--json", "types", db]),
        json!({"count": 2, "total": 3, "types": [
            {"type": "knows", "count": 2}, {"type": "lives_in", "count": 1}]})
    );
    assert_eq!(
        lines(&["--jsonl", "kinds", db]),
        [
            json!({"kind": "person", "count": 3}),
            json!({"kind": "city", "count": 1})
        ]
    );
}

#[test]
fn names_match_exactly_by_prefix_and_ignoring_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people(dir.path());
    let db = db.to_str().expect("path");
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--jsonl", "node", db];
        all.extend_from_slice(args);
        let mut names: Vec<String> = lines(&all)
            .iter()
            .map(|n| n["name"].as_str().expect("a name").to_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&["--name", "Ann Lee"]), ["Ann Lee"]);
    assert!(names(&["--name", "ann lee"]).is_empty());
    assert_eq!(names(&["--name", "ann lee", "-i"]), ["Ann Lee"]);
    assert_eq!(names(&["--name", "Ann", "--prefix"]), ["Ann Lee", "Annecy"]);
    assert_eq!(
        names(&["--name", "ANN", "--prefix", "--ignore-case"]),
        ["Ann Lee", "Annecy", "ann-marie"]
    );
    let err = fails(&["node", db, "--prefix"]);
    assert!(err.contains("--name"), "{err}");
}

#[test]
fn an_unknown_kind_or_type_is_an_error_naming_near_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people(dir.path());
    let db = db.to_str().expect("path");
    let err = fails(&["node", db, "--kind", "persn"]);
    assert!(
        err.contains("no kind \"persn\"; did you mean \"person\"?"),
        "{err}"
    );
    let err = fails(&["neighbors", db, "-x", "ann", "--type", "Knows"]);
    assert!(
        err.contains("no edge type \"Knows\"; did you mean \"knows\"?"),
        "{err}"
    );
    assert!(err.contains("mmgraph types DB"), "{err}");
}

#[test]
fn json_output_has_one_shape_per_command_with_names_and_data_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = people(dir.path());
    let db = db.to_str().expect("path");
    let ann = doc(&["--json", "node", db, "-x", "ann"]);
    assert_eq!(ann["data"], json!({"age": 31}));
    assert_eq!(doc(&["--jsonl", "node", db, "-x", "ann"]), ann);

    let listing = doc(&["--json", "node", db, "--kind", "person"]);
    assert_eq!(listing["count"], 3);
    assert_eq!(
        listing["nodes"][0], ann,
        "a listed node has the same shape as one shown"
    );

    let neighbours = doc(&["--json", "neighbors", db, "-x", "ann"]);
    assert_eq!(
        neighbours["of"],
        json!({"id": 0, "external_id": "ann", "name": "Ann Lee"})
    );
    assert_eq!(
        (neighbours["count"].clone(), neighbours["direction"].clone()),
        (json!(2), json!("out"))
    );
    assert_eq!(
        neighbours["neighbors"][0],
        json!({"id": 1, "external_id": "bob", "name": "ann-marie", "edge": 0, "type": "knows"})
    );
    let streamed = lines(&["--jsonl", "neighbors", db, "-x", "ann"]);
    assert_eq!(streamed.first(), neighbours["neighbors"].get(0));
    assert_eq!(streamed.len(), 2);

    let bfs = doc(&["--json", "bfs", db, "-x", "ann"]);
    assert_eq!(bfs["reached"], 4);
    assert_eq!(bfs["from"]["name"], "Ann Lee");
    assert_eq!(bfs["nodes"][0]["depth"], 0);
    assert_eq!(lines(&["--jsonl", "bfs", db, "-x", "ann"]).len(), 4);

    let path = doc(&["--json", "path", db, "-x", "ann", "carl"]);
    assert_eq!(path["hops"], 2);
    let names: Vec<&str> = path["path"]
        .as_array()
        .expect("a path")
        .iter()
        .map(|n| n["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Ann Lee", "ann-marie", "Carl"]);
}
