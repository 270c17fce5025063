//! The inspection commands: `stats`, `check`, `node`, `neighbors`, `bfs` and `path`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use graph::{Direction, GraphRead, NodeId, ReadTxn};
use serde_json::json;

use crate::cli::{BfsArgs, NeighborsArgs, NodeArgs, Output};
use crate::db;
use crate::error::Result;
use crate::traversal;

/// Runs `mmgraph stats`.
pub fn stats(path: &Path, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let stats = graph.stats()?;
    let spaces = graph.begin_read()?.kv_spaces()?;
    if out.json {
        println!(
            "{}",
            json!({
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
            })
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("database:   {}", path.display());
    println!("commit:     {}", stats.txn_id);
    println!("nodes:      {}", stats.nodes);
    println!("edges:      {}", stats.edges);
    println!("kinds:      {}", stats.kinds);
    println!("edge types: {}", stats.edge_types);
    println!(
        "pages:      {} ({} free), file {:.1} MiB",
        stats.page_count,
        stats.free_pages,
        mib(stats.file_len)
    );
    for (page_type, count) in &stats.pages_by_type {
        println!("            {count:>10} {page_type}");
    }
    if !spaces.is_empty() {
        println!("key-value spaces: {}", spaces.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph check`: success only when the database is clean.
pub fn check(path: &Path, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let report = graph.check()?;
    if out.json {
        println!(
            "{}",
            json!({
                "clean": report.is_clean(),
                "nodes": report.nodes,
                "edges": report.edges,
                "pages": report.pages,
                "free_pages": report.free_pages,
                "page_count": report.page_count,
                "problem_count": report.problem_count,
                "problems": report.problems,
            })
        );
    } else if report.is_clean() {
        println!(
            "clean: {} nodes, {} edges, {} pages reached, {} free, {} in all",
            report.nodes, report.edges, report.pages, report.free_pages, report.page_count
        );
    } else {
        println!("{} problem(s):", report.problem_count);
        for problem in &report.problems {
            println!("  {problem}");
        }
        let unlisted = report.problem_count - report.problems.len() as u64;
        if unlisted > 0 {
            println!("  and {unlisted} more");
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
    let data = node.data()?;
    Ok(json!({
        "id": id.0,
        "external_id": db::external_of(read, id)?,
        "kind": node.kind()?,
        "name": node.name()?,
        "data": String::from_utf8_lossy(&data),
        "out_degree": read.degree(id, Direction::Out)?,
        "in_degree": read.degree(id, Direction::In)?,
    }))
}

/// Runs `mmgraph node`: one node by id, or the nodes with a name or of a kind.
pub fn node(args: &NodeArgs, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    if let Some(id) = &args.id {
        let id = db::resolve(&read, id, args.ids)?;
        let node = node_json(&read, id)?;
        if out.json {
            println!("{node}");
        } else {
            for field in [
                "id",
                "external_id",
                "kind",
                "name",
                "data",
                "out_degree",
                "in_degree",
            ] {
                match &node[field] {
                    serde_json::Value::String(s) => println!("{field:>11}: {s}"),
                    serde_json::Value::Null => {}
                    other => println!("{field:>11}: {other}"),
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
        if out.json {
            println!("{}", node_json(&read, id)?);
        } else {
            println!("{}", db::describe(&read, id)?);
        }
    }
    if !out.json {
        println!("{count} node(s)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph neighbors`.
pub fn neighbors(args: &NeighborsArgs, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
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
        if out.json {
            println!(
                "{}",
                json!({
                    "node": n.node.0,
                    "external_id": db::external_of(&read, n.node)?,
                    "edge": n.edge.0,
                    "type": edge_type,
                })
            );
        } else {
            println!(
                "edge {} {edge_type}: {}",
                n.edge,
                db::describe(&read, n.node)?
            );
        }
    }
    if !out.json {
        println!(
            "{count} neighbour(s) {direction:?} of {}",
            db::describe(&read, id)?
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `mmgraph bfs`.
pub fn bfs(args: &BfsArgs, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let start = db::resolve(&read, &args.id, args.ids)?;
    let follow = traversal::follow(&read, &args.follow)?;
    let reached = read.bfs(start, follow, args.depth)?;
    let mut by_depth: BTreeMap<u32, u64> = BTreeMap::new();
    for (_, depth) in &reached {
        *by_depth.entry(*depth).or_default() += 1;
    }
    let shown = if args.limit == 0 {
        reached.len()
    } else {
        args.limit.min(reached.len())
    };
    if out.json {
        let nodes: Vec<serde_json::Value> = reached
            .iter()
            .take(shown)
            .map(|(n, d)| json!({"node": n.0, "depth": d}))
            .collect();
        println!(
            "{}",
            json!({"reached": reached.len(), "by_depth": by_depth, "nodes": nodes})
        );
        return Ok(ExitCode::SUCCESS);
    }
    for (node, depth) in reached.iter().take(shown) {
        println!("{depth:>4} {}", db::describe(&read, *node)?);
    }
    println!(
        "{} node(s) reached from {}",
        reached.len(),
        db::describe(&read, start)?
    );
    for (depth, count) in by_depth {
        println!("  depth {depth}: {count}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Bytes in MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 20) as f64
}
