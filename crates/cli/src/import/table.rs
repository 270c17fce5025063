//! Delimited tables (CSV, TSV): what each column holds, from a header row in the Neo4j
//! admin-import convention (`:ID`, `:LABEL`, `name`, `:START_ID`, `:END_ID`, `:TYPE`, other
//! columns into the record's JSON data) or from `--columns` for files without one; and one
//! row read into a node or an edge.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::parse::{EdgeLine, NodeLine, Parsed};

/// The kind of a table's nodes when it has no kind column.
pub const DEFAULT_KIND: &str = "node";

/// How a data column's text becomes JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// A string, as written.
    Text,
    /// An integer (`int`, `long`, `short`, `byte`).
    Integer,
    /// A number (`float`, `double`).
    Float,
    /// `true` or `false` (`boolean`).
    Boolean,
}

/// What one column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// The node's external id (`:ID`, `id`).
    Id,
    /// The node's kind (`:LABEL`, `kind`).
    Kind,
    /// The node's name (`name`).
    Name,
    /// The edge's source id (`:START_ID`, `src`, `from`).
    From,
    /// The edge's target id (`:END_ID`, `dst`, `to`).
    To,
    /// The edge's type (`:TYPE`, `type`).
    Type,
    /// A field of the record's JSON data (`data.FIELD` in `--columns`; any other header).
    Data(String, ValueType),
    /// Not read (`:IGNORE`, `_`).
    Skip,
}

/// The columns of a table and what separates them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The field separator: `,` or a tab.
    pub delimiter: char,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// Whether rows are edges (`From` and `To` columns) rather than nodes (an `Id` column).
    pub edges: bool,
}

impl Layout {
    /// A layout from `--columns` (`id,kind,name,data.text` or `src,dst,type`).
    pub fn from_spec(spec: &str, delimiter: char) -> Result<Layout, String> {
        let columns = spec
            .split(',')
            .map(|name| match name.trim() {
                "id" => Ok(Column::Id),
                "kind" | "label" => Ok(Column::Kind),
                "name" => Ok(Column::Name),
                "src" | "from" | "source" => Ok(Column::From),
                "dst" | "to" | "target" => Ok(Column::To),
                "type" => Ok(Column::Type),
                "_" | "skip" => Ok(Column::Skip),
                other => match other.strip_prefix("data.") {
                    Some(field) if !field.is_empty() => {
                        Ok(Column::Data(field.to_owned(), ValueType::Text))
                    }
                    _ => Err(format!(
                        "--columns: unknown column {other:?}; use id, kind, name, data.FIELD, src, dst, type or _"
                    )),
                },
            })
            .collect::<Result<Vec<_>, _>>()?;
        Layout::new(delimiter, columns, "--columns")
    }

    /// A layout from a header row in the Neo4j convention, if `line` is one (it has an `:ID`
    /// column, or `:START_ID` and `:END_ID`).
    pub fn from_header(line: &str, delimiter: char) -> Option<Result<Layout, String>> {
        let fields = split(line, delimiter).ok()?;
        let column = |field: &str| -> Column {
            let (name, tag) = field.split_once(':').unwrap_or((field, ""));
            // `:ID(Group)`: id spaces are not kept apart; the group is read past.
            let tag = tag.split('(').next().unwrap_or("").to_ascii_lowercase();
            match (name, tag.as_str()) {
                (_, "id") => Column::Id,
                (_, "label") => Column::Kind,
                (_, "start_id") => Column::From,
                (_, "end_id") => Column::To,
                (_, "type") => Column::Type,
                (_, "ignore") => Column::Skip,
                ("name", "" | "string") => Column::Name,
                (name, "int" | "long" | "short" | "byte") => {
                    Column::Data(name.to_owned(), ValueType::Integer)
                }
                (name, "float" | "double") => Column::Data(name.to_owned(), ValueType::Float),
                (name, "boolean") => Column::Data(name.to_owned(), ValueType::Boolean),
                (name, _) => Column::Data(name.to_owned(), ValueType::Text),
            }
        };
        let columns: Vec<Column> = fields.iter().map(|f| column(f)).collect();
        let has = |c: &Column| columns.contains(c);
        let names_records = has(&Column::Id) || (has(&Column::From) && has(&Column::To));
        if !names_records {
            return None;
        }
        Some(Layout::new(delimiter, columns, "the header row"))
    }

    fn new(delimiter: char, columns: Vec<Column>, from: &str) -> Result<Layout, String> {
        let count = |c: &Column| columns.iter().filter(|x| *x == c).count();
        for once in [
            Column::Id,
            Column::Kind,
            Column::Name,
            Column::From,
            Column::To,
            Column::Type,
        ] {
            if count(&once) > 1 {
                return Err(format!("{from} names the {once:?} column twice"));
            }
        }
        let edges = count(&Column::From) == 1 && count(&Column::To) == 1;
        let node = count(&Column::Id) == 1;
        match (node, edges, count(&Column::From) + count(&Column::To)) {
            (true, false, 0) if count(&Column::Type) == 0 => {}
            (false, true, _) if count(&Column::Kind) + count(&Column::Name) == 0 => {}
            _ => {
                return Err(format!(
                    "{from} must describe nodes (an id column, and kind, name, data) or edges (src and dst columns, and type, data)"
                ));
            }
        }
        Ok(Layout {
            delimiter,
            columns,
            edges,
        })
    }

    /// The columns as `--columns` would name them, for messages and the resume record.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Id => "id".to_owned(),
                Column::Kind => "kind".to_owned(),
                Column::Name => "name".to_owned(),
                Column::From => "src".to_owned(),
                Column::To => "dst".to_owned(),
                Column::Type => "type".to_owned(),
                Column::Data(field, ValueType::Text) => format!("data.{field}"),
                Column::Data(field, t) => format!("data.{field}:{t:?}").to_lowercase(),
                Column::Skip => "_".to_owned(),
            })
            .collect();
        names.join(",")
    }

    /// One row as a node or an edge.
    pub fn parse<'a>(&self, line: &'a str, default_type: &'a str) -> Result<Parsed<'a>, String> {
        let fields = split(line, self.delimiter)?;
        if fields.len() != self.columns.len() {
            return Err(format!(
                "{} fields; expected {}: {}",
                fields.len(),
                self.columns.len(),
                self.describe()
            ));
        }
        let mut ext = None;
        let mut kind = None;
        let mut name = None;
        let mut from = None;
        let mut to = None;
        let mut edge_type = None;
        let mut data = Map::new();
        for (column, field) in self.columns.iter().zip(fields) {
            match column {
                Column::Id => ext = Some(field),
                Column::Kind => kind = Some(field),
                Column::Name => name = Some(field),
                Column::From => from = Some(field),
                Column::To => to = Some(field),
                Column::Type => edge_type = Some(field),
                Column::Data(key, value_type) => {
                    if !field.is_empty() {
                        data.insert(key.clone(), value(&field, *value_type, key)?);
                    }
                }
                Column::Skip => {}
            }
        }
        let data = if data.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&Value::Object(data)).map_err(|e| e.to_string())?
        };
        let nonempty = |what: &str, value: Option<Cow<'a, str>>| match value {
            Some(v) if v.trim().is_empty() => Err(format!("the {what} is empty")),
            other => Ok(other),
        };
        if self.edges {
            let (Some(from), Some(to)) = (nonempty("src", from)?, nonempty("dst", to)?) else {
                return Err("no src or dst column".into());
            };
            let edge_type = nonempty("type", edge_type)?.unwrap_or(Cow::Borrowed(default_type));
            return Ok(Parsed {
                node: None,
                edge: Some(EdgeLine {
                    from,
                    to,
                    edge_type,
                    data,
                }),
                implicit_ends: false,
            });
        }
        let Some(ext) = nonempty("id", ext)? else {
            return Err("no id column".into());
        };
        Ok(Parsed {
            node: Some(NodeLine {
                ext,
                kind: nonempty("kind", kind)?.unwrap_or(Cow::Borrowed(DEFAULT_KIND)),
                name: name.unwrap_or_default(),
                data,
            }),
            edge: None,
            implicit_ends: false,
        })
    }
}

/// A data field as JSON of its column's type.
fn value(field: &str, value_type: ValueType, key: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("column {key}: {field:?} is not {what}");
    Ok(match value_type {
        ValueType::Text => Value::String(field.to_owned()),
        ValueType::Integer => {
            Value::from(field.trim().parse::<i64>().map_err(|_| bad("an integer"))?)
        }
        ValueType::Float => {
            let number = field.trim().parse::<f64>().map_err(|_| bad("a number"))?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number"))?
        }
        ValueType::Boolean => match field.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
    })
}

/// The fields of a row. Tab-separated rows are split at every tab; comma-separated ones may
/// quote a field in `"` (a quote inside written `""`), which then may hold commas. A row is one
/// line: a quoted field cannot span lines.
pub fn split(line: &str, delimiter: char) -> Result<Vec<Cow<'_, str>>, String> {
    if delimiter != ',' || !line.contains('"') {
        return Ok(line.split(delimiter).map(Cow::Borrowed).collect());
    }
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut field = String::new();
            let mut chars = quoted.char_indices();
            let after = loop {
                match chars.next() {
                    Some((i, '"')) => match quoted.get(i + 1..).and_then(|r| r.strip_prefix('"')) {
                        Some(_) => {
                            field.push('"');
                            chars.next();
                        }
                        None => break quoted.get(i + 1..).unwrap_or(""),
                    },
                    Some((_, c)) => field.push(c),
                    None => return Err("a quoted field is not closed on its line".into()),
                }
            };
            fields.push(Cow::Owned(field));
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None if after.is_empty() => return Ok(fields),
                None => return Err("text after a quoted field's closing quote".into()),
            }
        } else {
            match rest.split_once(',') {
                Some((field, next)) => {
                    fields.push(Cow::Borrowed(field));
                    rest = next;
                }
                None => {
                    fields.push(Cow::Borrowed(rest));
                    return Ok(fields);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_separated_fields_may_be_quoted() {
        let fields = split(r#"1,"a, b","say ""hi""",,x"#, ',').expect("splits");
        assert_eq!(fields, ["1", "a, b", r#"say "hi""#, "", "x"]);
        assert!(split(r#"1,"open"#, ',').is_err());
        assert!(split(r#""a"b,c"#, ',').is_err());
        assert_eq!(split("a,\"b\"", ',').expect("splits"), ["a", "b"]);
        assert_eq!(split("a\t\"b\"", '\t').expect("splits"), ["a", "\"b\""]);
    }

    #[test]
    fn a_neo4j_node_header_gives_id_kind_name_and_typed_data() {
        let layout = Layout::from_header(
            "personId:ID,name,:LABEL,age:int,score:float,ok:boolean,note,x:IGNORE",
            ',',
        )
        .expect("a header")
        .expect("valid");
        assert!(!layout.edges);
        let parsed = layout
            .parse("p1,Ann,person,31,2.5,true,\"likes, tea\",zzz", "edge")
            .expect("parses");
        let node = parsed.node.expect("a node");
        assert_eq!(
            (&*node.ext, &*node.kind, &*node.name),
            ("p1", "person", "Ann")
        );
        let data: Value = serde_json::from_slice(&node.data).expect("JSON data");
        assert_eq!(
            data,
            serde_json::json!({"age": 31, "score": 2.5, "ok": true, "note": "likes, tea"})
        );
        assert!(
            layout
                .parse("p1,Ann,person,old,1,true,x,y", "edge")
                .is_err()
        );
        assert!(layout.parse("p1,Ann", "edge").is_err());
    }

    #[test]
    fn a_neo4j_relationship_header_gives_edges() {
        let layout = Layout::from_header(":START_ID\t:END_ID\t:TYPE\tsince:int", '\t')
            .expect("a header")
            .expect("valid");
        assert!(layout.edges);
        let edge = layout
            .parse("a\tb\tknows\t2019", "edge")
            .expect("parses")
            .edge
            .expect("edge");
        assert_eq!(
            (&*edge.from, &*edge.to, &*edge.edge_type),
            ("a", "b", "knows")
        );
        assert_eq!(edge.data, br#"{"since":2019}"#);
        let untyped = layout.parse("a\tb\t\t", "edge");
        assert!(
            untyped.is_err(),
            "an empty type is an error, not the default"
        );
    }

    #[test]
    fn a_first_row_without_id_columns_is_not_a_header() {
        assert_eq!(Layout::from_header("1\t2\tspecies\tHomo", '\t'), None);
        assert_eq!(Layout::from_header("noun.Tops\tentity\tx", '\t'), None);
    }

    #[test]
    fn columns_from_the_command_line_read_headerless_rows() {
        let nodes = Layout::from_spec("id,kind,name,data.text", '\t').expect("valid");
        let node = nodes
            .parse("noun.Tops\tsynset\tentity\tthat which is", "edge")
            .expect("parses")
            .node
            .expect("a node");
        assert_eq!(
            (&*node.ext, &*node.kind, &*node.name),
            ("noun.Tops", "synset", "entity")
        );
        assert_eq!(node.data, br#"{"text":"that which is"}"#);
        let edges = Layout::from_spec("src,dst,type", '\t').expect("valid");
        let edge = edges
            .parse("a\tb\thypernym", "edge")
            .expect("parses")
            .edge
            .expect("edge");
        assert_eq!(
            (&*edge.from, &*edge.to, &*edge.edge_type),
            ("a", "b", "hypernym")
        );
        assert_eq!(nodes.describe(), "id,kind,name,data.text");
        for bad in [
            "id,colour",
            "id,id",
            "src,type",
            "id,src,dst",
            "kind,name",
            "src,dst,kind",
        ] {
            assert!(Layout::from_spec(bad, '\t').is_err(), "{bad}");
        }
    }
}
