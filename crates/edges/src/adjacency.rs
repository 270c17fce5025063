//! The adjacency store: where each node's list in each direction is, and the changes to it.

use std::mem::offset_of;
use std::ops::{ControlFlow, Range};

use pager_mmap::{PageId, PageSource, RadixPath, RadixVec, U40, WriteTxn};
use zerocopy::little_endian::{U16, U64};

use crate::delta::{self, Delta, FOLD_MIN_ENTRIES, MAX_TIERS, Tiers};
use crate::error::{Error, Result};
use crate::hub;
use crate::layout::{
    ADJ_LEAF, AdjEntry, AdjLeafPage, FORM_EMPTY, FORM_HUB, FORM_RUN, HUB_THRESHOLD, HubPage,
    ListSlot, NODES_PER_LEAF, RunPage,
};
use crate::neighbors::{List, Neighbors, NodeIds};
use crate::pair::LeafRef;
use crate::run;

/// Which way an edge points, seen from a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Edges from the node.
    Out,
    /// Edges to the node.
    In,
}

impl Direction {
    /// 0 for out, 1 for in: the on-disk encoding.
    pub fn index(self) -> u8 {
        match self {
            Direction::Out => 0,
            Direction::In => 1,
        }
    }

    /// The other direction.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::Out => Direction::In,
            Direction::In => Direction::Out,
        }
    }
}

/// One entry of a neighbour list: the node at the other end, the edge, its type. The store holds
/// node and edge ids up to [`U40::MAX`] and edge types up to `u16::MAX`; writes refuse larger
/// ones with [`Error::OutOfRange`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Neighbor {
    /// The node at the other end of the edge.
    pub node: u64,
    /// The edge's id.
    pub edge: u64,
    /// The edge's type.
    pub edge_type: u32,
}

impl Neighbor {
    /// The stored form, or [`Error::OutOfRange`] if an id or the type does not fit it.
    pub(crate) fn entry(self) -> Result<AdjEntry> {
        let edge_type = u16::try_from(self.edge_type).map_err(|_| Error::OutOfRange {
            what: "edge type",
            value: u64::from(self.edge_type),
            limit: u64::from(u16::MAX),
        })?;
        Ok(AdjEntry {
            neighbor: id40("node id", self.node)?,
            edge: id40("edge id", self.edge)?,
            edge_type: U16::new(edge_type),
        })
    }

    pub(crate) fn from_entry(e: &AdjEntry) -> Neighbor {
        Neighbor {
            node: e.neighbor.get(),
            edge: e.edge.get(),
            edge_type: u32::from(e.edge_type.get()),
        }
    }
}

/// `value` as a stored id, or [`Error::OutOfRange`] naming `what`.
pub(crate) fn id40(what: &'static str, value: u64) -> Result<U40> {
    // Not `ok_or(..)`: an error built eagerly is dropped (a call) on every entry written.
    match U40::new(value) {
        Some(id) => Ok(id),
        None => Err(Error::OutOfRange {
            what,
            value,
            limit: U40::MAX,
        }),
    }
}

/// The stored form of `batch` for `node`'s list, checked in full before anything changes.
fn encode(node: u64, batch: &[Neighbor]) -> Result<Vec<AdjEntry>> {
    id40("node id", node)?;
    batch.iter().map(|n| n.entry()).collect()
}

/// The neighbour lists of every node, in both directions. The value is the store's root; its
/// owner persists [`Adjacency::root`] and [`Adjacency::delta_root`] after a write transaction
/// changes them, having called [`Adjacency::settle`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Adjacency {
    /// The radix vector of leaves: leaf `node / 64` in slot `node / 64`, or a pair page in
    /// the slot of its first leaf (see `crate::pair`).
    pub(crate) leaves: RadixVec,
    /// Entries not yet folded into their lists (see [`crate::delta`]).
    pub(crate) delta: Delta,
}

/// The slot index of `node`'s list in `direction` within its leaf.
pub(crate) fn slot_index(node: u64, direction: Direction) -> usize {
    // `% NODES_PER_LEAF` makes the cast lossless.
    2 * (node % NODES_PER_LEAF as u64) as usize + usize::from(direction.index())
}

/// Where `node`'s list in `direction` is, given its leaf (`None`: the leaf does not exist).
#[inline]
fn list_in_leaf<'a, S: PageSource>(
    src: &'a S,
    leaf: Option<LeafRef<'a>>,
    node: u64,
    direction: Direction,
) -> Result<List<'a>> {
    let Some(leaf) = leaf else {
        return Ok(List::Empty);
    };
    let slot = leaf.slot(slot_index(node, direction))?;
    match slot.form {
        FORM_EMPTY => Ok(List::Empty),
        FORM_RUN => Ok(List::Run(run_of(
            leaf.run_area(src, slot.page.get())?,
            &slot,
        )?)),
        FORM_HUB => Ok(List::Hub(
            src.page_as::<HubPage>(leaf.owned_page(slot.page.get())?)?,
        )),
        other => Err(Error::Corrupt(format!(
            "list slot of node {node} has form {other}"
        ))),
    }
}

/// The entries of the run `slot` names in `area`, its run page's entries
/// ([`run::run_area`]).
#[inline]
pub(crate) fn run_of<'a>(area: &'a [AdjEntry], slot: &ListSlot) -> Result<&'a [AdjEntry]> {
    let start = usize::from(slot.offset.get());
    let end = start + usize::from(slot.count.get());
    area.get(start..end)
        .ok_or_else(|| Error::Corrupt(format!("run {start}..{end} beyond its page")))
}

/// Calls `visit` with each stretch of `list` (its run, or each segment of its hub), keeping
/// the entries whose type is in `types` (all when `None`). A hub reads only the segments of the
/// types asked for.
fn visit_chunks<'a, S: PageSource, E: From<Error>>(
    src: &'a S,
    list: List<'a>,
    types: Option<&'a [u32]>,
    mut visit: impl FnMut(NodeIds<'a>) -> Result<(), E>,
) -> Result<(), E> {
    match list {
        List::Empty => Ok(()),
        List::Run(entries) => visit(NodeIds::run(entries, types)),
        List::Hub(hub) => {
            for t in hub::hub_types(hub)? {
                if types.is_some_and(|types| !types.contains(&t.edge_type.get())) {
                    continue;
                }
                for index in 0..t
                    .count
                    .get()
                    .div_ceil(crate::layout::SEGMENT_CAPACITY as u64)
                {
                    visit(NodeIds::segment(hub::segment_entries(src, t, index)?))?;
                }
            }
            Ok(())
        }
    }
}

/// Calls `visit` with each entry of `list` whose type is in `types` (all when `None`). A run is
/// read once, testing each entry; a hub reads only the segments of the types asked for, so a
/// filtered read costs the entries of those types, not the list's degree.
fn visit_entries<S: PageSource, E: From<Error>>(
    src: &S,
    list: List<'_>,
    types: Option<&[u32]>,
    mut visit: impl FnMut(Neighbor) -> Result<(), E>,
) -> Result<(), E> {
    let wanted = |t: u32| types.is_none_or(|types| types.contains(&t));
    match list {
        List::Empty => {}
        List::Run(entries) => {
            for e in entries {
                if wanted(u32::from(e.edge_type.get())) {
                    visit(Neighbor::from_entry(e))?;
                }
            }
        }
        List::Hub(hub) => {
            for t in hub::hub_types(hub)? {
                let edge_type = t.edge_type.get();
                if !wanted(edge_type) {
                    continue;
                }
                for index in 0..t
                    .count
                    .get()
                    .div_ceil(crate::layout::SEGMENT_CAPACITY as u64)
                {
                    for e in hub::segment_entries(src, t, index)? {
                        visit(Neighbor {
                            node: e.neighbor.get(),
                            edge: e.edge.get(),
                            edge_type,
                        })?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The number of entries of a stored list (the delta's not counted): O(1).
fn list_len(list: List<'_>) -> u64 {
    match list {
        List::Empty => 0,
        List::Run(entries) => entries.len() as u64,
        List::Hub(hub) => hub.degree.get(),
    }
}

/// [`ListReader::resume`] over a stored list: calls `visit` with the neighbour of each entry
/// whose type is in `types` from `position` until it breaks; the position after the entry it
/// broke at, or `None` when the list ran out.
fn resume_stored<S: PageSource, E: From<Error>>(
    src: &S,
    list: List<'_>,
    types: Option<&[u32]>,
    position: u64,
    mut visit: impl FnMut(u64) -> Result<ControlFlow<()>, E>,
) -> Result<Option<u64>, E> {
    let wanted = |t: u32| types.is_none_or(|types| types.contains(&t));
    match list {
        List::Empty => Ok(None),
        List::Run(entries) => {
            let start = usize::try_from(position).unwrap_or(usize::MAX);
            for (i, e) in entries.get(start..).unwrap_or(&[]).iter().enumerate() {
                if wanted(u32::from(e.edge_type.get())) && visit(e.neighbor_id())?.is_break() {
                    return Ok(Some(position + i as u64 + 1));
                }
            }
            Ok(None)
        }
        List::Hub(hub) => {
            let capacity = crate::layout::SEGMENT_CAPACITY as u64;
            // `base`: the position of the first entry of type `t`.
            let mut base = 0;
            for t in hub::hub_types(hub)? {
                let count = t.count.get();
                let end = base + count;
                if position < end && wanted(t.edge_type.get()) {
                    let first = position.saturating_sub(base);
                    let mut offset = usize::try_from(first % capacity).unwrap_or(usize::MAX);
                    for index in first / capacity..count.div_ceil(capacity) {
                        let segment = hub::segment_entries(src, t, index)?;
                        for (j, e) in segment.get(offset..).unwrap_or(&[]).iter().enumerate() {
                            if visit(e.neighbor_id())?.is_break() {
                                let at = index * capacity + (offset + j) as u64;
                                return Ok(Some(base + at + 1));
                            }
                        }
                        offset = 0;
                    }
                }
                base = end;
            }
            Ok(None)
        }
    }
}

/// Reads the lists of many nodes, one after another, keeping the adjacency leaf it last
/// descended to: a traversal that visits nodes in id order (64 nodes share a leaf) descends the
/// radix vector once per leaf instead of once per node. Made by [`Adjacency::reader`].
pub struct ListReader<'a, S> {
    adjacency: Adjacency,
    src: &'a S,
    /// The leaf index last descended to, and its leaf (`None` when it does not exist).
    leaf: Option<(u64, Option<LeafRef<'a>>)>,
    /// The run page last read, by its place in that leaf's page table: the short lists of
    /// neighbouring nodes share run pages, so a pass in id order finds most in this one.
    run_page: Option<(u16, &'a [AdjEntry])>,
    /// The lists [`ListReader::resume`] found last, by node and direction, the oldest
    /// replaced first: a depth-first search resumes a node's list right after visiting a child
    /// whose neighbours were all seen already, so the list it comes back to is usually one of
    /// the last few it read, anywhere in the file.
    resumed: [Option<(u64, Direction, List<'a>)>; RESUMED_LISTS],
    /// The entry of `resumed` to replace next.
    resumed_next: usize,
    /// The delta's tiers, loaded at the first list read while the delta is not empty.
    tiers: Option<Tiers>,
    /// The delta entries of the list read last, a buffer reused from list to list.
    delta: Vec<AdjEntry>,
    /// For [`ListReader::for_each_chunk_in`]: the delta entries of the leaf being scanned,
    /// ordered by list, and each one's list (`2 * node + direction`).
    leaf_delta: Vec<AdjEntry>,
    leaf_delta_lists: Vec<u64>,
}

/// Lists a [`ListReader`] keeps for [`ListReader::resume`].
const RESUMED_LISTS: usize = 4;

/// Nodes whose delta entries a fold reads into memory at a time: a thousand leaves.
const FOLD_NODES: u64 = 1024 * NODES_PER_LEAF as u64;

/// A fold of more than this many [`FOLD_NODES`] chunks releases the mapped pages it has read
/// (`WriteTxn::release_mapped_pages`) after every this many, and at its end: a fold of the
/// whole adjacency reads all of it and its tiers through the mapping, which would otherwise
/// stay in the process's resident set beside the new lists (3.4 GB of a 6.0 GB peak at E at
/// 100x; about 1 GB of 3.7 GB with this and tiers freed without reading their leaves). Smaller
/// folds keep their pages mapped, since the next commits read them again.
const RELEASE_EVERY_CHUNKS: u64 = 4;

impl<'a, S: PageSource> ListReader<'a, S> {
    /// Calls `visit` with the node at the other end of each of `node`'s edges in `direction`,
    /// as [`Adjacency::for_each_neighbor`] does.
    pub fn for_each_neighbor<E: From<Error>>(
        &mut self,
        node: u64,
        direction: Direction,
        mut visit: impl FnMut(u64) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_chunk(node, direction, None, |ids| ids.try_each(&mut visit))
    }

    /// Calls `visit` with each stretch of `node`'s list in `direction` (its run, or each
    /// segment of its hub), keeping the entries whose edge type is in `types` (all when
    /// `None`), in storage order: a caller that folds each stretch runs one plain loop per
    /// stretch. A hub reads only the segments of the types asked for.
    pub fn for_each_chunk<'t, E: From<Error>>(
        &mut self,
        node: u64,
        direction: Direction,
        types: Option<&'t [u32]>,
        visit: impl FnMut(NodeIds<'_>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        'a: 't,
    {
        let mut visit = visit;
        let list = self.list(node, direction)?;
        visit_chunks(self.src, list, types, &mut visit)?;
        if self.load_delta(node, direction)? {
            visit(NodeIds::run(&self.delta, types))?;
        }
        Ok(())
    }

    /// The delta's tiers (`None` while it is empty), loaded the first time they are asked for.
    fn tiers(&mut self) -> Result<Option<&mut Tiers>> {
        if self.adjacency.delta.directory.is_empty() {
            return Ok(None);
        }
        if self.tiers.is_none() {
            self.tiers = Some(Tiers::load(self.src, &self.adjacency.delta.directory)?);
        }
        Ok(self.tiers.as_mut())
    }

    /// Reads `node`'s delta entries in `direction` into `self.delta`; whether there are any.
    #[inline]
    fn load_delta(&mut self, node: u64, direction: Direction) -> Result<bool> {
        if self.adjacency.delta.directory.is_empty() {
            return Ok(false);
        }
        let mut found = std::mem::take(&mut self.delta);
        found.clear();
        let src = self.src;
        if let Some(tiers) = self.tiers()? {
            tiers.list_into(src, node, direction, &mut found)?;
        }
        self.delta = found;
        Ok(!self.delta.is_empty())
    }

    /// Reads the delta entries of the nodes of `nodes` into `self.leaf_delta`, ordered by
    /// list; whether there are any.
    fn load_leaf_delta(&mut self, nodes: Range<u64>) -> Result<bool> {
        self.leaf_delta.clear();
        self.leaf_delta_lists.clear();
        let src = self.src;
        let Some(tiers) = self.tiers()? else {
            return Ok(false);
        };
        let mut found = Vec::new();
        tiers.lists_in(src, nodes, &mut found)?;
        for (list, entry) in found {
            self.leaf_delta_lists.push(list);
            self.leaf_delta.push(entry);
        }
        Ok(!self.leaf_delta.is_empty())
    }

    /// The entries of `self.leaf_delta` of `node`'s list in `direction`.
    fn leaf_delta_of(&self, node: u64, direction: Direction) -> &[AdjEntry] {
        let list = 2 * node + u64::from(direction.index());
        let start = self.leaf_delta_lists.partition_point(|&l| l < list);
        let end = self.leaf_delta_lists.partition_point(|&l| l <= list);
        self.leaf_delta.get(start..end).unwrap_or_default()
    }

    /// Calls `visit(node, ids)` with each stretch of the lists in `directions` of every node in
    /// `nodes`, node by node in id order (a node's lists in the order of `directions`), keeping
    /// the entries whose edge type is in `types` (all when `None`): what
    /// [`ListReader::for_each_chunk`] gives for each node in turn, without a lookup per node.
    /// The scan walks each adjacency leaf once, reads its slots in order and checks a run page
    /// when it moves to it; empty lists and nodes without a leaf visit nothing. Stops at the
    /// first error `visit` returns. A node `select` refuses is skipped before its lists are
    /// read: its run pages are not touched.
    pub fn for_each_chunk_in<'t, E: From<Error>>(
        &mut self,
        nodes: Range<u64>,
        directions: &[Direction],
        types: Option<&'t [u32]>,
        mut select: impl FnMut(u64) -> bool,
        mut visit: impl FnMut(u64, NodeIds<'_>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        'a: 't,
    {
        let per_leaf = NODES_PER_LEAF as u64;
        let mut node = nodes.start;
        while node < nodes.end {
            let index = node / per_leaf;
            // The leaf's nodes within `nodes`: up to the next multiple of NODES_PER_LEAF.
            let leaf_end = nodes.end.min((index + 1).saturating_mul(per_leaf));
            let leaf = self.adjacency.leaf(self.src, node)?;
            self.leaf = Some((index, leaf));
            self.run_page = None;
            let delta = self.load_leaf_delta(node..leaf_end)?;
            if leaf.is_none() && !delta {
                node = leaf_end;
                continue;
            }
            for v in (node..leaf_end).filter(|&v| select(v)) {
                for &d in directions {
                    if let Some(leaf) = leaf {
                        let slot = leaf.slot(slot_index(v, d))?;
                        match slot.form {
                            FORM_EMPTY => {}
                            FORM_RUN => {
                                let page = self.run_page_at(leaf, slot.page.get())?;
                                visit(v, NodeIds::run(run_of(page, &slot)?, types))?;
                            }
                            _ => {
                                let list = list_in_leaf(self.src, Some(leaf), v, d)?;
                                visit_chunks(self.src, list, types, |ids| visit(v, ids))?;
                            }
                        }
                    }
                    let added = self.leaf_delta_of(v, d);
                    if !added.is_empty() {
                        visit(v, NodeIds::run(added, types))?;
                    }
                }
            }
            node = leaf_end;
        }
        Ok(())
    }

    /// The run page at `place` in `leaf`'s page table, through the one last read: the short
    /// lists of neighbouring nodes share run pages, so a pass in id order finds most there.
    #[inline]
    fn run_page_at(&mut self, leaf: LeafRef<'a>, place: u16) -> Result<&'a [AdjEntry]> {
        match self.run_page {
            Some((cached, page)) if cached == place => Ok(page),
            _ => {
                let page = leaf.run_area(self.src, place)?;
                self.run_page = Some((place, page));
                Ok(page)
            }
        }
    }

    /// Calls `visit` with each of `node`'s entries in `direction` whose edge type is in `types`
    /// (every entry when `None`), in storage order. A hub reads only the segments of those
    /// types: the cost is the entries of the types asked for, not the node's degree.
    pub fn for_each_entry<E: From<Error>>(
        &mut self,
        node: u64,
        direction: Direction,
        types: Option<&[u32]>,
        visit: impl FnMut(Neighbor) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut visit = visit;
        let list = self.list(node, direction)?;
        visit_entries(self.src, list, types, &mut visit)?;
        if self.load_delta(node, direction)? {
            for e in &self.delta {
                if types.is_none_or(|types| types.contains(&u32::from(e.edge_type.get()))) {
                    visit(Neighbor::from_entry(e))?;
                }
            }
        }
        Ok(())
    }

    /// The number of entries of `node`'s list in `direction`, every type counted: O(1).
    pub fn len(&mut self, node: u64, direction: Direction) -> Result<u64> {
        let stored = list_len(self.list(node, direction)?);
        let src = self.src;
        match self.tiers()? {
            Some(tiers) => Ok(stored + tiers.count_of(src, node, direction)?),
            None => Ok(stored),
        }
    }

    /// Calls `visit` with the node at the other end of each of `node`'s entries in `direction`
    /// whose type is in `types` (all when `None`), in storage order, from `position` (an
    /// entry's place in the whole list, every type counted) until `visit` breaks. Returns the
    /// position after the entry it broke at, or `None` when the list ran out: a depth-first
    /// search can leave a list part way and come back to it holding one number. Starting costs
    /// one lookup of the list (and of the segment `position` is in, for a hub).
    pub fn resume<E: From<Error>>(
        &mut self,
        node: u64,
        direction: Direction,
        types: Option<&[u32]>,
        position: u64,
        mut visit: impl FnMut(u64) -> Result<ControlFlow<()>, E>,
    ) -> Result<Option<u64>, E> {
        let wanted = |t: u32| types.is_none_or(|types| types.contains(&t));
        let list = self.resumed_list(node, direction)?;
        if let Some(after) = resume_stored(self.src, list, types, position, &mut visit)? {
            return Ok(Some(after));
        }
        // The delta's entries follow the stored ones.
        let stored = list_len(list);
        if !self.load_delta(node, direction)? {
            return Ok(None);
        }
        let start = usize::try_from(position.saturating_sub(stored)).unwrap_or(usize::MAX);
        for (i, e) in self.delta.get(start..).unwrap_or(&[]).iter().enumerate() {
            if wanted(u32::from(e.edge_type.get())) && visit(e.neighbor_id())?.is_break() {
                return Ok(Some(stored + (start + i) as u64 + 1));
            }
        }
        Ok(None)
    }

    /// `node`'s list in `direction`, from the lists resumed lately if it is one of them.
    fn resumed_list(&mut self, node: u64, direction: Direction) -> Result<List<'a>> {
        let mut recent = self.resumed.iter().flatten();
        if let Some((_, _, list)) = recent.find(|(n, d, _)| *n == node && *d == direction) {
            return Ok(*list);
        }
        let list = self.list(node, direction)?;
        if let Some(slot) = self.resumed.get_mut(self.resumed_next) {
            *slot = Some((node, direction, list));
        }
        self.resumed_next = (self.resumed_next + 1) % RESUMED_LISTS;
        Ok(list)
    }

    /// Asks the CPU for the entries of `node`'s list in `direction` (a run's; a hub and the
    /// delta are left alone), so that reading the list a little later finds them in cache. A
    /// traversal that knows the next lists it reads calls this a few lists ahead: each list's
    /// reads (its leaf's slot, the leaf's page table, the run page) depend on one another, but
    /// those of different lists do not, so their misses overlap. Reads nothing the list read
    /// will not read anyway; leaves the reader's cached leaf and run page as they are.
    #[inline]
    pub fn prefetch(&self, node: u64, direction: Direction) -> Result<()> {
        let leaf = match self.leaf {
            Some((cached, leaf)) if cached == node / NODES_PER_LEAF as u64 => leaf,
            _ => self.adjacency.leaf(self.src, node)?,
        };
        let Some(leaf) = leaf else {
            return Ok(());
        };
        let slot = leaf.slot(slot_index(node, direction))?;
        if slot.form == FORM_RUN && leaf.has_run_pages() {
            // The page's bytes by address only: `run::run_area` would check the run page's
            // type tag first, a load that waits for the very miss this is meant to start.
            let page = self.src.page(leaf.owned_page(slot.page.get())?)?;
            let entry = size_of::<AdjEntry>();
            let start = offset_of!(RunPage, entries) + usize::from(slot.offset.get()) * entry;
            let len = usize::from(slot.count.get()) * entry;
            pager_mmap::prefetch(page.get(start..start + len).unwrap_or(&[]));
        }
        Ok(())
    }

    /// Where `node`'s list in `direction` is, through the cached leaf when it is `node`'s.
    #[inline]
    fn list(&mut self, node: u64, direction: Direction) -> Result<List<'a>> {
        let index = node / NODES_PER_LEAF as u64;
        let leaf = match self.leaf {
            Some((cached, leaf)) if cached == index => leaf,
            _ => {
                let leaf = self.adjacency.leaf(self.src, node)?;
                self.leaf = Some((index, leaf));
                self.run_page = None;
                leaf
            }
        };
        if let Some(leaf) = leaf {
            let slot = leaf.slot(slot_index(node, direction))?;
            if slot.form == FORM_RUN {
                let page = self.run_page_at(leaf, slot.page.get())?;
                return Ok(List::Run(run_of(page, &slot)?));
            }
        }
        list_in_leaf(self.src, leaf, node, direction)
    }
}

impl Adjacency {
    /// The store whose roots were persisted as (`root`, `height`) ([`Adjacency::root`]) and
    /// `delta` ([`Adjacency::delta_root`]; 0 for none) in `src`.
    pub fn open(src: &impl PageSource, root: u64, height: u64, delta: u64) -> Result<Adjacency> {
        Ok(Adjacency {
            leaves: RadixVec::open(root, height)?,
            delta: Delta {
                directory: btree::Tree::load(src, delta)?,
                open: None,
            },
        })
    }

    /// What to persist to find the lists again: the root page and height of their leaves.
    pub fn root(&self) -> RadixVec {
        self.leaves
    }

    /// What to persist to find the delta again: its directory's root page, 0 while it is empty.
    pub fn delta_root(&self) -> u64 {
        self.delta.directory.root()
    }

    /// Entries in the delta, not yet folded into their lists (one descent per tier).
    pub fn delta_entries(&self, src: &impl PageSource) -> Result<u64> {
        Ok(Tiers::load(src, &self.delta.directory)?.entries())
    }

    /// Tiers in the delta: the extra descents of a list read.
    pub fn delta_tiers(&self, src: &impl PageSource) -> Result<usize> {
        Ok(Tiers::load(src, &self.delta.directory)?.count())
    }

    /// The leaf holding `node`'s lists, if it exists.
    #[inline]
    pub(crate) fn leaf<'a, S: PageSource>(
        &self,
        src: &'a S,
        node: u64,
    ) -> Result<Option<LeafRef<'a>>> {
        Ok(self
            .leaf_at(src, node / NODES_PER_LEAF as u64)?
            .map(|(_, leaf)| leaf))
    }

    /// Leaf `index`, if it exists, and the page holding it: its own, or for the second half
    /// of a pair, the pair page in the slot before its own (see [`crate::pair`]).
    #[inline(always)]
    fn leaf_at<'a, S: PageSource>(
        &self,
        src: &'a S,
        index: u64,
    ) -> Result<Option<(PageId, LeafRef<'a>)>> {
        if let Some(page) = self.leaves.get(src, index)? {
            return Ok(Some((page, LeafRef::at(src, page, index)?)));
        }
        if index.is_multiple_of(2) {
            return Ok(None);
        }
        self.second_half(src, index)
    }

    /// Odd leaf `index`, whose own slot is empty: the second half of the pair in the slot
    /// before, if that holds a pair. Kept out of [`Adjacency::leaf_at`], which every list read
    /// inlines, so that a read in a file without pairs pays only for the empty slot's test.
    #[inline(never)]
    fn second_half<'a, S: PageSource>(
        &self,
        src: &'a S,
        index: u64,
    ) -> Result<Option<(PageId, LeafRef<'a>)>> {
        let even = index - 1;
        let Some(page) = self.leaves.get(src, even)? else {
            return Ok(None);
        };
        match LeafRef::at(src, page, even)? {
            LeafRef::Half(pair, _) => Ok(Some((page, LeafRef::Half(pair, 1)))),
            LeafRef::Whole(_) => Ok(None),
        }
    }

    /// Where `node`'s list in `direction` is.
    pub(crate) fn list<'a, S: PageSource>(
        &self,
        src: &'a S,
        node: u64,
        direction: Direction,
    ) -> Result<List<'a>> {
        list_in_leaf(src, self.leaf(src, node)?, node, direction)
    }

    /// A reader of many lists that keeps the last leaf it descended to (see [`ListReader`]).
    pub fn reader<'a, S: PageSource>(&self, src: &'a S) -> ListReader<'a, S> {
        ListReader {
            adjacency: *self,
            src,
            leaf: None,
            run_page: None,
            resumed: [None; RESUMED_LISTS],
            resumed_next: 0,
            tiers: None,
            delta: Vec::new(),
            leaf_delta: Vec::new(),
            leaf_delta_lists: Vec::new(),
        }
    }

    /// The number of `node`'s edges in `direction`: O(1) while the delta is empty, one
    /// descent per tier more otherwise.
    pub fn degree(&self, src: &impl PageSource, node: u64, direction: Direction) -> Result<u64> {
        let stored = list_len(self.list(src, node, direction)?);
        if self.delta.directory.is_empty() {
            return Ok(stored);
        }
        let tiers = Tiers::load(src, &self.delta.directory)?;
        Ok(stored + tiers.count_of(src, node, direction)?)
    }

    /// `node`'s entries in `direction` in the delta, in reading order.
    fn delta_list(
        &self,
        src: &impl PageSource,
        node: u64,
        direction: Direction,
    ) -> Result<Vec<AdjEntry>> {
        let mut found = Vec::new();
        if !self.delta.directory.is_empty() {
            let mut tiers = Tiers::load(src, &self.delta.directory)?;
            tiers.list_into(src, node, direction, &mut found)?;
        }
        Ok(found)
    }

    /// `node`'s neighbours in `direction`, all or only those of `edge_type`, read in place. A
    /// long list with many types reads only the segments of the type asked for.
    #[inline]
    pub fn neighbors<'a, S: PageSource>(
        &self,
        src: &'a S,
        node: u64,
        direction: Direction,
        edge_type: Option<u32>,
    ) -> Result<Neighbors<'a, S>> {
        let added = self.delta_list(src, node, direction)?;
        Neighbors::new(src, self.list(src, node, direction)?, edge_type, added)
    }

    /// Calls `visit` with the node at the other end of each of `node`'s edges in `direction`:
    /// the traversal path, a plain loop over the run (or the hub's segments) in place. Stops at
    /// the first error `visit` returns.
    pub fn for_each_neighbor<S: PageSource, E: From<Error>>(
        &self,
        src: &S,
        node: u64,
        direction: Direction,
        mut visit: impl FnMut(u64) -> Result<(), E>,
    ) -> Result<(), E> {
        visit_chunks(src, self.list(src, node, direction)?, None, |ids| {
            ids.try_each(&mut visit)
        })?;
        for e in self.delta_list(src, node, direction)? {
            visit(e.neighbor_id())?;
        }
        Ok(())
    }

    /// Adds `neighbor` to `node`'s list in `direction` through the delta: the entry goes into
    /// the tier this transaction writes, and a later [`Adjacency::settle`] folds it into the
    /// list. Costs pages in proportion to the transaction's entries, not to the lists they
    /// join. Where writing in place copies nothing committed (the leaf is new, or this
    /// transaction copied it already) and the delta has nothing for the leaf, the entry goes
    /// into the list at once, as [`Adjacency::insert`] does. Ids and types are refused as by
    /// [`Adjacency::insert`].
    pub fn insert_deferred(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
        neighbor: Neighbor,
    ) -> Result<()> {
        id40("node id", node)?;
        let entry = neighbor.entry()?;
        if self.in_place(txn, node)? {
            return self.insert(txn, node, direction, neighbor);
        }
        self.delta
            .add(txn, &mut [delta::cell(node, direction, &entry)])
    }

    /// Whether a deferred write to `node`'s lists costs no more in place: its leaf does not
    /// exist yet or this transaction has copied it already (so nothing committed is copied),
    /// and the delta holds nothing for the leaf's nodes (so the lists' entries still read
    /// before every deferred one). A graph built in one transaction never uses the delta.
    fn in_place(&self, txn: &WriteTxn, node: u64) -> Result<bool> {
        let leaf = self.copied_page(txn, node)?;
        if leaf.is_some_and(|page| !txn.is_writable(page)) {
            return Ok(false);
        }
        if self.delta.directory.is_empty() {
            return Ok(true);
        }
        let first = node - node % NODES_PER_LEAF as u64;
        let tiers = Tiers::load(txn, &self.delta.directory)?;
        Ok(!tiers.any_in(txn, first..first + NODES_PER_LEAF as u64)?)
    }

    /// The page a write to `node`'s leaf copies, if any: the leaf's own, or for an odd leaf
    /// without one, the pair page before it that holds it. The writers ask this of every leaf a
    /// commit writes to, so it reads a page only for an odd leaf without one (the tag of the
    /// page before it): reading each leaf kept every commit's leaves in the resident set
    /// (scenario E at 10x: 374 MiB of mapped file pages against 137).
    pub(crate) fn copied_page(&self, src: &impl PageSource, node: u64) -> Result<Option<PageId>> {
        let index = node / NODES_PER_LEAF as u64;
        if let Some(page) = self.leaves.get(src, index)? {
            return Ok(Some(page));
        }
        if index.is_multiple_of(2) {
            return Ok(None);
        }
        self.pair_at(src, index - 1)
    }

    /// Folds the delta into the lists when it is due: when it holds at least as many entries
    /// as the lists (and at least [`FOLD_MIN_ENTRIES`]); otherwise, with more than
    /// [`MAX_TIERS`] tiers, merges the smallest few into one. `entries` is the number of
    /// entries of the whole store, delta included (twice the edges); it only times the fold.
    /// Call before each commit: it also closes the tier the transaction wrote, so the next
    /// transaction starts its own.
    pub fn settle(&mut self, txn: &mut WriteTxn, entries: u64) -> Result<()> {
        self.delta.open = None;
        if self.delta.directory.is_empty() {
            return Ok(());
        }
        let tiers = Tiers::load(&*txn, &self.delta.directory)?;
        let deferred = tiers.entries();
        let stored = entries.saturating_sub(deferred);
        if deferred >= FOLD_MIN_ENTRIES.max(stored) {
            self.fold_tiers(txn, &tiers)?;
        } else if tiers.count() > MAX_TIERS {
            self.delta.merge_smallest(txn, &tiers)?;
        }
        Ok(())
    }

    /// Moves every entry of the delta into its list, a run of leaves at a time, and frees the
    /// tiers. A list's entries keep their reading order.
    pub fn fold(&mut self, txn: &mut WriteTxn) -> Result<()> {
        let tiers = Tiers::load(&*txn, &self.delta.directory)?;
        self.fold_tiers(txn, &tiers)
    }

    /// [`Adjacency::fold`] of `tiers`, the delta's.
    fn fold_tiers(&mut self, txn: &mut WriteTxn, tiers: &Tiers) -> Result<()> {
        let mut found = Vec::new();
        let mut from = 0;
        let mut chunks = 0u64;
        while let Some(first) = tiers.next_node(&*txn, from)? {
            let start = first - first % NODES_PER_LEAF as u64;
            let end = start.saturating_add(FOLD_NODES);
            tiers.lists_in(&*txn, start..end, &mut found)?;
            self.add_lists(txn, &found)?;
            from = end;
            chunks += 1;
            if chunks.is_multiple_of(RELEASE_EVERY_CHUNKS) {
                txn.release_mapped_pages()?;
            }
        }
        self.delta.clear(txn)?;
        if chunks > RELEASE_EVERY_CHUNKS {
            txn.release_mapped_pages()?;
        }
        Ok(())
    }

    /// Adds `neighbor` to `node`'s list in `direction` in place, copying the pages of the list
    /// and its leaf (so it reads before the list's delta entries, if it has any). An id
    /// above [`U40::MAX`] (`node`'s or the entry's) or a type above `u16::MAX` is refused with
    /// [`Error::OutOfRange`], the store unchanged.
    pub fn insert(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
        neighbor: Neighbor,
    ) -> Result<()> {
        id40("node id", node)?;
        let entry = neighbor.entry()?;
        let path = self
            .leaf_mut(txn, node, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf not created".into()))?;
        let index = slot_index(node, direction);
        let slot = run::slot(txn.page_as::<AdjLeafPage>(path.leaf)?, index)?;
        match slot.form {
            FORM_HUB => {
                let hub_id = run::cow_owned(txn, path.leaf, slot.page.get())?;
                hub::push(txn, hub_id, entry)
            }
            FORM_RUN if usize::from(slot.count.get()) >= HUB_THRESHOLD => {
                make_hub(txn, path.leaf, node, direction, slot, &[entry])
            }
            _ => run::append(txn, path.leaf, index, &[entry]),
        }
    }

    /// Adds every entry of `batch` to `node`'s list in `direction`: one descent and one
    /// placement for the whole batch instead of one per entry. A new short list reserves exactly
    /// the batch; a list that passes [`HUB_THRESHOLD`] becomes a hub at once. If any id or type
    /// is out of range (as for [`Adjacency::insert`]), none is added.
    pub fn extend(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
        batch: &[Neighbor],
    ) -> Result<()> {
        let entries = encode(node, batch)?;
        if entries.is_empty() {
            return Ok(());
        }
        let path = self
            .leaf_mut(txn, node, true)?
            .ok_or_else(|| Error::Corrupt("adjacency leaf not created".into()))?;
        let index = slot_index(node, direction);
        let slot = run::slot(txn.page_as::<AdjLeafPage>(path.leaf)?, index)?;
        if slot.form == FORM_HUB {
            let hub_id = run::cow_owned(txn, path.leaf, slot.page.get())?;
            return entries.iter().try_for_each(|e| hub::push(txn, hub_id, *e));
        }
        let count = match slot.form {
            FORM_RUN => usize::from(slot.count.get()),
            _ => 0,
        };
        if count + entries.len() > HUB_THRESHOLD {
            return make_hub(txn, path.leaf, node, direction, slot, &entries);
        }
        run::append(txn, path.leaf, index, &entries)
    }

    /// Removes the entry of `neighbor.edge` (whose type is `neighbor.edge_type`) from `node`'s
    /// list in `direction`. Returns whether it was there (never, for an id or type the store
    /// cannot hold).
    pub fn remove(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
        neighbor: Neighbor,
    ) -> Result<bool> {
        if !self.delta.directory.is_empty()
            && node <= U40::MAX
            && neighbor.edge <= U40::MAX
            && self
                .delta
                .remove(txn, &delta::key_of(node, direction, neighbor.edge))?
                .is_some()
        {
            return Ok(true);
        }
        let Some(path) = self.leaf_mut(txn, node, false)? else {
            return Ok(false);
        };
        let index = slot_index(node, direction);
        let slot = run::slot(txn.page_as::<AdjLeafPage>(path.leaf)?, index)?;
        let removed = match slot.form {
            FORM_RUN => run::remove(txn, path.leaf, index, neighbor.edge)?,
            FORM_HUB => {
                let hub_id = run::cow_owned(txn, path.leaf, slot.page.get())?;
                match hub::remove(txn, hub_id, neighbor)? {
                    Some(0) => {
                        run::set_slot(txn, path.leaf, index, run::EMPTY)?;
                        hub::free(txn, hub_id)?;
                        run::clear_owned(txn, path.leaf, slot.page.get())?;
                        true
                    }
                    Some(_) => true,
                    None => false,
                }
            }
            _ => false,
        };
        self.drop_leaf_if_empty(txn, path)?;
        Ok(removed)
    }

    /// Removes `node`'s whole list in `direction` and returns what it held.
    pub fn remove_all(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
    ) -> Result<Vec<Neighbor>> {
        let added = self.delta.remove_list(txn, node, direction)?;
        let mut removed = self.remove_all_stored(txn, node, direction)?;
        removed.extend(added.iter().map(Neighbor::from_entry));
        Ok(removed)
    }

    /// Removes `node`'s stored list in `direction` (not its delta entries) and returns it.
    fn remove_all_stored(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        direction: Direction,
    ) -> Result<Vec<Neighbor>> {
        let Some(path) = self.leaf_mut(txn, node, false)? else {
            return Ok(Vec::new());
        };
        let index = slot_index(node, direction);
        let slot = run::slot(txn.page_as::<AdjLeafPage>(path.leaf)?, index)?;
        let removed = match slot.form {
            FORM_RUN => {
                let page =
                    run::owned_page(txn.page_as::<AdjLeafPage>(path.leaf)?, slot.page.get())?;
                let entries = run::run_entries(txn.page_as::<RunPage>(page)?, &slot)?;
                run::set_slot(txn, path.leaf, index, run::EMPTY)?;
                run::release_if_unused(txn, path.leaf, slot.page.get())?;
                entries.iter().map(Neighbor::from_entry).collect()
            }
            FORM_HUB => {
                let hub_id =
                    run::owned_page(txn.page_as::<AdjLeafPage>(path.leaf)?, slot.page.get())?;
                let entries = hub::entries(&*txn, hub_id)?;
                run::set_slot(txn, path.leaf, index, run::EMPTY)?;
                hub::free(txn, hub_id)?;
                run::clear_owned(txn, path.leaf, slot.page.get())?;
                entries
            }
            _ => Vec::new(),
        };
        self.drop_leaf_if_empty(txn, path)?;
        Ok(removed)
    }

    /// Copies (or, with `create`, makes) the path to `node`'s leaf, in the form with run pages
    /// that every writer of runs and pages works on (an inline leaf is expanded:
    /// [`run::expand_inline`]).
    pub(crate) fn leaf_mut(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        create: bool,
    ) -> Result<Option<RadixPath>> {
        let path = self.leaf_path_mut(txn, node, create)?;
        if let Some(path) = &path {
            run::expand_inline(txn, path.leaf)?;
        }
        Ok(path)
    }

    /// [`Adjacency::leaf_mut`], leaving an inline leaf as it is: for a rebuild of the whole
    /// leaf, which reads either form. A pair holding the leaf is split first
    /// ([`Adjacency::split_pair`]).
    pub(crate) fn leaf_path_mut(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        create: bool,
    ) -> Result<Option<RadixPath>> {
        let index = node / NODES_PER_LEAF as u64;
        self.split_pair(txn, index)?;
        let path = self
            .leaves
            .leaf_mut(txn, index, create.then_some(ADJ_LEAF))?;
        if let Some(path) = &path
            && path.created
        {
            txn.page_mut_as::<AdjLeafPage>(path.leaf)?.first_node =
                U64::new(index * NODES_PER_LEAF as u64);
        }
        Ok(path)
    }

    /// Frees a leaf whose lists are all empty.
    fn drop_leaf_if_empty(&mut self, txn: &mut WriteTxn, path: RadixPath) -> Result<()> {
        let leaf = txn.page_as::<AdjLeafPage>(path.leaf)?;
        if leaf.slots.iter().all(|s| s.form == FORM_EMPTY)
            && (leaf.is_inline() || leaf.pages.iter().all(|p| p.get() == 0))
        {
            self.leaves.remove_leaf(txn, path)?;
        }
        Ok(())
    }
}

/// Turns the list in `slot` (empty or a run) into a hub holding its entries and `added`.
fn make_hub(
    txn: &mut WriteTxn,
    leaf: PageId,
    node: u64,
    direction: Direction,
    slot: ListSlot,
    added: &[AdjEntry],
) -> Result<()> {
    let index = slot_index(node, direction);
    let entries = match slot.form {
        FORM_RUN => {
            let page = run::owned_page(txn.page_as::<AdjLeafPage>(leaf)?, slot.page.get())?;
            let entries = run::run_entries(txn.page_as::<RunPage>(page)?, &slot)?;
            run::set_slot(txn, leaf, index, run::EMPTY)?;
            run::release_if_unused(txn, leaf, slot.page.get())?;
            entries
        }
        _ => Vec::new(),
    };
    let hub_id = hub::create(txn, node, direction.index())?;
    let page_index = run::adopt(txn, leaf, hub_id)?;
    let mut all = entries;
    all.extend_from_slice(added);
    hub::fill(txn, hub_id, &all)?;
    run::set_slot(
        txn,
        leaf,
        index,
        ListSlot {
            form: FORM_HUB,
            reserved: 0,
            capacity: U16::ZERO,
            page: U16::new(page_index),
            offset: U16::ZERO,
            count: U16::ZERO,
        },
    )
}
