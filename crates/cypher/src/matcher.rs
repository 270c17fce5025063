//! Finding the matches of patterns: node candidates from a label scan (or every node), then
//! expansion by relationship type and direction, fixed or variable length, with each
//! relationship used at most once per match (openCypher's relationship isomorphism).

use graph::{Direction, EdgeId, NodeId, PropertyRead};

use std::collections::HashMap;

use crate::ast::{Dir, Expr, NodePattern, PatternPart, RelPattern, Shortest};

use crate::error::{Error, ErrorClass, Result};
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
    bind(&mut row, var, value);
    row
}

/// Binds `var` (if named) to `value` in `row`, overwriting the slot a previous candidate
/// took: a loop over candidates copies its scope once, not once per candidate.
fn bind(row: &mut Row, var: &Option<String>, value: Value) {
    let Some(var) = var else { return };
    match row.get_mut(var) {
        Some(slot) => *slot = value,
        None => {
            row.insert(var.clone(), value);
        }
    }
}

impl<S: Store> Matcher<'_, '_, '_, S> {
    /// Matches part `i` onwards; whether to go on.
    fn part(&mut self, i: usize, scope: &Row) -> Result<bool> {
        let Some(p) = self.parts.get(i) else {
            return (self.emit)(scope);
        };
        if let Some(which) = p.shortest {
            return self.shortest(i, which, scope);
        }
        // Candidates of an unbound node come from its first label's scan or index: with one
        // label and no properties to compare, each one fits already.
        let start = &p.start;
        let fits = start.labels.len() <= 1
            && start.props.is_none()
            && start.var.as_ref().is_none_or(|v| !scope.contains_key(v));
        let mut bound = scope.clone();
        for n in self.candidates(start, scope)? {
            if !fits && !self.node_ok(start, n, scope)? {
                continue;
            }
            bind(&mut bound, &start.var, Value::Node(n));
            if !self.step(i, 0, n, &bound, vec![n], Vec::new())? {
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
            if p.var.is_none() {
                return self.part(i + 1, scope);
            }
            let scope = with(scope, &p.var, Value::Path(Path { nodes, rels }));
            return self.part(i + 1, &scope);
        };
        match rel.range {
            None => {
                let bound = rel.var.as_ref().and_then(|v| scope.get(v)).cloned();
                let mut hop_scope = scope.clone();
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
                    bind(&mut hop_scope, &rel.var, Value::Relationship(e));
                    bind(&mut hop_scope, &next.var, Value::Node(other));
                    let (mut nodes, mut rels) = (nodes.clone(), rels.clone());
                    nodes.push(other);
                    rels.push(e);
                    self.used.push(e);
                    let go_on = self.step(i, j + 1, other, &hop_scope, nodes, rels);
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

    /// `shortestPath(...)` / `allShortestPaths(...)` of part `i`: one relationship pattern
    /// (of any length); per start node, a breadth-first search keeping every parent one level
    /// up, then the shortest paths to each end node that fits.
    fn shortest(&mut self, i: usize, which: Shortest, scope: &Row) -> Result<bool> {
        let parts = self.parts;
        let Some(p) = parts.get(i) else {
            return Ok(true);
        };
        let [(rel, end)] = p.chain.as_slice() else {
            return Err(Error::runtime(
                ErrorClass::SyntaxError,
                "InvalidArgumentType",
                "shortestPath needs a pattern of one relationship",
            ));
        };
        let (min, max) = rel.range.unwrap_or((Some(1), Some(1)));
        let (min, max) = (min.unwrap_or(1), max.unwrap_or(u64::MAX));
        let read = self.env.store.read();
        for s in self.candidates(&p.start, scope)? {
            if !self.node_ok(&p.start, s, scope)? {
                continue;
            }
            // Breadth-first levels: each node's parents one level up.
            let mut parents: HashMap<NodeId, Vec<(NodeId, EdgeId)>> = HashMap::new();
            let mut depth: HashMap<NodeId, u64> = HashMap::from([(s, 0)]);
            let mut order = vec![s];
            let mut frontier = vec![s];
            let mut level = 0;
            while !frontier.is_empty() && level < max {
                level += 1;
                let mut next = Vec::new();
                for &n in &frontier {
                    for (e, other) in read.expand(n, direction(rel.dir), &rel.types)? {
                        if self.reserved.contains(&e) || !self.rel_ok(rel, e, scope)? {
                            continue;
                        }
                        match depth.get(&other) {
                            None => {
                                depth.insert(other, level);
                                parents.insert(other, vec![(n, e)]);
                                next.push(other);
                                order.push(other);
                            }
                            Some(d) if *d == level && which == Shortest::All => {
                                parents.entry(other).or_default().push((n, e));
                            }
                            _ => {}
                        }
                    }
                }
                frontier = next;
            }
            for &t in &order {
                let d = depth.get(&t).copied().unwrap_or(0);
                if d < min || !self.node_ok(end, t, scope)? {
                    continue;
                }
                let mut paths = Vec::new();
                walk_back(&parents, s, t, &mut Vec::new(), &mut paths, which);
                for (nodes, rels) in paths {
                    let hops = Value::List(rels.iter().map(|e| Value::Relationship(*e)).collect());
                    let rel_value = if rel.range.is_some() {
                        hops
                    } else {
                        rels.first()
                            .map_or(Value::Null, |e| Value::Relationship(*e))
                    };
                    let row = with(
                        &with(
                            &with(scope, &p.start.var, Value::Node(s)),
                            &rel.var,
                            rel_value,
                        ),
                        &end.var,
                        Value::Node(t),
                    );
                    let row = with(&row, &p.var, Value::Path(Path { nodes, rels }));
                    if !self.part(i + 1, &row)? {
                        return Ok(false);
                    }
                }
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
        let empty = Row::default();
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
        if !np.labels.is_empty() && !read.has_labels(n, &np.labels)? {
            return Ok(false);
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

/// The paths from `s` to `t` along `parents` (one, or every one), as nodes and relationships.
fn walk_back(
    parents: &HashMap<NodeId, Vec<(NodeId, EdgeId)>>,
    s: NodeId,
    t: NodeId,
    suffix: &mut Vec<(NodeId, EdgeId)>,
    out: &mut Vec<(Vec<NodeId>, Vec<EdgeId>)>,
    which: Shortest,
) {
    if which == Shortest::One && !out.is_empty() {
        return;
    }
    if t == s {
        let mut nodes = vec![s];
        let mut rels = Vec::new();
        for (n, e) in suffix.iter().rev() {
            rels.push(*e);
            nodes.push(*n);
        }
        out.push((nodes, rels));
        return;
    }
    for &(p, e) in parents.get(&t).map(Vec::as_slice).unwrap_or_default() {
        suffix.push((t, e));
        walk_back(parents, s, p, suffix, out, which);
        suffix.pop();
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
