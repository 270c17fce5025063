//! Scenario E of `docs/testing.md` as a benchmark (issue 19): `nodes` nodes in one commit, then
//! `commits` durable commits of `batch` uniform random edges each (fixed seed), through
//! [`graph::WriteTxn::add_edges`]. Reports the total time of the edge commits, the time of each
//! tenth of them, and the bytes the storage layer wrote per committed edge
//! ([`graph::StorageStats::bytes_written`]), so that a write path whose cost grows with the
//! graph shows as later tenths slower and costlier than the first; and the slowest commit.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use graph::{Graph, NewEdge, NodeId};

use crate::Result;
use crate::generate::SplitMix64;
use crate::measure::{fmt_bytes, fmt_duration, sig3};

/// The edge types the edges cycle through (random per edge).
const EDGE_TYPES: [&str; 4] = ["knows", "follows", "likes", "links"];

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Nodes, written in one commit before the edges.
    pub nodes: u64,
    /// Durable commits of edges.
    pub commits: u64,
    /// Edges per commit.
    pub batch: u64,
    /// The random edges' seed.
    pub seed: u64,
    /// Where the database file goes (a fresh temporary directory, removed afterwards).
    pub dir: PathBuf,
}

impl Config {
    /// Scenario E at `scale` (1: 100K nodes, 100 commits of 10K edges; 100: 10M nodes, 100
    /// commits of 1M edges).
    pub fn scenario_e(scale: u64) -> Config {
        Config {
            nodes: 100_000 * scale,
            commits: 100,
            batch: 10_000 * scale,
            seed: 5,
            dir: PathBuf::from("target/tmp"),
        }
    }
}

/// One edge commit's cost.
#[derive(Clone, Copy, Debug)]
pub struct CommitCost {
    /// From `begin_write` to the end of `commit`.
    pub time: Duration,
    /// Bytes the storage layer wrote for it (pages and meta page).
    pub bytes: u64,
    /// Data syncs it asked for.
    pub syncs: u64,
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// The configuration run.
    pub config: Config,
    /// The node commit's time.
    pub nodes_time: Duration,
    /// Each edge commit, in order.
    pub commits: Vec<CommitCost>,
    /// The file's length at the end.
    pub file_len: u64,
    /// The process's peak resident set (`VmHWM`), if the system reports it.
    pub peak_rss: Option<u64>,
}

/// Runs the scenario in a fresh file under `config.dir`.
pub fn run(config: &Config) -> Result<Report> {
    std::fs::create_dir_all(&config.dir)?;
    let dir = tempfile::tempdir_in(&config.dir)?;
    let path = dir.path().join("ingest.mmg");
    let graph = Graph::open(&path)?;
    let started = Instant::now();
    let mut txn = graph.begin_write()?;
    for i in 0..config.nodes {
        txn.add_node("node", &format!("node_{i}"), format!("{i}").as_bytes())?;
    }
    txn.commit()?;
    let nodes_time = started.elapsed();
    let mut rng = SplitMix64::new(config.seed);
    let mut commits = Vec::new();
    for _ in 0..config.commits {
        let edges: Vec<(u64, u64, usize)> = (0..config.batch)
            .map(|_| {
                (
                    rng.below(config.nodes),
                    rng.below(config.nodes),
                    rng.below(EDGE_TYPES.len() as u64) as usize,
                )
            })
            .collect();
        let before = graph.storage_stats()?;
        let started = Instant::now();
        let mut txn = graph.begin_write()?;
        txn.add_edges(edges.iter().map(|&(from, to, t)| NewEdge {
            from: NodeId(from),
            to: NodeId(to),
            edge_type: EDGE_TYPES.get(t).copied().unwrap_or("knows"),
            data: b"",
        }))?;
        txn.commit()?;
        let time = started.elapsed();
        let after = graph.storage_stats()?;
        commits.push(CommitCost {
            time,
            bytes: after.bytes_written - before.bytes_written,
            syncs: after.syncs - before.syncs,
        });
    }
    let file_len = std::fs::metadata(&path)?.len();
    Ok(Report {
        config: config.clone(),
        nodes_time,
        commits,
        file_len,
        peak_rss: peak_rss(),
    })
}

/// The process's peak resident set in bytes, from `/proc/self/status`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The sums over `commits`.
fn totals(commits: &[CommitCost]) -> (Duration, u64, u64) {
    commits.iter().fold((Duration::ZERO, 0, 0), |(t, b, s), c| {
        (t + c.time, b + c.bytes, s + c.syncs)
    })
}

impl Report {
    /// The report in Markdown: one table of the whole run, the first ten and the last ten
    /// commits.
    pub fn markdown(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "scenario E: {} nodes (one commit, {}), then {} durable commits of {} random edges (seed {}), {}\n",
            c.nodes,
            fmt_duration(self.nodes_time),
            c.commits,
            c.batch,
            c.seed,
            crate::utc_now()
        );
        let _ = writeln!(
            out,
            "| commits | time | per commit | edges/s | bytes written per edge | syncs per commit |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        // Every tenth of the run, so that a cost that grows (or a fold's spike) shows.
        let tenth = self.commits.len().div_ceil(10).max(1);
        let mut rows = vec![("all".to_string(), self.commits.as_slice())];
        for (i, part) in self.commits.chunks(tenth).enumerate() {
            let first = i * tenth + 1;
            rows.push((format!("{first}-{}", first + part.len() - 1), part));
        }
        for (name, commits) in rows {
            let (time, bytes, syncs) = totals(commits);
            let n = commits.len().max(1) as u64;
            let edges = (c.batch * commits.len() as u64).max(1);
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {} |",
                fmt_duration(time),
                fmt_duration(time / n as u32),
                crate::measure::fmt_rate(edges as f64 / time.as_secs_f64().max(1e-9)),
                sig3(bytes as f64 / edges as f64),
                sig3(syncs as f64 / n as f64),
            );
        }
        if let Some((i, slowest)) = (self.commits.iter().enumerate()).max_by_key(|(_, c)| c.time) {
            let _ = writeln!(
                out,
                "\nslowest commit: number {}, {}, {} bytes per edge",
                i + 1,
                fmt_duration(slowest.time),
                sig3(slowest.bytes as f64 / c.batch.max(1) as f64)
            );
        }
        let _ = writeln!(
            out,
            "\nfile {}, peak RSS {}",
            fmt_bytes(self.file_len),
            self.peak_rss.map_or("unknown".into(), fmt_bytes)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_run_reports_every_commit_and_counts_its_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            nodes: 500,
            commits: 12,
            batch: 100,
            seed: 1,
            dir: dir.path().to_path_buf(),
        };
        let report = run(&config).expect("run");
        assert_eq!(report.commits.len(), 12);
        for commit in &report.commits {
            assert_eq!(commit.syncs, 2, "a durable commit syncs twice");
            assert!(commit.bytes >= 2 * 4096, "pages and a meta page");
        }
        let text = report.markdown();
        // Twelve commits in tenths of two.
        assert!(
            text.contains("| 1-2 |") && text.contains("| 11-12 |"),
            "{text}"
        );
        assert!(text.contains("slowest commit: number "), "{text}");
    }
}
