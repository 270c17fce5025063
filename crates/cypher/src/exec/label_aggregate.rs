//! An aggregation over the nodes of one label, answered from the label scan without building
//! a row per node: `MATCH (p:Person) RETURN avg(p.age), count(*)`. The slow path binds each
//! node into a row, checks the pattern again, evaluates each argument as an expression and
//! hashes the (empty) group key; this one hands each node's value straight to the same
//! [`Accumulator`]s, in the same order (the matcher's: the label's nodes as
//! `Reads::labelled` lists them), so every result and error is the slow path's. The nodes come
//! from [`graph::props::for_each_labelled_node`] (records read in id order, page by page, when
//! the label's kind is a good share of the nodes) and each property is read in place, or,
//! when the graph has a property column of the label and the key every property argument
//! reads (`CREATE COLUMN`), from that column: about 255 nodes a page, no record read.
//!
//! It applies when the `MATCH` is a lone, labelled node pattern with a variable and nothing
//! else (no property map, no `WHERE`, not `OPTIONAL`), it is the query's first clause (one
//! empty input row), the projection has no grouping key and no `ORDER BY`, and every aggregate
//! takes no argument (`count(*)`), the node (`count(p)`) or one property of it (`sum(p.age)`).

use crate::aggregate::{Accumulator, AggregateCall, Fold, Number, SMALL_INTS};
use crate::ast::Expr;
use crate::error::Result;
use crate::eval::Env;
use crate::source::Source;
use crate::store::Store;
use crate::value::Value;
use graph::props::{ColumnChunk, ColumnValue};

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

    /// The one property every property argument reads, if they all read the same one: a
    /// column of it answers them all.
    fn column_key(&self) -> Option<&str> {
        let mut keys = self.arguments.iter().filter_map(|a| match a {
            Argument::Property(key) => Some(key.as_str()),
            Argument::Row | Argument::Node => None,
        });
        let first = keys.next()?;
        keys.all(|k| k == first).then_some(first)
    }

    /// The accumulators of `calls` over every node of the label: from the property column
    /// of the label and key when every property argument reads one key and the graph has
    /// that column (`graph::props::for_each_column_chunk`, the same nodes in the same order,
    /// a page at a time), else from the label's records.
    pub(super) fn run<S: Store>(
        &self,
        env: Env<'_, S>,
        calls: &[AggregateCall],
    ) -> Result<Vec<Accumulator>> {
        let mut accs: Vec<Accumulator> = calls.iter().map(|_| Accumulator::default()).collect();
        let txn = env.store.read();
        if let Some(key) = self.column_key() {
            let found = graph::props::for_each_column_chunk(txn, &self.label, key, |chunk| {
                self.fold_chunk(txn, key, calls, &mut accs, chunk)
            })?;
            if found {
                return Ok(accs);
            }
        }
        graph::props::for_each_labelled_node(txn, &self.label, |node| {
            let data = node.data()?;
            self.fold(calls, &mut accs, node.id(), |key| {
                graph::props::with_data_property(&data, key, |v| {
                    v.map_or(Ok(Value::Null), Value::from_ref)
                })?
            })
        })?;
        Ok(accs)
    }

    /// Adds the nodes of one page of the column of `key` to the accumulators, in order: when
    /// every value is a number, a loop per call over the page (no [`Value`] per node), else
    /// node by node.
    fn fold_chunk<T: graph::GraphRead + ?Sized>(
        &self,
        txn: &T,
        key: &str,
        calls: &[AggregateCall],
        accs: &mut [Accumulator],
        chunk: &ColumnChunk<'_>,
    ) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        if !chunk.numbers_only() {
            for (id, value) in chunk.values() {
                self.fold(calls, accs, id, |_| column_value(txn, id, key, value))?;
            }
            return Ok(());
        }
        // The page's integers summed (counted when the chunk was made), when every value is
        // one and small enough for `add_small_ints`: what `count`, `sum` and `avg` need.
        let small_ints = chunk.small_int_sum(SMALL_INTS);
        for ((call, argument), acc) in calls.iter().zip(&self.arguments).zip(accs) {
            match argument {
                Argument::Row => acc.add_rows(chunk.len()),
                Argument::Node if call.fold == Fold::Count && !call.distinct => {
                    acc.add_counted(chunk.len());
                }
                Argument::Node => {
                    for (id, _) in chunk.values() {
                        acc.add(call, Some(Value::Node(id)), None);
                    }
                }
                Argument::Property(_) => {
                    let whole =
                        small_ints.is_some_and(|(sum, count)| acc.add_small_ints(call, sum, count));
                    if !whole {
                        acc.add_numbers(call, chunk.values().filter_map(|(_, v)| number(v)));
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds node `id` to the accumulators, its property `key` given by `property(key)`.
    #[inline]
    fn fold(
        &self,
        calls: &[AggregateCall],
        accs: &mut [Accumulator],
        id: graph::NodeId,
        mut property: impl FnMut(&str) -> Result<Value>,
    ) -> Result<()> {
        for ((call, argument), acc) in calls.iter().zip(&self.arguments).zip(accs) {
            let value = match argument {
                Argument::Row => None,
                Argument::Node => Some(Value::Node(id)),
                Argument::Property(key) => Some(property(key)?),
            };
            acc.add(call, value, None);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

/// The number a column's value is, if it is one.
fn number(value: ColumnValue) -> Option<Number> {
    match value {
        ColumnValue::Int(i) => Some(Number::Int(i)),
        ColumnValue::Float(f) => Some(Number::Float(f)),
        _ => None,
    }
}

/// Node `id`'s property `key` as a [`Value`], from its column's `value` (null when absent),
/// or from its record when the column does not hold it.
fn column_value<T: graph::GraphRead + ?Sized>(
    txn: &T,
    id: graph::NodeId,
    key: &str,
    value: ColumnValue,
) -> Result<Value> {
    Ok(match value {
        ColumnValue::Absent | ColumnValue::Null => Value::Null,
        ColumnValue::Bool(b) => Value::Bool(b),
        ColumnValue::Int(i) => Value::Int(i),
        ColumnValue::Float(f) => Value::Float(f),
        ColumnValue::InRecord => graph::props::with_node_property(txn, id, key, |v| {
            v.map_or(Ok(Value::Null), Value::from_ref)
        })??,
    })
}
