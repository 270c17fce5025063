//! The cost of a small durable commit into a large graph, against the disk's own sync (issue
//! 19's goal: a durable commit of 1 edge into `kron` within 3 raw fdatasyncs of the same run).
//!
//! Builds the graph (or opens a file built before), then alternates `rounds` times: a durable
//! commit of one random edge, timed from `begin_write` to the end of `commit`, and a raw
//! fdatasync of a 4 KiB write to a scratch file in the same directory. Alternating puts both
//! under the same disk and machine load. Reports the medians, their ratio, and the pages and
//! syncs each commit cost (from [`graph::Graph::storage_stats`]).

use std::fmt::Write as _;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use graph::{Graph, GraphRead, NodeId};

use crate::Result;
use crate::generate::{GraphSpec, SplitMix64};
use crate::measure::{fmt_bytes, fmt_duration, median, sig3};

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The graph to build when `file` does not exist, as `compare --graphs` names it.
    pub graph: String,
    /// A graph file to open (and to build first, if missing, and keep); `None`: build the graph
    /// in a temporary directory under `dir`, removed afterwards.
    pub file: Option<PathBuf>,
    /// Where the temporary file goes when `file` is `None`.
    pub dir: PathBuf,
    /// Commits (and raw syncs) measured.
    pub rounds: usize,
    /// The random edges' seed.
    pub seed: u64,
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// The file measured.
    pub file: PathBuf,
    /// Its nodes and edges before the commits.
    pub nodes: u64,
    /// Its edges before the commits.
    pub edges: u64,
    /// The file's length before the commits.
    pub file_len: u64,
    /// Each commit's time.
    pub commits: Vec<Duration>,
    /// Each raw sync's time (the 4 KiB write and its fdatasync).
    pub raw_syncs: Vec<Duration>,
    /// Bytes the storage layer wrote over all commits.
    pub bytes_written: u64,
    /// Syncs the storage layer asked for over all commits.
    pub syncs: u64,
}

/// Builds the graph named `graph` into `path` in one durable transaction, as `compare` does.
fn build(graph: &str, path: &Path) -> Result<()> {
    let spec =
        GraphSpec::parse(graph).ok_or_else(|| format!("unknown graph {graph:?}; see --help"))?;
    let g = spec.generate();
    let db = Graph::open(path)?;
    let mut txn = db.begin_write()?;
    for i in 0..g.nodes {
        let node = g.node(i);
        txn.add_node(node.kind, node.name, node.data)?;
    }
    txn.add_edges(g.new_edges())?;
    txn.commit()?;
    Ok(())
}

/// Runs the measurement; see the module's documentation.
pub fn run(config: &Config) -> Result<Report> {
    if config.rounds == 0 {
        return Err("commit_latency needs at least one round".into());
    }
    let temporary;
    let path = match &config.file {
        Some(file) => file.clone(),
        None => {
            std::fs::create_dir_all(&config.dir)?;
            temporary = tempfile::tempdir_in(&config.dir)?;
            temporary.path().join("commit.mmg")
        }
    };
    if !path.exists() {
        build(&config.graph, &path)?;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let scratch_dir = tempfile::tempdir_in(dir)?;
    let scratch = File::create(scratch_dir.path().join("raw-sync"))?;
    let block = [0x5au8; 4096];
    let db = Graph::open(&path)?;
    let (nodes, edges) = {
        let read = db.begin_read()?;
        (read.node_count(), read.edge_count())
    };
    if nodes == 0 {
        return Err(format!("{} has no nodes to join", path.display()).into());
    }
    let file_len = std::fs::metadata(&path)?.len();
    let mut rng = SplitMix64::new(config.seed);
    let before = db.storage_stats()?;
    let (mut commits, mut raw_syncs) = (Vec::new(), Vec::new());
    for _ in 0..config.rounds {
        let (from, to) = (NodeId(rng.below(nodes)), NodeId(rng.below(nodes)));
        let started = Instant::now();
        let mut txn = db.begin_write()?;
        txn.add_edge(from, to, "commit_latency", b"")?;
        txn.commit()?;
        commits.push(started.elapsed());
        let started = Instant::now();
        scratch.write_all_at(&block, 0)?;
        scratch.sync_data()?;
        raw_syncs.push(started.elapsed());
    }
    let after = db.storage_stats()?;
    Ok(Report {
        file: path,
        nodes,
        edges,
        file_len,
        commits,
        raw_syncs,
        bytes_written: after.bytes_written - before.bytes_written,
        syncs: after.syncs - before.syncs,
    })
}

impl Report {
    /// The report in Markdown: one table row of medians, ratio and writes per commit.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "commit latency: {} ({} nodes, {} edges, {}), {} rounds, {}\n",
            self.file.display(),
            self.nodes,
            self.edges,
            fmt_bytes(self.file_len),
            self.commits.len(),
            crate::utc_now()
        );
        let _ = writeln!(
            out,
            "| durable 1-edge commit (median) | raw 4 KiB write + fdatasync (median) | ratio | commit min / max | raw sync min / max | pages written per commit | syncs per commit |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        let (mut commits, mut raw) = (self.commits.clone(), self.raw_syncs.clone());
        let (commit, sync) = (median(&mut commits), median(&mut raw));
        let span = |d: &[Duration]| {
            let min = d.iter().min().copied().unwrap_or_default();
            let max = d.iter().max().copied().unwrap_or_default();
            format!("{} / {}", fmt_duration(min), fmt_duration(max))
        };
        let rounds = self.commits.len().max(1) as f64;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            fmt_duration(commit),
            fmt_duration(sync),
            sig3(commit.as_secs_f64() / sync.as_secs_f64().max(1e-12)),
            span(&self.commits),
            span(&self.raw_syncs),
            sig3(self.bytes_written as f64 / 4096.0 / rounds),
            sig3(self.syncs as f64 / rounds),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_graph_is_built_kept_and_measured_round_by_round() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("g.mmg");
        let config = Config {
            graph: "rmat:8:4".into(),
            file: Some(file.clone()),
            dir: dir.path().to_path_buf(),
            rounds: 5,
            seed: 1,
        };
        let report = run(&config).expect("run");
        assert_eq!((report.nodes, report.edges), (256, 1024));
        assert_eq!((report.commits.len(), report.raw_syncs.len()), (5, 5));
        assert_eq!(report.syncs, 10, "a durable commit syncs twice");
        assert!(
            report.bytes_written >= 5 * 2 * 4096,
            "pages and a meta page"
        );
        // The file is kept and opened, not built, the second time.
        let again = run(&config).expect("run");
        assert_eq!(again.edges, 1029);
        assert!(report.markdown().contains("| pages written per commit |"));
    }
}
