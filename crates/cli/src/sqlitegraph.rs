//! `mmgraph import DB --format sqlitegraph OLD.db` and `mmgraph export DB OUT.db --format
//! sqlitegraph`: migration from and to the SQLite schema of sqlitegraph, the system mmgraph
//! replaces (crate `formats`, module `sqlitegraph`, has the mapping).

use std::path::Path;
use std::process::ExitCode;

use formats::sqlitegraph::{self, Imported};
use serde_json::json;

use crate::cli::{ImportArgs, InputFormat};
use crate::db;
use crate::error::{Error, Result};
use crate::output::Output;

/// Whether `args` import a sqlitegraph database.
pub fn is_sqlitegraph_import(args: &ImportArgs) -> bool {
    args.file_options
        .iter()
        .any(|o| o.format == Some(InputFormat::Sqlitegraph))
}

/// Imports the one sqlitegraph database `args` name, in one transaction; a database that did
/// not exist before is removed again when the import fails.
pub fn import(args: &ImportArgs, out: &mut Output) -> Result<ExitCode> {
    let [src] = args.files.as_slice() else {
        return Err(Error::Invalid(
            "--format sqlitegraph imports one database at a time; give one file".into(),
        ));
    };
    if !src.is_file() {
        return Err(Error::File {
            path: src.clone(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let existed = args.db.exists();
    let graph = db::open(&args.db)?;
    let result = sqlitegraph::import(&graph, src);
    drop(graph);
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if !existed {
                // Only the empty database this command made; the error is what matters.
                let _ = std::fs::remove_file(&args.db);
            }
            return Err(e.into());
        }
    };
    print_report(&report, src, out)?;
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &Imported, src: &Path, out: &mut Output) -> Result<()> {
    if out.json() {
        return out.value(&json!({
            "source": src,
            "nodes": report.nodes,
            "edges": report.edges,
            "labels": report.labels,
            "properties": report.properties,
            "kv_entries": report.kv_entries,
            "skipped_edges": report.skipped_edges,
            "skipped_edge_ids": report.skipped_edge_ids,
            "orphan_rows": report.orphan_rows,
            "lossy_text": report.lossy_text,
        }));
    }
    out.line(format_args!(
        "{}: {} nodes, {} edges, {} labels, {} properties, {} key-value entries",
        src.display(),
        report.nodes,
        report.edges,
        report.labels,
        report.properties,
        report.kv_entries
    ))?;
    if report.skipped_edges > 0 {
        out.line(format_args!(
            "skipped {} edge(s) whose end is not an entity, ids {:?}{}",
            report.skipped_edges,
            report.skipped_edge_ids,
            if report.skipped_edges > report.skipped_edge_ids.len() as u64 {
                " ..."
            } else {
                ""
            }
        ))?;
    }
    if report.orphan_rows > 0 {
        out.line(format_args!(
            "skipped {} label and property row(s) of missing entities",
            report.orphan_rows
        ))?;
    }
    if report.lossy_text > 0 {
        out.line(format_args!(
            "{} kind(s), name(s), label(s), type(s) or key(s) were not UTF-8: bad bytes read as U+FFFD",
            report.lossy_text
        ))?;
    }
    Ok(())
}
