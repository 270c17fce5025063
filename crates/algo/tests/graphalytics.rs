//! The six LDBC Graphalytics kernels against the suite's own validation graphs, in
//! `../shared/data/graphalytics` (relative to the repository root; `MMGRAPH_SHARED_DATA` names
//! another `data` folder). Parameters and tolerances are those of the folder's README. When the
//! data is missing the tests say so and pass, except under `CI=true`, where they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use algo::{Control, PageRankParams, View};
use graph::{Direction, Graph, GraphRead, NodeId, ReadTxn};

/// Graphalytics' value for a vertex BFS does not reach.
const UNREACHED: u64 = 9_223_372_036_854_775_807;

/// The validation graphs' folder, or `None` (after saying why) when it is missing outside CI.
fn data_dir() -> Option<PathBuf> {
    let root = std::env::var_os("MMGRAPH_SHARED_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let dir = root.join("graphalytics");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and the Graphalytics validation graphs are missing at {}",
        dir.display()
    );
    eprintln!(
        "skipped: the Graphalytics validation graphs are missing at {} (set MMGRAPH_SHARED_DATA)",
        dir.display()
    );
    None
}

/// A validation graph loaded into an in-memory database: vertex ids added in increasing order
/// (so the smallest-label rule of CDLP orders node ids as it orders vertex ids), undirected
/// edges stored once and read with [`Direction::Both`].
struct Loaded {
    graph: Graph,
    node_of: BTreeMap<u64, NodeId>,
    vertex_of: BTreeMap<NodeId, u64>,
    direction: Direction,
}

impl Loaded {
    fn view(&self) -> View {
        View::new().direction(self.direction)
    }

    fn node(&self, vertex: u64) -> NodeId {
        self.node_of[&vertex]
    }
}

fn read_lines(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Loads `vertices` and `edges` (`(from, to, weight)`).
fn load(vertices: BTreeSet<u64>, edges: Vec<(u64, u64, f64)>, directed: bool) -> Loaded {
    let graph = Graph::in_memory().expect("graph");
    let mut txn = graph.begin_write().expect("write");
    let mut node_of = BTreeMap::new();
    let mut vertex_of = BTreeMap::new();
    for &v in &vertices {
        let id = txn.add_node("vertex", &v.to_string(), b"").expect("node");
        node_of.insert(v, id);
        vertex_of.insert(id, v);
    }
    for (from, to, weight) in edges {
        txn.add_edge(node_of[&from], node_of[&to], "edge", &weight.to_le_bytes())
            .expect("edge");
    }
    txn.commit().expect("commit");
    Loaded {
        graph,
        node_of,
        vertex_of,
        direction: if directed {
            Direction::Out
        } else {
            Direction::Both
        },
    }
}

/// An adjacency-list input (`*-input`): the first id of each line is a vertex with edges to the
/// others (a vertex with only in-edges may have no line of its own). In an undirected graph each
/// edge is listed from both ends and kept once.
fn load_adjacency(path: &Path, directed: bool) -> Loaded {
    let mut vertices = BTreeSet::new();
    let mut edges = Vec::new();
    for line in read_lines(path) {
        let ids: Vec<u64> = line.iter().map(|t| t.parse().expect("id")).collect();
        let Some((&from, targets)) = ids.split_first() else {
            continue;
        };
        vertices.insert(from);
        for &to in targets {
            vertices.insert(to);
            if directed || from < to {
                edges.push((from, to, 1.0));
            }
        }
    }
    load(vertices, edges, directed)
}

/// A vertex file and a weighted edge file (`*.v`, `*.e`).
fn load_weighted(v: &Path, e: &Path, directed: bool) -> Loaded {
    let vertices = read_lines(v)
        .iter()
        .map(|l| l[0].parse().expect("id"))
        .collect();
    let edges = read_lines(e)
        .iter()
        .map(|l| {
            (
                l[0].parse().expect("from"),
                l[1].parse().expect("to"),
                l[2].parse().expect("weight"),
            )
        })
        .collect();
    load(vertices, edges, directed)
}

/// An output file: vertex id -> value text.
fn expected(path: &Path) -> BTreeMap<u64, String> {
    read_lines(path)
        .into_iter()
        .map(|l| (l[0].parse().expect("id"), l[1].clone()))
        .collect()
}

/// A validation case: a graph, its expected output and the kernel's parameter.
struct Case {
    name: String,
    graph: Loaded,
    output: BTreeMap<u64, String>,
}

/// The cases of kernel `kernel` (folder name; `EXAMPLE` is the suffix of the example graphs'
/// outputs), with the weighted example graphs when `weighted`.
fn cases(dir: &Path, kernel: &str, example: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for directed in [true, false] {
        let prefix = if directed { "dir" } else { "undir" };
        let folder = dir.join(kernel);
        let graph = if kernel == "sssp" {
            load_weighted(
                &folder.join(format!("{prefix}-input.v")),
                &folder.join(format!("{prefix}-input.e")),
                directed,
            )
        } else {
            load_adjacency(&folder.join(format!("{prefix}-input")), directed)
        };
        cases.push(Case {
            name: format!("{kernel}/{prefix}"),
            graph,
            output: expected(&folder.join(format!("{prefix}-output"))),
        });
        let which = if directed { "directed" } else { "undirected" };
        let base = dir.join("example").join(format!("example-{which}"));
        cases.push(Case {
            name: format!("example-{which}-{example}"),
            graph: load_weighted(
                &base.with_extension("v"),
                &base.with_extension("e"),
                directed,
            ),
            output: expected(
                &dir.join("example")
                    .join(format!("example-{which}-{example}")),
            ),
        });
    }
    cases
}

/// BFS and SSSP start at vertex 1, except on the undirected example graph (vertex 2).
fn source(case: &Case) -> u64 {
    if case.name.starts_with("example-undirected") {
        2
    } else {
        1
    }
}

fn read(case: &Case) -> ReadTxn {
    case.graph.graph.begin_read().expect("read")
}

fn assert_close(case: &Case, vertex: u64, got: f64, want: f64, relative: f64) {
    let ok = if want.is_infinite() || got.is_infinite() {
        want == got
    } else {
        (got - want).abs() <= relative * want.abs().max(f64::MIN_POSITIVE)
    };
    assert!(ok, "{}: vertex {vertex}: got {got}, want {want}", case.name);
}

#[test]
fn bfs_levels_match_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "bfs", "BFS") {
        let read = read(&case);
        let levels = algo::bfs_levels(
            &read,
            &case.graph.view(),
            case.graph.node(source(&case)),
            &mut Control::new(),
        )
        .expect("bfs");
        for (&vertex, want) in &case.output {
            let got = levels
                .get(case.graph.node(vertex))
                .map_or(UNREACHED, |&l| u64::from(l));
            assert_eq!(got.to_string(), *want, "{}: vertex {vertex}", case.name);
        }
    }
}

#[test]
fn pagerank_matches_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "pr", "PR") {
        let iterations = match case.name.as_str() {
            "pr/dir" => 14,
            "pr/undir" => 26,
            _ => 2,
        };
        let read = read(&case);
        let params = PageRankParams {
            damping: 0.85,
            iterations,
        };
        let ranks = algo::pagerank(&read, &case.graph.view(), &params, &mut Control::new())
            .expect("pagerank");
        assert_eq!(ranks.len(), case.output.len(), "{}", case.name);
        for (&vertex, want) in &case.output {
            let got = *ranks.get(case.graph.node(vertex)).expect("rank");
            assert_close(&case, vertex, got, want.parse().expect("number"), 1e-4);
        }
    }
}

#[test]
fn wcc_partitions_match_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "wcc", "WCC") {
        let read = read(&case);
        let labels = algo::wcc(&read, &case.graph.view(), &mut Control::new()).expect("wcc");
        // Equal partitions: the labels correspond one to one.
        let mut ours_to_theirs = BTreeMap::new();
        let mut theirs_to_ours = BTreeMap::new();
        for (&vertex, want) in &case.output {
            let got = *labels.get(case.graph.node(vertex)).expect("label");
            assert_eq!(
                *ours_to_theirs.entry(got).or_insert(want.clone()),
                *want,
                "{}: vertex {vertex}",
                case.name
            );
            assert_eq!(
                *theirs_to_ours.entry(want.clone()).or_insert(got),
                got,
                "{}: vertex {vertex}",
                case.name
            );
        }
    }
}

#[test]
fn cdlp_labels_match_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "cdlp", "CDLP") {
        let iterations = if case.name.starts_with("example") {
            2
        } else {
            5
        };
        let read = read(&case);
        let labels =
            algo::cdlp(&read, &case.graph.view(), iterations, &mut Control::new()).expect("cdlp");
        for (&vertex, want) in &case.output {
            let got = labels.get(case.graph.node(vertex)).expect("label");
            assert_eq!(
                case.graph.vertex_of[got].to_string(),
                *want,
                "{}: vertex {vertex}",
                case.name
            );
        }
    }
}

#[test]
fn lcc_matches_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "lcc", "LCC") {
        let read = read(&case);
        let values = algo::lcc(&read, &case.graph.view(), &mut Control::new()).expect("lcc");
        for (&vertex, want) in &case.output {
            let got = *values.get(case.graph.node(vertex)).expect("lcc");
            let want: f64 = want.parse().expect("number");
            assert!(
                (got - want).abs() <= 1e-6,
                "{}: vertex {vertex}: got {got}, want {want}",
                case.name
            );
        }
    }
}

#[test]
fn sssp_matches_graphalytics() {
    let Some(dir) = data_dir() else { return };
    for case in cases(&dir, "sssp", "SSSP") {
        let read = read(&case);
        let weight = |_: NodeId, edge: &graph::Neighbor| -> algo::Result<f64> {
            let data = read
                .edge(edge.edge)?
                .expect("edge exists")
                .data()?
                .into_owned();
            Ok(f64::from_le_bytes(data.try_into().expect("8 bytes")))
        };
        let distances = algo::sssp(
            &read,
            &case.graph.view(),
            case.graph.node(source(&case)),
            weight,
            &mut Control::new(),
        )
        .expect("sssp");
        for (&vertex, want) in &case.output {
            let got = distances
                .get(case.graph.node(vertex))
                .copied()
                .unwrap_or(f64::INFINITY);
            assert_close(&case, vertex, got, want.parse().expect("number"), 1e-4);
        }
    }
}

#[test]
fn every_kernel_runs_on_the_forest_fire_graphs() {
    let Some(dir) = data_dir() else { return };
    for directed in [true, false] {
        let file = if directed { "dir-input" } else { "undir-input" };
        let loaded = load_adjacency(&dir.join("ffm").join(file), directed);
        let read = loaded.graph.begin_read().expect("read");
        let view = loaded.view();
        let control = &mut Control::new();
        let n = loaded.node_of.len();
        let first = loaded.node(*loaded.node_of.keys().next().expect("a vertex"));
        assert!(
            algo::bfs_levels(&read, &view, first, control)
                .expect("bfs")
                .len()
                <= n
        );
        let ranks =
            algo::pagerank(&read, &view, &PageRankParams::default(), control).expect("pagerank");
        let sum: f64 = ranks.iter().map(|(_, r)| r).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{file}: ranks sum to {sum}");
        assert_eq!(algo::wcc(&read, &view, control).expect("wcc").len(), n);
        assert_eq!(algo::cdlp(&read, &view, 5, control).expect("cdlp").len(), n);
        let lcc = algo::lcc(&read, &view, control).expect("lcc");
        assert!(lcc.iter().all(|(_, &c)| (0.0..=1.0).contains(&c)));
        let unit = |_: NodeId, _: &graph::Neighbor| Ok(1.0);
        let distances = algo::sssp(&read, &view, first, unit, control).expect("sssp");
        let levels = algo::bfs_levels(&read, &view, first, control).expect("bfs");
        for (node, &level) in levels.iter() {
            assert_eq!(
                distances.get(node),
                Some(&f64::from(level)),
                "{file}: {node}"
            );
        }
    }
}
