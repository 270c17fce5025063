//! An import stopped by SIGINT, SIGTERM or SIGKILL, at any point, leaves the database clean and
//! holding whole commits; running the same command again finishes it, and the result is the
//! input exactly, with no node or edge twice. Real signals, sent to real child processes.
//!
//! Into a graph without edges the edge pass commits its first 8M edges at once, and into a graph
//! without nodes the node pass its first 4M nodes: so that they can be stopped between their
//! commits too, most imports here go into a graph that holds one edge; one goes into a new
//! file, where a stop inside the node pass's one transaction leaves no node behind.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::imported::{self, Imported};

// Enough lines that a run lasts well past the first signal's 150 ms: at 10,000 of each a
// whole import took less than that here, and a run that finishes unstopped proves nothing.
const NODES: u64 = 50_000;
const EDGES: u64 = 50_000;
/// Small batches: many commits, so a signal lands between and inside them.
const BATCH: &str = "100";

fn mmgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mmgraph"))
}

/// A JSON-lines input of nodes then edges, and the graph it describes.
fn input(dir: &Path) -> (PathBuf, Imported) {
    let mut text = String::new();
    let mut expected = Imported {
        nodes: BTreeMap::new(),
        edges: BTreeMap::new(),
    };
    for i in 0..NODES {
        let kind = format!("k{}", i % 7);
        text.push_str(&format!(
            "{{\"id\":{i},\"kind\":\"{kind}\",\"name\":\"n{i}\"}}\n"
        ));
        expected
            .nodes
            .insert(i.to_string(), (kind, format!("n{i}")));
    }
    for i in 0..EDGES {
        let (from, to, edge_type) = (i * 7 % NODES, i * 13 % NODES, format!("t{}", i % 3));
        text.push_str(&format!(
            "{{\"from\":{from},\"to\":{to},\"type\":\"{edge_type}\"}}\n"
        ));
        *expected
            .edges
            .entry((from.to_string(), to.to_string(), edge_type))
            .or_default() += 1;
    }
    let path = dir.join("graph.jsonl");
    std::fs::write(&path, text).expect("write input");
    (path, expected)
}

/// Imports two nodes and an edge between them into `db`, and adds them to `expected`.
fn seed(db: &Path, dir: &Path, expected: &mut Imported) {
    let path = dir.join("seed.jsonl");
    let text = concat!(
        "{\"id\":\"s0\",\"kind\":\"seed\",\"name\":\"s0\"}\n",
        "{\"id\":\"s1\",\"kind\":\"seed\",\"name\":\"s1\"}\n",
        "{\"from\":\"s0\",\"to\":\"s1\",\"type\":\"seed\"}\n",
    );
    std::fs::write(&path, text).expect("write seed");
    let output = mmgraph()
        .args(["import", "-q"])
        .arg(db)
        .arg(&path)
        .output()
        .expect("seed import");
    assert!(output.status.success(), "{output:?}");
    for id in ["s0", "s1"] {
        expected.nodes.insert(id.into(), ("seed".into(), id.into()));
    }
    expected
        .edges
        .insert(("s0".into(), "s1".into(), "seed".into()), 1);
}

fn start(db: &Path, input: &Path) -> Child {
    mmgraph()
        .args(["import", "--batch", BATCH])
        .arg(db)
        .arg(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn import")
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name}");
}

/// Runs the import again and again, sending `name` to each run after a growing delay, until
/// one run finishes; checks what each stopped run said and left. The graph holds one edge
/// before the first run when `seeded`, and does not exist otherwise. Returns how many runs were
/// stopped.
fn import_interrupting_with(name: &str, seeded: bool) -> u32 {
    let dir = tempfile::tempdir().expect("tempdir");
    let (input, mut expected) = input(dir.path());
    let db = dir.path().join("graph.mmg");
    if seeded {
        seed(&db, dir.path(), &mut expected);
    }
    for round in 1..=60u64 {
        let stopped = u32::try_from(round - 1).expect("few rounds");
        let child = start(&db, &input);
        std::thread::sleep(Duration::from_millis(150 * round));
        signal(&child, name);
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.success() {
            assert_eq!(
                imported::read(&db),
                expected,
                "after {stopped} stopped run(s)"
            );
            eprintln!("{name}: finished after {stopped} stopped run(s)");
            return stopped;
        }
        if name == "KILL" {
            assert_eq!(output.status.code(), None, "{stderr}");
        } else {
            assert_eq!(output.status.code(), Some(130), "{stderr}");
            assert!(stderr.starts_with("mmgraph: interrupted; "), "{stderr}");
            assert!(
                stderr.contains("before anything was written")
                    || stderr.contains("run the same command again"),
                "{stderr}"
            );
        }
        if db.exists() {
            let check = mmgraph().arg("check").arg(&db).output().expect("check");
            assert!(
                check.status.success(),
                "{}",
                String::from_utf8_lossy(&check.stdout)
            );
            // Whole commits only: every node that is there has its id, once; into a new file
            // the nodes are one commit, all there or none.
            let left = imported::read(&db);
            assert!(
                seeded || left.nodes.is_empty() || left.nodes.len() == expected.nodes.len(),
                "{} of {} nodes after a stopped run",
                left.nodes.len(),
                expected.nodes.len()
            );
        }
    }
    panic!("the import never finished");
}

#[test]
fn an_import_stopped_by_sigint_finishes_when_run_again_without_duplicates() {
    assert!(import_interrupting_with("INT", true) > 0);
}

#[test]
fn an_import_stopped_by_sigterm_finishes_when_run_again_without_duplicates() {
    assert!(import_interrupting_with("TERM", true) > 0);
}

#[test]
fn an_import_killed_finishes_when_run_again_without_duplicates() {
    assert!(import_interrupting_with("KILL", true) > 0);
}

#[test]
fn an_import_into_a_new_file_killed_finishes_when_run_again_without_duplicates() {
    assert!(import_interrupting_with("KILL", false) > 0);
}
