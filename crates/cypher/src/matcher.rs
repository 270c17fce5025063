//! Finding the matches of patterns: node candidates from a label scan (or every node), then
//! expansion by relationship type and direction, fixed or variable length, with each
//! relationship used at most once per match (openCypher's relationship isomorphism).

use graph::{Direction, EdgeId, NodeId, PropertyRead};

use crate::ast::{Dir, Expr, NodePattern, PatternPart, RelPattern};

use crate::error::{Error, Result};
use crate::eval::{Env, Row, eval};
use crate::store::{Reads, Store};
use crate::value::{Path, Value, equals};

/// Calls `emit` with the row extended by each match of `parts` (all together) in `row`, until
/// it returns `false`.
pub(crate) fn match_pattern<S: Store>(
    env: Env<'_, S>,
    row: &Row,
    parts: &[PatternPart],
    emit: &mut dyn FnMut(&Row) -> Result<bool>,
) -> Result<()> {
    // Relationships bound before this pattern and named in it take part in it: no other hop
    // may use them.
    let mut reserved = Vec::new();
    for (rel, _) in parts.iter().flat_map(|p| &p.chain) {
        if let Some(Value::Relationship(e)) = rel.var.as_ref().and_then(|v| row.get(v)) {
            reserved.push(*e);
        }
    }
    let mut m = Matcher {
        env,
        parts,
        emit,
        used: Vec::new(),
        reserved,
    };
    m.part(0, row)?;
    Ok(())
}

struct Matcher<'e, 'p, 'f, S: Store> {
    env: Env<'e, S>,
    parts: &'p [PatternPart],
    emit: &'f mut dyn FnMut(&Row) -> Result<bool>,
    used: Vec<EdgeId>,
    reserved: Vec<EdgeId>,
}

fn direction(dir: Dir) -> Direction {
    match dir {
        Dir::Out => Direction::Out,
        Dir::In => Direction::In,
        Dir::Both => Direction::Both,
    }
}

fn with(row: &Row, var: &Option<String>, value: Value) -> Row {
    let mut row = row.clone();
    if let Some(var) = var {
        row.insert(var.clone(), value);
    }
    row
}

impl<S: Store> Matcher<'_, '_, '_, S> {
    /// Matches part `i` onwards; whether to go on.
    fn part(&mut self, i: usize, scope: &Row) -> Result<bool> {
        let Some(p) = self.parts.get(i) else {
            return (self.emit)(scope);
        };
        if p.shortest.is_some() {
            return Err(Error::Unsupported {
                line: 0,
                column: 0,
                what: "shortestPath".into(),
            });
        }
        for n in self.candidates(&p.start, scope)? {
            if !self.node_ok(&p.start, n, scope)? {
                continue;
            }
            let scope = with(scope, &p.start.var, Value::Node(n));
            if !self.step(i, 0, n, &scope, vec![n], Vec::new())? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Matches hop `j` of part `i` from node `cur`.
    fn step(
        &mut self,
        i: usize,
        j: usize,
        cur: NodeId,
        scope: &Row,
        nodes: Vec<NodeId>,
        rels: Vec<EdgeId>,
    ) -> Result<bool> {
        let parts = self.parts;
        let Some(p) = parts.get(i) else {
            return Ok(true);
        };
        let Some((rel, next)) = p.chain.get(j) else {
            let scope = with(scope, &p.var, Value::Path(Path { nodes, rels }));
            return self.part(i + 1, &scope);
        };
        match rel.range {
            None => {
                let bound = rel.var.as_ref().and_then(|v| scope.get(v)).cloned();
                for (e, other) in
                    self.env
                        .store
                        .read()
                        .expand(cur, direction(rel.dir), &rel.types)?
                {
                    if self.used.contains(&e) {
                        continue;
                    }
                    match &bound {
                        Some(Value::Relationship(b)) if *b != e => continue,
                        Some(Value::Relationship(_)) => {}
                        None if self.reserved.contains(&e) => continue,
                        None => {}
                        Some(_) => continue,
                    }
                    if !self.rel_ok(rel, e, scope)? || !self.node_ok(next, other, scope)? {
                        continue;
                    }
                    let scope = with(
                        &with(scope, &rel.var, Value::Relationship(e)),
                        &next.var,
                        Value::Node(other),
                    );
                    let (mut nodes, mut rels) = (nodes.clone(), rels.clone());
                    nodes.push(other);
                    rels.push(e);
                    self.used.push(e);
                    let go_on = self.step(i, j + 1, other, &scope, nodes, rels);
                    self.used.pop();
                    if !go_on? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Some((min, max)) => {
                let min = min.unwrap_or(1);
                let max = max.unwrap_or(u64::MAX);
                let mut trail = Trail {
                    nodes,
                    rels,
                    start_len: 0,
                };
                trail.start_len = trail.rels.len();
                self.var_step(i, j, cur, 0, min, max, scope, &mut trail)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn var_step(
        &mut self,
        i: usize,
        j: usize,
        cur: NodeId,
        depth: u64,
        min: u64,
        max: u64,
        scope: &Row,
        trail: &mut Trail,
    ) -> Result<bool> {
        let parts = self.parts;
        let Some((rel, next)) = parts.get(i).and_then(|p| p.chain.get(j)) else {
            return Ok(true);
        };
        if depth >= min && self.node_ok(next, cur, scope)? {
            let hops: Vec<Value> = trail
                .rels
                .get(trail.start_len..)
                .unwrap_or_default()
                .iter()
                .map(|e| Value::Relationship(*e))
                .collect();
            let bound_ok = match rel.var.as_ref().and_then(|v| scope.get(v)) {
                None => true,
                Some(b) => equals(b, &Value::List(hops.clone())) == Some(true),
            };
            if bound_ok {
                let scope = with(
                    &with(scope, &rel.var, Value::List(hops)),
                    &next.var,
                    Value::Node(cur),
                );
                if !self.step(
                    i,
                    j + 1,
                    cur,
                    &scope,
                    trail.nodes.clone(),
                    trail.rels.clone(),
                )? {
                    return Ok(false);
                }
            }
        }
        if depth >= max {
            return Ok(true);
        }
        for (e, other) in self
            .env
            .store
            .read()
            .expand(cur, direction(rel.dir), &rel.types)?
        {
            if self.used.contains(&e)
                || self.reserved.contains(&e)
                || trail
                    .rels
                    .get(trail.start_len..)
                    .unwrap_or_default()
                    .contains(&e)
            {
                continue;
            }
            if !self.rel_ok(rel, e, scope)? {
                continue;
            }
            trail.rels.push(e);
            trail.nodes.push(other);
            let go_on = self.var_step(i, j, other, depth + 1, min, max, scope, trail);
            trail.rels.pop();
            trail.nodes.pop();
            if !go_on? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The nodes a node pattern may match: its bound node, a label's nodes, or every node.
    fn candidates(&self, np: &NodePattern, scope: &Row) -> Result<Vec<NodeId>> {
        if let Some(v) = np.var.as_ref().and_then(|v| scope.get(v)) {
            return match v {
                Value::Node(n) => Ok(vec![*n]),
                Value::Null => Ok(Vec::new()),
                other => Err(Error::type_error(format!(
                    "{} is not a node",
                    other.type_name()
                ))),
            };
        }
        let read = self.env.store.read();
        if let Some(nodes) = self.indexed(np)? {
            return Ok(nodes);
        }
        match np.labels.first() {
            Some(label) => read.labelled(label),
            None => read.all_nodes(),
        }
    }

    /// The candidates a property index gives for the planner's hints on `np`, if one covers
    /// a label and key of the pattern and the bounds are indexable values.
    fn indexed(&self, np: &NodePattern) -> Result<Option<Vec<NodeId>>> {
        use std::ops::Bound;
        let empty = Row::new();
        let bound = |b: &Bound<Expr>| -> Option<Bound<graph::Value>> {
            Some(match b {
                Bound::Included(e) => Bound::Included(indexable(eval(self.env, &empty, e).ok()?)?),
                Bound::Excluded(e) => Bound::Excluded(indexable(eval(self.env, &empty, e).ok()?)?),
                Bound::Unbounded => Bound::Unbounded,
            })
        };
        for hint in &np.hints {
            let (Some(from), Some(to)) = (bound(&hint.from), bound(&hint.to)) else {
                continue;
            };
            for label in &np.labels {
                if let Some(nodes) = self.env.store.read().nodes_by_property_range(
                    label,
                    &hint.key,
                    from.as_ref(),
                    to.as_ref(),
                )? {
                    return Ok(Some(nodes));
                }
            }
        }
        Ok(None)
    }

    /// Whether node `n` fits `np` in `scope` (its bound node, labels and properties).
    fn node_ok(&self, np: &NodePattern, n: NodeId, scope: &Row) -> Result<bool> {
        if let Some(v) = np.var.as_ref().and_then(|v| scope.get(v))
            && *v != Value::Node(n)
        {
            return Ok(false);
        }
        let read = self.env.store.read();
        if !np.labels.is_empty() {
            let have = read.labels(n)?;
            if !np.labels.iter().all(|l| have.contains(l)) {
                return Ok(false);
            }
        }
        self.props_ok(np.props.as_ref(), scope, |key| read.node_prop(n, key))
    }

    fn rel_ok(&self, rp: &RelPattern, e: EdgeId, scope: &Row) -> Result<bool> {
        let read = self.env.store.read();
        self.props_ok(rp.props.as_ref(), scope, |key| read.rel_prop(e, key))
    }

    fn props_ok(
        &self,
        props: Option<&Expr>,
        scope: &Row,
        get: impl Fn(&str) -> Result<Value>,
    ) -> Result<bool> {
        let Some(props) = props else { return Ok(true) };
        match eval(self.env, scope, props)? {
            Value::Map(map) => {
                for (key, want) in map {
                    if equals(&get(&key)?, &want) != Some(true) {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Value::Null => Ok(true),
            other => Err(Error::type_error(format!(
                "pattern properties must be a map, got {}",
                other.type_name()
            ))),
        }
    }
}

/// A value a property index holds (numbers, strings, booleans).
fn indexable(v: Value) -> Option<graph::Value> {
    match v {
        Value::Int(i) => Some(graph::Value::Int(i)),
        Value::Float(f) if !f.is_nan() => Some(graph::Value::Float(f)),
        Value::String(s) => Some(graph::Value::String(s)),
        Value::Bool(b) => Some(graph::Value::Bool(b)),
        _ => None,
    }
}

/// The nodes and relationships of the path so far; `start_len` is where the current
/// variable-length hop's relationships begin.
struct Trail {
    nodes: Vec<NodeId>,
    rels: Vec<EdgeId>,
    start_len: usize,
}
