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
    /// How a value is folded in, decided once from the name rather than at every row.
    pub(crate) fold: Fold,
}

/// How [`Accumulator::add`] takes one value of an aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Counted only (`count`, `count(*)`).
    Count,
    /// Added to the running sum (`sum`).
    Sum,
    /// Added to the running mean's total (`avg`).
    Mean,
    /// Kept if smaller than the minimum so far (`min`).
    Min,
    /// Kept if larger than the maximum so far (`max`).
    Max,
    /// Kept for the end (`collect`, the deviations, the percentiles).
    Keep,
}

impl Fold {
    /// The fold of the aggregate named `name` (lower case).
    fn of(name: &str) -> Fold {
        match name {
            "count" | "count*" => Fold::Count,
            "sum" => Fold::Sum,
            "avg" => Fold::Mean,
            "min" => Fold::Min,
            "max" => Fold::Max,
            _ => Fold::Keep,
        }
    }
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
            fold: Fold::Count,
        }),
        Expr::Call {
            name,
            distinct,
            args,
            ..
        } if is_aggregate(name) => {
            let name = name.to_ascii_lowercase();
            slot(AggregateCall {
                fold: Fold::of(&name),
                name,
                distinct: *distinct,
                args: args.clone(),
            })
        }
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

/// An integer or a float, as a property column holds it: [`Accumulator::add_numbers`] folds
/// them without building a [`Value`] each.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// The same number as a [`Value`].
    fn value(self) -> Value {
        match self {
            Number::Int(i) => Value::Int(i),
            Number::Float(f) => Value::Float(f),
        }
    }
}

/// Integers of at most 2^52 in magnitude: adding such integers in `f64` one by one is exact
/// while every running total stays at most 2^53 (see [`exact_int_sum`]).
const EXACT_INTS: i128 = 1 << 52;

/// The bound on the running sums of a block of integers that [`Accumulator::add_small_ints`]
/// takes whole: [`EXACT_INTS`].
pub(crate) const SMALL_INTS: u64 = 1 << 52;

/// The sum of `numbers` and their count, when they are all integers and adding them to
/// `total` one by one in `f64` would round nothing: `total` is a whole number of at most 2^52
/// in magnitude and so is every running sum of `numbers`. Then every running total is a whole
/// number of at most 2^53, which `f64` holds exactly, so `total + sum` is what the additions
/// one by one give (a zero included: both give +0.0). `None` otherwise (a float, or a total
/// that could round), and the caller adds one by one.
fn exact_int_sum(total: f64, numbers: impl Iterator<Item = Number>) -> Option<(i64, usize)> {
    if total.fract() != 0.0 || total.abs() > EXACT_INTS as f64 {
        return None;
    }
    let (mut sum, mut count) = (0i128, 0usize);
    for n in numbers {
        let Number::Int(i) = n else { return None };
        sum += i128::from(i);
        if sum.abs() > EXACT_INTS {
            return None;
        }
        count += 1;
    }
    Some((i64::try_from(sum).ok()?, count))
}

/// The running state of one aggregate over a group. `count`, `sum`, `avg`, `min` and `max`
/// fold each value in as it comes (a group of a million rows holds one number, not a million
/// values); the others keep the values for the end.
#[derive(Debug, Default)]
pub(crate) struct Accumulator {
    /// The non-null (and, with `DISTINCT`, first-seen) values, for the functions that need
    /// them all.
    values: Vec<Value>,
    /// How many values were kept.
    kept: i64,
    seen: HashSet<GroupKey>,
    rows: i64,
    param: Option<Value>,
    /// `sum`: the integers' total and, once a float came, the floats' total.
    int_total: i64,
    float_total: Option<f64>,
    /// `avg`: the total as a float, started as `f64`'s `Sum` starts (at -0.0).
    mean_total: Option<f64>,
    /// `min` and `max`: the extreme so far.
    extreme: Option<Value>,
    /// The first value a `sum` or `avg` could not take (reported when the group finishes, as
    /// the error of the first such value in row order).
    error: Option<Error>,
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
        match call.fold {
            Fold::Count => {}
            Fold::Sum => self.add_to_sum(v),
            Fold::Mean => self.add_to_mean(v),
            Fold::Min => self.add_extreme(v, false),
            Fold::Max => self.add_extreme(v, true),
            Fold::Keep => self.values.push(v),
        }
    }

    /// Adds `n` rows without an argument: what `n` calls of `add(call, None, None)` do
    /// (`count(*)`).
    pub(crate) fn add_rows(&mut self, n: usize) {
        self.rows += n as i64;
    }

    /// Adds `n` rows whose argument is a value that is not null to a `count` without
    /// `DISTINCT` (`count(p)` of nodes): what `n` calls of `add` do.
    pub(crate) fn add_counted(&mut self, n: usize) {
        self.rows += n as i64;
        self.kept += n as i64;
    }

    /// Adds one row for each of `numbers`, in order: what `add(call, Some(number), None)`
    /// for each does, in one loop per call and without building a [`Value`] per number for
    /// `count`, `sum`, `avg` and (of integers) `min` and `max`.
    pub(crate) fn add_numbers(
        &mut self,
        call: &AggregateCall,
        numbers: impl Iterator<Item = Number> + Clone,
    ) {
        if call.distinct || call.fold == Fold::Keep {
            for n in numbers {
                self.add(call, Some(n.value()), None);
            }
            return;
        }
        let mut count = 0;
        match call.fold {
            Fold::Count | Fold::Keep => count = numbers.count(),
            Fold::Sum => {
                for n in numbers {
                    count += 1;
                    if self.error.is_none() {
                        match n {
                            Number::Int(i) => self.add_int_to_sum(i),
                            Number::Float(f) => *self.float_total.get_or_insert(0.0) += f,
                        }
                    }
                }
            }
            // After an error (a value `avg` cannot take came before), the total is not used.
            Fold::Mean if self.error.is_some() => count = numbers.count(),
            Fold::Mean => {
                // No number leaves the mean unstarted (null), as no call of `add` does.
                if numbers.clone().next().is_some() {
                    let total = self.mean_total.get_or_insert(-0.0);
                    if let Some((sum, n)) = exact_int_sum(*total, numbers.clone()) {
                        *total += sum as f64;
                        count = n;
                    } else {
                        for n in numbers {
                            count += 1;
                            *total += match n {
                                Number::Int(i) => i as f64,
                                Number::Float(f) => f,
                            };
                        }
                    }
                }
            }
            Fold::Min | Fold::Max => {
                let largest = call.fold == Fold::Max;
                for n in numbers {
                    count += 1;
                    match (&mut self.extreme, n) {
                        (Some(Value::Int(current)), Number::Int(i)) => {
                            if (largest && i > *current) || (!largest && i < *current) {
                                *current = i;
                            }
                        }
                        _ => self.add_extreme(n.value(), largest),
                    }
                }
            }
        }
        self.add_counted(count);
    }

    /// What [`Accumulator::add_numbers`] does for `count` integers that sum to `sum`, when no
    /// running sum of them exceeds [`SMALL_INTS`] in magnitude, without reading them one by
    /// one: for `count`, and for `sum` and `avg` while their totals so far leave every running
    /// total exact (an `i64` at most 2^62 from overflowing; a whole `f64` of at most 2^52).
    /// Returns `false`, changing nothing, for a call it does not cover (`DISTINCT`, `min`,
    /// `max`, those that keep their values, a total outside those bounds).
    pub(crate) fn add_small_ints(&mut self, call: &AggregateCall, sum: i64, count: usize) -> bool {
        if call.distinct {
            return false;
        }
        match call.fold {
            Fold::Count => {}
            // After an error the total is not used, and only the rows are counted.
            Fold::Sum | Fold::Mean if self.error.is_some() => {}
            Fold::Sum => {
                if self.int_total.unsigned_abs() > 1 << 62 {
                    return false;
                }
                self.int_total += sum;
            }
            // No number leaves the mean unstarted (null), as in `add_numbers`.
            Fold::Mean if count == 0 => {}
            Fold::Mean => {
                let total = self.mean_total.unwrap_or(-0.0);
                if total.fract() != 0.0 || total.abs() > EXACT_INTS as f64 {
                    return false;
                }
                self.mean_total = Some(total + sum as f64);
            }
            Fold::Min | Fold::Max | Fold::Keep => return false,
        }
        self.add_counted(count);
        true
    }

    fn add_to_sum(&mut self, v: Value) {
        if self.error.is_some() {
            return;
        }
        match v {
            Value::Int(i) => self.add_int_to_sum(i),
            Value::Float(f) => *self.float_total.get_or_insert(0.0) += f,
            other => {
                self.error = Some(Error::type_error(format!("sum() of {}", other.type_name())));
            }
        }
    }

    /// Adds `i` to the integers' total of a `sum`, or keeps the overflow's error.
    fn add_int_to_sum(&mut self, i: i64) {
        match self.int_total.checked_add(i) {
            Some(total) => self.int_total = total,
            None => {
                self.error = Some(Error::runtime(
                    ErrorClass::ArithmeticError,
                    "IntegerOverflow",
                    "sum overflows",
                ));
            }
        }
    }

    fn add_to_mean(&mut self, v: Value) {
        if self.error.is_some() {
            return;
        }
        match v {
            Value::Int(i) => *self.mean_total.get_or_insert(-0.0) += i as f64,
            Value::Float(f) => *self.mean_total.get_or_insert(-0.0) += f,
            other => {
                self.error = Some(Error::type_error(format!("avg() of {}", other.type_name())));
            }
        }
    }

    /// Keeps the larger (or smaller) of the extreme so far and `v` in the order of `ORDER
    /// BY`; of two that order the same, the first.
    fn add_extreme(&mut self, v: Value, largest: bool) {
        self.extreme = Some(match self.extreme.take() {
            None => v,
            Some(current) => extreme([current, v].into_iter(), largest),
        });
    }

    /// The aggregate's value.
    pub(crate) fn finish(self, call: &AggregateCall) -> Result<Value> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let values = self.values;
        Ok(match call.name.as_str() {
            "count*" => Value::Int(self.rows),
            "count" => Value::Int(self.kept),
            "collect" => Value::List(values),
            "min" | "max" => self.extreme.unwrap_or(Value::Null),
            "sum" => match self.float_total {
                Some(f) => Value::Float(f + self.int_total as f64),
                None => Value::Int(self.int_total),
            },
            "avg" => match self.mean_total {
                Some(total) => Value::Float(total / self.kept as f64),
                None => Value::Null,
            },
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
