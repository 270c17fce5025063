//! Export then import gives back the same graph: the same nodes (kind, name, data) under the
//! same ids, the same edges, in either layout, and a second trip keeps the ids.

use std::collections::BTreeMap;
use std::path::Path;

use graph::external_ids as external;
use graph::{Graph, GraphRead, NewEdge, NodeId};
use parquet_io::{ExportOptions, IdSource, export, import};

/// Kinds and edge types with characters a partition directory must escape.
const KINDS: [&str; 4] = ["person", "city", "a/b=c", "ünïcode %"];
const TYPES: [&str; 3] = ["knows", "lives/in", "x=y"];

/// A graph with every kind of data: empty, JSON, bytes that are not UTF-8.
fn sample(path: &Path, nodes: u64) -> Graph {
    let graph = Graph::open(path).expect("open");
    let mut txn = graph.begin_write().expect("write");
    let mut ids = Vec::new();
    for i in 0..nodes {
        let kind = KINDS[(i % 4) as usize];
        let data: Vec<u8> = match i % 3 {
            0 => Vec::new(),
            1 => format!("{{\"n\":{i}}}").into_bytes(),
            _ => vec![0xff, 0x00, (i % 251) as u8],
        };
        ids.push(
            txn.add_node(kind, &format!("node {i}"), &data)
                .expect("node"),
        );
    }
    let data: Vec<Vec<u8>> = (0..nodes * 3)
        .map(|i| {
            if i % 2 == 0 {
                Vec::new()
            } else {
                i.to_le_bytes().to_vec()
            }
        })
        .collect();
    let edges = (0..nodes * 3).map(|i| NewEdge {
        from: ids[(i % nodes) as usize],
        to: ids[((i * 7 + 1) % nodes) as usize],
        edge_type: TYPES[(i % 3) as usize],
        data: &data[i as usize],
    });
    txn.add_edges(edges).expect("edges");
    // A deleted node leaves a hole in the ids.
    txn.delete_node(ids[5]).expect("delete");
    txn.commit().expect("commit");
    graph
}

type Row = (String, String, Vec<u8>);
type EdgeRow = (i64, i64, String, Vec<u8>);
type Contents = (BTreeMap<i64, Row>, Vec<EdgeRow>);

/// Every node by the id an export gives it, and every edge, as comparable values.
fn contents(read: &impl GraphRead, id: impl Fn(NodeId) -> i64) -> Contents {
    let nodes = read
        .nodes()
        .map(|n| {
            let n = n.expect("node");
            let row = (
                n.kind().expect("kind").into_owned(),
                n.name().expect("name").into_owned(),
                n.data().expect("data").into_owned(),
            );
            (id(n.id()), row)
        })
        .collect();
    let mut edges: Vec<_> = read
        .edges()
        .map(|e| {
            let e = e.expect("edge");
            (
                id(e.from()),
                id(e.to()),
                e.edge_type().expect("type").into_owned(),
                e.data().expect("data").into_owned(),
            )
        })
        .collect();
    edges.sort();
    (nodes, edges)
}

fn external_id(read: &impl GraphRead) -> impl Fn(NodeId) -> i64 + '_ {
    move |node| {
        external::external_of(read, node)
            .expect("lookup")
            .and_then(|e| e.parse().ok())
            .expect("an external id that is a number")
    }
}

fn round_trip(partition: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = sample(&dir.path().join("a.mmg"), 200);
    let out = dir.path().join("out");
    let options = ExportOptions {
        partition,
        force: false,
    };
    let read = original.begin_read().expect("read");
    let summary = export(&read, &out, options).expect("export");
    assert_eq!(summary.ids, IdSource::NodeIds);
    assert_eq!(
        (summary.vertices, summary.edges),
        (read.node_count(), read.edge_count())
    );
    if partition {
        assert!(out.join("vertices/kind=a%2Fb%3Dc/part-0.parquet").is_file());
        assert!(out.join("edges/type=lives%2Fin/part-0.parquet").is_file());
    }

    let copy = Graph::open(dir.path().join("b.mmg")).expect("open");
    let imported = import(&copy, &out).expect("import");
    assert_eq!(
        (imported.vertices, imported.edges),
        (summary.vertices, summary.edges)
    );
    let copied = copy.begin_read().expect("read");
    let node_id = |n: NodeId| n.0 as i64;
    assert_eq!(
        contents(&read, node_id),
        contents(&copied, external_id(&copied))
    );
    for kind in KINDS {
        assert_eq!(
            read.count_by_kind(kind).expect("count"),
            copied.count_by_kind(kind).expect("count")
        );
    }

    // The way back out keeps the ids the first trip gave.
    let again = dir.path().join("again");
    let second = export(&copied, &again, options).expect("export");
    assert_eq!(second.ids, IdSource::External);
    let third = Graph::open(dir.path().join("c.mmg")).expect("open");
    import(&third, &again).expect("import");
    let third = third.begin_read().expect("read");
    assert_eq!(
        contents(&read, node_id),
        contents(&third, external_id(&third))
    );
}

#[test]
fn one_file_per_table_round_trips() {
    round_trip(false);
}

#[test]
fn partitioned_by_kind_and_type_round_trips() {
    round_trip(true);
}

#[test]
fn a_table_past_one_row_group_is_written_in_several() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = Graph::open(dir.path().join("a.mmg")).expect("open");
    let mut txn = graph.begin_write().expect("write");
    let rows = parquet_io::layout::ROW_GROUP_ROWS as u64 + 10;
    for i in 0..rows {
        txn.add_node("n", &i.to_string(), b"").expect("node");
    }
    txn.commit().expect("commit");
    let out = dir.path().join("out");
    let read = graph.begin_read().expect("read");
    export(&read, &out, ExportOptions::default()).expect("export");
    let file = std::fs::File::open(out.join("vertices.parquet")).expect("file");
    let reader =
        parquet::file::serialized_reader::SerializedFileReader::new(file).expect("parquet");
    use parquet::file::reader::FileReader;
    assert_eq!(reader.metadata().num_row_groups(), 2);
    let copy = Graph::open(dir.path().join("b.mmg")).expect("open");
    assert_eq!(import(&copy, &out).expect("import").vertices, rows);
}

#[test]
fn an_export_into_a_directory_with_files_is_refused_unless_forced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = sample(&dir.path().join("a.mmg"), 20);
    let read = graph.begin_read().expect("read");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "mine").expect("write");
    let refused = export(&read, &out, ExportOptions::default());
    assert!(
        matches!(refused, Err(parquet_io::Error::NotEmpty(_))),
        "{refused:?}"
    );
    assert!(!out.join("vertices.parquet").exists());

    // A forced export replaces an earlier export's tables, partitions included.
    let partitioned = ExportOptions {
        partition: true,
        force: true,
    };
    export(&read, &out, partitioned).expect("forced");
    let forced = ExportOptions {
        partition: false,
        force: true,
    };
    export(&read, &out, forced).expect("forced");
    assert!(!out.join("vertices").exists());
    assert!(out.join("vertices.parquet").is_file());
    assert!(out.join("keep.txt").is_file());
}

#[test]
fn an_edges_file_alone_joins_the_vertices_of_an_earlier_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = sample(&dir.path().join("a.mmg"), 30);
    let out = dir.path().join("out");
    let read = original.begin_read().expect("read");
    export(&read, &out, ExportOptions::default()).expect("export");
    let copy = Graph::open(dir.path().join("b.mmg")).expect("open");
    let vertices = import(&copy, &out.join("vertices.parquet")).expect("vertices");
    let edges = import(&copy, &out.join("edges.parquet")).expect("edges");
    assert_eq!((vertices.vertices, vertices.edges), (read.node_count(), 0));
    assert_eq!((edges.vertices, edges.edges), (0, read.edge_count()));
}

#[test]
fn one_table_directory_of_a_partitioned_export_imports_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = sample(&dir.path().join("a.mmg"), 30);
    let out = dir.path().join("out");
    let read = original.begin_read().expect("read");
    let options = ExportOptions {
        partition: true,
        force: false,
    };
    export(&read, &out, options).expect("export");
    let copy = Graph::open(dir.path().join("b.mmg")).expect("open");
    let vertices = import(&copy, &out.join("vertices")).expect("vertices");
    let edges = import(&copy, &out.join("edges")).expect("edges");
    assert_eq!(
        (vertices.vertices, edges.edges),
        (read.node_count(), read.edge_count())
    );
    let copied = copy.begin_read().expect("read");
    for kind in KINDS {
        let count = |r: &graph::ReadTxn| r.count_by_kind(kind).expect("count");
        assert_eq!(count(&read), count(&copied));
    }
}

#[test]
fn an_import_leaves_the_name_index_with_full_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = Graph::open(dir.path().join("a.mmg")).expect("open");
    let mut txn = graph.begin_write().expect("write");
    // 20,000 nodes whose 14-byte names land all over the index.
    for i in 0..20_000u64 {
        let name = format!("{:08} taxon", (i * 2_654_435_761) % 100_000_007);
        txn.add_node("n", &name, b"").expect("node");
    }
    txn.commit().expect("commit");
    let out = dir.path().join("out");
    export(
        &graph.begin_read().expect("read"),
        &out,
        ExportOptions::default(),
    )
    .expect("export");
    let copy = Graph::open(dir.path().join("b.mmg")).expect("open");
    assert_eq!(import(&copy, &out).expect("import").vertices, 20_000);
    assert!(copy.check().expect("check").is_clean());
    // Keys of 20 bytes (name, separator, id), packed (about 19.5 bytes each, sharing the first
    // digits with the key before): 98 leaves and a branch, where slotted full leaves take 130.
    let stats = copy.stats().expect("stats");
    assert_eq!(stats.pages_by_structure["name index"], 99);
    let read = copy.begin_read().expect("read");
    assert_eq!(read.nodes_by_name_prefix("").count(), 20_000);
}
