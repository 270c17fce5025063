//! sqlitegraph's SQLite schema into a graph, in one write transaction.

use std::collections::HashMap;
use std::path::Path;

use graph::props::NO_LABEL;
use graph::{Graph, NodeId, PropertyMap, Value, WriteTxn};
use rusqlite::{Connection, OpenFlags};

use super::cell::Cell;
use super::{
    DATA, DATA_BYTES, DATA_TEXT, EDGE_ID, FILE_PATH, KV_SPACE, PROPERTIES, SKIPPED_IDS_KEPT,
};
use crate::error::{Error, Result};
use graph::external_ids;

/// What an import read and wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Entities, now nodes.
    pub nodes: u64,
    /// Edges imported.
    pub edges: u64,
    /// Labels given (a label equal to the entity's kind is its kind already, not counted).
    pub labels: u64,
    /// `graph_properties` rows imported.
    pub properties: u64,
    /// `kv_store` entries imported.
    pub kv_entries: u64,
    /// Edges skipped because an end is not an entity.
    pub skipped_edges: u64,
    /// The first [`SKIPPED_IDS_KEPT`] of their ids.
    pub skipped_edge_ids: Vec<i64>,
    /// Label and property rows skipped because their entity is missing.
    pub orphan_rows: u64,
    /// Kinds, names, labels, edge types and keys whose bytes were not UTF-8 (read with
    /// U+FFFD in place of the bad bytes).
    pub lossy_text: u64,
}

/// Imports the sqlitegraph database at `src` into `graph`, in one write transaction
/// committed at the end: on an error nothing is written. `src` is opened read-only.
pub fn import(graph: &Graph, src: &Path) -> Result<Imported> {
    let conn = Connection::open_with_flags(
        src,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let tables = tables(&conn)?;
    for required in ["graph_entities", "graph_edges"] {
        if !tables.iter().any(|t| t == required) {
            return Err(Error::NotSqlitegraph(format!(
                "{} has no table {required}",
                src.display()
            )));
        }
    }
    let mut txn = graph.begin_write()?;
    let mut report = Imported::default();
    let mut side = SideTables {
        labels: by_entity(
            &conn,
            &tables,
            "graph_labels",
            "SELECT entity_id, label, NULL FROM graph_labels",
        )?,
        properties: by_entity(
            &conn,
            &tables,
            "graph_properties",
            "SELECT entity_id, key, value FROM graph_properties",
        )?,
    };
    let nodes = entities(&conn, &mut txn, &mut side, &mut report)?;
    // The entities' names went into the name index one by one, splitting its leaves; both
    // indexes are rebuilt packed.
    txn.rebuild_indexes_after(nodes.len() as u64)?;
    report.orphan_rows = side
        .labels
        .values()
        .chain(side.properties.values())
        .map(|rows| rows.len() as u64)
        .sum();
    edges(&conn, &mut txn, &nodes, &mut report)?;
    if tables.iter().any(|t| t == "kv_store") {
        kv_store(&conn, &mut txn, &mut report)?;
    }
    txn.commit()?;
    Ok(report)
}

/// The names of the tables in `conn`.
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names = stmt.query_map([], |row| row.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// Rows of a side table: entity id to its `(second, third)` columns.
type ByEntity = HashMap<i64, Vec<(Cell, Cell)>>;

/// The labels and properties not yet given to a node: what is left at the end is orphaned.
struct SideTables {
    labels: ByEntity,
    properties: ByEntity,
}

/// The rows of `table` (if the database has it) grouped by entity, in row order.
fn by_entity(conn: &Connection, tables: &[String], table: &str, sql: &str) -> Result<ByEntity> {
    let mut grouped = ByEntity::new();
    if !tables.iter().any(|t| t == table) {
        return Ok(grouped);
    }
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Some(entity) = row.get::<_, Option<i64>>(0)? else {
            continue;
        };
        let second = Cell::read(row.get_ref(1)?);
        let third = Cell::read(row.get_ref(2)?);
        grouped.entry(entity).or_default().push((second, third));
    }
    Ok(grouped)
}

/// Text for a kind, name, label, type or key; `None` for NULL; counts replaced bytes.
fn text(cell: Cell, report: &mut Imported) -> Option<String> {
    let (text, lossy) = cell.lossy_text()?;
    report.lossy_text += u64::from(lossy);
    Some(text)
}

/// The properties that hold `data` ([`DATA`], [`DATA_TEXT`] or [`DATA_BYTES`]).
fn data_properties(data: Cell, into: &mut PropertyMap) -> Result<()> {
    match data {
        Cell::Null => {}
        Cell::Bytes(bytes) => {
            into.insert(DATA_BYTES.into(), Value::Bytes(bytes));
        }
        Cell::Text(text) => match parse_json(&text)? {
            Some(value) => {
                into.insert(DATA.into(), value);
            }
            None => {
                into.insert(DATA_TEXT.into(), Value::String(text));
            }
        },
    }
    Ok(())
}

/// `text` as a typed value, if it is exactly one JSON value. The value is read by the same
/// code that reads JSON node data as properties, so numbers and nesting type alike.
fn parse_json(text: &str) -> Result<Option<Value>> {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Ok(None);
    }
    let wrapped = format!("{{\"{DATA}\":{text}}}");
    let mut map = graph::props::decode_properties(wrapped.as_bytes())?;
    Ok(map.remove(DATA))
}

/// Turns a graph error on row `id` of `table` into [`Error::BadRow`].
fn bad_row(table: &'static str, id: i64) -> impl FnOnce(graph::Error) -> Error {
    move |e| Error::BadRow {
        table,
        id,
        why: e.to_string(),
    }
}

/// Adds every entity as a node; returns entity id to node.
fn entities(
    conn: &Connection,
    txn: &mut WriteTxn,
    side: &mut SideTables,
    report: &mut Imported,
) -> Result<HashMap<i64, NodeId>> {
    let mut nodes = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT id, kind, name, file_path, data FROM graph_entities ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let kind = text(Cell::read(row.get_ref(1)?), report).unwrap_or_default();
        let kind = if kind.is_empty() {
            NO_LABEL.to_owned()
        } else {
            kind
        };
        let name = text(Cell::read(row.get_ref(2)?), report).unwrap_or_default();
        let mut properties = PropertyMap::new();
        if let Some(path) = Cell::read(row.get_ref(3)?).into_value() {
            properties.insert(FILE_PATH.into(), path);
        }
        data_properties(Cell::read(row.get_ref(4)?), &mut properties)?;
        let rows = side.properties.remove(&id).unwrap_or_default();
        if !rows.is_empty() {
            let mut map = PropertyMap::new();
            for (key, value) in rows {
                let key = text(key, report).unwrap_or_default();
                if let Some(value) = value.into_value() {
                    map.insert(key, value);
                    report.properties += 1;
                }
            }
            properties.insert(PROPERTIES.into(), Value::Map(map));
        }
        let encoded = graph::props::encode_properties(&properties)?;
        let node = txn
            .add_node(&kind, &name, &encoded)
            .map_err(bad_row("graph_entities", id))?;
        for (label, _) in side.labels.remove(&id).unwrap_or_default() {
            let Some(label) = text(label, report) else {
                continue;
            };
            if txn
                .add_label(node, &label)
                .map_err(bad_row("graph_labels", id))?
            {
                report.labels += 1;
            }
        }
        let ext = id.to_string();
        if let Some(holder) = external_ids::record(txn, &ext, node)? {
            return Err(Error::ExternalIdTaken { ext, node: holder });
        }
        nodes.insert(id, node);
        report.nodes += 1;
    }
    Ok(nodes)
}

/// Adds every edge whose ends are entities; skips and counts the others.
fn edges(
    conn: &Connection,
    txn: &mut WriteTxn,
    nodes: &HashMap<i64, NodeId>,
    report: &mut Imported,
) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT id, from_id, to_id, edge_type, data FROM graph_edges ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let end = |at: usize| -> Result<Option<NodeId>> {
            Ok(row
                .get::<_, Option<i64>>(at)?
                .and_then(|entity| nodes.get(&entity).copied()))
        };
        let (Some(from), Some(to)) = (end(1)?, end(2)?) else {
            report.skipped_edges += 1;
            if report.skipped_edge_ids.len() < SKIPPED_IDS_KEPT {
                report.skipped_edge_ids.push(id);
            }
            continue;
        };
        let edge_type = text(Cell::read(row.get_ref(3)?), report).unwrap_or_default();
        let mut properties = PropertyMap::from([(EDGE_ID.to_owned(), Value::Int(id))]);
        data_properties(Cell::read(row.get_ref(4)?), &mut properties)?;
        let encoded = graph::props::encode_properties(&properties)?;
        txn.add_edge(from, to, &edge_type, &encoded)
            .map_err(bad_row("graph_edges", id))?;
        report.edges += 1;
    }
    Ok(())
}

/// Copies `kv_store(key, value)` into [`KV_SPACE`], bytes as they are (text as UTF-8).
fn kv_store(conn: &Connection, txn: &mut WriteTxn, report: &mut Imported) -> Result<()> {
    let mut stmt = conn
        .prepare("SELECT key, value FROM kv_store")
        .map_err(|e| {
            Error::NotSqlitegraph(format!("kv_store must have columns key and value: {e}"))
        })?;
    let mut rows = stmt.query([])?;
    let mut at = 0i64;
    while let Some(row) = rows.next()? {
        at += 1;
        let key = Cell::read(row.get_ref(0)?).into_bytes();
        let value = Cell::read(row.get_ref(1)?).into_bytes();
        txn.kv_insert(KV_SPACE, &key, &value)
            .map_err(bad_row("kv_store", at))?;
        report.kv_entries += 1;
    }
    Ok(())
}
