//! What each input line says: a node, an edge, or both, parsed without copying where it can.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::reading::Reading;

/// The edge type of a taxonomy line's parent-to-child edge.
pub const TAXONOMY_EDGE: &str = "parent_of";
/// The kind of the nodes an edge list makes.
pub const EDGE_LIST_KIND: &str = "node";

/// A node to add.
#[derive(Debug, PartialEq)]
pub struct NodeLine<'a> {
    /// Its id in the input.
    pub ext: Cow<'a, str>,
    /// Its kind.
    pub kind: Cow<'a, str>,
    /// Its name.
    pub name: Cow<'a, str>,
    /// Its data.
    pub data: Vec<u8>,
}

/// An edge to add, its ends named by input ids.
#[derive(Debug, PartialEq)]
pub struct EdgeLine<'a> {
    /// The source's input id.
    pub from: Cow<'a, str>,
    /// The target's input id.
    pub to: Cow<'a, str>,
    /// The edge type.
    pub edge_type: Cow<'a, str>,
    /// Its data.
    pub data: Vec<u8>,
}

/// What one line holds.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed<'a> {
    /// A node the line defines (taxonomy, JSON).
    pub node: Option<NodeLine<'a>>,
    /// An edge the line adds.
    pub edge: Option<EdgeLine<'a>>,
    /// The edge's ends are made on first sight, named by their id (edge lists).
    pub implicit_ends: bool,
}

/// Parses `line` as `reading` says; `Ok(None)` for blank and comment lines (`#`, but not in
/// JSON lines or tables), `Err` says what is wrong.
pub fn parse_line<'a>(
    reading: &Reading,
    line: &'a str,
    default_type: &'a str,
) -> Result<Option<Parsed<'a>>, String> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    match reading {
        Reading::EdgeList | Reading::Taxonomy if trimmed.starts_with('#') => Ok(None),
        Reading::EdgeList => edge_list(trimmed, default_type).map(Some),
        Reading::Taxonomy => taxonomy(line).map(Some),
        Reading::JsonLines => json(trimmed).map(Some),
        Reading::Table { layout, .. } => layout.parse(line, default_type).map(Some),
    }
}

fn edge_list<'a>(line: &'a str, default_type: &'a str) -> Result<Parsed<'a>, String> {
    let mut fields = line.split_whitespace();
    let (Some(from), Some(to)) = (fields.next(), fields.next()) else {
        return Err("expected `src dst [type]`".into());
    };
    let edge_type = fields.next().unwrap_or(default_type);
    if fields.next().is_some() {
        return Err("more than 3 fields; expected `src dst [type]`".into());
    }
    Ok(Parsed {
        node: None,
        edge: Some(EdgeLine {
            from: from.into(),
            to: to.into(),
            edge_type: edge_type.into(),
            data: Vec::new(),
        }),
        implicit_ends: true,
    })
}

fn taxonomy(line: &str) -> Result<Parsed<'_>, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let &[id, parent, rank, name] = fields.as_slice() else {
        return Err(format!(
            "{} tab-separated fields; expected 4: id, parent, rank, name",
            fields.len()
        ));
    };
    for (what, value) in [("id", id), ("parent", parent), ("rank", rank)] {
        if value.trim().is_empty() {
            return Err(format!("the {what} is empty"));
        }
    }
    let edge = (parent != id).then(|| EdgeLine {
        from: parent.into(),
        to: id.into(),
        edge_type: TAXONOMY_EDGE.into(),
        data: Vec::new(),
    });
    Ok(Parsed {
        node: Some(NodeLine {
            ext: id.into(),
            kind: rank.into(),
            name: name.into(),
            data: Vec::new(),
        }),
        edge,
        implicit_ends: false,
    })
}

/// A JSON line: a node (`id`) or an edge (`from`, `to`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from: Option<&'a RawValue>,
    #[serde(borrow)]
    to: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    edge_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    data_hex: Option<Cow<'a, str>>,
}

/// The default kind of a JSON node and type of a JSON edge.
const JSON_DEFAULT_KIND: &str = "node";
const JSON_DEFAULT_TYPE: &str = "edge";

fn json(line: &str) -> Result<Parsed<'_>, String> {
    let record: JsonLine<'_> = serde_json::from_str(line).map_err(|e| format!("JSON: {e}"))?;
    let data = match (record.data, &record.data_hex) {
        (Some(_), Some(_)) => return Err("both `data` and `data_hex`".into()),
        (Some(raw), None) => raw.get().as_bytes().to_vec(),
        (None, Some(hex)) => from_hex(hex)?,
        (None, None) => Vec::new(),
    };
    match (record.id, record.from, record.to) {
        (Some(id), None, None) => {
            if record.edge_type.is_some() {
                return Err("a node (it has `id`) with an edge's `type`".into());
            }
            Ok(Parsed {
                node: Some(NodeLine {
                    ext: json_id(id, "id")?,
                    kind: record.kind.unwrap_or(Cow::Borrowed(JSON_DEFAULT_KIND)),
                    name: record.name.unwrap_or_default(),
                    data,
                }),
                edge: None,
                implicit_ends: false,
            })
        }
        (None, Some(from), Some(to)) => {
            if record.kind.is_some() || record.name.is_some() {
                return Err(
                    "an edge (it has `from` and `to`) with a node's `kind` or `name`".into(),
                );
            }
            Ok(Parsed {
                node: None,
                edge: Some(EdgeLine {
                    from: json_id(from, "from")?,
                    to: json_id(to, "to")?,
                    edge_type: record.edge_type.unwrap_or(Cow::Borrowed(JSON_DEFAULT_TYPE)),
                    data,
                }),
                implicit_ends: false,
            })
        }
        _ => Err("neither a node (`id`) nor an edge (`from` and `to`)".into()),
    }
}

/// An id given as a JSON string or a non-negative integer, as text.
fn json_id<'a>(raw: &'a RawValue, field: &str) -> Result<Cow<'a, str>, String> {
    let text = raw.get();
    if text.starts_with('"') {
        let id: Cow<'a, str> = serde_json::from_str(text).map_err(|e| format!("`{field}`: {e}"))?;
        if id.is_empty() {
            return Err(format!("`{field}` is empty"));
        }
        Ok(id)
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Cow::Borrowed(text))
    } else {
        Err(format!(
            "`{field}` must be a string or a non-negative integer, not {text}"
        ))
    }
}

/// Bytes written as hexadecimal digits, two a byte.
fn from_hex(hex: &str) -> Result<Vec<u8>, String> {
    if !hex.len().is_multiple_of(2) {
        return Err("`data_hex` has an odd number of digits".into());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("`data_hex` is not hexadecimal at digit {}", i + 1))
        })
        .collect()
}

/// `bytes` as hexadecimal digits, for `export`.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(format: Reading, line: &str) -> Result<Option<Parsed<'_>>, String> {
        parse_line(&format, line, "edge")
    }

    fn ok(format: Reading, line: &str) -> Parsed<'_> {
        parse(format, line).expect("parses").expect("not blank")
    }

    #[test]
    fn edge_list_lines_give_an_edge_between_implicit_nodes() {
        let p = ok(Reading::EdgeList, "1\t2");
        let edge = p.edge.expect("an edge");
        assert_eq!(
            (&*edge.from, &*edge.to, &*edge.edge_type),
            ("1", "2", "edge")
        );
        assert!(p.implicit_ends);
        let p = ok(Reading::EdgeList, " a  b knows ");
        assert_eq!(
            p.edge.map(|e| e.edge_type.into_owned()).as_deref(),
            Some("knows")
        );
        assert_eq!(parse(Reading::EdgeList, "# comment"), Ok(None));
        assert_eq!(parse(Reading::EdgeList, "   "), Ok(None));
        assert!(parse(Reading::EdgeList, "1").is_err());
        assert!(parse(Reading::EdgeList, "1 2 t extra").is_err());
    }

    #[test]
    fn taxonomy_lines_give_a_node_and_its_parent_edge() {
        let p = ok(Reading::Taxonomy, "9606\t9605\tspecies\tHomo sapiens");
        let node = p.node.expect("a node");
        assert_eq!(
            (&*node.ext, &*node.kind, &*node.name),
            ("9606", "species", "Homo sapiens")
        );
        let edge = p.edge.expect("an edge");
        assert_eq!((&*edge.from, &*edge.to), ("9605", "9606"));
        let root = ok(Reading::Taxonomy, "1\t1\tno rank\troot");
        assert!(root.edge.is_none() && root.node.is_some());
        assert!(parse(Reading::Taxonomy, "1\t2\tspecies").is_err());
        assert!(parse(Reading::Taxonomy, "1\t\tspecies\tx").is_err());
    }

    #[test]
    fn json_lines_give_nodes_and_edges_with_data_kept_byte_for_byte() {
        let p = ok(
            Reading::JsonLines,
            r#"{"id":7,"kind":"city","name":"Porto","data":{"b": 1,"a":[2]}}"#,
        );
        let node = p.node.expect("a node");
        assert_eq!(
            (&*node.ext, &*node.kind, &*node.name),
            ("7", "city", "Porto")
        );
        assert_eq!(node.data, br#"{"b": 1,"a":[2]}"#);
        let p = ok(
            Reading::JsonLines,
            r#"{"from":"a","to":7,"type":"road","data_hex":"00ff"}"#,
        );
        let edge = p.edge.expect("an edge");
        assert_eq!(
            (&*edge.from, &*edge.to, &*edge.edge_type),
            ("a", "7", "road")
        );
        assert_eq!(edge.data, vec![0, 255]);
        for bad in [
            "{",
            r#"{"id":1,"from":2,"to":3}"#,
            r#"{"name":"x"}"#,
            r#"{"id":-1}"#,
            r#"{"id":1.5}"#,
            r#"{"id":""}"#,
            r#"{"id":1,"colour":"red"}"#,
            r#"{"from":1,"to":2,"data_hex":"0g"}"#,
            r#"{"from":1,"to":2,"kind":"k"}"#,
        ] {
            assert!(parse(Reading::JsonLines, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&to_hex(&bytes)), Ok(bytes));
        assert!(from_hex("abc").is_err());
    }
}
