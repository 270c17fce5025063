//! The procedures `CALL` runs: the `algo` crate's algorithms that give one value per node,
//! each yielding `node` and one named value. A procedure takes one optional map of settings
//! (the view: relationship types, labels, direction; then the algorithm's own), checked by
//! name before it runs.

use std::collections::BTreeMap;

use algo::{Control, PageRankParams, Sources, View};
use graph::{Direction, GraphRead, Neighbor, NodeId, PropertyRead};

use crate::error::{Error, ErrorClass, Result};
use crate::value::Value;

/// A procedure `CALL` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Procedure {
    PageRank,
    Wcc,
    Scc,
    KCore,
    Louvain,
    Cdlp,
    Lcc,
    Triangles,
    Degree,
    Closeness,
    Betweenness,
    Bfs,
    Sssp,
}

/// What the documentation and the shell's help say about a procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcedureInfo {
    /// The name `CALL` takes (`algo.pagerank`).
    pub name: &'static str,
    /// The columns it yields: `node`, then its value.
    pub yields: [&'static str; 2],
    /// Its settings beside the view's (`relationshipTypes`, `labels`, `direction`).
    pub settings: &'static [&'static str],
    /// What the value is.
    pub description: &'static str,
}

/// Settings every procedure takes: the view the algorithm sees.
const VIEW_SETTINGS: &[&str] = &["relationshipTypes", "labels", "direction"];

const ALL: [Procedure; 13] = [
    Procedure::PageRank,
    Procedure::Wcc,
    Procedure::Scc,
    Procedure::KCore,
    Procedure::Louvain,
    Procedure::Cdlp,
    Procedure::Lcc,
    Procedure::Triangles,
    Procedure::Degree,
    Procedure::Closeness,
    Procedure::Betweenness,
    Procedure::Bfs,
    Procedure::Sssp,
];

/// Every procedure `CALL` knows.
pub fn procedures() -> impl Iterator<Item = ProcedureInfo> {
    ALL.into_iter().map(Procedure::info)
}

impl Procedure {
    /// The procedure called `name` (ASCII case ignored).
    pub(crate) fn named(name: &str) -> Option<Procedure> {
        ALL.into_iter()
            .find(|p| p.info().name.eq_ignore_ascii_case(name))
    }

    fn info(self) -> ProcedureInfo {
        let (name, value, settings, description): (_, _, &'static [&'static str], _) = match self {
            Procedure::PageRank => (
                "algo.pagerank",
                "score",
                &["damping", "iterations"],
                "PageRank as Graphalytics defines it (damping 0.85, 20 iterations by default)",
            ),
            Procedure::Wcc => (
                "algo.wcc",
                "component",
                &[],
                "weakly connected component: the smallest node id in it",
            ),
            Procedure::Scc => (
                "algo.scc",
                "component",
                &[],
                "strongly connected component number",
            ),
            Procedure::KCore => (
                "algo.kcore",
                "core",
                &[],
                "core number (edges taken undirected)",
            ),
            Procedure::Louvain => (
                "algo.louvain",
                "community",
                &["seed"],
                "Louvain community (seed 0 by default)",
            ),
            Procedure::Cdlp => (
                "algo.cdlp",
                "community",
                &["iterations"],
                "label propagation community as Graphalytics defines it (10 iterations by default)",
            ),
            Procedure::Lcc => (
                "algo.lcc",
                "coefficient",
                &[],
                "local clustering coefficient as Graphalytics defines it",
            ),
            Procedure::Triangles => (
                "algo.triangles",
                "triangles",
                &[],
                "triangles through the node (edges taken undirected)",
            ),
            Procedure::Degree => (
                "algo.degree",
                "score",
                &[],
                "degree in the view's direction",
            ),
            Procedure::Closeness => (
                "algo.closeness",
                "score",
                &[],
                "closeness centrality (networkx's form)",
            ),
            Procedure::Betweenness => (
                "algo.betweenness",
                "score",
                &["samples", "seed"],
                "betweenness centrality: exact, or estimated from `samples` sources",
            ),
            Procedure::Bfs => (
                "algo.bfs",
                "level",
                &["source"],
                "breadth-first level from `source` (reached nodes only)",
            ),
            Procedure::Sssp => (
                "algo.sssp",
                "distance",
                &["source", "weight"],
                "shortest distance from `source`, an edge costing its `weight` property (1 without the setting; reached nodes only)",
            ),
        };
        ProcedureInfo {
            name,
            yields: ["node", value],
            settings,
            description,
        }
    }

    /// The procedure's name.
    pub(crate) fn name(self) -> &'static str {
        self.info().name
    }

    /// The columns it yields, in order: `node`, then its value.
    pub(crate) fn outputs(self) -> [&'static str; 2] {
        self.info().yields
    }

    /// Whether `key` is a setting this procedure takes.
    pub(crate) fn takes(self, key: &str) -> bool {
        VIEW_SETTINGS.contains(&key) || self.info().settings.contains(&key)
    }

    /// Runs the procedure on `txn` with `settings` (a map, or null for none): one
    /// `(node, value)` per node that has a value, in node id order.
    pub(crate) fn run<G: GraphRead + ?Sized>(
        self,
        txn: &G,
        settings: &Value,
    ) -> Result<Vec<(NodeId, Value)>> {
        let settings = Settings::new(self, settings)?;
        let view = settings.view()?;
        let control = &mut Control::new();
        let out = match self {
            Procedure::PageRank => {
                let defaults = PageRankParams::default();
                let params = PageRankParams {
                    damping: settings.float("damping")?.unwrap_or(defaults.damping),
                    iterations: settings.count("iterations")?.unwrap_or(defaults.iterations),
                };
                floats(algo::pagerank(txn, &view, &params, control))
            }
            Procedure::Wcc => ids(algo::wcc(txn, &view, control)),
            Procedure::Scc => ints(algo::scc(txn, &view, control).map(|c| c.component)),
            Procedure::KCore => ints(algo::k_core(txn, &view, control)),
            Procedure::Louvain => {
                let seed = settings.int("seed")?.unwrap_or(0);
                ints(algo::louvain(txn, &view, seed, control).map(|c| c.community))
            }
            Procedure::Cdlp => {
                let iterations = settings.count("iterations")?.unwrap_or(10);
                ids(algo::cdlp(txn, &view, iterations, control))
            }
            Procedure::Lcc => floats(algo::lcc(txn, &view, control)),
            Procedure::Triangles => ints(algo::triangles(txn, &view, control)),
            Procedure::Degree => ints(algo::degree_centrality(txn, &view, control)),
            Procedure::Closeness => floats(algo::closeness_centrality(txn, &view, control)),
            Procedure::Betweenness => {
                let sources = match settings.int("samples")? {
                    None => Sources::All,
                    Some(k) => Sources::Sample {
                        k,
                        seed: settings.int("seed")?.unwrap_or(0),
                    },
                };
                floats(algo::betweenness_centrality(txn, &view, sources, control))
            }
            Procedure::Bfs => {
                let source = settings.source()?;
                let levels = algo::bfs_levels(txn, &view, source, control);
                levels.map(|v| collect(&v, |l| Value::Int(i64::from(*l))))
            }
            Procedure::Sssp => {
                let source = settings.source()?;
                let weight = settings.string("weight")?;
                let cost = |_: NodeId, edge: &Neighbor| edge_weight(txn, weight, edge);
                let distances = algo::sssp(txn, &view, source, cost, control);
                distances.map(|v| collect(&v, |d| Value::Float(*d)))
            }
        };
        out.map_err(|e| failed(self, e))
    }
}

/// The cost of `edge` for `algo.sssp`: its property `weight` (a number), 1 without a weight
/// setting.
fn edge_weight<G: GraphRead + ?Sized>(
    txn: &G,
    weight: Option<&str>,
    edge: &Neighbor,
) -> algo::Result<f64> {
    let Some(key) = weight else { return Ok(1.0) };
    match txn.edge_property(edge.edge, key)? {
        Some(graph::Value::Int(i)) => Ok(i as f64),
        Some(graph::Value::Float(f)) => Ok(f),
        other => Err(algo::Error::InvalidParameter {
            name: "weight",
            why: format!(
                "relationship {} has {} as its {key:?} property, not a number",
                edge.edge.0,
                other.map_or("no value".into(), |v| format!("{v:?}"))
            ),
        }),
    }
}

fn collect<T>(values: &algo::NodeValues<T>, f: impl Fn(&T) -> Value) -> Vec<(NodeId, Value)> {
    values.iter().map(|(n, v)| (n, f(v))).collect()
}

fn floats(r: algo::Result<algo::NodeValues<f64>>) -> algo::Result<Vec<(NodeId, Value)>> {
    r.map(|v| collect(&v, |x| Value::Float(*x)))
}

fn ints(r: algo::Result<algo::NodeValues<u64>>) -> algo::Result<Vec<(NodeId, Value)>> {
    r.map(|v| collect(&v, |x| Value::Int(i64::try_from(*x).unwrap_or(i64::MAX))))
}

fn ids(r: algo::Result<algo::NodeValues<NodeId>>) -> algo::Result<Vec<(NodeId, Value)>> {
    r.map(|v| collect(&v, |x| Value::Int(i64::try_from(x.0).unwrap_or(i64::MAX))))
}

/// An algorithm's failure: the graph's errors as they are, the rest as bad arguments.
fn failed(p: Procedure, e: algo::Error) -> Error {
    match e {
        algo::Error::Graph(g) => Error::Graph(g),
        other => Error::runtime(
            ErrorClass::ArgumentError,
            "InvalidArgumentValue",
            format!("{}: {other}", p.name()),
        ),
    }
}

/// A bad setting.
fn invalid(p: Procedure, key: &str, why: impl std::fmt::Display) -> Error {
    Error::runtime(
        ErrorClass::ArgumentError,
        "InvalidArgumentValue",
        format!("{}: {key} {why}", p.name()),
    )
}

/// A procedure's settings, checked by name.
struct Settings<'v> {
    procedure: Procedure,
    map: Option<&'v BTreeMap<String, Value>>,
}

impl<'v> Settings<'v> {
    fn new(procedure: Procedure, settings: &'v Value) -> Result<Settings<'v>> {
        let map = match settings {
            Value::Null => None,
            Value::Map(m) => Some(m),
            other => {
                return Err(Error::runtime(
                    ErrorClass::ArgumentError,
                    "InvalidArgumentType",
                    format!(
                        "{} takes a map of settings, not a {}",
                        procedure.name(),
                        other.type_name()
                    ),
                ));
            }
        };
        if let Some(key) = map
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .find(|k| !procedure.takes(k))
        {
            return Err(invalid(procedure, key, "is not a setting it takes"));
        }
        Ok(Settings { procedure, map })
    }

    /// Setting `key`, absent when missing or null.
    fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    fn int(&self, key: &str) -> Result<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Int(i)) => u64::try_from(*i)
                .map(Some)
                .map_err(|_| invalid(self.procedure, key, "must not be negative")),
            Some(other) => Err(invalid(
                self.procedure,
                key,
                format!("must be an integer, not a {}", other.type_name()),
            )),
        }
    }

    fn count(&self, key: &str) -> Result<Option<u32>> {
        self.int(key)?
            .map(|n| u32::try_from(n).map_err(|_| invalid(self.procedure, key, "is too large")))
            .transpose()
    }

    fn float(&self, key: &str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Float(f)) => Ok(Some(*f)),
            Some(Value::Int(i)) => Ok(Some(*i as f64)),
            Some(other) => Err(invalid(
                self.procedure,
                key,
                format!("must be a number, not a {}", other.type_name()),
            )),
        }
    }

    fn string(&self, key: &str) -> Result<Option<&'v str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(invalid(
                self.procedure,
                key,
                format!("must be a string, not a {}", other.type_name()),
            )),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<&'v str>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s]),
            Some(Value::List(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.as_str()),
                    other => Err(invalid(
                        self.procedure,
                        key,
                        format!("lists strings, not a {}", other.type_name()),
                    )),
                })
                .collect(),
            Some(other) => Err(invalid(
                self.procedure,
                key,
                format!("must be a list of strings, not a {}", other.type_name()),
            )),
        }
    }

    /// The required start node: a node, or a node id.
    fn source(&self) -> Result<NodeId> {
        match self.get("source") {
            Some(Value::Node(n)) => Ok(*n),
            Some(Value::Int(i)) => u64::try_from(*i)
                .map(NodeId)
                .map_err(|_| invalid(self.procedure, "source", "must not be negative")),
            None => Err(invalid(self.procedure, "source", "is required")),
            Some(other) => Err(invalid(
                self.procedure,
                "source",
                format!("must be a node or a node id, not a {}", other.type_name()),
            )),
        }
    }

    /// The view: `relationshipTypes` (a string or list), `labels` (kinds of node: a node's
    /// first label), `direction` (`'OUT'`, `'IN'` or `'BOTH'`).
    fn view(&self) -> Result<View> {
        let mut view = View::new();
        for t in self.strings("relationshipTypes")? {
            view = view.edge_type(t);
        }
        for l in self.strings("labels")? {
            view = view.kind(l);
        }
        if let Some(d) = self.string("direction")? {
            let direction = match d.to_ascii_uppercase().as_str() {
                "OUT" => Direction::Out,
                "IN" => Direction::In,
                "BOTH" => Direction::Both,
                _ => {
                    return Err(invalid(
                        self.procedure,
                        "direction",
                        format!("{d:?} is not OUT, IN or BOTH"),
                    ));
                }
            };
            view = view.direction(direction);
        }
        Ok(view)
    }
}

#[cfg(test)]
mod tests;
