//! The record of an import's committed progress, per input: how far its nodes pass and its
//! edges pass have committed, written in the same transaction as the records they cover. An
//! import that was stopped (a signal, a kill, a full disk) is finished by running it again: the
//! lines the record covers are skipped, so nothing is added twice; an input imported whole is
//! skipped whole.

use graph::{GraphRead, WriteTxn};

use crate::db;
use crate::error::{Error, Result};

/// The key-value space of the records: key [`key`], value [`Committed`] (16 bytes).
pub const IMPORT_PROGRESS: &str = "mmgraph.import_progress";

/// A pass that has gone through every line of an input.
pub const WHOLE: u64 = u64::MAX;

/// How far the two writing passes have committed one input: every line up to and including
/// the line number given (0: none; [`WHOLE`]: all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    /// Lines whose nodes are committed.
    pub nodes_through: u64,
    /// Lines whose edges are committed.
    pub edges_through: u64,
}

impl Committed {
    fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0; 16];
        let (nodes, edges) = bytes.split_at_mut(8);
        nodes.copy_from_slice(&self.nodes_through.to_le_bytes());
        edges.copy_from_slice(&self.edges_through.to_le_bytes());
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Option<Committed> {
        let nodes: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
        let edges: [u8; 8] = bytes.get(8..)?.try_into().ok()?;
        Some(Committed {
            nodes_through: u64::from_le_bytes(nodes),
            edges_through: u64::from_le_bytes(edges),
        })
    }

    /// Whether both passes went through the whole input.
    pub fn is_whole(self) -> bool {
        self.nodes_through == WHOLE && self.edges_through == WHOLE
    }
}

/// The key of an input's record: its length, how it is read, and its canonical path, so that
/// the same file read the same way finds its record and a changed file does not.
pub fn key(canonical: &std::path::Path, len: u64, reading: &str) -> Result<Vec<u8>> {
    let key = format!("{len}\t{reading}\t{}", canonical.display()).into_bytes();
    if key.len() > graph::MAX_KV_KEY_LEN {
        return Err(Error::Invalid(format!(
            "{}: the path is too long to record the import's progress (limit about {} bytes)",
            canonical.display(),
            graph::MAX_KV_KEY_LEN
        )));
    }
    Ok(key)
}

/// The committed progress recorded under `key` (none yet: zero).
pub fn load(read: &impl GraphRead, key: &[u8]) -> Result<Committed> {
    match read.kv_get(IMPORT_PROGRESS, key)? {
        None => Ok(Committed::default()),
        Some(value) => Committed::from_bytes(&value).ok_or_else(|| {
            db::corrupt(
                IMPORT_PROGRESS,
                format!(
                    "an import progress record of {} bytes (16 expected)",
                    value.len()
                ),
            )
        }),
    }
}

/// Records `committed` under `key`, in `txn`.
pub fn store(txn: &mut WriteTxn, key: &[u8], committed: Committed) -> Result<()> {
    txn.kv_insert(IMPORT_PROGRESS, key, &committed.to_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        for committed in [
            Committed::default(),
            Committed {
                nodes_through: WHOLE,
                edges_through: 17,
            },
        ] {
            assert_eq!(
                Committed::from_bytes(&committed.to_bytes()),
                Some(committed)
            );
        }
        assert_eq!(Committed::from_bytes(&[0; 15]), None);
        assert_eq!(Committed::from_bytes(&[0; 17]), None);
    }

    #[test]
    fn a_record_is_stored_in_the_transaction_it_covers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let graph = graph::Graph::open(dir.path().join("g.mmg")).expect("open");
        let key = key(std::path::Path::new("/in.tsv"), 10, "tsv").expect("key");
        let committed = Committed {
            nodes_through: 5,
            edges_through: 0,
        };
        let mut txn = graph.begin_write().expect("write");
        store(&mut txn, &key, committed).expect("store");
        txn.abort();
        let read = graph.begin_read().expect("read");
        assert_eq!(load(&read, &key).expect("load"), Committed::default());
        let mut txn = graph.begin_write().expect("write");
        store(&mut txn, &key, committed).expect("store");
        txn.commit().expect("commit");
        let read = graph.begin_read().expect("read");
        assert_eq!(load(&read, &key).expect("load"), committed);
    }
}
