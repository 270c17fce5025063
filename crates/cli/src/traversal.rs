//! The traversal commands' shared parts and the commands `path` and `khop`: which edges to
//! follow (`--type`, `--both`), the weight of an edge (`--weight FIELD`), and a path's hops as
//! text or JSON.

use std::process::ExitCode;

use graph::{Direction, Follow, GraphRead, Neighbor, NodeId, Path};
use serde_json::json;

use crate::cli::{FollowArgs, KhopArgs, PathArgs};
use crate::db;
use crate::error::{Error, Result};
use crate::labels;
use crate::lookup;
use crate::output::{Listing, Output};

/// The edges `args` follow in `read`: out-edges (or both ways with `--both`) of every type, or
/// of the `--type`s given. A type the database has never had is an error that names the near
/// types, so that a misspelling does not quietly find nothing.
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
        labels::known_edge_type(read, name)?;
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
/// and the node reached (named as every JSON result names a node).
fn hops_json(read: &impl GraphRead, path: &Path) -> Result<Vec<serde_json::Value>> {
    let mut at = path.start;
    let mut hops = Vec::with_capacity(path.len());
    for hop in &path.hops {
        let forward = read.edge(hop.edge)?.is_some_and(|e| e.from() == at);
        hops.push(json!({
            "edge": hop.edge.0,
            "type": read.edge_type_name(hop.edge_type)?,
            "forward": forward,
            "node": lookup::node_ref(read, hop.node)?,
        }));
        at = hop.node;
    }
    Ok(hops)
}

/// Runs `mmgraph path`; fails when there is no path.
pub fn path(args: &PathArgs, out: &mut Output) -> Result<ExitCode> {
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
    if let Some(p) = &path {
        crate::export::traversal(&read, p.nodes(), &args.export)?;
    }
    if out.json() {
        let (nodes, edges) = match &path {
            Some(p) => (
                Some(
                    p.nodes()
                        .iter()
                        .map(|n| lookup::node_ref(&read, *n))
                        .collect::<Result<Vec<_>>>()?,
                ),
                Some(hops_json(&read, p)?),
            ),
            None => (None, None),
        };
        let mut doc = json!({
            "from": lookup::node_ref(&read, from)?,
            "to": lookup::node_ref(&read, to)?,
            "hops": path.as_ref().map(Path::len),
            "path": nodes,
            "edges": edges,
        });
        if args.weight.is_some() {
            doc["cost"] = json!(cost);
        }
        out.value(&doc)?;
    } else {
        match &path {
            Some(p) => {
                out.line(db::describe(&read, p.start)?)?;
                let mut at = p.start;
                for hop in &p.hops {
                    out.line(format_args!(
                        "  {} {}",
                        arrow(&read, at, hop)?,
                        db::describe(&read, hop.node)?
                    ))?;
                    at = hop.node;
                }
                match cost {
                    Some(cost) => out.line(format_args!("{} hop(s), cost {cost}", p.len()))?,
                    None => out.line(format_args!("{} hop(s)", p.len()))?,
                }
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

/// Runs `mmgraph khop`.
pub fn khop(args: &KhopArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let start = db::resolve(&read, &args.id, args.ids)?;
    let follow = follow(&read, &args.follow)?;
    let reached = read.k_hop(start, args.k, follow)?;
    let with_start = std::iter::once(start)
        .chain(reached.iter().copied())
        .collect();
    crate::export::traversal(&read, with_start, &args.export)?;
    let shown = if args.limit == 0 {
        reached.len()
    } else {
        args.limit.min(reached.len())
    };
    let mut listing = Listing::new(out, "nodes");
    for node in reached.iter().take(shown) {
        listing.record(
            || db::describe(&read, *node),
            || lookup::node_ref(&read, *node),
        )?;
    }
    listing.finish(
        || {
            Ok(vec![format!(
                "{} node(s) within {} hop(s) of {}",
                reached.len(),
                args.k,
                db::describe(&read, start)?
            )])
        },
        || {
            let mut summary = serde_json::Map::new();
            summary.insert("start".to_owned(), lookup::node_ref(&read, start)?);
            summary.insert("k".to_owned(), json!(args.k));
            summary.insert("reached".to_owned(), json!(reached.len()));
            Ok(summary)
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
