//! A small graph file written by this layout (graph layout 12) is committed in `fixtures/`; it
//! must open, check clean and read back exactly, so that any change of the format is noticed.
//! The same graph written by the earlier layouts is kept too. Layouts 11 (no adjacency pair
//! page), 10 (no packed B+tree leaf either), 9 (no packed node-record leaf either), 8 (no external ids in id maps either), 7 (its vector index in the beside slot layout), 6 (a name-index key for unnamed nodes too), 5 (no inline adjacency
//! leaves either) and 4 (no adjacency delta either) are still read, as they are, and their
//! first commit makes them layout 12. The older ones
//! (layout 1:
//! 64-bit ids in records and entries; layout 2: 22-byte record slots without payloads; layout
//! 3: a vector index's vectors in slots apart from its node slots) must each be refused with an
//! error that names both versions, and left as it was. A file from an unknown
//! pager format version, or with another page size, is refused with an error that says so.
//!
//! The fixture is made by `MMGRAPH_WRITE_FIXTURE=1 cargo test -p graph --test format_fixture --
//! --ignored`; rewrite it only together with a new layout version, keeping the old file.

use std::path::PathBuf;

use graph::{
    Direction, Graph, GraphRead, Metric, NewEdge, NodeId, VectorIndexSpec, WriteTxn, external_ids,
};

/// The fixture of the current layout.
fn fixture() -> PathBuf {
    fixture_of_layout(12)
}

fn fixture_of_layout(version: u32) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/format-v{version}.mmg"))
}

/// What the fixture holds: 40 nodes of 3 kinds, a chain of edges, a hub, one large value, a
/// vector index of 3 dimensions over nodes 0..=38, and a deleted node (so the free list is not
/// empty, and the index has a free slot).
fn write(path: &std::path::Path) {
    let graph = Graph::open(path).expect("create");
    let mut txn = graph.begin_write().expect("write");
    let nodes: Vec<NodeId> = (0..40)
        .map(|i| {
            txn.add_node(
                ["a", "b", "c"][i % 3],
                &format!("node{i}"),
                format!("data{i}").as_bytes(),
            )
            .expect("node")
        })
        .collect();
    txn.add_node("big", "big", &vec![7u8; 10_000])
        .expect("node");
    let chain = (0..39).map(|i| NewEdge {
        from: nodes[i],
        to: nodes[i + 1],
        edge_type: "next",
        data: b"",
    });
    txn.add_edges(chain).expect("edges");
    let hub = (0..200).map(|i| NewEdge {
        from: nodes[0],
        to: nodes[i % 40],
        edge_type: ["x", "y"][i % 2],
        data: b"h",
    });
    txn.add_edges(hub).expect("edges");
    txn.create_vector_index("v", VectorIndexSpec::new(3, Metric::L2))
        .expect("index");
    for (i, &node) in nodes.iter().enumerate() {
        txn.set_vector("v", node, &fixture_vector(i))
            .expect("vector");
    }
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    txn.delete_node(nodes[39]).expect("delete");
    txn.commit().expect("commit");
    // Layout 5: edges that stay in the adjacency delta (far fewer than a fold needs).
    let mut txn = graph.begin_write().expect("write");
    for &to in &nodes[2..7] {
        txn.add_edge(nodes[1], to, "late", b"").expect("edge");
    }
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    add_inline_leaf(&mut txn);
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    add_unnamed(&mut txn);
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    add_external_ids(&mut txn);
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    add_packed_leaf(&mut txn);
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    add_pair(&mut txn);
    txn.commit().expect("commit");
    let mut txn = graph.begin_write().expect("write");
    txn.rebuild_indexes().expect("rebuild");
    txn.commit().expect("commit");
}

/// Layout 12: nodes 160 to 255 and a ring over nodes 128 to 255 in one batch, so that
/// adjacency leaves 2 and 3 are built whole, small, and kept in one pair page.
fn add_pair(txn: &mut WriteTxn) {
    for i in 160..256 {
        txn.add_node("g", &format!("node{i}"), b"").expect("node");
    }
    let ring = (128..256).map(|i| NewEdge {
        from: NodeId(i),
        to: NodeId(if i == 255 { 128 } else { i + 1 }),
        edge_type: "pair",
        data: b"",
    });
    txn.add_edges(ring).expect("edges");
}

/// Layout 10: nodes 74 to 159 with names of 31 bytes and no data, so that the second node
/// leaf (ids 80 to 159) fills, its names having taken a heap page, and is packed.
fn add_packed_leaf(txn: &mut WriteTxn) {
    for i in 74..160 {
        txn.add_node("f", &packed_name(i), b"").expect("node");
    }
}

/// The name of node `i` of [`add_packed_leaf`].
fn packed_name(i: u64) -> String {
    format!("a name longer than a slot {i:05}")
}

/// Layout 9: external ids `1000 + i` for nodes 0 to 73 but the deleted 39 (kept in the id
/// maps, two leaves) and the text `"big-one"` for node 40 (kept in the key-value spaces).
fn add_external_ids(txn: &mut WriteTxn) {
    let ids: Vec<(String, NodeId)> = (0..=73)
        .filter(|&i| i != 39)
        .map(|i| {
            (
                if i == 40 {
                    "big-one".to_owned()
                } else {
                    (1000 + i).to_string()
                },
                NodeId(i),
            )
        })
        .collect();
    let pairs: Vec<(&str, NodeId)> = ids
        .iter()
        .map(|(ext, node)| (ext.as_str(), *node))
        .collect();
    assert_eq!(external_ids::record_all(txn, &pairs).expect("ids"), None);
}

/// Layout 7: three unnamed nodes (71 to 73), which have no name-index key.
fn add_unnamed(txn: &mut WriteTxn) {
    for i in 71..=73 {
        txn.add_node("e", "", format!("unnamed{i}").as_bytes())
            .expect("node");
    }
}

/// Layout 6: 30 more nodes (41 to 70) and a ring over nodes 64 to 70 in one batch, so that the
/// second adjacency leaf is built whole and keeps its 14 entries in its own page.
fn add_inline_leaf(txn: &mut WriteTxn) {
    for i in 41..=70 {
        txn.add_node("d", &format!("node{i}"), b"").expect("node");
    }
    let ring = (64..=70).map(|i| NewEdge {
        from: NodeId(i),
        to: NodeId(if i == 70 { 64 } else { i + 1 }),
        edge_type: "ring",
        data: b"",
    });
    txn.add_edges(ring).expect("edges");
}

/// What a fixture holds beyond the layout-4 one.
#[derive(Clone, Copy)]
struct Beyond4 {
    /// Node 1's "late" edges (layout 5).
    late: u64,
    /// Nodes 41 to 70 and their ring (layout 6).
    inline_leaf: bool,
    /// Nodes 71 to 73, unnamed (layout 7).
    unnamed: bool,
    /// External ids (layout 9).
    external_ids: bool,
    /// Nodes 74 to 159, the second node leaf packed (layout 10).
    packed_leaf: bool,
    /// The by-name and by-kind indexes rebuilt into packed leaves (layout 11).
    packed_indexes: bool,
    /// Nodes 160 to 255 and their ring, in a pair page (layout 12).
    pair: bool,
}

/// The additions of the fixture of layout 12 (which the fixture of layout 11 lacks only the
/// pair of, that of layout 10 the packed indexes too, that of layout 9 the packed node leaf
/// too, those of layouts 7 and 8 the external ids too, and layout 7's has its vector index in
/// the other slot layout).
const LAYOUT_12: Beyond4 = Beyond4 {
    late: 5,
    inline_leaf: true,
    unnamed: true,
    external_ids: true,
    packed_leaf: true,
    packed_indexes: true,
    pair: true,
};

/// The vector of node `i` in the fixture's index.
fn fixture_vector(i: usize) -> [f32; 3] {
    [i as f32, (i % 7) as f32, 1.0 / (1 + i) as f32]
}

#[test]
#[ignore = "writes the fixture; run only with a deliberate format change"]
fn write_fixture() {
    if std::env::var_os("MMGRAPH_WRITE_FIXTURE").is_some() {
        let path = fixture();
        let _ = std::fs::remove_file(&path);
        write(&path);
    }
}

#[test]
fn the_committed_fixture_of_layout_12_opens_and_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("fixture.mmg");
    std::fs::copy(fixture(), &copy).expect("the fixture file is committed");
    reads_back(&copy, LAYOUT_12);
    let read = Graph::open(&copy).expect("open");
    let stats = read.begin_read().expect("read").stats().expect("stats");
    assert_eq!(stats.pages_by_type.get("vector node slots"), Some(&2));
    assert_eq!(stats.pages_by_type.get("vector node slots (beside)"), None);
}

#[test]
fn a_file_of_layout_11_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(11, 5);
}

#[test]
fn a_file_of_layout_10_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(10, 5);
}

#[test]
fn a_file_of_layout_9_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(9, 5);
}

#[test]
fn a_file_of_layout_8_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(8, 5);
}

#[test]
fn a_file_of_layout_7_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(7, 5);
}

#[test]
fn a_file_of_layout_6_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(6, 5);
}

#[test]
fn a_file_of_layout_5_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(5, 5);
}

#[test]
fn a_file_of_layout_4_reads_back_and_its_first_commit_makes_it_layout_12() {
    older_layout_read_and_written(4, 0);
}

/// Copies the fixture of `layout` (4 to 11, holding `late` late edges) and reads it back; adds
/// in one commit what it lacks of the later layouts, and changes its vector index (which keeps
/// the slot layout it was made with); reads it back again as the layout-12 fixture, and checks
/// that the commit wrote layout 12 and left the older meta page as it was.
fn older_layout_read_and_written(layout: u32, late: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("fixture.mmg");
    std::fs::copy(fixture_of_layout(layout), &copy).expect("the fixture file is committed");
    let fixture = Beyond4 {
        late,
        inline_leaf: layout >= 6,
        unnamed: layout >= 7,
        external_ids: layout >= 9,
        packed_leaf: layout >= 10,
        packed_indexes: layout >= 11,
        pair: false,
    };
    reads_back(&copy, fixture);
    let graph = Graph::open(&copy).expect("open");
    let mut txn = graph.begin_write().expect("write");
    let lacking = (2 + late..7).map(|i| NewEdge {
        from: NodeId(1),
        to: NodeId(i),
        edge_type: "late",
        data: b"",
    });
    txn.add_edges(lacking).expect("edges");
    if !fixture.inline_leaf {
        add_inline_leaf(&mut txn);
    }
    if !fixture.unnamed {
        add_unnamed(&mut txn);
    }
    if !fixture.external_ids {
        add_external_ids(&mut txn);
    }
    if !fixture.packed_leaf {
        add_packed_leaf(&mut txn);
    }
    add_pair(&mut txn);
    txn.rebuild_indexes().expect("rebuild");
    // A vector replaced (the same value, so the fixture reads back the same) and one deleted
    // and set again: written in the index's own slot layout.
    txn.set_vector("v", NodeId(20), &fixture_vector(20))
        .expect("vector");
    assert!(txn.delete_vector("v", NodeId(13)).expect("delete"));
    txn.set_vector("v", NodeId(13), &fixture_vector(13))
        .expect("vector");
    txn.commit().expect("commit");
    drop(graph);
    reads_back(&copy, LAYOUT_12);
    let read = Graph::open(&copy).expect("open");
    let stats = read.begin_read().expect("read").stats().expect("stats");
    let (aligned, beside) = if layout >= 8 {
        (Some(&2), None)
    } else {
        (None, Some(&2))
    };
    assert_eq!(
        stats.pages_by_type.get("vector node slots (beside)"),
        beside
    );
    assert_eq!(stats.pages_by_type.get("vector node slots"), aligned);
    drop(read);
    // The meta pages (1 and 2) hold the root slots; slot 14 (the layout version) is at byte
    // 48 + 8 * 14 of each. The newer of the two now says 12, the older still the old layout.
    let bytes = std::fs::read(&copy).expect("read");
    let version_at = |page: usize| {
        let at = page * 4096 + 48 + 8 * 14;
        u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
    };
    let mut versions = [version_at(1), version_at(2)];
    versions.sort_unstable();
    assert_eq!(versions, [u64::from(layout), 12]);
}

/// Opens the fixture graph at `path`, checks it and reads it back, with what `beyond` says
/// it holds beyond the layout-4 fixture.
fn reads_back(path: &std::path::Path, beyond: Beyond4) {
    let late = beyond.late;
    let graph = Graph::open(path).expect("the file opens");
    let report = graph.check().expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    let read = graph.begin_read().expect("read");
    let (more_nodes, more_edges) = if beyond.inline_leaf { (30, 7) } else { (0, 0) };
    let unnamed = if beyond.unnamed { 3 } else { 0 };
    let packed = if beyond.packed_leaf { 86 } else { 0 };
    let (pair_nodes, pair_edges) = if beyond.pair { (96, 128) } else { (0, 0) };
    // 39 chain edges and 200 hub edges, less the 6 that touched the deleted node 39.
    assert_eq!(
        (read.node_count(), read.edge_count()),
        (
            40 + more_nodes + unnamed + packed + pair_nodes,
            233 + late + more_edges + pair_edges
        )
    );
    // Every named node is in the name index, and no unnamed one.
    assert_eq!(
        read.nodes_by_name_prefix("").count() as u64,
        40 + more_nodes + packed + pair_nodes
    );
    let pairs = read
        .stats()
        .expect("stats")
        .pages_by_type
        .get("adjacency pair")
        .copied();
    assert_eq!(pairs, beyond.pair.then_some(1));
    if beyond.pair {
        for (node, next) in [(128, 129), (191, 192), (200, 201), (255, 128)] {
            let out: Vec<NodeId> = read
                .neighbors(NodeId(node), Direction::Out, Some("pair"))
                .expect("list")
                .map(|n| n.expect("entry").node)
                .collect();
            assert_eq!(out, vec![NodeId(next)]);
            assert_eq!(read.degree(NodeId(next), Direction::In).expect("degree"), 1);
        }
    }
    if beyond.packed_leaf {
        for i in [74, 80, 117, 159] {
            let node = read.node(NodeId(i)).expect("node").expect("live");
            assert_eq!(node.name().expect("name"), packed_name(i));
            assert_eq!(node.kind().expect("kind"), "f");
        }
        let stats = read.stats().expect("stats");
        assert_eq!(stats.pages_by_type.get("record leaf (packed)"), Some(&1));
        // Nodes 0 to 79, and with the pair's nodes, 160 to 239 and 240 to 255.
        let plain = if beyond.pair { 3 } else { 1 };
        assert_eq!(stats.pages_by_type.get("record leaf"), Some(&plain));
    }
    assert_eq!(read.nodes_by_name("").count(), 0);
    // The rebuilt indexes: one packed leaf each, read by the lookups above and below.
    let packed_index_leaves = read
        .stats()
        .expect("stats")
        .pages_by_type
        .get("btree leaf (packed)")
        .copied();
    let expected = beyond.packed_indexes.then_some(2);
    assert_eq!(packed_index_leaves, expected);
    if beyond.unnamed {
        let n72 = read.node(NodeId(72)).expect("node").expect("live");
        assert_eq!(n72.name().expect("name").as_ref(), "");
        assert_eq!(&*n72.data().expect("data"), b"unnamed72");
        assert_eq!(read.count_by_kind("e").expect("count"), 3);
    }
    if beyond.external_ids {
        assert_eq!(
            external_ids::node_of(&read, "1005").expect("id"),
            Some(NodeId(5))
        );
        assert_eq!(
            external_ids::external_of(&read, NodeId(73))
                .expect("id")
                .as_deref(),
            Some("1073")
        );
        assert_eq!(
            external_ids::node_of(&read, "big-one").expect("id"),
            Some(NodeId(40))
        );
        assert_eq!(external_ids::node_of(&read, "1039").expect("id"), None);
        assert_eq!(external_ids::all(&read).expect("ids").count(), 73);
        let stats = read.stats().expect("stats");
        assert_eq!(stats.pages_by_type.get("id-map leaf"), Some(&2));
    } else {
        assert_eq!(external_ids::recorded(&read).expect("ids"), 0);
    }
    if beyond.inline_leaf {
        let ring: Vec<NodeId> = read
            .neighbors(NodeId(70), Direction::Out, None)
            .expect("list")
            .map(|n| n.expect("entry").node)
            .collect();
        assert_eq!(ring, vec![NodeId(64)]);
        assert_eq!(read.degree(NodeId(66), Direction::In).expect("degree"), 1);
        let stats = read.stats().expect("stats");
        assert_eq!(stats.pages_by_type.get("adjacency leaf"), Some(&2));
    }
    assert_eq!(
        read.degree(NodeId(1), Direction::Out).expect("degree"),
        1 + late
    );
    assert_eq!(
        read.neighbors(NodeId(1), Direction::Out, Some("late"))
            .expect("list")
            .count() as u64,
        late
    );
    let n5 = read.node(NodeId(5)).expect("node").expect("live");
    assert_eq!(
        (
            n5.kind().expect("kind").as_ref(),
            n5.name().expect("name").as_ref()
        ),
        ("c", "node5")
    );
    assert_eq!(&*n5.data().expect("data"), b"data5");
    assert_eq!(
        read.node(NodeId(40))
            .expect("node")
            .expect("live")
            .data()
            .expect("data")
            .len(),
        10_000
    );
    assert!(read.node(NodeId(39)).expect("node").is_none());
    assert_eq!(read.degree(NodeId(0), Direction::Out).expect("degree"), 196);
    assert_eq!(
        read.neighbors(NodeId(0), Direction::Out, Some("x"))
            .expect("list")
            .count(),
        100
    );
    assert_eq!(
        read.shortest_path(NodeId(1), NodeId(30))
            .expect("path")
            .map(|p| p.len()),
        // Node 1's late edges shorten the chain by four.
        Some(if late == 0 { 30 } else { 26 })
    );
    assert_eq!(
        read.nodes_by_name("node7")
            .map(|id| id.expect("id"))
            .collect::<Vec<_>>(),
        vec![NodeId(7)]
    );
    let hits = read
        .vector_search("v", &fixture_vector(12), 2, 40)
        .expect("search");
    assert_eq!(
        hits.iter().map(|h| h.node).collect::<Vec<_>>(),
        vec![NodeId(12), NodeId(13)]
    );
    assert_eq!(hits[0].distance, 0.0);
    assert_eq!(
        read.vector("v", NodeId(20)).expect("vector"),
        Some(fixture_vector(20).to_vec())
    );
    assert_eq!(read.vector("v", NodeId(39)).expect("vector"), None);
}

#[test]
fn files_of_layouts_1_to_3_are_refused_with_both_versions_and_left_unchanged() {
    for old in [1, 2, 3] {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join("old.mmg");
        std::fs::copy(fixture_of_layout(old), &copy).expect("the old fixture is committed");
        let before = std::fs::read(&copy).expect("read");
        let err = Graph::open(&copy).expect_err("an old layout is not read");
        assert!(
            matches!(
                err,
                graph::Error::UnsupportedLayout { found, supported: 12 } if found == u64::from(old)
            ),
            "{err}"
        );
        let message = err.to_string();
        assert!(
            message.contains(&format!("layout version {old}")) && message.contains("layout 12"),
            "{message}"
        );
        assert_eq!(std::fs::read(&copy).expect("read"), before);
    }
}

/// A copy of the fixture with the header's `u32` at `at` (24: format version, 28: page size)
/// set to `value`, in a directory that lives as long as the returned guard.
fn with_header_field(at: usize, value: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("changed.mmg");
    let mut bytes = std::fs::read(fixture()).expect("fixture");
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

#[test]
fn a_file_of_an_unknown_version_is_refused_with_its_version() {
    let (_dir, path) = with_header_field(24, 2);
    let err = Graph::open(path).expect_err("version 2 is unknown");
    assert!(
        matches!(
            err,
            graph::Error::Storage(graph::StorageError::UnsupportedVersion {
                found: 2,
                supported: 1
            })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("version 2"), "{err}");
}

#[test]
fn a_file_with_another_page_size_is_refused_with_its_page_size() {
    let (_dir, path) = with_header_field(28, 16384);
    let err = Graph::open(path).expect_err("16 KiB pages");
    assert!(
        matches!(
            err,
            graph::Error::Storage(graph::StorageError::UnsupportedPageSize { found: 16384 })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("16384"), "{err}");
}
