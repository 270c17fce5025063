//! `crates/algo` on an mmgraph file against the in-memory CSR's own kernels on the same
//! generated graph: PageRank per iteration, WCC and BFS levels, with ratios; then the other
//! algorithms the engine comparison (`benches/algo_engines.py`) times, on mmgraph alone.
//!
//! ```sh
//! nice cargo run --release -p mmgraph-benches --bin algo_compare -- --graphs medium
//! nice cargo run --release -p mmgraph-benches --bin algo_compare -- --graphs kron --no-extra
//! ```

use std::alloc::System;
use std::time::{Duration, Instant};

use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait};

use algo::{Control, PageRankParams, View};
use graph::{Graph, NodeId};
use mmgraph_benches::csr::Csr;
use mmgraph_benches::generate::GraphSpec;
use mmgraph_benches::kernels;
use mmgraph_benches::measure::{clock, fmt_duration, median};
use mmgraph_benches::mmgraph::Mmgraph;

const HELP: &str = "\
algo_compare: crates/algo on an mmgraph file vs the in-memory CSR on the same graph.

USAGE: cargo run --release -p mmgraph-benches --bin algo_compare -- [OPTIONS]

OPTIONS
  --graphs LIST      comma-separated: small, medium, kron, uniform:N:M, rmat:S:EF [default: medium]
  --rounds N         timed rounds of each kernel and algorithm (the median)   [default: 3]
  --iterations N     PageRank iterations per timed run                        [default: 10]
  --no-extra         skip SCC, k-core, Louvain (the engine comparison's other algorithms)
  --edges-out PATH   write the first graph's edges (`from to` per line) for algo_engines.py
  --dir PATH         where the database file goes (removed after)             [default: target/tmp]

ENVIRONMENT
  MMGRAPH_BENCH_CLOCK=thread-cpu   time by the thread's CPU time instead of wall time (a shared
                                   machine's other jobs then add less scatter to the ratios)
";

struct Config {
    graphs: Vec<GraphSpec>,
    rounds: usize,
    iterations: u32,
    extra: bool,
    edges_out: Option<String>,
    dir: String,
}

type Result<T> = mmgraph_benches::Result<T>;

/// The allocator, counting: [`timed_peak`] reads the most heap an algorithm held at once.
#[global_allocator]
static HEAP: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

fn parse() -> Result<Config> {
    let mut config = Config {
        graphs: vec![GraphSpec::parse("medium").ok_or("medium")?],
        rounds: 3,
        iterations: 10,
        extra: true,
        edges_out: None,
        dir: "target/tmp".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--graphs" => {
                config.graphs = value()?
                    .split(',')
                    .map(|g| GraphSpec::parse(g).ok_or(format!("unknown graph {g}")))
                    .collect::<std::result::Result<_, _>>()?;
            }
            "--rounds" => config.rounds = value()?.parse()?,
            "--iterations" => config.iterations = value()?.parse()?,
            "--no-extra" => config.extra = false,
            "--edges-out" => config.edges_out = Some(value()?),
            "--dir" => config.dir = value()?,
            "--help" | "-h" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}\n{HELP}").into()),
        }
    }
    Ok(config)
}

/// The median time of `rounds` runs of `run`.
fn time(rounds: usize, mut run: impl FnMut() -> Result<()>) -> Result<Duration> {
    let clock = clock();
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let started = clock.now();
        run()?;
        times.push(clock.now() - started);
    }
    Ok(median(&mut times))
}

/// A field of `/proc/self/status` in KiB (0 where unavailable).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// The process's peak resident set so far, in MiB.
fn peak_rss_mib() -> u64 {
    status_kib("VmHWM:") / 1024
}

/// The median time of `rounds` runs of `run`, and the most heap one run held at once beyond
/// what was allocated before it (the result vectors included): the benchmark's allocator counts
/// every allocation, so this is the algorithm's own memory, apart from the file's mapped pages.
fn timed_peak(rounds: usize, mut run: impl FnMut() -> Result<()>) -> Result<(String, String)> {
    let clock = clock();
    let mut times = Vec::with_capacity(rounds);
    let mut peak = 0;
    for _ in 0..rounds.max(1) {
        HEAP.reset_peak_memory();
        let started = clock.now();
        run()?;
        times.push(clock.now() - started);
        peak = peak.max(HEAP.get_peak_memory());
    }
    Ok((
        fmt_duration(median(&mut times)),
        format!("{:.1} MiB", peak as f64 / (1024.0 * 1024.0)),
    ))
}

fn ratio(ours: Duration, base: Duration) -> String {
    format!("{:.2}x", ours.as_secs_f64() / base.as_secs_f64().max(1e-12))
}

fn main() -> Result<()> {
    let config = parse()?;
    println!(
        "algo_compare at {} UTC, load: {}, timed by {}",
        mmgraph_benches::utc_now(),
        load_average(),
        clock().name()
    );
    for (i, spec) in config.graphs.iter().enumerate() {
        let g = spec.generate();
        if i == 0
            && let Some(path) = &config.edges_out
        {
            let mut text = String::with_capacity(g.edges.len() * 14);
            for &(from, to) in &g.edges {
                text.push_str(&format!("{from} {to}\n"));
            }
            std::fs::write(path, text)?;
        }
        let (csr, _) = Csr::build(&g);
        std::fs::create_dir_all(&config.dir)?;
        let path =
            std::path::Path::new(&config.dir).join(format!("algo-{}.mmg", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let started = Instant::now();
        drop(Mmgraph::load(&path, &g)?);
        let load = started.elapsed();
        drop(g);
        let graph = Graph::open(&path)?;
        let read = graph.begin_read()?;
        println!(
            "\n### {} ({}; loaded in {}; peak RSS so far {} MiB)\n",
            spec.name,
            spec.describe(),
            fmt_duration(load),
            peak_rss_mib()
        );
        println!(
            "| kernel | mmgraph (algo, on the file) | CSR (in memory) | ratio | mmgraph heap peak |"
        );
        println!("|---|---|---|---|---|");
        let view = View::new();
        let k = config.iterations;
        let pr = |iterations| PageRankParams {
            damping: 0.85,
            iterations,
        };
        let ours_1 = time(config.rounds, || {
            algo::pagerank(&read, &view, &pr(1), &mut Control::new())?;
            Ok(())
        })?;
        let ours_k = time(config.rounds, || {
            algo::pagerank(&read, &view, &pr(k + 1), &mut Control::new())?;
            Ok(())
        })?;
        let degrees = kernels::out_degrees(&csr);
        let n = csr.node_count() as usize;
        let base_k = time(config.rounds, || {
            let (mut rank, mut share) = (vec![1.0 / n as f64; n], vec![0.0; n]);
            for _ in 0..k {
                kernels::pagerank_iteration(&csr, 0.85, &degrees, &mut rank, &mut share);
            }
            std::hint::black_box(&rank);
            Ok(())
        })?;
        let (_, memory) = timed_peak(1, || {
            algo::pagerank(&read, &view, &pr(k + 1), &mut Control::new())?;
            Ok(())
        })?;
        let ours_iter = ours_k.saturating_sub(ours_1) / k;
        let base_iter = base_k / k;
        println!(
            "| PageRank, per iteration (setup + 1 iteration: {}) | {} | {} | {} | {memory} |",
            fmt_duration(ours_1),
            fmt_duration(ours_iter),
            fmt_duration(base_iter),
            ratio(ours_iter, base_iter),
        );
        let ours = time(config.rounds, || {
            std::hint::black_box(algo::wcc(&read, &view, &mut Control::new())?);
            Ok(())
        })?;
        let base = time(config.rounds, || {
            std::hint::black_box(kernels::wcc(&csr));
            Ok(())
        })?;
        let (_, memory) = timed_peak(1, || {
            std::hint::black_box(algo::wcc(&read, &view, &mut Control::new())?);
            Ok(())
        })?;
        println!(
            "| WCC | {} | {} | {} | {memory} |",
            fmt_duration(ours),
            fmt_duration(base),
            ratio(ours, base),
        );
        // From the node with the most out-edges: R-MAT leaves many nodes without any.
        let source = (0..degrees.len())
            .max_by_key(|&v| (degrees.get(v).copied().unwrap_or(0), std::cmp::Reverse(v)))
            .unwrap_or(0) as u32;
        let ours = time(config.rounds, || {
            let levels =
                algo::bfs_levels(&read, &view, NodeId(u64::from(source)), &mut Control::new())?;
            std::hint::black_box(levels);
            Ok(())
        })?;
        let base = time(config.rounds, || {
            std::hint::black_box(kernels::bfs_levels(&csr, source));
            Ok(())
        })?;
        let (_, memory) = timed_peak(1, || {
            let levels =
                algo::bfs_levels(&read, &view, NodeId(u64::from(source)), &mut Control::new())?;
            std::hint::black_box(levels);
            Ok(())
        })?;
        println!(
            "| BFS levels from node {source} (most out-edges) | {} | {} | {} | {memory} |",
            fmt_duration(ours),
            fmt_duration(base),
            ratio(ours, base),
        );
        drop(csr);
        if config.extra {
            println!("\n| algorithm (mmgraph alone) | time | result | heap peak |");
            println!("|---|---|---|---|");
            let both = View::new().direction(graph::Direction::Both);
            let mut result = String::new();
            let (t, m) = timed_peak(config.rounds, || {
                let ranks = algo::pagerank(&read, &view, &pr(20), &mut Control::new())?;
                result = format!("{} ranks", ranks.len());
                Ok(())
            })?;
            println!("| PageRank, 20 iterations | {t} | {result} | {m} |");
            let (t, m) = timed_peak(config.rounds, || {
                let components = algo::wcc(&read, &view, &mut Control::new())?;
                let mut labels: Vec<NodeId> = components.iter().map(|(_, &c)| c).collect();
                labels.sort_unstable();
                labels.dedup();
                result = format!("{} components", labels.len());
                Ok(())
            })?;
            println!("| WCC | {t} | {result} | {m} |");
            let (t, m) = timed_peak(config.rounds, || {
                let scc = algo::scc(&read, &view, &mut Control::new())?;
                result = format!("{} components", scc.count);
                Ok(())
            })?;
            println!("| SCC | {t} | {result} | {m} |");
            let (t, m) = timed_peak(config.rounds, || {
                let cores = algo::k_core(&read, &view, &mut Control::new())?;
                let max_core = cores.iter().map(|(_, &k)| k).max().unwrap_or(0);
                result = format!("max core {max_core}");
                Ok(())
            })?;
            println!("| k-core | {t} | {result} | {m} |");
            let (t, m) = timed_peak(config.rounds, || {
                let communities = algo::louvain(&read, &both, 1, &mut Control::new())?;
                result = format!(
                    "{} communities, modularity {:.4}",
                    communities.count, communities.modularity
                );
                Ok(())
            })?;
            println!("| Louvain (undirected, seed 1) | {t} | {result} | {m} |");
        }
        drop(read);
        drop(graph);
        std::fs::remove_file(&path)?;
    }
    Ok(())
}

fn load_average() -> String {
    mmgraph_benches::compare::load_average()
}
