//! The side-by-side comparison of mmgraph, SQLite and an in-memory CSR on the same generated
//! graphs: bulk load, get node, out-neighbours, BFS, k-hop 2, shortest path, close + reopen,
//! file size. Prints one Markdown table per graph (medians and ratios, goals met or not).
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin compare                 # small, medium
//! cargo run --release -p mmgraph-benches --bin compare -- --graphs kron
//! cargo run --release -p mmgraph-benches --bin compare -- --help
//! ```

use std::time::Duration;

use mmgraph_benches::args;
use mmgraph_benches::compare::{Config, EngineKind, Op, run};
use mmgraph_benches::generate::GraphSpec;
use mmgraph_benches::measure::Plan;

const HELP: &str = "\
compare: mmgraph vs SQLite vs an in-memory CSR on the same generated graphs.

USAGE: cargo run --release -p mmgraph-benches --bin compare -- [OPTIONS]

OPTIONS
  --graphs LIST        comma-separated: small (uniform 10K nodes/50K edges), medium (uniform
                       100K/1M), kron (R-MAT scale 20, edge factor 16: 1M nodes/16M edges),
                       uniform:NODES:EDGES, rmat:SCALE:EDGE_FACTOR   [default: small,medium]
  --engines LIST       comma-separated: mmgraph, sqlite, csr          [default: all three]
  --load-rounds N      bulk loads per engine and graph    [default: 3; 1 above 2M edges]
  --min-rounds N       timed rounds of each read, at least            [default: 5; 3 above 2M edges]
  --max-rounds N       timed rounds of each read, at most             [default: 11]
  --budget SECS        past the minimum, stop a read's rounds after   [default: 3]
  --sample N           nodes sampled for get node / out-neighbours    [default: 100000]
  --bfs-starts N       BFS start nodes                                [default: 3]
  --khop-starts N      k-hop start nodes                  [default: 1000; 300 above 2M edges]
  --path-pairs N       shortest-path pairs                [default: 300; 100 above 2M edges]
  --sqlite-cache-mib N SQLite page cache (PRAGMA cache_size)          [default: SQLite's, 2 MiB]
  --sqlite-mmap-mib N  SQLite mmap_size                               [default: SQLite's, off]
  --reads LIST         comma-separated, of get-node, get-node-kind, neighbors, bfs, khop, path,
                       bfs-typed, path-typed, dijkstra (to profile one)  [default: all]
  --no-page-breakdown  skip counting mmgraph's pages by type (a walk of the whole file)
  --dir PATH           where the database files go (removed after)    [default: target/tmp]
  --help               this text

Tables go to stdout (Markdown), progress to stderr.
";

fn parse_args() -> Result<Config, String> {
    let mut config = Config::default();
    let mut plan: Option<Plan> = None;
    let mut min_rounds = None;
    let mut max_rounds = None;
    let mut budget = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |v: String| args::number::<usize>(&v);
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--graphs" => {
                config.graphs = value()?
                    .split(',')
                    .map(|g| GraphSpec::parse(g).ok_or_else(|| format!("unknown graph {g}")))
                    .collect::<Result<_, _>>()?;
            }
            "--engines" => {
                config.engines = value()?
                    .split(',')
                    .map(|e| EngineKind::parse(e).ok_or_else(|| format!("unknown engine {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--load-rounds" => config.load_rounds = Some(number(value()?)?),
            "--min-rounds" => min_rounds = Some(number(value()?)?),
            "--max-rounds" => max_rounds = Some(number(value()?)?),
            "--budget" => {
                budget = Some(Duration::from_secs_f64(args::number(&value()?)?));
            }
            "--sample" => config.sample = number(value()?)?.max(1),
            "--bfs-starts" => config.bfs_starts = number(value()?)?,
            "--khop-starts" => config.khop_starts = Some(number(value()?)?),
            "--path-pairs" => config.path_pairs = Some(number(value()?)?),
            "--sqlite-cache-mib" => {
                config.sqlite.cache_kib = Some(number(value()?)? as u64 * 1024);
            }
            "--sqlite-mmap-mib" => {
                config.sqlite.mmap_bytes = Some((number(value()?)? as u64) << 20);
            }
            "--reads" => {
                config.reads = value()?
                    .split(',')
                    .map(|r| Op::parse(r).ok_or_else(|| format!("unknown read {r}")))
                    .collect::<Result<_, _>>()?;
            }
            "--no-page-breakdown" => config.page_breakdown = false,
            "--dir" => config.dir = value()?.into(),
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    if min_rounds.is_some() || max_rounds.is_some() || budget.is_some() {
        let default = Plan::default();
        let min = min_rounds.unwrap_or(default.min_rounds);
        plan = Some(Plan {
            min_rounds: min,
            max_rounds: max_rounds.unwrap_or(default.max_rounds).max(min),
            budget: budget.unwrap_or(default.budget),
        });
    }
    config.plan = plan;
    Ok(config)
}

fn main() {
    let config = match parse_args() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("compare: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&config) {
        eprintln!("compare: {e}");
        std::process::exit(1);
    }
}
