//! `mmgraph export --format parquet` and `mmgraph import` of Parquet: a graph goes out and
//! comes back with the same counts and the same external ids; a directory with files is
//! refused unless `--force`; a failed import leaves no database behind and changes none.
//! (Databases are made by `mmgraph demo`, never opened in this process: a child spawned by a
//! test running beside could otherwise inherit a lock on them.)

use std::path::Path;

mod support;
use support::cmd::{doc, fails, ok, s};

/// The demo graph (10,000 nodes of 22 kinds, 50,000 edges) at `db`.
fn demo(db: &Path) {
    ok(&["demo", s(db)]);
}

/// `mmgraph node` of a node, without the lines that name its ids.
fn described(args: &[&str]) -> String {
    ok(args)
        .lines()
        .filter(|l| !l.trim_start().starts_with("id:") && !l.contains("external_id:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_graph_exported_as_parquet_imports_back_with_its_counts_and_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, out) = (dir.path().join("a.mmg"), dir.path().join("out"));
    let copy = dir.path().join("b.mmg");
    demo(&db);
    let exported = doc(&[
        "--json",
        "export",
        s(&db),
        s(&out),
        "--format",
        "parquet",
        "--partition",
    ]);
    assert_eq!(exported["vertices"], 10_000);
    assert_eq!(exported["edges"], 50_000);
    assert!(out.join("vertices/kind=struct/part-0.parquet").is_file());
    let imported = doc(&["--json", "import", s(&copy), "--format", "parquet", s(&out)]);
    assert_eq!(imported["nodes_added"], 10_000);
    assert_eq!(imported["edges_added"], 50_000);
    assert_eq!(ok(&["kinds", s(&copy)]), ok(&["kinds", s(&db)]));
    assert_eq!(ok(&["types", s(&copy)]), ok(&["types", s(&db)]));
    // The vertex ids are external ids: node 7 of the original is `-x 7` of the copy.
    assert_eq!(
        described(&["node", s(&copy), "-x", "7"]),
        described(&["node", s(&db), "7"])
    );
}

#[test]
fn an_export_into_a_directory_with_files_needs_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, out) = (dir.path().join("a.mmg"), dir.path().join("out"));
    demo(&db);
    ok(&["export", s(&db), s(&out), "--format", "parquet"]);
    let refused = fails(&["export", s(&db), s(&out), "--format", "parquet"]);
    assert!(refused.contains("exists and is not empty"), "{refused}");
    ok(&["export", s(&db), s(&out), "--format", "parquet", "--force"]);
}

#[test]
fn a_failed_parquet_import_leaves_no_database_and_changes_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, out) = (dir.path().join("a.mmg"), dir.path().join("out"));
    let copy = dir.path().join("b.mmg");
    demo(&db);
    ok(&["export", s(&db), s(&out), "--format", "parquet"]);
    // Edges without their vertices name unknown ids.
    std::fs::remove_file(out.join("vertices.parquet")).expect("remove");
    let refused = fails(&["import", s(&copy), s(&out)]);
    assert!(refused.contains("is no vertex id"), "{refused}");
    assert!(!copy.exists());
    // Into an existing database (whose nodes have no external ids), nothing is added either.
    let before = doc(&["--json", "stats", s(&db)]);
    fails(&["import", s(&db), s(&out.join("edges.parquet"))]);
    let after = doc(&["--json", "stats", s(&db)]);
    assert_eq!(
        (&after["nodes"], &after["edges"]),
        (&before["nodes"], &before["edges"])
    );
}
