//! External ids: the ids a source gave its nodes (a file's ids, sqlitegraph's entity ids,
//! Parquet's vertex ids), kept beside the graph so that later imports, exports and commands
//! given `-x ID` find the nodes by them. Every importer keeps them here, the same way.
//!
//! An id that is a number written the usual way (decimal digits, no leading zero, at most
//! [`nodepage::IdMap::MAX_VALUE`]) and not far past the graph's node count is kept in two id
//! maps (`nodepage::IdMap`, root slots 19-26): number -> node and node -> number, 5 bytes an
//! entry each. Any other id is kept in two key-value spaces, [`EXTERNAL_IDS`] and
//! [`EXTERNAL_ID_OF`], as its text. Lookups try the maps first; an id is in one place only,
//! since recording checks both. Files of graph layout 8 and before hold every id in the spaces.

use std::iter::Peekable;

use crate::error::{Damage, Error, Result};
use crate::ids::NodeId;
use crate::kv::space_tree;
use crate::read::{GraphRead, sealed::Access};
use crate::write::WriteTxn;
use zerocopy::FromBytes;

/// The key-value space mapping external ids (their text) to node ids (8 little-endian bytes),
/// for ids the id maps do not take.
pub const EXTERNAL_IDS: &str = "mmgraph.external_ids";
/// The reverse: node id (8 big-endian bytes, so keys sort by id) to external id.
pub const EXTERNAL_ID_OF: &str = "mmgraph.external_id_of";

/// How far past twice the node count a number may go and still be kept in the number -> node
/// map: the map spends a leaf page on every 812 consecutive numbers that hold one, so numbers
/// scattered far beyond the nodes would cost pages, not bytes, each.
const NUMBER_SLACK: u64 = 1 << 16;

/// `node` as a key of [`EXTERNAL_ID_OF`]: big-endian, so keys sort by id.
pub fn node_key(node: NodeId) -> [u8; 8] {
    zerocopy::big_endian::U64::new(node.0).to_bytes()
}

/// The node a key of [`EXTERNAL_ID_OF`] names, if it is one (8 bytes).
pub fn node_of_key(key: &[u8]) -> Option<NodeId> {
    zerocopy::big_endian::U64::read_from_bytes(key)
        .ok()
        .map(|k| NodeId(k.get()))
}

/// The number `ext` is, when it is one the id maps can keep: decimal digits only, no leading
/// zero (so that the number gives back the same text), at most
/// [`nodepage::IdMap::MAX_VALUE`].
fn number(ext: &str) -> Option<u64> {
    let digits = ext.as_bytes();
    let canonical = match digits {
        [] => false,
        [b'0', _, ..] => false,
        _ => digits.iter().all(u8::is_ascii_digit),
    };
    if !canonical {
        return None;
    }
    ext.parse()
        .ok()
        .filter(|&n| n <= nodepage::IdMap::MAX_VALUE)
}

/// The external id of `node`, if an import gave it one (bytes that are not UTF-8 are
/// replaced, as [`String::from_utf8_lossy`] does).
pub fn external_of(read: &impl GraphRead, node: NodeId) -> Result<Option<String>> {
    if let Some(n) = read.roots().external_numbers.get(read.source(), node.0)? {
        return Ok(Some(n.to_string()));
    }
    Ok(read
        .kv_get(EXTERNAL_ID_OF, &node_key(node))?
        .map(|v| String::from_utf8_lossy(&v).into_owned()))
}

/// The node an import gave external id `ext`.
pub fn node_of(read: &impl GraphRead, ext: &str) -> Result<Option<NodeId>> {
    if let Some(n) = number(ext)
        && let Some(node) = read.roots().external_nodes.get(read.source(), n)?
    {
        return Ok(Some(NodeId(node)));
    }
    match read.kv_get(EXTERNAL_IDS, ext.as_bytes())? {
        None => Ok(None),
        Some(value) => node_value(&value)
            .map(Some)
            .ok_or_else(|| damaged(format!("external id {ext:?} maps to {} bytes", value.len()))),
    }
}

/// Every node with an external id, in node order, with its id: what [`external_of`] gives
/// for each.
pub fn all<'a>(
    read: &'a impl GraphRead,
) -> Result<impl Iterator<Item = Result<(NodeId, String)>> + 'a> {
    let numbers = read
        .roots()
        .external_numbers
        .iter(read.source())?
        .map(|entry| {
            let (node, n) = entry?;
            Ok((NodeId(node), n.to_string()))
        });
    let texts = read.kv_prefix(EXTERNAL_ID_OF, b"")?.map(|entry| {
        let (key, value) = entry?;
        let node = node_of_key(&key)
            .ok_or_else(|| damaged(format!("a key of {} bytes names no node", key.len())))?;
        Ok((node, String::from_utf8_lossy(&value).into_owned()))
    });
    Ok(ByNode {
        numbers: numbers.peekable(),
        texts: texts.peekable(),
    })
}

/// How many external ids are recorded: at least the nodes that have one (a node given a text
/// id and later a number counts twice).
pub fn recorded(read: &impl GraphRead) -> Result<u64> {
    Ok(read.roots().external_numbers.len() + read.kv_len(EXTERNAL_ID_OF)?)
}

/// Two walks in node order merged into one, the first's entry taken where both have a node.
struct ByNode<A: Iterator, B: Iterator> {
    numbers: Peekable<A>,
    texts: Peekable<B>,
}

impl<A, B> Iterator for ByNode<A, B>
where
    A: Iterator<Item = Result<(NodeId, String)>>,
    B: Iterator<Item = Result<(NodeId, String)>>,
{
    type Item = Result<(NodeId, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        let next_node = |entry: Option<&Result<(NodeId, String)>>| match entry {
            Some(Ok((node, _))) => Some(Some(node.0)),
            Some(Err(_)) => Some(None),
            None => None,
        };
        match (next_node(self.numbers.peek()), next_node(self.texts.peek())) {
            // An error comes out first, wherever it is.
            (Some(None), _) | (Some(_), None) => self.numbers.next(),
            (_, Some(None)) | (None, Some(_)) => self.texts.next(),
            (None, None) => None,
            (Some(Some(a)), Some(Some(b))) => {
                if a == b {
                    self.texts.next();
                }
                if a <= b {
                    self.numbers.next()
                } else {
                    self.texts.next()
                }
            }
        }
    }
}

/// Copies the id maps of `from` into `txn`'s graph entry by entry, as they are (a compaction
/// copies the key-value spaces, which hold the other ids, on its own); returns the entries
/// copied. The maps of `txn`'s graph are assumed empty: an entry there for the same number or
/// node is replaced.
pub fn copy_numbers(from: &impl GraphRead, txn: &mut WriteTxn) -> Result<u64> {
    let roots = from.roots();
    let (by_number, by_node, pager) = txn.external_maps_mut();
    let mut copied = 0;
    for (source, target) in [
        (&roots.external_nodes, by_number),
        (&roots.external_numbers, by_node),
    ] {
        for entry in source.iter(from.source())? {
            let (key, value) = entry?;
            target.insert(pager, key, value)?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// Records that external id `ext` is `node`, deciding inside `txn` that the id is new. When
/// another node has it already, returns that node, and `txn` must then be dropped, not
/// committed (the id's entry now names `node`).
pub fn record(txn: &mut WriteTxn, ext: &str, node: NodeId) -> Result<Option<NodeId>> {
    Ok(record_all(txn, &[(ext, node)])?.map(|(_, holder)| holder))
}

/// Records, for each `(ext, node)` of `ids`, that external id `ext` is `node`, as [`record`]
/// does for each in turn, in key order. When an id is another node's already (in the graph,
/// or earlier in `ids`), returns its position in `ids` and the node that has it, and `txn`
/// must then be dropped, not committed.
pub fn record_all(txn: &mut WriteTxn, ids: &[(&str, NodeId)]) -> Result<Option<(usize, NodeId)>> {
    let limit = txn
        .roots()
        .nodes
        .next_id()
        .saturating_mul(2)
        .saturating_add(NUMBER_SLACK);
    let mut numbers = Vec::new();
    let mut texts = Vec::new();
    for (i, &(ext, node)) in ids.iter().enumerate() {
        match number(ext).filter(|&n| n < limit) {
            Some(n) => numbers.push((n, node, i)),
            None => texts.push(i),
        }
    }
    if let Some(taken) = record_numbers(txn, ids, &mut numbers)? {
        return Ok(Some(taken));
    }
    record_texts(txn, ids, &texts)
}

/// Records `numbers` (number, node, position in `ids`) in the id maps, after checking that
/// none is in [`EXTERNAL_IDS`] as text (where an earlier layout, or a graph with fewer nodes
/// then, put it).
fn record_numbers(
    txn: &mut WriteTxn,
    ids: &[(&str, NodeId)],
    numbers: &mut [(u64, NodeId, usize)],
) -> Result<Option<(usize, NodeId)>> {
    if numbers.is_empty() {
        return Ok(None);
    }
    if let Some(tree) = space_tree(txn.source(), EXTERNAL_IDS)? {
        for &(_, _, i) in numbers.iter() {
            let Some(&(ext, _)) = ids.get(i) else {
                continue;
            };
            if let Some(value) = tree.get(txn.source(), ext.as_bytes())? {
                let holder = node_value(&value).ok_or_else(|| {
                    damaged(format!("external id {ext:?} maps to {} bytes", value.len()))
                })?;
                return Ok(Some((i, holder)));
            }
        }
    }
    // Stable, so that of two entries for one number the earlier is inserted first.
    numbers.sort_by_key(|&(n, _, _)| n);
    let (by_number, by_node, pager) = txn.external_maps_mut();
    for &(n, node, i) in numbers.iter() {
        if let Some(holder) = by_number.insert(pager, n, node.0)? {
            return Ok(Some((i, NodeId(holder))));
        }
    }
    numbers.sort_by_key(|&(_, node, _)| node);
    for &(n, node, _) in numbers.iter() {
        by_node.insert(pager, node.0, n)?;
    }
    // A node's latest id is the one `external_of` gives: drop a text one it had.
    if space_tree(txn.source(), EXTERNAL_ID_OF)?.is_some() {
        for &(_, node, _) in numbers.iter() {
            txn.kv_remove(EXTERNAL_ID_OF, &node_key(node))?;
        }
    }
    Ok(None)
}

/// Records the ids at positions `texts` of `ids` in the key-value spaces, each space's keys
/// inserted in key order.
fn record_texts(
    txn: &mut WriteTxn,
    ids: &[(&str, NodeId)],
    texts: &[usize],
) -> Result<Option<(usize, NodeId)>> {
    let values: Vec<[u8; 8]> = ids.iter().map(|(_, node)| node.0.to_le_bytes()).collect();
    let mut order = texts.to_vec();
    // Stable, so that of two entries for one id the earlier is inserted first.
    order.sort_by_key(|&i| ids.get(i).map(|(ext, _)| ext.as_bytes()));
    let entries = order.iter().filter_map(|&i| {
        let (ext, _) = ids.get(i)?;
        Some((ext.as_bytes(), values.get(i)?.as_slice()))
    });
    if let Some((at, previous)) = txn.kv_insert_entries_internal(EXTERNAL_IDS, entries)? {
        let holder = node_value(&previous)
            .ok_or_else(|| damaged("an external id mapped to other than 8 bytes".to_owned()))?;
        return Ok(order.get(at).map(|&i| (i, holder)));
    }
    // A node's latest id is the one `external_of` gives: drop a number it had.
    let (_, by_node, pager) = txn.external_maps_mut();
    for &i in texts {
        if let Some(&(_, node)) = ids.get(i) {
            by_node.remove(pager, node.0)?;
        }
    }
    let keys: Vec<[u8; 8]> = ids.iter().map(|(_, node)| node_key(*node)).collect();
    let mut order = texts.to_vec();
    order.sort_by_key(|&i| keys.get(i));
    let entries = order
        .iter()
        .filter_map(|&i| Some((keys.get(i)?.as_slice(), ids.get(i)?.0.as_bytes())));
    txn.kv_insert_entries_internal(EXTERNAL_ID_OF, entries)?;
    Ok(None)
}

/// The node id a value of [`EXTERNAL_IDS`] holds, if it is 8 bytes.
fn node_value(value: &[u8]) -> Option<NodeId> {
    zerocopy::little_endian::U64::read_from_bytes(value)
        .ok()
        .map(|v| NodeId(v.get()))
}

/// Damage found in the external-id index.
fn damaged(what: String) -> Error {
    Error::Corrupt(Damage::new(EXTERNAL_IDS, None, what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Graph;

    #[test]
    fn an_external_id_maps_both_ways_and_cannot_be_given_twice() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        assert_eq!(record(&mut txn, "42", a)?, None);
        assert_eq!(record(&mut txn, "42", b)?, Some(a));
        assert_eq!(node_of(&txn, "42")?, Some(b));
        assert_eq!(external_of(&txn, a)?.as_deref(), Some("42"));
        assert_eq!(node_of_key(&node_key(b)), Some(b));
        assert_eq!(node_of_key(b"short"), None);
        Ok(())
    }

    #[test]
    fn ids_recorded_together_map_both_ways_and_a_taken_one_is_named() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        let c = txn.add_node("k", "c", b"")?;
        // Out of key order ("10" sorts before "9"), as a file's decimal ids come.
        assert_eq!(record_all(&mut txn, &[("9", a), ("10", b)])?, None);
        assert_eq!(node_of(&txn, "9")?, Some(a));
        assert_eq!(node_of(&txn, "10")?, Some(b));
        assert_eq!(external_of(&txn, a)?.as_deref(), Some("9"));
        assert_eq!(external_of(&txn, b)?.as_deref(), Some("10"));
        txn.commit()?;
        let mut txn = graph.begin_write()?;
        assert_eq!(record_all(&mut txn, &[("11", c), ("9", c)])?, Some((1, a)));
        drop(txn);
        let mut txn = graph.begin_write()?;
        assert_eq!(record_all(&mut txn, &[("x", c), ("x", a)])?, Some((1, c)));
        drop(txn);
        let mut txn = graph.begin_write()?;
        assert_eq!(record_all(&mut txn, &[("12", c), ("12", a)])?, Some((1, c)));
        Ok(())
    }

    #[test]
    fn numbers_go_to_the_id_maps_and_other_ids_to_the_spaces() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let nodes: Vec<NodeId> = (0..7)
            .map(|i| txn.add_node("k", &i.to_string(), b""))
            .collect::<Result<_>>()?;
        // Far past twice the node count plus the slack: scattered, so kept as text.
        let far = (2 * 7 + NUMBER_SLACK).to_string();
        let ids = ["0", "65", "007", "7", "+5", &far, "taxon"];
        let pairs: Vec<(&str, NodeId)> = ids.iter().copied().zip(nodes.iter().copied()).collect();
        assert_eq!(record_all(&mut txn, &pairs)?, None);
        txn.commit()?;
        let read = graph.begin_read()?;
        for (ext, node) in &pairs {
            assert_eq!(node_of(&read, ext)?, Some(*node), "{ext}");
            assert_eq!(external_of(&read, *node)?.as_deref(), Some(*ext));
        }
        assert_eq!(node_of(&read, "07")?, None);
        assert_eq!(node_of(&read, "8")?, None);
        assert_eq!(read.roots().external_nodes.len(), 3);
        assert_eq!(read.kv_len(EXTERNAL_IDS)?, 4);
        assert_eq!(recorded(&read)?, 7);
        let listed: Vec<(NodeId, String)> = all(&read)?.collect::<Result<_>>()?;
        let expected: Vec<(NodeId, String)> = pairs
            .iter()
            .map(|(ext, node)| (*node, ext.to_string()))
            .collect();
        assert_eq!(listed, expected, "every id, in node order");
        assert!(read.check()?.is_clean());
        Ok(())
    }

    #[test]
    fn a_number_kept_as_text_is_found_and_cannot_be_given_again() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        // As graph layout 8 kept every id.
        txn.kv_insert_internal(EXTERNAL_IDS, b"42", &a.0.to_le_bytes())?;
        txn.kv_insert_internal(EXTERNAL_ID_OF, &node_key(a), b"42")?;
        txn.commit()?;
        let mut txn = graph.begin_write()?;
        assert_eq!(node_of(&txn, "42")?, Some(a));
        assert_eq!(external_of(&txn, a)?.as_deref(), Some("42"));
        assert_eq!(record(&mut txn, "42", b)?, Some(a));
        drop(txn);
        let mut txn = graph.begin_write()?;
        assert_eq!(record(&mut txn, "43", b)?, None);
        txn.commit()?;
        let read = graph.begin_read()?;
        let listed: Vec<(NodeId, String)> = all(&read)?.collect::<Result<_>>()?;
        assert_eq!(listed, [(a, "42".to_owned()), (b, "43".to_owned())]);
        Ok(())
    }

    #[test]
    fn a_copy_of_the_id_maps_finds_the_same_nodes() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let ids: Vec<(String, NodeId)> = (0..2_000)
            .map(|i| Ok(((3 * i).to_string(), txn.add_node("k", "", b"")?)))
            .collect::<Result<_>>()?;
        let pairs: Vec<(&str, NodeId)> = ids.iter().map(|(e, n)| (e.as_str(), *n)).collect();
        assert_eq!(record_all(&mut txn, &pairs)?, None);
        txn.commit()?;
        let copy = Graph::in_memory()?;
        let mut txn = copy.begin_write()?;
        for _ in 0..2_000 {
            txn.add_node("k", "", b"")?;
        }
        assert_eq!(copy_numbers(&graph.begin_read()?, &mut txn)?, 4_000);
        txn.commit()?;
        let read = copy.begin_read()?;
        for (ext, node) in &pairs {
            assert_eq!(node_of(&read, ext)?, Some(*node));
            assert_eq!(external_of(&read, *node)?.as_deref(), Some(*ext));
        }
        assert!(read.check()?.is_clean());
        Ok(())
    }
}
