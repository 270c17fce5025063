//! `mmgraph demo`: the README's main job. Builds the sample graph of the predecessor's scenario
//! D (10,000 nodes of 22 kinds, 50,000 typed edges) in a file, reopens it, checks it, verifies
//! every node and neighbour list against what was written, and times a BFS, a k-hop, a shortest
//! path and the indexes.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use graph::sample::SampleGraph;
use graph::{Direction, GraphRead, NodeId};
use serde_json::json;

use crate::db;
use crate::error::{Error, Result};
use crate::inspect::mib;
use crate::output::Output;

/// Runs `mmgraph demo [PATH]`.
pub fn run(path: Option<&Path>, out: &mut Output) -> Result<ExitCode> {
    let temp = tempfile::tempdir().map_err(|source| Error::File {
        path: std::env::temp_dir(),
        source,
    })?;
    let path = match path {
        Some(path) if path.exists() => return Err(Error::Exists(path.to_owned())),
        Some(path) => path.to_owned(),
        None => temp.path().join("demo.mmg"),
    };
    let mut report = Report::new(out);
    report.say("database", format!("{}", path.display()), json!(path))?;

    let sample = SampleGraph::scenario_d();
    let timed = Instant::now();
    {
        let graph = db::open(&path)?;
        sample.write(&graph, 100_000)?;
    }
    report.say(
        "build",
        format!(
            "{} nodes, {} edges in two durable transactions (nodes, then edges in bulk): {:.1?}",
            sample.nodes,
            sample.edges.len(),
            timed.elapsed()
        ),
        json!({"nodes": sample.nodes, "edges": sample.edges.len(), "seconds": timed.elapsed().as_secs_f64()}),
    )?;

    let timed = Instant::now();
    let graph = db::open(&path)?;
    report.say(
        "reopen",
        format!("{:.1?}", timed.elapsed()),
        json!({"seconds": timed.elapsed().as_secs_f64()}),
    )?;

    let timed = Instant::now();
    let checked = graph.check()?;
    report.say(
        "check",
        format!(
            "{} ({} nodes, {} edges, {} pages reached, {} free) in {:.1?}",
            if checked.is_clean() {
                "clean"
            } else {
                "PROBLEMS"
            },
            checked.nodes,
            checked.edges,
            checked.pages,
            checked.free_pages,
            timed.elapsed()
        ),
        json!({"clean": checked.is_clean(), "problems": checked.problems}),
    )?;

    let read = graph.begin_read()?;
    let timed = Instant::now();
    let mismatches = sample.verify(&read)?;
    report.say(
        "verify",
        format!(
            "{}: every node's kind, name and data and both neighbour lists, {:.1?}",
            if mismatches.is_empty() {
                "as written"
            } else {
                "DIFFERENT"
            },
            timed.elapsed()
        ),
        json!({"as_written": mismatches.is_empty()}),
    )?;

    traversals(&mut report, &read, sample.nodes)?;

    let stats = graph.stats()?;
    report.say(
        "stats",
        format!(
            "{} kinds, {} edge types, {} pages ({} free), file {:.1} MiB",
            stats.kinds,
            stats.edge_types,
            stats.page_count,
            stats.free_pages,
            mib(stats.file_len)
        ),
        json!({"kinds": stats.kinds, "edge_types": stats.edge_types, "pages": stats.page_count, "file_bytes": stats.file_len}),
    )?;
    report.finish()?;
    if !mismatches.is_empty() {
        return Err(Error::Demo(mismatches.join("\n")));
    }
    Ok(if checked.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Times a BFS, a k-hop, a shortest path and index lookups on the sample.
fn traversals(report: &mut Report<'_>, read: &graph::ReadTxn, nodes: u64) -> Result<()> {
    let timed = Instant::now();
    let reached = read.bfs(NodeId(0), Direction::Out, None)?;
    let depth = reached.last().map_or(0, |(_, d)| *d);
    report.say(
        "bfs",
        format!(
            "from node 0 along out-edges: {} nodes, depth {depth}, {:.1?}",
            reached.len(),
            timed.elapsed()
        ),
        json!({"reached": reached.len(), "depth": depth}),
    )?;
    let timed = Instant::now();
    let hop = read.k_hop(NodeId(0), 2, Direction::Both)?;
    report.say(
        "k-hop",
        format!(
            "{} distinct nodes within 2 hops of node 0 (both directions), {:.1?}",
            hop.len(),
            timed.elapsed()
        ),
        json!({"nodes": hop.len()}),
    )?;
    let timed = Instant::now();
    let target = NodeId(nodes.saturating_sub(1));
    let path = read.shortest_path(NodeId(0), target)?;
    let hops = path.as_ref().map(|p| p.len().saturating_sub(1));
    report.say(
        "path",
        match hops {
            Some(hops) => format!(
                "node 0 to node {target}: {hops} hops, {:.1?}",
                timed.elapsed()
            ),
            None => format!(
                "node {target} is not reachable from node 0, {:.1?}",
                timed.elapsed()
            ),
        },
        json!({"hops": hops}),
    )?;
    let timed = Instant::now();
    let prefixed = read.nodes_by_name_prefix("process_data_").count();
    let functions = read.count_by_kind("function")?;
    report.say(
        "indexes",
        format!(
            "{prefixed} names start with process_data_, {functions} nodes of kind function, {:.1?}",
            timed.elapsed()
        ),
        json!({"process_data_names": prefixed, "functions": functions}),
    )?;
    Ok(())
}

/// The demo's lines for people, or one JSON document at the end.
struct Report<'o> {
    out: &'o mut Output,
    json: serde_json::Map<String, serde_json::Value>,
}

impl Report<'_> {
    fn new(out: &mut Output) -> Report<'_> {
        Report {
            out,
            json: serde_json::Map::new(),
        }
    }

    fn say(&mut self, step: &str, text: String, value: serde_json::Value) -> Result<()> {
        if self.out.json() {
            self.json.insert(step.to_owned(), value);
        } else {
            self.out
                .line(format_args!("{:<9} {text}", format!("{step}:")))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        if self.out.json() {
            self.out.value(&serde_json::Value::Object(self.json))?;
        }
        Ok(())
    }
}
