//! The traversal commands' shared parts and the commands `path` and `khop`: which edges to
//! follow (`--type`, `--both`), the weight of an edge (`--weight FIELD`), and a path's hops as
//! text or JSON.

use std::process::ExitCode;

use graph::{Direction, Follow, GraphRead, Neighbor, NodeId, Path};
use serde_json::json;

use crate::cli::{FollowArgs, KhopArgs, Output, PathArgs};
use crate::db;
use crate::error::{Error, Result};

/// The edges `args` follow in `read`: out-edges (or both ways with `--both`) of every type, or
/// of the `--type`s given. A type the database has never had is an error that lists the types
/// it has, so that a misspelling does not quietly find nothing.
pub fn follow(read: &impl GraphRead, args: &FollowArgs) -> Result<Follow> {
    let direction = if args.both {
        Direction::Both
    } else {
        Direction::Out
    };
    if args.edge_types.is_empty() {
        return Ok(Follow::new(direction));
    }
    for name in &args.edge_types {
        if read.edge_type_id(name)?.is_none() {
            let known: Vec<String> = read.edge_types()?.into_iter().map(|(_, n)| n).collect();
            return Err(Error::Invalid(format!(
                "no edge type {name:?}; the database has: {}",
                known.join(", ")
            )));
        }
    }
    Ok(Follow::new(direction).edge_types(args.edge_types.iter().cloned()))
}

/// The weight of an edge: the number in `field` of its JSON data. An edge whose data has no
/// such number gets NaN, which the search reports as an invalid weight of that edge.
fn weight_field<'r>(
    read: &'r impl GraphRead,
    field: &'r str,
) -> impl FnMut(Neighbor) -> graph::Result<f64> + 'r {
    move |hop| {
        let edge = read
            .edge(hop.edge)?
            .ok_or(graph::Error::EdgeNotFound(hop.edge))?;
        let data = edge.data()?;
        let value = serde_json::from_slice::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| v.get(field).and_then(serde_json::Value::as_f64));
        Ok(value.unwrap_or(f64::NAN))
    }
}

/// The arrow of a hop from `from`: `-[type]->` along the edge, `<-[type]-` against it.
fn arrow(read: &impl GraphRead, from: NodeId, hop: &Neighbor) -> Result<String> {
    let name = read.edge_type_name(hop.edge_type)?;
    let forward = read.edge(hop.edge)?.is_some_and(|e| e.from() == from);
    Ok(if forward {
        format!("-[{name}]->")
    } else {
        format!("<-[{name}]-")
    })
}

/// A path's hops as JSON: each the edge, its type, whether it was walked along its direction,
/// and the node reached.
fn hops_json(read: &impl GraphRead, path: &Path) -> Result<Vec<serde_json::Value>> {
    let mut at = path.start;
    let mut hops = Vec::with_capacity(path.len());
    for hop in &path.hops {
        let forward = read.edge(hop.edge)?.is_some_and(|e| e.from() == at);
        hops.push(json!({
            "edge": hop.edge.0,
            "type": read.edge_type_name(hop.edge_type)?,
            "forward": forward,
            "node": hop.node.0,
        }));
        at = hop.node;
    }
    Ok(hops)
}

/// Runs `mmgraph path`; fails when there is no path.
pub fn path(args: &PathArgs, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let from = db::resolve(&read, &args.from, args.ids)?;
    let to = db::resolve(&read, &args.to, args.ids)?;
    let follow = follow(&read, &args.follow)?;
    let (path, cost) = match &args.weight {
        Some(field) => match read.dijkstra(from, to, follow, weight_field(&read, field)) {
            Ok(Some(found)) => (Some(found.path), Some(found.cost)),
            Ok(None) => (None, None),
            Err(e @ graph::Error::InvalidWeight { .. }) => {
                return Err(Error::Invalid(format!(
                    "--weight {field}: {e}; every edge the path may take needs a number of at \
                     least 0 in its data's field {field:?}"
                )));
            }
            Err(e) => return Err(e.into()),
        },
        None => (read.shortest_path_by(from, to, follow)?, None),
    };
    if out.json {
        let (nodes, hops) = match &path {
            Some(p) => (
                Some(p.nodes().iter().map(|n| n.0).collect::<Vec<_>>()),
                Some(hops_json(&read, p)?),
            ),
            None => (None, None),
        };
        let mut doc = json!({"from": from.0, "to": to.0, "path": nodes, "hops": hops});
        if args.weight.is_some() {
            doc["cost"] = json!(cost);
        }
        println!("{doc}");
    } else {
        match &path {
            Some(p) => {
                println!("{}", db::describe(&read, p.start)?);
                let mut at = p.start;
                for hop in &p.hops {
                    println!(
                        "  {} {}",
                        arrow(&read, at, hop)?,
                        db::describe(&read, hop.node)?
                    );
                    at = hop.node;
                }
                match cost {
                    Some(cost) => println!("{} hop(s), cost {cost}", p.len()),
                    None => println!("{} hop(s)", p.len()),
                }
            }
            None => println!(
                "no path from {} to {}",
                db::describe(&read, from)?,
                db::describe(&read, to)?
            ),
        }
    }
    Ok(if path.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs `mmgraph khop`.
pub fn khop(args: &KhopArgs, out: Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let start = db::resolve(&read, &args.id, args.ids)?;
    let follow = follow(&read, &args.follow)?;
    let reached = read.k_hop(start, args.k, follow)?;
    let shown = if args.limit == 0 {
        reached.len()
    } else {
        args.limit.min(reached.len())
    };
    if out.json {
        let nodes: Vec<u64> = reached.iter().take(shown).map(|n| n.0).collect();
        println!(
            "{}",
            json!({"start": start.0, "k": args.k, "reached": reached.len(), "nodes": nodes})
        );
        return Ok(ExitCode::SUCCESS);
    }
    for node in reached.iter().take(shown) {
        println!("{}", db::describe(&read, *node)?);
    }
    println!(
        "{} node(s) within {} hop(s) of {}",
        reached.len(),
        args.k,
        db::describe(&read, start)?
    );
    Ok(ExitCode::SUCCESS)
}
