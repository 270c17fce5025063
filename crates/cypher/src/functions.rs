//! Scalar functions: `id`, `labels`, `type`, `properties`, `size`, `toString`, `substring`, ...

use std::collections::BTreeMap;

use graph::GraphRead;

use crate::error::{Error, ErrorClass, Result};
use crate::eval::Env;
use crate::store::{Reads, Store};
use crate::value::{Value, order};

/// The aggregating functions, by lower-case name.
pub(crate) const AGGREGATES: [&str; 10] = [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "collect",
    "stdev",
    "stdevp",
    "percentiledisc",
    "percentilecont",
];

/// Whether `name` is an aggregating function.
pub(crate) fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name.to_ascii_lowercase().as_str())
}

/// Scalar functions with how many arguments each takes (min, max).
const SCALARS: [(&str, usize, usize); 48] = [
    ("id", 1, 1),
    ("labels", 1, 1),
    ("type", 1, 1),
    ("keys", 1, 1),
    ("properties", 1, 1),
    ("size", 1, 1),
    ("length", 1, 1),
    ("nodes", 1, 1),
    ("relationships", 1, 1),
    ("startnode", 1, 1),
    ("endnode", 1, 1),
    ("head", 1, 1),
    ("last", 1, 1),
    ("tail", 1, 1),
    ("range", 2, 3),
    ("coalesce", 1, usize::MAX),
    ("tostring", 1, 1),
    ("tointeger", 1, 1),
    ("tofloat", 1, 1),
    ("toboolean", 1, 1),
    ("abs", 1, 1),
    ("sign", 1, 1),
    ("ceil", 1, 1),
    ("floor", 1, 1),
    ("round", 1, 1),
    ("sqrt", 1, 1),
    ("exp", 1, 1),
    ("log", 1, 1),
    ("log10", 1, 1),
    ("toupper", 1, 1),
    ("tolower", 1, 1),
    ("trim", 1, 1),
    ("ltrim", 1, 1),
    ("rtrim", 1, 1),
    ("replace", 3, 3),
    ("substring", 2, 3),
    ("left", 2, 2),
    ("right", 2, 2),
    ("split", 2, 2),
    ("reverse", 1, 1),
    ("exists", 1, 1),
    ("rand", 0, 0),
    ("pi", 0, 0),
    ("e", 0, 0),
    ("sin", 1, 1),
    ("cos", 1, 1),
    ("tan", 1, 1),
    ("timestamp", 0, 0),
];

/// The arity of scalar function `name`, if it is one.
pub(crate) fn scalar_arity(name: &str) -> Option<(usize, usize)> {
    let lower = name.to_ascii_lowercase();
    SCALARS
        .iter()
        .find(|(n, _, _)| *n == lower)
        .map(|(_, lo, hi)| (*lo, *hi))
}

fn arg_error(name: &str, v: &Value) -> Error {
    Error::runtime(
        ErrorClass::TypeError,
        "InvalidArgumentValue",
        format!("{name}() does not take {}", v.type_name()),
    )
}

/// A value as `toString` writes it.
pub(crate) fn to_string(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_string(*f),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn float_string(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// The properties of a node, relationship or map.
pub(crate) fn properties_of<S: Store>(
    env: Env<'_, S>,
    v: &Value,
) -> Result<BTreeMap<String, Value>> {
    Ok(match v {
        Value::Node(n) => env
            .store
            .read()
            .node_props(*n)?
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        Value::Relationship(r) => env
            .store
            .read()
            .rel_props(*r)?
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
        Value::Map(m) => m.clone(),
        other => return Err(arg_error("properties", other)),
    })
}

fn int_arg(name: &str, v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(arg_error(name, other)),
    }
}

/// An argument of `range()`, which takes integers only: anything else is an
/// `ArgumentError` (`InvalidArgumentType`), as the TCK has it.
fn range_arg(v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(Error::runtime(
            ErrorClass::ArgumentError,
            "InvalidArgumentType",
            format!("range() takes integers, not {}", other.type_name()),
        )),
    }
}

/// `rand()`: uniform in [0, 1), 53 random bits from a per-thread SplitMix64 whose seed comes
/// from the standard library's per-process random hash keys.
fn random_unit() -> f64 {
    use std::cell::Cell;
    use std::hash::{BuildHasher, Hasher};
    thread_local! {
        static STATE: Cell<u64> =
            Cell::new(std::collections::hash_map::RandomState::new().build_hasher().finish());
    }
    STATE.with(|state| {
        let x = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        state.set(x);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    })
}

fn float_of(name: &str, v: &Value) -> Result<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        other => Err(arg_error(name, other)),
    }
}

/// Calls scalar function `name` with evaluated `args`.
pub(crate) fn call_function<S: Store>(
    env: Env<'_, S>,
    name: &str,
    args: Vec<Value>,
) -> Result<Value> {
    let lower = name.to_ascii_lowercase();
    let mut args = args.into_iter();
    let first = args.next().unwrap_or(Value::Null);
    let second = args.next().unwrap_or(Value::Null);
    let third = args.next();
    if lower == "coalesce" {
        return Ok(std::iter::once(first)
            .chain(std::iter::once(second))
            .chain(third)
            .chain(args)
            .find(|v| !v.is_null())
            .unwrap_or(Value::Null));
    }
    let read = env.store.read();
    let v = first;
    // Functions of no argument.
    match lower.as_str() {
        "rand" => return Ok(Value::Float(random_unit())),
        "pi" => return Ok(Value::Float(std::f64::consts::PI)),
        "e" => return Ok(Value::Float(std::f64::consts::E)),
        "timestamp" => {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            return Ok(Value::Int(ms));
        }
        "range" => {
            let start = range_arg(&v)?;
            let end = range_arg(&second)?;
            let step = match &third {
                Some(s) => range_arg(s)?,
                None => 1,
            };
            if step == 0 {
                return Err(Error::runtime(
                    ErrorClass::ArgumentError,
                    "NumberOutOfRange",
                    "range() step 0",
                ));
            }
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i <= end) || (step < 0 && i >= end) {
                out.push(Value::Int(i));
                match i.checked_add(step) {
                    Some(n) => i = n,
                    None => break,
                }
            }
            return Ok(Value::List(out));
        }
        _ => {}
    }
    if lower == "exists" {
        return Ok(Value::Bool(!v.is_null()));
    }
    if v.is_null() {
        return Ok(Value::Null);
    }
    Ok(match lower.as_str() {
        "id" => match v {
            Value::Node(n) => Value::Int(n.0 as i64),
            Value::Relationship(r) => Value::Int(r.0 as i64),
            other => return Err(arg_error(name, &other)),
        },
        "labels" => match v {
            Value::Node(n) => Value::List(read.labels(n)?.into_iter().map(Value::String).collect()),
            other => return Err(arg_error(name, &other)),
        },
        "type" => match v {
            Value::Relationship(r) => match env.deleted_types.get(&r) {
                Some(&t) => Value::String(read.edge_type_name(t)?.into_owned()),
                None => Value::String(read.rel(r)?.2),
            },
            other => return Err(arg_error(name, &other)),
        },
        "keys" => Value::List(
            properties_of(env, &v)?
                .into_keys()
                .map(Value::String)
                .collect(),
        ),
        "properties" => Value::Map(properties_of(env, &v)?),
        "size" => match v {
            Value::List(l) => Value::Int(l.len() as i64),
            Value::String(s) => Value::Int(s.chars().count() as i64),
            other => return Err(arg_error(name, &other)),
        },
        "length" => match v {
            Value::Path(p) => Value::Int(p.rels.len() as i64),
            other => return Err(arg_error(name, &other)),
        },
        "nodes" => match v {
            Value::Path(p) => Value::List(p.nodes.into_iter().map(Value::Node).collect()),
            other => return Err(arg_error(name, &other)),
        },
        "relationships" => match v {
            Value::Path(p) => Value::List(p.rels.into_iter().map(Value::Relationship).collect()),
            other => return Err(arg_error(name, &other)),
        },
        "startnode" | "endnode" => match v {
            Value::Relationship(r) => {
                let (from, to, _) = read.rel(r)?;
                Value::Node(if lower == "startnode" { from } else { to })
            }
            other => return Err(arg_error(name, &other)),
        },
        "head" | "last" => match v {
            Value::List(l) => (if lower == "head" { l.first() } else { l.last() })
                .cloned()
                .unwrap_or(Value::Null),
            other => return Err(arg_error(name, &other)),
        },
        "tail" => match v {
            Value::List(l) => Value::List(l.get(1..).unwrap_or_default().to_vec()),
            other => return Err(arg_error(name, &other)),
        },
        "tostring" => match v {
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::String(_) => {
                Value::String(to_string(&v))
            }
            other => return Err(arg_error(name, &other)),
        },
        "tointeger" => match v {
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => {
                if f.is_finite() {
                    Value::Int(f.trunc() as i64)
                } else {
                    Value::Null
                }
            }
            Value::String(s) => parse_int(&s),
            other => return Err(arg_error(name, &other)),
        },
        "tofloat" => match v {
            Value::Int(i) => Value::Float(i as f64),
            Value::Float(f) => Value::Float(f),
            Value::String(s) => s.trim().parse::<f64>().map_or(Value::Null, Value::Float),
            other => return Err(arg_error(name, &other)),
        },
        "toboolean" => match v {
            Value::Bool(b) => Value::Bool(b),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
            other => return Err(arg_error(name, &other)),
        },
        "abs" => match v {
            Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| {
                Error::runtime(
                    ErrorClass::ArithmeticError,
                    "IntegerOverflow",
                    "abs overflow",
                )
            })?),
            other => Value::Float(float_of(name, &other)?.abs()),
        },
        "sign" => match v {
            Value::Int(i) => Value::Int(i.signum()),
            other => {
                let f = float_of(name, &other)?;
                Value::Int(if f > 0.0 {
                    1
                } else if f < 0.0 {
                    -1
                } else {
                    0
                })
            }
        },
        "ceil" => Value::Float(float_of(name, &v)?.ceil()),
        "floor" => Value::Float(float_of(name, &v)?.floor()),
        "round" => {
            let f = float_of(name, &v)?;
            // Half away from zero would round -2.5 to -3; openCypher rounds half up.
            Value::Float((f + 0.5).floor())
        }
        "sqrt" => Value::Float(float_of(name, &v)?.sqrt()),
        "exp" => Value::Float(float_of(name, &v)?.exp()),
        "log" => Value::Float(float_of(name, &v)?.ln()),
        "log10" => Value::Float(float_of(name, &v)?.log10()),
        "sin" => Value::Float(float_of(name, &v)?.sin()),
        "cos" => Value::Float(float_of(name, &v)?.cos()),
        "tan" => Value::Float(float_of(name, &v)?.tan()),
        "toupper" | "tolower" | "trim" | "ltrim" | "rtrim" | "reverse" => match v {
            Value::String(s) => Value::String(match lower.as_str() {
                "toupper" => s.to_uppercase(),
                "tolower" => s.to_lowercase(),
                "trim" => s.trim().to_owned(),
                "ltrim" => s.trim_start().to_owned(),
                "rtrim" => s.trim_end().to_owned(),
                _ => s.chars().rev().collect(),
            }),
            Value::List(mut l) if lower == "reverse" => {
                l.reverse();
                Value::List(l)
            }
            other => return Err(arg_error(name, &other)),
        },
        "replace" => match (v, second, third.unwrap_or(Value::Null)) {
            (Value::String(s), Value::String(from), Value::String(to)) => {
                Value::String(s.replace(&from, &to))
            }
            (_, Value::Null, _) | (_, _, Value::Null) => Value::Null,
            (other, _, _) => return Err(arg_error(name, &other)),
        },
        "substring" => {
            let Value::String(s) = v else {
                return Err(arg_error(name, &v));
            };
            let start = int_arg(name, &second)?;
            let len = match third {
                Some(Value::Null) | None => None,
                Some(l) => Some(int_arg(name, &l)?),
            };
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(Error::runtime(
                    ErrorClass::ArgumentError,
                    "NumberOutOfRange",
                    "substring with a negative bound",
                ));
            }
            let chars = s.chars().skip(start as usize);
            Value::String(match len {
                Some(l) => chars.take(l as usize).collect(),
                None => chars.collect(),
            })
        }
        "left" | "right" => {
            let Value::String(s) = v else {
                return Err(arg_error(name, &v));
            };
            if second.is_null() {
                return Err(Error::runtime(
                    ErrorClass::ArgumentError,
                    "NumberOutOfRange",
                    format!("{name}() with a null length"),
                ));
            }
            let n = int_arg(name, &second)?;
            if n < 0 {
                return Err(Error::runtime(
                    ErrorClass::ArgumentError,
                    "NumberOutOfRange",
                    format!("{name}() with a negative length"),
                ));
            }
            let count = s.chars().count();
            let n = (n as usize).min(count);
            Value::String(if lower == "left" {
                s.chars().take(n).collect()
            } else {
                s.chars().skip(count - n).collect()
            })
        }
        "split" => match (v, second) {
            (Value::String(s), Value::String(sep)) => Value::List(
                s.split(sep.as_str())
                    .map(|p| Value::String(p.to_owned()))
                    .collect(),
            ),
            (_, Value::Null) => Value::Null,
            (other, _) => return Err(arg_error(name, &other)),
        },
        _ => {
            return Err(Error::runtime(
                ErrorClass::SyntaxError,
                "UnknownFunction",
                format!("unknown function {name}"),
            ));
        }
    })
}

fn parse_int(s: &str) -> Value {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Value::Int(i);
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => Value::Int(f.trunc() as i64),
        _ => Value::Null,
    }
}

/// The smallest or largest of `values` by the sort order, nulls ignored.
pub(crate) fn extreme(values: impl Iterator<Item = Value>, largest: bool) -> Value {
    values
        .filter(|v| !v.is_null())
        .reduce(|a, b| {
            let o = order(&a, &b);
            if (o == std::cmp::Ordering::Less) == largest {
                b
            } else {
                a
            }
        })
        .unwrap_or(Value::Null)
}

/// openCypher functions this engine does not implement (temporal values): a query that calls
/// one is not supported, rather than wrong.
pub(crate) fn is_unimplemented(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "date",
        "datetime",
        "localdatetime",
        "time",
        "localtime",
        "duration",
    ]
    .iter()
    .any(|f| lower == *f || lower.starts_with(&format!("{f}.")))
}
