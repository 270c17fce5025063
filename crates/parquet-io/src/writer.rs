//! One Parquet file of one table, written a row group at a time: rows are buffered until a
//! row group is full (by rows or by bytes), then encoded and written, so the memory an export
//! needs is one row group, whatever the size of the graph.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::error::{Result, io, parquet};
use crate::layout::{Column, ColumnType, Table};

/// Rows per row group, at most.
pub const ROW_GROUP_ROWS: usize = 1 << 16;
/// Bytes of text and data buffered before a row group is written, at most (plus one row).
pub const ROW_GROUP_BYTES: usize = 64 << 20;

/// One row's value in one column.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// An id.
    Id(i64),
    /// Text.
    Text(&'a str),
    /// Data; empty is written as null.
    Data(&'a [u8]),
}

/// A column's buffered values.
enum Buffer {
    Ids(Vec<i64>),
    Texts(Vec<ByteArray>),
    /// Non-null values, and a definition level per row (0 null, 1 present).
    Data(Vec<ByteArray>, Vec<i16>),
}

/// A Parquet file being written.
pub struct TableWriter {
    path: PathBuf,
    file: SerializedFileWriter<File>,
    columns: Vec<(Column, Buffer)>,
    rows: usize,
    bytes: usize,
    written: u64,
}

/// The Parquet schema of `columns`.
fn schema(table: Table, columns: &[Column]) -> Result<Type, parquet::errors::ParquetError> {
    let fields = columns
        .iter()
        .map(|c| {
            let builder = match c.column_type {
                ColumnType::Id => Type::primitive_type_builder(c.name, PhysicalType::INT64)
                    .with_repetition(Repetition::REQUIRED),
                ColumnType::Text => Type::primitive_type_builder(c.name, PhysicalType::BYTE_ARRAY)
                    .with_logical_type(Some(LogicalType::String))
                    .with_repetition(Repetition::REQUIRED),
                ColumnType::Data => Type::primitive_type_builder(c.name, PhysicalType::BYTE_ARRAY)
                    .with_repetition(Repetition::OPTIONAL),
            };
            builder.build().map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Type::group_type_builder(table.name())
        .with_fields(fields)
        .build()
}

impl TableWriter {
    /// Creates `path` (and its directory) for `table`'s `columns`.
    pub fn create(path: &Path, table: Table, columns: Vec<Column>) -> Result<TableWriter> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let file = File::create(path).map_err(io(path))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("mmgraph parquet-io {}", env!("CARGO_PKG_VERSION")))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let schema = schema(table, &columns).map_err(parquet(path))?;
        let file = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))
            .map_err(parquet(path))?;
        let columns = columns
            .into_iter()
            .map(|c| {
                let buffer = match c.column_type {
                    ColumnType::Id => Buffer::Ids(Vec::new()),
                    ColumnType::Text => Buffer::Texts(Vec::new()),
                    ColumnType::Data => Buffer::Data(Vec::new(), Vec::new()),
                };
                (c, buffer)
            })
            .collect();
        Ok(TableWriter {
            path: path.to_owned(),
            file,
            columns,
            rows: 0,
            bytes: 0,
            written: 0,
        })
    }

    /// Adds one row: `values` in the order of the writer's columns (a value of the wrong kind
    /// for its column, or a missing one, is a mistake of this crate's and is refused).
    pub fn push(&mut self, values: &[Value<'_>]) -> Result<()> {
        if values.len() != self.columns.len() {
            return Err(self.mismatch());
        }
        for ((_, buffer), value) in self.columns.iter_mut().zip(values) {
            match (buffer, *value) {
                (Buffer::Ids(ids), Value::Id(id)) => ids.push(id),
                (Buffer::Texts(texts), Value::Text(text)) => {
                    self.bytes += text.len();
                    texts.push(ByteArray::from(text));
                }
                (Buffer::Data(values, levels), Value::Data(data)) => {
                    self.bytes += data.len();
                    if data.is_empty() {
                        levels.push(0);
                    } else {
                        levels.push(1);
                        values.push(ByteArray::from(data.to_vec()));
                    }
                }
                _ => return Err(self.mismatch()),
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS || self.bytes >= ROW_GROUP_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    fn mismatch(&self) -> crate::Error {
        crate::Error::Parquet {
            path: self.path.clone(),
            source: parquet::errors::ParquetError::General(
                "a row does not match the table's columns".into(),
            ),
        }
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let path = &self.path;
        let mut group = self.file.next_row_group().map_err(parquet(path))?;
        for (_, buffer) in &mut self.columns {
            let Some(mut column) = group.next_column().map_err(parquet(path))? else {
                break;
            };
            match buffer {
                Buffer::Ids(ids) => {
                    column
                        .typed::<Int64Type>()
                        .write_batch(ids, None, None)
                        .map_err(parquet(path))?;
                    ids.clear();
                }
                Buffer::Texts(texts) => {
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(texts, None, None)
                        .map_err(parquet(path))?;
                    texts.clear();
                }
                Buffer::Data(values, levels) => {
                    column
                        .typed::<ByteArrayType>()
                        .write_batch(values, Some(levels), None)
                        .map_err(parquet(path))?;
                    values.clear();
                    levels.clear();
                }
            }
            column.close().map_err(parquet(path))?;
        }
        group.close().map_err(parquet(path))?;
        self.written += self.rows as u64;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }

    /// Writes what is buffered and the file's footer; returns the number of rows.
    pub fn finish(mut self) -> Result<u64> {
        self.flush()?;
        self.file.close().map_err(parquet(&self.path))?;
        Ok(self.written)
    }
}
