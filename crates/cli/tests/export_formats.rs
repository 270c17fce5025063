//! End-to-end tests of the exchange formats: `export --format graphml|dot|sqlitegraph`, a
//! traversal's `--export FORMAT --out FILE`, and `import --format sqlitegraph`.

use std::path::{Path, PathBuf};

mod support;
use support::cmd::{doc, fails, ok, s};

/// `a -knows-> b -knows-> c`, `c -likes-> a`, and `d` alone; `b` has an awkward name.
const SMALL: &str = r#"{"id":"1","kind":"p","name":"Ann","data":{"age":31}}
{"id":"2","kind":"p","name":"<B&b>\n\"x\""}
{"id":"3","kind":"p","name":"Cat"}
{"id":"4","kind":"q","name":"Dan"}
{"from":"1","to":"2","type":"knows"}
{"from":"2","to":"3","type":"knows"}
{"from":"3","to":"1","type":"likes"}
"#;

fn small_db(dir: &Path) -> PathBuf {
    let input = dir.join("small.jsonl");
    std::fs::write(&input, SMALL).expect("write input");
    let db = dir.join("small.mmg");
    ok(&["import", s(&db), s(&input)]);
    db
}

#[test]
fn export_writes_graphml_and_dot_to_the_file_given() {
    let dir = tempfile::tempdir().expect("dir");
    let db = small_db(dir.path());
    let graphml = dir.path().join("g.graphml");
    ok(&["export", s(&db), s(&graphml), "--format", "graphml"]);
    let text = std::fs::read_to_string(&graphml).expect("graphml");
    assert_eq!(text.matches("<node ").count(), 4);
    assert_eq!(text.matches("<edge ").count(), 3);
    assert!(text.contains("&lt;B&amp;b&gt;&#10;&quot;x&quot;"), "{text}");
    assert!(text.contains(r#"attr.name="age" attr.type="long""#));
    let dot = ok(&["export", s(&db), "--format", "dot"]);
    assert!(dot.starts_with("digraph mmgraph {"), "{dot}");
    assert!(dot.contains(r#"label="<B&b>\n\"x\"""#), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 3);
}

#[test]
fn a_traversal_exports_what_it_reached_and_the_edges_among_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = small_db(dir.path());
    let out = dir.path().join("bfs.dot");
    ok(&[
        "bfs",
        s(&db),
        "-x",
        "1",
        "--depth",
        "1",
        "--export",
        "dot",
        "--out",
        s(&out),
    ]);
    let dot = std::fs::read_to_string(&out).expect("dot");
    assert_eq!(dot.matches("[label=").count(), 3, "{dot}"); // Ann, B, and the one edge
    assert_eq!(dot.matches(" -> ").count(), 1);
    let out = dir.path().join("khop.graphml");
    ok(&[
        "khop",
        s(&db),
        "-x",
        "1",
        "-k",
        "2",
        "--export",
        "graphml",
        "--out",
        s(&out),
    ]);
    let graphml = std::fs::read_to_string(&out).expect("graphml");
    assert_eq!(graphml.matches("<node ").count(), 3);
    assert_eq!(graphml.matches("<edge ").count(), 3);
    let out = dir.path().join("path.dot");
    ok(&[
        "path",
        s(&db),
        "-x",
        "1",
        "3",
        "--export",
        "dot",
        "--out",
        s(&out),
    ]);
    assert_eq!(
        std::fs::read_to_string(&out)
            .expect("dot")
            .matches(" -> ")
            .count(),
        3
    );
    let missing = fails(&["bfs", s(&db), "-x", "1", "--export", "dot"]);
    assert!(missing.contains("--out"), "{missing}");
}

#[test]
fn sqlitegraph_export_and_import_carry_the_graph_and_its_ids() {
    let dir = tempfile::tempdir().expect("dir");
    let db = small_db(dir.path());
    let old = dir.path().join("old.db");
    ok(&["export", s(&db), s(&old), "--format", "sqlitegraph"]);
    let refused = fails(&["export", s(&db), s(&old), "--format", "sqlitegraph"]);
    assert!(refused.contains("already exists"), "{refused}");
    ok(&[
        "export",
        s(&db),
        s(&old),
        "--format",
        "sqlitegraph",
        "--force",
    ]);
    let back = dir.path().join("back.mmg");
    let report = doc(&[
        "--json",
        "import",
        s(&back),
        "--format",
        "sqlitegraph",
        s(&old),
    ]);
    assert_eq!(
        (report["nodes"].as_u64(), report["edges"].as_u64()),
        (Some(4), Some(3))
    );
    let node = doc(&["--json", "node", s(&back), "-x", "1"]);
    assert_eq!(node["name"], "Ann", "{node}");
    let path = ok(&["path", s(&back), "-x", "1", "3"]);
    assert!(path.contains("2 hop(s)"), "{path}");
}

#[test]
fn a_failed_sqlitegraph_import_leaves_no_new_database() {
    let dir = tempfile::tempdir().expect("dir");
    let not_sqlite = dir.path().join("junk.db");
    std::fs::write(&not_sqlite, b"not a database at all, just text").expect("junk");
    let db = dir.path().join("new.mmg");
    fails(&["import", s(&db), "--format", "sqlitegraph", s(&not_sqlite)]);
    assert!(!db.exists());
}
