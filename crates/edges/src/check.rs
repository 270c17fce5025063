//! `check` for the adjacency store: every leaf, run, hub and segment, verified from the bytes.

use std::collections::BTreeSet;

use pager_mmap::{PageId, PageSource, page_type_of, typed};

use crate::adjacency::{Adjacency, Direction, Neighbor};
use crate::error::Result;
use crate::hub::{hub_types, segment_entries, segments};
use crate::layout::{
    AdjEntry, AdjLeafPage, FORM_EMPTY, FORM_HUB, FORM_RUN, HUB_THRESHOLD, HubPage, INLINE_CAPACITY,
    NODES_PER_LEAF, PAIR, PAIR_CAPACITY, PairPage, RUN_CAPACITY, RunPage, SEGMENT_CAPACITY,
};

/// Where a leaf's runs are: a run page's entries or an inline leaf's own.
struct RunArea<'a> {
    /// Names the area in problems.
    label: String,
    entries: &'a [AdjEntry],
    /// Entries in use, from the start.
    used: usize,
    /// The most entries the area holds.
    capacity: usize,
}

/// What the walk found.
struct Walk<'p, V> {
    pages: &'p mut Vec<PageId>,
    problems: Vec<String>,
    visit: V,
}

impl Adjacency {
    /// Walks every list: leaves at their nodes; every owned page referenced by runs or by exactly
    /// one hub, of the matching type; runs inside their page's used entries, not overlapping, at
    /// most [`HUB_THRESHOLD`] long; hubs owned by their node and direction, with distinct types
    /// of at most 16 bits whose counts add up to the degree, each with exactly the segments its
    /// count needs; then the delta's directory and tiers as B+trees whose entries decode.
    /// Calls `visit(node, direction, neighbor)` for every entry, the delta's included, appends
    /// every page the store reaches to `pages`, and returns the problems found.
    pub fn check<S: PageSource>(
        &self,
        src: &S,
        pages: &mut Vec<PageId>,
        visit: impl FnMut(u64, Direction, Neighbor),
    ) -> Result<Vec<String>> {
        let mut leaves = Vec::new();
        let mut problems = Vec::new();
        let collect = |index, page| {
            leaves.push((index, page));
            Ok(())
        };
        if let Err(e) = self.root().walk(src, collect, pages) {
            problems.push(format!("adjacency radix pages: {e}"));
        }
        let mut walk = Walk {
            pages,
            problems,
            visit,
        };
        // The leaf after a pair, which must have no page of its own.
        let mut paired = None;
        for (index, page) in leaves {
            walk.pages.push(page);
            if paired == Some(index) {
                walk.problems.push(format!(
                    "adjacency leaf {index} has page {page}, but the pair before it holds it"
                ));
            }
            let first_node = index * NODES_PER_LEAF as u64;
            let bytes = match src.page(page) {
                Ok(bytes) => bytes,
                Err(e) => {
                    walk.problems.push(format!("adjacency leaf {page}: {e}"));
                    continue;
                }
            };
            if page_type_of(bytes) == PAIR {
                paired = Some(index + 1);
                match typed::<PairPage>(page, bytes) {
                    Ok(pair) if index.is_multiple_of(2) => walk.pair(page, pair, first_node),
                    Ok(_) => walk
                        .problems
                        .push(format!("pair page {page} in the slot of odd leaf {index}")),
                    Err(e) => walk.problems.push(format!("pair page {page}: {e}")),
                }
                continue;
            }
            match typed::<AdjLeafPage>(page, bytes) {
                Ok(leaf) => walk.leaf(src, page, leaf, first_node),
                Err(e) => walk.problems.push(format!("adjacency leaf {page}: {e}")),
            }
        }
        let Walk {
            pages,
            mut problems,
            mut visit,
        } = walk;
        problems.extend(self.delta.check(src, pages, |node, direction, e| {
            visit(node, direction, Neighbor::from_entry(&e))
        })?);
        Ok(problems)
    }
}

impl Adjacency {
    /// Appends the pages of the delta (its directory and tiers, B+tree pages) to `pages`,
    /// walking them as [`Adjacency::check`] does but reporting nothing: for accounting.
    pub fn delta_pages<S: PageSource>(&self, src: &S, pages: &mut Vec<PageId>) -> Result<()> {
        self.delta.check(src, pages, |_, _, _| {})?;
        Ok(())
    }
}

fn direction_of(slot: usize) -> Direction {
    if slot.is_multiple_of(2) {
        Direction::Out
    } else {
        Direction::In
    }
}

impl<V: FnMut(u64, Direction, Neighbor)> Walk<'_, V> {
    fn leaf<S: PageSource>(&mut self, src: &S, id: PageId, leaf: &AdjLeafPage, first_node: u64) {
        if leaf.first_node.get() != first_node {
            self.problems.push(format!(
                "adjacency leaf {id} says node {}, its position {first_node}",
                leaf.first_node.get()
            ));
        }
        if leaf.is_inline() {
            return self.inline_leaf(id, leaf, first_node);
        }
        let mut used = false;
        for (i, slot) in leaf.slots.iter().enumerate() {
            let referenced = leaf
                .pages
                .get(usize::from(slot.page.get()))
                .is_some_and(|p| p.get() != 0);
            match slot.form {
                FORM_EMPTY => {}
                FORM_RUN | FORM_HUB if !referenced => {
                    self.problems.push(format!(
                        "leaf {id} slot {i} refers to empty page slot {}",
                        slot.page.get()
                    ));
                }
                FORM_RUN | FORM_HUB => used = true,
                other => self
                    .problems
                    .push(format!("leaf {id} slot {i} has form {other}")),
            }
        }
        for (index, page) in leaf.pages.iter().enumerate() {
            if page.get() == 0 {
                continue;
            }
            used = true;
            let page = PageId(page.get());
            let runs: Vec<usize> = (0..leaf.slots.len())
                .filter(|i| {
                    leaf.slots
                        .get(*i)
                        .is_some_and(|s| s.form == FORM_RUN && usize::from(s.page.get()) == index)
                })
                .collect();
            let hubs: Vec<usize> = (0..leaf.slots.len())
                .filter(|i| {
                    leaf.slots
                        .get(*i)
                        .is_some_and(|s| s.form == FORM_HUB && usize::from(s.page.get()) == index)
                })
                .collect();
            match (runs.is_empty(), hubs.as_slice()) {
                (false, []) => self.run_page(src, leaf, page, first_node, &runs),
                (true, [slot]) => self.hub(
                    src,
                    page,
                    first_node + (*slot / 2) as u64,
                    direction_of(*slot),
                ),
                (true, []) => self
                    .problems
                    .push(format!("leaf {id} owns page {page}, which no list uses")),
                _ => self.problems.push(format!(
                    "leaf {id}: page {page} is used by more than one hub, or by a hub and runs"
                )),
            }
        }
        if !used {
            self.problems.push(format!(
                "adjacency leaf {id} is empty and should have been freed"
            ));
        }
    }

    /// A pair page: list ends in order within its entries, some entry in use; visits its
    /// lists' entries.
    fn pair(&mut self, id: PageId, pair: &PairPage, first_node: u64) {
        if pair.first_node.get() != first_node {
            self.problems.push(format!(
                "pair page {id} says node {}, its position {first_node}",
                pair.first_node.get()
            ));
        }
        let mut start = 0;
        for (list, end) in pair.ends.iter().enumerate() {
            let end = usize::from(end.get());
            if end < start || end > PAIR_CAPACITY {
                self.problems.push(format!(
                    "pair page {id}: list {list} ends at {end}, after {start}, of {PAIR_CAPACITY}"
                ));
                return;
            }
            let node = first_node + (list / 2) as u64;
            for e in pair.entries.get(start..end).unwrap_or_default() {
                (self.visit)(node, direction_of(list), Neighbor::from_entry(e));
            }
            start = end;
        }
        if start == 0 {
            self.problems.push(format!(
                "pair page {id} is empty and should have been freed"
            ));
        }
    }

    /// A leaf that keeps its runs in its own page: every list a run on page 0, within the
    /// leaf's used entries.
    fn inline_leaf(&mut self, id: PageId, leaf: &AdjLeafPage, first_node: u64) {
        let mut runs = Vec::new();
        for (i, slot) in leaf.slots.iter().enumerate() {
            match slot.form {
                FORM_EMPTY => {}
                FORM_RUN if slot.page.get() == 0 => runs.push(i),
                other => self.problems.push(format!(
                    "inline leaf {id} slot {i} has form {other} on page slot {}",
                    slot.page.get()
                )),
            }
        }
        if runs.is_empty() {
            self.problems.push(format!(
                "adjacency leaf {id} is empty and should have been freed"
            ));
        }
        let area = RunArea {
            label: format!("inline leaf {id}"),
            entries: leaf.inline_entries(),
            used: usize::from(leaf.inline_used.get()),
            capacity: INLINE_CAPACITY,
        };
        self.runs_in(&area, leaf, first_node, &runs);
    }

    fn run_page<S: PageSource>(
        &mut self,
        src: &S,
        leaf: &AdjLeafPage,
        id: PageId,
        first_node: u64,
        runs: &[usize],
    ) {
        self.pages.push(id);
        let page = match src.page_as::<RunPage>(id) {
            Ok(page) => page,
            Err(e) => return self.problems.push(format!("run page {id}: {e}")),
        };
        let area = RunArea {
            label: format!("run page {id}"),
            entries: &page.entries,
            used: usize::from(page.used.get()),
            capacity: RUN_CAPACITY,
        };
        self.runs_in(&area, leaf, first_node, runs);
    }

    /// Checks the runs of `runs` (slots of `leaf`) in `area`, and visits their entries.
    fn runs_in(&mut self, area: &RunArea<'_>, leaf: &AdjLeafPage, first_node: u64, runs: &[usize]) {
        let (id, entries, used, capacity) = (&area.label, area.entries, area.used, area.capacity);
        if used > capacity {
            self.problems
                .push(format!("{id} uses {used} of {capacity} entries"));
        }
        let mut ranges = BTreeSet::new();
        for &slot_index in runs {
            let Some(slot) = leaf.slots.get(slot_index) else {
                continue;
            };
            let start = usize::from(slot.offset.get());
            let count = usize::from(slot.count.get());
            let capacity = usize::from(slot.capacity.get());
            if count == 0 || count > capacity || capacity > HUB_THRESHOLD || start + capacity > used
            {
                self.problems.push(format!("{id}: run {start}+{count} (capacity {capacity}) is empty, too long or past the used mark {used}"));
                continue;
            }
            ranges.insert((start, start + capacity));
            let node = first_node + (slot_index / 2) as u64;
            for e in entries.get(start..start + count).unwrap_or_default() {
                (self.visit)(node, direction_of(slot_index), Neighbor::from_entry(e));
            }
        }
        let ranges: Vec<_> = ranges.into_iter().collect();
        for pair in ranges.windows(2) {
            if let [(_, end), (start, _)] = pair
                && start < end
            {
                self.problems
                    .push(format!("{id}: runs overlap at entry {start}"));
            }
        }
    }

    fn hub<S: PageSource>(&mut self, src: &S, id: PageId, node: u64, direction: Direction) {
        self.pages.push(id);
        let hub = match src.page_as::<HubPage>(id) {
            Ok(hub) => hub,
            Err(e) => return self.problems.push(format!("hub page {id}: {e}")),
        };
        if hub.node.get() != node || hub.direction != direction.index() {
            self.problems.push(format!(
                "hub {id} says node {} direction {}, its slot node {node} {direction:?}",
                hub.node.get(),
                hub.direction
            ));
        }
        let types = match hub_types(hub) {
            Ok(types) => types,
            Err(e) => return self.problems.push(format!("hub {id}: {e}")),
        };
        let distinct: BTreeSet<u32> = types.iter().map(|t| t.edge_type.get()).collect();
        if distinct.len() != types.len() {
            self.problems
                .push(format!("hub {id} lists an edge type twice"));
        }
        if let Some(wide) = distinct.last().filter(|t| **t > u32::from(u16::MAX)) {
            self.problems
                .push(format!("hub {id} has edge type {wide}, above {}", u16::MAX));
        }
        // Counts come from the page: add without overflowing, a corrupt one must not panic.
        let total = types
            .iter()
            .fold(0u64, |sum, t| sum.saturating_add(t.count.get()));
        if total != hub.degree.get() {
            self.problems.push(format!(
                "hub {id}: degree {} but its types hold {total}",
                hub.degree.get()
            ));
        }
        for t in types {
            let wanted = t.count.get().div_ceil(SEGMENT_CAPACITY as u64);
            let mut indexes = Vec::new();
            let walked = segments(t).and_then(|segs| {
                segs.walk(
                    src,
                    |i, page| {
                        indexes.push((i, page));
                        Ok(())
                    },
                    self.pages,
                )
                .map_err(Into::into)
            });
            if let Err(e) = walked {
                self.problems
                    .push(format!("hub {id} type {}: {e}", t.edge_type.get()));
                continue;
            }
            if t.count.get() == 0 || indexes.iter().map(|(i, _)| *i).ne(0..wanted) {
                self.problems.push(format!(
                    "hub {id} type {}: {} segments for {} entries",
                    t.edge_type.get(),
                    indexes.len(),
                    t.count.get()
                ));
                continue;
            }
            for (i, page) in indexes {
                self.pages.push(page);
                match segment_entries(src, t, i) {
                    Ok(entries) => {
                        for e in entries {
                            let n = Neighbor {
                                node: e.neighbor.get(),
                                edge: e.edge.get(),
                                edge_type: t.edge_type.get(),
                            };
                            (self.visit)(node, direction, n);
                        }
                    }
                    Err(e) => self.problems.push(format!("hub {id}: {e}")),
                }
            }
        }
    }
}
