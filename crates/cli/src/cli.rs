//! The command line: commands, arguments and their help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mmgraph: an embedded graph database in one memory-mapped file.
///
/// Load data with `import`, look inside with `stats`, `node`, `neighbors`, `bfs`, `khop` and `path`,
/// verify with `check`. Node ids are the database's own (0, 1, 2, ...); after an import,
/// `--external` (`-x`) takes the ids of the imported files instead.
#[derive(Parser, Debug)]
#[command(
    name = "mmgraph",
    version,
    after_help = "Example:\n  mmgraph demo\n  mmgraph import tax.mmg taxonomy.tsv.xz\n  mmgraph path tax.mmg -x 1 9606"
)]
pub struct Cli {
    /// Print results as JSON (one document, or one line per record for listings) for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// How results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// JSON instead of text for people.
    pub json: bool,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a sample graph (10,000 nodes of 22 kinds, 50,000 edges), reopen it, check and
    /// verify it, and time a BFS, a k-hop and a shortest path.
    ///
    /// Example: `mmgraph demo` (a temporary file) or `mmgraph demo sample.mmg` (kept).
    Demo {
        /// Where to build the graph; a temporary file, removed afterwards, by default. An
        /// existing file is refused.
        path: Option<PathBuf>,
    },
    /// Import edge lists, taxonomy TSV or JSON lines (plain, `.gz` or `.xz`) into DB.
    ///
    /// Example: `mmgraph import tax.mmg ncbi-taxonomy.tsv.xz`
    Import(ImportArgs),
    /// Write DB's nodes and edges as JSON lines or an edge list (standard output by default).
    ///
    /// Example: `mmgraph export tax.mmg -o tax.jsonl`
    Export(ExportArgs),
    /// Counts: nodes, edges, kinds, edge types, pages by type, file size.
    ///
    /// Example: `mmgraph stats tax.mmg`
    Stats {
        /// The database file.
        db: PathBuf,
    },
    /// Verify every structure, invariant and checksum; exit status 0 only when clean.
    ///
    /// Example: `mmgraph check tax.mmg && echo clean`
    Check {
        /// The database file.
        db: PathBuf,
    },
    /// Show a node by id, or list the nodes with a name or of a kind.
    ///
    /// Example: `mmgraph node tax.mmg --name "Homo sapiens"`
    Node(NodeArgs),
    /// List a node's neighbours.
    ///
    /// Example: `mmgraph neighbors tax.mmg -x 9605 --out`
    Neighbors(NeighborsArgs),
    /// Breadth-first search from a node, to a depth limit.
    ///
    /// Example: `mmgraph bfs tax.mmg -x 9604 --depth 2`
    Bfs(BfsArgs),
    /// A shortest path (fewest hops, or cheapest with `--weight`), with each hop's edge type.
    ///
    /// Example: `mmgraph path tax.mmg -x 1 9606`
    Path(PathArgs),
    /// The nodes within K hops of a node.
    ///
    /// Example: `mmgraph khop tax.mmg -x 9604 -k 2 --both`
    Khop(KhopArgs),
    /// Run a graph algorithm (PageRank, components, centrality, ...) on DB; `mmgraph help algo`
    /// lists them.
    ///
    /// Example: `mmgraph algo pagerank tax.mmg --top 10`
    Algo(crate::algo::AlgoArgs),
    /// Run a Cypher query on DB: a query that only reads opens the file read-only; one that
    /// writes runs in one transaction, committed only if it succeeds.
    ///
    /// Example: `mmgraph query people.mmg "MATCH (p:Person) WHERE p.age > 30 RETURN p.name"`
    Query(crate::query::QueryArgs),
    /// Write a copy of DB to OUT holding only live pages (node and edge ids are kept).
    ///
    /// Example: `mmgraph compact big.mmg small.mmg`
    Compact {
        /// The database file.
        db: PathBuf,
        /// The new file (must not exist).
        out: PathBuf,
    },
}

/// Input formats of `import`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// `src dst [type]` per line, whitespace-separated; `#` starts a comment line (SNAP). Nodes
    /// are made on first sight, of kind `node`, named by their id.
    Edges,
    /// `id<TAB>parent<TAB>rank<TAB>name` per line (NCBI taxonomy): a node of kind `rank`, and an
    /// edge `parent_of` from the parent (none for a node that is its own parent).
    Tsv,
    /// One JSON object per line: a node `{"id", "kind", "name", "data"}` or an edge `{"from",
    /// "to", "type", "data"}`.
    Jsonl,
}

/// Arguments of `import`.
#[derive(Args, Debug)]
#[command(
    after_help = "Formats (by extension, after .gz or .xz; --format overrides):\n  .tsv                      id, parent, rank, name (taxonomy)\n  .jsonl .ndjson .json      JSON lines\n  anything else             edge list\n\nThe input is read three times: to check every line and id (nothing is written if any is\nwrong), to add the nodes, and to add the edges. Each pass commits every --batch records."
)]
pub struct ImportArgs {
    /// The database file (made if missing).
    pub db: PathBuf,
    /// Input files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The input format, for every file; by default each file's extension decides.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Records per committed transaction.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,
    /// The edge type of edge-list lines without one.
    #[arg(long, default_value = "edge")]
    pub edge_type: String,
    /// No progress bar (there is none when standard error is not a terminal).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Output formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON lines: every node, then every edge; `import` reads it back to an equal graph.
    Jsonl,
    /// `src dst type` per line: the edges only.
    Edges,
}

/// Arguments of `export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The database file.
    pub db: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// The output file (standard output by default).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// How a command names nodes.
#[derive(Args, Debug, Clone, Copy)]
pub struct IdArgs {
    /// The ids given are external ids from an import (e.g. taxids), not node ids.
    #[arg(long, short = 'x')]
    pub external: bool,
}

/// Arguments of `node`.
#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["id", "name", "kind"]))]
pub struct NodeArgs {
    /// The database file.
    pub db: PathBuf,
    /// The node's id.
    pub id: Option<String>,
    /// List the nodes with exactly this name.
    #[arg(long)]
    pub name: Option<String>,
    /// List the nodes of this kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// Print at most this many nodes of a listing (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[command(flatten)]
    pub ids: IdArgs,
}

/// Arguments of `neighbors`.
#[derive(Args, Debug)]
pub struct NeighborsArgs {
    /// The database file.
    pub db: PathBuf,
    /// The node's id.
    pub id: String,
    /// Edges into the node.
    #[arg(long = "in", conflicts_with_all = ["out", "both"])]
    pub incoming: bool,
    /// Edges out of the node (the default).
    #[arg(long, conflicts_with = "both")]
    pub out: bool,
    /// Edges in both directions.
    #[arg(long)]
    pub both: bool,
    /// Only edges of this type.
    #[arg(long = "type")]
    pub edge_type: Option<String>,
    /// Print at most this many neighbours (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[command(flatten)]
    pub ids: IdArgs,
}

/// Arguments of `bfs`.
#[derive(Args, Debug)]
pub struct BfsArgs {
    /// The database file.
    pub db: PathBuf,
    /// Where the search starts.
    pub id: String,
    /// How many hops at most (no limit by default).
    #[arg(long)]
    pub depth: Option<u32>,
    #[command(flatten)]
    pub follow: FollowArgs,
    /// Print at most this many reached nodes (0: all); the counts cover every node.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[command(flatten)]
    pub ids: IdArgs,
}

/// Which edges a traversal (`bfs`, `path`, `khop`) follows at every step.
#[derive(Args, Debug, Clone)]
pub struct FollowArgs {
    /// Follow only edges of this type; repeat for several types. A type the database does not
    /// have is an error.
    #[arg(long = "type", value_name = "TYPE")]
    pub edge_types: Vec<String>,
    /// Follow edges in both directions instead of out-edges only.
    #[arg(long)]
    pub both: bool,
}

/// Arguments of `khop`.
#[derive(Args, Debug)]
pub struct KhopArgs {
    /// The database file.
    pub db: PathBuf,
    /// Where the search starts.
    pub id: String,
    /// How many hops.
    #[arg(short, long = "hops", default_value_t = 2)]
    pub k: u32,
    #[command(flatten)]
    pub follow: FollowArgs,
    /// Print at most this many nodes (0: all); the count covers every node.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[command(flatten)]
    pub ids: IdArgs,
}

/// Arguments of `path`.
#[derive(Args, Debug)]
pub struct PathArgs {
    /// The database file.
    pub db: PathBuf,
    /// Where the path starts.
    pub from: String,
    /// Where it ends.
    pub to: String,
    #[command(flatten)]
    pub follow: FollowArgs,
    /// The cheapest path (Dijkstra) where each edge costs the number in this field of its JSON
    /// data, instead of the path of fewest hops. An edge without it, or with a negative value,
    /// is an error.
    #[arg(long, value_name = "FIELD")]
    pub weight: Option<String>,
    #[command(flatten)]
    pub ids: IdArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
