//! Running a `CALL` clause: the procedure runs once per incoming row (its settings may use
//! the row's variables), and each of its result rows extends that row with the yielded
//! variables, kept when the `WHERE` after `YIELD` holds.

use crate::ast::ProcedureCall;
use crate::error::{Error, Result};
use crate::eval::{Env, Row, eval, holds};
use crate::procedure::Procedure;
use crate::store::Store;
use crate::value::Value;

/// The variables `call` binds and the rows after it.
pub(crate) fn run<S: Store>(
    env: Env<'_, S>,
    rows: Vec<Row>,
    call: &ProcedureCall,
) -> Result<(Vec<String>, Vec<Row>)> {
    // The checker found the procedure; a query built otherwise still gets an error.
    let procedure = Procedure::named(&call.name).ok_or_else(|| {
        at(
            call,
            Error::runtime(
                crate::ErrorClass::ProcedureError,
                "ProcedureNotFound",
                format!("there is no procedure {}", call.name),
            ),
        )
    })?;
    let [node_output, value_output] = procedure.outputs();
    // (variable, whether it takes the node or the value)
    let bound: Vec<(String, bool)> = match &call.yields {
        None => vec![(node_output.into(), true), (value_output.into(), false)],
        Some(items) => items
            .iter()
            .map(|i| (i.var.clone(), i.output == node_output))
            .collect(),
    };
    let mut out = Vec::new();
    for row in rows {
        let settings = match call.args.first() {
            Some(e) => eval(env, &row, e)?,
            None => Value::Null,
        };
        let results = procedure
            .run(env.store.read(), &settings)
            .map_err(|e| at(call, e))?;
        for (node, value) in results {
            let mut r = row.clone();
            for (var, is_node) in &bound {
                let v = if *is_node {
                    Value::Node(node)
                } else {
                    value.clone()
                };
                r.insert(var.clone(), v);
            }
            if call
                .filter
                .as_ref()
                .map_or(Ok(true), |f| holds(env, &r, f))?
            {
                out.push(r);
            }
        }
    }
    Ok((bound.into_iter().map(|(v, _)| v).collect(), out))
}

/// `e` placed at the call: a runtime error's message names the line and column.
fn at(call: &ProcedureCall, e: Error) -> Error {
    match e {
        Error::Runtime {
            class,
            detail,
            message,
        } => Error::Runtime {
            class,
            detail,
            message: format!(
                "{message} (CALL at line {}, column {})",
                call.at.0, call.at.1
            ),
        },
        other => other,
    }
}
