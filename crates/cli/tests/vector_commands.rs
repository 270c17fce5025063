//! End-to-end tests of `mmgraph vector`: create, set (one and from JSON lines), search (HNSW,
//! exact, by kind), list, drop, in text and JSON, and bad input refused with nothing written.

mod support;
use support::cmd::{fails, ok};

#[test]
fn vector_commands_create_set_search_list_and_drop() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("g.mmg");
    let nodes = dir.path().join("nodes.jsonl");
    std::fs::write(
        &nodes,
        "{\"id\": \"a\", \"kind\": \"doc\", \"name\": \"alpha\"}\n\
         {\"id\": \"b\", \"kind\": \"doc\", \"name\": \"beta\"}\n\
         {\"id\": \"c\", \"kind\": \"img\", \"name\": \"gamma\"}\n",
    )
    .expect("write nodes");
    let db_s = db.to_str().expect("path");
    ok(&[
        "import",
        db_s,
        "--format",
        "jsonl",
        nodes.to_str().expect("path"),
    ]);
    ok(&[
        "vector", "create", db_s, "emb", "--dim", "2", "--metric", "l2",
    ]);
    let vectors = dir.path().join("vectors.jsonl");
    std::fs::write(
        &vectors,
        "{\"id\": \"a\", \"vector\": [0, 0]}\n{\"id\": \"b\", \"vector\": [1, 1]}\n",
    )
    .expect("write vectors");
    let out = ok(&[
        "--json",
        "vector",
        "set",
        db_s,
        "emb",
        "-x",
        "--from",
        vectors.to_str().expect("path"),
    ]);
    assert_eq!(out.trim(), "{\"set\":2}");
    ok(&["vector", "set", db_s, "emb", "c", "-x", "--vector", "5,-5"]);

    let out = ok(&[
        "--jsonl", "vector", "search", db_s, "emb", "--vector", "0.9,0.9", "-k", "2",
    ]);
    let first: serde_json::Value =
        serde_json::from_str(out.lines().next().expect("a hit")).expect("JSON");
    assert_eq!(first["id"], 1);
    assert!(first["distance"].is_number(), "{first}");
    let exact = ok(&[
        "--jsonl", "vector", "search", db_s, "emb", "--vector", "0.9,0.9", "-k", "2", "--exact",
    ]);
    assert_eq!(exact, out);
    let img = ok(&[
        "--jsonl", "vector", "search", db_s, "emb", "--vector", "0,0", "--kind", "img",
    ]);
    assert_eq!(img.lines().count(), 1);
    assert!(img.contains("\"id\":2"), "{img}");

    let list = ok(&["--json", "vector", "list", db_s]);
    let list: serde_json::Value = serde_json::from_str(list.trim()).expect("JSON");
    assert_eq!(list["count"], 1);
    let info = &list["indexes"][0];
    assert_eq!(info["name"], "emb");
    assert_eq!(info["vectors"], 3);
    assert_eq!(info["metric"], "l2");

    let err = fails(&["vector", "set", db_s, "emb", "c", "-x", "--vector", "1,2,3"]);
    assert!(err.contains("3 components and the index takes 2"), "{err}");
    let err = fails(&["vector", "search", db_s, "nope", "--vector", "1,2"]);
    assert!(err.contains("no vector index named \"nope\""), "{err}");

    // A .npy file of 3 x 2 f32 rows (rows 0, 1, 2 are nodes 0, 1, 2).
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    let mut header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }".to_owned();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
    npy.extend_from_slice(header.as_bytes());
    for x in [9.0f32, 9.0, 8.0, 8.0, 0.5, 0.5] {
        npy.extend_from_slice(&x.to_le_bytes());
    }
    let npy_path = dir.path().join("v.npy");
    std::fs::write(&npy_path, &npy).expect("write npy");
    ok(&[
        "vector",
        "set",
        db_s,
        "emb",
        "--npy",
        npy_path.to_str().expect("path"),
    ]);
    let near = ok(&[
        "--jsonl", "vector", "search", db_s, "emb", "--vector", "0,0", "-k", "1", "--exact",
    ]);
    assert!(near.contains("\"id\":2"), "{near}");
    std::fs::write(&npy_path, &npy[..npy.len() - 4]).expect("write npy");
    let err = fails(&[
        "vector",
        "set",
        db_s,
        "emb",
        "--npy",
        npy_path.to_str().expect("path"),
    ]);
    assert!(err.contains("does not match the shape"), "{err}");

    // compact keeps the index and its vectors.
    let copy = dir.path().join("copy.mmg");
    let copy_s = copy.to_str().expect("path");
    ok(&["compact", db_s, copy_s]);
    assert_eq!(
        ok(&["--json", "vector", "list", copy_s]),
        ok(&["--json", "vector", "list", db_s])
    );
    let query = [
        "--jsonl", "vector", "search", "", "emb", "--vector", "7,7", "-k", "3",
    ];
    let in_db = ok(&query.map(|a| if a.is_empty() { db_s } else { a }));
    let in_copy = ok(&query.map(|a| if a.is_empty() { copy_s } else { a }));
    assert_eq!(in_db, in_copy);
    ok(&["check", copy_s]);

    ok(&["vector", "drop", db_s, "emb"]);
    assert_eq!(ok(&["vector", "list", db_s]), "0 vector index(es)\n");
    ok(&["check", db_s]);
}

#[test]
fn vector_commands_on_a_missing_database_make_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("typo.mmg");
    let db_s = db.to_str().expect("path");
    for args in [
        vec!["vector", "create", db_s, "emb", "--dim", "2"],
        vec!["vector", "set", db_s, "emb", "0", "--vector", "1,2"],
        vec!["vector", "drop", db_s, "emb"],
        vec!["vector", "list", db_s],
    ] {
        let err = fails(&args);
        assert!(err.contains("no such database"), "{args:?}: {err}");
        assert!(!db.exists(), "{args:?} made {db_s}");
    }
}
