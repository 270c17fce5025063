//! One Parquet file of one table, checked against the layout and read in batches of rows.
//!
//! Any writer's file is accepted when its columns have the layout's names and types: required
//! or optional (Spark writes every column optional; a null where a value is needed is an error
//! naming the row), with or without a string annotation on `data`, in any order, with other
//! columns beside them (ignored). A partition column may come from the file's directory
//! (`kind=K`) instead; `data` may be missing (no data).

use std::fs::File;
use std::path::{Path, PathBuf};

use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::data_type::ByteArray;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::ColumnDescriptor;

use crate::error::{Error, Result, io, parquet};
use crate::layout::{Column, ColumnType, Table};

/// Rows read from each column at a time.
const BATCH_ROWS: usize = 8192;

/// Where a table column's values come from.
#[derive(Clone, Debug)]
enum Source {
    /// The file's leaf column with this index.
    File(usize),
    /// A partition directory's value, the same for every row.
    Partition(String),
    /// Nowhere: `data` the file does not have, empty for every row.
    Absent,
}

/// A checked file, ready to read.
pub struct TableReader {
    path: PathBuf,
    table: Table,
    file: SerializedFileReader<File>,
    /// Per column of the table, in [`Table::columns`] order.
    sources: Vec<Source>,
}

/// One column's values in a batch; `None` is a null.
enum Values {
    Ids(Vec<Option<i64>>),
    Bytes(Vec<Option<ByteArray>>),
    Constant(String),
    Absent,
}

/// Rows read together, column by column, with where they are in the file.
pub struct Batch<'t> {
    reader: &'t TableReader,
    /// The file's row index of the batch's first row.
    first_row: u64,
    rows: usize,
    /// Per column of the table, in [`Table::columns`] order.
    values: Vec<Values>,
}

/// How an error describes the type of `descr`.
fn describe(descr: &ColumnDescriptor) -> String {
    let mut found = descr.physical_type().to_string();
    if let Some(logical) = descr.logical_type_ref() {
        found.push_str(&format!(" ({logical:?})"));
    }
    if descr.max_rep_level() > 0 {
        found.push_str(", repeated");
    }
    found
}

/// Whether `descr` can hold `column`'s values.
fn fits(column: Column, descr: &ColumnDescriptor) -> bool {
    if descr.max_rep_level() > 0 || descr.path().parts().len() != 1 {
        return false;
    }
    let logical = descr.logical_type_ref();
    match column.column_type {
        ColumnType::Id => {
            descr.physical_type() == PhysicalType::INT64
                && match logical {
                    None => true,
                    Some(LogicalType::Integer(int)) => int.bit_width == 64 && int.is_signed,
                    Some(_) => false,
                }
        }
        ColumnType::Text => {
            descr.physical_type() == PhysicalType::BYTE_ARRAY
                && matches!(
                    logical,
                    None | Some(LogicalType::String | LogicalType::Enum | LogicalType::Json)
                )
        }
        ColumnType::Data => {
            descr.physical_type() == PhysicalType::BYTE_ARRAY
                && !matches!(logical, Some(LogicalType::Decimal { .. }))
        }
    }
}

impl TableReader {
    /// Opens `path` as a file of `table` and checks its columns; `partition` is the value its
    /// directory gives the table's partition column, if any.
    pub fn open(path: &Path, table: Table, partition: Option<String>) -> Result<TableReader> {
        let file = File::open(path).map_err(io(path))?;
        let file = SerializedFileReader::new(file).map_err(parquet(path))?;
        let schema = file.metadata().file_metadata().schema_descr_ptr();
        let leaves = schema.columns();
        let mut sources = Vec::new();
        for column in table.columns() {
            let found = leaves
                .iter()
                .position(|d| d.path().parts().first().map(String::as_str) == Some(column.name));
            let source = match (found, &partition) {
                (Some(index), _) => {
                    let descr = leaves.get(index).ok_or_else(|| Error::MissingColumn {
                        path: path.to_owned(),
                        column: column.name,
                        expected: column.column_type.expected(),
                    })?;
                    if !fits(*column, descr) {
                        return Err(Error::ColumnType {
                            path: path.to_owned(),
                            column: column.name,
                            expected: column.column_type.expected(),
                            found: describe(descr),
                        });
                    }
                    Source::File(index)
                }
                (None, Some(value)) if column.name == table.partition_column() => {
                    Source::Partition(value.clone())
                }
                (None, _) if column.column_type == ColumnType::Data => Source::Absent,
                (None, _) => {
                    return Err(Error::MissingColumn {
                        path: path.to_owned(),
                        column: column.name,
                        expected: column.column_type.expected(),
                    });
                }
            };
            sources.push(source);
        }
        Ok(TableReader {
            path: path.to_owned(),
            table,
            file,
            sources,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The table the file belongs to.
    pub fn table(&self) -> Table {
        self.table
    }

    /// Calls `each` with every batch of rows, in file order.
    pub fn for_each_batch(&self, mut each: impl FnMut(&Batch<'_>) -> Result<()>) -> Result<()> {
        let mut first_row = 0u64;
        for group in 0..self.file.num_row_groups() {
            let group = self
                .file
                .get_row_group(group)
                .map_err(parquet(&self.path))?;
            let mut readers = self
                .sources
                .iter()
                .map(|source| match source {
                    Source::File(index) => group
                        .get_column_reader(*index)
                        .map(Some)
                        .map_err(parquet(&self.path)),
                    _ => Ok(None),
                })
                .collect::<Result<Vec<_>>>()?;
            let mut left = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
            while left > 0 {
                let want = left.min(BATCH_ROWS);
                let mut values = Vec::with_capacity(readers.len());
                for (reader, source) in readers.iter_mut().zip(&self.sources) {
                    values.push(self.read_column(reader.as_mut(), source, want)?);
                }
                let batch = Batch {
                    reader: self,
                    first_row,
                    rows: want,
                    values,
                };
                each(&batch)?;
                left -= want;
                first_row += want as u64;
            }
        }
        Ok(())
    }

    /// The next `rows` values of one column.
    fn read_column(
        &self,
        reader: Option<&mut ColumnReader>,
        source: &Source,
        rows: usize,
    ) -> Result<Values> {
        let short = |got: usize| Error::Parquet {
            path: self.path.clone(),
            source: parquet::errors::ParquetError::General(format!(
                "a column chunk holds fewer rows than its row group ({got} of {rows} read)"
            )),
        };
        Ok(match (reader, source) {
            (Some(ColumnReader::Int64ColumnReader(r)), _) => {
                let (mut levels, mut values) = (Vec::new(), Vec::new());
                let (records, _, _) = r
                    .read_records(rows, Some(&mut levels), None, &mut values)
                    .map_err(parquet(&self.path))?;
                if records != rows {
                    return Err(short(records));
                }
                Values::Ids(spread(levels, values, rows))
            }
            (Some(ColumnReader::ByteArrayColumnReader(r)), _) => {
                let (mut levels, mut values) = (Vec::new(), Vec::new());
                let (records, _, _) = r
                    .read_records(rows, Some(&mut levels), None, &mut values)
                    .map_err(parquet(&self.path))?;
                if records != rows {
                    return Err(short(records));
                }
                Values::Bytes(spread(levels, values, rows))
            }
            // The schema check admitted INT64 and BYTE_ARRAY columns only.
            (Some(_), _) => {
                return Err(Error::Parquet {
                    path: self.path.clone(),
                    source: parquet::errors::ParquetError::General(
                        "a column's reader is of neither INT64 nor BYTE_ARRAY".into(),
                    ),
                });
            }
            (None, Source::Partition(value)) => Values::Constant(value.clone()),
            (None, _) => Values::Absent,
        })
    }
}

/// Values with their nulls put back: `levels` has a definition level per row (0 null) when
/// the column is optional, and nothing when it is required.
fn spread<T>(levels: Vec<i16>, values: Vec<T>, rows: usize) -> Vec<Option<T>> {
    if levels.len() != rows {
        return values.into_iter().map(Some).collect();
    }
    let mut values = values.into_iter();
    levels
        .into_iter()
        .map(|level| if level > 0 { values.next() } else { None })
        .collect()
}

impl Batch<'_> {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The file the rows are from.
    pub fn path(&self) -> &Path {
        &self.reader.path
    }

    /// The file's row index of row `row` of the batch.
    pub fn row_in_file(&self, row: usize) -> u64 {
        self.first_row + row as u64
    }

    fn error(&self, row: usize, column: usize, what: &str) -> Error {
        let name = self
            .reader
            .table
            .columns()
            .get(column)
            .map_or("?", |c| c.name);
        Error::Value {
            path: self.reader.path.clone(),
            row: self.row_in_file(row),
            column: name,
            what: what.to_owned(),
        }
    }

    /// The id in column `column` (by [`Table::columns`] index) of row `row`.
    pub fn id(&self, row: usize, column: usize) -> Result<i64> {
        match self.values.get(column) {
            Some(Values::Ids(ids)) => ids
                .get(row)
                .copied()
                .flatten()
                .ok_or_else(|| self.error(row, column, "null, where an id is needed")),
            _ => Err(self.error(row, column, "not an id column")),
        }
    }

    /// The text in column `column` of row `row`.
    pub fn text(&self, row: usize, column: usize) -> Result<&str> {
        match self.values.get(column) {
            Some(Values::Bytes(values)) => {
                let bytes = values
                    .get(row)
                    .and_then(Option::as_ref)
                    .ok_or_else(|| self.error(row, column, "null, where text is needed"))?;
                std::str::from_utf8(bytes.data())
                    .map_err(|_| self.error(row, column, "not UTF-8 text"))
            }
            Some(Values::Constant(value)) => Ok(value),
            _ => Err(self.error(row, column, "not a text column")),
        }
    }

    /// The data in column `column` of row `row`: empty for a null or a missing column.
    pub fn data(&self, row: usize, column: usize) -> &[u8] {
        match self.values.get(column) {
            Some(Values::Bytes(values)) => values
                .get(row)
                .and_then(Option::as_ref)
                .map_or(&[], ByteArray::data),
            _ => &[],
        }
    }
}

/// Which table a single file holds, by its columns: edges when it has `src`, else vertices.
pub fn table_of(path: &Path) -> Result<Table> {
    let file = File::open(path).map_err(io(path))?;
    let file = SerializedFileReader::new(file).map_err(parquet(path))?;
    let schema = file.metadata().file_metadata().schema_descr_ptr();
    let has_src = schema
        .columns()
        .iter()
        .any(|d| d.path().parts().first().map(String::as_str) == Some("src"));
    Ok(if has_src {
        Table::Edges
    } else {
        Table::Vertices
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_puts_nulls_where_the_levels_say() {
        assert_eq!(
            spread(vec![1, 0, 1, 0], vec![7, 9], 4),
            [Some(7), None, Some(9), None]
        );
        assert_eq!(spread(Vec::new(), vec![1, 2], 2), [Some(1), Some(2)]);
    }
}
