//! The main job on an embedded default: build a sample graph in a file, reopen it, check it,
//! and traverse it.
//!
//! `cargo run --release -p graph --example demo [PATH]` (a temporary file by default). The
//! graph is scenario D of the tests: 10,000 nodes of 22 kinds, names like `process_data_<i>`
//! for a third of them, data over 64 bytes for half, and 50,000 random typed edges.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use graph::{Direction, Graph, GraphRead, NodeId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| temp.path().join("demo.mmg"), Into::into);
    let spec = common::Spec::new(10_000, 50_000, true, 4);
    println!("database: {}", path.display());

    let started = Instant::now();
    {
        let graph = Graph::open(&path)?;
        spec.write(&graph, 100_000);
    }
    println!(
        "build:    {} nodes, {} edges in two durable transactions (nodes, then edges in bulk): {:.1?}",
        spec.nodes,
        spec.edges.len(),
        started.elapsed()
    );

    let reopened = Instant::now();
    let graph = Graph::open(&path)?;
    println!("reopen:   {:.1?}", reopened.elapsed());

    let checked = Instant::now();
    let report = graph.check()?;
    println!(
        "check:    {} ({} nodes, {} edges, {} pages reached, {} free) in {:.1?}",
        if report.is_clean() {
            "clean"
        } else {
            "PROBLEMS"
        },
        report.nodes,
        report.edges,
        report.pages,
        report.free_pages,
        checked.elapsed()
    );
    for problem in &report.problems {
        println!("          {problem}");
    }

    let verified = Instant::now();
    spec.verify(&graph);
    println!(
        "verify:   every node's kind, name, data and both neighbour lists as written: {:.1?}",
        verified.elapsed()
    );

    let read = graph.begin_read()?;
    let timed = Instant::now();
    let reached = read.bfs(NodeId(0), Direction::Out, None)?;
    let depth = reached.last().map_or(0, |(_, d)| *d);
    println!(
        "bfs:      from node 0 along out-edges: {} nodes, depth {depth}, {:.1?}",
        reached.len(),
        timed.elapsed()
    );
    let timed = Instant::now();
    let hop = read.k_hop(NodeId(0), 2, Direction::Both)?;
    println!(
        "k-hop:    {} distinct nodes within 2 hops of node 0 (both directions), {:.1?}",
        hop.len(),
        timed.elapsed()
    );
    let timed = Instant::now();
    let target = NodeId(spec.nodes - 1);
    match read.shortest_path(NodeId(0), target)? {
        Some(path) => println!(
            "path:     node 0 to node {target}: {} hops, {:.1?}",
            path.len() - 1,
            timed.elapsed()
        ),
        None => println!(
            "path:     node {target} is not reachable from node 0, {:.1?}",
            timed.elapsed()
        ),
    }
    let timed = Instant::now();
    let prefixed = read.nodes_by_name_prefix("process_data_").count();
    let functions = read.count_by_kind("function")?;
    println!(
        "indexes:  {prefixed} names start with process_data_, {functions} nodes of kind function, {:.1?}",
        timed.elapsed()
    );

    let stats = graph.stats()?;
    println!(
        "stats:    {} kinds, {} edge types, {} pages ({} free), file {:.1} MiB",
        stats.kinds,
        stats.edge_types,
        stats.page_count,
        stats.free_pages,
        stats.file_len as f64 / (1 << 20) as f64
    );
    for (page_type, count) in &stats.pages_by_type {
        println!("          {count:>6} {page_type} pages");
    }
    if !report.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}
