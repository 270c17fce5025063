//! The bulk load (issue 19): a generated graph's nodes in one `add_nodes_with_data` call, then
//! its edges in one `add_edges` call and one durable commit; wall and CPU time of the edge
//! call, the commit, the edge phase's peak resident set and the file's size.
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin bulk_load -- --graph kron
//! ```

use std::path::PathBuf;

use mmgraph_benches::args;
use mmgraph_benches::bulk_load::{Config, run};

const HELP: &str = "\
bulk_load: a generated graph's nodes in one add_nodes_with_data call, its edges in one
add_edges call, then a durable commit.

USAGE: cargo run --release -p mmgraph-benches --bin bulk_load -- [OPTIONS]

OPTIONS
  --graph NAME  as compare's --graphs: kron, medium, rmat:SCALE:EDGE_FACTOR, ...  [default: kron]
  --dir PATH    where the database file goes (removed after)        [default: target/tmp]
  --help        this text

The report (Markdown) goes to stdout.
";

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        graph: "kron".into(),
        dir: PathBuf::from("target/tmp"),
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
            "--dir" => config.dir = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    Ok(config)
}

fn main() {
    args::main("bulk_load", parse_args, |config| {
        run(config).map(|report| report.markdown())
    });
}
