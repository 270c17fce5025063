//! Evaluating expressions against one row: openCypher's null semantics (three-valued logic,
//! null in, null out), integer arithmetic that reports overflow, lists, maps and strings.

use std::collections::{BTreeMap, HashMap};

use crate::ast::{BinOp, Expr, MapProjectionItem, Quantifier};
use crate::error::{Error, ErrorClass, Result};
use crate::functions::call_function;
use crate::matcher::match_pattern;
use crate::store::{Reads, Store};
use crate::value::{Value, compare, equals};

/// Named values of one row (names hashed by [`crate::row_hash::NameHasher`]).
pub(crate) type Row = HashMap<String, Value, crate::row_hash::BuildNameHasher>;

/// Query parameters by name.
pub type Params = BTreeMap<String, Value>;

/// What evaluation reads: the transaction and the parameters.
pub(crate) struct Env<'a, S: Store> {
    pub(crate) store: &'a S,
    pub(crate) params: &'a Params,
    /// The types of the relationships this query deleted: `type(r)` still answers for them,
    /// as openCypher asks, though the graph no longer holds them.
    pub(crate) deleted_types: &'a DeletedTypes,
}

/// Edge type ids by relationship, kept for the relationships a query deletes.
pub(crate) type DeletedTypes = BTreeMap<graph::EdgeId, u32>;

impl<S: Store> Clone for Env<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Store> Copy for Env<'_, S> {}

/// The row key an aggregate's result is kept under while a projection is evaluated.
pub(crate) fn aggregate_key(slot: usize) -> String {
    format!("\u{0}agg{slot}")
}

fn truth(v: &Value) -> Result<Option<bool>> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err(Error::type_error(format!(
            "expected a boolean, got {}",
            other.type_name()
        ))),
    }
}

fn from_truth(t: Option<bool>) -> Value {
    t.map_or(Value::Null, Value::Bool)
}

/// Whether `e` holds for `row` (null is false).
pub(crate) fn holds<S: Store>(env: Env<'_, S>, row: &Row, e: &Expr) -> Result<bool> {
    Ok(truth(&eval(env, row, e)?)? == Some(true))
}

/// The value of `e` in `row`.
pub(crate) fn eval<S: Store>(env: Env<'_, S>, row: &Row, e: &Expr) -> Result<Value> {
    match e {
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Param(name, _) => env.params.get(name).cloned().ok_or_else(|| {
            Error::runtime(
                ErrorClass::ParameterMissing,
                "MissingParameter",
                format!("parameter ${name} was not given"),
            )
        }),
        Expr::Var(name, _) => Ok(row.get(name).cloned().unwrap_or(Value::Null)),
        Expr::Aggregate(slot) => Ok(row
            .get(&aggregate_key(*slot))
            .cloned()
            .unwrap_or(Value::Null)),
        Expr::Property(target, key) => {
            let target = eval(env, row, target)?;
            property(env, &target, key)
        }
        Expr::Index(target, index) => {
            let target = eval(env, row, target)?;
            let index = eval(env, row, index)?;
            element(env, &target, &index)
        }
        Expr::Slice(target, from, to) => {
            let target = eval(env, row, target)?;
            let from = from.as_ref().map(|e| eval(env, row, e)).transpose()?;
            let to = to.as_ref().map(|e| eval(env, row, e)).transpose()?;
            slice(&target, from, to)
        }
        Expr::List(items) => Ok(Value::List(
            items
                .iter()
                .map(|i| eval(env, row, i))
                .collect::<Result<_>>()?,
        )),
        Expr::Map(entries) => {
            // One insert at a time: a literal's few entries need no buffer and sort, which
            // collecting into the map would make. A repeated key keeps its last value.
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                map.insert(k.clone(), eval(env, row, v)?);
            }
            Ok(Value::Map(map))
        }
        Expr::MapProjection(var, items, _) => map_projection(env, row, var, items),
        Expr::Binary(op, a, b) => binary(env, row, *op, a, b),
        Expr::Not(a) => Ok(from_truth(truth(&eval(env, row, a)?)?.map(|b| !b))),
        Expr::Neg(a) => match eval(env, row, a)? {
            Value::Int(i) => i.checked_neg().map(Value::Int).ok_or_else(overflow),
            Value::Float(f) => Ok(Value::Float(-f)),
            Value::Null => Ok(Value::Null),
            other => Err(Error::type_error(format!(
                "cannot negate {}",
                other.type_name()
            ))),
        },
        Expr::IsNull(a, negated) => Ok(Value::Bool(eval(env, row, a)?.is_null() != *negated)),
        Expr::HasLabels(target, labels) => match eval(env, row, target)? {
            Value::Null => Ok(Value::Null),
            Value::Node(n) => Ok(Value::Bool(env.store.read().has_labels(n, labels)?)),
            Value::Relationship(r) => {
                let ty = env.store.read().rel(r)?.2;
                Ok(Value::Bool(labels.iter().all(|l| *l == ty)))
            }
            other => Err(Error::type_error(format!(
                "labels of {}",
                other.type_name()
            ))),
        },
        Expr::Comparison(first, rest) => {
            let mut left = eval(env, row, first)?;
            let mut result = Some(true);
            for (op, right) in rest {
                let right = eval(env, row, right)?;
                let step = compare_op(*op, &left, &right);
                result = and3(result, step);
                left = right;
            }
            Ok(from_truth(result))
        }
        Expr::Call {
            name,
            distinct: _,
            args,
            ..
        } => {
            let values = args
                .iter()
                .map(|a| eval(env, row, a))
                .collect::<Result<Vec<_>>>()?;
            call_function(env, name, values)
        }
        Expr::CountStar => Err(Error::runtime(
            ErrorClass::SyntaxError,
            "InvalidAggregation",
            "count(*) outside a projection",
        )),
        Expr::Case {
            subject,
            whens,
            otherwise,
        } => {
            let subject = subject.as_ref().map(|s| eval(env, row, s)).transpose()?;
            for (when, then) in whens {
                let w = eval(env, row, when)?;
                let hit = match &subject {
                    Some(s) => equals(s, &w) == Some(true),
                    None => truth(&w).unwrap_or(None) == Some(true),
                };
                if hit {
                    return eval(env, row, then);
                }
            }
            otherwise
                .as_ref()
                .map_or(Ok(Value::Null), |o| eval(env, row, o))
        }
        Expr::ListComprehension {
            var,
            list,
            filter,
            map,
        } => {
            let Some(items) = list_of(eval(env, row, list)?)? else {
                return Ok(Value::Null);
            };
            let mut scope = row.clone();
            let mut out = Vec::new();
            for item in items {
                scope.insert(var.clone(), item.clone());
                if let Some(f) = filter
                    && !holds(env, &scope, f)?
                {
                    continue;
                }
                out.push(match map {
                    Some(m) => eval(env, &scope, m)?,
                    None => item,
                });
            }
            Ok(Value::List(out))
        }
        Expr::Quantified {
            quantifier,
            var,
            list,
            filter,
        } => {
            let Some(items) = list_of(eval(env, row, list)?)? else {
                return Ok(Value::Null);
            };
            let mut scope = row.clone();
            let (mut trues, mut nulls) = (0usize, 0usize);
            let total = items.len();
            for item in items {
                scope.insert(var.clone(), item);
                match truth(&eval(env, &scope, filter)?)? {
                    Some(true) => trues += 1,
                    None => nulls += 1,
                    Some(false) => {}
                }
            }
            let falses = total - trues - nulls;
            Ok(match quantifier {
                Quantifier::All => {
                    if falses > 0 {
                        Value::Bool(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        Value::Bool(true)
                    }
                }
                Quantifier::Any => {
                    if trues > 0 {
                        Value::Bool(true)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        Value::Bool(false)
                    }
                }
                Quantifier::None => {
                    if trues > 0 {
                        Value::Bool(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        Value::Bool(true)
                    }
                }
                Quantifier::Single => {
                    if trues > 1 {
                        Value::Bool(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        Value::Bool(trues == 1)
                    }
                }
            })
        }
        Expr::Reduce {
            acc,
            init,
            var,
            list,
            expr,
        } => {
            let mut value = eval(env, row, init)?;
            let Some(items) = list_of(eval(env, row, list)?)? else {
                return Ok(Value::Null);
            };
            let mut scope = row.clone();
            for item in items {
                scope.insert(acc.clone(), value);
                scope.insert(var.clone(), item);
                value = eval(env, &scope, expr)?;
            }
            Ok(value)
        }
        Expr::Exists(q) => Ok(Value::Bool(crate::exec::exists(env, row, q)?)),
        Expr::Pattern(part) => {
            let mut found = false;
            match_pattern(env, row, std::slice::from_ref(part), &mut |_| {
                found = true;
                Ok(false)
            })?;
            Ok(Value::Bool(found))
        }
        Expr::PatternComprehension { part, filter, map } => {
            let mut out = Vec::new();
            match_pattern(env, row, std::slice::from_ref(part), &mut |scope| {
                if let Some(f) = filter
                    && !holds(env, scope, f)?
                {
                    return Ok(true);
                }
                out.push(eval(env, scope, map)?);
                Ok(true)
            })?;
            Ok(Value::List(out))
        }
    }
}

/// A list value's items; `None` for null; a non-list is a type error.
pub(crate) fn list_of(v: Value) -> Result<Option<Vec<Value>>> {
    match v {
        Value::Null => Ok(None),
        Value::List(items) => Ok(Some(items)),
        other => Err(Error::type_error(format!(
            "expected a list, got {}",
            other.type_name()
        ))),
    }
}

fn overflow() -> Error {
    Error::runtime(
        ErrorClass::ArithmeticError,
        "IntegerOverflow",
        "integer overflow",
    )
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn compare_op(op: BinOp, a: &Value, b: &Value) -> Option<bool> {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => equals(a, b),
        BinOp::Ne => equals(a, b).map(|e| !e),
        _ => {
            // Every ordering comparison with NaN is false (not null).
            let nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
            let number = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
            if (nan(a) && number(b)) || (nan(b) && number(a)) {
                return Some(false);
            }
            let o = compare(a, b)?;
            Some(match op {
                BinOp::Lt => o == Less,
                BinOp::Gt => o == Greater,
                BinOp::Le => o != Greater,
                _ => o != Less,
            })
        }
    }
}

fn binary<S: Store>(env: Env<'_, S>, row: &Row, op: BinOp, a: &Expr, b: &Expr) -> Result<Value> {
    match op {
        BinOp::And | BinOp::Or | BinOp::Xor => {
            let x = truth(&eval(env, row, a)?)?;
            let y = truth(&eval(env, row, b)?)?;
            return Ok(from_truth(match op {
                BinOp::And => and3(x, y),
                BinOp::Or => or3(x, y),
                _ => x.zip(y).map(|(x, y)| x != y),
            }));
        }
        _ => {}
    }
    let x = eval(env, row, a)?;
    let y = eval(env, row, b)?;
    apply(op, x, y)
}

/// A binary operator other than the boolean ones, on values.
pub(crate) fn apply(op: BinOp, x: Value, y: Value) -> Result<Value> {
    match op {
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge => {
            Ok(from_truth(compare_op(op, &x, &y)))
        }
        BinOp::In => Ok(match y {
            Value::Null => Value::Null,
            Value::List(items) => {
                let mut unknown = false;
                for item in &items {
                    match equals(&x, item) {
                        Some(true) => return Ok(Value::Bool(true)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    Value::Null
                } else {
                    Value::Bool(false)
                }
            }
            other => {
                return Err(Error::type_error(format!(
                    "IN needs a list, got {}",
                    other.type_name()
                )));
            }
        }),
        BinOp::StartsWith | BinOp::EndsWith | BinOp::Contains | BinOp::Regex => match (&x, &y) {
            (Value::String(s), Value::String(t)) => Ok(Value::Bool(match op {
                BinOp::StartsWith => s.starts_with(t.as_str()),
                BinOp::EndsWith => s.ends_with(t.as_str()),
                BinOp::Contains => s.contains(t.as_str()),
                _ => crate::regex::matches(t, s)?,
            })),
            _ => Ok(Value::Null),
        },
        BinOp::Add => add(x, y),
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow => arithmetic(op, x, y),
        BinOp::And | BinOp::Or | BinOp::Xor => Err(Error::type_error("boolean operator on values")),
    }
}

fn add(x: Value, y: Value) -> Result<Value> {
    match (x, y) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(mut a), Value::List(b)) => {
            a.extend(b);
            Ok(Value::List(a))
        }
        (Value::List(mut a), b) => {
            a.push(b);
            Ok(Value::List(a))
        }
        (a, Value::List(mut b)) => {
            b.insert(0, a);
            Ok(Value::List(b))
        }
        (Value::String(a), Value::String(b)) => Ok(Value::String(a + &b)),
        (Value::String(a), b @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
            Ok(Value::String(a + &crate::functions::to_string(&b)))
        }
        (a @ (Value::Int(_) | Value::Float(_) | Value::Bool(_)), Value::String(b)) => {
            Ok(Value::String(crate::functions::to_string(&a) + &b))
        }
        (x, y) => arithmetic(BinOp::Add, x, y),
    }
}

fn arithmetic(op: BinOp, x: Value, y: Value) -> Result<Value> {
    match (&x, &y) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Int(a), Value::Int(b)) => {
            let (a, b) = (*a, *b);
            let r = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div | BinOp::Mod => {
                    if b == 0 {
                        return Err(Error::runtime(
                            ErrorClass::ArithmeticError,
                            "DivisionByZero",
                            "division by zero",
                        ));
                    }
                    if op == BinOp::Div {
                        a.checked_div(b)
                    } else {
                        a.checked_rem(b)
                    }
                }
                _ => return Ok(Value::Float((a as f64).powf(b as f64))),
            };
            r.map(Value::Int).ok_or_else(overflow)
        }
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let a = number(&x);
            let b = number(&y);
            Ok(Value::Float(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Mod => a % b,
                _ => a.powf(b),
            }))
        }
        _ => Err(Error::type_error(format!(
            "cannot apply {op:?} to {} and {}",
            x.type_name(),
            y.type_name()
        ))),
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// `target.key`.
pub(crate) fn property<S: Store>(env: Env<'_, S>, target: &Value, key: &str) -> Result<Value> {
    match target {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => env.store.read().node_prop(*n, key),
        Value::Relationship(r) => env.store.read().rel_prop(*r, key),
        Value::Map(m) => Ok(m.get(key).cloned().unwrap_or(Value::Null)),
        other => Err(Error::type_error(format!(
            "property {key} of {}",
            other.type_name()
        ))),
    }
}

fn element<S: Store>(env: Env<'_, S>, target: &Value, index: &Value) -> Result<Value> {
    match (target, index) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(items), Value::Int(i)) => {
            let len = items.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            Ok(usize::try_from(at)
                .ok()
                .and_then(|a| items.get(a))
                .cloned()
                .unwrap_or(Value::Null))
        }
        (Value::List(_), other) => Err(Error::runtime(
            ErrorClass::TypeError,
            "ListElementAccessByNonInteger",
            format!("a list index must be an integer, got {}", other.type_name()),
        )),
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), Value::String(key)) => {
            property(env, target, key)
        }
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), other) => Err(Error::runtime(
            ErrorClass::TypeError,
            "MapElementAccessByNonString",
            format!("a map key must be a string, got {}", other.type_name()),
        )),
        (other, _) => Err(Error::type_error(format!(
            "cannot index {}",
            other.type_name()
        ))),
    }
}

fn slice(target: &Value, from: Option<Value>, to: Option<Value>) -> Result<Value> {
    let Value::List(items) = target else {
        return match target {
            Value::Null => Ok(Value::Null),
            other => Err(Error::type_error(format!(
                "cannot slice {}",
                other.type_name()
            ))),
        };
    };
    let len = items.len() as i64;
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>> {
        match v {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(i)) => Ok(Some((if i < 0 { len + i } else { i }).clamp(0, len))),
            Some(other) => Err(Error::type_error(format!(
                "a slice bound must be an integer, got {}",
                other.type_name()
            ))),
        }
    };
    let (Some(from), Some(to)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Value::Null);
    };
    let (from, to) = (from as usize, to as usize);
    Ok(Value::List(if from < to {
        items.get(from..to).unwrap_or_default().to_vec()
    } else {
        Vec::new()
    }))
}

fn map_projection<S: Store>(
    env: Env<'_, S>,
    row: &Row,
    var: &str,
    items: &[MapProjectionItem],
) -> Result<Value> {
    let target = row.get(var).cloned().unwrap_or(Value::Null);
    if target.is_null() {
        return Ok(Value::Null);
    }
    let mut out = BTreeMap::new();
    for item in items {
        match item {
            MapProjectionItem::Property(key) => {
                out.insert(key.clone(), property(env, &target, key)?);
            }
            MapProjectionItem::AllProperties => {
                for (k, v) in crate::functions::properties_of(env, &target)? {
                    out.insert(k, v);
                }
            }
            MapProjectionItem::Literal(key, e) => {
                out.insert(key.clone(), eval(env, row, e)?);
            }
            MapProjectionItem::Var(name) => {
                out.insert(name.clone(), row.get(name).cloned().unwrap_or(Value::Null));
            }
        }
    }
    Ok(Value::Map(out))
}
