//! DOT (for Graphviz): a `digraph` whose nodes are quoted node ids labelled with their names,
//! with `kind`, extra `labels` and `external_id` attributes, and whose edges are labelled with
//! their types. Properties are left out: DOT is for drawing; GraphML carries them.
//! Every id and value is a quoted string escaped by [`crate::escape::dot`].

use std::io::{BufWriter, Write};

use graph::GraphRead;

use crate::Written;
use crate::error::Result;
use crate::escape::dot;
use crate::record::NodeRecord;
use crate::selection::Selection;

/// Writes `selection` of snapshot `read` as a DOT `digraph` to `out` (buffered here).
pub fn write_dot<R: GraphRead>(
    read: &R,
    selection: &Selection,
    out: impl Write,
) -> Result<Written> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut written = Written::default();
    writeln!(out, "digraph mmgraph {{")?;
    selection.for_each_node(read, |node| {
        let record = NodeRecord::read(read, node)?;
        write!(
            out,
            "  \"{}\" [label={}, kind={}",
            record.id.0,
            dot(&record.name),
            dot(&record.kind)
        )?;
        if !record.labels.is_empty() {
            write!(out, ", labels={}", dot(&record.labels.join(",")))?;
        }
        if let Some(ext) = &record.external_id {
            write!(out, ", external_id={}", dot(ext))?;
        }
        writeln!(out, "];")?;
        written.nodes += 1;
        Ok(())
    })?;
    selection.for_each_edge(read, |edge| {
        writeln!(
            out,
            "  \"{}\" -> \"{}\" [label={}];",
            edge.from().0,
            edge.to().0,
            dot(&edge.edge_type()?)
        )?;
        written.edges += 1;
        Ok(())
    })?;
    writeln!(out, "}}")?;
    out.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_graph::sample;

    fn dot_of(selection: &Selection) -> (String, Written) {
        let (graph, _) = sample();
        let read = graph.begin_read().expect("read");
        let mut out = Vec::new();
        let written = write_dot(&read, selection, &mut out).expect("export");
        (String::from_utf8(out).expect("UTF-8"), written)
    }

    #[test]
    fn ids_are_quoted_and_labels_escaped() {
        let (doc, written) = dot_of(&Selection::All);
        assert_eq!(written, Written { nodes: 3, edges: 3 });
        assert!(doc.starts_with("digraph mmgraph {\n"), "{doc}");
        assert!(
            doc.contains("label=\"<a & b> \\\"q\\\" 'x'\\nline\u{FFFD}Zürich 東京\""),
            "{doc}"
        );
        assert!(doc.contains("labels=\"admin\""));
        assert!(doc.contains("[label=\"knows\"];"));
        assert_eq!(doc.matches(" -> ").count(), 3);
    }

    #[test]
    fn a_node_set_has_only_the_edges_among_its_nodes() {
        let (_, [a, _, c]) = sample();
        let (doc, written) = dot_of(&Selection::Nodes(vec![a, c]));
        assert_eq!(written, Written { nodes: 2, edges: 1 });
        assert!(doc.contains(&format!(
            "\"{}\" -> \"{}\" [label=\"visited_by\"];",
            c.0, a.0
        )));
    }
}
