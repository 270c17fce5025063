//! GraphML (for Gephi, yEd, networkx): every node with its kind, name, extra labels, external
//! id and properties, and every edge with its type and properties, as `<data>` elements whose
//! keys are declared with a type.
//!
//! The writer reads the selection twice: once to learn which keys exist and their types
//! (GraphML declares keys before the graph), once to write; nothing but the key table is held
//! in memory. A property's type is `boolean`, `long` or `double` when every value it has is
//! of that type (integers mixed with floats: `double`), else `string` (strings, bytes as hex,
//! lists and maps as JSON). A property named like a built-in attribute (`kind`, `name`,
//! `labels`, `external_id` on nodes, `type` on edges) is written as `property:NAME`.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use graph::{GraphRead, PropertyMap, Value};

use crate::Written;
use crate::error::Result;
use crate::escape::xml;
use crate::properties::value_text;
use crate::record::{EdgeRecord, NodeRecord};
use crate::selection::Selection;

/// The GraphML type of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Boolean,
    Long,
    Double,
    String,
}

impl KeyType {
    fn of(v: &Value) -> KeyType {
        match v {
            Value::Bool(_) => KeyType::Boolean,
            Value::Int(_) => KeyType::Long,
            Value::Float(_) => KeyType::Double,
            _ => KeyType::String,
        }
    }

    /// The type that holds the values of both.
    fn merge(self, other: KeyType) -> KeyType {
        match (self, other) {
            (a, b) if a == b => a,
            (KeyType::Long, KeyType::Double) | (KeyType::Double, KeyType::Long) => KeyType::Double,
            _ => KeyType::String,
        }
    }

    fn name(self) -> &'static str {
        match self {
            KeyType::Boolean => "boolean",
            KeyType::Long => "long",
            KeyType::Double => "double",
            KeyType::String => "string",
        }
    }
}

const NODE_BUILT_INS: [&str; 4] = ["kind", "name", "labels", "external_id"];
const EDGE_BUILT_INS: [&str; 1] = ["type"];

/// The attribute a property is written as.
fn attribute_name(key: &str, built_ins: &[&str]) -> String {
    if built_ins.contains(&key) {
        format!("property:{key}")
    } else {
        key.to_owned()
    }
}

/// The declared keys of one domain (`node` or `edge`): attribute name to id and type.
#[derive(Default)]
struct Keys {
    types: BTreeMap<String, KeyType>,
    ids: BTreeMap<String, String>,
}

impl Keys {
    fn note(&mut self, attribute: String, t: KeyType) {
        self.types
            .entry(attribute)
            .and_modify(|held| *held = held.merge(t))
            .or_insert(t);
    }

    fn note_properties(&mut self, properties: &PropertyMap, built_ins: &[&str]) {
        for (key, value) in properties {
            if !matches!(value, Value::Null) {
                self.note(attribute_name(key, built_ins), KeyType::of(value));
            }
        }
    }

    /// Writes the `<key>` elements, numbering ids from `next`; returns the next free number.
    fn declare(&mut self, out: &mut impl Write, domain: &str, mut next: usize) -> Result<usize> {
        for (attribute, t) in &self.types {
            let id = format!("d{next}");
            next += 1;
            writeln!(
                out,
                r#"  <key id="{id}" for="{domain}" attr.name="{}" attr.type="{}"/>"#,
                xml(attribute),
                t.name()
            )?;
            self.ids.insert(attribute.clone(), id);
        }
        Ok(next)
    }

    /// Writes one `<data>` element, if `attribute` was declared (it was, by the first pass).
    fn data(&self, out: &mut impl Write, attribute: &str, text: &str) -> Result<()> {
        if let Some(id) = self.ids.get(attribute) {
            write!(out, r#"<data key="{id}">{}</data>"#, xml(text))?;
        }
        Ok(())
    }

    fn properties(
        &self,
        out: &mut impl Write,
        properties: &PropertyMap,
        built_ins: &[&str],
    ) -> Result<()> {
        for (key, value) in properties {
            if !matches!(value, Value::Null) {
                self.data(out, &attribute_name(key, built_ins), &value_text(value))?;
            }
        }
        Ok(())
    }
}

/// Writes `selection` of snapshot `read` as a GraphML document to `out` (buffered here).
/// Node ids are `n` and the node id, edge ids `e` and the edge id.
pub fn write_graphml<R: GraphRead>(
    read: &R,
    selection: &Selection,
    out: impl Write,
) -> Result<Written> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let (mut node_keys, mut edge_keys) = (Keys::default(), Keys::default());
    node_keys.note("kind".into(), KeyType::String);
    node_keys.note("name".into(), KeyType::String);
    selection.for_each_node(read, |node| {
        let record = NodeRecord::read(read, node)?;
        if !record.labels.is_empty() {
            node_keys.note("labels".into(), KeyType::String);
        }
        if record.external_id.is_some() {
            node_keys.note("external_id".into(), KeyType::String);
        }
        node_keys.note_properties(&record.properties, &NODE_BUILT_INS);
        Ok(())
    })?;
    edge_keys.note("type".into(), KeyType::String);
    selection.for_each_edge(read, |edge| {
        edge_keys.note_properties(&EdgeRecord::read(edge)?.properties, &EDGE_BUILT_INS);
        Ok(())
    })?;

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let next = node_keys.declare(&mut out, "node", 0)?;
    edge_keys.declare(&mut out, "edge", next)?;
    writeln!(out, r#"  <graph id="G" edgedefault="directed">"#)?;
    let mut written = Written::default();
    selection.for_each_node(read, |node| {
        let record = NodeRecord::read(read, node)?;
        write!(out, r#"    <node id="n{}">"#, record.id.0)?;
        node_keys.data(&mut out, "kind", &record.kind)?;
        node_keys.data(&mut out, "name", &record.name)?;
        if !record.labels.is_empty() {
            let labels = serde_json::to_string(&record.labels).map_err(std::io::Error::from)?;
            node_keys.data(&mut out, "labels", &labels)?;
        }
        if let Some(ext) = &record.external_id {
            node_keys.data(&mut out, "external_id", ext)?;
        }
        node_keys.properties(&mut out, &record.properties, &NODE_BUILT_INS)?;
        writeln!(out, "</node>")?;
        written.nodes += 1;
        Ok(())
    })?;
    selection.for_each_edge(read, |edge| {
        let record = EdgeRecord::read(edge)?;
        write!(
            out,
            r#"    <edge id="e{}" source="n{}" target="n{}">"#,
            record.id.0, record.from.0, record.to.0
        )?;
        edge_keys.data(&mut out, "type", &record.edge_type)?;
        edge_keys.properties(&mut out, &record.properties, &EDGE_BUILT_INS)?;
        writeln!(out, "</edge>")?;
        written.edges += 1;
        Ok(())
    })?;
    writeln!(out, "  </graph>\n</graphml>")?;
    out.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_graph::{AWKWARD, sample};

    fn graphml(selection: &Selection) -> (String, Written) {
        let (graph, _) = sample();
        let read = graph.begin_read().expect("read");
        let mut out = Vec::new();
        let written = write_graphml(&read, selection, &mut out).expect("export");
        (String::from_utf8(out).expect("UTF-8"), written)
    }

    #[test]
    fn awkward_names_are_escaped_and_controls_replaced() {
        let (doc, _) = graphml(&Selection::All);
        let escaped = "&lt;a &amp; b&gt; &quot;q&quot; &apos;x&apos;&#10;line\u{FFFD}Zürich 東京";
        assert!(doc.contains(escaped), "{doc}");
        assert!(!doc.contains(AWKWARD));
        assert!(!doc.contains('\u{1}'));
    }

    #[test]
    fn keys_are_declared_with_the_type_their_values_share() {
        let (doc, _) = graphml(&Selection::All);
        // 31 and 40.5: double; 2.5: double; 2020: long.
        assert!(
            doc.contains(r#"for="node" attr.name="age" attr.type="double""#),
            "{doc}"
        );
        assert!(doc.contains(r#"for="node" attr.name="score" attr.type="double""#));
        assert!(doc.contains(r#"for="edge" attr.name="since" attr.type="long""#));
        assert!(doc.contains(r#"for="node" attr.name="labels" attr.type="string""#));
        assert!(doc.contains(r#"for="node" attr.name="data" attr.type="string""#));
    }

    #[test]
    fn a_property_named_like_a_built_in_keeps_both() {
        let (doc, _) = graphml(&Selection::All);
        assert!(doc.contains(r#"attr.name="property:name""#), "{doc}");
        assert!(doc.contains(">shadowed</data>"));
    }

    #[test]
    fn the_whole_graph_has_every_node_and_edge() {
        let (doc, written) = graphml(&Selection::All);
        assert_eq!(written, Written { nodes: 3, edges: 3 });
        assert_eq!(doc.matches("<node ").count(), 3);
        assert_eq!(doc.matches("<edge ").count(), 3);
        assert!(doc.trim_end().ends_with("</graphml>"));
    }

    #[test]
    fn a_node_set_has_only_the_edges_among_its_nodes() {
        let (_, [a, b, _]) = sample();
        let (doc, written) = graphml(&Selection::Nodes(vec![b, a, b]));
        assert_eq!(written, Written { nodes: 2, edges: 1 });
        assert!(doc.contains(&format!(r#"source="n{}" target="n{}""#, a.0, b.0)));
        assert!(!doc.contains("313 km"));
    }

    #[test]
    fn a_node_set_naming_a_missing_node_is_an_error() {
        let (graph, _) = sample();
        let read = graph.begin_read().expect("read");
        let missing = graph::NodeId(999);
        let result = write_graphml(&read, &Selection::Nodes(vec![missing]), Vec::new());
        assert!(matches!(result, Err(crate::Error::NoNode(id)) if id == missing));
    }
}
