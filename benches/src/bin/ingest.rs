//! Scenario E (`docs/testing.md`) as a benchmark: nodes in one commit, then durable commits of
//! random edges; prints the time and the bytes written per edge of each tenth of the commits
//! and the slowest commit (issue 19).
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin ingest                 # E at 1x
//! cargo run --release -p mmgraph-benches --bin ingest -- --scale 100  # E at 100x
//! ```

use std::path::PathBuf;

use mmgraph_benches::args;
use mmgraph_benches::ingest::{Config, run};

const HELP: &str = "\
ingest: scenario E, durable commits of random edges into a growing graph.

USAGE: cargo run --release -p mmgraph-benches --bin ingest -- [OPTIONS]

OPTIONS
  --scale N    E at N times: 100K*N nodes, 100 commits of 10K*N edges   [default: 1]
  --nodes N    nodes (after --scale)
  --commits N  durable commits of edges (after --scale)
  --batch N    edges per commit (after --scale)
  --seed N     the random edges' seed                                  [default: 5]
  --dir PATH   where the database file goes (removed after)            [default: target/tmp]
  --help       this text

The report (Markdown) goes to stdout.
";

fn parse_args() -> Result<Config, String> {
    let mut scale = 1;
    let (mut nodes, mut commits, mut batch, mut seed, mut dir) = (None, None, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |v: String| args::number::<u64>(&v);
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--scale" => scale = number(value()?)?.max(1),
            "--nodes" => nodes = Some(number(value()?)?.max(1)),
            "--commits" => commits = Some(number(value()?)?),
            "--batch" => batch = Some(number(value()?)?),
            "--seed" => seed = Some(number(value()?)?),
            "--dir" => dir = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    let base = Config::scenario_e(scale);
    Ok(Config {
        nodes: nodes.unwrap_or(base.nodes),
        commits: commits.unwrap_or(base.commits),
        batch: batch.unwrap_or(base.batch),
        seed: seed.unwrap_or(base.seed),
        dir: dir.unwrap_or(base.dir),
    })
}

fn main() {
    args::main("ingest", parse_args, |config| {
        run(config).map(|report| report.markdown())
    });
}
