//! `mmgraph compact`: a new file holding the database's live data only. The graph is copied
//! record by record in id order, so node and edge ids stay as they are: an id whose record was
//! deleted gets a placeholder that is deleted again before the last commit. The external ids,
//! the key-value spaces, the vector indexes, the labels beyond each node's kind, the property indexes and the
//! property columns are copied too.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use graph::{EdgeId, Graph, GraphRead, PropertyRead, ReadTxn};
use parquet_io::pending::PendingEdges;

use crate::db;
use crate::error::{Error, Result};
use crate::import::{FIRST_EDGE_COMMIT, FIRST_NODE_COMMIT};
use crate::inspect::mib;
use crate::output::Output;

/// Records copied per transaction.
const BATCH: u64 = 100_000;
/// The kind and edge type of placeholders (deleted before the copy's last commit).
const PLACEHOLDER: &str = "mmgraph.placeholder";

/// Runs `mmgraph compact`.
pub fn run(db_path: &Path, out_path: &Path, out: &mut Output) -> Result<ExitCode> {
    let started = Instant::now();
    let source = db::open_read_only(db_path)?;
    if out_path.exists() {
        return Err(Error::Exists(out_path.to_owned()));
    }
    let read = source.begin_read()?;
    let target = db::open(out_path)?;
    let copied = copy(&read, &target);
    if let Err(e) = copied {
        drop(target);
        // The copy is incomplete; leave no half-made file behind.
        let _ = std::fs::remove_file(out_path);
        return Err(e);
    }
    drop(target);
    let before = std::fs::metadata(db_path).map(|m| m.len()).unwrap_or(0);
    let after = std::fs::metadata(out_path).map(|m| m.len()).unwrap_or(0);
    if out.json() {
        out.line(serde_json::json!({"nodes": read.node_count(), "edges": read.edge_count(), "bytes_before": before, "bytes_after": after, "seconds": started.elapsed().as_secs_f64()}))?;
    } else {
        out.line(format_args!(
            "compacted {} nodes and {} edges: {:.1} MiB -> {:.1} MiB in {:.1?}",
            read.node_count(),
            read.edge_count(),
            mib(before),
            mib(after),
            started.elapsed()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn copy(read: &ReadTxn, target: &Graph) -> Result<()> {
    // The nodes go into one transaction up to `FIRST_NODE_COMMIT`, as an import's do (see
    // there why): the copy is a graph without nodes.
    let mut batch = db::Batch::new(target, FIRST_NODE_COMMIT.max(BATCH));
    let mut placeholder_nodes = Vec::new();
    for node in read.nodes() {
        let node = node?;
        // The copy's nodes are dense from 0 until the placeholders go: the next id is the count.
        while batch.txn()?.node_count() < node.id().0 {
            placeholder_nodes.push(batch.txn()?.add_node(PLACEHOLDER, "", b"")?);
            batch.counted(1)?;
        }
        let kind = node.kind()?;
        let id = batch.txn()?.add_node(&kind, &node.name()?, &node.data()?)?;
        same_id(id.0, node.id().0, "node")?;
        for label in read.node_labels(id)? {
            if label != kind {
                batch.txn()?.add_label(id, &label)?;
            }
        }
        batch.counted(1)?;
    }
    // The copy's name index, filled node by node, has leaves about three quarters full: it and
    // the kind index are rebuilt into packed leaves. Pages an earlier batch committed are reusable only after the transaction
    // that frees them, so then the rebuild commits before the edges, which reuse them; pages
    // of the open transaction are reusable at once.
    let spanned_batches = batch.has_committed();
    batch.txn()?.rebuild_indexes()?;
    if spanned_batches {
        batch.commit()?;
    }
    batch.set_size(BATCH);
    let placeholder_edges = copy_edges(read, &mut batch)?;
    for id in placeholder_edges {
        batch.txn()?.delete_edge(id)?;
        batch.counted(1)?;
    }
    for id in placeholder_nodes {
        batch.txn()?.delete_node(id)?;
        batch.counted(1)?;
    }
    let copied = graph::external_ids::copy_numbers(read, batch.txn()?)?;
    batch.counted(copied)?;
    for space in read.kv_spaces()? {
        for entry in read.kv_prefix(&space, b"")? {
            let (key, value) = entry?;
            batch.txn()?.kv_insert(&space, &key, &value)?;
            batch.counted(1)?;
        }
    }
    crate::vector::copy_indexes(read, &mut batch)?;
    // Last, so that each index is filled once from the copied nodes.
    for index in read.property_indexes()? {
        batch
            .txn()?
            .create_property_index(&index.name, &index.label, &index.key)?;
        batch.counted(1)?;
    }
    for column in read.property_columns()? {
        batch
            .txn()?
            .create_property_column(&column.label, &column.key)?;
        batch.counted(1)?;
    }
    batch.finish()
}

/// Copies the edges in id order through the bulk path, with placeholders where ids are
/// missing; the first batch into the copy (which has no edges) is as large as
/// [`FIRST_EDGE_COMMIT`], so that its lists are written once. Returns the placeholders' ids.
fn copy_edges(read: &ReadTxn, batch: &mut db::Batch<'_>) -> Result<Vec<EdgeId>> {
    let mut pending = PendingEdges::default();
    let mut placeholders = Vec::new();
    let mut size = FIRST_EDGE_COMMIT.max(BATCH);
    // The copy's edges are dense from 0 until the placeholders go: the next id is the count.
    let mut next_id = batch.txn()?.edge_count();
    for edge in read.edges() {
        let edge = edge?;
        while next_id < edge.id().0 {
            let anchor = edge.from();
            let _bound_reached = pending.push(anchor, anchor, PLACEHOLDER, b"");
            placeholders.push(EdgeId(next_id));
            next_id += 1;
        }
        // One `add_edges` call per commit (see `import`), whatever the buffer's bound.
        let _bound_reached =
            pending.push(edge.from(), edge.to(), &edge.edge_type()?, &edge.data()?);
        next_id += 1;
        if pending.len() as u64 >= size {
            flush_edges(&mut pending, batch, next_id)?;
            size = BATCH;
        }
    }
    flush_edges(&mut pending, batch, next_id)?;
    Ok(placeholders)
}

/// Adds the pending edges, checks that the copy's next edge id is `next_id` (its edges are
/// dense until the placeholders go), and commits.
fn flush_edges(pending: &mut PendingEdges, batch: &mut db::Batch<'_>, next_id: u64) -> Result<()> {
    let count = pending.add_to(batch.txn()?)?;
    same_id(batch.txn()?.edge_count(), next_id, "next edge")?;
    batch.counted(count)
}

fn same_id(copy: u64, original: u64, what: &str) -> Result<()> {
    if copy == original {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "the copy's {what} {original} got id {copy}; the copy is abandoned"
        )))
    }
}
