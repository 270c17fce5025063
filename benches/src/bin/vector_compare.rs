//! The vector search benchmark of mmgraph (issue 16): builds an HNSW index of clustered
//! synthetic vectors in a graph file, computes the exact ground truth, and reports recall@10
//! and queries per second at several `ef_search`, build time, file size and reopen + first
//! query. Writes the vectors, queries and ground truth as raw files into `--out` for
//! `benches/vector_compare.py` (hnswlib, usearch, Kùzu) to use the same data.
//!
//! `--batch N` commits every `N` vectors while building (10,000 by default). With `--churn 1`,
//! instead: deletes the vectors of every tenth node and inserts as many new
//! ones, then builds a fresh index of the same set and compares their recall@10.
//!
//! Build and query times are wall time, or the thread's CPU time with
//! `MMGRAPH_BENCH_CLOCK=thread-cpu` (`mmgraph_benches::measure::clock`), for a machine shared
//! with other jobs; reopen + first query is always wall time.
//!
//! `--input DIR` reads the vectors and queries from `DIR/data.f32` and `DIR/queries.f32` (raw
//! little-endian `f32` rows of `--dim` components, as `benches/embed_taxonomy.py` writes them)
//! instead of generating them.
//!
//! `--reuse 1` skips the build and the exact search: it opens `--out`'s `vectors.mmg` and reads
//! its `truth.u32` from an earlier run, to compare query paths on one file. `--passes N` runs
//! the sweep of `ef_search` `N` times and reports each `ef`'s median queries per second.
//!
//! Run: `nice cargo run --release -p mmgraph-benches --bin vector_compare -- --n 100000`.

use std::time::Instant;

use graph::{Graph, GraphRead, Metric, NodeId, VectorIndexSpec};
use mmgraph_benches::measure::clock;
use mmgraph_benches::vectors::{clustered, read_f32, read_u32, write_f32, write_u32};
use mmgraph_benches::{Result, utc_now};

struct Args {
    n: usize,
    dim: usize,
    queries: usize,
    churn: bool,
    batch: usize,
    out: std::path::PathBuf,
    input: Option<std::path::PathBuf>,
    reuse: bool,
    passes: usize,
}

fn args() -> Result<Args> {
    let mut args = Args {
        n: 100_000,
        dim: 128,
        queries: 1_000,
        churn: false,
        batch: 10_000,
        out: std::env::temp_dir().join("mmgraph-vectors"),
        input: None,
        reuse: false,
        passes: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--n" => args.n = value.parse()?,
            "--dim" => args.dim = value.parse()?,
            "--queries" => args.queries = value.parse()?,
            "--out" => args.out = value.into(),
            "--churn" => args.churn = value == "1",
            "--batch" => args.batch = value.parse::<usize>()?.max(1),
            "--input" => args.input = Some(value.into()),
            "--reuse" => args.reuse = value == "1",
            "--passes" => args.passes = value.parse::<usize>()?.max(1),
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

const K: usize = 10;
const SEED: u64 = 0x5EED_0016;
const CLUSTERS: usize = 100;
const SPREAD: f32 = 0.15;

fn main() -> Result<()> {
    let mut args = args()?;
    if args.churn {
        return churn(&args);
    }
    std::fs::create_dir_all(&args.out)?;
    let (data, queries, what) = match &args.input {
        Some(dir) => {
            let data = read_f32(&dir.join("data.f32"))?;
            let queries = read_f32(&dir.join("queries.f32"))?;
            if data.len() % args.dim != 0 || queries.len() % args.dim != 0 {
                return Err(format!("{} does not hold {}-d rows", dir.display(), args.dim).into());
            }
            args.n = data.len() / args.dim;
            args.queries = queries.len() / args.dim;
            (
                data,
                queries,
                format!("vectors read from {}", dir.display()),
            )
        }
        None => {
            let mut all = clustered(args.n + args.queries, args.dim, CLUSTERS, SPREAD, SEED);
            let queries = all.split_off(args.n * args.dim);
            let what = format!("clustered vectors ({CLUSTERS} clusters, seed {SEED:#x})");
            (all, queries, what)
        }
    };
    let (data, queries) = (data.as_slice(), queries.as_slice());
    let clock = clock();
    println!(
        "# mmgraph vector benchmark, {} UTC, build and queries timed by {}",
        utc_now(),
        clock.name()
    );
    println!(
        "{} x {} {what}, {} queries, M=16, ef_construction=200, L2",
        args.n, args.dim, args.queries
    );
    let path = args.out.join("vectors.mmg");
    let truth_path = args.out.join("truth.u32");
    let (graph, truth) = if args.reuse {
        let truth = read_u32(&truth_path)?;
        if truth.len() != args.queries * K {
            return Err(format!("{} does not hold {K} ids per query", truth_path.display()).into());
        }
        (Graph::open(&path)?, truth)
    } else {
        write_f32(&args.out.join("data.f32"), data)?;
        write_f32(&args.out.join("queries.f32"), queries)?;
        let graph = build(&args, data, &path)?;
        let truth = exact_truth(&graph, queries, args.dim)?;
        write_u32(&truth_path, &truth)?;
        (graph, truth)
    };
    sweep(&graph, queries, &truth, &args)?;
    drop(graph);

    let first = queries.get(..args.dim).ok_or("no query")?;
    let start = Instant::now();
    let graph = Graph::open(&path)?;
    let hits = graph.begin_read()?.vector_search("v", first, K, 40)?;
    let reopen = start.elapsed();
    println!(
        "reopen + first query: {:.2} ms ({} hits, nearest {:?})",
        reopen.as_secs_f64() * 1e3,
        hits.len(),
        hits.first().map(|h| h.node).unwrap_or(NodeId(0))
    );
    Ok(())
}

/// Builds the index of `data` in a new file at `path`: one transaction per `--batch` vectors.
/// Prints the build time, the file's size and its pages by type.
fn build(args: &Args, data: &[f32], path: &std::path::Path) -> Result<Graph> {
    let clock = clock();
    let _ = std::fs::remove_file(path);
    let graph = Graph::open(path)?;
    let start = clock.now();
    let mut txn = graph.begin_write()?;
    txn.create_vector_index("v", VectorIndexSpec::new(args.dim, Metric::L2))?;
    for (i, row) in data.chunks_exact(args.dim).enumerate() {
        let node = txn.add_node("doc", "d", b"")?;
        if node.0 != i as u64 {
            return Err("node ids are not dense from 0".into());
        }
        txn.set_vector("v", node, row)?;
        if (i + 1) % args.batch == 0 {
            txn.commit()?;
            txn = graph.begin_write()?;
            eprintln!(
                "{} inserted, {:.1} s",
                i + 1,
                (clock.now() - start).as_secs_f64()
            );
        }
    }
    txn.commit()?;
    let build = clock.now() - start;
    let file_len = std::fs::metadata(path)?.len();
    let raw = (args.n * args.dim * 4) as u64;
    println!(
        "build: {:.1} s (a commit every {} vectors)",
        build.as_secs_f64(),
        args.batch
    );
    println!(
        "file: {} bytes ({:.2}x the raw vectors, {raw} bytes)",
        file_len,
        file_len as f64 / raw as f64
    );
    let stats = graph.stats()?;
    println!(
        "pages: {} in the file, {} free; by type: {:?}",
        stats.page_count, stats.free_pages, stats.pages_by_type
    );

    Ok(graph)
}

/// The exact top `K` of each query (node ids), by brute force; prints its queries per second.
fn exact_truth(graph: &Graph, queries: &[f32], dim: usize) -> Result<Vec<u32>> {
    let clock = clock();
    let read = graph.begin_read()?;
    let start = clock.now();
    let mut truth = Vec::with_capacity(queries.len() / dim * K);
    for q in queries.chunks_exact(dim) {
        let hits = read.vector_search_exact("v", q, K)?;
        truth.extend(hits.iter().map(|h| h.node.0 as u32));
    }
    println!(
        "exact search: {:.1} QPS",
        (queries.len() / dim) as f64 / (clock.now() - start).as_secs_f64()
    );
    Ok(truth)
}

/// Recall@10 and queries per second at each `ef_search`: the median of `--passes` sweeps.
fn sweep(graph: &Graph, queries: &[f32], truth: &[u32], args: &Args) -> Result<()> {
    const EFS: [usize; 10] = [10, 20, 30, 35, 40, 60, 80, 120, 200, 400];
    let clock = clock();
    let read = graph.begin_read()?;
    let mut qps = vec![Vec::new(); EFS.len()];
    let mut recall = vec![0.0; EFS.len()];
    for _ in 0..args.passes {
        for (i, &ef) in EFS.iter().enumerate() {
            let start = clock.now();
            let mut found = 0usize;
            for (q, t) in queries.chunks_exact(args.dim).zip(truth.chunks_exact(K)) {
                let hits = read.vector_search("v", q, K, ef)?;
                found += hits
                    .iter()
                    .filter(|h| t.contains(&(h.node.0 as u32)))
                    .count();
            }
            qps[i].push(args.queries as f64 / (clock.now() - start).as_secs_f64());
            recall[i] = found as f64 / (args.queries * K) as f64;
        }
    }
    println!("| ef_search | recall@10 | QPS |");
    println!("|---|---|---|");
    for (i, ef) in EFS.iter().enumerate() {
        qps[i].sort_by(f64::total_cmp);
        let median = qps[i][qps[i].len() / 2];
        println!("| {ef} | {:.4} | {median:.0} |", recall[i]);
    }
    Ok(())
}

/// Recall@10 of `index` at several `ef` against exact search in the same index.
fn recalls(
    read: &impl GraphRead,
    index: &str,
    queries: &[f32],
    dim: usize,
) -> Result<Vec<(usize, f64)>> {
    let mut truth = Vec::new();
    for q in queries.chunks_exact(dim) {
        truth.push(read.vector_search_exact(index, q, K)?);
    }
    let mut out = Vec::new();
    for ef in [20, 40, 80] {
        let mut found = 0usize;
        for (q, t) in queries.chunks_exact(dim).zip(&truth) {
            let hits = read.vector_search(index, q, K, ef)?;
            found += hits
                .iter()
                .filter(|h| t.iter().any(|x| x.node == h.node))
                .count();
        }
        out.push((ef, found as f64 / (truth.len() * K) as f64));
    }
    Ok(out)
}

/// Deletes without rebuild: 10% of the vectors deleted and as many inserted, against a
/// fresh index of the same set.
fn churn(args: &Args) -> Result<()> {
    let extra = args.n / 10;
    let all = clustered(
        args.n + args.queries + extra,
        args.dim,
        CLUSTERS,
        SPREAD,
        SEED,
    );
    let (data, rest) = all.split_at(args.n * args.dim);
    let (queries, new) = rest.split_at(args.queries * args.dim);
    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join("churn.mmg");
    let _ = std::fs::remove_file(&path);
    let graph = Graph::open(&path)?;
    let mut txn = graph.begin_write()?;
    txn.create_vector_index("churned", VectorIndexSpec::new(args.dim, Metric::L2))?;
    txn.create_vector_index("fresh", VectorIndexSpec::new(args.dim, Metric::L2))?;
    let mut nodes = Vec::new();
    for row in data.chunks_exact(args.dim) {
        let node = txn.add_node("doc", "d", b"")?;
        txn.set_vector("churned", node, row)?;
        nodes.push((node, row));
    }
    txn.commit()?;
    let before = std::fs::metadata(&path)?.len();
    let start = Instant::now();
    let mut txn = graph.begin_write()?;
    let mut kept = Vec::new();
    for (i, (node, row)) in nodes.into_iter().enumerate() {
        if i % 10 == 0 {
            txn.delete_vector("churned", node)?;
        } else {
            kept.push((node, row));
        }
    }
    for row in new.chunks_exact(args.dim) {
        let node = txn.add_node("doc", "d", b"")?;
        txn.set_vector("churned", node, row)?;
        kept.push((node, row));
    }
    txn.commit()?;
    let churn_secs = start.elapsed().as_secs_f64();
    let mut txn = graph.begin_write()?;
    for (node, row) in &kept {
        txn.set_vector("fresh", *node, row)?;
    }
    txn.commit()?;
    println!("# deletes without rebuild, {} UTC", utc_now());
    println!(
        "{} x {}: {} deleted and {} inserted in {churn_secs:.1} s; file {} bytes before, {} after both indexes",
        args.n,
        args.dim,
        args.n / 10,
        extra,
        before,
        std::fs::metadata(&path)?.len()
    );
    let read = graph.begin_read()?;
    let churned = recalls(&read, "churned", queries, args.dim)?;
    let fresh = recalls(&read, "fresh", queries, args.dim)?;
    println!("| ef_search | recall@10 after churn | recall@10 fresh | difference |");
    println!("|---|---|---|---|");
    for ((ef, c), (_, f)) in churned.iter().zip(&fresh) {
        println!("| {ef} | {c:.4} | {f:.4} | {:+.4} |", c - f);
    }
    if !graph.check()?.is_clean() {
        return Err("check found problems after the churn".into());
    }
    Ok(())
}
