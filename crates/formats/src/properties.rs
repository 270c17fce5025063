//! A node's or edge's data as the properties an export writes, and property values as text
//! and as JSON.

use graph::{PropertyMap, Value};

use crate::error::Result;

/// The property that carries data that is not properties (see [`exported_properties`]).
pub const RAW_DATA: &str = "data";

/// The properties of `data`; data that is not properties (bytes that are neither the binary
/// property encoding nor a JSON object) becomes one property [`RAW_DATA`]: the text when it
/// is UTF-8, else `0x` and lowercase hex.
pub(crate) fn exported_properties(data: &[u8]) -> Result<PropertyMap> {
    match graph::props::decode_properties(data) {
        Ok(map) => Ok(map),
        Err(graph::Error::NotProperties(_)) => {
            let text = match std::str::from_utf8(data) {
                Ok(text) => text.to_owned(),
                Err(_) => hex(data),
            };
            Ok(PropertyMap::from([(
                RAW_DATA.to_owned(),
                Value::String(text),
            )]))
        }
        Err(e) => Err(e.into()),
    }
}

/// `bytes` as `0x` and lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `v` as text: booleans and numbers as Rust writes them (`true`, `31`, `2.5`, `NaN`,
/// `inf`), strings as themselves, bytes as [`hex`], lists and maps as JSON.
pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => hex(b),
        Value::List(_) | Value::Map(_) => to_json(v).to_string(),
    }
}

/// `v` as JSON: bytes as a [`hex`] string, floats JSON cannot hold (NaN, infinities) as null.
pub(crate) fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(hex(b)),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_object_data_exports_as_its_properties() {
        let map = exported_properties(br#"{"age": 31, "tags": ["a"]}"#).expect("properties");
        assert_eq!(map.get("age"), Some(&Value::Int(31)));
        assert_eq!(map.get("tags").map(value_text).as_deref(), Some(r#"["a"]"#));
    }

    #[test]
    fn data_that_is_not_properties_exports_as_text_or_hex() {
        let text = exported_properties(b"313 km").expect("text");
        assert_eq!(text.get(RAW_DATA), Some(&Value::String("313 km".into())));
        let bytes = exported_properties(&[0xff, 0x00]).expect("bytes");
        assert_eq!(bytes.get(RAW_DATA), Some(&Value::String("0xff00".into())));
    }

    #[test]
    fn empty_data_has_no_properties() {
        assert!(exported_properties(b"").expect("empty").is_empty());
    }
}
