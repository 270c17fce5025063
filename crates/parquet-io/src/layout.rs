//! The GraphFrames layout: the two tables, their columns and types, and where their files go.
//!
//! ```text
//! vertices: id INT64, kind STRING, name STRING, data BINARY (null when empty)
//! edges:    src INT64, dst INT64, type STRING, data BINARY (null when empty)
//!
//! DIR/vertices.parquet, DIR/edges.parquet                         one file per table
//! DIR/vertices/kind=K/part-0.parquet, DIR/edges/type=T/part-0.parquet   partitioned (Hive)
//! ```
//!
//! `data` is binary, not string: a node's or edge's data is any bytes, and a string column
//! would have to refuse (or mangle) bytes that are not UTF-8. Data that is JSON text, as the
//! importers store it, reads back as text with `CAST(data AS STRING)` (Spark), `decode(data)`
//! (DuckDB) or `.decode()` (Python). A partitioned file leaves out its partition column: the
//! directory name carries it, as Spark, DuckDB and pyarrow expect.

use std::path::{Path, PathBuf};

use crate::partition;
pub use crate::writer::{ROW_GROUP_BYTES, ROW_GROUP_ROWS};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// A vertex id: INT64, never null.
    Id,
    /// A kind, name or edge type: UTF-8 text (BYTE_ARRAY), never null.
    Text,
    /// Node or edge data: bytes (BYTE_ARRAY, binary or string), null meaning none.
    Data,
}

impl ColumnType {
    /// How an error names the type a column needs.
    pub fn expected(self) -> &'static str {
        match self {
            ColumnType::Id => "INT64 (a signed 64-bit integer)",
            ColumnType::Text => "BYTE_ARRAY (a string)",
            ColumnType::Data => "BYTE_ARRAY (binary or string)",
        }
    }
}

/// One column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub column_type: ColumnType,
}

/// One of the two tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// The nodes.
    Vertices,
    /// The edges.
    Edges,
}

const VERTEX_COLUMNS: [Column; 4] = [
    Column {
        name: "id",
        column_type: ColumnType::Id,
    },
    Column {
        name: "kind",
        column_type: ColumnType::Text,
    },
    Column {
        name: "name",
        column_type: ColumnType::Text,
    },
    Column {
        name: "data",
        column_type: ColumnType::Data,
    },
];

const EDGE_COLUMNS: [Column; 4] = [
    Column {
        name: "src",
        column_type: ColumnType::Id,
    },
    Column {
        name: "dst",
        column_type: ColumnType::Id,
    },
    Column {
        name: "type",
        column_type: ColumnType::Text,
    },
    Column {
        name: "data",
        column_type: ColumnType::Data,
    },
];

impl Table {
    /// Both tables, vertices first (an import adds the nodes before the edges that name them).
    pub const ALL: [Table; 2] = [Table::Vertices, Table::Edges];

    /// The table's name: its file's stem and its directory's name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Vertices => "vertices",
            Table::Edges => "edges",
        }
    }

    /// Its columns, in the order an export writes them.
    pub fn columns(self) -> &'static [Column; 4] {
        match self {
            Table::Vertices => &VERTEX_COLUMNS,
            Table::Edges => &EDGE_COLUMNS,
        }
    }

    /// The column a partitioned export splits it by: `kind` or `type`.
    pub fn partition_column(self) -> &'static str {
        match self {
            Table::Vertices => "kind",
            Table::Edges => "type",
        }
    }

    /// The columns a file of this table holds: all, or all but the partition column.
    pub fn file_columns(self, partitioned: bool) -> impl Iterator<Item = Column> {
        let skip = partitioned.then(|| self.partition_column());
        self.columns()
            .iter()
            .copied()
            .filter(move |c| Some(c.name) != skip)
    }

    /// The table's single file: `DIR/vertices.parquet`.
    pub fn file(self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.parquet", self.name()))
    }

    /// The table's directory, partitioned or as Spark writes it: `DIR/vertices`.
    pub fn dir(self, dir: &Path) -> PathBuf {
        dir.join(self.name())
    }

    /// The file of one partition: `DIR/vertices/kind=K/part-0.parquet`, `K` escaped as Hive
    /// escapes it.
    pub fn partition_file(self, dir: &Path, value: &str) -> PathBuf {
        self.dir(dir)
            .join(format!(
                "{}={}",
                self.partition_column(),
                partition::escape(value)
            ))
            .join("part-0.parquet")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partitioned_file_leaves_out_the_partition_column() {
        let names: Vec<_> = Table::Vertices.file_columns(true).map(|c| c.name).collect();
        assert_eq!(names, ["id", "name", "data"]);
        let names: Vec<_> = Table::Edges.file_columns(true).map(|c| c.name).collect();
        assert_eq!(names, ["src", "dst", "data"]);
        assert_eq!(Table::Edges.file_columns(false).count(), 4);
    }

    #[test]
    fn partition_files_sit_in_hive_style_directories() {
        let path = Table::Edges.partition_file(Path::new("out"), "a/b");
        assert_eq!(path, Path::new("out/edges/type=a%2Fb/part-0.parquet"));
    }
}
