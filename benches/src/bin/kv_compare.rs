//! The key-value comparison of issue 3: mmgraph's B+tree against LMDB (heed) and redb on
//! redb's LMDB workload (random 24-byte keys, 150-byte values), all in one process. Prints
//! a Markdown table of medians with mmgraph's ratios to LMDB and redb, and the goals.
//!
//! ```sh
//! cargo run --release -p mmgraph-benches --bin kv_compare                   # full scale
//! cargo run --release -p mmgraph-benches --bin kv_compare -- --pairs 20000  # a quick look
//! cargo run --release -p mmgraph-benches --bin kv_compare -- --help
//! ```

use std::path::PathBuf;

use mmgraph_benches::args;
use mmgraph_benches::kv::{Config, EngineKind, run};

const HELP: &str = "\
kv_compare: mmgraph's B+tree vs LMDB (heed) vs redb on redb's LMDB workload.

USAGE: cargo run --release -p mmgraph-benches --bin kv_compare -- [OPTIONS]

OPTIONS
  --pairs N        pairs bulk-loaded in one transaction            [default: 1000000]
  --writes N       writes committed one per durable transaction    [default: 1000]
  --batches N      transactions of --batch-size writes             [default: 100]
  --batch-size N   writes per batch transaction                    [default: 1000]
  --gets N         random gets of loaded keys (<= --pairs)         [default: --pairs]
  --ranges N       range reads from loaded keys (<= --pairs)       [default: --pairs / 2]
  --range-len N    entries per range read                          [default: 10]
  --reps N         repetitions of the whole workload per engine    [default: 3]
  --read-rounds N  rounds of each read per repetition              [default: 3]
  --engines LIST   comma-separated: lmdb, redb, mmgraph-bulk, mmgraph-insert
                                                                   [default: all four]
  --seed N         PRNG seed of the pairs                          [default: 3]
  --bulk-fill P    mmgraph (bulk_load): fill pages to P percent     [default: btree's, 85]
  --dir PATH       where the database files go (removed after)     [default: target/tmp]
  --help           this text

The report (Markdown) goes to stdout, progress to stderr.
";

fn parse_args() -> Result<Config, String> {
    let mut config = Config::default();
    let mut gets = None;
    let mut ranges = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |v: String| args::number::<usize>(&v);
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            "--pairs" => config.pairs = number(value()?)?.max(2),
            "--writes" => config.writes = number(value()?)?,
            "--batches" => config.batches = number(value()?)?,
            "--batch-size" => config.batch_size = number(value()?)?.max(1),
            "--gets" => gets = Some(number(value()?)?),
            "--ranges" => ranges = Some(number(value()?)?),
            "--range-len" => config.range_len = number(value()?)?,
            "--reps" => config.reps = number(value()?)?.max(1),
            "--read-rounds" => config.read_rounds = number(value()?)?.max(1),
            "--seed" => config.seed = number(value()?)? as u64,
            "--bulk-fill" => {
                let percent = number(value()?)?;
                config.bulk_fill =
                    Some(u8::try_from(percent).map_err(|_| "--bulk-fill: a percentage")?);
            }
            "--engines" => {
                config.engines = value()?
                    .split(',')
                    .map(|e| EngineKind::parse(e).ok_or_else(|| format!("unknown engine {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--dir" => config.dir = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    config.gets = gets.unwrap_or(config.pairs);
    config.ranges = ranges.unwrap_or(config.pairs / 2);
    Ok(config)
}

fn main() {
    let config = match parse_args() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("kv_compare: {e}");
            std::process::exit(2);
        }
    };
    match run(&config) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("kv_compare: {e}");
            std::process::exit(1);
        }
    }
}
