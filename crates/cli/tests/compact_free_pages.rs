//! What `compact` leaves free: nothing for a graph copied in one batch, and for a larger one
//! only the pages its batch commits replaced (docs/cli.md, "Compact").

use assert_cmd::Command;
use graph::Graph;

/// Builds a graph of `nodes` nodes and two edges each, deletes every `deleted_every`-th node
/// (none if `None`), compacts it, and returns the copy's free pages and pages.
fn compact_and_count_free(nodes: u64, deleted_every: Option<usize>) -> (u64, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("big.mmg");
    {
        let graph = Graph::open(&db).expect("open");
        let mut txn = graph.begin_write().expect("write");
        let ids: Vec<_> = (0..nodes)
            .map(|i| {
                txn.add_node("n", &format!("n{i}"), &[7u8; 40])
                    .expect("node")
            })
            .collect();
        for (i, pair) in ids.windows(2).enumerate() {
            txn.add_edge(pair[0], pair[1], ["a", "b"][i % 2], b"")
                .expect("edge");
            txn.add_edge(pair[1], ids[i / 2], "c", b"").expect("edge");
        }
        txn.commit().expect("commit");
        let mut txn = graph.begin_write().expect("write");
        for id in deleted_every
            .iter()
            .flat_map(|every| ids.iter().step_by(*every))
        {
            txn.delete_node(*id).expect("delete");
        }
        txn.commit().expect("commit");
    }
    let copy = dir.path().join("copy.mmg");
    let status = Command::cargo_bin("mmgraph")
        .expect("binary")
        .args([
            "compact",
            db.to_str().expect("path"),
            copy.to_str().expect("path"),
        ])
        .output()
        .expect("run")
        .status;
    assert!(status.success());
    let graph = Graph::open_read_only(&copy).expect("open copy");
    assert!(graph.check().expect("check").is_clean());
    let stats = graph.storage_stats().expect("stats");
    (stats.free_pages, stats.page_count)
}

#[test]
fn compact_of_a_graph_that_fits_one_batch_leaves_no_free_page() {
    let (free, pages) = compact_and_count_free(20_000, None);
    assert_eq!(free, 0, "{free} free of {pages}");
}

#[test]
fn compact_leaves_free_only_what_placeholders_and_later_batches_replaced() {
    // Deleted ids are kept by placeholders that the copy deletes again: what they occupied
    // is free in the copy, a few pages.
    let (free, pages) = compact_and_count_free(20_000, Some(7));
    eprintln!("with deletions: {free} free of {pages}");
    assert!(free > 0 && free * 20 < pages, "{free} free of {pages}");
    // More records than one batch (100,000): each later batch's commit replaces the pages it
    // changes that an earlier batch committed.
    let (free, pages) = compact_and_count_free(60_000, None);
    eprintln!("three batches: {free} free of {pages}");
    assert!(free > 0 && free * 5 < pages, "{free} free of {pages}");
}
