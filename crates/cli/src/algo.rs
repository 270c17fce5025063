//! `mmgraph algo`: runs one of `crates/algo`'s algorithms over a snapshot of a database and
//! prints the top of its result, or all of it as JSON lines, or writes it into a key-value
//! space.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use algo::{Control, NodeValues, PageRankParams, Sources, StoredValue, View};
use clap::{Args, ValueEnum};
use graph::{Direction, GraphRead, Neighbor, NodeId, ReadTxn};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::cli::IdArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::output::Output;

/// The algorithms of `mmgraph algo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AlgoName {
    /// BFS levels from --source (Graphalytics BFS).
    Bfs,
    /// PageRank, --iterations (20) and --damping (0.85), dangling mass spread evenly.
    Pagerank,
    /// Personalised PageRank, jumping back to --source.
    Ppr,
    /// Weakly connected components (label: smallest node id of the component).
    Wcc,
    /// Strongly connected components, numbered in topological order of the condensation.
    Scc,
    /// Label propagation communities, --iterations rounds (Graphalytics CDLP).
    Cdlp,
    /// Louvain communities on the undirected view, --seed; modularity reported.
    Louvain,
    /// Local clustering coefficient (Graphalytics LCC).
    Lcc,
    /// Triangles through each node, and the total (undirected view).
    Triangles,
    /// Core number of each node (k-core decomposition, undirected view).
    Kcore,
    /// Degree of each node in the view's direction.
    Degree,
    /// Closeness centrality (one BFS per node: small graphs).
    Closeness,
    /// Betweenness centrality (Brandes); --samples K estimates it from K sources.
    Betweenness,
    /// Shortest weighted distances from --source (Graphalytics SSSP); see --weight.
    Sssp,
    /// Minimum spanning forest of the undirected view; see --weight.
    Msf,
    /// A topological order, or a cycle if there is one.
    Topo,
    /// Nodes reachable from --source.
    Reach,
    /// The transitive reduction of a DAG: the edges no longer path makes redundant.
    Reduce,
    /// Immediate dominators from --source (Cooper-Harvey-Kennedy), for control-flow graphs.
    Dominators,
}

/// Arguments of `algo`.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  mmgraph algo pagerank tax.mmg --type parent_of --top 10\n  mmgraph algo wcc tax.mmg --write components\n  mmgraph algo bfs tax.mmg --source 1 -x --jsonl > levels.jsonl\n\nResults are per node; --write stores them in a key-value space, keyed by the node id as 8\nbig-endian bytes, valued by 8 little-endian bytes (f64 for scores, u64 otherwise)."
)]
pub struct AlgoArgs {
    /// The algorithm.
    #[arg(value_enum)]
    pub name: AlgoName,
    /// The database file.
    pub db: PathBuf,
    /// Only edges of this type (repeat for several).
    #[arg(long = "type")]
    pub types: Vec<String>,
    /// Only nodes of this kind (repeat for several).
    #[arg(long = "kind")]
    pub kinds: Vec<String>,
    /// Follow edges both ways (an undirected view).
    #[arg(long, conflicts_with = "incoming")]
    pub both: bool,
    /// Follow edges backwards.
    #[arg(long = "in")]
    pub incoming: bool,
    /// Iterations (PageRank, CDLP).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub iterations: Option<u32>,
    /// Damping of PageRank.
    #[arg(long, default_value_t = 0.85)]
    pub damping: f64,
    /// The start node (bfs, ppr, sssp, reach, dominators).
    #[arg(long)]
    pub source: Option<String>,
    /// Seed of Louvain and of sampled betweenness.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Betweenness from this many sampled sources instead of all.
    #[arg(long)]
    pub samples: Option<u64>,
    /// Edge weights (sssp, msf) from the edge data read as a decimal number; else 1.
    #[arg(long)]
    pub weight: bool,
    /// How many nodes (or groups) to print.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Write the per-node result into this key-value space (replacing what it held).
    #[arg(long)]
    pub write: Option<String>,
    /// No progress bar (there is none when standard error is not a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub ids: IdArgs,
}

/// What an algorithm returned, by shape.
enum Outcome {
    /// A score per node, printed highest first.
    Scores(NodeValues<f64>),
    /// A count per node, printed highest first.
    Counts(NodeValues<u64>),
    /// A group label per node, printed as groups, largest first.
    Groups(NodeValues<u64>),
    /// A node per node (a dominator), printed in id order.
    Links(NodeValues<NodeId>),
    /// An ordered list of nodes.
    Order(Vec<NodeId>),
    /// A list of edges as node pairs.
    Pairs(Vec<(NodeId, NodeId)>),
}

/// Runs `mmgraph algo`.
pub fn run(args: &AlgoArgs, out: &mut Output) -> Result<ExitCode> {
    // Only `--write` changes the file: without it the database is opened read-only.
    let graph = match args.write {
        Some(_) => db::open_existing(&args.db)?,
        _ => db::open_read_only(&args.db)?,
    };
    let read = graph.begin_read()?;
    let bar = progress_bar(args.quiet);
    let (outcome, facts) = {
        let mut control = Control::new().on_progress(|p| {
            bar.set_prefix(p.stage);
            bar.set_length(p.total.max(p.done));
            bar.set_position(p.done);
        });
        compute(args, &read, &mut control)?
    };
    bar.finish_and_clear();
    if let Some(space) = &args.write {
        let mut txn = graph.begin_write()?;
        let written = match &outcome {
            Outcome::Scores(v) => write(&mut txn, space, v)?,
            Outcome::Counts(v) | Outcome::Groups(v) => write(&mut txn, space, v)?,
            Outcome::Links(v) => write(&mut txn, space, v)?,
            Outcome::Order(_) | Outcome::Pairs(_) => {
                return Err(Error::Invalid(format!(
                    "{:?} gives a list, not a value per node: nothing to --write",
                    args.name
                )));
            }
        };
        txn.commit()?;
        eprintln!("wrote {written} values to key-value space {space:?}");
    }
    report(args, out, &read, &outcome, facts)?;
    Ok(ExitCode::SUCCESS)
}

fn write<T: StoredValue>(
    txn: &mut graph::WriteTxn,
    space: &str,
    values: &NodeValues<T>,
) -> Result<u64> {
    algo::write_values(txn, space, values, &mut Control::new()).map_err(algo_error)
}

fn progress_bar(quiet: bool) -> ProgressBar {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::no_length()
    };
    let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// An algorithm's error as the command's.
fn algo_error(e: algo::Error) -> Error {
    match e {
        algo::Error::Graph(e) => Error::Graph(e),
        other => Error::Invalid(other.to_string()),
    }
}

/// The view the arguments describe.
fn view(args: &AlgoArgs) -> View {
    let direction = if args.both {
        Direction::Both
    } else if args.incoming {
        Direction::In
    } else {
        Direction::Out
    };
    let mut view = View::new().direction(direction);
    for t in &args.types {
        view = view.edge_type(t.clone());
    }
    for k in &args.kinds {
        view = view.kind(k.clone());
    }
    view
}

/// The weight of an edge: its data as a decimal number with `--weight`, else 1.
fn weight_of<'r>(
    read: &'r ReadTxn,
    from_data: bool,
) -> impl FnMut(NodeId, &Neighbor) -> algo::Result<f64> + 'r {
    move |_, edge| {
        if !from_data {
            return Ok(1.0);
        }
        let data = match read.edge(edge.edge)? {
            Some(e) => e.data()?.into_owned(),
            None => Vec::new(),
        };
        let text = String::from_utf8_lossy(&data);
        text.trim()
            .parse()
            .map_err(|_| algo::Error::InvalidParameter {
                name: "weight",
                why: format!("edge {} has data {text:?}, not a number", edge.edge),
            })
    }
}

/// Runs the algorithm; returns its outcome and whole-result facts (counts, modularity).
fn compute(
    args: &AlgoArgs,
    read: &ReadTxn,
    control: &mut Control<'_>,
) -> Result<(Outcome, Vec<(&'static str, Value)>)> {
    let view = view(args);
    let source = || -> Result<NodeId> {
        let arg = args
            .source
            .as_deref()
            .ok_or_else(|| Error::Invalid(format!("{:?} needs --source NODE", args.name)))?;
        db::resolve(read, arg, args.ids)
    };
    let params = PageRankParams {
        damping: args.damping,
        iterations: args.iterations.unwrap_or(20),
    };
    let e = algo_error;
    Ok(match args.name {
        AlgoName::Bfs => {
            let levels = algo::bfs_levels(read, &view, source()?, control).map_err(e)?;
            let counts = levels.map(|&l| u64::from(l));
            (
                Outcome::Counts(counts),
                vec![("reached", json!(levels.len()))],
            )
        }
        AlgoName::Pagerank => (
            Outcome::Scores(algo::pagerank(read, &view, &params, control).map_err(e)?),
            vec![("iterations", json!(params.iterations))],
        ),
        AlgoName::Ppr => {
            let ranks = algo::personalized_pagerank(read, &view, &[source()?], &params, control)
                .map_err(e)?;
            (
                Outcome::Scores(ranks),
                vec![("iterations", json!(params.iterations))],
            )
        }
        AlgoName::Wcc => {
            let labels = algo::wcc(read, &view, control).map_err(e)?;
            (Outcome::Groups(labels.map(|n| n.0)), Vec::new())
        }
        AlgoName::Scc => {
            let found = algo::scc(read, &view, control).map_err(e)?;
            (
                Outcome::Groups(found.component),
                vec![("components", json!(found.count))],
            )
        }
        AlgoName::Cdlp => {
            let labels =
                algo::cdlp(read, &view, args.iterations.unwrap_or(10), control).map_err(e)?;
            (Outcome::Groups(labels.map(|n| n.0)), Vec::new())
        }
        AlgoName::Louvain => {
            let found = algo::louvain(read, &view, args.seed, control).map_err(e)?;
            (
                Outcome::Groups(found.community),
                vec![
                    ("communities", json!(found.count)),
                    ("modularity", json!(found.modularity)),
                ],
            )
        }
        AlgoName::Lcc => (
            Outcome::Scores(algo::lcc(read, &view, control).map_err(e)?),
            Vec::new(),
        ),
        AlgoName::Triangles => {
            let per_node = algo::triangles(read, &view, control).map_err(e)?;
            let total = algo::total_triangles(&per_node);
            (Outcome::Counts(per_node), vec![("triangles", json!(total))])
        }
        AlgoName::Kcore => {
            let cores = algo::k_core(read, &view, control).map_err(e)?;
            let max = cores.iter().map(|(_, &k)| k).max().unwrap_or(0);
            (Outcome::Counts(cores), vec![("max_core", json!(max))])
        }
        AlgoName::Degree => (
            Outcome::Counts(algo::degree_centrality(read, &view, control).map_err(e)?),
            Vec::new(),
        ),
        AlgoName::Closeness => (
            Outcome::Scores(algo::closeness_centrality(read, &view, control).map_err(e)?),
            Vec::new(),
        ),
        AlgoName::Betweenness => {
            let sources = match args.samples {
                Some(k) => Sources::Sample { k, seed: args.seed },
                None => Sources::All,
            };
            (
                Outcome::Scores(
                    algo::betweenness_centrality(read, &view, sources, control).map_err(e)?,
                ),
                Vec::new(),
            )
        }
        AlgoName::Sssp => {
            let weight = weight_of(read, args.weight);
            let distances = algo::sssp(read, &view, source()?, weight, control).map_err(e)?;
            (Outcome::Scores(distances), Vec::new())
        }
        AlgoName::Msf => {
            let weight = weight_of(read, args.weight);
            let forest = algo::minimum_spanning_forest(read, &view, weight, control).map_err(e)?;
            let facts = vec![
                ("edges", json!(forest.edges.len())),
                ("weight", json!(forest.weight)),
            ];
            let pairs = forest.edges.iter().map(|&(a, b, _)| (a, b)).collect();
            (Outcome::Pairs(pairs), facts)
        }
        AlgoName::Topo => (
            Outcome::Order(algo::topological_sort(read, &view, control).map_err(e)?),
            Vec::new(),
        ),
        AlgoName::Reach => {
            let reached = algo::reachable(read, &view, source()?, control).map_err(e)?;
            let facts = vec![("reached", json!(reached.len()))];
            (Outcome::Order(reached.iter().collect()), facts)
        }
        AlgoName::Reduce => {
            let kept = algo::transitive_reduction(read, &view, control).map_err(e)?;
            (Outcome::Pairs(kept), Vec::new())
        }
        AlgoName::Dominators => (
            Outcome::Links(algo::dominators(read, &view, source()?, control).map_err(e)?),
            Vec::new(),
        ),
    })
}

/// Prints the outcome: a summary and the top for people, one document with `--json`, every
/// value with `--jsonl`.
fn report(
    args: &AlgoArgs,
    out: &mut Output,
    read: &ReadTxn,
    outcome: &Outcome,
    facts: Vec<(&'static str, Value)>,
) -> Result<()> {
    if out.json_lines() {
        for (node, value) in all_rows(outcome) {
            out.value(&json!({"id": node.0, "value": value}))?;
        }
        return Ok(());
    }
    let (size, top) = top_rows(outcome, args.top);
    if out.json() {
        let mut doc = serde_json::Map::new();
        doc.insert(
            "algorithm".into(),
            json!(format!("{:?}", args.name).to_lowercase()),
        );
        doc.insert("size".into(), json!(size));
        for (k, v) in facts {
            doc.insert(k.into(), v);
        }
        let rows: Vec<Value> = top
            .into_iter()
            .map(|(node, value)| json!({"id": node.0, "value": value}))
            .collect();
        doc.insert("top".into(), Value::Array(rows));
        return out.value(&Value::Object(doc));
    }
    let name = format!("{:?}", args.name).to_lowercase();
    let mut heading = format!("{name}: {size} {}", unit(outcome));
    for (k, v) in &facts {
        heading.push_str(&format!(", {k} {v}"));
    }
    out.line(heading)?;
    for (node, value) in top {
        out.line(format_args!("  {value:>14}  {}", db::describe(read, node)?))?;
    }
    Ok(())
}

fn unit(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Groups(_) => "groups",
        Outcome::Order(_) => "nodes in order",
        Outcome::Pairs(_) => "edges",
        _ => "nodes",
    }
}

/// Every node and its value as JSON, in id (or list) order.
fn all_rows(outcome: &Outcome) -> Vec<(NodeId, Value)> {
    match outcome {
        Outcome::Scores(v) => v.iter().map(|(n, x)| (n, json!(x))).collect(),
        Outcome::Counts(v) | Outcome::Groups(v) => v.iter().map(|(n, x)| (n, json!(x))).collect(),
        Outcome::Links(v) => v.iter().map(|(n, x)| (n, json!(x.0))).collect(),
        Outcome::Order(list) => list
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, json!(i)))
            .collect(),
        Outcome::Pairs(pairs) => pairs.iter().map(|&(a, b)| (a, json!(b.0))).collect(),
    }
}

/// The size of the outcome (nodes, groups, or list entries) and its first `k` rows: highest
/// values first, largest groups first (a group shown by its label node, valued by its size),
/// lists in order.
fn top_rows(outcome: &Outcome, k: usize) -> (usize, Vec<(NodeId, Value)>) {
    match outcome {
        Outcome::Scores(v) => {
            let mut rows: Vec<(NodeId, f64)> = v.iter().map(|(n, &x)| (n, x)).collect();
            rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            (
                v.len(),
                rows.into_iter()
                    .take(k)
                    .map(|(n, x)| (n, json!(x)))
                    .collect(),
            )
        }
        Outcome::Counts(v) => {
            let mut rows: Vec<(NodeId, u64)> = v.iter().map(|(n, &x)| (n, x)).collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (
                v.len(),
                rows.into_iter()
                    .take(k)
                    .map(|(n, x)| (n, json!(x)))
                    .collect(),
            )
        }
        Outcome::Groups(v) => {
            // Group label -> (first node, size).
            let mut groups: std::collections::BTreeMap<u64, (NodeId, u64)> = Default::default();
            for (n, &label) in v.iter() {
                groups.entry(label).or_insert((n, 0)).1 += 1;
            }
            let mut rows: Vec<(NodeId, u64)> = groups.into_values().collect();
            rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let size = rows.len();
            (
                size,
                rows.into_iter()
                    .take(k)
                    .map(|(n, x)| (n, json!(x)))
                    .collect(),
            )
        }
        Outcome::Links(v) => (
            v.len(),
            v.iter().take(k).map(|(n, d)| (n, json!(d.0))).collect(),
        ),
        Outcome::Order(list) => (
            list.len(),
            list.iter()
                .take(k)
                .enumerate()
                .map(|(i, &n)| (n, json!(i)))
                .collect(),
        ),
        Outcome::Pairs(pairs) => (
            pairs.len(),
            pairs
                .iter()
                .take(k)
                .map(|&(a, b)| (a, json!(b.0)))
                .collect(),
        ),
    }
}
