//! An aggregation over the nodes of one label, answered from the label scan without building
//! a row per node: `MATCH (p:Person) RETURN avg(p.age), count(*)`. The slow path binds each
//! node into a row, checks the pattern again, evaluates each argument as an expression and
//! hashes the (empty) group key; this one hands each node's value straight to the same
//! [`Accumulator`]s, in the same order (the matcher's: the label's nodes as
//! `Reads::labelled` lists them), so every result and error is the slow path's. The nodes come
//! from [`graph::props::for_each_labelled_node`] (records read in id order, page by page, when
//! the label's kind is a good share of the nodes) and each property is read in place.
//!
//! It applies when the `MATCH` is a lone, labelled node pattern with a variable and nothing
//! else (no property map, no `WHERE`, not `OPTIONAL`), it is the query's first clause (one
//! empty input row), the projection has no grouping key and no `ORDER BY`, and every aggregate
//! takes no argument (`count(*)`), the node (`count(p)`) or one property of it (`sum(p.age)`).

use crate::aggregate::{Accumulator, AggregateCall};
use crate::ast::Expr;
use crate::error::{Error, Result};
use crate::eval::Env;
use crate::source::Source;
use crate::store::Store;
use crate::value::Value;

/// What one aggregate call reads from each node.
#[derive(Debug, PartialEq)]
enum Argument {
    /// Nothing: `count(*)`.
    Row,
    /// The node itself: `count(p)`.
    Node,
    /// One property: `sum(p.age)`.
    Property(String),
}

/// An aggregation pushed into a label scan.
#[derive(Debug, PartialEq)]
pub(super) struct LabelAggregate {
    label: String,
    arguments: Vec<Argument>,
}

impl LabelAggregate {
    /// The pushed-down form of aggregating `source` by `calls`, if it has one (see the
    /// module's comment); the projection's keys and order are the caller's to rule out.
    pub(super) fn of(source: &Source<'_>, calls: &[AggregateCall]) -> Option<LabelAggregate> {
        let Source::Match(m) = source else {
            return None;
        };
        let [part] = m.patterns else { return None };
        let node = &part.start;
        let (Some(var), [label]) = (&node.var, node.labels.as_slice()) else {
            return None;
        };
        let lone = !m.optional
            && m.filter.is_none()
            && part.chain.is_empty()
            && part.var.is_none()
            && part.shortest.is_none()
            && node.props.is_none()
            && matches!(m.input.as_slice(), [row] if row.is_empty());
        if !lone {
            return None;
        }
        let arguments = calls
            .iter()
            .map(|call| match call.args.as_slice() {
                [] => Some(Argument::Row),
                [Expr::Var(v, _)] if v == var => Some(Argument::Node),
                [Expr::Property(target, key)]
                    if matches!(target.as_ref(), Expr::Var(v, _) if v == var) =>
                {
                    Some(Argument::Property(key.clone()))
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(LabelAggregate {
            label: label.clone(),
            arguments,
        })
    }

    /// The accumulators of `calls` over every node of the label.
    pub(super) fn run<S: Store>(
        &self,
        env: Env<'_, S>,
        calls: &[AggregateCall],
    ) -> Result<Vec<Accumulator>> {
        let mut accs: Vec<Accumulator> = calls.iter().map(|_| Accumulator::default()).collect();
        graph::props::for_each_labelled_node(env.store.read(), &self.label, |node| {
            let data = node.data()?;
            for ((call, argument), acc) in calls.iter().zip(&self.arguments).zip(&mut accs) {
                let value = match argument {
                    Argument::Row => None,
                    Argument::Node => Some(Value::Node(node.id())),
                    Argument::Property(key) => {
                        Some(graph::props::with_data_property(&data, key, |v| {
                            v.map_or(Ok(Value::Null), Value::from_ref)
                        })??)
                    }
                };
                acc.add(call, value, None);
            }
            Ok::<(), Error>(())
        })?;
        Ok(accs)
    }
}

#[cfg(test)]
mod tests;
