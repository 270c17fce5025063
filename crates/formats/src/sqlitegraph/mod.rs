//! Migration from and to sqlitegraph, the system mmgraph replaces, through its SQLite schema:
//!
//! ```sql
//! graph_entities(id INTEGER PRIMARY KEY, kind TEXT, name TEXT, file_path TEXT, data TEXT)
//! graph_edges(id INTEGER PRIMARY KEY, from_id INTEGER, to_id INTEGER, edge_type TEXT, data TEXT)
//! graph_labels(entity_id INTEGER, label TEXT)
//! graph_properties(entity_id INTEGER, key TEXT, value TEXT)
//! kv_store(key, value)          -- optional; not in sqlitegraph's published base schema
//! graph_meta(id, schema_version)
//! ```
//!
//! [`import`] turns each entity into a node (kind, name; the entity id as the node's external
//! id, [`graph::external_ids`]; its labels as extra labels) whose properties are the layout
//! below, each edge into an edge, and `kv_store` into the key-value space [`KV_SPACE`], all in
//! one write transaction: an error leaves the graph as it was. [`export`] writes a graph back
//! in that schema. The layout of a node's properties:
//!
//! - [`DATA`]: the entity's `data` parsed as JSON (any JSON value, typed);
//!   or [`DATA_TEXT`]: the text, when it is not valid JSON;
//!   or [`DATA_BYTES`]: the bytes, when the column holds bytes that are not UTF-8 (or a BLOB);
//!   none of the three when `data` is NULL (exported back as `{}`);
//! - [`FILE_PATH`]: `file_path`, unless NULL (a string, or bytes when not UTF-8);
//! - [`PROPERTIES`]: a map of the entity's `graph_properties` rows, `key` to `value` (strings,
//!   or bytes when not UTF-8; NULL values are left out).
//!
//! An edge's properties are [`EDGE_ID`] (its sqlitegraph id) and its data as for an entity.
//! A NULL or empty kind becomes [`graph::props::NO_LABEL`] (exported back as an empty kind),
//! a NULL name the empty name. Kinds, names, labels, edge types and property keys that are not
//! UTF-8 are read with U+FFFD in place of the bad bytes, and counted ([`Imported::lossy_text`]).
//!
//! Awkward rows: an edge whose end is not an entity (deleted, or never there) is skipped and
//! counted, with the first ids kept ([`Imported::skipped_edges`]); so are labels and
//! properties of missing entities. A row the graph cannot hold (a NULL or empty edge type, a
//! name with NUL, a key-value key past [`graph::MAX_KV_KEY_LEN`]) stops the import with
//! [`crate::Error::BadRow`], naming the table and row, and nothing is written.

mod cell;
mod export;
mod import;

pub use export::{Exported, export};
pub use import::{Imported, import};

/// The property holding an entity's JSON data, parsed.
pub const DATA: &str = "data";
/// The property holding an entity's data that is text but not JSON.
pub const DATA_TEXT: &str = "data_text";
/// The property holding an entity's data that is not UTF-8.
pub const DATA_BYTES: &str = "data_bytes";
/// The property holding an entity's `file_path`.
pub const FILE_PATH: &str = "file_path";
/// The property holding an entity's `graph_properties`, as a map.
pub const PROPERTIES: &str = "properties";
/// The edge property holding the sqlitegraph edge id.
pub const EDGE_ID: &str = "id";
/// The key-value space holding `kv_store`.
pub const KV_SPACE: &str = "sqlitegraph.kv";
/// How many ids of skipped edges an import keeps for its report.
pub const SKIPPED_IDS_KEPT: usize = 20;

/// sqlitegraph's base schema (version 1), as [`export`] writes it.
const SCHEMA: &str = "
    CREATE TABLE graph_entities (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        kind      TEXT NOT NULL,
        name      TEXT NOT NULL,
        file_path TEXT,
        data      TEXT NOT NULL
    );
    CREATE TABLE graph_edges (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        from_id   INTEGER NOT NULL,
        to_id     INTEGER NOT NULL,
        edge_type TEXT NOT NULL,
        data      TEXT NOT NULL
    );
    CREATE TABLE graph_labels (entity_id INTEGER NOT NULL, label TEXT NOT NULL);
    CREATE TABLE graph_properties (entity_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
    CREATE TABLE kv_store (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
    CREATE TABLE graph_meta (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL);
    INSERT INTO graph_meta (id, schema_version) VALUES (1, 1);
";

/// The indexes sqlitegraph keeps, made after the rows are in.
const INDEXES: &str = "
    CREATE INDEX idx_edges_from ON graph_edges(from_id);
    CREATE INDEX idx_edges_to ON graph_edges(to_id);
    CREATE INDEX idx_edges_type ON graph_edges(edge_type);
    CREATE INDEX idx_labels_label ON graph_labels(label);
    CREATE INDEX idx_labels_label_entity_id ON graph_labels(label, entity_id);
    CREATE INDEX idx_props_key_value ON graph_properties(key, value);
    CREATE INDEX idx_props_key_value_entity_id ON graph_properties(key, value, entity_id);
    CREATE INDEX idx_entities_kind_id ON graph_entities(kind, id);
";

/// The properties of stored `data` in the layout: decoded properties, or, for data that is
/// not properties, [`DATA_TEXT`] (UTF-8) or [`DATA_BYTES`] holding it.
fn stored_properties(data: &[u8]) -> crate::Result<graph::PropertyMap> {
    use graph::Value;
    match graph::props::decode_properties(data) {
        Ok(map) => Ok(map),
        Err(graph::Error::NotProperties(_)) => Ok(match std::str::from_utf8(data) {
            Ok(text) => {
                graph::PropertyMap::from([(DATA_TEXT.to_owned(), Value::String(text.to_owned()))])
            }
            Err(_) => {
                graph::PropertyMap::from([(DATA_BYTES.to_owned(), Value::Bytes(data.to_vec()))])
            }
        }),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests;
