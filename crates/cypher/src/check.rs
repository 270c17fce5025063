//! Checks before running: variables defined before use and of one kind, aggregates only where
//! they may be, clauses in an order Cypher allows, write patterns that can be created, and
//! parameters given. Each error carries the position of the offending text.

use std::collections::HashMap;

use crate::aggregate::contains_aggregate;
use crate::ast::*;
use crate::error::{CompileError, ErrorClass, Pos};
use crate::eval::Params;
use crate::functions::{is_aggregate, scalar_arity};
use crate::procedure::Procedure;
use crate::types::{no_bare_patterns, static_errors};
use crate::value::Value;

type CResult<T = ()> = Result<T, CompileError>;

/// What a variable holds, as far as the query shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Node,
    Rel,
    /// A variable-length relationship: a list of relationships.
    RelList,
    Path,
    /// A value known not to be a node, relationship, path or map (a literal or a list).
    Value,
    /// A map (it has properties, but is no node or relationship).
    Map,
    Any,
}

pub(crate) type Scope = HashMap<String, Kind>;

/// Checks `query`.
pub(crate) fn check(query: &Query) -> CResult {
    let mut columns: Option<Vec<String>> = None;
    if query.union_all.len() > 1
        && query.union_all.iter().any(|a| *a)
        && !query.union_all.iter().all(|a| *a)
    {
        return Err(CompileError::syntax(
            Pos(0),
            "InvalidClauseComposition",
            "UNION and UNION ALL cannot be mixed",
        ));
    }
    for part in &query.parts {
        let cols = single(part)?;
        if query.parts.len() > 1 {
            match &columns {
                Some(c) if *c != cols => {
                    return Err(CompileError::syntax(
                        Pos(0),
                        "DifferentColumnsInUnion",
                        "the parts of a UNION return different columns",
                    ));
                }
                _ => columns = Some(cols),
            }
        }
    }
    Ok(())
}

/// Whether `query` has write clauses.
pub(crate) fn writes(query: &Query) -> bool {
    query
        .parts
        .iter()
        .flat_map(|p| &p.clauses)
        .any(writes_clause)
}

/// Whether `c` changes the graph or its schema.
fn writes_clause(c: &Clause) -> bool {
    matches!(
        c,
        Clause::Create(_)
            | Clause::Merge { .. }
            | Clause::Set(_)
            | Clause::Remove(_)
            | Clause::Delete { .. }
            | Clause::CreateIndex { .. }
            | Clause::DropIndex { .. }
            | Clause::CreateColumn { .. }
            | Clause::DropColumn { .. }
    )
}

/// The first parameter `query` uses that `params` lacks.
pub(crate) fn missing_parameter(query: &Query, params: &Params) -> Option<CompileError> {
    let mut missing = None;
    let mut visit = |e: &Expr| {
        if let Expr::Param(name, pos) = e
            && missing.is_none()
            && !params.contains_key(name)
        {
            missing = Some(CompileError::of(
                *pos,
                ErrorClass::ParameterMissing,
                "MissingParameter",
                format!("parameter ${name} was not given"),
            ));
        }
    };
    for clause in query.parts.iter().flat_map(|p| &p.clauses) {
        for_each_clause_expr(clause, &mut |e| walk(e, &mut visit));
    }
    missing
}

pub(crate) fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    let mut go = |x: &Expr| walk(x, f);
    match e {
        Expr::Property(t, _)
        | Expr::Not(t)
        | Expr::Neg(t)
        | Expr::IsNull(t, _)
        | Expr::HasLabels(t, _) => go(t),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            go(a);
            go(b);
        }
        Expr::Slice(t, a, b) => {
            go(t);
            a.iter().for_each(|x| go(x));
            b.iter().for_each(|x| go(x));
        }
        Expr::List(items) => items.iter().for_each(go),
        Expr::Map(entries) => entries.iter().for_each(|(_, v)| go(v)),
        Expr::MapProjection(_, items, _) => items.iter().for_each(|i| {
            if let MapProjectionItem::Literal(_, v) = i {
                go(v)
            }
        }),
        Expr::Comparison(first, rest) => {
            go(first);
            rest.iter().for_each(|(_, x)| go(x));
        }
        Expr::Call { args, .. } => args.iter().for_each(go),
        Expr::Case {
            subject,
            whens,
            otherwise,
        } => {
            subject.iter().for_each(|x| go(x));
            whens.iter().for_each(|(w, t)| {
                go(w);
                go(t);
            });
            otherwise.iter().for_each(|x| go(x));
        }
        Expr::ListComprehension {
            list, filter, map, ..
        } => {
            go(list);
            filter.iter().for_each(|x| go(x));
            map.iter().for_each(|x| go(x));
        }
        Expr::Quantified { list, filter, .. } => {
            go(list);
            go(filter);
        }
        Expr::Reduce {
            init, list, expr, ..
        } => {
            go(init);
            go(list);
            go(expr);
        }
        Expr::Pattern(part) => part_exprs(part, &mut go),
        Expr::Exists(q) => q
            .clauses
            .iter()
            .for_each(|c| for_each_clause_expr(c, &mut go)),
        Expr::PatternComprehension { part, filter, map } => {
            part_exprs(part, &mut go);
            filter.iter().for_each(|x| go(x));
            go(map);
        }
        Expr::Literal(_)
        | Expr::Param(..)
        | Expr::Var(..)
        | Expr::CountStar
        | Expr::Aggregate(_) => {}
    }
}

fn part_exprs(part: &PatternPart, f: &mut dyn FnMut(&Expr)) {
    part.start.props.iter().for_each(&mut *f);
    for (r, n) in &part.chain {
        r.props.iter().for_each(&mut *f);
        n.props.iter().for_each(&mut *f);
    }
}

fn for_each_clause_expr(clause: &Clause, f: &mut dyn FnMut(&Expr)) {
    let projection = |p: &Projection, f: &mut dyn FnMut(&Expr)| {
        p.items.iter().for_each(|i| f(&i.expr));
        p.order.iter().for_each(|s| f(&s.expr));
        p.skip.iter().for_each(&mut *f);
        p.limit.iter().for_each(&mut *f);
    };
    match clause {
        Clause::Match {
            patterns, filter, ..
        } => {
            patterns.iter().for_each(|p| part_exprs(p, f));
            filter.iter().for_each(f);
        }
        Clause::Unwind { list, .. } => f(list),
        Clause::With {
            projection: p,
            filter,
        } => {
            projection(p, f);
            filter.iter().for_each(f);
        }
        Clause::Return(p) => projection(p, f),
        Clause::Create(parts) => parts.iter().for_each(|p| part_exprs(p, f)),
        Clause::Merge {
            part,
            on_create,
            on_match,
        } => {
            part_exprs(part, f);
            on_create
                .iter()
                .chain(on_match)
                .for_each(|i| set_item_exprs(i, f));
        }
        Clause::Set(items) => items.iter().for_each(|i| set_item_exprs(i, f)),
        Clause::Remove(items) => items.iter().for_each(|i| {
            if let RemoveItem::Property { target, .. } = i {
                f(target)
            }
        }),
        Clause::Delete { targets, .. } => targets.iter().for_each(f),
        Clause::CreateIndex { .. }
        | Clause::DropIndex { .. }
        | Clause::CreateColumn { .. }
        | Clause::DropColumn { .. } => {}
        Clause::Call(call) => {
            call.args.iter().for_each(&mut *f);
            call.filter.iter().for_each(f);
        }
    }
}

fn set_item_exprs(item: &SetItem, f: &mut dyn FnMut(&Expr)) {
    match item {
        SetItem::Property { target, value, .. } => {
            f(target);
            f(value);
        }
        SetItem::Properties { value, .. } => f(value),
        SetItem::Labels { .. } => {}
    }
}

/// Checks one single query; its columns.
fn single(q: &SingleQuery) -> CResult<Vec<String>> {
    single_in(q, Scope::new(), false)
}

/// [`single`] with `scope` bound before the first clause; a `subquery` (of `EXISTS`) may end
/// with any reading clause.
fn single_in(q: &SingleQuery, mut scope: Scope, subquery: bool) -> CResult<Vec<String>> {
    let last = q.clauses.len().saturating_sub(1);
    for (i, clause) in q.clauses.iter().enumerate() {
        match clause {
            Clause::Match {
                patterns, filter, ..
            } => {
                let mut rels_here: Vec<String> = Vec::new();
                for p in patterns {
                    no_parameter_maps(p)?;
                    bind_pattern(&mut scope, p, false, &mut rels_here)?;
                }
                if let Some(f) = filter {
                    where_expr(f, &scope)?;
                }
            }
            Clause::Unwind { list, var } => {
                expr(list, &scope, false)?;
                if scope.contains_key(var) {
                    return Err(CompileError::syntax(
                        Pos(0),
                        "VariableAlreadyBound",
                        format!("variable {var} is already bound"),
                    ));
                }
                scope.insert(var.clone(), Kind::Any);
            }
            Clause::With { projection, filter } => {
                let after = project(projection, &scope, true)?;
                if let Some(f) = filter {
                    // WHERE after WITH sees the projected columns and the variables before.
                    let mut both = scope.clone();
                    both.extend(after.iter().map(|(k, v)| (k.clone(), *v)));
                    where_expr(f, &both)?;
                }
                scope = after;
            }
            Clause::Return(projection) => {
                if i != last {
                    return Err(CompileError::syntax(
                        projection.pos,
                        "InvalidClauseComposition",
                        "RETURN must be the last clause",
                    ));
                }
                let out = project(projection, &scope, false)?;
                let mut names: Vec<String> = Vec::new();
                if projection.star {
                    let mut vars: Vec<String> = scope.keys().cloned().collect();
                    vars.sort();
                    names.extend(vars);
                }
                names.extend(projection.items.iter().map(|i| i.name.clone()));
                let _ = out;
                return Ok(names);
            }
            Clause::Create(parts) => {
                for p in parts {
                    create_pattern(&mut scope, p)?;
                }
            }
            Clause::Merge {
                part,
                on_create,
                on_match,
            } => {
                create_pattern(&mut scope, part)?;
                for item in on_create.iter().chain(on_match) {
                    set_item(item, &scope)?;
                }
            }
            Clause::Set(items) => {
                for item in items {
                    set_item(item, &scope)?;
                }
            }
            Clause::Remove(items) => {
                for item in items {
                    match item {
                        RemoveItem::Property { target, .. } => expr(target, &scope, false)?,
                        RemoveItem::Labels { var, .. } => defined(var, &scope, Pos(0))?,
                    }
                }
            }
            Clause::CreateIndex { .. }
            | Clause::DropIndex { .. }
            | Clause::CreateColumn { .. }
            | Clause::DropColumn { .. } => {}
            Clause::Call(call) => {
                let columns = procedure_call(call, &mut scope)?;
                if q.clauses.len() == 1 {
                    return Ok(columns);
                }
                if i == last {
                    return Err(CompileError::syntax(
                        call.pos,
                        "InvalidClauseComposition",
                        "a query with other clauses cannot end with CALL: add RETURN",
                    ));
                }
            }
            Clause::Delete { targets, .. } => {
                for t in targets {
                    expr(t, &scope, false)?;
                    if matches!(t, Expr::HasLabels(..)) {
                        return Err(CompileError::syntax(
                            Pos(0),
                            "InvalidDelete",
                            "DELETE takes nodes, relationships or paths, not labels",
                        ));
                    }
                    if matches!(t, Expr::Literal(_) | Expr::Binary(..)) {
                        return Err(CompileError::syntax(
                            Pos(0),
                            "InvalidArgumentType",
                            "DELETE takes nodes, relationships or paths",
                        ));
                    }
                }
            }
        }
        if i == last
            && !subquery
            && matches!(
                clause,
                Clause::Match { .. } | Clause::With { .. } | Clause::Unwind { .. }
            )
        {
            return Err(CompileError::syntax(
                Pos(0),
                "InvalidClauseComposition",
                "a query cannot end with this clause",
            ));
        }
    }
    Ok(Vec::new())
}

/// Checks a `CALL`: the procedure exists, takes at most its one map of settings (whose
/// keys, when written out, it knows), and yields outputs it has into new variables; binds
/// them and returns their names.
fn procedure_call(call: &ProcedureCall, scope: &mut Scope) -> CResult<Vec<String>> {
    let Some(procedure) = Procedure::named(&call.name) else {
        return Err(CompileError::of(
            call.pos,
            ErrorClass::ProcedureError,
            "ProcedureNotFound",
            format!("there is no procedure {}", call.name),
        ));
    };
    for a in &call.args {
        expr(a, scope, false)?;
    }
    match call.args.as_slice() {
        [] => {}
        [Expr::Map(entries)] => {
            if let Some((key, _)) = entries.iter().find(|(k, _)| !procedure.takes(k)) {
                return Err(CompileError::of(
                    call.pos,
                    ErrorClass::ArgumentError,
                    "InvalidArgumentValue",
                    format!("{} has no setting {key}", procedure.name()),
                ));
            }
        }
        [Expr::Literal(v)] if !matches!(v, Value::Null | Value::Map(_)) => {
            return Err(CompileError::syntax(
                call.pos,
                "InvalidArgumentType",
                format!("{} takes a map of settings", procedure.name()),
            ));
        }
        [_] => {}
        _ => {
            return Err(CompileError::syntax(
                call.pos,
                "InvalidNumberOfArguments",
                format!(
                    "{} takes one map of settings, not {} arguments",
                    procedure.name(),
                    call.args.len()
                ),
            ));
        }
    }
    let outputs = procedure.outputs();
    let every;
    let yields: &[YieldItem] = match &call.yields {
        Some(items) => items,
        None => {
            every = outputs.map(|o| YieldItem {
                output: o.to_owned(),
                var: o.to_owned(),
                pos: call.pos,
            });
            &every
        }
    };
    for item in yields {
        if !outputs.contains(&item.output.as_str()) {
            return Err(CompileError::syntax(
                item.pos,
                "UndefinedVariable",
                format!(
                    "{} yields {}, not {}",
                    procedure.name(),
                    outputs.join(" and "),
                    item.output
                ),
            ));
        }
        if scope.contains_key(&item.var) {
            return Err(CompileError::syntax(
                item.pos,
                "VariableAlreadyBound",
                format!("variable {} is already bound", item.var),
            ));
        }
        let kind = if item.output == "node" {
            Kind::Node
        } else {
            Kind::Value
        };
        scope.insert(item.var.clone(), kind);
    }
    if let Some(f) = &call.filter {
        where_expr(f, scope)?;
    }
    Ok(yields.iter().map(|i| i.var.clone()).collect())
}

fn defined(var: &str, scope: &Scope, pos: Pos) -> CResult {
    if scope.contains_key(var) {
        Ok(())
    } else {
        Err(CompileError::syntax(
            pos,
            "UndefinedVariable",
            format!("variable {var} is not defined"),
        ))
    }
}

fn set_item(item: &SetItem, scope: &Scope) -> CResult {
    match item {
        SetItem::Property { target, value, .. } => {
            expr(target, scope, false)?;
            no_bare_patterns(value)?;
            expr(value, scope, false)
        }
        SetItem::Properties { var, value, .. } => {
            defined(var, scope, Pos(0))?;
            expr(value, scope, false)
        }
        SetItem::Labels { var, .. } => defined(var, scope, Pos(0)),
    }
}

fn bind(scope: &mut Scope, var: &str, kind: Kind, pos: Pos) -> CResult {
    match scope.get(var) {
        // A list (a value) may stand for a variable-length relationship's relationships.
        Some(Kind::Value) if kind == Kind::RelList => Ok(()),
        Some(k) if *k != kind && *k != Kind::Any => Err(CompileError::syntax(
            pos,
            "VariableTypeConflict",
            format!("variable {var} is already a {k:?}"),
        )),
        _ => {
            scope.insert(var.to_owned(), kind);
            Ok(())
        }
    }
}

fn bind_pattern(
    scope: &mut Scope,
    p: &PatternPart,
    in_expression: bool,
    rels_here: &mut Vec<String>,
) -> CResult {
    if let Some(v) = &p.var
        && scope.contains_key(v)
    {
        return Err(CompileError::syntax(
            p.pos,
            "VariableAlreadyBound",
            format!("variable {v} is already bound"),
        ));
    }
    if let Some(v) = &p.var {
        let inner = std::iter::once(&p.start.var)
            .chain(p.chain.iter().flat_map(|(r, n)| [&r.var, &n.var]))
            .flatten();
        if inner.into_iter().any(|x| x == v) {
            return Err(CompileError::syntax(
                p.pos,
                "VariableAlreadyBound",
                format!("variable {v} names the path and a part of it"),
            ));
        }
    }
    let mut nodes = vec![&p.start];
    for (r, n) in &p.chain {
        nodes.push(n);
        if let Some(v) = &r.var {
            let kind = if r.range.is_some() {
                Kind::RelList
            } else {
                Kind::Rel
            };
            if rels_here.contains(v) {
                return Err(CompileError::syntax(
                    r.pos,
                    "RelationshipUniquenessViolation",
                    format!("relationship {v} is used twice in one pattern"),
                ));
            }
            if in_expression && !scope.contains_key(v) {
                return Err(CompileError::syntax(
                    r.pos,
                    "UndefinedVariable",
                    format!("variable {v} is not defined"),
                ));
            }
            rels_here.push(v.clone());
            if let Some(props) = &r.props {
                expr(props, scope, false)?;
            }
            bind(scope, v, kind, r.pos)?;
        } else if let Some(props) = &r.props {
            expr(props, scope, false)?;
        }
    }
    for n in nodes {
        if let Some(props) = &n.props {
            expr(props, scope, false)?;
        }
        if let Some(v) = &n.var {
            if in_expression && !scope.contains_key(v) {
                return Err(CompileError::syntax(
                    n.pos,
                    "UndefinedVariable",
                    format!("variable {v} is not defined"),
                ));
            }
            bind(scope, v, Kind::Node, n.pos)?;
        }
    }
    if let Some(v) = &p.var {
        scope.insert(v.clone(), Kind::Path);
    }
    Ok(())
}

fn create_pattern(scope: &mut Scope, p: &PatternPart) -> CResult {
    let lone = p.chain.is_empty();
    for (i, n) in std::iter::once(&p.start)
        .chain(p.chain.iter().map(|(_, n)| n))
        .enumerate()
    {
        if let Some(props) = &n.props {
            expr(props, scope, false)?;
        }
        if let Some(v) = &n.var {
            if let Some(k) = scope.get(v) {
                if lone || !n.labels.is_empty() || n.props.is_some() {
                    return Err(CompileError::syntax(
                        n.pos,
                        "VariableAlreadyBound",
                        format!("variable {v} is already bound"),
                    ));
                }
                if *k != Kind::Node && *k != Kind::Any {
                    return Err(CompileError::syntax(
                        n.pos,
                        "VariableTypeConflict",
                        format!("variable {v} is not a node"),
                    ));
                }
            } else {
                scope.insert(v.clone(), Kind::Node);
            }
        }
        let _ = i;
    }
    for (r, _) in &p.chain {
        if let Some(v) = &r.var
            && scope.contains_key(v)
        {
            return Err(CompileError::syntax(
                r.pos,
                "VariableAlreadyBound",
                format!("variable {v} is already bound"),
            ));
        }
        if r.range.is_some() {
            return Err(CompileError::syntax(
                r.pos,
                "CreatingVarLength",
                "a created relationship cannot have a variable length",
            ));
        }
        if r.types.len() != 1 {
            return Err(CompileError::syntax(
                r.pos,
                "NoSingleRelationshipType",
                "a created relationship needs exactly one type",
            ));
        }
        if r.dir == Dir::Both {
            return Err(CompileError::syntax(
                r.pos,
                "RequiresDirectedRelationship",
                "a created relationship needs a direction",
            ));
        }
        if let Some(props) = &r.props {
            expr(props, scope, false)?;
        }
        if let Some(v) = &r.var {
            if scope.contains_key(v) {
                return Err(CompileError::syntax(
                    r.pos,
                    "VariableAlreadyBound",
                    format!("variable {v} is already bound"),
                ));
            }
            scope.insert(v.clone(), Kind::Rel);
        }
    }
    if let Some(v) = &p.var {
        if scope.contains_key(v) {
            return Err(CompileError::syntax(
                p.pos,
                "VariableAlreadyBound",
                format!("variable {v} is already bound"),
            ));
        }
        scope.insert(v.clone(), Kind::Path);
    }
    Ok(())
}

/// Checks a projection in `scope`; the scope after it.
fn project(p: &Projection, scope: &Scope, is_with: bool) -> CResult<Scope> {
    if !is_with && p.star && scope.is_empty() && p.items.is_empty() {
        return Err(CompileError::syntax(
            p.pos,
            "NoVariablesInScope",
            "RETURN * with no variables in scope",
        ));
    }
    let mut out = if p.star { scope.clone() } else { Scope::new() };
    let mut names: Vec<&str> = Vec::new();
    for item in &p.items {
        expr(&item.expr, scope, true)?;
        no_bare_patterns(&item.expr)?;
        static_errors(&item.expr, scope)?;
        if is_with && !item.aliased && !matches!(item.expr, Expr::Var(..)) {
            return Err(CompileError::syntax(
                p.pos,
                "NoExpressionAlias",
                format!("{} needs an alias (AS)", item.name),
            ));
        }
        if names.contains(&item.name.as_str()) {
            return Err(CompileError::syntax(
                p.pos,
                "ColumnNameConflict",
                format!("column {} appears twice", item.name),
            ));
        }
        names.push(&item.name);
        let kind = match &item.expr {
            Expr::Var(v, _) => scope.get(v).copied().unwrap_or(Kind::Any),
            Expr::Literal(Value::Null) => Kind::Any,
            Expr::Literal(_) | Expr::List(_) => Kind::Value,
            Expr::Map(_) => Kind::Map,
            _ => Kind::Any,
        };
        out.insert(item.name.clone(), kind);
    }
    let aggregating = p.items.iter().any(|i| contains_aggregate(&i.expr));
    if aggregating {
        let keys: Vec<&Expr> = p
            .items
            .iter()
            .filter(|i| !contains_aggregate(&i.expr))
            .map(|i| &i.expr)
            .collect();
        let aliases: Vec<&str> = p.items.iter().map(|i| i.name.as_str()).collect();
        for item in p.items.iter().filter(|i| contains_aggregate(&i.expr)) {
            unambiguous(&item.expr, &keys, &[], false)?;
        }
        for s in p.order.iter().filter(|s| contains_aggregate(&s.expr)) {
            unambiguous(&s.expr, &keys, &aliases, true)?;
        }
    }
    let mut order_scope = out.clone();
    if !(p.distinct || aggregating) {
        order_scope.extend(scope.iter().map(|(k, v)| (k.clone(), *v)));
    } else {
        // Grouping keys that are variables stay visible by name.
        for item in &p.items {
            if let Expr::Var(v, _) = &item.expr {
                order_scope.insert(v.clone(), Kind::Any);
            }
        }
        if !p.distinct {
            order_scope.extend(scope.iter().map(|(k, v)| (k.clone(), *v)));
        }
    }
    for s in &p.order {
        expr(&s.expr, &order_scope, aggregating)?;
    }
    for (e, what) in p
        .skip
        .iter()
        .map(|e| (e, "SKIP"))
        .chain(p.limit.iter().map(|e| (e, "LIMIT")))
    {
        count_expr(e, what)?;
    }
    Ok(out)
}

/// Whether a grouping key may be reused beside an aggregate: a variable, a property of a
/// variable, a literal or a parameter.
fn is_simple_key(e: &Expr) -> bool {
    match e {
        Expr::Var(..) | Expr::Literal(_) | Expr::Param(..) => true,
        Expr::Property(t, _) => matches!(**t, Expr::Var(..)),
        _ => false,
    }
}

/// Whether `e` or any expression inside it passes `test`.
fn any_expr(e: &Expr, test: impl Fn(&Expr) -> bool) -> bool {
    let mut found = false;
    walk(e, &mut |x| found = found || test(x));
    found
}

/// Whether `e` reads variable `v`.
fn mentions(e: &Expr, v: &str) -> bool {
    any_expr(e, |x| matches!(x, Expr::Var(name, _) if name == v))
}

/// The elements of `list`, when it is a literal list of strings only or of booleans only,
/// are not numbers: `-`, `*`, `/`, `%` or `^` on the variable that takes them (`x % 2` for `x
/// IN ['a']`) is refused before the query runs, as the TCK asks of quantifiers. (`+` is left
/// alone: it concatenates strings, and a boolean with a list.)
fn no_arithmetic_on_non_numbers(var: &str, list: &Expr, body: &Expr) -> CResult {
    let Expr::List(items) = list else {
        return Ok(());
    };
    let all = |f: fn(&Value) -> bool| {
        !items.is_empty() && items.iter().all(|i| matches!(i, Expr::Literal(v) if f(v)))
    };
    let strings = all(|v| matches!(v, Value::String(_)));
    if !strings && !all(|v| matches!(v, Value::Bool(_))) {
        return Ok(());
    }
    let mut bad = None;
    walk(body, &mut |x| {
        if let Expr::Binary(op, l, r) = x {
            let arithmetic = matches!(
                op,
                BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow
            );
            for side in [l, r] {
                if let Expr::Var(v, pos) = &**side
                    && v == var
                    && arithmetic
                    && bad.is_none()
                {
                    bad = Some((*op, *pos));
                }
            }
        }
    });
    match bad {
        Some((op, pos)) => Err(CompileError::syntax(
            pos,
            "InvalidArgumentType",
            format!(
                "{op:?} on {var}, whose values are all {}",
                if strings { "strings" } else { "booleans" }
            ),
        )),
        None => Ok(()),
    }
}

/// Whether `e` calls `rand()`.
fn calls_rand(e: &Expr) -> bool {
    any_expr(
        e,
        |x| matches!(x, Expr::Call { name, .. } if name.eq_ignore_ascii_case("rand")),
    )
}

/// `SKIP` and `LIMIT` take a constant, non-negative integer.
fn count_expr(e: &Expr, what: &str) -> CResult {
    if any_expr(e, |x| matches!(x, Expr::Var(..) | Expr::Pattern(_))) {
        return Err(CompileError::syntax(
            Pos(0),
            "NonConstantExpression",
            format!("{what} must be a constant"),
        ));
    }
    match e {
        Expr::Literal(Value::Int(i)) if *i < 0 => Err(CompileError::syntax(
            Pos(0),
            "NegativeIntegerArgument",
            format!("{what} must not be negative"),
        )),
        Expr::Literal(Value::Float(_)) => Err(CompileError::syntax(
            Pos(0),
            "InvalidArgumentType",
            format!("{what} must be an integer"),
        )),
        _ => Ok(()),
    }
}

/// Checks an expression: variables defined, functions known with the right arity,
/// aggregates only where `aggregates` allows and never nested.
fn expr(e: &Expr, scope: &Scope, aggregates: bool) -> CResult {
    match e {
        Expr::Var(v, pos) => defined(v, scope, *pos),
        Expr::MapProjection(v, items, pos) => {
            defined(v, scope, *pos)?;
            for item in items {
                match item {
                    MapProjectionItem::Literal(_, x) => expr(x, scope, aggregates)?,
                    MapProjectionItem::Var(name) => defined(name, scope, *pos)?,
                    _ => {}
                }
            }
            Ok(())
        }
        Expr::CountStar => {
            if aggregates {
                Ok(())
            } else {
                Err(CompileError::syntax(
                    Pos(0),
                    "InvalidAggregation",
                    "count(*) is not allowed here",
                ))
            }
        }
        Expr::Call {
            name, args, pos, ..
        } => {
            if is_aggregate(name) {
                if !aggregates {
                    return Err(CompileError::syntax(
                        *pos,
                        "InvalidAggregation",
                        format!("{name}() is not allowed here"),
                    ));
                }
                for a in args {
                    if contains_aggregate(a) {
                        return Err(CompileError::syntax(
                            *pos,
                            "NestedAggregation",
                            "an aggregate inside an aggregate",
                        ));
                    }
                    if calls_rand(a) {
                        return Err(CompileError::syntax(
                            *pos,
                            "NonConstantExpression",
                            format!("{name}() of rand(), which differs from row to row"),
                        ));
                    }
                    expr(a, scope, false)?;
                }
                let (lo, hi) = if name.to_ascii_lowercase().starts_with("percentile") {
                    (2, 2)
                } else {
                    (1, 1)
                };
                if args.len() < lo || args.len() > hi {
                    return Err(CompileError::syntax(
                        *pos,
                        "InvalidNumberOfArguments",
                        format!("{name}() takes {lo} argument(s)"),
                    ));
                }
                return Ok(());
            }
            if crate::functions::is_unimplemented(name) {
                return Err(CompileError::unsupported(
                    *pos,
                    format!("the function {name} (temporal values)"),
                ));
            }
            match scalar_arity(name) {
                Some((lo, hi)) if args.len() < lo || args.len() > hi => Err(CompileError::syntax(
                    *pos,
                    "InvalidNumberOfArguments",
                    format!("{name}() takes {lo} to {hi} arguments"),
                )),
                Some(_) => args.iter().try_for_each(|a| expr(a, scope, aggregates)),
                None => Err(CompileError::syntax(
                    *pos,
                    "UnknownFunction",
                    format!("unknown function {name}"),
                )),
            }
        }
        Expr::ListComprehension {
            var,
            list,
            filter,
            map,
        } => {
            expr(list, scope, aggregates)?;
            let mut inner = scope.clone();
            inner.insert(var.clone(), Kind::Any);
            filter.iter().try_for_each(|f| expr(f, &inner, false))?;
            map.iter().try_for_each(|m| expr(m, &inner, false))
        }
        Expr::Quantified {
            var, list, filter, ..
        } => {
            expr(list, scope, aggregates)?;
            no_arithmetic_on_non_numbers(var, list, filter)?;
            let mut inner = scope.clone();
            inner.insert(var.clone(), Kind::Any);
            expr(filter, &inner, false)
        }
        Expr::Reduce {
            acc,
            init,
            var,
            list,
            expr: body,
        } => {
            expr(init, scope, aggregates)?;
            expr(list, scope, aggregates)?;
            let mut inner = scope.clone();
            inner.insert(acc.clone(), Kind::Any);
            inner.insert(var.clone(), Kind::Any);
            expr(body, &inner, false)
        }
        Expr::Pattern(part) => {
            let mut inner = scope.clone();
            bind_pattern(&mut inner, part, true, &mut Vec::new())
        }
        Expr::Exists(q) => {
            if q.clauses.iter().any(writes_clause) {
                return Err(CompileError::syntax(
                    Pos(0),
                    "InvalidClauseComposition",
                    "an EXISTS subquery cannot change the graph",
                ));
            }
            single_in(q, scope.clone(), true).map(|_| ())
        }
        Expr::PatternComprehension { part, filter, map } => {
            let mut inner = scope.clone();
            bind_pattern(&mut inner, part, false, &mut Vec::new())?;
            filter.iter().try_for_each(|f| expr(f, &inner, false))?;
            expr(map, &inner, false)
        }
        Expr::Literal(_) | Expr::Param(..) | Expr::Aggregate(_) => Ok(()),
        Expr::Property(t, _)
        | Expr::Not(t)
        | Expr::Neg(t)
        | Expr::IsNull(t, _)
        | Expr::HasLabels(t, _) => expr(t, scope, aggregates),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            expr(a, scope, aggregates)?;
            expr(b, scope, aggregates)
        }
        Expr::Slice(t, a, b) => {
            expr(t, scope, aggregates)?;
            a.iter().try_for_each(|x| expr(x, scope, aggregates))?;
            b.iter().try_for_each(|x| expr(x, scope, aggregates))
        }
        Expr::List(items) => items.iter().try_for_each(|x| expr(x, scope, aggregates)),
        Expr::Map(entries) => entries
            .iter()
            .try_for_each(|(_, x)| expr(x, scope, aggregates)),
        Expr::Comparison(first, rest) => {
            expr(first, scope, aggregates)?;
            rest.iter()
                .try_for_each(|(_, x)| expr(x, scope, aggregates))
        }
        Expr::Case {
            subject,
            whens,
            otherwise,
        } => {
            subject
                .iter()
                .try_for_each(|x| expr(x, scope, aggregates))?;
            whens.iter().try_for_each(|(w, t)| {
                expr(w, scope, aggregates)?;
                expr(t, scope, aggregates)
            })?;
            otherwise
                .iter()
                .try_for_each(|x| expr(x, scope, aggregates))
        }
    }
}

/// Parameter maps in `MATCH` patterns are not allowed (`MATCH (n $props)`).
fn no_parameter_maps(p: &PatternPart) -> CResult {
    let props = std::iter::once(&p.start.props)
        .chain(p.chain.iter().flat_map(|(r, n)| [&r.props, &n.props]))
        .flatten();
    for e in props {
        if let Expr::Param(_, pos) = e {
            return Err(CompileError::syntax(
                *pos,
                "InvalidParameterUse",
                "a parameter cannot stand for the properties of a pattern in MATCH",
            ));
        }
    }
    Ok(())
}

/// A `WHERE` predicate: a node, relationship or path itself is no predicate.
fn where_expr(e: &Expr, scope: &Scope) -> CResult {
    expr(e, scope, false)?;
    static_errors(e, scope)?;
    if let Expr::Var(v, pos) = e
        && matches!(scope.get(v), Some(Kind::Node | Kind::Rel | Kind::Path))
    {
        return Err(CompileError::syntax(
            *pos,
            "InvalidArgumentType",
            format!("{v} is not a predicate"),
        ));
    }
    Ok(())
}

/// In a projection that aggregates, an expression around an aggregate may use only grouping
/// keys (`keys`) that are simple (a variable, a property of one, a literal or a parameter: a
/// longer key such as `a.x + b.x` may not be reused beside an aggregate, even when projected)
/// and, in `ORDER BY`, projected columns (`aliases`).
fn unambiguous(e: &Expr, keys: &[&Expr], aliases: &[&str], in_order: bool) -> CResult {
    if keys.contains(&e) && is_simple_key(e) {
        return Ok(());
    }
    match e {
        Expr::CountStar => Ok(()),
        Expr::Call { name, .. } if is_aggregate(name) => Ok(()),
        Expr::Var(v, pos) => {
            if aliases.contains(&v.as_str()) {
                Ok(())
            } else if in_order {
                Err(CompileError::syntax(
                    *pos,
                    "UndefinedVariable",
                    format!("{v} is not a projected column"),
                ))
            } else {
                Err(CompileError::syntax(
                    *pos,
                    "AmbiguousAggregationExpression",
                    format!("{v} is neither a grouping key nor inside an aggregate"),
                ))
            }
        }
        Expr::Property(t, _) if in_order && matches!(**t, Expr::Var(..)) => match &**t {
            // A variable that no column projects, not even inside a longer key, is gone.
            Expr::Var(v, pos)
                if !aliases.contains(&v.as_str()) && !keys.iter().any(|k| mentions(k, v)) =>
            {
                Err(CompileError::syntax(
                    *pos,
                    "UndefinedVariable",
                    format!("{v} is not a projected column"),
                ))
            }
            _ => Err(CompileError::syntax(
                Pos(0),
                "AmbiguousAggregationExpression",
                "an expression beside an aggregate that is not a grouping key",
            )),
        },
        Expr::ListComprehension { .. } | Expr::Quantified { .. } | Expr::Reduce { .. } => Ok(()),
        other => {
            let mut result = Ok(());
            crate::aggregate::map_children(other, &mut |c| {
                if result.is_ok() {
                    result = unambiguous(c, keys, aliases, in_order);
                }
                c.clone()
            });
            result
        }
    }
}
