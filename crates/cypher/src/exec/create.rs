//! `CREATE` of lone nodes over many rows at once (`UNWIND range(1, 10000) AS i CREATE (:Item
//! {i: i})`): the rows' property maps are evaluated in order, then the nodes go to the graph
//! in batches through [`graph::WriteTxn::add_nodes`], which reads the property-index registry
//! once per batch and inserts each index's keys in order.
//!
//! This is only a different order of the same work when nothing evaluated for a later row can
//! see the nodes created for an earlier one, so a clause qualifies only when: every part is a
//! single node pattern (no relationship, no path variable), no node variable is bound already,
//! every label is one the graph accepts (so a refusal stays the one-at-a-time path's), and no
//! property map reads the graph's set of nodes (a pattern predicate or comprehension) or
//! names a node this clause creates. Otherwise the clause runs row by row.

use graph::{NewNode, PropertyMap};

use super::Exec;
use crate::ast::{Expr, MapProjectionItem, PatternPart};
use crate::check::walk;
use crate::error::Result;
use crate::eval::Row;
use crate::store::Store;
use crate::value::Value;

/// Nodes handed to the graph in one call: bounds the property maps held at once.
const BATCH: usize = 4096;

/// Whether `parts` over `rows` may be created in batches (see the module's comment).
pub(super) fn batchable(parts: &[PatternPart], rows: &[Row]) -> bool {
    let created: Vec<&str> = parts
        .iter()
        .filter_map(|p| p.start.var.as_deref())
        .collect();
    rows.len() > 1
        && parts.iter().all(|part| {
            let node = &part.start;
            part.chain.is_empty()
                && part.var.is_none()
                && part.shortest.is_none()
                && node
                    .var
                    .as_ref()
                    .is_none_or(|v| !rows.iter().any(|r| r.contains_key(v)))
                && labels_accepted(&node.labels)
                && node
                    .props
                    .as_ref()
                    .is_none_or(|e| independent_of_creation(e, &created))
        })
}

/// Whether the graph takes `labels` (the first as a kind, the others as labels).
fn labels_accepted(labels: &[String]) -> bool {
    labels.iter().enumerate().all(|(i, l)| {
        let what = if i == 0 { "kind" } else { "label" };
        graph::check_label(what, l).is_ok()
    })
}

/// Whether `e` reads nothing that creating nodes changes: no pattern or `EXISTS` subquery
/// (which match against the graph's nodes), no variable of a node created by the same clause.
fn independent_of_creation(e: &Expr, created: &[&str]) -> bool {
    let mut independent = true;
    walk(e, &mut |x| match x {
        Expr::Pattern(_) | Expr::PatternComprehension { .. } | Expr::Exists(_) => {
            independent = false
        }
        Expr::Var(v, _) if created.contains(&v.as_str()) => independent = false,
        Expr::MapProjection(v, items, _) => {
            let reads_created = created.contains(&v.as_str())
                || items.iter().any(
                    |i| matches!(i, MapProjectionItem::Var(w) if created.contains(&w.as_str())),
                );
            if reads_created {
                independent = false;
            }
        }
        _ => {}
    });
    independent
}

impl<S: Store> Exec<'_, S> {
    /// Runs a [`batchable`] `CREATE` clause over `rows`, binding each node's variable.
    pub(super) fn create_batched(&mut self, rows: &mut [Row], parts: &[PatternPart]) -> Result<()> {
        for chunk in rows.chunks_mut(BATCH.div_ceil(parts.len().max(1))) {
            let mut maps: Vec<PropertyMap> = Vec::with_capacity(chunk.len() * parts.len());
            for row in chunk.iter() {
                for part in parts {
                    maps.push(self.props(row, part.start.props.as_ref())?);
                }
            }
            let labels: Vec<Vec<&str>> = parts
                .iter()
                .map(|p| p.start.labels.iter().map(String::as_str).collect())
                .collect();
            let nodes: Vec<NewNode<'_>> = maps
                .iter()
                .zip(labels.iter().cycle())
                .map(|(properties, labels)| NewNode {
                    labels,
                    name: "",
                    properties,
                })
                .collect();
            let ids = self.store.write()?.add_nodes(&nodes)?;
            let mut ids = ids.into_iter();
            for row in chunk.iter_mut() {
                for part in parts {
                    let id = ids.next();
                    if let (Some(var), Some(id)) = (&part.start.var, id) {
                        row.insert(var.clone(), Value::Node(id));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
