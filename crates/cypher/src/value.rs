//! Cypher's values and their semantics: equality with nulls (three-valued), comparison within
//! a type, the global sort order across types, and equivalence for `DISTINCT` and grouping.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use graph::{EdgeId, NodeId};

use crate::error::Result;

/// A path: nodes joined by relationships (`rels.len() + 1 == nodes.len()`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The nodes in order.
    pub nodes: Vec<NodeId>,
    /// The relationships between them.
    pub rels: Vec<EdgeId>,
}

/// A Cypher value: what expressions compute and result rows hold. Nodes, relationships and
/// paths are ids, read through the transaction the query ran in.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string.
    String(String),
    /// Bytes (a property type of the graph; Cypher has no literal for it).
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<Value>),
    /// A map.
    Map(BTreeMap<String, Value>),
    /// A node.
    Node(NodeId),
    /// A relationship.
    Relationship(EdgeId),
    /// A path.
    Path(Path),
}

impl Value {
    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value's type name, for errors.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::String(_) => "String",
            Value::Bytes(_) => "Bytes",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Node(_) => "Node",
            Value::Relationship(_) => "Relationship",
            Value::Path(_) => "Path",
        }
    }
}

impl From<graph::Value> for Value {
    fn from(v: graph::Value) -> Value {
        match v {
            graph::Value::Null => Value::Null,
            graph::Value::Bool(b) => Value::Bool(b),
            graph::Value::Int(i) => Value::Int(i),
            graph::Value::Float(f) => Value::Float(f),
            graph::Value::String(s) => Value::String(s),
            graph::Value::Bytes(b) => Value::Bytes(b),
            graph::Value::List(l) => Value::List(l.into_iter().map(Value::from).collect()),
            graph::Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, v.into())).collect()),
        }
    }
}

impl Value {
    /// A property value read in place: scalars copied out directly, lists and maps decoded.
    pub(crate) fn from_ref(v: graph::props::ValueRef<'_>) -> Result<Value> {
        use graph::props::ValueRef;
        Ok(match v {
            ValueRef::Null => Value::Null,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::String(s) => Value::String(s.to_owned()),
            other => Value::from(other.to_value()?),
        })
    }
}

/// Three-valued equality: `None` is null (a null on either side, or inside lists and maps
/// where it decides the answer).
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            Some(number_cmp(a, b) == Some(Ordering::Equal))
        }
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut unknown = false;
            for (a, b) in x.iter().zip(y) {
                match equals(a, b) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut unknown = false;
            for (a, b) in x.values().zip(y.values()) {
                match equals(a, b) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::Bytes(x), Value::Bytes(y)) => Some(x == y),
        (Value::Node(x), Value::Node(y)) => Some(x == y),
        (Value::Relationship(x), Value::Relationship(y)) => Some(x == y),
        (Value::Path(x), Value::Path(y)) => Some(x == y),
        _ => Some(false),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Numbers compared by value (integers exactly, even beyond 2^53); `None` with a NaN.
fn number_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(i), Value::Float(f)) => int_float_cmp(*i, *f),
        (Value::Float(f), Value::Int(i)) => int_float_cmp(*i, *f).map(Ordering::reverse),
        _ => as_f64(a)?.partial_cmp(&as_f64(b)?),
    }
}

fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    let as_float = i as f64;
    match as_float.partial_cmp(&f)? {
        Ordering::Equal if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(i.cmp(&(f as i64))),
        o => Some(o),
    }
}

/// The comparison `<`, `>`, ... of two values: `None` (null) across types, with nulls and NaN.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => number_cmp(a, b),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::List(x), Value::List(y)) => {
            for (a, b) in x.iter().zip(y) {
                match compare(a, b)? {
                    Ordering::Equal => {}
                    o => return Some(o),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// The rank of a value's type in the global sort order (openCypher's orderability: maps,
/// nodes, relationships, lists, paths, strings, booleans, numbers, null last).
fn order_rank(v: &Value) -> u8 {
    match v {
        Value::Map(_) => 0,
        Value::Node(_) => 1,
        Value::Relationship(_) => 2,
        Value::List(_) => 3,
        Value::Path(_) => 4,
        Value::Bytes(_) => 5,
        Value::String(_) => 6,
        Value::Bool(_) => 7,
        Value::Int(_) | Value::Float(_) => 8,
        Value::Null => 9,
    }
}

/// The total order `ORDER BY`, `min` and `max` use: across types by [`order_rank`], numbers by
/// value with NaN above every number, lists element by element.
pub(crate) fn order(a: &Value, b: &Value) -> Ordering {
    let (ra, rb) = (order_rank(a), order_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let nan_a = matches!(a, Value::Float(f) if f.is_nan());
            let nan_b = matches!(b, Value::Float(f) if f.is_nan());
            match (nan_a, nan_b) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => number_cmp(a, b).unwrap_or(Ordering::Equal),
            }
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Node(x), Value::Node(y)) => x.0.cmp(&y.0),
        (Value::Relationship(x), Value::Relationship(y)) => x.0.cmp(&y.0),
        (Value::List(x), Value::List(y)) => {
            for (a, b) in x.iter().zip(y) {
                match order(a, b) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            for ((ka, va), (kb, vb)) in x.iter().zip(y) {
                match ka.cmp(kb).then_with(|| order(va, vb)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Path(x), Value::Path(y)) => x
            .nodes
            .iter()
            .map(|n| n.0)
            .cmp(y.nodes.iter().map(|n| n.0))
            .then_with(|| x.rels.iter().map(|r| r.0).cmp(y.rels.iter().map(|r| r.0))),
        _ => Ordering::Equal,
    }
}

/// A value as a key for `DISTINCT` and grouping: equivalent values (null and null, NaN and
/// NaN, `1` and `1.0`) get equal keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GroupKey {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    NaN,
    String(String),
    Bytes(Vec<u8>),
    List(Vec<GroupKey>),
    Map(Vec<(String, GroupKey)>),
    Node(u64),
    Rel(u64),
    Path(Path),
}

impl GroupKey {
    /// The key of `v`.
    pub(crate) fn of(v: &Value) -> GroupKey {
        match v {
            Value::Null => GroupKey::Null,
            Value::Bool(b) => GroupKey::Bool(*b),
            Value::Int(i) => GroupKey::Int(*i),
            Value::Float(f) if f.is_nan() => GroupKey::NaN,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => GroupKey::Int(*f as i64),
            Value::Float(f) => GroupKey::Float((f + 0.0).to_bits()),
            Value::String(s) => GroupKey::String(s.clone()),
            Value::Bytes(b) => GroupKey::Bytes(b.clone()),
            Value::List(l) => GroupKey::List(l.iter().map(GroupKey::of).collect()),
            Value::Map(m) => GroupKey::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), GroupKey::of(v)))
                    .collect(),
            ),
            Value::Node(n) => GroupKey::Node(n.0),
            Value::Relationship(r) => GroupKey::Rel(r.0),
            Value::Path(p) => GroupKey::Path(p.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_with_null_is_null_and_numbers_compare_across_types() {
        assert_eq!(equals(&Value::Null, &Value::Int(1)), None);
        assert_eq!(equals(&Value::Int(1), &Value::Float(1.0)), Some(true));
        assert_eq!(
            equals(&Value::Int(1), &Value::String("1".into())),
            Some(false)
        );
        let with_null = Value::List(vec![Value::Int(1), Value::Null]);
        assert_eq!(
            equals(&with_null, &Value::List(vec![Value::Int(2), Value::Null])),
            Some(false)
        );
        assert_eq!(
            equals(&with_null, &Value::List(vec![Value::Int(1), Value::Null])),
            None
        );
        assert_eq!(
            equals(&Value::Float(f64::NAN), &Value::Float(f64::NAN)),
            Some(false)
        );
    }

    #[test]
    fn large_integers_compare_exactly_with_floats() {
        let big = (1i64 << 53) + 1;
        assert_eq!(
            compare(&Value::Int(big), &Value::Float((1i64 << 53) as f64)),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&Value::Int(1), &Value::String("a".into())), None);
    }

    #[test]
    fn sort_order_puts_null_last_and_nan_above_numbers() {
        let mut values = [
            Value::Null,
            Value::Float(f64::NAN),
            Value::Int(3),
            Value::String("a".into()),
            Value::Bool(false),
            Value::Float(1.5),
        ];
        values.sort_by(order);
        assert_eq!(values[0], Value::String("a".into()));
        assert_eq!(values[1], Value::Bool(false));
        assert_eq!(values[2], Value::Float(1.5));
        assert_eq!(values[3], Value::Int(3));
        assert!(matches!(values[4], Value::Float(f) if f.is_nan()));
        assert_eq!(values[5], Value::Null);
    }

    #[test]
    fn grouping_treats_one_and_one_point_zero_alike() {
        assert_eq!(
            GroupKey::of(&Value::Int(1)),
            GroupKey::of(&Value::Float(1.0))
        );
        assert_ne!(
            GroupKey::of(&Value::Int(1)),
            GroupKey::of(&Value::String("1".into()))
        );
    }
}
