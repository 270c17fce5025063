//! A reader that stops early (`mmgraph node ... | head`) ends a command quietly: exit status 0
//! (or 141, the shell's for SIGPIPE), nothing on standard error, never a panic.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// Nodes in the star the tests read: enough output to fill a pipe many times over.
const LEAVES: u64 = 30_000;

fn mmgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mmgraph"))
}

/// A star: node `0` with an edge to each of `1..=LEAVES`.
fn star(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("star.edges");
    let text: String = (1..=LEAVES).map(|i| format!("0 {i}\n")).collect();
    std::fs::write(&input, text).expect("write input");
    let db = dir.join("star.mmg");
    let status = mmgraph()
        .arg("import")
        .arg(&db)
        .arg(&input)
        .stdout(Stdio::null())
        .status()
        .expect("run import");
    assert!(status.success());
    db
}

/// Runs `args` with standard output a pipe that is closed after `keep` bytes were read (none:
/// at once), and checks the command ended quietly.
fn reader_stops_after(db: &Path, args: &[&str], keep: usize) {
    let mut child = mmgraph()
        .args(args.iter().map(|a| {
            if *a == "DB" {
                db.as_os_str()
            } else {
                a.as_ref()
            }
        }))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mmgraph");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut kept = vec![0; keep];
    stdout.read_exact(&mut kept).expect("the first bytes");
    drop(stdout);
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let quiet = output.status.success() || output.status.code() == Some(141);
    assert!(quiet, "mmgraph {args:?}: {:?}: {stderr}", output.status);
    assert!(stderr.is_empty(), "mmgraph {args:?}: {stderr}");
}

#[test]
fn every_command_ends_quietly_when_its_reader_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = star(dir.path());
    let long: &[&[&str]] = &[
        &["node", "DB", "--kind", "node", "--limit", "0"],
        &["--jsonl", "node", "DB", "--kind", "node", "--limit", "0"],
        &["neighbors", "DB", "0", "--limit", "0"],
        &["--jsonl", "neighbors", "DB", "0", "--limit", "0"],
        &["bfs", "DB", "0", "--limit", "0"],
        &["--jsonl", "bfs", "DB", "0", "--limit", "0"],
        &["export", "DB"],
    ];
    for args in long {
        reader_stops_after(&db, args, 100);
    }
    let short: &[&[&str]] = &[
        &["stats", "DB"],
        &["kinds", "DB"],
        &["--jsonl", "types", "DB"],
        &["check", "DB"],
        &["node", "DB", "0"],
        &["--json", "node", "DB", "0"],
        &["path", "DB", "0", "7"],
        &["--json", "bfs", "DB", "0"],
    ];
    for args in short {
        reader_stops_after(&db, args, 0);
    }
}
