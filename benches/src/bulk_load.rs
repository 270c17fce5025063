//! The bulk load (issue 19): a generated graph's nodes in one
//! [`graph::WriteTxn::add_nodes_with_data`] call (`compare` adds them one `add_node` call at a
//! time), then all its edges in one [`graph::WriteTxn::add_edges`] call and one durable commit,
//! as `compare` loads them, but without the other engines and the reads, and with what a
//! comparison of two builds on a busy
//! machine needs: the CPU time of the edge call beside its wall time (another engineer's build
//! inflates the wall time of a run, much less its CPU time), and the peak resident set of the
//! edge phase alone.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use graph::{Graph, NewDataNode};

use crate::Result;
use crate::generate::GraphSpec;
use crate::measure::{fmt_bytes, fmt_duration, fmt_rate};

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The graph, as `compare --graphs` names it (`kron`, `rmat:18:16`, ...).
    pub graph: String,
    /// Where the database file goes (a fresh temporary directory, removed afterwards).
    pub dir: PathBuf,
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// The graph's description.
    pub graph: String,
    /// Edges loaded.
    pub edges: u64,
    /// The nodes' `add_nodes_with_data` call (one transaction with the edges).
    pub nodes_time: Duration,
    /// The `add_edges` call: wall time.
    pub edges_time: Duration,
    /// The `add_edges` call: CPU time of the thread that made it, if the system reports it.
    pub edges_cpu: Option<Duration>,
    /// The durable commit.
    pub commit_time: Duration,
    /// Peak resident set from just before `add_edges` to the end of the commit, if the system
    /// can reset and report it.
    pub edge_phase_peak_rss: Option<u64>,
    /// The file's length after the commit.
    pub file_len: u64,
}

/// Generates the graph, loads it into a fresh file under `config.dir` and reports the costs.
pub fn run(config: &Config) -> Result<Report> {
    let spec = GraphSpec::parse(&config.graph)
        .ok_or_else(|| format!("unknown graph {:?}; see --help", config.graph))?;
    let g = spec.generate();
    std::fs::create_dir_all(&config.dir)?;
    let dir = tempfile::tempdir_in(&config.dir)?;
    let path = dir.path().join("bulk.mmg");
    let graph = Graph::open(&path)?;
    let mut txn = graph.begin_write()?;
    let started = Instant::now();
    let nodes: Vec<NewDataNode<'_>> = (0..g.nodes)
        .map(|i| {
            let node = g.node(i);
            NewDataNode {
                kind: node.kind,
                name: node.name,
                data: node.data,
            }
        })
        .collect();
    let ids = txn.add_nodes_with_data(&nodes)?;
    let nodes_time = started.elapsed();
    if ids.iter().enumerate().any(|(i, id)| id.0 != i as u64) {
        return Err("the nodes did not get dense ids from 0; the edges name them so".into());
    }
    let peak_reset = reset_peak_rss();
    let cpu_before = thread_cpu();
    let started = Instant::now();
    txn.add_edges(g.new_edges())?;
    let edges_time = started.elapsed();
    let edges_cpu = thread_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let started = Instant::now();
    txn.commit()?;
    let commit_time = started.elapsed();
    let edge_phase_peak_rss = if peak_reset { peak_rss() } else { None };
    Ok(Report {
        graph: spec.describe(),
        edges: g.edges.len() as u64,
        nodes_time,
        edges_time,
        edges_cpu,
        commit_time,
        edge_phase_peak_rss,
        file_len: std::fs::metadata(&path)?.len(),
    })
}

/// The calling thread's CPU time so far, from `/proc/thread-self/schedstat` (nanoseconds on
/// the CPU, its first field).
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Resets the process's peak resident set to its current one (`5` to `/proc/self/clear_refs`);
/// whether that worked.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak resident set in bytes, from `/proc/self/status`.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

impl Report {
    /// The report as one Markdown table row under a header, with the date and graph above.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "bulk load of {}, {}\n", self.graph, crate::utc_now());
        let _ = writeln!(
            out,
            "| nodes | add_edges (wall) | per edge | add_edges (CPU) | per edge | commit | edges / (add_edges + commit) | edges / whole load | edge-phase peak RSS | file |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        let edges = self.edges.max(1) as f64;
        let per_edge = |d: Duration| fmt_duration(Duration::from_secs_f64(d.as_secs_f64() / edges));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            fmt_duration(self.nodes_time),
            fmt_duration(self.edges_time),
            per_edge(self.edges_time),
            self.edges_cpu.map_or("-".into(), fmt_duration),
            self.edges_cpu.map_or("-".into(), per_edge),
            fmt_duration(self.commit_time),
            fmt_rate(edges / (self.edges_time + self.commit_time).as_secs_f64().max(1e-9)),
            fmt_rate(
                edges
                    / (self.nodes_time + self.edges_time + self.commit_time)
                        .as_secs_f64()
                        .max(1e-9)
            ),
            self.edge_phase_peak_rss.map_or("-".into(), fmt_bytes),
            fmt_bytes(self.file_len),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_load_reports_every_edge_and_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let report = run(&Config {
            graph: "rmat:8:4".into(),
            dir: dir.path().to_path_buf(),
        })
        .expect("run");
        assert_eq!(report.edges, 4 << 8);
        assert!(report.file_len >= 4096);
        assert!(report.markdown().contains("| nodes | add_edges (wall) |"));
    }

    #[test]
    fn an_unknown_graph_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            graph: "no-such-graph".into(),
            dir: dir.path().to_path_buf(),
        };
        assert!(run(&config).is_err());
    }
}
