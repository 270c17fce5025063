//! Node and edge data written as JSON (by `add_node_json`, or imported from JSON lines) read
//! as properties: a JSON object is a property map.

use crate::error::{Error, Result};

use super::value::{PropertyMap, Value};

/// The properties in JSON `bytes`, which must hold one object.
pub(super) fn json_properties(bytes: &[u8]) -> Result<PropertyMap> {
    let parsed: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::NotProperties(format!("the data is neither properties nor JSON: {e}"))
    })?;
    match from_json(parsed) {
        Value::Map(map) => Ok(map),
        _ => Err(Error::NotProperties(
            "the data is JSON but not an object".into(),
        )),
    }
}

fn from_json(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(map) => {
            Value::Map(map.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}
