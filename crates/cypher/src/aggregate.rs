//! Aggregating functions over the rows of a group: `count`, `sum`, `avg`, `min`, `max`,
//! `collect`, `stDev`, `stDevP`, `percentileDisc`, `percentileCont`.

use std::collections::HashSet;

use crate::ast::{Expr, MapProjectionItem};
use crate::error::{Error, ErrorClass, Result};
use crate::functions::{extreme, is_aggregate};
use crate::value::{GroupKey, Value, order};

/// One aggregate call in a projection.
#[derive(Clone, Debug)]
pub(crate) struct AggregateCall {
    /// Lower-case function name; `count(*)` is `"count*"`.
    pub(crate) name: String,
    pub(crate) distinct: bool,
    pub(crate) args: Vec<Expr>,
}

/// `e` with each aggregate call replaced by [`Expr::Aggregate`] of its slot in `calls`.
pub(crate) fn extract(e: &Expr, calls: &mut Vec<AggregateCall>) -> Expr {
    let mut slot = |call: AggregateCall| {
        calls.push(call);
        Expr::Aggregate(calls.len() - 1)
    };
    match e {
        Expr::CountStar => slot(AggregateCall {
            name: "count*".into(),
            distinct: false,
            args: Vec::new(),
        }),
        Expr::Call {
            name,
            distinct,
            args,
            ..
        } if is_aggregate(name) => slot(AggregateCall {
            name: name.to_ascii_lowercase(),
            distinct: *distinct,
            args: args.clone(),
        }),
        other => map_children(other, &mut |c| extract(c, calls)),
    }
}

/// Whether `e` contains an aggregate call (outside nested scopes it cannot see into, too).
pub(crate) fn contains_aggregate(e: &Expr) -> bool {
    let mut calls = Vec::new();
    extract(e, &mut calls);
    !calls.is_empty()
}

/// `e` with `f` applied to each direct child expression.
pub(crate) fn map_children(e: &Expr, f: &mut dyn FnMut(&Expr) -> Expr) -> Expr {
    let b = |x: &Expr, f: &mut dyn FnMut(&Expr) -> Expr| Box::new(f(x));
    match e {
        Expr::Property(t, k) => Expr::Property(b(t, f), k.clone()),
        Expr::Index(t, i) => Expr::Index(b(t, f), b(i, f)),
        Expr::Slice(t, from, to) => Expr::Slice(
            b(t, f),
            from.as_ref().map(|x| b(x, &mut *f)),
            to.as_ref().map(|x| b(x, &mut *f)),
        ),
        Expr::List(items) => Expr::List(items.iter().map(&mut *f).collect()),
        Expr::Map(entries) => Expr::Map(entries.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        Expr::Binary(op, x, y) => Expr::Binary(*op, b(x, f), b(y, f)),
        Expr::Not(x) => Expr::Not(b(x, f)),
        Expr::Neg(x) => Expr::Neg(b(x, f)),
        Expr::IsNull(x, n) => Expr::IsNull(b(x, f), *n),
        Expr::HasLabels(x, l) => Expr::HasLabels(b(x, f), l.clone()),
        Expr::Comparison(first, rest) => Expr::Comparison(
            b(first, f),
            rest.iter().map(|(op, x)| (*op, f(x))).collect(),
        ),
        Expr::Call {
            name,
            distinct,
            args,
            pos,
        } => Expr::Call {
            name: name.clone(),
            distinct: *distinct,
            args: args.iter().map(&mut *f).collect(),
            pos: *pos,
        },
        Expr::Case {
            subject,
            whens,
            otherwise,
        } => Expr::Case {
            subject: subject.as_ref().map(|x| b(x, &mut *f)),
            whens: whens.iter().map(|(w, t)| (f(w), f(t))).collect(),
            otherwise: otherwise.as_ref().map(|x| b(x, &mut *f)),
        },
        Expr::ListComprehension {
            var,
            list,
            filter,
            map,
        } => Expr::ListComprehension {
            var: var.clone(),
            list: b(list, f),
            filter: filter.clone(),
            map: map.clone(),
        },
        Expr::Quantified {
            quantifier,
            var,
            list,
            filter,
        } => Expr::Quantified {
            quantifier: *quantifier,
            var: var.clone(),
            list: b(list, f),
            filter: filter.clone(),
        },
        Expr::Reduce {
            acc,
            init,
            var,
            list,
            expr,
        } => Expr::Reduce {
            acc: acc.clone(),
            init: b(init, f),
            var: var.clone(),
            list: b(list, f),
            expr: expr.clone(),
        },
        Expr::MapProjection(var, items, pos) => Expr::MapProjection(
            var.clone(),
            items
                .iter()
                .map(|i| match i {
                    MapProjectionItem::Literal(k, v) => MapProjectionItem::Literal(k.clone(), f(v)),
                    other => other.clone(),
                })
                .collect(),
            *pos,
        ),
        other => other.clone(),
    }
}

/// The running state of one aggregate over a group.
#[derive(Debug, Default)]
pub(crate) struct Accumulator {
    /// The non-null (and, with `DISTINCT`, first-seen) values, for the functions that need
    /// them; `count` needs only `kept`.
    values: Vec<Value>,
    /// How many values were kept.
    kept: i64,
    seen: HashSet<GroupKey>,
    rows: i64,
    param: Option<Value>,
}

impl Accumulator {
    /// Adds one row: its argument's value (none for `count(*)`) and, for the percentiles,
    /// the second argument.
    pub(crate) fn add(&mut self, call: &AggregateCall, value: Option<Value>, param: Option<Value>) {
        self.rows += 1;
        let Some(v) = value else { return };
        if self.param.is_none() {
            self.param = param;
        }
        if v.is_null() {
            return;
        }
        if call.distinct && !self.seen.insert(GroupKey::of(&v)) {
            return;
        }
        self.kept += 1;
        if call.name != "count" {
            self.values.push(v);
        }
    }

    /// The aggregate's value.
    pub(crate) fn finish(self, call: &AggregateCall) -> Result<Value> {
        let values = self.values;
        Ok(match call.name.as_str() {
            "count*" => Value::Int(self.rows),
            "count" => Value::Int(self.kept),
            "collect" => Value::List(values),
            "min" => extreme(values.into_iter(), false),
            "max" => extreme(values.into_iter(), true),
            "sum" => {
                let mut int: i64 = 0;
                let mut float: Option<f64> = None;
                for v in &values {
                    match v {
                        Value::Int(i) => {
                            int = int.checked_add(*i).ok_or_else(|| {
                                Error::runtime(
                                    ErrorClass::ArithmeticError,
                                    "IntegerOverflow",
                                    "sum overflows",
                                )
                            })?;
                        }
                        Value::Float(f) => *float.get_or_insert(0.0) += f,
                        other => {
                            return Err(Error::type_error(format!(
                                "sum() of {}",
                                other.type_name()
                            )));
                        }
                    }
                }
                match float {
                    Some(f) => Value::Float(f + int as f64),
                    None => Value::Int(int),
                }
            }
            "avg" => {
                if values.is_empty() {
                    return Ok(Value::Null);
                }
                let numbers = numbers("avg", &values)?;
                Value::Float(numbers.iter().sum::<f64>() / numbers.len() as f64)
            }
            "stdev" | "stdevp" => {
                let numbers = numbers(&call.name, &values)?;
                let n = numbers.len() as f64;
                let sample = call.name == "stdev";
                if numbers.len() < 2 && sample || numbers.is_empty() {
                    return Ok(Value::Float(0.0));
                }
                let mean = numbers.iter().sum::<f64>() / n;
                let squares: f64 = numbers.iter().map(|x| (x - mean).powi(2)).sum();
                Value::Float((squares / if sample { n - 1.0 } else { n }).sqrt())
            }
            "percentiledisc" | "percentilecont" => {
                let p = match self.param {
                    Some(Value::Int(i)) => i as f64,
                    Some(Value::Float(f)) => f,
                    _ => return Ok(Value::Null),
                };
                if !(0.0..=1.0).contains(&p) {
                    return Err(Error::runtime(
                        ErrorClass::ArgumentError,
                        "NumberOutOfRange",
                        "a percentile must be between 0 and 1",
                    ));
                }
                let mut sorted = values;
                if sorted.is_empty() {
                    return Ok(Value::Null);
                }
                sorted.sort_by(order);
                let n = sorted.len();
                if call.name == "percentiledisc" {
                    let idx = if p == 0.0 {
                        0
                    } else {
                        ((p * n as f64).ceil() as usize).saturating_sub(1)
                    };
                    sorted.get(idx.min(n - 1)).cloned().unwrap_or(Value::Null)
                } else {
                    let numbers = numbers(&call.name, &sorted)?;
                    let pos = p * (n - 1) as f64;
                    let lo = pos.floor() as usize;
                    let hi = pos.ceil() as usize;
                    let (a, b) = (
                        numbers.get(lo).copied().unwrap_or(0.0),
                        numbers.get(hi).copied().unwrap_or(0.0),
                    );
                    Value::Float(a + (b - a) * (pos - lo as f64))
                }
            }
            other => {
                return Err(Error::runtime(
                    ErrorClass::SyntaxError,
                    "UnknownFunction",
                    format!("unknown aggregate {other}"),
                ));
            }
        })
    }
}

fn numbers(name: &str, values: &[Value]) -> Result<Vec<f64>> {
    values
        .iter()
        .map(|v| match v {
            Value::Int(i) => Ok(*i as f64),
            Value::Float(f) => Ok(*f),
            other => Err(Error::type_error(format!(
                "{name}() of {}",
                other.type_name()
            ))),
        })
        .collect()
}
