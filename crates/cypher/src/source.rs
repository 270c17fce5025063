//! Where a projection's rows come from: rows an earlier clause collected, or the matches of a
//! `MATCH` found while the projection consumes them, so that an aggregation over a pattern
//! never holds (or copies) a row per match.

use std::borrow::Cow;

use crate::ast::{Expr, PatternPart};
use crate::error::Result;
use crate::eval::{Env, Row, holds};
use crate::matcher::match_pattern;
use crate::store::Store;
use crate::value::Value;

/// A `MATCH` clause and the rows it extends, not yet run.
pub(crate) struct MatchSource<'q> {
    /// The rows before the clause.
    pub(crate) input: Vec<Row>,
    /// `OPTIONAL MATCH`: a row without a match goes on with the new variables null.
    pub(crate) optional: bool,
    /// The patterns.
    pub(crate) patterns: &'q [PatternPart],
    /// The clause's `WHERE`.
    pub(crate) filter: Option<&'q Expr>,
    /// Every variable the patterns bind.
    pub(crate) new_vars: Vec<String>,
}

/// The rows a clause consumes.
pub(crate) enum Source<'q> {
    /// Rows already collected.
    Rows(Vec<Row>),
    /// The rows of a `MATCH`, produced one at a time.
    Match(MatchSource<'q>),
}

impl Source<'_> {
    /// Calls `f` with each row in order: owned when collected, borrowed from the matcher
    /// when streamed (a consumer that keeps the row copies it; one that aggregates does not).
    pub(crate) fn each<S: Store>(
        self,
        env: Env<'_, S>,
        f: &mut dyn FnMut(Cow<'_, Row>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Source::Rows(rows) => rows.into_iter().try_for_each(|r| f(Cow::Owned(r))),
            Source::Match(m) => m.each(env, f),
        }
    }
}

impl MatchSource<'_> {
    /// Calls `f` with each row the clause yields, in order.
    pub(crate) fn each<S: Store>(
        self,
        env: Env<'_, S>,
        f: &mut dyn FnMut(Cow<'_, Row>) -> Result<()>,
    ) -> Result<()> {
        for row in &self.input {
            let mut found = false;
            match_pattern(env, row, self.patterns, &mut |r| {
                if self.filter.map_or(Ok(true), |w| holds(env, r, w))? {
                    found = true;
                    f(Cow::Borrowed(r))?;
                }
                Ok(true)
            })?;
            if self.optional && !found {
                let mut r = row.clone();
                for v in &self.new_vars {
                    r.entry(v.clone()).or_insert(Value::Null);
                }
                f(Cow::Owned(r))?;
            }
        }
        Ok(())
    }
}

/// The source of the next projection: the `MATCH` held back for it, else the rows so far.
pub(crate) fn take<'q>(streamed: &mut Option<MatchSource<'q>>, rows: &mut Vec<Row>) -> Source<'q> {
    streamed
        .take()
        .map_or_else(|| Source::Rows(std::mem::take(rows)), Source::Match)
}

#[cfg(test)]
mod tests {
    use graph::Graph;

    use crate::{Params, Value};

    fn run(graph: &Graph, text: &str) -> Vec<Vec<Value>> {
        let read = graph.begin_read().expect("read");
        crate::query(&read, text, &Params::new())
            .expect("query")
            .rows
    }

    fn people() -> Graph {
        let graph = Graph::in_memory().expect("graph");
        crate::execute(
            &graph,
            "UNWIND range(1, 10) AS i CREATE (:P {age: i % 3, i: i})",
            &Params::new(),
        )
        .expect("create");
        graph
    }

    #[test]
    fn streamed_match_groups_like_collected_rows() {
        let graph = people();
        // The same grouping over a streamed MATCH and over rows a WITH collected first.
        let streamed = run(
            &graph,
            "MATCH (p:P) RETURN p.age AS a, count(*) AS n, sum(p.i) AS s ORDER BY a",
        );
        let collected = run(
            &graph,
            "MATCH (p:P) WITH p LIMIT 100 RETURN p.age AS a, count(*) AS n, sum(p.i) AS s ORDER BY a",
        );
        assert_eq!(streamed, collected);
        assert_eq!(
            streamed,
            vec![
                vec![Value::Int(0), Value::Int(3), Value::Int(18)],
                vec![Value::Int(1), Value::Int(4), Value::Int(22)],
                vec![Value::Int(2), Value::Int(3), Value::Int(15)],
            ]
        );
    }

    #[test]
    fn streamed_optional_match_without_matches_yields_null_row() {
        let graph = people();
        assert_eq!(
            run(
                &graph,
                "OPTIONAL MATCH (m:Missing) RETURN count(m) AS c, count(*) AS n"
            ),
            vec![vec![Value::Int(0), Value::Int(1)]]
        );
    }

    #[test]
    fn streamed_match_filter_applies_before_aggregation() {
        let graph = people();
        assert_eq!(
            run(&graph, "MATCH (p:P) WHERE p.i > 7 RETURN collect(p.i) AS l"),
            vec![vec![Value::List(vec![
                Value::Int(8),
                Value::Int(9),
                Value::Int(10)
            ])]]
        );
    }
}
