//! Reading a neighbour list in place.

use pager_mmap::PageSource;

use crate::Neighbor;
use crate::error::Result;
use crate::hub::{hub_types, segment_entries};
use crate::layout::{AdjEntry, HubPage, HubType, SEGMENT_CAPACITY, SegEntry};

/// The neighbour ids of one stretch of a list read in place: a whole run, or one segment of a
/// hub. [`crate::ListReader::for_each_chunk`] hands these out so that the caller's loop over a
/// stretch is a plain loop over its entries: `fold` (and what is built on it: `sum`,
/// `for_each`) and [`NodeIds::try_each`] decide the stretch's form once, not per entry.
#[derive(Clone, Debug)]
pub struct NodeIds<'a> {
    stretch: Stretch<'a>,
}

#[derive(Clone, Debug)]
enum Stretch<'a> {
    /// Every entry of a run.
    Run(std::slice::Iter<'a, AdjEntry>),
    /// The entries of a run whose edge type is listed.
    RunOfTypes(std::slice::Iter<'a, AdjEntry>, &'a [u32]),
    /// A hub segment: every entry has the type asked for.
    Segment(std::slice::Iter<'a, SegEntry>),
}

/// Whether `entry`'s type is one of `types`.
#[inline]
fn typed_as(entry: &AdjEntry, types: &[u32]) -> bool {
    types.contains(&u32::from(entry.edge_type.get()))
}

impl<'a> NodeIds<'a> {
    /// Every entry of `run`, or those of `types` when given.
    pub(crate) fn run(run: &'a [AdjEntry], types: Option<&'a [u32]>) -> NodeIds<'a> {
        let stretch = match types {
            None => Stretch::Run(run.iter()),
            Some(types) => Stretch::RunOfTypes(run.iter(), types),
        };
        NodeIds { stretch }
    }

    /// Every entry of a hub segment.
    pub(crate) fn segment(segment: &'a [SegEntry]) -> NodeIds<'a> {
        NodeIds {
            stretch: Stretch::Segment(segment.iter()),
        }
    }

    /// Calls `visit` with each id in order, stopping at the first error it returns.
    #[inline]
    pub fn try_each<E>(self, mut visit: impl FnMut(u64) -> Result<(), E>) -> Result<(), E> {
        match self.stretch {
            Stretch::Run(entries) => entries.into_iter().try_for_each(|e| visit(e.neighbor_id())),
            Stretch::RunOfTypes(entries, types) => entries
                .into_iter()
                .filter(|e| typed_as(e, types))
                .try_for_each(|e| visit(e.neighbor_id())),
            Stretch::Segment(entries) => {
                entries.into_iter().try_for_each(|e| visit(e.neighbor_id()))
            }
        }
    }
}

impl Iterator for NodeIds<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match &mut self.stretch {
            Stretch::Run(entries) => entries.next().map(|e| e.neighbor_id()),
            Stretch::RunOfTypes(entries, types) => entries
                .find(|e| typed_as(e, types))
                .map(|e| e.neighbor_id()),
            Stretch::Segment(entries) => entries.next().map(|e| e.neighbor_id()),
        }
    }

    #[inline]
    fn fold<B, F: FnMut(B, u64) -> B>(self, init: B, mut f: F) -> B {
        match self.stretch {
            Stretch::Run(entries) => entries.fold(init, |acc, e| f(acc, e.neighbor_id())),
            Stretch::RunOfTypes(entries, types) => entries
                .filter(|e| typed_as(e, types))
                .fold(init, |acc, e| f(acc, e.neighbor_id())),
            Stretch::Segment(entries) => entries.fold(init, |acc, e| f(acc, e.neighbor_id())),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.stretch {
            Stretch::Run(entries) => entries.size_hint(),
            Stretch::RunOfTypes(entries, _) => (0, entries.size_hint().1),
            Stretch::Segment(entries) => entries.size_hint(),
        }
    }
}

/// Where a list is.
#[derive(Clone, Copy)]
pub(crate) enum List<'a> {
    Empty,
    Run(&'a [AdjEntry]),
    Hub(&'a HubPage),
}

/// The neighbours of one node in one direction, optionally of one edge type, in storage order.
/// Short lists are one contiguous run; long ones are read segment by segment.
pub struct Neighbors<'a, S> {
    src: &'a S,
    edge_type: Option<u32>,
    run: std::slice::Iter<'a, AdjEntry>,
    /// A hub's types still to read (only the one asked for, when filtering).
    types: std::vec::IntoIter<HubType>,
    current: Option<(HubType, u64)>,
    segment: std::slice::Iter<'a, SegEntry>,
    failed: bool,
    /// The list's delta entries, read after the stored ones.
    added: std::vec::IntoIter<AdjEntry>,
}

impl<'a, S: PageSource> Neighbors<'a, S> {
    #[inline]
    pub(crate) fn new(
        src: &'a S,
        list: List<'a>,
        edge_type: Option<u32>,
        added: Vec<AdjEntry>,
    ) -> Result<Neighbors<'a, S>> {
        let mut neighbors = Neighbors {
            src,
            edge_type,
            run: [].iter(),
            types: Vec::new().into_iter(),
            current: None,
            segment: [].iter(),
            failed: false,
            added: added.into_iter(),
        };
        match list {
            List::Empty => {}
            List::Run(entries) => neighbors.run = entries.iter(),
            List::Hub(hub) => {
                let mut types = hub_types(hub)?.to_vec();
                if let Some(t) = edge_type {
                    types.retain(|ht| ht.edge_type.get() == t);
                }
                neighbors.types = types.into_iter();
            }
        }
        Ok(neighbors)
    }

    /// The next segment of the hub, or false when none is left.
    fn next_segment(&mut self) -> Result<bool> {
        loop {
            if let Some((t, index)) = self.current.as_mut()
                && *index < t.count.get().div_ceil(SEGMENT_CAPACITY as u64)
            {
                self.segment = segment_entries(self.src, t, *index)?.iter();
                *index += 1;
                return Ok(true);
            }
            match self.types.next() {
                Some(t) => self.current = Some((t, 0)),
                None => return Ok(false),
            }
        }
    }
}

impl<S: PageSource> Iterator for Neighbors<'_, S> {
    type Item = Result<Neighbor>;

    fn next(&mut self) -> Option<Self::Item> {
        for e in self.run.by_ref() {
            if self
                .edge_type
                .is_none_or(|t| u32::from(e.edge_type.get()) == t)
            {
                return Some(Ok(Neighbor::from_entry(e)));
            }
        }
        loop {
            if self.failed {
                return None;
            }
            if let Some(e) = self.segment.next() {
                let edge_type = self.current.as_ref().map_or(0, |(t, _)| t.edge_type.get());
                return Some(Ok(Neighbor {
                    node: e.neighbor_id(),
                    edge: e.edge.get(),
                    edge_type,
                }));
            }
            match self.next_segment() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        let edge_type = self.edge_type;
        self.added
            .find(|e| edge_type.is_none_or(|t| u32::from(e.edge_type.get()) == t))
            .map(|e| Ok(Neighbor::from_entry(&e)))
    }
}
