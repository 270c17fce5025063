//! Export: a read snapshot as the two tables, one file each or one file per kind and per edge
//! type, streamed a row group at a time.

use std::path::{Path, PathBuf};

use graph::{Direction, GraphRead, NeighborCursor, NodeId};

use crate::error::{Error, Result, io};
use crate::layout::Table;
use crate::writer::{TableWriter, Value};
use graph::external_ids;

/// How an export is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// One file per kind and per edge type, in Hive-style directories
    /// (`vertices/kind=K/part-0.parquet`), rather than one file per table.
    pub partition: bool,
    /// Export into a directory that is not empty (replacing the tables a previous export left
    /// there; other files are left alone).
    pub force: bool,
}

/// Which ids the `id`, `src` and `dst` columns hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdSource {
    /// Every node has an external id that is a 64-bit integer (as after importing Parquet or
    /// an edge list of numbers): those, so that ids survive a trip out and back.
    External,
    /// The nodes' own ids (some node had no numeric external id).
    NodeIds,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    /// Rows in the vertices table.
    pub vertices: u64,
    /// Rows in the edges table.
    pub edges: u64,
    /// The files written, vertices first.
    pub files: Vec<PathBuf>,
    /// Which ids the id columns hold.
    pub ids: IdSource,
}

/// Vertex ids as an export writes them.
enum Ids {
    Nodes,
    /// Indexed by node id.
    External(Vec<Option<i64>>),
}

/// A node id as an INT64: node ids are below 2^40 ([`graph::MAX_IDS`]), so it always fits.
fn node_id_value(node: NodeId) -> i64 {
    i64::try_from(node.0).unwrap_or(i64::MAX)
}

impl Ids {
    /// External ids when every live node has one that is a 64-bit integer written the usual
    /// way (so that no two nodes share one), else node ids. Reads the external ids once,
    /// in node order, and keeps 16 bytes per node id.
    fn choose(read: &impl GraphRead) -> Result<Ids> {
        if external_ids::recorded(read)? < read.node_count() || read.node_count() == 0 {
            return Ok(Ids::Nodes);
        }
        let bound = usize::try_from(read.scan(None).id_bound()).unwrap_or(usize::MAX);
        let mut table = vec![None; bound];
        for entry in external_ids::all(read)? {
            let (node, text) = entry?;
            let ext = text.parse::<i64>().ok().filter(|n| n.to_string() == text);
            let slot = usize::try_from(node.0).ok().and_then(|n| table.get_mut(n));
            if let (Some(slot), Some(ext)) = (slot, ext) {
                *slot = Some(ext);
            }
        }
        for node in read.nodes() {
            let id = usize::try_from(node?.id().0).unwrap_or(usize::MAX);
            if table.get(id).copied().flatten().is_none() {
                return Ok(Ids::Nodes);
            }
        }
        Ok(Ids::External(table))
    }

    fn of(&self, node: NodeId) -> i64 {
        match self {
            Ids::Nodes => node_id_value(node),
            Ids::External(table) => usize::try_from(node.0)
                .ok()
                .and_then(|n| table.get(n).copied().flatten())
                .unwrap_or_else(|| node_id_value(node)),
        }
    }

    fn source(&self) -> IdSource {
        match self {
            Ids::Nodes => IdSource::NodeIds,
            Ids::External(_) => IdSource::External,
        }
    }
}

/// Refuses a directory that holds anything, unless `force`; with `force`, removes what an
/// earlier export wrote there (so that no partition of it survives into the new export).
fn prepare(dir: &Path, force: bool) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(Error::NotEmpty(dir.to_owned()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(dir)(e)),
    }
    for table in Table::ALL {
        let file = table.file(dir);
        if file.is_file() {
            std::fs::remove_file(&file).map_err(io(file))?;
        }
        let sub = table.dir(dir);
        if sub.is_dir() {
            std::fs::remove_dir_all(&sub).map_err(io(sub))?;
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))
}

/// Writes the rows `rows` produces into `path` (made only when there is a row) and records
/// the file in `files`; returns the row count.
fn write_file(
    files: &mut Vec<PathBuf>,
    path: PathBuf,
    table: Table,
    partitioned: bool,
    rows: impl FnOnce(&mut dyn FnMut(&[Value<'_>]) -> Result<()>) -> Result<()>,
) -> Result<u64> {
    let mut writer: Option<TableWriter> = None;
    rows(&mut |values| {
        let w = match &mut writer {
            Some(w) => w,
            empty => empty.insert(TableWriter::create(
                &path,
                table,
                table.file_columns(partitioned).collect(),
            )?),
        };
        w.push(values)
    })?;
    let Some(writer) = writer else {
        return Ok(0);
    };
    let rows = writer.finish()?;
    files.push(path);
    Ok(rows)
}

/// The vertices table as one file.
fn vertices(read: &impl GraphRead, dir: &Path, ids: &Ids, files: &mut Vec<PathBuf>) -> Result<u64> {
    write_file(
        files,
        Table::Vertices.file(dir),
        Table::Vertices,
        false,
        |push| {
            for node in read.nodes() {
                let node = node?;
                let (kind, name, data) = (node.kind()?, node.name()?, node.data()?);
                push(&[
                    Value::Id(ids.of(node.id())),
                    Value::Text(&kind),
                    Value::Text(&name),
                    Value::Data(&data),
                ])?;
            }
            Ok(())
        },
    )
}

/// The vertices table as one file per kind, each read from the kind index.
fn vertices_by_kind(
    read: &impl GraphRead,
    dir: &Path,
    ids: &Ids,
    files: &mut Vec<PathBuf>,
) -> Result<u64> {
    let mut total = 0;
    for (_, kind) in read.kinds()? {
        let path = Table::Vertices.partition_file(dir, &kind);
        total += write_file(files, path, Table::Vertices, true, |push| {
            for id in read.nodes_by_kind(&kind)? {
                let Some(node) = read.node(id?)? else {
                    continue;
                };
                let (name, data) = (node.name()?, node.data()?);
                push(&[
                    Value::Id(ids.of(node.id())),
                    Value::Text(&name),
                    Value::Data(&data),
                ])?;
            }
            Ok(())
        })?;
    }
    Ok(total)
}

/// The edges table as one file.
fn edges(read: &impl GraphRead, dir: &Path, ids: &Ids, files: &mut Vec<PathBuf>) -> Result<u64> {
    write_file(files, Table::Edges.file(dir), Table::Edges, false, |push| {
        for edge in read.edges() {
            let edge = edge?;
            let (edge_type, data) = (edge.edge_type()?, edge.data()?);
            push(&[
                Value::Id(ids.of(edge.from())),
                Value::Id(ids.of(edge.to())),
                Value::Text(&edge_type),
                Value::Data(&data),
            ])?;
        }
        Ok(())
    })
}

/// The edges table as one file per edge type, each made by a pass over the nodes' out-lists
/// of that type (a type's segments are read on their own, so a pass costs that type's edges
/// plus one list lookup per node id).
fn edges_by_type(
    read: &impl GraphRead,
    dir: &Path,
    ids: &Ids,
    files: &mut Vec<PathBuf>,
) -> Result<u64> {
    let mut total = 0;
    let bound = read.scan(None).id_bound();
    for (type_id, edge_type) in read.edge_types()? {
        let path = Table::Edges.partition_file(dir, &edge_type);
        total += write_file(files, path, Table::Edges, true, |push| {
            for from in (0..bound).map(NodeId) {
                for neighbor in read.neighbors_by_type_id(from, Direction::Out, Some(type_id))? {
                    let neighbor = neighbor?;
                    let Some(edge) = read.edge(neighbor.edge)? else {
                        continue;
                    };
                    let data = edge.data()?;
                    push(&[
                        Value::Id(ids.of(from)),
                        Value::Id(ids.of(neighbor.node)),
                        Value::Data(&data),
                    ])?;
                }
            }
            Ok(())
        })?;
    }
    Ok(total)
}

/// Writes the graph `read` sees into `dir` in the GraphFrames layout (see [`crate::layout`]).
/// A table without rows has no file. Refuses a directory that exists and is not empty, unless
/// `options.force`.
pub fn export(read: &impl GraphRead, dir: &Path, options: ExportOptions) -> Result<ExportSummary> {
    prepare(dir, options.force)?;
    let ids = Ids::choose(read)?;
    let mut files = Vec::new();
    let (vertices, edges) = if options.partition {
        (
            vertices_by_kind(read, dir, &ids, &mut files)?,
            edges_by_type(read, dir, &ids, &mut files)?,
        )
    } else {
        (
            vertices(read, dir, &ids, &mut files)?,
            edges(read, dir, &ids, &mut files)?,
        )
    };
    Ok(ExportSummary {
        vertices,
        edges,
        files,
        ids: ids.source(),
    })
}
