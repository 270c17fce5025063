//! `mmgraph`, the command-line tool of the mmgraph embedded graph database: a demo, import of
//! CSV/TSV tables, edge lists, taxonomy TSV and JSON lines (resumable after an interruption),
//! export, inspection (`stats`, `kinds`, `types`, `node`, `neighbors`, `bfs`, `path`), `check`
//! and `compact`.
//! `mmgraph --help` lists the commands; `docs/cli.md` describes them and the input formats.

mod algo;
mod cli;
mod compact;
mod db;
mod demo;
mod error;
mod export;
mod import;
mod inspect;
mod labels;
mod lookup;
mod output;
mod parquet;
mod progress;
mod query;
mod shell;
mod sqlitegraph;
mod traversal;
mod vector;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::output::{Output, Style};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let (Command::Import(args), Some(("import", import))) =
        (&mut cli.command, matches.subcommand())
        && let Err(e) = args.assign_file_options(import)
    {
        Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, e)
            .exit();
    }
    let style = match (cli.json, cli.jsonl) {
        (_, true) => Style::JsonLines,
        (true, false) => Style::Json,
        (false, false) => Style::Text,
    };
    let mut out = Output::stdout(style);
    match run(&cli, &mut out).and_then(|status| out.flush().map(|()| status)) {
        Ok(status) => status,
        // The reader has gone (`| head`): what it wanted was written.
        Err(e) if e.is_closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mmgraph: {e}");
            match e {
                error::Error::Interrupted(_) => ExitCode::from(import::INTERRUPTED_STATUS),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Runs one command; `Ok` carries the exit status of a command that ran (e.g. `check` finding
/// problems), `Err` what stopped it.
fn run(cli: &Cli, out: &mut Output) -> error::Result<ExitCode> {
    match &cli.command {
        Command::Demo { path } => demo::run(path.as_deref(), out),
        Command::Import(args) if parquet::is_parquet_import(args) => parquet::import(args, out),
        Command::Import(args) => import::run(args, out),
        Command::Export(args) => export::run(args, out),
        Command::Stats { db } => inspect::stats(db, out),
        Command::Check { db } => inspect::check(db, out),
        Command::Kinds { db } => labels::kinds(db, out),
        Command::Types { db } => labels::types(db, out),
        Command::Node(args) => lookup::node(args, out),
        Command::Neighbors(args) => lookup::neighbors(args, out),
        Command::Bfs(args) => inspect::bfs(args, out),
        Command::Path(args) => traversal::path(args, out),
        Command::Khop(args) => traversal::khop(args, out),
        Command::Compact { db, out: target } => compact::run(db, target, out),
        Command::Algo(args) => algo::run(args, out),
        Command::Shell(args) => shell::run(args, out),
        Command::Vector(args) => vector::run(args, out),
        Command::Query(args) => query::run(args, out),
    }
}
