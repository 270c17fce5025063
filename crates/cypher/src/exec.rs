//! Running a query clause by clause: each clause turns the rows before it into the rows
//! after it (eagerly, so a clause sees every change the clauses before it made).

use std::collections::HashMap;

use graph::{Direction, EdgeId, GraphRead, NodeId, PropertyMap};

use crate::Rows;
use crate::aggregate::{Accumulator, AggregateCall, contains_aggregate, extract, map_children};
use crate::ast::{
    Clause, Expr, PatternPart, Projection, ProjectionItem, Query, RemoveItem, SetItem, SingleQuery,
};
use crate::error::{Error, ErrorClass, Result};
use crate::eval::{DeletedTypes, Env, Params, Row, aggregate_key, eval, holds};
use crate::matcher::match_pattern;
use crate::source::{self, MatchSource, Source};
use crate::store::{ReadOnly, Reads, Store};
use crate::value::{GroupKey, Path, Value, order};

mod create;
mod label_aggregate;

use label_aggregate::LabelAggregate;

/// Runs `query` on `store`.
pub(crate) fn run<S: Store>(store: &mut S, params: &Params, query: &Query) -> Result<Rows> {
    let mut result: Option<Rows> = None;
    for (i, part) in query.parts.iter().enumerate() {
        let rows = Exec {
            store: &mut *store,
            params,
            deleted_types: DeletedTypes::new(),
        }
        .single(part)?;
        result = Some(match result {
            None => rows,
            Some(mut acc) => {
                acc.rows.extend(rows.rows);
                let all = query.union_all.get(i - 1).copied().unwrap_or(false);
                if !all {
                    dedupe(&mut acc.rows);
                }
                acc
            }
        });
    }
    let mut rows = result.unwrap_or_else(|| Rows {
        columns: Vec::new(),
        rows: Vec::new(),
    });
    if query.parts.len() > 1 && !query.union_all.iter().all(|a| *a) {
        dedupe(&mut rows.rows);
    }
    Ok(rows)
}

fn dedupe(rows: &mut Vec<Vec<Value>>) {
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.iter().map(GroupKey::of).collect::<Vec<_>>()));
}

/// How a query's clauses ended: with a `RETURN` (or a lone `CALL`), or after a last clause
/// that returns nothing, with the rows it left.
enum Ended {
    Returned(Rows),
    Ran(Vec<Row>),
}

/// Whether the `EXISTS` subquery `q`, run read-only from `row`, gives a row. A lone `MATCH`
/// (the short form) stops at its first match, as a pattern predicate does.
pub(crate) fn exists<S: Store>(env: Env<'_, S>, row: &Row, q: &SingleQuery) -> Result<bool> {
    if let [
        Clause::Match {
            optional: false,
            patterns,
            filter,
        },
    ] = q.clauses.as_slice()
    {
        let mut found = false;
        match_pattern(env, row, patterns, &mut |scope| {
            found = filter.as_ref().map_or(Ok(true), |f| holds(env, scope, f))?;
            Ok(!found)
        })?;
        return Ok(found);
    }
    let mut store = ReadOnly(env.store.read());
    let mut exec = Exec {
        store: &mut store,
        params: env.params,
        deleted_types: DeletedTypes::new(),
    };
    Ok(match exec.clauses(q, row.clone())? {
        Ended::Returned(rows) => !rows.rows.is_empty(),
        Ended::Ran(rows) => !rows.is_empty(),
    })
}

struct Exec<'a, S: Store> {
    store: &'a mut S,
    params: &'a Params,
    deleted_types: DeletedTypes,
}

/// Every variable a pattern binds.
fn pattern_vars(parts: &[PatternPart]) -> Vec<String> {
    let mut vars = Vec::new();
    for p in parts {
        vars.extend(p.var.clone());
        vars.extend(p.start.var.clone());
        for (r, n) in &p.chain {
            vars.extend(r.var.clone());
            vars.extend(n.var.clone());
        }
    }
    vars
}

fn add_vars(vars: &mut Vec<String>, new: impl IntoIterator<Item = String>) {
    for v in new {
        if !vars.contains(&v) {
            vars.push(v);
        }
    }
}

impl<S: Store> Exec<'_, S> {
    fn env(&self) -> Env<'_, S> {
        Env {
            store: &*self.store,
            params: self.params,
            deleted_types: &self.deleted_types,
        }
    }

    fn single(&mut self, q: &SingleQuery) -> Result<Rows> {
        Ok(match self.clauses(q, Row::default())? {
            Ended::Returned(rows) => rows,
            Ended::Ran(_) => Rows {
                columns: Vec::new(),
                rows: Vec::new(),
            },
        })
    }

    /// Runs the clauses of `q` from the one row `start` (whose variables are bound before
    /// the first clause).
    fn clauses(&mut self, q: &SingleQuery, start: Row) -> Result<Ended> {
        let mut vars: Vec<String> = start.keys().cloned().collect();
        let mut rows = vec![start];
        let mut streamed: Option<MatchSource<'_>> = None;
        let mut clauses = q.clauses.iter().peekable();
        while let Some(clause) = clauses.next() {
            match clause {
                Clause::Match {
                    optional,
                    patterns,
                    filter,
                } => {
                    let new_vars = pattern_vars(patterns);
                    let source = MatchSource {
                        input: std::mem::take(&mut rows),
                        optional: *optional,
                        patterns,
                        filter: filter.as_ref(),
                        new_vars: new_vars.clone(),
                    };
                    add_vars(&mut vars, new_vars);
                    // A projection right after the MATCH takes its rows as they are found.
                    if matches!(
                        clauses.peek(),
                        Some(Clause::With { .. } | Clause::Return(_))
                    ) {
                        streamed = Some(source);
                    } else {
                        source.each(self.env(), &mut |r| {
                            rows.push(r.into_owned());
                            Ok(())
                        })?;
                    }
                }
                Clause::Unwind { list, var } => {
                    let env = self.env();
                    let mut out = Vec::new();
                    for row in rows {
                        let items = match eval(env, &row, list)? {
                            Value::Null => Vec::new(),
                            Value::List(items) => items,
                            other => vec![other],
                        };
                        for item in items {
                            let mut r = row.clone();
                            r.insert(var.clone(), item);
                            out.push(r);
                        }
                    }
                    rows = out;
                    add_vars(&mut vars, [var.clone()]);
                }
                Clause::With { projection, filter } => {
                    let source = source::take(&mut streamed, &mut rows);
                    let (columns, projected) = self.project(source, &vars, projection)?;
                    let env = self.env();
                    // WHERE after WITH sees the projected columns and the variables before.
                    let mut kept = Vec::new();
                    for (r, scope) in projected {
                        if filter
                            .as_ref()
                            .map_or(Ok(true), |f| holds(env, &scope, f))?
                        {
                            kept.push(r);
                        }
                    }
                    rows = kept;
                    vars = columns;
                }
                Clause::Return(projection) => {
                    let source = source::take(&mut streamed, &mut rows);
                    let (columns, projected) = self.project(source, &vars, projection)?;
                    let rows = projected
                        .into_iter()
                        .map(|(mut r, _)| {
                            columns
                                .iter()
                                .map(|c| r.remove(c).unwrap_or(Value::Null))
                                .collect()
                        })
                        .collect();
                    return Ok(Ended::Returned(Rows { columns, rows }));
                }
                Clause::Create(parts) => {
                    if create::batchable(parts, &rows) {
                        self.create_batched(&mut rows, parts)?;
                    } else {
                        for row in &mut rows {
                            for part in parts {
                                self.create_part(row, part)?;
                            }
                        }
                    }
                    add_vars(&mut vars, pattern_vars(parts));
                }
                Clause::Merge {
                    part,
                    on_create,
                    on_match,
                } => {
                    let mut out = Vec::new();
                    for row in rows {
                        let env = self.env();
                        let mut found = Vec::new();
                        match_pattern(env, &row, std::slice::from_ref(part), &mut |r| {
                            found.push(r.clone());
                            Ok(true)
                        })?;
                        if found.is_empty() {
                            let mut r = row;
                            self.create_part(&mut r, part)?;
                            self.set(&r, on_create)?;
                            out.push(r);
                        } else {
                            for r in found {
                                self.set(&r, on_match)?;
                                out.push(r);
                            }
                        }
                    }
                    rows = out;
                    add_vars(&mut vars, pattern_vars(std::slice::from_ref(part)));
                }
                Clause::Set(items) => {
                    for row in &rows {
                        self.set(row, items)?;
                    }
                }
                Clause::Remove(items) => {
                    for row in &rows {
                        self.remove(row, items)?;
                    }
                }
                Clause::Delete { detach, targets } => self.delete(&rows, *detach, targets)?,
                Clause::CreateIndex { name, label, key } => {
                    self.store
                        .write()?
                        .create_property_index(name, label, key)?;
                }
                Clause::DropIndex { name } => {
                    self.store.write()?.drop_property_index(name)?;
                }
                Clause::CreateColumn { label, key } => {
                    self.store.write()?.create_property_column(label, key)?;
                }
                Clause::DropColumn { label, key } => {
                    self.store.write()?.drop_property_column(label, key)?;
                }
                Clause::Call(call) => {
                    let (columns, out) = crate::call::run(self.env(), rows, call)?;
                    if q.clauses.len() == 1 {
                        // A CALL alone returns what it yields.
                        let rows = out
                            .into_iter()
                            .map(|mut r| {
                                columns
                                    .iter()
                                    .map(|c| r.remove(c).unwrap_or(Value::Null))
                                    .collect()
                            })
                            .collect();
                        return Ok(Ended::Returned(Rows { columns, rows }));
                    }
                    rows = out;
                    add_vars(&mut vars, columns);
                }
            }
        }
        Ok(Ended::Ran(rows))
    }

    // ---- projection ----

    /// The columns and, per output row, the row and the scope it was computed in.
    #[allow(clippy::type_complexity)]
    fn project(
        &mut self,
        source: Source<'_>,
        vars: &[String],
        p: &Projection,
    ) -> Result<(Vec<String>, Vec<(Row, Row)>)> {
        let mut items: Vec<ProjectionItem> = Vec::new();
        if p.star {
            let mut sorted: Vec<&String> =
                vars.iter().filter(|v| !v.starts_with('\u{0}')).collect();
            sorted.sort();
            items.extend(sorted.into_iter().map(|v| ProjectionItem {
                expr: Expr::Var(v.clone(), p.pos),
                name: v.clone(),
                aliased: true,
            }));
        }
        items.extend(p.items.iter().cloned());
        let columns: Vec<String> = items.iter().map(|i| i.name.clone()).collect();
        // An ORDER BY key that repeats a projected expression sorts by its column.
        let order_keys: Vec<Expr> = p
            .order
            .iter()
            .map(|s| replace_projected(&s.expr, &items))
            .collect();

        let aggregating = items.iter().any(|i| contains_aggregate(&i.expr))
            || order_keys.iter().any(contains_aggregate);
        let env = self.env();
        // Each output row with the scope its ORDER BY keys are evaluated in.
        let mut out: Vec<(Row, Row)> = Vec::new();
        if aggregating {
            let mut calls: Vec<AggregateCall> = Vec::new();
            let item_exprs: Vec<Expr> =
                items.iter().map(|i| extract(&i.expr, &mut calls)).collect();
            let order_exprs: Vec<Expr> =
                order_keys.iter().map(|e| extract(e, &mut calls)).collect();
            let keys: Vec<usize> = (0..items.len())
                .filter(|i| !items.get(*i).is_some_and(|it| contains_aggregate(&it.expr)))
                .collect();
            let mut groups: Vec<(Row, Vec<Value>, Vec<Accumulator>)> = Vec::new();
            let mut index: HashMap<Vec<GroupKey>, usize> = HashMap::new();
            // An aggregation over one label's nodes reads them without a row per node.
            let pushed = if keys.is_empty() && order_exprs.is_empty() {
                LabelAggregate::of(&source, &calls)
            } else {
                None
            };
            if let Some(scan) = pushed {
                groups.push((Row::default(), Vec::new(), scan.run(env, &calls)?));
            } else {
                source.each(env, &mut |row| {
                    let key_values = keys
                        .iter()
                        .map(|k| {
                            items
                                .get(*k)
                                .map_or(Ok(Value::Null), |it| eval(env, &row, &it.expr))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    // One group (no grouping keys) needs no key to find it.
                    let g = if keys.is_empty() {
                        0
                    } else {
                        let key: Vec<GroupKey> = key_values.iter().map(GroupKey::of).collect();
                        *index.entry(key).or_insert(groups.len())
                    };
                    if g == groups.len() {
                        groups.push((
                            row.as_ref().clone(),
                            key_values,
                            calls.iter().map(|_| Accumulator::default()).collect(),
                        ));
                    }
                    let Some((_, _, accs)) = groups.get_mut(g) else {
                        return Ok(());
                    };
                    for (call, acc) in calls.iter().zip(accs.iter_mut()) {
                        // At most two arguments (the percentiles'): no vector per row.
                        let mut args = call.args.iter().map(|a| eval(env, &row, a));
                        let value = args.next().transpose()?;
                        let param = args.next().transpose()?;
                        acc.add(call, value, param);
                    }
                    Ok(())
                })?;
            }
            if groups.is_empty() && keys.is_empty() {
                groups.push((
                    Row::default(),
                    Vec::new(),
                    calls.iter().map(|_| Accumulator::default()).collect(),
                ));
            }
            for (rep, key_values, accs) in groups {
                let mut scope = rep;
                for (k, v) in keys.iter().zip(key_values) {
                    if let Some(it) = items.get(*k) {
                        scope.insert(it.name.clone(), v);
                    }
                }
                for (slot, (call, acc)) in calls.iter().zip(accs).enumerate() {
                    scope.insert(aggregate_key(slot), acc.finish(call)?);
                }
                let mut projected = Row::default();
                for (i, (it, e)) in items.iter().zip(&item_exprs).enumerate() {
                    let v = if keys.contains(&i) {
                        scope.get(&it.name).cloned().unwrap_or(Value::Null)
                    } else {
                        eval(env, &scope, e)?
                    };
                    projected.insert(it.name.clone(), v);
                }
                let mut order_scope = scope;
                order_scope.extend(projected.iter().map(|(k, v)| (k.clone(), v.clone())));
                for (i, e) in order_exprs.iter().enumerate() {
                    let v = eval(env, &order_scope, e)?;
                    order_scope.insert(sort_key(i), v);
                }
                out.push((projected, order_scope));
            }
        } else {
            source.each(env, &mut |row| {
                let mut projected = Row::default();
                for it in &items {
                    projected.insert(it.name.clone(), eval(env, &row, &it.expr)?);
                }
                let mut scope = row.into_owned();
                scope.extend(projected.iter().map(|(k, v)| (k.clone(), v.clone())));
                for (i, e) in order_keys.iter().enumerate() {
                    let v = eval(env, &scope, e)?;
                    scope.insert(sort_key(i), v);
                }
                out.push((projected, scope));
                Ok(())
            })?;
        }
        if p.distinct {
            let mut seen = std::collections::HashSet::new();
            out.retain(|(r, _)| {
                seen.insert(
                    columns
                        .iter()
                        .map(|c| r.get(c).map_or(GroupKey::Null, GroupKey::of))
                        .collect::<Vec<_>>(),
                )
            });
        }
        if !p.order.is_empty() {
            out.sort_by(|(_, a), (_, b)| {
                for (i, s) in p.order.iter().enumerate() {
                    let key = sort_key(i);
                    let o = order(
                        a.get(&key).unwrap_or(&Value::Null),
                        b.get(&key).unwrap_or(&Value::Null),
                    );
                    let o = if s.descending { o.reverse() } else { o };
                    if o != std::cmp::Ordering::Equal {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        let skip = self.count(p.skip.as_ref(), "SKIP")?.unwrap_or(0);
        let limit = self.count(p.limit.as_ref(), "LIMIT")?;
        let rows = out
            .into_iter()
            .skip(skip)
            .take(limit.unwrap_or(usize::MAX))
            .collect();
        Ok((columns, rows))
    }

    /// A `SKIP` or `LIMIT` count.
    fn count(&self, e: Option<&Expr>, what: &str) -> Result<Option<usize>> {
        let Some(e) = e else { return Ok(None) };
        match eval(self.env(), &Row::default(), e)? {
            Value::Int(i) if i >= 0 => Ok(Some(usize::try_from(i).unwrap_or(usize::MAX))),
            Value::Int(_) => Err(Error::runtime(
                ErrorClass::SyntaxError,
                "NegativeIntegerArgument",
                format!("{what} must not be negative"),
            )),
            other => Err(Error::runtime(
                ErrorClass::SyntaxError,
                "InvalidArgumentType",
                format!("{what} must be an integer, got {}", other.type_name()),
            )),
        }
    }

    // ---- writes ----

    fn create_part(&mut self, row: &mut Row, part: &PatternPart) -> Result<()> {
        let mut nodes = vec![self.create_node(row, &part.start)?];
        let mut rels = Vec::new();
        let mut prev = nodes.first().copied().unwrap_or(NodeId(0));
        for (rel, next) in &part.chain {
            let to = self.create_node(row, next)?;
            let props = self.props(row, rel.props.as_ref())?;
            let (from, to_node) = match rel.dir {
                crate::ast::Dir::In => (to, prev),
                _ => (prev, to),
            };
            let edge_type = rel.types.first().cloned().unwrap_or_default();
            let e = self
                .store
                .write()?
                .add_edge_with(from, to_node, &edge_type, &props)?;
            if let Some(v) = &rel.var {
                row.insert(v.clone(), Value::Relationship(e));
            }
            rels.push(e);
            nodes.push(to);
            prev = to;
        }
        if let Some(v) = &part.var {
            row.insert(v.clone(), Value::Path(Path { nodes, rels }));
        }
        Ok(())
    }

    fn create_node(&mut self, row: &mut Row, np: &crate::ast::NodePattern) -> Result<NodeId> {
        if let Some(v) = np.var.as_ref().and_then(|v| row.get(v)) {
            return match v {
                Value::Node(n) => Ok(*n),
                other => Err(Error::type_error(format!(
                    "cannot create a relationship to {}",
                    other.type_name()
                ))),
            };
        }
        let props = self.props(row, np.props.as_ref())?;
        let labels: Vec<&str> = np.labels.iter().map(String::as_str).collect();
        let n = self.store.write()?.add_node_with(&labels, &props)?;
        if let Some(v) = &np.var {
            row.insert(v.clone(), Value::Node(n));
        }
        Ok(n)
    }

    fn props(&self, row: &Row, e: Option<&Expr>) -> Result<PropertyMap> {
        let Some(e) = e else {
            return Ok(PropertyMap::new());
        };
        if let Expr::Map(entries) = e {
            return self.literal_props(row, entries);
        }
        match eval(self.env(), row, e)? {
            Value::Map(m) => {
                let mut out = PropertyMap::new();
                for (k, v) in m {
                    if let Some(v) = storable(v)? {
                        out.insert(k, v);
                    }
                }
                Ok(out)
            }
            other => Err(Error::type_error(format!(
                "properties must be a map, got {}",
                other.type_name()
            ))),
        }
    }

    /// The properties of a map literal, stored straight into the graph's map: what evaluating
    /// the literal to a map and converting that gives (the first evaluation error; then the
    /// last value of a repeated key; nulls dropped; the first value that cannot be stored, in
    /// key order, an error), without the map in between, which a `CREATE` over many rows
    /// would build and free once per row.
    fn literal_props(&self, row: &Row, entries: &[(String, Expr)]) -> Result<PropertyMap> {
        let env = self.env();
        let mut out = PropertyMap::new();
        // Keys whose last value so far cannot be stored, with why.
        let mut refused: Vec<(&String, Error)> = Vec::new();
        for (key, e) in entries {
            let value = eval(env, row, e)?;
            refused.retain(|(k, _)| *k != key);
            match storable(value) {
                Ok(Some(value)) => {
                    out.insert(key.clone(), value);
                }
                Ok(None) => {
                    out.remove(key);
                }
                Err(why) => {
                    out.remove(key);
                    refused.push((key, why));
                }
            }
        }
        match refused.into_iter().min_by(|(a, _), (b, _)| a.cmp(b)) {
            Some((_, why)) => Err(why),
            None => Ok(out),
        }
    }

    fn set(&mut self, row: &Row, items: &[SetItem]) -> Result<()> {
        for item in items {
            match item {
                SetItem::Property { target, key, value } => {
                    let env = self.env();
                    let target = eval(env, row, target)?;
                    let value = storable(eval(env, row, value)?)?.unwrap_or(graph::Value::Null);
                    match target {
                        Value::Node(n) => {
                            self.store.write()?.set_node_property(n, key, value)?;
                        }
                        Value::Relationship(r) => {
                            self.store.write()?.set_edge_property(r, key, value)?;
                        }
                        Value::Null => {}
                        other => {
                            return Err(Error::type_error(format!(
                                "cannot set a property on {}",
                                other.type_name()
                            )));
                        }
                    }
                }
                SetItem::Properties { var, value, merge } => {
                    let env = self.env();
                    let target = row.get(var).cloned().unwrap_or(Value::Null);
                    let map = match eval(env, row, value)? {
                        Value::Map(m) => m,
                        v @ (Value::Node(_) | Value::Relationship(_)) => {
                            crate::functions::properties_of(env, &v)?
                        }
                        Value::Null => Default::default(),
                        other => {
                            return Err(Error::type_error(format!(
                                "SET needs a map, got {}",
                                other.type_name()
                            )));
                        }
                    };
                    let mut converted: Vec<(String, graph::Value)> = Vec::new();
                    for (k, v) in map {
                        converted.push((k, storable(v)?.unwrap_or(graph::Value::Null)));
                    }
                    let current = match &target {
                        Value::Node(n) => env.store.read().node_props(*n)?,
                        Value::Relationship(r) => env.store.read().rel_props(*r)?,
                        Value::Null => continue,
                        other => {
                            return Err(Error::type_error(format!(
                                "cannot set properties on {}",
                                other.type_name()
                            )));
                        }
                    };
                    let mut next = if *merge { current } else { PropertyMap::new() };
                    for (k, v) in converted {
                        match v {
                            graph::Value::Null => {
                                next.remove(&k);
                            }
                            v => {
                                next.insert(k, v);
                            }
                        }
                    }
                    let txn = self.store.write()?;
                    match target {
                        Value::Node(n) => txn.set_node_properties(n, &next)?,
                        Value::Relationship(r) => txn.set_edge_properties(r, &next)?,
                        _ => {}
                    }
                }
                SetItem::Labels { var, labels } => match row.get(var) {
                    Some(Value::Node(n)) => {
                        let n = *n;
                        for l in labels {
                            self.store.write()?.add_label(n, l)?;
                        }
                    }
                    Some(Value::Null) | None => {}
                    Some(other) => {
                        return Err(Error::type_error(format!(
                            "cannot label {}",
                            other.type_name()
                        )));
                    }
                },
            }
        }
        Ok(())
    }

    fn remove(&mut self, row: &Row, items: &[RemoveItem]) -> Result<()> {
        for item in items {
            match item {
                RemoveItem::Property { target, key } => match eval(self.env(), row, target)? {
                    Value::Node(n) => {
                        self.store.write()?.remove_node_property(n, key)?;
                    }
                    Value::Relationship(r) => {
                        self.store.write()?.remove_edge_property(r, key)?;
                    }
                    Value::Null => {}
                    other => {
                        return Err(Error::type_error(format!(
                            "cannot remove a property of {}",
                            other.type_name()
                        )));
                    }
                },
                RemoveItem::Labels { var, labels } => {
                    if let Some(Value::Node(n)) = row.get(var) {
                        let n = *n;
                        for l in labels {
                            self.store.write()?.remove_label(n, l)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, rows: &[Row], detach: bool, targets: &[Expr]) -> Result<()> {
        let (mut nodes, mut rels): (Vec<NodeId>, Vec<EdgeId>) = (Vec::new(), Vec::new());
        let env = self.env();
        for row in rows {
            for t in targets {
                match eval(env, row, t)? {
                    Value::Node(n) => nodes.push(n),
                    Value::Relationship(r) => rels.push(r),
                    Value::Path(p) => {
                        nodes.extend(p.nodes);
                        rels.extend(p.rels);
                    }
                    Value::Null => {}
                    other => {
                        return Err(Error::type_error(format!(
                            "cannot delete {}",
                            other.type_name()
                        )));
                    }
                }
            }
        }
        for r in rels {
            let edge_type = self.store.read().edge(r)?.map(|e| e.edge_type_id());
            if let Some(edge_type) = edge_type {
                self.deleted_types.insert(r, edge_type);
                self.store.write()?.delete_edge(r)?;
            }
        }
        for n in nodes {
            let read = self.store.read();
            if !read.node_exists(n)? {
                continue;
            }
            if !detach && read.degree(n, Direction::Both)? > 0 {
                return Err(Error::runtime(
                    ErrorClass::ConstraintVerificationFailed,
                    "DeleteConnectedNode",
                    "cannot delete a node that has relationships; use DETACH DELETE",
                ));
            }
            self.store.write()?.delete_node(n)?;
        }
        Ok(())
    }
}

fn sort_key(i: usize) -> String {
    format!("\u{0}sort{i}")
}

/// `e` with every subexpression equal to a projected item's expression replaced by its column.
fn replace_projected(e: &Expr, items: &[ProjectionItem]) -> Expr {
    if let Some(it) = items.iter().find(|it| it.expr == *e) {
        return Expr::Var(it.name.clone(), crate::error::Pos::default());
    }
    map_children(e, &mut |c| replace_projected(c, items))
}

/// A value as a property: `None` for null; lists of simple values; maps, nodes,
/// relationships and paths are not property values.
fn storable(v: Value) -> Result<Option<graph::Value>> {
    Ok(Some(match v {
        Value::Null => return Ok(None),
        Value::Bool(b) => graph::Value::Bool(b),
        Value::Int(i) => graph::Value::Int(i),
        Value::Float(f) => graph::Value::Float(f),
        Value::String(s) => graph::Value::String(s),
        Value::Bytes(b) => graph::Value::Bytes(b),
        Value::List(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::Null
                    | Value::List(_)
                    | Value::Map(_)
                    | Value::Node(_)
                    | Value::Relationship(_)
                    | Value::Path(_) => {
                        return Err(Error::runtime(
                            ErrorClass::TypeError,
                            "InvalidPropertyType",
                            "a property list holds only simple values",
                        ));
                    }
                    other => out.extend(storable(other)?),
                }
            }
            graph::Value::List(out)
        }
        other => {
            return Err(Error::runtime(
                ErrorClass::TypeError,
                "InvalidPropertyType",
                format!("a property cannot hold a {}", other.type_name()),
            ));
        }
    }))
}
