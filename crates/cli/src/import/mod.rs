//! `mmgraph import`: files of edge lists, taxonomy TSV or JSON lines into a database.
//!
//! The input is read three times. The first pass checks every line and every id and writes
//! nothing, so a bad line or an edge to an unknown id leaves the database as it was. The second
//! adds the nodes, the third the edges (so edges may name nodes defined later in the input);
//! both commit every `--batch` records, each commit with a record of how far it has come in
//! each input ([`resume`]), so that an import that was stopped finishes when run again, adding
//! nothing twice. Whether an external id is new is decided inside the transaction that adds
//! the node, so imports that run one after the other cannot give one id two nodes. The input's
//! ids are kept in the key-value space [`graph::external_ids::EXTERNAL_IDS`], so a later
//! import can refer to them.

mod check;
mod commits;
mod ids;
mod interrupt;
mod parse;
mod reading;
mod resume;
mod source;
mod table;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use graph::{Graph, GraphRead, NewDataNode, NodeId, WriteTxn};
use parquet_io::pending::PendingEdges;

pub use interrupt::EXIT_STATUS as INTERRUPTED_STATUS;
pub use parse::to_hex;
use parse::{EDGE_LIST_KIND, Parsed, parse_line};
use source::{Input, Line};

use self::check::Checker;
use self::commits::{Commits, Pass};
use self::ids::{Defined, Ids};
use self::interrupt::Stop;
use self::resume::Committed;
use crate::cli::ImportArgs;
use crate::db;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::progress::Progress;

/// Where a line is: the input's index and the line number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct At {
    file: usize,
    line: u64,
}

/// The inputs' lines, with the options that say how to read them.
#[derive(Clone, Copy)]
struct Lines<'a> {
    inputs: &'a [Input],
    args: &'a ImportArgs,
    progress: &'a Progress,
    /// Per input, what earlier runs of this import committed.
    resumed: &'a [Committed],
    stop: &'a Stop,
}

/// The writing passes: the lines, written through [`Commits`].
struct Import<'a> {
    lines: Lines<'a>,
}

/// Runs `mmgraph import`.
pub fn run(args: &ImportArgs, out: &mut Output) -> Result<ExitCode> {
    if crate::sqlitegraph::is_sqlitegraph_import(args) {
        return crate::sqlitegraph::import(args, out);
    }
    let inputs = args
        .files
        .iter()
        .zip(&args.file_options)
        .map(|(path, options)| Input::new(path, options))
        .collect::<Result<Vec<_>>>()?;
    graph::check_label("edge type", &args.edge_type)?;
    for (i, input) in inputs.iter().enumerate() {
        if inputs
            .get(..i)
            .is_some_and(|before| before.iter().any(|b| b.key == input.key))
        {
            return Err(Error::Invalid(format!(
                "{} is given twice, read the same way; give it once",
                input.path.display()
            )));
        }
    }
    let stop = Stop::catch()?;
    let started = Instant::now();
    let progress = Progress::new(inputs.iter().map(|i| i.len).sum(), args.quiet);
    // A new database is made only once the input has passed the check.
    let existing = match args.db.exists() {
        true => Some(db::open(&args.db)?),
        false => None,
    };
    let read = existing.as_ref().map(Graph::begin_read).transpose()?;
    let resumed = match &read {
        Some(read) => inputs
            .iter()
            .map(|input| resume::load(read, &input.key))
            .collect::<Result<Vec<_>>>()?,
        None => vec![Committed::default(); inputs.len()],
    };
    let lines = Lines {
        inputs: &inputs,
        args,
        progress: &progress,
        resumed: &resumed,
        stop: &stop,
    };
    let checker = Checker { lines, read };
    progress.pass("1/3 checking");
    let mut ids = checker.check()?;
    drop(checker);
    let graph = match existing {
        Some(graph) => graph,
        None => db::open(&args.db)?,
    };
    let import = Import { lines };
    let keys = inputs.iter().map(|i| i.key.clone()).collect();
    let mut commits = Commits::new(&graph, args.batch, keys, &resumed);
    let written = import
        .add_nodes(&mut ids, &mut commits)
        .and_then(|()| import.add_edges(&ids, &mut commits));
    progress.finish();
    if let Err(e) = written {
        return Err(lines.stopped(e, &commits));
    }
    let added = commits.committed;
    let seconds = started.elapsed().as_secs_f64();
    let skipped = resumed.iter().filter(|r| r.is_whole()).count();
    if out.json() {
        out.value(&serde_json::json!({
            "nodes_added": added.nodes,
            "edges_added": added.edges,
            "inputs_already_imported": skipped,
            "seconds": seconds,
        }))?;
    } else {
        out.line(format_args!(
            "imported {} nodes and {} edges from {} file(s) into {} in {seconds:.1} s",
            added.nodes,
            added.edges,
            inputs.len(),
            args.db.display()
        ))?;
        if skipped > 0 {
            out.line(format_args!(
                "{skipped} file(s) had been imported whole before, by the same command: skipped"
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

impl Lines<'_> {
    /// Calls `each` for every line that holds a record, in input order, with its parse; with
    /// `pass`, skips the lines earlier runs committed in that pass (without, the check, skips
    /// the inputs earlier runs imported whole). Stops with
    /// [`Error::Interrupted`] when SIGINT or SIGTERM arrives.
    fn each_line(
        &self,
        pass: Option<Pass>,
        mut each: impl FnMut(At, Result<Parsed<'_>, String>) -> Result<()>,
    ) -> Result<()> {
        let mut done = 0;
        let mut records = 0u64;
        for (file, input) in self.inputs.iter().enumerate() {
            let resumed = self.resumed.get(file).copied().unwrap_or_default();
            let skip_through = match pass {
                // An input imported whole is in the database: its ids are found there.
                None if resumed.is_whole() => resume::WHOLE,
                None => 0,
                Some(Pass::Nodes) => resumed.nodes_through,
                Some(Pass::Edges) => resumed.edges_through,
            };
            if skip_through == resume::WHOLE {
                done += input.len;
                continue;
            }
            let read = Arc::new(AtomicU64::new(0));
            let mut lines = input.lines(Arc::clone(&read))?;
            while let Some(line) = lines.next_line()? {
                if self.stop.asked() {
                    return Err(Error::Interrupted(String::new()));
                }
                let (at, parsed) = match line {
                    Line::Text(line, _) | Line::NotUtf8(line)
                        if line <= skip_through || input.is_header(line) =>
                    {
                        continue;
                    }
                    Line::Text(line, text) => (
                        At { file, line },
                        parse_line(&input.how.reading, text, &self.args.edge_type),
                    ),
                    Line::NotUtf8(line) => (At { file, line }, Err("not UTF-8".to_owned())),
                };
                let parsed = match parsed {
                    Ok(None) => continue,
                    Ok(Some(parsed)) => Ok(parsed),
                    Err(e) => Err(e),
                };
                each(at, parsed)?;
                records += 1;
                if records.is_multiple_of(4096) {
                    self.progress
                        .update(done + read.load(Ordering::Relaxed), records);
                }
            }
            done += input.len;
        }
        Ok(())
    }

    /// Records that `pass` went through every input, and commits. The last commit of the
    /// nodes rebuilds the name and kind indexes into packed pages when this run added most of
    /// the graph's nodes (its batches' names split the name index's leaves; the edges' commits
    /// reuse the pages it frees). The last commit of the edges folds the adjacency delta (the edges of the
    /// batches after the first that joined existing lists), so that the imported graph's lists
    /// are contiguous for the reads that follow.
    fn finished(&self, pass: Pass, commits: &mut Commits<'_>) -> Result<()> {
        for file in 0..self.inputs.len() {
            commits.finished_input(file, pass);
        }
        match pass {
            Pass::Nodes => {
                let added = commits.committed.nodes + commits.adding.nodes;
                commits.txn()?.rebuild_indexes_after(added)?;
            }
            Pass::Edges => commits.txn()?.fold_adjacency()?,
        }
        commits.commit()
    }

    fn location(&self, at: At) -> String {
        let path = self.inputs.get(at.file).map_or(Path::new("?"), |i| &i.path);
        format!("{}:{}", path.display(), at.line)
    }

    /// The error for a line that passed the check and then failed: the file changed.
    fn changed(&self, at: At, what: &str) -> Error {
        Error::Invalid(format!(
            "{}: {what} (the file changed during the import; the batches before it were committed)",
            self.location(at)
        ))
    }

    /// `e`, which stopped the writing passes, with what they had committed and how to go on.
    fn stopped(&self, e: Error, commits: &Commits<'_>) -> Error {
        let added = commits.committed;
        let mut said = format!(
            "this run committed {} nodes and {} edges",
            added.nodes, added.edges
        );
        for (input, through) in self.inputs.iter().zip(commits.committed_through()) {
            let part = |line: u64| match line {
                resume::WHOLE => "all lines".to_owned(),
                0 => "none".to_owned(),
                n => format!("lines 1-{n}"),
            };
            said.push_str(&format!(
                "\n  {}: nodes of {}, edges of {}",
                input.path.display(),
                part(through.nodes_through),
                part(through.edges_through)
            ));
        }
        match e {
            Error::Interrupted(_) => Error::Interrupted(format!(
                "{said}\nthe database holds exactly those commits; run the same command again to finish the import (it skips what is committed)"
            )),
            // Nothing was written by this run: the error says all there is.
            other if commits.committed_through() == self.resumed => other,
            other => Error::Stopped {
                cause: Box::new(other),
                committed: format!(
                    "{said}\nthe database holds exactly those commits; once the cause is mended, the same command finishes the import"
                ),
            },
        }
    }
}

impl Import<'_> {
    /// Pass 2: adds every node, explicit or implicit, in bulk per batch, and records in `ids`
    /// the node of every input id it adds. Into a graph without nodes, the batches up to
    /// [`FIRST_NODE_COMMIT`] nodes share one commit (see there why).
    fn add_nodes(&self, ids: &mut Ids, commits: &mut Commits<'_>) -> Result<()> {
        self.lines.progress.pass("2/3 nodes");
        let mut first_commit = commits.txn()?.node_count() == 0;
        let mut pending = PendingNodes::default();
        self.lines.each_line(Some(Pass::Nodes), |at, parsed| {
            let parsed = parsed.map_err(|what| self.lines.changed(at, &what))?;
            if let Some(node) = &parsed.node {
                pending.push(at, &node.ext, &node.kind, &node.name, &node.data, true);
            }
            if let (true, Some(edge)) = (parsed.implicit_ends, &parsed.edge) {
                for end in [&edge.from, &edge.to] {
                    let known = ids.get(end);
                    if known.is_some_and(|k| k.node.is_some() || k.defined == Defined::Explicit)
                        || pending.has_implicit(end)
                    {
                        continue;
                    }
                    match db::node_of_external(&*commits.txn()?, end)? {
                        Some(id) => ids.learned(end, id),
                        None => pending.push(at, end, EDGE_LIST_KIND, end, b"", false),
                    }
                }
            }
            // The line's nodes are pending: they are in the transaction before any commit.
            commits.reached(at.file, at.line, Pass::Nodes);
            if commits.counted(1) {
                commits.adding.nodes += pending.flush(commits.txn()?, ids, &self.lines)?;
                if first_commit && commits.adding.nodes < FIRST_NODE_COMMIT {
                    commits.hold();
                } else {
                    commits.commit()?;
                    first_commit = false;
                }
            }
            Ok(())
        })?;
        commits.adding.nodes += pending.flush(commits.txn()?, ids, &self.lines)?;
        self.lines.finished(Pass::Nodes, commits)
    }

    /// Pass 3: adds every edge, in bulk per batch; into a graph without edges, the first
    /// commit takes up to [`FIRST_EDGE_COMMIT`] edges whatever `--batch` says (see there why).
    fn add_edges(&self, ids: &Ids, commits: &mut Commits<'_>) -> Result<()> {
        self.lines.progress.pass("3/3 edges");
        let mut batch = self.lines.args.batch;
        if commits.txn()?.edge_count() == 0 {
            batch = batch.max(FIRST_EDGE_COMMIT);
        }
        let mut pending = PendingEdges::default();
        self.lines.each_line(Some(Pass::Edges), |at, parsed| {
            let parsed = parsed.map_err(|what| self.lines.changed(at, &what))?;
            if let Some(edge) = &parsed.edge {
                let txn = commits.txn()?;
                let end = |ext: &str| -> Result<NodeId> {
                    match ids.node_of(ext) {
                        Some(id) => Ok(id),
                        None => db::node_of_external(&*txn, ext)?
                            .ok_or_else(|| self.lines.changed(at, &format!("unknown id {ext}"))),
                    }
                };
                let (from, to) = (end(&edge.from)?, end(&edge.to)?);
                // One `add_edges` call per commit, whatever the buffer's own bound: a second
                // call in the transaction would extend the lists the first built whole.
                let _bound_reached = pending.push(from, to, &edge.edge_type, &edge.data);
            }
            // The line's edge is pending: it is in the transaction before any commit.
            commits.reached(at.file, at.line, Pass::Edges);
            if pending.len() as u64 >= batch {
                commits.adding.edges += pending.add_to(commits.txn()?)?;
                commits.commit()?;
                batch = self.lines.args.batch;
            }
            Ok(())
        })?;
        commits.adding.edges += pending.add_to(commits.txn()?)?;
        self.lines.finished(Pass::Edges, commits)
    }
}

/// The most edges the first commit of edges takes into a graph without edges, whatever the
/// batch size. Their lists are then written once, in order, by the bulk path; in batches, every
/// later batch's entries would go to the adjacency delta, and the final fold would copy every
/// list (on the NCBI taxonomy: 223 MiB of a 1,082 MiB file left free). At about 40 bytes an
/// edge, pending edges take at most about 320 MiB beside the bulk path's own.
pub(crate) const FIRST_EDGE_COMMIT: u64 = 8_000_000;

/// The most nodes the first commit of nodes takes into a graph without nodes, whatever the
/// batch size: its batches are added one by one into one transaction. Committed batch by
/// batch, each batch's names land all over the name index, so each commit copied nearly every
/// index leaf the commits before had written (up to 15,700 pages a commit on the NCBI
/// taxonomy, 2.6M nodes in 26 batches), and the file ended 3,500 pages larger than what it
/// holds; in one transaction a batch changes the index's pages in place (the import took 6.9-7.2
/// s against 8.7-8.9, `docs/cli.md`). The transaction holds its pages until it commits: the
/// taxonomy's import peaked at 561 MiB RSS against 515-535.
pub(crate) const FIRST_NODE_COMMIT: u64 = 4_000_000;

/// A node read but not yet added; its strings and data are in [`PendingNodes`]' buffers.
struct PendingNode {
    at: At,
    ext: Range<usize>,
    kind: Range<usize>,
    name: Range<usize>,
    data: Range<usize>,
    /// Defined by a node line (else an edge list's end, made on first sight).
    explicit: bool,
}

/// Nodes read but not yet added: added together through the bulk path, their external ids
/// recorded together. Their strings are kept back to back in one buffer and their data in
/// another, not in allocations of their own (four per node, a tenth of the taxonomy's import).
#[derive(Default)]
struct PendingNodes {
    nodes: Vec<PendingNode>,
    /// The nodes' external ids, kinds and names.
    text: String,
    /// The nodes' data.
    data: Vec<u8>,
    /// The external ids of the pending edge-list ends, so that each is made once.
    implicit: HashSet<Box<str>>,
}

/// Appends `s` to `buffer`; returns where it is.
fn kept(buffer: &mut String, s: &str) -> Range<usize> {
    let start = buffer.len();
    buffer.push_str(s);
    start..buffer.len()
}

impl PendingNodes {
    fn push(&mut self, at: At, ext: &str, kind: &str, name: &str, data: &[u8], explicit: bool) {
        if !explicit {
            self.implicit.insert(ext.into());
        }
        let start = self.data.len();
        self.data.extend_from_slice(data);
        let node = PendingNode {
            at,
            ext: kept(&mut self.text, ext),
            kind: kept(&mut self.text, kind),
            name: kept(&mut self.text, name),
            data: start..self.data.len(),
            explicit,
        };
        self.nodes.push(node);
    }

    /// The text at `range` of the buffer (always a whole string pushed there).
    fn text(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// Whether edge-list end `ext` is pending.
    fn has_implicit(&self, ext: &str) -> bool {
        self.implicit.contains(ext)
    }

    /// Adds the pending nodes in `txn` and records their external ids there, and in `ids`;
    /// returns how many.
    fn flush(&mut self, txn: &mut WriteTxn, ids: &mut Ids, lines: &Lines<'_>) -> Result<u64> {
        let nodes: Vec<NewDataNode<'_>> = self
            .nodes
            .iter()
            .map(|n| NewDataNode {
                kind: self.text(&n.kind),
                name: self.text(&n.name),
                data: self.data.get(n.data.clone()).unwrap_or_default(),
            })
            .collect();
        let added = txn.add_nodes_with_data(&nodes)?;
        drop(nodes);
        let exts: Vec<(&str, NodeId)> = (self.nodes.iter().map(|n| self.text(&n.ext)))
            .zip(added.iter().copied())
            .collect();
        // Decided here, in the transaction that adds the nodes (which an error drops):
        // another import may have added an id since this one's check.
        if let Some((i, holder)) = graph::external_ids::record_all(txn, &exts)? {
            let taken = self.nodes.get(i).map(|n| {
                let e = Error::ExternalIdTaken {
                    ext: self.text(&n.ext).to_owned(),
                    node: holder,
                };
                match n.explicit {
                    true => Error::Invalid(format!(
                        "{}: {e}: another import added it after this one's check",
                        lines.location(n.at)
                    )),
                    false => e,
                }
            });
            return Err(taken.unwrap_or_else(|| Error::Invalid("an external id was taken".into())));
        }
        drop(exts);
        for (node, id) in self.nodes.iter().zip(&added) {
            ids.learned(self.text(&node.ext), *id);
        }
        let count = added.len() as u64;
        self.nodes.clear();
        self.text.clear();
        self.data.clear();
        self.implicit.clear();
        Ok(count)
    }
}
