//! The inspection commands `stats`, `check` and `bfs` (`node` and `neighbors` are in
//! [`crate::lookup`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use graph::GraphRead;
use serde_json::json;

use crate::cli::BfsArgs;
use crate::db;
use crate::error::Result;
use crate::lookup;
use crate::output::{Listing, Output};
use crate::traversal;

/// Runs `mmgraph stats`.
pub fn stats(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let stats = graph.stats()?;
    let spaces = graph.begin_read()?.kv_spaces()?;
    let footprint = stats.footprint();
    if out.json() {
        out.line(json!({
            "txn_id": stats.txn_id,
            "nodes": stats.nodes,
            "edges": stats.edges,
            "kinds": stats.kinds,
            "edge_types": stats.edge_types,
            "page_count": stats.page_count,
            "free_pages": stats.free_pages,
            "file_bytes": stats.file_len,
            "pages_by_type": stats.pages_by_type,
            "pages_by_structure": stats.pages_by_structure,
            "bytes_per_node": {
                "records": footprint.records_per_node,
                "indexes": footprint.indexes_per_node,
            },
            "bytes_per_edge": {
                "adjacency": footprint.adjacency_per_edge,
                "records": footprint.records_per_edge,
            },
            "kv_spaces": spaces,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    out.line(format_args!("database:   {}", path.display()))?;
    out.line(format_args!("commit:     {}", stats.txn_id))?;
    out.line(format_args!("nodes:      {}", stats.nodes))?;
    out.line(format_args!("edges:      {}", stats.edges))?;
    out.line(format_args!("kinds:      {}", stats.kinds))?;
    out.line(format_args!("edge types: {}", stats.edge_types))?;
    out.line(format_args!(
        "pages:      {} ({} free), file {:.1} MiB",
        stats.page_count,
        stats.free_pages,
        mib(stats.file_len)
    ))?;
    for (page_type, count) in &stats.pages_by_type {
        out.line(format_args!("            {count:>10} {page_type}"))?;
    }
    out.line("structures: pages, MiB")?;
    for (structure, count) in &stats.pages_by_structure {
        let bytes = count * graph::PAGE_SIZE;
        out.line(format_args!(
            "            {count:>10} {:>8.1} {structure}",
            mib(bytes)
        ))?;
    }
    if let (Some(records), Some(indexes)) = (footprint.records_per_node, footprint.indexes_per_node)
    {
        out.line(format_args!(
            "per node:   {records:.1} bytes of records, {indexes:.1} of indexes"
        ))?;
    }
    if let (Some(adjacency), Some(records)) =
        (footprint.adjacency_per_edge, footprint.records_per_edge)
    {
        out.line(format_args!(
            "per edge:   {adjacency:.1} bytes of adjacency, {records:.1} of records"
        ))?;
    }
    if !spaces.is_empty() {
        out.line(format_args!("key-value spaces: {}", spaces.join(", ")))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph check`: success only when the database is clean.
pub fn check(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let report = graph.check()?;
    if out.json() {
        out.line(json!({
            "clean": report.is_clean(),
            "nodes": report.nodes,
            "edges": report.edges,
            "pages": report.pages,
            "free_pages": report.free_pages,
            "page_count": report.page_count,
            "problem_count": report.problem_count,
            "problems": report.problems,
        }))?;
    } else if report.is_clean() {
        out.line(format_args!(
            "clean: {} nodes, {} edges, {} pages reached, {} free, {} in all",
            report.nodes, report.edges, report.pages, report.free_pages, report.page_count
        ))?;
    } else {
        out.line(format_args!("{} problem(s):", report.problem_count))?;
        for problem in &report.problems {
            out.line(format_args!("  {problem}"))?;
        }
        let unlisted = report.problem_count - report.problems.len() as u64;
        if unlisted > 0 {
            out.line(format_args!("  and {unlisted} more"))?;
        }
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs `mmgraph bfs`.
pub fn bfs(args: &BfsArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let start = db::resolve(&read, &args.id, args.ids)?;
    let follow = traversal::follow(&read, &args.follow)?;
    let reached = read.bfs(start, follow, args.depth)?;
    crate::export::traversal(
        &read,
        reached.iter().map(|(n, _)| *n).collect(),
        &args.export,
    )?;
    let mut by_depth: BTreeMap<u32, u64> = BTreeMap::new();
    for (_, depth) in &reached {
        *by_depth.entry(*depth).or_default() += 1;
    }
    let shown = if args.limit == 0 {
        reached.len()
    } else {
        args.limit.min(reached.len())
    };
    let mut listing = Listing::new(out, "nodes");
    for (node, depth) in reached.iter().take(shown) {
        listing.record(
            || Ok(format!("{depth:>4} {}", db::describe(&read, *node)?)),
            || {
                let mut record = lookup::node_ref(&read, *node)?;
                if let Some(fields) = record.as_object_mut() {
                    fields.insert("depth".to_owned(), json!(depth));
                }
                Ok(record)
            },
        )?;
    }
    listing.finish(
        || {
            let mut lines = vec![format!(
                "{} node(s) reached from {}",
                reached.len(),
                db::describe(&read, start)?
            )];
            for (depth, count) in &by_depth {
                lines.push(format!("  depth {depth}: {count}"));
            }
            Ok(lines)
        },
        || {
            let mut summary = serde_json::Map::new();
            summary.insert("from".to_owned(), lookup::node_ref(&read, start)?);
            summary.insert("reached".to_owned(), json!(reached.len()));
            summary.insert("by_depth".to_owned(), json!(by_depth));
            Ok(summary)
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Bytes in MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}
