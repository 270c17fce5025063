//! The side-by-side comparison: for each graph, the same load and the same reads (same
//! sampled nodes, same BFS starts, same pairs) on every engine, then one table of medians and
//! ratios, in Markdown, with each goal marked met or not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Result;
use crate::csr::Csr;
use crate::engine::{Engine, LoadTimes};
use crate::generate::{Generated, GraphSpec, SplitMix64};
use crate::measure::{Measurement, Plan, fmt_bytes, fmt_duration, fmt_rate, measure, median, sig3};
use crate::mmgraph::{Mmgraph, MmgraphSizes};
use crate::sqlite::{Sqlite, SqliteConfig, SqliteSizes};

/// The engines the comparison can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EngineKind {
    /// mmgraph, through the `graph` crate.
    Mmgraph,
    /// SQLite, through `rusqlite`.
    Sqlite,
    /// The in-memory CSR.
    Csr,
}

impl EngineKind {
    /// The engine named `name` (`mmgraph`, `sqlite`, `csr`).
    pub fn parse(name: &str) -> Option<EngineKind> {
        match name {
            "mmgraph" => Some(EngineKind::Mmgraph),
            "sqlite" => Some(EngineKind::Sqlite),
            "csr" => Some(EngineKind::Csr),
            _ => None,
        }
    }
}

/// Everything a comparison run is told.
#[derive(Clone, Debug)]
pub struct Config {
    /// The graphs, in order.
    pub graphs: Vec<GraphSpec>,
    /// The engines to run.
    pub engines: Vec<EngineKind>,
    /// Where database files go (a fresh temporary directory per load, removed afterwards).
    pub dir: PathBuf,
    /// Bulk loads per engine and graph (`None`: 3, or 1 for graphs over 2M edges).
    pub load_rounds: Option<usize>,
    /// Rounds of each read (`None`: [`Plan::default`], with 3 minimum rounds for graphs over
    /// 2M edges).
    pub plan: Option<Plan>,
    /// Nodes sampled for get node and out-neighbours.
    pub sample: usize,
    /// BFS start nodes.
    pub bfs_starts: usize,
    /// k-hop start nodes (`None`: 1,000, or 300 for graphs over 2M edges).
    pub khop_starts: Option<usize>,
    /// Shortest-path pairs (`None`: 300, or 100 for graphs over 2M edges).
    pub path_pairs: Option<usize>,
    /// SQLite settings.
    pub sqlite: SqliteConfig,
    /// Also count mmgraph's pages by type (walks the whole file once).
    pub page_breakdown: bool,
    /// The reads to time (all by default; fewer to profile one).
    pub reads: Vec<Op>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            graphs: ["small", "medium"]
                .iter()
                .filter_map(|n| GraphSpec::parse(n))
                .collect(),
            engines: vec![EngineKind::Mmgraph, EngineKind::Sqlite, EngineKind::Csr],
            dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/tmp")),
            load_rounds: None,
            plan: None,
            sample: 100_000,
            bfs_starts: 3,
            khop_starts: None,
            path_pairs: None,
            sqlite: SqliteConfig::default(),
            page_breakdown: true,
            reads: Op::ALL.to_vec(),
        }
    }
}

/// Graphs above this many edges are "big": fewer load rounds and samples by default.
const BIG_GRAPH_EDGES: usize = 2_000_000;

/// The reads, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// [`Engine::get_node`].
    GetNode,
    /// [`Engine::get_node_with_kind`].
    GetNodeWithKind,
    /// [`Engine::out_neighbors`].
    OutNeighbors,
    /// [`Engine::bfs`].
    Bfs,
    /// [`Engine::k_hop`] with k = 2.
    KHop2,
    /// [`Engine::shortest_path`].
    ShortestPath,
    /// [`Engine::filtered_bfs`] along [`FILTER_TYPES`].
    FilteredBfs,
    /// [`Engine::filtered_shortest_path`] along [`FILTER_TYPES`], on the shortest-path pairs.
    FilteredPath,
    /// [`Engine::dijkstra`], on the shortest-path pairs.
    Dijkstra,
}

/// The edge types the filtered reads follow: two of the four (`calls` and `references`), about
/// half of every node's edges.
pub const FILTER_TYPES: [u8; 2] = [0, 3];

impl Op {
    /// Every read, in table order.
    pub const ALL: [Op; 9] = [
        Op::GetNode,
        Op::GetNodeWithKind,
        Op::OutNeighbors,
        Op::Bfs,
        Op::KHop2,
        Op::ShortestPath,
        Op::FilteredBfs,
        Op::FilteredPath,
        Op::Dijkstra,
    ];

    /// The read's name in the tables.
    pub fn label(self) -> &'static str {
        match self {
            Op::GetNode => "get node (name + data)",
            Op::GetNodeWithKind => "get node + kind string",
            Op::OutNeighbors => "out-neighbours",
            Op::Bfs => "BFS, whole graph",
            Op::KHop2 => "k-hop 2",
            Op::ShortestPath => "shortest path",
            Op::FilteredBfs => "BFS, 2 of 4 edge types",
            Op::FilteredPath => "shortest path, 2 of 4 edge types",
            Op::Dijkstra => "Dijkstra (weighted path)",
        }
    }

    /// The read's name on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Op::GetNode => "get-node",
            Op::GetNodeWithKind => "get-node-kind",
            Op::OutNeighbors => "neighbors",
            Op::Bfs => "bfs",
            Op::KHop2 => "khop",
            Op::ShortestPath => "path",
            Op::FilteredBfs => "bfs-typed",
            Op::FilteredPath => "path-typed",
            Op::Dijkstra => "dijkstra",
        }
    }

    /// The read whose command-line name is `key`.
    pub fn parse(key: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.key() == key)
    }

    /// What one item of the read is.
    pub fn per(self) -> &'static str {
        match self {
            Op::GetNode | Op::GetNodeWithKind | Op::OutNeighbors => "node",
            Op::Bfs | Op::FilteredBfs => "BFS",
            Op::KHop2 => "start node",
            Op::ShortestPath | Op::FilteredPath | Op::Dijkstra => "pair",
        }
    }
}

/// The same sampled inputs for every engine, from a fixed seed.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Nodes for get node and out-neighbours (uniform, with repetition).
    pub sample: Vec<u64>,
    /// BFS start nodes (random nodes with at least one out-edge).
    pub bfs_starts: Vec<u64>,
    /// k-hop start nodes (the first ones of `sample`).
    pub khop_starts: Vec<u64>,
    /// Shortest-path pairs (uniform).
    pub path_pairs: Vec<(u64, u64)>,
}

impl Workload {
    /// Draws the workload for `g`.
    pub fn new(
        g: &Generated,
        seed: u64,
        sample: usize,
        bfs: usize,
        khop: usize,
        pairs: usize,
    ) -> Workload {
        let mut rng = SplitMix64::new(seed ^ 0x7265_6164_7321);
        let n = g.nodes;
        let sample: Vec<u64> = (0..sample.max(khop)).map(|_| rng.below(n)).collect();
        let degrees = g.out_degrees();
        let mut bfs_starts = Vec::new();
        for _ in 0..1_000_000 {
            if bfs_starts.len() == bfs {
                break;
            }
            let s = rng.below(n);
            if degrees[s as usize] > 0 {
                bfs_starts.push(s);
            }
        }
        let path_pairs = (0..pairs).map(|_| (rng.below(n), rng.below(n))).collect();
        Workload {
            khop_starts: sample[..khop].to_vec(),
            sample,
            bfs_starts,
            path_pairs,
        }
    }

    /// How many items one round of `op` does.
    pub fn items(&self, op: Op) -> usize {
        match op {
            Op::GetNode | Op::GetNodeWithKind | Op::OutNeighbors => self.sample.len(),
            Op::Bfs | Op::FilteredBfs => self.bfs_starts.len(),
            Op::KHop2 => self.khop_starts.len(),
            Op::ShortestPath | Op::FilteredPath | Op::Dijkstra => self.path_pairs.len(),
        }
    }

    /// Runs one round of `op` on `engine`; returns the round's checksum.
    pub fn round(&self, engine: &mut dyn Engine, op: Op) -> Result<u64> {
        let mut sum = 0u64;
        match op {
            Op::GetNode => {
                for &id in &self.sample {
                    sum = sum.wrapping_add(engine.get_node(id)?);
                }
            }
            Op::GetNodeWithKind => {
                for &id in &self.sample {
                    sum = sum.wrapping_add(engine.get_node_with_kind(id)?);
                }
            }
            Op::OutNeighbors => {
                for &id in &self.sample {
                    sum = sum.wrapping_add(engine.out_neighbors(id)?);
                }
            }
            Op::Bfs => {
                for &s in &self.bfs_starts {
                    sum = sum.wrapping_add(engine.bfs(s)?);
                }
            }
            Op::KHop2 => {
                for &s in &self.khop_starts {
                    sum = sum.wrapping_add(engine.k_hop(s, 2)?);
                }
            }
            Op::ShortestPath => {
                for &(a, b) in &self.path_pairs {
                    sum = sum.wrapping_add(engine.shortest_path(a, b)?);
                }
            }
            Op::FilteredBfs => {
                for &s in &self.bfs_starts {
                    sum = sum.wrapping_add(engine.filtered_bfs(s, &FILTER_TYPES)?);
                }
            }
            Op::FilteredPath => {
                for &(a, b) in &self.path_pairs {
                    sum = sum.wrapping_add(engine.filtered_shortest_path(a, b, &FILTER_TYPES)?);
                }
            }
            Op::Dijkstra => {
                for &(a, b) in &self.path_pairs {
                    let cost = engine
                        .dijkstra(a, b)?
                        .ok_or_else(|| format!("{} has no Dijkstra", engine.name()))?;
                    sum = sum.wrapping_add(cost);
                }
            }
        }
        Ok(sum)
    }
}

/// What one engine measured on one graph.
#[derive(Clone, Debug, Default)]
pub struct EngineResult {
    /// Median of each load phase over the load rounds (for the CSR: its build, in `edges`).
    pub load: Option<LoadTimes>,
    /// Load rounds.
    pub load_rounds: usize,
    /// Each read's measurement.
    pub reads: BTreeMap<Op, Measurement>,
    /// Median close + reopen, and its rounds.
    pub reopen: Option<(Duration, usize)>,
    /// mmgraph's file sizes.
    pub mmgraph_sizes: Option<MmgraphSizes>,
    /// SQLite's file sizes.
    pub sqlite_sizes: Option<SqliteSizes>,
    /// The CSR's bytes in memory.
    pub csr_bytes: Option<u64>,
}

/// Everything measured on one graph.
#[derive(Clone, Debug)]
pub struct GraphResult {
    /// The graph.
    pub spec: GraphSpec,
    /// Nodes and edges.
    pub nodes: u64,
    /// Edges.
    pub edges: u64,
    /// Node name and data bytes in all.
    pub payload_bytes: u64,
    /// The workload's sizes: sample, BFS starts, k-hop starts, pairs.
    pub workload: [usize; 4],
    /// Per engine.
    pub engines: BTreeMap<EngineKind, EngineResult>,
    /// Load average (1 minute) before and after the graph's runs, from `/proc/loadavg`.
    pub load_avg: (String, String),
    /// Wall time of the graph's runs.
    pub wall: Duration,
    /// Reads whose checksums differ between engines.
    pub mismatches: Vec<String>,
    /// What the workload reaches (from the first engine that ran): nodes per BFS, nodes per
    /// k-hop start, path nodes per pair.
    pub reach: BTreeMap<Op, u64>,
    /// SQLite's query plans.
    pub sqlite_plans: Vec<String>,
    /// Nodes a BFS reaches on average, and the deepest level reached.
    pub bfs_reach: (f64, u32),
    /// Shortest-path pairs that have a path.
    pub paths_found: usize,
}

/// `/proc/loadavg`'s first three fields.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn progress(what: &str) {
    eprintln!("[{:>8.1}s] {what}", elapsed_since_start().as_secs_f64());
}

fn elapsed_since_start() -> Duration {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// A fresh directory for one load, under `dir`.
fn fresh_dir(dir: &Path) -> Result<tempfile::TempDir> {
    std::fs::create_dir_all(dir)?;
    Ok(tempfile::Builder::new()
        .prefix("mmgraph-compare-")
        .tempdir_in(dir)?)
}

/// Medians of each phase over `loads`.
fn median_load(loads: &[LoadTimes]) -> LoadTimes {
    let phase =
        |f: fn(&LoadTimes) -> Duration| median(&mut loads.iter().map(f).collect::<Vec<_>>());
    LoadTimes {
        nodes: phase(|l| l.nodes),
        edges: phase(|l| l.edges),
        commit: phase(|l| l.commit),
    }
}

/// Times every read of `workload` on `engine`.
fn reads(
    engine: &mut dyn Engine,
    workload: &Workload,
    plan: Plan,
    ops: &[Op],
    result: &mut EngineResult,
) -> Result<()> {
    for &op in ops {
        if op == Op::Dijkstra && engine.dijkstra(0, 0)?.is_none() {
            continue; // an engine without a weighted search
        }
        let m = measure(plan, workload.items(op), || workload.round(engine, op))?;
        progress(&format!(
            "  {} {}: median {} per {} ({} rounds)",
            engine.name(),
            op.label(),
            fmt_duration(m.median),
            op.per(),
            m.rounds
        ));
        result.reads.insert(op, m);
    }
    Ok(())
}

/// Times close + reopen: a warm-up, then `rounds` of them.
fn reopens(engine: &mut dyn Engine, rounds: usize) -> Result<Option<(Duration, usize)>> {
    if engine.close_and_reopen()?.is_none() {
        return Ok(None);
    }
    let mut times = Vec::new();
    for _ in 0..rounds.max(1) {
        times.extend(engine.close_and_reopen()?);
    }
    let n = times.len();
    Ok(Some((median(&mut times), n)))
}

/// Runs every engine of `config` on `spec`.
pub fn run_graph(config: &Config, spec: &GraphSpec) -> Result<GraphResult> {
    let started = Instant::now();
    let load_before = load_average();
    progress(&format!("generating {}: {}", spec.name, spec.describe()));
    let g = spec.generate();
    let big = g.edges.len() > BIG_GRAPH_EDGES;
    let load_rounds = config.load_rounds.unwrap_or(if big { 1 } else { 3 }).max(1);
    let plan = config.plan.unwrap_or(if big {
        Plan {
            min_rounds: 3,
            ..Plan::default()
        }
    } else {
        Plan::default()
    });
    let workload = Workload::new(
        &g,
        spec.seed,
        config.sample,
        config.bfs_starts,
        config.khop_starts.unwrap_or(if big { 300 } else { 1_000 }),
        config.path_pairs.unwrap_or(if big { 100 } else { 300 }),
    );
    let (bfs_reach, paths_found) = {
        let (mut csr, _) = Csr::build(&g);
        let mut reached = 0usize;
        let mut deepest = 0;
        for &s in &workload.bfs_starts {
            let (n, depth) = csr.reach(s)?;
            reached += n;
            deepest = deepest.max(depth);
        }
        let mut found = 0;
        for &(a, b) in &workload.path_pairs {
            found += usize::from(csr.shortest_path(a, b)? > 0);
        }
        (
            (
                reached as f64 / workload.bfs_starts.len().max(1) as f64,
                deepest,
            ),
            found,
        )
    };
    let mut engines = BTreeMap::new();
    let mut sqlite_plans = Vec::new();
    for &kind in &config.engines {
        let mut result = EngineResult {
            load_rounds,
            ..EngineResult::default()
        };
        match kind {
            EngineKind::Csr => {
                let mut builds = Vec::new();
                let mut csr = None;
                for _ in 0..load_rounds {
                    drop(csr.take());
                    let (built, took) = Csr::build(&g);
                    builds.push(LoadTimes {
                        edges: took,
                        ..LoadTimes::default()
                    });
                    csr = Some(built);
                }
                let mut csr = csr.ok_or("no CSR built")?;
                result.load = Some(median_load(&builds));
                result.csr_bytes = Some(csr.memory_bytes());
                progress(&format!(
                    "CSR built in {}",
                    fmt_duration(median_load(&builds).edges)
                ));
                reads(&mut csr, &workload, plan, &config.reads, &mut result)?;
            }
            EngineKind::Mmgraph => {
                let mut loads = Vec::new();
                let mut last = None;
                for round in 0..load_rounds {
                    drop(last.take()); // free the previous load's memory and file first
                    let dir = fresh_dir(&config.dir)?;
                    let path = dir.path().join("graph.mmg");
                    let (db, times) = Mmgraph::load(&path, &g)?;
                    progress(&format!(
                        "mmgraph load {}/{load_rounds}: nodes {}, edges {}, commit {}",
                        round + 1,
                        fmt_duration(times.nodes),
                        fmt_duration(times.edges),
                        fmt_duration(times.commit)
                    ));
                    loads.push(times);
                    last = Some((db, dir));
                }
                let (mut db, _dir) = last.ok_or("no mmgraph load")?;
                result.load = Some(median_load(&loads));
                let counts = db.counts()?;
                if counts != (g.nodes, g.edges.len() as u64) {
                    return Err(format!("mmgraph holds {counts:?} nodes and edges").into());
                }
                // Sizes after the reopens: the file as a clean close leaves it.
                result.reopen = reopens(&mut db, 11)?;
                result.mmgraph_sizes = Some(db.sizes(config.page_breakdown)?);
                reads(&mut db, &workload, plan, &config.reads, &mut result)?;
            }
            EngineKind::Sqlite => {
                let mut loads = Vec::new();
                let mut last = None;
                for round in 0..load_rounds {
                    drop(last.take()); // free the previous load's memory and file first
                    let dir = fresh_dir(&config.dir)?;
                    let path = dir.path().join("graph.sqlite");
                    let (db, times, sizes) = Sqlite::load(&path, &g, config.sqlite)?;
                    progress(&format!(
                        "SQLite load {}/{load_rounds}: nodes {}, edges {}, commit {}",
                        round + 1,
                        fmt_duration(times.nodes),
                        fmt_duration(times.edges),
                        fmt_duration(times.commit)
                    ));
                    loads.push(times);
                    last = Some((db, dir, sizes));
                }
                let (mut db, _dir, sizes) = last.ok_or("no SQLite load")?;
                result.load = Some(median_load(&loads));
                result.sqlite_sizes = Some(sizes);
                let counts = db.counts()?;
                if counts != (g.nodes, g.edges.len() as u64) {
                    return Err(format!("SQLite holds {counts:?} nodes and edges").into());
                }
                sqlite_plans = db.query_plans()?;
                result.reopen = reopens(&mut db, 11)?;
                reads(&mut db, &workload, plan, &config.reads, &mut result)?;
            }
        }
        engines.insert(kind, result);
    }

    let mut mismatches = Vec::new();
    let mut reach = BTreeMap::new();
    for op in Op::ALL {
        let sums: Vec<(EngineKind, u64)> = engines
            .iter()
            .filter_map(|(k, r)| r.reads.get(&op).map(|m| (*k, m.checksum)))
            .collect();
        if let Some(&(_, first)) = sums.first() {
            reach.insert(op, first);
            if sums.iter().any(|&(_, s)| s != first) {
                mismatches.push(format!("{}: checksums differ: {sums:?}", op.label()));
            }
        }
    }
    Ok(GraphResult {
        spec: spec.clone(),
        nodes: g.nodes,
        edges: g.edges.len() as u64,
        payload_bytes: g.payload_bytes(),
        workload: [
            workload.sample.len(),
            workload.bfs_starts.len(),
            workload.khop_starts.len(),
            workload.path_pairs.len(),
        ],
        engines,
        load_avg: (load_before, load_average()),
        wall: started.elapsed(),
        mismatches,
        reach,
        sqlite_plans,
        bfs_reach,
        paths_found,
    })
}

/// One row of the table.
struct Row {
    op: String,
    per: String,
    cells: [String; 3],
    vs_sqlite: String,
    vs_csr: String,
    goal: String,
    met: String,
}

fn ratio(x: f64) -> String {
    if x.is_finite() && x > 0.0 {
        format!("{}x", sig3(x))
    } else {
        "-".into()
    }
}

fn met(ok: bool) -> String {
    if ok { "yes".into() } else { "**no**".into() }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Renders one graph's results as Markdown.
pub fn render(r: &GraphResult) -> String {
    let get = |k: EngineKind| r.engines.get(&k);
    let mm = get(EngineKind::Mmgraph);
    let sq = get(EngineKind::Sqlite);
    let csr = get(EngineKind::Csr);
    let n = r.nodes as f64;
    let m = r.edges as f64;
    let mut rows = Vec::new();

    // Loads.
    let load = |e: Option<&EngineResult>| e.and_then(|e| e.load);
    let cell = |e: Option<&EngineResult>, f: &dyn Fn(&LoadTimes) -> String| {
        load(e).map_or("-".to_string(), |l| f(&l))
    };
    let (lm, ls, lc) = (load(mm), load(sq), load(csr));
    rows.push(Row {
        op: "node insert".into(),
        per: "node".into(),
        cells: [
            cell(mm, &|l| fmt_duration(l.nodes.div_f64(n))),
            cell(sq, &|l| fmt_duration(l.nodes.div_f64(n))),
            "-".into(),
        ],
        vs_sqlite: match (lm, ls) {
            (Some(a), Some(b)) => ratio(secs(b.nodes) / secs(a.nodes)),
            _ => "-".into(),
        },
        vs_csr: "-".into(),
        goal: String::new(),
        met: String::new(),
    });
    rows.push(Row {
        op: "edge insert (CSR: build)".into(),
        per: "edge".into(),
        cells: [
            cell(mm, &|l| fmt_duration(l.edges.div_f64(m))),
            cell(sq, &|l| fmt_duration(l.edges.div_f64(m))),
            cell(csr, &|l| fmt_duration(l.edges.div_f64(m))),
        ],
        vs_sqlite: match (lm, ls) {
            (Some(a), Some(b)) => ratio(secs(b.edges) / secs(a.edges)),
            _ => "-".into(),
        },
        vs_csr: match (lm, lc) {
            (Some(a), Some(c)) => ratio(secs(a.edges) / secs(c.edges)),
            _ => "-".into(),
        },
        goal: String::new(),
        met: String::new(),
    });
    rows.push(Row {
        op: "commit (durable)".into(),
        per: "load".into(),
        cells: [
            cell(mm, &|l| fmt_duration(l.commit)),
            cell(sq, &|l| fmt_duration(l.commit)),
            "-".into(),
        ],
        vs_sqlite: match (lm, ls) {
            (Some(a), Some(b)) => ratio(secs(b.commit) / secs(a.commit)),
            _ => "-".into(),
        },
        vs_csr: "-".into(),
        goal: String::new(),
        met: String::new(),
    });
    let edge_rate = |l: &LoadTimes| m / secs(l.edges + l.commit);
    rows.push(Row {
        op: "bulk load: edges / (edge inserts + commit)".into(),
        per: "edges/s".into(),
        cells: [
            cell(mm, &|l| fmt_rate(edge_rate(l))),
            cell(sq, &|l| fmt_rate(edge_rate(l))),
            cell(csr, &|l| fmt_rate(edge_rate(l))),
        ],
        vs_sqlite: match (lm, ls) {
            (Some(a), Some(b)) => ratio(edge_rate(&a) / edge_rate(&b)),
            _ => "-".into(),
        },
        vs_csr: match (lm, lc) {
            (Some(a), Some(c)) => ratio(edge_rate(&c) / edge_rate(&a)),
            _ => "-".into(),
        },
        goal: ">= 1 M edges/s".into(),
        met: lm.map_or(String::new(), |l| met(edge_rate(&l) >= 1e6)),
    });
    rows.push(Row {
        op: "whole load: nodes + edges + commit".into(),
        per: "load".into(),
        cells: [
            cell(mm, &|l| fmt_duration(l.nodes + l.edges + l.commit)),
            cell(sq, &|l| fmt_duration(l.nodes + l.edges + l.commit)),
            cell(csr, &|l| fmt_duration(l.nodes + l.edges + l.commit)),
        ],
        vs_sqlite: match (lm, ls) {
            (Some(a), Some(b)) => {
                ratio(secs(b.nodes + b.edges + b.commit) / secs(a.nodes + a.edges + a.commit))
            }
            _ => "-".into(),
        },
        vs_csr: match (lm, lc) {
            (Some(a), Some(c)) => {
                ratio(secs(a.nodes + a.edges + a.commit) / secs(c.nodes + c.edges + c.commit))
            }
            _ => "-".into(),
        },
        goal: String::new(),
        met: String::new(),
    });

    // Reads.
    for op in Op::ALL {
        let t = |e: Option<&EngineResult>| e.and_then(|e| e.reads.get(&op)).map(|m| m.median);
        let (tm, ts, tc) = (t(mm), t(sq), t(csr));
        let vs_sqlite = match (tm, ts) {
            (Some(a), Some(b)) => Some(secs(b) / secs(a)),
            _ => None,
        };
        let vs_csr = match (tm, tc) {
            (Some(a), Some(c)) => Some(secs(a) / secs(c)),
            _ => None,
        };
        let (goal, ok) = match op {
            Op::GetNode => (
                "<= 100 ns; >= 20x SQLite",
                tm.map(|t| t <= Duration::from_nanos(100) && vs_sqlite.is_none_or(|v| v >= 20.0)),
            ),
            Op::Dijkstra => ("<= 3x CSR", tm.map(|_| vs_csr.is_none_or(|v| v <= 3.0))),
            Op::Bfs | Op::FilteredBfs | Op::FilteredPath => (
                "<= 3x CSR; >= 20x SQLite",
                tm.map(|_| vs_csr.is_none_or(|v| v <= 3.0) && vs_sqlite.is_none_or(|v| v >= 20.0)),
            ),
            _ => (">= 20x SQLite", vs_sqlite.map(|v| v >= 20.0)),
        };
        rows.push(Row {
            op: op.label().into(),
            per: op.per().into(),
            cells: [tm, ts, tc].map(|t| t.map_or("-".into(), fmt_duration)),
            vs_sqlite: vs_sqlite.map_or("-".into(), ratio),
            vs_csr: vs_csr.map_or("-".into(), ratio),
            goal: goal.into(),
            met: ok.map_or(String::new(), met),
        });
    }

    // Reopen and sizes.
    let reopen = |e: Option<&EngineResult>| e.and_then(|e| e.reopen).map(|(d, _)| d);
    let (rm, rs) = (reopen(mm), reopen(sq));
    rows.push(Row {
        op: "close + reopen + read a node".into(),
        per: "reopen".into(),
        cells: [
            rm.map_or("-".into(), fmt_duration),
            rs.map_or("-".into(), fmt_duration),
            "-".into(),
        ],
        vs_sqlite: match (rm, rs) {
            (Some(a), Some(b)) => ratio(secs(b) / secs(a)),
            _ => "-".into(),
        },
        vs_csr: "-".into(),
        goal: "< 1 ms".into(),
        met: rm.map_or(String::new(), |d| met(d < Duration::from_millis(1))),
    });
    let mm_sizes = mm.and_then(|e| e.mmgraph_sizes.as_ref());
    let sq_sizes = sq.and_then(|e| e.sqlite_sizes);
    let csr_bytes = csr.and_then(|e| e.csr_bytes);
    rows.push(Row {
        op: "file size after close (SQLite: after checkpoint; CSR: memory)".into(),
        per: "file".into(),
        cells: [
            mm_sizes.map_or("-".into(), |s| fmt_bytes(s.file_len)),
            sq_sizes.map_or("-".into(), |s| fmt_bytes(s.db_after_checkpoint)),
            csr_bytes.map_or("-".into(), fmt_bytes),
        ],
        vs_sqlite: match (mm_sizes, sq_sizes) {
            (Some(a), Some(b)) => ratio(b.db_after_checkpoint as f64 / a.file_len as f64),
            _ => "-".into(),
        },
        vs_csr: match (mm_sizes, csr_bytes) {
            (Some(a), Some(c)) => ratio(a.file_len as f64 / c as f64),
            _ => "-".into(),
        },
        goal: "<= SQLite's".into(),
        met: match (mm_sizes, sq_sizes) {
            (Some(a), Some(b)) => met(a.file_len <= b.db_after_checkpoint),
            _ => String::new(),
        },
    });
    rows.push(Row {
        op: "mmgraph: pages in use; file right after commit".into(),
        per: "file".into(),
        cells: [
            mm_sizes.map_or("-".into(), |s| {
                format!(
                    "{}; {}",
                    fmt_bytes(s.in_use()),
                    fmt_bytes(s.file_len_after_commit)
                )
            }),
            "-".into(),
            "-".into(),
        ],
        vs_sqlite: match (mm_sizes, sq_sizes) {
            (Some(a), Some(b)) => ratio(b.db_after_checkpoint as f64 / a.in_use() as f64),
            _ => "-".into(),
        },
        vs_csr: match (mm_sizes, csr_bytes) {
            (Some(a), Some(c)) => ratio(a.in_use() as f64 / c as f64),
            _ => "-".into(),
        },
        goal: String::new(),
        met: String::new(),
    });

    let mut out = String::new();
    let push = |out: &mut String, line: String| {
        out.push_str(&line);
        out.push('\n');
    };
    push(
        &mut out,
        format!("#### `{}`: {}", r.spec.name, r.spec.describe()),
    );
    push(&mut out, String::new());
    push(
        &mut out,
        "| operation | per | mmgraph | SQLite | CSR | vs SQLite (x better) | vs CSR (x slower) | goal | met? |"
            .into(),
    );
    push(&mut out, "|---|---|---|---|---|---|---|---|---|".into());
    for row in rows {
        push(
            &mut out,
            format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                row.op,
                row.per,
                row.cells[0],
                row.cells[1],
                row.cells[2],
                row.vs_sqlite,
                row.vs_csr,
                row.goal,
                row.met
            ),
        );
    }
    push(&mut out, String::new());
    let [sample, bfs, khop, pairs] = r.workload;
    let reach = |op: Op| r.reach.get(&op).copied().unwrap_or(0);
    push(
        &mut out,
        format!(
            "Workload (the same for every engine): {sample} sampled nodes for get node and \
             out-neighbours (mean out-degree {:.1}); {bfs} BFS starts reaching {} nodes each on \
             average (max depth {}); {khop} k-hop starts ({} nodes within 2 hops on average); \
             {pairs} shortest-path pairs ({} reachable; {} nodes per path found on average).",
            r.edges as f64 / r.nodes as f64,
            sig3(r.bfs_reach.0),
            r.bfs_reach.1,
            sig3(reach(Op::KHop2) as f64 / khop.max(1) as f64),
            r.paths_found,
            sig3(reach(Op::ShortestPath) as f64 / r.paths_found.max(1) as f64),
        ),
    );
    let rounds = |k: EngineKind| {
        r.engines.get(&k).map_or(String::new(), |e| {
            let reads: Vec<String> = Op::ALL
                .iter()
                .filter_map(|op| e.reads.get(op).map(|m| m.rounds.to_string()))
                .collect();
            format!(
                "{:?}: {} load(s), read rounds {}{}",
                k,
                e.load_rounds,
                reads.join("/"),
                e.reopen
                    .map_or(String::new(), |(_, n)| format!(", {n} reopens"))
            )
        })
    };
    push(
        &mut out,
        format!(
            "Rounds (median of each; one warm-up first): {}. Load average before / after: {} / \
             {}; wall time {:.0} s.",
            [EngineKind::Mmgraph, EngineKind::Sqlite, EngineKind::Csr]
                .map(rounds)
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
            r.load_avg.0,
            r.load_avg.1,
            r.wall.as_secs_f64()
        ),
    );
    if let Some(s) = mm_sizes {
        let by_type: Vec<String> = s
            .pages_by_type
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        push(
            &mut out,
            format!(
                "mmgraph file: {} bytes long after the load's commit, {} after a clean close ({} \
                 allocated), {} pages of which {} free{}; node names and data: {}.",
                s.file_len_after_commit,
                s.file_len,
                fmt_bytes(s.allocated),
                s.page_count,
                s.free_pages,
                if by_type.is_empty() {
                    String::new()
                } else {
                    format!("; pages by type: {}", by_type.join(", "))
                },
                fmt_bytes(r.payload_bytes)
            ),
        );
    }
    if let Some(s) = sq_sizes {
        push(
            &mut out,
            format!(
                "SQLite files after the load's commit: db {}, WAL {}; db after checkpoint {}.",
                fmt_bytes(s.db_after_commit),
                fmt_bytes(s.wal_after_commit),
                fmt_bytes(s.db_after_checkpoint)
            ),
        );
    }
    for plan in &r.sqlite_plans {
        push(&mut out, format!("SQLite plan: `{plan}`"));
    }
    if r.mismatches.is_empty() {
        push(
            &mut out,
            "Every read gave the same checksum on every engine.".into(),
        );
    } else {
        for m in &r.mismatches {
            push(&mut out, format!("**CHECKSUM MISMATCH** {m}"));
        }
    }
    out
}

/// Runs `config`: every graph, printing each graph's table to stdout as it completes. Fails
/// at the end if any engine disagreed with another.
pub fn run(config: &Config) -> Result<()> {
    println!(
        "### Comparison run: {} UTC; load average at start {}",
        crate::utc_now(),
        load_average()
    );
    println!();
    let mut mismatched = false;
    for spec in &config.graphs {
        let result = run_graph(config, spec)?;
        mismatched |= !result.mismatches.is_empty();
        println!("{}", render(&result));
    }
    if mismatched {
        return Err("engines disagreed on a read: see CHECKSUM MISMATCH above".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every engine answers every read the same on small graphs of both shapes, and the table
    /// renders with every row.
    #[test]
    fn engines_agree_on_small_graphs() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for name in ["uniform:300:1500", "rmat:9:8"] {
            let config = Config {
                graphs: vec![GraphSpec::parse(name).expect("a valid graph name")],
                dir: dir.path().to_path_buf(),
                load_rounds: Some(1),
                plan: Some(Plan {
                    min_rounds: 1,
                    max_rounds: 1,
                    budget: Duration::ZERO,
                }),
                sample: 500,
                khop_starts: Some(50),
                path_pairs: Some(50),
                ..Config::default()
            };
            let result = run_graph(&config, &config.graphs[0]).expect("the comparison runs");
            assert!(result.mismatches.is_empty(), "{:?}", result.mismatches);
            assert_eq!(result.engines.len(), 3);
            for (kind, engine) in &result.engines {
                // SQLite has no weighted search; every other engine runs every read.
                let skipped = usize::from(*kind == EngineKind::Sqlite);
                assert_eq!(engine.reads.len(), Op::ALL.len() - skipped, "{kind:?}");
            }
            let table = render(&result);
            assert!(table.contains("| BFS, whole graph | BFS |"), "{table}");
            assert!(
                table.contains("Every read gave the same checksum"),
                "{table}"
            );
        }
    }
}
