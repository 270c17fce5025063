//! Point reads on a graph file that already exists (an imported dataset, such as the NCBI
//! taxonomy): a node with its name, its out-neighbours, and the nodes of its name (a lookup in
//! the by-name index), at nodes sampled uniformly with a fixed seed. `compare` builds its own graphs, whose names all fit their record slots; this
//! reads the files users import, so that two layouts of the same data can be compared side by
//! side (run it on each file, alternating).
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin file_reads -- --file tax.mmg
//! ```

use std::path::PathBuf;

use graph::{Direction, Graph, GraphRead, NodeId};
use mmgraph_benches::generate::SplitMix64;
use mmgraph_benches::measure::{Plan, fmt_duration, measure};
use mmgraph_benches::{Result, args};

const HELP: &str = "\
file_reads: a node with its name, its out-neighbours and the nodes of its name, read at sampled
nodes of a file.

USAGE: cargo run --release -p mmgraph-benches --bin file_reads -- --file PATH [OPTIONS]

OPTIONS
  --file PATH    the graph file, opened read-only (required)
  --sample N     nodes sampled, with repetition                       [default: 100000]
  --seed N       the sample's seed                                    [default: 7]
  --help         this text

The report (Markdown: median, fastest and slowest round per read) goes to stdout.
";

struct Config {
    file: PathBuf,
    sample: usize,
    seed: u64,
}

fn parse_args() -> std::result::Result<Config, String> {
    let mut file = None;
    let mut config = Config {
        file: PathBuf::new(),
        sample: 100_000,
        seed: 7,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--file" => file = Some(PathBuf::from(value()?)),
            "--sample" => config.sample = args::number(&value()?)?,
            "--seed" => config.seed = args::number(&value()?)?,
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    config.file = file.ok_or("--file is required; see --help")?;
    Ok(config)
}

fn run(config: &Config) -> Result<String> {
    let graph = Graph::open_read_only(&config.file)?;
    let read = graph.begin_read()?;
    let nodes = read.node_count();
    if nodes == 0 {
        return Err("the graph has no nodes".into());
    }
    let mut rng = SplitMix64::new(config.seed);
    let sample: Vec<u64> = (0..config.sample).map(|_| rng.below(nodes)).collect();
    let plan = Plan::default();
    let names = measure(plan, sample.len(), || {
        let mut sum = 0u64;
        for &id in &sample {
            if let Some(node) = read.node(NodeId(id))? {
                sum = sum.wrapping_add(node.name()?.len() as u64 + 1);
            }
        }
        Ok(sum)
    })?;
    let neighbors = measure(plan, sample.len(), || {
        let mut sum = 0u64;
        for &id in &sample {
            for n in read.neighbors(NodeId(id), Direction::Out, None)? {
                sum = sum.wrapping_add(n?.node.0 + 1);
            }
        }
        Ok(sum)
    })?;
    let sample_names: Vec<String> = sample
        .iter()
        .map(|&id| -> Result<String> {
            Ok(match read.node(NodeId(id))? {
                Some(node) => node.name()?.into_owned(),
                None => String::new(),
            })
        })
        .collect::<Result<_>>()?;
    let by_name = measure(plan, sample.len(), || {
        let mut sum = 0u64;
        for name in &sample_names {
            for node in read.nodes_by_name(name) {
                sum = sum.wrapping_add(node?.0 + 1);
            }
        }
        Ok(sum)
    })?;
    let mut report = format!(
        "{}: {nodes} nodes, {} sampled (seed {})\n\n| read | median | fastest | slowest | rounds |\n|---|---|---|---|---|\n",
        config.file.display(),
        sample.len(),
        config.seed
    );
    for (what, m) in [
        ("node + name", names),
        ("out-neighbours", neighbors),
        ("nodes of a name", by_name),
    ] {
        report.push_str(&format!(
            "| {what} | {} | {} | {} | {} |\n",
            fmt_duration(m.median),
            fmt_duration(m.min),
            fmt_duration(m.max),
            m.rounds
        ));
    }
    Ok(report)
}

fn main() {
    args::main("file_reads", parse_args, run);
}
