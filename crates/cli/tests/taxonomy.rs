//! Imports the NCBI taxonomy (2.6M taxa, `../shared/data/ncbi-taxonomy.tsv.xz`, or the file
//! `MMGRAPH_TAXONOMY` names) with the `mmgraph` binary, checks it with `mmgraph check`, and
//! verifies it against the file: the node and edge counts, the count of every rank, name
//! lookups for a sample of taxa, and the lineage of a sample of taxa, walked through
//! in-neighbours up to the root. Without the file it is skipped (a failure under `CI=true`):
//! see `support/shared_data.rs`.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use assert_cmd::Command;
use graph::{Direction, Graph, GraphRead, NodeId, ReadTxn};

/// Every this many lines, a taxon's name is looked up; ten times as many apart, its lineage
/// is walked.
const NAME_SAMPLE: usize = 1_009;
const LINEAGE_SAMPLE: usize = 10_007;

/// What the file says.
struct Taxonomy {
    lines: u64,
    parent: HashMap<u64, u64>,
    ranks: HashMap<String, u64>,
    /// (taxid, name) of every `NAME_SAMPLE`th line.
    names: Vec<(u64, String)>,
}

fn read_taxonomy(path: &PathBuf) -> Taxonomy {
    let file = std::fs::File::open(path)
        .unwrap_or_else(|e| panic!("{}: {e} (set MMGRAPH_TAXONOMY)", path.display()));
    let reader = BufReader::new(xz2::read::XzDecoder::new(BufReader::new(file)));
    let mut taxonomy = Taxonomy {
        lines: 0,
        parent: HashMap::new(),
        ranks: HashMap::new(),
        names: Vec::new(),
    };
    for (i, line) in reader.lines().enumerate() {
        let line = line.expect("read line");
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, parent, rank, name] = fields[..] else {
            panic!("line {}: {line}", i + 1);
        };
        let id: u64 = id.parse().expect("taxid");
        taxonomy.parent.insert(id, parent.parse().expect("parent"));
        *taxonomy.ranks.entry(rank.to_owned()).or_default() += 1;
        if i % NAME_SAMPLE == 0 {
            taxonomy.names.push((id, name.to_owned()));
        }
        taxonomy.lines += 1;
    }
    taxonomy
}

fn node_of(read: &ReadTxn, taxid: u64) -> NodeId {
    graph::external_ids::node_of(read, &taxid.to_string())
        .expect("external id")
        .unwrap_or_else(|| panic!("taxid {taxid} has no node"))
}

fn taxid_of(read: &ReadTxn, node: NodeId) -> u64 {
    graph::external_ids::external_of(read, node)
        .expect("external id")
        .expect("an external id")
        .parse()
        .expect("taxid")
}

#[test]
fn the_ncbi_taxonomy_imports_and_matches_the_file() {
    let Some(path) = support::shared_data::file(
        "the_ncbi_taxonomy_imports_and_matches_the_file",
        "ncbi-taxonomy.tsv.xz",
        "MMGRAPH_TAXONOMY",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("taxonomy.mmg");
    let started = std::time::Instant::now();
    let output = Command::cargo_bin("mmgraph")
        .expect("binary")
        .args(["import", "--quiet"])
        .arg(&db)
        .arg(&path)
        .output()
        .expect("run import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "{} in {:.1?}",
        String::from_utf8_lossy(&output.stdout).trim(),
        started.elapsed()
    );
    let check = Command::cargo_bin("mmgraph")
        .expect("binary")
        .arg("check")
        .arg(&db)
        .output()
        .expect("run check");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let taxonomy = read_taxonomy(&path);
    let graph = Graph::open(&db).expect("open");
    let read = graph.begin_read().expect("read");
    assert_eq!(read.node_count(), taxonomy.lines);
    // Every taxon but the root (its own parent) has an edge from its parent.
    assert_eq!(read.edge_count(), taxonomy.lines - 1);
    for (rank, count) in &taxonomy.ranks {
        assert_eq!(
            read.count_by_kind(rank).expect("count"),
            *count,
            "rank {rank}"
        );
    }
    assert_eq!(read.kinds().expect("kinds").len(), taxonomy.ranks.len());

    for (taxid, name) in &taxonomy.names {
        let node = node_of(&read, *taxid);
        let named: Vec<NodeId> = read
            .nodes_by_name(name)
            .collect::<Result<_, _>>()
            .expect("by name");
        assert!(named.contains(&node), "{name} does not find taxid {taxid}");
        for found in named {
            let n = read.node(found).expect("node").expect("live");
            assert_eq!(n.name().expect("name"), *name);
        }
    }

    for (taxid, _) in taxonomy.names.iter().step_by(LINEAGE_SAMPLE / NAME_SAMPLE) {
        let mut expected = vec![*taxid];
        while let Some(&parent) = taxonomy.parent.get(expected.last().expect("one")) {
            if parent == *expected.last().expect("one") {
                break;
            }
            expected.push(parent);
        }
        let mut walked = vec![*taxid];
        let mut node = node_of(&read, *taxid);
        loop {
            let parents: Vec<NodeId> = read
                .neighbors(node, Direction::In, Some("parent_of"))
                .expect("in-neighbours")
                .map(|n| n.expect("neighbour").node)
                .collect();
            match parents[..] {
                [] => break,
                [parent] => {
                    node = parent;
                    walked.push(taxid_of(&read, parent));
                }
                _ => panic!(
                    "taxid {} has {} parents",
                    walked[walked.len() - 1],
                    parents.len()
                ),
            }
            assert!(walked.len() <= 40, "lineage of {taxid} does not end");
        }
        assert_eq!(walked, expected, "lineage of {taxid}");
        assert_eq!(walked.last(), Some(&1), "the root is taxid 1");
    }
    eprintln!(
        "verified {} taxa, {} ranks, {} names, {} lineages in {:.1?}",
        taxonomy.lines,
        taxonomy.ranks.len(),
        taxonomy.names.len(),
        taxonomy.names.len().div_ceil(LINEAGE_SAMPLE / NAME_SAMPLE),
        started.elapsed()
    );
}
