//! A child process runs durable graph commits and reports each one as it returns; the parent
//! kills it with SIGKILL at random moments. After every kill the file opens, `check()` is clean,
//! and the graph holds every reported commit and nothing half-done: exactly the state after the
//! last reported commit, or after the one more that completed before its report got out.
//! Workloads: bulk edge loads, mixed changes with deletes, a growing hub, large values.
//! `PROCESS_KILLS` sets the number of kills per workload (default 25; the long run uses 125).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use graph::{Direction, Graph, GraphRead, NewEdge, NodeId};

const CHILD_PATH: &str = "MMGRAPH_KILL_CHILD_PATH";
const CHILD_MODE: &str = "MMGRAPH_KILL_CHILD_MODE";
const MODES: [&str; 4] = ["bulk", "mixed", "hub", "large"];

/// Node 0 counts the commits done (its data is the count, 8 bytes little-endian).
fn commits(graph: &Graph) -> u64 {
    let read = graph.begin_read().expect("read");
    let data = read
        .node(NodeId(0))
        .expect("node")
        .map(|n| n.data().expect("data").into_owned())
        .unwrap_or_default();
    data.get(..8)
        .map_or(0, |d| u64::from_le_bytes(d.try_into().expect("8 bytes")))
}

/// The bytes of the large value of commit `k`.
fn large_value(k: u64) -> Vec<u8> {
    let len = 50_000 + (k * 7919 % 200_000) as usize;
    (0..len).map(|i| (i as u64 ^ k) as u8).collect()
}

/// Commit `k` of workload `mode`: a deterministic change, then the counter.
fn commit(graph: &Graph, mode: &str, k: u64) {
    let mut txn = graph.begin_write().expect("write");
    let mut rng = fastrand::Rng::with_seed(k);
    if k == 0 {
        txn.add_node("counter", "counter", &0u64.to_le_bytes())
            .expect("counter");
        txn.add_node("hub", "hub", b"").expect("hub");
    }
    let nodes = txn.node_count();
    match mode {
        "bulk" => {
            for i in 0..20 {
                txn.add_node("n", &format!("c{k}-{i}"), b"").expect("node");
            }
            let n = nodes + 20;
            let edges = (0..500).map(|_| NewEdge {
                from: NodeId(rng.u64(0..n)),
                to: NodeId(rng.u64(0..n)),
                edge_type: "e",
                data: b"",
            });
            txn.add_edges(edges).expect("edges");
        }
        "mixed" => {
            let ids: Vec<NodeId> = (0..20)
                .map(|i| {
                    txn.add_node("n", &format!("c{k}-{i}"), &[k as u8; 40])
                        .expect("node")
                })
                .collect();
            for i in 0..50 {
                txn.add_edge(ids[i % 20], ids[(i * 7 + 3) % 20], "e", b"")
                    .expect("edge");
            }
            // Delete one earlier node (never the counter or the hub) and change another's data.
            if k > 0 {
                let victim = NodeId(2 + (k - 1) * 20 + rng.u64(0..20));
                txn.delete_node(victim).expect("delete");
                let changed = NodeId(2 + (k - 1) * 20 + (victim.0 + 1 - 2) % 20);
                if txn.node(changed).expect("node").is_some() {
                    txn.set_node_data(changed, &[0xEE; 100]).expect("data");
                }
            }
        }
        "hub" => {
            let leaf = txn.add_node("n", &format!("c{k}"), b"").expect("node");
            let edges = (0..300).map(|i| NewEdge {
                from: NodeId(1),
                to: leaf,
                edge_type: ["a", "b", "c"][i % 3],
                data: b"",
            });
            txn.add_edges(edges).expect("edges");
        }
        _ => {
            txn.add_node("n", &format!("c{k}"), &large_value(k))
                .expect("node");
        }
    }
    txn.set_node_data(NodeId(0), &(k + 1).to_le_bytes())
        .expect("counter");
    txn.commit().expect("commit");
}

/// Checks the graph after `done` commits of `mode`.
fn verify(graph: &Graph, mode: &str, done: u64) {
    let report = graph.check().expect("check");
    assert!(
        report.is_clean(),
        "{mode} after {done} commits: {:?}",
        report.problems
    );
    let read = graph.begin_read().expect("read");
    let (nodes, edges) = (read.node_count(), read.edge_count());
    // Killed before its first commit: the counter and the hub come with that commit, so there
    // is nothing at all.
    if done == 0 {
        assert_eq!((nodes, edges), (0, 0), "{mode} before any commit");
        return;
    }
    match mode {
        "bulk" => assert_eq!((nodes, edges), (2 + 20 * done, 500 * done)),
        "mixed" => assert_eq!(nodes, 2 + 20 * done - done.saturating_sub(1)),
        "hub" => {
            assert_eq!((nodes, edges), (2 + done, 300 * done));
            assert_eq!(
                read.degree(NodeId(1), Direction::Out).expect("degree"),
                300 * done
            );
        }
        _ => {
            assert_eq!(nodes, 2 + done);
            for k in done.saturating_sub(3)..done {
                let node = read.node(NodeId(2 + k)).expect("node").expect("live");
                assert_eq!(
                    &*node.data().expect("data"),
                    &large_value(k)[..],
                    "large value of commit {k}"
                );
            }
        }
    }
}

/// Not a test on its own: the child process's body, given the file and workload through the
/// environment; without them there is nothing to do.
#[test]
fn child_process_workload() {
    let (Some(path), Ok(mode)) = (std::env::var_os(CHILD_PATH), std::env::var(CHILD_MODE)) else {
        return;
    };
    let graph = Graph::open(&path).expect("child opens");
    let mut k = commits(&graph);
    loop {
        commit(&graph, &mode, k);
        k += 1;
        // A line of its own: the test harness's "test child_process_workload ... " has no
        // newline, and the first count must not be lost on its line.
        println!("\ncommitted {k}");
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_reported_commit() {
    let kills: u64 = std::env::var("PROCESS_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = fastrand::Rng::with_seed(3);
    for mode in MODES {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(format!("{mode}.mmg"));
        let mut reported = 0u64;
        for _ in 0..kills {
            let mut child = Command::new(&exe)
                .args([
                    "--exact",
                    "child_process_workload",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_PATH, &path)
                .env(CHILD_MODE, mode)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("child starts");
            std::thread::sleep(Duration::from_millis(rng.u64(5..120)));
            child.kill().expect("SIGKILL");
            let stdout = child.stdout.take().expect("piped");
            for line in BufReader::new(stdout).lines() {
                if let Some(k) = line.expect("line").strip_prefix("committed ") {
                    reported = k.parse().expect("a count");
                }
            }
            child.wait().expect("reaped");
            let started = Instant::now();
            let graph = Graph::open(&path).expect("the file opens after SIGKILL");
            let done = commits(&graph);
            assert!(
                done == reported || done == reported + 1,
                "{mode}: {done} commits on disk, {reported} reported"
            );
            verify(&graph, mode, done);
            reported = done;
            assert!(started.elapsed() < Duration::from_secs(30));
        }
        eprintln!("{mode}: {kills} kills, {reported} commits survived");
    }
}
