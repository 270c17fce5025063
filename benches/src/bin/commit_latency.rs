//! A durable commit of one edge into a large graph, against a raw fdatasync of the same run
//! (issue 19): medians, their ratio, and the pages each commit writes.
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin commit_latency -- --file target/kron.mmg
//! ```

use std::path::PathBuf;

use mmgraph_benches::args;
use mmgraph_benches::commit_latency::{Config, run};

const HELP: &str = "\
commit_latency: durable 1-edge commits into a large graph, alternating with raw fdatasyncs.

USAGE: cargo run --release -p mmgraph-benches --bin commit_latency -- [OPTIONS]

OPTIONS
  --graph NAME   the graph to build, as compare's --graphs            [default: kron]
  --file PATH    open this graph file; build it there first if missing (and keep it)
                 [default: build in a temporary directory under --dir, removed after]
  --dir PATH     where the temporary file goes                        [default: target/tmp]
  --rounds N     commits and raw syncs, alternating                   [default: 200]
  --seed N       the random edges' seed                               [default: 19]
  --help         this text

Each commit adds one edge to the file, so a kept file grows by one edge per round.
The report (Markdown) goes to stdout.
";

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        graph: "kron".into(),
        file: None,
        dir: PathBuf::from("target/tmp"),
        rounds: 200,
        seed: 19,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--graph" => config.graph = value()?,
            "--file" => config.file = Some(PathBuf::from(value()?)),
            "--dir" => config.dir = PathBuf::from(value()?),
            "--rounds" => config.rounds = args::number(&value()?)?,
            "--seed" => config.seed = args::number(&value()?)?,
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    Ok(config)
}

fn main() {
    args::main("commit_latency", parse_args, |config| {
        run(config).map(|report| report.markdown())
    });
}
