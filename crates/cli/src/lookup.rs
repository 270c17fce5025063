//! `mmgraph node` and `mmgraph neighbors`: one node, the nodes with a name (exact, a prefix,
//! either ignoring case) or of a kind, and a node's neighbours.

use std::process::ExitCode;

use graph::{Direction, GraphRead, NodeId, ReadTxn};
use serde_json::json;

use crate::cli::{NeighborsArgs, NodeArgs};
use crate::db;
use crate::error::Result;
use crate::labels;
use crate::output::{Listing, Output};

/// The fields of a node shown by `node ID`, in order.
const NODE_FIELDS: [&str; 8] = [
    "id",
    "external_id",
    "kind",
    "name",
    "data",
    "data_hex",
    "out_degree",
    "in_degree",
];

/// A node as JSON: its id, external id, kind, name, data (JSON embedded as JSON) and degrees.
pub fn node_json(read: &ReadTxn, id: NodeId) -> Result<serde_json::Value> {
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
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    if let Some(id) = &args.id {
        let id = db::resolve(&read, id, args.ids)?;
        let node = node_json(&read, id)?;
        if out.json() {
            out.value(&node)?;
            return Ok(ExitCode::SUCCESS);
        }
        for field in NODE_FIELDS {
            match &node[field] {
                serde_json::Value::String(s) => out.line(format_args!("{field:>11}: {s}"))?,
                serde_json::Value::Null => {}
                other => out.line(format_args!("{field:>11}: {other}"))?,
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let ids: Box<dyn Iterator<Item = Result<NodeId>> + '_> = match (&args.name, &args.kind) {
        (Some(name), _) => named(&read, name, args.prefix, args.ignore_case),
        (None, Some(kind)) => {
            labels::known_kind(&read, kind)?;
            Box::new(read.nodes_by_kind(kind)?.map(|id| id.map_err(Into::into)))
        }
        (None, None) => Box::new(std::iter::empty()),
    };
    let mut listing = Listing::new(out, "nodes");
    let mut count = 0u64;
    for id in ids {
        let id = id?;
        count += 1;
        if args.limit != 0 && count > args.limit as u64 {
            continue;
        }
        listing.record(|| db::describe(&read, id), || node_json(&read, id))?;
    }
    listing.finish(
        || Ok(vec![format!("{count} node(s)")]),
        || Ok(summary(json!({ "count": count }))),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The nodes named `name`: exactly, or starting with it (`prefix`), either ignoring case.
/// Ignoring case reads every node's name (the index is by bytes); the others are index scans.
fn named<'r>(
    read: &'r ReadTxn,
    name: &'r str,
    prefix: bool,
    ignore_case: bool,
) -> Box<dyn Iterator<Item = Result<NodeId>> + 'r> {
    if !ignore_case {
        let ids = if prefix {
            read.nodes_by_name_prefix(name)
        } else {
            read.nodes_by_name(name)
        };
        return Box::new(ids.map(|id| id.map_err(Into::into)));
    }
    let wanted = name.to_lowercase();
    Box::new(read.nodes().filter_map(move |node| {
        let matched = node.and_then(|node| {
            let lower = node.name()?.to_lowercase();
            let hit = if prefix {
                lower.starts_with(&wanted)
            } else {
                lower == wanted
            };
            Ok(hit.then(|| node.id()))
        });
        matched.map_err(Into::into).transpose()
    }))
}

/// A JSON object's fields, for a listing's summary.
fn summary(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(fields) => fields,
        _ => serde_json::Map::new(),
    }
}

/// A node named as the text names it (id, external id, name), as JSON.
pub fn node_ref(read: &impl GraphRead, id: NodeId) -> Result<serde_json::Value> {
    let name = match read.node(id)? {
        Some(node) => Some(node.name()?.into_owned()),
        None => None,
    };
    Ok(json!({
        "id": id.0,
        "external_id": db::external_of(read, id)?,
        "name": name,
    }))
}

/// Runs `mmgraph neighbors`.
pub fn neighbors(args: &NeighborsArgs, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(&args.db)?;
    let read = graph.begin_read()?;
    let id = db::resolve(&read, &args.id, args.ids)?;
    if let Some(edge_type) = &args.edge_type {
        labels::known_edge_type(&read, edge_type)?;
    }
    let direction = if args.both {
        Direction::Both
    } else if args.incoming {
        Direction::In
    } else {
        Direction::Out
    };
    let mut listing = Listing::new(out, "neighbors");
    let mut count = 0u64;
    for n in read.neighbors(id, direction, args.edge_type.as_deref())? {
        let n = n?;
        count += 1;
        if args.limit != 0 && count > args.limit as u64 {
            continue;
        }
        let edge_type = read.edge_type_name(n.edge_type)?;
        listing.record(
            || {
                Ok(format!(
                    "edge {} {edge_type}: {}",
                    n.edge,
                    db::describe(&read, n.node)?
                ))
            },
            || {
                let mut record = node_ref(&read, n.node)?;
                if let Some(fields) = record.as_object_mut() {
                    fields.insert("edge".to_owned(), json!(n.edge.0));
                    fields.insert("type".to_owned(), json!(edge_type));
                }
                Ok(record)
            },
        )?;
    }
    let direction_name = format!("{direction:?}").to_lowercase();
    listing.finish(
        || {
            Ok(vec![format!(
                "{count} neighbour(s) {direction:?} of {}",
                db::describe(&read, id)?
            )])
        },
        || {
            Ok(summary(json!({
                "of": node_ref(&read, id)?,
                "direction": direction_name,
                "count": count,
            })))
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
