//! What `compact` and `import` leave free: `compact`, nothing for a graph whose nodes fit its
//! first transaction, and otherwise only what placeholders took (docs/cli.md, "Compact");
//! `import` into a graph without nodes, one commit for its node batches; into a graph without
//! edges, no copy of an adjacency list; and an import that adds most of a graph's nodes leaves
//! its name index rebuilt into packed pages.

use assert_cmd::Command;
use graph::{Graph, GraphRead};

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
fn compact_of_a_graph_whose_nodes_fit_its_first_transaction_leaves_no_free_page() {
    let (free, pages) = compact_and_count_free(20_000, None);
    assert_eq!(free, 0, "{free} free of {pages}");
    // More records than a batch (100,000): the nodes still share one transaction, so no
    // commit replaces pages an earlier one wrote.
    let (free, pages) = compact_and_count_free(150_000, None);
    assert_eq!(free, 0, "{free} free of {pages}");
}

#[test]
fn compact_leaves_free_only_what_placeholders_replaced() {
    // Deleted ids are kept by placeholders that the copy deletes again: what they occupied
    // is free in the copy, a few pages.
    let (free, pages) = compact_and_count_free(20_000, Some(7));
    eprintln!("with deletions: {free} free of {pages}");
    assert!(free > 0 && free * 20 < pages, "{free} free of {pages}");
}

/// Imports `input` into `db` with `--batch 1000`.
fn import_in_batches_of_1000(db: &std::path::Path, input: &std::path::Path) {
    let status = Command::cargo_bin("mmgraph")
        .expect("binary")
        .args(["import", "-q", "--batch", "1000"])
        .arg(db)
        .arg(input)
        .output()
        .expect("run")
        .status;
    assert!(status.success());
}

#[test]
fn an_import_into_a_graph_without_nodes_commits_its_node_batches_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nodes = |from: u64, to: u64| -> String {
        (from..to)
            .map(|i| {
                format!(
                    "{{\"id\":{i},\"kind\":\"k\",\"name\":\"n{}\"}}\n",
                    i * 7919 % 20_000
                )
            })
            .collect()
    };
    let first = dir.path().join("first.jsonl");
    std::fs::write(&first, nodes(0, 20_000)).expect("write input");
    let db = dir.path().join("graph.mmg");
    import_in_batches_of_1000(&db, &first);
    let summary = |db: &std::path::Path| {
        let graph = Graph::open_read_only(db).expect("open");
        assert!(graph.check().expect("check").is_clean());
        let read = graph.begin_read().expect("read");
        let found = read.nodes_by_name("n7919").count();
        (graph.stats().expect("stats"), read.node_count(), found)
    };
    // Twenty batches, one transaction for the nodes (beside the commits that make the file
    // and record the edge pass, which has nothing to add): the name index written once.
    // Committed batch by batch, the import made 24 commits and left 217 of 606 pages free;
    // now what is free is what the index's rebuild into packed pages gave back.
    let (stats, count, found) = summary(&db);
    assert_eq!((count, found), (20_000, 1));
    assert!(stats.txn_id <= 4, "{stats:?}");
    assert!(stats.free_pages * 3 < stats.page_count, "{stats:?}");
    // Into a graph with nodes, every batch is its own commit, as `--batch` says.
    let more = dir.path().join("more.jsonl");
    std::fs::write(&more, nodes(20_000, 25_000)).expect("write input");
    import_in_batches_of_1000(&db, &more);
    let (after, count, _) = summary(&db);
    assert_eq!(count, 25_000);
    assert!(after.txn_id >= stats.txn_id + 5, "{stats:?} then {after:?}");
}

#[test]
fn an_import_into_a_graph_without_edges_writes_each_list_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("graph.jsonl");
    let mut text = String::new();
    for i in 0..20_000u64 {
        text.push_str(&format!(
            "{{\"id\":{i},\"kind\":\"k\",\"name\":\"n{i}\"}}\n"
        ));
    }
    for i in 0..40_000u64 {
        let (from, to) = (i * 7919 % 20_000, i * 104_729 % 20_000);
        text.push_str(&format!("{{\"from\":{from},\"to\":{to}}}\n"));
    }
    std::fs::write(&input, text).expect("write input");
    let db = dir.path().join("graph.mmg");
    // Forty batches of edges: committed one by one, each would touch every adjacency leaf,
    // and the last would fold the lists the others left in the delta into new pages.
    import_in_batches_of_1000(&db, &input);
    let graph = Graph::open_read_only(&db).expect("open");
    assert!(graph.check().expect("check").is_clean());
    let stats = graph.stats().expect("stats");
    let pages = |name: &str| stats.pages_by_type.get(name).copied().unwrap_or(0);
    assert!(
        pages("adjacency leaf") + pages("adjacency run") > 500,
        "{stats:?}"
    );
    assert_eq!(pages("adjacency delta"), 0, "{stats:?}");
    assert!(
        stats.free_pages * 20 < stats.page_count,
        "{} free of {}",
        stats.free_pages,
        stats.page_count
    );
}

/// A name that spreads each batch of ids over the whole key space, as real names do.
fn scattered_name(i: u64) -> String {
    format!("{:08} taxon", (i * 2_654_435_761) % 100_000_007)
}

/// Imports nodes `ids`, named by [`scattered_name`], into `db` in batches of 1,000, and returns
/// the name index's pages.
fn import_named(dir: &std::path::Path, db: &std::path::Path, ids: std::ops::Range<u64>) -> u64 {
    let input = dir.join(format!("nodes-{}.jsonl", ids.start));
    let text: String = ids
        .map(|i| {
            format!(
                "{{\"id\":\"t{i}\",\"kind\":\"k\",\"name\":\"{}\"}}\n",
                scattered_name(i)
            )
        })
        .collect();
    std::fs::write(&input, text).expect("write input");
    let status = Command::cargo_bin("mmgraph")
        .expect("binary")
        .args(["import", "-q", "--batch", "1000"])
        .arg(db)
        .arg(&input)
        .output()
        .expect("run")
        .status;
    assert!(status.success());
    let graph = Graph::open_read_only(db).expect("open");
    assert!(graph.check().expect("check").is_clean());
    graph.stats().expect("stats").pages_by_structure["name index"]
}

#[test]
fn an_import_that_adds_most_of_the_nodes_leaves_the_name_index_packed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("names.mmg");
    // 20,000 keys of 20 bytes (a 14-byte name, its separator and the id), packed: each shares
    // its first three or four digits with the one before and takes about 19.5 bytes, so 98
    // leaves and a branch. Slotted and full they would take 130 pages; inserted batch by
    // batch, about a fifth more again.
    assert_eq!(import_named(dir.path(), &db, 0..20_000), 99);
    // 100 more nodes, a small share: inserted into the packed leaves, which are rewritten as
    // slotted ones where they land; no rebuild.
    let pages = import_named(dir.path(), &db, 20_000..20_100);
    assert!(pages > 100, "{pages} pages");
    let graph = Graph::open_read_only(&db).expect("open");
    let read = graph.begin_read().expect("read");
    assert_eq!(read.nodes_by_name_prefix("").count(), 20_100);
    assert_eq!(read.nodes_by_name(&scattered_name(20_050)).count(), 1);
}
