//! One SQLite column value as the migration reads and writes it.

use graph::Value;
use rusqlite::types::{ToSqlOutput, ValueRef};

/// A column's value: NULL, UTF-8 text (numbers read as their text), or bytes (a BLOB, or a
/// TEXT column holding bytes that are not UTF-8).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Cell {
    Null,
    Text(String),
    Bytes(Vec<u8>),
}

impl Cell {
    pub fn read(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Text(i.to_string()),
            ValueRef::Real(f) => Cell::Text(f.to_string()),
            ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => Cell::Text(text.to_owned()),
                Err(_) => Cell::Bytes(bytes.to_vec()),
            },
            ValueRef::Blob(bytes) => Cell::Bytes(bytes.to_vec()),
        }
    }

    /// The text, with U+FFFD for bytes that are not UTF-8 (and whether any were), or `None`
    /// for NULL.
    pub fn lossy_text(self) -> Option<(String, bool)> {
        match self {
            Cell::Null => None,
            Cell::Text(text) => Some((text, false)),
            Cell::Bytes(bytes) => Some((String::from_utf8_lossy(&bytes).into_owned(), true)),
        }
    }

    /// As a property value: a string or bytes; `None` for NULL.
    pub fn into_value(self) -> Option<Value> {
        match self {
            Cell::Null => None,
            Cell::Text(text) => Some(Value::String(text)),
            Cell::Bytes(bytes) => Some(Value::Bytes(bytes)),
        }
    }

    /// The raw bytes (text as UTF-8); empty for NULL.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Cell::Null => Vec::new(),
            Cell::Text(text) => text.into_bytes(),
            Cell::Bytes(bytes) => bytes,
        }
    }

    /// A property value written back: strings as TEXT, bytes as a BLOB, anything else as its
    /// text (`properties::value_text`).
    pub fn from_value(v: &Value) -> Cell {
        match v {
            Value::Null => Cell::Null,
            Value::String(s) => Cell::Text(s.clone()),
            Value::Bytes(b) => Cell::Bytes(b.clone()),
            other => Cell::Text(crate::properties::value_text(other)),
        }
    }

    /// Bytes written back: TEXT when UTF-8, else a BLOB.
    pub fn from_bytes(bytes: Vec<u8>) -> Cell {
        match String::from_utf8(bytes) {
            Ok(text) => Cell::Text(text),
            Err(e) => Cell::Bytes(e.into_bytes()),
        }
    }
}

impl rusqlite::ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Cell::Bytes(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}
