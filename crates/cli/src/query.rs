//! `mmgraph query DB "..."`: a Cypher query, printed as a table, one JSON document (`--json`)
//! or one JSON object per row (`--jsonl`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use cypher::{Params, PreparedQuery, Value};
use graph::{GraphRead, PropertyRead};
use serde_json::{Map, Value as Json, json};

use crate::db;
use crate::error::{Error, Result};
use crate::output::{Listing, Output};

/// The arguments of `mmgraph query`.
#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The database file (made if the query writes and it does not exist).
    pub db: PathBuf,
    /// The query.
    pub query: String,
    /// A parameter, `name=value` with the value as JSON (`--param id=42 --param name='"Ada"'`).
    #[arg(long = "param", value_name = "NAME=JSON")]
    pub params: Vec<String>,
}

/// Runs the query and prints its rows.
/// A writing query commits only when it and the printing of its rows succeed.
pub fn run(args: &QueryArgs, out: &mut Output) -> Result<ExitCode> {
    let params = parse_params(&args.params)?;
    let prepared = PreparedQuery::new(&args.query)?;
    if prepared.writes() {
        let graph = db::open(&args.db)?;
        let mut txn = graph.begin_write()?;
        let rows = prepared.run_write(&mut txn, &params)?;
        print(&txn, &rows, out)?;
        txn.commit()?;
    } else {
        let graph = db::open_read_only(&args.db)?;
        let read = graph.begin_read()?;
        let rows = prepared.run(&read, &params)?;
        print(&read, &rows, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_params(raw: &[String]) -> Result<Params> {
    let mut params = Params::new();
    for p in raw {
        let (name, value) = p
            .split_once('=')
            .ok_or_else(|| Error::Invalid(format!("--param {p}: expected NAME=JSON")))?;
        params.insert(name.to_owned(), param_value(name, value)?);
    }
    Ok(params)
}

/// Parameter `name`'s value, written as JSON.
pub(crate) fn param_value(name: &str, json: &str) -> Result<Value> {
    let json: Json =
        serde_json::from_str(json).map_err(|e| Error::Invalid(format!("parameter {name}: {e}")))?;
    Ok(cypher::json::from_json(json))
}

/// Prints `rows`: a table for people; with `--json` one document (`columns`, and `rows` as
/// objects keyed by column); with `--jsonl` one object per row.
pub(crate) fn print<T: GraphRead>(txn: &T, rows: &cypher::Rows, out: &mut Output) -> Result<()> {
    if out.json() {
        let mut listing = Listing::new(out, "rows");
        for row in &rows.rows {
            listing.record(
                || Ok(String::new()),
                || {
                    Ok(Json::Object(cypher::json::row_to_json(
                        txn,
                        &rows.columns,
                        row,
                    )?))
                },
            )?;
        }
        return listing.finish(
            || Ok(Vec::new()),
            || {
                let mut summary = Map::new();
                summary.insert("columns".to_owned(), json!(rows.columns));
                Ok(summary)
            },
        );
    }
    let cells: Vec<Vec<String>> = rows
        .rows
        .iter()
        .map(|row| row.iter().map(|v| text(txn, v)).collect())
        .collect::<Result<_>>()?;
    let mut widths: Vec<usize> = rows.columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (wd, cell) in widths.iter_mut().zip(row) {
            *wd = (*wd).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, wd)| format!("{c:<wd$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    if !rows.columns.is_empty() {
        out.line(line(&rows.columns))?;
        out.line(
            widths
                .iter()
                .map(|wd| "-".repeat(*wd))
                .collect::<Vec<_>>()
                .join("-+-"),
        )?;
    }
    for row in &cells {
        out.line(line(row))?;
    }
    out.line(format_args!(
        "({} row{})",
        cells.len(),
        if cells.len() == 1 { "" } else { "s" }
    ))
}

/// A value as Cypher writes it: `(:Label {key: 'value'})`, `[:TYPE]`, lists, maps.
fn text<T: GraphRead>(txn: &T, v: &Value) -> Result<String> {
    let props = |m: graph::PropertyMap| -> Result<String> {
        if m.is_empty() {
            return Ok(String::new());
        }
        let inner = m
            .into_iter()
            .map(|(k, v)| Ok(format!("{k}: {}", text(txn, &Value::from(v))?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(format!(" {{{}}}", inner.join(", ")))
    };
    Ok(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::String(s) => format!("'{}'", s.replace('\'', "\\'")),
        Value::Bytes(b) => format!("{b:?}"),
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|x| text(txn, x))
                .collect::<Result<Vec<_>>>()?
                .join(", ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| Ok(format!("{k}: {}", text(txn, x)?)))
                .collect::<Result<Vec<_>>>()?
                .join(", ")
        ),
        Value::Node(n) => {
            let labels: String = txn
                .node_labels(*n)?
                .iter()
                .map(|l| format!(":{l}"))
                .collect();
            format!("({labels}{})", props(txn.node_properties(*n)?)?)
        }
        Value::Relationship(r) => {
            let ty = txn
                .edge(*r)?
                .map(|e| e.edge_type().map(|t| t.into_owned()))
                .transpose()?;
            format!(
                "[:{}{}]",
                ty.unwrap_or_default(),
                props(txn.edge_properties(*r)?)?
            )
        }
        Value::Path(p) => format!("<path of {} relationships>", p.rels.len()),
    })
}
