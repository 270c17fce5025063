//! `mmgraph vector`: create, list and drop vector indexes, set node vectors (one on the command
//! line, or many from JSON lines or a `.npy` file, each file in one transaction: a bad line or
//! row writes nothing), and search them.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use graph::{GraphRead, Metric, NodeId, ReadTxn, VectorFilter, VectorIndexSpec};
use serde_json::json;

use crate::cli::IdArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::labels;
use crate::lookup;
use crate::output::{Listing, Output};

/// Arguments of `vector`.
#[derive(Args, Debug)]
pub struct VectorArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: VectorCommand,
}

/// The `vector` subcommands.
#[derive(Subcommand, Debug)]
pub enum VectorCommand {
    /// Create an empty vector index.
    ///
    /// Example: `mmgraph vector create g.mmg emb --dim 384 --metric cosine`
    Create {
        /// The database file.
        db: PathBuf,
        /// The index's name.
        name: String,
        /// Components per vector (up to 4,096).
        #[arg(long)]
        dim: usize,
        /// `cosine`, `l2` or `ip` (inner product).
        #[arg(long, default_value = "cosine")]
        metric: String,
        /// HNSW links per node and level.
        #[arg(long, default_value_t = 16)]
        m: usize,
        /// HNSW candidates when linking a new vector.
        #[arg(long, default_value_t = 200)]
        ef_construction: usize,
    },
    /// Set node vectors: one with `--vector`, many from JSON lines (`{"id": .., "vector":
    /// [..]}`, ids as node ids or, with -x, external ids), or from a `.npy` file of `N x D`
    /// `f32` or `f64` rows (row `i` is node `--first-node + i`).
    ///
    /// Example: `mmgraph vector set g.mmg emb 42 --vector 0.1,0.2,0.3`
    Set {
        /// The database file.
        db: PathBuf,
        /// The index's name.
        index: String,
        /// The node (with `--vector`).
        #[arg(requires = "vector", conflicts_with = "from")]
        node: Option<String>,
        /// The vector, comma-separated.
        #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
        vector: Option<Vec<f32>>,
        /// A JSON lines file of `{"id": .., "vector": [..]}`.
        #[arg(long, conflicts_with_all = ["vector", "npy"])]
        from: Option<PathBuf>,
        /// A NumPy `.npy` file of `N x D` rows (little-endian `f32` or `f64`, C order).
        #[arg(long, conflicts_with = "vector")]
        npy: Option<PathBuf>,
        /// The node of the `.npy` file's first row.
        #[arg(long, default_value_t = 0, requires = "npy")]
        first_node: u64,
        #[command(flatten)]
        ids: IdArgs,
    },
    /// The k nearest nodes to a vector.
    ///
    /// Example: `mmgraph vector search g.mmg emb --vector 0.1,0.2,0.3 -k 5`
    Search {
        /// The database file.
        db: PathBuf,
        /// The index's name.
        index: String,
        /// The query, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            allow_negative_numbers = true,
            required = true
        )]
        vector: Vec<f32>,
        /// How many nodes.
        #[arg(short, long, default_value_t = 10)]
        k: usize,
        /// HNSW candidates (more finds more of the true nearest, slower).
        #[arg(long, default_value_t = 64)]
        ef: usize,
        /// Compare with every vector instead (exact, slow on large indexes).
        #[arg(long)]
        exact: bool,
        /// Only nodes of this kind.
        #[arg(long, conflicts_with = "exact")]
        kind: Option<String>,
    },
    /// Drop a vector index and free its pages.
    ///
    /// Example: `mmgraph vector drop g.mmg emb`
    Drop {
        /// The database file.
        db: PathBuf,
        /// The index's name.
        name: String,
    },
    /// List the vector indexes.
    ///
    /// Example: `mmgraph vector list g.mmg --json`
    List {
        /// The database file.
        db: PathBuf,
    },
}

/// Runs `mmgraph vector`.
pub fn run(args: &VectorArgs, out: &mut Output) -> Result<ExitCode> {
    match &args.command {
        VectorCommand::Create {
            db,
            name,
            dim,
            metric,
            m,
            ef_construction,
        } => {
            let metric = Metric::from_name(metric).ok_or_else(|| {
                Error::Invalid(format!("unknown metric {metric:?}: use cosine, l2 or ip"))
            })?;
            let spec = VectorIndexSpec {
                m: *m,
                ef_construction: *ef_construction,
                ..VectorIndexSpec::new(*dim, metric)
            };
            let graph = db::open_existing(db)?;
            let mut txn = graph.begin_write()?;
            txn.create_vector_index(name, spec)?;
            txn.commit()?;
            report(
                out,
                json!({ "created": name }),
                &format!("created index {name}"),
            )?;
        }
        VectorCommand::Set {
            db,
            index,
            node,
            vector,
            from,
            npy,
            first_node,
            ids,
        } => {
            let count = match (node, vector, from, npy) {
                (Some(node), Some(vector), None, None) => set_one(db, index, node, vector, *ids)?,
                (None, None, Some(file), None) => set_from(db, index, file, *ids)?,
                (None, None, None, Some(file)) => set_npy(db, index, file, *first_node)?,
                _ => {
                    return Err(Error::Invalid(
                        "give a node and --vector, --from FILE or --npy FILE".to_owned(),
                    ));
                }
            };
            report(
                out,
                json!({ "set": count }),
                &format!("set {count} vector(s)"),
            )?;
        }
        VectorCommand::Search {
            db,
            index,
            vector,
            k,
            ef,
            exact,
            kind,
        } => return search(db, index, vector, *k, *ef, *exact, kind.as_deref(), out),
        VectorCommand::Drop { db, name } => {
            let graph = db::open_existing(db)?;
            let mut txn = graph.begin_write()?;
            if !txn.drop_vector_index(name)? {
                return Err(Error::Invalid(format!("no vector index named {name:?}")));
            }
            txn.commit()?;
            report(
                out,
                json!({ "dropped": name }),
                &format!("dropped index {name}"),
            )?;
        }
        VectorCommand::List { db } => {
            let graph = db::open_read_only(db)?;
            let indexes = graph.begin_read()?.vector_indexes()?;
            let mut listing = Listing::new(out, "indexes");
            for info in &indexes {
                listing.record(
                    || {
                        Ok(format!(
                            "{}: {} x {} ({}, m {}, ef_construction {})",
                            info.name,
                            info.len,
                            info.spec.dimension,
                            info.spec.metric.name(),
                            info.spec.m,
                            info.spec.ef_construction
                        ))
                    },
                    || {
                        Ok(json!({
                            "name": info.name,
                            "dimension": info.spec.dimension,
                            "metric": info.spec.metric.name(),
                            "m": info.spec.m,
                            "ef_construction": info.spec.ef_construction,
                            "vectors": info.len,
                        }))
                    },
                )?;
            }
            listing.finish(
                || Ok(vec![format!("{} vector index(es)", indexes.len())]),
                || {
                    let mut summary = serde_json::Map::new();
                    summary.insert("count".to_owned(), json!(indexes.len()));
                    Ok(summary)
                },
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Copies every vector index of `read` into `batch`'s graph, whose nodes have the same ids
/// (for `compact`). The HNSW links are built anew.
pub fn copy_indexes(read: &ReadTxn, batch: &mut db::Batch<'_>) -> Result<()> {
    for info in read.vector_indexes()? {
        batch.txn()?.create_vector_index(&info.name, info.spec)?;
        for node in read.nodes() {
            let id = node?.id();
            if let Some(vector) = read.vector(&info.name, id)? {
                batch.txn()?.set_vector(&info.name, id, &vector)?;
                batch.counted(1)?;
            }
        }
    }
    Ok(())
}

/// Prints the outcome of a command that changes the database: `text`, or `value` as JSON.
fn report(out: &mut Output, value: serde_json::Value, text: &str) -> Result<()> {
    if out.json() {
        out.value(&value)
    } else {
        out.line(text)
    }
}

fn set_one(db: &Path, index: &str, node: &str, vector: &[f32], ids: IdArgs) -> Result<u64> {
    let graph = db::open_existing(db)?;
    let mut txn = graph.begin_write()?;
    let node = db::resolve(&txn, node, ids)?;
    txn.set_vector(index, node, vector)?;
    txn.commit()?;
    Ok(1)
}

/// One line of a vector import.
#[derive(serde::Deserialize)]
struct VectorLine {
    id: serde_json::Value,
    vector: Vec<f32>,
}

fn set_from(db: &Path, index: &str, file: &Path, ids: IdArgs) -> Result<u64> {
    let input = std::fs::File::open(file).map_err(|source| Error::File {
        path: file.to_owned(),
        source,
    })?;
    let graph = db::open_existing(db)?;
    let mut txn = graph.begin_write()?;
    let mut count = 0;
    for (number, line) in std::io::BufReader::new(input).lines().enumerate() {
        let line = line.map_err(|source| Error::File {
            path: file.to_owned(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad =
            |what: String| Error::Invalid(format!("{}:{}: {what}", file.display(), number + 1));
        let parsed: VectorLine = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        let id = match &parsed.id {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let node = db::resolve(&txn, &id, ids).map_err(|e| bad(e.to_string()))?;
        txn.set_vector(index, node, &parsed.vector)
            .map_err(|e| bad(e.to_string()))?;
        count += 1;
    }
    txn.commit()?;
    Ok(count)
}

/// The rows of a `.npy` file: `(rows, columns, values)`.
fn read_npy(file: &Path) -> Result<(usize, usize, Vec<f32>)> {
    let bytes = std::fs::read(file).map_err(|source| Error::File {
        path: file.to_owned(),
        source,
    })?;
    let bad = |what: &str| {
        Error::Invalid(format!(
            "{}: not a usable .npy file: {what}",
            file.display()
        ))
    };
    let rest = bytes
        .strip_prefix(b"\x93NUMPY")
        .ok_or_else(|| bad("no NumPy magic"))?;
    let (&major, rest) = rest.split_first().ok_or_else(|| bad("truncated"))?;
    let rest = rest.get(1..).ok_or_else(|| bad("truncated"))?;
    let (header_len, rest) = match major {
        1 => {
            let len: [u8; 2] = rest
                .get(..2)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| bad("truncated"))?;
            (usize::from(u16::from_le_bytes(len)), rest.get(2..))
        }
        2 | 3 => {
            let len: [u8; 4] = rest
                .get(..4)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| bad("truncated"))?;
            (u32::from_le_bytes(len) as usize, rest.get(4..))
        }
        _ => return Err(bad("unknown format version")),
    };
    let rest = rest.ok_or_else(|| bad("truncated"))?;
    let header = rest
        .get(..header_len)
        .ok_or_else(|| bad("truncated header"))?;
    let data = rest.get(header_len..).unwrap_or(&[]);
    let header = std::str::from_utf8(header).map_err(|_| bad("header is not text"))?;
    let width = if header.contains("'<f4'") {
        4
    } else if header.contains("'<f8'") {
        8
    } else {
        return Err(bad("the values are not little-endian f32 or f64"));
    };
    if header.contains("'fortran_order': True") {
        return Err(bad("Fortran order"));
    }
    let shape = header
        .split("'shape':")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| bad("no shape"))?;
    let dims: Vec<usize> = shape
        .trim()
        .trim_start_matches('(')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| bad("a shape that is not numbers")))
        .collect::<Result<_>>()?;
    let [rows, columns] = dims[..] else {
        return Err(bad("not two-dimensional"));
    };
    if rows.checked_mul(columns).and_then(|n| n.checked_mul(width)) != Some(data.len()) {
        return Err(bad("the data's length does not match the shape"));
    }
    let values = if width == 4 {
        data.chunks_exact(4)
            .map(|b| <[u8; 4]>::try_from(b).map_or(f32::NAN, f32::from_le_bytes))
            .collect()
    } else {
        data.chunks_exact(8)
            .map(|b| <[u8; 8]>::try_from(b).map_or(f32::NAN, |b| f64::from_le_bytes(b) as f32))
            .collect()
    };
    Ok((rows, columns, values))
}

fn set_npy(db: &Path, index: &str, file: &Path, first_node: u64) -> Result<u64> {
    let (rows, columns, values) = read_npy(file)?;
    let graph = db::open_existing(db)?;
    let mut txn = graph.begin_write()?;
    for (i, row) in (0u64..).zip(values.chunks_exact(columns.max(1)).take(rows)) {
        let node = NodeId(first_node.saturating_add(i));
        txn.set_vector(index, node, row)
            .map_err(|e| Error::Invalid(format!("{} row {i}: {e}", file.display())))?;
    }
    txn.commit()?;
    Ok(rows as u64)
}

#[expect(clippy::too_many_arguments, reason = "one per command-line option")]
fn search(
    db: &Path,
    index: &str,
    vector: &[f32],
    k: usize,
    ef: usize,
    exact: bool,
    kind: Option<&str>,
    out: &mut Output,
) -> Result<ExitCode> {
    let graph = db::open_read_only(db)?;
    let read = graph.begin_read()?;
    if let Some(kind) = kind {
        labels::known_kind(&read, kind)?;
    }
    let hits = match (exact, kind) {
        (true, _) => read.vector_search_exact(index, vector, k)?,
        (false, Some(kind)) => {
            read.vector_search_filtered(index, vector, k, ef, &VectorFilter::Kind(kind))?
        }
        (false, None) => read.vector_search(index, vector, k, ef)?,
    };
    let mut listing = Listing::new(out, "nodes");
    for hit in &hits {
        listing.record(
            || {
                Ok(format!(
                    "{:>12.6} {}",
                    hit.distance,
                    db::describe(&read, hit.node)?
                ))
            },
            || {
                let mut record = lookup::node_ref(&read, hit.node)?;
                if let Some(fields) = record.as_object_mut() {
                    fields.insert("distance".to_owned(), json!(hit.distance));
                }
                Ok(record)
            },
        )?;
    }
    listing.finish(
        || Ok(vec![format!("{} nearest in {index}", hits.len())]),
        || {
            let mut summary = serde_json::Map::new();
            summary.insert("index".to_owned(), json!(index));
            summary.insert("count".to_owned(), json!(hits.len()));
            Ok(summary)
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
