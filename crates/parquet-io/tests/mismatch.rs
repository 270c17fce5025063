//! A file that does not fit the layout is refused with the column and what was expected, and
//! an import that fails anywhere writes nothing; files from other writers (every column
//! optional, `data` as a string, extra columns, no `data`) are read.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use graph::{Graph, GraphRead};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::SchemaDescriptor;
use parquet_io::{Error, import};

/// One column's values for [`write`]; `None` is a null (the column must then be optional).
enum Col<'a> {
    I64(Vec<Option<i64>>),
    I32(Vec<i32>),
    Bytes(Vec<Option<&'a [u8]>>),
}

/// Definition levels for `values` when the column is optional.
fn levels<T>(values: &[Option<T>], optional: bool) -> Option<Vec<i16>> {
    optional.then(|| values.iter().map(|v| i16::from(v.is_some())).collect())
}

/// Writes a Parquet file with schema `schema` (message syntax) and one row group of `columns`.
fn write(path: &Path, schema: &str, columns: Vec<Col<'_>>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    let schema = Arc::new(parse_message_type(schema).expect("schema"));
    let descr = SchemaDescriptor::new(Arc::clone(&schema));
    let properties = Arc::new(WriterProperties::builder().build());
    let file = File::create(path).expect("create");
    let mut writer = SerializedFileWriter::new(file, schema, properties).expect("writer");
    let mut group = writer.next_row_group().expect("group");
    for (index, values) in columns.into_iter().enumerate() {
        let mut column = group
            .next_column()
            .expect("column")
            .expect("a column per value");
        let optional = descr.column(index).max_def_level() > 0;
        match values {
            Col::I64(v) => {
                let defs = levels(&v, optional);
                let present: Vec<i64> = v.iter().flatten().copied().collect();
                column
                    .typed::<Int64Type>()
                    .write_batch(&present, defs.as_deref(), None)
                    .expect("write");
            }
            Col::I32(v) => {
                column
                    .typed::<Int32Type>()
                    .write_batch(&v, None, None)
                    .expect("write");
            }
            Col::Bytes(v) => {
                let defs = levels(&v, optional);
                let present: Vec<ByteArray> = v
                    .iter()
                    .flatten()
                    .map(|b| ByteArray::from(b.to_vec()))
                    .collect();
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&present, defs.as_deref(), None)
                    .expect("write");
            }
        }
        column.close().expect("close");
    }
    group.close().expect("group");
    writer.close().expect("close");
}

const VERTICES: &str = "message vertices {
    required int64 id; required binary kind (STRING); required binary name (STRING);
    optional binary data; }";

fn texts<'a>(values: &[&'a str]) -> Col<'a> {
    Col::Bytes(values.iter().map(|v| Some(v.as_bytes())).collect())
}

/// Three good vertices, 1, 2 and 3.
fn good_vertices(dir: &Path) {
    write(
        &dir.join("vertices.parquet"),
        VERTICES,
        vec![
            Col::I64(vec![Some(1), Some(2), Some(3)]),
            texts(&["k", "k", "k"]),
            texts(&["a", "b", "c"]),
            Col::Bytes(vec![None, Some(b"{}"), None]),
        ],
    );
}

/// Imports `path` into a new graph; checks that the error is `expected` and that nothing
/// was written.
fn refused(path: &Path, expected: impl Fn(&Error) -> bool) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = Graph::open(dir.path().join("g.mmg")).expect("open");
    let error = import(&graph, path).expect_err("the import must fail");
    assert!(expected(&error), "unexpected error: {error}");
    let read = graph.begin_read().expect("read");
    assert_eq!((read.node_count(), read.edge_count()), (0, 0));
    assert!(read.kv_spaces().expect("spaces").is_empty());
    error.to_string()
}

#[test]
fn a_missing_column_is_named_with_its_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        "message v { required int64 id; required binary kind (STRING); }",
        vec![Col::I64(vec![Some(1)]), texts(&["k"])],
    );
    let message = refused(&path, |e| {
        matches!(e, Error::MissingColumn { column: "name", .. })
    });
    assert!(
        message.contains("no column `name`; expected BYTE_ARRAY (a string)"),
        "{message}"
    );
}

#[test]
fn an_id_of_another_integer_type_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        "message v { required int32 id; required binary kind (STRING); required binary name (STRING); }",
        vec![Col::I32(vec![1]), texts(&["k"]), texts(&["a"])],
    );
    let message = refused(&path, |e| {
        matches!(e, Error::ColumnType { column: "id", .. })
    });
    assert!(
        message.contains("column `id` is INT32; expected INT64"),
        "{message}"
    );
}

#[test]
fn a_text_column_of_numbers_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        "message v { required int64 id; required int64 kind; required binary name (STRING); }",
        vec![
            Col::I64(vec![Some(1)]),
            Col::I64(vec![Some(2)]),
            texts(&["a"]),
        ],
    );
    refused(&path, |e| {
        matches!(e, Error::ColumnType { column: "kind", .. })
    });
}

#[test]
fn a_bad_edges_file_beside_good_vertices_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    good_vertices(dir.path());
    write(
        &dir.path().join("edges.parquet"),
        "message e { required binary src (STRING); required int64 dst; required binary type (STRING); }",
        vec![texts(&["1"]), Col::I64(vec![Some(2)]), texts(&["t"])],
    );
    refused(dir.path(), |e| {
        matches!(e, Error::ColumnType { column: "src", .. })
    });
}

#[test]
fn a_null_id_fails_the_import_at_its_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        "message v { optional int64 id; optional binary kind (STRING); optional binary name (STRING); }",
        vec![
            Col::I64(vec![Some(1), None]),
            texts(&["k", "k"]),
            texts(&["a", "b"]),
        ],
    );
    let message = refused(&path, |e| {
        matches!(
            e,
            Error::Value {
                row: 1,
                column: "id",
                ..
            }
        )
    });
    assert!(message.contains("row 1, column `id`: null"), "{message}");
}

#[test]
fn a_kind_that_is_not_utf8_fails_the_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        "message v { required int64 id; required binary kind; required binary name (STRING); }",
        vec![
            Col::I64(vec![Some(1)]),
            Col::Bytes(vec![Some(&[0xff][..])]),
            texts(&["a"]),
        ],
    );
    refused(&path, |e| {
        matches!(
            e,
            Error::Value {
                row: 0,
                column: "kind",
                ..
            }
        )
    });
}

#[test]
fn an_edge_to_an_unknown_vertex_fails_the_whole_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    good_vertices(dir.path());
    write(
        &dir.path().join("edges.parquet"),
        "message e { required int64 src; required int64 dst; required binary type (STRING); }",
        vec![
            Col::I64(vec![Some(1), Some(3)]),
            Col::I64(vec![Some(2), Some(99)]),
            texts(&["t", "t"]),
        ],
    );
    refused(dir.path(), |e| {
        matches!(
            e,
            Error::UnknownVertex {
                row: 1,
                column: "dst",
                id: 99,
                ..
            }
        )
    });
}

#[test]
fn a_vertex_id_given_twice_fails_the_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        VERTICES,
        vec![
            Col::I64(vec![Some(7), Some(7)]),
            texts(&["k", "k"]),
            texts(&["a", "b"]),
            Col::Bytes(vec![None, None]),
        ],
    );
    refused(&path, |e| matches!(e, Error::IdTaken { row: 1, id: 7, .. }));
}

#[test]
fn an_empty_kind_is_refused_by_the_graph_at_its_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.parquet");
    write(
        &path,
        VERTICES,
        vec![
            Col::I64(vec![Some(1)]),
            texts(&[""]),
            texts(&["a"]),
            Col::Bytes(vec![None]),
        ],
    );
    refused(&path, |e| matches!(e, Error::Rejected { row: 0, .. }));
}

#[test]
fn a_directory_without_tables_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    refused(dir.path(), |e| matches!(e, Error::NoTables(_)));
}

#[test]
fn a_partition_directory_that_cannot_be_decoded_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("vertices/kind=%zz/part-0.parquet"),
        "message v { required int64 id; required binary name (STRING); }",
        vec![Col::I64(vec![Some(1)]), texts(&["a"])],
    );
    refused(dir.path(), |e| matches!(e, Error::Partition { .. }));
}

#[test]
fn files_as_spark_writes_them_are_read() {
    // Every column optional, data as a string, an extra column, a directory per table with
    // part files and a _SUCCESS marker, partition values in the path.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("spark");
    write(
        &root.join("vertices/kind=person/part-00000-abc.snappy.parquet"),
        "message spark_schema { optional int64 id; optional binary name (STRING);
         optional binary data (STRING); required int32 degree; }",
        vec![
            Col::I64(vec![Some(10), Some(11)]),
            texts(&["ann", "bob"]),
            Col::Bytes(vec![Some(b"{\"age\":3}"), None]),
            Col::I32(vec![1, 2]),
        ],
    );
    std::fs::write(root.join("vertices/_SUCCESS"), "").expect("marker");
    write(
        &root.join("edges/part-00000-def.snappy.parquet"),
        "message spark_schema { optional int64 src; optional int64 dst; optional binary type (STRING); }",
        vec![
            Col::I64(vec![Some(10)]),
            Col::I64(vec![Some(11)]),
            texts(&["knows"]),
        ],
    );
    let db = dir.path().join("g.mmg");
    let graph = Graph::open(&db).expect("open");
    let summary = import(&graph, &root).expect("import");
    assert_eq!((summary.vertices, summary.edges), (2, 1));
    let read = graph.begin_read().expect("read");
    let ann = graph::external_ids::node_of(&read, "10")
        .expect("lookup")
        .expect("ann");
    let node = read.node(ann).expect("read").expect("ann");
    assert_eq!(node.kind().expect("kind"), "person");
    assert_eq!(node.data().expect("data").as_ref(), b"{\"age\":3}");
    assert_eq!(read.degree(ann, graph::Direction::Out).expect("degree"), 1);
}
