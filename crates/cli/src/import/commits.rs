//! The import's write transactions: a commit every `--batch` records, each carrying the
//! progress record of the inputs it covers (see [`super::resume`]), so that what is committed
//! and what the record says can never disagree.

use graph::{Graph, WriteTxn};

use super::resume::{self, Committed, WHOLE};
use crate::error::Result;

/// Which writing pass a line was read by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// The second pass: nodes.
    Nodes,
    /// The third pass: edges.
    Edges,
}

/// Nodes and edges added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Added {
    /// Nodes.
    pub nodes: u64,
    /// Edges.
    pub edges: u64,
}

/// Batched write transactions that record the inputs' progress in each commit.
pub struct Commits<'g> {
    graph: &'g Graph,
    txn: Option<WriteTxn>,
    size: u64,
    pending: u64,
    /// Per input: the progress record key, and how far the lines read have come.
    keys: Vec<Vec<u8>>,
    reached: Vec<Committed>,
    /// Per input, how far the last commit came.
    durable: Vec<Committed>,
    /// Inputs whose progress changed since the last commit.
    changed: Vec<bool>,
    /// What the open transaction adds.
    pub adding: Added,
    /// What was committed by this run.
    pub committed: Added,
}

impl<'g> Commits<'g> {
    /// Transactions of `size` records on `graph`, for inputs with record `keys` that had
    /// committed `resumed` before this run.
    pub fn new(graph: &'g Graph, size: u64, keys: Vec<Vec<u8>>, resumed: &[Committed]) -> Self {
        let changed = vec![false; keys.len()];
        Commits {
            graph,
            txn: None,
            size,
            pending: 0,
            keys,
            reached: resumed.to_vec(),
            durable: resumed.to_vec(),
            changed,
            adding: Added::default(),
            committed: Added::default(),
        }
    }

    /// The open transaction.
    pub fn txn(&mut self) -> Result<&mut WriteTxn> {
        Ok(match &mut self.txn {
            Some(txn) => txn,
            empty => empty.insert(self.graph.begin_write()?),
        })
    }

    /// `pass` has read line `line` of input `file` (or all of it, with [`WHOLE`]), and what
    /// the line holds is in the open transaction.
    pub fn reached(&mut self, file: usize, line: u64, pass: Pass) {
        if let (Some(reached), Some(changed)) =
            (self.reached.get_mut(file), self.changed.get_mut(file))
        {
            match pass {
                Pass::Nodes => reached.nodes_through = line,
                Pass::Edges => reached.edges_through = line,
            }
            *changed = true;
        }
    }

    /// `pass` has read all of input `file`.
    pub fn finished_input(&mut self, file: usize, pass: Pass) {
        self.reached(file, WHOLE, pass);
    }

    /// Counts `records` more; whether the batch is full (the caller then commits).
    pub fn counted(&mut self, records: u64) -> bool {
        self.pending += records;
        self.pending >= self.size
    }

    /// Starts counting the next batch without committing: its records stay in the open
    /// transaction, to be committed with the batches after them.
    pub fn hold(&mut self) {
        self.pending = 0;
    }

    /// Commits the open transaction with the progress records that changed.
    pub fn commit(&mut self) -> Result<()> {
        self.pending = 0;
        if self.txn.is_none() && !self.changed.contains(&true) {
            return Ok(());
        }
        let mut txn = match self.txn.take() {
            Some(txn) => txn,
            None => self.graph.begin_write()?,
        };
        let records = self.keys.iter().zip(&self.reached);
        for ((key, reached), changed) in records.zip(self.changed.iter_mut()) {
            if *changed {
                resume::store(&mut txn, key, *reached)?;
                *changed = false;
            }
        }
        txn.commit()?;
        self.durable.clone_from(&self.reached);
        self.committed.nodes += self.adding.nodes;
        self.committed.edges += self.adding.edges;
        self.adding = Added::default();
        Ok(())
    }

    /// Per input, how far this run and the runs before it have committed.
    pub fn committed_through(&self) -> &[Committed] {
        &self.durable
    }
}
