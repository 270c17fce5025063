//! Two imports of the same external ids started together, many times over: whatever order
//! their checks, opens and commits fall in, one wins, the other fails with a clear message, and
//! no external id ever maps to two nodes. The long import starts first and checks its input
//! while the short one runs whole, so in many rounds the long one finds the ids only inside the
//! transaction that adds the node (the path that once stored duplicates); the head start varies
//! per round, to cover the other orders too.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const ROUNDS: u64 = 15;
const IDS: u64 = 300;
/// Edges in the long import, so that its check pass takes a while.
const LONG_EDGES: u64 = 30_000;

fn mmgraph() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mmgraph"))
}

/// `IDS` nodes of kind `kind`, then `edges` edges among them.
fn nodes_file(dir: &Path, name: &str, kind: &str, edges: u64) -> std::path::PathBuf {
    let mut text: String = (0..IDS)
        .map(|i| format!("{{\"id\":{i},\"kind\":\"{kind}\",\"name\":\"{kind} {i}\"}}\n"))
        .collect();
    for i in 0..edges {
        text.push_str(&format!(
            "{{\"from\":{},\"to\":{}}}\n",
            i % IDS,
            i * 7 % IDS
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

fn refused(output: &Output) -> bool {
    let stderr = String::from_utf8_lossy(&output.stderr);
    !output.status.success()
        && (stderr.contains("is already in the database") || stderr.contains("locked"))
}

#[test]
fn two_imports_at_once_never_give_an_external_id_two_nodes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = nodes_file(dir.path(), "long.jsonl", "long", LONG_EDGES);
    let short = nodes_file(dir.path(), "short.jsonl", "short", 0);
    let mut caught_in_the_transaction = 0;
    for round in 0..ROUNDS {
        let db = dir.path().join(format!("round{round}.mmg"));
        let spawn = |input: &Path| {
            mmgraph()
                .arg("import")
                .arg(&db)
                .arg(input)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn import")
        };
        let first = spawn(&long);
        std::thread::sleep(Duration::from_millis(round % 10 * 3));
        let second = spawn(&short);
        let first = first.wait_with_output().expect("wait");
        let second = second.wait_with_output().expect("wait");
        let won = [&first, &second]
            .iter()
            .filter(|o| o.status.success())
            .count();
        for output in [&first, &second] {
            assert!(
                output.status.success() || refused(output),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let graph = support::imported::read(&db);
        assert_eq!(graph.nodes.len() as u64, IDS, "round {round}");
        let kinds: std::collections::BTreeSet<_> =
            graph.nodes.values().map(|(kind, _)| kind).collect();
        assert_eq!(kinds.len(), 1, "round {round}: a mix of both imports");
        assert_eq!(won, 1, "round {round}");
        if String::from_utf8_lossy(&first.stderr).contains("after this one's check") {
            caught_in_the_transaction += 1;
        }
    }
    eprintln!(
        "{caught_in_the_transaction} of {ROUNDS} rounds: a duplicate caught in the transaction"
    );
}
