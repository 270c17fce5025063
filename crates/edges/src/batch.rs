//! A batch of new edges as adjacency entries ordered by list: by adjacency leaf, then by list
//! slot within the leaf, each list's entries in edge order. [`crate::Adjacency::add_batch`]
//! builds or extends one leaf at a time from it.
//!
//! A batch of a whole graph (16.8M edges on `kron`, 33.6M entries over 16,384 leaves) ordered by
//! node in one counting pass costs a cache miss per entry: the scatter writes to a million
//! places at once. So the entries are ordered in two counting passes whose working sets fit a
//! cache: first by group of 2^shift consecutive leaves, at most [`MAX_GROUPS`] groups, so that
//! the scatter writes to a few thousand places; then, one group at a time (a few thousand
//! entries), by leaf and slot. An entry waits in its group in its stored form beside its place
//! in the group: 14 bytes, where a node id and a [`crate::Neighbor`] took 32. A batch with few
//! entries for the leaves it spans (a few random edges into a large graph) is sorted by leaf
//! instead, so that it never pays for counters it does not use.

use pager_mmap::U40;
use zerocopy::little_endian::U16;

use crate::adjacency::{Direction, id40, slot_index};
use crate::error::{Error, Result};
use crate::layout::{AdjEntry, NODES_PER_LEAF, SLOTS_PER_LEAF};

/// One new edge for [`EdgeBatch::new`]: its ends and its type, in the widths the store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeEnds {
    /// The source node.
    pub from: U40,
    /// The target node.
    pub to: U40,
    /// The edge's type.
    pub edge_type: U16,
}

/// Groups of the first pass, at most: its scatter writes to this many places at once, and
/// their cache lines stay in the cache.
const MAX_GROUPS: u64 = 4096;

/// Bits of a slot within its leaf.
const SLOT_BITS: u32 = SLOTS_PER_LEAF.trailing_zeros();
const _: () = assert!(SLOTS_PER_LEAF == 1 << SLOT_BITS);

/// log2 of the leaves in a group, at most: an entry's place in its group (leaf within the
/// group, then slot) is a `u16`.
const MAX_SHIFT: u32 = u16::BITS - SLOT_BITS;

/// A batch is sorted rather than counted when its leaves' slots outnumber its entries by more
/// than this: the second pass's counters cost a leaf's slots for every leaf spanned.
const SPARSE_FACTOR: u64 = 8;

/// An entry waiting in its group: its place there (leaf within the group, then slot) and its
/// stored form.
#[derive(Clone, Copy)]
struct Staged {
    place: u16,
    entry: AdjEntry,
}

/// Entries of a group, from `start` in [`EdgeBatch::staged`]; the group covers 2^shift leaves
/// from `first_leaf`.
#[derive(Clone, Copy, Debug)]
struct Group {
    first_leaf: u64,
    start: usize,
}

/// The adjacency entries of a batch of new edges, both directions, ordered by group of leaves;
/// see the module's documentation. Made by [`EdgeBatch::new`], added by
/// [`crate::Adjacency::add_batch`].
pub struct EdgeBatch {
    staged: Vec<Staged>,
    /// The groups with entries, in leaf order.
    groups: Vec<Group>,
    /// log2 of the leaves per group.
    shift: u32,
}

/// The adjacency leaf of a node.
fn leaf_of(node: u64) -> u64 {
    node / NODES_PER_LEAF as u64
}

/// Edge `edge`'s two entries: its out-entry in `from`'s list, its in-entry in `to`'s, each as
/// (leaf, slot, entry).
#[inline]
fn entries_of(ends: EdgeEnds, edge: U40) -> [(u64, usize, AdjEntry); 2] {
    let (from, to) = (ends.from.get(), ends.to.get());
    [
        (
            leaf_of(from),
            slot_index(from, Direction::Out),
            AdjEntry {
                neighbor: ends.to,
                edge,
                edge_type: ends.edge_type,
            },
        ),
        (
            leaf_of(to),
            slot_index(to, Direction::In),
            AdjEntry {
                neighbor: ends.from,
                edge,
                edge_type: ends.edge_type,
            },
        ),
    ]
}

/// Each edge of `edges` with its id, from `first_edge`.
fn with_ids<I: Iterator<Item = EdgeEnds>>(
    first_edge: u64,
    edges: I,
) -> impl Iterator<Item = Result<(EdgeEnds, U40)>> {
    (first_edge..)
        .zip(edges)
        .map(|(id, ends)| Ok((ends, id40("edge id", id)?)))
}

/// The writable counter at `index` of `counters`.
fn counter(counters: &mut [usize], index: usize) -> Result<&mut usize> {
    counters
        .get_mut(index)
        .ok_or_else(|| Error::Corrupt(format!("no counter {index} for a batch")))
}

/// Turns counts at `1..` into starts: afterwards `counts[i]` is the sum of the counts before
/// `i`, and the last element the total.
fn starts_from_counts(counts: &mut [usize]) {
    let mut total = 0;
    for count in counts.iter_mut() {
        total += *count;
        *count = total;
    }
}

impl EdgeBatch {
    /// The entries of `edges`, whose ids are `first_edge` onwards in order. `edges` is read up
    /// to three times (so it is `Clone`): for the leaves it spans, to count, to place. An edge
    /// id past [`U40::MAX`] is [`Error::OutOfRange`].
    pub fn new<I>(first_edge: u64, edges: I) -> Result<EdgeBatch>
    where
        I: IntoIterator<Item = EdgeEnds>,
        I::IntoIter: Clone,
    {
        let edges = edges.into_iter();
        let mut span: Option<(u64, u64)> = None;
        let mut count = 0u64;
        for ends in edges.clone() {
            let (a, b) = (leaf_of(ends.from.get()), leaf_of(ends.to.get()));
            let (low, high) = span.unwrap_or((a, a));
            span = Some((low.min(a).min(b), high.max(a).max(b)));
            count += 1;
        }
        let Some((low, high)) = span else {
            return Ok(EdgeBatch {
                staged: Vec::new(),
                groups: Vec::new(),
                shift: 0,
            });
        };
        id40("edge id", first_edge.saturating_add(count - 1))?;
        let leaves = high - low + 1;
        let entries = 2 * count;
        if leaves.saturating_mul(SLOTS_PER_LEAF as u64) > entries.saturating_mul(SPARSE_FACTOR) {
            EdgeBatch::sorted(first_edge, edges)
        } else {
            EdgeBatch::counted(first_edge, edges, low, leaves, entries)
        }
    }

    /// By counting: see the module's documentation. `leaves` (from `low`) is at most `entries`
    /// times [`SPARSE_FACTOR`] over a leaf's slots, so the counters are fewer than the entries.
    fn counted(
        first_edge: u64,
        edges: impl Iterator<Item = EdgeEnds> + Clone,
        low: u64,
        leaves: u64,
        entries: u64,
    ) -> Result<EdgeBatch> {
        let shift = (0..MAX_SHIFT)
            .find(|shift| (leaves - 1) >> shift < MAX_GROUPS)
            .unwrap_or(MAX_SHIFT);
        let too_many = |_| Error::Corrupt(format!("a batch of {entries} entries"));
        let groups = usize::try_from(((leaves - 1) >> shift) + 1).map_err(too_many)?;
        let group_of = |leaf: u64| ((leaf - low) >> shift) as usize;
        // `starts[g + 1]` counts group g's entries, then `starts[g]` is where they begin.
        let mut starts = vec![0usize; groups + 1];
        for ends in edges.clone() {
            for node in [ends.from.get(), ends.to.get()] {
                *counter(&mut starts, group_of(leaf_of(node)) + 1)? += 1;
            }
        }
        starts_from_counts(&mut starts);
        let blank = Staged {
            place: 0,
            entry: EMPTY_ENTRY,
        };
        let mut staged = vec![blank; usize::try_from(entries).map_err(too_many)?];
        let mut next = starts.clone();
        let in_group = (1u64 << shift) - 1;
        for edge in with_ids(first_edge, edges) {
            let (ends, edge) = edge?;
            for (leaf, slot, entry) in entries_of(ends, edge) {
                // Below 2^(MAX_SHIFT + SLOT_BITS) = 2^16.
                let place = ((((leaf - low) & in_group) << SLOT_BITS) as usize | slot) as u16;
                let at = counter(&mut next, group_of(leaf))?;
                *staged
                    .get_mut(*at)
                    .ok_or_else(|| Error::Corrupt("a batch entry past its count".into()))? =
                    Staged { place, entry };
                *at += 1;
            }
        }
        let groups = starts
            .iter()
            .zip(starts.iter().skip(1))
            .enumerate()
            .filter(|(_, (start, end))| start < end)
            .map(|(g, (start, _))| Group {
                first_leaf: low + ((g as u64) << shift),
                start: *start,
            })
            .collect();
        Ok(EdgeBatch {
            staged,
            groups,
            shift,
        })
    }

    /// By sorting on the leaf (stably, so each list keeps edge order), one group per leaf.
    fn sorted(first_edge: u64, edges: impl Iterator<Item = EdgeEnds>) -> Result<EdgeBatch> {
        let mut keyed: Vec<(u64, Staged)> = Vec::new();
        for edge in with_ids(first_edge, edges) {
            let (ends, edge) = edge?;
            for (leaf, slot, entry) in entries_of(ends, edge) {
                // Below SLOTS_PER_LEAF = 128.
                let place = slot as u16;
                keyed.push((leaf, Staged { place, entry }));
            }
        }
        keyed.sort_by_key(|(leaf, _)| *leaf);
        let mut groups: Vec<Group> = Vec::new();
        for (start, (leaf, _)) in keyed.iter().enumerate() {
            if groups.last().is_none_or(|g| g.first_leaf != *leaf) {
                groups.push(Group {
                    first_leaf: *leaf,
                    start,
                });
            }
        }
        Ok(EdgeBatch {
            staged: keyed.into_iter().map(|(_, s)| s).collect(),
            groups,
            shift: 0,
        })
    }

    /// Whether the batch has no entries.
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Calls `visit` with the lists of each leaf that has entries in the batch, in leaf order.
    pub(crate) fn for_each_leaf(
        &self,
        mut visit: impl FnMut(&LeafLists<'_>) -> Result<()>,
    ) -> Result<()> {
        let places = 1usize << (self.shift + SLOT_BITS);
        // `bounds[p]..bounds[p + 1]`: where the entries of place p are in `ordered`.
        let mut bounds = vec![0usize; places + 1];
        let mut next = vec![0usize; places];
        let mut ordered: Vec<AdjEntry> = Vec::new();
        let ends = self.groups.iter().skip(1).map(|g| g.start);
        for (group, end) in self.groups.iter().zip(ends.chain([self.staged.len()])) {
            let staged = self
                .staged
                .get(group.start..end)
                .ok_or_else(|| Error::Corrupt("a batch group past its entries".into()))?;
            bounds.fill(0);
            for s in staged {
                *counter(&mut bounds, usize::from(s.place) + 1)? += 1;
            }
            starts_from_counts(&mut bounds);
            next.copy_from_slice(bounds.get(..places).unwrap_or_default());
            ordered.clear();
            ordered.resize(staged.len(), EMPTY_ENTRY);
            for s in staged {
                let at = counter(&mut next, usize::from(s.place))?;
                *ordered
                    .get_mut(*at)
                    .ok_or_else(|| Error::Corrupt("a batch entry past its count".into()))? =
                    s.entry;
                *at += 1;
            }
            for (i, leaf_bounds) in bounds
                .windows(SLOTS_PER_LEAF + 1)
                .step_by(SLOTS_PER_LEAF)
                .enumerate()
            {
                if leaf_bounds.first() != leaf_bounds.last() {
                    visit(&LeafLists {
                        leaf: group.first_leaf + i as u64,
                        entries: &ordered,
                        bounds: leaf_bounds,
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// An entry of zeros, to size a buffer before it is filled.
const EMPTY_ENTRY: AdjEntry = AdjEntry {
    neighbor: U40::ZERO,
    edge: U40::ZERO,
    edge_type: U16::ZERO,
};

/// One leaf's lists in an [`EdgeBatch`].
pub(crate) struct LeafLists<'a> {
    /// The leaf's index: its first node over [`NODES_PER_LEAF`].
    pub(crate) leaf: u64,
    entries: &'a [AdjEntry],
    /// `SLOTS_PER_LEAF + 1` bounds: slot s's list is `entries[bounds[s]..bounds[s + 1]]`.
    bounds: &'a [usize],
}

impl<'a> LeafLists<'a> {
    /// The lists of leaf `leaf`: slot s's is `entries[bounds[s]..bounds[s + 1]]`
    /// (`bounds` has [`SLOTS_PER_LEAF`] + 1 elements).
    pub(crate) fn new(leaf: u64, entries: &'a [AdjEntry], bounds: &'a [usize]) -> LeafLists<'a> {
        LeafLists {
            leaf,
            entries,
            bounds,
        }
    }

    /// The new entries of slot `slot`'s list, in edge order (empty for none).
    pub(crate) fn list(&self, slot: usize) -> &[AdjEntry] {
        match (self.bounds.get(slot), self.bounds.get(slot + 1)) {
            (Some(&start), Some(&end)) => self.entries.get(start..end).unwrap_or_default(),
            _ => &[],
        }
    }
}
