//! Type errors a query shows before it runs: operands that are literals of the wrong type,
//! and functions given a variable whose kind they never take.

use crate::ast::{BinOp, Expr};
use crate::check::{Kind, Scope};
use crate::error::{CompileError, ErrorClass, Pos};
use crate::value::Value;

type CResult = Result<(), CompileError>;

fn invalid(what: String) -> CompileError {
    CompileError::syntax(Pos(0), "InvalidArgumentType", what)
}

/// Whether `e` is a literal that is certainly not a boolean.
fn non_boolean_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Literal(Value::Int(_) | Value::Float(_) | Value::String(_))
            | Expr::List(_)
            | Expr::Map(_)
    )
}

fn kind_of(e: &Expr, scope: &Scope) -> Kind {
    match e {
        Expr::Var(v, _) => scope.get(v).copied().unwrap_or(Kind::Any),
        Expr::Literal(Value::Null) => Kind::Any,
        Expr::Literal(_) | Expr::List(_) => Kind::Value,
        _ => Kind::Any,
    }
}

/// The type errors in `e` that need no data to see.
pub(crate) fn static_errors(e: &Expr, scope: &Scope) -> CResult {
    match e {
        Expr::Binary(BinOp::And | BinOp::Or | BinOp::Xor, a, b)
            if (non_boolean_literal(a) || non_boolean_literal(b)) =>
        {
            return Err(invalid(
                "a boolean operator on a value that is not a boolean".into(),
            ));
        }
        Expr::Not(a) if non_boolean_literal(a) => {
            return Err(invalid("NOT on a value that is not a boolean".into()));
        }
        Expr::Binary(BinOp::In, _, list)
            if matches!(
                **list,
                Expr::Literal(Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_))
                    | Expr::Map(_)
            ) =>
        {
            return Err(invalid("IN needs a list".into()));
        }
        Expr::Property(t, key) => {
            if matches!(
                **t,
                Expr::Literal(Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_))
                    | Expr::List(_)
            ) {
                return Err(CompileError::of(
                    Pos(0),
                    ErrorClass::TypeError,
                    "InvalidArgumentType",
                    format!("property {key} of a value that has no properties"),
                ));
            }
            if matches!(**t, Expr::Var(..)) && kind_of(t, scope) == Kind::Value {
                return Err(CompileError::of(
                    Pos(0),
                    ErrorClass::TypeError,
                    "InvalidArgumentType",
                    format!("property {key} of a value that has no properties"),
                ));
            }
            if kind_of(t, scope) == Kind::Path {
                return Err(invalid(format!("property {key} of a path")));
            }
        }
        Expr::Call { name, args, .. } => {
            let lower = name.to_ascii_lowercase();
            if let Some(arg) = args.first() {
                let kind = kind_of(arg, scope);
                let wrong = match lower.as_str() {
                    "labels" => {
                        matches!(kind, Kind::Rel | Kind::Path | Kind::RelList | Kind::Value)
                    }
                    "type" => matches!(kind, Kind::Node | Kind::Path | Kind::Value),
                    "length" => matches!(kind, Kind::Node | Kind::Rel),
                    "size" => matches!(kind, Kind::Node | Kind::Rel | Kind::Path),
                    "properties" => {
                        matches!(
                            arg,
                            Expr::Literal(
                                Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_)
                            ) | Expr::List(_)
                        ) || kind == Kind::Path
                    }
                    _ => false,
                };
                if wrong {
                    return Err(invalid(format!("{name}() does not take this argument")));
                }
            }
        }
        _ => {}
    }
    let mut result = Ok(());
    crate::aggregate::map_children(e, &mut |c| {
        if result.is_ok() {
            result = static_errors(c, scope);
        }
        c.clone()
    });
    result
}

/// A pattern used as a value (in a projection or `SET`) is not allowed, except inside
/// `exists(...)`.
pub(crate) fn no_bare_patterns(e: &Expr) -> CResult {
    match e {
        Expr::Pattern(part) => Err(CompileError::syntax(
            part.pos,
            "UnexpectedSyntax",
            "a pattern is not a value here",
        )),
        Expr::Call { name, .. } if name.eq_ignore_ascii_case("exists") => Ok(()),
        other => {
            let mut result = Ok(());
            crate::aggregate::map_children(other, &mut |c| {
                if result.is_ok() {
                    result = no_bare_patterns(c);
                }
                c.clone()
            });
            result
        }
    }
}
