//! Eight readers traverse and look up while one writer commits continuously, adding edges and
//! deleting the oldest so the live data stays the same size. Every reader's answers equal the
//! snapshot it began with, and the file stops growing once the live data does.
//! `CONCURRENT_LOAD_SECS` sets the duration (default 4; the long run uses 60).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use graph::{Direction, EdgeId, Graph, GraphRead, NewEdge, NodeId, Options};

const NODES: u64 = 2_000;
/// Live edges once the window is full.
const WINDOW: u64 = 40_000;
const PER_COMMIT: u64 = 500;

/// Edge `j`'s endpoints: a fixed function of `j`, so any snapshot's lists can be computed.
fn endpoints(j: u64) -> (u64, u64) {
    let h = j.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((h >> 17) % NODES, (h >> 41) % NODES)
}

/// For each node, the ids of every edge that will ever leave it (or enter it), ascending.
fn plan(total: u64, out: bool) -> Vec<Vec<u64>> {
    let mut lists = vec![Vec::new(); NODES as usize];
    for j in 0..total {
        let (from, to) = endpoints(j);
        lists[if out { from } else { to } as usize].push(j);
    }
    lists
}

/// The live edge ids of a list in a snapshot whose live edges are `lo..hi`.
fn expected(list: &[u64], lo: u64, hi: u64) -> Vec<u64> {
    let start = list.partition_point(|j| *j < lo);
    let end = list.partition_point(|j| *j < hi);
    list[start..end].to_vec()
}

#[test]
fn readers_see_their_snapshots_while_a_writer_commits_and_the_file_stabilises() {
    let seconds: u64 = std::env::var("CONCURRENT_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let max_edges = 20_000_000u64;
    let dir = tempfile::tempdir().expect("tempdir");
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let graph = Graph::open_with(dir.path().join("load.mmg"), options).expect("open");
    let mut txn = graph.begin_write().expect("write");
    for i in 0..NODES {
        txn.add_node("n", &format!("n{i}"), b"").expect("node");
    }
    txn.commit().expect("commit");

    // Snapshot id -> live edge ids `lo..hi`, recorded before each commit.
    let snapshots: Arc<RwLock<HashMap<u64, (u64, u64)>>> = Arc::new(RwLock::new(HashMap::new()));
    snapshots
        .write()
        .expect("lock")
        .insert(graph.begin_read().expect("read").txn_id(), (0, 0));
    let stop = Arc::new(AtomicBool::new(false));
    let out_plan = Arc::new(plan(max_edges.min(seconds * 400_000 + WINDOW), true));
    let in_plan = Arc::new(plan(max_edges.min(seconds * 400_000 + WINDOW), false));
    let planned = out_plan.iter().map(Vec::len).sum::<usize>() as u64;

    let readers: Vec<_> = (0..8)
        .map(|r| {
            let (graph, snapshots, stop, out_plan, in_plan) = (
                graph.clone(),
                snapshots.clone(),
                stop.clone(),
                out_plan.clone(),
                in_plan.clone(),
            );
            std::thread::spawn(move || {
                let mut rng = fastrand::Rng::with_seed(r);
                let mut checks = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let read = graph.begin_read().expect("read");
                    let (lo, hi) = *snapshots
                        .read()
                        .expect("lock")
                        .get(&read.txn_id())
                        .expect("every snapshot was recorded before its commit");
                    assert_eq!(
                        read.edge_count(),
                        hi - lo,
                        "reader {r} at txn {}",
                        read.txn_id()
                    );
                    for _ in 0..5 {
                        let node = rng.u64(0..NODES);
                        for (direction, plan) in
                            [(Direction::Out, &out_plan), (Direction::In, &in_plan)]
                        {
                            let mut found: Vec<u64> = read
                                .neighbors(NodeId(node), direction, None)
                                .expect("list")
                                .map(|n| n.expect("entry").edge.0)
                                .collect();
                            found.sort_unstable();
                            assert_eq!(
                                found,
                                expected(&plan[node as usize], lo, hi),
                                "reader {r}, node {node} {direction:?}, txn {}",
                                read.txn_id()
                            );
                        }
                    }
                    if hi > lo {
                        let j = rng.u64(lo..hi);
                        let edge = read
                            .edge(EdgeId(j))
                            .expect("edge")
                            .expect("live in this snapshot");
                        assert_eq!((edge.from().0, edge.to().0), endpoints(j));
                    }
                    if lo > 0 {
                        assert!(
                            read.edge(EdgeId(lo - 1)).expect("edge").is_none(),
                            "a deleted edge is visible"
                        );
                    }
                    let reached = read
                        .bfs(NodeId(rng.u64(0..NODES)), Direction::Out, Some(2))
                        .expect("bfs");
                    assert!(!reached.is_empty());
                    checks += 1;
                    // Hold some snapshots across several commits.
                    if rng.u8(0..10) == 0 {
                        std::thread::sleep(Duration::from_millis(rng.u64(1..20)));
                    }
                }
                checks
            })
        })
        .collect();

    let started = Instant::now();
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut lengths = Vec::new();
    // The file's page count (it never shrinks: freed pages are reused) after each commit once
    // the window has been full for a while. An adjacency fold needs room for the lists it
    // writes before it frees the old ones, so the file may still grow for a fold or two after
    // the window fills; then it must stay put. The test compares the count at the middle of
    // that stretch with the count at its end.
    let mut pages_after_full = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) && hi + PER_COMMIT <= planned {
        let mut txn = graph.begin_write().expect("write");
        let batch = (hi..hi + PER_COMMIT).map(|j| {
            let (from, to) = endpoints(j);
            NewEdge {
                from: NodeId(from),
                to: NodeId(to),
                edge_type: "e",
                data: b"",
            }
        });
        txn.add_edges(batch).expect("edges");
        hi += PER_COMMIT;
        while hi - lo > WINDOW {
            txn.delete_edge(EdgeId(lo)).expect("delete");
            lo += 1;
        }
        snapshots
            .write()
            .expect("lock")
            .insert(txn.txn_id(), (lo, hi));
        txn.commit().expect("commit");
        let stats = graph.storage_stats().expect("stats");
        if lengths.last() != Some(&stats.file_len) {
            lengths.push(stats.file_len);
        }
        if hi >= 3 * WINDOW {
            pages_after_full.push(stats.page_count);
        }
    }
    stop.store(true, Ordering::Relaxed);
    let checks: u64 = readers.into_iter().map(|r| r.join().expect("reader")).sum();
    let full = pages_after_full.first().copied();
    let middle = pages_after_full.get(pages_after_full.len() / 2).copied();
    let end = pages_after_full.last().copied();
    eprintln!(
        "{} commits, {hi} edges added, {lo} deleted, {checks} reader checks, file lengths {lengths:?}, pages once full {full:?}, midway {middle:?}, at the end {end:?}",
        hi / PER_COMMIT
    );
    assert!(checks > 100, "the readers barely ran");
    assert!(
        lengths.len() >= 3,
        "the file grew through too few remaps: {lengths:?}"
    );
    if let (Some(middle), Some(end)) = (middle, end) {
        assert!(
            end <= middle + middle / 4,
            "the file kept growing with constant live data: {middle} pages midway, {end} at the end"
        );
    }
    assert!(graph.check().expect("check").is_clean());
}
