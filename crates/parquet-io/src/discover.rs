//! Finding the files of an import: a single Parquet file, or a directory in the layout, one
//! file per table or a directory per table as Spark, DuckDB or a partitioned export write it
//! (every `*.parquet` file below it, skipping names that start with `_` or `.`, such as
//! Spark's `_SUCCESS` and checksums; `column=value` directories give a partition value), or
//! any other directory of Parquet files, each file's table told by its columns.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, io};
use crate::layout::Table;
use crate::partition;
use crate::reader::table_of;

/// One file to import, and the table it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableFile {
    /// The file.
    pub path: PathBuf,
    /// Its table.
    pub table: Table,
    /// The value a `kind=K` (or `type=T`) directory above it gives the partition column.
    pub partition: Option<String>,
}

/// The files under `path`, vertices before edges, each table's in path order.
pub fn discover(path: &Path) -> Result<Vec<TableFile>> {
    let metadata = std::fs::metadata(path).map_err(io(path))?;
    if metadata.is_file() {
        return Ok(vec![TableFile {
            path: path.to_owned(),
            table: table_of(path)?,
            partition: None,
        }]);
    }
    let mut files = Vec::new();
    for table in Table::ALL {
        let single = table.file(path);
        if single.is_file() {
            files.push(TableFile {
                path: single,
                table,
                partition: None,
            });
        }
        let dir = table.dir(path);
        if dir.is_dir() {
            let mut found = Vec::new();
            walk(&dir, &mut found)?;
            found.sort();
            for file in found {
                let partition = partition_value(&dir, &file, table)?;
                files.push(TableFile {
                    path: file,
                    table,
                    partition,
                });
            }
        }
    }
    if files.is_empty() {
        files = loose_files(path)?;
    }
    if files.is_empty() {
        return Err(Error::NoTables(path.to_owned()));
    }
    Ok(files)
}

/// The Parquet files below a directory that is not in the layout (such as one table's
/// directory, `DIR/edges`), each table's by its columns, vertices first.
fn loose_files(dir: &Path) -> Result<Vec<TableFile>> {
    let mut found = Vec::new();
    walk(dir, &mut found)?;
    found.sort();
    let mut files = Vec::new();
    for path in found {
        let table = table_of(&path)?;
        let partition = partition_value(dir, &path, table)?;
        files.push(TableFile {
            path,
            table,
            partition,
        });
    }
    files.sort_by_key(|f| f.table == Table::Edges);
    Ok(files)
}

/// Whether a file or directory name is one a reader skips.
fn hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// Every `*.parquet` file below `dir`, skipping hidden names.
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if hidden(&name) {
            continue;
        }
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if name.ends_with(".parquet") {
            found.push(path);
        }
    }
    Ok(())
}

/// The partition column's value that the directories between `dir` and `file` give, if any.
fn partition_value(dir: &Path, file: &Path, table: Table) -> Result<Option<String>> {
    let Ok(relative) = file.strip_prefix(dir) else {
        return Ok(None);
    };
    let mut value = None;
    for component in relative.parent().into_iter().flat_map(Path::components) {
        let component = component.as_os_str().to_string_lossy();
        if let Some((column, escaped)) = partition::split(&component)
            && column == table.partition_column()
        {
            let decoded = partition::unescape(escaped).map_err(|what| Error::Partition {
                path: file.to_owned(),
                component: component.to_string(),
                what,
            })?;
            value = Some(decoded);
        }
    }
    Ok(value)
}
