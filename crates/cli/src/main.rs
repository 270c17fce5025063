//! `mmgraph`, the command-line tool of the mmgraph embedded graph database: a demo, import of
//! edge lists, taxonomy TSV and JSON lines, export, inspection, `check` and `compact`.
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
mod progress;
mod query;
mod traversal;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("mmgraph: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command; `Ok` carries the exit status of a command that ran (e.g. `check` finding
/// problems), `Err` what stopped it.
fn run(cli: &Cli) -> error::Result<ExitCode> {
    let out = cli::Output { json: cli.json };
    match &cli.command {
        Command::Demo { path } => demo::run(path.as_deref(), out),
        Command::Import(args) => import::run(args, out),
        Command::Export(args) => export::run(args),
        Command::Stats { db } => inspect::stats(db, out),
        Command::Check { db } => inspect::check(db, out),
        Command::Node(args) => inspect::node(args, out),
        Command::Neighbors(args) => inspect::neighbors(args, out),
        Command::Bfs(args) => inspect::bfs(args, out),
        Command::Path(args) => traversal::path(args, out),
        Command::Khop(args) => traversal::khop(args, out),
        Command::Compact { db, out: target } => compact::run(db, target, out),
        Command::Algo(args) => algo::run(args, out),
        Command::Query(args) => query::run(args, out),
    }
}
