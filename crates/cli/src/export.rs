//! `mmgraph export`: a database as JSON lines (nodes, then edges) or as an edge list. Nodes
//! are named by the external ids an import gave them, else by their node ids, so that
//! `import` reads the output back into an equal graph.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use graph::{GraphRead, NodeId, ReadTxn};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::cli::{ExportArgs, ExportFormat};
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

/// A text format's writer.
type TextWriter = fn(&ReadTxn, &mut BufWriter<Box<dyn Write>>) -> Result<()>;

/// Runs `mmgraph export`.
pub fn run(args: &ExportArgs, output: &mut Output) -> Result<ExitCode> {
    let write: TextWriter = match args.format {
        ExportFormat::Jsonl => jsonl,
        ExportFormat::Edges => edge_list,
        ExportFormat::Parquet => return crate::parquet::export(args, output),
    };
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path).map_err(|source| Error::File {
            path: path.clone(),
            source,
        })?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, sink);
    write(&read, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn jsonl(read: &ReadTxn, out: &mut impl Write) -> Result<()> {
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

fn edge_list(read: &ReadTxn, out: &mut impl Write) -> Result<()> {
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
