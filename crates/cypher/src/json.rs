//! Query values as JSON, for tools that print rows or take parameters as JSON (the command
//! line, the Python package): parameters from JSON, and result values to JSON with nodes and
//! relationships written out (id, labels or type, ends, properties).

use graph::{GraphRead, PropertyMap, PropertyRead};
use serde_json::{Map, Value as Json, json};

use crate::error::Result;
use crate::value::Value;

/// A JSON value as a query value: numbers that fit an `i64` are integers, other numbers floats;
/// arrays are lists and objects maps.
pub fn from_json(j: Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
        Json::String(s) => Value::String(s),
        Json::Array(a) => Value::List(a.into_iter().map(from_json).collect()),
        Json::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

/// A result value as JSON, reading nodes and relationships through `txn`: a node is `{"id",
/// "labels", "properties"}`, a relationship `{"id", "type", "start", "end", "properties"}`, a
/// path `{"nodes", "relationships"}`; a float that is not finite is its text (`"NaN"`).
pub fn to_json<T: GraphRead>(txn: &T, v: &Value) -> Result<Json> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) if f.is_finite() => json!(f),
        Value::Float(f) => json!(f.to_string()),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(b),
        Value::List(l) => Json::Array(l.iter().map(|x| to_json(txn, x)).collect::<Result<_>>()?),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), to_json(txn, x)?)))
                .collect::<Result<_>>()?,
        ),
        Value::Node(n) => json!({
            "id": n.0,
            "labels": txn.node_labels(*n)?,
            "properties": properties(txn, txn.node_properties(*n)?)?,
        }),
        Value::Relationship(r) => {
            let edge = txn.edge(*r)?.ok_or(graph::Error::EdgeNotFound(*r))?;
            json!({
                "id": r.0,
                "type": edge.edge_type()?,
                "start": edge.from().0,
                "end": edge.to().0,
                "properties": properties(txn, txn.edge_properties(*r)?)?,
            })
        }
        Value::Path(p) => json!({
            "nodes": p.nodes.iter().map(|n| to_json(txn, &Value::Node(*n))).collect::<Result<Vec<_>>>()?,
            "relationships": p.rels.iter().map(|r| to_json(txn, &Value::Relationship(*r))).collect::<Result<Vec<_>>>()?,
        }),
    })
}

/// One row as a JSON object keyed by `columns`.
pub fn row_to_json<T: GraphRead>(
    txn: &T,
    columns: &[String],
    row: &[Value],
) -> Result<Map<String, Json>> {
    let mut object = Map::new();
    for (column, value) in columns.iter().zip(row) {
        object.insert(column.clone(), to_json(txn, value)?);
    }
    Ok(object)
}

/// Each row of `rows` as a JSON object keyed by column.
pub fn rows_to_json<T: GraphRead>(txn: &T, rows: &crate::Rows) -> Result<Vec<Map<String, Json>>> {
    rows.rows
        .iter()
        .map(|row| row_to_json(txn, &rows.columns, row))
        .collect()
}

fn properties<T: GraphRead>(txn: &T, props: PropertyMap) -> Result<Json> {
    let mut object = Map::new();
    for (k, v) in props {
        object.insert(k, to_json(txn, &Value::from(v))?);
    }
    Ok(Json::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_parameters_become_integers_floats_lists_and_maps() {
        let v = from_json(json!({"n": 3, "x": 0.5, "l": [true, null, "s"]}));
        let Value::Map(m) = v else {
            panic!("a map");
        };
        assert_eq!(m.get("n"), Some(&Value::Int(3)));
        assert_eq!(m.get("x"), Some(&Value::Float(0.5)));
        assert_eq!(
            m.get("l"),
            Some(&Value::List(vec![
                Value::Bool(true),
                Value::Null,
                Value::String("s".into())
            ]))
        );
    }
}
