//! `mmgraph export`: a database as JSON lines (nodes, then edges) or as an edge list (nodes
//! named by the external ids an import gave them, else by their node ids, so that `import`
//! reads the output back into an equal graph), as GraphML or DOT, or in sqlitegraph's SQLite
//! schema (crate `formats`); and the `--export` of the traversal commands.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use formats::Selection;
use graph::{GraphRead, NodeId, ReadTxn};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::cli::{DrawFormat, ExportArgs, ExportFormat, TraversalExportArgs};
use crate::db;
use crate::error::{Error, Result};
use crate::import::to_hex;
use crate::output::Output;

/// A node's id in the output: a number when it reads back as the same text, else a string.
#[derive(Serialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    fn of(read: &ReadTxn, node: NodeId) -> Result<Id> {
        Ok(match db::external_of(read, node)? {
            Some(ext) => match ext.parse::<u64>() {
                Ok(n) if n.to_string() == ext => Id::Number(n),
                _ => Id::Text(ext),
            },
            None => Id::Number(node.0),
        })
    }

    /// The id as an edge list writes it, if it can (no whitespace).
    fn as_word(&self) -> Result<String> {
        match self {
            Id::Number(n) => Ok(n.to_string()),
            Id::Text(t)
                if !t.is_empty() && !t.contains(char::is_whitespace) && !t.starts_with('#') =>
            {
                Ok(t.clone())
            }
            Id::Text(t) => Err(Error::Invalid(format!(
                "id {t:?} cannot be written in an edge list; export as JSON lines"
            ))),
        }
    }
}

/// Data as JSON when it is one JSON value on one line, byte for byte; else as hex.
#[derive(Serialize)]
struct Data<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_hex: Option<String>,
}

impl<'a> Data<'a> {
    fn of(bytes: &'a [u8]) -> Data<'a> {
        if bytes.is_empty() {
            return Data {
                data: None,
                data_hex: None,
            };
        }
        match serde_json::from_slice::<&RawValue>(bytes) {
            Ok(raw) if raw.get().as_bytes() == bytes && !raw.get().contains(['\n', '\r']) => Data {
                data: Some(raw),
                data_hex: None,
            },
            _ => Data {
                data: None,
                data_hex: Some(to_hex(bytes)),
            },
        }
    }
}

#[derive(Serialize)]
struct NodeLine<'a> {
    id: Id,
    kind: &'a str,
    name: &'a str,
    #[serde(flatten)]
    data: Data<'a>,
}

#[derive(Serialize)]
struct EdgeLine<'a> {
    from: Id,
    to: Id,
    #[serde(rename = "type")]
    edge_type: &'a str,
    #[serde(flatten)]
    data: Data<'a>,
}

/// Runs `mmgraph export`.
pub fn run(args: &ExportArgs, output: &mut Output) -> Result<ExitCode> {
    if args.format == ExportFormat::Parquet {
        // Before anything is opened: it writes a directory, not a file.
        return crate::parquet::export(args, output);
    }
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let target = args.output.as_deref().or(args.out.as_deref());
    match args.format {
        ExportFormat::Jsonl => to_sink(target, |out| jsonl(&read, out))?,
        ExportFormat::Edges => to_sink(target, |out| edge_list(&read, out))?,
        ExportFormat::Graphml => to_sink(target, |out| {
            formats::write_graphml(&read, &Selection::All, out)?;
            Ok(())
        })?,
        ExportFormat::Dot => to_sink(target, |out| {
            formats::write_dot(&read, &Selection::All, out)?;
            Ok(())
        })?,
        ExportFormat::Sqlitegraph => {
            let path = target.ok_or_else(|| {
                Error::Invalid("--format sqlitegraph writes a SQLite file: give OUT".into())
            })?;
            formats::sqlitegraph::export(&read, path, args.force)?;
        }
        ExportFormat::Parquet => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `write` on the file `target` (made, or emptied) or on standard output, buffered.
fn to_sink(target: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let sink: Box<dyn Write> = match target {
        Some(path) => Box::new(File::create(path).map_err(|source| Error::File {
            path: path.to_owned(),
            source,
        })?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, sink);
    write(&mut out)?;
    out.flush()?;
    Ok(())
}

/// With `--export FORMAT --out FILE` on a traversal: writes `nodes` (what it found) and the
/// edges among them to FILE, and says so on standard error.
pub fn traversal(read: &ReadTxn, nodes: Vec<NodeId>, args: &TraversalExportArgs) -> Result<()> {
    let (Some(format), Some(path)) = (args.format, &args.out) else {
        return Ok(());
    };
    let file = File::create(path).map_err(|source| Error::File {
        path: path.clone(),
        source,
    })?;
    let selection = Selection::Nodes(nodes);
    let written = match format {
        DrawFormat::Graphml => formats::write_graphml(read, &selection, file)?,
        DrawFormat::Dot => formats::write_dot(read, &selection, file)?,
    };
    eprintln!(
        "mmgraph: wrote {} node(s) and {} edge(s) to {}",
        written.nodes,
        written.edges,
        path.display()
    );
    Ok(())
}

fn jsonl(read: &ReadTxn, out: &mut dyn Write) -> Result<()> {
    for node in read.nodes() {
        let node = node?;
        let (kind, name, data) = (node.kind()?, node.name()?, node.data()?);
        let line = NodeLine {
            id: Id::of(read, node.id())?,
            kind: &kind,
            name: &name,
            data: Data::of(&data),
        };
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    for edge in read.edges() {
        let edge = edge?;
        let (edge_type, data) = (edge.edge_type()?, edge.data()?);
        let line = EdgeLine {
            from: Id::of(read, edge.from())?,
            to: Id::of(read, edge.to())?,
            edge_type: &edge_type,
            data: Data::of(&data),
        };
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn edge_list(read: &ReadTxn, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "# {} nodes, {} edges: source target type",
        read.node_count(),
        read.edge_count()
    )?;
    for edge in read.edges() {
        let edge = edge?;
        let edge_type = edge.edge_type()?;
        if edge_type.contains(char::is_whitespace) {
            return Err(Error::Invalid(format!(
                "edge type {edge_type:?} cannot be written in an edge list; export as JSON lines"
            )));
        }
        writeln!(
            out,
            "{} {} {edge_type}",
            Id::of(read, edge.from())?.as_word()?,
            Id::of(read, edge.to())?.as_word()?
        )?;
    }
    Ok(())
}
