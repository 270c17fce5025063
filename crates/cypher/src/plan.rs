//! The planner: finds, for each node of a `MATCH` or `MERGE` pattern, the constant bounds its
//! properties must meet (inline `{key: value}` maps and top-level `AND`ed comparisons in
//! `WHERE` such as `n.age > 30` or `$id = n.id`), and records them on the node pattern. The
//! matcher asks the graph for the node's candidates through a property index when one covers
//! the label and key, and scans the label otherwise; the predicates are checked either way.

use std::ops::Bound;

use crate::ast::{BinOp, Clause, Expr, IndexHint, NodePattern, PatternPart, Query};

/// Records index hints on the node patterns of `query`.
pub(crate) fn plan(query: &mut Query) {
    for clause in query.parts.iter_mut().flat_map(|p| &mut p.clauses) {
        match clause {
            Clause::Match {
                patterns, filter, ..
            } => {
                let mut conjuncts = Vec::new();
                if let Some(f) = filter {
                    split_and(f, &mut conjuncts);
                }
                for part in patterns {
                    plan_part(part, &conjuncts);
                }
            }
            Clause::Merge { part, .. } => plan_part(part, &[]),
            _ => {}
        }
    }
}

fn split_and<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary(BinOp::And, a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        other => out.push(other),
    }
}

fn plan_part(part: &mut PatternPart, conjuncts: &[&Expr]) {
    plan_node(&mut part.start, conjuncts);
    for (_, node) in &mut part.chain {
        plan_node(node, conjuncts);
    }
}

fn plan_node(node: &mut NodePattern, conjuncts: &[&Expr]) {
    if node.labels.is_empty() {
        return;
    }
    let mut hints = Vec::new();
    if let Some(Expr::Map(entries)) = &node.props {
        for (key, value) in entries {
            if is_constant(value) {
                hints.push(IndexHint {
                    key: key.clone(),
                    from: Bound::Included(value.clone()),
                    to: Bound::Included(value.clone()),
                });
            }
        }
    }
    if let Some(var) = &node.var {
        hints.extend(conjuncts.iter().filter_map(|c| comparison_hint(c, var)));
    }
    node.hints = hints;
}

/// `var.key OP constant` (either way round) as a hint.
fn comparison_hint(e: &Expr, var: &str) -> Option<IndexHint> {
    let Expr::Comparison(first, rest) = e else {
        return None;
    };
    let [(op, second)] = rest.as_slice() else {
        return None;
    };
    let (key, value, op) = match (property_of(first, var), property_of(second, var)) {
        (Some(key), None) if is_constant(second) => (key, second.clone(), *op),
        (None, Some(key)) if is_constant(first) => (key, (**first).clone(), flip(*op)?),
        _ => return None,
    };
    let (from, to) = match op {
        BinOp::Eq => (Bound::Included(value.clone()), Bound::Included(value)),
        BinOp::Lt => (Bound::Unbounded, Bound::Excluded(value)),
        BinOp::Le => (Bound::Unbounded, Bound::Included(value)),
        BinOp::Gt => (Bound::Excluded(value), Bound::Unbounded),
        BinOp::Ge => (Bound::Included(value), Bound::Unbounded),
        _ => return None,
    };
    Some(IndexHint { key, from, to })
}

fn flip(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Eq => BinOp::Eq,
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        _ => return None,
    })
}

fn property_of(e: &Expr, var: &str) -> Option<String> {
    match e {
        Expr::Property(target, key) if matches!(&**target, Expr::Var(v, _) if v == var) => {
            Some(key.clone())
        }
        _ => None,
    }
}

/// Whether `e` has the same value in every row: literals and parameters only.
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Literal(_) | Expr::Param(..) => true,
        Expr::List(items) => items.iter().all(is_constant),
        Expr::Neg(x) => is_constant(x),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse;

    fn hints(text: &str) -> Vec<IndexHint> {
        let mut q = parse(text).expect("parses");
        plan(&mut q);
        match q.parts.first().and_then(|p| p.clauses.first()) {
            Some(Clause::Match { patterns, .. }) => patterns
                .first()
                .map(|p| p.start.hints.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn equality_and_ranges_on_a_labelled_node_become_hints() {
        let h = hints("MATCH (n:P) WHERE n.age > 30 AND $name = n.name RETURN n");
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].key, "age");
        assert!(matches!(h[0].from, Bound::Excluded(_)) && matches!(h[0].to, Bound::Unbounded));
        assert_eq!(h[1].key, "name");
        assert!(matches!(h[1].from, Bound::Included(Expr::Param(..))));
        assert_eq!(hints("MATCH (n:P {id: 3}) RETURN n").len(), 1);
    }

    #[test]
    fn predicates_that_depend_on_rows_or_alternatives_give_no_hint() {
        assert!(hints("MATCH (n:P), (m) WHERE n.age = m.age RETURN n").is_empty());
        assert!(hints("MATCH (n:P) WHERE n.age = 1 OR n.age = 2 RETURN n").is_empty());
        assert!(hints("MATCH (n) WHERE n.age = 1 RETURN n").is_empty());
    }
}
