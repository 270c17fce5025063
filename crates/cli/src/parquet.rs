//! `mmgraph export --format parquet` and `mmgraph import` of Parquet: the command line over the
//! `parquet-io` crate (the GraphFrames layout; `docs/formats.md`).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{ExportArgs, ImportArgs, InputFormat};
use crate::db;
use crate::error::{Error, Result};
use crate::output::Output;

/// Whether an input is Parquet: by `--format parquet`, or, without a format, a directory or a
/// `.parquet` file.
fn is_parquet(path: &Path, format: Option<InputFormat>) -> bool {
    match format {
        Some(format) => format == InputFormat::Parquet,
        None => path.is_dir() || path.extension().is_some_and(|e| e == "parquet"),
    }
}

/// Whether `mmgraph import` has a Parquet input (then all must be).
pub fn is_parquet_import(args: &ImportArgs) -> bool {
    args.files
        .iter()
        .zip(&args.file_options)
        .any(|(path, options)| is_parquet(path, options.format))
}

/// Runs `mmgraph export DB DIR --format parquet [--partition] [--force]`.
pub fn export(args: &ExportArgs, out: &mut Output) -> Result<ExitCode> {
    let dir = match (&args.out, &args.output) {
        (Some(dir), None) | (None, Some(dir)) => dir,
        _ => {
            return Err(Error::Invalid(
                "--format parquet writes into a directory: give it once, as DIR".into(),
            ));
        }
    };
    let started = Instant::now();
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let options = parquet_io::ExportOptions {
        partition: args.partition,
        force: args.force,
    };
    let summary = parquet_io::export(&read, dir, options)?;
    let seconds = started.elapsed().as_secs_f64();
    let ids = match summary.ids {
        parquet_io::IdSource::External => "external ids",
        parquet_io::IdSource::NodeIds => "node ids",
    };
    if out.json() {
        out.value(&serde_json::json!({
            "vertices": summary.vertices,
            "edges": summary.edges,
            "files": summary.files,
            "ids": ids,
            "seconds": seconds,
        }))?;
    } else {
        out.line(format_args!(
            "exported {} vertices and {} edges ({ids}) into {} file(s) under {} in {seconds:.1} s",
            summary.vertices,
            summary.edges,
            summary.files.len(),
            dir.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph import DB DIR_OR_FILE... --format parquet`: each input in one transaction,
/// checked whole before it writes. A database the command made is removed again when its
/// first input fails, so a mistake leaves no empty file behind.
pub fn import(args: &ImportArgs, out: &mut Output) -> Result<ExitCode> {
    if let Some((path, _)) = args
        .files
        .iter()
        .zip(&args.file_options)
        .find(|(path, options)| !is_parquet(path, options.format))
    {
        return Err(Error::Invalid(format!(
            "{} is not Parquet; import Parquet inputs in a command of their own",
            path.display()
        )));
    }
    let started = Instant::now();
    let made = !args.db.exists();
    let graph = db::open(&args.db)?;
    let (mut vertices, mut edges, mut files) = (0, 0, 0);
    for (i, path) in args.files.iter().enumerate() {
        match parquet_io::import(&graph, path) {
            Ok(summary) => {
                vertices += summary.vertices;
                edges += summary.edges;
                files += summary.files.len();
            }
            Err(e) => {
                drop(graph);
                if made && i == 0 {
                    std::fs::remove_file(&args.db).map_err(|source| Error::File {
                        path: args.db.clone(),
                        source,
                    })?;
                }
                return Err(e.into());
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if out.json() {
        out.value(&serde_json::json!({
            "nodes_added": vertices,
            "edges_added": edges,
            "files": files,
            "seconds": seconds,
        }))?;
    } else {
        out.line(format_args!(
            "imported {vertices} nodes and {edges} edges from {files} Parquet file(s) into {} in {seconds:.1} s",
            args.db.display()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
