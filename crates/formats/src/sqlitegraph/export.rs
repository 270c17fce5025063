//! A graph written in sqlitegraph's SQLite schema.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use graph::{EdgeId, EdgeRef, GraphRead, NodeId, PropertyMap, Value};
use rusqlite::{Connection, Transaction, params};

use super::cell::Cell;
use super::{
    DATA, DATA_BYTES, DATA_TEXT, EDGE_ID, FILE_PATH, INDEXES, KV_SPACE, PROPERTIES, SCHEMA,
};
use crate::error::{Error, Result};
use crate::properties::to_json;
use crate::record::NodeRecord;
use graph::external_ids;

/// What an export wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Exported {
    /// `graph_entities` rows.
    pub entities: u64,
    /// `graph_edges` rows.
    pub edges: u64,
    /// `graph_labels` rows.
    pub labels: u64,
    /// `graph_properties` rows.
    pub properties: u64,
    /// `kv_store` rows.
    pub kv_entries: u64,
}

/// Writes snapshot `read` to a new SQLite file `dst` in sqlitegraph's schema. An existing
/// `dst` is refused ([`Error::Exists`]) unless `overwrite`. The file is written beside `dst`
/// under another name and renamed at the end, so `dst` is never half-written.
///
/// Entity ids are the nodes' external ids where they are integers, the next free ids
/// otherwise; edge ids the edges' [`EDGE_ID`] where it is an integer not used yet, the next
/// free ids otherwise. A node's data is written from the layout [`super::import`] makes; a
/// node with other properties gets, as `data`, the JSON object of its properties other than
/// [`FILE_PATH`] and [`PROPERTIES`]. The key-value space [`KV_SPACE`] becomes `kv_store`.
pub fn export<R: GraphRead>(read: &R, dst: &Path, overwrite: bool) -> Result<Exported> {
    if dst.exists() && !overwrite {
        return Err(Error::Exists(dst.to_owned()));
    }
    let partial = partial_path(dst);
    remove_if_there(&partial)?;
    let written = write(read, &partial).inspect_err(|_| {
        // The partial file is useless; the error to report is the one that stopped us.
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::rename(&partial, dst)?;
    Ok(written)
}

/// Where the file is built before it is renamed to `dst`.
fn partial_path(dst: &Path) -> PathBuf {
    let mut name = dst.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    dst.with_file_name(name)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn write<R: GraphRead>(read: &R, path: &Path) -> Result<Exported> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    let mut written = Exported::default();
    let entity_ids = entities(read, &tx, &mut written)?;
    edges(read, &tx, &entity_ids, &mut written)?;
    {
        let mut insert = tx.prepare("INSERT INTO kv_store (key, value) VALUES (?1, ?2)")?;
        for entry in read.kv_prefix(KV_SPACE, b"")? {
            let (key, value) = entry?;
            insert.execute(params![
                Cell::from_bytes(key.to_vec()),
                Cell::from_bytes(value.to_vec())
            ])?;
            written.kv_entries += 1;
        }
    }
    tx.execute_batch(INDEXES)?;
    tx.commit()?;
    Ok(written)
}

/// The entity id each node gets: its external id when that is an integer (in its canonical
/// form), else the next id after the largest of those.
fn entity_ids<R: GraphRead>(read: &R) -> Result<HashMap<NodeId, i64>> {
    let mut ids = HashMap::new();
    let mut pending = Vec::new();
    let mut largest = 0i64;
    for node in read.nodes() {
        let node = node?.id();
        // Only an id written as the integer writes it ("7", not "007"), so no two collide.
        let id = external_ids::external_of(read, node)?
            .and_then(|ext| ext.parse::<i64>().ok().filter(|id| id.to_string() == ext));
        match id {
            Some(id) => {
                largest = largest.max(id);
                ids.insert(node, id);
            }
            None => pending.push(node),
        }
    }
    for (next, node) in (largest.saturating_add(1)..).zip(pending) {
        ids.insert(node, next);
    }
    Ok(ids)
}

/// Whether `properties` are exactly the layout an import makes, so the entity's columns can
/// be written back as they came.
fn is_layout(properties: &PropertyMap) -> bool {
    properties.iter().all(|(key, value)| {
        matches!(
            (key.as_str(), value),
            (DATA, _)
                | (DATA_TEXT, Value::String(_))
                | (DATA_BYTES, Value::Bytes(_))
                | (FILE_PATH, Value::String(_) | Value::Bytes(_))
                | (PROPERTIES, Value::Map(_))
        )
    })
}

/// The `data` column for `properties` (see [`export`]); `elsewhere`: the properties written
/// in other columns, left out of a JSON object made of the rest.
fn data_cell(properties: &PropertyMap, layout: bool, elsewhere: &[&str]) -> Cell {
    if !layout {
        let rest: serde_json::Map<String, serde_json::Value> = properties
            .iter()
            .filter(|(key, _)| !elsewhere.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), to_json(value)))
            .collect();
        return Cell::Text(serde_json::Value::Object(rest).to_string());
    }
    match (
        properties.get(DATA_TEXT),
        properties.get(DATA_BYTES),
        properties.get(DATA),
    ) {
        (Some(Value::String(text)), _, _) => Cell::Text(text.clone()),
        (_, Some(Value::Bytes(bytes)), _) => Cell::Bytes(bytes.clone()),
        (_, _, Some(value)) => Cell::Text(to_json(value).to_string()),
        _ => Cell::Text("{}".to_owned()),
    }
}

fn entities<R: GraphRead>(
    read: &R,
    tx: &Transaction<'_>,
    written: &mut Exported,
) -> Result<HashMap<NodeId, i64>> {
    let ids = entity_ids(read)?;
    let mut entity = tx.prepare(
        "INSERT INTO graph_entities (id, kind, name, file_path, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut label = tx.prepare("INSERT INTO graph_labels (entity_id, label) VALUES (?1, ?2)")?;
    let mut property =
        tx.prepare("INSERT INTO graph_properties (entity_id, key, value) VALUES (?1, ?2, ?3)")?;
    for node in read.nodes() {
        let node = node?;
        let record = NodeRecord::read(read, &node)?;
        let id = ids
            .get(&record.id)
            .copied()
            .ok_or(Error::NoNode(record.id))?;
        let properties = super::stored_properties(&node.data()?)?;
        let layout = is_layout(&properties);
        let file_path = match properties.get(FILE_PATH) {
            Some(path) if layout => Cell::from_value(path),
            _ => Cell::Null,
        };
        entity.execute(params![
            id,
            record.kind,
            record.name,
            file_path,
            data_cell(&properties, layout, &[FILE_PATH, PROPERTIES])
        ])?;
        written.entities += 1;
        for name in &record.labels {
            label.execute(params![id, name])?;
            written.labels += 1;
        }
        if let (true, Some(Value::Map(map))) = (layout, properties.get(PROPERTIES)) {
            for (key, value) in map {
                property.execute(params![id, key, Cell::from_value(value)])?;
                written.properties += 1;
            }
        }
    }
    Ok(ids)
}

fn edges<R: GraphRead>(
    read: &R,
    tx: &Transaction<'_>,
    entity_ids: &HashMap<NodeId, i64>,
    written: &mut Exported,
) -> Result<()> {
    let mut insert = tx.prepare(
        "INSERT INTO graph_edges (id, from_id, to_id, edge_type, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut write_edge = |edge: &EdgeRef<'_, R>, id: Option<i64>| -> Result<()> {
        let end = |node: NodeId| entity_ids.get(&node).copied().ok_or(Error::NoNode(node));
        let mut properties = super::stored_properties(&edge.data()?)?;
        properties.remove(EDGE_ID);
        let layout = is_layout(&properties)
            && !properties.contains_key(FILE_PATH)
            && !properties.contains_key(PROPERTIES);
        insert.execute(params![
            id,
            end(edge.from())?,
            end(edge.to())?,
            edge.edge_type()?,
            data_cell(&properties, layout, &[])
        ])?;
        written.edges += 1;
        Ok(())
    };
    // Edges keep their sqlitegraph ids first, so that no new id takes one of them.
    let mut used = HashSet::new();
    let mut later: Vec<EdgeId> = Vec::new();
    for edge in read.edges() {
        let edge = edge?;
        let kept = match graph::props::decode_property(&edge.data()?, EDGE_ID) {
            Ok(Some(Value::Int(id))) if used.insert(id) => Some(id),
            _ => None,
        };
        match kept {
            Some(id) => write_edge(&edge, Some(id))?,
            None => later.push(edge.id()),
        }
    }
    for id in later {
        let edge = read.edge(id)?.ok_or(graph::Error::EdgeNotFound(id))?;
        write_edge(&edge, None)?;
    }
    Ok(())
}
