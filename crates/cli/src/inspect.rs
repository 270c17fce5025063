//! The inspection commands: `stats`, `check`, `node`, `neighbors`, `bfs` and `path`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use graph::{Direction, GraphRead, NodeId, ReadTxn};
use serde_json::json;

use crate::cli::{BfsArgs, NeighborsArgs, NodeArgs, PathArgs};
use crate::db;
use crate::error::Result;
use crate::output::Output;

/// Runs `mmgraph stats`.
pub fn stats(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(path)?;
    let stats = graph.stats()?;
    let spaces = graph.begin_read()?.kv_spaces()?;
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
    if !spaces.is_empty() {
        out.line(format_args!("key-value spaces: {}", spaces.join(", ")))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph check`: success only when the database is clean.
pub fn check(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(path)?;
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

/// A node as JSON.
fn node_json(read: &ReadTxn, id: NodeId) -> Result<serde_json::Value> {
    let Some(node) = read.node(id)? else {
        return Ok(json!({ "id": id.0, "deleted": true }));
    };
    let mut value = json!({
        "id": id.0,
        "external_id": db::external_of(read, id)?,
        "kind": node.kind()?,
        "name": node.name()?,
        "out_degree": read.degree(id, Direction::Out)?,
        "in_degree": read.degree(id, Direction::In)?,
    });
    if let Some(object) = value.as_object_mut() {
        let (key, data) = db::data_json(&node.data()?);
        object.insert(key.to_owned(), data);
    }
    Ok(value)
}

/// Runs `mmgraph node`: one node by id, or the nodes with a name or of a kind.
pub fn node(args: &NodeArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(&args.db)?;
    let read = graph.begin_read()?;
    if let Some(id) = &args.id {
        let id = db::resolve(&read, id, args.ids)?;
        let node = node_json(&read, id)?;
        if out.json() {
            out.line(format_args!("{node}"))?;
        } else {
            for field in [
                "id",
                "external_id",
                "kind",
                "name",
                "data",
                "data_hex",
                "out_degree",
                "in_degree",
            ] {
                match &node[field] {
                    serde_json::Value::String(s) => out.line(format_args!("{field:>11}: {s}"))?,
                    serde_json::Value::Null => {}
                    other => out.line(format_args!("{field:>11}: {other}"))?,
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let ids: Box<dyn Iterator<Item = graph::Result<NodeId>>> = match (&args.name, &args.kind) {
        (Some(name), _) => read.nodes_by_name(name),
        (None, Some(kind)) => read.nodes_by_kind(kind)?,
        (None, None) => Box::new(std::iter::empty()),
    };
    let mut count = 0u64;
    for id in ids {
        let id = id?;
        count += 1;
        if args.limit != 0 && count > args.limit as u64 {
            continue;
        }
        if out.json() {
            out.line(node_json(&read, id)?)?;
        } else {
            out.line(db::describe(&read, id)?)?;
        }
    }
    if !out.json() {
        out.line(format_args!("{count} node(s)"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph neighbors`.
pub fn neighbors(args: &NeighborsArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(&args.db)?;
    let read = graph.begin_read()?;
    let id = db::resolve(&read, &args.id, args.ids)?;
    let direction = if args.both {
        Direction::Both
    } else if args.incoming {
        Direction::In
    } else {
        Direction::Out
    };
    let mut count = 0u64;
    for n in read.neighbors(id, direction, args.edge_type.as_deref())? {
        let n = n?;
        count += 1;
        if args.limit != 0 && count > args.limit as u64 {
            continue;
        }
        let edge_type = read.edge_type_name(n.edge_type)?;
        if out.json() {
            out.line(json!({
                "node": n.node.0,
                "external_id": db::external_of(&read, n.node)?,
                "edge": n.edge.0,
                "type": edge_type,
            }))?;
        } else {
            out.line(format_args!(
                "edge {} {edge_type}: {}",
                n.edge,
                db::describe(&read, n.node)?
            ))?;
        }
    }
    if !out.json() {
        out.line(format_args!(
            "{count} neighbour(s) {direction:?} of {}",
            db::describe(&read, id)?
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph bfs`.
pub fn bfs(args: &BfsArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(&args.db)?;
    let read = graph.begin_read()?;
    let start = db::resolve(&read, &args.id, args.ids)?;
    let direction = if args.both {
        Direction::Both
    } else {
        Direction::Out
    };
    let reached = read.bfs(start, direction, args.depth)?;
    let mut by_depth: BTreeMap<u32, u64> = BTreeMap::new();
    for (_, depth) in &reached {
        *by_depth.entry(*depth).or_default() += 1;
    }
    let shown = if args.limit == 0 {
        reached.len()
    } else {
        args.limit.min(reached.len())
    };
    if out.json() {
        let nodes: Vec<serde_json::Value> = reached
            .iter()
            .take(shown)
            .map(|(n, d)| json!({"node": n.0, "depth": d}))
            .collect();
        out.line(json!({"reached": reached.len(), "by_depth": by_depth, "nodes": nodes}))?;
        return Ok(ExitCode::SUCCESS);
    }
    for (node, depth) in reached.iter().take(shown) {
        out.line(format_args!("{depth:>4} {}", db::describe(&read, *node)?))?;
    }
    out.line(format_args!(
        "{} node(s) reached from {}",
        reached.len(),
        db::describe(&read, start)?
    ))?;
    for (depth, count) in by_depth {
        out.line(format_args!("  depth {depth}: {count}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph path`; fails when there is no path.
pub fn path(args: &PathArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_existing(&args.db)?;
    let read = graph.begin_read()?;
    let from = db::resolve(&read, &args.from, args.ids)?;
    let to = db::resolve(&read, &args.to, args.ids)?;
    let path = read.shortest_path(from, to)?;
    if out.json() {
        let nodes = path
            .as_ref()
            .map(|p| p.iter().map(|n| n.0).collect::<Vec<_>>());
        out.line(json!({"from": from.0, "to": to.0, "path": nodes}))?;
    } else {
        match &path {
            Some(nodes) => {
                for node in nodes {
                    out.line(db::describe(&read, *node)?)?;
                }
                out.line(format_args!("{} hop(s)", nodes.len().saturating_sub(1)))?;
            }
            None => out.line(format_args!(
                "no path from {} to {}",
                db::describe(&read, from)?,
                db::describe(&read, to)?
            ))?,
        }
    }
    Ok(if path.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Bytes in MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}
