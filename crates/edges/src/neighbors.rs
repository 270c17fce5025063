//! Reading a neighbour list in place.

use pager_mmap::PageSource;

use crate::Neighbor;
use crate::error::Result;
use crate::hub::{hub_types, segment_entries};
use crate::layout::{AdjEntry, HubPage, HubType, SEGMENT_CAPACITY, SegEntry};

/// Where a list is.
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
}

impl<'a, S: PageSource> Neighbors<'a, S> {
    pub(crate) fn new(
        src: &'a S,
        list: List<'a>,
        edge_type: Option<u32>,
    ) -> Result<Neighbors<'a, S>> {
        let mut neighbors = Neighbors {
            src,
            edge_type,
            run: [].iter(),
            types: Vec::new().into_iter(),
            current: None,
            segment: [].iter(),
            failed: false,
        };
        match list {
            List::Empty => {}
            List::Run(entries) => neighbors.run = entries.iter(),
            List::Hub(hub) => {
                let mut types = hub_types(hub)?;
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
                    node: e.neighbor.get(),
                    edge: e.edge.get(),
                    edge_type,
                }));
            }
            match self.next_segment() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
