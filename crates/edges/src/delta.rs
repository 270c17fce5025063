//! The delta: entries added by recent commits, kept out of the lists they belong to until a
//! later commit folds them in, so that a commit of random edges into a large graph writes pages
//! in proportion to its edges, not to the graph.
//!
//! Written in place, a commit of k random edges into n nodes touches min(2k, n/64) adjacency
//! leaves and the run pages under them, and copy-on-write copies each: on scenario E (100K
//! nodes, 100 commits of 10K edges) every commit copied nearly the whole adjacency, 2,470 bytes
//! per edge. Through the delta a commit instead writes its entries once, sorted, into a new
//! *tier*: a B+tree ([`btree::Tree`]) keyed by list and edge, whose pages the commit fills
//! sequentially. A directory tree lists the tiers, oldest first. [`crate::Adjacency::settle`],
//! called before each commit, folds every tier into the lists (one pass over the leaves they
//! touch, a leaf at a time) once the delta holds as many entries as the lists: a fold then at
//! most doubles the lists it rewrites, so folding costs amortised O(1) pages per entry. Until
//! then, when there are more than [`MAX_TIERS`] tiers, the [`MERGE_WIDTH`] consecutive tiers
//! with the fewest entries are merged into one, so that a read's descents stay bounded and
//! merging costs O(log) rewrites per entry (tiers of similar size are merged, as in a
//! size-tiered LSM tree). Folding when tiers are many instead would make a commit of one edge
//! into a large graph rewrite every list once in every few commits.
//!
//! Reading a list is its stored run or hub, then its entries in each tier, oldest first, each
//! tier's in edge order: one descent per tier, none while the delta is empty (every
//! bulk-loaded file, and any file after a fold). Tiers are copy-on-write pages like everything
//! else, so a reader sees exactly its snapshot's tiers.
//!
//! Tier key (11 bytes): node `u40` big-endian, direction (0 out, 1 in), edge `u40` big-endian;
//! value (7 bytes): the neighbour `u40` and the edge type `u16`, little-endian. Directory key:
//! the tier's sequence number, `u64` big-endian; value: the tier's root page, `u64`
//! little-endian.

use std::ops::Range;

use btree::keys::{decode_u64, u64_key};
use btree::{BulkFill, Tree};
use pager_mmap::{PageId, PageSource, U40, WriteTxn};
use zerocopy::little_endian::U16;

use crate::adjacency::Direction;
use crate::error::{Error, Result};
use crate::layout::AdjEntry;

/// Tiers at most after [`crate::Adjacency::settle`]: each is one more descent for every list
/// read while the delta is not empty.
pub const MAX_TIERS: usize = 16;

/// Tiers merged into one when there are too many.
pub const MERGE_WIDTH: usize = 4;

/// The delta is folded no sooner than this many entries (about 1.5 MiB of tier pages), so a
/// small graph's commits do not each rewrite its lists.
pub const FOLD_MIN_ENTRIES: u64 = 64 * 1024;

/// A tier key's length.
const KEY_LEN: usize = 11;
/// A tier value's length.
const VALUE_LEN: usize = 7;

/// A tier's key and value for one entry, ready to store.
pub(crate) type Cell = ([u8; KEY_LEN], [u8; VALUE_LEN]);

impl From<btree::Error> for Error {
    fn from(e: btree::Error) -> Error {
        match e {
            btree::Error::Pager(e) => Error::Pager(e),
            e => Error::Corrupt(format!("delta tier: {e}")),
        }
    }
}

/// The five low bytes of `value`, big-endian: a `u40` as keys order it.
fn be40_bytes(value: u64) -> [u8; 5] {
    let [_, _, _, a, b, c, d, e] = u64_key(value);
    [a, b, c, d, e]
}

/// The `u40` of five big-endian bytes.
fn from_be40(a: u8, b: u8, c: u8, d: u8, e: u8) -> u64 {
    decode_u64(&[0, 0, 0, a, b, c, d, e]).unwrap_or_default()
}

/// The first bytes of the keys of `node`'s list in `direction`.
fn list_prefix(node: u64, direction: Direction) -> [u8; 6] {
    let [a, b, c, d, e] = be40_bytes(node);
    [a, b, c, d, e, direction.index()]
}

/// The first bytes of every key of `node`'s lists: the start of its key range.
fn node_prefix(node: u64) -> [u8; 5] {
    be40_bytes(node)
}

/// The key of edge `edge` in `node`'s list in `direction`.
pub(crate) fn key_of(node: u64, direction: Direction, edge: u64) -> [u8; KEY_LEN] {
    let [a, b, c, d, e, dir] = list_prefix(node, direction);
    let [f, g, h, i, j] = be40_bytes(edge);
    [a, b, c, d, e, dir, f, g, h, i, j]
}

/// The stored key and value of `entry` in `node`'s list in `direction`.
pub(crate) fn cell(node: u64, direction: Direction, entry: &AdjEntry) -> Cell {
    let [a, b, c, d, e, _, _, _] = entry.neighbor.get().to_le_bytes();
    let [f, g] = entry.edge_type.get().to_le_bytes();
    (
        key_of(node, direction, entry.edge.get()),
        [a, b, c, d, e, f, g],
    )
}

/// One stored entry taken apart: its list's node and direction, and the entry.
pub(crate) fn decode(key: &[u8], value: &[u8]) -> Result<(u64, Direction, AdjEntry)> {
    let Ok(&[a, b, c, d, e, dir, f, g, h, i, j]) = <&[u8; KEY_LEN]>::try_from(key) else {
        return Err(Error::Corrupt(format!(
            "a delta key of {} bytes",
            key.len()
        )));
    };
    let Ok(&[n0, n1, n2, n3, n4, t0, t1]) = <&[u8; VALUE_LEN]>::try_from(value) else {
        return Err(Error::Corrupt(format!(
            "a delta value of {} bytes",
            value.len()
        )));
    };
    let direction = match dir {
        0 => Direction::Out,
        1 => Direction::In,
        other => return Err(Error::Corrupt(format!("a delta key of direction {other}"))),
    };
    let node = from_be40(a, b, c, d, e);
    let entry = AdjEntry {
        neighbor: forty(u64::from_le_bytes([n0, n1, n2, n3, n4, 0, 0, 0])),
        edge: forty(from_be40(f, g, h, i, j)),
        edge_type: U16::new(u16::from_le_bytes([t0, t1])),
    };
    Ok((node, direction, entry))
}

/// A value of at most 40 bits as a `U40`.
fn forty(value: u64) -> U40 {
    // Five bytes always fit.
    U40::new(value).unwrap_or_default()
}

/// The delta as one snapshot sees it: its directory and its tiers, oldest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tiers {
    /// Each tier's sequence number and tree.
    tiers: Vec<(u64, Tree)>,
    /// Per tier, a bit per list (`2 * node + direction`) that has entries there, so that a
    /// lookup descends only the tiers that hold the list; `None` for a tier whose lists are
    /// too sparse to map. Built by [`Tiers::list_into`] once its lookups have cost about what
    /// building them does (see [`FILTER_AFTER`]).
    filters: Option<Vec<Option<Vec<u64>>>>,
    /// Lookups made before the filters were built.
    lookups: u64,
}

/// [`Tiers::list_into`] builds the filters once its lookups times the tiers reach a sixteenth
/// of the delta's entries plus this: a lookup's descent into a tier costs a few hundred
/// nanoseconds, reading an entry to build the filters a few tens, so a reader of many lists
/// (a traversal) soon gains while one of a few lists never pays.
const FILTER_AFTER: u64 = 4096;

/// A tier's filter maps lists up to this many times its entries (and 64K more); a tier of
/// sparser lists (huge ids) is not filtered.
const FILTER_SPREAD: u64 = 64;

/// Whether tier `tier` may hold `list`, by `filters`.
fn may_hold(filters: Option<&Vec<Option<Vec<u64>>>>, tier: usize, list: u64) -> bool {
    let Some(Some(Some(bits))) = filters.map(|f| f.get(tier)) else {
        return true;
    };
    let word = usize::try_from(list / 64).unwrap_or(usize::MAX);
    bits.get(word).is_some_and(|w| w & (1 << (list % 64)) != 0)
}

impl Tiers {
    /// The tiers `directory` lists; no page is read when it is empty.
    pub(crate) fn load(src: &impl PageSource, directory: &Tree) -> Result<Tiers> {
        if directory.is_empty() {
            return Ok(Tiers::default());
        }
        let mut tiers = Vec::new();
        for entry in directory.iter(src) {
            let entry = entry?;
            let seq = sequence(entry.key())?;
            tiers.push((seq, tier_tree(src, seq, &entry.value()?)?));
        }
        Ok(Tiers {
            tiers,
            filters: None,
            lookups: 0,
        })
    }

    /// The number of tiers.
    pub(crate) fn count(&self) -> usize {
        self.tiers.len()
    }

    /// Entries over every tier.
    pub(crate) fn entries(&self) -> u64 {
        self.tiers.iter().map(|(_, t)| t.len()).sum()
    }

    /// Each tier's sequence number and tree, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(u64, Tree)> {
        self.tiers.iter()
    }

    /// Appends the entries of `node`'s list in `direction` to `out`: oldest tier first, each
    /// tier's in edge order.
    pub(crate) fn list_into(
        &mut self,
        src: &impl PageSource,
        node: u64,
        direction: Direction,
        out: &mut Vec<AdjEntry>,
    ) -> Result<()> {
        if node > U40::MAX {
            return Ok(());
        }
        if self.filters.is_none() {
            self.lookups += 1;
            if self.lookups * self.tiers.len() as u64 >= self.entries() / 16 + FILTER_AFTER {
                self.filters = Some(self.build_filters(src)?);
            }
        }
        let list = 2 * node + u64::from(direction.index());
        let prefix = list_prefix(node, direction);
        for (i, (_, tier)) in self.tiers.iter().enumerate() {
            if !may_hold(self.filters.as_ref(), i, list) {
                continue;
            }
            for entry in tier.prefix(src, &prefix) {
                let entry = entry?;
                out.push(decode(entry.key(), &entry.value()?)?.2);
            }
        }
        Ok(())
    }

    /// The number of entries of `node`'s list in `direction` over every tier.
    pub(crate) fn count_of(
        &self,
        src: &impl PageSource,
        node: u64,
        direction: Direction,
    ) -> Result<u64> {
        if node > U40::MAX {
            return Ok(0);
        }
        let list = 2 * node + u64::from(direction.index());
        let prefix = list_prefix(node, direction);
        let mut count = 0;
        for (i, (_, tier)) in self.tiers.iter().enumerate() {
            if !may_hold(self.filters.as_ref(), i, list) {
                continue;
            }
            for entry in tier.prefix(src, &prefix) {
                entry?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Each tier's filter: one pass over its entries.
    fn build_filters(&self, src: &impl PageSource) -> Result<Vec<Option<Vec<u64>>>> {
        let mut filters = Vec::with_capacity(self.tiers.len());
        for (_, tier) in &self.tiers {
            let limit = tier.len().saturating_mul(FILTER_SPREAD) + 65_536;
            let mut bits: Vec<u64> = Vec::new();
            let mut mapped = true;
            for entry in tier.iter(src) {
                let entry = entry?;
                let (node, direction, _) = decode(entry.key(), &entry.value()?)?;
                let list = 2 * node + u64::from(direction.index());
                if list > limit {
                    mapped = false;
                    break;
                }
                // Below `limit`, which a vector of the tier's size times 64 can index.
                let word = (list / 64) as usize;
                if bits.len() <= word {
                    bits.resize(word + 1, 0);
                }
                if let Some(w) = bits.get_mut(word) {
                    *w |= 1 << (list % 64);
                }
            }
            filters.push(mapped.then_some(bits));
        }
        Ok(filters)
    }

    /// Replaces `out` with the entries of the lists of `nodes` as (list, entry), where list
    /// is `2 * node + direction`, ordered by list, each list's entries in reading order.
    pub(crate) fn lists_in(
        &self,
        src: &impl PageSource,
        nodes: Range<u64>,
        out: &mut Vec<(u64, AdjEntry)>,
    ) -> Result<()> {
        out.clear();
        if nodes.start > U40::MAX || nodes.is_empty() {
            return Ok(());
        }
        let (start, end) = (node_prefix(nodes.start), node_prefix(nodes.end));
        for (_, tier) in &self.tiers {
            let range = if nodes.end > U40::MAX {
                tier.range(src, &start[..]..)
            } else {
                tier.range(src, &start[..]..&end[..])
            };
            for entry in range {
                let entry = entry?;
                let (node, direction, e) = decode(entry.key(), &entry.value()?)?;
                out.push((2 * node + u64::from(direction.index()), e));
            }
        }
        // Tier by tier, each in key order: a stable sort by list keeps each list's entries
        // oldest tier first, each tier's in edge order.
        out.sort_by_key(|(list, _)| *list);
        Ok(())
    }

    /// The smallest node at or after `from` with an entry in some tier.
    pub(crate) fn next_node(&self, src: &impl PageSource, from: u64) -> Result<Option<u64>> {
        if from > U40::MAX {
            return Ok(None);
        }
        let start = node_prefix(from);
        let mut next: Option<u64> = None;
        for (_, tier) in &self.tiers {
            if let Some(entry) = tier.range(src, &start[..]..).next() {
                let entry = entry?;
                let node = decode(entry.key(), &entry.value()?)?.0;
                next = Some(next.map_or(node, |n| n.min(node)));
            }
        }
        Ok(next)
    }

    /// Whether any tier has an entry for a node of `nodes`.
    pub(crate) fn any_in(&self, src: &impl PageSource, nodes: Range<u64>) -> Result<bool> {
        Ok(self
            .next_node(src, nodes.start)?
            .is_some_and(|n| n < nodes.end))
    }
}

/// A directory key's sequence number.
fn sequence(key: &[u8]) -> Result<u64> {
    decode_u64(key).ok_or_else(|| Error::Corrupt("a delta directory key not of 8 bytes".into()))
}

/// The tier whose directory entry (sequence number `seq`) has value `value`.
fn tier_tree(src: &impl PageSource, seq: u64, value: &[u8]) -> Result<Tree> {
    let root = value
        .try_into()
        .map(u64::from_le_bytes)
        .map_err(|_| Error::Corrupt("a delta directory value not of 8 bytes".into()))?;
    if root == 0 {
        return Err(Error::Corrupt(format!("delta tier {seq} has no root")));
    }
    Ok(Tree::load(src, root)?)
}

/// An entry's stored key and value, copied as they are.
fn stored_cell(key: &[u8], value: &[u8]) -> Result<Cell> {
    match (key.try_into(), value.try_into()) {
        (Ok(key), Ok(value)) => Ok((key, value)),
        _ => Err(Error::Corrupt(format!(
            "a delta entry of {} + {} bytes",
            key.len(),
            value.len()
        ))),
    }
}

/// The delta's directory: the tree of tiers, and the tier the current write transaction adds
/// to (made by its first deferred write; [`crate::Adjacency::settle`] closes it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Delta {
    pub(crate) directory: Tree,
    /// The sequence number of the tier this transaction made, if it made one.
    pub(crate) open: Option<u64>,
}

impl Delta {
    /// Stores `cells` (in any order; each key new) in the open tier, making it if needed.
    pub(crate) fn add(&mut self, txn: &mut WriteTxn, cells: &mut [Cell]) -> Result<()> {
        if cells.is_empty() {
            return Ok(());
        }
        cells.sort_unstable_by_key(|cell| cell.0);
        let pairs = cells.iter().map(|(k, v)| (&k[..], &v[..]));
        let (seq, tier) = match self.open {
            Some(seq) => {
                let mut tier = self.tier(txn, seq)?;
                tier.insert_sorted(txn, pairs)?;
                (seq, tier)
            }
            None => {
                let seq = match self.directory.last(&*txn)? {
                    Some(last) => sequence(last.key())? + 1,
                    None => 0,
                };
                (seq, Tree::bulk_load_with_fill(txn, pairs, BulkFill::FULL)?)
            }
        };
        self.directory
            .insert(txn, &u64_key(seq), &tier.root().to_le_bytes())?;
        self.open = Some(seq);
        Ok(())
    }

    /// The tier of sequence number `seq`.
    fn tier(&self, src: &impl PageSource, seq: u64) -> Result<Tree> {
        let value = self
            .directory
            .get(src, &u64_key(seq))?
            .ok_or_else(|| Error::Corrupt(format!("delta tier {seq} is not in the directory")))?;
        tier_tree(src, seq, &value)
    }

    /// Removes the entry `key` from the newest tier that holds it; returns its value, or
    /// `None` when no tier does. A tier left empty leaves the directory.
    pub(crate) fn remove(&mut self, txn: &mut WriteTxn, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let tiers = Tiers::load(&*txn, &self.directory)?;
        for (seq, tier) in tiers.tiers.iter().rev() {
            if !tier.contains_key(&*txn, key)? {
                continue;
            }
            let mut tier = *tier;
            let value = tier.remove(txn, key)?;
            self.store(txn, *seq, &tier)?;
            return Ok(value);
        }
        Ok(None)
    }

    /// Records tier `seq`'s new root, or drops it from the directory when it is empty.
    fn store(&mut self, txn: &mut WriteTxn, seq: u64, tier: &Tree) -> Result<()> {
        if tier.is_empty() {
            let mut tier = *tier;
            tier.clear_inline(txn)?;
            self.directory.remove(txn, &u64_key(seq))?;
            if self.open == Some(seq) {
                self.open = None;
            }
        } else {
            self.directory
                .insert(txn, &u64_key(seq), &tier.root().to_le_bytes())?;
        }
        Ok(())
    }

    /// Removes and returns every entry of `node`'s list in `direction`, oldest tier first.
    pub(crate) fn remove_list(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
    ) -> Result<Vec<AdjEntry>> {
        if node > U40::MAX || self.directory.is_empty() {
            return Ok(Vec::new());
        }
        let tiers = Tiers::load(&*txn, &self.directory)?;
        let prefix = list_prefix(node, direction);
        let mut removed = Vec::new();
        for (seq, tier) in tiers.iter() {
            let mut keys = Vec::new();
            for entry in tier.prefix(&*txn, &prefix) {
                let entry = entry?;
                removed.push(decode(entry.key(), &entry.value()?)?.2);
                keys.push(entry.key().to_vec());
            }
            if keys.is_empty() {
                continue;
            }
            let mut tier = *tier;
            for key in keys {
                tier.remove(txn, &key)?;
            }
            self.store(txn, *seq, &tier)?;
        }
        Ok(removed)
    }

    /// Merges the [`MERGE_WIDTH`] consecutive tiers of `tiers` (the delta's) with the fewest
    /// entries into one, which takes the place and the sequence number of the oldest of them:
    /// every list reads in the same order as before.
    pub(crate) fn merge_smallest(&mut self, txn: &mut WriteTxn, tiers: &Tiers) -> Result<()> {
        let lens: Vec<u64> = tiers.iter().map(|(_, t)| t.len()).collect();
        let width = MERGE_WIDTH.min(lens.len());
        let Some(start) = (lens.windows(width).enumerate())
            .min_by_key(|(_, window)| window.iter().sum::<u64>())
            .map(|(start, _)| start)
        else {
            return Ok(());
        };
        let window = tiers.tiers.get(start..start + width).unwrap_or_default();
        let mut cells: Vec<Cell> = Vec::new();
        for (_, tier) in window {
            for entry in tier.iter(&*txn) {
                let entry = entry?;
                cells.push(stored_cell(entry.key(), &entry.value()?)?);
            }
        }
        cells.sort_unstable_by_key(|cell| cell.0);
        let pairs = cells.iter().map(|(k, v)| (&k[..], &v[..]));
        let merged = Tree::bulk_load_with_fill(txn, pairs, BulkFill::FULL)?;
        for (seq, tier) in window {
            let mut tier = *tier;
            tier.clear_inline(txn)?;
            self.directory.remove(txn, &u64_key(*seq))?;
        }
        if let Some((seq, _)) = window.first() {
            self.directory
                .insert(txn, &u64_key(*seq), &merged.root().to_le_bytes())?;
        }
        Ok(())
    }

    /// Frees every tier and empties the directory.
    pub(crate) fn clear(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let tiers = Tiers::load(&*txn, &self.directory)?;
        for (_, tier) in tiers.iter() {
            let mut tier = *tier;
            tier.clear_inline(txn)?;
        }
        self.directory.clear(txn)?;
        self.open = None;
        Ok(())
    }

    /// The pages of the directory and of every tier, appended to `pages`; calls `visit` with
    /// every entry; returns the problems found.
    pub(crate) fn check<S: PageSource>(
        &self,
        src: &S,
        pages: &mut Vec<PageId>,
        mut visit: impl FnMut(u64, Direction, AdjEntry),
    ) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let report = self.directory.check(src)?;
        pages.extend(&report.pages);
        problems.extend(
            report
                .problems
                .iter()
                .map(|p| format!("delta directory: {p}")),
        );
        if !report.is_clean() {
            return Ok(problems);
        }
        let tiers = match Tiers::load(src, &self.directory) {
            Ok(tiers) => tiers,
            Err(e) => {
                problems.push(format!("delta directory: {e}"));
                return Ok(problems);
            }
        };
        for (seq, tier) in tiers.iter() {
            let report = tier.check(src)?;
            pages.extend(&report.pages);
            problems.extend(
                report
                    .problems
                    .iter()
                    .map(|p| format!("delta tier {seq}: {p}")),
            );
            if tier.is_empty() {
                problems.push(format!("delta tier {seq} is empty"));
            }
            if !report.is_clean() {
                continue;
            }
            for entry in tier.iter(src) {
                let entry = entry?;
                match decode(entry.key(), &entry.value()?) {
                    Ok((node, direction, e)) => visit(node, direction, e),
                    Err(e) => problems.push(format!("delta tier {seq}: {e}")),
                }
            }
        }
        Ok(problems)
    }
}
