//! The command line: commands, arguments and their help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mmgraph: an embedded graph database in one memory-mapped file.
///
/// Load data with `import`, look inside with `stats`, `kinds`, `types`, `node`, `neighbors`,
/// `bfs`, `khop` and `path`, run graph algorithms with `algo`, verify with `check`. Node ids are
/// the database's own (0, 1, 2, ...); after an import, `--external` (`-x`) takes the ids of the
/// imported files instead. Output is text, or JSON with `--json` (one document) or `--jsonl`
/// (listings one record per line).
#[derive(Parser, Debug)]
#[command(
    name = "mmgraph",
    version,
    after_help = "Example:\n  mmgraph demo\n  mmgraph import tax.mmg taxonomy.tsv.xz\n  mmgraph path tax.mmg -x 1 9606"
)]
pub struct Cli {
    /// Print results as one JSON document, for scripts.
    #[arg(long, global = true, conflicts_with = "jsonl")]
    pub json: bool,
    /// Print listings as JSON lines, one object per record as it is found (so they stream);
    /// other results as with `--json`.
    #[arg(long, global = true)]
    pub jsonl: bool,
    #[command(subcommand)]
    pub command: Command,
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
    /// Import CSV/TSV tables (a Neo4j header row, or --columns), edge lists, taxonomy TSV or
    /// JSON lines (plain, `.gz` or `.xz`) into DB; run again after an interruption, it
    /// finishes without adding anything twice.
    ///
    /// Example: `mmgraph import tax.mmg ncbi-taxonomy.tsv.xz` (more below)
    Import(ImportArgs),
    /// Write DB's nodes and edges as JSON lines or an edge list (standard output by default).
    ///
    /// Example: `mmgraph export tax.mmg -o tax.jsonl`
    Export(ExportArgs),
    /// Counts: nodes, edges, kinds, edge types, pages by type and by structure, file size.
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
    /// The node kinds in use, with their node counts, most first.
    ///
    /// Example: `mmgraph kinds tax.mmg`
    Kinds {
        /// The database file.
        db: PathBuf,
    },
    /// The edge types in use, with their edge counts, most first (reads every edge).
    ///
    /// Example: `mmgraph types tax.mmg`
    Types {
        /// The database file.
        db: PathBuf,
    },
    /// Show a node by id, or list the nodes with a name (exact, a prefix, ignoring case) or of
    /// a kind.
    ///
    /// Example: `mmgraph node tax.mmg --name "homo sap" --prefix -i`
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
    /// An interactive Cypher shell on DB: statements end with `;`, `:help` lists the commands;
    /// reads a script from standard input when it is not a terminal.
    ///
    /// Example: `mmgraph shell people.mmg`, or `mmgraph shell people.mmg < script.cypher`
    Shell(crate::shell::ShellArgs),
    /// Write a copy of DB to OUT holding only live pages (node and edge ids are kept).
    ///
    /// Example: `mmgraph compact big.mmg small.mmg`
    Compact {
        /// The database file.
        db: PathBuf,
        /// The new file (must not exist).
        out: PathBuf,
    },
    /// Vector indexes: create, set, search, drop, list (see `mmgraph vector --help`).
    ///
    /// Example: `mmgraph vector search g.mmg emb --vector 0.1,0.2,0.3 -k 5`
    Vector(crate::vector::VectorArgs),
}

/// Input formats of `import`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// `src dst [type]` per line, whitespace-separated; `#` starts a comment line (SNAP). Nodes
    /// are made on first sight, of kind `node`, named by their id.
    Edges,
    /// `id<TAB>parent<TAB>rank<TAB>name` per line (NCBI taxonomy): a node of kind `rank`, and an
    /// edge `parent_of` from the parent (none for a node that is its own parent).
    Taxonomy,
    /// One JSON object per line: a node `{"id", "kind", "name", "data"}` or an edge `{"from",
    /// "to", "type", "data"}`.
    Jsonl,
    /// Comma-separated, with a header row in the Neo4j convention (`:ID`, `:LABEL`, `name`,
    /// other columns as data; or `:START_ID`, `:END_ID`, `:TYPE`), or the columns of `--columns`.
    Csv,
    /// Tab-separated, like `csv`.
    Tsv,
    /// A sqlitegraph database (its SQLite schema), imported whole in one transaction; give it
    /// alone. `docs/formats.md` says how its tables map to the graph.
    Sqlitegraph,
    /// Parquet in the GraphFrames layout: a directory (`vertices`, `edges`) or one file; see
    /// `docs/formats.md`. The default for a directory or a `.parquet` file.
    Parquet,
}

impl InputFormat {
    /// The name `--format` takes.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(|| format!("{self:?}"), |v| v.get_name().to_owned())
    }
}

/// How one input file is to be read, from the `--format` and `--columns` before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// `--format`, if given.
    pub format: Option<InputFormat>,
    /// `--columns`, if given.
    pub columns: Option<String>,
}

/// Arguments of `import`.
#[derive(Args, Debug)]
#[command(after_help = IMPORT_HELP)]
pub struct ImportArgs {
    /// The database file (made if missing).
    pub db: PathBuf,
    /// Input files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The format of the files after it (up to the next --format or --columns); by default a
    /// header row or the extension decides.
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub format: Vec<InputFormat>,
    /// The columns of the headerless CSV or TSV files after it, e.g. `id,kind,name,data.text`
    /// (nodes) or `src,dst,type` (edges); `_` skips a column.
    #[arg(long, value_name = "LIST", action = clap::ArgAction::Append)]
    pub columns: Vec<String>,
    /// Records per committed transaction.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,
    /// The edge type of edge-list lines without one, and of tables without a type column.
    #[arg(long, default_value = "edge")]
    pub edge_type: String,
    /// No progress bar (there is none when standard error is not a terminal).
    #[arg(long, short)]
    pub quiet: bool,
    /// Per file, the options before it (filled from the command line's order by
    /// [`ImportArgs::assign_file_options`]).
    #[arg(skip)]
    pub file_options: Vec<FileOptions>,
}

const IMPORT_HELP: &str = "\
How each file is read:
  --format F / --columns L   for the files after it, up to the next --format or --columns
  a header row               CSV/TSV in the Neo4j convention: id:ID, :LABEL, name, other
                             columns into the node's JSON data (age:int, score:float, ok:boolean);
                             or :START_ID, :END_ID, :TYPE and data columns for edges
  .tsv                       id, parent, rank, name (taxonomy)
  .jsonl .ndjson .json       JSON lines
  anything else              edge list: src dst [type]
(.gz and .xz are read directly.)

Example: two headerless TSV files
  mmgraph import g.mmg --columns id,kind,name,data.text nodes.tsv --columns src,dst,type edges.tsv

The input is read three times: to check every line and id (nothing is written if any is
wrong), to add the nodes, and to add the edges. Each pass commits every --batch records with a
record of its progress: after Ctrl-C, a kill or a full disk, the same command again finishes
the import without adding anything twice, and a file imported whole is skipped. Into a graph
without nodes, the first commit of nodes takes up to 4,000,000 of them, and into a graph without
edges, the first commit of edges up to 8,000,000, whatever --batch says, so that their indexes
and lists are written once.

Limits: a kind, an edge type or a node name is any UTF-8 of up to 64 KiB (65,536 bytes) without
NUL; a node's data up to 4 GiB - 1 byte, an edge's up to 1 GiB. A line past a limit is an error
that names it, and nothing is written.";

impl ImportArgs {
    /// Gives each file the `--format` and `--columns` given before it on the command line
    /// (`matches` are the import command's). Options given together apply to the files after
    /// them until the next `--format` or `--columns`; options after the last file are an error.
    pub fn assign_file_options(&mut self, matches: &clap::ArgMatches) -> Result<(), String> {
        let indices = |id: &str| -> Vec<usize> {
            matches
                .indices_of(id)
                .map(Iterator::collect)
                .unwrap_or_default()
        };
        let files = indices("files");
        let formats: Vec<(usize, InputFormat)> = indices("format")
            .into_iter()
            .zip(self.format.iter().copied())
            .collect();
        let columns: Vec<(usize, &String)> =
            indices("columns").into_iter().zip(&self.columns).collect();
        let last_file = files.last().copied().unwrap_or(0);
        if formats.iter().any(|(i, _)| *i > last_file)
            || columns.iter().any(|(i, _)| *i > last_file)
        {
            return Err(
                "--format and --columns apply to the files after them; put them before the files they are for"
                    .to_owned(),
            );
        }
        let mut current = FileOptions::default();
        let mut previous = 0;
        self.file_options = files
            .iter()
            .map(|&at| {
                let between = |i: &usize| *i > previous && *i < at;
                let format = formats.iter().rfind(|(i, _)| between(i)).map(|(_, f)| *f);
                let spec = columns
                    .iter()
                    .rfind(|(i, _)| between(i))
                    .map(|(_, c)| (*c).clone());
                if format.is_some() || spec.is_some() {
                    current = FileOptions {
                        format,
                        columns: spec,
                    };
                }
                previous = at;
                current.clone()
            })
            .collect();
        Ok(())
    }
}

/// Output formats of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON lines: every node, then every edge; `import` reads it back to an equal graph.
    Jsonl,
    /// `src dst type` per line: the edges only.
    Edges,
    /// GraphML with typed keys (Gephi, yEd, networkx).
    Graphml,
    /// A Graphviz `digraph`.
    Dot,
    /// sqlitegraph's SQLite schema, in a new file (`OUT` or `--output`; `--force` replaces).
    Sqlitegraph,
    /// Parquet in the GraphFrames layout, into directory DIR: `vertices.parquet` and
    /// `edges.parquet`, or with `--partition` one file per kind and per edge type.
    Parquet,
}

/// The formats a traversal's result can be written in (`--export`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DrawFormat {
    /// GraphML with typed keys.
    Graphml,
    /// A Graphviz `digraph`.
    Dot,
}

/// Writing what a traversal reached, and the edges among those nodes, to a file.
#[derive(Args, Debug, Clone)]
pub struct TraversalExportArgs {
    /// Also write the nodes found, and the edges among them, in this format to --out.
    #[arg(
        long = "export",
        value_name = "FORMAT",
        value_enum,
        id = "export_format",
        requires = "export_out"
    )]
    pub format: Option<DrawFormat>,
    /// The file --export writes.
    #[arg(
        long = "out",
        value_name = "FILE",
        id = "export_out",
        requires = "export_format"
    )]
    pub out: Option<PathBuf>,
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
    /// The output file, given without --output; for --format parquet, the output directory
    /// (it must not exist, or be empty, unless --force).
    #[arg(conflicts_with = "output")]
    pub out: Option<PathBuf>,
    /// Parquet: one file per kind and per edge type (`vertices/kind=K/part-0.parquet`).
    #[arg(long)]
    pub partition: bool,
    /// Sqlitegraph: replace an existing output file. Parquet: write into a directory that is
    /// not empty, replacing an earlier export there.
    #[arg(long)]
    pub force: bool,
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
#[command(
    group = clap::ArgGroup::new("which").required(true).args(["id", "name", "kind"]),
    // clap puts a required group first; the database comes first on the real command line.
    override_usage = "mmgraph node [OPTIONS] <DB> <ID|--name <NAME>|--kind <KIND>>"
)]
pub struct NodeArgs {
    /// The database file.
    pub db: PathBuf,
    /// The node's id.
    pub id: Option<String>,
    /// List the nodes with this name (exactly, unless --prefix or --ignore-case).
    #[arg(long)]
    pub name: Option<String>,
    /// With --name: the names that start with it.
    #[arg(long, requires = "name")]
    pub prefix: bool,
    /// With --name: ignore case (reads every node's name; exact and prefix matches use the
    /// name index).
    #[arg(long, short = 'i', requires = "name")]
    pub ignore_case: bool,
    /// List the nodes of this kind (an unknown kind is an error that lists near ones).
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
    /// Only edges of this type (an unknown type is an error that lists near ones).
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
    pub export: TraversalExportArgs,
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
    pub export: TraversalExportArgs,
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
    pub export: TraversalExportArgs,
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

    #[test]
    fn every_usage_line_shows_the_arguments_in_their_real_order() {
        let mut cli = super::Cli::command();
        cli.build();
        for command in cli.get_subcommands_mut() {
            let usage = command.render_usage().to_string();
            let mut last = 0;
            for arg in command.get_positionals() {
                let name = arg
                    .get_value_names()
                    .and_then(|names| names.first())
                    .map_or_else(
                        || arg.get_id().to_string().to_uppercase(),
                        |n| n.to_string(),
                    );
                let at = [
                    format!("<{name}>"),
                    format!("<{name}|"),
                    format!("[{name}]"),
                ]
                .iter()
                .find_map(|shown| usage.find(shown.as_str()))
                .unwrap_or_else(|| panic!("{usage}: no {name}"));
                assert!(at >= last, "{usage}: {name} is out of order");
                last = at;
            }
            let prefix = format!("Usage: mmgraph {} ", command.get_name());
            assert!(usage.starts_with(&prefix), "{usage}");
        }
    }
}
